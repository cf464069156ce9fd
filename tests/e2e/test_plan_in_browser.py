"""The action plan page in Chromium (desktop): a measure from two observations, moved on, and
the tertial reports. One app serves the module on a copy of the seeded workspace."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from docx import Document
from openpyxl import load_workbook
from playwright.sync_api import Browser, expect
from pypdf import PdfReader

from tests.appserver import page_with_only_the_app
from tests.files import jpeg_with_gps
from walks.actions.measures import area_measures, measure_history
from walks.actions.tertial import Tertial
from walks.core.config import Settings
from walks.core.model import MeasureStatus, ObservationStatus
from walks.core.workspace import connect_workspace
from walks.fieldwork.recording import list_observations


def test_a_measure_from_two_observations_is_moved_on_with_its_history(
    browser: Browser, module_app: str, module_workspace: Path, tmp_path: Path
) -> None:
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    # The next measure's number: 1 (the demo has none) unless another test made one.
    made = 1 + max((m.number for m in area_measures(workspace, "grimsta")), default=0)
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.goto(f"{module_app}/plan")
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
    page.get_by_text(f"Åtgärd nr {made} sparad som föreslagen.").wait_for(timeout=30_000)
    page.get_by_text("Ändra status").wait_for(timeout=30_000)
    new_status = page.locator('[data-testid="stSelectbox"]', has_text="Ny status")
    expect(new_status.locator("input")).to_have_value("Beslutad")  # the next step, first
    page.get_by_label("Uppföljningsanteckning").fill("Beslutat på mötet")
    photo = tmp_path / "platsen.jpg"
    photo.write_bytes(jpeg_with_gps(17.86, 59.355, (800, 600)))
    form = page.locator('[data-testid="stForm"]', has_text="Foton till anteckningen")
    form.locator('input[type="file"]').set_input_files(photo)
    form.get_by_text("platsen.jpg").wait_for(timeout=30_000)
    # Submit once the upload has reached the server: its progress bar gone.
    expect(form.locator('[role="progressbar"]')).to_have_count(0, timeout=30_000)
    page.get_by_role("button", name="Ändra", exact=True).click()
    page.get_by_text(f"Åtgärd nr {made} är nu beslutad.").wait_for(timeout=60_000)
    page.get_by_text("Historik").wait_for(timeout=10_000)
    # The note's photo is shown under the history, captioned with the note.
    page.locator('[data-testid="stImage"]', has_text="Beslutat på mötet").wait_for(timeout=30_000)
    (measure,) = [m for m in area_measures(workspace, "grimsta") if m.number == made]
    assert (measure.status, measure.observations) == (MeasureStatus.DECIDED, (1, 2))
    found = {o.number: o.status for o in list_observations(workspace, "grimsta")}
    assert (found[1], found[2]) == (ObservationStatus.PLANNED, ObservationStatus.PLANNED)
    (note,) = [e for e in measure_history(workspace, "grimsta", made) if e.action == "note"]
    assert (note.note, note.photos) == ("Beslutat på mötet", 1)
    assert outside == []
    page.context.close()


def test_the_tertial_reports_download_from_the_plan_page(
    browser: Browser, module_app: str, tmp_path: Path
) -> None:
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.goto(f"{module_app}/plan")
    page.get_by_text("Tertialuppföljning").wait_for(timeout=60_000)
    # The page's area (the first, Grimsta): the district's report is the same code
    # (tests/walks/test_tertial.py) at ten times the making.
    page.get_by_role("button", name="Ta fram rapporten").click()
    page.get_by_role("button", name="Ladda ned PDF").wait_for(timeout=60_000)
    now = Tertial.of(datetime.now(UTC))
    saved = {}
    for kind in ("Excel", "Word", "PDF"):
        with page.expect_download(timeout=60_000) as download:
            page.get_by_role("button", name=f"Ladda ned {kind}").click()
        path = tmp_path / download.value.suggested_filename
        download.value.save_as(path)
        saved[kind] = path
    assert saved["PDF"].name == f"uppfoljning-grimsta-{now.year}-T{now.number}.pdf"
    book = load_workbook(saved["Excel"])
    assert book.sheetnames[0] == "Sammanfattning"
    assert "Grimsta" in book.sheetnames
    headings = [p.text for p in Document(str(saved["Word"])).paragraphs][:1]
    assert headings == [f"Uppföljning {now.label()}: Grimsta"]
    text = PdfReader(saved["PDF"]).pages[0].extract_text()
    assert f"Uppföljning {now.label()}: Grimsta" in text
    assert outside == []
    page.context.close()
