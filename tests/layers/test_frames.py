"""Reading a layer into a frame column by column gives what reading it row by row gives."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from gis.errors import GeometryBlobError
from gis.gpkg import (
    geometry_to_gpkg,
    gpkg_joined_to_geometries,
    gpkg_to_geometry,
    register_gpkg_functions,
)
from layers.catalog import FieldType
from layers.errors import StoreError
from layers.gpkg import GeoPackageStore
from layers.gpkg.frames import read_frame
from layers.gpkg.sqlite import connect
from layers.records import Query
from layers.schema import TableSpec, load_layer_catalog, physical_tables, tables_for_catalog
from layers.store import open_store
from tests.builders import lighting as lighting_values

NOW = datetime(2026, 11, 26, 18, 30, 15, 123_000, tzinfo=UTC)
INSIDE = Point(662_000, 6_581_000)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
NAT = np.iinfo(np.int64).min


# --- The reference: every row, every value converted on its own. -------------------------


def table_of(store: GeoPackageStore, layer: str) -> TableSpec:
    """Return the table called ``layer`` in the file (a category's points: its own name)."""
    return next(t for t in physical_tables(tables_for_catalog(store.catalog)) if t.name == layer)


def text_to_epoch_ms(text: str) -> int:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment - EPOCH) // timedelta(milliseconds=1)


def reference_column(kind: FieldType | None, values: list[Any], index: pd.Index) -> pd.Series:
    has_null = any(v is None for v in values)
    if kind == "datetime":
        ticks = [NAT if v is None else text_to_epoch_ms(v) for v in values]
        moments = np.array(ticks, dtype=np.int64).view("datetime64[ms]")
        return pd.Series(moments, index=index).dt.tz_localize("UTC")
    if kind == "integer":
        if has_null:
            return pd.Series(pd.array(values, dtype="Int64"), index=index)
        return pd.Series(np.array(values, dtype=np.int64), index=index)
    if kind == "real":
        return pd.Series([np.nan if v is None else float(v) for v in values], index=index)
    if kind == "boolean":
        if has_null:
            flags = [None if v is None else bool(v) for v in values]
            return pd.Series(pd.array(flags, dtype="boolean"), index=index)
        return pd.Series([bool(v) for v in values], index=index, dtype=bool)
    return pd.Series(values, index=index, dtype=object)


def is_selected(table: TableSpec, row: dict[str, Any], query: Query) -> bool:
    """Whether ``query`` selects ``row``, decided in Python."""
    fields = table.field_names
    if query.uuids is not None and row["uuid"] not in query.uuids:
        return False
    if query.walk_uuid is not None and (
        "walk_uuid" not in fields or row["walk_uuid"] != query.walk_uuid
    ):
        return False
    if query.is_demo is not None and (
        "is_demo" not in fields or row["is_demo"] != int(query.is_demo)
    ):
        return False
    if query.bbox is not None:
        blob = row.get("geom")
        if blob is None or gpkg_to_geometry(blob).is_empty:
            return False
        min_x, min_y, max_x, max_y = gpkg_to_geometry(blob).bounds
        box_min_x, box_min_y, box_max_x, box_max_y = query.bbox
        return (
            min_x <= box_max_x and max_x >= box_min_x and min_y <= box_max_y and max_y >= box_min_y
        )
    return True


def reference_frame(store: GeoPackageStore, layer: str, query: Query | None = None) -> Any:
    query = query or Query()
    table = table_of(store, layer)
    connection = sqlite3.connect(store.path("test"))
    try:
        connection.row_factory = sqlite3.Row
        rows = [dict(r) for r in connection.execute(f'SELECT * FROM "{layer}" ORDER BY fid')]
    finally:
        connection.close()
    rows = [row for row in rows if is_selected(table, row, query)]
    index = pd.Index([row["fid"] for row in rows], name="fid", dtype="int64")
    names = table.field_names if query.columns is None else query.columns
    columns = {}
    for name in names:
        spec = table.field(name)
        columns[name] = reference_column(
            spec.type if spec else None, [r[name] for r in rows], index
        )
    frame = pd.DataFrame(columns, index=index)
    if table.geometry is None:
        return frame
    shapes = [None if row["geom"] is None else gpkg_to_geometry(row["geom"]) for row in rows]
    geometry = gpd.GeoSeries(np.array(shapes, dtype=object), index=index, crs="EPSG:3006")
    return gpd.GeoDataFrame(frame, geometry=geometry)


