"""Reading layers with this process's own SQLite: queries, data frames and typed records.

Never GDAL's SQLite: two SQLite libraries on one file in one process release each
other's POSIX locks (and, in WAL mode, remove each other's shared memory), which can
corrupt a file being written.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

import numpy as np

from gis.gpkg import gpkg_blobs_to_geometries, gpkg_joined_to_geometries
from layers.frames import (
    columns_to_frame,
    epoch_ms_to_datetimes,
    field_type,
    joined_frames,
    layer_frame,
    null_column,
    values_to_column,
)
from layers.gpkg.sqlite import quote
from layers.records import Query, Record, TimeWindow
from layers.rules.decoding import decode_record
from layers.rules.rows import query_columns, read_parts, window_texts
from layers.schema import TableSpec

if TYPE_CHECKING:
    import geopandas as gpd
    from numpy.typing import NDArray

    from layers.catalog import FieldType
    from layers.frames import Column

log = logging.getLogger(__name__)

_AS_JSON: Final = frozenset({"text", "date", "integer", "boolean", "datetime"})
"""Field types read as one JSON array per column. JSON would round reals to 15 digits and
cannot hold blobs: those come row by row."""
_DATETIME_ITEM: Final = np.frombuffer(b'"0000-00-00T00:00:00.000Z",', dtype=np.uint8)
"""One DATETIME text as safewalk writes it, in a JSON array: '0' where a digit goes."""
_DATETIME_LAST: Final = np.frombuffer(b'"0000-00-00T00:00:00.000Z"]', dtype=np.uint8)
_DATETIME_DIGITS: Final = np.equal(_DATETIME_ITEM, ord("0"))
_DATETIME_FIELDS: Final = ((0, 4), (4, 6), (6, 8), (8, 10), (10, 12), (12, 14), (14, 17))
"""Year, month, day, hour, minute, second, millisecond: spans of the item's digits."""
_NO_BLOBS_IN_JSON: Final = "JSON cannot hold BLOB values"
"""SQLite's error for a blob where a JSON array of text or numbers is built."""


def select_sql(table: TableSpec, query: Query) -> tuple[str, list[Any]]:
    """Return the SELECT of ``query`` on ``table`` and its parameters (rows in fid order)."""
    names = query_columns(table, query)
    where, params = _where(table, query)
    columns = ["fid", *(["geom"] if table.geometry else []), *names]
    sql = f"SELECT {', '.join(map(quote, columns))} FROM {quote(table.name)}{where} ORDER BY fid"
    if query.limit is not None:
        sql += " LIMIT ?"
        params.append(query.limit)
    return sql, params


def _source(table: TableSpec, query: Query) -> tuple[str, list[Any]]:
    """Return the FROM clause of ``query``'s rows (in any order) and its parameters."""
    where, params = _where(table, query)
    if query.limit is None:
        return f" FROM {quote(table.name)}{where}", params
    limited = f"SELECT * FROM {quote(table.name)}{where} ORDER BY fid LIMIT ?"
    return f" FROM ({limited})", [*params, query.limit]


def count_rows(connection: sqlite3.Connection, table: TableSpec, query: Query) -> int:
    """Return how many features ``query`` selects (a category's tables together)."""
    if table.parts:
        with _read_transaction(connection):
            counts = read_parts(
                table.parts, query, lambda part, q: count_rows(connection, part, q), int
            )
        return sum(counts)
    query_columns(table, query)
    source, params = _source(table, query)
    return int(connection.execute(f"SELECT count(*){source}", params).fetchone()[0])


