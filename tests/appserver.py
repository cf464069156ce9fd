"""Running the app on a free localhost port, and browser pages that reach only it.

For the browser tests and the browser benchmark.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, Request, Route

ROOT: Final = Path(__file__).resolve().parents[1]
START_TIMEOUT_S: Final = 60.0


def free_port() -> int:
    """Return a localhost port no one listens on (at the moment of asking)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def running_app(workspace: Path | str, *, tiles: str | None = "none") -> Iterator[str]:
    """Run the app on ``workspace`` and yield its URL once it answers; stop it afterwards.

    ``workspace`` is a folder, or a ``postgresql://`` URL (``SAFEWALK_DATABASE_URL``).
    ``tiles`` sets ``SAFEWALK_TILES`` (``none``: no tile server, the default here); None
    keeps the app's default tile server.
    """
    port = free_port()
    where = str(workspace)
    key = "SAFEWALK_DATABASE_URL" if where.startswith("postgresql://") else "SAFEWALK_WORKSPACE"
    env = {**os.environ, key: where}
    env.pop("SAFEWALK_TILES", None)
    if tiles is not None:
        env["SAFEWALK_TILES"] = tiles
    process = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true",
         "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2):  # noqa: S310
                break
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                msg = f"the app did not answer on {url} (exit status {process.poll()})"
                raise RuntimeError(msg) from None
            time.sleep(0.3)
    try:
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def page_with_only_the_app(
    browser: Browser,
    url: str,
    outside: list[str],
    *,
    width: int = 390,
    height: int = 844,
    touch: bool = False,
) -> Page:
    """Return a page (phone size by default, Swedish) whose requests reach only the app.

    With ``touch`` it is a phone's touch screen: taps, no mouse.

    Every other request is aborted and its URL added to ``outside``: a test that ends with
    ``outside`` empty has shown that nothing left the machine.
    """
    context = browser.new_context(viewport={"width": width, "height": height}, locale="sv-SE",
                                  has_touch=touch, is_mobile=touch)  # fmt: skip

    def only_the_app(route: Route, request: Request) -> None:
        if request.url.startswith(url):
            route.continue_()
        else:
            outside.append(request.url)
            route.abort()

    context.route("**/*", only_the_app)
    return context.new_page()


IDLE: Final = "() => document.querySelector('[data-testid=\"stApp\"]')?.dataset.testScriptState"
"""The app's script state as its page shows it: ``running`` while the corner says so."""


def wait_until_idle(page: Page, *, timeout_ms: float = 30_000) -> None:
    """Wait until the app has finished its run (the "running" indicator is gone)."""
    page.wait_for_function(f"() => ({IDLE})() === 'notRunning'", timeout=timeout_ms)
