"""The browser and the running app every end-to-end test uses.

Debian's Chromium, driven by Playwright, and the app started with ``streamlit run`` on a
free localhost port against a copy of the seeded workspace. With ``CI=true`` these tests
must run: a missing browser fails them instead of skipping. Every test here is marked
``browser`` (``-m "not browser"`` leaves them out).

One app serves a module's tests (``module_app`` on ``module_workspace``): starting one and
drawing its first page take seconds of a processor. Its tests therefore share a workspace:
each checks what it made itself (what is new since it began, found by number or uuid), never
a count that another test's writes would change. A test that needs a workspace of another
kind (accounts, a tile server) starts an app of its own with ``running_app``.
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


@pytest.fixture(scope="module")
def module_workspace(tmp_path_factory: pytest.TempPathFactory, _seeded_template: Path) -> Path:
    """A copy of the seeded workspace that the module's tests share, with ``module_app``."""
    path = tmp_path_factory.mktemp("module") / "workspace"
    shutil.copytree(_seeded_template, path)
    return path


@pytest.fixture(scope="module")
def module_app(module_workspace: Path) -> Iterator[str]:
    """The URL of the app on ``module_workspace``, one for the module's tests."""
    with running_app(module_workspace) as url:
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
