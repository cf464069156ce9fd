"""Area files made before each kind of geometry had a typed table of its own, upgraded.

``data/mixed-v1.gpkg`` (categories) and ``data/reference-v1.gpkg`` (reference layers of
any kind) were written by the store of that time (see ``data/README.md``).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pyogrio
import pytest
import shapely
from shapely.geometry import MultiLineString

from gis.gpkg import geometry_to_gpkg, gpkg_to_geometry, register_gpkg_functions
from layers.catalog import Catalog
from layers.errors import StoreError
from layers.gpkg import GeoPackageStore
from layers.schema import category_tables
from tests.builders import lighting
from tests.layers.old_files import FIXTURE, REFERENCE_FIXTURE, old_workspace

TYPES = {"POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon",
         "MULTIPOLYGON": "MultiPolygon"}  # fmt: skip
"""The geometry type pyogrio reports for each type a table is declared with."""


def u(n: int) -> str:
    return f"00000000-0000-4000-8000-{n:012d}"


def assert_every_spatial_layer_typed_in_sweref(path: Path) -> None:
    typed = dict(rows(path, "SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    for name, _ in pyogrio.list_layers(path):
        if name not in typed:
            continue
        info = pyogrio.read_info(path, layer=name)
        assert info["crs"] == "EPSG:3006", name
        assert info["geometry_type"] == TYPES[typed[name]], name


def rows(path: Path, sql: str) -> list[Any]:
    connection = sqlite3.connect(path)
    try:
        return connection.execute(sql).fetchall()
    finally:
        connection.close()


def test_an_old_file_has_a_table_per_kind_typed_in_sweref_after_opening(
    tmp_path: Path, catalog: Catalog
) -> None:
    root = old_workspace(tmp_path)
    GeoPackageStore(root, catalog)
    path = root / "old.gpkg"
    typed = dict(rows(path, "SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    for spec in catalog.categories:
        for name, kind in category_tables(spec):
            assert typed[name] == kind.upper(), name
    assert_every_spatial_layer_typed_in_sweref(path)
    declared = rows(path, "SELECT sql FROM sqlite_master WHERE name = 'lighting'")[0][0]
    assert '"geom" POINT' in declared


def test_every_feature_keeps_its_uuid_number_times_photos_and_log(
    tmp_path: Path, catalog: Catalog
) -> None:
    root = old_workspace(tmp_path)
    before = {
        layer: rows(FIXTURE, f'SELECT * FROM "{layer}" ORDER BY fid')
        for layer in ("lighting", "other", "vegetation", "change_log", "photos")
    }
    store = GeoPackageStore(root, catalog)
    path = root / "old.gpkg"

    def columns(layer: str) -> str:  # the file's own: the upgrade adds the catalog's new ones
        named = rows(FIXTURE, f'SELECT name FROM pragma_table_info("{layer}")')
        return ", ".join(f'"{name}"' for (name,) in named)

    after = {
        name: rows(path, f'SELECT {columns(name.split("_")[0] if name != "change_log" else name)} '
                         f'FROM "{name}" ORDER BY fid')
        for name in ("lighting", "lighting_line", "other", "other_line", "other_area",
                     "vegetation", "vegetation_area", "change_log", "photos")
    }  # fmt: skip
    assert rows(path, "SELECT count(*) FROM pragma_table_info('lighting') "
                      "WHERE name = 'origin'") == [(1,)]  # fmt: skip
    # Tables the file never had are added, empty: the requests sent to the city's system.
    assert rows(path, "SELECT count(*) FROM open311_requests") == [(0,)]
    assert store.feature_counts("old")["open311_requests"] == 0
    assert after["lighting"] + after["lighting_line"] == [before["lighting"][k] for k in (0, 2, 1)]
    assert after["other"] + after["other_line"] + after["other_area"] == before["other"]
    assert (after["vegetation"], after["vegetation_area"]) == ([], before["vegetation"])
    assert after["change_log"] == before["change_log"]
    assert after["photos"] == before["photos"]
    records = store.read_records("old", "lighting")
    assert [(r["uuid"], r["number"], r["geometry"].geom_type) for r in records] == [
        (u(1), 1, "Point"), (u(3), 3, "Point"), (u(2), 2, "LineString"),
    ]  # fmt: skip
    assert store.read_photos("old", [u(2)])[0].layer == "lighting"
    assert store.feature_counts("old")["other"] == 3
    assert store.check() == []
    # The spatial indexes follow the rows.
    assert rows(path, "SELECT id FROM rtree_lighting_geom ORDER BY id") == [(1,), (3,)]
    assert rows(path, "SELECT id FROM rtree_lighting_line_geom") == [(2,)]
    # Numbers go on after the last one drawn (8, deleted); updates and deletes find lines.
    added = store.append("old", "lighting", lighting(), records[1]["geometry"], actor="tests")
    assert added["number"] == 9
    store.update("old", "other", u(6), {"status": "resolved"}, actor="tests")
    assert store.delete("old", "other", [u(7)], actor="tests") == 1
    assert [r["uuid"] for r in store.read_records("old", "other")] == [u(5), u(6)]


def test_a_feature_of_a_kind_no_table_takes_stops_the_upgrade_and_changes_nothing(
    tmp_path: Path, catalog: Catalog
) -> None:
    root = old_workspace(tmp_path)
    path = root / "old.gpkg"
    multi = MultiLineString([[(661_500, 6_580_600), (661_600, 6_580_650)]])
    connection = sqlite3.connect(path)
    register_gpkg_functions(connection)
    with connection:  # drawn in another program
        connection.execute(
            "UPDATE other SET geom = ? WHERE uuid = ?", (geometry_to_gpkg(multi, 3006), u(6))
        )
    connection.close()
    schema = rows(path, "SELECT type, name, sql FROM sqlite_master ORDER BY name")
    with pytest.raises(StoreError, match=r"'other' holds .* MultiLineString.*Nothing was changed"):
        GeoPackageStore(root, catalog)
    assert rows(path, "SELECT type, name, sql FROM sqlite_master ORDER BY name") == schema
    assert rows(path, "SELECT count(*) FROM other") == [(3,)]


def test_reference_layers_of_any_kind_are_typed_in_sweref_after_opening(
    tmp_path: Path, catalog: Catalog
) -> None:
    root = old_workspace(tmp_path, REFERENCE_FIXTURE)
    GeoPackageStore(root, catalog)
    path = root / "old.gpkg"
    typed = dict(rows(path, "SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    for layer in ("reference_schools", "reference_other"):
        assert (typed[layer], typed[f"{layer}_line"], typed[f"{layer}_area"]) == (
            "POINT", "LINESTRING", "POLYGON",
        )  # fmt: skip
    assert typed["reference_owners"] == "MULTIPOLYGON"
    assert "GEOMETRY" not in set(typed.values())
    assert_every_spatial_layer_typed_in_sweref(path)


def test_multi_part_context_features_are_split_keeping_uuids_sources_times_and_log(
    tmp_path: Path, catalog: Catalog
) -> None:
    root = old_workspace(tmp_path, REFERENCE_FIXTURE)
    columns = "uuid, name, source, source_id, attributes, created_at, updated_at, created_by"
    before = {
        layer: {row[0]: row for row in rows(REFERENCE_FIXTURE, f"SELECT {columns} FROM {layer}")}
        for layer in ("reference_schools", "reference_other", "reference_owners")
    }
    log = rows(REFERENCE_FIXTURE, "SELECT * FROM change_log ORDER BY fid")
    store = GeoPackageStore(root, catalog)
    path = root / "old.gpkg"
    parts = {
        "reference_schools": [("s1", "Point"), ("s2", "LineString"), ("s3", "Polygon"),
                              ("s4", "Polygon"), ("s4#2", "Polygon")],
        "reference_other": [("o5", "LineString"), ("o5#2", "LineString"), ("o6", "Point"),
                            ("o6#2", "Polygon")],
        "reference_owners": [("w8", "MultiPolygon"), ("w9", "MultiPolygon")],
    }  # fmt: skip
    for layer, expected in parts.items():
        records = store.read_records("old", layer)
        assert sorted((r["source_id"], r["geometry"].geom_type) for r in records) == expected
        for record in records:
            source_id = str(record["source_id"])
            whole = source_id.split("#")[0]
            (original,) = [row for row in before[layer].values() if row[3] == whole]
            stored = rows(path, f"SELECT {columns} FROM {layer}{table_of(record)} "
                                f"WHERE uuid = '{record['uuid']}'")[0]  # fmt: skip
            if "#" in source_id:  # another part: a UUID of its own, the rest as the feature's
                assert record["uuid"] not in before[layer]
                assert stored[1:3] + stored[4:] == original[1:3] + original[4:]
            else:  # the first part keeps the feature's row
                assert stored == original
    assert rows(path, "SELECT * FROM change_log ORDER BY fid") == log
    assert store.check() == []
    # The split polygons are those of the multi-polygon, each in the area table's index.
    (four,) = rows(REFERENCE_FIXTURE, f"SELECT geom FROM reference_schools WHERE uuid = '{u(4)}'")
    whole = gpkg_to_geometry(four[0])
    split = [r["geometry"] for r in store.read_records("old", "reference_schools")
             if str(r["source_id"]).startswith("s4")]  # fmt: skip
    assert shapely.union_all(split).equals(whole)
    assert rows(path, "SELECT count(*) FROM rtree_reference_schools_area_geom") == [(3,)]
    # Owners' multi-polygons are the polygons they were.
    (eight,) = rows(REFERENCE_FIXTURE, f"SELECT geom FROM reference_owners WHERE uuid = '{u(8)}'")
    owners = {r["uuid"]: r["geometry"] for r in store.read_records("old", "reference_owners")}
    assert owners[u(8)].equals(gpkg_to_geometry(eight[0]))


def table_of(record: dict[str, Any]) -> str:
    """Return the suffix of the table a reference feature of any kind is stored in."""
    suffixes = {"Point": "", "LineString": "_line", "Polygon": "_area", "MultiPolygon": ""}
    return suffixes[record["geometry"].geom_type]
