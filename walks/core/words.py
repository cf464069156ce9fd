"""The words of the domain in Swedish and English, defined once for every place that names things.

The command line's tables, the printed maps and protocols, the tertial reports and the app's
pages all take these words from here; they are written in ``words.toml`` beside this module.
Sentences that belong to one command or page stay in that module's own texts; a word that names
a thing of the domain lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Final

from gis.i18n import Text, texts_from_file

WORDS_FILE: Final = Path(__file__).with_name("words.toml")
"""The words, in a data file a language editor can change without touching code."""

WORDS: Final[Mapping[str, Text]] = MappingProxyType(texts_from_file(WORDS_FILE, "words"))
"""Each word of the domain, by key; the keys are for code and never shown."""


class UnknownWordError(KeyError):
    """A key that names no word in ``WORDS``: a mistake in the code, not in the data."""

    def __str__(self) -> str:
        return str(self.args[0])


def word(key: str, language: str) -> str:
    """Return the domain word ``key`` in ``language`` (``"sv"`` or ``"en"``).

    Raises
    ------
    UnknownWordError
        When ``key`` is not in ``WORDS``; the message names the key and the known ones.
    """
    try:
        text = WORDS[key]
    except KeyError:
        known = ", ".join(sorted(WORDS))
        message = f"No word {key!r} in walks.core.words.WORDS; the words are: {known}."
        raise UnknownWordError(message) from None
    return text.in_language(language)
