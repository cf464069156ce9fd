"""Typed records out: stored values decoded into Python values by their field types."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any, TypeVar

from shapely.geometry.base import BaseGeometry

from gis.i18n import Text
from layers.errors import (
    StoredValueError,
)
from layers.records import Record
from layers.schema import (
    SqlValue,
    TableSpec,
)

T = TypeVar("T")


def decode_value(table: TableSpec, name: str, value: SqlValue) -> Any:
    """Return a stored value as the Python type it was given as."""
    if value is None:
        return None
    spec = table.field(name)
    if spec is None:
        return value
    match spec.type:
        case "datetime":
            moment = _parsed(datetime.fromisoformat, value, spec.name)
            # Other programs may write times without a zone: GeoPackage times are UTC.
            return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        case "date":
            return _parsed(date.fromisoformat, value, spec.name)
        case "boolean":
            return bool(value)
        case "integer":
            return int(value) if isinstance(value, int | float | str) else value
        case "real":
            return float(value) if isinstance(value, int | float | str) else value
    if spec.enum is not None and value in spec.allowed:
        return spec.enum(str(value))
    return value


def _parsed(parse: Callable[[str], T], value: SqlValue, field: str) -> T:
    try:
        return parse(str(value))
    except ValueError:
        raise StoredValueError(
            Text(
                sv=f"Fältet {field!r} har värdet {value!r}, som inte går att läsa som tid.",
                en=f"The field {field!r} holds {value!r}, which cannot be read as a time.",
            )
        ) from None


def decode_record(
    table: TableSpec, row: Mapping[str, SqlValue], geometry: BaseGeometry | None = None
) -> Record:
    """Return a stored row as typed values, with ``geometry`` for layers that have one."""
    record: Record = {name: decode_value(table, name, value) for name, value in row.items()}
    if table.geometry is not None:
        record["geometry"] = geometry
    return record


def decode_records(
    table: TableSpec,
    rows: Sequence[Mapping[str, SqlValue]],
    geometries: Sequence[BaseGeometry | None],
) -> list[Record]:
    """Return many stored rows (all with the same columns) as ``decode_record`` does.

    Each column decodes each distinct value once.
    """
    if not rows:
        return []
    names = list(rows[0])
    columns = []
    for name in names:
        spec = table.field(name)
        if spec is None or (spec.type in ("text", "binary") and spec.enum is None):
            columns.append([row[name] for row in rows])  # stored as they are typed
            continue
        cache: dict[tuple[type, SqlValue], Any] = {}
        column = []
        for value in [row[name] for row in rows]:
            key = (value.__class__, value)
            if key not in cache:
                cache[key] = decode_value(table, name, value)
            column.append(cache[key])
        columns.append(column)
    if table.geometry is not None:
        names.append("geometry")
        columns.append(list(geometries))
    return [dict(zip(names, values, strict=True)) for values in zip(*columns, strict=True)]
