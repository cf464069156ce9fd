"""``safewalk measure add|status|list|history``: the action plan on the command line."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path
from typing import Any, Final

from gis.i18n import Text, texts_from_file
from gis.photos import read_photos
from layers.values import CostClass, MeasureStatus
from walks.actions.measures import (
    PRIORITIES,
    HistoryEntry,
    Measure,
    MeasureError,
    add_measure,
    add_note,
    change_status,
    list_measures,
    measure_history,
)
from walks.actions.routing import responsible_for
from walks.cli import TEXTS_FILE
from walks.cli.arguments import observation_numbers
from walks.cli.output import local_time, print_json, table
from walks.core.clock import stockholm_today
from walks.core.roles import actor_text
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "measures"),
}


COMMANDS: Final = ("measure",)
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``measure add|status|list|history`` to the command line's sub-commands."""
    parser_class = type(common)
    measure = commands.add_parser("measure", parents=[common], help="the action plan's measures")
    sub = measure.add_subparsers(dest="measure_command", required=True, parser_class=parser_class)
    add = sub.add_parser("add", parents=[common], help="make a measure from observations")
    add.add_argument("--area", required=True, help="area name or id")
    add.add_argument("--observations", required=True, help="observation numbers, e.g. 3,7")
    add.add_argument("--title", required=True)
    add.add_argument(
        "--responsible",
        help="organisation id or name (default: the one 'safewalk route' gives the observations)",
    )
    add.add_argument("--deadline", help="YYYY-MM-DD")
    add.add_argument("--priority", default="medium", choices=list(PRIORITIES))
    add.add_argument("--cost", choices=[c.value for c in CostClass], help="cost class")
    add.add_argument("--description", default="")
    add.add_argument("--public", action="store_true",
                     help="its title and status may be shown to residents")  # fmt: skip
    add.add_argument("--json", action="store_true", help="print JSON")
    status = sub.add_parser("status", parents=[common], help="change a measure's status")
    status.add_argument("--area", required=True, help="area name or id")
    status.add_argument("--measure", required=True, type=int, help="the measure's number")
    status.add_argument("--to", required=True, choices=[s.value for s in MeasureStatus])
    status.add_argument("--reason", default="", help="why (going back, or not feasible)")
    status.add_argument("--note", default="", help="a follow-up note to keep with it")
    status.add_argument("--photo", action="append", default=[], type=Path, metavar="FILE",
                        help="a photo for the note (repeatable)")  # fmt: skip
    status.add_argument("--json", action="store_true", help="print JSON")
    listing = sub.add_parser("list", parents=[common], help="list measures")
    where = listing.add_mutually_exclusive_group(required=True)
    where.add_argument("--area", help="area name or id")
    where.add_argument("--all", action="store_true", help="every area")
    listing.add_argument("--responsible", help="only this organisation's")
    listing.add_argument("--overdue", action="store_true", help="only those past their deadline")
    listing.add_argument("--json", action="store_true", help="print JSON")
    note = sub.add_parser("note", parents=[common], help="keep a dated follow-up note")
    note.add_argument("--area", required=True, help="area name or id")
    note.add_argument("--measure", required=True, type=int, help="the measure's number")
    note.add_argument("--text", required=True, help="what was found or done")
    note.add_argument("--photo", action="append", default=[], type=Path, metavar="FILE",
                      help="a photo, stored without its EXIF (repeatable)")  # fmt: skip
    history = sub.add_parser("history", parents=[common], help="a measure's changes and notes")
    history.add_argument("--area", required=True, help="area name or id")
    history.add_argument("--measure", required=True, type=int, help="the measure's number")
    history.add_argument("--json", action="store_true", help="print JSON")


