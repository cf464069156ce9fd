"""Writing rows on an open transaction: the row, its number, its change-log entry, metadata."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from gis.crs import STORAGE_EPSG
from gis.gpkg import geometries_to_gpkg, geometry_to_gpkg, gpkg_to_geometry
from layers.errors import duplicate_uuid_error, no_such_feature_error
from layers.frames import values_to_objects
from layers.gpkg.rtree import pack, packs
from layers.gpkg.sqlite import quote
from layers.records import Record
from layers.rules.changelog import deleted_entry, inserted_entries, inserted_entry, updated_entry
from layers.rules.decoding import decode_record, decode_records
from layers.rules.geometry import rows_by_table
from layers.rules.rows import (
    GivenUuids,
    NumberedRow,
    prepare_row,
    prepare_rows,
    updated_row,
    uuid_lookups,
)
from layers.schema import (
    CHANGE_LOG_LAYER,
    CHANGE_LOG_TABLE,
    CHILD_TABLES,
    SqlValue,
    TableSpec,
    datetime_to_text,
)


def _now() -> datetime:
    return datetime.now(UTC)


def next_number(connection: sqlite3.Connection, sequence: str) -> int:
    """Draw the next number of the area's ``sequence``; it is never given out again."""
    row = connection.execute(
        "INSERT INTO safewalk_meta (key, value) VALUES (?, '1') ON CONFLICT (key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING CAST(value AS INTEGER)",
        (f"sequence:{sequence}",),
    ).fetchone()
    return int(row[0])


def draw_numbers(connection: sqlite3.Connection, sequence: str, count: int) -> range:
    """Draw the next ``count`` numbers of the area's ``sequence`` at once."""
    row = connection.execute(
        "INSERT INTO safewalk_meta (key, value) VALUES (?, ?) ON CONFLICT (key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + ? RETURNING CAST(value AS INTEGER)",
        (f"sequence:{sequence}", str(count), count),
    ).fetchone()
    return range(int(row[0]) - count + 1, int(row[0]) + 1)


def set_sequences(connection: sqlite3.Connection, sequences: Mapping[str, int]) -> None:
    """Make each sequence go on after ``sequences``' number (never back)."""
    for name, number in sequences.items():
        connection.execute(
            "INSERT INTO safewalk_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = MAX(CAST(value AS INTEGER), CAST(excluded.value AS INTEGER))",
            (f"sequence:{name}", str(number)),
        )


def read_sequences(connection: sqlite3.Connection) -> dict[str, int]:
    """Return the last number drawn per sequence."""
    rows = connection.execute(
        "SELECT substr(key, 10), CAST(value AS INTEGER) FROM safewalk_meta "
        "WHERE key LIKE 'sequence:%'"
    )
    return {str(name): int(value) for name, value in rows}


def insert_row(
    connection: sqlite3.Connection,
    table: TableSpec,
    values: Mapping[str, object],
    geometry: BaseGeometry | None,
    *,
    actor: str,
) -> Record:
    """Validate and insert one row with its change-log entry; return it as typed values.

    ``insert_rows`` does the same for many; one registration in the field takes this path,
    about 0.3 ms faster than a batch of one (the store benchmark).
    """
    row = prepare_row(table, values, geometry)
    part = table.part_for(geometry)
    if table.parts and values.get("uuid") is not None:
        _refuse_uuids_elsewhere(connection, table, uuid_lookups(table, [(part, [row["uuid"]])]))
    if table.sequence is not None:
        row["number"] = next_number(connection, table.sequence)
    columns = list(row)
    params: list[SqlValue] = list(row.values())
    if table.geometry is not None:
        columns.insert(0, "geom")
        params.insert(0, None if geometry is None else geometry_to_gpkg(geometry, STORAGE_EPSG))
    try:
        cursor = connection.execute(
            f"INSERT INTO {quote(part.name)} ({', '.join(map(quote, columns))}) "
            f"VALUES ({', '.join('?' * len(columns))})",
            params,
        )
    except sqlite3.IntegrityError as error:
        if f"{part.name}.uuid" in str(error):
            raise duplicate_uuid_error(table.layer_name, row["uuid"]) from None
        raise
    stored: dict[str, SqlValue] = {"fid": cursor.lastrowid, **row}
    if table.name != CHANGE_LOG_LAYER:
        log_change(connection, inserted_entry(actor, table, stored, geometry))
    if geometry is not None:
        extend_contents(connection, part.name, geometry.bounds)
    guard_feature_count(connection, part.name)
    return decode_record(table, stored, geometry)


