"""The ``safewalk`` command line: areas, registration, listing, demo data and checks.

Exit status: 0 on success, 1 on a user error (one line on stderr), 2 on bad usage.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final, NoReturn

import shapely
import shapely.errors

from gis.i18n import DEFAULT_LANGUAGE, LANGUAGES, LocalizedError, Text
from gis.photos import Photo, read_photos
from walks.areas import add_area_from_file, area_summaries, find_area
from walks.cli_analyse import add_analyse_parser, run_analysis
from walks.cli_context import add_context_parser, run_context
from walks.cli_import import add_import_parser, run_import
from walks.cli_measures import add_measures_parser, run_export, run_measures
from walks.cli_output import HEADINGS, local_time, print_json, table
from walks.cli_print import add_print_parser, run_print
from walks.cli_report import add_report_parser, run_report
from walks.cli_route import add_route_parser, run_route
from walks.cli_users import add_users_parser, run_users
from walks.cli_walks import add_walks_parser, run_walks
from walks.config import settings_from_env
from walks.demo import load_demo
from walks.errors import WalkError
from walks.migrate import migrate
from walks.model import DrawnShape, Observation, ObservationDraft, Position
from walks.recording import (
    choose_position,
    list_observations,
    possible_duplicates,
    record_observation,
)
from walks.startup import open_workspace
from walks.workspace import Workspace

T: Final = HEADINGS | {
    "duplicates": Text(
        sv="Kanske samma som öppna iakttagelser av samma kategori strax intill: {listed}.",
        en="Perhaps the same as open observations of the same category close by: {listed}.",
    ),
    "id": Text(sv="Id", en="Id"),
    "walks": Text(sv="Vandringar", en="Walks"),
    "measures": Text(sv="Åtgärder", en="Measures"),
    "demo": Text(sv="demo", en="demo"),
    "severity": Text(sv="Allv.", en="Sev."),
    "status": Text(sv="Status", en="Status"),
    "observed": Text(sv="Iakttagen", en="Observed"),
    "description": Text(sv="Beskrivning", en="Description"),
    "none": Text(sv="Inga iakttagelser.", en="No observations."),
    "added": Text(
        sv="Registrerade iakttagelse nr {number} i {area} ({category}).",
        en="Registered observation no. {number} in {area} ({category}).",
    ),
    "area_added": Text(
        sv="Lade till området {name} (id {slug}).", en="Added the area {name} (id {slug})."
    ),
    "demo_loaded": Text(
        sv="Demodata laddad: {walks} vandringar och {observations} iakttagelser "
        "({removed} gamla demoposter borttagna, {areas} nya demoområden).",
        en="Demo data loaded: {walks} walks and {observations} observations "
        "({removed} old demo records removed, {areas} new demo areas).",
    ),
    "migrating": Text(sv="Flyttar {name} …", en="Moving {name} …"),
    "migrated": Text(
        sv="{areas} områden flyttade från {source} till {target}: {rows} rader, alla lager "
        "kontrollerade. Källan är orörd.",
        en="{areas} areas moved from {source} to {target}: {rows} rows, every layer checked. "
        "The source is untouched.",
    ),
    "check_ok": Text(
        sv="Arbetsytan {path} är hel: {areas} områden kontrollerade, inga fel.",
        en="The workspace {path} is sound: {areas} areas checked, no problems.",
    ),
    "check_bad": Text(
        sv="{count} fel i arbetsytan {path}:", en="{count} problems in the workspace {path}:"
    ),
    "check_repair": Text(
        sv="Kör 'safewalk check --repair' för att rätta de fel som är markerade (kan rättas).",
        en="Run 'safewalk check --repair' to fix the problems marked (repairable).",
    ),
    "repairable": Text(sv="kan rättas", en="repairable"),
    "repaired": Text(sv="rättat", en="repaired"),
}


class _Parser(argparse.ArgumentParser):
    """An argument parser that raises instead of exiting, so ``main`` can return 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"safewalk: {message}", file=sys.stderr)
        raise SystemExit(2)


