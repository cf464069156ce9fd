"""The residents' pages and the accessibility statement in Chromium, with JavaScript and without.

One app (``streamlit run``) and one browser for the module, on a copy of the seeded workspace
with one public, decided measure in Hässelby gård; the pages reach nothing but the app. What
a resident sent is checked in the workspace itself: in the inbox, not on the map.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from gis.crs import to_wgs84
from tests.accessibility import grave_violations
from tests.appserver import page_with_only_the_app, running_app
from walks.actions.inbox import Report, list_reports
from walks.actions.measures import add_measure, change_status
from walks.cli.main import main
from walks.core.config import settings_from_env
from walks.core.model import MeasureStatus
from walks.core.workspace import Workspace
from walks.fieldwork.recording import list_observations
from walks.fieldwork.startup import open_workspace
from walks.web.areamap import area_map

MEASURE = "Ljusare gångväg vid Hässelbygårdsskolan"
PAGES = {"/boende": "sv", "/residents": "en", "/tillganglighet": "sv", "/accessibility": "en"}
VIEWPORTS = ((390, 844), (1366, 900))
TO_SCREEN = """([x, y]) => {
    const svg = document.getElementById('map');
    const point = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
    return [point.x, point.y];
}"""
"""Where a point of the map (metres from its top-left corner) is on the screen."""


@pytest.fixture(scope="module")
def workspace_folder(tmp_path_factory: pytest.TempPathFactory, _seeded_template: Path) -> Path:
    path = tmp_path_factory.mktemp("residents") / "workspace"
    shutil.copytree(_seeded_template, path)
    workspace = opened(path)
    add_measure(workspace, "hasselby-gard", observations=[1], title=MEASURE,
                responsible="trafikkontoret", public=True, actor="Kim Svensson")  # fmt: skip
    change_status(workspace, "hasselby-gard", 1, MeasureStatus.DECIDED, actor="Kim Svensson")
    return path


@pytest.fixture(scope="module")
def url(workspace_folder: Path) -> Iterator[str]:
    with running_app(workspace_folder) as address:
        yield address


def opened(path: Path) -> Workspace:
    return open_workspace(settings_from_env({}, workspace=str(path)))


def received(path: Path, description: str) -> Report:
    [report] = [r for r in list_reports(opened(path)) if r.description == description]
    return report


def on_the_map(path: Path, description: str) -> bool:
    return any(
        o.description == description for o in list_observations(opened(path), "hasselby-gard")
    )


def fill_in(page: Page, description: str) -> None:
    page.get_by_label("Belysning").check()
    page.get_by_label("Beskriv vad du har sett").fill(description)


def test_without_javascript_the_measures_show_and_a_typed_report_arrives_in_the_inbox(
    browser: Browser, url: str, workspace_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    context = browser.new_context(java_script_enabled=False, locale="sv-SE",
                                         viewport={"width": 390, "height": 844})  # fmt: skip
    page = context.new_page()
    page.goto(f"{url}/boende?area=hasselby-gard")
    assert page.get_by_text(MEASURE).is_visible()
    assert page.get_by_text("Kim Svensson").count() == 0
    assert page.get_by_role("button", name="Använd min position").is_hidden()
    assert page.get_by_text("Skriv in platsens koordinater").is_visible()

    description = "Trasig lampa <script>alert(1)</script> vid cykelbanan"
    fill_in(page, description)
    page.get_by_label("Latitud (nord)").fill("59,3668")
    page.get_by_label("Longitud (öst)").fill("17.8445")
    page.get_by_role("button", name="Skicka anmälan").click()
    page.get_by_role("heading", name="Tack för din anmälan!").wait_for(timeout=10_000)

    report = received(workspace_folder, description)
    assert (round(report.lat, 4), round(report.lon, 4)) == (59.3668, 17.8445)
    assert not on_the_map(workspace_folder, description)
    assert f"nr {report.id}" in page.locator("#thanks").inner_text()
    context.close()

    # A coordinator accepts it: an observation numbered as any other, its text as written.
    code = main(["inbox", "accept", report.id, "--field", "problem=broken", "--json",
                 "--workspace", str(workspace_folder), "--user", "samordnare"])  # fmt: skip
    assert code == 0
    accepted = json.loads(capsys.readouterr().out)
    [observation] = [o for o in list_observations(opened(workspace_folder), "hasselby-gard")
                     if o.description == description]  # fmt: skip
    assert (observation.number, observation.origin) == (accepted["number"], "resident")


def test_with_javascript_a_tap_on_the_map_gives_the_position_of_a_report(
    browser: Browser, url: str, workspace_folder: Path
) -> None:
    outside: list[str] = []
    page = page_with_only_the_app(browser, url, outside, touch=True)
    page.goto(f"{url}/boende?area=hasselby-gard")
    page.get_by_text(MEASURE).wait_for()
    empty = page.get_by_role("button", name="Skicka anmälan")
    empty.click()  # nothing given: the form comes back with the refusal on top, focused
    summary = page.locator("#errors")
    summary.wait_for()
    assert "Ange var platsen är" in summary.inner_text()
    # focused by the page's script once it has run (later than the summary, on a busy machine)
    page.wait_for_function("() => document.activeElement?.id === 'errors'", timeout=10_000)
    assert grave_violations(page) == []

    areas = opened(workspace_folder).areas()
    area = next(a for a in areas if a.slug == "hasselby-gard")
    tapped = to_wgs84(area.boundary.representative_point())
    where = area_map(area, areas, ()).position_of(tapped.x, tapped.y)
    page.locator("#map").scroll_into_view_if_needed()
    x, y = page.evaluate(TO_SCREEN, where)
    page.touchscreen.tap(x, y)
    page.get_by_text("Platsen du tryckte på är ifylld.").wait_for()
    lat = float(page.get_by_label("Latitud (nord)").input_value())
    lon = float(page.get_by_label("Longitud (öst)").input_value())
    assert abs(lat - tapped.y) < 0.0003  # a finger's width: some 30 m
    assert abs(lon - tapped.x) < 0.0005
    assert page.locator("#marker").get_attribute("display") is None

    description = "Mörkt vid tunneln"
    fill_in(page, description)
    page.get_by_role("button", name="Skicka anmälan").click()
    page.get_by_role("heading", name="Tack för din anmälan!").wait_for(timeout=10_000)
    report = received(workspace_folder, description)
    assert abs(report.lat - tapped.y) < 0.0003
    assert outside == []
    page.context.close()


def test_the_phones_position_fills_in_the_place(browser: Browser, url: str) -> None:
    page = page_with_only_the_app(browser, url, [])
    page.context.grant_permissions(["geolocation"], origin=url)
    page.context.set_geolocation({"longitude": 17.8445, "latitude": 59.3668, "accuracy": 12})
    page.goto(f"{url}/residents?area=hasselby-gard")
    page.get_by_role("button", name="Use my position").click()
    page.get_by_text("Your position is filled in (±12 m).").wait_for()
    assert page.get_by_label("Latitude (north)").input_value() == "59.366800"
    assert page.locator("#marker").get_attribute("display") is None
    page.context.close()


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_every_page_is_axe_clean_in_both_languages_and_says_its_language(
    browser: Browser, url: str, width: int, height: int
) -> None:
    page = page_with_only_the_app(browser, url, [], width=width, height=height)
    for path, language in PAGES.items():
        page.goto(f"{url}{path}")
        assert page.evaluate("document.documentElement.lang") == language, path
        assert grave_violations(page) == [], path
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.context.close()
