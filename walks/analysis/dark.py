"""Dark stretches: the parts of walking routes farther than a radius from every working lamp."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from gis.dark import Stretch, dark_stretches
from gis.i18n import Text
from gis.io import read_vector_file
from layers.schema import DARK_LAYER
from layers.store import Query
from layers.values import ReferenceKind
from walks.analysis.frames import (
    AnalysisError,
    neighbours,
    record_values,
    representative_xy,
    saved_uuids,
)
from walks.core.workspace import Workspace
from walks.fieldwork.areas import SWEDEN_3006, find_area
from walks.fieldwork.planning import list_walks
from walks.fieldwork.reference import reference_points

if TYPE_CHECKING:
    pass

BROKEN_LAMP_M: Final = 10.0
"""A lighting observation of a broken or missing lamp knocks out the nearest lamp this close."""
LIGHTING: Final = "lighting"
BROKEN_PROBLEMS: Final = frozenset({"broken", "missing"})


@dataclass(frozen=True, slots=True)
class DarkRoute:
    """One route and its parts farther than the radius from every working lamp."""

    name: str
    length_m: float
    dark_m: float
    stretches: list[Stretch]
    route: BaseGeometry
    """The route in EPSG:3006."""


@dataclass(frozen=True, slots=True)
class DarkReport:
    """Dark stretches of an area's routes."""

    area: str
    radius_m: float
    lamps: int
    """Working lamps counted (after knocking out the broken ones)."""
    knocked_out: int
    """Lamps taken as not working because of a lighting observation next to them."""
    routes: list[DarkRoute]

    @property
    def total_length_m(self) -> float:
        """The length of every route together, in metres."""
        return round(sum(route.length_m for route in self.routes), 2)

    @property
    def total_dark_m(self) -> float:
        """The dark length of every route together, in metres."""
        return round(sum(route.dark_m for route in self.routes), 2)


def _routes(
    workspace: Workspace, slug: str, routes: Path | None, walk: str | None, crs: str | None
) -> list[tuple[str, BaseGeometry]]:
    if routes is not None:
        frame = read_vector_file(routes, crs=crs, expected_extent=SWEDEN_3006)
        names = frame["name"] if "name" in frame else [None] * len(frame)
        found = [
            (str(name) if name is not None else f"{routes.stem} {i + 1}", geometry)
            for i, (name, geometry) in enumerate(zip(names, frame.geometry, strict=True))
            if geometry is not None and geometry.geom_type.endswith("LineString")
        ]
        if not found:
            raise AnalysisError(
                Text(
                    sv=f"Filen {routes} har inga linjer att använda som rutter.",
                    en=f"The file {routes} has no lines to use as routes.",
                )
            )
        return found
    walks = [w for w in list_walks(workspace, slug) if w.route is not None]
    if walk is not None:
        walks = [w for w in walks if str(w.number) == walk.strip()]
        if not walks:
            raise AnalysisError(
                Text(
                    sv=f"Området har ingen vandring nr {walk} med en planerad rutt.",
                    en=f"The area has no walk no. {walk} with a planned route.",
                )
            )
    if not walks:
        raise AnalysisError(
            Text(
                sv="Området har inga vandringar med planerad rutt; ange rutter med --routes.",
                en="The area has no walks with a planned route; give routes with --routes.",
            )
        )
    return [(f"{w.number}. {w.title}", w.route) for w in sorted(walks, key=lambda w: w.number)]


def _working_lamps(
    workspace: Workspace, slug: str, lamps: Path | None, crs: str | None
) -> tuple[NDArray[np.float64], int]:
    """Return the lamps that work and how many were knocked out by lighting observations."""
    if lamps is not None:
        frame = read_vector_file(lamps, crs=crs, expected_extent=SWEDEN_3006)
        xy = representative_xy(frame[frame.geometry.notna()])
    else:
        xy = reference_points(workspace, slug, ReferenceKind.LAMPS)
    lighting = workspace.store.read_layer(slug, LIGHTING, Query(columns=("problem",)))
    broken = lighting[lighting["problem"].isin(BROKEN_PROBLEMS)]
    if broken.empty or not len(xy):
        return xy, 0
    broken_xy = representative_xy(broken)
    out: set[int] = set()
    near_lamps = neighbours(broken_xy, xy, BROKEN_LAMP_M)
    for point, candidates in zip(broken_xy, near_lamps, strict=True):
        if candidates:
            distances = np.hypot(*(xy[candidates] - point).T)
            out.add(candidates[int(np.argmin(distances))])
    keep = np.ones(len(xy), dtype=bool)
    keep[list(out)] = False
    return xy[keep], len(out)


def dark_routes(
    workspace: Workspace,
    area: str,
    *,
    routes: Path | None = None,
    walk: str | None = None,
    lamps: Path | None = None,
    radius_m: float = 25.0,
    crs: str | None = None,
) -> DarkReport:
    """Return the stretches of walking routes farther than ``radius_m`` from a working lamp.

    Routes: the lines of ``routes`` (any vector file), else walk ``walk``'s planned route,
    else every planned route of the area. Lamps: the points of ``lamps``, else the area's
    lamp reference layer. A lighting observation of a broken or missing lamp knocks out the
    nearest lamp within ``BROKEN_LAMP_M``. Lengths are exact (``gis.dark``), in metres.

    Raises
    ------
    AnalysisError
        No routes to analyse, or no such walk.
    gis.errors.GisError
        A file that cannot be read, or a radius that is not a positive distance.
    """
    target = find_area(workspace, area)
    lines = _routes(workspace, target.slug, routes, walk, crs)
    working, knocked_out = _working_lamps(workspace, target.slug, lamps, crs)
    results = []
    for name, route in lines:
        stretches = dark_stretches(route, working, radius_m=radius_m)
        dark_m = sum(stretch.length_m for stretch in stretches)
        results.append(DarkRoute(name, round(route.length, 2), round(dark_m, 2), stretches, route))
    return DarkReport(target.slug, radius_m, len(working), knocked_out, results)


def _piece(route: BaseGeometry, stretch: Stretch) -> BaseGeometry:
    """Return the part of ``route`` a stretch covers; a stretch never spans two parts."""
    start = 0.0
    for part in getattr(route, "geoms", [route]):
        if stretch.to_m <= start + part.length + 1e-6:
            return substring(part, stretch.from_m - start, stretch.to_m - start)
        start += part.length
    return substring(route, stretch.from_m, stretch.to_m)


def dark_stretch_pieces(route: DarkRoute) -> list[tuple[BaseGeometry, Stretch]]:
    """Return each dark stretch of ``route`` with the part of the route it covers (EPSG:3006)."""
    return [(_piece(route.route, stretch), stretch) for stretch in route.stretches]


def save_dark(
    workspace: Workspace, report: DarkReport, *, actor: str, now: datetime | None = None
) -> int:
    """Save the dark stretches as lines in the area's ``analysis_dark`` layer; return how many.

    They replace what an earlier run saved, in one transaction.
    """
    moment = now or datetime.now(UTC)
    features = [
        (
            {
                "route": route.name,
                "from_m": round(stretch.from_m, 3),
                "to_m": round(stretch.to_m, 3),
                "length_m": round(stretch.length_m, 3),
                "radius_m": report.radius_m,
                **record_values(actor, moment),
            },
            _piece(route.route, stretch),
        )
        for route in report.routes
        for stretch in route.stretches
    ]
    old = saved_uuids(workspace, report.area, DARK_LAYER)
    workspace.store.replace(report.area, DARK_LAYER, old, features, actor=actor)
    return len(features)
