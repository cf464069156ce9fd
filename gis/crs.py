"""Coordinate reference systems: the ones safewalk uses, parsing user input, and transforms."""

from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import Final

import numpy as np
import numpy.typing as npt
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError
from shapely.geometry.base import BaseGeometry

from gis.errors import UnknownCRSError

SWEREF99_TM: Final = "EPSG:3006"
"""SWEREF 99 TM: every stored geometry and every metric computation."""
WGS84: Final = "EPSG:4326"
"""WGS 84 longitude/latitude: GPS positions and web maps."""
SWEREF99_18_00: Final = "EPSG:3011"
"""SWEREF 99 18 00: the City of Stockholm's own data."""
RT90_25_GON_V: Final = "EPSG:3021"
"""RT90 2.5 gon V: the national grid before SWEREF 99, in older municipal data."""

STORAGE_EPSG: Final = 3006

_CRS_FORMS: Final = re.compile(
    r"^([A-Za-z]+:\d+|\+proj=.*|[A-Z]+CRS\[.*|GEOG[A-Z]*\[.*|PROJCS\[.*|\{.*)$", re.DOTALL
)
"""AUTHORITY:CODE, a PROJ string, WKT or PROJJSON; names are not accepted."""


@lru_cache(maxsize=64)
def crs_from_user_input(value: str | int) -> CRS:
    """Return the CRS for an EPSG code, ``EPSG:nnnn`` string, WKT or PROJ string.

    Raises
    ------
    UnknownCRSError
        If pyproj cannot identify ``value``.
    """
    text = str(value).strip()
    if text.isdigit():
        text = f"EPSG:{text}"
    if not _CRS_FORMS.match(text):
        # pyproj would also match loose names ("SWEREF" → a geographic CRS): refuse guesses.
        raise UnknownCRSError(crs=str(value))
    try:
        return CRS.from_user_input(text)
    except CRSError:
        raise UnknownCRSError(crs=str(value)) from None


SYSTEM_NAMES: Final = {
    "SWEREF 99 TM": "EPSG:3006",
    "SWEREF 99 12 00": "EPSG:3007",
    "SWEREF 99 13 30": "EPSG:3008",
    "SWEREF 99 15 00": "EPSG:3009",
    "SWEREF 99 16 30": "EPSG:3010",
    "SWEREF 99 18 00": "EPSG:3011",
    "SWEREF 99 14 15": "EPSG:3012",
    "SWEREF 99 15 45": "EPSG:3013",
    "SWEREF 99 17 15": "EPSG:3014",
    "SWEREF 99 18 45": "EPSG:3015",
    "SWEREF 99 20 15": "EPSG:3016",
    "SWEREF 99 21 45": "EPSG:3017",
    "SWEREF 99 23 15": "EPSG:3018",
    "RT90 7.5 gon V": "EPSG:3019",
    "RT90 5 gon V": "EPSG:3020",
    "RT90 2.5 gon V": RT90_25_GON_V,
    "RT90 0 gon": "EPSG:3022",
    "RT90 2.5 gon O": "EPSG:3023",
    "RT90 5 gon O": "EPSG:3024",
    "WGS 84": WGS84,
}
"""Sweden's reference systems by the names Swedish files give them, and WGS 84.

All of SWEREF 99's and RT90's projections have their northing first: a Swedish file's
X is northing, its Y easting (the geodetic convention).
"""
_SYSTEM_KEYS: Final = {
    re.sub(r"[\s._,-]", "", name.casefold()): code for name, code in SYSTEM_NAMES.items()
} | {"rt90": RT90_25_GON_V, "rt9025gonvast": RT90_25_GON_V, "rt9025gonväst": RT90_25_GON_V,
     "wgs1984": WGS84, "epsg4326": WGS84}  # fmt: skip
"""``SYSTEM_NAMES`` without spaces, dots, commas, dashes and case; RT90 alone is 2.5 gon V."""
_EPSG_CODE: Final = re.compile(r"^(?:epsg)?[\s:]*(\d{4,5})$", re.IGNORECASE)


def crs_from_system_name(text: str) -> str | None:
    """Return ``EPSG:nnnn`` for a reference system as Swedish files name it, else None.

    Takes the names of ``SYSTEM_NAMES`` however spaced, dotted or cased (``SWEREF99TM``,
    ``sweref 99 1800``, ``RT 90 2,5 gon V``, ``RT90``, ``WGS84``) and EPSG codes
    (``EPSG:3006``, ``3006``). Any other name is None: a guess is no answer.
    """
    stripped = text.strip()
    code = _EPSG_CODE.match(stripped)
    if code is not None:
        try:
            crs_from_user_input(f"EPSG:{code.group(1)}")
        except UnknownCRSError:
            return None
        return f"EPSG:{code.group(1)}"
    return _SYSTEM_KEYS.get(re.sub(r"[\s._,-]", "", stripped.casefold()))