def assert_same_frame(actual: Any, expected: Any) -> None:
    """Equal in type, index, columns, dtypes and values; geometries equal as WKB, bit for bit."""
    assert type(actual) is type(expected)
    assert list(actual.columns) == list(expected.columns)
    attributes = [name for name in expected.columns if name != "geometry"]
    pdt.assert_frame_equal(
        pd.DataFrame(actual[attributes]), pd.DataFrame(expected[attributes]), check_exact=True
    )
    if isinstance(expected, gpd.GeoDataFrame):
        assert actual.crs == expected.crs
        assert actual.geometry.name == "geometry"
        assert list(shapely.to_wkb(actual.geometry.array)) == list(
            shapely.to_wkb(expected.geometry.array)
        )


# --- Writing rows: through the store, and as other tools would. ----------------------------


def lighting(**extra: object) -> dict[str, object]:
    return lighting_values(at=NOW, **extra)


def append_lighting(store: GeoPackageStore, count: int) -> list[dict[str, Any]]:
    """Add ``count`` varied lighting features; return what the store stored."""
    stored = []
    for i in range(count):
        values = lighting(
            description=f'lampa {i} – ålderdomlig, "trasig"\n' if i % 3 else None,
            severity=(i % 3) + 1 if i % 4 else None,
            lamp_count=i if i % 2 else None,
            is_demo=i % 5 == 0,
            observed_at=NOW - timedelta(days=i, milliseconds=7 * i),
            walk_uuid="walk-a" if i % 2 else "walk-b",
        )
        point = Point(661_100 + 37 * i, 6_580_100 + 53 * i)
        stored.append(store.append("test", "lighting", values, point, actor="tests"))
    return stored


def execute(store: GeoPackageStore, sql: str, *params: object) -> None:
    """Change the area file the way another tool could, R-tree triggers included."""
    connection = sqlite3.connect(store.path("test"))
    try:
        register_gpkg_functions(connection)
        connection.execute(sql, params)
        connection.commit()
    finally:
        connection.close()


def store_with_shapes(store: GeoPackageStore, tmp_path: Path) -> GeoPackageStore:
    """The same workspace with a line and a polygon category added to the catalog."""
    text = Path(load_layer_catalog().source).read_text(encoding="utf-8")
    for name, geometry in (("dark_path", "LineString"), ("dark_square", "Polygon")):
        text += (
            f'\n[[layer]]\nname = "{name}"\ntitle = {{ sv = "{name}", en = "{name}" }}\n'
            f'geometry = "{geometry}"\nseverity = "default"\n'
            'style = { colour = "#000000", marker = "circle" }\n'
            '[[layer.field]]\nname = "width_m"\ntitle = { sv = "Bredd", en = "Width" }\n'
            'type = "real"\n'
        )
    path = tmp_path / "catalog.toml"
    path.write_text(text, encoding="utf-8")
    bigger = open_store(str(store.root), catalog=load_layer_catalog(path))
    assert isinstance(bigger, GeoPackageStore)
    return bigger


# --- Tests ---------------------------------------------------------------------------------


def test_a_layer_reads_as_the_row_by_row_reference_does(store: GeoPackageStore) -> None:
    append_lighting(store, 40)
    frame = store.read_layer("test", "lighting")
    assert_same_frame(frame, reference_frame(store, "lighting"))
    assert frame.index.dtype == "int64"
    assert frame.crs.to_epsg() == 3006
    dtypes = {name: str(dtype) for name, dtype in frame.dtypes.items()}
    assert dtypes["observed_at"] == "datetime64[ms, UTC]"
    assert (dtypes["number"], dtypes["severity"], dtypes["lamp_count"]) == (
        "int64",
        "Int64",
        "Int64",
    )
    assert (dtypes["is_demo"], dtypes["uuid"], dtypes["light_source"]) == (
        "bool",
        "object",
        "object",
    )
    assert frame["observed_at"].iloc[1] == NOW - timedelta(days=1, milliseconds=7)


