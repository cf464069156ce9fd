"""Density clusters and Gi* hot spots on small point sets with hand-computed answers (metres)."""

from __future__ import annotations

import math

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from gis.hotspots import (
    MIN_CELLS_FOR_HOT_SPOTS,
    MIN_POINTS_FOR_HOT_SPOTS,
    OUTLINE_MARGIN_M,
    _permuted_g_star,
    clusters,
    density_clusters,
    hot_spot_grid,
)

# A corner of Grimsta in SWEREF 99 TM, on multiples of 10 m so grid cells line up with it.
X0, Y0 = 661_000.0, 6_580_000.0


def at(*offsets: tuple[float, float]) -> np.ndarray:
    """Points at the given (dx, dy) metres from the corner."""
    return np.array([(X0 + dx, Y0 + dy) for dx, dy in offsets])


# Four corners of a 10 m square and its centre: every pair is at most 14.1 m apart.
SQUARE_OF_FIVE = [(0, 0), (10, 0), (0, 10), (10, 10), (5, 5)]
LONE_POINT = (200, 200)


# density_clusters


def test_five_points_within_ten_metres_form_one_cluster_and_a_lone_point_is_noise() -> None:
    labels = density_clusters(at(*SQUARE_OF_FIVE, LONE_POINT), radius_m=15, min_count=3)
    assert labels.tolist() == [0, 0, 0, 0, 0, -1]
    assert labels.dtype == np.int64


def test_a_point_exactly_radius_m_away_is_in_the_neighbourhood() -> None:
    # The middle point has both ends at exactly 10 m: with itself that makes 3.
    line = at((0, 0), (10, 0), (20, 0))
    assert density_clusters(line, radius_m=10, min_count=3).tolist() == [0, 0, 0]
    assert density_clusters(line, radius_m=9.999, min_count=3).tolist() == [-1, -1, -1]


def test_min_count_larger_than_any_neighbourhood_gives_no_clusters() -> None:
    # The largest neighbourhood within 15 m is the square's five points.
    labels = density_clusters(at(*SQUARE_OF_FIVE, LONE_POINT), radius_m=15, min_count=6)
    assert labels.tolist() == [-1] * 6


def test_min_count_one_makes_even_a_lone_point_a_cluster() -> None:
    labels = density_clusters(at(*SQUARE_OF_FIVE, LONE_POINT), radius_m=15, min_count=1)
    assert labels.tolist() == [0, 0, 0, 0, 0, 1]


def test_clusters_are_numbered_in_the_order_of_their_first_point() -> None:
    # Point 0 is only a border point of the cluster on the left (two points within 1 m),
    # so DBSCAN starts the cluster on the right first, from its core point 1.
    xy = at((0, 0), (100, 0), (1, 0), (100.5, 0), (101, 0), (2, 0), (1.5, 0))
    assert density_clusters(xy, radius_m=1, min_count=3).tolist() == [0, 1, 0, 1, 1, 0, 0]


def test_no_points_give_no_labels() -> None:
    assert density_clusters(np.empty((0, 2)), radius_m=15, min_count=3).tolist() == []


@pytest.mark.parametrize("radius_m", [0, -5, math.nan, math.inf])
def test_a_radius_that_is_not_a_positive_distance_is_refused(radius_m: float) -> None:
    with pytest.raises(ValueError, match=r"radius_m must be a positive number of metres"):
        density_clusters(at(*SQUARE_OF_FIVE), radius_m=radius_m, min_count=3)


def test_coordinates_that_are_not_pairs_are_refused() -> None:
    with pytest.raises(ValueError, match=r"xy must be an array of shape \(n, 2\).*\(2, 3\)"):
        density_clusters([[1, 2, 3], [4, 5, 6]], radius_m=15, min_count=3)


def test_a_missing_coordinate_is_refused_with_its_row() -> None:
    with pytest.raises(ValueError, match=r"non-finite coordinate in row 1"):
        density_clusters([[0, 0], [math.nan, 5]], radius_m=15, min_count=3)


# clusters


