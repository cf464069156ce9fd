"""The machine and the commit a benchmark measured, recorded beside its figures."""

from __future__ import annotations

import os
import platform
import sqlite3
import subprocess
from pathlib import Path
from typing import Any, Final

import pyogrio
import shapely

BENCHMARKS_DIR: Final = Path(__file__).resolve().parent


def machine_info() -> dict[str, Any]:
    """Return the versions and hardware the figures were measured with."""
    return {
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "gdal": pyogrio.__gdal_version_string__,
        "pyogrio": pyogrio.__version__,
        "shapely": shapely.__version__,
        "cpu_count": os.cpu_count(),
        "platform": platform.platform(),
    }


def git_revision() -> dict[str, Any]:
    """Return the commit measured and whether the working tree had changes."""

    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", *args],
                cwd=BENCHMARKS_DIR.parent,
                capture_output=True,
                text=True,
                check=True,
                timeout=10,
            )
        except (OSError, subprocess.SubprocessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain")
    return {"commit": git("rev-parse", "HEAD"), "dirty": None if status is None else bool(status)}
