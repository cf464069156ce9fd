"""Values are checked and coerced against the layer tables before anything is stored."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from gis.i18n import Text
from layers.catalog import AllowedValue, Catalog, FieldSpec
from layers.errors import FeatureValidationError
from layers.schema import (
    OBSERVATION_FIELDS,
    coerce_record,
    coerce_value,
    table_for_category,
    tables_for_catalog,
)

T = Text(sv="Fält", en="Field")


def field(kind: str, **options: object) -> FieldSpec:
    return FieldSpec("f", T, kind, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "given", "stored"),
    [
        ("text", "  mörk gångväg ", "mörk gångväg"),
        ("integer", "3", 3),
        ("integer", 4, 4),
        ("integer", 5.0, 5),
        ("real", "1,5", 1.5),
        ("real", 2, 2.0),
        ("boolean", "ja", 1),
        ("boolean", "Nej", 0),
        ("boolean", "yes", 1),
        ("boolean", True, 1),
        ("date", "2026-11-26", "2026-11-26"),
        ("date", date(2026, 1, 2), "2026-01-02"),
        (
            "datetime",
            datetime(2026, 11, 26, 18, 5, 1, 234567, tzinfo=timezone(timedelta(hours=1))),
            "2026-11-26T17:05:01.234Z",
        ),
        ("datetime", "2026-06-01T22:00+02:00", "2026-06-01T20:00:00.000Z"),
    ],
)
def test_values_are_stored_in_their_column_type(kind: str, given: object, stored: object) -> None:
    assert coerce_value(field(kind), given) == stored


@pytest.mark.parametrize(
    ("kind", "given", "message"),
    [
        ("integer", "3.5", "must be a whole number"),
        ("integer", True, "must be a whole number"),
        ("real", "nan", "must be a finite number"),
        ("real", "inf", "must be a finite number"),
        ("real", "many", "must be a number"),
        ("boolean", "kanske", "must be yes or no"),
        ("date", "26/11/2026", "must be a date YYYY-MM-DD"),
        ("datetime", "2026-11-26T18:00", "has no time zone; add e.g. \\+01:00 or Z"),
        ("text", 12, "must be text"),
    ],
)
def test_values_of_the_wrong_kind_are_refused(kind: str, given: object, message: str) -> None:
    with pytest.raises(FeatureValidationError, match=message):
        coerce_value(field(kind), given)


def test_allowed_values_are_listed_when_one_is_wrong() -> None:
    spec = field("text", values=(AllowedValue("a", T), AllowedValue("b", T)))
    with pytest.raises(
        FeatureValidationError, match=r"'c' is not allowed; choose one of: a, b\."
    ) as e:
        coerce_value(spec, "c")
    assert "välj bland: a, b" in e.value.message("sv")


def test_numbers_outside_min_and_max_are_refused() -> None:
    spec = field("real", minimum=0, maximum=10)
    assert coerce_value(spec, "10") == 10.0
    with pytest.raises(FeatureValidationError, match="is above 10"):
        coerce_value(spec, 10.5)
    with pytest.raises(FeatureValidationError, match="is below 0"):
        coerce_value(spec, -1)


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_required_fields_must_be_filled_in(empty: object) -> None:
    assert coerce_value(field("text"), empty) is None
    with pytest.raises(FeatureValidationError, match=r"Field 'f' \(Field\) is required\."):
        coerce_value(field("text", required=True), empty)


def test_unknown_keys_are_named(catalog: Catalog) -> None:
    table = table_for_category(catalog.category("litter"))
    with pytest.raises(FeatureValidationError, match="Layer 'litter' has no field colour, size"):
        coerce_record(table, {"size": 1, "colour": "red"})


def test_category_tables_hold_the_common_fields_then_their_own(catalog: Catalog) -> None:
    table = table_for_category(catalog.category("lighting"))
    common = [f.name for f in OBSERVATION_FIELDS]
    assert list(table.field_names[: len(common)]) == common
    assert table.field_names[len(common) :] == ("problem", "light_source", "lamp_count")
    assert table.sequence == "observation"
    severity = next(f for f in table.fields if f.name == "severity")
    assert severity.allowed == (1, 2, 3)


def test_every_area_holds_the_system_layers_and_one_per_category(catalog: Catalog) -> None:
    names = [t.name for t in tables_for_catalog(catalog)]
    assert names[:4] == ["area", "walks", "measures", "change_log"]
    assert names[4:] == list(catalog.names)


def test_datetimes_are_stored_in_utc() -> None:
    stored = coerce_value(field("datetime"), datetime(2026, 7, 1, 12, tzinfo=UTC))
    assert stored == "2026-07-01T12:00:00.000Z"
