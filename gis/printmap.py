"""Printed maps drawn as vector PDF with ReportLab: to scale, with legend, scale bar and north.

Everything is drawn in page points (1/72 inch) from projected metres (EPSG:3006): a map
at 1:N puts N metres of ground on one metre of paper, so the printed scale is true.
Text stays text (DejaVu Sans, embedded), and the numbers of crowded markers are moved
apart, with a leader line to their marker, so that none covers another.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely
from reportlab import rl_config
from reportlab.lib import colors
from reportlab.lib.pagesizes import A3, A4, landscape, portrait
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from shapely.geometry.base import BaseGeometry

from gis.symbols import shape_outline

rl_config.useA85 = 0  # compressed streams stay binary: smaller files, written faster
MM: Final = 72.0 / 25.4
"""Points per millimetre."""
PAPERS: Final = {"A4": A4, "A3": A3}
ROUND_SCALES: Final = (
    500, 1_000, 2_000, 2_500, 5_000, 10_000, 20_000, 25_000, 50_000, 100_000, 200_000,
    250_000, 500_000,
)  # fmt: skip
"""The round scales a map is printed at: the largest (smallest number) at which what it
shows fits the paper. A map framed on observations with ``fit_around`` shows at least a few
hundred metres of ground, so it comes out at 1:1 000 or smaller in practice."""
WATER: Final = "#C6DBEF"
LABEL_SIZE: Final = 7.0
"""Marker numbers' font size (points): legible on paper."""
MARKER_RADIUS: Final = 3.2
"""A numbered marker's radius on the map (points)."""
RINGS: Final = (0.8, 7, 13, 20, 28, 38, 50, 64, 80, 100, 125, 155)
"""How far (points, beyond the marker) a number is tried from its marker, ring by ring."""


@lru_cache(maxsize=1)
def fonts() -> tuple[str, str]:
    """Register DejaVu Sans (shipped with matplotlib: å, ä, ö and more) with ReportLab."""
    import matplotlib
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont("SafewalkSans", str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont("SafewalkSans-Bold", str(folder / "DejaVuSans-Bold.ttf")))
    return "SafewalkSans", "SafewalkSans-Bold"


def page_size(paper: str, orientation: str) -> tuple[float, float]:
    """Return an ISO paper's size in points, landscape or portrait."""
    size = PAPERS[paper]
    return landscape(size) if orientation == "landscape" else portrait(size)


def scale_text(scale: int) -> str:
    """Return a scale as Swedish maps write it: ``1:5 000``."""
    return "1:" + f"{scale:,}".replace(",", " ")


def _paper_m(points: float) -> float:
    """Return a length on paper in metres, from points."""
    return points / MM / 1000.0


def _round_scale(needed: float) -> int:
    """Return the first of ``ROUND_SCALES`` at least ``needed`` (the last if none is)."""
    return next((s for s in ROUND_SCALES if s >= needed), ROUND_SCALES[-1])


def choose_scale(width_m: float, height_m: float, frame_w: float, frame_h: float) -> int:
    """Return the largest round scale at which ``width_m`` × ``height_m`` fits the frame (pt).

    The largest scale is the smallest number of ``ROUND_SCALES``: the most detail.
    """
    needed = max(width_m / _paper_m(frame_w), height_m / _paper_m(frame_h), 1.0)
    return _round_scale(needed)


def scale_bar_metres(scale: int, at_most_mm: float = 45.0) -> float:
    """Return a round ground length whose bar on paper is at most ``at_most_mm`` long."""
    longest = scale * at_most_mm / 1000.0
    steps = [m * 10**k for k in range(0, 6) for m in (1, 2, 5)]
    return float(max((s for s in steps if s <= longest), default=1))


@dataclass(frozen=True, slots=True)
class Frame:
    """A rectangle on the page, in points from the lower left corner."""

    x: float
    y: float
    width: float
    height: float

    def contains(self, box: tuple[float, float, float, float]) -> bool:
        """Return whether a box (x0, y0, x1, y1) lies inside."""
        return (box[0] >= self.x and box[1] >= self.y and box[2] <= self.x + self.width
                and box[3] <= self.y + self.height)  # fmt: skip


