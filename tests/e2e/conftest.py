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


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark ``browser`` every test in this folder (the hook sees every collected test); on
    several xdist workers, give each worker's share browser modules first."""
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.browser)
    workers = int(getattr(config, "workerinput", {}).get("workercount", 1))
    if workers > 1:
        items[:] = browser_modules_first(items, workers)


def browser_modules_first(items: list[pytest.Item], workers: int) -> list[pytest.Item]:
    """Return ``items`` ordered so that each of the ``workers`` shares starts with whole browser
    modules, about as many tests each, the other tests after them.

    xdist's worksteal (``tools/dev.sh``) gives each worker an equal, contiguous share of the
    collection, and an idle worker takes the second half of what another has left. Collected
    in folder order, every browser test was in the first share; taken from its end, modules
    were split between workers, each part starting its own app and browser. Here what is
    taken from the end is short tests, and each module keeps its app. The order only
    schedules: every test still sets up and checks what it did.
    """
    modules: dict[Path, list[pytest.Item]] = {}
    others = []
    for item in items:
        if item.path.is_relative_to(HERE):
            modules.setdefault(item.path, []).append(item)
        else:
            others.append(item)
    groups: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for tests in sorted(modules.values(), key=len, reverse=True):
        min(groups, key=len).extend(tests)
    ordered: list[pytest.Item] = []
    left = len(items)
    for k, group in enumerate(groups):
        share = left // (workers - k)  # as worksteal divides the collection
        left -= share
        fill = max(0, share - len(group))
        ordered += group + others[:fill]
        del others[:fill]
    return ordered + others


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
