"""Copying an area between stores: the rows a copy carries and what a paste may store."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from layers.errors import duplicate_uuid_error
from layers.records import AreaCopy
from layers.rules.geometry import geometry_refusals
from layers.schema import (
    AREA_LAYER,
    CHANGE_LOG_LAYER,
    CHILD_TABLES,
    INBOX_LAYER,
    MEASURES_LAYER,
    NOTES_LAYER,
    SqlValue,
    TableSpec,
    coerce_records,
    datetime_to_text,
)


def copied_rows(
    table: TableSpec, records: Sequence[Mapping[str, object]]
) -> list[dict[str, SqlValue]]:
    """Return records read from another store as the rows to store here, numbers kept.

    Every field is coerced and checked as on insert; the ``fid`` is left to this store.

    Raises
    ------
    FeatureValidationError
        The first record, in order, whose values or geometry do not fit the layer.
    """
    values = [{name: record.get(name) for name in table.field_names} for record in records]
    rows, errors = coerce_records(table, values)
    shapes = [record.get("geometry") if table.geometry else None for record in records]
    for k, error in geometry_refusals(table, shapes).items():
        errors.setdefault(k, error)
    if errors:
        raise errors[min(errors)]
    return [row for row in rows if row is not None]


def pasted_layers(
    tables: Mapping[str, TableSpec], copy: AreaCopy
) -> tuple[list[tuple[TableSpec, list[dict[str, SqlValue]], list[Any]]], dict[str, int]]:
    """Return what ``paste_area`` stores of ``copy``, and the sequences to go on from.

    Per layer of ``tables``: its checked rows (``copied_rows``) and geometries; the
    sequences go on after every number copied.

    Raises
    ------
    FeatureValidationError
        A value or geometry that does not fit its layer, or a UUID a layer holds twice.
    """
    layers = []
    numbers = dict(copy.sequences)
    for name, records in copy.tables.items():
        if name not in tables or name == AREA_LAYER:  # the area's row: ``copied_created_at``
            continue
        table = tables[name]
        rows = copied_rows(table, records)
        uuids = Counter(row["uuid"] for row in rows if row.get("uuid") is not None)
        for uuid, count in uuids.items():
            if count > 1:
                raise duplicate_uuid_error(table.name, uuid)
        if table.sequence is not None:
            numbers[table.sequence] = max(
                [numbers.get(table.sequence, 0), *(int(row["number"] or 0) for row in rows)]
            )
        layers.append((table, rows, [r.get("geometry") for r in records]))
    return layers, numbers


def copied_created_at(copy: AreaCopy) -> str | None:
    """Return when the copied area was first made (its boundary row's stored time), if known.

    ``paste_area`` makes the area's row anew and then gives it this time, so that a moved
    area keeps its creation date.
    """
    rows = copy.tables.get(AREA_LAYER) or []
    created = rows[0].get("created_at") if rows else None
    return datetime_to_text(created) if isinstance(created, datetime) else None


def left_out_layers(categories: Sequence[str], kept: Sequence[str]) -> frozenset[str]:
    """Return the layers whose rows an export of the categories ``kept`` leaves out.

    The other categories, and residents' reports waiting in the inbox: they never leave,
    as they may hold an e-mail.
    """
    return frozenset(categories) - frozenset(kept) | {INBOX_LAYER}


def owner_layers(kept: Sequence[str]) -> tuple[str, ...]:
    """Return the layers whose rows keep their photos and notes in an export of ``kept``.

    The kept observations, the measures and their notes.
    """
    return (*kept, MEASURES_LAYER, NOTES_LAYER)


def exported_copy(copy: AreaCopy, categories: Sequence[str], kept: Sequence[str]) -> AreaCopy:
    """Return ``copy`` with only the observations of the categories ``kept``.

    The rows of ``left_out_layers`` go, with their change-log entries (a report's text
    and place, a category not chosen) and the photos and notes of rows that are not kept
    (``owner_layers``); so do the change-log entries of the photos and notes of the rows
    left out. Everything else stays as it is.
    """
    dropped = left_out_layers(categories, kept)
    tables = {name: list(records) for name, records in copy.tables.items() if name not in dropped}
    owned = {str(r["uuid"]) for name in owner_layers(kept) for r in tables.get(name, [])}
    for child in CHILD_TABLES:
        tables[child.name] = [r for r in tables.get(child.name, []) if r["feature_uuid"] in owned]
    for name in dropped:
        tables[name] = []
    log = tables.get(CHANGE_LOG_LAYER, [])
    children = {child.layer_name for child in CHILD_TABLES}
    theirs = {e["feature_uuid"] for e in log if e["layer"] in children and _parent(e) in dropped}
    tables[CHANGE_LOG_LAYER] = [
        e for e in log if e["layer"] not in dropped
        and not (e["layer"] in children and e["feature_uuid"] in theirs)
    ]  # fmt: skip
    return AreaCopy(copy.area, tables, copy.sequences)


def _parent(entry: Mapping[str, Any]) -> object:
    """Return the layer of the row a photo's or note's change-log entry names in its values."""
    for column in ("after", "before"):
        try:
            values = json.loads(str(entry[column]))
        except (TypeError, ValueError):
            continue
        if isinstance(values, dict) and "layer" in values:
            return values["layer"]
    return None
