"""Running the app on a free localhost port, for the browser tests and the browser benchmark."""

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
from typing import Final

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

    ``tiles`` sets ``SAFEWALK_TILES`` (``none``: no tile server, the default here); None
    keeps the app's default tile server.
    """
    port = free_port()
    env = {**os.environ, "SAFEWALK_WORKSPACE": str(workspace)}
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
