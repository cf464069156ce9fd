"""Marker symbols as small SVG pictures: the shapes QGIS calls by the same names.

A category's symbol is a colour plus a shape, so that a map reads in black and white and
for colour-blind readers. The web map, its legend and printed maps draw them from here.
"""

from __future__ import annotations

import math
import re
from typing import Final

SHAPES: Final[tuple[str, ...]] = (
    "circle",
    "square",
    "triangle",
    "diamond",
    "star",
    "pentagon",
    "hexagon",
    "octagon",
    "cross_fill",
    "semi_circle",
    "half_square",
    "equilateral_triangle",
)
"""The shape names, as in QGIS's simple marker."""
_COLOUR = re.compile(r"#[0-9A-Fa-f]{6}")


def _polygon(corners: int, *, rotation: float = -90.0) -> list[tuple[float, float]]:
    """Return a regular polygon's corners around (0, 0) with radius 1, the first one up."""
    return [
        (math.cos(math.radians(rotation + 360.0 * k / corners)),
         math.sin(math.radians(rotation + 360.0 * k / corners)))
        for k in range(corners)
    ]  # fmt: skip


def _star() -> list[tuple[float, float]]:
    """Return a five-pointed star's corners, outer and inner by turns."""
    outer = _polygon(5)
    inner = [(0.45 * x, 0.45 * y) for x, y in _polygon(5, rotation=-90.0 + 36.0)]
    return [corner for pair in zip(outer, inner, strict=True) for corner in pair]


_OUTLINES: Final[dict[str, list[tuple[float, float]]]] = {
    "square": [(-0.8, -0.8), (0.8, -0.8), (0.8, 0.8), (-0.8, 0.8)],
    "triangle": [(0.0, -1.0), (1.0, 0.8), (-1.0, 0.8)],
    "equilateral_triangle": [(x, y + 0.25) for x, y in _polygon(3)],
    "diamond": [(0.0, -1.0), (0.8, 0.0), (0.0, 1.0), (-0.8, 0.0)],
    "pentagon": _polygon(5),
    "hexagon": _polygon(6, rotation=0.0),
    "octagon": _polygon(8, rotation=22.5),
    "cross_fill": [
        (-0.3, -1.0), (0.3, -1.0), (0.3, -0.3), (1.0, -0.3), (1.0, 0.3), (0.3, 0.3),
        (0.3, 1.0), (-0.3, 1.0), (-0.3, 0.3), (-1.0, 0.3), (-1.0, -0.3), (-0.3, -0.3),
    ],
    "half_square": [(-0.8, -0.8), (0.0, -0.8), (0.0, 0.8), (-0.8, 0.8)],
}  # fmt: skip


def shape_outline(shape: str) -> list[tuple[float, float]] | None:
    """Return the corners of ``shape`` in a box from -1 to 1 (y down); None for the round ones.

    Raises
    ------
    ValueError
        ``shape`` is not one of ``SHAPES``.
    """
    if shape in ("circle", "semi_circle"):
        return None
    if shape == "star":
        return _star()
    if shape in _OUTLINES:
        return _OUTLINES[shape]
    msg = f"unknown marker shape {shape!r}; use one of {', '.join(SHAPES)}"
    raise ValueError(msg)


def shape_path(shape: str) -> str:
    """Return the SVG path of ``shape`` in a box from -1 to 1 (y down).

    Raises
    ------
    ValueError
        ``shape`` is not one of ``SHAPES``.
    """
    if shape == "circle":
        return "M-1,0A1,1 0 1,0 1,0A1,1 0 1,0 -1,0Z"
    if shape == "semi_circle":
        return "M-1,0.4A1,1 0 0,1 1,0.4Z"
    corners = shape_outline(shape) or []
    return "M" + "L".join(f"{x:.3f},{y:.3f}" for x, y in corners) + "Z"


def marker_svg(shape: str, colour: str, *, size: int = 16, outline: str = "#000000") -> str:
    """Return an SVG picture ``size`` pixels wide of ``shape`` filled with ``colour``.

    Raises
    ------
    ValueError
        An unknown shape, or a colour that is not ``#RRGGBB`` (the picture goes into HTML).
    """
    for value in (colour, outline):
        if not _COLOUR.fullmatch(value):
            msg = f"colour {value!r} is not #RRGGBB"
            raise ValueError(msg)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" '
        f'viewBox="-1.2 -1.2 2.4 2.4"><path d="{shape_path(shape)}" fill="{colour}" '
        f'stroke="{outline}" stroke-width="0.18" stroke-linejoin="round"/></svg>'
    )
