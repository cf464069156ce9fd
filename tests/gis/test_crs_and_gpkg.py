"""CRS parsing and transforms, and GeoPackage geometry blobs that GDAL reads back."""

from __future__ import annotations

import sqlite3
import struct
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import LineString, MultiPolygon, Point, Polygon

from gis.analysis import containing_keys, nearest_key
from gis.crs import crs_from_user_input, infer_crs, to_storage_crs, to_wgs84, transform_geometry
from gis.errors import MissingCRSError, UnknownCRSError, VectorFileError
from gis.gpkg import geometry_to_gpkg, gpkg_to_geometry, register_gpkg_functions
from gis.io import read_vector_file

STATION = (17.8435, 59.3668)  # Hässelby gård metro station, WGS 84
DATA = Path(__file__).resolve().parents[2] / "data"
STOCKHOLM_3006 = shapely.box(640_000, 6_560_000, 690_000, 6_600_000)


@pytest.mark.parametrize("text", ["EPSG:3006", "3006", 3006, " epsg:3006 "])
def test_crs_codes_are_understood_in_every_usual_spelling(text: str | int) -> None:
    assert crs_from_user_input(text).to_epsg() == 3006


def test_an_unknown_crs_is_named_with_an_example() -> None:
    with pytest.raises(UnknownCRSError, match=r"'EPSG:99999'.*EPSG:3006 \(SWEREF 99 TM\)"):
        crs_from_user_input("EPSG:99999")


def test_positions_go_to_sweref_and_back() -> None:
    expected = Transformer.from_crs(4326, 3006, always_xy=True).transform(*STATION)
    point = to_storage_crs(Point(STATION), "EPSG:4326")
    assert (point.x, point.y) == pytest.approx(expected, abs=1e-6)
    assert 660_000 < point.x < 670_000
    back = to_wgs84(point)
    assert (back.x, back.y) == pytest.approx(STATION, abs=1e-9)
    same = transform_geometry(point, "EPSG:3006", "EPSG:3006")
    assert same is point


@pytest.mark.parametrize("crs", ["EPSG:4326", "EPSG:3006", "EPSG:3011"])
def test_a_missing_crs_is_inferred_from_coordinates_near_stockholm(crs: str) -> None:
    box = transform_geometry(shapely.box(17.82, 59.35, 17.84, 59.36), "EPSG:4326", crs)
    assert infer_crs(box.bounds, expected_extent=STOCKHOLM_3006) == crs


def test_coordinates_that_fit_no_candidate_are_not_guessed() -> None:
    assert infer_crs((0, 0, 10, 10), expected_extent=STOCKHOLM_3006) is None


@pytest.mark.parametrize(
    "geometry",
    [
        Point(661_000.5, 6_581_000.25),
        LineString([(661_000, 6_581_000), (661_100, 6_581_050)]),
        Polygon([(0, 0), (10, 0), (10, 10), (0, 0)]),
        MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]),
    ],
)
def test_geometries_survive_the_geopackage_blob(geometry: shapely.Geometry) -> None:
    blob = geometry_to_gpkg(geometry, 3006)
    assert blob[:2] == b"GP"
    assert struct.unpack_from("<i", blob, 4)[0] == 3006
    has_envelope = bool((blob[3] >> 1) & 0x07)
    assert has_envelope is (geometry.geom_type != "Point")
    assert gpkg_to_geometry(blob).equals(geometry)


def test_empty_geometries_set_the_empty_flag() -> None:
    blob = geometry_to_gpkg(Point(), 3006)
    assert blob[3] & 0x10


def test_blobs_written_with_plain_sqlite_are_read_by_gdal_and_indexed(tmp_path: Path) -> None:
    path = tmp_path / "layer.gpkg"
    seed = gpd.GeoDataFrame({"name": ["seed"]}, geometry=[Point(1, 1)], crs="EPSG:3006")
    pyogrio.write_dataframe(seed, path, layer="points")
    line = LineString([(661_000, 6_581_000), (661_200, 6_581_300)])
    with sqlite3.connect(path) as connection:
        register_gpkg_functions(connection)
        connection.execute(
            "INSERT INTO points (geom, name) VALUES (?, 'mine')", (geometry_to_gpkg(line, 3006),)
        )
        (bounds,) = connection.execute(
            "SELECT minx, maxx, miny, maxy FROM rtree_points_geom WHERE id = 2"
        ).fetchall()
    assert bounds == pytest.approx((661_000, 661_200, 6_581_000, 6_581_300), abs=0.5)
    back = pyogrio.read_dataframe(path, layer="points")
    assert back.geometry.iloc[1].equals(line)
    assert pyogrio.read_info(path, layer="points")["features"] == 2


def test_containing_areas_come_smallest_first_and_the_nearest_has_a_distance() -> None:
    polygons = {"big": shapely.box(0, 0, 100, 100), "small": shapely.box(10, 10, 20, 20)}
    assert containing_keys(Point(15, 15), polygons) == ["small", "big"]
    nearest = nearest_key(Point(130, 50), polygons)
    assert nearest is not None
    assert (nearest.key, nearest.distance_m) == ("big", 30.0)
    assert nearest_key(Point(0, 0), {}) is None


def test_shipped_boundaries_are_read_into_sweref() -> None:
    frame = read_vector_file(DATA / "hv_stadsdelar.geojson")
    assert frame.crs.to_epsg() == 3006
    assert len(frame) == 9
    assert frame.area.sum() / 1e6 == pytest.approx(24.99, abs=0.05)


def test_unreadable_and_missing_files_are_named(tmp_path: Path) -> None:
    fake = tmp_path / "map.geojson"
    fake.write_text("this is not a map", encoding="utf-8")
    with pytest.raises(VectorFileError, match="could not be read as vector data"):
        read_vector_file(fake)
    with pytest.raises(VectorFileError, match="does not exist"):
        read_vector_file(tmp_path / "none.gpkg")


def test_a_file_without_crs_needs_one_given_or_inferable(tmp_path: Path) -> None:
    polygon = transform_geometry(shapely.box(17.82, 59.35, 17.84, 59.36), "EPSG:4326", "EPSG:3011")
    path = tmp_path / "no_crs.shp"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        pyogrio.write_dataframe(gpd.GeoDataFrame({"id": [1]}, geometry=[polygon]), path)
    with pytest.raises(MissingCRSError, match="has no coordinate reference system"):
        read_vector_file(path)
    given = read_vector_file(path, crs="EPSG:3011")
    inferred = read_vector_file(path, expected_extent=STOCKHOLM_3006)
    assert given.crs.to_epsg() == inferred.crs.to_epsg() == 3006
    assert given.geometry.iloc[0].equals_exact(inferred.geometry.iloc[0], 1e-6)
