"""Erasing personal data in an area file, on a transaction opened with ``secure_delete``.

What a retention rule removes (``layers.records.Erasure``) is changed, deleted and masked
here; the store then writes the file anew (``layers.gpkg.sqlite.rewrite``), so that no
byte of it stays in the GeoPackage or its log.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable

from layers.gpkg.sqlite import quote
from layers.gpkg.writes import delete_rows, log_change, update_row
from layers.records import Erasure
from layers.rules.erasure import (
    actor_columns,
    erased_entry,
    masked_text,
    name_in_json,
    renamed_text,
)
from layers.schema import CHANGE_LOG_LAYER, PHOTOS_TABLE, TableSpec

_LOG = quote(CHANGE_LOG_LAYER)


def erase_rows(
    connection: sqlite3.Connection,
    erasure: Erasure,
    *,
    table_of: Callable[[str], TableSpec],
    physical: Iterable[TableSpec],
    actor: str,
) -> None:
    """Do what ``erasure`` says on an open transaction, in its order; log the rule's entry.

    ``table_of`` returns the layer a name names (refusing unknown ones); ``physical``: every
    table of an area file, for an account's name to be replaced in.
    """
    for layer, uuid, changes in erasure.updates:
        update_row(connection, table_of(layer), uuid, changes, actor=actor)
    layers: dict[str, list[str]] = {}
    for layer, uuid in erasure.features:
        layers.setdefault(layer, []).append(uuid)
    for layer, uuids in layers.items():
        delete_rows(connection, table_of(layer), uuids, actor=actor)
    if erasure.photos:
        delete_rows(connection, PHOTOS_TABLE, erasure.photos, actor=actor)
    if erasure.masked:
        _mask(connection, dict(erasure.masked))
    log_change(connection, erased_entry(actor, erasure))
    if erasure.renamed is not None:
        _rename(connection, *erasure.renamed, physical=physical)


def _mask(connection: sqlite3.Connection, keys: dict[str, tuple[str, ...]]) -> None:
    """Replace the values of ``keys[feature]`` in every change-log entry of each feature."""
    rows = connection.execute(
        f"SELECT fid, feature_uuid, before, after FROM {_LOG} "
        "WHERE feature_uuid IN (SELECT value FROM json_each(?))",
        (json.dumps(list(keys)),),
    ).fetchall()
    for fid, feature, before, after in rows:
        _rewrite_entry(
            connection, fid, masked_text(before, keys[feature]), masked_text(after, keys[feature])
        )


def _rename(
    connection: sqlite3.Connection, name: str, new: str, *, physical: Iterable[TableSpec]
) -> None:
    """Put ``new`` for ``name`` wherever the area keeps who made or handled something."""
    connection.execute(f"UPDATE {_LOG} SET actor = ? WHERE actor = ?", (new, name))
    needle = name_in_json(name)
    rows = connection.execute(
        f"SELECT fid, before, after FROM {_LOG} WHERE instr(before, ?) OR instr(after, ?)",
        (needle, needle),
    ).fetchall()
    for fid, before, after in rows:
        _rewrite_entry(
            connection, fid, renamed_text(before, name, new), renamed_text(after, name, new)
        )
    for table in physical:
        for column in actor_columns(table):
            connection.execute(
                f"UPDATE {quote(table.name)} SET {quote(column)} = ? WHERE {quote(column)} = ?",
                (new, name),
            )


def _rewrite_entry(
    connection: sqlite3.Connection, fid: int, before: str | None, after: str | None
) -> None:
    """Store an entry's new ``before`` and ``after`` (None: that one stays as it is)."""
    if before is not None:
        connection.execute(f"UPDATE {_LOG} SET before = ? WHERE fid = ?", (before, fid))
    if after is not None:
        connection.execute(f"UPDATE {_LOG} SET after = ? WHERE fid = ?", (after, fid))