def _where(table: TableSpec, query: Query) -> tuple[str, list[Any]]:
    """Return the WHERE clause of ``query`` (empty without conditions) and its parameters."""
    conditions: list[str] = []
    params: list[Any] = []
    if query.uuids is not None:
        # A layer without UUIDs holds none of them, as walk_uuid and is_demo below.
        if "uuid" in table.field_names:
            conditions.append("uuid IN (SELECT value FROM json_each(?))")
            params.append(json.dumps(list(query.uuids)))
        else:
            conditions.append("0")
    for column, value in (("walk_uuid", query.walk_uuid), ("is_demo", query.is_demo)):
        if value is None:
            continue
        if column not in table.field_names:
            conditions.append("0")
            continue
        conditions.append(f"{quote(column)} = ?")
        params.append(int(value) if isinstance(value, bool) else value)
    if query.kind is not None and table.geometry != query.kind:
        conditions.append("0")
    if query.after_fid is not None:
        conditions.append("fid > ?")
        params.append(query.after_fid)
    if query.during is not None:
        conditions += _during(query.during, params)
    if query.bbox is not None:
        if table.geometry is None:
            conditions.append("0")
        else:
            conditions.append(_in_box(table, query.bbox, params))
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return where, params


def _during(window: TimeWindow, params: list[Any]) -> list[str]:
    """Return the conditions of a time window on a DATETIME column, adding their parameters.

    safewalk writes times as 'YYYY-MM-DDTHH:MM:SS.sssZ', which compare as text; a time
    another program wrote in another form is brought to that form first (SQLite's
    ``strftime``; NULL for what is no time, which no window holds).
    """
    column = quote(window.column)
    stored = (
        f"(CASE WHEN length({column}) = 24 AND substr({column}, 11, 1) = 'T' "
        f"AND substr({column}, 24) = 'Z' THEN {column} "
        f"ELSE strftime('%Y-%m-%dT%H:%M:%fZ', {column}) END)"
    )
    start, end = window_texts(window)
    conditions = []
    if start is not None:
        conditions.append(f"{stored} >= ?")
        params.append(start)
    if end is not None:
        conditions.append(f"{stored} <= ?")
        params.append(end)
    return conditions or [f"{stored} IS NOT NULL"]


def _in_box(table: TableSpec, box: tuple[float, float, float, float], params: list[Any]) -> str:
    """Return the condition that a feature's extent meets ``box``, adding its parameters.

    The R-tree's bounds are float32, rounded outwards (half a metre at Swedish northings):
    an entry whose rounded box lies inside ``box`` meets it for sure; for the few others
    near the box's edges (or larger than it) the feature's own envelope decides.
    """
    min_x, min_y, max_x, max_y = box
    rtree, name = quote(f"rtree_{table.name}_geom"), quote(table.name)
    params += [max_x, min_x, max_y, min_y, min_x, max_x, min_y, max_y,
               min_x, min_y, max_x, max_y]  # fmt: skip
    return (
        f"fid IN (SELECT r.id FROM {rtree} r "
        "WHERE r.minx <= ? AND r.maxx >= ? AND r.miny <= ? AND r.maxy >= ? AND ("
        "r.minx >= ? AND r.maxx <= ? AND r.miny >= ? AND r.maxy <= ? "
        f"OR ST_EnvIntersects((SELECT geom FROM {name} WHERE fid = r.id), ?, ?, ?, ?)))"
    )


def read_frame(connection: sqlite3.Connection, table: TableSpec, query: Query) -> gpd.GeoDataFrame:
    """Return the features of ``query`` as a (Geo)DataFrame, index = fid.

    Read column by column (``_read_columns``), or row by row where that cannot be: a
    database whose text is not UTF-8, or a column too big for one value (a gigabyte) or
    holding blobs where text belongs. Either way the frame is what
    ``layers.frames.layer_frame`` gives for the rows. A category's tables are read in
    one read transaction and joined (``layers.frames.joined_frames``).
    """
    if table.parts:
        with _read_transaction(connection):
            return joined_frames(
                read_parts(table.parts, query, lambda part, q: read_frame(connection, part, q), len)
            )
    if connection.execute("PRAGMA encoding").fetchone()[0] == "UTF-8":
        try:
            return _read_columns(connection, table, query)
        except sqlite3.Error as error:
            if not (error.sqlite_errorname == "SQLITE_TOOBIG" or _NO_BLOBS_IN_JSON in str(error)):
                raise
            log.info("Reading %s row by row: %s", table.name, error)
    sql, params = select_sql(table, query)
    cursor = connection.execute(sql, params)
    return frame(table, [d[0] for d in cursor.description], cursor.fetchall())


