"""Printed maps for the analysis group: one area, the atlas of every area, a walk's protocol.

A map page has the title, the area and the date, the map at a round scale true on the
paper (framed on the observations, with an overview of the whole area in a corner, or on the
whole area), numbered markers (the observations' stable numbers in their area), a legend of
what is on the map (the catalog's colours and shapes), a scale bar, the scale, a north
arrow and the attributions. A table keys each number to its category, description,
responsible organisation, deadline and status: below the map when it fits, otherwise
on the following pages. The background is the shipped vector data (water, boundaries,
reference points), so printing needs no network.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, Final
from xml.sax.saxutils import escape

import shapely
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from reportlab.platypus.flowables import Flowable
from shapely.geometry.base import BaseGeometry

from gis.crs import grid_convergence, to_wgs84
from gis.i18n import Text, texts_from_file
from gis.printmap import (
    MARKER_RADIUS,
    MM,
    PAPERS,
    WATER,
    Frame,
    LegendEntry,
    MapView,
    Marker,
    draw_markers,
    fill_areas,
    fit,
    fit_around,
    fit_closely,
    fonts,
    inset_frame,
    legend,
    north_arrow,
    page_size,
    points_under,
    scale_bar,
    scale_text,
    stroke_lines,
    symbol,
)
from gis.qrcodes import QUIET_ZONE, qr_matrix
from gis.tiles import TileFetcher
from layers.catalog import LayerSpec
from layers.store import Query
from layers.values import ReferenceKind
from walks.actions.measures import CLOSED, OPEN, Measure, area_measures
from walks.actions.routing import route_observations
from walks.core.clock import LOCAL_TIME
from walks.core.errors import WalkError
from walks.core.model import PARTICIPANT_TITLES, Observation, Walk
from walks.core.organisations import organisations
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.documents import TEXTS_FILE
from walks.documents.mapdata import shipped_water
from walks.documents.printstreets import draw_streets, street_legend
from walks.documents.streets import StreetLayer, credit_texts, street_layers
from walks.fieldwork.areas import find_area
from walks.fieldwork.joining import capture_url, short_url
from walks.fieldwork.planning import light_condition_at, list_walks
from walks.fieldwork.recording import list_observations, photo_thumbnails, walk_observations
from walks.fieldwork.reference import reference_points

MARGIN: Final = 10 * MM
SIDE: Final = 58 * MM
"""The column beside the map: legend, scale, north arrow, attributions."""
HEADER: Final = 17 * MM
FOOTER: Final = 7 * MM
STATUSES: Final = ("open", "all")
ORIENTATIONS: Final = ("landscape", "portrait")
BACKGROUNDS: Final = ("auto", "tiles", "vector")
EXTENTS: Final = ("observations", "area")
"""What an area's map is framed on: the observations shown (the default), or the whole area."""
FRAME_PAD: Final = 12 * MM
"""Paper kept between the observations and the map's edge: room for a marker and its number."""
LEAST_GROUND_M: Final = 250.0
"""The least ground (metres) across a map framed on observations: a few blocks at 1:1 000 to
1:2 500, so that one observation is not drawn at 1:200 with nothing to find it by."""
INSET_SIZES: Final = (1.0, 0.65)
"""The overview's sizes tried, as shares of its largest: a smaller one where the larger would
hide a marker."""
FRAME_COLOUR: Final = "#EE3377"
"""The map's frame on its overview: Tol's magenta, no category's colour, clear beside the black
boundary and the blue water."""
REFERENCE_SYMBOLS: Final = {
    ReferenceKind.LAMPS: ("circle", "#FFE066"),
    ReferenceKind.STOPS: ("square", "#9ECAE1"),
    ReferenceKind.ENTRANCES: ("triangle", "#9ECAE1"),
    ReferenceKind.SCHOOLS: ("pentagon", "#D9D9D9"),
}
"""Reference points: small and pale, under the observations."""
T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "printing"),
}


class PrintError(WalkError):
    """A print that cannot be made as asked: an unknown layer, paper or status."""


@dataclass(frozen=True, slots=True)
class PrintOptions:
    """What to print and how."""

    paper: str = "A4"
    orientation: str = "landscape"
    layers: tuple[str, ...] | None = None
    """Category layer names; None: every category."""
    title: str | None = None
    status: str = "open"
    """``open``: observations not resolved or dismissed; ``all``: every one."""
    language: str = "sv"
    background: str = "auto"
    """``auto``: the tile server of the settings when there is one and it answers, else
    the vector background; ``tiles``: the same, but a tile server must be set; ``vector``."""
    extent: str = "observations"
    """``observations``: each map framed on its observations (an area with none: on the
    area), with an overview of the area; ``area``: on the whole area."""


def check_options(workspace: Workspace, options: PrintOptions) -> PrintOptions:
    """Return ``options`` if they can be printed; refuse others, naming what is allowed.

    Raises
    ------
    PrintError
        An unknown paper, orientation, status or category layer.
    """
    problems = [
        (options.paper not in PAPERS, "--paper", ", ".join(PAPERS)),
        (options.orientation not in ORIENTATIONS, "--orientation", ", ".join(ORIENTATIONS)),
        (options.status not in STATUSES, "--status", ", ".join(STATUSES)),
        (options.background not in BACKGROUNDS, "--background", ", ".join(BACKGROUNDS)),
        (options.extent not in EXTENTS, "--extent", ", ".join(EXTENTS)),
    ]
    for wrong, flag, allowed in problems:
        if wrong:
            raise PrintError(Text(sv=f"{flag}: välj {allowed}.", en=f"{flag}: choose {allowed}."))
    if options.background == "tiles" and workspace.settings.print_tiles is None:
        raise PrintError(
            Text(
                sv="--background tiles: ingen tileserver är inställd (SAFEWALK_PRINT_TILES).",
                en="--background tiles: no tile server is set (SAFEWALK_PRINT_TILES).",
            )
        )
    names = workspace.catalog.names
    unknown = sorted(set(options.layers or ()) - set(names))
    if unknown:
        raise PrintError(
            Text(
                sv=f"--layers: okänt lager {', '.join(unknown)}; lager: {', '.join(names)}.",
                en=f"--layers: unknown layer {', '.join(unknown)}; layers: {', '.join(names)}.",
            )
        )
    return options


