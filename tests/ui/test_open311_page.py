"""The action plan page sends an area's observations to the city's fault-report system and
shows how they are doing; through Streamlit's AppTest, against a GeoReport v2 server on
localhost (``tests/georeport.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from uuid import uuid4

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from layers.memory import MemoryStore
from tests.georeport import API_KEY, AREA, GeoReportServer, data_dir, georeport_server, observe
from ui import state
from walks.core.config import settings_from_env
from walks.core.model import ObservationStatus
from walks.core.workspace import Workspace
from walks.fieldwork.recording import list_observations
from walks.fieldwork.startup import open_workspace


@pytest.fixture
def city(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[GeoReportServer]:
    """The app's workspace in memory, of this test's own, sending to a server on localhost."""
    name = f"ui-{uuid4().hex}"
    monkeypatch.setenv("SAFEWALK_WORKSPACE", f"memory://{name}")
    monkeypatch.setenv("SAFEWALK_TILES", "none")
    monkeypatch.setenv("SAFEWALK_OPEN311_API_KEY", API_KEY)
    monkeypatch.setenv("SAFEWALK_DATA_DIR", str(data_dir(tmp_path)))
    st.cache_data.clear()
    st.cache_resource.clear()
    with georeport_server() as server:
        monkeypatch.setenv("SAFEWALK_OPEN311_URL", server.url)
        yield server
    st.cache_data.clear()
    st.cache_resource.clear()
    MemoryStore.discard(name)


def _plan_script() -> None:
    from ui import plan_page

    plan_page.render()


def the_apps_workspace() -> Workspace:
    return open_workspace(settings_from_env())


def test_the_coordinator_sends_sees_why_and_fetches_the_citys_closing(
    city: GeoReportServer,
) -> None:
    workspace = the_apps_workspace()
    lamp, paint = observe(workspace, "lighting", "Släckt"), observe(workspace, "graffiti")
    observe(workspace, "litter")
    app = AppTest.from_function(_plan_script, default_timeout=60)
    app.session_state[state.LANGUAGE_KEY] = "en"
    app.run()
    app.selectbox(key=state.MEASURE_AREA_KEY).select(AREA).run()
    send = app.button(key=state.OPEN311_SEND_KEY)
    assert (send.label, send.disabled) == ("Send to the city (2)", False)
    assert app.button(key=state.OPEN311_SYNC_KEY).disabled  # nothing sent yet
    captions = [c.value for c in app.caption]
    assert any(c.startswith("Not sent, no service code in open311.toml: ") and "Litter" in c
               for c in captions)  # fmt: skip
    send.click().run()
    assert not app.exception
    assert app.success[-1].value == f"Sent to the city: {lamp}, {paint}."
    assert app.button(key=state.OPEN311_SEND_KEY).disabled  # each is sent once
    # One more, while the city's server fails: the page says why, in the server's words.
    again = observe(workspace, "lighting")
    city.mode = "error"
    app.run()
    app.button(key=state.OPEN311_SEND_KEY).click().run()
    assert [e.value.split(". Tried again ")[0] for e in app.error] == [
        f"No. {again} did not arrive (The city's system answered with an error: HTTP 500: 500: "
        "Databasen svarar inte)"]  # fmt: skip
    rows = {row["No"]: row for row in app.table[0].value.to_dict("records")}
    assert (rows[str(again)]["State"], rows[str(lamp)]["State"]) == ("Waiting", "Sent")
    assert rows[str(lamp)]["The city's id"] == "1001"
    # The city closes the lamp's request: fetching its status resolves the observation.
    city.close("1001", "Lampan bytt")
    app.button(key=state.OPEN311_SYNC_KEY).click().run()
    assert not app.exception
    assert app.info[-1].value == "Asked the city about 2 requests: 1 changed, 1 resolved."
    assert app.success[-1].value == f"No. {lamp} is resolved: Lampan bytt"
    rows = {row["No"]: row for row in app.table[0].value.to_dict("records")}
    assert rows[str(lamp)]["Why / the city's note"] == "Lampan bytt"
    statuses = {o.number: o.status for o in list_observations(the_apps_workspace(), AREA)}
    assert statuses[lamp] is ObservationStatus.RESOLVED
    assert city.posts == 3


def _help_script() -> None:
    from ui import help_page

    help_page.render()


def test_the_help_page_explains_sending_to_the_city_in_both_languages() -> None:
    app = AppTest.from_function(_help_script, default_timeout=60).run()
    assert "safewalk open311 send" in app.markdown[-1].value
    assert "prövas igen efter 5 minuter" in app.markdown[-1].value
    app.session_state[state.LANGUAGE_KEY] = "en"
    app.run()
    assert "tried again after 5 minutes" in app.markdown[-1].value
