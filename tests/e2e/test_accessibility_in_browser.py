"""Every Streamlit page against WCAG 2.1 AA in Chromium, in Swedish and English, phone and desktop.

axe-core (vendored) finds no serious or critical violation on any page, its map frames
included; the document's ``lang`` is the chosen language; no English shows on a Swedish page
(Streamlit's own texts and the map's included: text, frames and what screen readers read),
nor Swedish on an English one; headings go down one level at a time; the sidebar links the
accessibility statement. On *Karta* the map comes first, its list holds the same observations
and sorts, and the filters survive a visit to another page; a photo is chosen by keyboard.

One app, one browser and one browser context serve the module (its pages share Streamlit's
scripts, cached), and the login test comes last: it adds an account to the workspace. A
session keeps its language only while it stays on the page: each language is one session that
goes from page to page by the sidebar, and each page is checked at 1366 × 900 and then,
resized in place, at 390 × 844.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from itertools import pairwise
from pathlib import Path
from typing import Final

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.accessibility import grave_violations
from tests.appserver import running_app, wait_until_idle
from tests.files import jpeg_with_gps
from walks.access.accounts import add_account
from walks.core.config import Settings
from walks.core.workspace import connect_workspace

DESKTOP: Final = {"width": 1366, "height": 900}
PHONE: Final = {"width": 390, "height": 844}
PAGES: Final = ("", "register", "walks", "plan", "status", "print", "data", "help")
"""Every page of the app by its address (``st.Page(url_path=…)``; "" is Karta)."""
WITH_MAPS: Final = frozenset({"", "register", "walks"})
STATEMENTS: Final = {"sv": "/tillganglighet", "en": "/accessibility"}
"""The accessibility statement, linked from every page's sidebar in the page's language."""

ENGLISH: Final = (
    "Upload", "Browse files", "Drag and drop", "per file", "Choose options", "Choose an option",
    "Deploy", "Draw a polyline", "Finish", "Press Enter", "Skip to main content", "Zoom in",
    "Layers", "Clear all", "Collapse sidebar", "Link to heading", "contributors",
)  # fmt: skip
"""Streamlit's, Leaflet's and the drawing tools' own English, which a Swedish page must not show."""
SWEDISH: Final = (
    "Välj", "Ladda upp", "Dra och släpp", "Slutför", "Zooma", "Tryck på", "Hoppa till",
    "Sidofält", "Rensa", "Sortera", "Områden och iakttagelser", "Tillgänglighetsredogörelse",
)  # fmt: skip
"""The app's and Streamlit's Swedish, which an English page must not show (the demo data's own
descriptions are Swedish and may)."""

READ: Final = """() => {
  const parts = [];
  const docs = [document];
  for (const frame of document.querySelectorAll('iframe')) {
    if (frame.contentDocument) docs.push(frame.contentDocument);
  }
  for (const doc of docs) {
    parts.push(doc.body.innerText);
    for (const element of doc.querySelectorAll('[aria-label], [title], [placeholder], [alt]')) {
      for (const name of ['aria-label', 'title', 'placeholder', 'alt']) {
        if (element.hasAttribute(name)) parts.push(element.getAttribute(name));
      }
    }
  }
  return parts.join('\\n');
}"""
"""What a page shows and says: its text and its frames' (the maps), and the names screen
readers read."""

HEADINGS: Final = """() => [...document.querySelectorAll('h1, h2, h3, h4, h5, h6')]
  .map((h) => Number(h.tagName[1]))"""


@pytest.fixture(scope="module")
def module_workspace(tmp_path_factory: pytest.TempPathFactory, _seeded_template: Path) -> Path:
    path = tmp_path_factory.mktemp("accessibility") / "workspace"
    shutil.copytree(_seeded_template, path)
    return path


@pytest.fixture(scope="module")
def app(module_workspace: Path) -> Iterator[str]:
    with running_app(module_workspace) as url:
        yield url


@pytest.fixture(scope="module")
def context(browser: Browser, app: str) -> Iterator[BrowserContext]:
    """One context for the module (it caches Streamlit's scripts); each test opens pages in it.

    Every request that does not go to the app is aborted (no CDN, no tiles).
    """
    context = browser.new_context(viewport=DESKTOP, locale="sv-SE")
    context.route(
        "**/*",
        lambda route, request: route.continue_()
        if request.url.startswith(app) else route.abort(),
    )  # fmt: skip
    yield context
    context.close()


def opened(context: BrowserContext, url: str, path: str, *, viewport: dict[str, int]) -> Page:
    """Open page ``path`` in a new tab (a new session: Swedish) at ``viewport``; once at rest."""
    page = context.new_page()
    page.set_viewport_size(viewport)
    page.goto(f"{url}/{path}")
    page.locator("h1").first.wait_for(timeout=60_000)
    wait_until_idle(page)
    return page


