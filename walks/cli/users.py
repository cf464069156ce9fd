"""``safewalk user``: accounts and their roles (``add``, ``list``, ``set-role``, ``disable``, …)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any, Final

from gis.i18n import Text, texts_from_file
from layers.accounts import AccountRow
from walks.access.accounts import (
    AccountError,
    add_account,
    list_accounts,
    set_disabled,
    set_password,
    set_role,
)
from walks.actions.account_data import account_data
from walks.actions.retention import anonymise_account
from walks.cli import TEXTS_FILE
from walks.cli.output import local_time, print_json, table
from walks.cli.retention import print_result
from walks.core.roles import Role, actor_text, removed_account_number
from walks.core.words import WORDS
from walks.core.workspace import Workspace

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "users"),
}


COMMANDS: Final = ("user",)
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``user`` and its sub-commands."""
    user = commands.add_parser("user", parents=[common], help="accounts and roles")
    users = user.add_subparsers(dest="user_command", required=True, parser_class=type(common))
    roles = ", ".join(role.value for role in Role)
    add = users.add_parser("add", parents=[common], help="add an account")
    add.add_argument("name", help="user name (e-mail address with single sign-on)")
    add.add_argument("--role", required=True, help=roles)
    add.add_argument("--organisation", help="a partner's organisation (id or name)")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input (default: ask)")  # fmt: skip
    listing = users.add_parser("list", parents=[common], help="list the accounts")
    listing.add_argument("--json", action="store_true", help="print JSON")
    role = users.add_parser("set-role", parents=[common], help="give an account another role")
    role.add_argument("name")
    role.add_argument("role", help=roles)
    role.add_argument("--organisation", help="a partner's organisation (id or name)")
    for name, text in (("disable", "stop an account from logging in"),
                       ("enable", "let a disabled account log in again")):  # fmt: skip
        users.add_parser(name, parents=[common], help=text).add_argument("name")
    password = users.add_parser("password", parents=[common], help="set a new password")
    password.add_argument("name")
    password.add_argument("--password-stdin", action="store_true")
    export = users.add_parser(
        "export", parents=[common],
        help="everything stored about an account, as JSON (GDPR art. 15)",
    )  # fmt: skip
    export.add_argument("name")
    export.add_argument("--output", "-o", metavar="FILE",
                        help="write the JSON to FILE (default: standard output)")  # fmt: skip
    anonymise = users.add_parser(
        "anonymise", parents=[common],
        help="anonymise an account now, as the retention rule 'accounts' does",
    )  # fmt: skip
    anonymise.add_argument("name")
    anonymise.add_argument("--yes", action="store_true",
                           help="do it (without: only say what it would do)")  # fmt: skip
    anonymise.add_argument("--json", action="store_true", help="print JSON")


def _state(row: AccountRow) -> Text:
    if removed_account_number(row.name) is not None:
        return T["removed"]
    return T["off"] if row.disabled else T["on"]


def _password(args: argparse.Namespace, lang: str) -> str:
    if args.password_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass(T["prompt"].format(name=args.name).in_language(lang))
    if getpass.getpass(T["again"].in_language(lang)) != first:
        raise AccountError(T["mismatch"])
    return first


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run ``safewalk user …``; return the exit status."""
    match args.user_command:
        case "add":
            made = add_account(workspace, args.name, args.role, _password(args, lang),
                               organisation=args.organisation)  # fmt: skip
            print(T["added"].format(name=made.name, role=made.role.label.in_language(lang))
                  .in_language(lang))  # fmt: skip
        case "list":
            rows = list_accounts(workspace)
            if args.json:
                print_json([{"name": r.name, "role": r.role, "organisation": r.organisation,
                             "disabled": r.disabled, "created_at": r.created_at.isoformat(),
                             "disabled_at": r.disabled_at.isoformat() if r.disabled_at else None,
                             "anonymised": r.removed_as is not None
                             and removed_account_number(r.name) is not None}
                            for r in rows])  # fmt: skip
            elif not rows:
                print(T["none"].in_language(lang))
            else:
                keys = ("user", "role_heading", "organisation", "state", "created")
                heading = [T[k].in_language(lang) for k in keys]
                print(table([heading] + [
                    [actor_text(r.name).in_language(lang), Role(r.role).label.in_language(lang),
                     r.organisation or "-", _state(r).in_language(lang),
                     local_time(r.created_at)]
                    for r in rows
                ]))  # fmt: skip
        case "set-role":
            changed = set_role(workspace, args.name, args.role, organisation=args.organisation)
            print(T["role"].format(name=changed.name, role=changed.role.label.in_language(lang))
                  .in_language(lang))  # fmt: skip
        case "disable" | "enable":
            set_disabled(workspace, args.name, disabled=args.user_command == "disable")
            print(T["disabled" if args.user_command == "disable" else "enabled"]
                  .format(name=args.name).in_language(lang))  # fmt: skip
        case "password":
            set_password(workspace, args.name, _password(args, lang))
            print(T["password"].format(name=args.name).in_language(lang))
        case "export":
            _export(workspace, args, lang)
        case "anonymise":
            return _anonymise(workspace, args, lang, user)
    return 0


def _export(workspace: Workspace, args: argparse.Namespace, lang: str) -> None:
    data = account_data(workspace, args.name, language=lang)
    text = json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"
    if not args.output:
        print(text, end="")
        return
    target = Path(args.output)
    partial = target.with_name(f".{target.name}.partial")
    try:
        partial.write_text(text, encoding="utf-8")
        partial.replace(target)  # whole or not at all
    except OSError as error:
        partial.unlink(missing_ok=True)
        raise AccountError(T["unwritable"].format(path=target, why=error.strerror)) from None
    counts = data["counts"] if isinstance(data["counts"], dict) else {}
    print(T["exported"].format(name=args.name, path=target,
                               changes=counts.get("changes", 0)).in_language(lang))  # fmt: skip


def _anonymise(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    result = anonymise_account(workspace, args.name, actor=user, dry_run=not args.yes)
    if args.json:
        print_json(result.to_json(lang))
    else:
        print_result(result, lang)
    if not args.yes:
        print(f"safewalk: {T['confirm'].format(name=args.name).in_language(lang)}",
              file=sys.stderr)  # fmt: skip
        return 1
    return 1 if result.failed else 0
