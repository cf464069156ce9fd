"""What the map of some areas (the *Karta* page) shows, as plain data in WGS 84.

The observations come as columns (one DataFrame row each), not as objects, so that a
workspace of 100,000 observations is read, filtered and sent to the browser in a fraction
of a second: a filter is a vectorised mask over the columns. Beside them: the areas'
boundaries and sizes, the water near them, the walks' routes, the reference layers, and
what the analyses found. Drawing all this belongs to the user interface.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Final

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry
from shapely.ops import unary_union

from gis.analysis import label_points
from gis.crs import to_wgs84, xy_to_wgs84
from gis.i18n import Text, texts_from_file
from layers.schema import reference_layer
from layers.store import Query
from layers.values import LightCondition, ObservationStatus, ReferenceKind
from walks.analysis.change import walk_changes
from walks.analysis.dark import dark_routes, dark_stretch_pieces
from walks.analysis.frames import AnalysisError, observation_frame
from walks.analysis.hotspots import find_hotspots
from walks.analysis.nearby import observations_near
from walks.analysis.priority import prioritise
from walks.core.clock import LOCAL_TIME
from walks.core.organisations import organisations
from walks.core.workspace import Workspace
from walks.documents import TEXTS_FILE
from walks.documents.mapdata import (
    POSITIVE_CATEGORY,
    WATER_NEAR_AREA_M,
    Shape,
    shipped_water,
    web_shape,
)
from walks.documents.streets import STREET_KINDS, StreetLayer, street_layers_wgs84
from walks.fieldwork.areas import find_area
from walks.fieldwork.planning import list_walks

MAP_COLUMNS: Final = (
    "uuid", "number", "status", "severity", "light_condition", "walk_uuid", "observed_at",
    "description",
)  # fmt: skip
"""What the map reads of each observation; details (fields, photos) are read on demand."""
_M2_PER_KM2: Final = 1_000_000.0


@dataclass(frozen=True, slots=True)
class CategoryLayer:
    """A category as the map's layer control and legend show it."""

    name: str
    title: Text
    colour: str
    shape: str
    """The marker shape (``gis.symbols.SHAPES``)."""


@dataclass(frozen=True, slots=True)
class AreaShape:
    """An area on the map: its boundary in WGS 84 and its size."""

    slug: str
    name: str
    geometry: BaseGeometry
    km2: float


@dataclass(frozen=True, slots=True)
class WalkChoice:
    """A walk the map's filter can choose: its id and how the list shows it."""

    uuid: str
    area: str
    label: str
    """E.g. ``Hässelby gård: Kvällsvandring (2026-11-03)``: plain text."""
    number: int = 0
    """The walk's number in its area."""


@dataclass(frozen=True, slots=True)
class ReferencePoints:
    """One kind of reference feature of the chosen areas, as points in WGS 84."""

    kind: ReferenceKind
    lon: NDArray[np.float64]
    lat: NDArray[np.float64]
    names: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class OwnerArea:
    """An area of the owners layer, in WGS 84, with who owns or manages it."""

    name: str
    organisation: Text
    geometry: BaseGeometry


@dataclass(frozen=True, slots=True)
class ObservationFilter:
    """Which observations a map shows; None in a field means no restriction by it."""

    categories: frozenset[str] | None = None
    statuses: frozenset[ObservationStatus] | None = None
    light_conditions: frozenset[LightCondition] | None = None
    """An observation whose light is unknown passes only when this is None."""
    severities: frozenset[int] | None = None
    """An observation without severity (a positive place) passes only when this is None."""
    positive: bool | None = None
    """True: only positive places; False: only problems; None: both."""
    first_day: date | None = None
    """The first day (Stockholm time) an observation may be from."""
    last_day: date | None = None
    walks: frozenset[str] | None = None
    """Walk ids; an observation made outside any walk passes only when this is None."""

    def key(self) -> str:
        """Return the filter as text that is the same for equal filters (sets sorted)."""
        sets = (self.categories, self.statuses, self.light_conditions, self.severities,
                self.walks)  # fmt: skip
        chosen = [None if values is None else sorted(map(str, values)) for values in sets]
        return repr((chosen, self.positive, self.first_day, self.last_day))

    def mask(self, frame: pd.DataFrame) -> NDArray[np.bool_]:
        """Return which rows of an observations frame (``MapData.observations``) pass."""
        keep = np.ones(len(frame), dtype=bool)

        def among(column: str, values: frozenset[object]) -> NDArray[np.bool_]:
            return np.asarray(frame[column].isin([str(v) for v in values]), dtype=bool)

        if self.categories is not None:
            keep &= among("category", self.categories)
        if self.statuses is not None:
            keep &= among("status", self.statuses)
        if self.light_conditions is not None:
            keep &= among("light_condition", self.light_conditions)
        if self.severities is not None:
            keep &= frame["severity"].isin(list(self.severities)).to_numpy(dtype=bool)
        if self.positive is not None:
            keep &= (frame["category"] == POSITIVE_CATEGORY).to_numpy(dtype=bool) == self.positive
        if self.first_day is not None:
            keep &= (frame["day"] >= pd.Timestamp(self.first_day)).to_numpy(dtype=bool)
        if self.last_day is not None:
            keep &= (frame["day"] <= pd.Timestamp(self.last_day)).to_numpy(dtype=bool)
        if self.walks is not None:
            keep &= among("walk_uuid", self.walks)
        return keep