@dataclass(frozen=True, slots=True)
class MapView:
    """Which ground a frame shows: its centre (EPSG:3006 metres) and scale."""

    frame: Frame
    centre_x: float
    centre_y: float
    scale: int

    @property
    def metres_per_point(self) -> float:
        """Return the ground metres one point of paper stands for."""
        return self.scale * 0.0254 / 72.0

    def to_page(self, x: float, y: float) -> tuple[float, float]:
        """Return the page position of ground point (x, y)."""
        k = self.metres_per_point
        return (self.frame.x + self.frame.width / 2 + (x - self.centre_x) / k,
                self.frame.y + self.frame.height / 2 + (y - self.centre_y) / k)  # fmt: skip

    def on_page(self, geometries: np.ndarray) -> np.ndarray:
        """Return ``geometries`` (EPSG:3006 metres) in page points, all at once."""
        k = self.metres_per_point
        origin = np.array(self.to_page(0.0, 0.0))
        moved: np.ndarray = shapely.transform(geometries, lambda xy: xy / k + origin)
        return moved

    def ground(self) -> BaseGeometry:
        """Return the ground the frame shows, as a box in metres."""
        k = self.metres_per_point
        half_w, half_h = self.frame.width / 2 * k, self.frame.height / 2 * k
        return shapely.box(self.centre_x - half_w, self.centre_y - half_h,
                           self.centre_x + half_w, self.centre_y + half_h)  # fmt: skip


def fit(extent: BaseGeometry, frame: Frame, *, margin: float = 0.06) -> MapView:
    """Return the view that shows ``extent`` whole in ``frame`` at a round scale."""
    minx, miny, maxx, maxy = extent.bounds
    width, height = (maxx - minx) * (1 + 2 * margin), (maxy - miny) * (1 + 2 * margin)
    scale = choose_scale(max(width, 1.0), max(height, 1.0), frame.width, frame.height)
    return MapView(frame, (minx + maxx) / 2, (miny + maxy) / 2, scale)


def fit_around(extent: BaseGeometry, frame: Frame, *, pad: float, least_m: float) -> MapView:
    """Return the view centred on ``extent`` at the largest round scale that fits the frame.

    Parameters
    ----------
    extent
        What must be on the map, in EPSG:3006 metres (points, lines, areas).
    frame
        Where the map goes on the page.
    pad
        Points of paper kept between ``extent`` and every edge of the frame: room for a
        marker's symbol and number at the edge of what is shown.
    least_m
        Metres of ground the frame's shorter side shows at least, so that a single point
        is not drawn at 1:200 with nothing around it to find it by.
    """
    minx, miny, maxx, maxy = extent.bounds
    inner_w, inner_h = max(frame.width - 2 * pad, 1.0), max(frame.height - 2 * pad, 1.0)
    needed = max((maxx - minx) / _paper_m(inner_w), (maxy - miny) / _paper_m(inner_h),
                  least_m / _paper_m(min(frame.width, frame.height)), 1.0)  # fmt: skip
    return MapView(frame, (minx + maxx) / 2, (miny + maxy) / 2, _round_scale(needed))


def fit_closely(extent: BaseGeometry, frame: Frame, *, margin: float = 0.04) -> MapView:
    """Return the view that fills ``frame`` with ``extent`` at a whole, not a round, scale.

    For an overview whose scale is not printed: the round scales would leave it half empty.
    """
    minx, miny, maxx, maxy = extent.bounds
    width, height = (maxx - minx) * (1 + 2 * margin), (maxy - miny) * (1 + 2 * margin)
    needed = max(width / _paper_m(frame.width), height / _paper_m(frame.height), 1.0)
    return MapView(frame, (minx + maxx) / 2, (miny + maxy) / 2, math.ceil(needed))


