"""GeoPackage geometry blobs: the binary layout, the SQL functions, and GDAL reading them back."""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterator
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from gis.errors import GeometryBlobError
from gis.gpkg import (
    geometry_to_gpkg,
    gpkg_blobs_to_geometries,
    gpkg_to_geometry,
    register_gpkg_functions,
)

POINT = Point(661_000.5, 6_581_000.25)
LINE = LineString([(661_000, 6_581_000), (661_100, 6_581_050), (661_180, 6_581_020)])
POLYGON = Polygon(
    [(661_000, 6_581_000), (661_200, 6_581_000), (661_200, 6_581_150), (661_000, 6_581_000)]
)
POLYGON_WITH_HOLE = Polygon(
    shapely.box(661_000, 6_581_000, 661_100, 6_581_100).exterior.coords,
    [shapely.box(661_040, 6_581_040, 661_060, 6_581_060).exterior.coords],
)
MULTIPOLYGON = MultiPolygon(
    [
        shapely.box(661_000, 6_581_000, 661_010, 6_581_010),
        shapely.box(661_500, 6_582_000, 661_520, 6_582_030),
    ]
)
GEOMETRIES = [
    pytest.param(POINT, id="Point"),
    pytest.param(LINE, id="LineString"),
    pytest.param(POLYGON, id="Polygon"),
    pytest.param(POLYGON_WITH_HOLE, id="Polygon with hole"),
    pytest.param(MULTIPOLYGON, id="MultiPolygon"),
]
EMPTIES = [
    pytest.param(Point(), id="Point"),
    pytest.param(LineString(), id="LineString"),
    pytest.param(Polygon(), id="Polygon"),
    pytest.param(MultiPolygon(), id="MultiPolygon"),
]


def header(blob: bytes) -> tuple[bytes, int, int, int]:
    """Magic, version, flags and srs_id of a little-endian GeoPackage blob."""
    magic, version, flags, srs_id = struct.unpack_from("<2sBBi", blob)
    return magic, version, flags, srs_id


def envelope_kind(blob: bytes) -> int:
    return (blob[3] >> 1) & 0x07


# --------------------------------------------------------------------- the blob itself


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_a_geometry_survives_the_round_trip_through_a_blob(geometry: BaseGeometry) -> None:
    back = gpkg_to_geometry(geometry_to_gpkg(geometry, 3006))
    assert back.geom_type == geometry.geom_type
    assert back.equals_exact(geometry, 0)


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_the_header_starts_with_the_magic_version_0_and_the_srs_id(geometry: BaseGeometry) -> None:
    magic, version, flags, srs_id = header(geometry_to_gpkg(geometry, 3006))
    assert (magic, version, srs_id) == (b"GP", 0, 3006)
    assert flags & 0x01, "little-endian flag"
    assert not flags & 0x20, "standard (not extended) GeoPackage binary"


def test_the_srs_id_is_written_as_given() -> None:
    assert header(geometry_to_gpkg(POINT, 4326))[3] == 4326
    assert geometry_to_gpkg(POINT, 3011)[4:8] == struct.pack("<i", 3011)


def test_points_carry_no_envelope() -> None:
    blob = geometry_to_gpkg(POINT, 3006)
    assert envelope_kind(blob) == 0
    assert blob[8:] == shapely.to_wkb(POINT, byte_order=1, flavor="iso")


@pytest.mark.parametrize(
    "geometry",
    [pytest.param(g, id=g.geom_type) for g in (LINE, POLYGON, MULTIPOLYGON)],
)
def test_other_geometries_carry_an_xy_envelope_in_minx_maxx_miny_maxy_order(
    geometry: BaseGeometry,
) -> None:
    blob = geometry_to_gpkg(geometry, 3006)
    assert envelope_kind(blob) == 1
    min_x, min_y, max_x, max_y = geometry.bounds
    assert struct.unpack_from("<4d", blob, 8) == (min_x, max_x, min_y, max_y)
    assert blob[40:] == shapely.to_wkb(geometry, byte_order=1, flavor="iso")


