"""``safewalk reference`` and ``indicator``: an area's context, its reference layers and figures."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

from gis.i18n import texts_from_file
from walks.cli import TEXTS_FILE
from walks.cli.output import print_json, table
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.indicators import AreaIndicator, add_indicator_from_csv, area_indicators
from walks.fieldwork.reference import add_reference_from_file

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "context"),
}


COMMANDS: Final = ("reference", "indicator")
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``reference add``, ``indicator add`` and ``indicator list`` to the sub-commands."""
    parser_class = type(common)
    reference = commands.add_parser("reference", parents=[common], help="reference layers")
    reference_commands = reference.add_subparsers(
        dest="reference_command", required=True, parser_class=parser_class
    )
    reference_add = reference_commands.add_parser(
        "add", parents=[common], help="load a vector file as an area's reference layer"
    )
    reference_add.add_argument("--area", required=True, help="area name or id")
    reference_add.add_argument(
        "--kind",
        required=True,
        help="lamps, stops, entrances, schools, owners, other, streets or buildings",
    )
    reference_add.add_argument("--from", dest="source", type=Path, required=True, help="file")
    reference_add.add_argument("--crs", help="CRS of the file when it does not say")
    reference_add.add_argument("--layer", help="layer of a file with several (GeoPackage)")
    reference_add.add_argument(
        "--organisation",
        help="owners: the organisation (id or name) owning every area of the file; "
        "default: a column of the file (organisation, owner, ägare, förvaltare, …)",
    )
    reference_add.add_argument(
        "--source",
        dest="credit",
        metavar="TEXT",
        help="whom the data is credited to on the maps, e.g. '© OpenStreetMap contributors' "
        "(needed for streets and buildings)",
    )
    reference_add.add_argument(
        "--licence",
        metavar="TEXT",
        help="the data's licence, e.g. ODbL or CC0 (needed for streets and buildings)",
    )
    reference_add.add_argument("--json", action="store_true", help="print JSON")

    indicator = commands.add_parser(
        "indicator", parents=[common], help="figures per area (survey shares, crime rates)"
    )
    indicator_commands = indicator.add_subparsers(
        dest="indicator_command", required=True, parser_class=parser_class
    )
    indicator_add = indicator_commands.add_parser(
        "add", parents=[common], help="import one value per area from a CSV file"
    )
    indicator_add.add_argument("--name", required=True, help="the indicator's name")
    indicator_add.add_argument(
        "--from",
        dest="source",
        type=Path,
        required=True,
        metavar="FILE",
        help="CSV file (Excel's semicolon CSV too): a column of area names or ids, one of values",
    )
    indicator_add.add_argument("--unit", help="unit, e.g. %% or 'per 1,000 residents'")
    indicator_add.add_argument("--period", help="period, year first, e.g. 2025 or 2025-T1")
    indicator_add.add_argument(
        "--area-column",
        metavar="COLUMN",
        help="column naming the area (default: område, stadsdel, area, name, namn, slug or id)",
    )
    indicator_add.add_argument(
        "--value-column",
        metavar="COLUMN",
        help="column of values (default: the only other column of numbers)",
    )
    indicator_add.add_argument("--json", action="store_true", help="print JSON")
    indicator_list = indicator_commands.add_parser(
        "list", parents=[common], help="list the indicators' values per area"
    )
    indicator_list.add_argument("--name", help="only this indicator")
    indicator_list.add_argument("--json", action="store_true", help="print JSON")


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run the ``reference`` or ``indicator`` command ``args`` names; return the exit status."""
    if args.command == "reference":
        return _cmd_reference_add(workspace, args, lang, user)
    if args.indicator_command == "add":
        return _cmd_indicator_add(workspace, args, lang, user)
    return _cmd_indicator_list(workspace, args, lang)


def _cmd_reference_add(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    loaded = add_reference_from_file(
        workspace,
        args.area,
        args.kind,
        args.source,
        crs=args.crs,
        layer=args.layer,
        organisation=args.organisation,
        source=args.credit,
        licence=args.licence,
        actor=user,
    )
    if args.json:
        refused = [{"row": row, "reason": why.in_language(lang)} for row, why in loaded.refused]
        print_json(asdict(loaded) | {"kind": loaded.kind.value, "refused": refused})
        return 0
    text = T["reference_added"].format(
        added=loaded.added,
        kind=loaded.kind.label.in_language(lang).lower(),
        area=find_area(workspace, loaded.area).name,
        already=loaded.already_there,
        outside=loaded.outside_area,
        refused=len(loaded.refused),
    )
    print(text.in_language(lang))
    if loaded.source is not None:
        credit = T["reference_credit"].format(source=loaded.source, licence=loaded.licence or "-")
        print(credit.in_language(lang))
    for row, why in loaded.refused[:10]:
        print(f"  {T['row'].in_language(lang)} {row}: {why.in_language(lang)}")
    return 0


def _figure(value: float, lang: str) -> str:
    """Return a number as people write it: ``23.5``, in Swedish ``23,5``."""
    text = f"{value:.10g}"
    return text.replace(".", ",") if lang == "sv" else text


def _cmd_indicator_add(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    imported = add_indicator_from_csv(
        workspace,
        args.name,
        args.source,
        unit=args.unit,
        period=args.period,
        area_column=args.area_column,
        value_column=args.value_column,
        actor=user,
    )
    if args.json:
        unmatched = [{"row": n, "reason": why.in_language(lang)} for n, why in imported.unmatched]
        print_json(
            {
                "name": imported.name,
                "added": imported.added,
                "replaced": imported.replaced,
                "unmatched": unmatched,
            }
        )
        return 0
    text = T["indicator_added"].format(
        name=imported.name,
        areas=len(imported.added),
        replaced=imported.replaced,
        unmatched=len(imported.unmatched),
    )
    print(text.in_language(lang))
    names = {area.slug: area.name for area in workspace.areas()}
    rows = [[T["area"].in_language(lang), T["value"].in_language(lang)]]
    rows += [[names[slug], _figure(value, lang)] for slug, value in imported.added.items()]
    print(table(rows))
    for row, why in imported.unmatched[:10]:
        print(f"  {T['row'].in_language(lang)} {row}: {why.in_language(lang)}")
    return 0


def _indicator_json(indicator: AreaIndicator) -> dict[str, Any]:
    return asdict(indicator) | {"updated_at": indicator.updated_at.isoformat()}


def _cmd_indicator_list(workspace: Workspace, args: argparse.Namespace, lang: str) -> int:
    indicators = area_indicators(workspace, name=args.name)
    if args.json:
        print_json([_indicator_json(indicator) for indicator in indicators])
        return 0
    if not indicators:
        print(T["no_indicators"].in_language(lang))
        return 0
    names = {area.slug: area.name for area in workspace.areas()}
    head = ("indicator", "area", "value", "unit", "period", "source")
    rows = [[T[key].in_language(lang) for key in head]]
    rows += [
        [
            i.name,
            names.get(i.area, i.area),
            _figure(i.value, lang),
            i.unit or "",
            i.period or "",
            i.source,
        ]
        for i in indicators
    ]
    print(table(rows))
    return 0
