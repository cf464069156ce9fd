"""The Karta page and drawing on maps, end to end in Chromium with the network closed.

Desktop and phone viewports; every request that does not go to the app is aborted. One app
serves the module on a copy of the seeded workspace, and one on a copy with two hostile
observations; what the map shows is checked against what the workspace holds at the time.
"""

from __future__ import annotations

import io
import shutil
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Browser, FrameLocator, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from shapely.geometry import LineString

from gis.photos import process_photo
from tests.accessibility import grave_violations
from tests.appserver import page_with_only_the_app, running_app, wait_until_idle
from walks.core.config import Settings
from walks.core.model import DrawnShape, Observation, ObservationDraft, Position
from walks.core.workspace import connect_workspace
from walks.fieldwork.planning import list_walks
from walks.fieldwork.recording import list_observations, record_observation

HOSTILE = "<img src=x onerror=alert(1)>"
MARKERS_SHOWN = """() => {
  let n = document.querySelectorAll('.safewalk-marker').length;
  for (const c of document.querySelectorAll('.safewalk-cluster')) n += Number(c.innerText);
  return n;
}"""
"""How many observations the map shows: single markers plus the counts of the clusters."""


def observations(workspace_path: Path) -> list[Observation]:
    """Every area's observations: the demo's, and those the module's other tests stored."""
    workspace = connect_workspace(Settings(workspace=str(workspace_path)))
    return [o for area in workspace.areas() for o in list_observations(workspace, area.slug)]


def markers(found: list[Observation]) -> int:
    """How many of ``found`` the map marks: the points (lines and areas are drawn)."""
    return sum(o.geometry_type == "Point" for o in found)


def open_map(page: Page, url: str) -> FrameLocator:
    page.goto(url)
    page.get_by_text("Områden och iakttagelser").wait_for(timeout=60_000)
    frame = page.frame_locator("iframe").first
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    frame.locator(".safewalk-marker, .safewalk-cluster").first.wait_for(timeout=30_000)
    return frame


def only_other_observations(page: Page) -> None:
    """Choose the category Övrigt alone in the map's filters (the hostile fixture's two)."""
    page.get_by_text("Urval").click()
    categories = page.locator('[data-testid="stMultiSelect"]', has_text="Kategorier")
    categories.locator(
        '[data-testid="stMultiSelectClearAll"], [aria-label="Rensa alla"]'
    ).first.click()
    caption = page.get_by_text("2 av 17 iakttagelser i valda områden visas.")
    for _ in range(4):  # what is typed while the cleared choice's rerun redraws it is lost
        wait_until_idle(page)
        categories.locator("input").fill("Övrigt")
        page.keyboard.press("Enter")
        page.keyboard.press("Escape")
        try:
            caption.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    caption.wait_for(timeout=1_000)


def switch_layer(frame: FrameLocator, name: str) -> None:
    """Switch a layer on or off in the layer control, which opens while the mouse is on it."""
    frame.locator(".leaflet-control-layers").hover()
    label = frame.locator(".leaflet-control-layers-overlays label", has_text=name).first
    label.scroll_into_view_if_needed()
    label.click()


def shown(frame: FrameLocator) -> int:
    return int(frame.locator("body").evaluate(MARKERS_SHOWN))


def start_drawing_a_line(page: Page, frame: FrameLocator, *, tap: bool) -> None:
    """Choose the line tool, again if the map was still starting and the choice went unheard."""
    wait_until_idle(page)  # the new map reports back once when it starts
    tool = frame.locator(".leaflet-draw-draw-polyline")
    actions = frame.locator(".leaflet-draw-actions").first
    for _ in range(3):
        tool.tap() if tap else tool.click()
        try:
            actions.wait_for(timeout=10_000)  # the tool's Slutför / Ta bort / Avbryt: drawing now
            break
        except PlaywrightTimeout:
            continue
    actions.wait_for(timeout=1_000)