@pytest.mark.parametrize("geometry", EMPTIES)
def test_an_empty_geometry_sets_the_empty_flag_and_has_no_envelope(
    geometry: BaseGeometry,
) -> None:
    blob = geometry_to_gpkg(geometry, 3006)
    assert blob[3] & 0x10
    assert envelope_kind(blob) == 0
    back = gpkg_to_geometry(blob)
    assert back.is_empty
    assert back.geom_type == geometry.geom_type


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_a_non_empty_geometry_does_not_set_the_empty_flag(geometry: BaseGeometry) -> None:
    assert not geometry_to_gpkg(geometry, 3006)[3] & 0x10


def test_something_that_is_not_a_geopackage_blob_is_refused() -> None:
    with pytest.raises(GeometryBlobError, match="no GeoPackage header"):
        gpkg_to_geometry(shapely.to_wkb(POINT))


def test_a_header_followed_by_bytes_that_are_not_wkb_is_refused() -> None:
    blob = geometry_to_gpkg(POINT, 3006)[:8] + b"\x01\x07\x00"
    with pytest.raises(GeometryBlobError, match="Invalid GeoPackage geometry"):
        gpkg_to_geometry(blob)


def test_many_blobs_are_decoded_at_once_and_null_stays_none() -> None:
    blobs = [geometry_to_gpkg(POINT, 3006), None, geometry_to_gpkg(MULTIPOLYGON, 3006)]
    point, nothing, multipolygon = gpkg_blobs_to_geometries(blobs)
    assert nothing is None
    assert point is not None
    assert point.equals(POINT)
    assert multipolygon is not None
    assert multipolygon.equals(MULTIPOLYGON)


# --------------------------------------------------------------------- SQL functions


@pytest.fixture
def connection() -> Iterator[sqlite3.Connection]:
    connection = sqlite3.connect(":memory:")
    register_gpkg_functions(connection)
    yield connection
    connection.close()


def sql_bounds(connection: sqlite3.Connection, blob: bytes | None) -> tuple[object, ...]:
    row: tuple[object, ...] = connection.execute(
        "SELECT ST_MinX(?1), ST_MinY(?1), ST_MaxX(?1), ST_MaxY(?1), ST_IsEmpty(?1)", (blob,)
    ).fetchone()
    return row


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_st_minx_and_friends_give_the_bounds_in_plain_sqlite(
    connection: sqlite3.Connection, geometry: BaseGeometry
) -> None:
    *bounds, empty = sql_bounds(connection, geometry_to_gpkg(geometry, 3006))
    assert tuple(bounds) == geometry.bounds
    assert empty == 0


def test_st_isempty_is_1_and_the_bounds_null_for_an_empty_geometry(
    connection: sqlite3.Connection,
) -> None:
    assert sql_bounds(connection, geometry_to_gpkg(Polygon(), 3006)) == (None,) * 4 + (1,)


def test_the_functions_return_null_for_null(connection: sqlite3.Connection) -> None:
    assert sql_bounds(connection, None) == (None,) * 5


@pytest.mark.parametrize(
    ("box", "expected"),
    [
        # The line's envelope is x 661 000-661 180, y 6 581 000-6 581 050.
        ((661_100, 6_581_010, 661_120, 6_581_020), 1),  # inside the envelope
        ((661_180, 6_581_050, 661_300, 6_581_100), 1),  # touching its corner counts
        ((661_180.01, 6_581_000, 661_300, 6_581_050), 0),  # just east of it
        ((661_000, 6_581_050.01, 661_180, 6_581_100), 0),  # just north of it
        ((660_000, 6_580_000, 661_000, 6_581_000), 1),  # touching the opposite corner
    ],
)
def test_st_envintersects_compares_the_envelope_with_a_box_edges_included(
    connection: sqlite3.Connection, box: tuple[float, float, float, float], expected: int
) -> None:
    (found,) = connection.execute(
        "SELECT ST_EnvIntersects(?, ?, ?, ?, ?)", (geometry_to_gpkg(LINE, 3006), *box)
    ).fetchone()
    assert found == expected


def test_st_envintersects_is_null_for_null_and_for_an_empty_geometry(
    connection: sqlite3.Connection,
) -> None:
    query = "SELECT ST_EnvIntersects(?, 0, 0, 1e9, 1e9)"
    assert connection.execute(query, (None,)).fetchone() == (None,)
    assert connection.execute(query, (geometry_to_gpkg(Polygon(), 3006),)).fetchone() == (None,)


# --------------------------------------------------------------------- GDAL interoperability


