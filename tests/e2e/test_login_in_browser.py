"""Logging in to the app in Chromium once the workspace has accounts; the network closed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.appserver import page_with_only_the_app, running_app
from walks.access.accounts import add_account
from walks.core.config import Settings
from walks.core.workspace import connect_workspace

PASSWORD = "långt-och-hemligt"  # noqa: S105 - a test account's


@pytest.fixture(scope="module")
def accounts_url(module_workspace: Path) -> Iterator[str]:
    """The app on a workspace with a registrant account."""
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    add_account(workspace, "ali", "registrant", PASSWORD)
    with running_app(module_workspace) as url:
        yield url


def test_the_app_asks_for_a_login_and_keeps_the_residents_page_open(
    browser: Browser, accounts_url: str
) -> None:
    outside: list[str] = []
    page = page_with_only_the_app(browser, accounts_url, outside, width=1280, height=900)
    page.goto(accounts_url)
    page.get_by_label("Användarnamn").wait_for(timeout=60_000)
    assert page.get_by_text("Områden och iakttagelser").count() == 0  # no map before a login
    page.get_by_label("Användarnamn").fill("ali")
    page.get_by_label("Lösenord", exact=True).fill("fel-lösenord")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Fel användarnamn eller lösenord.").wait_for(timeout=30_000)
    page.get_by_label("Lösenord", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Inloggad som ali (registrerare)").wait_for(timeout=30_000)
    page.get_by_text("Områden och iakttagelser").first.wait_for(timeout=60_000)
    page.get_by_role("button", name="Logga ut").click()
    page.get_by_label("Användarnamn").wait_for(timeout=30_000)
    page.goto(f"{accounts_url}/status")  # the residents' page needs no login
    page.get_by_text("Vad har gjorts i ditt område?").wait_for(timeout=60_000)
    assert outside == []
    page.context.close()
