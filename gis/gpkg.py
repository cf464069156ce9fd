"""GeoPackage binary geometry encoding and the SQL functions GeoPackage triggers need.

GDAL registers ``ST_MinX`` and friends on its own SQLite connections; a plain
``sqlite3`` connection that writes to a GeoPackage layer with an R-tree index must
register them too, or the index triggers fail.
"""

from __future__ import annotations

import gc
import sqlite3
import struct
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Final

import numpy as np
import shapely
import shapely.errors
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from gis.errors import GeometryBlobError

_MAGIC: Final = b"GP"
_HEADER = struct.Struct("<2sBBi")
_ENVELOPE_XY = struct.Struct("<4d")
_POINT_XY = struct.Struct("<2d")
_ENVELOPE_SIZES: Final = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}
_HEADER_SIZES: Final = np.array([_HEADER.size + size for size in _ENVELOPE_SIZES.values()])
_WKB_POINT_XY_HEAD: Final = np.frombuffer(struct.pack("<BI", 1, 1), dtype=np.uint8)
"""Byte order (little-endian) and type (Point) of a 2D WKB point."""
_POINT_BLOB_SIZE: Final = _HEADER.size + _WKB_POINT_XY_HEAD.size + _POINT_XY.size
_WKB_HEAD_OFFSETS: Final = np.arange(_HEADER.size, _HEADER.size + _WKB_POINT_XY_HEAD.size)
_POINT_XY_OFFSETS: Final = np.arange(_POINT_BLOB_SIZE - _POINT_XY.size, _POINT_BLOB_SIZE)


def geometry_to_gpkg(geometry: BaseGeometry, srs_id: int) -> bytes:
    """Return ``geometry`` as a GeoPackage geometry blob (little-endian, XY envelope).

    Points carry no envelope, as the standard recommends; empty geometries set the
    empty flag.
    """
    empty = geometry.is_empty
    has_envelope = not empty and geometry.geom_type != "Point"
    flags = 0x01 | (0x10 if empty else 0) | (0x02 if has_envelope else 0)
    parts = [_HEADER.pack(_MAGIC, 0, flags, srs_id)]
    if has_envelope:
        min_x, min_y, max_x, max_y = geometry.bounds
        parts.append(_ENVELOPE_XY.pack(min_x, max_x, min_y, max_y))
    parts.append(shapely.to_wkb(geometry, byte_order=1, flavor="iso"))
    return b"".join(parts)


def geometries_to_gpkg(geometries: Sequence[BaseGeometry], srs_id: int) -> list[bytes]:
    """Return many geometries as ``geometry_to_gpkg`` does one: the WKB made in one call."""
    array = np.empty(len(geometries), dtype=object)
    array[:] = geometries
    wkbs = shapely.to_wkb(array, byte_order=1, flavor="iso")
    empty = shapely.is_empty(array)
    enveloped = ~empty & (shapely.get_type_id(array) != 0)
    plain = _HEADER.pack(_MAGIC, 0, 0x01, srs_id)
    blank = _HEADER.pack(_MAGIC, 0, 0x11, srs_id)
    boxed = _HEADER.pack(_MAGIC, 0, 0x03, srs_id)
    blobs = [
        blank + wkb if is_empty else plain + wkb
        for wkb, is_empty in zip(wkbs, empty.tolist(), strict=True)
    ]
    bounds = shapely.bounds(array)
    for k in np.flatnonzero(enveloped).tolist():
        min_x, min_y, max_x, max_y = bounds[k]
        blobs[k] = boxed + _ENVELOPE_XY.pack(min_x, max_x, min_y, max_y) + wkbs[k]
    return blobs


def _wkb_offset(blob: bytes) -> int:
    flags = blob[3]
    return 8 + _ENVELOPE_SIZES[(flags >> 1) & 0x07]


def gpkg_to_geometry(blob: bytes) -> BaseGeometry:
    """Return the geometry of a GeoPackage geometry blob."""
    if blob[:2] != _MAGIC or len(blob) < _HEADER.size:
        raise GeometryBlobError(reason="no GeoPackage header")
    geometry: BaseGeometry = _from_wkb(blob[_wkb_offset(blob) :])
    return geometry


def _from_wkb(wkb: object) -> Any:
    """Return ``shapely.from_wkb(wkb)``; WKB that GEOS cannot read is a ``GeometryBlobError``."""
    try:
        return shapely.from_wkb(wkb)
    except shapely.errors.GEOSException as error:
        raise GeometryBlobError(reason=str(error)) from None


def gpkg_blobs_to_geometries(blobs: list[bytes | None]) -> list[BaseGeometry | None]:
    """Return the geometries of many blobs at once (vectorised WKB parsing)."""
    return list(gpkg_blobs_to_geometry_array(blobs))


def gpkg_blobs_to_geometry_array(blobs: Sequence[bytes | None]) -> NDArray[np.object_]:
    """Return the geometries of GeoPackage blobs as an array (None for None).

    Raises
    ------
    GeometryBlobError
        If a blob is not a GeoPackage geometry blob.
    """
    stored = np.empty(len(blobs), dtype=object)
    stored[:] = blobs
    nulls: NDArray[np.bool_] = np.equal(stored, np.array(None, dtype=object))
    stored[nulls] = b""
    lengths = np.fromiter(map(len, stored), dtype=np.int64, count=len(stored))
    return gpkg_joined_to_geometries(b"".join(stored), lengths, nulls=nulls)