def test_clusters_come_largest_first_with_members_and_mean_centre() -> None:
    # A cluster of three (points 0-2) is found first but listed after the square of five.
    trio = [(300, 0), (304, 0), (308, 0)]
    xy = at(*trio, *SQUARE_OF_FIVE, LONE_POINT)
    found = clusters(xy, ["lamp"] * 9, radius_m=15, min_count=3)
    assert [(c.id, c.count, c.members) for c in found] == [
        (1, 5, (3, 4, 5, 6, 7)),
        (0, 3, (0, 1, 2)),
    ]
    # Means: square (0+10+0+10+5)/5 = 5 on both axes; trio (300+304+308)/3 = 304.
    assert found[0].centre == pytest.approx((X0 + 5, Y0 + 5))
    assert found[1].centre == pytest.approx((X0 + 304, Y0))


def test_a_cluster_outline_is_its_hull_widened_by_the_margin() -> None:
    found = clusters(at(*SQUARE_OF_FIVE), ["lamp"] * 5, radius_m=15, min_count=3)
    outline = found[0].outline
    # A 10 m square buffered by 5 m: 10² + 4·10·5 + π·5² = 278.5 m² (a bit less as a polygon).
    assert outline.area == pytest.approx(100 + 4 * 10 * OUTLINE_MARGIN_M + math.pi * 25, rel=0.01)
    assert outline.contains(shapely.points(at(*SQUARE_OF_FIVE))).all()


def test_a_two_point_cluster_still_has_an_area() -> None:
    found = clusters(at((0, 0), (4, 0)), ["bench", "bench"], radius_m=5, min_count=2)
    # A 4 m segment buffered by 5 m: a 4 × 10 m box and two half discs, 40 + π·25 m².
    assert found[0].outline.area == pytest.approx(40 + math.pi * 25, rel=0.01)


def test_the_outline_margin_can_be_chosen() -> None:
    found = clusters(at((0, 0)), ["bench"], radius_m=5, min_count=1, outline_margin_m=1)
    assert found[0].outline.area == pytest.approx(math.pi, rel=0.01)


def test_the_dominant_label_is_the_most_frequent_one() -> None:
    labels = ["graffiti", "lighting", "lighting", "lighting", "vegetation"]
    found = clusters(at(*SQUARE_OF_FIVE), labels, radius_m=15, min_count=3)
    assert found[0].dominant_label == "lighting"


def test_a_tie_for_the_dominant_label_goes_to_the_alphabetically_first() -> None:
    labels = ["vegetation", "lighting", "vegetation", "lighting", "graffiti"]
    found = clusters(at(*SQUARE_OF_FIVE), labels, radius_m=15, min_count=3)
    assert found[0].dominant_label == "lighting"


def test_labels_must_be_one_per_point() -> None:
    with pytest.raises(ValueError, match=r"got 2 labels for 5 points; give one label per point"):
        clusters(at(*SQUARE_OF_FIVE), ["lamp", "bench"], radius_m=15, min_count=3)


def test_no_clusters_give_an_empty_list() -> None:
    assert clusters(at(*SQUARE_OF_FIVE), ["lamp"] * 5, radius_m=15, min_count=6) == []


# hot_spot_grid


def one_point_per_cell(side: int = 6) -> list[tuple[float, float]]:
    """The centre of each 10 m cell of a side × side grid."""
    return [(10 * col + 5, 10 * row + 5) for row in range(side) for col in range(side)]


def cell_at(grid: gpd.GeoDataFrame, dx: float, dy: float) -> pd.Series:
    """The row of the grid cell that contains the point (dx, dy) from the corner."""
    (hit,) = np.flatnonzero(grid.geometry.contains(shapely.Point(X0 + dx, Y0 + dy)))
    return grid.iloc[hit]


def test_a_dense_corner_has_the_highest_z_score() -> None:
    # 36 cells with one point each, plus five more in each cell of the 2 × 2 corner block:
    # counts are four 6s and thirty-two 1s, n = 36, sum 56, mean 14/9, S² = 176/36 - (14/9)².
    corner_block = [(5, 5), (15, 5), (5, 15), (15, 15)] * 5
    grid = hot_spot_grid(at(*one_point_per_cell(), *corner_block), cell_m=10)

    assert len(grid) == 36
    assert grid["count"].sum() == 56
    top = grid.loc[grid["z_score"].idxmax()]
    assert top.geometry.equals(shapely.box(X0, Y0, X0 + 10, Y0 + 10))
    # Gi* of the corner cell: itself and 3 neighbours, all 6s, so W = 4 and Σ w·x = 24:
    # (24 - 4·14/9) / (S·√((36·4 - 4²)/35)) = 5.916.
    mean, s = 14 / 9, math.sqrt(176 / 36 - (14 / 9) ** 2)
    assert top["z_score"] == pytest.approx((24 - 4 * mean) / (s * math.sqrt(128 / 35)))
    assert top["z_score"] == pytest.approx(5.916, abs=1e-3)
    assert top["count"] == 6
    assert top["p_value"] <= 0.01


