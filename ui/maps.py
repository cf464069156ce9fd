"""The app's maps drawn from ``walks.mapdata``: the overview as SVG, areas or a walk in folium.

User text (names, titles, descriptions) goes into the maps as plain text; ``gis.svgmap`` and
``gis.webmap`` escape it.
"""

from __future__ import annotations

from html import escape

from gis.webmap import (
    OfflineMap,
    add_layer_control,
    add_layer_group,
    add_line,
    add_points,
    add_polygons,
    fitted_web_map,
)
from ui.i18n import t
from walks.mapdata import AreasMapData, LocalMapData, ObservationMark
from walks.model import Catalog, LightCondition, ObservationStatus

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


def legend_html(catalog: Catalog, language: str) -> str:
    """Return the category legend as HTML: a coloured dot and the (escaped) title per line."""
    return "<br>".join(
        f'<span style="color:{spec.style.colour};-webkit-text-stroke:1px #000">●</span> '
        f"{escape(spec.title.in_language(language))}"
        for spec in catalog.categories
    )


def _local_map(
    data: LocalMapData, *, language: str, tiles_url: str | None, zoom: int
) -> OfflineMap:
    """Return the map's frame: water, the area's boundary with the credits, a route if any.

    Works without internet: Leaflet comes from the app, and water and the boundary are
    drawn from the shipped data even when background tiles do not load.
    """
    fmap = fitted_web_map(data.focus, zoom=zoom, tiles_url=tiles_url)
    if data.water:
        add_polygons(fmap, [("", water) for water in data.water],
                     colour=WATER_LINE, fill=WATER_FILL)  # fmt: skip
    add_polygons(fmap, [(data.boundary.label, data.boundary.geometry)], colour=BOUNDARY_LINE,
                 attribution=t("web_map_credit", language))  # fmt: skip
    if data.route is not None:
        add_line(fmap, data.route.geometry, label=data.route.label)
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


def areas_web_map(data: AreasMapData, *, language: str, tiles_url: str | None) -> OfflineMap:
    """Return the interactive map of some areas: water, boundaries, one layer per category.

    Every category of the catalog gets its layer, empty or not, so that the layer control
    lists the same categories whatever the filters let through.
    """
    fmap = fitted_web_map(data.focus, zoom=13, tiles_url=tiles_url)
    if data.water:
        add_polygons(fmap, [("", water) for water in data.water],
                     colour=WATER_LINE, fill=WATER_FILL)  # fmt: skip
    add_polygons(fmap, [(b.label, b.geometry) for b in data.boundaries], colour=BOUNDARY_LINE,
                 attribution=t("web_map_credit", language))  # fmt: skip
    for category in data.categories:
        group = add_layer_group(fmap, category.title.in_language(language))
        marks = [m for m in data.marks if m.category_name == category.name]
        add_points(group, [(m.lon, m.lat, m.colour, mark_details(m, language)) for m in marks])
    add_layer_control(fmap)
    return fmap
