"""Writing rows on an open transaction: rows, numbers, change-log entries; as the GeoPackage store.

What a row may hold, its number and its change-log entry come from ``layers.rules``, so
both backends accept, refuse and log exactly alike.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final

import psycopg
import shapely
from psycopg import sql
from shapely.geometry.base import BaseGeometry

from layers.errors import duplicate_uuid_error, no_such_feature_error
from layers.frames import values_to_objects
from layers.postgis.reads import selected
from layers.postgis.schema import column_sql, geometry_sql, qualified, value_sql
from layers.records import Record
from layers.rules.changelog import deleted_entry, inserted_entries, updated_entry
from layers.rules.decoding import decode_records
from layers.rules.geometry import rows_by_table
from layers.rules.rows import given_uuids, prepare_rows, updated_row, uuid_lookups
from layers.schema import CHANGE_LOG_LAYER, CHANGE_LOG_TABLE, CHILD_TABLES, SqlValue, TableSpec

META: Final = "safewalk_meta"


def draw_numbers(connection: psycopg.Connection, schema: str, sequence: str, count: int) -> range:
    """Draw the next ``count`` numbers of the area's ``sequence``; they are never given again.

    The sequence's row stays locked until the transaction ends: concurrent writers of
    the area take their numbers one after the other, and a write rolled back gives its
    numbers back unused (none was ever seen).
    """
    rows = connection.execute(
        sql.SQL(
            "INSERT INTO {} AS m (key, value) VALUES (%s, %s) ON CONFLICT (key) "
            "DO UPDATE SET value = (m.value::bigint + %s)::text RETURNING value::bigint"
        ).format(qualified(schema, META)),
        (f"sequence:{sequence}", str(count), count),
    ).fetchall()
    last = int(rows[0][0])
    return range(last - count + 1, last + 1)


def read_sequences(connection: psycopg.Connection, schema: str) -> dict[str, int]:
    """Return the last number drawn per sequence."""
    rows = connection.execute(
        sql.SQL("SELECT substr(key, 10), value::bigint FROM {} WHERE key LIKE 'sequence:%%'")
        .format(qualified(schema, META))
    ).fetchall()  # fmt: skip
    return {str(name): int(value) for name, value in rows}


def set_sequences(
    connection: psycopg.Connection, schema: str, sequences: Mapping[str, int]
) -> None:
    """Make each sequence go on after ``sequences``' number (never back)."""
    for name, number in sequences.items():
        connection.execute(
            sql.SQL(
                "INSERT INTO {} AS m (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                "SET value = greatest(m.value::bigint, excluded.value::bigint)::text"
            ).format(qualified(schema, META)),
            (f"sequence:{name}", str(number)),
        )


def insert_rows(
    connection: psycopg.Connection,
    schema: str,
    table: TableSpec,
    features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
    *,
    actor: str,
    records: bool = True,
) -> list[Record]:
    """Validate and insert many features, each numbered and logged; return them as stored.

    With ``records`` False, return nothing (the rows are not decoded).
    """
    if not features:
        return []
    rows: Sequence[Mapping[str, SqlValue]] = prepare_rows(table, features)
    geometries = [geometry for _, geometry in features]
    if table.sequence is not None:
        numbers = draw_numbers(connection, schema, table.sequence, len(rows))
        rows = [{**row, "number": number} for row, number in zip(rows, numbers, strict=True)]
    fids = insert_copied_rows(
        connection, schema, table, rows, geometries, check=given_uuids(features)
    )
    stored = [{"fid": fid, **row} for fid, row in zip(fids, rows, strict=True)]
    if table.name != CHANGE_LOG_LAYER:
        log_changes(connection, schema, inserted_entries(actor, table, stored, geometries))
    return decode_records(table, stored, geometries) if records else []


def insert_copied_rows(
    connection: psycopg.Connection,
    schema: str,
    table: TableSpec,
    rows: Sequence[Mapping[str, SqlValue]],
    geometries: Sequence[BaseGeometry | None],
    *,
    check: Collection[object] | None = None,
) -> list[int]:
    """Insert checked rows as they are (numbers kept, nothing logged); return their fids.

    One statement per row, sent together (psycopg's pipeline), each returning its fid; a
    UUID the layer holds already, or one given twice, returns none and is refused by name
    (the caller's transaction then stores nothing). ``check``: the UUIDs to look for in a
    category's other tables (``given_uuids``; None: all, as for a pasted copy).

    Raises
    ------
    FeatureValidationError
        A UUID the layer holds already.
    """
    if not rows:
        return []
    if table.parts:
        groups = [(part, k) for part, k in rows_by_table(table, geometries) if k]
        bound = [(part, [rows[i]["uuid"] for i in k]) for part, k in groups]
        _refuse_uuids_elsewhere(connection, schema, table, uuid_lookups(table, bound, check=check))
        joined = [0] * len(rows)
        for part, indexes in groups:
            part_fids = insert_copied_rows(
                connection, schema, part, [rows[i] for i in indexes],
                [geometries[i] for i in indexes],
            )  # fmt: skip
            for i, fid in zip(indexes, part_fids, strict=True):
                joined[i] = fid
        return joined
    columns = list(rows[0])
    names = list(map(sql.Identifier, columns))
    values = [value_sql(table, c) for c in columns]
    if table.geometry is not None:
        names.append(sql.Identifier("geom"))
        values.append(geometry_sql())
    params: list[list[Any]] = [list(row.values()) for row in rows]
    if table.geometry is not None:
        wkbs = shapely.to_wkb(values_to_objects(geometries), flavor="iso")
        for values_of_row, wkb in zip(params, wkbs, strict=True):
            values_of_row.append(wkb)
    unique = "uuid" in table.field_names
    query = sql.SQL("INSERT INTO {} ({}) VALUES ({}){} RETURNING fid").format(
        qualified(schema, table.name), sql.SQL(", ").join(names), sql.SQL(", ").join(values),
        sql.SQL(" ON CONFLICT (uuid) DO NOTHING" if unique else ""),
    )  # fmt: skip
    fids: list[int] = []
    with connection.cursor() as cursor:
        cursor.executemany(query, params, returning=True)
        for row in rows:
            inserted = cursor.fetchone()
            if inserted is None:  # the layer has this UUID, or an earlier row gave it
                raise duplicate_uuid_error(table.layer_name, row["uuid"])
            fids.append(int(inserted[0]))
            cursor.nextset()
    return fids