def _date(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise MeasureError(
            Text(
                sv=f"--deadline {text!r} ska vara ett datum ÅÅÅÅ-MM-DD.",
                en=f"--deadline {text!r} must be a date YYYY-MM-DD.",
            )
        ) from None


def measure_json(measure: Measure, today: date | None = None) -> dict[str, Any]:
    """Return a measure as the command line's JSON (number, status, responsible, …)."""
    return {
        "area": measure.area, "number": measure.number, "title": measure.title,
        "description": measure.description, "status": measure.status.value,
        "responsible": measure.responsible, "priority": measure.priority,
        "deadline": None if measure.deadline is None else measure.deadline.isoformat(),
        "observations": list(measure.observations),
        "cost_class": None if measure.cost_class is None else str(measure.cost_class),
        "reason": measure.reason, "public": measure.public, "created_by": measure.created_by,
        "created_at": measure.created_at.isoformat(),
        "updated_at": measure.updated_at.isoformat(),
        "overdue": measure.is_overdue(today or stockholm_today()),
    }  # fmt: skip


def _history_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(), "actor": entry.actor, "action": entry.action,
        "changes": {k: {"from": old, "to": new} for k, (old, new) in entry.changes.items()},
        "note": entry.note, "photos": entry.photos,
    }  # fmt: skip


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run the ``measure`` command ``args`` names and print its result; return the exit status."""
    match args.measure_command:
        case "add":
            numbers = observation_numbers(args.observations)
            responsible = args.responsible or responsible_for(workspace, args.area, numbers)
            measure = add_measure(
                workspace, args.area, observations=numbers,
                title=args.title, responsible=responsible, actor=user,
                deadline=_date(args.deadline), priority=args.priority,
                description=args.description,
                cost_class=CostClass(args.cost) if args.cost else None, public=args.public,
            )  # fmt: skip
            if args.json:
                print_json(measure_json(measure))
            else:
                name = find_area(workspace, measure.area).name
                added = T["added"].format(number=measure.number, area=name, title=measure.title,
                                          responsible=measure.responsible)  # fmt: skip
                print(added.in_language(lang))
        case "status":
            measure = change_status(
                workspace, args.area, args.measure, MeasureStatus(args.to), actor=user,
                reason=args.reason, note=args.note,
                photos=read_photos(args.photo, max_bytes=workspace.settings.max_photo_bytes),
            )  # fmt: skip
            if args.json:
                print_json(measure_json(measure))
            else:
                name = find_area(workspace, measure.area).name
                label = measure.status.label.in_language(lang).lower()
                print(T["moved"].format(number=measure.number, area=name, status=label)
                      .in_language(lang))  # fmt: skip
        case "note":
            photos = read_photos(args.photo, max_bytes=workspace.settings.max_photo_bytes)
            add_note(workspace, args.area, args.measure, args.text, actor=user, photos=photos)
            name = find_area(workspace, args.area).name
            print(T["noted"].format(number=args.measure, area=name, photos=len(photos))
                  .in_language(lang))  # fmt: skip
        case "list":
            _list(workspace, args, lang)
        case "history":
            _history(workspace, args, lang)
    return 0


def _list(workspace: Workspace, args: argparse.Namespace, lang: str) -> None:
    areas = None if args.all else [args.area]
    measures = list_measures(workspace, areas, responsible=args.responsible,
                             overdue=args.overdue)  # fmt: skip
    if args.json:
        print_json([measure_json(m) for m in measures])
        return
    if not measures:
        print(T["none"].in_language(lang))
        return
    head = ("area", "number", "measure", "responsible", "deadline", "status", "observations")
    rows = [[T[key].in_language(lang) for key in head]]
    today = stockholm_today()
    for m in measures:
        status = m.status.label.in_language(lang)
        if m.is_overdue(today):
            status += f" ({T['overdue'].in_language(lang).upper()})"
        deadline = "" if m.deadline is None else m.deadline.isoformat()
        numbers = ", ".join(map(str, m.observations))
        rows.append([m.area, str(m.number), m.title, m.responsible, deadline, status, numbers])
    print(table(rows))


def _history(workspace: Workspace, args: argparse.Namespace, lang: str) -> None:
    entries = measure_history(workspace, args.area, args.measure)
    if args.json:
        print_json([_history_json(entry) for entry in entries])
        return
    if not entries:
        print(T["no_history"].in_language(lang))
        return
    rows = [[T[key].in_language(lang) for key in ("when", "who", "what")]]
    for entry in entries:
        changed = "; ".join(f"{k}: {old} → {new}" for k, (old, new) in entry.changes.items())
        who = actor_text(entry.actor).in_language(lang)
        rows.append([local_time(entry.at), who, entry.note or changed or entry.action])
    print(table(rows))