def _read_columns(
    connection: sqlite3.Connection, table: TableSpec, query: Query
) -> gpd.GeoDataFrame:
    """Return the features of ``query`` as a (Geo)DataFrame, built column by column.

    One aggregate query has SQLite do the per-row work and hand over one byte string per
    column, a JSON array of its values, and the geometry blobs end to end. Integers and
    the datetimes safewalk writes are parsed from those with numpy, other values with
    ``json`` and pandas, all geometries at once with shapely. Reals (JSON would round
    them) and blobs come from a row query in the same read transaction.
    """
    names = query_columns(table, query)
    source, params = _source(table, query)
    as_json = [name for name in names if field_type(table, name) in _AS_JSON]
    by_row = [name for name in names if name not in as_json]
    # Blobs, so that Python copies the texts instead of decoding them.
    aggregates = [f"CAST(json_group_array({quote(name)}) AS BLOB)" for name in ["fid", *as_json]]
    if table.geometry:
        # group_concat copies blobs byte for byte when the text encoding is UTF-8.
        aggregates += [
            "CAST(json_group_array(length(geom)) AS BLOB)",
            "CAST(group_concat(geom, '') AS BLOB)",
        ]
    rows: list[tuple[Any, ...]] = []
    with _read_transaction(connection):
        arrays = connection.execute(f"SELECT {', '.join(aggregates)}{source}", params).fetchone()
        if by_row:
            sql = f"SELECT {', '.join(map(quote, by_row))}{source} ORDER BY fid"
            rows = connection.execute(sql, params).fetchall()
    fids = _json_integers(arrays[0])
    if fids is None:
        msg = f"the fids of {table.name!r} are not all integers"
        raise ValueError(msg)
    # An aggregate takes the rows in one order for every column, but not in a promised one.
    order = np.argsort(fids) if (np.diff(fids) < 0).any() else slice(None)
    columns = {
        name: _json_to_column(field_type(table, name), text, len(fids))[order]
        for name, text in zip(as_json, arrays[1:], strict=False)
    }
    for i, name in enumerate(by_row):
        columns[name] = values_to_column(field_type(table, name), [row[i] for row in rows])
    geometries = None
    if table.geometry:
        geometries = _blobs_to_geometries(arrays[-2], arrays[-1] or b"")[order]
    return columns_to_frame(table, fids[order], {name: columns[name] for name in names}, geometries)


@contextmanager
def _read_transaction(connection: sqlite3.Connection) -> Iterator[None]:
    """Let several SELECTs see the same rows (nothing to do inside a transaction)."""
    if connection.in_transaction:
        yield
        return
    connection.execute("BEGIN")
    try:
        yield
    finally:
        if connection.in_transaction:
            connection.execute("COMMIT")


def _json_to_column(kind: FieldType | None, text: bytes, count: int) -> Column:
    """Return a JSON array of ``count`` stored values of one field as its column.

    The same as ``values_to_column`` of the decoded values, faster where numpy can read
    the text itself.
    """
    if count and text == b"[null" + b",null" * (count - 1) + b"]":
        return null_column(kind, count)
    if kind in ("integer", "boolean"):
        integers = _json_integers(text)
        if integers is not None:
            return integers if kind == "integer" else integers != 0
    elif kind == "datetime":
        epoch_ms = _json_datetimes_to_epoch_ms(text, count)
        if epoch_ms is not None:
            return epoch_ms_to_datetimes(epoch_ms)
    return values_to_column(kind, json.loads(text))


