"""The action plan page in Chromium (desktop): a measure from two observations, moved on."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, expect

from tests.appserver import page_with_only_the_app
from walks.config import Settings
from walks.measures import area_measures
from walks.model import MeasureStatus, ObservationStatus
from walks.recording import list_observations
from walks.workspace import connect_workspace


def test_a_measure_from_two_observations_is_moved_on_with_its_history(
    browser: Browser, app_url: str, workspace_path: Path
) -> None:
    outside: list[str] = []
    page = page_with_only_the_app(browser, app_url, outside, width=1280, height=1000)
    page.goto(f"{app_url}/plan")
    page.get_by_text("Ny åtgärd").wait_for(timeout=60_000)
    chooser = page.locator('[data-testid="stMultiSelect"]', has_text="Iakttagelser")
    for number in ("1.", "2."):
        chooser.locator("input").fill(number)
        page.get_by_role("option", name=number).first.click()
    page.keyboard.press("Escape")
    # No. 1 is a passage: its category's template fills the form.
    filled = page.locator('input[aria-label="Åtgärd"][value="Ljusare och öppnare passage"]')
    filled.wait_for(timeout=30_000)
    page.get_by_role("button", name="Spara åtgärden").click()
    page.get_by_text("Åtgärd nr 1 sparad som föreslagen.").wait_for(timeout=30_000)
    page.get_by_text("Ändra status").wait_for(timeout=30_000)
    new_status = page.locator('[data-testid="stSelectbox"]', has_text="Ny status")
    expect(new_status.locator("input")).to_have_value("Beslutad")  # the next step, first
    page.get_by_label("Uppföljningsanteckning").fill("Beslutat på mötet")
    page.get_by_role("button", name="Ändra", exact=True).click()
    page.get_by_text("Åtgärd nr 1 är nu beslutad.").wait_for(timeout=30_000)
    page.get_by_text("Historik").wait_for(timeout=10_000)
    workspace = connect_workspace(Settings(workspace=str(workspace_path)))
    (measure,) = area_measures(workspace, "grimsta")
    assert (measure.status, measure.observations) == (MeasureStatus.DECIDED, (1, 2))
    found = {o.number: o.status for o in list_observations(workspace, "grimsta")}
    assert (found[1], found[2]) == (ObservationStatus.PLANNED, ObservationStatus.PLANNED)
    assert outside == []
    page.context.close()
