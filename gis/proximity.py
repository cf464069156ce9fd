"""Which points lie near which: pairs within a distance, in metres (EPSG:3006)."""

from __future__ import annotations

import numpy as np
import shapely
from numpy.typing import NDArray


def pairs_within(
    a_xy: NDArray[np.float64], b_xy: NDArray[np.float64], *, distance_m: float
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Return (indices into ``a_xy``, indices into ``b_xy``) of every pair within ``distance_m``.

    Distance inclusive; x/y arrays of shape (n, 2) in metres. Found with a spatial index
    (``shapely.STRtree``), so large inputs cost n log n, not n × m. Pairs come sorted by
    ``a`` index, then ``b`` index.
    """
    if not len(a_xy) or not len(b_xy):
        empty = np.empty(0, dtype=np.int64)
        return empty, empty.copy()
    tree = shapely.STRtree(shapely.points(b_xy))
    a_index, b_index = tree.query(shapely.points(a_xy), predicate="dwithin", distance=distance_m)
    order = np.lexsort((b_index, a_index))
    return a_index[order].astype(np.int64), b_index[order].astype(np.int64)