def _json_integers(text: bytes) -> NDArray[np.int64] | None:
    """Return a JSON array of integers as int64, or None if it holds anything else."""
    body = text[1:-1]
    if body.translate(None, b"-0123456789,"):  # a null, a real or a text among them
        return None
    if not body:
        return np.empty(0, dtype=np.int64)
    return np.fromstring(body, dtype=np.int64, sep=",")


def _json_datetimes_to_epoch_ms(text: bytes, count: int) -> NDArray[np.int64] | None:
    """Return a JSON array of safewalk's DATETIME texts as epoch milliseconds, with numpy.

    Only the form ``layers.schema.datetime_to_text`` writes, 'YYYY-MM-DDTHH:MM:SS.sssZ',
    for years 1700–2199 is read here, at fixed positions; for anything else (other tools'
    forms, NULLs, an impossible date) None says to let pandas parse the texts.
    """
    width = len(_DATETIME_ITEM)
    if not count or len(text) != 1 + count * width:
        return None
    items = np.frombuffer(text, dtype=np.uint8, offset=1).reshape(count, width)
    # Every item must be '"dddd-dd-ddTdd:dd:dd.dddZ",', the last one ending in ']'.
    fixed = items[:, ~_DATETIME_DIGITS]
    if (fixed[:-1] != _DATETIME_ITEM[~_DATETIME_DIGITS]).any() or (
        fixed[-1] != _DATETIME_LAST[~_DATETIME_DIGITS]
    ).any():
        return None
    digits = items[:, _DATETIME_DIGITS] - ord("0")  # bytes below '0' wrap round to > 9
    if (digits > 9).any():
        return None
    year, month, day, hour, minute, second, milli = (
        _decimal(digits[:, start:end]) for start, end in _DATETIME_FIELDS
    )
    months = (year - 1970) * 12 + month - 1
    dates = months.astype("datetime64[M]").astype("datetime64[D]") + (day - 1)
    impossible = (
        (year < 1700)
        | (year >= 2200)
        | (month < 1)
        | (month > 12)
        | (day < 1)
        | (dates.astype("datetime64[M]").astype(np.int64) != months)  # past the month's end
        | (hour > 23)
        | (minute > 59)
        | (second > 59)
    )
    if impossible.any():
        return None
    time_ms = ((hour * 60 + minute) * 60 + second) * 1000 + milli
    epoch_ms: NDArray[np.int64] = dates.astype(np.int64) * 86_400_000 + time_ms
    return epoch_ms


def _decimal(digits: NDArray[np.uint8]) -> NDArray[np.int64]:
    """Return the numbers the rows of ``digits`` write in decimal, first digit first."""
    number = digits[:, 0].astype(np.int64)
    for column in range(1, digits.shape[1]):
        number = number * 10 + digits[:, column]
    return number


def _blobs_to_geometries(lengths_json: bytes, joined: bytes) -> NDArray[np.object_]:
    """Return the geometries of blobs given as a JSON array of lengths and end to end."""
    lengths = _json_integers(lengths_json)
    nulls = None
    if lengths is None:  # NULL geometries
        stored = json.loads(lengths_json)
        nulls = np.array([length is None for length in stored], dtype=bool)
        lengths = np.array([length or 0 for length in stored], dtype=np.int64)
    return gpkg_joined_to_geometries(joined, lengths, nulls=nulls)


def read_records(connection: sqlite3.Connection, table: TableSpec, query: Query) -> list[Record]:
    """Return the features of ``query`` as typed records, in fid order."""
    if table.parts:
        with _read_transaction(connection):
            found = read_parts(
                table.parts, query, lambda part, q: read_records(connection, part, q), len
            )
        return [record for part in found for record in part]
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
    data = {name: [row[i] for row in rows] for i, name in enumerate(columns)}
    fids = data.pop("fid")
    blobs = data.pop("geom", [])
    geometries = None if table.geometry is None else gpkg_blobs_to_geometries(blobs)
    return layer_frame(table, fids, data, geometries)
