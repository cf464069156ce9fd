"""The words of the domain in Swedish and English, defined once for every place that names things.

The command line's tables, the printed maps and protocols, the tertial reports and the app's
pages all take these words from here. Sentences that belong to one command or page stay in
that module's own table; a word that names a thing of the domain lives here.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from gis.i18n import Text

WORDS: Final[Mapping[str, Text]] = MappingProxyType(
    {
        "area": Text(sv="Område", en="Area"),
        "areas": Text(sv="Områden", en="Areas"),
        "every_area": Text(sv="Alla områden", en="Every area"),
        "category": Text(sv="Kategori", en="Category"),
        "categories": Text(sv="Kategorier", en="Categories"),
        "number": Text(sv="Nr", en="No"),
        "observations": Text(sv="Iakttagelser", en="Observations"),
        "description": Text(sv="Beskrivning", en="Description"),
        "severity": Text(sv="Allvarlighet", en="Severity"),
        "severity_short": Text(sv="Allv.", en="Sev."),
        "status": Text(sv="Status", en="Status"),
        "responsible": Text(sv="Ansvarig", en="Responsible"),
        "nobody": Text(sv="(ingen)", en="(nobody)"),
        "why": Text(sv="Varför", en="Why"),
        "measure": Text(sv="Åtgärd", en="Measure"),
        "measures": Text(sv="Åtgärder", en="Measures"),
        "deadline": Text(sv="Klart senast", en="Deadline"),
        "overdue": Text(sv="Försenad", en="Overdue"),
        "priority": Text(sv="Prioritet", en="Priority"),
        "priority_high": Text(sv="Hög", en="High"),
        "priority_medium": Text(sv="Medel", en="Medium"),
        "priority_low": Text(sv="Låg", en="Low"),
        "who": Text(sv="Vem", en="Who"),
        "what": Text(sv="Vad", en="What"),
        "photos": Text(sv="Foton", en="Photos"),
        "walks": Text(sv="Vandringar", en="Walks"),
        "walk_title": Text(sv="Rubrik", en="Title"),
        "kind": Text(sv="Typ", en="Kind"),
        "walk_kind": Text(sv="Typ av vandring", en="Kind of walk"),
        "start": Text(sv="Start", en="Start"),
        "participants": Text(sv="Deltagare", en="Participants"),
        "route": Text(sv="Rutt", en="Route"),
        "organisation": Text(sv="Organisation", en="Organisation"),
        "created": Text(sv="Skapad", en="Created"),
        "count": Text(sv="Antal", en="Count"),
        "tertial": Text(sv="Tertial", en="Tertial"),
        "map": Text(sv="Karta", en="Map"),
        "legend": Text(sv="Teckenförklaring", en="Legend"),
    }
)
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
