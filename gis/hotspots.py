"""Where points crowd together: density clusters and Getis-Ord Gi* hot spots (SWEREF 99 TM metres).

The functions take plain coordinate arrays and labels and know nothing of walks, layers or
stores, so a caller can feed them observations, incidents or anything else with a position.
scikit-learn, PySAL and geopandas are imported in the functions that use them: importing
them takes one to two seconds, and every command line start imports this module.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import numpy as np
import shapely
from shapely.geometry import Polygon

from gis.analysis import as_xy_array
from gis.crs import SWEREF99_TM

if TYPE_CHECKING:
    import geopandas as gpd
    import numpy.typing as npt

OUTLINE_MARGIN_M: Final = 5.0
"""How far a cluster's outline lies outside its points: about a phone's GPS accuracy, so the
outline claims no more precision than the positions have, and one- or two-point clusters
(whose convex hull is a point or a line) still cover an area."""

MIN_POINTS_FOR_HOT_SPOTS: Final = 30
"""Fewer points than this give no hot spot grid: counts of 0 and 1 carry no pattern to test."""

MIN_CELLS_FOR_HOT_SPOTS: Final = 30
"""Fewer grid cells than this give no hot spot grid: the usual rule of thumb for Gi* is at least
30 features, and with fewer each 3 × 3 neighbourhood is a large share of the whole map."""

MAX_HOT_SPOT_CELLS: Final = 25_000
"""The default limit on grid cells: at 999 permutations such a grid takes about 3 s and
0.5 GB (every permutation of every cell is kept to count ties); a larger grid almost always
means a cell size far too small for the points' extent."""


@dataclass(frozen=True, slots=True)
class Cluster:
    """A group of points found by :func:`clusters`, with its size, centre and outline."""

    id: int
    count: int
    members: tuple[int, ...]
    """Indices of the member points into the input arrays, ascending."""
    centre: tuple[float, float]
    """The mean of the members' coordinates (x, y)."""
    outline: Polygon
    """The members' convex hull buffered by the outline margin (see ``OUTLINE_MARGIN_M``)."""
    dominant_label: str
    """The most frequent label among the members; on a tie the alphabetically first."""


def density_clusters(
    xy: npt.ArrayLike, *, radius_m: float, min_count: int
) -> npt.NDArray[np.int64]:
    """Return a cluster label per point, or -1 for a point in no cluster (DBSCAN).

    A point is a core point when at least ``min_count`` points, itself included, lie within
    ``radius_m`` of it; a cluster is the core points linked through such neighbourhoods plus
    the non-core points within ``radius_m`` of one of them. The radius is inclusive: a point at
    exactly ``radius_m`` counts (scikit-learn's neighbour search includes points on the
    boundary).

    Parameters
    ----------
    xy
        Coordinates in metres, shape (n, 2), e.g. EPSG:3006 eastings and northings.
    radius_m
        The neighbourhood radius in metres (DBSCAN's ``eps``); must be positive.
    min_count
        The number of points, the point itself included, that makes a core point (DBSCAN's
        ``min_samples``); at least 1.

    Returns
    -------
    numpy.ndarray
        Labels 0, 1, … numbered in the order of each cluster's first point (lowest index),
        so they do not depend on the order DBSCAN happened to grow the clusters in.

    Raises
    ------
    ValueError
        If ``xy`` is not an (n, 2) array of finite numbers, or a parameter is out of range.

    Notes
    -----
    A non-core point within reach of two clusters joins the one DBSCAN reaches first; for
    given input the result is still deterministic. Memory grows with the number of
    neighbour pairs within ``radius_m``, so a radius that links most points to most others
    is slow on large inputs.
    """
    points = as_xy_array(xy)
    if not (math.isfinite(radius_m) and radius_m > 0):
        msg = f"radius_m must be a positive number of metres, got {radius_m!r}"
        raise ValueError(msg)
    if min_count < 1:
        msg = f"min_count must be at least 1 (the point itself), got {min_count!r}"
        raise ValueError(msg)
    if len(points) == 0:
        return np.empty(0, dtype=np.int64)
    from sklearn.cluster import DBSCAN

    raw = DBSCAN(eps=radius_m, min_samples=min_count).fit(points).labels_
    return _renumber_by_first_member(np.asarray(raw, dtype=np.int64))