@dataclass(frozen=True, slots=True)
class MapData:
    """Some areas and everything their map shows, in WGS 84."""

    areas: tuple[AreaShape, ...]
    observations: pd.DataFrame
    """One row per observation: ``area`` (slug), ``number``, ``category`` (layer name),
    ``status``, ``severity``, ``light_condition`` (values as text, missing as None/NaN),
    ``walk_uuid``, ``observed_at`` (UTC), ``day`` (midnight of the Stockholm day, without
    zone), ``description``,
    ``uuid``, ``lon``/``lat`` (where its marker goes: lines' middles, points inside
    areas) and ``shape`` (the line or area in WGS 84; None for points)."""
    categories: tuple[CategoryLayer, ...]
    """Every category of the catalog, in catalog order: one map layer each."""
    focus: BaseGeometry
    """What the map fits: the chosen areas together (every area's, when none is chosen)."""
    water: tuple[BaseGeometry, ...] = ()
    routes: tuple[Shape, ...] = ()
    """The planned routes of the areas' walks, labelled with the walk's title."""
    walks: tuple[WalkChoice, ...] = ()
    """The areas' walks, newest first."""
    reference: tuple[ReferencePoints, ...] = ()
    """One entry per reference kind of points that has features in the chosen areas."""
    owners: tuple[OwnerArea, ...] = ()
    """The owners layer's areas."""
    streets: tuple[StreetLayer, ...] = ()
    """The buildings and streets of the chosen areas (those with any), in WGS 84."""

    def filtered(self, observation_filter: ObservationFilter) -> MapData:
        """Return the same map with only the observations ``observation_filter`` lets through."""
        keep = observation_filter.mask(self.observations)
        return replace(self, observations=self.observations[keep].reset_index(drop=True))

    def per_km2(self) -> dict[str, float]:
        """Return each area's observations per km² (of those in ``observations``)."""
        counts = self.observations["area"].value_counts()
        return {a.slug: float(counts.get(a.slug, 0)) / a.km2 for a in self.areas if a.km2 > 0}

    def at(self, area: str, number: int) -> pd.DataFrame:
        """Return the row(s) of observation ``number`` of ``area`` (slug)."""
        frame = self.observations
        return frame[(frame["area"] == area) & (frame["number"] == number)]

    def labelled(self, label: str) -> tuple[str, int] | None:
        """Return (area slug, number) of the marker labelled ``label``, or None.

        Markers and shapes are labelled ``7. Belysning (Hässelby gård)``: number, category,
        and the area's name in brackets (which may hold brackets of its own).
        """
        text = label.strip()
        number, dot, _ = text.partition(". ")
        if not (dot and number.isdigit()):
            return None
        for area in self.areas:
            if text.endswith(f" ({area.name})"):
                return area.slug, int(number)
        return None


def _empty_observations() -> pd.DataFrame:
    columns = ["area", *MAP_COLUMNS, "category", "day", "lon", "lat", "shape"]
    return pd.DataFrame({column: pd.Series(dtype=object) for column in columns})


def _text(values: pd.Series) -> pd.Series:
    """Return enum-valued cells as plain text, missing values as None."""
    return values.map(lambda value: None if value is None or value != value else str(value))