def _refuse_uuids_elsewhere(
    connection: sqlite3.Connection,
    table: TableSpec,
    lookups: Sequence[tuple[TableSpec, list[SqlValue]]],
) -> None:
    """Refuse a UUID another table of the category holds (``uuid_lookups`` says where to look)."""
    for other, uuids in lookups:
        if not _holds_rows(connection, other):
            continue  # an empty table holds none of them
        held = connection.execute(
            f"SELECT uuid FROM {quote(other.name)} WHERE uuid IN "
            "(SELECT value FROM json_each(?)) LIMIT 1",
            (json.dumps(uuids),),
        ).fetchone()
        if held is not None:
            raise duplicate_uuid_error(table.layer_name, held[0])


def _holds_rows(connection: sqlite3.Connection, table: TableSpec) -> bool:
    """Return whether ``table`` holds any row."""
    return connection.execute(f"SELECT 1 FROM {quote(table.name)} LIMIT 1").fetchone() is not None


BULK_ROWS: Final = 100
"""From this many rows a write keeps the spatial index and feature counts itself (as GDAL)."""
REBUILT_INDEXES: Final = 1000
"""From this many rows, and as many as the table holds, a write makes its indexes anew."""


def insert_rows(
    connection: sqlite3.Connection,
    table: TableSpec,
    features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
    *,
    actor: str,
    records: bool = True,
) -> list[Record]:
    """Validate and insert many rows, each with its change-log entry, as ``insert_row`` does.

    Returns them as stored; with ``records`` False, nothing (the rows are not decoded).
    One batch of an ``AreaWrite``.
    """
    if not features:
        return []
    write = AreaWrite(connection, actor=actor, expected=len(features))
    rows, fids = write.add(table, features)
    write.finish()
    if not records:
        return []
    geometries = [geometry for _, geometry in features]
    stored = [{"fid": fid, **row} for fid, row in zip(fids, rows, strict=True)]
    return decode_records(table, stored, geometries)


def insert_copied_rows(
    connection: sqlite3.Connection,
    table: TableSpec,
    rows: Sequence[Mapping[str, SqlValue]],
    geometries: Sequence[BaseGeometry | None],
    *,
    check: Collection[object] | None = None,
) -> Sequence[int]:
    """Insert rows as they are (checked, numbered) with one statement per table; return fids.

    Nothing is logged: rows copied from another store keep their numbers and their own
    change log. ``check``: the UUIDs to look for in a category's other tables
    (``given_uuids``; None: all, as for a pasted copy).
    """
    write = _table_write(connection, table, expected=len(rows))
    fids = write.add(rows, geometries, check=check)
    write.finish()
    return fids


class AreaWrite:
    """Rows added to an area's layers in batches, each with its change-log entry: one write.

    Each batch is checked, numbered and logged as ``insert_rows`` does; what one large
    write does once (``_TableWrite``) is done once for all the batches of a table, when
    ``finish`` is called, on the caller's transaction. An import hands over its batches
    as it checks them (``GeoPackageStore.append_batches``); ``expected``: about how many
    rows the write adds to a table at most.
    """

    def __init__(self, connection: sqlite3.Connection, *, actor: str, expected: int) -> None:
        self._connection = connection
        self._actor = actor
        self._expected = expected
        self._tables: dict[str, _TableWrite | _CategoryWrite] = {}
        self._log = _TableWrite(connection, CHANGE_LOG_TABLE, expected=expected)

    def add(
        self,
        table: TableSpec,
        features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
    ) -> tuple[Sequence[Mapping[str, SqlValue]], Sequence[int]]:
        """Add ``features`` to ``table``; return their rows as written, and their fids."""
        if not features:
            return [], []
        rows: Sequence[Mapping[str, SqlValue]] = prepare_rows(table, features)
        geometries = [geometry for _, geometry in features]
        if table.sequence is not None:
            numbers = draw_numbers(self._connection, table.sequence, len(rows))
            rows = [NumberedRow(row, number) for row, number in zip(rows, numbers, strict=True)]
        write = self._tables.get(table.name)
        if write is None:
            write = self._tables[table.name] = _table_write(
                self._connection, table, expected=self._expected
            )
        fids = write.add(rows, geometries, check=GivenUuids(features))
        if table.name != CHANGE_LOG_LAYER:
            entries = inserted_entries(self._actor, table, rows, geometries, fids=fids)
            self._log.add(entries, [None] * len(entries))
        return rows, fids

    def finish(self) -> None:
        """Make what the batches set aside again: indexes, triggers, counts, extents."""
        for write in self._tables.values():
            write.finish()
        self._log.finish()


