"""Where observations crowd: density clusters (DBSCAN) and hot grid cells (Getis-Ord Gi*)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Final

from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gis.crs import to_wgs84
from gis.hotspots import clusters, hot_spot_grid
from gis.i18n import Text
from layers.schema import HOTSPOTS_LAYER
from walks.analysis.frames import (
    AnalysisError,
    check_metres,
    observation_frame,
    record_values,
    representative_xy,
    saved_uuids,
)
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class Hotspot:
    """A place where observations crowd: at least ``min_count`` within the radius."""

    id: int
    area: str
    count: int
    category: str
    """The most frequent category among its observations."""
    x: float
    y: float
    lon: float
    lat: float
    observations: list[int]
    """Their numbers in the area."""
    outline: BaseGeometry
    """The cluster's hull widened a little (EPSG:3006)."""


@dataclass(frozen=True, slots=True)
class HotCell:
    """A grid cell whose count stands out with its neighbours' (Getis-Ord Gi*, p < 0.05)."""

    area: str
    lon: float
    lat: float
    count: int
    z_score: float
    p_value: float


@dataclass(frozen=True, slots=True)
class HotspotReport:
    """Density clusters and hot grid cells of one or more areas."""

    radius_m: float
    min_count: int
    hotspots: list[Hotspot]
    hot_cells: list[HotCell]
    areas: list[str] = field(default_factory=list)
    """The areas analysed (those without hotspots too)."""


HOT_P_VALUE: Final = 0.05


def find_hotspots(
    workspace: Workspace,
    areas: Sequence[str] | None = None,
    *,
    radius_m: float = 50.0,
    min_count: int = 3,
    category: str | None = None,
) -> HotspotReport:
    """Return where observations crowd in each area (or the named ones), one category or all.

    Clusters follow DBSCAN (``gis.hotspots``): an observation belongs to one when at least
    ``min_count`` observations, itself included, lie within ``radius_m``. Where an area
    has enough observations, a Getis-Ord Gi* grid of cells ``2 × radius_m`` wide adds the
    cells that are significantly hot (p < 0.05, z > 0).
    """
    check_metres(radius_m, "radius", zero=False)
    if min_count < 1:
        raise AnalysisError(
            Text(
                sv=f"Minsta antal {min_count} går inte: det ska vara minst 1 (iakttagelsen själv).",
                en=f"A least count of {min_count} cannot be: it must be 1 or more "
                "(the observation itself).",
            )
        )
    chosen = [find_area(workspace, a) for a in areas] if areas else workspace.areas()
    wanted = workspace.catalog.category(category).name if category else None
    hotspots: list[Hotspot] = []
    cells: list[HotCell] = []
    for area in chosen:
        frame = observation_frame(workspace, area.slug, columns=("number",))
        if wanted is not None:
            frame = frame[frame["category"] == wanted].reset_index(drop=True)
        if frame.empty:
            continue
        xy = representative_xy(frame)
        numbers = frame["number"].to_numpy()
        found = clusters(xy, frame["category"].tolist(), radius_m=radius_m, min_count=min_count)
        for cluster in found:
            lon, lat = _lon_lat(*cluster.centre)
            hotspots.append(
                Hotspot(
                    id=len(hotspots) + 1,
                    area=area.slug,
                    count=cluster.count,
                    category=cluster.dominant_label,
                    x=round(cluster.centre[0], 2),
                    y=round(cluster.centre[1], 2),
                    lon=lon,
                    lat=lat,
                    observations=sorted(int(numbers[i]) for i in cluster.members),
                    outline=cluster.outline,
                )
            )
        grid = hot_spot_grid(xy, cell_m=2 * radius_m)
        hot = grid[(grid["p_value"] < HOT_P_VALUE) & (grid["z_score"] > 0)]
        for cell in hot.itertuples():
            centre = cell.geometry.centroid
            lon, lat = _lon_lat(centre.x, centre.y)
            cells.append(
                HotCell(area.slug, lon, lat, int(cell.count), round(float(cell.z_score), 3),
                        round(float(cell.p_value), 4))
            )  # fmt: skip
    hotspots.sort(key=lambda h: (-h.count, h.area, h.observations))
    ordered = [replace(h, id=i) for i, h in enumerate(hotspots, start=1)]
    return HotspotReport(radius_m, min_count, ordered, cells, [area.slug for area in chosen])


def _lon_lat(x: float, y: float) -> tuple[float, float]:
    point = to_wgs84(Point(x, y))
    return round(point.x, 7), round(point.y, 7)


def save_hotspots(
    workspace: Workspace, report: HotspotReport, *, actor: str, now: datetime | None = None
) -> dict[str, int]:
    """Save each analysed area's hotspots as its ``analysis_hotspots`` layer; return counts.

    The outlines replace what an earlier run saved, in one transaction per area, so the
    layer always holds one whole run (it opens styled in QGIS).
    """
    moment = now or datetime.now(UTC)
    saved = {}
    for slug in report.areas:
        features = [
            (
                {
                    "hotspot": h.id,
                    "count": h.count,
                    "category": h.category,
                    "observations": json.dumps(h.observations),
                    "radius_m": report.radius_m,
                    "min_count": report.min_count,
                    **record_values(actor, moment),
                },
                h.outline,
            )
            for h in report.hotspots
            if h.area == slug
        ]
        old = saved_uuids(workspace, slug, HOTSPOTS_LAYER)
        workspace.store.replace(slug, HOTSPOTS_LAYER, old, features, actor=actor)
        saved[slug] = len(features)
    return saved
