"""How the command line prints: JSON for scripts, aligned plain-text tables for people."""

from __future__ import annotations

import json
from datetime import datetime

from walks.core.clock import LOCAL_TIME


def local_time(moment: datetime) -> str:
    """Return a moment as Swedish local time for a table: ``2026-11-03 17:30``."""
    return moment.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")


def print_json(data: object) -> None:
    """Print ``data`` as indented JSON, non-ASCII letters as they are."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def table(rows: list[list[str]]) -> str:
    """Return rows of cells as text columns, two spaces apart, the first row the heading."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
