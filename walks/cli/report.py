"""``safewalk report``: the tertial follow-up as an Excel, Word or PDF file."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from gis.i18n import texts_from_file
from walks.actions.tertial import COUNTS, Tertial, follow_up
from walks.cli import TEXTS_FILE
from walks.cli.output import print_json
from walks.core.workspace import Workspace
from walks.documents.report_files import report_kind, write_report

T: Final = texts_from_file(TEXTS_FILE, "report")


COMMANDS: Final = ("report",)
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``report`` to the command line's sub-commands."""
    report = commands.add_parser(
        "report", parents=[common], help="the tertial follow-up as .xlsx, .docx or .pdf"
    )
    where = report.add_mutually_exclusive_group(required=True)
    where.add_argument("--area", help="area name or id")
    where.add_argument("--all", action="store_true", help="every area, and the district")
    report.add_argument(
        "--tertial",
        required=True,
        help="year:tertial, e.g. 2026:3 (T1 January–April, T2 May–August, T3 September–December)",
    )
    report.add_argument(
        "-o", "--output", required=True, type=Path, help="FILE.xlsx, FILE.docx or FILE.pdf"
    )
    report.add_argument("--json", action="store_true", help="print the figures as JSON")


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Write the report ``args`` asks for; return the exit status."""
    tertial = Tertial.parse(args.tertial)
    report_kind(args.output)  # refuse an unknown format before any work
    now = datetime.now(UTC)
    figures = follow_up(workspace, None if args.all else args.area, tertial, now=now)
    size = write_report(workspace, figures, args.output, language=lang, now=now)
    if args.json:
        areas = figures.areas or (figures,)
        print_json(
            {
                "tertial": str(tertial),
                "output": str(args.output),
                "bytes": size,
                "counts": {name: getattr(figures.counts, name) for name in COUNTS},
                "areas": {a.slug: {n: getattr(a.counts, n) for n in COUNTS} for a in areas},
            }
        )
        return 0
    written = T["written"].format(tertial=tertial.label(lang), name=figures.name,
                                  path=args.output, size=max(1, round(size / 1000)))  # fmt: skip
    print(written.in_language(lang))
    return 0
