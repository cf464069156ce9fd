"""The layer catalog file: what ships, and the messages a district gets for mistakes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from layers.catalog import DEFAULT_CATALOG_PATH, MARKERS, Catalog
from layers.errors import CatalogError, UnknownLayerError
from layers.schema import (
    OBSERVATION_FIELDS,
    category_tables,
    load_layer_catalog,
    table_for_category,
)

SHIPPED = DEFAULT_CATALOG_PATH.read_text(encoding="utf-8")
ELEVEN = (
    "lighting", "vegetation", "graffiti", "crime_place", "litter", "park_upkeep",
    "winter_maintenance", "passage", "social_unsafe", "positive", "other",
)  # fmt: skip
MINIMAL = """
[[layer]]
name = "lighting"
title = { sv = "Belysning", en = "Lighting" }
geometry = "Point"
style = { colour = "#E69F00", marker = "star" }
"""
SEVERITY = """
[severity.default]
levels = [{ value = 1, sv = "Låg", en = "Low" }, { value = 2, sv = "Hög", en = "High" }]
"""


def with_field(body: str, name: str = "k") -> str:
    """MINIMAL with one [[layer.field]] called ``name`` whose remaining lines are ``body``."""
    return f'{MINIMAL}\n[[layer.field]]\nname = "{name}"\n{body}\n'


def load(tmp_path: Path, text: str) -> Catalog:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return load_layer_catalog(path)


# --------------------------------------------------------------------- the shipped catalog


def test_the_shipped_catalog_has_the_eleven_categories(catalog: Catalog) -> None:
    assert catalog.names == ELEVEN


def test_the_shipped_catalog_is_the_default_file() -> None:
    catalog = load_layer_catalog()
    assert catalog.source == DEFAULT_CATALOG_PATH
    assert catalog.names == ELEVEN


def test_every_category_has_its_own_marker_so_black_and_white_prints_work(
    catalog: Catalog,
) -> None:
    markers = [spec.style.marker for spec in catalog.categories]
    assert len(set(markers)) == len(markers) == 11
    assert set(markers) <= set(MARKERS)


def test_every_colour_is_written_hash_rrggbb(catalog: Catalog) -> None:
    for spec in catalog.categories:
        assert re.fullmatch(r"#[0-9A-F]{6}", spec.style.colour), spec.name


def test_every_text_exists_in_swedish_and_english(catalog: Catalog) -> None:
    for spec in catalog.categories:
        assert spec.title.sv
        assert spec.title.en
        assert spec.description.sv
        assert spec.description.en
        for field in spec.fields:
            assert field.title.sv
            assert field.title.en
            assert all(v.title.sv and v.title.en for v in field.values)


def test_every_category_takes_points_and_some_take_lines_or_areas(catalog: Catalog) -> None:
    assert {spec.geometry for spec in catalog.categories} == {"Point"}
    assert catalog.category("lighting").accepts == ("Point", "LineString")  # a dark path
    assert catalog.category("vegetation").accepts == ("Point", "Polygon")  # an overgrown slope
    assert catalog.category("other").accepts == ("Point", "LineString", "Polygon")


def test_a_category_lists_the_kinds_of_geometry_it_takes_its_usual_one_first(
    tmp_path: Path,
) -> None:
    text = MINIMAL.replace(
        'geometry = "Point"\n', 'geometry = "Point"\ngeometries = ["LineString", "Point"]\n'
    )
    assert load(tmp_path, text).category("lighting").accepts == ("Point", "LineString")
    assert load(tmp_path, MINIMAL).category("lighting").accepts == ("Point",)


def test_positive_places_have_no_severity_and_problems_do(catalog: Catalog) -> None:
    assert catalog.category("positive").severity is None
    severity = catalog.category("lighting").severity
    assert severity is not None
    assert [level.value for level in severity.levels] == [1, 2, 3]
    assert [level.title.en for level in severity.levels] == ["Low", "Medium", "High"]


def test_categories_have_fields_that_fit_them(catalog: Catalog) -> None:
    assert catalog.category("lighting").field("problem").allowed == (
        "broken", "dim", "missing", "glare",
    )  # fmt: skip
    assert catalog.category("lighting").field("problem").required is True
    lamps = catalog.category("lighting").field("lamp_count")
    assert (lamps.type, lamps.minimum, lamps.maximum) == ("integer", 1, 500)
    assert catalog.category("vegetation").field("blocks_sightline").type == "boolean"
    assert catalog.category("graffiti").field("area_m2").unit == "m²"
    assert catalog.category("crime_place").field("time_of_day").required is False


def test_a_field_the_category_does_not_have_is_a_key_error(catalog: Catalog) -> None:
    with pytest.raises(KeyError, match="colour"):
        catalog.category("litter").field("colour")


def test_an_unknown_category_lists_the_valid_ones(catalog: Catalog) -> None:
    valid = ", ".join(ELEVEN)
    with pytest.raises(
        UnknownLayerError, match=re.escape(f"Unknown category 'nope'. Valid categories: {valid}.")
    ) as caught:
        catalog.category("nope")
    assert caught.value.message("sv") == f"Okänd kategori 'nope'. Giltiga kategorier: {valid}."


# --------------------------------------------------------------------- a district's own catalog


def test_a_district_adds_a_category_by_editing_a_copy_of_the_file(tmp_path: Path) -> None:
    text = (
        SHIPPED
        + """
