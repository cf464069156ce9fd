"""The residents' page on a phone in Chromium, the network closed but for the app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.accessibility import grave_violations
from tests.appserver import page_with_only_the_app, running_app
from walks.actions.measures import add_measure, change_status
from walks.core.config import Settings
from walks.core.model import MeasureStatus
from walks.core.workspace import connect_workspace


@pytest.fixture(scope="module")
def decided_url(module_workspace: Path) -> Iterator[str]:
    """The app on a workspace with two decided measures in Grimsta: one public, one not."""
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    add_measure(workspace, "grimsta", observations=[1], title="Ljusare gångtunnel",
                responsible="trafikkontoret", public=True, actor="Kim Svensson")  # fmt: skip
    add_measure(workspace, "grimsta", observations=[2], title="Internt underlag",
                responsible="trafikkontoret", actor="Kim Svensson")  # fmt: skip
    for number in (1, 2):
        change_status(workspace, "grimsta", number, MeasureStatus.DECIDED, actor="Eva")
    with running_app(module_workspace) as url:
        yield url


def test_residents_see_what_was_decided_on_a_phone(browser: Browser, decided_url: str) -> None:
    outside: list[str] = []
    page = page_with_only_the_app(browser, decided_url, outside)  # a phone's viewport
    page.goto(f"{decided_url}/status")
    page.get_by_text("Vad har gjorts i ditt område?").wait_for(timeout=60_000)
    page.get_by_text("Ljusare gångtunnel").wait_for(timeout=30_000)
    page.get_by_text("Beslutad ·", exact=False).first.wait_for(timeout=10_000)
    assert page.get_by_text("Internt underlag").count() == 0
    assert page.get_by_text("Kim Svensson").count() == 0
    assert grave_violations(page) == []
    assert outside == []
    page.context.close()