def _table_write(
    connection: sqlite3.Connection, table: TableSpec, *, expected: int
) -> _TableWrite | _CategoryWrite:
    """Return the write of ``table``: of its parts when it has some."""
    if table.parts:
        return _CategoryWrite(connection, table, expected=expected)
    return _TableWrite(connection, table, expected=expected)


class _CategoryWrite:
    """Rows added to a category whose kinds of geometry have their own tables (its parts)."""

    def __init__(self, connection: sqlite3.Connection, table: TableSpec, *, expected: int):
        self._connection = connection
        self._table = table
        self._parts = {part.name: _TableWrite(connection, part, expected=expected)
                       for part in table.parts}  # fmt: skip

    def add(
        self,
        rows: Sequence[Mapping[str, SqlValue]],
        geometries: Sequence[BaseGeometry | None],
        *,
        check: Collection[object] | None = None,
    ) -> Sequence[int]:
        """Add rows, each to the table of its kind of geometry; return their fids."""
        table = self._table
        groups = [(part, k) for part, k in rows_by_table(table, geometries) if k]
        bound_for = {part.name for part, _ in groups}
        others = [part for part in table.parts if part.name not in bound_for]
        if len(groups) > 1 or any(_holds_rows(self._connection, part) for part in others):
            # A UUID bound for one table may be held by another, or bound for two.
            bound = [(part, [rows[i]["uuid"] for i in k]) for part, k in groups]
            lookups = uuid_lookups(table, bound, check=check)
            _refuse_uuids_elsewhere(self._connection, table, lookups)
        joined = [0] * len(rows)
        for part, indexes in groups:
            part_fids = self._parts[part.name].add(
                [rows[i] for i in indexes], [geometries[i] for i in indexes]
            )
            for i, fid in zip(indexes, part_fids, strict=True):
                joined[i] = fid
        return joined

    def finish(self) -> None:
        for part in self._parts.values():
            part.finish()


