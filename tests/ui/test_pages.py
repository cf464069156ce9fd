"""Each page renders through Streamlit's AppTest, in both languages.

Most tests run on an in-memory workspace of their own (``memory://``, seeded like a new
workspace); one registers through the app into real GeoPackage files and reads them back.
Several AppTests in one test are several sessions of one process, as in production: they
share the caches.
"""

from __future__ import annotations

import base64
import json
import re
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime
from html import escape
from pathlib import Path
from typing import Any
from uuid import uuid4

import geopandas as gpd
import numpy as np
import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from gis.i18n import Text
from layers.errors import StoreError
from layers.memory import MemoryStore
from tests.files import geojson
from ui import state
from walks.actions.inbox import ReportDraft, accept_report, receive_report
from walks.cli.main import main
from walks.core.clock import LOCAL_TIME
from walks.core.config import settings_from_env
from walks.core.model import (
    LightCondition,
    MeasureStatus,
    ObservationStatus,
    Position,
    WalkPlan,
)
from walks.core.workspace import Workspace
from walks.fieldwork.planning import list_walks, plan_walk
from walks.fieldwork.recording import list_observations
from walks.fieldwork.startup import open_workspace

APP = str(Path(__file__).resolve().parents[2] / "app.py")
HOSTILE = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
HASSELBY_GARD = (17.8445, 59.3668)


@pytest.fixture(autouse=True)
def _cold_caches() -> Iterator[None]:
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()