# ------------------------------------------------------------------ what an area's map shows
@dataclass(frozen=True, slots=True)
class _AreaContent:
    """An area's map content and its table rows, in one language."""

    slug: str
    name: str
    boundary: BaseGeometry
    markers: list[Marker]
    rows: list[tuple[str, str, str, str, str, str]]
    legend: list[LegendEntry]
    references: list[tuple[ReferenceKind, list[tuple[float, float]]]]
    shapes: list[tuple[BaseGeometry, str]] = field(default_factory=list)
    """Lines and areas that observations are, with their category's colour."""
    streets: list[StreetLayer] = field(default_factory=list)
    """The area's buildings and streets, drawn under everything else."""
    credits: list[str] = field(default_factory=list)
    """The streets' and buildings' credits, for the attributions."""


def _observations(
    workspace: Workspace, everything: Sequence[Observation], options: PrintOptions
) -> list[Observation]:
    wanted = set(options.layers or workspace.catalog.names)
    return [
        o for o in everything
        if o.category in wanted and (options.status == "all" or o.status not in CLOSED)
    ]  # fmt: skip


def _measure_of(measures: Sequence[Measure]) -> dict[int, Measure]:
    """Return each observation's measure: an open one before a closed one, newest first."""
    found: dict[int, Measure] = {}
    for measure in sorted(measures, key=lambda m: (m.status in OPEN, m.number)):
        for number in measure.observations:
            found[number] = measure
    return found


def _short(text: str, length: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= length else text[: length - 1] + "…"


def _area_content(workspace: Workspace, slug: str, options: PrintOptions) -> _AreaContent:
    lang = options.language
    area = find_area(workspace, slug)
    everything = list_observations(workspace, area.slug)
    shown = _observations(workspace, everything, options)
    specs = {spec.name: spec for spec in workspace.catalog.categories}
    names = {o.id: o.name.in_language(lang) for o in organisations(workspace.settings.data_dir)}
    measures = _measure_of(area_measures(workspace, area.slug, everything))
    routed = {r.number: r.responsible for r in route_observations(workspace, area.slug,
                                                                  everything)}  # fmt: skip
    markers, rows = [], []
    for o in shown:
        spec = specs[o.category]
        markers.append(Marker(o.x, o.y, str(o.number), spec.style.marker, spec.style.colour))
        measure = measures.get(o.number)
        who = measure.responsible if measure else routed.get(o.number)
        deadline = measure.deadline.isoformat() if measure and measure.deadline else ""
        status = o.status.label.in_language(lang)
        if measure is not None:
            status += f" ({measure.status.label.in_language(lang).lower()})"
        rows.append((str(o.number), spec.title.in_language(lang), _short(o.description),
                     names.get(who or "", who or ""), deadline, status))  # fmt: skip
    present = [s for s in workspace.catalog.categories if any(o.category == s.name for o in shown)]
    entries = [
        LegendEntry(f"{s.title.in_language(lang)} ({sum(o.category == s.name for o in shown)})",
                    s.style.marker, s.style.colour)
        for s in present
    ]  # fmt: skip
    references = []
    for kind, (shape, colour) in REFERENCE_SYMBOLS.items():
        xy = reference_points(workspace, area.slug, kind)
        if len(xy):
            references.append((kind, [(float(x), float(y)) for x, y in xy]))
            entries.append(LegendEntry(kind.label.in_language(lang), shape, colour, "#666666"))
    streets = street_layers(workspace, [area.slug])
    entries += street_legend(streets, lang)
    entries += [
        LegendEntry(T["boundary"].in_language(lang), "line", "#000000"),
        LegendEntry(T["water"].in_language(lang), "area", WATER, WATER),
    ]
    shapes = _shapes(workspace, area.slug, [o for o in shown if o.geometry_type != "Point"])
    return _AreaContent(area.slug, area.name, area.boundary, markers, rows, entries, references,
                        shapes, streets, credit_texts(streets, lang))  # fmt: skip


def _shapes(
    workspace: Workspace, slug: str, observations: Sequence[Observation]
) -> list[tuple[BaseGeometry, str]]:
    """Return the lines and areas of ``observations``, each with its category's colour."""
    found = []
    for category in sorted({o.category for o in observations}):
        uuids = tuple(o.uuid for o in observations if o.category == category)
        colour = workspace.catalog.category(category).style.colour
        query = Query(uuids=uuids, columns=())
        found += [
            (r["geometry"], colour) for r in workspace.store.read_records(slug, category, query)
        ]
    return found


# ------------------------------------------------------------------ drawing a map
TILE_DPI: Final = 150
"""Resolution of a tile background on paper."""


def _tile_fetcher(workspace: Workspace, *, wanted: bool) -> TileFetcher | None:
    """Return a print job's own tile fetcher, or None when the job draws no tiles.

    One per job: a server found down is not asked again for the job's other maps, and
    does not keep the next job (another session's, maybe) from trying.
    """
    settings = workspace.settings
    if not wanted or settings.print_tiles is None:
        return None
    return TileFetcher(settings.print_tiles, settings.tile_cache)


def _tiles(view: MapView, tiles: TileFetcher) -> Any:
    """Return the tile background of ``view``'s frame as an image, or None to draw vectors."""
    frame = view.frame
    size = (round(frame.width / 72 * TILE_DPI), round(frame.height / 72 * TILE_DPI))
    bounds = view.ground().bounds
    return tiles.background((bounds[0], bounds[1], bounds[2], bounds[3]), size)


def _background(
    canvas: Canvas,
    view: MapView,
    workspace: Workspace,
    focus: str | None,
    *,
    tiles: TileFetcher | None,
) -> bool:
    """Draw tiles from ``tiles`` when to be had (else water), then the boundaries.

    The other areas' boundaries thin, the focus area's bold. Return whether tiles were
    used.
    """
    image = None if tiles is None else _tiles(view, tiles)
    if image is not None:
        frame = view.frame
        canvas.drawImage(ImageReader(image), frame.x, frame.y, frame.width, frame.height)
    else:
        fill_areas(canvas, view, shipped_water(workspace.settings.data_dir), WATER)
    areas = workspace.areas()
    others = [a.boundary for a in areas if a.slug != focus]
    stroke_lines(canvas, view, others, "#888888", 0.6, dash=(3, 2))
    chosen = [a.boundary for a in areas if a.slug == focus]
    stroke_lines(canvas, view, chosen, "#000000", 1.6)
    return image is not None


def _clip(canvas: Canvas, frame: Frame) -> None:
    path = canvas.beginPath()
    path.rect(frame.x, frame.y, frame.width, frame.height)
    canvas.clipPath(path, stroke=0, fill=0)


@dataclass(slots=True)
class _Tally:
    """What drawing found: numbers on leader lines, numbers covering, maps on tiles."""

    leaders: int = 0
    covering: int = 0
    tiled: int = 0


def draw_area_map(
    canvas: Canvas, view: MapView, workspace: Workspace, content: _AreaContent,
    tiles: TileFetcher | None, tally: _Tally, *, keep_clear: Sequence[Frame] = (),
) -> None:  # fmt: skip
    """Draw one area's map in ``view``'s frame, on ``tiles`` if any, counting into ``tally``.

    No marker's number is put in a box of ``keep_clear`` (the overview's).
    """
    canvas.saveState()
    _clip(canvas, view.frame)
    tally.tiled += _background(canvas, view, workspace, content.slug, tiles=tiles)
    draw_streets(canvas, view, content.streets, markers=content.markers, keep_clear=keep_clear)
    for kind, points in content.references:
        shape, colour = REFERENCE_SYMBOLS[kind]
        for x, y in points:
            px, py = view.to_page(x, y)
            symbol(canvas, shape, px, py, 1.6, colour, outline="#666666")
    for geometry, colour in content.shapes:
        if "Polygon" in geometry.geom_type:
            fill_areas(canvas, view, [geometry], colour, alpha=0.35)
        # A dark casing under the colour: white and yellow lines show on paper too.
        stroke_lines(canvas, view, [geometry], "#000000", 3.2)
        stroke_lines(canvas, view, [geometry], colour, 2.0)
    leaders, covering = draw_markers(canvas, view, content.markers, keep_clear=keep_clear)
    tally.leaders += leaders
    tally.covering += covering
    canvas.restoreState()
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.8)
    canvas.rect(view.frame.x, view.frame.y, view.frame.width, view.frame.height)


