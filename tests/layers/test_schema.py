"""Values are checked and coerced against the layer tables before anything is stored."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from shapely.geometry import LineString, Point

from gis.i18n import Text
from layers.catalog import AllowedValue, Catalog, FieldSpec
from layers.errors import CatalogError, FeatureValidationError
from layers.rules.changelog import inserted_entries, inserted_entry
from layers.rules.rows import NumberedRow, checked_rows
from layers.schema import (
    OBSERVATION_FIELDS,
    SYSTEM_LAYERS,
    coerce_record,
    coerce_value,
    table_for_category,
    tables_for_catalog,
)
from tests.builders import lighting

T = Text(sv="Fält", en="Field")
CET = timezone(timedelta(hours=1))


def field(kind: str, **options: object) -> FieldSpec:
    return FieldSpec("f", T, kind, **options)  # type: ignore[arg-type]


def a_lighting_record(**changes: object) -> dict[str, object]:
    record: dict[str, object] = {
        "uuid": "6f1c0c2e-0000-4000-8000-000000000001",
        "number": 1,
        "status": "new",
        "severity": 2,
        "observed_at": "2026-11-26T18:00+01:00",
        "created_at": datetime(2026, 11, 26, 17, 5, tzinfo=UTC),
        "updated_at": datetime(2026, 11, 26, 17, 5, tzinfo=UTC),
        "created_by": "Anna",
        "is_demo": False,
        "problem": "broken",
    }
    record.update(changes)
    return record


# --------------------------------------------------------------------- accepted values


@pytest.mark.parametrize(
    ("kind", "given", "stored"),
    [
        pytest.param("text", "  mörk gångväg ", "mörk gångväg", id="text is stripped"),
        pytest.param("integer", "3", 3, id="integer from text"),
        pytest.param("integer", " 7 ", 7, id="integer from text with spaces"),
        pytest.param("integer", 4, 4, id="integer"),
        pytest.param("integer", 5.0, 5, id="integer from a whole float"),
        pytest.param("real", "1,5", 1.5, id="real with Swedish decimal comma"),
        pytest.param("real", "-0,25", -0.25, id="negative real with decimal comma"),
        pytest.param("real", "2.75", 2.75, id="real with decimal point"),
        pytest.param("real", 2, 2.0, id="real from an integer"),
        pytest.param("boolean", "ja", 1, id="ja"),
        pytest.param("boolean", "Nej", 0, id="Nej"),
        pytest.param("boolean", "yes", 1, id="yes"),
        pytest.param("boolean", " NO ", 0, id="NO with spaces"),
        pytest.param("boolean", True, 1, id="True"),
        pytest.param("boolean", False, 0, id="False"),
        pytest.param("date", "2026-11-26", "2026-11-26", id="date from text"),
        pytest.param("date", date(2026, 1, 2), "2026-01-02", id="date"),
        pytest.param(
            "date", datetime(2026, 1, 2, 23, 59, tzinfo=CET), "2026-01-02", id="date part"
        ),
        pytest.param(
            "datetime",
            datetime(2026, 11, 26, 18, 5, 1, 234567, tzinfo=CET),
            "2026-11-26T17:05:01.234Z",
            id="aware datetime to UTC with milliseconds",
        ),
        pytest.param(
            "datetime",
            "2026-06-01T22:00+02:00",
            "2026-06-01T20:00:00.000Z",
            id="text with summer time offset",
        ),
        pytest.param(
            "datetime", "2026-11-26T18:00Z", "2026-11-26T18:00:00.000Z", id="text in UTC with Z"
        ),
        pytest.param(
            "datetime",
            datetime(2027, 1, 1, 0, 30, tzinfo=CET),
            "2026-12-31T23:30:00.000Z",
            id="UTC may be the day before",
        ),
    ],
)
def test_values_are_stored_in_their_column_type(kind: str, given: object, stored: object) -> None:
    result = coerce_value(field(kind), given)
    assert result == stored
    assert type(result) is type(stored)


def test_datetimes_are_stored_in_utc() -> None:
    stored = coerce_value(field("datetime"), datetime(2026, 7, 1, 12, tzinfo=UTC))
    assert stored == "2026-07-01T12:00:00.000Z"


@pytest.mark.parametrize("empty", [None, "", "   "])
@pytest.mark.parametrize("kind", ["text", "integer", "real", "boolean", "date", "datetime"])
def test_an_optional_field_left_empty_stores_null(kind: str, empty: object) -> None:
    assert coerce_value(field(kind), empty) is None


# --------------------------------------------------------------------- refused values


@pytest.mark.parametrize(
    ("kind", "given", "message"),
    [
        pytest.param("integer", "3.5", "'3.5' must be a whole number", id="3.5 as text"),
        pytest.param("integer", 3.5, "3.5 must be a whole number", id="3.5"),
        pytest.param("integer", True, "True must be a whole number", id="True"),
        pytest.param("integer", "1e3", "'1e3' must be a whole number", id="exponent"),
        pytest.param("integer", "three", "'three' must be a whole number", id="word"),
        pytest.param("real", "nan", "'nan' must be a finite number", id="nan as text"),
        pytest.param("real", "inf", "'inf' must be a finite number", id="inf as text"),
        pytest.param("real", "-inf", "'-inf' must be a finite number", id="-inf as text"),
        pytest.param("real", float("nan"), "nan must be a finite number", id="float nan"),
        pytest.param("real", True, "True must be a number", id="True as real"),
        pytest.param("real", "many", "'many' must be a number", id="word as real"),
        pytest.param("boolean", "kanske", "'kanske' must be yes or no", id="kanske"),
        pytest.param(
            "date", "26/11/2026", "'26/11/2026' must be a date YYYY-MM-DD", id="day first"
        ),
        pytest.param("date", "2026-13-01", "'2026-13-01' must be a date YYYY-MM-DD", id="month 13"),
        pytest.param(
            "datetime",
            "2026-11-26T18:00",
            "has no time zone; add e.g. +01:00 or Z",
            id="naive text",
        ),
        pytest.param(
            "datetime",
            datetime(2026, 11, 26, 18, 0),  # naive on purpose
            "has no time zone; add e.g. +01:00 or Z",
            id="naive datetime",
        ),
        pytest.param(
            "datetime",
            "igår kväll",
            "'igår kväll' must be a time YYYY-MM-DDTHH:MM+01:00",
            id="words",
        ),
        pytest.param("datetime", date(2026, 11, 26), "must be a point in time", id="a date"),
        pytest.param("text", 12, "12 must be text", id="number as text"),
    ],
)
def test_values_of_the_wrong_kind_are_refused_naming_field_and_value(
    kind: str, given: object, message: str
) -> None:
    with pytest.raises(FeatureValidationError, match=re.escape(message) + "$") as caught:
        coerce_value(field(kind), given)
    assert str(caught.value).startswith("Field 'f' (Field): value ")


def test_a_refused_value_is_explained_in_swedish_too() -> None:
    with pytest.raises(FeatureValidationError) as caught:
        coerce_value(field("integer"), "3.5")
    assert caught.value.message("sv") == "Fältet 'f' (Fält): värdet '3.5' ska vara ett heltal"


def test_a_time_without_time_zone_is_explained_in_swedish() -> None:
    with pytest.raises(FeatureValidationError) as caught:
        coerce_value(field("datetime"), datetime(2026, 11, 26, 18, 0))  # naive
    assert "saknar tidszon; ange t.ex. +01:00 eller Z" in caught.value.message("sv")


def test_a_time_typed_without_time_zone_is_quoted_as_typed() -> None:
    with pytest.raises(FeatureValidationError) as caught:
        coerce_value(field("datetime"), "2026-11-26T18:00")
    assert "value '2026-11-26T18:00' has no time zone" in str(caught.value)


def test_a_field_of_an_unknown_type_is_refused_naming_the_type_and_the_known_ones() -> None:
    message = "Field 'f' (Field) has an unknown type 'colour'; give one of: text, integer, real, "
    with pytest.raises(CatalogError, match=re.escape(message)) as caught:
        coerce_value(field("colour"), "red")
    assert "har en okänd typ 'colour'; ange en av: text" in caught.value.message("sv")


def test_allowed_values_are_listed_when_one_is_wrong() -> None:
    spec = field("text", values=(AllowedValue("a", T), AllowedValue("b", T)))
    assert coerce_value(spec, " b ") == "b"
    with pytest.raises(
        FeatureValidationError, match=r"value 'c' is not allowed; choose one of: a, b\."
    ) as e:
        coerce_value(spec, "c")
    assert "välj bland: a, b" in e.value.message("sv")


def test_severity_takes_the_levels_of_its_scale(catalog: Catalog) -> None:
    table = table_for_category(catalog.category("lighting"))
    severity = next(f for f in table.fields if f.name == "severity")
    assert coerce_value(severity, "3") == 3
    with pytest.raises(
        FeatureValidationError, match=r"value 4 is not allowed; choose one of: 1, 2, 3\."
    ):
        coerce_value(severity, 4)


def test_numbers_outside_min_and_max_are_refused_and_the_limits_are_included() -> None:
    spec = field("real", minimum=0, maximum=10)
    assert coerce_value(spec, "0") == 0.0
    assert coerce_value(spec, "10") == 10.0
    with pytest.raises(FeatureValidationError, match=r"value 10\.5 is above 10$"):
        coerce_value(spec, 10.5)
    with pytest.raises(FeatureValidationError, match=r"value -1 is below 0$") as caught:
        coerce_value(spec, -1)
    assert "är mindre än 0" in caught.value.message("sv")


def test_the_catalogs_limits_apply_to_integers_typed_as_text(catalog: Catalog) -> None:
    lamps = catalog.category("lighting").field("lamp_count")
    assert coerce_value(lamps, "500") == 500
    with pytest.raises(
        FeatureValidationError, match=r"'lamp_count' \(Number of lamps\): value '0'"
    ):
        coerce_value(lamps, "0")


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_required_fields_must_be_filled_in(empty: object) -> None:
    with pytest.raises(FeatureValidationError, match=r"^Field 'f' \(Field\) is required\.$") as e:
        coerce_value(field("text", required=True), empty)
    assert e.value.message("sv") == "Fältet 'f' (Fält) måste fyllas i."


def test_false_is_a_value_for_a_required_yes_no_field() -> None:
    assert coerce_value(field("boolean", required=True), False) == 0


# --------------------------------------------------------------------- whole records


def test_a_whole_record_is_coerced_field_by_field(catalog: Catalog) -> None:
    table = table_for_category(catalog.category("lighting"))
    row = coerce_record(table, a_lighting_record(lamp_count="2"))
    assert list(row) == list(table.field_names)
    assert row["observed_at"] == "2026-11-26T17:00:00.000Z"
    assert row["is_demo"] == 0
    assert row["lamp_count"] == 2
    assert row["description"] is None
    assert row["light_source"] is None


def test_unknown_keys_are_named(catalog: Catalog) -> None:
    table = table_for_category(catalog.category("litter"))
    with pytest.raises(
        FeatureValidationError, match=r"^Layer 'litter' has no field colour, size\. Fields: uuid, "
    ) as caught:
        coerce_record(table, {"size": 1, "colour": "red"})
    assert str(caught.value).endswith("litter_type, amount.")
    assert caught.value.message("sv").startswith("Lagret 'litter' har inga fält colour, size.")


def test_a_record_missing_a_required_field_names_it(catalog: Catalog) -> None:
    table = table_for_category(catalog.category("lighting"))
    record = a_lighting_record()
    del record["problem"]
    with pytest.raises(FeatureValidationError, match=r"Field 'problem' \(Problem\) is required"):
        coerce_record(table, record)


def test_a_record_with_a_wrong_value_names_the_field(catalog: Catalog) -> None:
    table = table_for_category(catalog.category("lighting"))
    with pytest.raises(
        FeatureValidationError, match=r"Field 'problem' \(Problem\): value 'flicker' is not allowed"
    ):
        coerce_record(table, a_lighting_record(problem="flicker"))


# --------------------------------------------------------------------- table layouts


def test_category_tables_hold_the_common_fields_then_their_own(catalog: Catalog) -> None:
    table = table_for_category(catalog.category("lighting"))
    common = [f.name for f in OBSERVATION_FIELDS]
    assert common[:3] == ["uuid", "number", "status"]
    assert list(table.field_names[: len(common)]) == common
    assert table.field_names[len(common) :] == ("problem", "light_source", "lamp_count")
    assert table.name == "lighting"
    assert (table.geometry, table.accepts) == ("Geometry", ("Point", "LineString"))
    assert table.sequence == "observation"
    severity = next(f for f in table.fields if f.name == "severity")
    assert severity.allowed == (1, 2, 3)


def test_a_category_without_severity_scale_has_an_unrestricted_severity_column(
    catalog: Catalog,
) -> None:
    table = table_for_category(catalog.category("positive"))
    severity = next(f for f in table.fields if f.name == "severity")
    assert severity.allowed == ()
    assert table.field_names[-1] == "quality"


def test_every_area_holds_the_system_layers_and_one_per_category(catalog: Catalog) -> None:
    tables = tables_for_catalog(catalog)
    names = [t.name for t in tables]
    kinds = ("lamps", "stops", "entrances", "schools", "other", "owners", "streets", "buildings")
    references = [f"reference_{kind}" for kind in kinds]
    analyses = ["analysis_hotspots", "analysis_dark"]
    system = [
        "area",
        "walks",
        "measures",
        "change_log",
        "photos",
        "measure_notes",
        *references,
        "indicators",
    ]
    system += [*analyses, "inbox", "open311_requests"]
    assert names[: len(system)] == system
    assert set(names[: len(system)]) == SYSTEM_LAYERS
    assert names[len(system) :] == list(catalog.names)
    assert len(set(names)) == len(names)


def test_the_system_layers_have_the_geometry_they_need(catalog: Catalog) -> None:
    geometry = {t.name: t.geometry for t in tables_for_catalog(catalog)}
    assert geometry["area"] == "MultiPolygon"
    assert geometry["walks"] == "LineString"
    assert geometry["measures"] is None
    assert geometry["change_log"] is None


def test_the_change_log_of_many_rows_is_each_rows_own_entry(catalog: Catalog) -> None:
    """Written a row at a time or many together, an insert's entry is the same text."""
    table = table_for_category(catalog.category("lighting"))
    rows: list[dict[str, object]] = [
        {"uuid": "a", "description": 'Åäö "citat" \n\\ 😀', "severity": 2, "problem": "dim"},
        {"uuid": None, "description": None, "severity": None, "problem": None},
        {"uuid": "c", "description": "", "severity": 1, "problem": "broken"},
    ]
    some = [Point(662_000.123, 6_581_000.456), None, LineString([(0, 0), (1.005, 1)])]
    every = [shape or Point(1, 2) for shape in some]  # the usual import's way
    masked = [{**row, "email": "boende@example.se"} for row in rows]
    for many, shapes in ((rows, some), (rows, every), (masked, some), (masked, every)):
        one = [inserted_entry("anna", table, {"fid": 7 + k, **row}, shape)
               for k, (row, shape) in enumerate(zip(many, shapes, strict=True))]  # fmt: skip
        together = inserted_entries("anna", table, many, shapes, fids=[7, 8, 9])
        assert [{**e, "at": None} for e in together] == [{**e, "at": None} for e in one]
    assert '"email": "***"' in str(together[0]["after"])
    # Checked rows numbered by the store: the checked text with the number put in.
    given = [lighting(uuid=f"u{k}", description='a "number": 1', severity=k + 1) for k in range(3)]
    checked, _ = checked_rows(table, list(zip(given, every, strict=True)))
    numbered = [NumberedRow(row, 40 + k) for k, row in enumerate(checked) if row is not None]
    assert [row.get("number") for row in checked if row is not None] == [1, 1, 1]
    together = inserted_entries("anna", table, numbered, every, fids=[7, 8, 9])
    one = [inserted_entry("anna", table, {"fid": 7 + k, **row}, shape)
           for k, (row, shape) in enumerate(zip(numbered, every, strict=True))]  # fmt: skip
    assert [{**e, "at": None} for e in together] == [{**e, "at": None} for e in one]
    assert '"number": 41' in str(together[1]["after"])
