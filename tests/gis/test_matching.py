"""Pairing the labelled points of two occasions: resolved, persisting and new (metres)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from gis.matching import Matching, match_points

X0, Y0 = 661_000.0, 6_580_000.0  # Grimsta, SWEREF 99 TM


def at(*offsets: tuple[float, float]) -> np.ndarray:
    """Points at the given (dx, dy) metres from X0, Y0."""
    return np.array([(X0 + dx, Y0 + dy) for dx, dy in offsets]).reshape(-1, 2)


def test_two_walks_give_one_resolved_one_persisting_and_one_new() -> None:
    # First walk: a dark lamp and a broken bench. Second walk: the lamp (3 m off, a GPS
    # difference), no bench, and graffiti elsewhere.
    matching = match_points(
        at((0, 0), (50, 0)),
        ["dark lamp", "broken bench"],
        at((3, 0), (0, 80)),
        ["dark lamp", "graffiti"],
        distance_m=10,
    )
    assert matching == Matching(resolved=(1,), persisting=((0, 0),), new=(1,))


def test_points_with_different_labels_never_match() -> None:
    matching = match_points(at((0, 0)), ["dark lamp"], at((0, 0)), ["graffiti"], distance_m=10)
    assert matching == Matching(resolved=(0,), persisting=(), new=(0,))


def test_the_matching_pairs_as_many_as_possible_where_nearest_first_would_not() -> None:
    # After-point 0 is 1 m from before-point 1 and 9 m from before-point 0. Nearest first
    # would pair (1, 0) and leave before-point 0 and after-point 1 (19 m apart) unpaired;
    # pairing (0, 0) and (1, 1), 9 m each, keeps both.
    matching = match_points(
        at((0, 0), (10, 0)), ["lamp", "lamp"], at((9, 0), (19, 0)), ["lamp", "lamp"], distance_m=10
    )
    assert matching == Matching(resolved=(), persisting=((0, 0), (1, 1)), new=())


def test_among_equally_many_pairs_the_shortest_total_distance_wins() -> None:
    # Straight pairs: 1 + 1 = 2 m. Crossed pairs: 11 + 9 = 20 m, also allowed at 20 m.
    matching = match_points(
        at((0, 0), (10, 0)), ["lamp", "lamp"], at((11, 0), (1, 0)), ["lamp", "lamp"], distance_m=20
    )
    assert matching.persisting == ((0, 1), (1, 0))


def test_points_exactly_distance_m_apart_match() -> None:
    # A 3-4-5 triangle: exactly 5 m apart.
    matching = match_points(at((0, 0)), ["lamp"], at((3, 4)), ["lamp"], distance_m=5)
    assert matching.persisting == ((0, 0),)


def test_points_just_beyond_distance_m_do_not_match() -> None:
    matching = match_points(at((0, 0)), ["lamp"], at((3, 4)), ["lamp"], distance_m=4.999)
    assert matching == Matching(resolved=(0,), persisting=(), new=(0,))


def test_a_zero_distance_matches_only_the_same_position() -> None:
    matching = match_points(
        at((0, 0), (1, 0)), ["lamp", "lamp"], at((1, 0)), ["lamp"], distance_m=0
    )
    assert matching == Matching(resolved=(0,), persisting=((1, 0),), new=())


def test_each_point_matches_at_most_once() -> None:
    # Two lamps before at one spot, one after: one pair, one resolved, the same every time.
    args = (at((0, 0), (0, 0)), ["lamp", "lamp"], at((1, 0)), ["lamp"])
    matching = match_points(*args, distance_m=10)
    assert len(matching.persisting) == 1
    assert len(matching.resolved) == 1
    assert matching.new == ()
    assert match_points(*args, distance_m=10) == matching


def test_labels_are_matched_separately_in_a_mixed_set() -> None:
    # Same positions, labels interleaved: each before-point pairs with its own kind.
    matching = match_points(
        at((0, 0), (0, 0), (30, 0)),
        ["lamp", "bench", "lamp"],
        at((30, 1), (1, 0), (0, 1)),
        ["lamp", "lamp", "bench"],
        distance_m=5,
    )
    assert matching == Matching(resolved=(), persisting=((0, 1), (1, 2), (2, 0)), new=())


def test_many_separate_pairs_all_match_whatever_the_order() -> None:
    rng = np.random.default_rng(0)
    n = 300
    before = at(*[(100 * i, 0) for i in range(n)])
    labels = [("lamp", "bench", "graffiti")[i % 3] for i in range(n)]
    order = rng.permutation(n)  # after-point k is before-point order[k], 2 m further north
    after = before[order] + (0, 2)
    matching = match_points(before, labels, after, [labels[i] for i in order], distance_m=5)
    assert matching.resolved == ()
    assert matching.new == ()
    assert matching.persisting == tuple(sorted((int(b), k) for k, b in enumerate(order)))


def test_empty_sets_match_nothing() -> None:
    assert match_points(at(), [], at(), [], distance_m=10) == Matching((), (), ())
    assert match_points(at((0, 0)), ["lamp"], at(), [], distance_m=10) == Matching((0,), (), ())
    assert match_points(at(), [], at((0, 0)), ["lamp"], distance_m=10) == Matching((), (), (0,))


def test_labels_must_be_one_per_point() -> None:
    with pytest.raises(ValueError, match=r"after_labels has 2 labels for 1 points"):
        match_points(at((0, 0)), ["lamp"], at((0, 0)), ["lamp", "lamp"], distance_m=10)


@pytest.mark.parametrize("distance_m", [-1, math.nan, math.inf])
def test_a_distance_that_is_not_a_distance_is_refused(distance_m: float) -> None:
    with pytest.raises(ValueError, match=r"distance_m must be zero or a positive number"):
        match_points(at((0, 0)), ["lamp"], at((0, 0)), ["lamp"], distance_m=distance_m)


def test_malformed_coordinates_are_refused_with_the_argument_name() -> None:
    with pytest.raises(ValueError, match=r"before_xy must be an array of shape \(n, 2\)"):
        match_points([1, 2, 3], ["a", "b", "c"], at((0, 0)), ["a"], distance_m=10)
