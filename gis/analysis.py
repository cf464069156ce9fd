"""Spatial analysis on geometries in SWEREF 99 TM (metres)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry


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
