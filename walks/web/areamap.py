"""An area as a light map for a plain page: outlines as SVG path data, in SWEREF 99 TM metres.

No tiles and no map library: the area's boundary, the other areas beside it and the water
near it, simplified to what a phone's screen shows, with the plane's coordinates turned
into longitude and latitude by a fitted affine transform the page's script can apply to a
tap (within a few metres over an area of several kilometres; a finger covers more).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gis.crs import WGS84, to_storage_crs, to_wgs84
from layers.store import Area

MARGIN: Final = 0.06
"""Room around the area, as a share of its longer side."""
MIN_MARGIN_M: Final = 80.0
DETAIL: Final = 1 / 1000
"""Outlines are simplified to this share of the map's longer side (about a pixel wide on
a desktop screen, less on a phone)."""
FIT_GRID: Final = 7
"""The affine transform to longitude and latitude is fitted on this many points a side."""


@dataclass(frozen=True, slots=True)
class AreaMap:
    """One area drawn in a frame: x grows east, y south, both in metres from its top-left."""

    slug: str
    name: str
    width: int
    height: int
    west: float
    """The frame's left edge, easting in SWEREF 99 TM (m)."""
    north: float
    """The frame's top edge, northing in SWEREF 99 TM (m)."""
    boundary: str
    """SVG path data of the area's boundary."""
    others: str
    """SVG path data of the other areas' boundaries within the frame."""
    water: str
    """SVG path data of the water within the frame."""
    to_lon_lat: tuple[float, float, float, float, float, float]
    """``(a, b, c, d, e, f)``: lon = a·x + b·y + c, lat = d·x + e·y + f."""

    def position_of(self, lon: float, lat: float) -> tuple[float, float] | None:
        """Return where (lon, lat) lies in the frame, or None when outside it."""
        point = to_storage_crs(Point(lon, lat), WGS84)
        x, y = point.x - self.west, self.north - point.y
        if 0 <= x <= self.width and 0 <= y <= self.height:
            return x, y
        return None


def area_map(area: Area, others: Sequence[Area], water: Iterable[BaseGeometry]) -> AreaMap:
    """Return ``area`` with ``others`` (the other areas) and ``water`` (EPSG:3006) around it."""
    min_x, min_y, max_x, max_y = area.boundary.bounds
    margin = max(MARGIN * max(max_x - min_x, max_y - min_y), MIN_MARGIN_M)
    west, south = float(np.floor(min_x - margin)), float(np.floor(min_y - margin))
    east, north = float(np.ceil(max_x + margin)), float(np.ceil(max_y + margin))
    frame = shapely.box(west, south, east, north)
    detail = DETAIL * max(east - west, north - south)

    def path(geometries: Iterable[BaseGeometry]) -> str:
        parts = []
        for geometry in geometries:
            clipped = geometry.intersection(frame).simplify(detail, preserve_topology=True)
            parts += [_rings(polygon, west, north) for polygon in _polygons(clipped)]
        return "".join(parts)

    return AreaMap(
        slug=area.slug,
        name=area.name,
        width=round(east - west),
        height=round(north - south),
        west=west,
        north=north,
        boundary=path([area.boundary]),
        others=path(o.boundary for o in others if o.slug != area.slug),
        water=path(water),
        to_lon_lat=_fitted(west, north, east, south),
    )


def _polygons(geometry: BaseGeometry) -> list[BaseGeometry]:
    if geometry.is_empty:
        return []
    if geometry.geom_type == "Polygon":
        return [geometry]
    return [g for part in getattr(geometry, "geoms", []) for g in _polygons(part)]


def _rings(polygon: BaseGeometry, west: float, north: float) -> str:
    rings = [polygon.exterior, *polygon.interiors]
    text = []
    for ring in rings:
        xy = np.asarray(ring.coords)[:-1]
        points = np.column_stack([np.round(xy[:, 0] - west), np.round(north - xy[:, 1])])
        pairs = [f"{x:.0f} {y:.0f}" for x, y in points]
        text.append("M" + "L".join(pairs) + "Z")
    return "".join(text)


def _fitted(
    west: float, north: float, east: float, south: float
) -> tuple[float, float, float, float, float, float]:
    """Return the affine transform from frame metres to (lon, lat), fitted by least squares."""
    xs, ys = np.meshgrid(np.linspace(0, east - west, FIT_GRID), np.linspace(0, north - south,
                                                                            FIT_GRID))  # fmt: skip
    x, y = xs.ravel(), ys.ravel()
    points = to_wgs84(shapely.MultiPoint(np.column_stack([west + x, north - y])))
    lon_lat = np.asarray([(p.x, p.y) for p in points.geoms])
    design = np.column_stack([x, y, np.ones_like(x)])
    (a, b, c), *_ = np.linalg.lstsq(design, lon_lat[:, 0], rcond=None)
    (d, e, f), *_ = np.linalg.lstsq(design, lon_lat[:, 1], rcond=None)
    return float(a), float(b), float(c), float(d), float(e), float(f)
