"""``safewalk import``: observations from another tool's file, with a report per feature."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from gis.i18n import Text, texts_from_file
from walks.actions.measures import MeasureError
from walks.actions.open311 import service_requests
from walks.cli import TEXTS_FILE
from walks.cli.arguments import fields_from_pairs, observation_numbers
from walks.cli.output import print_json
from walks.core.model import WalkPlan
from walks.core.workspace import Workspace
from walks.exchange.exporting import FORMATS, ExportError, export_observations
from walks.exchange.importing import (
    FileImportError,
    ImportReport,
    import_observations,
    read_mapping,
)
from walks.fieldwork.areas import add_area_from_file, find_area
from walks.fieldwork.planning import check_plan, plan_walk, route_from_file
from walks.fieldwork.reference import add_reference_from_file

T: Final = texts_from_file(TEXTS_FILE, "exchange")


COMMANDS: Final = ("import", "export")
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``import`` to the command line's sub-commands."""
    parser = commands.add_parser(
        "import", parents=[common],
        help="observations from a file: GeoPackage, GeoJSON, zipped Shapefile, KML/KMZ, GPX, CSV",
    )  # fmt: skip
    parser.add_argument("file", type=Path, help="the file")
    parser.add_argument("--area", help="every feature into this area (default: where it lies)")
    parser.add_argument("--category", help="every feature of this category (default: the "
                        "file's category column)")  # fmt: skip
    parser.add_argument("--mapping", type=Path, metavar="MAP.toml",
                        help="the file's columns and values as the catalog's")  # fmt: skip
    parser.add_argument("--field", action="append", default=[], metavar="NAME=VALUE",
                        help="a value for every feature that has none, e.g. --field "
                        "problem=broken (with --category; repeatable)")  # fmt: skip
    parser.add_argument("--as", dest="as_", default="observations",
                        choices=["observations", "route", "reference", "area"],
                        help="observations (default); route: a new walk in --area along the "
                        "file's track or line; reference: a reference layer of --kind in "
                        "--area; area: a new area named --area")  # fmt: skip
    parser.add_argument("--kind", help="with --as reference: lamps, stops, entrances, "
                        "schools, owners, other, streets or buildings")  # fmt: skip
    parser.add_argument("--source", dest="credit", metavar="TEXT", help="with --as reference: "
                        "whom the data is credited to on maps (streets, buildings)")  # fmt: skip
    parser.add_argument("--licence", metavar="TEXT", help="with --as reference: the data's "
                        "licence (streets, buildings)")  # fmt: skip
    parser.add_argument("--crs", help="the coordinates' system when the file does not say")
    parser.add_argument("--layer", help="the layer of a file with several")
    parser.add_argument("--dry-run", action="store_true", help="report only, write nothing")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    export = commands.add_parser(
        "export", parents=[common],
        help="export observations: GeoPackage, GeoJSON, CSV, Excel, KML, Shapefile, or Open311",
    )  # fmt: skip
    export.add_argument("kind", nargs="?", choices=["open311"],
                        help="open311: GeoReport v2 service requests (JSON)")  # fmt: skip
    where = export.add_mutually_exclusive_group()
    where.add_argument("--area", help="area name or id")
    where.add_argument("--all", action="store_true", help="every area")
    export.add_argument("--observations", help="open311: observation numbers, e.g. 3,7")
    export.add_argument("--layers", help="category layers, e.g. lighting,vegetation (default all)")
    export.add_argument("--format", choices=list(FORMATS),
                        help="default: from the file's suffix (.gpkg .geojson .csv .xlsx .kml "
                        ".zip)")  # fmt: skip
    export.add_argument("-o", "--output", required=True, type=Path, help="the file")
    export.add_argument("--photos", action="store_true",
                        help="include the observations' photos (CSV, Excel, GeoJSON, KML: as "
                        "files in FILE_photos/ beside the file; Shapefile: in the zip); a "
                        "GeoPackage always holds them")  # fmt: skip
    export.add_argument("--json", action="store_true", help="print what was written as JSON")


def _json(report: ImportReport, lang: str) -> dict[str, Any]:
    return {
        "accepted": report.accepted,
        "repaired": len(report.repaired),
        "rejected": [{"row": k, "reason": why.in_language(lang)} for k, why in report.rejected],
        "already": report.already,
        "areas": report.areas,
        "written": report.written,
        "repairs": [{"row": k, "what": what.in_language(lang)} for k, what in report.repaired],
        "notes": [note.in_language(lang) for note in report.notes],
        "mapping": report.mapping,
        "set": report.set_values,
    }


