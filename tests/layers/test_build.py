"""Creating area files from a template: the file GDAL per layer gave, without its syncs."""

from __future__ import annotations

import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pyogrio
import pytest
import shapely
from shapely.geometry import Point

from benchmarks.first_run import build_area_baseline
from gis.i18n import Text
from layers.catalog import Catalog, FieldSpec
from layers.errors import StoreError
from layers.gpkg import GeoPackageStore, build
from layers.gpkg.build import Templates, build_area, build_template
from layers.gpkg.gdal import expected_indexes
from layers.schema import tables_for_catalog
from layers.store import Area
from tests.builders import TEST_BOX

BOX = shapely.box(661_000, 6_580_000, 663_000, 6_582_000)
OTHER_BOX = shapely.box(670_000, 6_590_000, 671_000, 6_591_000)
TIMESTAMPS = {
    "gpkg_contents": {"last_change"},
    "layer_styles": {"update_time"},
    "area": {"created_at"},
    "change_log": {"at", "after"},  # "after" holds the area's created_at
}
"""Columns that differ between two builds of one area only because time passed."""


def rows(path: Path, query: str, *params: object) -> list[tuple[object, ...]]:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute(query, params).fetchall()


def file_contents(path: Path) -> dict[str, object]:
    """Everything in an area file but its timestamps: schema, gpkg_* rows, styles, rows."""
    with closing(sqlite3.connect(path)) as connection:
        contents: dict[str, object] = {
            pragma: connection.execute(f"PRAGMA {pragma}").fetchone()[0]
            for pragma in ("application_id", "user_version", "journal_mode", "page_size")
        }
        contents["sqlite_master"] = sorted(
            connection.execute("SELECT type, name, tbl_name, sql FROM sqlite_master")
        )
        tables = [
            name
            for (name,) in connection.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'gpkg_%' "
                "OR name IN ('layer_styles', 'safewalk_meta', 'sqlite_sequence', 'area', "
                "'change_log', 'rtree_area_geom'))"
            )
        ]
        for table in tables:
            cursor = connection.execute(f'SELECT * FROM "{table}"')
            names = [column[0] for column in cursor.description]
            kept = [i for i, name in enumerate(names) if name not in TIMESTAMPS.get(table, ())]
            contents[table] = sorted((tuple(row[i] for i in kept) for row in cursor), key=repr)
    return contents


@pytest.fixture(scope="module")
def old_and_new(tmp_path_factory: pytest.TempPathFactory, catalog: Catalog) -> tuple[Path, Path]:
    """The same area made the old way (GDAL per layer) and the new way (template copy)."""
    tables = tables_for_catalog(catalog)
    area = Area("test", "Test", BOX, source="tests")
    old = tmp_path_factory.mktemp("old") / "test.gpkg"
    new = tmp_path_factory.mktemp("new") / "test.gpkg"
    build_area_baseline(old, area, catalog, tables, actor="tests")
    build_area(new, area, catalog, tables, actor="tests", templates=Templates())
    return old, new


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    path = tmp_path / "workspace"
    path.mkdir()
    return path


@pytest.fixture
def unset_gdal_sync() -> Iterator[None]:
    yield
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": None})


def add(folder: Path, slug: str, catalog: Catalog, templates: Templates) -> Path:
    path = folder / f"{slug}.gpkg"
    area = Area(slug, slug.title(), BOX)
    build_area(path, area, catalog, tables_for_catalog(catalog), actor="tests", templates=templates)
    return path


def test_a_new_area_file_holds_what_the_old_way_gave_but_timestamps(
    old_and_new: tuple[Path, Path],
) -> None:
    old, new = old_and_new
    assert file_contents(new) == file_contents(old)


