"""Each page renders through Streamlit's AppTest on a real workspace, in both languages."""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pytest
from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "app.py")


@pytest.fixture
def app_workspace(workspace_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The seeded workspace copy, as the app's workspace, with no tiles and cold caches."""
    monkeypatch.setenv("SAFEWALK_WORKSPACE", str(workspace_path))
    monkeypatch.setenv("SAFEWALK_TILES", "none")
    from ui import cache

    cache.workspace.clear()
    cache.overview.clear()
    cache.summaries.clear()
    return workspace_path


@pytest.fixture
def app(app_workspace: Path) -> AppTest:
    return AppTest.from_file(APP, default_timeout=60)


def test_map_page_shows_areas_and_counts_in_swedish(app: AppTest) -> None:
    app.run()
    assert not app.exception
    assert app.title[0].value == "Områden och iakttagelser"
    svg = next(m.value for m in app.markdown if "<svg" in m.value)
    assert "Hässelby gård" in svg
    assert "Grimsta" in svg
    assert "OpenStreetMap" in svg
    table = app.dataframe[0].value
    counts = dict(zip(table["Område"], table["Iakttagelser"], strict=True))
    assert counts["Hässelby gård"] == 8
    assert counts["Grimsta"] == 4


def test_switching_to_english_translates_the_page(app: AppTest) -> None:
    app.run()
    app.sidebar.radio[0].set_value("en").run()
    assert not app.exception
    assert app.title[0].value == "Areas and observations"
    assert "Area" in app.dataframe[0].value.columns


def _help_script() -> None:
    from ui import help_page

    help_page.render()


def test_help_page_explains_the_command_line_in_both_languages() -> None:
    app = AppTest.from_function(_help_script, default_timeout=30)
    app.run()
    assert not app.exception
    assert app.title[0].value == "Hjälp"
    assert "safewalk add" in app.markdown[0].value
    app.session_state["language"] = "en"
    app.run()
    assert app.title[0].value == "Help"
    assert "command line" in app.markdown[0].value


def _walks_script() -> None:
    from ui import walks_page

    walks_page.render()


@pytest.mark.usefixtures("app_workspace")
def test_planning_a_walk_in_the_app_stores_it() -> None:
    app = AppTest.from_function(_walks_script, default_timeout=60)
    app.run()
    assert not app.exception
    assert app.title[0].value == "Planera en trygghetsvandring"
    app.selectbox[0].select("grimsta").run()
    assert "Föreslagen start i mörker" in app.info[0].value
    app.text_input[0].input("<b>Vandring</b> i Grimsta")
    app.number_input[1].set_value(9)  # young people
    app.button[0].click().run()
    assert not app.exception
    assert app.success[0].value == "Vandring nr 2 sparad i Grimsta."
    table = app.dataframe[0].value
    assert sorted(table["Rubrik"]) == [
        "<b>Vandring</b> i Grimsta",
        "DEMO: Vandring med unga i Grimsta",
    ]
    assert 9 in list(table["Deltagare"])


def _upcoming_script() -> None:
    from ui.upcoming_page import page

    page("page_print", "future_print")()


def test_pages_not_built_yet_say_so_in_both_languages() -> None:
    app = AppTest.from_function(_upcoming_script, default_timeout=30)
    app.run()
    assert not app.exception
    assert app.title[0].value == "Utskrift"
    assert app.warning[0].value.startswith("Den här sidan är inte byggd ännu")
    app.session_state["language"] = "en"
    app.run()
    assert app.warning[0].value.startswith("This page is not built yet")
    assert "north arrow" in app.markdown[0].value


def _register_script() -> None:
    from ui import register_page

    register_page.render()


def test_registering_with_typed_coordinates_stores_the_observation(app_workspace: Path) -> None:
    workspace_path = app_workspace
    app = AppTest.from_function(_register_script, default_timeout=60)
    app.run()
    assert not app.exception
    assert app.title[0].value == "Registrera en iakttagelse"
    app.selectbox(key="register_area").select("hasselby-gard").run()
    app.selectbox(key="register_category").select("lighting").run()
    app.radio(key="register_lighting_problem").set_value("broken")
    app.text_area[0].input('<img src=x onerror="alert(1)"> släckt')
    app.number_input[1].set_value(17.8445)  # lamp_count is [0]
    app.number_input[2].set_value(59.3668)
    app.button[0].click().run()
    assert not app.exception
    assert [e.value for e in app.error] == []
    assert app.success[0].value.startswith("Sparad som nr 9 i Hässelby gård")
    stored = pyogrio_read(workspace_path, "lighting")
    row = stored[stored["number"] == 9].iloc[0]
    assert row["problem"] == "broken"
    assert row["description"] == '<img src=x onerror="alert(1)"> släckt'
    app.button[1].click().run()  # undo
    assert app.info[-1].value == "Nr 9 är borttagen."
    assert 9 not in list(pyogrio_read(workspace_path, "lighting")["number"])


@pytest.mark.usefixtures("app_workspace")
def test_saving_without_a_position_says_how_to_give_one() -> None:
    app = AppTest.from_function(_register_script, default_timeout=60)
    app.session_state["language"] = "en"
    app.run()
    app.selectbox(key="register_category").select("other").run()
    app.button[0].click().run()
    assert app.error[0].value.startswith("No position: tap the map")


def pyogrio_read(workspace_path: Path, layer: str) -> gpd.GeoDataFrame:
    import pyogrio

    return pyogrio.read_dataframe(workspace_path / "hasselby-gard.gpkg", layer=layer)


@pytest.mark.usefixtures("app_workspace")
def test_a_walks_observations_are_listed_in_order() -> None:
    app = AppTest.from_function(_walks_script, default_timeout=60)
    app.run()
    app.selectbox(key="walk_area").select("hasselby-gard").run()
    assert not app.exception
    assert app.subheader[-1].value == "En vandrings iakttagelser"
    headings = [m.value for m in app.markdown if m.value[2:3].isdigit()]
    numbers = [int(h.split(".")[0].strip("*")) for h in headings]
    assert numbers == [1, 2, 3, 4, 5, 6, 7]  # the demo walk's seven, by time
    assert any("Lampan vid gångvägen är släckt" in t.value for t in app.text)