def _parser() -> argparse.ArgumentParser:
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

    parser = _Parser(prog="safewalk", description=__doc__, parents=[common])
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    areas = commands.add_parser("areas", parents=[common], help="list areas with counts per layer")
    areas.add_argument("--json", action="store_true", help="print JSON")

    area = commands.add_parser("area", parents=[common], help="manage areas")
    area_commands = area.add_subparsers(dest="area_command", required=True, parser_class=_Parser)
    area_add = area_commands.add_parser(
        "add", parents=[common], help="add an area from a polygon file"
    )
    area_add.add_argument("name", help="the area's name, e.g. Smedshagen")
    area_add.add_argument("--from", dest="source", type=Path, required=True, help="polygon file")
    area_add.add_argument("--crs", help="CRS of the file when it does not say, e.g. EPSG:3011")
    area_add.add_argument("--dissolve", action="store_true", help="merge several polygons")
    area_add.add_argument("--json", action="store_true", help="print JSON")

    add_walks_parser(commands, common)
    add_measures_parser(commands, common)
    add_context_parser(commands, common)
    add_route_parser(commands, common)
    add_report_parser(commands, common)
    add_print_parser(commands, common)
    add_import_parser(commands, common)
    add_users_parser(commands, common)
    add_analyse_parser(commands, common)

    add = commands.add_parser("add", parents=[common], help="register one observation")
    add.add_argument("--area", help="area name or id (default: the area the position lies in)")
    add.add_argument("--category", required=True, help="category layer, e.g. lighting")
    add.add_argument(
        "--lon", type=float, help="longitude, or easting with --crs (default: the photo's GPS)"
    )
    add.add_argument(
        "--lat", type=float, help="latitude, or northing with --crs (default: the photo's GPS)"
    )
    add.add_argument(
        "--photo",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="a photo (JPEG, PNG, WebP, HEIC); stored without its EXIF (repeatable)",
    )
    add.add_argument(
        "--wkt",
        metavar="WKT",
        help="a line or area instead of a point, e.g. 'LINESTRING (17.844 59.366, 17.846 59.367)'"
        " (x/longitude first), for the categories that take them",
    )
    add.add_argument(
        "--crs", default="EPSG:4326", help="CRS of --lon/--lat or --wkt (default EPSG:4326)"
    )
    add.add_argument("--severity", type=int, help="severity level, e.g. 1–3")
    add.add_argument("--description", default="", help="free text")
    add.add_argument("--walk", help="the walk's number or UUID in the area")
    add.add_argument(
        "--field",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a category field, e.g. --field problem=broken (repeatable)",
    )
    add.add_argument("--json", action="store_true", help="print JSON")

    listing = commands.add_parser("list", parents=[common], help="list an area's observations")
    listing.add_argument("--area", required=True, help="area name or id")
    listing.add_argument("--category", help="only this category")
    listing.add_argument("--json", action="store_true", help="print JSON")

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
    return parser


def _fields(pairs: Sequence[str]) -> dict[str, str]:
    fields = {}
    for pair in pairs:
        name, separator, value = pair.partition("=")
        if not separator or not name.strip():
            raise WalkError(
                Text(
                    sv=f"--field {pair!r} ska skrivas NAMN=VÄRDE, t.ex. --field problem=broken.",
                    en=f"--field {pair!r} must be written NAME=VALUE, e.g. --field problem=broken.",
                )
            )
        fields[name.strip()] = value
    return fields


def _observation_json(observation: Observation) -> dict[str, Any]:
    data = asdict(observation)
    data["observed_at"] = observation.observed_at.isoformat()
    data["fields"] = dict(observation.fields)
    return data


def _cmd_areas(workspace: Workspace, args: argparse.Namespace, lang: str) -> int:
    summaries = area_summaries(workspace)
    if args.json:
        print_json([asdict(s) | {"counts": dict(s.counts)} for s in summaries])
        return 0
    categories = workspace.catalog.categories
    head = [
        T["area"].in_language(lang),
        T["id"].in_language(lang),
        T["observations"].in_language(lang),
        T["walks"].in_language(lang),
        T["measures"].in_language(lang),
    ] + [c.title.in_language(lang) for c in categories]
    rows = [head]
    for s in summaries:
        demo = T["demo"].in_language(lang)
        name = f"{s.name} ({demo})" if s.is_demo and demo not in s.name.casefold() else s.name
        rows.append(
            [
                name,
                s.slug,
                str(s.observations),
                str(s.counts.get("walks", 0)),
                str(s.counts.get("measures", 0)),
            ]
            + [str(s.counts.get(c.name, 0)) for c in categories]
        )
    print(table(rows))
    return 0


