"""The GeoPackage store on real files: numbering, transactions, metadata QGIS/GDAL rely on."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from pathlib import Path

import pyogrio
import pytest
import shapely
from shapely.geometry import Point

from gis.gpkg import register_gpkg_functions
from layers.catalog import Catalog
from layers.errors import FeatureValidationError, StoreError, UnknownAreaError, UnknownLayerError
from layers.gpkg import GeoPackageStore
from layers.schema import category_tables, load_layer_catalog
from layers.store import Area, open_store
from tests.builders import NOW, lighting

INSIDE = Point(662_000, 6_581_000)
TEST_BOX_MULTI = shapely.MultiPolygon([shapely.box(661_000, 6_580_000, 663_000, 6_582_000)])


def sql(store: GeoPackageStore, query: str, *params: object) -> list[tuple[object, ...]]:
    with sqlite3.connect(store.path("test")) as connection:
        return connection.execute(query, params).fetchall()


def test_numbers_increase_across_categories_and_are_never_reused(store: GeoPackageStore) -> None:
    first = store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    litter = {k: v for k, v in lighting(litter_type="glass").items() if k != "problem"}
    second = store.append("test", "litter", litter, INSIDE, actor="tests")
    assert (first["number"], second["number"]) == (1, 2)
    assert store.delete("test", "litter", [second["uuid"]], actor="tests") == 1
    third = store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    assert third["number"] == 3


def test_every_write_has_a_change_log_entry(store: GeoPackageStore) -> None:
    stored = store.append(
        "test", "lighting", lighting(description="<b>dark</b>"), INSIDE, actor="anna"
    )
    store.delete("test", "lighting", [stored["uuid"]], actor="bo")
    log = store.read_layer("test", "change_log")
    rows = log[log["feature_uuid"] == stored["uuid"]]
    assert list(rows["action"]) == ["insert", "delete"]
    assert list(rows["actor"]) == ["anna", "bo"]
    assert "<b>dark</b>" in rows["after"].iloc[0]
    assert "<b>dark</b>" in rows["before"].iloc[1]
    assert str(rows["at"].dtype) == "datetime64[ms, UTC]"


def test_stored_values_come_back_typed_through_gdal(store: GeoPackageStore) -> None:
    store.append("test", "lighting", lighting(severity=2, lamp_count="3"), INSIDE, actor="tests")
    frame = store.read_layer("test", "lighting")
    row = frame.iloc[0]
    assert frame.crs.to_epsg() == 3006
    assert row.geometry.equals(INSIDE)
    assert row["observed_at"] == NOW
    assert row["severity"] == 2
    assert row["lamp_count"] == 3
    assert bool(row["is_demo"]) is False


def test_invalid_feature_changes_nothing(store: GeoPackageStore) -> None:
    before = store.feature_counts("test")
    with pytest.raises(FeatureValidationError, match=r"'problem'.*'flicker' is not allowed"):
        store.append("test", "lighting", lighting(problem="flicker"), INSIDE, actor="tests")
    with pytest.raises(
        FeatureValidationError, match="takes Point, LineString geometry, not Polygon"
    ):
        store.append("test", "lighting", lighting(), INSIDE.buffer(5), actor="tests")
    with pytest.raises(FeatureValidationError, match="needs a position"):
        store.append("test", "lighting", lighting(), None, actor="tests")
    assert store.feature_counts("test") == before
    assert store.append("test", "lighting", lighting(), INSIDE, actor="tests")["number"] == 1


def test_unknown_area_and_layer_name_the_valid_ones(store: GeoPackageStore) -> None:
    with pytest.raises(UnknownAreaError, match=r"Unknown area 'nowhere'.*test"):
        store.append("nowhere", "lighting", lighting(), INSIDE, actor="tests")
    with pytest.raises(UnknownLayerError, match=r"Unknown category 'lamps'.*lighting"):
        store.append("test", "lamps", lighting(), INSIDE, actor="tests")


def test_appending_one_feature_does_not_rewrite_the_layer(store: GeoPackageStore) -> None:
    # A layer of 400 features (and as many change log entries), written in one transaction:
    # what is measured is the one appended after it.
    store.append_many("test", "lighting", [(lighting(), INSIDE)] * 400, actor="tests")
    path = store.path("test")
    reader = sqlite3.connect(path)  # keeps the WAL file from being removed
    try:
        reader.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = reader.execute("PRAGMA page_size").fetchone()[0]
        store.append("test", "lighting", lighting(), INSIDE, actor="tests")
        written_pages = Path(f"{path}-wal").stat().st_size // (page_size + 24)
    finally:
        reader.close()
    total_pages = path.stat().st_size // page_size
    assert written_pages < 25
    assert written_pages < total_pages / 4


def test_files_are_geopackage_1_2_with_styles_qgis_reads(
    store: GeoPackageStore, catalog: Catalog
) -> None:
    assert sql(store, "PRAGMA application_id")[0][0] == 0x47504B47
    assert sql(store, "PRAGMA user_version")[0][0] == 10200
    layers = {name for name, _ in pyogrio.list_layers(store.path("test"))}
    assert (
        set(catalog.names) | {"area", "walks", "measures", "change_log", "layer_styles"} <= layers
    )
    kinds = {"Point": "Point", "LineString": "LineString", "Polygon": "Polygon"}
    for spec in catalog.categories:
        for name, kind in category_tables(spec):
            info = pyogrio.read_info(store.path("test"), layer=name)
            assert (info["crs"], info["geometry_type"]) == ("EPSG:3006", kinds[kind])
    styles = dict(sql(store, "SELECT f_table_name, styleQML FROM layer_styles WHERE useAsDefault"))
    symbols = {"Point": "SimpleMarker", "LineString": "SimpleLine", "Polygon": "SimpleFill"}
    for spec in catalog.categories:
        for name, kind in category_tables(spec):
            document = ET.fromstring(styles[name].split("\n", 1)[1])  # noqa: S314 - our own QML
            (layer,) = document.iter("layer")
            assert layer.get("class") == symbols[kind]
            colour = layer.find("Option/Option[@name='color']")
            if kind == "Point":
                marker = layer.find("Option/Option[@name='name']")
                assert marker is not None
                assert marker.get("value") == spec.style.marker
            else:  # the line's colour, the fill's outline, in the category's colour
                key = "line_color" if kind == "LineString" else "outline_color"
                colour = layer.find(f"Option/Option[@name='{key}']")
            red, green, blue = (int(spec.style.colour[i : i + 2], 16) for i in (1, 3, 5))
            assert colour is not None
            assert str(colour.get("value")).startswith(f"{red},{green},{blue},")
            assert document.find(".//text-style[@fieldName='number']") is not None


def test_gdal_readers_get_every_row_while_gdal_has_dropped_the_count_triggers(
    store: GeoPackageStore,
) -> None:
    store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    # What GDAL does while it has the layer open for writing (e.g. QGIS editing it).
    with sqlite3.connect(store.path("test")) as connection:
        connection.execute("DROP TRIGGER trigger_insert_feature_count_lighting")
        connection.execute("DROP TRIGGER trigger_delete_feature_count_lighting")
    for _ in range(4):
        store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    # GDAL reads in a process of its own, as QGIS would (see layers/gpkg.py on why).
    code = (
        "import sys, pyogrio; p = sys.argv[1]; "
        "print(len(pyogrio.read_dataframe(p, layer='lighting', use_arrow=False)), "
        "pyogrio.read_info(p, layer='lighting')['features'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(store.path("test"))],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    assert out == ["5", "5"]
    assert len(store.read_layer("test", "lighting")) == 5


def test_a_large_write_leaves_gdals_triggers_index_and_counts_as_gdal_keeps_them(
    store: GeoPackageStore,
) -> None:
    listed = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    triggers = sql(store, listed)
    points = [Point(661_100 + k, 6_580_100 + 3 * k) for k in range(300)]
    store.append_many("test", "lighting", [(lighting(), p) for p in points], actor="tests")
    assert sql(store, listed) == triggers
    index = sql(store, "SELECT id, minx, maxx, miny, maxy FROM rtree_lighting_geom ORDER BY id")
    fids = sql(store, "SELECT fid FROM lighting ORDER BY fid")
    assert [row[0] for row in index] == [row[0] for row in fids]
    # The R-tree keeps 32-bit floats, rounded outwards: within a metre here.
    assert all(abs(x - p.x) < 1 and abs(y - p.y) < 1 for (_, x, _, y, _), p
               in zip(index, points, strict=True))  # fmt: skip
    assert all(row[1] <= row[2] and row[3] <= row[4] for row in index)
    counts = sql(store, "SELECT table_name, feature_count FROM gpkg_ogr_contents WHERE "
                        "table_name IN ('lighting', 'change_log') ORDER BY table_name")  # fmt: skip
    logged = sql(store, "SELECT count(*) FROM change_log")[0][0]
    assert counts == [("change_log", logged), ("lighting", 300)]
    info = pyogrio.read_info(store.path("test"), layer="lighting")
    assert (info["features"], info["total_bounds"][0]) == (300, 661_100)


def test_a_large_write_packs_the_r_tree_and_makes_indexes_anew_as_sqlite_keeps_them(
    store: GeoPackageStore,
) -> None:
    """From 1,000 rows, and as many as the layer holds, the R-tree is packed in one pass."""
    objects = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    before = sql(store, objects)
    spread = [Point(661_000 + (k * 37) % 2000, 6_580_000 + (k * 53) % 2000) for k in range(1300)]
    for p in spread[:60]:  # held already: packed together with the new ones
        store.append("test", "lighting", lighting(), p, actor="tests")
    store.append_many("test", "lighting", [(lighting(), p) for p in spread[60:]], actor="tests")
    assert sql(store, objects) == before  # triggers and indexes as they were
    assert sql(store, "SELECT rtreecheck('rtree_lighting_geom')") == [("ok",)]
    with sqlite3.connect(store.path("test")) as connection:
        register_gpkg_functions(connection)
        connection.execute("CREATE VIRTUAL TABLE temp.own USING rtree(id, minx, maxx, miny, maxy)")
        connection.execute("INSERT INTO temp.own SELECT fid, ST_MinX(geom), ST_MaxX(geom), "
                           "ST_MinY(geom), ST_MaxY(geom) FROM lighting")  # fmt: skip
        own = connection.execute("SELECT * FROM temp.own ORDER BY id").fetchall()
        packed = connection.execute("SELECT * FROM rtree_lighting_geom ORDER BY id").fetchall()
    connection.close()
    assert packed == own  # the same entries, to the bit, as SQLite would have made them
    window = (661_500.0, 6_580_500.0, 662_200.0, 6_581_000.0)
    inside = sum(shapely.box(*window).covers(p) for p in spread)
    assert len(pyogrio.read_dataframe(store.path("test"), layer="lighting", bbox=window)) == inside
    # SQLite goes on keeping the packed tree: one row at a time, added and deleted.
    uuids = [r["uuid"] for r in store.read_records("test", "lighting")][:400]
    store.delete("test", "lighting", uuids, actor="tests")
    store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    assert sql(store, "SELECT rtreecheck('rtree_lighting_geom')") == [("ok",)]
    assert sql(store, "SELECT count(*) FROM rtree_lighting_geom") == [(901,)]
    # A unique index made anew refuses a repeated UUID: nothing of the write is kept.
    held = store.read_records("test", "lighting")[0]["uuid"]
    repeated = [(lighting(uuid=held if k == 700 else None), p) for k, p in enumerate(spread)]
    with pytest.raises(FeatureValidationError, match=f"already has a feature with uuid '{held}'"):
        store.append_many("test", "lighting", repeated, actor="tests")
    assert sql(store, "SELECT count(*) FROM lighting") == [(901,)]
    assert sql(store, objects) == before


def test_check_reports_and_repairs_stale_counts_and_spatial_index(store: GeoPackageStore) -> None:
    for _ in range(3):
        store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    with sqlite3.connect(store.path("test")) as connection:
        connection.execute(
            "UPDATE gpkg_ogr_contents SET feature_count = 1 WHERE table_name = 'lighting'"
        )
        connection.execute("DELETE FROM rtree_lighting_geom")
    problems = store.check()
    texts = [p.text.en for p in problems]
    assert any("cached feature count is 1 but the layer has 3" in t for t in texts)
    assert any("spatial index holds 0 entries for 3 features" in t for t in texts)
    assert all(p.repairable for p in problems)
    store.check(repair=True)
    assert store.check() == []


def test_check_reports_values_the_catalog_does_not_allow(store: GeoPackageStore) -> None:
    store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    with sqlite3.connect(store.path("test")) as connection:
        register_gpkg_functions(connection)
        connection.execute("UPDATE lighting SET problem = 'flicker', status = NULL")
    texts = [p.text.en for p in store.check()]
    assert any("'problem' holds the value 'flicker'" in t for t in texts)
    assert any("lack the required field 'status'" in t for t in texts)


def test_a_category_added_to_the_catalog_appears_in_existing_areas(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    text = Path(load_layer_catalog().source).read_text(encoding="utf-8")
    text += (
        '\n[[layer]]\nname = "dark_path"\ntitle = { sv = "Mörk stig", en = "Dark path" }\n'
        'geometry = "Point"\nseverity = "default"\n'
        'style = { colour = "#000000", marker = "circle" }\n'
        '[[layer.field]]\nname = "surface"\ntitle = { sv = "Underlag", en = "Surface" }\n'
        'type = "text"\n'
    )
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    bigger = open_store(str(store.root), catalog=load_layer_catalog(path))
    assert "dark_path" in bigger.feature_counts("test")
    stored = bigger.append(
        "test",
        "dark_path",
        {**{k: v for k, v in lighting().items() if k != "problem"}, "surface": "gravel"},
        INSIDE,
        actor="tests",
    )
    assert stored["number"] == 1
    assert bigger.check() == []


def test_a_folder_that_is_not_a_workspace_is_refused(tmp_path: Path, catalog: Catalog) -> None:
    (tmp_path / "notes.txt").write_text("private", encoding="utf-8")
    with pytest.raises(StoreError, match="is not a safewalk workspace and is not empty"):
        GeoPackageStore(tmp_path, catalog)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "private"


def test_an_unwritable_workspace_path_is_refused(tmp_path: Path, catalog: Catalog) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    with pytest.raises(StoreError, match="is not writable"):
        GeoPackageStore(blocker / "workspace", catalog)


def test_an_existing_area_is_never_replaced(store: GeoPackageStore) -> None:
    store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    with pytest.raises(StoreError, match="already exists"):
        store.add_area(Area("test", "Test again", shapely.box(0, 0, 1, 1)), actor="tests")
    assert store.feature_counts("test")["lighting"] == 1


def test_a_database_that_does_not_answer_is_a_clear_message(catalog: Catalog) -> None:
    with pytest.raises(StoreError, match=r"The database postgresql://safewalk@127.0.0.1:1/x "
                       "does not answer .*nothing was saved"):  # fmt: skip
        open_store("postgresql://safewalk:hemligt@127.0.0.1:1/x", catalog=catalog)


def test_an_area_being_built_by_another_process_is_not_listed(store: GeoPackageStore) -> None:
    (store.root / ".grimsta.4242.partial.gpkg").write_bytes(b"")
    assert store.slugs() == ["test"]
    assert [area.slug for area in store.areas()] == ["test"]


def test_photos_are_stored_with_their_feature_and_deleted_with_it(store: GeoPackageStore) -> None:
    photo = {"mime_type": "image/jpeg", "width": 2, "height": 1, "image": b"\xff\xd8jpeg",
             "thumbnail": b"\xff\xd8t", "created_at": NOW}  # fmt: skip
    stored = store.append(
        "test", "lighting", lighting(), INSIDE, actor="tests", children={"photos": [photo, photo]}
    )
    photos = store.read_layer("test", "photos")
    assert list(photos["feature_uuid"]) == [stored["uuid"]] * 2
    assert photos["image"].iloc[0] == b"\xff\xd8jpeg"
    store.delete("test", "lighting", [stored["uuid"]], actor="tests")
    assert store.feature_counts("test")["photos"] == 0


def test_a_bad_photo_row_stores_neither_photo_nor_feature(store: GeoPackageStore) -> None:
    with pytest.raises(FeatureValidationError, match="'image'"):
        store.append(
            "test", "lighting", lighting(), INSIDE, actor="tests",
            children={"photos": [{"mime_type": "image/jpeg", "width": 1, "height": 1,
                                  "image": "not bytes", "thumbnail": b"t", "created_at": NOW}]},
        )  # fmt: skip
    assert store.feature_counts("test")["lighting"] == 0


def write(store: GeoPackageStore, statement: str, *params: object) -> None:
    """Change the file as another program would, bypassing the store."""
    with sqlite3.connect(store.path("test")) as connection:
        register_gpkg_functions(connection)
        connection.execute(statement, params)


def test_a_time_without_zone_written_by_another_program_reads_as_utc(
    store: GeoPackageStore,
) -> None:
    store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    write(store, "UPDATE lighting SET observed_at = '2026-11-27T10:00:00'")
    (record,) = store.read_records("test", "lighting")
    assert record["observed_at"] == datetime(2026, 11, 27, 10, tzinfo=UTC)
    frame = store.read_layer("test", "lighting")
    assert frame["observed_at"].iloc[0].to_pydatetime() == record["observed_at"]


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        ("UPDATE lighting SET geom = X'00112233'", "no GeoPackage header"),
        ("UPDATE lighting SET observed_at = 'yesterday'", "'yesterday'"),
    ],
)
def test_a_damaged_value_names_the_layer_and_the_file_when_read(
    store: GeoPackageStore, statement: str, message: str
) -> None:
    store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    write(store, statement)
    for read in (store.read_layer, store.read_records):
        with pytest.raises(StoreError, match=message) as raised:
            read("test", "lighting")
        assert "The layer 'lighting' in" in raised.value.message("en")
        assert str(store.path("test")) in raised.value.message("en")
        assert "safewalk check" in raised.value.message("sv")


def test_the_revision_holds_still_while_other_threads_read(store: GeoPackageStore) -> None:
    store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    before = store.revision()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            store.read_layer("test", "lighting")

    readers = [threading.Thread(target=read) for _ in range(3)]
    for reader in readers:
        reader.start()
    stamps = set()
    try:
        deadline = time.monotonic() + 1.0
        while time.monotonic() < deadline:
            stamps.add(store.revision())
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert stamps == {before}
    store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    assert store.revision() != before


def test_an_area_file_replaced_by_another_program_is_read_again(
    store: GeoPackageStore, tmp_path: Path, catalog: Catalog
) -> None:
    assert store.areas()[0].boundary.equals(TEST_BOX_MULTI)
    other = GeoPackageStore(tmp_path / "other", catalog)
    smaller = shapely.box(661_500, 6_580_500, 662_500, 6_581_500)
    other.add_area(Area("test", "Test, corrected", smaller), actor="tests")
    store.path("test").unlink()
    other.path("test").rename(store.path("test"))
    (area,) = store.areas()
    assert (area.name, area.boundary.equals(shapely.MultiPolygon([smaller]))) == (
        "Test, corrected",
        True,
    )


def test_a_category_that_starts_taking_lines_gets_a_line_table_in_existing_files(
    tmp_path: Path, catalog: Catalog
) -> None:
    text = Path(catalog.source).read_text(encoding="utf-8")
    points_only = tmp_path / "catalog.toml"
    points_only.write_text(
        text.replace('geometries = ["Point", "LineString"]\n', "", 1), encoding="utf-8"
    )
    old = GeoPackageStore(tmp_path / "ws", load_layer_catalog(points_only))
    old.add_area(Area("test", "Test", TEST_BOX_MULTI), actor="tests")
    old.append("test", "lighting", lighting(), INSIDE, actor="tests")
    with pytest.raises(FeatureValidationError, match="takes Point geometry, not LineString"):
        old.append(
            "test",
            "lighting",
            lighting(),
            shapely.LineString([INSIDE, (662_050, 6_581_000)]),
            actor="t",
        )
    new = GeoPackageStore(tmp_path / "ws", catalog)
    dark_path = shapely.LineString([INSIDE, (662_050, 6_581_000)])
    new.append("test", "lighting", lighting(), dark_path, actor="tests")
    kinds = [r["geometry"].geom_type for r in new.read_records("test", "lighting")]
    assert kinds == ["Point", "LineString"]
    typed = sql(new, "SELECT table_name, geometry_type_name FROM gpkg_geometry_columns "
                "WHERE table_name LIKE 'lighting%' ORDER BY table_name")  # fmt: skip
    assert typed == [("lighting", "POINT"), ("lighting_line", "LINESTRING")]
    (style,) = sql(new, "SELECT styleQML FROM layer_styles WHERE f_table_name = 'lighting_line'")
    assert "SimpleLine" in str(style[0])
    assert pyogrio.read_info(new.path("test"), layer="lighting")["features"] == 1
    assert pyogrio.read_info(new.path("test"), layer="lighting_line")["features"] == 1