def observations_frame(
    workspace: Workspace, slugs: Sequence[str], counts: Mapping[str, Mapping[str, int]]
) -> pd.DataFrame:
    """Return the observations of areas ``slugs`` as ``MapData.observations`` holds them.

    ``counts``: each area's ``Store.feature_counts``.
    """
    frames = []
    for slug in slugs:
        frame = observation_frame(workspace, slug, columns=MAP_COLUMNS, counts=counts[slug])
        if len(frame):
            frames.append(frame.assign(area=slug))
    if not frames:
        return _empty_observations()
    combined = pd.concat(frames, ignore_index=True)
    geometries = combined.geometry.to_numpy()
    marks = shapely.get_coordinates(label_points(geometries)).reshape(-1, 2)
    lon, lat = xy_to_wgs84(marks[:, 0], marks[:, 1])
    shapes = np.full(len(combined), None, dtype=object)
    drawn = shapely.get_type_id(geometries) != 0  # not a point
    if drawn.any():
        shapes[drawn] = [to_wgs84(g) for g in geometries[drawn]]
    observed = pd.to_datetime(combined["observed_at"], utc=True).reset_index(drop=True)
    result = pd.DataFrame({
        "area": combined["area"].to_numpy(),
        "uuid": combined["uuid"].to_numpy(),
        "number": combined["number"].to_numpy(dtype=np.int64),
        "category": combined["category"].to_numpy(),
        "status": _text(combined["status"]).to_numpy(),
        "severity": pd.to_numeric(combined["severity"], errors="coerce").to_numpy(),
        "light_condition": _text(combined["light_condition"]).to_numpy(),
        "walk_uuid": _text(combined["walk_uuid"]).to_numpy(),
        "observed_at": observed,
        # Midnight of the Stockholm day, as a plain (zone-less) datetime64 column.
        "day": observed.dt.tz_convert(LOCAL_TIME).dt.tz_localize(None).dt.normalize(),
        "description": combined["description"].fillna("").to_numpy(),
        "lon": lon,
        "lat": lat,
        "shape": shapes,
    })  # fmt: skip
    return result


def _reference(
    workspace: Workspace, slugs: Sequence[str], counts: Mapping[str, Mapping[str, int]]
) -> tuple[ReferencePoints, ...]:
    found = []
    for kind in ReferenceKind:
        if kind is ReferenceKind.OWNERS or kind in STREET_KINDS:
            continue
        layer = reference_layer(kind)
        frames = [
            workspace.store.read_layer(slug, layer, Query(columns=("name",)))
            for slug in slugs if counts[slug].get(layer, 0)
        ]  # fmt: skip
        frames = [frame for frame in frames if len(frame)]
        if not frames:
            continue
        frame = pd.concat(frames, ignore_index=True)
        points = shapely.get_coordinates(shapely.point_on_surface(frame.geometry.to_numpy()))
        lon, lat = xy_to_wgs84(points[:, 0], points[:, 1])
        names = tuple("" if name is None else str(name) for name in frame["name"])
        found.append(ReferencePoints(kind, lon, lat, names))
    return tuple(found)


def _owners(
    workspace: Workspace, slugs: Sequence[str], counts: Mapping[str, Mapping[str, int]]
) -> tuple[OwnerArea, ...]:
    """Return the owner areas of ``slugs``, each with its organisation's name."""
    known = {o.id: o.name for o in organisations(workspace.settings.data_dir)}
    found = []
    layer = reference_layer(ReferenceKind.OWNERS)
    for slug in (s for s in slugs if counts[s].get(layer, 0)):
        for record in workspace.store.read_records(
            slug, layer, Query(columns=("name", "organisation"))
        ):
            who = known.get(record["organisation"], Text(sv=record["organisation"],
                                                          en=record["organisation"]))  # fmt: skip
            name = str(record.get("name") or "-")
            found.append(OwnerArea(name, who, web_shape(record["geometry"])))
    return tuple(found)


def _walks(workspace: Workspace, slugs: Sequence[str]) -> tuple[list[WalkChoice], list[Shape]]:
    choices, routes = [], []
    for slug in slugs:
        area = find_area(workspace, slug)
        for walk in list_walks(workspace, slug):
            day = walk.starts_at.astimezone(LOCAL_TIME).date().isoformat()
            label = f"{area.name}: {walk.title} ({day})"
            choices.append(WalkChoice(walk.uuid, slug, label, walk.number))
            if walk.route is not None:
                routes.append(Shape(f"{walk.title} ({day})", to_wgs84(walk.route)))
    return choices, routes


