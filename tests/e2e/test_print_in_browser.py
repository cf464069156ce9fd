"""The print page in Chromium: a map made, previewed and downloaded with the network closed."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser
from pypdf import PdfReader

from tests.appserver import page_with_only_the_app, wait_until_idle


def test_a_printed_map_is_previewed_and_downloaded(
    browser: Browser, module_app: str, tmp_path: Path
) -> None:
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.goto(f"{module_app}/print")
    page.get_by_role("button", name="Ta fram PDF").wait_for(timeout=60_000)
    wait_until_idle(page)  # the page drawn: nothing moves under the clicks
    page.get_by_text("A3", exact=True).click()
    wait_until_idle(page)  # the paper's rerun done
    page.get_by_role("button", name="Ta fram PDF").click()
    preview = page.locator('[data-testid="stImage"] img')
    preview.wait_for(timeout=60_000)
    assert preview.evaluate("img => img.naturalWidth") >= 1000
    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name="Ladda ned PDF").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    reader = PdfReader(path)
    box = reader.pages[0].mediabox
    assert (round(float(box.width) / 72 * 25.4), round(float(box.height) / 72 * 25.4)) == (420, 297)
    assert "Trygghetsvandring: Grimsta" in reader.pages[0].extract_text()
    assert outside == []
    page.context.close()
