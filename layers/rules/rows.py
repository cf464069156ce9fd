"""Rows in: the values of a new or changed row, coerced and checked against its layer."""

from __future__ import annotations

import uuid as uuid_module
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Final, NoReturn, TypeVar

from shapely.geometry.base import BaseGeometry

from gis.i18n import Text
from layers.errors import (
    FeatureValidationError,
    UnknownLayerError,
    duplicate_uuid_error,
)
from layers.records import Query, TimeWindow
from layers.rules.geometry import check_geometry, geometry_refusals
from layers.schema import (
    CHILD_TABLES,
    SqlValue,
    TableSpec,
    check_field_names,
    coerce_columns,
    coerce_given_columns,
    coerce_record,
    datetime_to_text,
)

_Read = TypeVar("_Read")


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


def given_uuids(features: Sequence[tuple[Mapping[str, object], object]]) -> frozenset[str]:
    """Return the UUIDs the caller gave for new rows (``row_values`` makes the others).

    Only these can already be held by another table of a category: a new UUID is new
    everywhere, so a write checks the other tables for given ones alone.
    """
    return frozenset(str(v["uuid"]) for v, _ in features if v.get("uuid") is not None)


class GivenUuids(Collection[str]):
    """``given_uuids`` of some features, worked out when first asked (often never)."""

    def __init__(self, features: Sequence[tuple[Mapping[str, object], object]]) -> None:
        self._features = features
        self._uuids: frozenset[str] | None = None

    def _given(self) -> frozenset[str]:
        if self._uuids is None:
            self._uuids = given_uuids(self._features)
        return self._uuids

    def __contains__(self, uuid: object) -> bool:
        return uuid in self._given()

    def __iter__(self) -> Iterator[str]:
        return iter(self._given())

    def __len__(self) -> int:
        return len(self._given())


def uuid_lookups(
    table: TableSpec,
    groups: Sequence[tuple[TableSpec, Sequence[SqlValue]]],
    *,
    check: Collection[object] | None = None,
) -> list[tuple[TableSpec, list[SqlValue]]]:
    """Return which UUIDs to look for in which other table of a category, before a write.

    ``groups``: each part of ``table`` with the UUIDs bound for it. Each part's own unique
    index refuses a UUID that part holds already; a UUID bound for one part may not be
    held by another, nor be given twice. ``check``: the UUIDs that can clash at all
    (``given_uuids``: a new one is new everywhere); None, every one (a pasted copy).

    Raises
    ------
    FeatureValidationError
        A UUID given twice in the write.
    """
    wanted = [(part, [u for u in uuids if check is None or u in check]) for part, uuids in groups]
    given = [uuid for _, uuids in wanted for uuid in uuids]
    repeated = [uuid for uuid, count in Counter(given).items() if count > 1]
    if repeated:
        raise duplicate_uuid_error(table.layer_name, repeated[0])
    return [
        (other, uuids)
        for part, uuids in wanted
        if uuids
        for other in table.parts
        if other is not part
    ]


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
) -> list[CheckedRow]:
    """Return the rows to store for many features, as ``prepare_row`` would one by one.

    Features given as the ``CheckedRow`` that ``checked_rows`` made of them for this
    layer and geometry are not checked again. The rows cannot be changed: the number a
    row gets goes in a copy.

    Raises
    ------
    FeatureValidationError
        The first feature, in order, whose values or geometry do not fit the layer.
    """
    checked = _checked_already(table, features)
    if checked is not None:
        return checked
    rows, errors = checked_rows(table, features)
    if errors:
        raise errors[min(errors)]
    return [row for row in rows if row is not None]


class CheckedRow(dict[str, SqlValue]):
    """A row to store as ``checked_rows`` made it: every field coerced and checked.

    It knows the layer and the geometry it was checked with, so a write of it with that
    geometry to that layer need not check it again (``prepare_rows``); it cannot be
    changed, since a changed row would be one nobody checked.
    """

    __slots__ = ("geometry", "logged", "table")

    def __init__(
        self, values: Iterable[tuple[str, SqlValue]], table: TableSpec, geometry: object
    ) -> None:
        super().__init__(values)
        self.table = table
        self.geometry = geometry
        self.logged: str | None = None
        """The row as the change log writes it, once made (``changelog.logged_text``)."""

    def __reduce__(self) -> tuple[object, ...]:
        return (CheckedRow, (list(self.items()), self.table, self.geometry))

    def _unchangeable(self, *_: object, **__: object) -> NoReturn:
        msg = "a checked row cannot be changed: copy it with dict(row)"
        raise TypeError(msg)

    __setitem__ = __delitem__ = _unchangeable
    clear = pop = popitem = setdefault = update = __ior__ = _unchangeable


class NumberedRow(dict[str, SqlValue]):
    """A ``CheckedRow`` with the number its backend drew for it (``checked``: the row)."""

    __slots__ = ("checked",)

    def __init__(self, checked: Mapping[str, SqlValue], number: int) -> None:
        super().__init__(checked)
        self["number"] = number
        self.checked = checked