def gdal_layer(path: Path, geometry_type: str) -> None:
    """A GeoPackage layer ``obs`` in EPSG:3006, created by GDAL with one seed feature."""
    seed_geometry = {
        "Point": Point(660_000, 6_580_000),
        "LineString": LineString([(660_000, 6_580_000), (660_001, 6_580_001)]),
        "Polygon": shapely.box(660_000, 6_580_000, 660_001, 6_580_001),
        "MultiPolygon": MultiPolygon([shapely.box(660_000, 6_580_000, 660_001, 6_580_001)]),
    }[geometry_type]
    seed = gpd.GeoDataFrame({"name": ["seed"]}, geometry=[seed_geometry], crs="EPSG:3006")
    pyogrio.write_dataframe(seed, path, layer="obs", geometry_type=geometry_type)


def insert_with_sqlite(path: Path, geometry: BaseGeometry, name: str) -> int:
    with sqlite3.connect(path) as connection:
        register_gpkg_functions(connection)
        cursor = connection.execute(
            "INSERT INTO obs (geom, name) VALUES (?, ?)", (geometry_to_gpkg(geometry, 3006), name)
        )
        fid = cursor.lastrowid
    connection.close()
    assert fid is not None
    return fid


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_a_blob_inserted_with_plain_sqlite_is_read_back_by_gdal_unchanged(
    tmp_path: Path, geometry: BaseGeometry
) -> None:
    path = tmp_path / "area.gpkg"
    gdal_layer(path, geometry.geom_type)
    insert_with_sqlite(path, geometry, "mine")

    frame = pyogrio.read_dataframe(path, layer="obs")
    assert frame.crs.to_epsg() == 3006
    assert list(frame["name"]) == ["seed", "mine"]
    assert frame.geometry.iloc[1].equals_exact(geometry, 0)


@pytest.mark.parametrize("geometry", GEOMETRIES)
def test_a_blob_inserted_with_plain_sqlite_gets_its_row_in_the_rtree(
    tmp_path: Path, geometry: BaseGeometry
) -> None:
    path = tmp_path / "area.gpkg"
    gdal_layer(path, geometry.geom_type)
    fid = insert_with_sqlite(path, geometry, "mine")

    with sqlite3.connect(path) as connection:
        rows = connection.execute(
            "SELECT minx, maxx, miny, maxy FROM rtree_obs_geom WHERE id = ?", (fid,)
        ).fetchall()
    connection.close()
    assert len(rows) == 1
    min_x, min_y, max_x, max_y = geometry.bounds
    # The R-tree stores 32-bit floats, rounded outwards: about a metre at these magnitudes.
    assert rows[0] == pytest.approx((min_x, max_x, min_y, max_y), abs=1.0)
    assert rows[0][0] <= min_x
    assert rows[0][1] >= max_x


def test_gdal_finds_the_inserted_feature_through_the_spatial_index(tmp_path: Path) -> None:
    path = tmp_path / "area.gpkg"
    gdal_layer(path, "Polygon")
    insert_with_sqlite(path, POLYGON, "mine")
    frame = pyogrio.read_dataframe(path, layer="obs", bbox=(661_050, 6_581_010, 661_060, 6_581_020))
    assert list(frame["name"]) == ["mine"]


def test_an_empty_geometry_is_stored_but_kept_out_of_the_rtree(tmp_path: Path) -> None:
    path = tmp_path / "area.gpkg"
    gdal_layer(path, "Point")
    fid = insert_with_sqlite(path, Point(), "nowhere")
    with sqlite3.connect(path) as connection:
        indexed = connection.execute(
            "SELECT count(*) FROM rtree_obs_geom WHERE id = ?", (fid,)
        ).fetchone()
    connection.close()
    assert indexed == (0,)
    frame = pyogrio.read_dataframe(path, layer="obs")
    assert frame.geometry.iloc[1].is_empty


def test_a_blob_written_by_gdal_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "area.gpkg"
    frame = gpd.GeoDataFrame({"name": ["gdal"]}, geometry=[MULTIPOLYGON], crs="EPSG:3006")
    pyogrio.write_dataframe(frame, path, layer="obs")
    with sqlite3.connect(path) as connection:
        (blob,) = connection.execute("SELECT geom FROM obs").fetchone()
    connection.close()
    assert header(blob)[3] == 3006
    assert gpkg_to_geometry(blob).equals(MULTIPOLYGON)
