"""Printed maps framed on their observations: the scale, the frame and the overview inset."""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

import pytest
import shapely
from pypdf import PdfReader
from pypdf.generic import ContentStream

from gis.crs import to_wgs84
from gis.printmap import MM, ROUND_SCALES, Frame, fit_around, inset_frame, scale_text
from walks.core.model import Observation, ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.documents.printing import (
    FRAME_COLOUR,
    FRAME_PAD,
    HEADER,
    LEAST_GROUND_M,
    MARGIN,
    SIDE,
    Printed,
    PrintedMap,
    PrintError,
    PrintOptions,
    print_area,
)
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations, record_observation

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
A4_MAP_W = 297 * MM - 2 * MARGIN - SIDE - 4 * MM
"""The map's width on A4 landscape (points): the page less its margins and the side column."""
MAP_TOP = 210 * MM - HEADER - MARGIN
"""The top of the map on A4 landscape (points from the page's foot)."""
Box = tuple[float, float, float, float]
Point = tuple[float, float]


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


STROKES: Final = (b"S", b"s", b"B", b"b", b"B*", b"b*")
PAINTS: Final = (*STROKES, b"f", b"f*", b"F", b"n")


def drawn(pdf: bytes, colour: str) -> tuple[list[Box], list[Box]]:
    """Return the first page's paths of 4 corners or more stroked in ``colour``, and its
    rectangles, as boxes (x0, y0, x1, y1) in page points.

    Read from the page's content stream; what is drawn in a moved or turned coordinate
    system (the north arrow) is left out.
    """
    reader = PdfReader(io.BytesIO(pdf))
    wanted = [int(colour[k : k + 2], 16) / 255 for k in (1, 3, 5)]
    operations = ContentStream(reader.pages[0].get_contents(), reader).operations
    paths: list[Box] = []
    rectangles: list[Box] = []
    points: list[tuple[float, float]] = []
    stack: list[tuple[bool, list[float]]] = []
    moved, stroke = False, [0.0, 0.0, 0.0]
    for operands, operator in operations:
        if operator == b"q":
            stack.append((moved, stroke))
        elif operator == b"Q":
            moved, stroke = stack.pop()
        elif operator == b"cm":
            moved = moved or [float(v) for v in operands] != [1, 0, 0, 1, 0, 0]
        elif operator == b"RG":
            stroke = [float(v) for v in operands]
        elif operator in (b"m", b"l"):
            points.append((float(operands[0]), float(operands[1])))
        elif operator == b"re" and not moved:
            x, y, w, h = (float(v) for v in operands)
            rectangles.append((x, y, x + w, y + h))
        elif operator in PAINTS:
            close = all(abs(a - b) < 0.002 for a, b in zip(stroke, wanted, strict=True))
            if operator in STROKES and close and not moved and len(points) >= 4:
                xs, ys = [p[0] for p in points], [p[1] for p in points]
                paths.append((min(xs), min(ys), max(xs), max(ys)))
            points = []
    return paths, rectangles


def stroked(pdf: bytes, colour: str) -> list[Box]:
    """Return the boxes of the first page's paths of 4 corners or more stroked in ``colour``."""
    return drawn(pdf, colour)[0]


def marker_points(printed_map: PrintedMap, observations: Sequence[Observation]) -> list[Point]:
    """Return where ``observations`` are on an A4 landscape page (points), from the frame."""
    x0, _, _, y1 = printed_map.frame
    points_per_m = MM * 1000 / printed_map.scale
    return [(MARGIN + (o.x - x0) * points_per_m, MAP_TOP - (y1 - o.y) * points_per_m)
            for o in observations]  # fmt: skip


def overview(printed: Printed, printed_map: PrintedMap) -> tuple[Box, Box]:
    """Return the overview's box on an A4 landscape map page, and the frame's box drawn on it.

    The overview is the rectangle of at most 30 % of the map's width in a corner of it
    (its white ground, its clip and its border are one box).
    """
    (frame_box,), rectangles = drawn(printed.pdf, FRAME_COLOUR)
    _, y0, _, y1 = printed_map.frame
    right, bottom = MARGIN + A4_MAP_W, MAP_TOP - (y1 - y0) * MM * 1000 / printed_map.scale
    (box,) = {tuple(round(v, 1) for v in r) for r in rectangles
              if (round(r[0], 1) == round(MARGIN, 1) or round(r[2], 1) == round(right, 1))
              and (round(r[1], 1) == round(bottom, 1) or round(r[3], 1) == round(MAP_TOP, 1))
              and r[2] - r[0] < 0.3 * A4_MAP_W}  # fmt: skip
    return (box[0], box[1], box[2], box[3]), frame_box


def under(box: Box, points: Sequence[Point]) -> list[Point]:
    return [(x, y) for x, y in points if box[0] <= x <= box[2] and box[1] <= y <= box[3]]


def one_map(printed: Printed) -> PrintedMap:
    (printed_map,) = printed.maps
    assert printed.scales == (printed_map.scale,)
    return printed_map


