"""The district overview: every area's boundary and observations on one static map."""

from __future__ import annotations

import json
from functools import lru_cache
from html import escape
from pathlib import Path

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from gis.crs import WGS84, to_storage_crs, to_wgs84
from gis.svgmap import SvgPoint, SvgPolygon, map_svg
from gis.webmap import OfflineMap, add_line, add_points, add_polygons, web_map
from layers.catalog import Catalog
from walks.areas import find_area
from walks.model import Observation, Walk
from walks.recording import list_observations
from walks.workspace import Workspace

ATTRIBUTION = (
    "Områdesgränser och vatten: Stockholms stad (CC0). "
    "Demodata delvis från © OpenStreetMap contributors (ODbL)."
)
ATTRIBUTION_EN = (
    "Area boundaries and water: City of Stockholm (CC0). "
    "Demo data partly from © OpenStreetMap contributors (ODbL)."
)


@lru_cache(maxsize=4)
def _water(data_dir: Path) -> tuple[BaseGeometry, ...]:
    document = json.loads((data_dir / "vatten_bbox.geojson").read_text(encoding="utf-8"))
    return tuple(to_storage_crs(shape(f["geometry"]), WGS84) for f in document["features"])


def _map_attribution(language: str) -> str:
    """Return the data sources to credit on interactive maps (trusted HTML)."""
    osm = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'
    if language == "sv":
        return f"Gränser och vatten: Stockholms stad (CC0) · Demodata delvis {osm}"
    return f"Boundaries and water: City of Stockholm (CC0) · Demo data partly {osm}"


def legend_html(catalog: Catalog, language: str) -> str:
    """Return the category legend as HTML: a coloured dot and the (escaped) title per line."""
    return "<br>".join(
        f'<span style="color:{spec.style.colour};-webkit-text-stroke:1px #000">●</span> '
        f"{escape(spec.title.in_language(language))}"
        for spec in catalog.categories
    )


def overview_svg(workspace: Workspace, *, language: str) -> str:
    """Return an SVG map of every area (labelled) and its observations (category colours)."""
    catalog = workspace.catalog
    polygons = []
    points = []
    for area in workspace.areas():
        polygons.append(SvgPolygon(area.boundary, label=area.name, fill="#ffffff"))
        for observation in list_observations(workspace, area.slug):
            spec = catalog.category(observation.category)
            title = f"{observation.number}. {spec.title.in_language(language)}"
            if observation.description:
                title += f": {observation.description}"
            points.append(SvgPoint(observation.x, observation.y, spec.style.colour, title))
    caption = ATTRIBUTION if language == "sv" else ATTRIBUTION_EN
    return map_svg(
        polygons, points, background=_water(workspace.settings.data_dir), caption=caption
    )


def area_web_map(workspace: Workspace, slug: str, *, language: str) -> OfflineMap:
    """Return an interactive map of one area: water, boundary and its observations.

    Works without internet: Leaflet comes from the app, and water and the boundary are
    drawn from the shipped data even when background tiles do not load.
    """
    area = find_area(workspace, slug)
    boundary = to_wgs84(area.boundary)
    centre = boundary.representative_point()
    fmap = web_map((centre.x, centre.y), zoom=15, tiles_url=workspace.settings.tiles_url)
    near = area.boundary.buffer(500)
    water = [("", to_wgs84(w.intersection(near))) for w in _water(workspace.settings.data_dir)]
    add_polygons(fmap, [(label, g) for label, g in water if not g.is_empty],
                 colour="#6FA8DC", fill="#CFE5F5")  # fmt: skip
    add_polygons(fmap, [(area.name, boundary)], colour="#000000",
                 attribution=_map_attribution(language))  # fmt: skip
    points = []
    for observation in list_observations(workspace, slug):
        spec = workspace.catalog.category(observation.category)
        text = f"{observation.number}. {spec.title.in_language(language)}"
        if observation.description:
            text += f": {observation.description}"
        points.append((observation.lon, observation.lat, spec.style.colour, text))
    add_points(fmap, points)
    fmap.fit_bounds(
        [[boundary.bounds[1], boundary.bounds[0]], [boundary.bounds[3], boundary.bounds[2]]]
    )
    return fmap


def walk_web_map(
    workspace: Workspace, walk: Walk, observations: list[Observation], *, language: str
) -> OfflineMap:
    """Return a map of one walk: its route (dashed) and its numbered observations."""
    area = find_area(workspace, walk.area)
    focus = walk.route if walk.route is not None else area.boundary
    centre = to_wgs84(focus.representative_point())
    fmap = web_map((centre.x, centre.y), zoom=16, tiles_url=workspace.settings.tiles_url)
    add_polygons(fmap, [(area.name, to_wgs84(area.boundary))], colour="#000000",
                 attribution=_map_attribution(language))  # fmt: skip
    if walk.route is not None:
        add_line(fmap, to_wgs84(walk.route), label=walk.title)
    colours = {spec.name: spec.style.colour for spec in workspace.catalog.categories}
    points = [
        (o.lon, o.lat, colours[o.category], f"{o.number}. {o.description}") for o in observations
    ]
    add_points(fmap, points)
    south_west_north_east = to_wgs84(focus).bounds
    fmap.fit_bounds([[south_west_north_east[1], south_west_north_east[0]],
                     [south_west_north_east[3], south_west_north_east[2]]])  # fmt: skip
    return fmap
