"""The app's login through Streamlit's AppTest: expiry, a role changed meanwhile, viewers."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from layers.memory import MemoryStore
from ui import state
from walks.access.accounts import add_account, set_disabled, set_role
from walks.core.config import settings_from_env
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace
from walks.fieldwork.startup import open_workspace

APP = str(Path(__file__).resolve().parents[2] / "app.py")
PASSWORD = "långt-och-hemligt"  # noqa: S105 - a test account's


@pytest.fixture
def workspace(monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    """An in-memory workspace with accounts, as the app's workspace."""
    st.cache_data.clear()
    st.cache_resource.clear()
    name = f"ui-{uuid4().hex}"
    monkeypatch.setenv("SAFEWALK_WORKSPACE", f"memory://{name}")
    monkeypatch.setenv("SAFEWALK_TILES", "none")
    monkeypatch.setenv("SAFEWALK_SESSION_HOURS", "8")
    opened = open_workspace(settings_from_env())
    add_account(opened, "kim", "coordinator", PASSWORD)
    yield opened
    MemoryStore.discard(name)
    st.cache_resource.clear()


def logged_in(account: Account, hours_ago: float) -> AppTest:
    app = AppTest.from_file(APP, default_timeout=60)
    app.session_state["account"] = account
    app.session_state["logged_in_at"] = datetime.now(UTC) - timedelta(hours=hours_ago)
    return app.run()


def texts(app: AppTest) -> str:
    return " ".join(e.value for e in [*app.markdown, *app.caption, *app.info, *app.error,
                                      *app.title, *app.subheader])  # fmt: skip


def log_in_button(app: AppTest) -> Any:
    """The login form's button, found by its label."""
    (button,) = [b for b in app.button if b.label == "Logga in"]
    return button


def test_a_login_expires_after_the_session_hours(workspace: Workspace) -> None:
    app = logged_in(Account("kim", Role.COORDINATOR), hours_ago=1)
    assert "Inloggad som kim (samordnare)" in texts(app)
    app = logged_in(Account("kim", Role.COORDINATOR), hours_ago=9)
    assert "Inloggningen har gått ut; logga in igen." in texts(app)
    assert app.text_input(key=state.LOGIN_NAME_KEY).label == "Användarnamn"


def test_a_changed_role_or_a_disabled_account_counts_at_the_next_click(
    workspace: Workspace,
) -> None:
    set_role(workspace, "kim", "viewer")
    app = logged_in(Account("kim", Role.COORDINATOR), hours_ago=1)
    assert "Inloggad som kim (läsare)" in texts(app)
    set_disabled(workspace, "kim")
    app.run()
    assert app.text_input(key=state.LOGIN_NAME_KEY).label == "Användarnamn"


def test_a_wrong_password_is_told_and_the_right_one_lets_in(workspace: Workspace) -> None:
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input(key=state.LOGIN_NAME_KEY).input("kim")
    app.text_input(key=state.LOGIN_PASSWORD_KEY).input("fel-lösenord")
    log_in_button(app).click().run()
    assert "Fel användarnamn eller lösenord." in texts(app)
    app.text_input(key=state.LOGIN_PASSWORD_KEY).input(PASSWORD)
    log_in_button(app).click().run()
    assert "Inloggad som kim (samordnare)" in texts(app)
