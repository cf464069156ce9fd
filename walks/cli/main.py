"""The ``safewalk`` command line: the parser, and each command handed to its group's module.

Exit status: 0 on success, 1 on a user error (one line on stderr), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import Final, NoReturn

from gis.i18n import DEFAULT_LANGUAGE, LANGUAGES, LocalizedError, Text
from walks.cli import (
    analyse,
    context,
    documents,
    exchange,
    inbox,
    maintenance,
    measures,
    observations,
    open311,
    photos,
    planning,
    report,
    retention,
    routing,
    users,
)
from walks.core.config import settings_from_env
from walks.core.errors import WalkError
from walks.fieldwork.startup import open_workspace

GROUPS: Final[tuple[ModuleType, ...]] = (
    observations, planning, measures, inbox, context, routing, report, documents, exchange, users,
    retention, analyse, maintenance, photos, open311,
)  # fmt: skip
"""The command groups: each module has ``COMMANDS``, ``add_parser`` and ``run``."""
DESCRIPTION: Final = (
    "safewalk: safety walks and safety inventories (trygghetsvandringar) — areas, observations, "
    "walks, the action plan, analyses, printed maps, reports and files in and out. Exit status: "
    "0 on success, 1 on a user error (one line on stderr), 2 on bad usage."
)
"""What ``safewalk --help`` says first."""
RUNNERS: Final = {command: group for group in GROUPS for command in group.COMMANDS}


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of exiting, so ``main`` can return 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"safewalk: {message}", file=sys.stderr)
        raise SystemExit(2)


def _common_options() -> _Parser:
    """Return the options every command takes: where the workspace is, language, user."""
    common = _Parser(add_help=False)
    where = common.add_mutually_exclusive_group()
    where.add_argument(
        "--workspace",
        default=argparse.SUPPRESS,
        help="workspace folder (default: $SAFEWALK_WORKSPACE or ~/.local/share/safewalk/workspace)",
    )
    where.add_argument(
        "--database-url",
        default=argparse.SUPPRESS,
        metavar="URL",
        help="a PostgreSQL/PostGIS database instead of a folder (default: $SAFEWALK_DATABASE_URL)",
    )
    common.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=argparse.SUPPRESS,
        help="language of messages: sv (default, or $SAFEWALK_LANG) or en",
    )
    common.add_argument(
        "--user",
        default=argparse.SUPPRESS,
        help="who registers (stored as created_by; default: $SAFEWALK_USER or the login name)",
    )
    return common


def _parser() -> argparse.ArgumentParser:
    common = _common_options()
    parser = _Parser(prog="safewalk", description=DESCRIPTION, parents=[common])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for group in GROUPS:
        group.add_parser(commands, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default ``sys.argv[1:]``); return the exit status."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exit_:
        return int(exit_.code or 0)
    # The language of an error in the settings themselves: the option, else a valid variable.
    lang = getattr(args, "lang", None) or os.environ.get("SAFEWALK_LANG", DEFAULT_LANGUAGE)
    lang = lang if lang in LANGUAGES else DEFAULT_LANGUAGE
    try:
        settings = settings_from_env(
            workspace=getattr(args, "workspace", None),
            database_url=getattr(args, "database_url", None),
            language=getattr(args, "lang", None),
        )
        lang = settings.language
        user = getattr(args, "user", None) or os.environ.get("SAFEWALK_USER") or _login()
        if args.command == "migrate":
            return maintenance.run_migrate(args, lang, user)
        workspace = open_workspace(settings)
        if not workspace.store.is_persistent:
            raise WalkError(
                Text(
                    sv=f"{workspace.store.location} finns bara så länge ett program kör; "
                    "kommandoraden behöver en mapp (--workspace) eller en databas.",
                    en=f"{workspace.store.location} lasts only as long as one program runs; "
                    "the command line needs a folder (--workspace) or a database.",
                )
            )
        return int(RUNNERS[args.command].run(workspace, args, lang, user))
    except LocalizedError as error:
        print(f"safewalk: {error.message(lang)}", file=sys.stderr)
        return 1


def _login() -> str:
    try:
        return f"cli:{os.getlogin()}"
    except OSError:
        return "cli"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
