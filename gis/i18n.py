"""Bilingual (Swedish/English) texts, the error base class that carries them, and their files."""

from __future__ import annotations

import string
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Final

LANGUAGES: Final = ("sv", "en")
DEFAULT_LANGUAGE: Final = "sv"


@dataclass(frozen=True, slots=True)
class Text:
    """One user-facing text in Swedish and English."""

    sv: str
    en: str

    def format(self, **params: Any) -> Text:
        """Fill ``{name}`` placeholders in both languages."""
        return Text(sv=self.sv.format(**params), en=self.en.format(**params))

    def in_language(self, language: str) -> str:
        """Return the text in ``language``, falling back to English for unknown codes."""
        return self.sv if language == "sv" else self.en


class LocalizedError(Exception):
    """An error whose message exists in Swedish and English.

    Subclasses set ``template``; raise them with the template's parameters, or pass a
    ready ``Text`` when one class covers several situations. ``str(error)`` is English,
    for logs and tracebacks; user interfaces call ``message(language)``.
    """

    template: ClassVar[Text] = Text(sv="Ett fel inträffade.", en="An error occurred.")
    field: str | None = None
    """What the user should correct, when one thing is (a form's field, ``position``)."""

    def __init__(self, text: Text | None = None, /, **params: Any) -> None:
        self.text = text if text is not None else self.template.format(**params)
        self.params = params
        super().__init__(self.text.en)

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        """Return the message in ``language``."""
        return self.text.in_language(language)


class TextsFileError(LocalizedError):
    """A texts file that is missing, not TOML, or has an entry that is not a pair of texts.

    The files ship with the code, so this is a mistake in an edit of them, found when the
    module that reads the file is imported.
    """


def texts_from_file(path: Path, section: str) -> dict[str, Text]:
    """Read the texts of ``[section]`` in the TOML file ``path``, in the file's order.

    Each entry is ``key = { sv = "…", en = "…" }``: both languages, neither empty, nothing
    else, and the same ``{placeholders}`` in both.

    Raises
    ------
    TextsFileError
        Naming the file, the section, the key and what is wrong with it.
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TextsFileError(
            Text(sv=f"Textfilen {path} finns inte.", en=f"The texts file {path} does not exist.")
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise TextsFileError(
            Text(
                sv=f"Textfilen {path} är inte giltig TOML: {error}",
                en=f"The texts file {path} is not valid TOML: {error}",
            )
        ) from None
    entries = document.get(section)
    if not isinstance(entries, dict) or not entries:
        raise _problem(
            path,
            f"[{section}]",
            "avsnittet saknas eller är tomt",
            "no such section, or it is empty",
        )
    return {
        key: _text_from_entry(path, f"[{section}] {key}", entry) for key, entry in entries.items()
    }


def _text_from_entry(path: Path, where: str, entry: object) -> Text:
    if not isinstance(entry, dict):
        raise _problem(
            path, where, 'ska vara { sv = "…", en = "…" }', 'must be { sv = "…", en = "…" }'
        )
    for language in LANGUAGES:
        value = entry.get(language)
        if not isinstance(value, str) or not value.strip():
            raise _problem(
                path,
                where,
                f"{language} saknas eller är tom; skriv texten på båda språken",
                f"{language} is missing or empty; write the text in both languages",
            )
    extra = sorted(set(entry) - set(LANGUAGES))
    if extra:
        raise _problem(
            path,
            where,
            f"okänd nyckel {', '.join(extra)}; bara sv och en är tillåtna",
            f"unknown key {', '.join(extra)}; only sv and en are allowed",
        )
    sv_names, en_names = (_placeholders(path, where, entry[lang]) for lang in LANGUAGES)
    if sv_names != en_names:
        sv_list = ", ".join(f"{{{n}}}" for n in sorted(sv_names)) or "inga"
        en_list = ", ".join(f"{{{n}}}" for n in sorted(en_names)) or "none"
        raise _problem(
            path,
            where,
            f"platshållarna skiljer sig: sv har {sv_list}, en har {en_list}; "
            "de ska vara desamma på båda språken",
            f"the placeholders differ: sv has {sv_list}, en has {en_list}; "
            "they must be the same in both languages",
        )
    return Text(sv=entry["sv"], en=entry["en"])


def _placeholders(path: Path, where: str, text: str) -> set[str]:
    """Return the names of the ``{name}`` placeholders in ``text`` (``{{`` is a brace)."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as error:
        raise _problem(
            path,
            where,
            f"klammerparenteserna går inte ihop ({error}); skriv {{{{ för en klammer i texten",
            f"the braces do not pair up ({error}); write {{{{ for a brace in the text",
        ) from None


def _problem(path: Path, where: str, sv: str, en: str) -> TextsFileError:
    return TextsFileError(
        Text(sv=f"Textfilen {path}, {where}: {sv}", en=f"Texts file {path}, {where}: {en}")
    )