def draw_overview_inset(
    canvas: Canvas, inset: MapView, view: MapView, workspace: Workspace,
    content: _AreaContent, *, language: str,
) -> None:  # fmt: skip
    """Draw the overview in ``inset``'s frame: the area whole, and ``view``'s frame on it.

    On the vector background (no tiles: the overview is small, and needs no network).
    """
    frame = inset.frame
    _, bold = fonts()
    canvas.saveState()
    canvas.setFillColor(colors.white)
    canvas.rect(frame.x, frame.y, frame.width, frame.height, stroke=0, fill=1)
    _clip(canvas, frame)
    _background(canvas, inset, workspace, content.slug, tiles=None)
    shown = view.ground()
    fill_areas(canvas, inset, [shown], FRAME_COLOUR, alpha=0.2)
    stroke_lines(canvas, inset, [shown], FRAME_COLOUR, 1.4)
    title = T["overview"].in_language(language)
    canvas.setFillColor(colors.Color(1, 1, 1, alpha=0.85))
    canvas.rect(frame.x, frame.y + frame.height - 10, stringWidth(title, bold, 6.5) + 5, 10,
                stroke=0, fill=1)  # fmt: skip
    canvas.setFillColor(colors.black)
    canvas.setFont(bold, 6.5)
    canvas.drawString(frame.x + 2.5, frame.y + frame.height - 7.5, title)
    canvas.restoreState()
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.8)
    canvas.rect(frame.x, frame.y, frame.width, frame.height)


def _convergence(view: MapView) -> float:
    """Return how far true north lies clockwise of grid north at the map's centre (degrees)."""
    return grid_convergence(view.centre_x, view.centre_y)


def _wrapped(canvas: Canvas, text: str, x: float, y: float, width: float, size: float) -> float:
    """Draw ``text`` wrapped to ``width``; return the y below it."""
    regular, _ = fonts()
    style = ParagraphStyle("side", fontName=regular, fontSize=size, leading=size * 1.25)
    paragraph = Paragraph(escape(text), style)
    _, height = paragraph.wrap(width, 1000)
    paragraph.drawOn(canvas, x, y - height)
    return y - height - 4


def _side(
    canvas: Canvas, view: MapView, x: float, top: float, entries: Sequence[LegendEntry],
    options: PrintOptions, now: datetime, tiles: str | None = None, *, note: str | None = None,
    credits: Sequence[str] = (),
) -> None:  # fmt: skip
    """Draw the column beside a map: legend, scale, scale bar, north arrow, attributions.

    ``tiles``: the attribution of the background tiles, when the map is drawn on them;
    ``note``: a word on what the map shows, under the north arrow; ``credits``: those of
    the streets and buildings drawn.
    """
    lang = options.language
    _, bold = fonts()
    y = legend(canvas, x, top, SIDE - 4, entries, title=T["legend"].in_language(lang))
    y -= 6
    canvas.setFillColor(colors.black)
    canvas.setFont(bold, 9)
    scale = T["scale"].format(scale=scale_text(view.scale), paper=options.paper)
    canvas.drawString(x, y, scale.in_language(lang))
    scale_bar(canvas, x + 2, y - 16, view.scale, at_most_mm=40)
    north_arrow(canvas, x + SIDE - 14 * MM, y - 10 * MM, convergence_deg=_convergence(view))
    y -= 26 * MM
    if note is not None:
        y = _wrapped(canvas, note, x, y, SIDE - 4, 7.5)
    y = _wrapped(canvas, T["north"].in_language(lang), x, y, SIDE - 4, 6.5)
    y = _wrapped(canvas, T["attribution"].in_language(lang), x, y, SIDE - 4, 6.5)
    for credit in credits:
        y = _wrapped(canvas, credit, x, y, SIDE - 4, 6.5)
    if tiles is not None:
        note = T["tiles"].format(attribution=tiles).in_language(lang)
        y = _wrapped(canvas, note, x, y, SIDE - 4, 6.5)
    day = now.astimezone(LOCAL_TIME).date().isoformat()
    _wrapped(canvas, T["printed"].format(day=day).in_language(lang), x, y, SIDE - 4, 6.5)


def _footer(canvas: Canvas, width: float, page: int, options: PrintOptions) -> None:
    regular, _ = fonts()
    canvas.setFont(regular, 7)
    canvas.setFillColor(colors.black)
    canvas.drawRightString(width - MARGIN, MARGIN * 0.6,
                           T["page"].format(page=page).in_language(options.language))  # fmt: skip


def _header(canvas: Canvas, height: float, title: str, subtitle: str) -> None:
    regular, bold = fonts()
    canvas.setFillColor(colors.black)
    canvas.setFont(bold, 16)
    canvas.drawString(MARGIN, height - MARGIN - 12, title)
    canvas.setFont(regular, 9.5)
    canvas.drawString(MARGIN, height - MARGIN - 25, subtitle)