def add_vertices(page: Page, frame: FrameLocator, offsets: list[tuple[float, float]], *,
                 tap: bool) -> None:  # fmt: skip
    """Tap or click the map at ``offsets`` from its centre, each time until its vertex shows."""
    leaflet = frame.locator(".leaflet-container")
    vertices = frame.locator(".leaflet-editing-icon")
    for count, (dx, dy) in enumerate(offsets, start=1):
        for _ in range(3):  # a tap the map did not take (it was busy) is tapped again
            # A tap may rerun the page (a tapped position): measure the map anew each time.
            box = leaflet.bounding_box()
            assert box is not None
            position = {"x": box["width"] / 2 + dx, "y": box["height"] / 2 + dy}
            leaflet.tap(position=position) if tap else leaflet.click(position=position)
            try:
                expect(vertices).to_have_count(count, timeout=5_000)
                break
            except AssertionError:
                assert vertices.count() == count - 1, f"{vertices.count()} vertices, not {count}"
        expect(vertices).to_have_count(count, timeout=1_000)
        wait_until_idle(page)


def wait_until_shown(frame: FrameLocator, expected: int, *, timeout_s: float = 15.0) -> None:
    """Wait until the map shows ``expected`` observations (clusters redraw in steps)."""
    deadline = time.monotonic() + timeout_s
    while (now := shown(frame)) != expected:
        assert time.monotonic() < deadline, f"the map shows {now}, not {expected}"
        time.sleep(0.2)


def test_the_map_shows_a_layer_per_category_clustered_and_nothing_leaves(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    stored = observations(module_workspace)
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=900)
    frame = open_map(page, module_app)
    wait_until_shown(frame, markers(stored))  # 15 of the demo's, clustered or one by one
    wait_until_idle(page)  # checked at rest: the check holds the page's thread a moment
    assert grave_violations(page) == []  # WCAG 2.1 AA, serious and critical (axe-core)
    frame.locator(".leaflet-control-layers").hover()  # the control opens on hover
    overlays = frame.locator(".leaflet-control-layers-overlays")
    overlays.wait_for(timeout=10_000)
    for name in ("Belysning", "Trygg och trivsam plats", "Värmekarta", "Vandringsrutter",
                 "Referens: Belysningsstolpar"):  # fmt: skip
        assert name in overlays.inner_text()
    # Switching a category's layer off hides its observations (the demo's 4 lighting ones).
    switch_layer(frame, "Belysning")
    wait_until_shown(frame, markers([o for o in stored if o.category != "lighting"]))
    # The heat map and a reference layer switch on.
    switch_layer(frame, "Värmekarta")
    frame.locator("canvas.leaflet-heatmap-layer").wait_for(timeout=10_000)
    switch_layer(frame, "Referens: Belysningsstolpar")
    legend = frame.locator(".safewalk-legend")
    assert "Belysning" in legend.inner_text()  # open on a wide screen
    assert "Stockholms stad (CC0)" in frame.locator(".leaflet-control-attribution").inner_text()
    assert outside == []  # nothing left the machine: no CDN, no tiles
    page.context.close()


def test_a_filter_changes_what_the_map_shows(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    total = len(observations(module_workspace))  # 15: the demo's
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=900)
    frame = open_map(page, module_app)
    page.get_by_text("Urval").click()
    caption = page.get_by_text(f"2 av {total} iakttagelser i valda områden visas.")
    for _ in range(4):  # a choice made while the starting map's rerun redraws it is lost
        wait_until_idle(page)
        page.get_by_text("Trygga platser").click()
        try:
            caption.wait_for(timeout=15_000)
            break
        except PlaywrightTimeout:
            continue
    caption.wait_for(timeout=1_000)
    frame = page.frame_locator("iframe").first
    frame.locator(".safewalk-marker, .safewalk-cluster").first.wait_for(timeout=30_000)
    wait_until_shown(frame, 2)
    assert outside == []
    page.context.close()


