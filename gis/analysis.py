"""Spatial analysis on geometries in SWEREF 99 TM (metres)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Nearest:
    """The nearest of several named polygons and the distance to it."""

    key: str
    distance_m: float


def containing_keys(point: BaseGeometry, polygons: Mapping[str, BaseGeometry]) -> list[str]:
    """Return the keys of the polygons that cover ``point``, smallest polygon first."""
    keys = [key for key, polygon in polygons.items() if polygon.covers(point)]
    return sorted(keys, key=lambda key: polygons[key].area)


def nearest_key(point: BaseGeometry, polygons: Mapping[str, BaseGeometry]) -> Nearest | None:
    """Return the polygon nearest to ``point`` (distance 0 if inside), or None if there are none."""
    if not polygons:
        return None
    keys = list(polygons)
    distances = shapely.distance(point, list(polygons.values()))  # NaN for empty polygons
    if np.isnan(distances).all():
        return None
    best = int(np.nanargmin(distances))
    return Nearest(key=keys[best], distance_m=float(distances[best]))


def as_xy_array(xy: npt.ArrayLike, *, name: str = "xy") -> npt.NDArray[np.float64]:
    """Return point coordinates as an (n, 2) float array of x and y in metres.

    An empty input gives shape (0, 2). ``name`` names the argument in the error message.

    Raises
    ------
    ValueError
        If ``xy`` has another shape or holds a NaN or infinite coordinate.
    """
    points = np.asarray(xy, dtype=np.float64)
    if points.size == 0:
        return points.reshape(0, 2)
    if points.ndim != 2 or points.shape[1] != 2:
        msg = f"{name} must be an array of shape (n, 2) with x and y in metres, got {points.shape}"
        raise ValueError(msg)
    finite = np.isfinite(points).all(axis=1)
    if not finite.all():
        bad = int(np.flatnonzero(~finite)[0])
        msg = f"{name} holds a non-finite coordinate in row {bad}: {points[bad].tolist()}"
        raise ValueError(msg)
    return points


def label_points(geometries: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Return one point per geometry where a mark or label for it belongs.

    Points are themselves, lines their middle (half their length along), areas a point
    inside them (``point_on_surface``: the centroid may lie outside a bent area).
    """
    shapes = np.asarray(geometries, dtype=object)
    points = shapely.point_on_surface(shapes)
    lines = np.isin(shapely.get_type_id(shapes), (1, 5))  # LineString, MultiLineString
    if lines.any():
        points[lines] = shapely.line_interpolate_point(shapes[lines], 0.5, normalized=True)
    return np.asarray(points, dtype=object)