def gpkg_joined_to_geometries(
    joined: bytes, lengths: NDArray[np.int64], *, nulls: NDArray[np.bool_] | None = None
) -> NDArray[np.object_]:
    """Return the geometries of GeoPackage blobs stored end to end in ``joined``.

    ``lengths`` gives each blob's length in bytes; where ``nulls`` is set there is no blob
    (length 0) and the geometry is None. The headers are read with numpy; plain points
    are made from their coordinates, anything else from all its WKB in one
    ``shapely.from_wkb`` call. The only Python work per blob is at most one slice.

    Raises
    ------
    GeometryBlobError
        If a blob is not a GeoPackage geometry blob.
    """
    data = np.frombuffer(joined, dtype=np.uint8)
    if lengths.sum() != data.size:
        msg = f"the blobs' lengths add up to {lengths.sum()} bytes, but {data.size} are given"
        raise ValueError(msg)
    present = np.ones(len(lengths), dtype=bool) if nulls is None else ~nulls
    ends = np.cumsum(lengths)
    starts = (ends - lengths)[present]
    ends = ends[present]
    if (ends - starts < _HEADER.size).any() or (
        (data[starts] != _MAGIC[0]) | (data[starts + 1] != _MAGIC[1])
    ).any():
        raise GeometryBlobError(reason="no GeoPackage header")
    envelopes = (data[starts + 3] >> 1) & 0x07
    if (envelopes >= len(_HEADER_SIZES)).any():
        raise GeometryBlobError(reason=f"envelope code {envelopes.max()}")
    geometries: NDArray[np.object_] = np.full(len(lengths), None, dtype=object)
    with _collector_paused():
        xy = _point_coordinates(data, starts, ends)
        if xy is not None:
            geometries[present] = shapely.points(xy)
            return geometries
        wkb = [
            joined[start:end]
            for start, end in zip(
                (starts + _HEADER_SIZES[envelopes]).tolist(), ends.tolist(), strict=True
            )
        ]
        geometries[present] = _from_wkb(np.array(wkb, dtype=object))
    return geometries


def _point_coordinates(
    data: NDArray[np.uint8], starts: NDArray[np.int64], ends: NDArray[np.int64]
) -> NDArray[np.float64] | None:
    """Return x and y of blobs that are all plain points, else None.

    Plain: no envelope, not empty, a little-endian 2D WKB point, the layout
    ``geometry_to_gpkg`` and GDAL write for points. Reading the coordinates straight from
    the bytes spares making a WKB copy of every point.
    """
    if not starts.size or (ends - starts != _POINT_BLOB_SIZE).any():
        return None
    flags = data[starts + 3]  # only the header's own byte order may be either
    wkb_heads = data[starts[:, np.newaxis] + _WKB_HEAD_OFFSETS]
    if (flags & ~np.uint8(0x01)).any() or (wkb_heads != _WKB_POINT_XY_HEAD).any():
        return None
    xy: NDArray[np.float64] = data[starts[:, np.newaxis] + _POINT_XY_OFFSETS].view("<f8")
    return None if np.isnan(xy).any() else xy


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while many geometries are made.

    Geometries are objects the collector tracks: making a hundred thousand starts full
    collections that walk every object of the process, slower the more the process holds.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _is_empty(blob: bytes | None) -> int | None:
    if blob is None:
        return None
    return 1 if blob[3] & 0x10 else 0


def _bounds(blob: bytes | None) -> tuple[float, float, float, float] | None:
    if blob is None or blob[3] & 0x10:
        return None
    if (blob[3] >> 1) & 0x07:
        min_x, max_x, min_y, max_y = _ENVELOPE_XY.unpack_from(blob, 8)
        return (min_x, min_y, max_x, max_y)
    if blob[8] == 1 and int.from_bytes(blob[9:13], "little") % 1000 == 1:
        # A little-endian WKB point (the usual case): x and y follow the type.
        x, y = _POINT_XY.unpack_from(blob, 13)
        return (x, y, x, y)
    bounds: tuple[float, float, float, float] = gpkg_to_geometry(blob).bounds
    return bounds


def _envelope_intersects(
    blob: bytes | None, min_x: float, min_y: float, max_x: float, max_y: float
) -> int | None:
    bounds = _bounds(blob)
    if bounds is None:
        return None
    return int(
        bounds[0] <= max_x and bounds[2] >= min_x and bounds[1] <= max_y and bounds[3] >= min_y
    )


def register_gpkg_functions(connection: sqlite3.Connection) -> None:
    """Register the SQL functions of GeoPackage's triggers, and an envelope test.

    ``ST_IsEmpty``, ``ST_MinX``, ``ST_MaxX``, ``ST_MinY``, ``ST_MaxY`` as GDAL has them, and
    ``ST_EnvIntersects(geom, min_x, min_y, max_x, max_y)`` as GDAL's SQL dialect has it.
    """
    connection.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    connection.create_function("ST_EnvIntersects", 5, _envelope_intersects, deterministic=True)
    for name, index in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
        connection.create_function(
            name,
            1,
            lambda blob, i=index: b[i] if (b := _bounds(blob)) else None,
            deterministic=True,
        )