class _TableWrite:
    """Rows added to one table in batches, with one statement each, on an open transaction.

    From ``BULK_ROWS`` expected rows the R-tree and the cached feature count are kept
    here instead of by GDAL's per-row triggers, as GDAL does when it writes many rows:
    the first batch drops the triggers (with ``REBUILT_INDEXES`` and as many as the
    table holds, its indexes too: sorting them once costs less than keeping them row by
    row, and a unique index refuses a repeated value when made anew), and ``finish``
    makes them again, fills the R-tree with every batch's entries, counts the rows and
    widens the layer's extent. All inside the caller's transaction: a failure rolls it
    back with the rows, and other connections never see a trigger or an index missing.
    """

    def __init__(self, connection: sqlite3.Connection, table: TableSpec, *, expected: int):
        self._connection = connection
        self._table = table
        self._expected = expected
        self._set_aside: _SetAside | None = None
        self._fids: list[NDArray[np.int64]] = []
        self._bounds: list[NDArray[np.float64]] = []

    def add(
        self,
        rows: Sequence[Mapping[str, SqlValue]],
        geometries: Sequence[BaseGeometry | None],
        *,
        check: Collection[object] | None = None,
    ) -> Sequence[int]:
        """Insert rows as they are (checked, numbered); return their fids.

        ``check`` is for a category's tables (``_CategoryWrite``): a table of its own has
        no other table that could hold the UUIDs, and its unique index refuses a repeat.
        """
        if not rows:
            return range(0)
        connection, table = self._connection, self._table
        if self._expected >= BULK_ROWS and self._set_aside is None:
            self._set_aside = _set_aside(connection, table, self._expected)
        columns = list(rows[0])
        params: list[tuple[SqlValue, ...]]
        if table.geometry is not None:
            columns.insert(0, "geom")
            present = [k for k, geometry in enumerate(geometries) if geometry is not None]
            made = geometries_to_gpkg([geometries[k] for k in present], STORAGE_EPSG)
            blobs: list[bytes | None] = [None] * len(rows)
            for k, blob in zip(present, made, strict=True):
                blobs[k] = blob
            params = [(blob, *row.values()) for blob, row in zip(blobs, rows, strict=True)]
        else:
            params = [tuple(row.values()) for row in rows]
        before = connection.execute(f"SELECT coalesce(max(fid), 0) FROM {quote(table.name)}")
        last_before = int(before.fetchone()[0])
        try:
            connection.executemany(
                f"INSERT INTO {quote(table.name)} ({', '.join(map(quote, columns))}) "
                f"VALUES ({', '.join('?' * len(columns))})",
                params,
            )
        except sqlite3.IntegrityError as error:
            if f"{table.name}.uuid" in str(error):
                raise duplicate_uuid_error(
                    table.layer_name, _taken_uuid(connection, table, rows, last_before)
                ) from None
            raise
        last = int(connection.execute("SELECT last_insert_rowid()").fetchone()[0])
        # One transaction alone writes: the rows got the fids after the largest one.
        fids = range(last - len(rows) + 1, last + 1)
        if table.geometry is not None:
            self._fids.append(np.asarray(fids, dtype=np.int64))
            self._bounds.append(shapely.bounds(values_to_objects(geometries)))
        return fids

    def finish(self) -> None:
        """Make the indexes and triggers again; fill the R-tree; count; widen the extent."""
        connection, table = self._connection, self._table
        if self._set_aside is not None:
            try:
                _put_back(connection, table, self._set_aside)
            except sqlite3.IntegrityError as error:  # a unique index made anew
                if f"{table.name}.uuid" in str(error):
                    raise duplicate_uuid_error(
                        table.layer_name, _repeated_uuid(connection, table)
                    ) from None
                raise
        if self._bounds:
            fids, bounds = np.concatenate(self._fids), np.concatenate(self._bounds)
            if self._set_aside is not None:
                _index(connection, table.name, fids, bounds)
            if not np.isnan(bounds).all():  # not only missing or empty geometries
                low = np.nanmin(bounds[:, :2], axis=0).tolist()
                high = np.nanmax(bounds[:, 2:], axis=0).tolist()
                extend_contents(connection, table.name, (*low, *high))
        if self._set_aside is not None or self._bounds:
            guard_feature_count(connection, table.name)


def _taken_uuid(
    connection: sqlite3.Connection,
    table: TableSpec,
    rows: Sequence[Mapping[str, SqlValue]],
    last_before: int,
) -> SqlValue:
    """Return the UUID of ``rows`` that the layer held before, or that ``rows`` repeat."""
    uuids = [row["uuid"] for row in rows]
    held = connection.execute(
        f"SELECT uuid FROM {quote(table.name)} WHERE fid <= ? AND uuid IN "
        "(SELECT value FROM json_each(?)) LIMIT 1",
        (last_before, json.dumps(uuids)),
    ).fetchone()
    if held is not None:
        return str(held[0])
    return next(uuid for uuid, count in Counter(uuids).items() if count > 1)


def _repeated_uuid(connection: sqlite3.Connection, table: TableSpec) -> SqlValue:
    """Return a UUID that two rows of ``table`` hold."""
    (uuid,) = connection.execute(
        f"SELECT uuid FROM {quote(table.name)} GROUP BY uuid HAVING count(*) > 1 LIMIT 1"
    ).fetchone()
    return str(uuid)


@dataclass(frozen=True, slots=True)
class _SetAside:
    """The triggers and indexes a write dropped (name, SQL), and how many rows were there."""

    triggers: list[tuple[str, str]]
    indexes: list[tuple[str, str]]
    rows_before: int