def map_data(workspace: Workspace, areas: Sequence[str]) -> MapData:
    """Return areas ``areas`` (ids) and everything their map shows.

    Raises
    ------
    layers.errors.UnknownAreaError
        One of ``areas`` is not an area of the workspace.
    """
    chosen = [find_area(workspace, area) for area in areas]
    categories = tuple(
        CategoryLayer(spec.name, spec.title, spec.style.colour, spec.style.marker)
        for spec in workspace.catalog.categories
    )
    if not chosen:
        everything = unary_union([area.boundary for area in workspace.areas()])
        return MapData((), _empty_observations(), categories, focus=to_wgs84(everything))
    slugs = [area.slug for area in chosen]
    near = unary_union([area.boundary for area in chosen]).buffer(WATER_NEAR_AREA_M)
    water = (w.intersection(near) for w in shipped_water(workspace.settings.data_dir))
    shapes = tuple(
        AreaShape(a.slug, a.name, web_shape(a.boundary), a.boundary.area / _M2_PER_KM2)
        for a in chosen
    )
    walks, routes = _walks(workspace, slugs)
    counts = {slug: workspace.store.feature_counts(slug) for slug in slugs}  # read what is there
    return MapData(
        areas=shapes,
        observations=observations_frame(workspace, slugs, counts),
        categories=categories,
        focus=unary_union([a.geometry for a in shapes]),
        water=tuple(web_shape(w) for w in water if not w.is_empty),
        routes=tuple(routes),
        walks=tuple(walks),
        reference=_reference(workspace, slugs, counts),
        owners=_owners(workspace, slugs, counts),
        streets=tuple(street_layers_wgs84(workspace, slugs, counts=counts)),
    )


# ------------------------------------------------------------------ analyses on the map
@dataclass(frozen=True, slots=True)
class AnalysisShapes:
    """What the analyses found in some areas, ready to draw (WGS 84, plain-text labels)."""

    hotspots: tuple[tuple[BaseGeometry, str], ...]
    dark: tuple[tuple[BaseGeometry, str], ...]
    dark_m: float
    routes_m: float


def analysis_shapes(workspace: Workspace, areas: Sequence[str], language: str) -> AnalysisShapes:
    """Return the hotspots and dark stretches of areas ``areas`` with the default settings.

    An area without walk routes has no dark stretches (not an error here).
    """
    report = find_hotspots(workspace, areas)
    titles = {spec.name: spec.title for spec in workspace.catalog.categories}
    names = {area.slug: area.name for area in workspace.areas()}
    hotspot_word = Text(sv="Hotspot", en="Hotspot").in_language(language)
    counted = Text(sv="iakttagelser, mest", en="observations, mostly").in_language(language)
    hotspots = tuple(
        (to_wgs84(h.outline),
         f"{hotspot_word} {h.id} ({names.get(h.area, h.area)}): {h.count} {counted} "
         f"{titles[h.category].in_language(language) if h.category in titles else h.category}")
        for h in report.hotspots
    )  # fmt: skip
    dark: list[tuple[BaseGeometry, str]] = []
    dark_m = routes_m = 0.0
    dark_word = Text(sv="Mörk sträcka", en="Dark stretch").in_language(language)
    for area in areas:
        try:
            found = dark_routes(workspace, area)
        except AnalysisError:
            continue  # no routes planned in this area
        for route in found.routes:
            routes_m += route.length_m
            dark_m += route.dark_m
            for piece, stretch in dark_stretch_pieces(route):
                label = f"{dark_word}, {route.name}: {stretch.length_m:.0f} m"
                dark.append((to_wgs84(piece), label))
    return AnalysisShapes(hotspots, tuple(dark), round(dark_m, 1), round(routes_m, 1))


# ---------------------------------------------- analyses that pick out observations
@dataclass(frozen=True, slots=True)
class MarkedLayer:
    """Observations an analysis picked out, ringed on the map in one colour, labelled."""

    title: str
    colour: str
    lon: tuple[float, ...]
    lat: tuple[float, ...]
    labels: tuple[str, ...]
    """Plain text, one per ring."""