def clusters(
    xy: npt.ArrayLike,
    labels: Iterable[str],
    *,
    radius_m: float,
    min_count: int,
    outline_margin_m: float = OUTLINE_MARGIN_M,
) -> list[Cluster]:
    """Return the density clusters of the points, largest first (ties by id).

    ``labels`` gives one label per point (e.g. a category name) for each cluster's dominant
    label; ``radius_m`` and ``min_count`` are as for :func:`density_clusters`, and
    ``outline_margin_m`` is how far the outline lies outside the members' convex hull.

    Raises
    ------
    ValueError
        If the inputs are malformed, or there are not as many labels as points.
    """
    points = as_xy_array(xy)
    names = list(labels)
    if len(names) != len(points):
        msg = f"got {len(names)} labels for {len(points)} points; give one label per point"
        raise ValueError(msg)
    if not (math.isfinite(outline_margin_m) and outline_margin_m > 0):
        msg = f"outline_margin_m must be a positive number of metres, got {outline_margin_m!r}"
        raise ValueError(msg)
    cluster_ids = density_clusters(points, radius_m=radius_m, min_count=min_count)
    found = []
    for cluster_id in range(int(cluster_ids.max(initial=-1)) + 1):
        members = np.flatnonzero(cluster_ids == cluster_id)
        member_xy = points[members]
        centre_x, centre_y = member_xy.mean(axis=0)
        hull = shapely.convex_hull(shapely.multipoints(member_xy))
        found.append(
            Cluster(
                id=cluster_id,
                count=len(members),
                members=tuple(int(index) for index in members),
                centre=(float(centre_x), float(centre_y)),
                outline=shapely.buffer(hull, outline_margin_m),
                dominant_label=_dominant_label(names[index] for index in members),
            )
        )
    return sorted(found, key=lambda cluster: (-cluster.count, cluster.id))