def system_title(crs: str) -> str:
    """Return a reference system's name for people: ``SWEREF 99 TM (EPSG:3006)``."""
    for name, code in SYSTEM_NAMES.items():
        if code == crs:
            return f"{name} ({crs})"
    try:
        return f"{crs_from_user_input(crs).name} ({crs})"
    except UnknownCRSError:
        return crs


def has_northing_first(crs: str) -> bool:
    """Say whether ``crs``'s own first axis points north (SWEREF 99, RT90: X is northing)."""
    system = crs_from_user_input(crs)
    return not system.is_geographic and bool(system.axis_info) \
        and system.axis_info[0].direction == "north"  # fmt: skip


@lru_cache(maxsize=64)
def _transformer(source: str, target: str) -> Transformer:
    # Keyed on the CRS's text: hashing a pyproj CRS builds its WKT, every call.
    return Transformer.from_crs(
        crs_from_user_input(source), crs_from_user_input(target), always_xy=True
    )


def transform_geometry(
    geometry: BaseGeometry, source: CRS | str, target: CRS | str
) -> BaseGeometry:
    """Return ``geometry`` transformed from ``source`` to ``target`` (x/lon first in both)."""
    source_crs = crs_from_user_input(source) if isinstance(source, str) else source
    target_crs = crs_from_user_input(target) if isinstance(target, str) else target
    if source_crs == target_crs:
        return geometry
    transformer = _transformer(source_crs.srs, target_crs.srs)
    return shapely.transform(
        geometry, lambda xy: np.column_stack(transformer.transform(xy[:, 0], xy[:, 1]))
    )


def to_storage_crs(geometry: BaseGeometry, source: CRS | str) -> BaseGeometry:
    """Return ``geometry`` in SWEREF 99 TM, the CRS every store keeps geometries in."""
    return transform_geometry(geometry, source, SWEREF99_TM)


def to_wgs84(geometry: BaseGeometry) -> BaseGeometry:
    """Return a SWEREF 99 TM ``geometry`` in WGS 84 longitude/latitude."""
    return transform_geometry(geometry, SWEREF99_TM, WGS84)


def infer_crs(
    bounds: tuple[float, float, float, float],
    *,
    expected_extent: BaseGeometry,
    candidates: tuple[str, ...] = (WGS84, SWEREF99_TM, SWEREF99_18_00),
) -> str | None:
    """Return the one candidate CRS that puts ``bounds`` inside ``expected_extent``, else None.

    ``expected_extent`` is a SWEREF 99 TM polygon (e.g. the workspace's areas, buffered).
    Returns None when no candidate, or more than one, fits: the caller must then ask the user.
    """
    min_x, min_y, max_x, max_y = bounds
    # A hair's breadth around the values: a single point has no extent of its own.
    box = shapely.box(min_x - 1e-6, min_y - 1e-6, max_x + 1e-6, max_y + 1e-6)
    fitting = []
    for candidate in candidates:
        try:
            projected = to_storage_crs(box, candidate)
        except ValueError:  # coordinates outside the candidate's domain simply do not fit
            continue
        if shapely.is_valid(projected) and expected_extent.contains(projected):
            fitting.append(candidate)
    return fitting[0] if len(fitting) == 1 else None


def transform_xy(
    x: npt.ArrayLike, y: npt.ArrayLike, source: str, target: str
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return coordinate arrays transformed from ``source`` to ``target`` (x/lon first)."""
    tx, ty = _transformer(source, target).transform(
        np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    )
    return np.asarray(tx, dtype=np.float64), np.asarray(ty, dtype=np.float64)


def bounds_to_crs(
    bounds: tuple[float, float, float, float], source: str, target: str
) -> tuple[float, float, float, float]:
    """Return the box (min x, min y, max x, max y) around ``bounds`` transformed (x/lon first).

    Each edge is followed at 21 points, so the box holds the whole transformed rectangle,
    not only its corners.
    """
    min_x, min_y, max_x, max_y = _transformer(source, target).transform_bounds(
        *bounds, densify_pts=21
    )
    return float(min_x), float(min_y), float(max_x), float(max_y)


def area_of_use(crs: str) -> tuple[float, float, float, float]:
    """Return where ``crs`` may be used: (west, south, east, north) in degrees."""
    used = crs_from_user_input(crs).area_of_use
    if used is None:
        return -180.0, -90.0, 180.0, 90.0
    return used.west, used.south, used.east, used.north


def xy_to_wgs84(
    x: npt.ArrayLike, y: npt.ArrayLike
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return SWEREF 99 TM eastings/northings as WGS 84 longitudes and latitudes (arrays)."""
    return transform_xy(x, y, SWEREF99_TM, WGS84)


def grid_convergence(x: float, y: float) -> float:
    """Return how far true north lies clockwise of SWEREF 99 TM's grid north at (x, y).

    In degrees: what a printed map's north arrow turns by.
    """
    lon, lat = transform_xy(x, y, SWEREF99_TM, WGS84)
    north_x, north_y = transform_xy(lon, lat + 0.01, WGS84, SWEREF99_TM)
    return math.degrees(math.atan2(float(north_x) - x, float(north_y) - y))