def go(page: Page, url: str, path: str) -> None:
    """Go to page ``path`` by the sidebar's link: the session (and its language) stays."""
    page.locator(f'[data-testid="stSidebarNavLink"][href="{url}/{path}"]').click()
    page.wait_for_function("(path) => location.pathname === path", arg=f"/{path}")
    wait_until_idle(page)
    if path in WITH_MAPS:
        wait_for_maps(page)


def wait_for_maps(page: Page) -> None:
    """Wait until every map frame of the page has its map."""
    for k in range(page.locator("iframe").count()):
        container = page.frame_locator("iframe").nth(k).locator(".leaflet-container")
        container.wait_for(state="attached", timeout=30_000)


def problems(page: Page, language: str) -> list[str]:
    """What is wrong with ``page`` as it is, in words; empty when nothing is."""
    found = [f"axe: {v['id']} ({v['impact']}) at {v['targets']}" for v in grave_violations(page)]
    lang = page.evaluate("() => document.documentElement.lang")
    if lang != language:
        found.append(f"<html lang={lang!r}>")
    text = page.evaluate(READ)
    foreign = ENGLISH if language == "sv" else SWEDISH
    found += [f"shows {word!r}" for word in foreign if word in text]
    statement = STATEMENTS[language]
    if page.locator(f'[data-testid="stSidebar"] a[href="{statement}"]').count() != 1:
        found.append(f"no link to the accessibility statement {statement}")
    levels = page.evaluate(HEADINGS)
    if levels[:1] != [1] or any(b - a > 1 for a, b in pairwise(levels)):
        found.append(f"headings {levels}")
    return found


def switch_to_english(page: Page) -> None:
    page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    page.wait_for_function("() => document.documentElement.lang === 'en'", timeout=30_000)
    page.get_by_role("heading", name="Areas and observations", level=1).wait_for(timeout=30_000)
    wait_until_idle(page)


@pytest.mark.parametrize("language", ["sv", "en"])
def test_every_page_is_accessible_and_speaks_one_language_on_a_phone_and_a_desktop(
    context: BrowserContext, app: str, language: str
) -> None:
    page = opened(context, app, "", viewport=DESKTOP)
    if language == "en":
        switch_to_english(page)
    found: dict[str, list[str]] = {}
    for path in PAGES:
        if path:  # Karta is open already
            go(page, app, path)
        else:
            wait_for_maps(page)
        found[f"/{path} desktop"] = problems(page, language)
        if language == "sv":
            # The layout is the same in either language; on a phone in Swedish, the default.
            page.set_viewport_size(PHONE)
            found[f"/{path} phone"] = problems(page, language)
            page.set_viewport_size(DESKTOP)
    page.close()
    assert {where: what for where, what in found.items() if what} == {}


def listed(page: Page) -> list[list[str]]:
    """The rows of Karta's list, each as its cells' text."""
    return page.locator(".safewalk-list tbody tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.innerText))"
    )


def test_the_map_fills_a_desktop_under_the_title_and_its_list_holds_the_same_and_sorts(
    context: BrowserContext, app: str
) -> None:
    page = opened(context, app, "", viewport=DESKTOP)
    frame = page.locator("iframe").first
    expect(frame).to_be_visible(timeout=30_000)
    box = frame.bounding_box()
    assert box is not None
    width = page.locator('[data-testid="stMainBlockContainer"]').evaluate(
        "e => e.clientWidth - parseFloat(getComputedStyle(e).paddingLeft)"
        " - parseFloat(getComputedStyle(e).paddingRight)"
    )
    assert box["width"] >= width - 1  # the content's whole width
    assert box["y"] < DESKTOP["height"]
    assert min(box["y"] + box["height"], DESKTOP["height"]) - box["y"] >= 0.6 * DESKTOP["height"]
    shown = page.get_by_text(re.compile(r"^\d+ av \d+ iakttagelser i valda områden visas\.$"))
    count = int(shown.inner_text().split()[0])
    expect(page.locator(".safewalk-list tbody tr")).to_have_count(count)
    expect(page.locator(".safewalk-list caption")).to_have_text(
        f"{count} iakttagelser, desamma som på kartan, sorterade efter nummer (stigande)."
    )
    page.get_by_role("combobox", name="Sortera efter").focus()  # by keyboard alone
    page.keyboard.press("Control+A")
    page.keyboard.type("Allvarlighet")
    page.keyboard.press("Enter")
    expect(page.locator(".safewalk-list caption")).to_contain_text("allvarlighet (stigande)")
    wait_until_idle(page)
    page.get_by_role("radio", name="Fallande").focus()
    page.keyboard.press("Space")
    expect(page.locator(".safewalk-list caption")).to_contain_text("allvarlighet (fallande)")
    severities = [row[4] for row in listed(page)]
    assert severities[0] == "Hög"
    assert severities.index("Låg") > severities.index("Medel")
    page.close()


