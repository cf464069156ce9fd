"""Reading vector files into SWEREF 99 TM, and the messages for files that cannot be used."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from pyproj import Transformer
from shapely.geometry import Point

import gis.io
from gis.analysis import containing_keys
from gis.errors import MissingCRSError, UnknownCRSError, VectorFileError
from gis.io import read_vector_file

DATA = Path(__file__).resolve().parents[2] / "data"
STOCKHOLM_3006 = shapely.box(640_000, 6_560_000, 690_000, 6_600_000)
HASSELBY_GARD = (17.8435, 59.3668)  # metro station, WGS 84 lon/lat
# A 2 km square in SWEREF 99 18 00 (EPSG:3011), the City of Stockholm's own CRS.
STOCKHOLM_3011_BOX = shapely.box(149_000, 6_580_000, 151_000, 6_582_000)


def from_3011(x: float, y: float) -> tuple[float, float]:
    """The reference answer, straight from pyproj."""
    east, north = Transformer.from_crs(3011, 3006, always_xy=True).transform(x, y)
    return east, north


def write_without_crs(path: Path, geometry: shapely.Geometry) -> None:
    frame = gpd.GeoDataFrame({"name": ["somewhere"]}, geometry=[geometry])  # crs=None
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        pyogrio.write_dataframe(frame, path)
    assert pyogrio.read_info(path)["crs"] is None


@pytest.fixture(params=["no_crs.shp", "no_crs.gpkg"])
def file_without_crs(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """A one-polygon Shapefile or GeoPackage in EPSG:3011 that does not say so."""
    path = tmp_path / request.param
    write_without_crs(path, STOCKHOLM_3011_BOX)
    return path


# --------------------------------------------------------------------- good files


def test_a_geojson_in_wgs84_comes_back_in_sweref_99_tm(tmp_path: Path) -> None:
    path = tmp_path / "station.geojson"
    frame = gpd.GeoDataFrame({"name": ["Hässelby gård"]}, geometry=[Point(HASSELBY_GARD)])
    pyogrio.write_dataframe(frame.set_crs("EPSG:4326"), path)

    back = read_vector_file(path)

    assert back.crs.to_epsg() == 3006
    assert list(back["name"]) == ["Hässelby gård"]
    expected = Transformer.from_crs(4326, 3006, always_xy=True).transform(*HASSELBY_GARD)
    point = back.geometry.iloc[0]
    assert (point.x, point.y) == pytest.approx(expected, abs=1e-3)


def test_the_shipped_district_boundaries_are_read_into_sweref() -> None:
    frame = read_vector_file(DATA / "hv_stadsdelar.geojson")
    assert frame.crs.to_epsg() == 3006
    assert len(frame) == 9
    assert "HÄSSELBY GÅRD" in set(frame["name"])
    assert frame.geometry.is_valid.all()
    # The whole of Hässelby-Vällingby, water included, is about 25 km².
    assert frame.area.sum() / 1e6 == pytest.approx(25.0, abs=0.5)
    assert STOCKHOLM_3006.contains(shapely.box(*frame.total_bounds))


def test_the_metro_station_lies_in_the_shipped_hasselby_gard_boundary() -> None:
    frame = read_vector_file(DATA / "hv_stadsdelar.geojson")
    station = Point(Transformer.from_crs(4326, 3006, always_xy=True).transform(*HASSELBY_GARD))
    districts = dict(zip(frame["name"], frame.geometry, strict=True))
    assert containing_keys(station, districts) == ["HÄSSELBY GÅRD"]


def test_the_first_layer_is_read_unless_another_is_named(tmp_path: Path) -> None:
    path = tmp_path / "two.gpkg"
    for name, x in (("first", 661_000), ("second", 662_000)):
        frame = gpd.GeoDataFrame({"name": [name]}, geometry=[Point(x, 6_581_000)], crs="EPSG:3006")
        pyogrio.write_dataframe(frame, path, layer=name)
    with pytest.warns(UserWarning, match="More than one layer found"):
        assert list(read_vector_file(path)["name"]) == ["first"]
    assert list(read_vector_file(path, layer="second")["name"]) == ["second"]


def test_a_crs_given_by_the_user_does_not_override_the_one_the_file_states(
    tmp_path: Path,
) -> None:
    path = tmp_path / "sweref.gpkg"
    point = Point(661_000, 6_581_000)
    pyogrio.write_dataframe(gpd.GeoDataFrame(geometry=[point], crs="EPSG:3006"), path)
    back = read_vector_file(path, crs="EPSG:3011")
    assert back.geometry.iloc[0].equals_exact(point, 1e-6)


# --------------------------------------------------------------------- files without a CRS


def test_a_file_without_crs_is_refused_with_advice(file_without_crs: Path) -> None:
    with pytest.raises(
        MissingCRSError, match=r"has no coordinate reference system .* --crs EPSG:3006"
    ) as caught:
        read_vector_file(file_without_crs)
    assert str(file_without_crs) in str(caught.value)
    assert "saknar koordinatsystem" in caught.value.message("sv")


def test_a_file_without_crs_is_read_with_the_crs_the_user_gives(file_without_crs: Path) -> None:
    frame = read_vector_file(file_without_crs, crs="EPSG:3011")
    assert frame.crs.to_epsg() == 3006
    expected = from_3011(*STOCKHOLM_3011_BOX.exterior.coords[0])
    assert frame.geometry.iloc[0].exterior.coords[0] == pytest.approx(expected, abs=1e-3)


def test_a_bare_epsg_number_is_enough_as_the_given_crs(file_without_crs: Path) -> None:
    by_number = read_vector_file(file_without_crs, crs="3011")
    by_code = read_vector_file(file_without_crs, crs="EPSG:3011")
    assert by_number.geometry.iloc[0].equals_exact(by_code.geometry.iloc[0], 1e-9)


def test_a_file_without_crs_has_its_crs_inferred_from_the_expected_extent(
    file_without_crs: Path,
) -> None:
    inferred = read_vector_file(file_without_crs, expected_extent=STOCKHOLM_3006)
    given = read_vector_file(file_without_crs, crs="EPSG:3011")
    assert inferred.crs.to_epsg() == 3006
    assert inferred.geometry.iloc[0].equals_exact(given.geometry.iloc[0], 1e-6)


def test_a_file_without_crs_far_from_the_expected_extent_is_still_refused(
    file_without_crs: Path,
) -> None:
    gothenburg = shapely.box(310_000, 6_390_000, 330_000, 6_410_000)
    with pytest.raises(MissingCRSError):
        read_vector_file(file_without_crs, expected_extent=gothenburg)


def test_an_unknown_crs_given_for_a_file_is_refused(file_without_crs: Path) -> None:
    with pytest.raises(UnknownCRSError, match="'EPSG:99999'"):
        read_vector_file(file_without_crs, crs="EPSG:99999")


# --------------------------------------------------------------------- unusable files


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "boundaries.gpkg"
    with pytest.raises(VectorFileError, match=r"The file .*boundaries\.gpkg does not exist\.") as e:
        read_vector_file(path)
    assert e.value.message("sv") == f"Filen {path} finns inte."


def test_a_text_file_renamed_geojson_is_not_vector_data(tmp_path: Path) -> None:
    path = tmp_path / "map.geojson"
    path.write_text("Meeting notes from the walk on Tuesday.\n", encoding="utf-8")
    with pytest.raises(VectorFileError, match="could not be read as vector data") as caught:
        read_vector_file(path)
    assert str(caught.value).startswith(f"The file {path} ")
    assert "kunde inte läsas som vektordata" in caught.value.message("sv")


def test_an_empty_file_is_not_vector_data(tmp_path: Path) -> None:
    path = tmp_path / "empty.gpkg"
    path.write_bytes(b"")
    with pytest.raises(VectorFileError, match="could not be read as vector data"):
        read_vector_file(path)


def test_a_table_without_geometry_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lamps.csv"
    path.write_text("id,kind\n1,street_lamp\n", encoding="utf-8")
    with pytest.raises(VectorFileError, match=r"The file .*lamps\.csv has no geometry\."):
        read_vector_file(path)


def test_a_feature_collection_without_features_has_no_geometry(tmp_path: Path) -> None:
    path = tmp_path / "nothing.geojson"
    path.write_text('{"type": "FeatureCollection", "features": []}', encoding="utf-8")
    with pytest.raises(VectorFileError, match="has no geometry"):
        read_vector_file(path)


def test_a_layer_that_is_not_in_the_file_is_refused() -> None:
    with pytest.raises(VectorFileError, match=r"hv_stadsdelar\.geojson could not be read.*'nope'"):
        read_vector_file(DATA / "hv_stadsdelar.geojson", layer="nope")


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(gis.io, "MAX_VECTOR_FILE_BYTES", 1_000_000)
    path = tmp_path / "huge.geojson"
    path.write_text(" " * 2_000_001, encoding="utf-8")  # would not parse either
    with pytest.raises(VectorFileError, match=r"huge\.geojson is too large \(2 MB; at most 1 MB\)"):
        read_vector_file(path)


def test_a_geojson_with_projected_coordinates_is_refused_not_turned_into_infinity(
    tmp_path: Path,
) -> None:
    # GeoJSON has no CRS member here, so GDAL takes it as WGS 84; the numbers are EPSG:3011.
    path = tmp_path / "exported.geojson"
    feature = {
        "type": "Feature",
        "properties": {"name": "lamp"},
        "geometry": {"type": "Point", "coordinates": [150_000, 6_580_000]},
    }
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [feature]}))
    with pytest.raises(
        VectorFileError,
        match=r"exported\.geojson do not fit the file's coordinate reference system \(EPSG:4326\)"
        r"\. Check which system the file was saved in",
    ):
        read_vector_file(path, expected_extent=STOCKHOLM_3006)


def test_a_folder_is_not_taken_for_a_missing_file(tmp_path: Path) -> None:
    with pytest.raises(VectorFileError, match="is a folder; give a file"):
        read_vector_file(tmp_path)
