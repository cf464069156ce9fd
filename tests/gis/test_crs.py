"""CRSs: parsing what users type, transforms, and inferring a missing CRS from coordinates."""

from __future__ import annotations

import pytest
import shapely
from pyproj import CRS, Transformer
from shapely.geometry import LineString, Point

from gis.crs import (
    SWEREF99_18_00,
    SWEREF99_TM,
    WGS84,
    crs_from_user_input,
    infer_crs,
    to_storage_crs,
    to_wgs84,
    transform_geometry,
)
from gis.errors import UnknownCRSError

HASSELBY_GARD = (17.8435, 59.3668)  # Hässelby gård metro station, WGS 84 lon/lat
STOCKHOLM_3006 = shapely.box(640_000, 6_560_000, 690_000, 6_600_000)
# Around Hässelby gård, in WGS 84; the same ground in the other CRSs is computed below.
HASSELBY_LONLAT_BOX = shapely.box(17.82, 59.35, 17.86, 59.37)


def pyproj_xy(lon_lat: tuple[float, float], epsg: int) -> tuple[float, float]:
    """The reference answer, straight from pyproj."""
    x, y = Transformer.from_crs(4326, epsg, always_xy=True).transform(*lon_lat)
    return x, y


# --------------------------------------------------------------------- crs_from_user_input


@pytest.mark.parametrize(
    ("value", "epsg"),
    [
        ("EPSG:3006", 3006),
        ("epsg:3006", 3006),
        ("  EPSG:3011  ", 3011),
        ("EPSG:4326", 4326),
        ("3006", 3006),
        (" 4326 ", 4326),
        (3006, 3006),
        (3011, 3011),
    ],
)
def test_epsg_codes_are_understood_as_strings_and_bare_numbers(value: str | int, epsg: int) -> None:
    assert crs_from_user_input(value).to_epsg() == epsg


def test_a_bare_number_means_an_epsg_code_not_something_else() -> None:
    assert crs_from_user_input(4326) == CRS.from_epsg(4326)
    assert crs_from_user_input("4326").is_geographic


def test_a_proj_string_is_understood_too() -> None:
    crs = crs_from_user_input("+proj=utm +zone=33 +ellps=GRS80 +units=m +no_defs")
    assert crs.is_projected


@pytest.mark.parametrize("value", ["EPSG:99999", "99999", 99999, "EPSG:abc", "nope", ""])
def test_an_unknown_crs_is_named_and_epsg_3006_is_suggested(value: str | int) -> None:
    with pytest.raises(UnknownCRSError, match=r"EPSG:3006 \(SWEREF 99 TM\)") as caught:
        crs_from_user_input(value)
    assert f"Unknown coordinate reference system {str(value)!r}." in str(caught.value)


def test_an_unknown_crs_is_explained_in_swedish_too() -> None:
    with pytest.raises(UnknownCRSError) as caught:
        crs_from_user_input("EPSG:99999")
    swedish = caught.value.message("sv")
    assert swedish.startswith("Okänt koordinatsystem 'EPSG:99999'.")
    assert "EPSG:3006 (SWEREF 99 TM)" in swedish


# --------------------------------------------------------------------- transforms


def test_hasselby_gard_station_lands_where_pyproj_puts_it_in_sweref() -> None:
    expected = pyproj_xy(HASSELBY_GARD, 3006)
    point = to_storage_crs(Point(HASSELBY_GARD), WGS84)
    assert (point.x, point.y) == pytest.approx(expected, abs=1e-6)
    # A sanity check on the reference itself: western Stockholm, in metres.
    assert 661_000 < point.x < 662_000
    assert 6_584_000 < point.y < 6_585_000


def test_a_position_goes_to_sweref_and_back_to_the_same_longitude_and_latitude() -> None:
    back = to_wgs84(to_storage_crs(Point(HASSELBY_GARD), "EPSG:4326"))
    assert (back.x, back.y) == pytest.approx(HASSELBY_GARD, abs=1e-9)


def test_stockholm_city_coordinates_are_brought_into_sweref_99_tm() -> None:
    in_3011 = Point(pyproj_xy(HASSELBY_GARD, 3011))
    point = to_storage_crs(in_3011, SWEREF99_18_00)
    assert (point.x, point.y) == pytest.approx(pyproj_xy(HASSELBY_GARD, 3006), abs=1e-3)


def test_every_vertex_of_a_line_is_transformed_with_x_first() -> None:
    line = LineString([HASSELBY_GARD, (17.95, 59.33)])
    moved = transform_geometry(line, "EPSG:4326", "EPSG:3006")
    assert moved.geom_type == "LineString"
    expected = [pyproj_xy(HASSELBY_GARD, 3006), pyproj_xy((17.95, 59.33), 3006)]
    for vertex, reference in zip(moved.coords, expected, strict=True):
        assert vertex == pytest.approx(reference, abs=1e-6)


