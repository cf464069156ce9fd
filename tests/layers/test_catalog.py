"""The layer catalog file: what ships, and the messages a district gets for mistakes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from layers.catalog import DEFAULT_CATALOG_PATH, Catalog
from layers.errors import CatalogError, UnknownLayerError
from layers.schema import load_layer_catalog

SHIPPED = DEFAULT_CATALOG_PATH.read_text(encoding="utf-8")
MINIMAL = """
[[layer]]
name = "lighting"
title = { sv = "Belysning", en = "Lighting" }
geometry = "Point"
style = { colour = "#E69F00", marker = "star" }
"""


def load(tmp_path: Path, text: str) -> Catalog:
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    return load_layer_catalog(path)


def test_the_shipped_catalog_has_the_eleven_categories(catalog: Catalog) -> None:
    assert catalog.names == (
        "lighting", "vegetation", "graffiti", "crime_place", "litter", "park_upkeep",
        "winter_maintenance", "passage", "social_unsafe", "positive", "other",
    )  # fmt: skip


def test_every_category_has_its_own_marker_so_black_and_white_prints_work(
    catalog: Catalog,
) -> None:
    markers = [spec.style.marker for spec in catalog.categories]
    assert len(set(markers)) == len(markers)
    assert all(re.fullmatch(r"#[0-9A-F]{6}", spec.style.colour) for spec in catalog.categories)


def test_every_text_exists_in_swedish_and_english(catalog: Catalog) -> None:
    for spec in catalog.categories:
        assert spec.title.sv
        assert spec.title.en
        for field in spec.fields:
            assert field.title.sv
            assert field.title.en
            assert all(v.title.sv and v.title.en for v in field.values)


def test_positive_places_have_no_severity_and_problems_do(catalog: Catalog) -> None:
    assert catalog.category("positive").severity is None
    severity = catalog.category("lighting").severity
    assert severity is not None
    assert [level.value for level in severity.levels] == [1, 2, 3]


def test_categories_have_fields_that_fit_them(catalog: Catalog) -> None:
    assert catalog.category("lighting").field("problem").allowed == (
        "broken", "dim", "missing", "glare",
    )  # fmt: skip
    assert catalog.category("vegetation").field("blocks_sightline").type == "boolean"
    assert catalog.category("graffiti").field("area_m2").unit == "m²"
    assert catalog.category("crime_place").field("time_of_day").required is False


def test_an_unknown_category_lists_the_valid_ones(catalog: Catalog) -> None:
    with pytest.raises(UnknownLayerError, match=r"Unknown category 'nope'\. Valid categories: li"):
        catalog.category("nope")


def test_a_district_adds_a_category_by_editing_the_file(tmp_path: Path) -> None:
    text = (
        SHIPPED
        + """
[[layer]]
name = "dark_path"
title = { sv = "Mörk gångväg", en = "Dark footpath" }
geometry = "LineString"
severity = "default"
style = { colour = "#000000", marker = "circle" }
"""
    )
    catalog = load(tmp_path, text)
    assert catalog.names[-1] == "dark_path"
    assert catalog.category("dark_path").geometry == "LineString"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[layer]\nname = 1", r"is not valid TOML"),
        ("[severity.default]\nlevels = [{ value = 1, sv = 'L', en = 'L' }]\n", r"no categories"),
        (MINIMAL + MINIMAL, r"layer 'lighting': the name is used twice"),
        (MINIMAL.replace('"lighting"', '"Dark Path"'), r"name 'Dark Path' must be lower-case"),
        (MINIMAL.replace('"Point"', '"Circle"'), r"geometry 'Circle' must be one of Point"),
        (MINIMAL + 'severity = "harsh"\n', r"unknown severity scale 'harsh'"),
        (MINIMAL.replace("#E69F00", "orange"), r"colour 'orange' must be written #RRGGBB"),
        (MINIMAL.replace('"star"', '"blob"'), r"marker 'blob' must be one of circle"),
        (
            MINIMAL.replace('"walks"', "x").replace('"lighting"', '"walks"'),
            r"layer 'walks': the name is reserved",
        ),
        (MINIMAL.replace('en = "Lighting"', "en = 3"), r"title must be \{ sv"),
        (
            MINIMAL
            + '[[layer.field]]\nname = "x"\ntitle = { sv = "X", en = "X" }\ntype = "float"\n',
            r"field 'x': type 'float' must be one of text",
        ),
        (
            MINIMAL + '[[layer.field]]\nname = "status"\ntitle = { sv = "S", en = "S" }\n'
            'type = "text"\n',
            r"field 'status': the name is reserved",
        ),
        (
            MINIMAL + '[[layer.field]]\nname = "k"\ntitle = { sv = "K", en = "K" }\ntype = "text"\n'
            'values = [{ value = "a", sv = "A", en = "A" }, { value = "a", sv = "B", en = "B" }]\n',
            r"field 'k': a value is listed twice",
        ),
        (
            MINIMAL + '[[layer.field]]\nname = "k"\ntitle = { sv = "K", en = "K" }\ntype = "real"\n'
            'min = "low"\n',
            r"min and max must be numbers",
        ),
    ],
)
def test_a_broken_catalog_names_file_entry_and_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CatalogError, match=message) as caught:
        load(tmp_path, text)
    assert str(tmp_path / "catalog.toml") in str(caught.value)
    assert caught.value.message("sv").startswith("Katalogfilen")


def test_a_missing_catalog_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"catalog file .*missing\.toml does not exist"):
        load_layer_catalog(tmp_path / "missing.toml")
