"""Rules every store backend applies alike: area ids, geometries, rows in, typed records out.

A backend stores what these functions return and draws the ``number`` of a layer with a
sequence inside its write transaction; everything else about a row is decided here, so
the GeoPackage and any database backend accept and refuse exactly the same input.
"""

from __future__ import annotations

import json
import re
import uuid as uuid_module
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime
from typing import Any, Final, TypeVar

import numpy as np
import shapely
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from gis.i18n import Text
from layers.errors import (
    FeatureValidationError,
    StoredValueError,
    StoreError,
    UnknownLayerError,
)
from layers.records import Area, Query, Record
from layers.schema import (
    CHILD_TABLES,
    SqlValue,
    TableSpec,
    check_field_names,
    coerce_record,
    datetime_to_text,
)

T = TypeVar("T")

SLUG: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
"""An area id: lower-case ASCII letters, digits and hyphens (file and schema safe)."""


def check_slug(slug: str) -> str:
    """Return ``slug`` if it is a valid area id, else raise ``StoreError`` saying what is."""
    if not SLUG.match(slug):
        raise StoreError(
            Text(
                sv=f"Ogiltigt område-id {slug!r}: använd a–z, 0–9 och bindestreck.",
                en=f"Invalid area id {slug!r}: use a–z, 0–9 and hyphens.",
            )
        )
    return slug


def area_exists_error(slug: str) -> StoreError:
    """Return the error for adding an area whose id is taken."""
    return StoreError(
        Text(
            sv=f"Området {slug!r} finns redan i arbetsytan.",
            en=f"The area {slug!r} already exists in the workspace.",
        )
    )


def area_boundary(area: Area) -> MultiPolygon:
    """Return an area's boundary as the MultiPolygon every backend stores."""
    boundary = area.boundary
    if isinstance(boundary, MultiPolygon):
        return boundary
    if boundary.geom_type == "Polygon":
        return MultiPolygon([boundary])
    raise FeatureValidationError(
        Text(
            sv=f"Områdesgränsen ska vara en polygon, inte {boundary.geom_type}.",
            en=f"The area boundary must be a polygon, not {boundary.geom_type}.",
        )
    )


def check_geometry(table: TableSpec, geometry: BaseGeometry | None) -> None:
    """Refuse a geometry that the layer cannot hold: missing, wrong type, invalid, not finite.

    Raises
    ------
    FeatureValidationError
        Naming the layer and what is wrong.
    """
    if geometry is None:
        # Only a walk's planned route (a line) may be left out.
        if table.geometry is not None and table.geometry != "LineString":
            raise FeatureValidationError(
                Text(
                    sv=f"Lagret {table.name!r} kräver en position.",
                    en=f"Layer {table.name!r} needs a position.",
                )
            )
        return
    if table.geometry is None:
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} har ingen geometri.",
                en=f"Layer {table.name!r} has no geometry.",
            )
        )
    if table.accepts and geometry.geom_type not in table.accepts:
        kinds = ", ".join(table.accepts)
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} tar geometri av typerna {kinds}, "
                f"inte {geometry.geom_type}.",
                en=f"Layer {table.name!r} takes {kinds} geometry, not {geometry.geom_type}.",
            )
        )
    if table.geometry != "Geometry" and geometry.geom_type != table.geometry:
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} tar geometri av typen {table.geometry}, "
                f"inte {geometry.geom_type}.",
                en=f"Layer {table.name!r} takes {table.geometry} geometry, "
                f"not {geometry.geom_type}.",
            )
        )
    finite = bool(np.isfinite(shapely.get_coordinates(geometry)).all())
    if geometry.is_empty or not shapely.is_valid(geometry) or not finite:
        reason = shapely.is_valid_reason(geometry)
        raise FeatureValidationError(
            Text(
                sv=f"Ogiltig geometri för lagret {table.name!r}: {reason}.",
                en=f"Invalid geometry for layer {table.name!r}: {reason}.",
            )
        )


def prepare_row(
    table: TableSpec, values: Mapping[str, object], geometry: BaseGeometry | None
) -> dict[str, SqlValue]:
    """Return the row to store for ``values``: every field coerced, a new UUID if none given.

    For a layer with a number sequence the returned ``number`` is a placeholder: the
    backend draws the real one inside its write transaction, so numbers are never
    given out twice and a failed write uses none (any ``number`` given is ignored).

    Raises
    ------
    FeatureValidationError
        A value or the geometry does not fit the layer.
    """
    record = dict(values)
    if "uuid" in table.field_names:
        record.setdefault("uuid", str(uuid_module.uuid4()))
    if table.sequence is not None:
        record["number"] = 1
    row = coerce_record(table, record)
    check_geometry(table, geometry)
    return row


def copied_row(table: TableSpec, record: Mapping[str, object]) -> dict[str, SqlValue]:
    """Return a record read from another store as the row to store here, number kept.

    Every field is coerced and checked as on insert; the ``fid`` is left to this store.
    """
    values = {name: record.get(name) for name in table.field_names}
    row = coerce_record(table, values)
    check_geometry(table, record.get("geometry") if table.geometry else None)
    return row


