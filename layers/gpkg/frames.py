"""Reading layers with this process's own SQLite: queries, data frames and typed records.

Never GDAL's SQLite: two SQLite libraries on one file in one process release each
other's POSIX locks (and, in WAL mode, remove each other's shared memory), which can
corrupt a file being written.
"""

from __future__ import annotations

import json
import sqlite3
from typing import TYPE_CHECKING, Any

from gis.gpkg import gpkg_blobs_to_geometries
from gis.i18n import Text
from layers.errors import FeatureValidationError
from layers.frames import layer_frame
from layers.gpkg.sqlite import quote
from layers.records import Query, Record
from layers.rules import decode_record
from layers.schema import TableSpec

if TYPE_CHECKING:
    import geopandas as gpd


def select_sql(table: TableSpec, query: Query) -> tuple[str, list[Any]]:
    """Return the SELECT of ``query`` on ``table`` and its parameters (rows in fid order)."""
    names = table.field_names if query.columns is None else query.columns
    unknown = [name for name in names if name not in table.field_names]
    if unknown:
        own = ", ".join(table.field_names)
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} har inga fält {', '.join(unknown)}. Fält: {own}.",
                en=f"Layer {table.name!r} has no field {', '.join(unknown)}. Fields: {own}.",
            )
        )
    columns = ["fid", *(["geom"] if table.geometry else []), *names]
    conditions: list[str] = []
    params: list[Any] = []
    if query.uuids is not None:
        conditions.append("uuid IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(query.uuids)))
    for column, value in (("walk_uuid", query.walk_uuid), ("is_demo", query.is_demo)):
        if value is None:
            continue
        if column not in table.field_names:
            conditions.append("0")
            continue
        conditions.append(f"{quote(column)} = ?")
        params.append(int(value) if isinstance(value, bool) else value)
    if query.bbox is not None:
        if table.geometry is None:
            conditions.append("0")
        else:
            min_x, min_y, max_x, max_y = query.bbox
            conditions.append(
                f"fid IN (SELECT id FROM {quote(f'rtree_{table.name}_geom')} "
                "WHERE minx <= ? AND maxx >= ? AND miny <= ? AND maxy >= ?)"
            )
            params += [max_x, min_x, max_y, min_y]
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    sql = f"SELECT {', '.join(map(quote, columns))} FROM {quote(table.name)}{where} ORDER BY fid"
    return sql, params


def read_frame(
    connection: sqlite3.Connection, table: TableSpec, query: Query
) -> gpd.GeoDataFrame:
    """Return the features of ``query`` as a (Geo)DataFrame, index = fid."""
    sql, params = select_sql(table, query)
    cursor = connection.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    return frame(table, columns, cursor.fetchall())


def read_records(connection: sqlite3.Connection, table: TableSpec, query: Query) -> list[Record]:
    """Return the features of ``query`` as typed records, in fid order."""
    sql, params = select_sql(table, query)
    cursor = connection.execute(sql, params)
    columns = [d[0] for d in cursor.description]
    rows = cursor.fetchall()
    if table.geometry is None:
        return [decode_record(table, dict(zip(columns, row, strict=True))) for row in rows]
    geometries = gpkg_blobs_to_geometries([row[1] for row in rows])
    records = []
    for row, geometry in zip(rows, geometries, strict=True):
        values = dict(zip(columns, row, strict=True))
        del values["geom"]
        records.append(decode_record(table, values, geometry))
    return records


def frame(table: TableSpec, columns: list[str], rows: list[tuple[Any, ...]]) -> gpd.GeoDataFrame:
    """Return rows of ``table`` as a (Geo)DataFrame (``layers.frames.layer_frame``)."""
    transposed = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    data = dict(zip(columns, transposed, strict=True))
    fids = data.pop("fid")
    blobs = data.pop("geom", None)
    geometries = None if table.geometry is None else gpkg_blobs_to_geometries(list(blobs or ()))
    return layer_frame(table, fids, data, geometries)
