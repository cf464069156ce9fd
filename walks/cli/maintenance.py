"""``safewalk demo``, ``check`` and ``migrate``: looking after a workspace."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Final

from gis.i18n import texts_from_file
from walks.cli import TEXTS_FILE
from walks.cli.output import print_json
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.exchange.migrate import migrate
from walks.fieldwork.demo import load_demo

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "maintenance"),
}

COMMANDS: Final = ("demo", "check")
"""The sub-commands this module adds and runs on an open workspace (``migrate`` opens two)."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``demo``, ``migrate`` and ``check`` to the command line's sub-commands."""
    commands.add_parser("demo", parents=[common], help="(re)load the demo data set")

    moving = commands.add_parser(
        "migrate", parents=[common],
        help="copy every area of one workspace (folder or database URL) into another",
    )  # fmt: skip
    moving.add_argument("--from", dest="source", required=True, metavar="WORKSPACE_OR_URL",
                        help="the workspace to copy: a folder or postgresql://…")  # fmt: skip
    moving.add_argument("--to", dest="target", required=True, metavar="WORKSPACE_OR_URL",
                        help="where to: a folder (made if new) or postgresql://…")  # fmt: skip
    moving.add_argument("--json", action="store_true", help="print JSON")

    check = commands.add_parser("check", parents=[common], help="verify the workspace")
    check.add_argument("--repair", action="store_true", help="fix stale counts and indexes")
    check.add_argument("--json", action="store_true", help="print JSON")


def _cmd_demo(workspace: Workspace, lang: str) -> int:
    summary = load_demo(workspace)
    print(
        T["demo_loaded"]
        .format(
            walks=summary.walks,
            observations=summary.observations,
            removed=summary.removed,
            areas=summary.areas_added,
        )
        .in_language(lang)
    )
    return 0


def run_migrate(args: argparse.Namespace, lang: str, user: str) -> int:
    """Run ``safewalk migrate``: two workspaces of its own, never the default one."""

    def progress(name: str) -> None:
        if not args.json:
            print(T["migrating"].format(name=name).in_language(lang), file=sys.stderr)

    done = migrate(args.source, args.target, actor=user, progress=progress)
    if args.json:
        print_json({"from": done.source, "to": done.target, "catalog": done.catalog,
                    "areas": done.areas})  # fmt: skip
        return 0
    rows = sum(n for layers in done.areas.values() for n in layers.values())
    print(T["migrated"].format(areas=len(done.areas), rows=rows, source=done.source,
                               target=done.target).in_language(lang))  # fmt: skip
    return 0


def _cmd_check(workspace: Workspace, args: argparse.Namespace, lang: str) -> int:
    problems = workspace.store.check(repair=args.repair)
    areas = len(workspace.areas())
    if args.json:
        print_json(
            {
                "ok": not problems,
                "areas": areas,
                "problems": [
                    {
                        "area": p.area,
                        "layer": p.layer,
                        "problem": p.text.in_language(lang),
                        "repairable": p.repairable,
                    }
                    for p in problems
                ],
            }
        )
        return 0 if not problems or (args.repair and all(p.repairable for p in problems)) else 1
    if not problems:
        print(T["check_ok"].format(path=workspace.store.location, areas=areas).in_language(lang))
        return 0
    print(
        T["check_bad"].format(count=len(problems), path=workspace.store.location).in_language(lang)
    )
    for p in problems:
        mark = ""
        if p.repairable:
            mark = f" [{(T['repaired'] if args.repair else T['repairable']).in_language(lang)}]"
        where = "/".join(part for part in (p.area, p.layer) if part)
        print(f"  {where}: {p.text.in_language(lang)}{mark}")
    if args.repair and all(p.repairable for p in problems):
        return 0
    if any(p.repairable for p in problems) and not args.repair:
        print(T["check_repair"].in_language(lang))
    return 1


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run ``safewalk demo`` or ``check``; return the exit status."""
    if args.command == "demo":
        return _cmd_demo(workspace, lang)
    return _cmd_check(workspace, args, lang)
