"""Rules every store backend applies alike: area ids, geometries, rows in, typed records out.

A backend stores what these functions return and draws the ``number`` of a layer with a
sequence inside its write transaction; everything else about a row is decided here, so
the GeoPackage and any database backend accept and refuse exactly the same input.
"""

from __future__ import annotations

import json
import operator
import re
import uuid as uuid_module
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
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
from layers.frames import values_to_objects
from layers.records import Area, AreaCopy, Query, Record
from layers.schema import (
    AREA_LAYER,
    CHILD_TABLES,
    SqlValue,
    TableSpec,
    check_field_names,
    coerce_record,
    coerce_records,
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


def row_values(table: TableSpec, values: Mapping[str, object]) -> dict[str, object]:
    """Return the values of a new row before coercion: the one place that fills them in.

    A layer with UUIDs gets a new one where none is given, whether the key is missing or
    its value is None; a layer with a number sequence gets a placeholder number (the
    backend draws the real one inside its write transaction).
    """
    record = dict(values)
    if "uuid" in table.field_names and record.get("uuid") is None:
        record["uuid"] = str(uuid_module.uuid4())
    if table.sequence is not None:
        record["number"] = 1
    return record


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
    row = coerce_record(table, row_values(table, values))
    check_geometry(table, geometry)
    return row


def prepare_rows(
    table: TableSpec, features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]]
) -> list[dict[str, SqlValue]]:
    """Return the rows to store for many features, as ``prepare_row`` would one by one.

    Raises
    ------
    FeatureValidationError
        The first feature, in order, whose values or geometry do not fit the layer.
    """
    rows, errors = checked_rows(table, features)
    if errors:
        raise errors[min(errors)]
    return [row for row in rows if row is not None]


def checked_rows(
    table: TableSpec, features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]]
) -> tuple[list[dict[str, SqlValue] | None], dict[int, FeatureValidationError]]:
    """Return the row to store for each feature (None if refused), and why each is refused.

    As ``prepare_row`` one by one, but values are coerced once per distinct value of a
    field and the geometries tested together: a bulk write spends little time per row.
    """
    rows, errors = coerce_records(table, [row_values(table, values) for values, _ in features])
    refused = geometry_refusals(table, [geometry for _, geometry in features])
    for k, error in refused.items():
        errors.setdefault(k, error)
        rows[k] = None
    return rows, errors


def geometry_refusals(
    table: TableSpec, geometries: Sequence[BaseGeometry | None]
) -> dict[int, FeatureValidationError]:
    """Return, by index, why ``check_geometry`` refuses each geometry it refuses.

    The usual case (present, of the layer's kind, valid, finite) is tested for all at
    once; only the others are checked one by one, for the message.
    """
    array = values_to_objects(geometries)
    kinds = table.accepts or (() if table.geometry in (None, "Geometry") else (table.geometry,))
    missing = shapely.is_missing(array)
    fine = missing if table.geometry is None else ~missing
    if kinds:
        fine &= np.isin(shapely.get_type_id(array), [_TYPE_IDS[kind] for kind in kinds])
    fine &= ~shapely.is_empty(array) & shapely.is_valid(array)
    coordinates, index = shapely.get_coordinates(array, return_index=True)
    fine[index[~np.isfinite(coordinates).all(axis=1)]] = False
    refusals = {}
    for k in np.flatnonzero(~fine).tolist():
        try:
            check_geometry(table, array[k])
        except FeatureValidationError as error:
            refusals[k] = error
    return refusals


_TYPE_IDS: Final = {
    "Point": 0, "LineString": 1, "Polygon": 3, "MultiPoint": 4, "MultiLineString": 5,
    "MultiPolygon": 6, "GeometryCollection": 7,
}  # fmt: skip
"""``shapely.get_type_id`` of each geometry type a layer names."""


def rows_by_table(
    table: TableSpec, geometries: Sequence[BaseGeometry | None]
) -> list[tuple[TableSpec, list[int]]]:
    """Return the tables of ``table`` that store ``geometries``, each with their indexes.

    Geometries already checked (``check_geometry``): a category's points, lines and
    areas go to their parts (``TableSpec.part_for``), in the order of the parts; every
    row of a layer without parts goes to the layer itself.
    """
    if not table.parts:
        return [(table, list(range(len(geometries))))]
    kinds = shapely.get_type_id(values_to_objects(geometries))
    return [
        (part, np.flatnonzero(kinds == _TYPE_IDS[str(part.geometry)]).tolist())
        for part in table.parts
    ]


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
        "before": None if before is None else _to_json(before),
        "after": None if after is None else _to_json(after),
    }


_to_json: Final = json.JSONEncoder(ensure_ascii=False, default=str).encode
"""Values as the change log keeps them: JSON, anything else as text."""


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
            "after": _to_json(after),
        })  # fmt: skip
    return entries


def deleted_entry(actor: str, table: TableSpec, row: Mapping[str, Any]) -> dict[str, SqlValue]:
    """Return the change-log row for deleting ``row`` (as it was stored) from ``table``."""
    return change_entry(
        actor, "delete", table.layer_name, row.get("uuid"), record_for_log(row), None
    )


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
    return change_entry(actor, "update", table.layer_name, uuid, dict(before), dict(after))


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
