"""Bilingual (Swedish/English) texts and the error base class that carries them."""

from __future__ import annotations

from dataclasses import dataclass
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

    def __init__(self, text: Text | None = None, /, **params: Any) -> None:
        self.text = text if text is not None else self.template.format(**params)
        self.params = params
        super().__init__(self.text.en)

    def message(self, language: str = DEFAULT_LANGUAGE) -> str:
        """Return the message in ``language``."""
        return self.text.in_language(language)
