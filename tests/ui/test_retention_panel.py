"""The retention panel of the data page: the rules, a dry run's summary, the removal once
confirmed, and coordinators only; through Streamlit's AppTest on a workspace in memory.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from uuid import uuid4

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from layers.memory import MemoryStore
from ui import state
from walks.actions.inbox import ReportDraft, list_reports, receive_report, reject_report
from walks.core import clock
from walks.core.config import settings_from_env
from walks.core.model import Position
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace
from walks.fieldwork.startup import open_workspace


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """The app's workspace, in memory, with a report rejected 13 months ago by the clock."""
    name = f"ui-{uuid4().hex}"
    monkeypatch.setenv("SAFEWALK_WORKSPACE", f"memory://{name}")
    st.cache_data.clear()
    st.cache_resource.clear()
    workspace = open_workspace(settings_from_env())
    draft = ReportDraft("litter", Position(17.8445, 59.3668), "Glas", email="a@example.se")
    report = receive_report(workspace, draft)
    reject_report(workspace, report.id, "Redan anmäld", actor="tester")
    moment = clock.utc_now() + timedelta(days=13 * 31)
    monkeypatch.setattr(clock, "utc_now", lambda: moment)
    yield workspace
    st.cache_data.clear()
    st.cache_resource.clear()
    MemoryStore.discard(name)


def _panel() -> None:
    from ui import retention_panel, state

    retention_panel.render(state.language())


def panel(language: str = "sv", account: Account | None = None) -> AppTest:
    app = AppTest.from_function(_panel, default_timeout=60)
    app.session_state[state.LANGUAGE_KEY] = language
    if account is not None:
        app.session_state["account"] = account
    return app.run()


def texts(app: AppTest) -> list[str]:
    return [element.value for element in app.get("text")]


def test_the_rules_a_dry_run_and_the_removal_once_confirmed(workspace: Workspace) -> None:
    app = panel()
    assert not app.exception
    assert app.header[0].value == "Gallring av personuppgifter"
    rules = app.dataframe[0].value
    assert "Avvisade anmälningar från boende" in set(rules["Regel"])
    app.button(key=state.RETENTION_CHECK_KEY).click().run()
    assert "· avvisade anmälningar: 1 (" in "\n".join(texts(app))
    assert app.button(key=state.RETENTION_APPLY_KEY).disabled
    assert len(list_reports(workspace, status=None)) == 1  # the dry run changed nothing
    app.checkbox(key=state.RETENTION_CONFIRM_KEY).check().run()
    app.button(key=state.RETENTION_APPLY_KEY).click().run()
    assert not app.exception
    assert app.success[0].value.startswith("Gallrat i 1 område(n)")
    assert list_reports(workspace, status=None) == []
    app.button(key=state.RETENTION_CHECK_KEY).click().run()
    assert app.info[0].value == "Inget att gallra just nu."


def test_only_coordinators_see_the_panels_controls(workspace: Workspace) -> None:
    app = panel("en", Account("rita", Role.REGISTRANT))
    assert not app.exception
    assert [c.value for c in app.caption] == ["Retention is done by coordinators."]
    assert not app.button
