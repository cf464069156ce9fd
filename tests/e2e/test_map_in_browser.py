"""End to end in a real browser: the Karta page draws a Leaflet map with nothing from outside.

As in ``test_register_in_browser``: Debian's Chromium, the app on a free localhost port
against a copy of the seeded workspace, every request that does not go to the app aborted.
"""

from __future__ import annotations

from playwright.sync_api import Browser, expect

from tests.appserver import page_with_only_the_app


def test_the_map_page_draws_leaflet_with_a_layer_per_category_and_nothing_leaves(
    browser: Browser, app_url: str
) -> None:
    outside: list[str] = []
    page = page_with_only_the_app(browser, app_url, outside, width=1280, height=900)
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
    page.context.close()
