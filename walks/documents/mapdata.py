"""What the app's maps show, as plain data: shapes, observation marks and their titles.

Drawing them (SVG, folium) belongs to the user interface; this module only decides what is
on a map and delivers it in the CRS the map needs, so that the interface handles no
geometry itself.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from gis.crs import WGS84, to_storage_crs, to_wgs84
from gis.filecache import FileCache
from gis.i18n import Text
from layers.catalog import Catalog
from walks.core.model import LightCondition, Observation, ObservationStatus, Walk
from walks.core.workspace import Workspace
from walks.documents.streets import StreetLayer, street_layers_wgs84
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations

WATER_FILE: Final = "vatten_bbox.geojson"
POSITIVE_CATEGORY: Final = "positive"
"""The category of safe, pleasant places: the map's filter tells them from problems."""
WATER_NEAR_AREA_M: Final = 500.0
"""How far beyond an area's boundary its map shows water."""


@dataclass(frozen=True, slots=True)
class Shape:
    """A labelled geometry: an area's boundary or a walk's route (plain text label)."""

    label: str
    geometry: BaseGeometry


@dataclass(frozen=True, slots=True)
class ObservationMark:
    """An observation as a map shows it: where, its number, category and colour."""

    number: int
    category: Text
    """The category's title."""
    description: str
    """As the user typed it: not escaped."""
    colour: str
    """The category's colour from the catalog."""
    x: float
    """Easting in SWEREF 99 TM (m)."""
    y: float
    """Northing in SWEREF 99 TM (m)."""
    lon: float
    lat: float
    category_name: str = ""
    """The category's layer name, e.g. ``lighting``."""
    status: ObservationStatus = ObservationStatus.NEW
    severity: int | None = None
    severity_title: Text | None = None
    """The severity level's title on the category's scale, e.g. Hög / High."""
    light_condition: LightCondition | None = None


@dataclass(frozen=True, slots=True)
class LocalMapData:
    """One area or one walk, in WGS 84, for an interactive map."""

    boundary: Shape
    """The area's boundary, labelled with its name."""
    marks: tuple[ObservationMark, ...]
    focus: BaseGeometry
    """What the map centres on and fits: the walk's route, or else the area's boundary."""
    water: tuple[BaseGeometry, ...] = ()
    """The shipped water within ``WATER_NEAR_AREA_M`` of the area."""
    route: Shape | None = None
    """A walk's route, labelled with the walk's title."""
    streets: tuple[StreetLayer, ...] = ()
    """The area's buildings and streets (those it has), in WGS 84: people find their way by
    them when they tap a position or draw a route."""


WEB_DETAIL_M: Final = 1.0
"""Shapes drawn on web maps are simplified to this many metres: the shipped water's full
detail would make the district map 0.5 MB heavier with no visible difference."""
WEB_DECIMALS: Final = 6
"""And their WGS 84 coordinates rounded to this many decimals (about 0.1 m)."""


def web_shape(geometry: BaseGeometry) -> BaseGeometry:
    """Return an EPSG:3006 shape in WGS 84 as light as a web map needs (see ``WEB_DETAIL_M``)."""
    light = to_wgs84(geometry.simplify(WEB_DETAIL_M, preserve_topology=True))
    # Rounded, not set_precision: a precision grid is lost when the cache pickles the
    # shape, and the map drawn from the copy would differ (and remount in the browser).
    return shapely.transform(light, lambda xy: np.round(xy, WEB_DECIMALS))


_WATER: FileCache[tuple[BaseGeometry, ...]] = FileCache()
"""Each water file's bodies, read again when the file changes."""


def shipped_water(data_dir: Path) -> tuple[BaseGeometry, ...]:
    """Return the water bodies shipped in ``data_dir`` in EPSG:3006 (read again when edited)."""
    path = data_dir / WATER_FILE
    return _WATER.get([path], lambda: _water(path))


def _water(path: Path) -> tuple[BaseGeometry, ...]:
    document = json.loads(path.read_text(encoding="utf-8"))
    return tuple(to_storage_crs(shape(f["geometry"]), WGS84) for f in document["features"])


def observation_marks(
    catalog: Catalog, observations: Sequence[Observation]
) -> tuple[ObservationMark, ...]:
    """Return observations as map marks with their category's title and colour."""
    marks = []
    for observation in observations:
        spec = catalog.category(observation.category)
        levels = spec.severity.levels if spec.severity is not None else ()
        level = next((lv for lv in levels if lv.value == observation.severity), None)
        marks.append(
            ObservationMark(
                number=observation.number,
                category=spec.title,
                description=observation.description,
                colour=spec.style.colour,
                x=observation.x,
                y=observation.y,
                lon=observation.lon,
                lat=observation.lat,
                category_name=spec.name,
                status=observation.status,
                severity=observation.severity,
                severity_title=level.title if level is not None else None,
                light_condition=observation.light_condition,
            )
        )
    return tuple(marks)


def area_map_data(workspace: Workspace, area: str) -> LocalMapData:
    """Return one area (id or name) as its map shows it, in WGS 84.

    Its boundary, its buildings and streets, the water near it and its observations.

    Raises
    ------
    layers.errors.UnknownAreaError
        No area is called ``area``.
    """
    target = find_area(workspace, area)
    near = target.boundary.buffer(WATER_NEAR_AREA_M)
    water = (w.intersection(near) for w in shipped_water(workspace.settings.data_dir))
    boundary = web_shape(target.boundary)
    return LocalMapData(
        boundary=Shape(target.name, boundary),
        marks=observation_marks(workspace.catalog, list_observations(workspace, target.slug)),
        focus=boundary,
        water=tuple(web_shape(w) for w in water if not w.is_empty),
        streets=tuple(street_layers_wgs84(workspace, [target.slug])),
    )


def walk_map_data(
    workspace: Workspace, walk: Walk, observations: Sequence[Observation]
) -> LocalMapData:
    """Return a walk as its map shows it, in WGS 84.

    Its area's boundary, buildings and streets, its route (if planned) and ``observations``.
    """
    area = find_area(workspace, walk.area)
    boundary = web_shape(area.boundary)
    route = to_wgs84(walk.route) if walk.route is not None else None
    return LocalMapData(
        boundary=Shape(area.name, boundary),
        marks=observation_marks(workspace.catalog, observations),
        focus=route if route is not None else boundary,
        route=Shape(walk.title, route) if route is not None else None,
        streets=tuple(street_layers_wgs84(workspace, [area.slug])),
    )
