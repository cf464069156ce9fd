"""Pairs of points within a distance."""

from __future__ import annotations

import numpy as np

from gis.proximity import pairs_within


def test_pairs_within_the_distance_are_found_inclusive_and_sorted() -> None:
    a = np.array([[0.0, 0.0], [100.0, 0.0]])
    b = np.array([[30.0, 40.0], [0.0, 50.1], [100.0, 10.0], [500.0, 500.0]])
    a_index, b_index = pairs_within(a, b, distance_m=50.0)
    # (0, 0) is exactly 50 m (a 3-4-5 triangle); (0, 1) is 50.1 m; (1, 2) is 10 m.
    assert list(zip(a_index.tolist(), b_index.tolist(), strict=True)) == [(0, 0), (1, 2)]


def test_no_points_give_no_pairs() -> None:
    a_index, b_index = pairs_within(np.empty((0, 2)), np.array([[0.0, 0.0]]), distance_m=10)
    assert (len(a_index), len(b_index)) == (0, 0)
