"""End to end in a real browser: the Karta page draws a Leaflet map with nothing from outside.

As in ``test_register_in_browser``: Debian's Chromium, the app on a free localhost port
against a copy of the seeded workspace, every request that does not go to the app aborted.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.appserver import running_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

try:
    from playwright.sync_api import Browser, Request, Route, expect, sync_playwright
except ImportError:  # pragma: no cover
    sync_playwright = None  # type: ignore[assignment]

if sync_playwright is None or not Path(CHROMIUM).exists():
    if os.environ.get("CI") == "true":
        pytest.fail("CI needs playwright and Debian's chromium", pytrace=False)
    pytest.skip("playwright or chromium not installed", allow_module_level=True)


@pytest.fixture
def app_url(workspace_path: Path) -> Iterator[str]:
    with running_app(workspace_path) as url:
        yield url


@pytest.fixture
def browser() -> Iterator[Browser]:
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()


def test_the_map_page_draws_leaflet_with_a_layer_per_category_and_nothing_leaves(
    browser: Browser, app_url: str
) -> None:
    outside: list[str] = []

    def only_the_app(route: Route, request: Request) -> None:
        if request.url.startswith(app_url):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="sv-SE")
    context.route("**/*", only_the_app)
    page = context.new_page()
    page.goto(app_url)
    page.get_by_text("Områden och iakttagelser").wait_for(timeout=60_000)
    frame = page.frame_locator("iframe").first
    frame.locator(".leaflet-container").wait_for(timeout=30_000)
    layers = frame.locator(".leaflet-control-layers-overlays")
    layers.wait_for(timeout=30_000)
    assert "Belysning" in layers.inner_text()
    assert "Trygg och trivsam plats" in layers.inner_text()
    markers = frame.locator("path.leaflet-interactive")  # and the boundaries and water
    markers.first.wait_for(timeout=30_000)
    shown = markers.count()
    # Switching a category's layer off in the control hides its markers (4 lighting marks).
    frame.locator(".leaflet-control-layers-overlays label", has_text="Belysning").click()
    expect(markers).to_have_count(shown - 4, timeout=10_000)
    attribution = frame.locator(".leaflet-control-attribution").inner_text()
    assert "Stockholms stad (CC0)" in attribution
    assert outside == []  # nothing left the machine: no CDN, no tiles
    context.close()