# ------------------------------------------------------------------ the table
_SHARES: Final = (0.05, 0.15, 0.36, 0.18, 0.1, 0.16)
"""The table's columns' shares of its width."""
_PAD: Final = 3.0
_LEADING: Final = 9.0


def _cells(row: Sequence[str], widths: Sequence[float], style: ParagraphStyle) -> list[Any]:
    """Return a row's cells: plain text where it fits one line, else a wrapping paragraph."""
    return [
        value if stringWidth(value, style.fontName, style.fontSize) <= w - 2 * _PAD
        else Paragraph(escape(value), style)
        for value, w in zip(row, widths, strict=True)
    ]  # fmt: skip


def _height(cells: Sequence[Any], widths: Sequence[float]) -> float:
    lines = [c.wrap(w - 2 * _PAD, 10_000)[1] if isinstance(c, Paragraph) else _LEADING
             for c, w in zip(cells, widths, strict=True)]  # fmt: skip
    return max(lines) + 2 * 1.5


def _tables(
    rows: Sequence[Sequence[str]], width: float, lang: str, heights: Sequence[float]
) -> list[Table]:
    """Return the table in parts: the first fits ``heights[0]``, the rest ``heights[-1]``.

    Each part repeats the heading row. A row is measured once (plain text cells take one
    line), so a long table is laid out in one pass.
    """
    regular, bold = fonts()
    cell = ParagraphStyle("cell", fontName=regular, fontSize=7.5, leading=_LEADING)
    head = ParagraphStyle("head", fontName=bold, fontSize=7.5, leading=_LEADING)
    widths = [width * share for share in _SHARES]
    keys = ("number", "category", "description", "responsible", "deadline", "status")
    heading = [Paragraph(escape(T[k].in_language(lang)), head) for k in keys]
    heading_h = _height(heading, widths)
    style = TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 1), (-1, -1), regular, 7.5, _LEADING),
        ("LEFTPADDING", (0, 0), (-1, -1), _PAD), ("RIGHTPADDING", (0, 0), (-1, -1), _PAD),
        ("TOPPADDING", (0, 0), (-1, -1), 1.5), ("BOTTOMPADDING", (0, 0), (-1, -1), 1.5),
    ])  # fmt: skip
    parts: list[list[list[Any]]] = [[]]
    used = heading_h
    for row in rows:
        cells = _cells(row, widths, cell)
        row_h = _height(cells, widths)
        room = heights[min(len(parts) - 1, len(heights) - 1)]
        if parts[-1] and used + row_h > room:
            parts.append([])
            used = heading_h
        parts[-1].append(cells)
        used += row_h
    tables = []
    for part in parts:
        if part:
            table = Table([heading, *part], colWidths=widths, hAlign="LEFT")
            table.setStyle(style)
            tables.append(table)
    return tables


# ------------------------------------------------------------------ pages
@dataclass(frozen=True, slots=True)
class _Framing:
    """Where an area's map looks, and its overview."""

    view: MapView
    extent: str
    """What the map is framed on: ``observations`` or ``area`` (also when none are shown)."""
    inset: MapView | None = None
    """The overview of the whole area in a corner of the map, the frame drawn on it."""


def observations_extent(content: _AreaContent) -> BaseGeometry | None:
    """Return the bounding box of an area map's observations (EPSG:3006), or None: none shown."""
    parts = [shapely.Point(m.x, m.y) for m in content.markers]
    parts += [geometry for geometry, _ in content.shapes]
    if not parts:
        return None
    return shapely.box(*shapely.GeometryCollection(parts).bounds)


def frame_map(content: _AreaContent, frame: Frame, extent: str) -> _Framing:
    """Return where an area's map in ``frame`` looks, framed as ``extent`` asks.

    ``observations``: centred on the observations shown, at the largest round scale at
    which all of them lie ``FRAME_PAD`` inside the frame and it shows at least
    ``LEAST_GROUND_M`` of ground; with an overview of the area in the corner that covers
    fewest markers (smaller if it would hide one; none if even that would), unless the map
    shows the whole area anyway. An area with no
    observations shown is framed whole. ``area``: the whole area, at the largest round
    scale at which it fits.
    """
    shown = observations_extent(content) if extent == "observations" else None
    if shown is None:
        return _Framing(fit(content.boundary, frame), "area")
    view = fit_around(shown, frame, pad=FRAME_PAD, least_m=LEAST_GROUND_M)
    ground = view.ground()
    if ground.contains(content.boundary):
        return _Framing(view, "observations")
    whole = shapely.box(*shapely.GeometryCollection([content.boundary, ground]).bounds)
    points = [view.to_page(m.x, m.y) for m in content.markers]
    for size in INSET_SIZES:
        corner = inset_frame(frame, whole, points, size=size)
        if points_under(corner, points, clearance=MARKER_RADIUS + 1) == 0:
            return _Framing(view, "observations", fit_closely(whole, corner))
    return _Framing(view, "observations")  # an overview would hide a marker in every corner


@dataclass(slots=True)
class _Layout:
    """One area's pages: the map's framing, and the table's parts (the first under the map?)."""

    framing: _Framing
    parts: list[Flowable]
    below: bool
    pages: int = field(init=False)

    @property
    def view(self) -> MapView:
        """Return where the map looks."""
        return self.framing.view

    def __post_init__(self) -> None:
        self.pages = 1 + len(self.parts) - (1 if self.below and self.parts else 0)


def _layout(content: _AreaContent, size: tuple[float, float], options: PrintOptions) -> _Layout:
    """Lay out an area: the table under the map when it takes at most 40 % of the height."""
    width, height = size
    map_w = width - 2 * MARGIN - SIDE - 4 * MM
    full_h = height - HEADER - FOOTER - 2 * MARGIN
    table_w = width - 2 * MARGIN
    # Every row takes a line at least: more rows than lines in 40 % cannot go below.
    fits = len(content.rows) <= full_h * 0.4 / (_LEADING + 3)
    below_tables = _tables(content.rows, table_w, options.language, [full_h * 0.4]) if fits else []
    below = len(below_tables) == 1
    table_h = below_tables[0].wrap(table_w, full_h)[1] + 4 * MM if below else 0.0
    frame = Frame(MARGIN, MARGIN + FOOTER + table_h, map_w, full_h - table_h)
    framing = frame_map(content, frame, options.extent)
    noted = options.extent == "observations" and framing.extent == "area"
    # The column beside the map may reach down to the table, no further.
    if below and full_h - table_h + 4 * MM < _side_height(content, options, noted=noted):
        below = False
        framing = frame_map(content, Frame(MARGIN, MARGIN + FOOTER, map_w, full_h), options.extent)
    if below:
        return _Layout(framing, list(below_tables), True)
    parts = _tables(content.rows, table_w, options.language, [full_h])
    return _Layout(framing, list(parts), False)