def paper_mm(printed_map: PrintedMap) -> tuple[float, float]:
    """Return the map's size on paper (mm), from the ground it shows and its scale."""
    x0, y0, x1, y1 = printed_map.frame
    return (x1 - x0) / printed_map.scale * 1000, (y1 - y0) / printed_map.scale * 1000


def finer(scale: int) -> int:
    """Return the round scale one step larger (more detail) than ``scale``."""
    step = ROUND_SCALES.index(scale)
    assert step > 0, "the largest round scale: none finer to try"
    return ROUND_SCALES[step - 1]


def fits(extent: tuple[float, float, float, float], scale: int, paper: tuple[float, float]) -> bool:
    """Return whether ``extent`` (metres) fits ``paper`` (mm) at ``scale``, pad and least kept."""
    pad = FRAME_PAD / MM
    width, height = paper
    return ((extent[2] - extent[0]) / scale * 1000 <= width - 2 * pad
            and (extent[3] - extent[1]) / scale * 1000 <= height - 2 * pad
            and min(width, height) * scale / 1000 >= LEAST_GROUND_M)  # fmt: skip


@pytest.mark.parametrize(
    ("extent", "scale"),
    [
        ((0, 0, 316, 286), 2_500),  # the demo's Hässelby gård, on A4 landscape
        ((0, 0, 1_800, 1_200), 10_000),
        ((500, 500, 500, 500), 2_000),  # one point: at least 250 m across, not 1:500
    ],
)
def test_the_frame_takes_the_largest_round_scale_at_which_the_observations_fit(
    extent: tuple[float, float, float, float], scale: int
) -> None:
    frame = Frame(0, 0, 215 * MM, 150 * MM)
    view = fit_around(shapely.box(*extent), frame, pad=FRAME_PAD, least_m=LEAST_GROUND_M)
    assert view.scale == scale
    assert (view.centre_x, view.centre_y) == ((extent[0] + extent[2]) / 2,
                                              (extent[1] + extent[3]) / 2)  # fmt: skip
    assert fits(extent, scale, (215, 150))
    assert not fits(extent, finer(scale), (215, 150))


def test_the_overview_goes_in_the_corner_with_fewest_markers() -> None:
    frame = Frame(0, 0, 600, 400)
    area = shapely.box(0, 0, 2_000, 1_000)  # twice as wide as high: the inset too
    free = inset_frame(frame, area, [])
    assert (free.x + free.width, free.y + free.height) == (600, 400)  # top right, first
    assert free.width == pytest.approx(2 * free.height)
    assert free.width <= 0.3 * 600
    busy_top_right = inset_frame(frame, area, [(590, 390), (300, 200)])
    assert (busy_top_right.x + busy_top_right.width, busy_top_right.y) == (600, 0)
    # One marker at the bottom left, two in each other corner.
    everywhere = [(5, 5), (595, 5), (5, 395), (10, 390), (595, 395), (590, 390), (595, 10)]
    fewest = inset_frame(frame, area, everywhere)
    assert (fewest.x, fewest.y) == (0, 0)


def test_an_area_map_is_framed_on_its_observations_with_the_area_in_an_overview(
    memory_workspace: Workspace,
) -> None:
    printed = print_area(memory_workspace, "hasselby-gard", PrintOptions(), now=NOW)
    shown = [o for o in list_observations(memory_workspace, "hasselby-gard")
             if o.status.value not in ("resolved", "dismissed")]  # fmt: skip
    printed_map = one_map(printed)
    assert (printed_map.area, printed_map.page, printed_map.extent) == (
        "hasselby-gard", 1, "observations")  # fmt: skip
    x0, y0, x1, y1 = printed_map.frame
    xs, ys = [o.x for o in shown], [o.y for o in shown]
    extent = (min(xs), min(ys), max(xs), max(ys))
    pad_m = FRAME_PAD / MM / 1000 * printed_map.scale
    # Every observation lies inside the frame, with room for its marker and number.
    assert x0 + pad_m <= extent[0] <= extent[2] <= x1 - pad_m
    assert y0 + pad_m <= extent[1] <= extent[3] <= y1 - pad_m
    # The scale is true: the ground shown over the map's width on paper.
    width_mm, height_mm = paper_mm(printed_map)
    assert width_mm == pytest.approx(A4_MAP_W / MM, abs=0.01)
    # The largest round scale at which they fit, and far larger than the whole area's.
    assert not fits(extent, finer(printed_map.scale), (width_mm, height_mm))
    area = print_area(memory_workspace, "hasselby-gard", PrintOptions(extent="area"), now=NOW)
    assert one_map(area).scale >= 2 * printed_map.scale
    text = text_of(printed.pdf)
    assert f"Skala {scale_text(printed_map.scale)} (A4)" in text
    assert "Översikt" in text
    assert "Kartans utsnitt (i översikten)" in text  # the legend names the overview's box
    # The overview: a box in the map's top right corner (the demo has no marker there),
    # over no marker, with the map's frame drawn on it, shaped as the ground the map shows.
    assert printed_map.inset
    inset, box = overview(printed, printed_map)
    assert inset[2:] == pytest.approx((MARGIN + A4_MAP_W, MAP_TOP), abs=0.1)
    assert inset[0] < box[0] < box[2] < inset[2]
    assert inset[1] < box[1] < box[3] < inset[3]
    assert (box[2] - box[0]) / (box[3] - box[1]) == pytest.approx((x1 - x0) / (y1 - y0), rel=0.01)
    assert under(inset, marker_points(printed_map, shown)) == []


