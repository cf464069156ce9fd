"""The app's maps from ``walks.documents.mapdata``: the overview as SVG, areas or a walk in folium.

User text (names, titles, descriptions) goes into the maps as plain text; ``gis.svgmap`` and
``gis.webmap`` escape it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np

from gis.symbols import marker_svg
from gis.webmap import (
    CHOROPLETH_COLOURS,
    ContextStyle,
    NumberedPoints,
    OfflineMap,
    PointSymbol,
    add_canvas_points,
    add_choropleth,
    add_compact_points,
    add_context_shapes,
    add_layer_control,
    add_layer_group,
    add_legend,
    add_line,
    add_map_language,
    add_points,
    add_polygons,
    add_shapes,
    fitted_web_map,
    swatch,
)
from gis.webmap import add_draw_tools as add_drawing_toolbar
from ui.i18n import t
from walks.core.model import LightCondition, ObservationStatus, ReferenceKind
from walks.documents.areasmap import AnalysisShapes, MapData, MarkedLayer
from walks.documents.mapdata import LocalMapData, ObservationMark
from walks.documents.streets import StreetLayer, credit_texts

__all__ = ["Choropleth", "add_draw_tools", "area_web_map", "district_web_map", "walk_web_map"]

WATER_LINE = "#6FA8DC"
WATER_FILL = "#CFE5F5"
BOUNDARY_LINE = "#000000"


def mark_title(mark: ObservationMark, language: str) -> str:
    """Return ``"7. Belysning: description"`` (without the colon when there is no text)."""
    title = f"{mark.number}. {mark.category.in_language(language)}"
    return f"{title}: {mark.description}" if mark.description else title


def mark_details(mark: ObservationMark, language: str) -> str:
    """Return the mark's title and then severity, status and light, e.g. ``… · Hög · Ny``."""
    parts = [mark_title(mark, language)]
    if mark.severity_title is not None:
        parts.append(f"{t('severity', language)}: {mark.severity_title.in_language(language)}")
    parts.append(ObservationStatus(mark.status).label.in_language(language))
    if mark.light_condition is not None:
        parts.append(LightCondition(mark.light_condition).label.in_language(language))
    return " · ".join(parts)


def _frame(
    data: LocalMapData | MapData, *, language: str, tiles_url: str | None, zoom: int
) -> OfflineMap:
    """Return a map fitted to what ``data`` shows, that speaks ``language``."""
    fmap = fitted_web_map(data.focus, zoom=zoom, tiles_url=tiles_url,
                          attribution=t("osm_credit", language))  # fmt: skip
    add_map_language(fmap, language, zoom_in=t("map_zoom_in", language),
                     zoom_out=t("map_zoom_out", language))  # fmt: skip
    return fmap


def draw_words(language: str) -> dict[str, Any]:
    """Return Leaflet.draw's texts in ``language``, in the structure of its ``L.drawLocal``."""
    cancel = {"text": t("draw_cancel", language), "title": t("draw_cancel_title", language)}
    return {
        "draw": {
            "toolbar": {
                "actions": cancel,
                "finish": {"text": t("draw_finish", language),
                           "title": t("draw_finish_title", language)},
                "undo": {"text": t("draw_undo", language),
                         "title": t("draw_undo_title", language)},
                "buttons": {"polyline": t("draw_line", language),
                            "polygon": t("draw_area", language)},
            },
            "handlers": {
                "polyline": {
                    "error": t("draw_crossing", language),
                    "tooltip": {"start": t("draw_line_start", language),
                                "cont": t("draw_line_next", language),
                                "end": t("draw_line_end", language)},
                },
                "polygon": {"tooltip": {"start": t("draw_area_start", language),
                                        "cont": t("draw_area_next", language),
                                        "end": t("draw_area_end", language)}},
            },
        },
        "edit": {
            "toolbar": {
                "actions": {
                    "save": {"text": t("save", language),
                             "title": t("draw_save_title", language)},
                    "cancel": {"text": t("draw_cancel", language),
                               "title": t("draw_undo_all_title", language)},
                    "clearAll": {"text": t("draw_clear", language),
                                 "title": t("draw_clear_title", language)},
                },
                "buttons": {"remove": t("draw_remove", language),
                            "removeDisabled": t("draw_remove_none", language)},
            },
            "handlers": {"remove": {"tooltip": {"text": t("draw_remove_hint", language)}}},
        },
    }  # fmt: skip


def add_draw_tools(fmap: OfflineMap, kinds: Sequence[str], *, language: str) -> None:
    """Add the toolbar that draws ``kinds`` (``LineString``, ``Polygon``), in ``language``."""
    add_drawing_toolbar(fmap, kinds, words=draw_words(language))