def test_nulls_in_required_and_optional_columns_read_as_the_reference_does(
    store: GeoPackageStore,
) -> None:
    append_lighting(store, 12)
    # A file edited elsewhere: required fields emptied, optional ones filled or emptied.
    execute(store, "UPDATE lighting SET number = NULL, status = NULL, is_demo = NULL WHERE fid = 2")
    execute(store, "UPDATE lighting SET observed_at = NULL, created_at = NULL WHERE fid IN (3, 4)")
    execute(store, "UPDATE lighting SET severity = NULL, description = NULL, walk_uuid = NULL")
    execute(store, "UPDATE lighting SET light_source = 'led' WHERE fid = 5")
    frame = store.read_layer("test", "lighting")
    assert_same_frame(frame, reference_frame(store, "lighting"))
    assert str(frame["number"].dtype) == "Int64"
    assert str(frame["is_demo"].dtype) == "boolean"
    assert frame["observed_at"].isna().sum() == 2
    assert frame["severity"].isna().all()


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-26T19:30:15+01:00",
        "2026-11-26T18:30:15Z",
        "2026-11-26T18:30:15",
        "2026-11-26 18:30:15.5Z",
        "2026-11-26T18:30:15.123+00:00",
        "2026-11-26T20:30:15.987654+02:00",
        "2026-11-26T18:30Z",
        "2026-11-26",
        "1969-07-20T20:17:40.000Z",
    ],
)
def test_datetimes_other_tools_wrote_read_as_the_reference_does(
    store: GeoPackageStore, text: str
) -> None:
    append_lighting(store, 3)
    execute(store, "UPDATE lighting SET updated_at = ? WHERE fid = 2", text)
    execute(store, "UPDATE lighting SET created_at = ?", text)
    assert_same_frame(store.read_layer("test", "lighting"), reference_frame(store, "lighting"))


def test_a_datetime_that_is_no_date_is_refused_not_made_up(store: GeoPackageStore) -> None:
    append_lighting(store, 3)
    execute(store, "UPDATE lighting SET created_at = ?", "2026-02-29T10:00:00.000Z")
    with pytest.raises(StoreError, match=r"'2026-02-29T10:00:00\.000Z' cannot be read"):
        store.read_layer("test", "lighting")


def test_an_empty_layer_reads_with_the_layout_dtypes(store: GeoPackageStore) -> None:
    frame = store.read_layer("test", "lighting")
    assert_same_frame(frame, reference_frame(store, "lighting"))
    assert len(frame) == 0
    assert isinstance(frame, gpd.GeoDataFrame)
    assert str(frame["created_at"].dtype) == "datetime64[ms, UTC]"
    assert (str(frame["number"].dtype), str(frame["is_demo"].dtype)) == ("int64", "bool")