def hot_spot_grid(
    xy: npt.ArrayLike,
    *,
    cell_m: float,
    permutations: int = 999,
    rng: np.random.Generator | None = None,
    max_cells: int = MAX_HOT_SPOT_CELLS,
) -> gpd.GeoDataFrame:
    """Count the points in a square grid and return each cell's Getis-Ord Gi* z-score.

    The grid covers the points' bounding box with cells of ``cell_m`` aligned to multiples of
    ``cell_m`` (so grids of two point sets line up); empty cells inside the box count as 0.
    Each cell's neighbourhood is itself and the (up to) eight cells touching it — queen
    contiguity, the same as a distance band of ``cell_m`` × √2 between cell centres, but
    built from the grid's topology, so no rounding at the band's edge decides a neighbour.

    Parameters
    ----------
    xy
        Coordinates in metres, shape (n, 2), e.g. EPSG:3006 eastings and northings.
    cell_m
        The side of a grid cell in metres.
    permutations
        The number of conditional permutations behind each p-value, at least 99.
    rng
        The random numbers behind the permutations; by default a new generator seeded with 0,
        so the same input gives the same p-values. Pass ``numpy.random.default_rng(seed)``
        for another, equally repeatable, draw.
    max_cells
        The largest grid accepted.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell in EPSG:3006: ``count`` (points in the cell), ``z_score`` (Gi*
        with binary weights: positive where the neighbourhood holds more points than the
        grid's average, a hot spot; negative for a cold spot), ``p_value`` (two-sided pseudo
        p-value from the permutations: twice the share of permutations at least as extreme
        in the nearer tail, ties included, at most 1; the smallest possible is
        2 / (permutations + 1)) and the cell ``geometry``. The p-values are per cell and not
        corrected for testing many cells.
        The frame is empty (same columns) when the statistic would mean nothing: fewer than
        ``MIN_POINTS_FOR_HOT_SPOTS`` points, fewer than ``MIN_CELLS_FOR_HOT_SPOTS`` cells, or
        the same count in every cell.

    Raises
    ------
    ValueError
        If ``xy`` is malformed, a parameter is out of range, or the grid would have more than
        ``max_cells`` cells (with a cell size that fits).

    Notes
    -----
    The permutations are conditional (PySAL's approach): each cell keeps its own count and
    its neighbours' counts are drawn from the other cells. A p-value therefore asks whether
    the *neighbours* are unusual, given the cell: one crowded cell among ordinary ones gets
    a high z-score but no small p-value, while a crowded block of cells gets both.

    The permutations are drawn here from ``rng`` rather than by esda, which seeds numpy's
    global random state: one process serves many sessions at once, and a global state
    swapped by one request would change (or be changed by) another's draws.
    """
    points = as_xy_array(xy)
    if not (math.isfinite(cell_m) and cell_m > 0):
        msg = f"cell_m must be a positive number of metres, got {cell_m!r}"
        raise ValueError(msg)
    if permutations < 99:
        msg = f"permutations must be at least 99 for p-values down to 0.02, got {permutations!r}"
        raise ValueError(msg)
    if len(points) < MIN_POINTS_FOR_HOT_SPOTS:
        return _empty_hot_spot_frame()

    cols, rows = _cell_indices(points, cell_m)
    n_cols, n_rows = int(cols.max()) + 1, int(rows.max()) + 1
    if n_cols * n_rows > max_cells:
        fitting_m = cell_m * math.ceil(math.sqrt(n_cols * n_rows / max_cells))
        while math.prod(int(i.max()) + 1 for i in _cell_indices(points, fitting_m)) > max_cells:
            fitting_m += cell_m
        msg = (
            f"a grid of {cell_m:g} m cells over the points' extent would have "
            f"{n_cols} × {n_rows} = {n_cols * n_rows} cells, more than max_cells={max_cells}; "
            f"use larger cells, e.g. cell_m={fitting_m:g}"
        )
        raise ValueError(msg)

    # Row-major cell ids, the order libpysal's lat2W numbers a lattice in.
    counts = np.bincount(rows * n_cols + cols, minlength=n_rows * n_cols)
    if len(counts) < MIN_CELLS_FOR_HOT_SPOTS or counts.min() == counts.max():
        return _empty_hot_spot_frame()
    cell_rows, cell_cols = np.divmod(np.arange(n_rows * n_cols), n_cols)
    first_col, first_row = np.floor(points.min(axis=0) / cell_m)
    x_min = (first_col + cell_cols) * cell_m
    y_min = (first_row + cell_rows) * cell_m
    bounds = np.column_stack([x_min, y_min, x_min + cell_m, y_min + cell_m])

    z_scores, p_values = _getis_ord_star(
        counts,
        n_rows=n_rows,
        n_cols=n_cols,
        permutations=permutations,
        rng=np.random.default_rng(0) if rng is None else rng,
    )
    return _hot_spot_frame(bounds, counts, z_scores, p_values)


