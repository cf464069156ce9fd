"""``safewalk areas``, ``area add``, ``add`` and ``list``: areas and their observations."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

import shapely
import shapely.errors

from gis.i18n import Text, texts_from_file
from gis.photos import Photo, read_photos
from walks.cli import TEXTS_FILE
from walks.cli.arguments import fields_from_pairs
from walks.cli.output import local_time, print_json, table
from walks.core.errors import WalkError
from walks.core.model import DrawnShape, Observation, ObservationDraft, Position
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.fieldwork.areas import add_area_from_file, area_summaries, find_area
from walks.fieldwork.recording import (
    choose_position,
    list_observations,
    possible_duplicates,
    record_observation,
)

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "observations"),
}

COMMANDS: Final = ("areas", "area", "add", "list")
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``areas``, ``area add``, ``add`` and ``list`` to the command line's sub-commands."""
    parser_class = type(common)
    areas = commands.add_parser("areas", parents=[common], help="list areas with counts per layer")
    areas.add_argument("--json", action="store_true", help="print JSON")

    area = commands.add_parser("area", parents=[common], help="manage areas")
    area_commands = area.add_subparsers(
        dest="area_command", required=True, parser_class=parser_class
    )
    area_add = area_commands.add_parser(
        "add", parents=[common], help="add an area from a polygon file"
    )
    area_add.add_argument("name", help="the area's name, e.g. Smedshagen")
    area_add.add_argument("--from", dest="source", type=Path, required=True, help="polygon file")
    area_add.add_argument("--crs", help="CRS of the file when it does not say, e.g. EPSG:3011")
    area_add.add_argument("--dissolve", action="store_true", help="merge several polygons")
    area_add.add_argument("--json", action="store_true", help="print JSON")

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
        fields=fields_from_pairs(args.field),
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
            for k in ("number", "category", "severity_short", "status", "observed", "description")
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


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run ``safewalk areas``, ``area add``, ``add`` or ``list``; return the exit status."""
    match args.command:
        case "areas":
            return _cmd_areas(workspace, args, lang)
        case "area":
            return _cmd_area_add(workspace, args, lang, user)
        case "add":
            return _cmd_add(workspace, args, lang, user)
        case _:
            return _cmd_list(workspace, args, lang)
