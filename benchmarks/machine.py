"""The machine and the commit a benchmark measured, recorded beside its figures."""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import subprocess
import time
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


def write_results(
    out: Path, about: dict[str, Any], *, quick: bool, plan: dict[str, Any],
    figures: dict[str, Any], targets: list[dict[str, Any]], started: float,
) -> dict[str, Any]:  # fmt: skip
    """Write one benchmark's figures, targets and machine as JSON to ``out``; return them."""
    results = {
        **about, "quick": quick, "plan": plan, "figures": figures, "targets": targets,
        "total_s": time.perf_counter() - started,
    }  # fmt: skip
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Written {out} ({results['total_s']:.0f} s in all).")
    return results


def run_alone(
    prog: str, default_out: Path, plans: tuple[Any, Any], run: Any, argv: list[str] | None
) -> int:
    """Run one benchmark from its own command line: ``--quick`` and ``--out``."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--quick", action="store_true", help="the smaller plan")
    parser.add_argument("--out", type=Path, default=default_out)
    args = parser.parse_args(argv)
    about = {"machine": machine_info(), "git": git_revision()}
    full, quick = plans
    run(quick if args.quick else full, args.out, quick=args.quick, about=about)
    return 0