def test_on_a_phone_the_map_is_first_under_the_title_its_legend_and_layers_folded(
    context: BrowserContext, app: str
) -> None:
    page = opened(context, app, "", viewport=PHONE)
    inside = page.frame_locator("iframe").first
    inside.locator(".leaflet-container").wait_for(timeout=30_000)
    map_box = page.locator("iframe").first.bounding_box()
    title = page.locator("h1").first.bounding_box()
    assert map_box is not None
    assert title is not None
    assert 0 <= map_box["y"] - (title["y"] + title["height"]) < 40  # nothing between
    assert map_box["y"] + map_box["height"] <= PHONE["height"]  # and all of it on the screen
    expect(inside.locator(".leaflet-control-layers-expanded")).to_have_count(0)
    assert inside.locator(".safewalk-legend details").evaluate("d => d.open") is False
    page.close()


def test_a_filter_stays_set_after_a_visit_to_another_page(
    context: BrowserContext, app: str
) -> None:
    page = opened(context, app, "", viewport=DESKTOP)
    shown = page.get_by_text("2 av 15 iakttagelser i valda områden visas.")
    for attempt in range(3):  # a choice made while a run redraws the filters can be lost
        wait_until_idle(page)
        if not page.get_by_role("radio", name="Trygga platser").is_visible():
            page.get_by_text("Urval").click()
        page.get_by_text("Trygga platser").click()
        try:
            shown.wait_for(timeout=20_000)
            break
        except PlaywrightTimeout:
            if attempt == 2:
                raise
    wait_until_idle(page)
    go(page, app, "help")
    go(page, app, "")
    page.get_by_text("2 av 15 iakttagelser i valda områden visas.").wait_for(timeout=30_000)
    expect(page.locator(".safewalk-list tbody tr")).to_have_count(2)
    page.get_by_text("Urval").click()
    expect(page.get_by_role("radio", name="Trygga platser")).to_be_checked()
    page.close()


def test_a_photo_is_chosen_by_keyboard_in_a_field_that_speaks_swedish(
    context: BrowserContext, app: str, tmp_path: Path
) -> None:
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(jpeg_with_gps(17.8611, 59.3540))
    page = opened(context, app, "register", viewport=PHONE)
    page.frame_locator("iframe").first.locator(".leaflet-container").wait_for(timeout=30_000)
    wait_until_idle(page)  # the map reports back once when it starts: that rerun done
    field = page.locator('[data-testid="stFileUploader"]')
    expect(field).to_contain_text("Högst 20MB per fil • JPG, PNG, WEBP, HEIC, HEIF")
    button = page.get_by_role("button", name="Välj fil (Foton)")  # the field's name in it
    for _ in range(3):  # a key pressed while the starting map's rerun redraws the field is lost
        button.focus()
        try:
            with page.expect_file_chooser(timeout=2_500) as chooser:
                page.keyboard.press("Enter")
            break
        except PlaywrightTimeout:
            continue
    with page.expect_response(lambda r: "upload_file" in r.url and r.ok, timeout=30_000):
        chooser.value.set_files(str(photo))
    expect(field).to_contain_text("IMG_0042.jpg")
    expect(page.get_by_role("button", name="Ta bort IMG_0042.jpg")).to_be_visible()
    page.close()


def test_the_login_page_is_accessible_in_both_languages(
    context: BrowserContext, app: str, module_workspace: Path
) -> None:
    """Last in the module: from here on the workspace has an account, and asks for a login."""
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    add_account(workspace, "ali", "registrant", "långt-och-hemligt")
    page = opened(context, app, "", viewport=DESKTOP)
    page.get_by_role("heading", name="Logga in").wait_for(timeout=30_000)
    wait_until_idle(page)  # the page's language is set once its run has ended
    found = {"sv desktop": problems(page, "sv")}
    page.set_viewport_size(PHONE)
    found["sv phone"] = problems(page, "sv")
    page.set_viewport_size(DESKTOP)
    page.locator('[data-testid="stSidebar"]').get_by_text("English").click()
    page.get_by_role("heading", name="Log in").wait_for(timeout=30_000)
    wait_until_idle(page)
    found["en desktop"] = problems(page, "en")
    page.set_viewport_size(PHONE)
    found["en phone"] = problems(page, "en")
    page.close()
    assert {where: what for where, what in found.items() if what} == {}