def test_cells_like_all_their_neighbours_are_not_significant() -> None:
    # Far from the dense block, a cell of 1 among 1s ties with most permutations: a tie is
    # not extreme in either direction.
    corner_block = [(5, 5), (15, 5), (5, 15), (15, 15)] * 5
    grid = hot_spot_grid(at(*one_point_per_cell(), *corner_block), cell_m=10)
    far_corner = cell_at(grid, 55, 55)
    assert far_corner["count"] == 1
    assert far_corner["z_score"] < 0
    assert far_corner["p_value"] == 1.0


def test_one_crowded_cell_among_ordinary_ones_has_a_high_z_but_no_small_p_value() -> None:
    # The permutations keep each cell's own count: a single crowded cell's neighbours are
    # ordinary ones, so nothing is unusual about them.
    grid = hot_spot_grid(at(*one_point_per_cell(), *[(5, 5)] * 20), cell_m=10)
    corner = cell_at(grid, 5, 5)
    assert corner["count"] == 21
    # Counts 21 and thirty-five 1s: mean 14/9, S² = 476/36 - (14/9)², neighbourhood sum 24.
    mean, s = 14 / 9, math.sqrt(476 / 36 - (14 / 9) ** 2)
    assert corner["z_score"] == pytest.approx((24 - 4 * mean) / (s * math.sqrt(128 / 35)))
    assert corner["z_score"] == grid["z_score"].max()
    assert corner["p_value"] == 1.0


def test_the_grid_is_aligned_to_multiples_of_the_cell_size_in_sweref_99_tm() -> None:
    points = at(*[(x + 3, y + 7) for x, y in one_point_per_cell()], (3, 7), (3, 7))
    grid = hot_spot_grid(points, cell_m=10)
    assert grid.crs.to_epsg() == 3006
    assert grid.total_bounds.tolist() == [X0, Y0, X0 + 60, Y0 + 70]
    assert list(grid.columns) == ["count", "z_score", "p_value", "geometry"]


def test_the_same_seed_gives_the_same_p_values() -> None:
    points = at(*one_point_per_cell(), *[(5, 5), (15, 5), (5, 15), (15, 15)] * 5)
    first = hot_spot_grid(points, cell_m=10, rng=np.random.default_rng(3))
    second = hot_spot_grid(points, cell_m=10, rng=np.random.default_rng(3))
    assert first["p_value"].tolist() == second["p_value"].tolist()
    assert hot_spot_grid(points, cell_m=10)["p_value"].tolist() == (
        hot_spot_grid(points, cell_m=10)["p_value"].tolist()
    )


def test_another_seed_gives_other_p_values() -> None:
    points = at(*one_point_per_cell(), *[(5, 5), (15, 5), (5, 15), (15, 15)] * 5)
    first = hot_spot_grid(points, cell_m=10, rng=np.random.default_rng(3))
    other = hot_spot_grid(points, cell_m=10, rng=np.random.default_rng(4))
    assert first["p_value"].tolist() != other["p_value"].tolist()


def test_a_hot_spot_run_leaves_numpys_global_random_state_alone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Saving and restoring the global state would not do either: another session's thread
    # may draw in between. So seeding or setting it at all fails the test.
    def refuse(*_: object) -> None:
        pytest.fail("numpy's global random state was seeded or set")

    monkeypatch.setattr(np.random, "seed", refuse)
    monkeypatch.setattr(np.random, "set_state", refuse)
    points = at(*one_point_per_cell(), *[(5, 5), (15, 5), (5, 15), (15, 15)] * 5)
    before = np.random.get_state(legacy=False)
    hot_spot_grid(points, cell_m=10, rng=np.random.default_rng(3))
    after = np.random.get_state(legacy=False)
    assert np.array_equal(after["state"]["key"], before["state"]["key"])
    assert after["state"]["pos"] == before["state"]["pos"]


