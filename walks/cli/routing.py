"""``safewalk route``: who is responsible for each observation, and why; choosing another."""

from __future__ import annotations

import argparse
from typing import Any, Final

from gis.i18n import Text, texts_from_file
from walks.actions.routing import Route, RoutingError, route_observations, set_responsible
from walks.cli import TEXTS_FILE
from walks.cli.output import print_json, table
from walks.core.organisations import organisations
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "routing"),
}


COMMANDS: Final = ("route",)
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``route`` to the command line's sub-commands."""
    route = commands.add_parser(
        "route", parents=[common], help="suggested organisation per observation, and why"
    )
    route.add_argument("--area", required=True, help="area name or id")
    route.add_argument("--observation", type=int, help="choose for this observation number")
    chosen = route.add_mutually_exclusive_group()
    chosen.add_argument("--responsible", help="with --observation: this organisation (id or name)")
    chosen.add_argument(
        "--automatic",
        action="store_true",
        help="with --observation: drop a chosen organisation, follow the rules again",
    )
    route.add_argument("--json", action="store_true", help="print JSON")


def _json(route: Route) -> dict[str, Any]:
    return {
        "number": route.number,
        "category": route.category,
        "responsible": route.responsible,
        "suggested": route.suggested,
        "rule": route.rule,
        "reason": route.reason,
        "override": route.override,
        "layer": route.layer,
        "feature": route.feature,
    }


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run ``safewalk route``; return the exit status."""
    area = find_area(workspace, args.area)
    if (args.responsible or args.automatic) and args.observation is None:
        raise RoutingError(
            Text(
                sv="--responsible och --automatic gäller en iakttagelse: ge --observation N.",
                en="--responsible and --automatic are for one observation: give --observation N.",
            )
        )
    if args.observation is not None and (args.responsible or args.automatic):
        routes = [
            set_responsible(workspace, area.slug, args.observation, args.responsible, actor=user)
        ]
        if not args.json:
            who = _who(workspace, routes[0].responsible, lang)
            print(
                T["set"].format(number=args.observation, area=area.name, who=who).in_language(lang)
            )
            return 0
    else:
        routes = route_observations(workspace, area.slug)
        if args.observation is not None:
            routes = [r for r in routes if r.number == args.observation]
    if args.json:
        print_json([_json(r) | {"reason": r.reason.in_language(lang)} for r in routes])
        return 0
    if not routes:
        print(T["none"].in_language(lang))
        return 0
    categories = {spec.name: spec.title.in_language(lang) for spec in workspace.catalog.categories}
    rows = [[T[k].in_language(lang) for k in ("number", "category", "responsible", "why")]]
    for route in routes:
        why = route.reason.in_language(lang)
        if route.override:
            who = _who(workspace, route.suggested, lang)
            why = T["chosen"].format(who=who, why=why).in_language(lang)
        category = categories.get(route.category, route.category)
        rows.append([str(route.number), category, _who(workspace, route.responsible, lang), why])
    print(table(rows))
    return 0


def _who(workspace: Workspace, ident: str | None, lang: str) -> str:
    if ident is None:
        return T["nobody"].in_language(lang)
    names = {o.id: o.name.in_language(lang) for o in organisations(workspace.settings.data_dir)}
    return names.get(ident, ident)