def _set_aside(connection: sqlite3.Connection, table: TableSpec, adding: int) -> _SetAside:
    """Drop the R-tree insert and feature-count triggers of ``table`` (and its indexes).

    The indexes too when ``adding`` rows are at least ``REBUILT_INDEXES`` and as many as
    the table holds.
    """
    names = [f"trigger_insert_feature_count_{table.name}", f"rtree_{table.name}_geom_insert"]
    triggers = connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN (?, ?)", names
    ).fetchall()
    rows_before = _count(connection, table.name)
    indexes = []
    if adding >= max(rows_before, REBUILT_INDEXES):
        indexes = connection.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
            "AND sql IS NOT NULL",
            (table.name,),
        ).fetchall()
    for name, _ in triggers:
        connection.execute(f"DROP TRIGGER {quote(name)}")
    for name, _ in indexes:
        connection.execute(f"DROP INDEX {quote(name)}")
    return _SetAside(triggers, indexes, rows_before)


def _put_back(connection: sqlite3.Connection, table: TableSpec, set_aside: _SetAside) -> None:
    """Make the indexes and triggers ``_set_aside`` dropped again, and count the rows added."""
    for _, sql in [*set_aside.indexes, *set_aside.triggers]:
        connection.execute(sql)
    if f"trigger_insert_feature_count_{table.name}" in {name for name, _ in set_aside.triggers}:
        connection.execute(
            "UPDATE gpkg_ogr_contents SET feature_count = feature_count + ? "
            "WHERE lower(table_name) = lower(?)",
            (_count(connection, table.name) - set_aside.rows_before, table.name),
        )


def _count(connection: sqlite3.Connection, table: str) -> int:
    return int(connection.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0])


RTREE_BAND_M: Final = 250.0
"""Entries are added to the R-tree by bands of this height, west to east in each."""


def _index(
    connection: sqlite3.Connection,
    table: str,
    fids: NDArray[np.int64],
    bounds: NDArray[np.float64],
) -> None:
    """Add rows to the layer's R-tree as GDAL's insert trigger would (none for empty ones).

    ``bounds``: each row's (min x, min y, max x, max y), NaN for a missing or empty geometry.
    """
    indexed = np.flatnonzero(~np.isnan(bounds).any(axis=1))
    rtree = f"rtree_{table}_geom"
    if packs(connection, rtree, len(indexed)):
        connection.execute("SAVEPOINT packing")
        try:
            pack(connection, rtree, np.asarray(fids)[indexed], bounds[indexed])
        except sqlite3.DatabaseError:  # an SQLite that keeps the R-tree's tables to itself
            connection.execute("ROLLBACK TO packing")
        else:
            connection.execute("RELEASE packing")
            return
    # Entries near each other inserted one after the other: the R-tree grows faster so.
    centres = (bounds[indexed, :2] + bounds[indexed, 2:]) / 2
    indexed = indexed[np.lexsort((centres[:, 0], np.floor(centres[:, 1] / RTREE_BAND_M)))]
    connection.executemany(
        f"INSERT OR REPLACE INTO {quote(rtree)} VALUES (?, ?, ?, ?, ?)",
        zip(
            np.asarray(fids)[indexed].tolist(),
            bounds[indexed, 0].tolist(),
            bounds[indexed, 2].tolist(),
            bounds[indexed, 1].tolist(),
            bounds[indexed, 3].tolist(),
            strict=True,
        ),
    )


def delete_rows(
    connection: sqlite3.Connection, table: TableSpec, uuids: Sequence[str], *, actor: str
) -> int:
    """Delete features and the rows that belong to them, logging each with its old values.

    A layer without UUIDs (the boundary, the change log) has none of ``uuids``; a
    category's are looked for in each of its tables.
    """
    if "uuid" not in table.field_names:
        return 0
    if table.parts:
        return sum(delete_rows(connection, part, uuids, actor=actor) for part in table.parts)
    wanted = "(SELECT value FROM json_each(?))"
    given = json.dumps(list(uuids))
    rows = connection.execute(f"SELECT * FROM {quote(table.name)} WHERE uuid IN {wanted}", [given])
    names = [d[0] for d in rows.description]
    old = [dict(zip(names, row, strict=True)) for row in rows.fetchall()]
    connection.execute(f"DELETE FROM {quote(table.name)} WHERE uuid IN {wanted}", [given])
    guard_feature_count(connection, table.name)
    for child in CHILD_TABLES:
        connection.execute(
            f"DELETE FROM {quote(child.name)} WHERE layer = ? AND feature_uuid IN {wanted}",
            [table.layer_name, given],
        )
    for record in old:
        log_change(connection, deleted_entry(actor, table, record))
    return len(old)


