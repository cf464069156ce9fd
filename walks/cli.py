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
from datetime import datetime
from pathlib import Path
from typing import Any, Final, NoReturn
from zoneinfo import ZoneInfo

from gis.i18n import DEFAULT_LANGUAGE, LANGUAGES, LocalizedError, Text
from gis.photos import Photo, process_photo
from walks.areas import add_area_from_file, area_summaries, find_area
from walks.cli_analyse import add_analyse_parser, run_analysis
from walks.cli_output import print_json, table
from walks.config import settings_from_env
from walks.demo import load_demo
from walks.errors import WalkError
from walks.indicators import AreaIndicator, add_indicator_from_csv, area_indicators
from walks.model import Observation, ObservationDraft, Position, Walk, WalkKind, WalkPlan
from walks.planning import list_walks, plan_walk, route_from_file
from walks.recording import choose_position, list_observations, record_observation
from walks.reference import add_reference_from_file
from walks.startup import open_workspace
from walks.workspace import Workspace

LOCAL_TIME: Final = ZoneInfo("Europe/Stockholm")

T: Final = {
    "area": Text(sv="Område", en="Area"),
    "id": Text(sv="Id", en="Id"),
    "observations": Text(sv="Iakttagelser", en="Observations"),
    "walks": Text(sv="Vandringar", en="Walks"),
    "measures": Text(sv="Åtgärder", en="Measures"),
    "demo": Text(sv="demo", en="demo"),
    "number": Text(sv="Nr", en="No"),
    "category": Text(sv="Kategori", en="Category"),
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
    "walk_added": Text(
        sv="Planerade trygghetsvandring nr {number} i {area}, {when}.",
        en="Planned safety walk no. {number} in {area}, {when}.",
    ),
    "no_walks": Text(sv="Inga vandringar.", en="No walks."),
    "start": Text(sv="Start", en="Start"),
    "title": Text(sv="Rubrik", en="Title"),
    "kind": Text(sv="Typ", en="Kind"),
    "participants": Text(sv="Deltagare", en="Participants"),
    "route": Text(sv="Rutt", en="Route"),
    "row": Text(sv="rad", en="row"),
    "reference_added": Text(
        sv="Lade till {added} ({kind}) i {area}; {already} fanns redan, {outside} låg utanför "
        "området, {refused} gick inte att använda.",
        en="Added {added} ({kind}) to {area}; {already} were there already, {outside} lay "
        "outside the area, {refused} could not be used.",
    ),
    "repaired": Text(sv="rättat", en="repaired"),
    # safewalk indicator add / list
    "indicator_added": Text(
        sv="Importerade indikatorn {name}: värden för {areas} områden; {replaced} tidigare "
        "värden ersattes, {unmatched} rader gick inte att använda.",
        en="Imported the indicator {name}: values for {areas} areas; {replaced} earlier values "
        "were replaced, {unmatched} rows could not be used.",
    ),
    "no_indicators": Text(
        sv="Inga indikatorer. Importera en med 'safewalk indicator add'.",
        en="No indicators. Import one with 'safewalk indicator add'.",
    ),
    "indicator": Text(sv="Indikator", en="Indicator"),
    "value": Text(sv="Värde", en="Value"),
    "unit": Text(sv="Enhet", en="Unit"),
    "period": Text(sv="Period", en="Period"),
    "source": Text(sv="Källa", en="Source"),
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

    walk = commands.add_parser("walk", parents=[common], help="plan and list safety walks")
    walk_commands = walk.add_subparsers(dest="walk_command", required=True, parser_class=_Parser)
    walk_add = walk_commands.add_parser("add", parents=[common], help="plan a walk")
    walk_add.add_argument("--area", required=True, help="area name or id")
    walk_add.add_argument("--title", required=True, help="the walk's title")
    walk_add.add_argument(
        "--start",
        required=True,
        help="start, e.g. 2026-11-03T17:30 (Swedish time unless a zone is given)",
    )
    walk_add.add_argument("--kind", default="regular", choices=[k.value for k in WalkKind])
    walk_add.add_argument("--route", type=Path, help="planned route: GPX or any vector file")
    walk_add.add_argument("--crs", help="CRS of the route file when it does not say")
    walk_add.add_argument("--json", action="store_true", help="print JSON")
    walk_list = walk_commands.add_parser("list", parents=[common], help="list an area's walks")
    walk_list.add_argument("--area", required=True, help="area name or id")
    walk_list.add_argument("--json", action="store_true", help="print JSON")

    reference = commands.add_parser("reference", parents=[common], help="reference layers")
    reference_commands = reference.add_subparsers(
        dest="reference_command", required=True, parser_class=_Parser
    )
    reference_add = reference_commands.add_parser(
        "add", parents=[common], help="load a vector file as an area's reference layer"
    )
    reference_add.add_argument("--area", required=True, help="area name or id")
    reference_add.add_argument(
        "--kind", required=True, help="lamps, stops, entrances, schools or other"
    )
    reference_add.add_argument("--from", dest="source", type=Path, required=True, help="file")
    reference_add.add_argument("--crs", help="CRS of the file when it does not say")
    reference_add.add_argument("--layer", help="layer of a file with several (GeoPackage)")
    reference_add.add_argument("--json", action="store_true", help="print JSON")

    indicator = commands.add_parser(
        "indicator", parents=[common], help="figures per area (survey shares, crime rates)"
    )
    indicator_commands = indicator.add_subparsers(
        dest="indicator_command", required=True, parser_class=_Parser
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
    add.add_argument("--crs", default="EPSG:4326", help="CRS of --lon/--lat (default EPSG:4326)")
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


def _position(args: argparse.Namespace, photos: Sequence[Photo]) -> Position:
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


def _read_photos(paths: Sequence[Path], max_bytes: int) -> list[Photo]:
    photos = []
    for path in paths:
        try:
            data = path.read_bytes()
        except OSError as error:
            raise WalkError(
                Text(
                    sv=f"Fotot {path} kunde inte läsas: {error.strerror or error}.",
                    en=f"The photo {path} could not be read: {error.strerror or error}.",
                )
            ) from None
        photos.append(process_photo(data, max_bytes=max_bytes))
    return photos


def _cmd_add(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    photos = _read_photos(args.photo, workspace.settings.max_photo_bytes)
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
    if args.json:
        print_json(_observation_json(observation))
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
        when = o.observed_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
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


def _start(text: str) -> datetime:
    """Return a start time given on the command line; without a zone it is Swedish time."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise WalkError(
            Text(
                sv=f"--start {text!r} ska skrivas ÅÅÅÅ-MM-DDTHH:MM, t.ex. 2026-11-03T17:30.",
                en=f"--start {text!r} must be written YYYY-MM-DDTHH:MM, e.g. 2026-11-03T17:30.",
            )
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_TIME)


def _walk_json(walk: Walk) -> dict[str, Any]:
    data = asdict(walk)
    data["starts_at"] = walk.starts_at.isoformat()
    data["route"] = None
    data["route_length_m"] = None if walk.route is None else round(walk.route.length, 1)
    return data


def _cmd_walk_add(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    route = route_from_file(args.route, crs=args.crs) if args.route else None
    plan = WalkPlan(
        area=args.area,
        title=args.title,
        starts_at=_start(args.start),
        created_by=user,
        kind=WalkKind(args.kind),
        route=route,
    )
    walk = plan_walk(workspace, plan)
    if args.json:
        print_json(_walk_json(walk))
        return 0
    name = find_area(workspace, walk.area).name
    when = walk.starts_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
    print(T["walk_added"].format(number=walk.number, area=name, when=when).in_language(lang))
    return 0


def _cmd_walk_list(workspace: Workspace, args: argparse.Namespace, lang: str) -> int:
    walks = list_walks(workspace, args.area)
    if args.json:
        print_json([_walk_json(walk) for walk in walks])
        return 0
    if not walks:
        print(T["no_walks"].in_language(lang))
        return 0
    head = ("number", "start", "title", "kind", "participants", "route")
    rows = [[T[key].in_language(lang) for key in head]]
    for walk in walks:
        length = "" if walk.route is None else f"{walk.route.length:.0f} m"
        start = walk.starts_at.astimezone(LOCAL_TIME).strftime("%Y-%m-%d %H:%M")
        kind = walk.kind.label.in_language(lang)
        count = str(sum(walk.participants.values()))
        rows.append([str(walk.number), start, walk.title, kind, count, length])
    print(table(rows))
    return 0


def _cmd_reference_add(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    loaded = add_reference_from_file(
        workspace, args.area, args.kind, args.source, crs=args.crs, layer=args.layer, actor=user
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
            case "walk" if args.walk_command == "add":
                return _cmd_walk_add(workspace, args, lang, user)
            case "walk":
                return _cmd_walk_list(workspace, args, lang)
            case "reference":
                return _cmd_reference_add(workspace, args, lang, user)
            case "indicator" if args.indicator_command == "add":
                return _cmd_indicator_add(workspace, args, lang, user)
            case "indicator":
                return _cmd_indicator_list(workspace, args, lang)
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
