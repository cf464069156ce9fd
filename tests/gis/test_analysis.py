"""Which areas cover a point, and which one is nearest when none does (SWEREF 99 TM metres)."""

from __future__ import annotations

import math

import pytest
import shapely
from shapely.geometry import Point, Polygon

from gis.analysis import Nearest, containing_keys, label_points, nearest_key

# Nested areas in SWEREF 99 TM: a district, a neighbourhood inside it, a square inside that.
DISTRICT = shapely.box(660_000, 6_580_000, 665_000, 6_586_000)
NEIGHBOURHOOD = shapely.box(661_000, 6_584_000, 662_500, 6_585_000)
SQUARE = shapely.box(661_500, 6_584_300, 661_700, 6_584_400)
AREAS = {"district": DISTRICT, "neighbourhood": NEIGHBOURHOOD, "square": SQUARE}


def test_overlapping_areas_are_listed_smallest_first() -> None:
    assert containing_keys(Point(661_600, 6_584_350), AREAS) == [
        "square",
        "neighbourhood",
        "district",
    ]


def test_the_order_is_by_size_not_by_the_order_they_were_given_in() -> None:
    reversed_areas = dict(reversed(AREAS.items()))
    assert containing_keys(Point(661_600, 6_584_350), reversed_areas) == [
        "square",
        "neighbourhood",
        "district",
    ]


def test_only_the_areas_that_cover_the_point_are_listed() -> None:
    assert containing_keys(Point(664_000, 6_581_000), AREAS) == ["district"]


def test_a_point_outside_every_area_is_in_none() -> None:
    assert containing_keys(Point(670_000, 6_590_000), AREAS) == []


def test_a_point_on_the_boundary_counts_as_inside() -> None:
    assert containing_keys(Point(661_500, 6_584_350), AREAS) == [
        "square",
        "neighbourhood",
        "district",
    ]


def test_no_areas_means_no_containing_areas() -> None:
    assert containing_keys(Point(0, 0), {}) == []


def test_the_nearest_area_is_found_with_its_distance_in_metres() -> None:
    areas = {"west": shapely.box(0, 0, 100, 100), "east": shapely.box(500, 0, 600, 100)}
    # 30 m east and 40 m north of the west box's north-east corner: 50 m away.
    assert nearest_key(Point(130, 140), areas) == Nearest(key="west", distance_m=50.0)
    assert nearest_key(Point(420, 50), areas) == Nearest(key="east", distance_m=80.0)


def test_a_point_inside_an_area_is_zero_metres_from_it() -> None:
    areas = {"elsewhere": shapely.box(0, 0, 10, 10), "square": SQUARE}
    assert nearest_key(Point(661_600, 6_584_350), areas) == Nearest("square", 0.0)


def test_the_distance_is_a_plain_float() -> None:
    nearest = nearest_key(Point(666_000, 6_586_000), AREAS)
    assert nearest is not None
    assert nearest.key == "district"
    assert type(nearest.distance_m) is float
    assert nearest.distance_m == pytest.approx(1_000.0)


def test_there_is_no_nearest_area_when_there_are_no_areas() -> None:
    assert nearest_key(Point(0, 0), {}) is None


def test_an_empty_area_is_never_the_nearest() -> None:
    areas = {"cleared": Polygon(), "square": SQUARE}
    nearest = nearest_key(Point(661_600, 6_584_500), areas)
    assert nearest is not None
    assert nearest.key == "square"
    assert math.isfinite(nearest.distance_m)


def test_label_points_are_points_themselves_lines_middles_and_inside_areas() -> None:
    bent = shapely.Polygon([(0, 0), (10, 0), (10, 10), (8, 10), (8, 2), (0, 2)])  # an L
    shapes = [shapely.Point(3, 4), shapely.LineString([(0, 0), (10, 0), (10, 30)]), bent]
    point, middle, inside = label_points(shapes)
    assert (point.x, point.y) == (3, 4)
    assert (middle.x, middle.y) == (10, 10)  # 20 m along a 40 m line
    assert bent.contains(inside)
    assert not bent.contains(bent.centroid)  # why not the centroid
