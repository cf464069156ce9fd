"""What every analysis starts from: an area's observations as one frame, in metres.

The geometry work is in ``gis`` (plain functions on coordinates in metres, EPSG:3006);
the analyses of this package read observations, walks and reference layers from the store
and put the results into terms of the area: observation numbers, categories, walks.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray

from gis.analysis import label_points
from gis.i18n import Text
from gis.proximity import pairs_within
from layers.store import Query
from walks.core.errors import WalkError
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

if TYPE_CHECKING:
    import geopandas as gpd

CRIME_PLACE: Final = "crime_place"
"""The catalog category of crime-exposed places."""
SUMMARY_COLUMNS: Final = ("uuid", "number", "status", "severity", "light_condition", "walk_uuid")


class AnalysisError(WalkError):
    """An analysis that cannot run as asked: no routes, no such walk, an unusable file."""


def check_metres(value: float, name: str, *, zero: bool) -> None:
    """Refuse a distance or radius that is not a finite number of metres (> 0, or ≥ 0)."""
    if math.isfinite(value) and (value > 0 or (zero and value == 0)):
        return
    bound = (
        Text(sv="0 eller mer", en="0 or more") if zero else Text(sv="mer än 0", en="more than 0")
    )
    names = {"distance": Text(sv="avstånd", en="distance"), "radius": Text(sv="radie", en="radius")}
    raise AnalysisError(
        Text(
            sv=f"Ogiltig {names[name].sv} {value:g} m: ange meter, {bound.sv}.",
            en=f"Invalid {names[name].en} {value:g} m: give metres, {bound.en}.",
        )
    )


def observation_frame(
    workspace: Workspace, area: str, *, columns: Sequence[str] = SUMMARY_COLUMNS,
    counts: Mapping[str, int] | None = None,
) -> gpd.GeoDataFrame:  # fmt: skip
    """Return every observation of an area as one frame with a ``category`` column, by number.

    Geometries are in EPSG:3006; lines and areas are kept as they are. Only the categories
    that hold any are read (``counts``: the area's ``Store.feature_counts``, read here if
    not given): most of an area's categories are empty, and a count costs less than a read.
    """
    import geopandas as gpd

    slug = find_area(workspace, area).slug
    query = Query(columns=tuple(columns))
    if counts is None:
        counts = workspace.store.feature_counts(slug)
    categories = workspace.catalog.names
    held = [c for c in categories if counts.get(c, 0)] or categories[:1]  # none: its columns
    frames = []
    for category in held:
        frame = workspace.store.read_layer(slug, category, query)
        frames.append(frame.assign(category=category))
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    result = gpd.GeoDataFrame(combined, geometry="geometry", crs=frames[0].crs)
    return result.sort_values("number", kind="stable").reset_index(drop=True)


def representative_xy(frame: gpd.GeoDataFrame) -> NDArray[np.float64]:
    """Return one point per feature (lines' middles, points inside areas) as an (n, 2) array."""
    points = label_points(frame.geometry.to_numpy())
    return np.asarray(shapely.get_coordinates(points), dtype=np.float64).reshape(-1, 2)


def neighbours(
    a_xy: NDArray[np.float64], b_xy: NDArray[np.float64], distance_m: float
) -> list[list[int]]:
    """Return, for each point of ``a_xy``, the indices of ``b_xy`` within ``distance_m``."""
    near: list[list[int]] = [[] for _ in range(len(a_xy))]
    for a, b in zip(*pairs_within(a_xy, b_xy, distance_m=distance_m), strict=True):
        near[int(a)].append(int(b))
    return near


def saved_uuids(workspace: Workspace, slug: str, layer: str) -> list[str]:
    """Return the UUIDs of what an earlier run saved in ``layer``."""
    return [r["uuid"] for r in workspace.store.read_records(slug, layer, Query(columns=("uuid",)))]


def record_values(actor: str, now: datetime) -> dict[str, object]:
    """Return the bookkeeping columns of a saved analysis feature."""
    return {"created_at": now, "updated_at": now, "created_by": actor, "is_demo": False}