def _refuse_uuids_elsewhere(
    connection: psycopg.Connection, schema: str, table: TableSpec,
    lookups: Sequence[tuple[TableSpec, list[SqlValue]]],
) -> None:  # fmt: skip
    """Refuse a UUID another table of the category holds (``uuid_lookups`` says where to look)."""
    for other, uuids in lookups:
        held = connection.execute(
            sql.SQL("SELECT uuid FROM {} WHERE uuid = ANY(%s) LIMIT 1").format(
                qualified(schema, other.name)
            ),
            (uuids,),
        ).fetchone()
        if held is not None:
            raise duplicate_uuid_error(table.layer_name, held[0])


def log_changes(
    connection: psycopg.Connection, schema: str, entries: Sequence[Mapping[str, SqlValue]]
) -> None:
    """Add entries (``layers.rules.changelog.change_entry``) to the area's change log."""
    if not entries:
        return
    columns = list(entries[0])
    with connection.cursor() as cursor:
        cursor.executemany(
            sql.SQL("INSERT INTO {} ({}) VALUES ({})").format(
                qualified(schema, CHANGE_LOG_LAYER),
                sql.SQL(", ").join(map(sql.Identifier, columns)),
                sql.SQL(", ").join(value_sql(CHANGE_LOG_TABLE, c) for c in columns),
            ),
            [list(entry.values()) for entry in entries],
        )


def check_feature(connection: psycopg.Connection, schema: str, table: TableSpec, uuid: str) -> None:
    """Refuse ``uuid`` unless one of the layer's tables holds it (rows are to belong to it).

    The feature's row stays share-locked until the transaction ends: a delete made
    meanwhile waits, and then takes the rows added to it along.
    """
    held = "uuid" in table.field_names and any(
        connection.execute(
            sql.SQL("SELECT 1 FROM {} WHERE uuid = %s FOR SHARE").format(
                qualified(schema, part.name)
            ),
            (uuid,),
        ).fetchone()
        for part in table.physical
    )
    if not held:
        raise no_such_feature_error(table.layer_name, uuid)


def update_row(
    connection: psycopg.Connection,
    schema: str,
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
        name = qualified(schema, part.name)
        found = connection.execute(
            sql.SQL("SELECT {} FROM {} WHERE uuid = %s FOR UPDATE").format(
                selected(part, table.field_names), name
            ),
            (uuid,),
        ).fetchone()
        if found is not None:
            break
    else:
        raise no_such_feature_error(table.layer_name, uuid)
    stored = dict(zip(("fid", *table.field_names), found, strict=False))
    geometry = shapely.from_wkb(found[-1]) if table.geometry is not None and found[-1] else None
    new, old = updated_row(table, stored, changes)
    if new:
        assignments = sql.SQL(", ").join(
            sql.SQL("{} = {}").format(sql.Identifier(n), value_sql(table, n)) for n in new
        )
        connection.execute(
            sql.SQL("UPDATE {} SET {} WHERE uuid = %s").format(name, assignments),
            [*new.values(), uuid],
        )
        log_changes(connection, schema, [updated_entry(actor, table, uuid, old, new)])
    return decode_records(table, [{**stored, **new}], [geometry])[0]


def delete_rows(
    connection: psycopg.Connection,
    schema: str,
    table: TableSpec,
    uuids: Sequence[str],
    *,
    actor: str,
) -> int:
    """Delete features and the rows that belong to them, logging each with its old values."""
    if "uuid" not in table.field_names:
        return 0
    if table.parts:
        return sum(
            delete_rows(connection, schema, part, uuids, actor=actor) for part in table.parts
        )
    name = qualified(schema, table.name)
    old = connection.execute(
        sql.SQL("DELETE FROM {} WHERE uuid = ANY(%s) RETURNING {}").format(
            name, sql.SQL(", ").join(
                [sql.Identifier("fid"), *(column_sql(table, n) for n in table.field_names)])
        ),
        (list(uuids),),
    ).fetchall()  # fmt: skip
    for child in CHILD_TABLES:
        connection.execute(
            sql.SQL("DELETE FROM {} WHERE layer = %s AND feature_uuid = ANY(%s)").format(
                qualified(schema, child.name)
            ),
            (table.layer_name, list(uuids)),
        )
    records = [dict(zip(("fid", *table.field_names), row, strict=True)) for row in old]
    log_changes(connection, schema, [deleted_entry(actor, table, r) for r in records])
    return len(records)