def _side_height(content: _AreaContent, options: PrintOptions, *, noted: bool) -> float:
    """Return how tall the column beside an area's map grows (points), as ``_side`` draws it.

    Counted with the overview's legend entry whether or not the map gets one; ``noted``:
    with the note that the map shows the whole area.
    """
    lang = options.language
    regular, _ = fonts()

    def height(text: str, size: float) -> float:
        style = ParagraphStyle("side", fontName=regular, fontSize=size, leading=size * 1.25)
        return float(Paragraph(escape(text), style).wrap(SIDE - 4, 1000)[1]) + 4

    texts = [T["north"].in_language(lang), T["attribution"].in_language(lang),
             *content.credits, T["printed"].format(day="2026-01-01").in_language(lang)]  # fmt: skip
    note = height(T["whole_area"].in_language(lang), 7.5) if noted else 0.0
    return (22 + 12 * (len(content.legend) + 1) + 6 + 26 * MM + note
            + sum(height(text, 6.5) for text in texts))  # fmt: skip


def _draw_area(
    canvas: Canvas, workspace: Workspace, content: _AreaContent, layout: _Layout,
    options: PrintOptions, now: datetime, first_page: int, tally: _Tally,
    tiles: TileFetcher | None,
) -> None:  # fmt: skip
    """Draw an area's pages (maps on tiles from ``tiles``, if any), counting into ``tally``."""
    lang = options.language
    width, height = page_size(options.paper, options.orientation)
    title = options.title or T["title"].format(area=content.name).in_language(lang)
    which = T[options.status].in_language(lang)
    day = now.astimezone(LOCAL_TIME).date()
    subtitle = T["subtitle"].format(area=content.name, day=day, count=len(content.rows),
                                    which=which).in_language(lang)  # fmt: skip
    _header(canvas, height, title, subtitle)
    tiled = tally.tiled
    inset = layout.framing.inset
    draw_area_map(canvas, layout.view, workspace, content, tiles, tally,
                  keep_clear=() if inset is None else (inset.frame,))  # fmt: skip
    entries = content.legend
    if inset is not None:
        draw_overview_inset(canvas, inset, layout.view, workspace, content, language=lang)
        entries = [*entries, LegendEntry(T["frame"].in_language(lang), "line", FRAME_COLOUR)]
    credit = workspace.settings.print_tiles_attribution if tally.tiled > tiled else None
    note = None
    if options.extent == "observations" and layout.framing.extent == "area":
        note = T["whole_area"].in_language(lang)
    _side(canvas, layout.view, width - MARGIN - SIDE, height - HEADER - MARGIN,
          entries, options, now, credit, note=note, credits=content.credits)  # fmt: skip
    page = first_page
    parts = list(layout.parts)
    if layout.below and parts:
        table = parts.pop(0)
        table.wrap(width - 2 * MARGIN, height)
        table.drawOn(canvas, MARGIN, MARGIN + FOOTER)
    elif not content.rows:
        _wrapped(canvas, T["none"].in_language(lang), MARGIN, MARGIN + FOOTER, 200, 8)
    _footer(canvas, width, page, options)
    for part in parts:
        canvas.showPage()
        page += 1
        _header(canvas, height, T["table"].in_language(lang), subtitle)
        _, part_h = part.wrap(width - 2 * MARGIN, height)
        part.drawOn(canvas, MARGIN, height - HEADER - MARGIN - part_h)
        _footer(canvas, width, page, options)


def _canvas(buffer: io.BytesIO, options: PrintOptions, title: str) -> Canvas:
    canvas = Canvas(buffer, pagesize=page_size(options.paper, options.orientation))
    canvas.setTitle(title)
    canvas.setAuthor("safewalk")
    canvas.setCreator("safewalk")
    return canvas


@dataclass(frozen=True, slots=True)
class PrintedMap:
    """One area's map in a printed PDF: where it is and what it shows."""

    area: str
    """The area's id."""
    name: str
    page: int
    scale: int
    extent: str
    """What the map is framed on: ``observations``, or ``area`` (asked, or none to show)."""
    frame: tuple[float, float, float, float]
    """The ground the map shows (EPSG:3006 metres: min x, min y, max x, max y)."""
    inset: bool
    """Whether the map has an overview of the whole area with the frame drawn on it."""


def _printed_map(content: _AreaContent, layout: _Layout, page: int) -> PrintedMap:
    bounds = layout.view.ground().bounds
    return PrintedMap(content.slug, content.name, page, layout.view.scale, layout.framing.extent,
                      (bounds[0], bounds[1], bounds[2], bounds[3]),
                      layout.framing.inset is not None)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Printed:
    """A printed PDF and what it holds."""

    pdf: bytes
    pages: int
    markers: int
    leaders: int
    """Numbers moved away from their crowded marker, with a leader line."""
    scales: tuple[int, ...]
    covering: int = 0
    """Numbers that found no free place and lie over a marker or another number."""
    background: str = "vector"
    """``tiles`` when every map is drawn on tiles, else ``vector``."""
    join_url: str | None = None
    """A walk protocol's link to the capture page with the walk chosen (its QR code)."""
    maps: tuple[PrintedMap, ...] = ()
    """Each area's map, in page order (not the atlas's overview)."""


def print_area(workspace: Workspace, area: str, options: PrintOptions, *, now: datetime) -> Printed:
    """Return area ``area``'s map page (and table pages) as a PDF.

    Raises
    ------
    PrintError
        Options that cannot be printed.
    """
    check_options(workspace, options)
    content = _area_content(workspace, find_area(workspace, area).slug, options)
    size = page_size(options.paper, options.orientation)
    layout = _layout(content, size, options)
    buffer = io.BytesIO()
    title = options.title or T["title"].format(area=content.name).in_language(options.language)
    canvas = _canvas(buffer, options, title)
    tally = _Tally()
    tiles = _tile_fetcher(workspace, wanted=options.background != "vector")
    _draw_area(canvas, workspace, content, layout, options, now, 1, tally, tiles)
    canvas.showPage()
    canvas.save()
    return Printed(buffer.getvalue(), layout.pages, len(content.markers), tally.leaders,
                   (layout.view.scale,), tally.covering, "tiles" if tally.tiled else "vector",
                   maps=(_printed_map(content, layout, 1),))  # fmt: skip