def _local_map(
    data: LocalMapData, *, language: str, tiles_url: str | None, zoom: int
) -> OfflineMap:
    """Return the map's frame: streets, water, the area's boundary with the credits, a route.

    Works without internet: Leaflet comes from the app, and water and the boundary are
    drawn from the shipped data even when background tiles do not load. The area's
    buildings and streets, when loaded, lie under everything else, as on the district map,
    with a layer control to switch them off.
    """
    fmap = _frame(data, language=language, tiles_url=tiles_url, zoom=zoom)
    _street_layers(fmap, data.streets, language)
    if data.water:
        add_polygons(fmap, [("", water) for water in data.water],
                     colour=WATER_LINE, fill=WATER_FILL)  # fmt: skip
    add_polygons(fmap, [(data.boundary.label, data.boundary.geometry)], colour=BOUNDARY_LINE,
                 attribution=t("web_map_credit", language))  # fmt: skip
    if data.route is not None:
        add_line(fmap, data.route.geometry, label=data.route.label)
    if data.streets:  # the only layers to switch: no control without them
        add_layer_control(fmap, collapsed=True, title=t("map_layers", language))
    return fmap


def area_web_map(data: LocalMapData, *, language: str, tiles_url: str | None) -> OfflineMap:
    """Return the interactive map of one area: water, boundary and titled observations."""
    fmap = _local_map(data, language=language, tiles_url=tiles_url, zoom=15)
    add_points(fmap, [(m.lon, m.lat, m.colour, mark_title(m, language)) for m in data.marks])
    return fmap


def walk_web_map(data: LocalMapData, *, language: str, tiles_url: str | None) -> OfflineMap:
    """Return the map of one walk: its route (dashed) and its numbered observations."""
    fmap = _local_map(data, language=language, tiles_url=tiles_url, zoom=16)
    add_points(fmap, [(m.lon, m.lat, m.colour, f"{m.number}. {m.description}") for m in data.marks])
    return fmap


REFERENCE_COLOURS: Final = {
    ReferenceKind.LAMPS: "#FFD700",
    ReferenceKind.STOPS: "#E41A1C",
    ReferenceKind.ENTRANCES: "#377EB8",
    ReferenceKind.SCHOOLS: "#984EA3",
    ReferenceKind.OTHER: "#A65628",
}
STREET_STYLES: Final = {
    ReferenceKind.STREETS: ContextStyle("#8C8C8C", weight=2.0, thin_weight=1.0),
    ReferenceKind.BUILDINGS: ContextStyle("#8F8F8F", weight=0.6, fill="#C8C8C8"),
}
"""Streets grey, paths thinner and dashed, buildings light grey: under the observations.

Buildings a shade darker than the map's own grey (#DDDDDD), which shows where no tiles load."""
OWNER_COLOUR: Final = "#666666"
ROUTE_COLOUR: Final = "#0072B2"
HOTSPOT_COLOUR: Final = "#D7191C"
DARK_COLOUR: Final = "#4B0082"


@dataclass(frozen=True, slots=True)
class Choropleth:
    """What fills the areas: a title (with unit) and a value per area (slug)."""

    title: str
    values: Mapping[str, float]


def _observation_layers(fmap: OfflineMap, data: MapData, language: str) -> None:
    """One layer per category (clustered shape markers; lines and areas as such), a heat map."""
    groups = [add_layer_group(fmap, c.title.in_language(language)) for c in data.categories]
    heat = add_layer_group(fmap, t("map_heat", language), show=False)
    frame = data.observations
    index = {c.name: k for k, c in enumerate(data.categories)}
    places = {area.slug: k for k, area in enumerate(data.areas)}
    drawn = frame["shape"].notna().to_numpy()
    add_compact_points(
        fmap,
        NumberedPoints(
            lon=frame["lon"].to_numpy(), lat=frame["lat"].to_numpy(),
            symbol=frame["category"].map(index).to_numpy(),
            number=frame["number"].to_numpy(),
            place=frame["area"].map(places).to_numpy(),
            places=tuple(area.name for area in data.areas),
            marker=~drawn,
        ),
        [PointSymbol(c.title.in_language(language), c.colour, c.shape) for c in data.categories],
        groups,
        heat_group=heat,
    )  # fmt: skip
    names = {area.slug: area.name for area in data.areas}
    for category, group in zip(data.categories, groups, strict=True):
        rows = frame[drawn & (frame["category"] == category.name).to_numpy()]
        title = category.title.in_language(language)
        shapes = [(row.shape, f"{row.number}. {title} ({names[row.area]})")
                  for row in rows.itertuples()]  # fmt: skip
        lines = [(shape, label) for shape, label in shapes if "Line" in shape.geom_type]
        areas = [(shape, label) for shape, label in shapes if "Line" not in shape.geom_type]
        add_shapes(group, lines, colour=category.colour, fill=False, outline="#000000")
        add_shapes(group, areas, colour=category.colour, outline="#000000")