def inset_frame(
    frame: Frame, extent: BaseGeometry, points: Sequence[tuple[float, float]], *,
    size: float = 1.0, most_w: float = 48 * MM, share_w: float = 0.3, share_h: float = 0.38,
    clearance: float = 14.0,
) -> Frame:  # fmt: skip
    """Return a box in a corner of ``frame`` for an overview map of ``extent``, shaped like it.

    At most ``most_w`` points and ``share_w`` of the frame wide, ``share_h`` of it high,
    each times ``size``.
    The corner is the one whose box (grown by ``clearance`` points: a marker's number
    beside it) holds the fewest of ``points`` (page positions of markers), the top right
    first among equals, then bottom right, bottom left, top left.
    """
    minx, miny, maxx, maxy = extent.bounds
    aspect = max(maxx - minx, 1.0) / max(maxy - miny, 1.0)
    width = min(most_w, frame.width * share_w) * size
    height = width / aspect
    if height > frame.height * share_h * size:
        height = frame.height * share_h * size
        width = height * aspect
    left, right = frame.x, frame.x + frame.width - width
    bottom, top = frame.y, frame.y + frame.height - height
    spots = ((right, top), (right, bottom), (left, bottom), (left, top))
    corners = [Frame(x, y, width, height) for x, y in spots]
    # min keeps the first among equals
    return min(corners, key=lambda box: points_under(box, points, clearance=clearance))


def points_under(box: Frame, points: Sequence[tuple[float, float]], *, clearance: float) -> int:
    """Return how many of ``points`` (page) lie in ``box`` grown by ``clearance`` points."""
    return sum(box.x - clearance <= x <= box.x + box.width + clearance
               and box.y - clearance <= y <= box.y + box.height + clearance
               for x, y in points)  # fmt: skip


# ------------------------------------------------------------------ drawing geometry
def _hex(colour: str) -> colors.Color:
    return colors.HexColor(colour)


_POLYGON: Final = 3  # shapely.GeometryType.POLYGON
_LINESTRING: Final = 1  # shapely.GeometryType.LINESTRING


def _on_paper(view: MapView, geometries: Iterable[BaseGeometry]) -> np.ndarray:
    """Return the parts of ``geometries`` cut to the frame, simplified to what paper shows.

    In page points; cut a little outside the frame's ground, so that no line ends at its
    edge. All at once: a district's thousands of streets take milliseconds.
    """
    shapes = np.asarray(list(geometries), dtype=object)
    k = view.metres_per_point
    minx, miny, maxx, maxy = view.ground().bounds
    margin = k * 4
    cut = shapely.clip_by_rect(shapes, minx - margin, miny - margin, maxx + margin, maxy + margin)
    simple = shapely.simplify(cut, k * 0.25, preserve_topology=True)
    parts: np.ndarray = shapely.get_parts(view.on_page(simple))
    shown: np.ndarray = parts[~shapely.is_empty(parts)]
    return shown


def _add_paths(path: Any, lines: np.ndarray, *, close: bool) -> None:
    """Add each line or ring of ``lines`` (page points) to ``path``; ``close``: as rings."""
    coords, which = shapely.get_coordinates(lines, return_index=True)
    for points in np.split(coords, np.flatnonzero(np.diff(which)) + 1):
        if len(points) < 2:
            continue
        path.moveTo(*points[0])
        for x, y in points[1:].tolist():
            path.lineTo(x, y)
        if close:
            path.close()


def fill_areas(
    canvas: Canvas, view: MapView, geometries: Iterable[BaseGeometry], colour: str, *,
    alpha: float = 1.0, outline: tuple[str, float] | None = None,
) -> None:  # fmt: skip
    """Fill polygons (holes left open), cut to the frame.

    ``outline``: their outlines too, in that colour and width (points), from the same cut.
    """
    path = canvas.beginPath()
    parts = _on_paper(view, geometries)
    polygons = parts[shapely.get_type_id(parts) == _POLYGON]
    _add_paths(path, shapely.get_rings(polygons), close=True)
    fill = _hex(colour)
    canvas.setFillColor(colors.Color(fill.red, fill.green, fill.blue, alpha=alpha))
    if outline is not None:
        canvas.setStrokeColor(_hex(outline[0]))
        canvas.setLineWidth(outline[1])
        canvas.setLineJoin(1)
    # even-odd: holes stay open
    canvas.drawPath(path, stroke=int(outline is not None), fill=1, fillMode=0)


