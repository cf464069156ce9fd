"""Where the pages anyone may open are served, in Swedish and in English.

Read when the server starts, before it builds the pages: it imports nothing heavy.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True, slots=True)
class Door:
    """One page in its two languages: the Swedish and the English address."""

    sv: str
    en: str

    def path(self, language: str) -> str:
        """Return the page's address in ``language``."""
        return self.sv if language == "sv" else self.en

    def language_of(self, path: str) -> str:
        """Return the language of the page at ``path``."""
        return "en" if path.rstrip("/") == self.en else "sv"


RESIDENTS: Final = Door(sv="/boende", en="/residents")
"""The residents' pages: public measures, and a place reported."""
STATEMENT: Final = Door(sv="/tillganglighet", en="/accessibility")
"""The accessibility statement."""
DOORS: Final = (RESIDENTS, STATEMENT)
FILES_PREFIX: Final = "/site"
"""Where the pages' style sheet and script are served."""
