"""``safewalk inbox list|accept|reject``: residents' reports waiting for a coordinator."""

from __future__ import annotations

import argparse
from typing import Any, Final

from gis.i18n import Text, texts_from_file
from layers.errors import FeatureValidationError
from layers.values import ReportStatus
from walks.actions.inbox import accept_report, list_reports, reject_report
from walks.cli import TEXTS_FILE
from walks.cli.arguments import fields_from_pairs
from walks.cli.output import local_time, print_json, table
from walks.core.model import Observation
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "inbox"),
}

COMMANDS: Final = ("inbox",)
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``inbox list|accept|reject`` to the command line's sub-commands."""
    parser_class = type(common)
    inbox = commands.add_parser(
        "inbox", parents=[common], help="residents' reports waiting to be accepted or rejected"
    )
    sub = inbox.add_subparsers(dest="inbox_command", required=True, parser_class=parser_class)
    listing = sub.add_parser("list", parents=[common], help="list the reports waiting")
    listing.add_argument("--area", help="area name or id (default: every area)")
    listing.add_argument("--all", action="store_true", help="handled reports too")
    listing.add_argument("--json", action="store_true", help="print JSON")
    accept = sub.add_parser("accept", parents=[common],
                            help="make a report an observation of its area")  # fmt: skip
    accept.add_argument("id", metavar="ID", help="the report's id, as 'inbox list' shows it")
    accept.add_argument("--category", help="the category (default: the resident's choice)")
    accept.add_argument("--severity", type=int, help="severity level, e.g. 1–3")
    accept.add_argument(
        "--field", action="append", default=[], metavar="NAME=VALUE",
        help="a category field the resident was not asked, e.g. --field problem=broken "
        "(repeatable)",
    )  # fmt: skip
    accept.add_argument("--json", action="store_true", help="print JSON")
    reject = sub.add_parser("reject", parents=[common], help="reject a report, saying why")
    reject.add_argument("id", metavar="ID", help="the report's id, as 'inbox list' shows it")
    reject.add_argument("--reason", required=True, help="why, e.g. 'already reported as no. 12'")
    reject.add_argument("--json", action="store_true", help="print JSON")


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run the ``inbox`` command ``args`` names and print its result; return the exit status."""
    match args.inbox_command:
        case "list":
            _list(workspace, args, lang)
        case "accept":
            observation = _accepted(workspace, args, user)
            if args.json:
                print_json({
                    "id": args.id, "area": observation.area, "number": observation.number,
                    "uuid": observation.uuid, "category": observation.category,
                    "source": str(observation.origin), "status": "accepted",
                })  # fmt: skip
                return 0
            title = workspace.catalog.category(observation.category).title.in_language(lang)
            name = find_area(workspace, observation.area).name
            print(T["inbox_accepted"].format(id=args.id, number=observation.number, area=name,
                                             category=title).in_language(lang))  # fmt: skip
        case "reject":
            report = reject_report(workspace, args.id, args.reason, actor=user)
            if args.json:
                print_json(report.to_json())
                return 0
            print(T["inbox_rejected"].format(id=report.id, reason=report.reason)
                  .in_language(lang))  # fmt: skip
    return 0


def _accepted(workspace: Workspace, args: argparse.Namespace, user: str) -> Observation:
    """Accept the report ``args`` name; a field left out is refused saying how to give it."""
    try:
        return accept_report(
            workspace, args.id, actor=user, category=args.category,
            fields=fields_from_pairs(args.field), severity=args.severity,
        )  # fmt: skip
    except FeatureValidationError as error:
        if error.field is None:
            raise
        hint = T["inbox_field_hint"].format(field=error.field, id=args.id)
        refined = FeatureValidationError(
            Text(sv=f"{error.text.sv} {hint.sv}", en=f"{error.text.en} {hint.en}")
        )
        refined.field = error.field
        raise refined from error


def _list(workspace: Workspace, args: argparse.Namespace, lang: str) -> None:
    reports = list_reports(workspace, area=args.area, status=None if args.all else ReportStatus.NEW)
    if args.json:
        print_json([r.to_json() for r in reports])
        return
    if not reports:
        print(T["inbox_empty"].in_language(lang))
        return
    head = ("inbox_id", "area", "category", "inbox_received", "status", "photos",
            "inbox_email", "description")  # fmt: skip
    rows = [[T[key].in_language(lang) for key in head]]
    for r in reports:
        title = workspace.catalog.category(r.category).title.in_language(lang)
        rows.append([r.id, r.area, title, local_time(r.received_at),
                     r.status.label.in_language(lang), str(r.photos), r.email or "",
                     " ".join(r.description.split())[:60]])  # fmt: skip
    print(table(rows))
