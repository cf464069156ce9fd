"""Report images drawn with matplotlib: grouped bar charts and a small numbered area map.

Figures are made with ``matplotlib.figure.Figure`` (no pyplot state, safe in the app's
threads) and returned as PNG bytes for Word, PDF and the app. matplotlib is imported when
a chart is drawn, not with the command line.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

import shapely
from shapely.geometry.base import BaseGeometry

if TYPE_CHECKING:
    from matplotlib.figure import Figure
    from matplotlib.patches import PathPatch

BAR_COLOURS: Final = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9")
"""Okabe–Ito colours: told apart by colour-blind readers."""
WATER: Final = "#C6DBEF"


def _png(figure: Figure, dpi: int) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight")
    return buffer.getvalue()


def bar_chart(
    groups: Sequence[str],
    series: Sequence[tuple[str, Sequence[int]]],
    *,
    title: str,
    size: tuple[float, float] = (7.0, 3.2),
    dpi: int = 150,
) -> bytes:
    """Return a grouped bar chart as PNG: one group per label, one bar per series."""
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    figure = Figure(figsize=size)
    axes = figure.add_subplot()
    width = 0.8 / max(len(series), 1)
    for k, (name, values) in enumerate(series):
        offsets = [g + (k - (len(series) - 1) / 2) * width for g in range(len(groups))]
        axes.bar(offsets, values, width=width, label=name, color=BAR_COLOURS[k % len(BAR_COLOURS)])
    axes.set_xticks(range(len(groups)), groups)
    axes.set_title(title, fontsize=11)
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.spines[["top", "right"]].set_visible(False)
    axes.legend(fontsize=8, frameon=False, ncols=min(len(series), 3))
    return _png(figure, dpi)


@dataclass(frozen=True, slots=True)
class MapMark:
    """A numbered point on a report map (projected metres), with its colour."""

    x: float
    y: float
    number: int
    colour: str


def _patch(geometry: BaseGeometry, **style: object) -> PathPatch:
    """Return polygons (with holes) as one matplotlib patch."""
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path as MplPath

    vertices: list[tuple[float, float]] = []
    codes: list[int] = []
    move, line, close = int(MplPath.MOVETO), int(MplPath.LINETO), int(MplPath.CLOSEPOLY)
    for polygon in shapely.get_parts(geometry):
        for ring in (polygon.exterior, *polygon.interiors):
            points = list(ring.coords)
            vertices += points
            codes += [move] + [line] * (len(points) - 2) + [close]
    return PathPatch(MplPath(vertices, codes), **style)


def area_map(
    boundary: BaseGeometry,
    marks: Sequence[MapMark],
    *,
    water: Sequence[BaseGeometry] = (),
    caption: str = "",
    size: tuple[float, float] = (7.0, 5.0),
    dpi: int = 150,
) -> bytes:
    """Return a map of one area as PNG: water, the boundary, numbered coloured points.

    Coordinates are metres in a projected CRS (EPSG:3006), drawn to scale, north up.
    """
    from matplotlib.figure import Figure

    figure = Figure(figsize=size)
    axes = figure.add_subplot()
    minx, miny, maxx, maxy = boundary.buffer(60).bounds
    frame = shapely.box(minx, miny, maxx, maxy)
    for body in water:
        clipped = body.intersection(frame)
        if not clipped.is_empty and clipped.geom_type in ("Polygon", "MultiPolygon"):
            axes.add_patch(_patch(clipped, facecolor=WATER, edgecolor="none"))
    axes.add_patch(_patch(boundary, facecolor="none", edgecolor="#000000", linewidth=1.2))
    for mark in marks:
        axes.plot(mark.x, mark.y, marker="o", markersize=9, color=mark.colour,
                  markeredgecolor="#000000", markeredgewidth=0.6)  # fmt: skip
        axes.annotate(str(mark.number), (mark.x, mark.y), xytext=(5, 5),
                      textcoords="offset points", fontsize=7,
                      bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none",
                            "alpha": 0.8})  # fmt: skip
    axes.set_xlim(minx, maxx)
    axes.set_ylim(miny, maxy)
    axes.set_aspect("equal")
    axes.set_xticks([])
    axes.set_yticks([])
    if caption:
        axes.set_xlabel(caption, fontsize=7, loc="left")
    return _png(figure, dpi)