def test_points_lines_and_polygons_read_as_the_reference_does(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    shapes = store_with_shapes(store, tmp_path)
    common = {k: v for k, v in lighting().items() if k != "problem"}
    lines = [
        LineString([(661_000, 6_581_000), (661_100, 6_581_050), (661_180, 6_581_020)]),
        LineString([(661_500.25, 6_581_500.5), (661_600.75, 6_581_700.125)]),
    ]
    polygons = [
        shapely.box(661_000, 6_581_000, 661_100, 6_581_100),
        Polygon(
            shapely.box(661_200, 6_581_200, 661_400, 6_581_400).exterior.coords,
            [shapely.box(661_250, 6_581_250, 661_300, 6_581_300).exterior.coords],
        ),
    ]
    for layer, geometries in (("dark_path", lines), ("dark_square", polygons)):
        for i, geometry in enumerate(geometries):
            values = {**common, "width_m": 0.1 + i / 3 if i else None}
            shapes.append("test", layer, values, geometry, actor="tests")
        frame = shapes.read_layer("test", layer)
        assert_same_frame(frame, reference_frame(shapes, layer))
        assert list(frame.geometry) == geometries
        assert frame["width_m"].iloc[1] == 0.1 + 1 / 3  # a real, not rounded by the way
    append_lighting(shapes, 3)
    assert_same_frame(shapes.read_layer("test", "lighting"), reference_frame(shapes, "lighting"))
    assert_same_frame(shapes.read_layer("test", "area"), reference_frame(shapes, "area"))


@pytest.mark.parametrize(
    "geometry",
    [Point(), LineString(), Polygon(), MultiPolygon(), None],
    ids=["empty point", "empty line", "empty polygon", "empty multipolygon", "NULL"],
)
def test_empty_and_missing_geometries_read_as_the_reference_does(
    store: GeoPackageStore, geometry: BaseGeometry | None
) -> None:
    append_lighting(store, 3)
    blob = None if geometry is None else geometry_to_gpkg(geometry, 3006)
    execute(store, "UPDATE lighting SET geom = ? WHERE fid = 2", blob)
    frame = store.read_layer("test", "lighting")
    assert_same_frame(frame, reference_frame(store, "lighting"))
    if geometry is None:
        assert frame.geometry.iloc[1] is None
    else:
        assert frame.geometry.iloc[1].is_empty


def test_points_stored_with_an_envelope_or_big_endian_read_the_same(
    store: GeoPackageStore,
) -> None:
    append_lighting(store, 3)
    point = Point(661_234.5, 6_580_987.25)
    wkb_big_endian = shapely.to_wkb(point, byte_order=0)
    header = b"GP\x00\x03" + (3006).to_bytes(4, "little")
    envelope = np.array([point.x, point.x, point.y, point.y], dtype="<f8").tobytes()
    execute(store, "UPDATE lighting SET geom = ? WHERE fid = 2", header + envelope + wkb_big_endian)
    frame = store.read_layer("test", "lighting")
    assert_same_frame(frame, reference_frame(store, "lighting"))
    assert frame.geometry.iloc[1].equals(point)


@pytest.mark.parametrize(
    "query",
    [
        Query(uuids=()),
        Query(walk_uuid="walk-a"),
        Query(walk_uuid="nowhere"),
        Query(bbox=(661_000, 6_580_000, 661_500, 6_580_700)),
        Query(is_demo=True),
        Query(is_demo=False),
        Query(columns=("observed_at", "uuid", "lamp_count")),
        Query(columns=()),
        Query(walk_uuid="walk-b", is_demo=False, bbox=(661_000, 6_580_000, 662_000, 6_581_000)),
    ],
    ids=repr,
)
def test_query_filters_select_what_the_reference_selects(
    store: GeoPackageStore, query: Query
) -> None:
    append_lighting(store, 20)
    frame = store.read_layer("test", "lighting", query)
    assert_same_frame(frame, reference_frame(store, "lighting", query))


def test_uuids_asked_for_in_any_order_come_back_in_fid_order(store: GeoPackageStore) -> None:
    stored = append_lighting(store, 10)
    uuids = tuple(s["uuid"] for s in reversed(stored[2:7]))
    query = Query(uuids=uuids)
    frame = store.read_layer("test", "lighting", query)
    assert_same_frame(frame, reference_frame(store, "lighting", query))
    assert list(frame.index) == [3, 4, 5, 6, 7]


def test_layers_without_geometry_read_as_the_reference_does(store: GeoPackageStore) -> None:
    photo = {"mime_type": "image/jpeg", "width": 2, "height": 1, "image": b"\xff\xd8\x00jpeg",
             "thumbnail": b"\x00t", "created_at": NOW}  # fmt: skip
    store.append(
        "test", "lighting", lighting(), INSIDE, actor="tests", children={"photos": [photo]}
    )
    append_lighting(store, 2)
    for layer in ("change_log", "photos", "measures"):
        frame = store.read_layer("test", layer)
        assert not isinstance(frame, gpd.GeoDataFrame)
        assert_same_frame(frame, reference_frame(store, layer))
    assert store.read_layer("test", "photos")["image"].iloc[0] == b"\xff\xd8\x00jpeg"


def test_blobs_where_text_belongs_read_as_the_reference_does(store: GeoPackageStore) -> None:
    append_lighting(store, 3)
    execute(store, "UPDATE lighting SET description = ? WHERE fid = 2", b"\x00\xff")
    frame = store.read_layer("test", "lighting")
    assert_same_frame(frame, reference_frame(store, "lighting"))
    assert frame["description"].iloc[1] == b"\x00\xff"


def test_a_layer_too_big_for_one_sqlite_value_reads_as_the_reference_does(
    store: GeoPackageStore,
) -> None:
    append_lighting(store, 30)
    with connect(store.path("test")) as connection:
        # 30 uuids take more than 1000 bytes, now too long for one value (the schema fits).
        connection.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, 1000)
        frame = read_frame(connection, table_of(store, "lighting"), Query())
    assert_same_frame(frame, reference_frame(store, "lighting"))


