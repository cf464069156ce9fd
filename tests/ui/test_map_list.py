"""The map page's observations as a list (its selection, sortable, escaped), and its choices
kept while the user is on another page; through Streamlit's AppTest on a workspace in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from uuid import uuid4

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from layers.memory import MemoryStore
from ui import state
from ui.observation_list import ListedObservation, table_html
from walks.core.config import settings_from_env
from walks.core.model import ObservationDraft, Position
from walks.fieldwork.recording import record_observation
from walks.fieldwork.startup import open_workspace

HOSTILE = "<img src=x onerror=alert(1)>"
PAGE_KEY = "test_page"


@pytest.fixture(autouse=True)
def app_in_memory(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """An in-memory workspace of this test's own, as the app's workspace, with no tiles."""
    name = f"ui-{uuid4().hex}"
    monkeypatch.setenv("SAFEWALK_WORKSPACE", f"memory://{name}")
    monkeypatch.setenv("SAFEWALK_TILES", "none")
    st.cache_data.clear()
    st.cache_resource.clear()
    yield
    st.cache_data.clear()
    st.cache_resource.clear()
    MemoryStore.discard(name)


def _pages() -> None:
    """The map page, or the help page when the test says so (as the navigation would)."""
    import streamlit as st

    from ui import help_page, map_page

    (help_page if st.session_state.get("test_page") == "help" else map_page).render()


def map_page(language: str = "sv") -> AppTest:
    app = AppTest.from_function(_pages, default_timeout=60)
    app.session_state[state.LANGUAGE_KEY] = language
    return app.run()


def listed(app: AppTest) -> list[list[str]]:
    """The rows of the page's list as their cells' text (HTML entities left as written)."""
    (table,) = [h.proto.body for h in app.get("html") if "safewalk-list" in h.proto.body]
    rows = re.findall(r"<tr><th scope='row'>(.*?)</tr>", table)
    return [[row.split("<", 1)[0], *re.findall(r"<td>(.*?)</td>", row)] for row in rows]


def test_the_list_holds_the_maps_selection_and_follows_its_filters() -> None:
    app = map_page()
    assert not app.exception
    assert len(listed(app)) == 15
    assert any(c.value == "15 av 15 iakttagelser i valda områden visas." for c in app.caption)
    app.radio(key=state.MAP_KIND_KEY).set_value("positive").run()
    rows = listed(app)
    assert len(rows) == 2
    assert {row[1] for row in rows} == {"Trygg och trivsam plats"}


def test_the_list_sorts_by_the_chosen_column_either_way() -> None:
    app = map_page()
    app.selectbox(key=state.MAP_SORT_KEY).select("severity").run()
    app.radio(key=state.MAP_ORDER_KEY).set_value("descending").run()
    severities = [row[4] for row in listed(app)]
    assert severities[0] == "Hög"
    assert severities[-1] == ""  # a positive place has no severity: last either way
    app.radio(key=state.MAP_ORDER_KEY).set_value("ascending").run()
    severities = [row[4] for row in listed(app)]
    assert severities[0] == "Låg"
    assert severities[-1] == ""
    app.selectbox(key=state.MAP_SORT_KEY).select("date").run()
    dates = [row[5] for row in listed(app)]
    assert dates == sorted(dates)
    caption = next(h.proto.body for h in app.get("html") if "safewalk-list" in h.proto.body)
    assert "15 iakttagelser, desamma som på kartan, sorterade efter datum (stigande)." in caption
    assert '<th scope="col" aria-sort="ascending">Datum</th>' in caption


def test_user_text_in_the_list_is_escaped() -> None:
    workspace = open_workspace(settings_from_env())
    draft = ObservationDraft(category="other", position=Position(17.8445, 59.3668),
                             created_by="test", description=HOSTILE)  # fmt: skip
    record_observation(workspace, draft, area="hasselby-gard")
    app = map_page(language="en")
    bodies = [h.proto.body for h in app.get("html") if "safewalk-list" in h.proto.body]
    assert "&lt;img src=x onerror=alert(1)&gt;" in bodies[0]
    assert HOSTILE not in bodies[0]
    assert "16 observations, the same as on the map, sorted by number (ascending)." in bodies[0]


def test_a_table_says_its_caption_and_heads_its_columns_and_rows() -> None:
    rows = [ListedObservation(7, "Belysning", "Grimsta", "Ny", "Hög", "2026-11-10", "A & B")]
    table = table_html(rows, "1 iakttagelse", sort="number", descending=True, lang="sv")
    assert "<caption>1 iakttagelse</caption>" in table
    assert '<th scope="col" aria-sort="descending">Nr</th>' in table
    assert "<th scope='row'>7</th>" in table
    assert "<td>A &amp; B</td>" in table
    assert 'role="region"' in table  # it scrolls sideways on a phone: reachable by keyboard


def test_the_maps_filters_are_kept_while_the_user_is_on_another_page() -> None:
    app = map_page()
    app.radio(key=state.MAP_KIND_KEY).set_value("positive").run()
    app.selectbox(key=state.MAP_SORT_KEY).select("area").run()
    assert len(listed(app)) == 2
    app.session_state[PAGE_KEY] = "help"
    app.run()  # Streamlit forgets the map's widgets: not drawn on this run
    assert state.MAP_KIND_KEY not in app.session_state
    app.session_state[PAGE_KEY] = "map"
    app.run()
    assert not app.exception
    assert app.radio(key=state.MAP_KIND_KEY).value == "positive"
    assert app.selectbox(key=state.MAP_SORT_KEY).value == "area"
    assert len(listed(app)) == 2