def _cmd_area_add(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    area = add_area_from_file(
        workspace, args.name, args.source, crs=args.crs, dissolve=args.dissolve, actor=user
    )
    if args.json:
        print_json({"slug": area.slug, "name": area.name, "area_m2": round(area.boundary.area)})
    else:
        print(T["area_added"].format(name=area.name, slug=area.slug).in_language(lang))
    return 0


def _shape(args: argparse.Namespace) -> DrawnShape:
    if (args.lon, args.lat) != (None, None):
        raise WalkError(
            Text(
                sv="Ange antingen --wkt eller --lon och --lat, inte båda.",
                en="Give either --wkt or --lon and --lat, not both.",
            )
        )
    try:
        geometry = shapely.from_wkt(args.wkt)
    except shapely.errors.GEOSException as error:
        raise WalkError(
            Text(
                sv=f"--wkt {args.wkt!r} är ingen WKT-geometri ({error}).",
                en=f"--wkt {args.wkt!r} is not a WKT geometry ({error}).",
            )
        ) from None
    return DrawnShape(geometry, args.crs)


def _position(args: argparse.Namespace, photos: Sequence[Photo]) -> Position | DrawnShape:
    if args.wkt is not None:
        return _shape(args)
    half_typed = (args.lon is None) != (args.lat is None)
    position = (
        None
        if half_typed
        else choose_position(typed=(args.lon, args.lat), crs=args.crs, photos=photos)
    )
    if position is None:
        raise WalkError(
            Text(
                sv="Ange positionen med --lon och --lat, eller ett foto med GPS-position "
                "(--photo).",
                en="Give the position with --lon and --lat, or a photo with a GPS position "
                "(--photo).",
            )
        )
    return position


def _cmd_add(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    photos = read_photos(args.photo, max_bytes=workspace.settings.max_photo_bytes)
    draft = ObservationDraft(
        category=args.category,
        position=_position(args, photos),
        photos=tuple(photos),
        created_by=user,
        severity=args.severity,
        description=args.description,
        fields=_fields(args.field),
    )
    observation = record_observation(workspace, draft, area=args.area, walk=args.walk)
    duplicates = possible_duplicates(workspace, observation)
    if args.json:
        data = _observation_json(observation)
        data["possible_duplicates"] = [asdict(d) for d in duplicates]
        print_json(data)
        return 0
    area = find_area(workspace, observation.area)
    category = workspace.catalog.category(observation.category).title.in_language(lang)
    text = T["added"].format(number=observation.number, area=area.name, category=category)
    if photos:
        text = Text(
            sv=f"{text.sv} {len(photos)} foto sparat utan metadata.",
            en=f"{text.en} {len(photos)} photo(s) stored without metadata.",
        )
    print(text.in_language(lang))
    if duplicates:
        listed = ", ".join(f"{d.number} ({d.distance_m:.0f} m)" for d in duplicates)
        print(T["duplicates"].format(listed=listed).in_language(lang))
    return 0


def _cmd_list(workspace: Workspace, args: argparse.Namespace, lang: str) -> int:
    observations = list_observations(workspace, args.area, category=args.category)
    if args.json:
        print_json([_observation_json(o) for o in observations])
        return 0
    if not observations:
        print(T["none"].in_language(lang))
        return 0
    rows = [
        [
            T[k].in_language(lang)
            for k in ("number", "category", "severity", "status", "observed", "description")
        ]
    ]
    for o in observations:
        title = workspace.catalog.category(o.category).title.in_language(lang)
        when = local_time(o.observed_at)
        text = o.description if len(o.description) <= 60 else o.description[:59] + "…"
        rows.append(
            [
                str(o.number),
                title,
                "" if o.severity is None else str(o.severity),
                o.status,
                when,
                text,
            ]
        )
    print(table(rows))
    return 0


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


def _cmd_migrate(args: argparse.Namespace, lang: str, user: str) -> int:
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
        if args.command == "migrate":  # two workspaces of its own, never the default one
            return _cmd_migrate(args, lang, user)
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
        match args.command:
            case "areas":
                return _cmd_areas(workspace, args, lang)
            case "area":
                return _cmd_area_add(workspace, args, lang, user)
            case "add":
                return _cmd_add(workspace, args, lang, user)
            case "list":
                return _cmd_list(workspace, args, lang)
            case "walk":
                return run_walks(workspace, args, lang, user)
            case "measure":
                return run_measures(workspace, args, lang, user)
            case "import":
                return run_import(workspace, args, lang, user)
            case "user":
                return run_users(workspace, args, lang)
            case "print" | "protocol":
                return run_print(workspace, args, lang)
            case "report":
                return run_report(workspace, args, lang)
            case "route":
                return run_route(workspace, args, lang, user)
            case "export":
                return run_export(workspace, args, lang)
            case "reference" | "indicator":
                return run_context(workspace, args, lang, user)
            case "analyse":
                return run_analysis(workspace, args, lang, user)
            case "demo":
                return _cmd_demo(workspace, lang)
            case "check":
                return _cmd_check(workspace, args, lang)
    except LocalizedError as error:
        print(f"safewalk: {error.message(lang)}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover - argparse requires a command


def _login() -> str:
    try:
        return f"cli:{os.getlogin()}"
    except OSError:
        return "cli"


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
