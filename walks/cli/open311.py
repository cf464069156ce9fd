"""``safewalk open311 send|status|sync``: observations sent to the city's fault-report system.

Exit status 1 when a request was not delivered, or the city's system could not be asked:
what was not delivered waits and is tried again (``status`` lists it); scripts and cron
see that something is left.
"""

from __future__ import annotations

import argparse
import sys
from itertools import groupby
from typing import Any, Final

from gis.i18n import Text, texts_from_file
from layers.values import RequestState
from walks.cli import TEXTS_FILE
from walks.cli.arguments import observation_numbers
from walks.cli.output import local_time, print_json, table
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.exchange.open311_requests import (
    CityRequest,
    Delivery,
    Skip,
    city_requests,
    send_observations,
    sync_requests,
)
from walks.fieldwork.areas import find_area

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "open311"),
}

COMMANDS: Final = ("open311",)
"""The sub-commands this module adds and runs."""
LISTED_ONE_BY_ONE: Final = frozenset({Skip.ALREADY_SENT, Skip.NOT_DUE})
"""Reasons whose detail differs per observation (the city's id, when it is tried again)."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``open311 send|status|sync`` to the command line's sub-commands."""
    parser_class = type(common)
    open311 = commands.add_parser(
        "open311", parents=[common],
        help="send observations to the city's fault-report system (Open311 GeoReport v2)",
    )  # fmt: skip
    sub = open311.add_subparsers(dest="open311_command", required=True, parser_class=parser_class)
    send = sub.add_parser(
        "send", parents=[common],
        help="post an area's observations as service requests ($SAFEWALK_OPEN311_URL)",
    )  # fmt: skip
    send.add_argument("--area", required=True, help="area name or id")
    send.add_argument(
        "--observations", help="observation numbers, e.g. 3,7 (default: every one not sent yet)"
    )
    send.add_argument("--json", action="store_true", help="print JSON")
    status = sub.add_parser(
        "status", parents=[common], help="list what was sent, what waits and what failed, and why"
    )
    status.add_argument("--area", help="area name or id (default: every area)")
    status.add_argument("--json", action="store_true", help="print JSON")
    sync = sub.add_parser(
        "sync", parents=[common],
        help="try again what waits, and fetch the city's status of what was sent",
    )  # fmt: skip
    sync.add_argument("--area", help="area name or id (default: every area)")
    sync.add_argument("--json", action="store_true", help="print JSON")


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run the ``open311`` command ``args`` names and print its result; return the exit status."""
    match args.open311_command:
        case "send":
            numbers = observation_numbers(args.observations) if args.observations else None
            delivery = send_observations(workspace, args.area, numbers=numbers, actor=user)
            if args.json:
                area = find_area(workspace, args.area).slug
                print_json({"area": area, **delivery.to_json(lang)})
            else:
                _print_delivery(delivery, lang)
            return _undelivered(delivery, lang)
        case "status":
            requests = city_requests(workspace, area=args.area)
            if args.json:
                print_json({"requests": [r.to_json(lang) for r in requests]})
            else:
                _print_requests(workspace, requests, lang)
            return 0
    synced = sync_requests(workspace, area=args.area, actor=user)
    if args.json:
        print_json(synced.to_json(lang))
    else:
        _print_delivery(synced.delivery, lang)
        checked = T["open311_checked"].format(
            checked=synced.checked, changed=len(synced.changed), resolved=len(synced.resolved)
        )
        print(checked.in_language(lang))
        for request in synced.resolved:
            said = T["open311_resolved"].format(
                number=request.number, area=request.area, note=request.status_notes or "-"
            )
            print(f"  {said.in_language(lang)}")
    for area, error in synced.problems:
        said = T["open311_not_asked"].format(area=area, error=error.message(lang))
        print(f"safewalk: {said.in_language(lang)}", file=sys.stderr)
    return max(_undelivered(synced.delivery, lang), int(bool(synced.problems)))


def _undelivered(delivery: Delivery, lang: str) -> int:
    """Say on stderr how many requests were not delivered; return the exit status."""
    count = len(delivery.undelivered)
    if not count:
        return 0
    said = T["open311_undelivered_one" if count == 1 else "open311_undelivered"]
    print(f"safewalk: {said.format(count=count).in_language(lang)}", file=sys.stderr)
    return 1


def _ident(request: CityRequest) -> Text:
    if request.service_request_id:
        return T["open311_id"].format(id=request.service_request_id)
    return T["open311_token"].format(token=request.token or "-")


def _print_delivery(delivery: Delivery, lang: str) -> None:
    if delivery.sent:
        listed = ", ".join(f"{r.number} ({_ident(r).in_language(lang)})" for r in delivery.sent)
        print(f"{T['open311_sent'].in_language(lang)}: {listed}")
    for request in delivery.undelivered:
        reason = request.reason()
        when = local_time(request.next_attempt) if request.next_attempt else "-"
        print(T["open311_not_delivered"].format(
            number=request.number, state=request.state.label.in_language(lang).lower(),
            reason=reason.in_language(lang) if reason else "-", when=when,
        ).in_language(lang))  # fmt: skip
    if not delivery.skipped:
        if not delivery.sent and not delivery.undelivered:
            print(T["open311_nothing"].in_language(lang))
        return
    print(f"{T['open311_not_sent'].in_language(lang)}:")
    one_by_one = [s for s in delivery.skipped if s.reason in LISTED_ONE_BY_ONE]
    grouped = sorted((s for s in delivery.skipped if s.reason not in LISTED_ONE_BY_ONE),
                     key=lambda s: list(Skip).index(s.reason))  # fmt: skip
    for _, same in groupby(grouped, key=lambda s: s.reason):
        group = list(same)
        numbers = ", ".join(str(s.number) for s in group)
        print(f"  {group[0].text().in_language(lang)}: {numbers}")
    for skipped in one_by_one:
        print(f"  {skipped.number}: {skipped.text().in_language(lang)}")


def _print_requests(workspace: Workspace, requests: list[CityRequest], lang: str) -> None:
    if not requests:
        print(T["open311_none"].in_language(lang))
        return
    names = {area.slug: area.name for area in workspace.areas()}
    titles = {spec.name: spec.title.in_language(lang) for spec in workspace.catalog.categories}
    head = ("area", "number", "category", "open311_state", "open311_attempts", "open311_next",
            "open311_city_id", "open311_city_status", "open311_why")  # fmt: skip
    rows = [[T[key].in_language(lang) for key in head]]
    for r in requests:
        reason = r.reason()
        said = reason.in_language(lang) if r.state is not RequestState.SENT and reason else (
            r.status_notes or "")  # fmt: skip
        rows.append([
            names.get(r.area, r.area), str(r.number or "-"), titles.get(r.category, r.category),
            r.state.label.in_language(lang), str(r.attempts),
            local_time(r.next_attempt) if r.next_attempt else "",
            r.service_request_id or (f"token {r.token}" if r.token else ""), r.status or "",
            " ".join(said.split())[:100],
        ])  # fmt: skip
    print(table(rows))