def _jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(buffer, format="JPEG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def hostile_url(tmp_path_factory: pytest.TempPathFactory, _seeded_template: Path) -> Iterator[str]:
    """The app on a workspace with two observations of category Övrigt (the only ones of
    their category): no. 9, a point whose description and subject are HTML, with a photo;
    no. 10, a line. Its tests only look."""
    workspace_path = tmp_path_factory.mktemp("hostile") / "workspace"
    shutil.copytree(_seeded_template, workspace_path)
    workspace = connect_workspace(Settings(workspace=str(workspace_path)))
    draft = ObservationDraft(
        category="other", position=Position(17.8445, 59.3668), created_by="test",
        description=HOSTILE, fields={"subject": HOSTILE}, severity=2,
        photos=(process_photo(_jpeg(), max_bytes=1_000_000),),
    )  # fmt: skip
    record_observation(workspace, draft, area="hasselby-gard")
    path = LineString([(17.8400, 59.3650), (17.8420, 59.3655)])  # a dark path, as a line
    line = ObservationDraft(category="other", position=DrawnShape(path), created_by="test",
                            description="Mörk stig längs bäcken")  # fmt: skip
    record_observation(workspace, line, area="hasselby-gard")
    with running_app(workspace_path) as url:
        yield url


def test_clicking_a_marker_shows_its_details_escaped_with_its_photo(
    browser: Browser, hostile_url: str
) -> None:
    """On a phone, where a marker is smallest under a finger (a desktop's map is checked by
    the accessibility tests: its place, size and list)."""
    width, height = 390, 844
    outside: list[str] = []
    dialogs: list[str] = []
    page = page_with_only_the_app(browser, hostile_url, outside, width=width, height=height)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    open_map(page, hostile_url)
    only_other_observations(page)
    frame = page.frame_locator("iframe").first
    marker = frame.locator(".safewalk-marker")
    marker.wait_for(timeout=30_000)
    heading = page.get_by_text("Iakttagelse 9, Hässelby gård")
    for _ in range(12):  # a click while the new map still starts up may go unheard
        marker.click()
        try:
            heading.wait_for(timeout=2_500)
            break
        except PlaywrightTimeout:
            continue
    heading.wait_for(timeout=1_000)
    # Shown as text (the description and the subject field).
    # the description and the subject field, and the description in the list of observations
    expect(page.get_by_text(HOSTILE, exact=True)).to_have_count(3, timeout=10_000)
    assert page.locator('img[src="x"]').count() == 0
    assert frame.locator('img[src="x"]').count() == 0
    images = page.locator('[data-testid="stImage"] img')
    expect(images).to_have_count(1, timeout=10_000)  # the photo's thumbnail
    page.get_by_role("button", name="Visa foto 1 i full storlek").click()
    expect(images).to_have_count(2, timeout=30_000)  # and the photo itself, on demand
    # Who is responsible: no rule or template decides "other".
    page.get_by_text("(ingen) (Ingen regel eller åtgärdsmall passar").wait_for(timeout=10_000)
    # A measure is one tap away: the plan page opens with this observation chosen.
    page.get_by_role("button", name="Gör en åtgärd av den").click()
    page.get_by_text("Ny åtgärd").wait_for(timeout=30_000)
    chosen = page.locator('[data-testid="stMultiSelect"]', has_text="Iakttagelser")
    expect(chosen).to_contain_text(f"9. Övrigt: {HOSTILE}", timeout=30_000)
    assert page.locator('img[src="x"]').count() == 0
    assert dialogs == []
    assert outside == []
    page.context.close()


def test_a_line_drawn_with_taps_on_a_phone_is_stored_as_a_line(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    number = 1 + max(o.number for o in observations(module_workspace) if o.area == "grimsta")
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, touch=True)  # a phone
    page.goto(f"{module_app}/register")
    page.get_by_text("Registrera en iakttagelse").wait_for(timeout=60_000)
    frame = page.frame_locator("iframe").first
    leaflet = frame.locator(".leaflet-container")
    leaflet.wait_for(timeout=30_000)
    start_drawing_a_line(page, frame, tap=True)
    add_vertices(page, frame, [(dx, dx / 4) for dx in (-40, 0, 40)], tap=True)
    frame.locator(".leaflet-draw-actions a", has_text="Slutför").tap()
    page.get_by_text("Ritad linje sparas som iakttagelsens läge.").wait_for(timeout=30_000)
    wait_until_idle(page)  # that run done: the form no longer moves under the tap
    page.get_by_text("Trasig lampa").tap()
    page.get_by_role("button", name="Spara").tap()
    page.get_by_text("Sparad som nr").wait_for(timeout=30_000)
    # The next observation starts on a fresh map: the line is used once.
    expect(page.get_by_text("Ritad linje sparas som iakttagelsens läge.")).to_have_count(0)
    with sqlite3.connect(module_workspace / "grimsta.gpkg") as connection:
        rows = connection.execute(
            "SELECT number, problem FROM lighting_line WHERE number = ?", (number,)
        ).fetchall()  # its own table
    assert rows == [(number, "broken")]  # 5, after the demo's four
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    frame_ = workspace.store.read_layer("grimsta", "lighting")
    drawn = frame_[frame_["number"] == number].geometry.iloc[0]
    assert drawn.geom_type == "LineString"
    assert len(drawn.coords) == 3
    assert outside == []
    page.context.close()


def test_a_route_drawn_on_the_walks_page_is_stored_with_the_walk(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=900)
    page.goto(f"{module_app}/walks")
    page.get_by_text("Rita rutten på kartan").wait_for(timeout=60_000)
    page.get_by_text("Rita rutten på kartan").click()
    frame = page.frame_locator("iframe").first
    leaflet = frame.locator(".leaflet-container")
    leaflet.wait_for(timeout=30_000)
    start_drawing_a_line(page, frame, tap=False)
    add_vertices(page, frame, [(dx, -dx / 3) for dx in (-60, 0, 60)], tap=False)
    frame.locator(".leaflet-draw-actions a", has_text="Slutför").click()
    page.get_by_text("Den ritade rutten sparas med vandringen").wait_for(timeout=30_000)
    page.get_by_label("Rubrik").fill("Ritad rutt")
    page.get_by_role("button", name="Spara vandringen").click()
    page.get_by_text("Vandring nr").wait_for(timeout=30_000)
    assert grave_violations(page) == []  # checked once the page is at rest
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    (walk,) = [w for w in list_walks(workspace, "grimsta") if w.title == "Ritad rutt"]
    assert walk.route is not None
    assert walk.route.geom_type == "LineString"
    assert len(walk.route.coords) == 3
    assert outside == []
    page.context.close()


def test_clicking_a_line_shows_that_observation(browser: Browser, hostile_url: str) -> None:
    page = page_with_only_the_app(browser, hostile_url, [], width=1280, height=900)
    open_map(page, hostile_url)
    only_other_observations(page)
    frame = page.frame_locator("iframe").first
    line = frame.locator('path.leaflet-interactive[stroke="#FFFFFF"]')
    line.first.wait_for(timeout=30_000)
    heading = page.get_by_text("Iakttagelse 10, Hässelby gård")
    for _ in range(3):  # a click while the new map still starts up may go unheard
        line.first.click(force=True)
        try:
            heading.wait_for(timeout=10_000)
            break
        except PlaywrightTimeout:
            continue
    heading.wait_for(timeout=1_000)
    details = page.get_by_test_id("stTableStyledTable")  # not the list under the map
    details.get_by_text("Mörk stig längs bäcken").wait_for(timeout=10_000)
    page.context.close()
