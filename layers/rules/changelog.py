"""The change log: one entry per insert, update and delete, with who, when, old and new."""

from __future__ import annotations

import json
import operator
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final

import shapely
from shapely.geometry.base import BaseGeometry

from layers.frames import values_to_objects
from layers.schema import (
    SqlValue,
    TableSpec,
    datetime_to_text,
)


def change_entry(
    actor: str,
    action: str,
    layer: str,
    feature_uuid: object,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> dict[str, SqlValue]:
    """Return the change-log row for one write: who, when, what, values before and after (JSON)."""
    return {
        "at": datetime_to_text(datetime.now(UTC)),
        "actor": actor,
        "action": action,
        "layer": layer,
        "feature_uuid": None if feature_uuid is None else str(feature_uuid),
        "before": None if before is None else _to_json(_masked(before)),
        "after": None if after is None else _to_json(_masked(after)),
    }


_to_json: Final = json.JSONEncoder(ensure_ascii=False, default=str).encode
"""Values as the change log keeps them: JSON, anything else as text."""
UNLOGGED: Final = frozenset({"email"})
"""Fields whose values the change log never keeps, only whether there was one: a resident's
e-mail is kept until the report is handled (``layers.schema.INBOX_TABLE``), and a log is
kept for good."""
MASK: Final = "***"


def _masked(values: Mapping[str, Any]) -> Mapping[str, Any]:
    """Return ``values`` with the value of each ``UNLOGGED`` field given replaced by ``MASK``."""
    if UNLOGGED.isdisjoint(values):
        return values
    return {k: MASK if k in UNLOGGED and v is not None else v for k, v in values.items()}


def inserted_entry(
    actor: str, table: TableSpec, row: Mapping[str, Any], geometry: BaseGeometry | None
) -> dict[str, SqlValue]:
    """Return the change-log row for inserting ``row`` (with its ``fid``) into ``table``."""
    after = record_for_log(row)
    if geometry is not None:
        after["geometry"] = shapely.to_wkt(geometry, rounding_precision=2)
    return change_entry(actor, "insert", table.layer_name, row.get("uuid"), None, after)


def inserted_entries(
    actor: str,
    table: TableSpec,
    rows: Sequence[Mapping[str, Any]],
    geometries: Sequence[BaseGeometry | None],
) -> list[dict[str, SqlValue]]:
    """Return the change-log rows for inserting many rows, as ``inserted_entry`` does."""
    array = values_to_objects(geometries)
    texts = shapely.to_wkt(array, rounding_precision=2).tolist()
    at = datetime_to_text(datetime.now(UTC))
    entries: list[dict[str, SqlValue]] = []
    binary = {f.name for f in table.fields if f.type == "binary"}
    kept = [name for name in (rows[0] if rows else ()) if name not in binary | {"geom", "geometry"}]
    values = operator.itemgetter(*kept)  # at least the fid and the uuid: a tuple
    for row, text in zip(rows, texts, strict=True):
        after = dict(zip(kept, values(row), strict=True))
        if text is not None:
            after["geometry"] = text
        uuid = row.get("uuid")
        entries.append({
            "at": at, "actor": actor, "action": "insert", "layer": table.layer_name,
            "feature_uuid": None if uuid is None else str(uuid), "before": None,
            "after": _to_json(_masked(after)),
        })  # fmt: skip
    return entries


def deleted_entry(actor: str, table: TableSpec, row: Mapping[str, Any]) -> dict[str, SqlValue]:
    """Return the change-log row for deleting ``row`` (as it was stored) from ``table``."""
    return change_entry(
        actor, "delete", table.layer_name, row.get("uuid"), record_for_log(row), None
    )


def updated_entry(
    actor: str,
    table: TableSpec,
    uuid: object,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> dict[str, SqlValue]:
    """Return the change-log row for changing some values of feature ``uuid`` (old → new)."""
    return change_entry(actor, "update", table.layer_name, uuid, dict(before), dict(after))


def record_for_log(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values of a record worth keeping in the change log (no blobs, no geometry)."""
    return {
        k: v
        for k, v in record.items()
        if k not in ("geom", "geometry") and not isinstance(v, bytes)
    }