def _checked_already(
    table: TableSpec, features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]]
) -> list[CheckedRow] | None:
    """Return the features' rows if each is a ``CheckedRow`` of ``table`` and its geometry."""
    rows: list[CheckedRow] = []
    last: TableSpec | None = None
    for values, geometry in features:
        if type(values) is not CheckedRow or values.geometry is not geometry:
            return None
        if values.table is not last:  # rows checked together share their table
            last = values.table
            if last is not table and last != table:
                return None
        rows.append(values)
    return rows


def checked_rows(
    table: TableSpec, features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]]
) -> tuple[list[CheckedRow | None], dict[int, FeatureValidationError]]:
    """Return the row to store for each feature (None if refused), and why each is refused.

    As ``prepare_row`` one by one, but values are coerced once per distinct value of a
    field and the geometries tested together: a bulk write spends little time per row.
    """
    records: Sequence[Mapping[str, object]] = [values for values, _ in features]
    fixed: dict[str, object] = {}
    if "uuid" in table.field_names and any(v.get("uuid") is None for v in records):
        records = [row_values(table, values) for values in records]
    elif table.sequence is not None:
        fixed["number"] = 1  # what ``row_values`` gives: the backend draws the number
    columns, errors = coerce_columns(table, records, fixed=fixed)
    return _checked(table, columns, errors, [geometry for _, geometry in features]), errors


def checked_columns(
    table: TableSpec,
    columns: Mapping[str, Sequence[object]],
    geometries: Sequence[BaseGeometry | None],
) -> tuple[list[CheckedRow | None], dict[int, FeatureValidationError]]:
    """Return ``checked_rows`` of features given as columns: field → each one's value.

    A value None is a feature not naming the field; every feature gives its UUID.
    """
    fixed: dict[str, object] = {"number": 1} if table.sequence is not None else {}
    values, errors = coerce_given_columns(table, columns, len(geometries), fixed=fixed)
    return _checked(table, values, errors, geometries), errors


def _checked(
    table: TableSpec,
    columns: list[list[SqlValue]],
    errors: dict[int, FeatureValidationError],
    geometries: Sequence[BaseGeometry | None],
) -> list[CheckedRow | None]:
    """Return each feature's ``CheckedRow`` of its coerced values, None for the refused.

    The geometries are checked here, their refusals added to ``errors``.
    """
    for k, error in geometry_refusals(table, geometries).items():
        errors.setdefault(k, error)
    fields = table.field_names
    return [
        None if k in errors else CheckedRow(zip(fields, values, strict=True), table, geometry)
        for k, (values, geometry) in enumerate(
            zip(zip(*columns, strict=True), geometries, strict=True)
        )
    ]


def query_columns(table: TableSpec, query: Query) -> tuple[str, ...]:
    """Return the attribute columns ``query`` asks for; refuse names the layer does not have.

    A time window on a field that holds no times, and a negative limit, are refused too.
    """
    names = table.field_names if query.columns is None else query.columns
    check_field_names(table, names)
    if query.during is not None:
        check_field_names(table, [query.during.column])
        spec = table.field(query.during.column)
        if spec is None or spec.type != "datetime":
            raise FeatureValidationError(
                Text(
                    sv=f"Fältet {query.during.column!r} i {table.name!r} håller inga tider.",
                    en=f"The field {query.during.column!r} of {table.name!r} holds no times.",
                )
            )
    if query.limit is not None and query.limit < 0:
        raise FeatureValidationError(
            Text(sv=f"Ogiltig gräns {query.limit}.", en=f"Invalid limit {query.limit}.")
        )
    return names


def window_texts(window: TimeWindow) -> tuple[str | None, str | None]:
    """Return a time window's ends as stored DATETIME texts, inside the window.

    Times are stored to the millisecond: the start is rounded up to one, the end down.
    """
    start = end = None
    if window.start is not None:
        ceiling = window.start + timedelta(microseconds=(-window.start.microsecond) % 1000)
        start = datetime_to_text(ceiling)
    if window.end is not None:
        end = datetime_to_text(window.end)
    return start, end


def read_parts(
    parts: Sequence[TableSpec],
    query: Query,
    read: Callable[[TableSpec, Query], _Read],
    size: Callable[[_Read], int],
) -> list[_Read]:
    """Return ``read(part, query)`` of each table of a layer, in order, sharing the limit.

    ``size`` says how many features a result holds (``len``; ``int`` for counts): each
    next part may read what is left of ``query.limit`` (the parts' fids lie in ascending
    ranges, so these are the first in fid order). With ``query.kind`` only the part of
    that kind is read (the first, to read nothing, when none is).
    """
    if query.kind is not None:  # the tables of other kinds hold none: not read at all
        parts = [part for part in parts if part.geometry == query.kind] or list(parts[:1])
    results = []
    left = query.limit
    for part in parts:
        result = read(part, query if left is None else replace(query, limit=left))
        results.append(result)
        if left is not None:
            left = max(0, left - size(result))
    return results


def child_table(name: str) -> TableSpec:
    """Return the table of rows that belong to a feature (``photos``)."""
    for table in CHILD_TABLES:
        if table.name == name:
            return table
    raise UnknownLayerError(name=name, valid=", ".join(t.name for t in CHILD_TABLES))


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
