"""Planning a walk: sun times at the area for a date, and a suggested start in darkness."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Final

import shapely
from shapely.geometry.base import BaseGeometry

from gis.crs import WGS84, to_storage_crs, to_wgs84
from gis.gpx import gpx_to_line
from gis.i18n import Text
from gis.io import read_file_bytes, read_vector_file
from gis.sun import CIVIL_TWILIGHT_DEG, SunTimes, sun_elevation_deg, sun_times
from layers.schema import WALKS_LAYER
from layers.store import Area, Record
from walks.core.clock import LOCAL_TIME
from walks.core.errors import WalkError
from walks.core.model import PARTICIPANT_GROUPS, LightCondition, Walk, WalkPlan
from walks.core.workspace import Workspace
from walks.fieldwork.areas import SWEDEN_3006, find_area

ROUTE_NEAR_AREA_M: Final = 1000.0
"""A planned route must come this close to its area."""
SUNSET_DEG: Final = -0.833
"""The sun's centre at sunset, refraction and the sun's radius included."""


def light_condition(elevation_deg: float) -> LightCondition:
    """Return daylight above sunset, dusk in civil twilight, dark below it."""
    if elevation_deg > SUNSET_DEG:
        return LightCondition.DAYLIGHT
    if elevation_deg > -CIVIL_TWILIGHT_DEG:
        return LightCondition.DUSK
    return LightCondition.DARK


def light_condition_at(lon: float, lat: float, moment: datetime) -> LightCondition:
    """Return the light condition at a place (WGS 84) and a timezone-aware moment."""
    return light_condition(sun_elevation_deg(lon, lat, moment))


@dataclass(frozen=True, slots=True)
class WalkLight:
    """Sun times at an area on a date, and when a walk in darkness can start."""

    area: str
    day: date
    times: SunTimes
    suggested_start: datetime | None
    """The first quarter hour after civil dusk; None when it never gets dark (June nights)."""


def walk_light(area: Area, day: date) -> WalkLight:
    """Return the sun times at the centre of ``area`` on ``day``, in Swedish local time."""
    centre = to_wgs84(area.boundary.representative_point())
    times = sun_times(centre.x, centre.y, day, LOCAL_TIME)
    start = None
    if times.civil_dusk is not None:
        after = times.civil_dusk.replace(second=0, microsecond=0) + timedelta(minutes=1)
        start = after + timedelta(minutes=(-after.minute) % 15)
    return WalkLight(area.slug, day, times, start)


def check_plan(workspace: Workspace, plan: WalkPlan) -> tuple[Area, BaseGeometry | None]:
    """Return the area of ``plan`` and its route in SWEREF 99 TM, or say what is wrong.

    What ``plan_walk`` checks before it stores anything (also for a dry run).

    Raises
    ------
    WalkError / layers.errors.LayerError
        As ``plan_walk``.
    """
    area = find_area(workspace, plan.area)
    unknown = sorted(set(plan.participants) - set(PARTICIPANT_GROUPS))
    if unknown:
        raise WalkError(
            Text(
                sv=f"Okända deltagargrupper: {', '.join(unknown)}. "
                f"Grupper: {', '.join(PARTICIPANT_GROUPS)}.",
                en=f"Unknown participant groups: {', '.join(unknown)}. "
                f"Groups: {', '.join(PARTICIPANT_GROUPS)}.",
            )
        )
    if any(
        not isinstance(n, int) or isinstance(n, bool) or n < 0 for n in plan.participants.values()
    ):
        raise WalkError(
            Text(
                sv="Antal deltagare ska vara heltal, 0 eller fler.",
                en="Head-counts must be whole numbers, 0 or more.",
            )
        )
    route = None
    if plan.route is not None:
        route = to_storage_crs(plan.route, WGS84)
        if route.distance(area.boundary) > ROUTE_NEAR_AREA_M:
            raise WalkError(
                Text(
                    sv=f"Rutten ligger mer än {ROUTE_NEAR_AREA_M:.0f} m från {area.name}. "
                    "Kontrollera att det är rätt fil och rätt område.",
                    en=f"The route lies more than {ROUTE_NEAR_AREA_M:.0f} m from {area.name}. "
                    "Check that it is the right file and the right area.",
                )
            )
    return area, route


def plan_walk(workspace: Workspace, plan: WalkPlan, *, now: datetime | None = None) -> Walk:
    """Validate ``plan`` and store it in its area's walks layer; return it with its number.

    Raises
    ------
    WalkError
        A participant group that does not exist, or a negative head-count.
    layers.errors.LayerError
        An unknown area, a title missing, a start without time zone.
    """
    area, route = check_plan(workspace, plan)
    moment = now or datetime.now(UTC)
    organisations = tuple(o.strip() for o in plan.organisations if o.strip())
    participants = {k: v for k, v in plan.participants.items() if v}
    stored = workspace.store.append(
        area.slug,
        WALKS_LAYER,
        {
            "title": plan.title,
            "starts_at": plan.starts_at,
            "kind": plan.kind,
            "organisations": json.dumps(organisations, ensure_ascii=False),
            "participants": json.dumps(participants),
            "notes": plan.notes,
            "created_at": moment,
            "updated_at": moment,
            "created_by": plan.created_by,
            "is_demo": False,
        },
        route,
        actor=plan.created_by,
    )
    return _walk(area.slug, stored)


def _walk(slug: str, record: Record) -> Walk:
    return Walk(
        uuid=record["uuid"],
        number=record["number"],
        area=slug,
        title=record["title"],
        starts_at=record["starts_at"],
        kind=record["kind"],
        organisations=tuple(json.loads(record["organisations"] or "[]")),
        participants=json.loads(record["participants"] or "{}"),
        notes=record["notes"] or "",
        is_demo=record["is_demo"],
        route=record["geometry"],
    )


def route_from_file(path: Path, *, crs: str | None = None) -> BaseGeometry:
    """Return the walking route in a file as one WGS 84 line (for ``WalkPlan.route``).

    GPX (tracks, else routes) is parsed safely; any other vector file must hold lines
    that join into one.

    Raises
    ------
    WalkError
        No line in the file, or lines that do not join into one.
    gis.errors.GisError
        The file cannot be read, is hostile XML, or its CRS is unknown.
    """
    if path.suffix.lower() == ".gpx":
        return gpx_to_line(read_file_bytes(path))
    frame = read_vector_file(path, crs=crs, expected_extent=SWEDEN_3006)
    lines = [g for g in frame.geometry if g is not None and g.geom_type.endswith("LineString")]
    merged = shapely.line_merge(shapely.union_all(lines)) if lines else None
    if merged is None or merged.geom_type != "LineString":
        found = ", ".join(sorted(set(frame.geom_type.dropna()))) or "-"
        raise WalkError(
            Text(
                sv=f"Filen {path} ska innehålla en sammanhängande linje (rutten); den har {found}.",
                en=f"The file {path} must hold one connected line (the route); it has {found}.",
            )
        )
    return to_wgs84(merged)


def list_walks(workspace: Workspace, area: str) -> list[Walk]:
    """Return an area's walks, newest start first."""
    target = find_area(workspace, area)
    records = workspace.store.read_records(target.slug, WALKS_LAYER)
    walks = [_walk(target.slug, record) for record in records]
    return sorted(walks, key=lambda walk: walk.starts_at, reverse=True)