def _marked(
    data: MapData, title: str, colour: str, picked: Sequence[tuple[str, int, str]]
) -> MarkedLayer:
    """Return the rings of ``picked`` (area slug, observation number, label) found on the map.

    Observations the map's filters leave out are left out here too.
    """
    frame = data.observations
    columns = zip(frame["area"], frame["number"], frame["lon"], frame["lat"], strict=True)
    where = {(a, int(n)): (lon, lat) for a, n, lon, lat in columns}
    found = [(where[(a, n)], label) for a, n, label in picked if (a, n) in where]
    return MarkedLayer(
        title, colour,
        tuple(at[0] for at, _ in found), tuple(at[1] for at, _ in found),
        tuple(label for _, label in found),
    )  # fmt: skip


CHANGE_COLOURS: Final = {"resolved": "#009E73", "persisting": "#E69F00", "new": "#D55E00"}
CHANGE_TITLES: Final = texts_from_file(TEXTS_FILE, "areasmap")


def change_layers(
    workspace: Workspace, data: MapData, before: WalkChoice, after: WalkChoice, language: str
) -> list[MarkedLayer]:
    """Return what was resolved, what persists and what is new between two walks of an area.

    Raises
    ------
    AnalysisError
        The two walks are of different areas.
    """
    if before.area != after.area:
        raise AnalysisError(
            Text(sv="Välj två vandringar i samma område.", en="Choose two walks of one area.")
        )
    report = walk_changes(workspace, before.area, before=str(before.number),
                          after=str(after.number))  # fmt: skip
    area = before.area

    def label(kind: str, number: int) -> str:
        return f"{number}: {CHANGE_TITLES[kind].in_language(language)}"

    picked = {
        "resolved": [(area, n, label("resolved", n)) for n in report.resolved],
        "persisting": [(area, a, label("persisting", a) + f" ({b})") for b, a in report.persisting],
        "new": [(area, n, label("new", n)) for n in report.new],
    }
    return [
        _marked(data, CHANGE_TITLES[kind].in_language(language), CHANGE_COLOURS[kind], rows)
        for kind, rows in picked.items()
    ]


NEAR_COLOUR: Final = "#CC79A7"
PRIORITY_COLOUR: Final = "#D7191C"
PRIORITY_SHOWN: Final = 20
"""The highest-scored observations of each area that the map rings."""


def near_layer(workspace: Workspace, data: MapData, language: str) -> MarkedLayer:
    """Return the observations near crime-exposed places, metro entrances, stops or schools."""
    words = {
        "crime": Text(sv="nära brottsutsatt plats", en="near crime-exposed place"),
        "entrances": Text(sv="uppgångar", en="entrances"),
        "stops": Text(sv="hållplatser", en="stops"),
        "schools": Text(sv="skolor", en="schools"),
    }
    picked = []
    for area in data.areas:
        report = observations_near(workspace, area.slug)
        for near in report.observations:
            parts = []
            if near.crime_places:
                numbers = ", ".join(map(str, near.crime_places))
                parts.append(f"{words['crime'].in_language(language)} {numbers}")
            for kind in ("entrances", "stops", "schools"):
                if count := getattr(near, kind):
                    parts.append(f"{count} {words[kind].in_language(language)}")
            picked.append((area.slug, near.number, f"{near.number}: " + "; ".join(parts)))
    title = Text(
        sv="Nära brottsutsatta platser och kollektivtrafik (50 m)",
        en="Near crime-exposed places and transit (50 m)",
    )
    return _marked(data, title.in_language(language), NEAR_COLOUR, picked)


def priority_layer(workspace: Workspace, data: MapData, language: str) -> MarkedLayer:
    """Return each area's highest-scored observations with their scores broken down."""
    picked = []
    for area in data.areas:
        report = prioritise(workspace, area.slug)
        for priority in report.observations[:PRIORITY_SHOWN]:
            terms = " + ".join(f"{term} {value:.2f}" for term, value in priority.terms.items()
                               if value)  # fmt: skip
            label = f"{priority.number}: {priority.score:.2f} ({terms or '0'})"
            picked.append((area.slug, priority.number, label))
    title = Text(
        sv=f"Högst prioritet (de {PRIORITY_SHOWN} främsta per område)",
        en=f"Highest priority (the top {PRIORITY_SHOWN} per area)",
    )
    return _marked(data, title.in_language(language), PRIORITY_COLOUR, picked)
