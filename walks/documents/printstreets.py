"""Streets, paths and buildings on a printed map: under the observations, street names along them.

Buildings are light grey areas, streets grey lines and paths thinner dashed ones, all cut
to the map's frame; a street's name runs along it where there is room
(``gis.linelabels``). What is drawn, and its credit, comes from
``walks.documents.streets``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import numpy as np
import shapely
from reportlab.lib import colors
from reportlab.pdfgen.canvas import Canvas
from shapely.geometry.base import BaseGeometry

from gis.linelabels import GAP_PT, place_line_labels
from gis.printmap import Frame, LegendEntry, MapView, Marker, fill_areas, fonts, stroke_lines
from layers.values import ReferenceKind
from walks.documents.streets import StreetLayer

BUILDING_FILL: Final = "#E4E4E4"
BUILDING_LINE: Final = "#B4B4B4"
STREET_LINE: Final = "#9A9A9A"
STREET_WIDTH_PT: Final = 1.1
PATH_WIDTH_PT: Final = 0.6
PATH_DASH: Final = (2.0, 1.4)
NAME_COLOUR: Final = "#505050"
NAME_SIZE_PT: Final = 5.5
MARKER_ROOM_PT: Final = 5.0
"""How far around a marker a street name keeps away."""


def street_legend(layers: Sequence[StreetLayer], language: str) -> list[LegendEntry]:
    """Return the legend's entries of the streets and buildings on a map."""
    entries = []
    for layer in layers:
        title = layer.kind.label.in_language(language)
        if layer.kind is ReferenceKind.BUILDINGS:
            entries.append(LegendEntry(title, "area", BUILDING_FILL, BUILDING_LINE))
        else:
            entries.append(LegendEntry(title, "line", STREET_LINE))
    return entries


def _in_view(view: MapView, geometries: np.ndarray) -> np.ndarray:
    """Return which of ``geometries`` (EPSG:3006) meet the ground ``view`` shows."""
    ground = view.ground()
    shapely.prepare(ground)
    return np.asarray(shapely.intersects(ground, geometries), dtype=bool)


def draw_streets(
    canvas: Canvas, view: MapView, layers: Sequence[StreetLayer], *,
    markers: Sequence[Marker] = (), keep_clear: Sequence[Frame] = (),
) -> int:  # fmt: skip
    """Draw buildings, then streets and paths, then the streets' names, cut to the frame.

    Names keep clear of ``markers`` and of the boxes ``keep_clear`` (an overview drawn over
    the map). Return how many names were placed.
    """
    names: dict[str, list[BaseGeometry]] = {}
    unnamed: list[BaseGeometry] = []
    for layer in layers:
        seen = _in_view(view, layer.geometries)
        shown = layer.geometries[seen]
        if layer.kind is ReferenceKind.BUILDINGS:
            fill_areas(canvas, view, list(shown), BUILDING_FILL, outline=(BUILDING_LINE, 0.3))
            continue
        paths = layer.paths[seen]
        stroke_lines(canvas, view, list(shown[~paths]), STREET_LINE, STREET_WIDTH_PT)
        stroke_lines(canvas, view, list(shown[paths]), STREET_LINE, PATH_WIDTH_PT, dash=PATH_DASH)
        for name, on_page in zip(np.asarray(layer.names, dtype=object)[seen],
                                 _on_page(view, shown), strict=True):  # fmt: skip
            if name:
                names.setdefault(str(name), []).append(on_page)
            else:
                unnamed.append(on_page)
    boxes = [(f.x, f.y, f.x + f.width, f.y + f.height) for f in keep_clear]
    return _draw_names(canvas, view, names, unnamed, markers, boxes)


def _on_page(view: MapView, geometries: np.ndarray) -> np.ndarray:
    """Return ``geometries`` in page points, cut to the frame."""
    frame = view.frame
    cut: np.ndarray = shapely.intersection(view.on_page(geometries), shapely.box(
        frame.x, frame.y, frame.x + frame.width, frame.y + frame.height))  # fmt: skip
    return cut


def _draw_names(
    canvas: Canvas, view: MapView, names: dict[str, list[BaseGeometry]],
    unnamed: Sequence[BaseGeometry], markers: Sequence[Marker],
    boxes: Sequence[tuple[float, float, float, float]],
) -> int:  # fmt: skip
    regular, _ = fonts()
    frame = view.frame
    room = MARKER_ROOM_PT
    free = [(x - room, y - room, x + room, y + room)
            for x, y in (view.to_page(m.x, m.y) for m in markers)] + list(boxes)  # fmt: skip
    placed = place_line_labels(
        names, (frame.x + 2, frame.y + 2, frame.x + frame.width - 2, frame.y + frame.height - 2),
        font=regular, size=NAME_SIZE_PT, keep_free=free, unnamed=unnamed,
    )  # fmt: skip
    canvas.setFillColor(colors.HexColor(NAME_COLOUR))
    for label in placed:
        canvas.saveState()
        canvas.translate(label.x, label.y)
        canvas.rotate(label.angle)
        canvas.setFont(regular, NAME_SIZE_PT)
        canvas.drawCentredString(0, GAP_PT, label.text)
        canvas.restoreState()
    return len(placed)