def stroke_lines(
    canvas: Canvas, view: MapView, geometries: Iterable[BaseGeometry], colour: str,
    width: float, *, dash: Sequence[float] = (),
) -> None:  # fmt: skip
    """Draw lines, or polygons' outlines, cut to the frame."""
    path = canvas.beginPath()
    parts = _on_paper(view, geometries)
    kinds = shapely.get_type_id(parts)
    rings = shapely.get_rings(parts[kinds == _POLYGON])
    _add_paths(path, np.concatenate([parts[kinds == _LINESTRING], rings]), close=False)
    canvas.setStrokeColor(_hex(colour))
    canvas.setLineWidth(width)
    canvas.setDash(list(dash) if dash else [])
    canvas.setLineJoin(1)
    canvas.drawPath(path, stroke=1, fill=0)
    canvas.setDash([])


def symbol(canvas: Canvas, shape: str, x: float, y: float, radius: float, colour: str,
           *, outline: str = "#000000") -> None:  # fmt: skip
    """Draw a catalog marker (``gis.symbols``) of ``radius`` points centred on (x, y)."""
    canvas.setFillColor(_hex(colour))
    canvas.setStrokeColor(_hex(outline))
    canvas.setLineWidth(max(radius * 0.18, 0.3))
    corners = shape_outline(shape)
    if corners is None:
        if shape == "semi_circle":
            path = canvas.beginPath()
            path.arc(x - radius, y - radius * 1.4, x + radius, y + radius * 0.6, 0, 180)
            path.close()
            canvas.drawPath(path, stroke=1, fill=1)
        else:
            canvas.circle(x, y, radius, stroke=1, fill=1)
        return
    path = canvas.beginPath()
    path.moveTo(x + corners[0][0] * radius, y - corners[0][1] * radius)
    for cx, cy in corners[1:]:
        path.lineTo(x + cx * radius, y - cy * radius)
    path.close()
    canvas.drawPath(path, stroke=1, fill=1)


# ------------------------------------------------------------------ numbered markers
@dataclass(frozen=True, slots=True)
class Marker:
    """A numbered point: ground position, its symbol and its number's text."""

    x: float
    y: float
    label: str
    shape: str
    colour: str