@pytest.fixture
def app_in_memory(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """An in-memory workspace of this test's own, as the app's workspace, with no tiles."""
    name = f"ui-{uuid4().hex}"
    monkeypatch.setenv("SAFEWALK_WORKSPACE", f"memory://{name}")
    monkeypatch.setenv("SAFEWALK_TILES", "none")
    yield f"memory://{name}"
    MemoryStore.discard(name)


@pytest.fixture
def gpkg_workspace(workspace_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeded GeoPackage workspace copy, as the app's workspace, with no tiles."""
    monkeypatch.setenv("SAFEWALK_WORKSPACE", str(workspace_path))
    monkeypatch.setenv("SAFEWALK_TILES", "none")
    return workspace_path


# Midsummer noon and a November evening at Hässelby gård (the sun 53° above and 24° below
# the horizon): daylight and dark whatever the margins of dusk.
MIDSUMMER_NOON = datetime(2026, 6, 21, 10, 0, tzinfo=UTC)
NOVEMBER_EVENING = datetime(2026, 11, 3, 18, 0, tzinfo=UTC)


def clock_at(monkeypatch: pytest.MonkeyPatch, moment: datetime) -> None:
    """Make registering through the app record ``moment`` as the observation's time."""

    class Fixed(datetime):
        @classmethod
        def now(cls, tz: Any = None) -> Any:
            return moment if tz is None else moment.astimezone(tz)

    recording = sys.modules[list_observations.__module__]
    monkeypatch.setattr(recording, "datetime", Fixed)


def the_apps_workspace() -> Workspace:
    """The workspace the app uses, opened as the command line would."""
    return open_workspace(settings_from_env())


def _map_script() -> None:
    from ui import map_page

    map_page.render()


def _register_script() -> None:
    from ui import register_page

    register_page.render()


def _walks_script() -> None:
    from ui import walks_page

    walks_page.render()


def page(script: object, *, language: str = "sv") -> AppTest:
    app = AppTest.from_function(script, default_timeout=60)  # type: ignore[arg-type]
    app.session_state[state.LANGUAGE_KEY] = language
    return app.run()


def leaflet_script(app: AppTest) -> str:
    """The JavaScript of the page's (last) folium map, as st_folium sends it to the browser."""
    components = app.get("component_instance")
    return str(json.loads(components[-1].proto.json_args)["script"])


def map_points(app: AppTest) -> list[str]:
    """The observation markers of the page's map as their tooltips, decoded from its data.

    The map sends observations as base64 columns (``gis.webmap.add_compact_points``); this
    decodes them independently: ``["7. Belysning (Hässelby gård)", …]``.
    """
    script = leaflet_script(app)
    payloads = [json.loads(d) for d in re.findall(r"var data = (\{.*?\});\n", script)]
    (data,) = [d for d in payloads if "number" in d]
    numbers = np.frombuffer(base64.b64decode(data["number"]), dtype="<u4")
    symbols = np.frombuffer(base64.b64decode(data["symbol"]), dtype="u1") & 0x7F
    places = np.frombuffer(base64.b64decode(data["place"]), dtype="<u2")
    return [
        f"{n}. {data['symbols'][s]['title']} ({data['places'][p]})"
        for n, s, p in zip(numbers, symbols, places, strict=True)
    ]


def register(
    app: AppTest,
    *,
    area: str | None = "hasselby-gard",
    lon_lat: tuple[float | None, float | None] = HASSELBY_GARD,
    description: str = "",
) -> AppTest:
    app.selectbox(key=state.REGISTER_AREA_KEY).select(area).run()
    app.selectbox(key=state.REGISTER_CATEGORY_KEY).select("lighting").run()
    app.radio(key="register_lighting_problem").set_value("broken")
    app.text_area(key=state.REGISTER_DESCRIPTION_KEY).input(description)
    app.number_input(key=state.REGISTER_LON_KEY).set_value(lon_lat[0])
    app.number_input(key=state.REGISTER_LAT_KEY).set_value(lon_lat[1])
    return app.button(key=state.REGISTER_SAVE_KEY).click().run()


@pytest.mark.usefixtures("app_in_memory")
def test_map_page_shows_areas_and_counts_in_swedish() -> None:
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "Områden och iakttagelser"
    script = leaflet_script(app)
    assert "Hässelby gård" in script
    assert "Grimsta" in script
    assert "OpenStreetMap" in script
    assert "Stockholms stad (CC0)" in script
    table = app.dataframe[0].value
    counts = dict(zip(table["Område"], table["Iakttagelser"], strict=True))
    assert counts["Hässelby gård"] == 8
    assert counts["Grimsta"] == 4


def layer_names(script: str) -> list[str]:
    """The overlay names of the map's layer control, in order."""
    found = re.search(r"overlays :\s*\{(.*?)\},", script, flags=re.DOTALL)
    assert found is not None, "the map has no layer control"
    return [json.loads(name) for name in re.findall(r'^\s*(".*?") :', found.group(1), re.M)]


@pytest.mark.usefixtures("app_in_memory")
def test_the_map_shows_every_area_and_a_layer_per_category() -> None:
    app = page(_map_script)
    assert not app.exception
    script = leaflet_script(app)
    assert "L.control.layers" in script
    assert "cdn" not in script.lower()
    for area in ("Hässelby gård", "Grimsta", "Smedshagen"):
        assert area in script
    catalog = the_apps_workspace().catalog
    titles = [escape(spec.title.sv) for spec in catalog.categories]
    assert [name for name in layer_names(script) if name in titles] == titles
    assert "Värmekarta" in layer_names(script)
    assert len(map_points(app)) == 15
    assert app.caption[-1].value == "15 av 15 iakttagelser i valda områden visas."


@pytest.mark.usefixtures("app_in_memory")
def test_choosing_one_area_shows_only_its_observations() -> None:
    app = page(_map_script)
    app.multiselect(key=state.MAP_AREAS_KEY).set_value(["grimsta"]).run()
    assert not app.exception
    points = map_points(app)
    assert len(points) == 4
    assert all(point.endswith(" (Grimsta)") for point in points)
    assert "Hässelby gård" not in leaflet_script(app)
    assert app.caption[-1].value == "4 av 4 iakttagelser i valda områden visas."
    table = app.dataframe[0].value
    assert len(table) == len(the_apps_workspace().areas())  # the counts cover every area
    app.multiselect(key=state.MAP_AREAS_KEY).set_value([]).run()
    assert not app.exception
    assert map_points(app) == []


@pytest.mark.usefixtures("app_in_memory")
def test_a_category_filter_draws_only_that_category() -> None:
    app = page(_map_script)
    app.multiselect(key=state.MAP_CATEGORIES_KEY).set_value(["lighting"]).run()
    assert not app.exception
    points = map_points(app)
    assert len(points) == 4
    assert all(". Belysning (" in point for point in points)
    assert app.caption[-1].value == "4 av 15 iakttagelser i valda områden visas."


@pytest.mark.usefixtures("app_in_memory")
def test_status_light_and_kind_filters_narrow_what_is_drawn() -> None:
    app = page(_map_script, language="en")
    app.multiselect(key=state.MAP_STATUSES_KEY).set_value([ObservationStatus.ASSESSED]).run()
    assert map_points(app) == ["8. Socially unsafe place (Hässelby gård)"]
    app.multiselect(key=state.MAP_STATUSES_KEY).set_value(list(ObservationStatus))
    app.multiselect(key=state.MAP_LIGHT_KEY).set_value([LightCondition.DARK]).run()
    assert len(map_points(app)) == 14
    app.multiselect(key=state.MAP_LIGHT_KEY).set_value(list(LightCondition))
    app.radio(key=state.MAP_KIND_KEY).set_value("positive").run()
    points = map_points(app)
    assert len(points) == 2
    assert all(". Safe and pleasant place (" in point for point in points)
    app.radio(key=state.MAP_KIND_KEY).set_value("problems")
    app.multiselect(key=state.MAP_SEVERITIES_KEY).set_value([3]).run()
    assert not app.exception
    assert len(map_points(app)) == 4
    assert app.caption[-1].value == "4 of 15 observations in the chosen areas are shown."


@pytest.mark.usefixtures("app_in_memory")
def test_a_marker_is_named_by_number_category_and_area_in_both_languages() -> None:
    assert "1. Belysning (Hässelby gård)" in map_points(page(_map_script))
    assert "8. Socially unsafe place (Hässelby gård)" in map_points(
        page(_map_script, language="en")
    )


@pytest.mark.usefixtures("app_in_memory")
def test_switching_to_english_translates_the_page() -> None:
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.sidebar.radio(key=state.LANGUAGE_KEY).set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Areas and observations"
    assert "Area" in app.dataframe[0].value.columns
    assert "City of Stockholm (CC0)" in leaflet_script(app)


def _help_script() -> None:
    from ui import help_page

    help_page.render()


def test_help_page_explains_the_command_line_in_both_languages() -> None:
    app = page(_help_script)
    assert not app.exception
    assert app.title[0].value == "Hjälp"
    assert "safewalk add" in app.markdown[0].value
    assert "safewalk inbox accept" in app.markdown[2].value
    assert "/tillganglighet" in app.markdown[2].value
    app.session_state[state.LANGUAGE_KEY] = "en"
    app.run()
    assert app.title[0].value == "Help"
    assert "command line" in app.markdown[0].value
    assert "inbox" in app.markdown[2].value


@pytest.mark.usefixtures("app_in_memory")
def test_planning_a_walk_in_the_app_stores_it_and_offers_it_for_registering() -> None:
    registering = page(_register_script)
    registering.selectbox(key=state.REGISTER_AREA_KEY).select("grimsta").run()
    assert len(registering.selectbox(key=state.REGISTER_WALK_KEY).options) == 2
    app = page(_walks_script)
    assert not app.exception
    assert app.title[0].value == "Planera en trygghetsvandring"
    app.selectbox(key=state.WALK_AREA_KEY).select("grimsta").run()
    assert "Föreslagen start i mörker" in app.info[0].value
    app.text_input(key=state.PLAN_TITLE_KEY).input("<b>Vandring</b> i Grimsta")
    app.radio(key=state.PLAN_KIND_KEY).set_value("youth")
    app.number_input(key=state.headcount_key("young_people")).set_value(9)
    app.button(key=state.PLAN_SAVE_KEY).click().run()
    assert not app.exception
    assert app.success[0].value == "Vandring nr 2 sparad i Grimsta."
    table = app.dataframe[0].value
    assert sorted(table["Rubrik"]) == [
        "<b>Vandring</b> i Grimsta",
        "DEMO: Vandring med unga i Grimsta",
    ]
    assert list(table["Typ"]) == ["Vandring med unga", "Vandring med unga"]
    assert 9 in list(table["Deltagare"])
    registering.run()
    walks = registering.selectbox(key=state.REGISTER_WALK_KEY).options
    assert "2. <b>Vandring</b> i Grimsta" in walks


@pytest.mark.usefixtures("app_in_memory")
def test_walk_kinds_are_titled_in_english() -> None:
    app = page(_walks_script, language="en")
    kinds = app.radio(key=state.PLAN_KIND_KEY).options
    assert kinds == ["Safety walk", "Walk with young people", "Safety inventory"]
    app.selectbox(key=state.WALK_AREA_KEY).select("grimsta").run()
    assert list(app.dataframe[0].value["Kind"]) == ["Walk with young people"]


def _print_script() -> None:
    from ui import print_page

    print_page.render()


@pytest.mark.usefixtures("app_in_memory")
def test_the_print_page_makes_a_pdf_with_a_preview_in_both_languages() -> None:
    app = page(_print_script)
    assert not app.exception
    assert app.title[0].value == "Utskrift"
    assert not app.get("download_button")  # nothing made before it is asked for
    assert app.radio(key=state.PRINT_EXTENT_KEY).options == ["Iakttagelserna", "Hela området"]
    assert app.radio(key=state.PRINT_EXTENT_KEY).value == "observations"
    app.radio(key=state.PRINT_PAPER_KEY).set_value("A3")
    app.button(key=state.PRINT_MAKE_KEY).click().run()
    assert not app.exception
    (download,) = app.get("download_button")
    assert download.proto.label.startswith("Ladda ned PDF (")
    assert app.get("image")  # the preview of the first page
    app.session_state[state.LANGUAGE_KEY] = "en"
    app.run()
    assert app.title[0].value == "Print"
    assert not app.get("download_button")  # another language: made again when asked
    assert app.radio(key=state.PRINT_EXTENT_KEY).options == ["The observations", "The whole area"]
    app.radio(key=state.PRINT_EXTENT_KEY).set_value("area")
    app.selectbox(key=state.PRINT_AREA_KEY).select("").run()  # every area: the atlas
    app.button(key=state.PRINT_MAKE_KEY).click().run()
    assert not app.exception
    (download,) = app.get("download_button")
    assert download.proto.label.startswith("Download the PDF (1")  # 11 pages or more


def test_registering_with_typed_coordinates_stores_it_in_the_geopackage(
    gpkg_workspace: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock_at(monkeypatch, MIDSUMMER_NOON)
    app = page(_register_script)
    assert not app.exception
    assert app.title[0].value == "Registrera en iakttagelse"
    register(app, description='<img src=x onerror="alert(1)"> släckt')
    assert not app.exception
    assert [e.value for e in app.error] == []
    assert app.success[0].value == "Sparad som nr 9 i Hässelby gård (dagsljus)."
    stored = read_layer(gpkg_workspace, "lighting")
    row = stored[stored["number"] == 9].iloc[0]
    assert row["observed_at"] == MIDSUMMER_NOON
    assert row["light_condition"] == "daylight"
    assert row["problem"] == "broken"
    assert row["description"] == '<img src=x onerror="alert(1)"> släckt'
    app.button(key=state.UNDO_KEY).click().run()
    assert app.info[-1].value == "Nr 9 är borttagen."
    assert 9 not in list(read_layer(gpkg_workspace, "lighting")["number"])


def read_layer(workspace_path: Path, layer: str) -> gpd.GeoDataFrame:
    import pyogrio

    return pyogrio.read_dataframe(workspace_path / "hasselby-gard.gpkg", layer=layer)


@pytest.mark.usefixtures("app_in_memory")
def test_the_confirmation_names_the_light_in_english(monkeypatch: pytest.MonkeyPatch) -> None:
    clock_at(monkeypatch, NOVEMBER_EVENING)
    app = register(page(_register_script, language="en"))
    assert app.success[0].value == "Saved as no. 9 in Hässelby gård (dark)."


@pytest.mark.usefixtures("app_in_memory")
def test_a_position_in_hasselby_gard_goes_there_with_the_area_list_left_as_it_was() -> None:
    app = page(_register_script)
    area = app.selectbox(key=state.REGISTER_AREA_KEY)
    assert area.value is None
    assert area.options[:2] == ["Från positionen", "Grimsta"]
    # No position yet: the map and the walks are those of the first area.
    assert app.selectbox(key=state.REGISTER_WALK_KEY).options == [
        "Ingen (enskild iakttagelse)", "1. DEMO: Vandring med unga i Grimsta"
    ]  # fmt: skip
    app.selectbox(key=state.REGISTER_CATEGORY_KEY).select("lighting").run()
    app.number_input(key=state.REGISTER_LON_KEY).set_value(HASSELBY_GARD[0])
    app.number_input(key=state.REGISTER_LAT_KEY).set_value(HASSELBY_GARD[1])
    app.button(key=state.REGISTER_SAVE_KEY).click().run()  # the lamp's problem left out
    assert [e.value for e in app.error] == ["Fältet 'problem' (Problem) måste fyllas i."]
    # The page names the area the position lies in, and offers that area's walks.
    assert [i.value for i in app.info] == ["Område: Hässelby gård (från positionen)"]
    walks = app.selectbox(key=state.REGISTER_WALK_KEY)
    assert walks.options == [
        "Ingen (enskild iakttagelse)", "1. DEMO: Kvällsvandring Hässelby gård centrum"
    ]  # fmt: skip
    walks.select_index(1).run()
    app.radio(key="register_lighting_problem").set_value("broken")
    app.button(key=state.REGISTER_SAVE_KEY).click().run()
    assert app.success[0].value.startswith("Sparad som nr 9 i Hässelby gård (")
    workspace = the_apps_workspace()
    (stored,) = [o for o in list_observations(workspace, "hasselby-gard") if o.number == 9]
    (walk,) = list_walks(workspace, "hasselby-gard")
    assert stored.walk_uuid == walk.uuid
    assert not [o for o in list_observations(workspace, "grimsta") if not o.is_demo]


@pytest.mark.usefixtures("app_in_memory")
def test_an_area_chosen_far_from_the_position_is_refused_with_the_distance() -> None:
    app = register(page(_register_script), area="grimsta")  # a position in Hässelby gård
    assert [e.value for e in app.error] == [
        "Positionen ligger 474 m utanför Grimsta. Den ligger i Hässelby gård."
    ]
    assert not app.success
    for slug in ("grimsta", "hasselby-gard"):
        assert not [o for o in list_observations(the_apps_workspace(), slug) if not o.is_demo]
    # Back to the position's area: the same entry is saved there.
    app.selectbox(key=state.REGISTER_AREA_KEY).select(None).run()
    assert [i.value for i in app.info] == ["Område: Hässelby gård (från positionen)"]
    app.button(key=state.REGISTER_SAVE_KEY).click().run()
    assert app.success[0].value.startswith("Sparad som nr 9 i Hässelby gård (")


@pytest.mark.usefixtures("app_in_memory")
def test_a_walk_chosen_for_another_area_is_not_dropped_in_silence() -> None:
    app = page(_register_script, language="en")
    app.selectbox(key=state.REGISTER_WALK_KEY).select_index(1).run()  # Grimsta's walk
    app = register(app, area=None)  # a position in Hässelby gård, the area from it
    assert [e.value for e in app.error] == [
        "Walk 1 (DEMO: Vandring med unga i Grimsta) belongs to Grimsta, but the observation "
        "goes to Hässelby gård. Choose a walk in Hässelby gård, or none."
    ]
    assert app.selectbox(key=state.REGISTER_WALK_KEY).value is None  # now Hässelby gård's
    app.button(key=state.REGISTER_SAVE_KEY).click().run()
    assert app.success[0].value.startswith("Saved as no. 9 in Hässelby gård (")


@pytest.mark.usefixtures("app_in_memory")
def test_the_register_page_links_to_the_phone_capture_page_in_both_languages() -> None:
    assert page(_register_script).markdown[0].value == (
        "📱 [På mobilen: öppna insamlingssidan](/capture/)"
    )
    assert page(_register_script, language="en").markdown[0].value == (
        "📱 [On a phone: open the capture page](/capture/)"
    )


@pytest.mark.usefixtures("app_in_memory")
def test_saving_without_a_position_says_how_to_give_one() -> None:
    app = page(_register_script, language="en")
    app.selectbox(key=state.REGISTER_CATEGORY_KEY).select("other").run()
    app.button(key=state.REGISTER_SAVE_KEY).click().run()
    assert app.error[0].value.startswith("No position: tap the map")


@pytest.mark.usefixtures("app_in_memory")
def test_a_longitude_without_a_latitude_asks_for_both() -> None:
    app = register(page(_register_script, language="en"), lon_lat=(17.8445, None))
    assert [e.value for e in app.error] == [
        "Give both coordinates (longitude and latitude), or neither."
    ]
    assert not app.success


@pytest.mark.usefixtures("app_in_memory")
def test_a_registration_shows_on_every_map_at_once_and_undo_takes_it_away() -> None:
    overview = page(_map_script)
    registering = page(_register_script)
    registering.selectbox(key=state.REGISTER_AREA_KEY).select("hasselby-gard").run()
    assert len(map_points(overview)) == 15
    assert "Lampan blinkar" not in leaflet_script(registering)
    register(registering, description="Lampan blinkar")
    assert registering.success
    # The form is empty for the next observation (a failed save keeps it, to try again).
    assert registering.text_area(key=state.REGISTER_DESCRIPTION_KEY).value == ""
    assert registering.number_input(key=state.REGISTER_LON_KEY).value is None
    overview.run()
    assert "9. Belysning (Hässelby gård)" in map_points(overview)
    table = overview.dataframe[0].value
    assert dict(zip(table["Område"], table["Iakttagelser"], strict=True))["Hässelby gård"] == 9
    registering.run()
    assert "Lampan blinkar" in leaflet_script(registering)
    registering.button(key=state.UNDO_KEY).click().run()
    assert registering.info[-1].value == "Nr 9 är borttagen."
    overview.run()
    assert "9. Belysning (Hässelby gård)" not in map_points(overview)
    table = overview.dataframe[0].value
    assert dict(zip(table["Område"], table["Iakttagelser"], strict=True))["Hässelby gård"] == 8
    registering.run()
    assert "Lampan blinkar" not in leaflet_script(registering)


@pytest.mark.usefixtures("app_in_memory")
def test_html_in_a_description_is_escaped_in_every_map_script() -> None:
    registering = register(page(_register_script), description=HOSTILE)
    assert registering.success
    stored = list_observations(the_apps_workspace(), "hasselby-gard")
    assert stored[-1].description == HOSTILE
    overview = leaflet_script(page(_map_script))
    assert HOSTILE not in overview  # details come on demand, never as map HTML
    script = leaflet_script(registering.run())
    assert ESCAPED in script
    assert HOSTILE not in script


@pytest.mark.usefixtures("app_in_memory")
def test_a_walks_observations_are_listed_in_order() -> None:
    app = page(_walks_script)
    app.selectbox(key=state.WALK_AREA_KEY).select("hasselby-gard").run()
    assert not app.exception
    assert app.header[-1].value == "En vandrings iakttagelser"  # h2 under the page's h1
    headings = [m.value for m in app.markdown if m.value[2:3].isdigit()]
    numbers = [int(h.split(".")[0].strip("*")) for h in headings]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]  # the demo walk's seven, by time
    assert any("Lampan vid gångvägen är släckt" in t.value for t in app.text)
    assert "Lampan vid gångvägen är släckt" in leaflet_script(app)


@pytest.mark.usefixtures("app_in_memory")
def test_the_chosen_walk_shows_the_qr_code_and_link_that_join_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SAFEWALK_PUBLIC_URL", "https://trygghet.example.se/")
    plan = WalkPlan("hasselby-gard", "Vandring med unga", datetime(2026, 11, 10, 17, tzinfo=UTC),
                    created_by="tests")  # fmt: skip
    plan_walk(the_apps_workspace(), plan)
    app = page(_walks_script, language="en")
    app.selectbox(key=state.WALK_AREA_KEY).select("hasselby-gard").run()
    app.selectbox(key=state.WALK_DETAIL_KEY).select_index(0).run()  # the newest: walk 2

    def shown() -> tuple[list[str], list[Any]]:
        links = [m.value for m in app.markdown if "example.se" in m.value]
        return links, [h.proto.body for h in app.get("html") if "<figure" in h.proto.body]

    link = "https://trygghet.example.se/v/hasselby-gard/2"
    links, (code,) = shown()
    assert links == [f"[`{link}`]({link})"]
    assert "<figcaption>Scan with the phone&#x27;s camera</figcaption>" in code
    assert 'alt="QR code that opens the capture page with walk 2 chosen"' in code
    assert 'src="data:image/png;base64,' in code  # lossless: a JPEG would blur the modules
    assert any(m.value.startswith("**Join the walk with your own phone:**") for m in app.markdown)
    app.selectbox(key=state.WALK_DETAIL_KEY).select_index(1).run()  # the demo walk, 1
    links, (other,) = shown()
    assert links == [f"[`{link[:-1]}1`]({link[:-1]}1)"]
    assert other != code


@pytest.mark.usefixtures("app_in_memory")
def test_a_registration_during_a_walk_shows_on_the_walks_map_at_once() -> None:
    walks = page(_walks_script)
    walks.selectbox(key=state.WALK_AREA_KEY).select("hasselby-gard").run()
    registering = page(_register_script)
    registering.selectbox(key=state.REGISTER_AREA_KEY).select("hasselby-gard").run()
    registering.selectbox(key=state.REGISTER_WALK_KEY).select_index(1).run()  # the demo walk
    register(registering, description="Mörk passage")
    assert registering.success
    walks.run()
    assert any(t.value == "Mörk passage" for t in walks.text)
    assert "9. Mörk passage" in leaflet_script(walks)


def test_a_registration_from_the_command_line_shows_on_the_next_rerun(
    gpkg_workspace: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    overview = page(_map_script)
    assert "9. Belysning (Hässelby gård)" not in map_points(overview)
    lon, lat = HASSELBY_GARD
    args = ["add", "--category", "lighting", "--field", "problem=dim", "--lon", str(lon)]
    args += ["--lat", str(lat), "--description", "Lampan vid garaget"]
    assert main([*args, "--workspace", str(gpkg_workspace)]) == 0
    capsys.readouterr()
    overview.run()
    assert "9. Belysning (Hässelby gård)" in map_points(overview)


def test_streets_loaded_from_the_command_line_show_on_the_register_map_on_the_next_rerun(
    gpkg_workspace: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    registering = page(_register_script)
    registering.selectbox(key=state.REGISTER_AREA_KEY).select("hasselby-gard").run()
    assert "Provgatan (test)" not in leaflet_script(registering)
    line = {"type": "LineString", "coordinates": [[17.8440, 59.3665], [17.8460, 59.3670]]}
    street = geojson(tmp_path / "gata.geojson", ({"id": "1", "name": "Provgatan (test)"}, line))
    args = ["reference", "add", "--area", "hasselby-gard", "--kind", "streets", "--from",
            str(street), "--source", "Syntetiska testdata", "--licence", "CC0"]  # fmt: skip
    assert main([*args, "--workspace", str(gpkg_workspace)]) == 0
    capsys.readouterr()
    registering.run()
    script = leaflet_script(registering)
    assert "Provgatan (test)" in script
    assert "Gator och v\\u00e4gar: Syntetiska testdata, CC0" in script  # the credit
    # The cached streets give the same map on every rerun: the browser keeps it.
    first = [c.proto.id for c in registering.get("component_instance")]
    assert first == [c.proto.id for c in registering.run().get("component_instance")]


@pytest.mark.usefixtures("app_in_memory")
def test_walk_and_date_filters_narrow_the_map_and_empty_means_everything() -> None:
    app = page(_map_script)
    walks = app.multiselect(key=state.MAP_WALKS_KEY)
    grimsta = next(o for o in walks.options if o.startswith("Grimsta: "))
    walks.select(grimsta).run()
    assert not app.exception
    assert len(map_points(app)) == 4
    assert all(point.endswith("(Grimsta)") for point in map_points(app))
    app.multiselect(key=state.MAP_WALKS_KEY).set_value([]).run()
    assert len(map_points(app)) == 15
    app.date_input(key=state.MAP_DATES_KEY).set_value((date(2026, 11, 4), date(2026, 11, 10))).run()
    assert not app.exception
    points = map_points(app)
    assert 0 < len(points) < 15
    assert "1. Belysning (Hässelby gård)" not in points  # made on 3 November


@pytest.mark.usefixtures("app_in_memory")
def test_the_areas_can_be_filled_by_density_and_the_analyses_shown() -> None:
    app = page(_map_script, language="en")
    app.selectbox(key=state.MAP_FILL_KEY).select("density").run()
    assert not app.exception
    script = leaflet_script(app)
    assert "Observations per km² (as filtered)" in layer_names(script)
    # The area's tooltip with its value (folium writes the JSON ASCII-escaped).
    assert re.search(r"H(ä|\\u00e4)sselby g(å|\\u00e5)rd: \d", script)
    app.selectbox(key=state.MAP_ANALYSES_KEY).select("hotspots").run()
    assert not app.exception
    script = leaflet_script(app)
    assert {"Hotspots (dense clusters)", "Dark stretches"} <= set(layer_names(script))
    assert "Dark stretch, " in script
    assert any(c.value.startswith("Dark stretches: ") for c in app.caption)


@pytest.mark.usefixtures("app_in_memory")
@pytest.mark.parametrize("script", [_map_script, _register_script, _walks_script])
def test_a_rerun_sends_the_same_map_so_the_browser_keeps_it(script: object) -> None:
    # A tap or a click reruns the page; a map that differed (even in the last digit of
    # a coordinate from the cache) would be mounted anew, losing zoom and a half-drawn line.
    app = page(script)
    first = [c.proto.id for c in app.get("component_instance")]
    app.run()
    again = [c.proto.id for c in app.get("component_instance")]
    assert not app.exception
    assert first == again


@pytest.mark.usefixtures("app_in_memory")
def test_the_map_rings_what_near_priority_and_change_pick_out() -> None:
    app = page(_map_script, language="en")
    app.multiselect(key=state.MAP_AREAS_KEY).set_value(["hasselby-gard"]).run()
    app.selectbox(key=state.MAP_ANALYSES_KEY).select("priority").run()
    assert not app.exception
    names = layer_names(leaflet_script(app))
    assert "Highest priority (the top 20 per area) (8)" in names  # all 8 of the area
    app.selectbox(key=state.MAP_ANALYSES_KEY).select("near").run()
    assert not app.exception
    assert any(
        n.startswith("Near crime-exposed places and transit (50 m) (")
        for n in names + layer_names(leaflet_script(app))
    )
    app.selectbox(key=state.MAP_ANALYSES_KEY).select("change").run()
    assert app.info[0].value == "A change needs two walks in the chosen areas."


def _plan_script() -> None:
    from ui import plan_page

    plan_page.render()


@pytest.mark.usefixtures("app_in_memory")
def test_the_action_plan_makes_a_measure_moves_it_and_shows_its_history() -> None:
    app = page(_plan_script, language="en")
    app.selectbox(key=state.MEASURE_AREA_KEY).select("hasselby-gard").run()
    assert [i.value for i in app.info] == ["No reports are waiting in the area.", "No measures."]
    app.multiselect(key=state.PLAN_OBSERVATIONS_KEY).set_value([1, 2]).run()
    # The first observation is about lighting: its template fills the title, and the
    # routing the organisation (it lies on the example estate of Familjebostäder).
    assert app.text_input[0].value == "Repair or add lighting"
    assert app.selectbox(key=state.MEASURE_AREA_KEY).value == "hasselby-gard"
    form = [box for box in app.selectbox if box.label == "Responsible" and box.key is None]
    assert form[0].value == "familjebostader"
    app.button(key=state.MEASURE_SAVE_KEY).click().run()
    assert not app.exception
    assert app.success[0].value == "Measure no. 1 saved as proposed."
    table = app.dataframe[1].value
    assert list(table["Observations"]) == ["1, 2"]
    assert list(table["Status"]) == ["Proposed"]
    statuses = {
        o.number: o.status for o in list_observations(the_apps_workspace(), "hasselby-gard")
    }
    assert (statuses[1], statuses[2]) == (ObservationStatus.PLANNED, ObservationStatus.PLANNED)

    def new_status() -> Any:
        return next(box for box in app.selectbox if box.label == "New status")

    new_status().select(MeasureStatus.PROPOSED)  # back to where it is: refused
    app.button(key=state.STATUS_SAVE_KEY).click().run()
    assert app.error[0].value.startswith("Measure no. 1 is already proposed")
    new_status().select(MeasureStatus.DONE)
    app.text_area[0].input("Lamporna bytta")
    app.button(key=state.STATUS_SAVE_KEY).click().run()
    assert not app.exception
    assert app.success[-1].value == "Measure no. 1 is now done."
    history = app.dataframe[-1].value
    assert list(history["Who"]) == ["app", "app", "app"]
    assert list(history["What"])[-2:] == ["status: proposed → done", "Lamporna bytta"]


@pytest.mark.usefixtures("app_in_memory")
def test_the_action_plan_shows_who_is_responsible_and_keeps_a_users_choice() -> None:
    app = page(_plan_script, language="en")
    app.selectbox(key=state.MEASURE_AREA_KEY).select("hasselby-gard").run()
    routes = app.dataframe[0].value
    rows = dict(zip(routes["No"], routes["Responsible"], strict=True))
    assert rows[1] == "Familjebostäder"
    assert "owners layer" in next(iter(routes["Why"]))
    app.selectbox(key=state.ROUTE_PICK_KEY).select(1)
    app.selectbox(key=state.ROUTE_WHO_KEY).select("stockholmshem")
    app.button(key=state.ROUTE_SAVE_KEY).click().run()
    assert not app.exception
    assert app.success[0].value == "Observation no. 1: responsible Stockholmshem."
    routes = app.dataframe[0].value
    assert next(iter(routes["Responsible"])) == "Stockholmshem"
    assert next(iter(routes["Why"])).startswith("chosen by a user. Rule fastighetsagare")
    observation = list_observations(the_apps_workspace(), "hasselby-gard")[0]
    assert observation.responsible == "stockholmshem"
    app.selectbox(key=state.ROUTE_WHO_KEY).select("")  # back to the rules
    app.button(key=state.ROUTE_SAVE_KEY).click().run()
    assert next(iter(app.dataframe[0].value["Responsible"])) == "Familjebostäder"


@pytest.mark.usefixtures("app_in_memory")
def test_the_action_plan_makes_the_tertial_reports_on_request() -> None:
    app = page(_plan_script, language="en")
    app.selectbox(key=state.MEASURE_AREA_KEY).select("grimsta").run()
    assert not app.get("download_button")  # nothing is made before it is asked for
    app.button(key=state.REPORT_MAKE_KEY).click().run()
    assert not app.exception
    buttons = app.get("download_button")
    assert [b.proto.label for b in buttons] == [
        "Download Excel", "Download Word", "Download PDF",
    ]  # fmt: skip
    app.radio(key=state.REPORT_SCOPE_KEY).set_value("all").run()
    assert not app.get("download_button")  # another scope: made again when asked


def _public_script() -> None:
    from ui import public_page

    public_page.render()


@pytest.mark.usefixtures("app_in_memory")
def test_the_residents_page_shows_decided_public_measures_as_text() -> None:
    from walks.actions.measures import add_measure, change_status

    workspace = the_apps_workspace()
    app = page(_public_script, language="en")
    app.selectbox(key=state.PUBLIC_AREA_KEY).select("hasselby-gard").run()
    assert app.info[0].value == "No decided measures to show in this area yet."
    add_measure(workspace, "hasselby-gard", observations=[1], title=HOSTILE,
                responsible="trafikkontoret", public=True, actor="Kim")  # fmt: skip
    change_status(workspace, "hasselby-gard", 1, MeasureStatus.DECIDED, actor="Kim")
    st.cache_data.clear()
    app.run()
    assert not app.exception
    assert [element.value for element in app.text] == [HOSTILE]  # as text, not HTML
    assert app.caption[-1].value.startswith("Decided · ")
    assert app.caption[-1].value.endswith(" · Lighting")
    # A resident answers; the analysis group sees it in the measure's history.
    app.radio[0].set_value("same")
    app.text_area[0].input("Fortfarande mörkt vid trappan")
    app.button[0].click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Thank you!")
    from walks.actions.measures import measure_history

    last = measure_history(workspace, "hasselby-gard", 1)[-1]
    assert (last.actor, last.note) == (
        "resident", "Boendes återkoppling: Ingen skillnad. Fortfarande mörkt vid trappan",
    )  # fmt: skip


@pytest.mark.usefixtures("app_in_memory")
def test_the_walk_form_offers_the_organisations_of_the_data_file() -> None:
    app = page(_walks_script, language="en")
    offered = app.multiselect(key=state.PLAN_ORGANISATIONS_KEY).options
    assert "Traffic office" in offered  # shown in English, stored by the Swedish name
    assert "Local crime-prevention council" in offered
    assert len(offered) == 12


@pytest.mark.usefixtures("app_in_memory")
def test_a_store_that_stops_answering_is_said_once_above_the_page_read_last(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert not app.warning

    def away(self: MemoryStore) -> str:
        raise StoreError(Text(sv="Databasen svarar inte.", en="The database does not answer."))

    monkeypatch.setattr(MemoryStore, "revision", away)
    app.run()
    assert not app.exception
    assert [warning.value for warning in app.warning] == ["Databasen svarar inte."]
    assert app.title[0].value == "Områden och iakttagelser"
    assert "Hässelby gård" in leaflet_script(app)


@pytest.mark.usefixtures("app_in_memory")
def test_the_action_plan_accepts_and_rejects_residents_reports_from_the_inbox() -> None:
    workspace = the_apps_workspace()
    lamp = receive_report(
        workspace,
        ReportDraft("lighting", Position(*HASSELBY_GARD), HOSTILE, email="a@example.se"),
    )
    litter = receive_report(workspace, ReportDraft("litter", Position(*HASSELBY_GARD),
                                                   description="Skräp vid bänken"))  # fmt: skip
    before = {o.number for o in list_observations(workspace, "hasselby-gard")}
    app = page(_plan_script, language="en")
    app.selectbox(key=state.MEASURE_AREA_KEY).select("hasselby-gard").run()
    assert app.selectbox(key=state.INBOX_PICK_KEY).options == [
        f"{lamp.id} · Lighting · {lamp.received_at.astimezone(LOCAL_TIME):%Y-%m-%d}",
        f"{litter.id} · Litter · {litter.received_at.astimezone(LOCAL_TIME):%Y-%m-%d}",
    ]
    assert HOSTILE in [text.value for text in app.text]  # shown as text, as written
    # Lighting asks for its required field, as the resident was not asked.
    app.button(key=state.INBOX_ACCEPT_KEY).click().run()
    assert app.error[0].value == "Field 'problem' (Problem) is required."
    app.radio(key=f"{state.INBOX_CATEGORY_KEY}_{lamp.id}_lighting_problem").set_value("broken")
    app.button(key=state.INBOX_ACCEPT_KEY).click().run()
    assert not app.exception
    number = max(before) + 1
    assert app.success[0].value == f"Report {lamp.id} is now observation no. {number}."
    observations = {o.number: o for o in list_observations(workspace, "hasselby-gard")}
    assert observations[number].origin == "resident"
    # The one left is rejected with a reason.
    assert app.selectbox(key=state.INBOX_PICK_KEY).options[0].startswith(litter.id)
    app.text_input(key=state.INBOX_REASON_KEY).input("Städat redan")
    app.button(key=state.INBOX_REJECT_KEY).click().run()
    assert (
        app.success[0].value
        == f"Report {litter.id} is rejected; its e-mail and photos are removed."
    )
    assert app.info[0].value == "No reports are waiting in the area."
    assert {o.number for o in list_observations(workspace, "hasselby-gard")} == {*before, number}


@pytest.mark.usefixtures("app_in_memory")
def test_an_accepted_report_says_on_the_map_that_it_came_from_a_resident() -> None:
    from ui.map_page import detail_values

    workspace = the_apps_workspace()
    report = receive_report(workspace, ReportDraft("litter", Position(*HASSELBY_GARD), "Skräp"))
    accepted = accept_report(workspace, report.id, actor="tests",
                             fields={"litter_type": "general"})  # fmt: skip
    spec = workspace.catalog.category("litter")
    shown = detail_values(accepted, spec, {}, "sv")
    assert shown["Kom från"] == "Boendes anmälan"
    assert detail_values(accepted, spec, {}, "en")["Came from"] == "Resident's report"
    registered = next(o for o in list_observations(workspace, "hasselby-gard") if o.origin is None)
    assert "Kom från" not in detail_values(registered, workspace.catalog.category(
        registered.category), {}, "sv")  # fmt: skip