[[layer]]
name = "dark_path"
title = { sv = "Mörk gångväg", en = "Dark footpath" }
geometry = "LineString"
severity = "default"
style = { colour = "#332288", marker = "equilateral_triangle" }

[[layer.field]]
name = "length_m"
title = { sv = "Längd", en = "Length" }
type = "real"
unit = "m"
min = 0
"""
    )
    catalog = load(tmp_path, text)
    assert catalog.source == tmp_path / "catalog.toml"
    assert catalog.names == (*ELEVEN, "dark_path")
    dark_path = catalog.category("dark_path")
    assert dark_path.geometry == "LineString"
    assert dark_path.title.sv == "Mörk gångväg"
    assert dark_path.severity is not None
    assert dark_path.field("length_m").minimum == 0
    table = table_for_category(dark_path)
    assert table.field_names == (*(f.name for f in OBSERVATION_FIELDS), "length_m")


def test_a_colour_in_lower_case_is_accepted_and_stored_in_upper_case(tmp_path: Path) -> None:
    catalog = load(tmp_path, MINIMAL.replace("#E69F00", "#e69f00"))
    assert catalog.category("lighting").style.colour == "#E69F00"


def test_a_category_is_internal_only_when_the_file_says_so(tmp_path: Path) -> None:
    assert not load(tmp_path, MINIMAL).category("lighting").internal
    internal = MINIMAL.replace('name = "lighting"', 'name = "lighting"\ninternal = true')
    assert load(tmp_path, internal).category("lighting").internal
    wrong = MINIMAL.replace('name = "lighting"', 'name = "lighting"\ninternal = "yes"')
    with pytest.raises(CatalogError, match="internal must be true or false"):
        load(tmp_path, wrong)


def test_geometry_defaults_to_point_and_description_is_optional(tmp_path: Path) -> None:
    spec = load(tmp_path, MINIMAL.replace('geometry = "Point"\n', "")).category("lighting")
    assert spec.geometry == "Point"
    assert (spec.description.sv, spec.description.en) == ("", "")


# --------------------------------------------------------------------- mistakes in the file

FIELD_TITLE = 'title = { sv = "K", en = "K" }'


@pytest.mark.parametrize(
    ("text", "entry", "problem"),
    [
        pytest.param(
            SEVERITY, "[[layer]]", "no categories defined", id="no layers, only a severity scale"
        ),
        pytest.param("", "[[layer]]", "no categories defined", id="empty file"),
        pytest.param(
            MINIMAL.replace("[[layer]]", "[layer]"),
            "[[layer]]",
            "no categories defined",
            id="single brackets around layer",
        ),
        pytest.param(
            MINIMAL + MINIMAL, "layer 'lighting'", "the name is used twice", id="duplicate layer"
        ),
        pytest.param(
            MINIMAL.replace('"lighting"', '"Dark Path"'),
            "layer #1",
            "name 'Dark Path' must be lower-case a–z, digits and _ (e.g. dark_passage)",
            id="layer name with capitals and a space",
        ),
        pytest.param(
            MINIMAL + MINIMAL.replace('"lighting"', '"mörk_väg"'),
            "layer #2",
            "name 'mörk_väg' must be lower-case a–z",
            id="layer name with Swedish letters, second entry",
        ),
        pytest.param(
            MINIMAL.replace('name = "lighting"\n', ""),
            "layer #1",
            "name None must be lower-case",
            id="layer without a name",
        ),
        pytest.param(
            MINIMAL.replace('geometry = "Point"\n', 'geometry = "Point"\ngeometries = ["Line"]\n'),
            "layer 'lighting'",
            "geometries ['Line'] must be a list without repeats of Point, LineString, Polygon",
            id="unknown kind of geometry",
        ),
        pytest.param(
            MINIMAL.replace(
                'geometry = "Point"\n', 'geometry = "Point"\ngeometries = ["LineString"]\n'
            ),
            "layer 'lighting'",
            "geometries ['LineString'] must be a list without repeats of Point, LineString, "
            "Polygon, holding geometry (Point)",
            id="the usual geometry left out",
        ),
        pytest.param(
            MINIMAL.replace('geometry = "Point"\n', 'geometry = "Point"\ngeometries = "Point"\n'),
            "layer 'lighting'",
            "geometries 'Point' must be a list",
            id="geometries not a list",
        ),
        pytest.param(
            MINIMAL.replace('"Point"', '"Circle"'),
            "layer 'lighting'",
            "geometry 'Circle' must be one of Point, LineString, Polygon",
            id="unknown geometry",
        ),
        pytest.param(
            MINIMAL.replace('"Point"', '"MultiPolygon"'),
            "layer 'lighting'",
            "geometry 'MultiPolygon' must be one of Point, LineString, Polygon",
            id="geometry only areas use",
        ),
        pytest.param(
            SEVERITY + MINIMAL + 'severity = "harsh"\n',
            "layer 'lighting'",
            "unknown severity scale 'harsh'; define it as [severity.harsh]",
            id="unknown severity scale",
        ),
        pytest.param(
            MINIMAL.replace("#E69F00", "orange"),
            "layer 'lighting'",
            "colour 'orange' must be written #RRGGBB",
            id="colour by name",
        ),
        pytest.param(
            MINIMAL.replace("#E69F00", "#FFF"),
            "layer 'lighting'",
            "colour '#FFF' must be written #RRGGBB",
            id="short colour",
        ),
        pytest.param(
            MINIMAL.replace('"star"', '"blob"'),
            "layer 'lighting'",
            "marker 'blob' must be one of circle, square, triangle, diamond, star,",
            id="unknown marker",
        ),
        pytest.param(
            MINIMAL.replace('style = { colour = "#E69F00", marker = "star" }\n', ""),
            "layer 'lighting'",
            'style is missing: { colour = "#RRGGBB", marker = "circle" }',
            id="no style",
        ),
        pytest.param(
            MINIMAL.replace('"lighting"', '"walks"'),
            "layer 'walks'",
            "the name is reserved by safewalk",
            id="layer named like the walks layer",
        ),
        pytest.param(
            MINIMAL.replace('"lighting"', '"change_log"'),
            "layer 'change_log'",
            "the name is reserved by safewalk",
            id="layer named like the change log",
        ),
        pytest.param(
            MINIMAL.replace('sv = "Belysning", ', ""),
            "layer 'lighting'",
            'title must be { sv = "…", en = "…" }',
            id="title without Swedish",
        ),
        pytest.param(
            MINIMAL.replace(', en = "Lighting"', ""),
            "layer 'lighting'",
            'title must be { sv = "…", en = "…" }',
            id="title without English",
        ),
        pytest.param(
            MINIMAL.replace('en = "Lighting"', "en = 3"),
            "layer 'lighting'",
            'title must be { sv = "…", en = "…" }',
            id="English title not text",
        ),
        pytest.param(
            MINIMAL.replace('title = { sv = "Belysning", en = "Lighting" }\n', ""),
            "layer 'lighting'",
            'title must be { sv = "…", en = "…" }',
            id="no title",
        ),
        pytest.param(
            MINIMAL + 'description = { sv = "Bara svenska" }\n',
            "layer 'lighting'",
            'description must be { sv = "…", en = "…" }',
            id="description without English",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "float"', name="x"),
            "layer 'lighting', field 'x'",
            "type 'float' must be one of text, integer, real, boolean, date, datetime",
            id="bad field type",
        ),
        pytest.param(
            with_field(FIELD_TITLE),
            "layer 'lighting', field 'k'",
            "type None must be one of text",
            id="field without type",
        ),
        pytest.param(
            with_field('type = "text"'),
            "layer 'lighting', field 'k'",
            'title must be { sv = "…", en = "…" }',
            id="field without title",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "text"', name="Kind"),
            "layer 'lighting', field #1",
            "name 'Kind' must be lower-case",
            id="bad field name",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "text"', name="status"),
            "layer 'lighting', field 'status'",
            "the name is reserved for the fields every observation has",
            id="field named like the common status field",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "text"', name="observed_at"),
            "layer 'lighting', field 'observed_at'",
            "the name is reserved for the fields every observation has",
            id="field named like the common observed_at field",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "text"', name="geom"),
            "layer 'lighting', field 'geom'",
            "the name is reserved",
            id="field named geom",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "text"')
            + f'\n[[layer.field]]\nname = "k"\n{FIELD_TITLE}\ntype = "real"\n',
            "layer 'lighting'",
            "a field name is used twice",
            id="duplicate field",
        ),
        pytest.param(
            with_field(
                f'{FIELD_TITLE}\ntype = "text"\nvalues = [{{ value = "a", sv = "A", en = "A" }}, '
                '{ value = "a", sv = "B", en = "B" }]'
            ),
            "layer 'lighting', field 'k'",
            "a value is listed twice",
            id="duplicate allowed value",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "text"\nvalues = []'),
            "layer 'lighting', field 'k'",
            "values/levels must be a list of { value, sv, en }",
            id="empty list of allowed values",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "text"\nvalues = ["a", "b"]'),
            "layer 'lighting', field 'k'",
            "invalid value 'a'; write { value, sv, en }",
            id="allowed values without titles",
        ),
        pytest.param(
            SEVERITY.replace("value = 2", "value = 1") + MINIMAL,
            "[severity.default]",
            "a value is listed twice",
            id="duplicate severity level",
        ),
        pytest.param(
            "[severity.default]\n" + MINIMAL,
            "[severity.default]",
            "values/levels must be a list of { value, sv, en }",
            id="severity scale without levels",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "real"\nmin = "low"'),
            "layer 'lighting', field 'k'",
            "min and max must be numbers",
            id="min not a number",
        ),
        pytest.param(
            with_field(f'{FIELD_TITLE}\ntype = "integer"\nmax = true'),
            "layer 'lighting', field 'k'",
            "min and max must be numbers",
            id="max a boolean",
        ),
    ],
)
def test_a_broken_catalog_names_the_file_the_entry_and_the_problem(
    tmp_path: Path, text: str, entry: str, problem: str
) -> None:
    path = tmp_path / "catalog.toml"
    with pytest.raises(
        CatalogError, match=re.escape(f"Catalog file {path}, {entry}: {problem}")
    ) as e:
        load(tmp_path, text)
    assert e.value.message("sv").startswith(f"Katalogfilen {path}, {entry}: ")


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("[[layer]\nname = 1", id="unclosed bracket"),
        pytest.param(MINIMAL.replace('name = "lighting"', "name = lighting"), id="unquoted text"),
        pytest.param(MINIMAL + MINIMAL.split("[[layer]]")[1], id="key given twice"),
    ],
)
def test_a_file_that_is_not_toml_is_named_with_the_parsers_reason(
    tmp_path: Path, text: str
) -> None:
    path = tmp_path / "catalog.toml"
    with pytest.raises(
        CatalogError,
        match=re.escape(f"The catalog file {path} is not valid TOML: ") + r".*line \d+",
    ) as caught:
        load(tmp_path, text)
    assert caught.value.message("sv").startswith(f"Katalogfilen {path} är inte giltig TOML: ")


def test_a_missing_catalog_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"catalog file .*missing\.toml does not exist") as e:
        load_layer_catalog(tmp_path / "missing.toml")
    assert e.value.message("sv") == f"Katalogfilen {tmp_path / 'missing.toml'} finns inte."


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('severity = "default"\n' + MINIMAL, id="layer key written above [[layer]]"),
        pytest.param("[severity]\ndefault = 3\n" + MINIMAL, id="scale that is a number"),
    ],
)
def test_a_severity_section_that_is_not_a_table_is_a_catalog_error(
    tmp_path: Path, text: str
) -> None:
    with pytest.raises(CatalogError, match=re.escape(str(tmp_path / "catalog.toml"))):
        load(tmp_path, text)


@pytest.mark.parametrize(
    "name", ["safewalk_meta", "layer_styles", "gpkg_contents", "sqlite_stat1", "rtree_area_geom"]
)
def test_a_layer_named_like_a_table_the_geopackage_already_holds_is_refused(
    tmp_path: Path, name: str
) -> None:
    with pytest.raises(CatalogError, match=f"layer '{name}'"):
        load(tmp_path, MINIMAL.replace('"lighting"', f'"{name}"'))


def test_an_allowed_value_without_an_english_title_is_named_in_the_message(
    tmp_path: Path,
) -> None:
    text = with_field(f'{FIELD_TITLE}\ntype = "text"\nvalues = [{{ value = "a", sv = "A" }}]')
    with pytest.raises(CatalogError, match="layer 'lighting', field 'k'") as caught:
        load(tmp_path, text)
    assert ": t must be" not in str(caught.value)
    assert "'a'" in str(caught.value)


@pytest.mark.parametrize(
    ("field_type", "value"),
    [
        pytest.param("text", "1", id="number on a text field"),
        pytest.param("integer", '"1"', id="text on an integer field"),
    ],
)
def test_allowed_values_of_the_wrong_type_for_their_field_are_refused(
    tmp_path: Path, field_type: str, value: str
) -> None:
    values = f'values = [{{ value = {value}, sv = "A", en = "A" }}]'
    text = with_field(f'{FIELD_TITLE}\ntype = "{field_type}"\n{values}')
    with pytest.raises(CatalogError, match="layer 'lighting', field 'k'"):
        load(tmp_path, text)


# ------------------------------------------------------- a category's tables by kind

SECOND = """
[[layer]]
name = "lighting_line"
title = { sv = "Linjer", en = "Lines" }
style = { colour = "#000000", marker = "circle" }
"""


def test_a_category_of_several_kinds_has_a_typed_table_per_kind(catalog: Catalog) -> None:
    passage = table_for_category(catalog.category("passage"))
    assert [(t.name, t.geometry) for t in passage.physical] == [
        ("passage", "Point"), ("passage_line", "LineString"),
    ]  # fmt: skip
    assert category_tables(catalog.category("other")) == (
        ("other", "Point"), ("other_line", "LineString"), ("other_area", "Polygon"),
    )  # fmt: skip
    assert {t.layer_name for t in passage.physical} == {"passage"}


def test_a_category_named_like_another_categorys_table_is_refused(tmp_path: Path) -> None:
    lines = MINIMAL.replace('geometry = "Point"', 'geometry = "Point"\ngeometries = ["Point", '
                            '"LineString"]')  # fmt: skip
    with pytest.raises(CatalogError, match="the table 'lighting_line' clashes with the layer"):
        load(tmp_path, lines + SECOND)
    assert load(tmp_path, MINIMAL + SECOND).names == ("lighting", "lighting_line")


def test_a_table_name_too_long_for_a_database_is_refused(tmp_path: Path) -> None:
    long_name = "a" * 60
    text = MINIMAL.replace('"lighting"', f'"{long_name}"').replace(
        'geometry = "Point"', 'geometry = "Point"\ngeometries = ["Point", "Polygon"]'
    )
    with pytest.raises(CatalogError, match=f"the table name '{long_name}_area' is longer"):
        load(tmp_path, text)


def test_a_category_named_like_a_reference_layers_table_is_refused(tmp_path: Path) -> None:
    text = MINIMAL.replace('"lighting"', '"reference_schools_area"')
    with pytest.raises(CatalogError, match="'reference_schools_area': the name is reserved"):
        load(tmp_path, text)