@pytest.mark.parametrize(("half_w", "half_h", "size"), [(400, 180, "smaller"), (450, 220, None)])
def test_the_overview_is_made_smaller_or_left_out_rather_than_hide_a_marker(
    memory_workspace: Workspace, half_w: float, half_h: float, size: str | None
) -> None:
    # One observation in each corner of a box shaped as the map: 800 m × 360 m leaves room
    # in the map's corners for a smaller overview only, 900 m × 440 m for none.
    for dx, dy in ((-1, -1), (1, -1), (-1, 1), (1, 1)):
        where = to_wgs84(shapely.Point(662_300 + dx * half_w, 6_585_200 + dy * half_h))
        record_observation(memory_workspace, ObservationDraft(
            "lighting", Position(where.x, where.y), created_by="tests", severity=2,
            fields={"problem": "broken"},
        ), area="vinsta")  # fmt: skip
    printed = print_area(memory_workspace, "vinsta", PrintOptions(), now=NOW)
    printed_map = one_map(printed)
    points = marker_points(printed_map, list_observations(memory_workspace, "vinsta"))
    assert len(points) == printed.markers == 4
    assert all(MARGIN < x < MARGIN + A4_MAP_W for x, _ in points)
    assert printed_map.inset == (size is not None)
    if size is None:
        assert stroked(printed.pdf, FRAME_COLOUR) == []
        assert "Översikt" not in text_of(printed.pdf)
        return
    inset, _ = overview(printed, printed_map)
    assert under(inset, points) == []
    assert inset[2] - inset[0] < 0.7 * 48 * MM  # the largest is 48 mm wide


def test_the_whole_area_when_asked_and_no_overview(memory_workspace: Workspace) -> None:
    options = PrintOptions(extent="area", language="en")
    printed = print_area(memory_workspace, "hasselby-gard", options, now=NOW)
    printed_map = one_map(printed)
    assert (printed_map.extent, printed_map.inset) == ("area", False)
    boundary = find_area(memory_workspace, "hasselby-gard").boundary
    assert shapely.box(*printed_map.frame).contains(boundary)
    assert not fits(boundary.bounds, finer(printed_map.scale), paper_mm(printed_map))
    assert stroked(printed.pdf, FRAME_COLOUR) == []
    text = text_of(printed.pdf)
    assert "Overview" not in text
    assert "No observations to frame" not in text
    with pytest.raises(PrintError, match="--extent: choose observations, area"):
        print_area(memory_workspace, "hasselby-gard", PrintOptions(extent="street"), now=NOW)


def test_one_observation_is_framed_with_a_few_blocks_around_it(
    memory_workspace: Workspace,
) -> None:
    record_observation(memory_workspace, ObservationDraft(
        "lighting", Position(17.8544, 59.3731), created_by="tests", severity=2,
        fields={"problem": "broken"},
    ), area="vinsta")  # fmt: skip
    printed = print_area(memory_workspace, "vinsta", PrintOptions(), now=NOW)
    printed_map = one_map(printed)
    assert (printed_map.extent, printed_map.inset, printed.markers) == ("observations", True, 1)
    (only,) = list_observations(memory_workspace, "vinsta")
    x0, y0, x1, y1 = printed_map.frame
    assert (x0 + x1) / 2 == pytest.approx(only.x)
    assert (y0 + y1) / 2 == pytest.approx(only.y)
    assert min(x1 - x0, y1 - y0) >= LEAST_GROUND_M
    assert printed_map.scale >= 1_000  # not 1:200 with nothing around it
    point = (only.x, only.y, only.x, only.y)
    assert not fits(point, finer(printed_map.scale), paper_mm(printed_map))
    assert len(stroked(printed.pdf, FRAME_COLOUR)) == 1


def test_an_area_with_no_observations_is_framed_whole_and_says_so(
    memory_workspace: Workspace,
) -> None:
    printed = print_area(memory_workspace, "vinsta", PrintOptions(), now=NOW)
    printed_map = one_map(printed)
    assert (printed_map.extent, printed_map.inset, printed.markers) == ("area", False, 0)
    boundary = find_area(memory_workspace, "vinsta").boundary
    assert shapely.box(*printed_map.frame).contains(boundary)
    asked = print_area(memory_workspace, "vinsta", PrintOptions(extent="area"), now=NOW)
    assert one_map(asked).frame == printed_map.frame
    text = text_of(printed.pdf)
    assert "Inga iakttagelser att rama in: kartan visar hela området." in text
    assert "Inga iakttagelser att rama in" not in text_of(asked.pdf)  # asked for: nothing to say
