"""Small static SVG maps of polygons and points: no JavaScript, no tiles, no network."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

import shapely
from shapely.geometry.base import BaseGeometry


@dataclass(frozen=True, slots=True)
class SvgPolygon:
    """A labelled polygon to draw (coordinates in a projected CRS, metres)."""

    geometry: BaseGeometry
    label: str = ""
    fill: str = "none"
    stroke: str = "#000000"


@dataclass(frozen=True, slots=True)
class SvgPoint:
    """A point marker to draw."""

    x: float
    y: float
    fill: str
    title: str = ""


def _ring_path(coords: Sequence[tuple[float, float]], project: object) -> str:
    points = [project(x, y) for x, y in coords]  # type: ignore[operator]
    return "M" + " L".join(f"{px:.1f},{py:.1f}" for px, py in points) + " Z"


def map_svg(
    polygons: Sequence[SvgPolygon],
    points: Sequence[SvgPoint] = (),
    *,
    width_px: int = 800,
    background: Sequence[BaseGeometry] = (),
    caption: str = "",
) -> str:
    """Return an SVG document drawing ``polygons`` and ``points`` north-up at one scale.

    All text (labels, titles, caption) is escaped, so user text never becomes markup.
    ``background`` polygons (e.g. water) are drawn first, in light blue.
    """
    if not polygons:
        return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="40"></svg>'
    min_x, min_y, max_x, max_y = shapely.union_all([p.geometry for p in polygons]).bounds
    margin = 0.02 * max(max_x - min_x, max_y - min_y)
    min_x, min_y, max_x, max_y = min_x - margin, min_y - margin, max_x + margin, max_y + margin
    scale = width_px / (max_x - min_x)
    height_px = round((max_y - min_y) * scale)

    def project(x: float, y: float) -> tuple[float, float]:
        return (x - min_x) * scale, (max_y - y) * scale

    def paths(geometry: BaseGeometry) -> str:
        parts = []
        for polygon in getattr(geometry, "geoms", [geometry]):
            if polygon.geom_type != "Polygon":
                continue
            parts.append(_ring_path(polygon.exterior.coords, project))
            parts += [_ring_path(ring.coords, project) for ring in polygon.interiors]
        return " ".join(parts)

    frame = shapely.box(min_x, min_y, max_x, max_y)
    body = []
    for geometry in background:
        clipped = geometry.intersection(frame)
        if not clipped.is_empty:
            body.append(
                f'<path d="{paths(clipped)}" fill="#cfe5f5" stroke="none" fill-rule="evenodd"/>'
            )
    for polygon in polygons:
        body.append(
            f'<path d="{paths(polygon.geometry)}" fill={quoteattr(polygon.fill)} '
            f'fill-opacity="0.25" stroke={quoteattr(polygon.stroke)} stroke-width="1.5" '
            f'fill-rule="evenodd"><title>{escape(polygon.label)}</title></path>'
        )
    for polygon in polygons:
        if polygon.label:
            anchor = polygon.geometry.representative_point()
            lx, ly = project(anchor.x, anchor.y)
            body.append(
                f'<text x="{lx:.1f}" y="{ly:.1f}" font-size="12" text-anchor="middle" '
                f'font-family="sans-serif" paint-order="stroke" stroke="#ffffff" '
                f'stroke-width="3">{escape(polygon.label)}</text>'
            )
    for point in points:
        px, py = project(point.x, point.y)
        body.append(
            f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4" fill={quoteattr(point.fill)} '
            f'stroke="#000000" stroke-width="1"><title>{escape(point.title)}</title></circle>'
        )
    if caption:
        body.append(
            f'<text x="4" y="{height_px - 6}" font-size="10" font-family="sans-serif" '
            f'fill="#333333">{escape(caption)}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width_px}" height="{height_px}" '
        f'viewBox="0 0 {width_px} {height_px}" role="img">{"".join(body)}</svg>'
    )