def test_every_layer_has_its_spatial_index_count_triggers_style_and_indexes(
    old_and_new: tuple[Path, Path], catalog: Catalog
) -> None:
    _, path = old_and_new
    names = {name for (name,) in rows(path, "SELECT name FROM sqlite_master")}
    styled = {name for (name,) in rows(path, "SELECT f_table_name FROM layer_styles")}
    counted = dict(rows(path, "SELECT table_name, feature_count FROM gpkg_ogr_contents"))
    for table in tables_for_catalog(catalog):
        assert f"trigger_insert_feature_count_{table.name}" in names
        assert f"trigger_delete_feature_count_{table.name}" in names
        assert counted[table.name] == (1 if table.name in {"area", "change_log"} else 0)
        assert {index for index, _, _ in expected_indexes(table)} <= names
        if table.geometry is not None:
            assert f"rtree_{table.name}_geom" in names
            assert table.name in styled
    assert rows(path, "PRAGMA journal_mode") == [("wal",)]
    assert dict(rows(path, "SELECT key, value FROM safewalk_meta")) == {
        "schema_version": "1",
        "area": "test",
    }
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {table.name for table in tables_for_catalog(catalog)} | {"layer_styles"} == layers


def test_the_area_is_dated_when_it_is_made_not_when_its_template_was(
    folder: Path, catalog: Catalog
) -> None:
    templates = Templates()
    first = add(folder, "first", catalog, templates)
    second = add(folder, "second", catalog, templates)
    for path in (first, second):
        (created,) = rows(path, "SELECT created_at FROM area")[0]
        (oldest,) = rows(path, "SELECT min(last_change) FROM gpkg_contents")[0]
        assert isinstance(oldest, str)
        assert isinstance(created, str)
        assert oldest >= created
        assert set(rows(path, "SELECT update_time FROM layer_styles")) == {(created,)}
    assert rows(first, "SELECT created_at FROM area") != rows(second, "SELECT created_at FROM area")


def test_a_template_is_rebuilt_when_the_catalog_gains_a_category_or_field(
    folder: Path, catalog: Catalog
) -> None:
    templates = Templates()
    add(folder, "first", catalog, templates)
    add(folder, "second", catalog, templates)
    assert templates.builds == 1
    dark_path = replace(
        catalog.category("lighting"), name="dark_path", title=Text(sv="Mörk stig", en="Dark path")
    )
    with_category = replace(catalog, categories=(*catalog.categories, dark_path))
    path = add(folder, "third", with_category, templates)
    assert templates.builds == 2
    assert ("dark_path",) in rows(path, "SELECT f_table_name FROM layer_styles")
    colour = FieldSpec("lamp_colour", Text(sv="Ljusfärg", en="Lamp colour"), "text")
    with_field = replace(
        catalog,
        categories=tuple(
            replace(spec, fields=(*spec.fields, colour)) if spec.name == "lighting" else spec
            for spec in catalog.categories
        ),
    )
    path = add(folder, "fourth", with_field, templates)
    assert templates.builds == 3
    assert "lamp_colour" in {row[1] for row in rows(path, "PRAGMA table_info(lighting)")}
    assert "dark_path" not in {name for (name,) in rows(path, "SELECT name FROM sqlite_master")}


def test_catalogs_that_say_the_same_share_a_template(
    folder: Path, catalog: Catalog, tmp_path: Path
) -> None:
    templates = Templates()
    add(folder, "first", catalog, templates)
    elsewhere = replace(catalog, source=tmp_path / "catalog.toml")
    add(folder, "second", elsewhere, templates)
    assert templates.builds == 1