def query_columns(table: TableSpec, query: Query) -> tuple[str, ...]:
    """Return the attribute columns ``query`` asks for; refuse names the layer does not have."""
    names = table.field_names if query.columns is None else query.columns
    check_field_names(table, names)
    return names


def duplicate_uuid_error(layer: str, uuid: object) -> FeatureValidationError:
    """Return the error for a feature whose UUID its layer already holds."""
    return FeatureValidationError(
        Text(
            sv=f"Lagret {layer!r} har redan ett objekt med uuid {uuid!r}; utelämna uuid så "
            "skapas ett nytt.",
            en=f"Layer {layer!r} already has a feature with uuid {uuid!r}; leave uuid out and a "
            "new one is made.",
        )
    )


def child_table(name: str) -> TableSpec:
    """Return the table of rows that belong to a feature (``photos``)."""
    for table in CHILD_TABLES:
        if table.name == name:
            return table
    raise UnknownLayerError(name=name, valid=", ".join(t.name for t in CHILD_TABLES))


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
        "before": None if before is None else json.dumps(before, ensure_ascii=False, default=str),
        "after": None if after is None else json.dumps(after, ensure_ascii=False, default=str),
    }


def inserted_entry(
    actor: str, table: TableSpec, row: Mapping[str, Any], geometry: BaseGeometry | None
) -> dict[str, SqlValue]:
    """Return the change-log row for inserting ``row`` (with its ``fid``) into ``table``."""
    after = record_for_log(row)
    if geometry is not None:
        after["geometry"] = shapely.to_wkt(geometry, rounding_precision=2)
    return change_entry(actor, "insert", table.name, row.get("uuid"), None, after)


def deleted_entry(actor: str, table: TableSpec, row: Mapping[str, Any]) -> dict[str, SqlValue]:
    """Return the change-log row for deleting ``row`` (as it was stored) from ``table``."""
    return change_entry(actor, "delete", table.name, row.get("uuid"), record_for_log(row), None)


FIXED_FIELDS: Final = frozenset({"uuid", "number", "created_at", "created_by"})
"""Fields a feature keeps for good: ``Store.update`` refuses to change them."""


def updated_row(
    table: TableSpec, stored: Mapping[str, SqlValue], changes: Mapping[str, object]
) -> tuple[dict[str, SqlValue], dict[str, SqlValue]]:
    """Return the stored row with ``changes`` made, and its old values of what changed.

    Both as SQL values, only the fields whose value changes; ``updated_at`` (where the
    layer has it) is set to now unless ``changes`` gives it, and only when anything else
    changes. The whole row is validated as on insert.

    Raises
    ------
    FeatureValidationError
        A field the layer does not have, one of ``FIXED_FIELDS``, or a value that does not
        fit.
    """
    check_field_names(table, changes)
    fixed = sorted(FIXED_FIELDS & set(changes))
    if fixed:
        raise FeatureValidationError(
            Text(
                sv=f"Fälten {', '.join(fixed)} kan inte ändras i efterhand.",
                en=f"The fields {', '.join(fixed)} cannot be changed afterwards.",
            )
        )
    current = {name: stored.get(name) for name in table.field_names}
    merged = coerce_record(table, {**current, **changes})
    new = {name: value for name, value in merged.items() if value != current[name]}
    if new and "updated_at" in table.field_names and "updated_at" not in changes:
        new["updated_at"] = datetime_to_text(datetime.now(UTC))
    return new, {name: current[name] for name in new}


def updated_entry(
    actor: str,
    table: TableSpec,
    uuid: object,
    before: Mapping[str, Any],
    after: Mapping[str, Any],
) -> dict[str, SqlValue]:
    """Return the change-log row for changing some values of feature ``uuid`` (old → new)."""
    return change_entry(actor, "update", table.name, uuid, dict(before), dict(after))


def no_such_feature_error(layer: str, uuid: str) -> StoreError:
    """Return the error for a feature that is not (or no longer) in ``layer``."""
    return StoreError(
        Text(
            sv=f"Lagret {layer!r} har inget objekt {uuid}: det kan ha tagits bort.",
            en=f"Layer {layer!r} has no feature {uuid}: it may have been removed.",
        )
    )


def area_values(area: Area, created_at: datetime) -> dict[str, object]:
    """Return the values of an area's boundary row."""
    return {
        "slug": area.slug,
        "name": area.name,
        "source": area.source,
        "is_demo": area.is_demo,
        "created_at": created_at,
    }


def record_for_log(record: Mapping[str, Any]) -> dict[str, Any]:
    """Return the values of a record worth keeping in the change log (no blobs, no geometry)."""
    return {
        k: v
        for k, v in record.items()
        if k not in ("geom", "geometry") and not isinstance(v, bytes)
    }
