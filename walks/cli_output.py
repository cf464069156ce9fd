"""How the command line prints: JSON for scripts, aligned plain-text tables for people."""

from __future__ import annotations

import json


def print_json(data: object) -> None:
    """Print ``data`` as indented JSON, non-ASCII letters as they are."""
    print(json.dumps(data, ensure_ascii=False, indent=2, default=str))  # noqa: T201


def table(rows: list[list[str]]) -> str:
    """Return rows of cells as text columns, two spaces apart, the first row the heading."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in rows
    )