def test_a_failure_half_way_leaves_no_file_behind(
    folder: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing_insert(*args: object, **kwargs: object) -> None:
        message = "disk I/O error"
        raise sqlite3.OperationalError(message)

    monkeypatch.setattr(build, "insert_row", failing_insert)
    with pytest.raises(StoreError, match="could not be read or written: disk I/O error"):
        add(folder, "test", catalog, Templates())
    assert list(folder.iterdir()) == []


def test_the_second_of_two_builders_of_one_area_is_refused_and_leaves_nothing_behind(
    folder: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    final = folder / "test.gpkg"
    tables = tables_for_catalog(catalog)
    real_fsync = build._fsync
    raced: list[Path] = []

    def another_builder_links_first(path: Path) -> None:
        real_fsync(path)
        if not raced:
            raced.append(path)
            build_area(final, Area("test", "Winner", OTHER_BOX), catalog, tables, actor="b")

    monkeypatch.setattr(build, "_fsync", another_builder_links_first)
    with pytest.raises(StoreError, match="already exists"):
        build_area(final, Area("test", "Loser", BOX), catalog, tables, actor="a")
    assert [p.name for p in folder.iterdir()] == ["test.gpkg"]
    assert rows(final, "SELECT name FROM area") == [("Winner",)]


def test_an_area_file_is_synced_once_and_its_folder_once(
    folder: Path, catalog: Catalog, monkeypatch: pytest.MonkeyPatch
) -> None:
    templates = Templates()
    templates.image(catalog, tables_for_catalog(catalog))
    synced: list[int] = []
    monkeypatch.setattr(os, "fsync", synced.append)
    add(folder, "test", catalog, templates)
    assert len(synced) == 2


def test_two_areas_built_in_a_row_share_nothing(tmp_path: Path, catalog: Catalog) -> None:
    store = GeoPackageStore(tmp_path / "store", catalog)
    now = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)
    values = {
        "status": "new",
        "problem": "broken",
        "observed_at": now,
        "created_at": now,
        "updated_at": now,
        "created_by": "tests",
        "is_demo": False,
    }
    stored = {}
    for slug, box in (("first", BOX), ("second", OTHER_BOX)):
        store.add_area(Area(slug, slug.title(), box), actor="tests")
        point = box.centroid
        stored[slug] = store.append(slug, "lighting", values, point, actor="tests")
        path = store.path(slug)
        area_extent = rows(path, "SELECT min_x, min_y, max_x, max_y FROM gpkg_contents "
                                 "WHERE table_name = 'area'")  # fmt: skip
        assert area_extent == [box.bounds]
        assert rows(path, "SELECT count(*) FROM rtree_area_geom") == [(1,)]
        assert rows(path, "SELECT count(*) FROM rtree_lighting_geom") == [(1,)]
        assert rows(path, "SELECT layer, count(*) FROM change_log GROUP BY layer") == [
            ("area", 1),
            ("lighting", 1),
        ]
        assert rows(path, "SELECT value FROM safewalk_meta WHERE key = 'area'") == [(slug,)]
        assert store.read_layer(slug, "lighting").geometry.iloc[0].equals(Point(point))
    assert stored["first"]["number"] == stored["second"]["number"] == 1
    assert stored["first"]["uuid"] != stored["second"]["uuid"]
    assert store.check() == []


def test_building_a_template_puts_gdal_config_back_as_it_was(
    catalog: Catalog, unset_gdal_sync: None
) -> None:
    pyogrio.set_gdal_config_options({"OGR_SQLITE_SYNCHRONOUS": "NORMAL"})
    build_template(catalog, tables_for_catalog(catalog))
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_SYNCHRONOUS") == "NORMAL"
    assert pyogrio.get_gdal_config_option("OGR_SQLITE_JOURNAL") is None


def test_partial_files_a_crash_left_behind_are_swept_when_the_workspace_opens(
    tmp_path: Path, catalog: Catalog
) -> None:
    store = GeoPackageStore(tmp_path / "ws", catalog)
    store.add_area(Area("test", "Test", TEST_BOX), actor="tests")
    stale = tmp_path / "ws" / ".test.123.abcd.partial.gpkg"
    os.link(store.path("test"), stale)  # a crash between linking and clean-up
    fresh = tmp_path / "ws" / ".other.456.ef01.partial.gpkg"
    fresh.write_bytes(b"being built")
    hour_ago = time.time() - 3700
    os.utime(stale, (hour_ago, hour_ago))
    GeoPackageStore(tmp_path / "ws", catalog)
    assert (stale.exists(), fresh.exists()) == (False, True)
    assert [a.slug for a in GeoPackageStore(tmp_path / "ws", catalog).areas()] == ["test"]
