"""Pairing two sets of labelled points, e.g. the same problems seen on two occasions (metres)."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse import coo_array
from scipy.sparse.csgraph import connected_components
from scipy.spatial import KDTree

from gis.analysis import as_xy_array

if TYPE_CHECKING:
    import numpy.typing as npt


@dataclass(frozen=True, slots=True)
class Matching:
    """How the points of a later set correspond to those of an earlier one (indices, ascending)."""

    resolved: tuple[int, ...]
    """Indices of earlier points that no later point matches."""
    persisting: tuple[tuple[int, int], ...]
    """(earlier index, later index) for each matched pair, by earlier index."""
    new: tuple[int, ...]
    """Indices of later points that match no earlier point."""


def match_points(
    before_xy: npt.ArrayLike,
    before_labels: Iterable[Hashable],
    after_xy: npt.ArrayLike,
    after_labels: Iterable[Hashable],
    *,
    distance_m: float,
) -> Matching:
    """Pair earlier with later points that have the same label and lie close together.

    A pair needs equal labels (compared with ``==``) and a distance of at most
    ``distance_m`` — inclusive: points exactly ``distance_m`` apart match. Each point is in
    at most one pair. Among all such pairings the one with the most pairs is taken, and among
    those the one with the smallest total distance, so a point is not lost to a neighbour
    that a nearest-first search would hand it.

    Parameters
    ----------
    before_xy, after_xy
        Coordinates in metres, shape (n, 2) and (m, 2), e.g. EPSG:3006.
    before_labels, after_labels
        One label per point (e.g. a category name).
    distance_m
        The largest distance between the points of a pair, in metres; zero or more.

    Returns
    -------
    Matching
        The unmatched earlier points (``resolved``), the pairs (``persisting``) and the
        unmatched later points (``new``); the same input always gives the same result.

    Raises
    ------
    ValueError
        If coordinates are not (n, 2) arrays of finite numbers, the label counts differ
        from the point counts, or ``distance_m`` is negative or not finite.
    """
    before = as_xy_array(before_xy, name="before_xy")
    after = as_xy_array(after_xy, name="after_xy")
    before_names = _labels_for(before, before_labels, name="before_labels")
    after_names = _labels_for(after, after_labels, name="after_labels")
    if not (math.isfinite(distance_m) and distance_m >= 0):
        msg = f"distance_m must be zero or a positive number of metres, got {distance_m!r}"
        raise ValueError(msg)

    after_by_label: dict[Hashable, list[int]] = defaultdict(list)
    for index, label in enumerate(after_names):
        after_by_label[label].append(index)
    before_by_label: dict[Hashable, list[int]] = defaultdict(list)
    for index, label in enumerate(before_names):
        before_by_label[label].append(index)

    pairs: list[tuple[int, int]] = []
    for label, before_indices in before_by_label.items():
        after_indices = after_by_label.get(label)
        if after_indices:
            pairs.extend(
                _match_label(
                    np.asarray(before_indices),
                    np.asarray(after_indices),
                    before,
                    after,
                    distance_m=distance_m,
                )
            )
    pairs.sort()
    matched_before = {b for b, _ in pairs}
    matched_after = {a for _, a in pairs}
    return Matching(
        resolved=tuple(i for i in range(len(before)) if i not in matched_before),
        persisting=tuple(pairs),
        new=tuple(i for i in range(len(after)) if i not in matched_after),
    )


def _match_label(
    before_indices: npt.NDArray[np.intp],
    after_indices: npt.NDArray[np.intp],
    before: npt.NDArray[np.float64],
    after: npt.NDArray[np.float64],
    *,
    distance_m: float,
) -> list[tuple[int, int]]:
    """Return the optimal pairs between two groups of points that share a label.

    Only points within ``distance_m`` of each other can pair, so the groups split into
    connected components of that "can pair" graph, each solved on its own: the optimum of
    the whole is the union of the components' optima, and a dense assignment problem per
    component stays small where the whole group would not.
    """
    local_before, local_after = before[before_indices], after[after_indices]
    # The tree only proposes candidates (with slack for its own rounding); the exact
    # inclusive test below decides, so both sides of a boundary case see the same distance.
    candidates = KDTree(local_before).query_ball_point(
        local_after, r=distance_m * (1 + 1e-9) + 1e-9, return_sorted=True
    )
    rows = np.fromiter(
        (b for near in candidates for b in near), dtype=np.intp, count=sum(map(len, candidates))
    )
    cols = np.repeat(np.arange(len(local_after)), [len(near) for near in candidates])
    distances = np.hypot(*(local_before[rows] - local_after[cols]).T)
    allowed = distances <= distance_m
    rows, cols, distances = rows[allowed], cols[allowed], distances[allowed]
    if len(rows) == 0:
        return []

    n_before, n_after = len(local_before), len(local_after)
    graph = coo_array(
        (np.ones(len(rows)), (rows, n_before + cols)), shape=(n_before + n_after,) * 2
    )
    _, component = connected_components(graph, directed=False)
    edge_component = component[rows]
    by_component = np.argsort(edge_component, kind="stable")
    starts = np.flatnonzero(np.diff(edge_component[by_component])) + 1
    pairs: list[tuple[int, int]] = []
    for edges in np.split(by_component, starts):
        pairs.extend(
            (int(before_indices[b]), int(after_indices[a]))
            for b, a in _assign(rows[edges], cols[edges], distances[edges], distance_m)
        )
    return pairs


def _assign(
    rows: npt.NDArray[np.intp],
    cols: npt.NDArray[np.intp],
    distances: npt.NDArray[np.float64],
    distance_m: float,
) -> list[tuple[int, int]]:
    """Return the most pairs of least total distance among the allowed (row, col) pairs."""
    row_ids, row_of = np.unique(rows, return_inverse=True)
    col_ids, col_of = np.unique(cols, return_inverse=True)
    # A forbidden pair costs more than any set of allowed pairs can add up to, so the
    # assignment first avoids forbidden pairs (most real pairs), then minimises distance.
    forbidden = min(len(row_ids), len(col_ids)) * distance_m + 1.0
    cost = np.full((len(row_ids), len(col_ids)), forbidden)
    cost[row_of, col_of] = distances
    is_allowed = np.zeros(cost.shape, dtype=bool)
    is_allowed[row_of, col_of] = True
    chosen_rows, chosen_cols = linear_sum_assignment(cost)
    return [
        (int(row_ids[r]), int(col_ids[c]))
        for r, c in zip(chosen_rows, chosen_cols, strict=True)
        if is_allowed[r, c]
    ]


def _labels_for(
    points: npt.NDArray[np.float64], labels: Iterable[Hashable], *, name: str
) -> list[Hashable]:
    """Return ``labels`` as a list, one per point, or raise if the counts differ."""
    names = list(labels)
    if len(names) != len(points):
        msg = f"{name} has {len(names)} labels for {len(points)} points; give one per point"
        raise ValueError(msg)
    return names