def check_feature(connection: sqlite3.Connection, table: TableSpec, uuid: str) -> None:
    """Refuse ``uuid`` unless one of the layer's tables holds it (rows are to belong to it)."""
    held = "uuid" in table.field_names and any(
        connection.execute(f"SELECT 1 FROM {quote(part.name)} WHERE uuid = ?", [uuid]).fetchone()
        for part in table.physical
    )
    if not held:
        raise no_such_feature_error(table.layer_name, uuid)


def update_row(
    connection: sqlite3.Connection,
    table: TableSpec,
    uuid: str,
    changes: Mapping[str, object],
    *,
    actor: str,
) -> Record:
    """Change some values of feature ``uuid``, logging old and new; return it as stored.

    A category's feature is looked for in its tables in turn, the main kind's first.
    """
    for part in table.physical:
        cursor = connection.execute(f"SELECT * FROM {quote(part.name)} WHERE uuid = ?", [uuid])
        names = [d[0] for d in cursor.description]
        found = cursor.fetchone()
        if found is not None:
            break
    else:
        raise no_such_feature_error(table.layer_name, uuid)
    stored = dict(zip(names, found, strict=True))
    new, old = updated_row(table, stored, changes)
    if new:
        assignments = ", ".join(f"{quote(name)} = ?" for name in new)
        connection.execute(
            f"UPDATE {quote(part.name)} SET {assignments} WHERE uuid = ?", [*new.values(), uuid]
        )
        log_change(connection, updated_entry(actor, table, uuid, old, new))
    blob = stored.pop("geom", None)
    geometry = gpkg_to_geometry(blob) if blob is not None else None
    return decode_record(table, {**stored, **new}, geometry)


def log_change(connection: sqlite3.Connection, entry: Mapping[str, SqlValue]) -> None:
    """Add one entry (``layers.rules.changelog.change_entry``) to the area's change log."""
    connection.execute(
        f"INSERT INTO {quote(CHANGE_LOG_LAYER)} ({', '.join(map(quote, entry))}) "
        f"VALUES ({', '.join('?' * len(entry))})",
        list(entry.values()),
    )


def extend_contents(
    connection: sqlite3.Connection, table: str, bounds: tuple[float, float, float, float]
) -> None:
    """Keep gpkg_contents' extent and last_change current, as GDAL does on close."""
    min_x, min_y, max_x, max_y = bounds
    connection.execute(
        "UPDATE gpkg_contents SET last_change = ?, "
        "min_x = min(coalesce(min_x, ?), ?), min_y = min(coalesce(min_y, ?), ?), "
        "max_x = max(coalesce(max_x, ?), ?), max_y = max(coalesce(max_y, ?), ?) "
        "WHERE table_name = ?",
        (datetime_to_text(_now()), min_x, min_x, min_y, min_y, max_x, max_x, max_y, max_y, table),
    )


def feature_count_problem(connection: sqlite3.Connection, table: str) -> tuple[int, int] | None:
    """Return (cached, actual) when GDAL's cached feature count is wrong, else None."""
    row = connection.execute(
        "SELECT feature_count FROM gpkg_ogr_contents WHERE lower(table_name) = lower(?)",
        (table,),
    ).fetchone()
    if row is None or row[0] is None:
        return None
    actual = connection.execute(f"SELECT count(*) FROM {quote(table)}").fetchone()[0]
    return None if row[0] == actual else (row[0], actual)


def guard_feature_count(connection: sqlite3.Connection, table: str) -> None:
    """Keep GDAL's cached feature count from going stale when its triggers are gone.

    GDAL drops the count triggers while it has a layer open for writing (QGIS editing)
    and writes its own count on close. Rows written meanwhile would make the cached
    count too small, and GDAL readers then silently return too few rows. NULL makes
    GDAL count the rows itself.
    """
    trigger = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        (f"trigger_insert_feature_count_{table}",),
    ).fetchone()
    if trigger is None:
        connection.execute(
            "UPDATE gpkg_ogr_contents SET feature_count = NULL WHERE lower(table_name) = lower(?)",
            (table,),
        )
