"""The translation table of the app's own texts (Swedish default, English)."""

from __future__ import annotations

from typing import Final

from gis.i18n import Text

TEXTS: Final[dict[str, Text]] = {
    "app_title": Text(sv="safewalk – trygghetsvandringar", en="safewalk – safety walks"),
    "language": Text(sv="Språk", en="Language"),
    "workspace": Text(sv="Arbetsyta", en="Workspace"),
    "page_map": Text(sv="Karta", en="Map"),
    "page_help": Text(sv="Hjälp", en="Help"),
    "map_title": Text(sv="Områden och iakttagelser", en="Areas and observations"),
    "map_intro": Text(
        sv="Alla områden i arbetsytan med registrerade iakttagelser. Håll muspekaren över en "
        "punkt för att se vad den gäller.",
        en="Every area in the workspace with its registered observations. Hover over a point "
        "to see what it is about.",
    ),
    "counts_title": Text(sv="Antal per område", en="Counts per area"),
    "col_area": Text(sv="Område", en="Area"),
    "col_observations": Text(sv="Iakttagelser", en="Observations"),
    "col_walks": Text(sv="Vandringar", en="Walks"),
    "col_measures": Text(sv="Åtgärder", en="Measures"),
    "demo_note": Text(
        sv="Poster märkta DEMO och området Smedshagen (demo) är påhittade exempel, inte verkliga "
        "iakttagelser.",
        en="Records marked DEMO and the area Smedshagen (demo) are made-up examples, not real "
        "observations.",
    ),
    "legend": Text(sv="Teckenförklaring", en="Legend"),
    "help_title": Text(sv="Hjälp", en="Help"),
    "help_body": Text(
        sv=(
            "**safewalk** samlar iakttagelser från trygghetsvandringar och "
            "trygghetsinventeringar. Varje område har en egen GeoPackage-fil i arbetsytan med "
            "ett lager per kategori, som kan öppnas direkt i QGIS.\n\n"
            "Just nu visar appen områdena och iakttagelserna på en karta. Registrering i fält, "
            "planering av vandringar, handlingsplan och utskrift kommer i senare versioner.\n\n"
            "Kommandoraden `safewalk` kan redan lista områden (`safewalk areas`), registrera "
            "iakttagelser (`safewalk add`), lista dem (`safewalk list`), lägga till områden "
            "(`safewalk area add`), ladda om demodata (`safewalk demo`) och kontrollera "
            "arbetsytan (`safewalk check`)."
        ),
        en=(
            "**safewalk** collects observations from safety walks and safety inventories. "
            "Each area has its own GeoPackage file in the workspace with one layer per "
            "category, which opens directly in QGIS.\n\n"
            "For now the app shows the areas and observations on a map. Field registration, "
            "walk planning, the action plan and printing come in later versions.\n\n"
            "The `safewalk` command line can already list areas (`safewalk areas`), register "
            "observations (`safewalk add`), list them (`safewalk list`), add areas "
            "(`safewalk area add`), reload the demo data (`safewalk demo`) and check the "
            "workspace (`safewalk check`)."
        ),
    ),
    "error": Text(sv="Fel", en="Error"),
}


def t(key: str, language: str) -> str:
    """Return the app text ``key`` in ``language``."""
    return TEXTS[key].in_language(language)