def _cell_indices(
    points: npt.NDArray[np.float64], cell_m: float
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """Return each point's grid column and row, counted from the points' lowest cell.

    Cells are aligned to multiples of ``cell_m``; a point on a cell edge belongs to the
    cell above or to the right of it.
    """
    cells = np.floor(points / cell_m).astype(np.int64)
    cells -= cells.min(axis=0)
    return cells[:, 0], cells[:, 1]


def _getis_ord_star(
    counts: npt.NDArray[np.int64],
    *,
    n_rows: int,
    n_cols: int,
    permutations: int,
    rng: np.random.Generator,
) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
    """Return Gi* z-scores and two-sided pseudo p-values for counts on a row-major lattice."""
    from esda.getisord import G_Local
    from libpysal.weights import lat2W

    weights = lat2W(n_rows, n_cols, rook=False)
    values = counts.astype(np.float64)
    # permutations=0: esda computes the statistic and its analytical z-score only.
    result = G_Local(values, weights, transform="B", star=True, permutations=0)
    neighbours = np.array([weights.cardinalities[i] for i in weights.id_order], dtype=np.int64)
    simulated = _permuted_g_star(values, neighbours, permutations=permutations, rng=rng)
    z_scores = np.asarray(result.Zs, dtype=np.float64)
    return z_scores, _two_sided_p_values(np.asarray(result.Gs, dtype=np.float64), simulated)


def _permuted_g_star(
    values: npt.NDArray[np.float64],
    neighbours: npt.NDArray[np.int64],
    *,
    permutations: int,
    rng: np.random.Generator,
    cells_per_chunk: int = 256,
) -> npt.NDArray[np.float64]:
    """Return Gi* (binary weights) of each cell under conditional permutation, cells × draws.

    Each cell keeps its own value; its ``neighbours[i]`` neighbours' values are drawn without
    replacement from the other cells (PySAL's conditional randomisation). As in esda, one draw
    of positions among the n - 1 other cells serves every cell in that permutation.
    """
    n = len(values)
    most = int(neighbours.max())
    drawn = np.stack([rng.choice(n - 1, size=most, replace=False) for _ in range(permutations)])
    # Position p among "the other cells" of cell i is cell p below i and cell p + 1 from i on.
    below, from_self_on = values[drawn], values[drawn + 1]
    sums = np.empty((n, permutations), dtype=np.float64)
    for start in range(0, n, cells_per_chunk):
        cells = np.arange(start, min(start + cells_per_chunk, n))
        taken = np.arange(most) < neighbours[cells, np.newaxis, np.newaxis]
        other = np.where(drawn >= cells[:, np.newaxis, np.newaxis], from_self_on, below)
        sums[cells] = (other * taken).sum(axis=2) + values[cells, np.newaxis]
    return np.asarray(sums / values.sum(), dtype=np.float64)


def _two_sided_p_values(
    observed: npt.NDArray[np.float64], simulated: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Return min(1, 2 × the smaller one-sided pseudo p-value), ties counting in both tails.

    ``simulated`` has one row of permuted statistics per cell. esda's own ``p_sim`` counts a
    tie as "larger" only, so a cell whose permutations all tie with it (common with counts:
    a neighbourhood of ones among ones) would come out as an extreme cold spot.
    """
    # Observed and permuted statistics are summed in different orders; a tolerance keeps
    # equal sums equal.
    tolerance = 1e-9 * np.abs(observed)[:, np.newaxis] + 1e-12
    at_least = (simulated >= observed[:, np.newaxis] - tolerance).sum(axis=1)
    at_most = (simulated <= observed[:, np.newaxis] + tolerance).sum(axis=1)
    one_sided = (np.minimum(at_least, at_most) + 1) / (simulated.shape[1] + 1)
    return np.asarray(np.minimum(2 * one_sided, 1.0), dtype=np.float64)


def _hot_spot_frame(
    bounds: npt.NDArray[np.float64],
    counts: npt.NDArray[np.int64],
    z_scores: npt.NDArray[np.float64],
    p_values: npt.NDArray[np.float64],
) -> gpd.GeoDataFrame:
    """Return the hot spot result: one row per cell, the cell's square from ``bounds``."""
    import geopandas as gpd

    return gpd.GeoDataFrame(
        {"count": counts.astype(np.int64), "z_score": z_scores, "p_value": p_values},
        geometry=shapely.box(bounds[:, 0], bounds[:, 1], bounds[:, 2], bounds[:, 3]),
        crs=SWEREF99_TM,
    )


def _empty_hot_spot_frame() -> gpd.GeoDataFrame:
    """Return a hot spot result without rows, with the columns and dtypes of a full one."""
    no_values = np.empty(0, dtype=np.float64)
    return _hot_spot_frame(
        np.empty((0, 4)), np.empty(0, dtype=np.int64), no_values, no_values.copy()
    )


def _renumber_by_first_member(raw: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Return ``raw`` with cluster labels renumbered 0.. by each cluster's lowest index."""
    labelled = raw >= 0
    found, first_index = np.unique(raw[labelled], return_index=True)
    new_of_old = np.empty(len(found), dtype=np.int64)
    new_of_old[np.argsort(first_index)] = np.arange(len(found))
    renumbered = np.full(len(raw), -1, dtype=np.int64)
    renumbered[labelled] = new_of_old[np.searchsorted(found, raw[labelled])]
    return renumbered


def _dominant_label(labels: Iterable[str]) -> str:
    """Return the most frequent label, the alphabetically first of equally frequent ones."""
    tally = Counter(labels)
    return min(tally, key=lambda label: (-tally[label], label))
