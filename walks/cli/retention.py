"""``safewalk retention rules|apply``: how long personal data is kept, and removing what is due."""

from __future__ import annotations

import argparse
import sys
from typing import Any, Final

from gis.i18n import texts_from_file
from walks.actions.retention import RetentionResult, apply_retention
from walks.actions.retention_rules import Rule, retention_rules
from walks.cli import TEXTS_FILE
from walks.cli.output import print_json, table
from walks.core.roles import actor_text
from walks.core.words import WORDS
from walks.core.workspace import Workspace

T: Final = {**WORDS, **texts_from_file(TEXTS_FILE, "retention")}

COMMANDS: Final = ("retention",)
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``retention rules|apply``."""
    retention = commands.add_parser(
        "retention", parents=[common],
        help="how long personal data is kept (data/retention.toml), and removing what is due",
    )  # fmt: skip
    sub = retention.add_subparsers(dest="retention_command", required=True,
                                   parser_class=type(common))  # fmt: skip
    rules = sub.add_parser("rules", parents=[common], help="show the rules and their files")
    rules.add_argument("--json", action="store_true", help="print JSON")
    apply = sub.add_parser(
        "apply", parents=[common],
        help="remove what the rules say is due: one transaction per area, logged",
    )  # fmt: skip
    apply.add_argument("--dry-run", action="store_true",
                       help="only say what would be removed; change nothing")  # fmt: skip
    apply.add_argument("--json", action="store_true", help="print JSON")


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run ``safewalk retention …``; return the exit status (1 when an area failed)."""
    if args.retention_command == "rules":
        rules = retention_rules(workspace.settings.data_dir)
        if args.json:
            print_json({"files": [str(p) for p in rules.files],
                        "rules": [s.to_json() for s in rules.settings]})  # fmt: skip
            return 0
        print(T["files"].format(files=", ".join(map(str, rules.files))).in_language(lang))
        heading = [T[k].in_language(lang) for k in ("rule", "what", "after", "state")]
        print(table([heading] + [
            [s.rule.value, s.title.in_language(lang), s.period().in_language(lang),
             T["on" if s.enabled else "off"].in_language(lang)]
            for s in rules.settings
        ]))  # fmt: skip
        return 0
    result = apply_retention(workspace, actor=user, dry_run=args.dry_run)
    if args.json:
        print_json(result.to_json(lang))
    else:
        print_result(result, lang)
    for area in result.failed:
        why = area.error.message(lang) if area.error else ""
        said = T["failed"].format(area=area.name, why=why).in_language(lang)
        print(f"safewalk: {said}", file=sys.stderr)
    return 1 if result.failed else 0


def print_result(result: RetentionResult, lang: str) -> None:
    """Print what the rules remove or removed, per area and kind, for people."""
    said = T["dry_run"] if result.dry_run else T["applied"]
    print(said.format(files=", ".join(map(str, result.rules.files))).in_language(lang))
    for rule, why in result.skipped:
        print(T["skipped"].format(rule=rule.value, why=why.in_language(lang)).in_language(lang))
    if not result.areas and not result.accounts:
        print(T["nothing"].in_language(lang))
        return
    for area in result.areas:
        state = "" if result.dry_run else " — " + (
            T["done"] if area.error is None else T["not_done"]).in_language(lang)  # fmt: skip
        print(f"{area.name}{state}")
        for removal in area.removals:
            print(f"  {removal.text(lang)}")
    for account in result.accounts:
        new = actor_text(account.new_name).in_language(lang)
        done = account.name in result.accounts_done
        said = (T["account_would"] if result.dry_run
                else T["account_done"] if done else T["account_later"])  # fmt: skip
        print(said.format(name=account.name, new=new).in_language(lang))
    totals = result.totals()
    if totals:
        counts = ", ".join(f"{rule.value} {totals[rule]}" for rule in Rule if rule in totals)
        print(T["totals"].format(totals=counts).in_language(lang))