@dataclass(slots=True)
class _Boxes:
    """Boxes already taken on the page, in a grid for quick overlap tests."""

    cell: float = 10.0
    grid: dict[tuple[int, int], list[tuple[float, float, float, float]]] = field(
        default_factory=dict
    )

    def _cells(self, box: tuple[float, float, float, float]) -> Iterable[tuple[int, int]]:
        for i in range(int(box[0] // self.cell), int(box[2] // self.cell) + 1):
            for j in range(int(box[1] // self.cell), int(box[3] // self.cell) + 1):
                yield i, j

    def free(self, box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        grid, cell = self.grid, self.cell
        for i in range(int(x0 // cell), int(x1 // cell) + 1):
            for j in range(int(y0 // cell), int(y1 // cell) + 1):
                for b in grid.get((i, j), ()):
                    if b[0] < x1 and x0 < b[2] and b[1] < y1 and y0 < b[3]:
                        return False
        return True

    def add(self, box: tuple[float, float, float, float]) -> None:
        for cell in self._cells(box):
            self.grid.setdefault(cell, []).append(box)


@dataclass(frozen=True, slots=True)
class PlacedLabel:
    """Where a marker's number went: its box's lower left corner, and whether it moved away."""

    x: float
    y: float
    leader: bool
    covers: bool = False
    """No free place was found: the number lies over something else."""


def _candidates(radius: float) -> list[tuple[bool, float, float, float, float]]:
    """Return where a number may go, nearest first: (on a leader?, dx, dy, x and y anchors).

    The anchors say how much of the number's width and height lies left of and below the
    candidate point, so that the number hangs away from its marker.
    """
    found = []
    for ring, gap in enumerate(RINGS):
        steps = 8 if ring == 0 else 16
        for step in range(steps):
            angle = math.radians(step * 360 / steps)
            cos, sin = math.cos(angle), math.sin(angle)
            anchor_x = 0.0 if cos > 0.3 else 1.0 if cos < -0.3 else 0.5
            anchor_y = 0.0 if sin > 0.3 else 1.0 if sin < -0.3 else 0.5
            found.append((ring > 0, (radius + gap) * cos, (radius + gap) * sin,
                          anchor_x, anchor_y))  # fmt: skip
    return found


def place_labels(
    points: Sequence[tuple[float, float]], texts: Sequence[str], frame: Frame, *,
    radius: float, font: str, size: float = LABEL_SIZE, keep_clear: Sequence[Frame] = (),
) -> list[PlacedLabel]:  # fmt: skip
    """Place each marker's number where it covers no other number, no marker, no box kept clear.

    First right beside its marker (eight positions around it); where points crowd, on
    rings farther out, with a leader line. Greedy, in order from the top left: the same
    input always gives the same page.
    """
    taken = _Boxes()
    for clear in keep_clear:
        taken.add((clear.x, clear.y, clear.x + clear.width, clear.y + clear.height))
    for x, y in points:
        taken.add((x - radius, y - radius, x + radius, y + radius))
    order = sorted(range(len(points)), key=lambda k: (-points[k][1], points[k][0]))
    placed: list[PlacedLabel | None] = [None] * len(points)
    height = size * 0.8
    left, bottom = frame.x, frame.y
    right, top = frame.x + frame.width, frame.y + frame.height
    candidates = _candidates(radius)
    for k in order:
        x, y = points[k]
        width = stringWidth(texts[k], font, size) + 1.0
        spot = None
        for leader, dx, dy, anchor_x, anchor_y in candidates:
            bx = x + dx - anchor_x * width
            by = y + dy - anchor_y * height
            box = (bx - 0.5, by - 0.5, bx + width + 0.5, by + height + 0.5)
            if (box[0] >= left and box[1] >= bottom and box[2] <= right and box[3] <= top
                    and taken.free(box)):  # fmt: skip
                spot = PlacedLabel(bx, by, leader)
                break
        if spot is None:  # nowhere free: beside it, over whatever is there
            spot = PlacedLabel(x + radius + 0.8, y, False, covers=True)
        taken.add((spot.x - 0.5, spot.y - 0.5, spot.x + width + 0.5, spot.y + height + 0.5))
        placed[k] = spot
    return [p for p in placed if p is not None]


def draw_markers(
    canvas: Canvas, view: MapView, markers: Sequence[Marker], *, radius: float = MARKER_RADIUS,
    keep_clear: Sequence[Frame] = (),
) -> tuple[int, int]:  # fmt: skip
    """Draw numbered markers in the frame; no number is put in a box of ``keep_clear``.

    Return how many numbers needed a leader line, and how many found no free place.
    """
    _, bold = fonts()
    inside = [m for m in markers if view.frame.contains((*view.to_page(m.x, m.y),
                                                          *view.to_page(m.x, m.y)))]  # fmt: skip
    points = [view.to_page(m.x, m.y) for m in inside]
    labels = place_labels(points, [m.label for m in inside], view.frame, radius=radius, font=bold,
                          keep_clear=keep_clear)  # fmt: skip
    canvas.setStrokeColor(colors.HexColor("#444444"))
    canvas.setLineWidth(0.4)
    for (x, y), label in zip(points, labels, strict=True):
        if label.leader:
            canvas.line(x, y, label.x, label.y + LABEL_SIZE * 0.4)
    for marker, (x, y) in zip(inside, points, strict=True):
        symbol(canvas, marker.shape, x, y, radius, marker.colour)
    for marker, label in zip(inside, labels, strict=True):
        width = stringWidth(marker.label, bold, LABEL_SIZE)
        canvas.setFillColor(colors.Color(1, 1, 1, alpha=0.85))
        canvas.rect(label.x - 0.6, label.y - 0.9, width + 1.2, LABEL_SIZE * 0.8 + 1.4,
                    stroke=0, fill=1)  # fmt: skip
        canvas.setFillColor(colors.black)
        canvas.setFont(bold, LABEL_SIZE)
        canvas.drawString(label.x, label.y, marker.label)
    return sum(label.leader for label in labels), sum(label.covers for label in labels)


# ------------------------------------------------------------------ furniture
def north_arrow(canvas: Canvas, x: float, y: float, *, convergence_deg: float = 0.0,
                size: float = 9 * MM) -> None:  # fmt: skip
    """Draw a north arrow whose tip is at the top of a ``size`` box centred on (x, y).

    ``convergence_deg``: how far true north lies clockwise of the map's up (grid north).
    """
    _, bold = fonts()
    canvas.saveState()
    canvas.translate(x, y)
    canvas.rotate(-convergence_deg)
    half = size / 2
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.6)
    path = canvas.beginPath()
    path.moveTo(0, half)
    path.lineTo(-half * 0.4, -half * 0.6)
    path.lineTo(0, -half * 0.3)
    path.close()
    canvas.setFillColor(colors.black)
    canvas.drawPath(path, stroke=1, fill=1)
    path = canvas.beginPath()
    path.moveTo(0, half)
    path.lineTo(half * 0.4, -half * 0.6)
    path.lineTo(0, -half * 0.3)
    path.close()
    canvas.setFillColor(colors.white)
    canvas.drawPath(path, stroke=1, fill=1)
    canvas.setFillColor(colors.black)
    canvas.setFont(bold, 9)
    canvas.drawCentredString(0, -half - 9, "N")
    canvas.restoreState()


def scale_bar(canvas: Canvas, x: float, y: float, scale: int, *, at_most_mm: float = 45.0) -> None:
    """Draw a scale bar in metres (four segments, black and white) from (x, y)."""
    regular, _ = fonts()
    metres = scale_bar_metres(scale, at_most_mm)
    length = metres * 1000.0 / scale * MM
    canvas.setLineWidth(0.5)
    canvas.setStrokeColor(colors.black)
    for k in range(4):
        canvas.setFillColor(colors.black if k % 2 == 0 else colors.white)
        canvas.rect(x + k * length / 4, y, length / 4, 3.2, stroke=1, fill=1)
    canvas.setFillColor(colors.black)
    canvas.setFont(regular, 7)
    unit, value = ("km", metres / 1000) if metres >= 1000 else ("m", metres)
    canvas.drawString(x - 1.5, y + 5, "0")
    canvas.drawCentredString(x + length / 2, y + 5, f"{value / 2:g}")
    canvas.drawString(x + length - 3, y + 5, f"{value:g} {unit}")


@dataclass(frozen=True, slots=True)
class LegendEntry:
    """One line of a legend: a symbol (marker shape, or ``line``/``area``) and its text."""

    text: str
    shape: str
    colour: str
    outline: str = "#000000"


def legend(canvas: Canvas, x: float, top: float, width: float, entries: Sequence[LegendEntry],
           *, title: str) -> float:  # fmt: skip
    """Draw a legend from its top left corner; return the y below it."""
    regular, bold = fonts()
    canvas.setFillColor(colors.black)
    canvas.setFont(bold, 9)
    canvas.drawString(x, top - 9, title)
    y = top - 22
    for entry in entries:
        if entry.shape == "area":
            canvas.setFillColor(_hex(entry.colour))
            canvas.setStrokeColor(_hex(entry.outline))
            canvas.setLineWidth(0.8)
            canvas.rect(x, y - 1, 9, 6, stroke=1, fill=1)
        elif entry.shape == "line":
            canvas.setStrokeColor(_hex(entry.colour))
            canvas.setLineWidth(1.2)
            canvas.line(x, y + 2, x + 9, y + 2)
        else:
            symbol(canvas, entry.shape, x + 4.5, y + 2, 3.2, entry.colour, outline=entry.outline)
        canvas.setFillColor(colors.black)
        canvas.setFont(regular, 8)
        text = entry.text
        while stringWidth(text, regular, 8) > width - 14 and len(text) > 4:
            text = text[:-2] + "…"
        canvas.drawString(x + 14, y, text)
        y -= 12
    return y