def _other(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Import as a route, a reference layer or a new area; ``--dry-run`` checks only."""
    if not args.area or (args.as_ == "reference" and not args.kind):
        raise FileImportError(
            Text(
                sv="--as reference behöver --area och --kind; --as route och --as area behöver "
                "--area (för area: namnet).",
                en="--as reference needs --area and --kind; --as route and --as area need "
                "--area (for area: the name).",
            )
        )
    if args.field:
        raise FileImportError(
            Text(
                sv="--field gäller iakttagelser; utelämna det med --as route, reference och area.",
                en="--field is for observations; leave it out with --as route, reference and area.",
            )
        )
    dry = args.dry_run
    report: dict[str, Any] = {"as": args.as_, "written": not dry}
    if args.as_ == "route":
        route = route_from_file(args.file, crs=args.crs)
        plan = WalkPlan(area=args.area, title=args.file.stem, starts_at=datetime.now(UTC),
                        created_by=user, route=route)  # fmt: skip
        if dry:
            area, stored = check_plan(workspace, plan)  # what plan_walk checks, nothing stored
            number = None
        else:
            walk = plan_walk(workspace, plan)
            area, stored, number = find_area(workspace, walk.area), walk.route, walk.number
        length = round(stored.length) if stored is not None else 0
        report |= {"area": area.slug, "number": number, "length_m": length}
        text = T["route_dry" if dry else "route_imported"].format(number=number, area=area.name,
                                                         length=length)  # fmt: skip
    elif args.as_ == "area":
        made = add_area_from_file(workspace, args.area, args.file, crs=args.crs, actor=user,
                                  dry_run=dry)  # fmt: skip
        report |= {"area": made.slug, "name": made.name,
                   "area_km2": round(made.boundary.area / 1e6, 3)}  # fmt: skip
        text = T["area_dry" if dry else "area_imported"].format(name=made.name, slug=made.slug)
    else:
        loaded = add_reference_from_file(workspace, args.area, args.kind, args.file,
                                         crs=args.crs, layer=args.layer, actor=user,
                                         source=args.credit, licence=args.licence,
                                         dry_run=dry)  # fmt: skip
        report |= {
            "area": loaded.area, "kind": loaded.kind.value, "added": loaded.added,
            "already": loaded.already_there, "outside": loaded.outside_area,
            "rejected": [{"row": k, "reason": why.in_language(lang)}
                         for k, why in loaded.refused],
        }  # fmt: skip
        text = T["reference_dry" if dry else "reference"].format(
            added=loaded.added, already=loaded.already_there, refused=len(loaded.refused)
        )
    if args.json:
        print_json(report)
    else:
        print(text.in_language(lang))
    return 0


def _terminal_progress(lang: str) -> Callable[[int, int], None]:
    """Return a progress report for a terminal: checked features, on one line."""
    word = Text(sv="kontrollerade", en="checked").in_language(lang)

    def report(done: int, total: int) -> None:
        print(f"\r{word} {done:,}/{total:,}".replace(",", " "), end="", file=sys.stderr,
              flush=True)  # fmt: skip

    return report


def _run_import(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run ``safewalk import``; return the exit status (1 when nothing could be imported)."""
    if args.as_ != "observations":
        return _other(workspace, args, lang, user)
    fields = fields_from_pairs(args.field)
    mapping = read_mapping(args.mapping) if args.mapping else None
    report = import_observations(
        workspace, args.file, actor=user, area=args.area, category=args.category, crs=args.crs,
        layer=args.layer, mapping=mapping, fields=fields, dry_run=args.dry_run,
        progress=_terminal_progress(lang) if sys.stderr.isatty() else None,
    )  # fmt: skip
    if sys.stderr.isatty():
        print(file=sys.stderr)
    if args.json:
        print_json(_json(report, lang))
    else:
        names = {a.slug: a.name for a in workspace.areas()}
        areas = ", ".join(f"{names.get(s, s)} {n}" for s, n in report.areas.items()) or "-"
        text = T["dry" if args.dry_run else "done"].format(
            accepted=report.accepted, areas=areas, repaired=len(report.repaired),
            rejected=len(report.rejected), already=report.already,
        )  # fmt: skip
        print(text.in_language(lang))
        for category, columns in report.mapping.items():
            pairs = ", ".join(c if c == f else f"{c} → {f}" for c, f in columns.items()) or "-"
            print(T["mapping"].format(category=category, pairs=pairs).in_language(lang))
        for note in report.notes:
            print(f"  {note.in_language(lang)}")
        for k, why in report.rejected[:20]:
            print(f"  {T['row'].in_language(lang)} {k}: {why.in_language(lang)}")
    return 1 if report.rejected and not report.accepted and not report.already else 0


def _run_export(workspace: Workspace, args: argparse.Namespace, lang: str) -> int:
    """Write the observations to a file (``export``), or as Open311 requests."""
    if args.kind != "open311":
        if not args.area and not args.all:
            raise ExportError(Text(sv="Ange --area A eller --all.", en="Give --area A or --all."))
        layers = [x.strip() for x in args.layers.split(",") if x.strip()] if args.layers else None
        done = export_observations(
            workspace, args.output, areas=[args.area] if args.area else None, layers=layers,
            format=args.format, photos=args.photos,
        )  # fmt: skip
        if args.json:
            print_json({
                "format": done.format, "count": done.count, "path": str(args.output),
                "photos": done.photos, "photo_files": done.photo_files,
                "photo_folder": str(done.photo_folder) if done.photo_folder else None,
            })  # fmt: skip
            return 0
        print(T["exported_file"].format(count=done.count, path=args.output, kind=done.format)
              .in_language(lang))  # fmt: skip
        if done.format == "gpkg":
            print(T["photos_inside"].in_language(lang))
        elif done.photos:
            where = done.photo_folder or f"{args.output}: {args.output.stem}_photos/"
            print(T["photos_files"].format(count=done.photo_files, where=where).in_language(lang))
        else:
            print(T["photos_none"].in_language(lang))
        return 0
    if not args.area:
        raise MeasureError(Text(sv="open311: ange --area.", en="open311: give --area."))
    numbers = observation_numbers(args.observations) if args.observations else None
    requests = service_requests(workspace, args.area, numbers=numbers, language=lang)
    text = json.dumps(requests, ensure_ascii=False, indent=2) + "\n"
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise MeasureError(
            Text(
                sv=f"{args.output} kan inte skrivas ({error.strerror}).",
                en=f"{args.output} cannot be written ({error.strerror}).",
            )
        ) from None
    print(T["exported"].format(count=len(requests), path=args.output).in_language(lang))
    return 0


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run ``safewalk import`` or ``safewalk export``; return the exit status."""
    if args.command == "export":
        return _run_export(workspace, args, lang)
    return _run_import(workspace, args, lang, user)
