"""Erasing personal data in an area's schema, on an open transaction; as the GeoPackage store."""

from __future__ import annotations

from collections.abc import Callable, Iterable

import psycopg
from psycopg import sql

from layers.postgis.schema import qualified
from layers.postgis.writes import delete_rows, log_changes, update_row
from layers.records import Erasure
from layers.rules.erasure import (
    actor_columns,
    erased_entry,
    masked_text,
    name_in_json,
    renamed_text,
)
from layers.schema import CHANGE_LOG_LAYER, PHOTOS_TABLE, TableSpec


def erase_rows(
    connection: psycopg.Connection,
    schema: str,
    erasure: Erasure,
    *,
    table_of: Callable[[str], TableSpec],
    physical: Iterable[TableSpec],
    actor: str,
) -> None:
    """Do what ``erasure`` says in ``schema``, in its order; log the rule's entry."""
    for layer, uuid, changes in erasure.updates:
        update_row(connection, schema, table_of(layer), uuid, changes, actor=actor)
    layers: dict[str, list[str]] = {}
    for layer, uuid in erasure.features:
        layers.setdefault(layer, []).append(uuid)
    for layer, uuids in layers.items():
        delete_rows(connection, schema, table_of(layer), uuids, actor=actor)
    if erasure.photos:
        delete_rows(connection, schema, PHOTOS_TABLE, erasure.photos, actor=actor)
    if erasure.masked:
        _mask(connection, schema, dict(erasure.masked))
    log_changes(connection, schema, [erased_entry(actor, erasure)])
    if erasure.renamed is not None:
        _rename(connection, schema, *erasure.renamed, physical=physical)


def _mask(connection: psycopg.Connection, schema: str, keys: dict[str, tuple[str, ...]]) -> None:
    """Replace the values of ``keys[feature]`` in every change-log entry of each feature."""
    log = qualified(schema, CHANGE_LOG_LAYER)
    rows = connection.execute(
        sql.SQL("SELECT fid, feature_uuid, before, after FROM {} WHERE feature_uuid = ANY(%s)")
        .format(log),
        (list(keys),),
    ).fetchall()  # fmt: skip
    for fid, feature, before, after in rows:
        _rewrite_entry(
            connection, log, fid, masked_text(before, keys[feature]),
            masked_text(after, keys[feature]),
        )  # fmt: skip


def _rename(
    connection: psycopg.Connection,
    schema: str,
    name: str,
    new: str,
    *,
    physical: Iterable[TableSpec],
) -> None:
    """Put ``new`` for ``name`` wherever the area keeps who made or handled something."""
    log = qualified(schema, CHANGE_LOG_LAYER)
    renaming = sql.SQL("UPDATE {} SET actor = %s WHERE actor = %s").format(log)
    connection.execute(renaming, (new, name))
    needle = name_in_json(name)
    rows = connection.execute(
        sql.SQL("SELECT fid, before, after FROM {} WHERE strpos(before, %s) > 0 "
                "OR strpos(after, %s) > 0").format(log),
        (needle, needle),
    ).fetchall()  # fmt: skip
    for fid, before, after in rows:
        _rewrite_entry(
            connection, log, fid, renamed_text(before, name, new), renamed_text(after, name, new)
        )
    for table in physical:
        for column in actor_columns(table):
            connection.execute(
                sql.SQL("UPDATE {} SET {} = %s WHERE {} = %s").format(
                    qualified(schema, table.name), sql.Identifier(column), sql.Identifier(column)
                ),
                (new, name),
            )


def _rewrite_entry(
    connection: psycopg.Connection,
    log: sql.Composable,
    fid: int,
    before: str | None,
    after: str | None,
) -> None:
    """Store an entry's new ``before`` and ``after`` (None: that one stays as it is)."""
    if before is not None:
        connection.execute(sql.SQL("UPDATE {} SET before = %s WHERE fid = %s").format(log),
                           (before, fid))  # fmt: skip
    if after is not None:
        connection.execute(sql.SQL("UPDATE {} SET after = %s WHERE fid = %s").format(log),
                           (after, fid))  # fmt: skip