def test_a_database_whose_text_is_utf16_reads_as_the_reference_does(
    store: GeoPackageStore, tmp_path: Path
) -> None:
    append_lighting(store, 10)
    original = sqlite3.connect(store.path("test"))
    try:
        (create,) = original.execute(
            "SELECT sql FROM sqlite_master WHERE name = 'lighting'"
        ).fetchone()
        rows = original.execute("SELECT * FROM lighting").fetchall()
    finally:
        original.close()
    connection = sqlite3.connect(tmp_path / "utf16.gpkg")
    try:
        connection.execute("PRAGMA encoding = 'UTF-16le'")
        connection.execute(create)
        marks = ", ".join("?" * len(rows[0]))
        connection.executemany(f"INSERT INTO lighting VALUES ({marks})", rows)
        connection.commit()
        assert connection.execute("PRAGMA encoding").fetchone()[0] == "UTF-16le"
        frame = read_frame(connection, table_of(store, "lighting"), Query())
    finally:
        connection.close()
    assert_same_frame(frame, reference_frame(store, "lighting"))
    assert frame["description"].iloc[1].startswith("lampa 1 – ålderdomlig")


def test_geometries_are_those_gdal_reads(store: GeoPackageStore, tmp_path: Path) -> None:
    shapes = store_with_shapes(store, tmp_path)
    append_lighting(shapes, 5)
    common = {k: v for k, v in lighting().items() if k != "problem"}
    shapes.append(
        "test",
        "dark_path",
        common,
        LineString([(661_000, 6_581_000), (661_010, 6_581_300)]),
        actor="tests",
    )
    shapes.append(
        "test",
        "dark_square",
        common,
        shapely.box(661_000, 6_581_000, 661_003, 6_581_004),
        actor="tests",
    )
    # GDAL reads in a process of its own: never two SQLite libraries on one file in one process.
    code = """
import json, sys
import pyogrio, shapely

path, *layers = sys.argv[1:]
read = {}
for layer in layers:
    frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=False, fid_as_index=True)
    wkt = [shapely.to_wkt(g, rounding_precision=-1) for g in frame.geometry]
    read[layer] = [[int(fid) for fid in frame.index], wkt]
print(json.dumps(read))
"""
    layers = ["lighting", "dark_path", "dark_square", "area"]
    command = [sys.executable, "-c", code, str(shapes.path("test")), *layers]
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    gdal = json.loads(done.stdout)
    for layer in layers:
        frame = shapes.read_layer("test", layer)
        wkt = [shapely.to_wkt(g, rounding_precision=-1) for g in frame.geometry]
        assert [list(frame.index), wkt] == gdal[layer]


def test_a_blob_that_is_not_a_geopackage_geometry_is_refused() -> None:
    blob = geometry_to_gpkg(INSIDE, 3006)
    lengths = np.array([len(blob), 4], dtype=np.int64)
    with pytest.raises(GeometryBlobError, match="no GeoPackage header"):
        gpkg_joined_to_geometries(blob + b"WKB!", lengths)
    with pytest.raises(ValueError, match="add up to 33 bytes, but 29 are given"):
        gpkg_joined_to_geometries(blob, lengths)


def test_blobs_end_to_end_read_with_nulls_among_them() -> None:
    geometries: Sequence[BaseGeometry] = [INSIDE, shapely.box(0, 0, 1, 2), Point()]
    blobs = [geometry_to_gpkg(g, 3006) for g in geometries]
    lengths = np.array([len(blobs[0]), 0, len(blobs[1]), len(blobs[2])], dtype=np.int64)
    nulls = np.array([False, True, False, False])
    read = gpkg_joined_to_geometries(b"".join(blobs), lengths, nulls=nulls)
    assert read[1] is None
    assert [read[0], read[2]] == geometries[:2]
    assert read[3].is_empty