def test_the_permuted_neighbours_are_the_other_cells_and_never_the_cell_itself() -> None:
    # Cell i's permuted statistic is (own value + its neighbours' drawn values) / total.
    # With values 1, 10, 100, ... every sum says which cells were drawn.
    values = 10.0 ** np.arange(6)
    neighbours = np.array([2, 2, 2, 2, 2, 2])
    sums = (
        _permuted_g_star(
            values, neighbours, permutations=200, rng=np.random.default_rng(1), cells_per_chunk=4
        )
        * values.sum()
    )
    for cell in range(6):
        drawn = np.round(sums[cell] - values[cell]).astype(np.int64)
        for total in drawn:
            digits = [int(d) for d in f"{total:06d}"[::-1]]
            assert sum(digits) == 2
            assert set(digits) <= {0, 1}
            assert digits[cell] == 0
        # Over 200 draws every other cell comes up as a neighbour.
        seen = {i for total in drawn for i, d in enumerate(f"{total:06d}"[::-1]) if d == "1"}
        assert seen == set(range(6)) - {cell}


def test_too_few_points_give_an_empty_result() -> None:
    few = at(*one_point_per_cell()[: MIN_POINTS_FOR_HOT_SPOTS - 2], (5, 5))
    grid = hot_spot_grid(few, cell_m=10)
    assert grid.empty
    assert list(grid.columns) == ["count", "z_score", "p_value", "geometry"]
    assert grid.crs.to_epsg() == 3006


def test_too_few_cells_give_an_empty_result() -> None:
    # 5 × 5 = 25 cells, fewer than the 30 needed, however many points are in them.
    assert MIN_CELLS_FOR_HOT_SPOTS > 25
    crowded = at(*one_point_per_cell(side=5) * 4, (5, 5))
    assert hot_spot_grid(crowded, cell_m=10).empty


def test_the_same_count_in_every_cell_gives_an_empty_result() -> None:
    assert hot_spot_grid(at(*one_point_per_cell() * 2), cell_m=10).empty


def test_a_grid_too_fine_for_the_extent_is_refused_with_a_cell_size_that_fits() -> None:
    spread = at(*[(100 * col, 100 * row) for row in range(6) for col in range(6)])
    with pytest.raises(
        ValueError, match=r"501 × 501 = 251001 cells, more than max_cells=25000; .*cell_m=4\b"
    ):
        hot_spot_grid(spread, cell_m=1)
    assert len(hot_spot_grid(spread, cell_m=4, permutations=99)) == 126 * 126


def test_fewer_than_99_permutations_are_refused() -> None:
    with pytest.raises(ValueError, match=r"permutations must be at least 99"):
        hot_spot_grid(at(*one_point_per_cell()), cell_m=10, permutations=9)


# esda 2.9 warns of its own deprecations when it permutes; only its permuted statistics count.
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_the_permutations_agree_with_esdas_own_in_mean_and_spread() -> None:
    # esda draws its permutations from numpy's global state; safewalk draws the same
    # conditional randomisation from a Generator. With 9,999 draws each, the mean and the
    # standard deviation of every cell's permuted Gi* must agree to within sampling error.
    from esda.getisord import G_Local
    from libpysal.weights import lat2W

    values = np.random.default_rng(7).poisson(2.0, 64).astype(float) + 1
    weights = lat2W(8, 8, rook=False)
    neighbours = np.array([weights.cardinalities[i] for i in weights.id_order], dtype=np.int64)
    ours = _permuted_g_star(values, neighbours, permutations=9_999, rng=np.random.default_rng(1))
    state = np.random.get_state()
    try:
        theirs = G_Local(values, weights, transform="B", star=True, permutations=9_999, seed=1)
    finally:
        np.random.set_state(state)
    assert ours.mean(axis=1) == pytest.approx(theirs.EG_sim, rel=0.01)
    assert ours.std(axis=1) == pytest.approx(theirs.seG_sim, rel=0.05)