def print_atlas(workspace: Workspace, options: PrintOptions, *, now: datetime) -> Printed:
    """Return the atlas: an overview of the district with the areas numbered, then each area.

    Raises
    ------
    PrintError
        Options that cannot be printed.
    """
    check_options(workspace, options)
    lang = options.language
    areas = workspace.areas()
    size = page_size(options.paper, options.orientation)
    contents = [_area_content(workspace, a.slug, options) for a in areas]
    layouts = [_layout(c, size, options) for c in contents]
    starts, page = [], 2
    for layout in layouts:
        starts.append(page)
        page += layout.pages
    buffer = io.BytesIO()
    title = options.title or T["atlas"].format(district=workspace.settings.district).in_language(
        lang
    )
    canvas = _canvas(buffer, options, title)
    tiles = _tile_fetcher(workspace, wanted=options.background != "vector")
    _overview(canvas, workspace, contents, starts, title, options, now, tiles)
    tally = _Tally()
    for content, layout, start in zip(contents, layouts, starts, strict=True):
        canvas.showPage()
        _draw_area(canvas, workspace, content, layout, options, now, start, tally, tiles)
    canvas.showPage()
    canvas.save()
    background = "tiles" if tally.tiled == len(contents) and contents else "vector"
    maps = tuple(_printed_map(c, layout, start)
                 for c, layout, start in zip(contents, layouts, starts, strict=True))  # fmt: skip
    return Printed(buffer.getvalue(), page - 1, sum(len(c.markers) for c in contents),
                   tally.leaders, tuple(layout.view.scale for layout in layouts),
                   tally.covering, background, maps=maps)  # fmt: skip


def _overview(
    canvas: Canvas, workspace: Workspace, contents: Sequence[_AreaContent],
    starts: Sequence[int], title: str, options: PrintOptions, now: datetime,
    tiles: TileFetcher | None,
) -> None:  # fmt: skip
    """Draw the atlas's first page: every area outlined and numbered, and where it is."""
    lang = options.language
    width, height = page_size(options.paper, options.orientation)
    regular, bold = fonts()
    day = now.astimezone(LOCAL_TIME).date().isoformat()
    _header(canvas, height, title, day)
    frame = Frame(MARGIN, MARGIN + FOOTER, width - 2 * MARGIN - SIDE - 4 * MM,
                  height - HEADER - FOOTER - 2 * MARGIN)  # fmt: skip
    everything = shapely.union_all([c.boundary for c in contents])
    view = fit(everything, frame, margin=0.02)
    canvas.saveState()
    _clip(canvas, frame)
    _background(canvas, view, workspace, None, tiles=tiles)
    stroke_lines(canvas, view, [c.boundary for c in contents], "#000000", 1.0)
    for k, content in enumerate(contents, start=1):
        point = content.boundary.representative_point()
        x, y = view.to_page(point.x, point.y)
        canvas.setFillColor(colors.white)
        canvas.setStrokeColor(colors.black)
        canvas.circle(x, y, 7, stroke=1, fill=1)
        canvas.setFillColor(colors.black)
        canvas.setFont(bold, 8)
        canvas.drawCentredString(x, y - 2.8, str(k))
    canvas.restoreState()
    canvas.rect(frame.x, frame.y, frame.width, frame.height)
    x, y = width - MARGIN - SIDE, height - HEADER - MARGIN - 9
    canvas.setFont(bold, 9)
    canvas.drawString(x, y, T["areas"].in_language(lang))
    for k, (content, start) in enumerate(zip(contents, starts, strict=True), start=1):
        y -= 12
        canvas.setFont(regular, 8)
        canvas.drawString(x, y, f"{k}. {content.name}")
        canvas.drawRightString(x + SIDE - 4, y, T["on_page"].format(page=start).in_language(lang))
    y -= 16
    canvas.setFont(bold, 9)
    canvas.drawString(x, y, T["scale"].format(scale=scale_text(view.scale),
                                              paper=options.paper).in_language(lang))  # fmt: skip
    scale_bar(canvas, x + 2, y - 16, view.scale, at_most_mm=40)
    north_arrow(canvas, x + SIDE - 14 * MM, y - 10 * MM, convergence_deg=_convergence(view))
    _wrapped(canvas, T["attribution"].in_language(lang), x, y - 28 * MM, SIDE - 4, 6.5)
    _footer(canvas, width, 1, options)


def first_page_png(pdf: bytes, *, width_px: int = 1400) -> bytes:
    """Return a PDF's first page rendered as PNG (PDFium), for a preview."""
    import pypdfium2

    page = pypdfium2.PdfDocument(pdf)[0]
    image = page.render(scale=width_px / page.get_width()).to_pil()
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


# ------------------------------------------------------------------ for a platypus story
class MapFlowable(Flowable):
    """A map drawn by ``draw`` into a box of the given size, for documents built of flowables."""

    def __init__(self, width: float, height: float, draw: Callable[[Canvas, Frame], Any]) -> None:
        super().__init__()
        self.width, self.height, self._draw = width, height, draw

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """Return the map's size: it takes what it was given."""
        return self.width, self.height

    def draw(self) -> None:
        """Draw the map on the document's canvas."""
        self._draw(self.canv, Frame(0, 0, self.width, self.height))


# ------------------------------------------------------------------ a walk's protocol
PROTOCOL: Final = {
    **texts_from_file(TEXTS_FILE, "protocol"),
    # Domain words under the protocol's own keys: the word itself is defined in words.toml.
    "kind": WORDS["walk_kind"],
    "participants": WORDS["participants"],
    "observations": WORDS["observations"],
    "route_legend": WORDS["route"],
}


