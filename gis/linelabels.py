"""Names along lines on a printed map (street names): each on its line's longest straight stretch.

A name goes beside the longest straight stretch of its lines (joined where they meet
end to end) where it fits whole, rotated to run along it and never upside down, inside the
frame and over no other name or kept-free box, crossing no other street where it can;
a name with no such place is left out.
Deterministic: the longest stretches are served first, ties by name, so the same map
always gets the same names.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
import shapely
from reportlab.pdfbase.pdfmetrics import stringWidth
from shapely.geometry.base import BaseGeometry

STRAIGHT_PT: Final = 1.2
"""How far (points) a line may bend from a straight stretch and still carry a name."""
GAP_PT: Final = 1.0
"""Space between the line and its name's baseline."""
CANDIDATES: Final = 6
"""The longest stretches of a name's lines that are tried."""
POSITIONS: Final = (0.5, 0.3, 0.7, 0.1, 0.9)
"""Where along a stretch a name is tried (shares of the room it has), middle first."""

Box = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class LineLabel:
    """A placed name: its text's centre on the baseline, and its angle (degrees, anticlockwise)."""

    text: str
    x: float
    y: float
    angle: float
    outline: BaseGeometry
    """The page area the name takes (a rotated rectangle), for tests and further placing."""


def _stretches(lines: Iterable[BaseGeometry]) -> list[tuple[float, float, float, float, float]]:
    """Return the straight stretches of page lines as (length, x0, y0, x1, y1), longest first.

    The lines are joined where they meet end to end first: a street comes as many short
    pieces (OpenStreetMap's ways, a city's segments between crossings).
    """
    pieces = [part for line in lines for part in shapely.get_parts(line)
              if part.geom_type == "LineString" and not part.is_empty]  # fmt: skip
    if not pieces:
        return []
    merged = shapely.line_merge(shapely.multilinestrings(pieces))
    simple = shapely.simplify(merged, STRAIGHT_PT, preserve_topology=False)
    found = []
    for part in shapely.get_parts(simple):
        xy = shapely.get_coordinates(part)
        if len(xy) < 2:
            continue
        d = np.diff(xy, axis=0)
        lengths = np.hypot(d[:, 0], d[:, 1])
        found += [(float(lengths[k]), float(xy[k, 0]), float(xy[k, 1]), float(xy[k + 1, 0]),
                   float(xy[k + 1, 1])) for k in range(len(lengths))]  # fmt: skip
    found.sort(key=lambda s: (-s[0], s[1], s[2]))
    return found


def _outline(
    x0: float, y0: float, x1: float, y1: float, at: float, width: float, size: float
) -> tuple[float, float, float, BaseGeometry]:
    """Return a name's centre, angle and page area at share ``at`` of (x0, y0)–(x1, y1)."""
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    if angle > 90:
        angle -= 180
    elif angle <= -90:
        angle += 180
    cx, cy = x0 + (x1 - x0) * at, y0 + (y1 - y0) * at
    cos, sin = math.cos(math.radians(angle)), math.sin(math.radians(angle))
    half = width / 2 + 0.5
    low, high = GAP_PT - 0.25 * size, GAP_PT + 0.8 * size
    corners = ((-half, low), (half, low), (half, high), (-half, high))
    outline = shapely.Polygon([(cx + u * cos - v * sin, cy + u * sin + v * cos)
                               for u, v in corners])  # fmt: skip
    return cx, cy, angle, outline


def _shares(length: float, width: float, size: float) -> list[float]:
    """Return where along a stretch of ``length`` a name's centre is tried, middle first."""
    margin = (width / 2 + size) / length
    return [margin + (1 - 2 * margin) * t for t in POSITIONS]


def place_line_labels(
    lines: Mapping[str, Sequence[BaseGeometry]],
    frame: Box,
    *,
    font: str,
    size: float,
    keep_free: Sequence[Box] = (),
    unnamed: Sequence[BaseGeometry] = (),
) -> list[LineLabel]:
    """Place each name of ``lines`` (name → its lines, in page points) along one of its lines.

    ``frame`` (x0, y0, x1, y1) holds every name whole; ``keep_free`` boxes (markers) and
    names placed before are not covered. A place that crosses no other line (of another
    name, or ``unnamed``) is preferred; else one that does.
    """
    area = shapely.box(*frame)
    taken: list[BaseGeometry] = [shapely.box(*box) for box in keep_free]
    owners = [name for name, parts in lines.items() for _ in parts] + [""] * len(unnamed)
    tree = shapely.STRtree([*(g for parts in lines.values() for g in parts), *unnamed])
    order = []
    for name, parts in lines.items():
        stretches = _stretches(parts)
        if name.strip() and stretches:
            order.append((-stretches[0][0], name, stretches[:CANDIDATES]))
    order.sort(key=lambda entry: (entry[0], entry[1]))
    placed = []
    for _, name, stretches in order:
        width = stringWidth(name, font, size)
        found = None
        for clean in (True, False):
            found = _first_place(name, stretches, width, size, area, taken,
                                 tree if clean else None, owners)  # fmt: skip
            if found is not None:
                break
        if found is not None:
            placed.append(found)
            taken.append(found.outline)
    return placed


def _first_place(
    name: str, stretches: Sequence[tuple[float, float, float, float, float]], width: float,
    size: float, area: BaseGeometry, taken: Sequence[BaseGeometry],
    tree: shapely.STRtree | None, owners: Sequence[str],
) -> LineLabel | None:  # fmt: skip
    """Return the first free place for ``name`` on ``stretches``, or None.

    With ``tree``, the place crosses no line of another name.
    """
    blocked = np.asarray(taken, dtype=object)
    for length, x0, y0, x1, y1 in stretches:
        if length < width + 2 * size:
            return None  # shorter ones follow
        for at in _shares(length, width, size):
            cx, cy, angle, outline = _outline(x0, y0, x1, y1, at, width, size)
            if not area.contains(outline):
                continue
            if len(blocked) and shapely.intersects(blocked, outline).any():
                continue
            if tree is not None and any(
                owners[k] != name for k in tree.query(outline, predicate="intersects")
            ):
                continue
            return LineLabel(name, cx, cy, angle, outline)
    return None