def test_a_polygon_keeps_its_shape_and_roughly_its_size_in_metres() -> None:
    polygon = to_storage_crs(HASSELBY_LONLAT_BOX, WGS84)
    assert polygon.is_valid
    # 0.04° of longitude × 0.02° of latitude at 59.36° N ≈ 2.27 km × 2.23 km.
    assert polygon.area / 1e6 == pytest.approx(2.27 * 2.23, rel=0.02)


def test_transforming_into_the_same_crs_returns_the_geometry_untouched() -> None:
    point = Point(661_000, 6_581_000)
    assert transform_geometry(point, SWEREF99_TM, "3006") is point
    assert transform_geometry(point, CRS.from_epsg(3006), SWEREF99_TM) is point


def test_transform_accepts_crs_objects_as_well_as_text() -> None:
    by_object = transform_geometry(Point(HASSELBY_GARD), CRS.from_epsg(4326), CRS.from_epsg(3006))
    by_text = transform_geometry(Point(HASSELBY_GARD), "EPSG:4326", "EPSG:3006")
    assert by_object.equals_exact(by_text, 1e-9)


def test_an_empty_geometry_stays_empty() -> None:
    assert to_storage_crs(Point(), WGS84).is_empty


def test_a_transform_to_an_unknown_crs_raises_the_friendly_error() -> None:
    with pytest.raises(UnknownCRSError, match="'EPSG:99999'"):
        transform_geometry(Point(HASSELBY_GARD), WGS84, "EPSG:99999")


# --------------------------------------------------------------------- infer_crs


@pytest.mark.parametrize("crs", [WGS84, SWEREF99_TM, SWEREF99_18_00])
def test_a_bbox_around_stockholm_is_recognised_in_each_usual_crs(crs: str) -> None:
    box = transform_geometry(HASSELBY_LONLAT_BOX, WGS84, crs)
    assert infer_crs(box.bounds, expected_extent=STOCKHOLM_3006) == crs


def test_stockholm_city_coordinates_typed_by_hand_are_recognised() -> None:
    bounds = (149_000.0, 6_580_000.0, 151_000.0, 6_582_000.0)
    assert infer_crs(bounds, expected_extent=STOCKHOLM_3006) == SWEREF99_18_00


def test_a_bbox_that_fits_two_candidates_is_ambiguous_and_not_guessed() -> None:
    sweden_and_more = shapely.box(0, 0, 2_000_000, 8_000_000)
    bounds = (149_000.0, 6_580_000.0, 151_000.0, 6_582_000.0)
    # Each reading on its own fits the extent ...
    assert infer_crs(bounds, expected_extent=sweden_and_more, candidates=(SWEREF99_TM,)) == (
        SWEREF99_TM
    )
    assert infer_crs(bounds, expected_extent=sweden_and_more, candidates=(SWEREF99_18_00,)) == (
        SWEREF99_18_00
    )
    # ... so together they are ambiguous and the user must be asked.
    assert infer_crs(bounds, expected_extent=sweden_and_more) is None


@pytest.mark.parametrize(
    "bounds",
    [
        pytest.param((11.90, 57.65, 12.00, 57.72), id="Gothenburg in WGS 84"),
        pytest.param((319_000.0, 6_398_000.0, 320_000.0, 6_399_000.0), id="Gothenburg in 3006"),
        pytest.param((0.0, 0.0, 10.0, 10.0), id="near the origin"),
        pytest.param((17.0, 59.0, 19.0, 60.0), id="larger than the expected extent"),
    ],
)
def test_a_far_away_or_too_large_bbox_gives_no_answer(
    bounds: tuple[float, float, float, float],
) -> None:
    assert infer_crs(bounds, expected_extent=STOCKHOLM_3006) is None


def test_only_the_given_candidates_are_tried() -> None:
    box = transform_geometry(HASSELBY_LONLAT_BOX, WGS84, SWEREF99_18_00)
    assert (
        infer_crs(box.bounds, expected_extent=STOCKHOLM_3006, candidates=(WGS84, SWEREF99_TM))
        is None
    )


@pytest.mark.parametrize("name", ["SWEREF", "WGS 84", "sweref99tm"])
def test_crs_names_are_not_guessed(name: str) -> None:
    with pytest.raises(UnknownCRSError, match="Give an EPSG code"):
        crs_from_user_input(name)


def test_wkt_and_proj_strings_are_accepted() -> None:
    wkt = crs_from_user_input("EPSG:3011").to_wkt()
    assert crs_from_user_input(wkt).to_epsg() == 3011
    assert crs_from_user_input("+proj=longlat +datum=WGS84 +no_defs").is_geographic


def test_grid_convergence_turns_true_north_east_of_the_central_meridian() -> None:
    from gis.crs import SWEREF99_TM, WGS84, grid_convergence, transform_xy

    on_meridian = transform_xy(15.0, 59.35, WGS84, SWEREF99_TM)
    assert abs(grid_convergence(*map(float, on_meridian))) < 0.01
    # Hässelby gård, 2.85° east of 15° E: about 2.85 · sin(59.35°) = 2.45° anticlockwise.
    x, y = transform_xy(17.85, 59.35, WGS84, SWEREF99_TM)
    assert grid_convergence(float(x), float(y)) == pytest.approx(-2.45, abs=0.05)
