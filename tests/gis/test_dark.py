"""Dark stretches of routes: hand-computed cases, edge cases and the naive overlay as a check."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from numpy.typing import NDArray
from shapely.geometry import LineString, MultiLineString

from gis.dark import Stretch, dark_length_naive, dark_stretches
from gis.errors import AnalysisInputError, GisError

# A straight 100 m route along the x axis, in SWEREF 99 TM (Grimsta).
X0, Y0 = 661_000.0, 6_580_000.0
STRAIGHT = LineString([(X0, Y0), (X0 + 100, Y0)])
# An L: 100 m east, then 100 m north; the bend at 100 m along the route.
BEND = (X0 + 100, Y0)
L_SHAPED = LineString([(X0, Y0), BEND, (X0 + 100, Y0 + 100)])
NO_LAMPS = np.empty((0, 2))


def lamps(*offsets: tuple[float, float]) -> NDArray[np.float64]:
    """Lamps at ``offsets`` metres from (X0, Y0)."""
    return np.array([(X0 + dx, Y0 + dy) for dx, dy in offsets], dtype=np.float64).reshape(-1, 2)


def dark_length(stretches: list[Stretch]) -> float:
    return sum(stretch.length_m for stretch in stretches)


# ------------------------------------------------------------------ hand-computed cases
def test_lamps_at_both_ends_of_100_m_leave_the_middle_50_m_dark() -> None:
    stretches = dark_stretches(STRAIGHT, lamps((0, 0), (100, 0)), radius_m=25)

    assert stretches == [Stretch(25, 75)]
    assert dark_length(stretches) == 50


def test_a_broken_lamp_at_one_end_leaves_75_m_dark() -> None:
    stretches = dark_stretches(STRAIGHT, lamps((0, 0)), radius_m=25)

    assert stretches == [Stretch(25, 100)]
    assert dark_length(stretches) == 75


@pytest.mark.parametrize(
    ("distance_m", "lit_m"),
    [
        (0, 50),  # 2·√(25² - 0²)
        (7, 48),  # 2·√(625 - 49) = 2·24
        (15, 40),  # 2·√(625 - 225) = 2·20
        (20, 30),  # 2·√(625 - 400) = 2·15
        (24, 14),  # 2·√(625 - 576) = 2·7
    ],
)
def test_a_lamp_beside_the_route_lights_twice_its_half_chord(
    distance_m: float, lit_m: float
) -> None:
    stretches = dark_stretches(STRAIGHT, lamps((50, distance_m)), radius_m=25)

    assert stretches == [Stretch(0, 50 - lit_m / 2), Stretch(50 + lit_m / 2, 100)]
    assert dark_length(stretches) == pytest.approx(100 - lit_m, abs=1e-9)


def test_a_lamp_on_the_other_side_lights_the_same() -> None:
    stretches = dark_stretches(STRAIGHT, lamps((50, -15)), radius_m=25)

    assert stretches == [Stretch(0, 30), Stretch(70, 100)]


def test_a_lamp_exactly_one_radius_from_the_route_lights_nothing() -> None:
    assert dark_stretches(STRAIGHT, lamps((50, 25)), radius_m=25) == [Stretch(0, 100)]


# 100 m along the 3-4-5 direction; its midpoint is (30, 40) and (-4, 3)/5 is a unit normal.
DIAGONAL = LineString([(X0, Y0), (X0 + 60, Y0 + 80)])


def test_a_lamp_beside_a_diagonal_route_lights_twice_its_half_chord() -> None:
    # 15 m off the midpoint: (30, 40) + 15·(-4, 3)/5 = (18, 49); lit 50 ± √(25² - 15²).
    assert dark_stretches(DIAGONAL, lamps((18, 49)), radius_m=25) == [
        Stretch(0, 30),
        Stretch(70, 100),
    ]


def test_a_lamp_exactly_one_radius_from_a_diagonal_route_lights_nothing() -> None:
    # 25 m off the midpoint: (30, 40) + 25·(-4, 3)/5 = (10, 55).
    assert dark_stretches(DIAGONAL, lamps((10, 55)), radius_m=25) == [Stretch(0, 100)]


def test_a_lamp_exactly_one_radius_beyond_the_end_lights_nothing() -> None:
    assert dark_stretches(STRAIGHT, lamps((125, 0)), radius_m=25) == [Stretch(0, 100)]


def test_a_lamp_at_the_bend_lights_25_m_of_each_leg() -> None:
    stretches = dark_stretches(L_SHAPED, lamps((100, 0)), radius_m=25)

    assert stretches == [Stretch(0, 75), Stretch(125, 200)]


def test_a_lamp_inside_the_bend_lights_each_leg_by_its_own_chord() -> None:
    # 7 m from both legs: each leg is lit 24 m either side of the foot of the
    # perpendicular (x = 93 on the first leg, y = 7 on the second), cut at the bend.
    stretches = dark_stretches(L_SHAPED, lamps((93, 7)), radius_m=25)

    assert stretches == [Stretch(0, 69), Stretch(131, 200)]


def test_a_lamp_outside_the_bend_lights_both_legs_only_near_the_corner() -> None:
    # 15 m beyond the corner on the first leg's line: it reaches 10 m back along that
    # leg; the second leg is 15 m from it, so lit for √(25² - 15²) = 20 m from the bend.
    stretches = dark_stretches(L_SHAPED, lamps((115, 0)), radius_m=25)

    assert stretches == [Stretch(0, 90), Stretch(120, 200)]


def test_overlapping_lamps_light_one_stretch_between_them() -> None:
    stretches = dark_stretches(STRAIGHT, lamps((40, 0), (60, 0)), radius_m=25)

    assert stretches == [Stretch(0, 15), Stretch(85, 100)]


def test_the_stretches_come_in_order_along_the_route_whatever_the_lamps_order() -> None:
    stretches = dark_stretches(STRAIGHT, lamps((80, 0), (20, 0)), radius_m=10)

    assert stretches == [Stretch(0, 10), Stretch(30, 70), Stretch(90, 100)]


def test_a_route_lit_all_along_has_no_dark_stretches() -> None:
    assert dark_stretches(STRAIGHT, lamps((25, 0), (75, 0)), radius_m=25) == []


def test_lamps_far_from_the_route_leave_it_all_dark() -> None:
    far = lamps((50, 1000), (-500, 0), (5000, 5000))

    assert dark_stretches(L_SHAPED, far, radius_m=25) == [Stretch(0, 200)]


@pytest.mark.parametrize("none", [NO_LAMPS, np.array([]), []])
def test_no_lamps_leave_the_whole_route_dark(none: NDArray[np.float64]) -> None:
    assert dark_stretches(L_SHAPED, none, radius_m=25) == [Stretch(0, 200)]


@pytest.mark.parametrize("empty", [LineString(), MultiLineString()])
def test_an_empty_route_has_no_dark_stretches(empty: LineString | MultiLineString) -> None:
    assert dark_stretches(empty, lamps((0, 0)), radius_m=25) == []
    assert dark_stretches(empty, NO_LAMPS, radius_m=25) == []


def test_a_zero_length_segment_changes_nothing() -> None:
    repeated = LineString([(X0, Y0), (X0 + 40, Y0), (X0 + 40, Y0), (X0 + 100, Y0)])

    assert dark_stretches(repeated, lamps((40, 0)), radius_m=25) == [
        Stretch(0, 15),
        Stretch(65, 100),
    ]


def test_a_route_of_one_point_repeated_has_no_dark_stretches() -> None:
    assert dark_stretches(LineString([(X0, Y0), (X0, Y0)]), NO_LAMPS, radius_m=25) == []


def test_a_stretch_is_as_long_as_from_to_to() -> None:
    assert Stretch(12.5, 40).length_m == 27.5


# ------------------------------------------------------------------ multi-part routes
# Two parallel 100 m parts 30 m apart; a lamp midway between them, 15 m from each.
TWO_PARTS = MultiLineString([[(X0, Y0), (X0 + 100, Y0)], [(X0, Y0 + 30), (X0 + 100, Y0 + 30)]])


def test_a_multi_part_route_is_measured_on_through_its_parts_in_order() -> None:
    # Each part is lit 20 m either side of x = 50; the second part starts at 100 m.
    stretches = dark_stretches(TWO_PARTS, lamps((50, 15)), radius_m=25)

    assert stretches == [Stretch(0, 30), Stretch(70, 100), Stretch(100, 130), Stretch(170, 200)]


def test_a_dark_stretch_ends_where_its_part_ends() -> None:
    stretches = dark_stretches(TWO_PARTS, NO_LAMPS, radius_m=25)

    assert stretches == [Stretch(0, 100), Stretch(100, 200)]


def test_the_parts_order_sets_the_measure() -> None:
    lamp_on_first_part = lamps((0, 0))
    reversed_parts = MultiLineString(list(reversed(TWO_PARTS.geoms)))

    assert dark_stretches(TWO_PARTS, lamp_on_first_part, radius_m=25) == [
        Stretch(25, 100),
        Stretch(100, 200),
    ]
    assert dark_stretches(reversed_parts, lamp_on_first_part, radius_m=25) == [
        Stretch(0, 100),
        Stretch(125, 200),
    ]


# ------------------------------------------------------------------ against the naive overlay
def random_route(rng: np.random.Generator) -> LineString | MultiLineString:
    """A random walk of 2–12 steps of 1–60 m, or two or three of them as one route."""

    def walk() -> LineString:
        steps = rng.uniform(-60, 60, (int(rng.integers(2, 13)), 2))
        start = (X0 + rng.uniform(0, 300), Y0 + rng.uniform(0, 300))
        return LineString(np.cumsum(np.vstack([start, steps]), axis=0))

    if rng.random() < 0.3:
        return MultiLineString([walk() for _ in range(int(rng.integers(2, 4)))])
    return walk()


def lamps_near(
    route: LineString | MultiLineString, rng: np.random.Generator, *, count: int, within_m: float
) -> NDArray[np.float64]:
    """``count`` lamps up to ``within_m`` across and along from random points of ``route``."""
    on_route = shapely.get_coordinates(
        shapely.line_interpolate_point(route, rng.uniform(0, route.length, count))
    )
    return on_route + rng.uniform(-within_m, within_m, (count, 2))


@pytest.mark.parametrize("seed", range(40))
def test_the_exact_length_lies_between_the_naive_ones_inside_and_around_the_circles(
    seed: int,
) -> None:
    """The naive overlay agrees within the error of its circles, which is known exactly.

    GEOS puts a buffer's ``4·q`` vertices on the circle, so the polygon lies inside the
    disc of radius r and contains the disc of radius r·cos(π/4q): its dark length lies
    between the exact ones at those two radii, and, with the radius grown by 1/cos(π/4q)
    so the polygon contains the disc of radius r, at most the exact one at r. 1e-6 m
    allows for GEOS's overlay rounding at coordinates of 6.6e6 m (about 1e-9 m a point).
    """
    rng = np.random.default_rng(seed)
    route = random_route(rng)
    radius_m = float(rng.uniform(5, 40))
    scattered = lamps_near(route, rng, count=int(rng.integers(0, 16)), within_m=1.5 * radius_m)
    quad_segs = 256
    shrink = math.cos(math.pi / (4 * quad_segs))
    tolerance_m = 1e-6

    exact = dark_length(dark_stretches(route, scattered, radius_m=radius_m))
    exact_inner = dark_length(dark_stretches(route, scattered, radius_m=radius_m * shrink))
    naive = dark_length_naive(route, scattered, radius_m=radius_m, quad_segs=quad_segs)
    naive_outer = dark_length_naive(
        route, scattered, radius_m=radius_m / shrink, quad_segs=quad_segs
    )

    assert exact - tolerance_m <= naive <= exact_inner + tolerance_m
    assert naive_outer <= exact + tolerance_m
    assert naive == pytest.approx(exact, abs=exact_inner - exact + tolerance_m)


def test_the_naive_way_gives_the_hand_computed_lengths() -> None:
    both = lamps((0, 0), (100, 0))

    assert dark_length_naive(STRAIGHT, both, radius_m=25, quad_segs=256) == pytest.approx(50)
    assert dark_length_naive(STRAIGHT, both[:1], radius_m=25, quad_segs=256) == pytest.approx(75)
    assert dark_length_naive(STRAIGHT, NO_LAMPS, radius_m=25) == 100
    assert dark_length_naive(LineString(), both, radius_m=25) == 0


# ------------------------------------------------------------------ refusals
@pytest.mark.parametrize(
    ("radius_m", "shown"), [(0, "0"), (-5, "-5"), (-0.5, "-0.5"), (math.nan, "nan")]
)
def test_a_radius_of_zero_or_less_is_refused_with_the_value(radius_m: float, shown: str) -> None:
    with pytest.raises(AnalysisInputError, match=rf"^Invalid radius {shown} m: .* greater than 0"):
        dark_stretches(STRAIGHT, lamps((0, 0)), radius_m=radius_m)


def test_the_refusal_of_a_radius_is_a_gis_error_in_swedish_too() -> None:
    with pytest.raises(GisError) as caught:
        dark_length_naive(STRAIGHT, lamps((0, 0)), radius_m=-25)

    assert caught.value.message("sv").startswith("Ogiltig radie -25 m: radien måste vara")


def test_an_infinite_radius_is_refused() -> None:
    with pytest.raises(AnalysisInputError, match="Invalid radius inf m"):
        dark_stretches(STRAIGHT, lamps((0, 0)), radius_m=math.inf)


def test_lamps_that_are_not_xy_pairs_are_refused_with_their_shape() -> None:
    with pytest.raises(AnalysisInputError, match=r"shape \(2, 3\); give an \(n, 2\) array"):
        dark_stretches(STRAIGHT, np.zeros((2, 3)), radius_m=25)


def test_a_route_that_is_not_a_line_is_refused_with_its_type() -> None:
    with pytest.raises(AnalysisInputError, match=r"\(LineString or MultiLineString\), not Polygon"):
        dark_stretches(STRAIGHT.buffer(1), lamps((0, 0)), radius_m=25)


def test_a_lamp_without_a_position_is_refused_by_number() -> None:
    broken = np.array([[X0, Y0], [X0, math.nan]])

    with pytest.raises(AnalysisInputError, match=r"Lamp number 1 has the coordinates"):
        dark_stretches(STRAIGHT, broken, radius_m=25)
