"""GeoPackage binary geometry encoding and the SQL functions GeoPackage triggers need.

GDAL registers ``ST_MinX`` and friends on its own SQLite connections; a plain
``sqlite3`` connection that writes to a GeoPackage layer with an R-tree index must
register them too, or the index triggers fail.
"""

from __future__ import annotations

import sqlite3
import struct
from typing import Final

import shapely
from shapely.geometry.base import BaseGeometry

_MAGIC: Final = b"GP"
_HEADER = struct.Struct("<2sBBi")
_ENVELOPE_XY = struct.Struct("<4d")
_POINT_XY = struct.Struct("<2d")
_ENVELOPE_SIZES: Final = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}


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


def _wkb_offset(blob: bytes) -> int:
    flags = blob[3]
    return 8 + _ENVELOPE_SIZES[(flags >> 1) & 0x07]


def gpkg_to_geometry(blob: bytes) -> BaseGeometry:
    """Return the geometry of a GeoPackage geometry blob."""
    if blob[:2] != _MAGIC:
        msg = "not a GeoPackage geometry blob"
        raise ValueError(msg)
    geometry: BaseGeometry = shapely.from_wkb(blob[_wkb_offset(blob) :])
    return geometry


def gpkg_blobs_to_geometries(blobs: list[bytes | None]) -> list[BaseGeometry | None]:
    """Return the geometries of many blobs at once (vectorised WKB parsing)."""
    wkb = [None if blob is None else blob[_wkb_offset(blob) :] for blob in blobs]
    return list(shapely.from_wkb(wkb))


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


def register_gpkg_functions(connection: sqlite3.Connection) -> None:
    """Register ``ST_IsEmpty``, ``ST_MinX``, ``ST_MaxX``, ``ST_MinY``, ``ST_MaxY``."""
    connection.create_function("ST_IsEmpty", 1, _is_empty, deterministic=True)
    for name, index in (("ST_MinX", 0), ("ST_MinY", 1), ("ST_MaxX", 2), ("ST_MaxY", 3)):
        connection.create_function(
            name,
            1,
            lambda blob, i=index: b[i] if (b := _bounds(blob)) else None,
            deterministic=True,
        )