def walk_protocol(
    workspace: Workspace, area: str, walk: int | str, *, language: str, now: datetime
) -> Printed:
    """Return the protocol of walk ``walk`` (number or UUID) of ``area`` as an A4 PDF.

    Date, time, light, organisations and head-counts; the QR code and short link that let
    a participant register in the walk with their own phone; the route and the numbered
    observations on a map; each observation with its thumbnails.

    Raises
    ------
    PrintError
        The area has no such walk.
    """
    target = find_area(workspace, area)
    chosen = _chosen_walk(list_walks(workspace, target.slug), walk, area_name=target.name)
    observations = walk_observations(workspace, target.slug, chosen.uuid)
    thumbnails = photo_thumbnails(workspace, target.slug, [o.uuid for o in observations])
    specs = {spec.name: spec for spec in workspace.catalog.categories}
    markers = _walk_markers(observations, specs)
    styles = _protocol_styles(*fonts())
    words = {k: v.in_language(language) for k, v in PROTOCOL.items()}
    title = words["title"].format(title=chosen.title)
    printed = T["printed"].format(day=now.astimezone(LOCAL_TIME).date()).in_language(language)
    base = workspace.settings.public_url
    join = short_url(base, target.slug, chosen.number)
    streets = street_layers(workspace, [target.slug])
    draw = partial(_draw_walk_map, workspace=workspace, area=target.slug, route=chosen.route,
                   markers=markers, extent=_walk_extent(chosen.route, markers, target.boundary),
                   font=styles.bold, tiles=_tile_fetcher(workspace, wanted=True),
                   streets=streets)  # fmt: skip
    story: list[Flowable] = [
        Paragraph(escape(title), styles.heading),
        Paragraph(escape(f"{target.name} · {printed}"), styles.body),
        Spacer(1, 6),
        _facts_table(_walk_facts(chosen, target.boundary, language=language), styles),
        Spacer(1, 6),
        _join_table(capture_url(base, target.slug, chosen.number), join, words["join"], styles),
        Paragraph(escape(words["route_heading"]), styles.heading2),
        MapFlowable(170 * mm, 105 * mm, draw),
        Paragraph(escape(T["attribution"].in_language(language)), styles.small),
        *(Paragraph(escape(credit), styles.small) for credit in credit_texts(streets, language)),
    ]
    if chosen.route is None:
        story.append(Paragraph(escape(words["no_route"]), styles.body))
    story.append(Paragraph(escape(words["observations"]), styles.heading2))
    if observations:
        story.append(_observations_table(observations, specs, thumbnails, language=language,
                                         styles=styles))  # fmt: skip
    else:
        story.append(Paragraph(escape(words["none"]), styles.body))
    pdf, pages = _story_pdf(story, title=title, font=styles.regular, language=language)
    return Printed(pdf, pages, len(markers), 0, (), join_url=join)


def _chosen_walk(walks: Sequence[Walk], walk: int | str, *, area_name: str) -> Walk:
    """Return the walk of ``walks`` whose number or UUID is ``walk``.

    Raises
    ------
    PrintError
        No such walk; the message lists the walks' numbers.
    """
    chosen = next((w for w in walks if str(w.number) == str(walk) or w.uuid == str(walk)), None)
    if chosen is None:
        listed = ", ".join(str(w.number) for w in sorted(walks, key=lambda w: w.number)) or "-"
        raise PrintError(
            Text(
                sv=f"{area_name} har ingen vandring {walk}; vandringar: {listed}.",
                en=f"{area_name} has no walk {walk}; walks: {listed}.",
            )
        )
    return chosen


@dataclass(frozen=True, slots=True)
class _ProtocolStyles:
    """The fonts and paragraph styles of a walk's protocol."""

    regular: str
    bold: str
    body: ParagraphStyle
    heading: ParagraphStyle
    heading2: ParagraphStyle
    key: ParagraphStyle
    """A fact's name."""
    small: ParagraphStyle
    head: ParagraphStyle
    """A table's heading row."""


def _protocol_styles(regular: str, bold: str) -> _ProtocolStyles:
    """Return a protocol's styles in the registered fonts ``regular`` and ``bold``."""
    body = ParagraphStyle("body", fontName=regular, fontSize=9, leading=11.5)
    return _ProtocolStyles(
        regular=regular,
        bold=bold,
        body=body,
        heading=ParagraphStyle("h1", fontName=bold, fontSize=16, leading=20, spaceAfter=6),
        heading2=ParagraphStyle(
            "h2", fontName=bold, fontSize=11.5, leading=14, spaceBefore=8, spaceAfter=4
        ),
        key=ParagraphStyle("k", parent=body, fontName=bold),
        small=ParagraphStyle("small", parent=body, fontSize=7, leading=9),
        head=ParagraphStyle("head", parent=body, fontName=bold),
    )


def _walk_facts(walk: Walk, boundary: BaseGeometry, *, language: str) -> list[tuple[str, str]]:
    """Return a walk's facts as (name, value): when, the light, kind, organisations, heads.

    The light is the one at the start, at the centre of the route (else of ``boundary``,
    the area's).
    """
    words = {k: v.in_language(language) for k, v in PROTOCOL.items()}
    start = walk.starts_at.astimezone(LOCAL_TIME)
    centre = to_wgs84((walk.route or boundary).centroid)
    light = light_condition_at(centre.x, centre.y, walk.starts_at).label.in_language(language)
    heads = ", ".join(
        f"{PARTICIPANT_TITLES[g].in_language(language) if g in PARTICIPANT_TITLES else g}: {n}"
        for g, n in walk.participants.items() if n
    )  # fmt: skip
    return [
        (words["when"], start.strftime("%Y-%m-%d %H:%M")),
        (words["light"], light),
        (words["kind"], walk.kind.label.in_language(language)),
        (words["organisations"], ", ".join(walk.organisations) or "-"),
        (words["participants"], heads or "-"),
    ]


def _facts_table(facts: Sequence[tuple[str, str]], styles: _ProtocolStyles) -> Table:
    """Return the table of a walk's facts, each name beside its value."""
    table = Table(
        [[Paragraph(escape(k), styles.key), Paragraph(escape(v), styles.body)] for k, v in facts],
        colWidths=[40 * mm, 130 * mm], hAlign="LEFT",
    )  # fmt: skip
    lines = ("LINEBELOW", (0, 0), (-1, -1), 0.3, colors.lightgrey)
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), lines]))
    return table


class _QrCode(Flowable):
    """The QR code of ``text``, ``size`` points square with its light border, in vector."""

    def __init__(self, text: str, size: float) -> None:
        super().__init__()
        self.matrix = qr_matrix(text)
        self.size = size

    def wrap(self, available_width: float, available_height: float) -> tuple[float, float]:
        """Return the code's size: a square of ``size`` points."""
        return self.size, self.size

    def draw(self) -> None:
        """Draw the dark modules, a rectangle per run in a row (no seams between modules)."""
        module = self.size / (len(self.matrix) + 2 * QUIET_ZONE)
        self.canv.setFillColor(colors.black)
        for k, row in enumerate(self.matrix):
            y = self.size - (QUIET_ZONE + k + 1) * module
            for start, length in _dark_runs(row):
                self.canv.rect((QUIET_ZONE + start) * module, y, length * module, module,
                               stroke=0, fill=1)  # fmt: skip


