"""Filling a layer's R-tree in one pass: packed nodes written as SQLite's R-tree keeps them.

SQLite adds an R-tree entry by walking the tree and splitting full nodes: some 15 µs an
entry, most of an import of a hundred thousand points. GDAL fills the R-tree of a new
layer in one pass instead (a packed tree written straight into the R-tree's tables); this
module does the same when a write adds at least as many entries as the tree holds: the
entries it holds and the new ones are packed together (sort-tile-recursive, nodes
filled evenly) and the tree's three tables are written anew, inside the caller's
transaction. SQLite's own ``rtreecheck`` finds the result sound, and SQLite goes on
adding and deleting entries in it as in any other.

The format (SQLite's ``ext/rtree/rtree.c``): ``<rtree>_node`` holds each node as a blob
of the tree's node size — two bytes of depth (root only: node 1), two bytes of cell
count, then cells of an 8-byte id and four 4-byte floats (min x, max x, min y, max y),
all big-endian; a leaf's ids are the rows' fids, a node's its children's node numbers;
``<rtree>_parent`` gives each node but the root its parent, ``<rtree>_rowid`` each entry
its leaf. Coordinates are rounded outwards to 32-bit floats as SQLite rounds them.
"""

from __future__ import annotations

import math
import sqlite3
from typing import Final

import numpy as np
from numpy.typing import NDArray

from layers.gpkg.sqlite import quote

MIN_PACKED: Final = 1000
"""Fewer new entries than this go in one by one: packing pays from here."""
_CELL: Final = np.dtype([("id", ">i8"), ("box", ">f4", (4,))])
"""One cell of a node: id, then min x, max x, min y, max y."""
_TOWARDS: Final = 1.0 - 1.0 / 8388608.0
_AWAY: Final = 1.0 + 1.0 / 8388608.0


def packs(connection: sqlite3.Connection, rtree: str, adding: int) -> bool:
    """Return whether adding ``adding`` entries to ``rtree`` is done best by packing it anew."""
    if adding < MIN_PACKED:
        return False
    (held,) = connection.execute(f"SELECT count(*) FROM {quote(f'{rtree}_rowid')}").fetchone()
    return adding >= int(held)


def pack(
    connection: sqlite3.Connection,
    rtree: str,
    ids: NDArray[np.int64],
    bounds: NDArray[np.float64],
) -> None:
    """Put the entries ``ids`` with ``bounds`` (min x, min y, max x, max y) into ``rtree``.

    Together with the entries it holds, in one packed tree written in place of the old.
    """
    held = np.array(
        connection.execute(f"SELECT id, minx, miny, maxx, maxy FROM {quote(rtree)}").fetchall(),
        dtype=np.float64,
    ).reshape(-1, 5)
    all_ids = np.concatenate([held[:, 0].astype(np.int64), np.asarray(ids, dtype=np.int64)])
    boxes = np.concatenate([held[:, [1, 3, 2, 4]].astype(np.float32), _rounded(bounds)])
    (size,) = connection.execute(
        f"SELECT length(data) FROM {quote(f'{rtree}_node')} WHERE nodeno = 1"
    ).fetchone()
    capacity = (int(size) - 4) // _CELL.itemsize
    nodes, parents, leaves = _packed(all_ids, boxes, capacity, int(size))
    for table in ("node", "parent", "rowid"):
        connection.execute(f"DELETE FROM {quote(f'{rtree}_{table}')}")
    connection.executemany(f"INSERT INTO {quote(f'{rtree}_node')} VALUES (?, ?)", nodes)
    connection.executemany(f"INSERT INTO {quote(f'{rtree}_parent')} VALUES (?, ?)", parents)
    connection.executemany(
        f"INSERT INTO {quote(f'{rtree}_rowid')} (rowid, nodeno) VALUES (?, ?)",
        zip(all_ids.tolist(), leaves.tolist(), strict=True),
    )


def _rounded(bounds: NDArray[np.float64]) -> NDArray[np.float32]:
    """Return (min x, max x, min y, max y) as 32-bit floats, minima down and maxima up."""
    given = np.asarray(bounds, dtype=np.float64)[:, [0, 2, 1, 3]]
    result = given.astype(np.float32)
    for column, down in ((0, True), (1, False), (2, True), (3, False)):
        value, stored = given[:, column], result[:, column]
        wrong = stored > value if down else stored < value
        negative = value[wrong] < 0
        factor = (
            np.where(negative, _AWAY, _TOWARDS) if down else np.where(negative, _TOWARDS, _AWAY)
        )
        stored[wrong] = (value[wrong] * factor).astype(np.float32)
    return result


def _packed(
    ids: NDArray[np.int64], boxes: NDArray[np.float32], capacity: int, size: int
) -> tuple[list[tuple[int, bytes]], list[tuple[int, int]], NDArray[np.int64]]:
    """Return the nodes (number, blob), the parents (node, parent) and each entry's leaf.

    Level by level (``_tiles``), every node of a slice as full as the others.
    """
    leaves = np.empty(len(ids), dtype=np.int64)
    level_ids, level_boxes = ids, boxes
    groups = _tiles(level_boxes, capacity)
    depth = 0
    nodes: list[tuple[int, bytes]] = []
    parents: list[tuple[int, int]] = []
    next_number = 2
    while True:
        root = len(groups) == 1
        numbers = np.array([1] if root else range(next_number, next_number + len(groups)))
        next_number += 0 if root else len(groups)
        child_boxes = np.empty((len(groups), 4), dtype=np.float32)
        for number, members in zip(numbers.tolist(), groups, strict=True):
            cells = np.zeros(len(members), dtype=_CELL)
            cells["id"] = level_ids[members]
            cells["box"] = level_boxes[members]
            head = (depth if root else 0).to_bytes(2, "big") + len(members).to_bytes(2, "big")
            blob = head + cells.tobytes()
            nodes.append((number, blob + bytes(size - len(blob))))
            if depth == 0:
                leaves[members] = number
            else:
                parents.extend((int(child), number) for child in level_ids[members])
        for k, members in enumerate(groups):
            box = level_boxes[members]
            child_boxes[k] = (box[:, 0].min(), box[:, 1].max(), box[:, 2].min(), box[:, 3].max())
        if root:
            return nodes, parents, leaves
        level_ids, level_boxes = numbers.astype(np.int64), child_boxes
        groups = _tiles(level_boxes, capacity)
        depth += 1


def _tiles(boxes: NDArray[np.float32], capacity: int) -> list[NDArray[np.intp]]:
    """Return the indexes of ``boxes`` cut into nodes of at most ``capacity``, neighbours together.

    Sort-tile-recursive: vertical slices by the centres' x, each cut into nodes by y.
    """
    count = len(boxes)
    if count <= capacity:
        return [np.arange(count)]
    nodes = math.ceil(count / capacity)
    slices = math.ceil(math.sqrt(nodes))
    centre_x = (boxes[:, 0].astype(np.float64) + boxes[:, 1]) / 2
    centre_y = (boxes[:, 2].astype(np.float64) + boxes[:, 3]) / 2
    by_x = np.argsort(centre_x, kind="stable")
    groups: list[NDArray[np.intp]] = []
    for part in np.array_split(by_x, slices):
        ordered = part[np.argsort(centre_y[part], kind="stable")]
        groups.extend(np.array_split(ordered, math.ceil(len(ordered) / capacity)))
    return groups