def _reference_layers(fmap: OfflineMap, data: MapData, language: str) -> None:
    if data.owners:
        title = ReferenceKind.OWNERS.label.in_language(language)
        group = add_layer_group(fmap, f"{t('map_reference', language)}: {title}", show=False)
        shapes = [(o.geometry, f"{o.name}: {o.organisation.in_language(language)}")
                  for o in data.owners]  # fmt: skip
        add_shapes(group, shapes, colour=OWNER_COLOUR, weight=2)
    for points in data.reference:
        title = points.kind.label.in_language(language)
        group = add_layer_group(fmap, f"{t('map_reference', language)}: {title}", show=False)
        add_canvas_points(group, points.lon, points.lat, title=title,
                          colour=REFERENCE_COLOURS[points.kind], names=points.names)  # fmt: skip


def _street_layers(fmap: OfflineMap, layers: Sequence[StreetLayer], language: str) -> None:
    """Add the buildings and streets, shown from the start (people find their way by them)."""
    for layer in layers:
        title = layer.kind.label.in_language(language)
        group = add_layer_group(fmap, f"{t('map_reference', language)}: {title}")
        add_context_shapes(fmap, group, layer.geometries, style=STREET_STYLES[layer.kind],
                           names=layer.names, thin=layer.paths,
                           attribution=" · ".join(credit_texts([layer], language)))  # fmt: skip


def _marked_layers(fmap: OfflineMap, marked: Sequence[MarkedLayer]) -> None:
    """Ring the observations each analysis picked out, in its colour, with its labels."""
    for layer in marked:
        group = add_layer_group(fmap, f"{layer.title} ({len(layer.labels)})")
        add_canvas_points(group, np.asarray(layer.lon), np.asarray(layer.lat), title=layer.title,
                          colour=layer.colour, names=layer.labels, ring=True)  # fmt: skip


def _analysis_layers(fmap: OfflineMap, found: AnalysisShapes, language: str) -> None:
    hotspots = add_layer_group(fmap, t("map_hotspots", language))
    add_shapes(hotspots, found.hotspots, colour=HOTSPOT_COLOUR, weight=3)
    dark = add_layer_group(fmap, t("map_dark", language))
    add_shapes(dark, found.dark, colour=DARK_COLOUR, fill=False, weight=7)


def district_web_map(
    data: MapData,
    *,
    language: str,
    tiles_url: str | None,
    choropleth: Choropleth | None = None,
    analyses: AnalysisShapes | None = None,
    marked: Sequence[MarkedLayer] = (),
) -> OfflineMap:
    """Return the interactive map of some areas and their (already filtered) observations.

    Water and boundaries; walk routes; a layer per category with the catalog's symbol,
    clustered; a heat map and the reference layers to switch on; a choropleth of the
    areas and the analyses' results when given; a legend. Every category gets its layer,
    empty or not, so that the layer control lists the same ones whatever the filters let
    through. User text reaches the map as plain text and is escaped there.
    """
    fmap = _frame(data, language=language, tiles_url=tiles_url, zoom=13)
    if data.water:
        add_polygons(fmap, [("", water) for water in data.water],
                     colour=WATER_LINE, fill=WATER_FILL)  # fmt: skip
    if choropleth is not None:
        group = add_layer_group(fmap, choropleth.title)
        breaks = add_choropleth(group, [
            (a.geometry, a.name, choropleth.values.get(a.slug)) for a in data.areas
        ], no_value=t("map_no_value", language))  # fmt: skip
        if breaks and breaks[0] == breaks[-1]:  # one value for every area: one row
            add_legend(fmap, [(swatch(CHOROPLETH_COLOURS[0]), f"{breaks[0]:.1f}")],
                       title=choropleth.title, position="bottomleft")  # fmt: skip
        elif breaks:
            add_legend(fmap, [
                (swatch(CHOROPLETH_COLOURS[k]), f"{breaks[k]:.1f} – {breaks[k + 1]:.1f}")
                for k in range(len(CHOROPLETH_COLOURS))
            ], title=choropleth.title, position="bottomleft")  # fmt: skip
    add_polygons(fmap, [(a.name, a.geometry) for a in data.areas], colour=BOUNDARY_LINE,
                 attribution=t("web_map_credit", language))  # fmt: skip
    if data.routes:
        routes = add_layer_group(fmap, t("map_routes", language))
        add_shapes(routes, [(r.geometry, r.label) for r in data.routes],
                   colour=ROUTE_COLOUR, fill=False, dashed=True)  # fmt: skip
    _observation_layers(fmap, data, language)
    _street_layers(fmap, data.streets, language)
    _reference_layers(fmap, data, language)
    if analyses is not None:
        _analysis_layers(fmap, analyses, language)
    _marked_layers(fmap, marked)
    add_legend(fmap, [
        (marker_svg(c.shape, c.colour, size=14), c.title.in_language(language))
        for c in data.categories
    ], title=t("legend", language), position="bottomleft")  # fmt: skip
    add_layer_control(fmap, collapsed=True, title=t("map_layers", language))
    return fmap