def _dark_runs(row: Sequence[bool]) -> list[tuple[int, int]]:
    """Return the runs of dark modules in a row as (first column, length)."""
    runs: list[tuple[int, int]] = []
    start = None
    for column, dark in enumerate((*row, False)):
        if dark and start is None:
            start = column
        elif not dark and start is not None:
            runs.append((start, column - start))
            start = None
    return runs


def _join_table(coded: str, url: str, instruction: str, styles: _ProtocolStyles) -> Table:
    """Return the QR code of ``coded`` beside the instruction and the short link ``url``.

    The code holds the capture page's own address, which a phone that has opened the
    page before opens without a connection too; the short link is for typing.
    """
    link = escape(url, {'"': "&quot;"})
    text = [Paragraph(escape(instruction), styles.key),
            Paragraph(f'<link href="{link}">{link}</link>', styles.body)]  # fmt: skip
    table = Table([[_QrCode(coded, 30 * mm), text]], colWidths=[34 * mm, 136 * mm], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (0, 0), 0)]))  # fmt: skip
    return table


def _walk_markers(
    observations: Sequence[Observation], specs: Mapping[str, LayerSpec]
) -> list[Marker]:
    """Return each observation's numbered marker, in its category's shape and colour."""
    return [Marker(o.x, o.y, str(o.number), specs[o.category].style.marker,
                   specs[o.category].style.colour) for o in observations]  # fmt: skip


def _walk_extent(
    route: BaseGeometry | None, markers: Sequence[Marker], boundary: BaseGeometry
) -> BaseGeometry:
    """Return what a walk's map shows: its route and markers (else ``boundary``), and 40 m."""
    extent = shapely.union_all(
        [g for g in (route,) if g is not None] + [shapely.Point(m.x, m.y) for m in markers]
    )
    if extent.is_empty:
        extent = boundary
    return extent.buffer(40)


def _draw_walk_map(
    canvas: Canvas, frame: Frame, *, workspace: Workspace, area: str,
    route: BaseGeometry | None, markers: Sequence[Marker], extent: BaseGeometry, font: str,
    tiles: TileFetcher | None, streets: Sequence[StreetLayer] = (),
) -> None:  # fmt: skip
    """Draw a walk's map of ``extent`` into ``frame``: tiles if any, streets, route, markers."""
    view = fit(extent, frame, margin=0.05)
    canvas.saveState()
    _clip(canvas, frame)
    _background(canvas, view, workspace, area, tiles=tiles)
    draw_streets(canvas, view, streets, markers=markers)
    if route is not None:
        stroke_lines(canvas, view, [route], "#0072B2", 2.2, dash=(6, 3))
    draw_markers(canvas, view, list(markers))
    canvas.restoreState()
    canvas.setStrokeColor(colors.black)
    canvas.setLineWidth(0.8)
    canvas.rect(frame.x, frame.y, frame.width, frame.height)
    canvas.setFont(font, 8)
    canvas.setFillColor(colors.black)
    canvas.drawString(frame.x + 3, frame.y + 4, scale_text(view.scale))
    scale_bar(canvas, frame.x + frame.width - 45 * MM, frame.y + 4, view.scale,
              at_most_mm=35)  # fmt: skip
    north_arrow(canvas, frame.x + frame.width - 8 * MM, frame.y + frame.height - 10 * MM,
                convergence_deg=_convergence(view))  # fmt: skip


def _observations_table(
    observations: Sequence[Observation], specs: Mapping[str, LayerSpec],
    thumbnails: Mapping[str, Sequence[bytes]], *, language: str, styles: _ProtocolStyles,
) -> Table:  # fmt: skip
    """Return the table of a walk's observations, a heading row first."""
    titles = (T["number"].in_language(language), T["category"].in_language(language),
              T["description"].in_language(language),
              PROTOCOL["photo"].in_language(language))  # fmt: skip
    rows: list[list[Any]] = [[Paragraph(escape(x), styles.head) for x in titles]]
    rows += [
        _observation_entry(
            o, specs[o.category], thumbnails.get(o.uuid, []), language=language, style=styles.body
        )
        for o in observations
    ]
    table = Table(rows, colWidths=[12 * mm, 35 * mm, 90 * mm, 33 * mm], repeatRows=1,
                  hAlign="LEFT")  # fmt: skip
    table.setStyle(TableStyle([
        ("GRID", (0, 0), (-1, -1), 0.3, colors.grey),
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#E8EEF4")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))  # fmt: skip
    return table


def _observation_entry(
    observation: Observation, spec: LayerSpec, thumbnails: Sequence[bytes], *, language: str,
    style: ParagraphStyle,
) -> list[Any]:  # fmt: skip
    """Return an observation's row: number, category, time and description, two thumbnails."""
    pictures = [Image(io.BytesIO(data), width=28 * mm, height=21 * mm, kind="proportional")
                for data in thumbnails[:2]]  # fmt: skip
    time = observation.observed_at.astimezone(LOCAL_TIME).strftime("%H:%M")
    return [
        Paragraph(str(observation.number), style),
        Paragraph(escape(spec.title.in_language(language)), style),
        Paragraph(escape(f"{time} · {observation.description}"), style),
        pictures or "",
    ]


def _story_pdf(story: list[Flowable], *, title: str, font: str, language: str) -> tuple[bytes, int]:
    """Return ``story`` laid out on A4 pages, each numbered in ``font``, and the pages' count."""
    buffer = io.BytesIO()
    pages: list[int] = []

    def number(canvas: Canvas, document: Any) -> None:
        pages.append(document.page)
        canvas.setFont(font, 7)
        text = T["page"].format(page=document.page).in_language(language)
        canvas.drawRightString(PAPERS["A4"][0] - MARGIN, MARGIN * 0.6, text)

    document = SimpleDocTemplate(buffer, pagesize=PAPERS["A4"], title=title, author="safewalk",
                                 leftMargin=20 * mm, rightMargin=20 * mm, topMargin=15 * mm,
                                 bottomMargin=15 * mm)  # fmt: skip
    document.build(story, onFirstPage=number, onLaterPages=number)
    return buffer.getvalue(), len(pages)
