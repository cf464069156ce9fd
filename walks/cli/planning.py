"""``safewalk walk add`` and ``walk list``: planning an area's safety walks on the command line."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, Final

from gis.i18n import Text, texts_from_file
from walks.cli import TEXTS_FILE
from walks.cli.output import local_time, print_json, table
from walks.core.clock import LOCAL_TIME
from walks.core.errors import WalkError
from walks.core.model import Walk, WalkKind, WalkPlan
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.joining import short_url
from walks.fieldwork.planning import list_walks, plan_walk, route_from_file

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "planning"),
}


COMMANDS: Final = ("walk",)
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``walk add`` and ``walk list`` to the command line's sub-commands."""
    parser_class = type(common)
    walk = commands.add_parser("walk", parents=[common], help="plan and list safety walks")
    walk_commands = walk.add_subparsers(
        dest="walk_command", required=True, parser_class=parser_class
    )
    walk_add = walk_commands.add_parser("add", parents=[common], help="plan a walk")
    walk_add.add_argument("--area", required=True, help="area name or id")
    walk_add.add_argument("--title", required=True, help="the walk's title")
    walk_add.add_argument(
        "--start",
        required=True,
        help="start, e.g. 2026-11-03T17:30 (Swedish time unless a zone is given)",
    )
    walk_add.add_argument("--kind", default="regular", choices=[k.value for k in WalkKind])
    walk_add.add_argument("--route", type=Path, help="planned route: GPX or any vector file")
    walk_add.add_argument("--crs", help="CRS of the route file when it does not say")
    walk_add.add_argument("--json", action="store_true", help="print JSON")
    walk_list = walk_commands.add_parser("list", parents=[common], help="list an area's walks")
    walk_list.add_argument("--area", required=True, help="area name or id")
    walk_list.add_argument("--json", action="store_true", help="print JSON")


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run the ``walk`` command ``args`` names and print its result; return the exit status."""
    if args.walk_command == "add":
        return _cmd_walk_add(workspace, args, lang, user)
    return _cmd_walk_list(workspace, args, lang)


def _start(text: str) -> datetime:
    """Return a start time given on the command line; without a zone it is Swedish time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise WalkError(
            Text(
                sv=f"--start {text!r} ska skrivas ÅÅÅÅ-MM-DDTHH:MM, t.ex. 2026-11-03T17:30.",
                en=f"--start {text!r} must be written YYYY-MM-DDTHH:MM, e.g. 2026-11-03T17:30.",
            )
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TIME)


def _walk_json(walk: Walk, public_url: str) -> dict[str, Any]:
    data = asdict(walk)
    data["starts_at"] = walk.starts_at.isoformat()
    data["route"] = None
    data["route_length_m"] = None if walk.route is None else round(walk.route.length, 1)
    data["join_url"] = short_url(public_url, walk.area, walk.number)
    return data


def _cmd_walk_add(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    route = route_from_file(args.route, crs=args.crs) if args.route else None
    plan = WalkPlan(
        area=args.area,
        title=args.title,
        starts_at=_start(args.start),
        created_by=user,
        kind=WalkKind(args.kind),
        route=route,
    )
    walk = plan_walk(workspace, plan)
    if args.json:
        print_json(_walk_json(walk, workspace.settings.public_url))
        return 0
    name = find_area(workspace, walk.area).name
    when = local_time(walk.starts_at)
    print(T["walk_added"].format(number=walk.number, area=name, when=when).in_language(lang))
    return 0


def _cmd_walk_list(workspace: Workspace, args: argparse.Namespace, lang: str) -> int:
    walks = list_walks(workspace, args.area)
    if args.json:
        public_url = workspace.settings.public_url
        print_json([_walk_json(walk, public_url) for walk in walks])
        return 0
    if not walks:
        print(T["no_walks"].in_language(lang))
        return 0
    head = ("number", "start", "walk_title", "kind", "participants", "route")
    rows = [[T[key].in_language(lang) for key in head]]
    for walk in walks:
        length = "" if walk.route is None else f"{walk.route.length:.0f} m"
        start = local_time(walk.starts_at)
        kind = walk.kind.label.in_language(lang)
        count = str(sum(walk.participants.values()))
        rows.append([str(walk.number), start, walk.title, kind, count, length])
    print(table(rows))
    return 0
