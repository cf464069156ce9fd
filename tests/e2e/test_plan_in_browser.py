"""The action plan page in Chromium (desktop): a measure from two observations, moved on, and
the tertial reports. One app serves the module on a copy of the seeded workspace."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from docx import Document
from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import Browser, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pypdf import PdfReader

from gis.crs import to_wgs84
from gis.photos import process_photo
from tests.accessibility import grave_violations
from tests.appserver import page_with_only_the_app, wait_until_idle
from tests.files import FACE_BOX, PLATE_BOX, jpeg_with_gps, street_photo
from walks.actions.measures import area_measures, measure_history
from walks.actions.tertial import Tertial
from walks.core.config import Settings
from walks.core.model import MeasureStatus, ObservationDraft, ObservationStatus, Position
from walks.core.workspace import connect_workspace
from walks.fieldwork.recording import (
    list_observations,
    observation_photos,
    photo_image,
    record_observation,
)


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
    wait_until_idle(page)  # the run that filled it done: nothing moves under the click
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


def test_a_coordinator_blacks_out_a_face_keeps_the_plate_and_adds_boxes_by_hand(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    """The suggestions as checkboxes, a box typed and a box drawn with the mouse, then the
    confirmation; the stored photo is black where asked and nowhere else asked."""
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    area = next(a for a in workspace.areas() if a.slug == "grimsta")
    point = to_wgs84(area.boundary.representative_point())
    observation = record_observation(workspace, ObservationDraft(
        "graffiti", Position(point.x, point.y), created_by="tests", fields={"surface": "wall"},
        description="Klotter vid parkeringen",
        photos=(process_photo(street_photo(), max_bytes=10_000_000),),
    ), area="grimsta")  # fmt: skip
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.goto(f"{module_app}/plan")
    page.get_by_text("Foton: maskera personer och registreringsskyltar").wait_for(timeout=60_000)
    chooser = page.get_by_role("combobox", name="Iakttagelse med foton")
    option = page.get_by_role("option", name=re.compile(rf"^{observation.number}\. Klotter"))
    for attempt in range(3):
        # A list opened while a run redraws the page is replaced under the click: opened
        # again once the page is idle.
        wait_until_idle(page)
        chooser.scroll_into_view_if_needed()
        chooser.click()
        chooser.fill(f"{observation.number}. Klotter")
        try:
            option.click(timeout=10_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.keyboard.press("Escape")
    page.get_by_text("Maskera personer och registreringsskyltar", exact=True).click()
    face = page.get_by_role("checkbox", name=re.compile(r"^1\. ansikte: X \d+"))
    plate = page.get_by_role("checkbox", name=re.compile(r"^2\. registreringsskylt: X \d+"))
    face.wait_for(timeout=60_000)
    expect(face).to_be_checked()
    plate.uncheck(force=True)  # a suggestion dropped
    # A box by the keyboard: its four numbers.
    for label, value in (("X (vänster)", "20"), ("Y (överkant)", "30"), ("Bredd", "60"),
                         ("Höjd", "40")):  # fmt: skip
        page.get_by_label(label, exact=True).fill(value)
    page.get_by_role("button", name="Lägg till ruta").click()
    page.get_by_text("3. egen ruta: X 20, Y 30, bredd 60, höjd 40").wait_for(timeout=30_000)
    # And one with the mouse, on the preview (960 px for 1200: 0.8 preview px a photo px).
    picture = page.locator(".sw-draw img")
    picture.wait_for(timeout=30_000)
    expect(picture).to_have_attribute("alt", re.compile("Förhandsvisning av fotot med 2 rutor"))
    drawn = re.compile(r"^4\. egen ruta: X (99\d|100\d), Y (9\d|10\d), bredd (7\d|8\d)")
    for attempt in range(3):
        # A drag while a run still redraws the preview can land on the picture being replaced:
        # drawn again once the page is idle, unless the first one arrived meanwhile.
        wait_until_idle(page)
        if page.get_by_text(drawn).count():
            break
        picture.scroll_into_view_if_needed()  # the mouse acts where the window shows
        box = picture.bounding_box()
        assert box is not None
        scale = box["width"] / 1200
        page.mouse.move(box["x"] + 1000 * scale, box["y"] + 100 * scale)
        page.mouse.down()
        page.mouse.move(box["x"] + 1080 * scale, box["y"] + 150 * scale, steps=5)
        page.mouse.up()
        try:
            page.get_by_text(drawn).wait_for(timeout=20_000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
    assert grave_violations(page) == []  # WCAG 2.1 AA, serious and critical (axe-core)
    button = page.get_by_role("button", name="Maskera 3 rutor")
    expect(button).to_be_disabled()  # until the user says it is for good
    page.get_by_role("checkbox", name=re.compile("^Jag förstår")).check(force=True)
    button.click()
    page.get_by_text(f"Foto 1 av iakttagelse {observation.number}: 3 rutor maskerade.").wait_for(
        timeout=60_000
    )
    (info,) = observation_photos(workspace, "grimsta", observation.uuid)
    stored = np.asarray(Image.open(io.BytesIO(photo_image(workspace, "grimsta", info.uuid)
                                              or b"")).convert("L"))  # fmt: skip
    x, y, w, h = FACE_BOX
    assert stored[y + 20 : y + h - 20, x + 20 : x + w - 20].max() <= 8  # the face
    assert stored[35:65, 25:75].max() <= 8  # the typed box
    assert stored[110:140, 1010:1070].max() <= 8  # the drawn box
    x, y, w, h = PLATE_BOX
    assert stored[y + 8 : y + h - 8, x + 30 : x + w - 8].mean() > 60  # the plate was kept
    assert outside == []
    page.context.close()
