"""The browser and the running app every end-to-end test uses.

Debian's Chromium, driven by Playwright, and the app started with ``streamlit run`` on a
free localhost port against a copy of the seeded workspace. With ``CI=true`` these tests
must run: a missing browser fails them instead of skipping. Every test here is marked
``browser`` (``-m "not browser"`` leaves them out).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, sync_playwright

from tests.appserver import running_app

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
HERE = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``browser`` every test in this folder (the hook sees every collected test)."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def app_url(workspace_path: Path) -> Iterator[str]:
    with running_app(workspace_path) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module: each test opens contexts of its own (cookies, storage,
    service workers apart), which is what isolates tests, at a fraction of a launch.

    Not longer: Playwright's event loop, kept across modules, would stay beside the
    asyncio code other modules test in the same worker.
    """
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail("CI needs Debian's chromium", pytrace=False)
        pytest.skip("Debian's chromium is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        yield browser
        browser.close()
