"""The translation table of the app's own texts (Swedish default, English)."""

from __future__ import annotations

from pathlib import Path
from typing import Final

from gis.i18n import Text, texts_from_file
from gis.webmap import OSM_ATTRIBUTION
from walks.core.model import PARTICIPANT_TITLES
from walks.core.words import WORDS

TEXTS_FILE: Final = Path(__file__).with_name("texts.toml")
"""The app's texts, for a language editor to change without touching code."""

OSM_ATTRIBUTION_SV: Final = (
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bidragsgivare'
)
"""OpenStreetMap's credit in Swedish (its licence asks for the credit, in any language)."""

TEXTS: Final[dict[str, Text]] = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "app"),
    # These stay in Python: domain words under a page's own key (the word itself is defined
    # in words.toml), and texts built from code constants.
    "page_map": WORDS["map"],
    "report_all": WORDS["every_area"],
    # Trusted HTML (links), shown in the interactive maps' attribution control.
    "osm_credit": Text(sv=OSM_ATTRIBUTION_SV, en=OSM_ATTRIBUTION),
    "web_map_credit": Text(
        sv=f"Gränser och vatten: Stockholms stad (CC0) · Demodata delvis {OSM_ATTRIBUTION_SV}",
        en=f"Boundaries and water: City of Stockholm (CC0) · Demo data partly {OSM_ATTRIBUTION}",
    ),
    "page_walks": WORDS["walks"],
    **{f"group_{group}": title for group, title in PARTICIPANT_TITLES.items()},
}


def t(key: str, language: str) -> str:
    """Return the app text ``key`` in ``language``."""
    return TEXTS[key].in_language(language)
