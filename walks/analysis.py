"""Spatial analyses of an area's observations: counts, what lies near what, hotspots, dark routes.

The geometry work is in ``gis`` (plain functions on coordinates in metres, EPSG:3006);
here the observations, walks and reference layers are read from the store and the
results put into terms of the area: observation numbers, categories, walks.
"""

from __future__ import annotations

import json
import math
import tomllib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final

import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry
from shapely.ops import substring

from gis.analysis import label_points
from gis.crs import to_wgs84
from gis.dark import Stretch, dark_stretches
from gis.hotspots import clusters, hot_spot_grid
from gis.i18n import Text
from gis.io import read_vector_file
from gis.matching import match_points
from gis.proximity import pairs_within
from layers.schema import DARK_LAYER, HOTSPOTS_LAYER, MEASURES_LAYER, WALKS_LAYER
from layers.store import Area, Query
from layers.values import MeasureStatus, ReferenceKind
from walks.areas import SWEDEN_3006, find_area
from walks.errors import WalkError
from walks.model import Walk
from walks.planning import list_walks
from walks.reference import reference_points
from walks.workspace import Workspace

if TYPE_CHECKING:
    import geopandas as gpd

CRIME_PLACE: Final = "crime_place"
"""The catalog category of crime-exposed places."""
OPEN_MEASURES: Final = frozenset(
    {MeasureStatus.PROPOSED, MeasureStatus.DECIDED, MeasureStatus.IN_PROGRESS}
)
SUMMARY_COLUMNS: Final = ("uuid", "number", "status", "severity", "light_condition", "walk_uuid")


class AnalysisError(WalkError):
    """An analysis that cannot run as asked: no routes, no such walk, an unusable file."""


def _check_metres(value: float, name: str, *, zero: bool) -> None:
    """Refuse a distance or radius that is not a finite number of metres (> 0, or ≥ 0)."""
    if math.isfinite(value) and (value > 0 or (zero and value == 0)):
        return
    bound = (
        Text(sv="0 eller mer", en="0 or more") if zero else Text(sv="mer än 0", en="more than 0")
    )
    names = {"distance": Text(sv="avstånd", en="distance"), "radius": Text(sv="radie", en="radius")}
    raise AnalysisError(
        Text(
            sv=f"Ogiltig {names[name].sv} {value:g} m: ange meter, {bound.sv}.",
            en=f"Invalid {names[name].en} {value:g} m: give metres, {bound.en}.",
        )
    )


def observation_frame(
    workspace: Workspace, area: str, *, columns: Sequence[str] = SUMMARY_COLUMNS
) -> gpd.GeoDataFrame:
    """Return every observation of an area as one frame with a ``category`` column, by number.

    Geometries are in EPSG:3006; lines and areas are kept as they are.
    """
    import geopandas as gpd

    slug = find_area(workspace, area).slug
    query = Query(columns=tuple(columns))
    frames = []
    for category in workspace.catalog.names:
        frame = workspace.store.read_layer(slug, category, query)
        frames.append(frame.assign(category=category))
    combined = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    result = gpd.GeoDataFrame(combined, geometry="geometry", crs=frames[0].crs)
    return result.sort_values("number", kind="stable").reset_index(drop=True)


def representative_xy(frame: gpd.GeoDataFrame) -> NDArray[np.float64]:
    """Return one point per feature (lines' middles, points inside areas) as an (n, 2) array."""
    points = label_points(frame.geometry.to_numpy())
    return np.asarray(shapely.get_coordinates(points), dtype=np.float64).reshape(-1, 2)


# ------------------------------------------------------------------------ summary
@dataclass(frozen=True, slots=True)
class AreaCounts:
    """How many observations an area has, and how they divide."""

    area: str
    name: str
    observations: int
    area_km2: float
    per_km2: float
    by_category: dict[str, int]
    by_status: dict[str, int]
    by_severity: dict[str, int]
    """Severity level (as text) → count; ``"none"`` for observations without one."""
    by_light: dict[str, int]
    """Light condition → count; ``"unknown"`` where none was stored."""
    by_walk: dict[str, int]
    """Walk number (as text) → count; ``"none"`` for observations made outside a walk."""


def _counted(values: pd.Series, *, missing: str) -> dict[str, int]:
    texts = values.astype(object).where(values.notna(), missing).map(str)
    return dict(sorted(Counter(texts).items()))


def area_counts(workspace: Workspace, area: Area) -> AreaCounts:
    """Return the counts of one area (see ``AreaCounts``)."""
    frame = observation_frame(workspace, area.slug)
    walks = workspace.store.read_records(area.slug, WALKS_LAYER, Query(columns=("uuid", "number")))
    walk_numbers = {record["uuid"]: str(record["number"]) for record in walks}
    area_km2 = area.boundary.area / 1e6
    return AreaCounts(
        area=area.slug,
        name=area.name,
        observations=len(frame),
        area_km2=round(area_km2, 3),
        per_km2=round(len(frame) / area_km2, 2) if area_km2 else 0.0,
        by_category={n: int((frame["category"] == n).sum()) for n in workspace.catalog.names},
        by_status=_counted(frame["status"], missing="none"),
        by_severity=_counted(frame["severity"], missing="none"),
        by_light=_counted(frame["light_condition"], missing="unknown"),
        by_walk=_counted(frame["walk_uuid"].map(walk_numbers), missing="none"),
    )


def summarise(workspace: Workspace, areas: Sequence[str] | None = None) -> list[AreaCounts]:
    """Return the counts of the named areas (ids or names), or of every area."""
    chosen = [find_area(workspace, a) for a in areas] if areas else workspace.areas()
    return [area_counts(workspace, area) for area in chosen]


# --------------------------------------------------------------------------- near
@dataclass(frozen=True, slots=True)
class NearbyObservation:
    """One observation and what lies within the distance of it."""

    number: int
    category: str
    crime_places: list[int]
    """Numbers of the crime-exposed places nearby (not itself)."""
    entrances: int
    stops: int
    schools: int


@dataclass(frozen=True, slots=True)
class CrimePlace:
    """A crime-exposed place, with the open measures on observations near it."""

    number: int
    open_measures: list[int]
    """Numbers of measures not yet done that cover an observation within the distance."""


@dataclass(frozen=True, slots=True)
class NearReport:
    """What lies near what in an area."""

    area: str
    distance_m: float
    observations: list[NearbyObservation] = field(default_factory=list)
    """Observations with anything nearby, by number."""
    crime_places: list[CrimePlace] = field(default_factory=list)


def _neighbours(
    a_xy: NDArray[np.float64], b_xy: NDArray[np.float64], distance_m: float
) -> list[list[int]]:
    """Return, for each point of ``a_xy``, the indices of ``b_xy`` within ``distance_m``."""
    near: list[list[int]] = [[] for _ in range(len(a_xy))]
    for a, b in zip(*pairs_within(a_xy, b_xy, distance_m=distance_m), strict=True):
        near[int(a)].append(int(b))
    return near


def _open_measures(workspace: Workspace, slug: str) -> dict[str, list[int]]:
    """Return observation UUID → numbers of the open measures that cover it."""
    columns = ("number", "status", "observation_uuids")
    covering: dict[str, list[int]] = {}
    for measure in workspace.store.read_records(slug, MEASURES_LAYER, Query(columns=columns)):
        if measure["status"] not in OPEN_MEASURES:
            continue
        for uuid in json.loads(measure["observation_uuids"] or "[]"):
            covering.setdefault(str(uuid), []).append(int(measure["number"]))
    return covering


def observations_near(workspace: Workspace, area: str, *, distance_m: float = 50.0) -> NearReport:
    """Return what lies within ``distance_m`` of each observation, and open measures nearby.

    For each observation: the crime-exposed places (other than itself), metro entrances,
    stops and schools within the distance; for each crime-exposed place: the open
    measures (not done, not found not feasible) on observations within the distance.
    """
    _check_metres(distance_m, "distance", zero=True)
    target = find_area(workspace, area)
    frame = observation_frame(workspace, target.slug)
    xy = representative_xy(frame)
    is_crime = (frame["category"] == CRIME_PLACE).to_numpy()
    crime_numbers = frame["number"].to_numpy()[is_crime]
    near_crime = _neighbours(xy, xy[is_crime], distance_m)
    near_kind = {
        kind: _neighbours(xy, reference_points(workspace, target.slug, kind), distance_m)
        for kind in (ReferenceKind.ENTRANCES, ReferenceKind.STOPS, ReferenceKind.SCHOOLS)
    }
    observations = []
    for i, (number, category) in enumerate(zip(frame["number"], frame["category"], strict=True)):
        crime = sorted(int(crime_numbers[j]) for j in near_crime[i] if crime_numbers[j] != number)
        counts = {kind: len(found[i]) for kind, found in near_kind.items()}
        if crime or any(counts.values()):
            observations.append(
                NearbyObservation(
                    number=int(number),
                    category=str(category),
                    crime_places=crime,
                    entrances=counts[ReferenceKind.ENTRANCES],
                    stops=counts[ReferenceKind.STOPS],
                    schools=counts[ReferenceKind.SCHOOLS],
                )
            )
    covering = _open_measures(workspace, target.slug)
    uuids = frame["uuid"].to_numpy()
    around_crime = _neighbours(xy[is_crime], xy, distance_m)
    places = [
        CrimePlace(
            number=int(number),
            open_measures=sorted({m for j in around for m in covering.get(str(uuids[j]), [])}),
        )
        for number, around in zip(crime_numbers, around_crime, strict=True)
    ]
    return NearReport(target.slug, distance_m, observations, places)


# ----------------------------------------------------------------------- hotspots
@dataclass(frozen=True, slots=True)
class Hotspot:
    """A place where observations crowd: at least ``min_count`` within the radius."""

    id: int
    area: str
    count: int
    category: str
    """The most frequent category among its observations."""
    x: float
    y: float
    lon: float
    lat: float
    observations: list[int]
    """Their numbers in the area."""
    outline: BaseGeometry
    """The cluster's hull widened a little (EPSG:3006)."""


@dataclass(frozen=True, slots=True)
class HotCell:
    """A grid cell whose count stands out with its neighbours' (Getis-Ord Gi*, p < 0.05)."""

    area: str
    lon: float
    lat: float
    count: int
    z_score: float
    p_value: float


@dataclass(frozen=True, slots=True)
class HotspotReport:
    """Density clusters and hot grid cells of one or more areas."""

    radius_m: float
    min_count: int
    hotspots: list[Hotspot]
    hot_cells: list[HotCell]
    areas: list[str] = field(default_factory=list)
    """The areas analysed (those without hotspots too)."""


HOT_P_VALUE: Final = 0.05


def find_hotspots(
    workspace: Workspace,
    areas: Sequence[str] | None = None,
    *,
    radius_m: float = 50.0,
    min_count: int = 3,
    category: str | None = None,
) -> HotspotReport:
    """Return where observations crowd in each area (or the named ones), one category or all.

    Clusters follow DBSCAN (``gis.hotspots``): an observation belongs to one when at least
    ``min_count`` observations, itself included, lie within ``radius_m``. Where an area
    has enough observations, a Getis-Ord Gi* grid of cells ``2 × radius_m`` wide adds the
    cells that are significantly hot (p < 0.05, z > 0).
    """
    _check_metres(radius_m, "radius", zero=False)
    if min_count < 1:
        raise AnalysisError(
            Text(
                sv=f"Minsta antal {min_count} går inte: det ska vara minst 1 (iakttagelsen själv).",
                en=f"A least count of {min_count} cannot be: it must be 1 or more "
                "(the observation itself).",
            )
        )
    chosen = [find_area(workspace, a) for a in areas] if areas else workspace.areas()
    wanted = workspace.catalog.category(category).name if category else None
    hotspots: list[Hotspot] = []
    cells: list[HotCell] = []
    for area in chosen:
        frame = observation_frame(workspace, area.slug, columns=("number",))
        if wanted is not None:
            frame = frame[frame["category"] == wanted].reset_index(drop=True)
        if frame.empty:
            continue
        xy = representative_xy(frame)
        numbers = frame["number"].to_numpy()
        found = clusters(xy, frame["category"].tolist(), radius_m=radius_m, min_count=min_count)
        for cluster in found:
            lon, lat = _lon_lat(*cluster.centre)
            hotspots.append(
                Hotspot(
                    id=len(hotspots) + 1,
                    area=area.slug,
                    count=cluster.count,
                    category=cluster.dominant_label,
                    x=round(cluster.centre[0], 2),
                    y=round(cluster.centre[1], 2),
                    lon=lon,
                    lat=lat,
                    observations=sorted(int(numbers[i]) for i in cluster.members),
                    outline=cluster.outline,
                )
            )
        grid = hot_spot_grid(xy, cell_m=2 * radius_m)
        hot = grid[(grid["p_value"] < HOT_P_VALUE) & (grid["z_score"] > 0)]
        for cell in hot.itertuples():
            centre = cell.geometry.centroid
            lon, lat = _lon_lat(centre.x, centre.y)
            cells.append(
                HotCell(area.slug, lon, lat, int(cell.count), round(float(cell.z_score), 3),
                        round(float(cell.p_value), 4))
            )  # fmt: skip
    hotspots.sort(key=lambda h: (-h.count, h.area, h.observations))
    ordered = [replace(h, id=i) for i, h in enumerate(hotspots, start=1)]
    return HotspotReport(radius_m, min_count, ordered, cells, [area.slug for area in chosen])


def _lon_lat(x: float, y: float) -> tuple[float, float]:
    point = to_wgs84(Point(x, y))
    return round(point.x, 7), round(point.y, 7)


# --------------------------------------------------------------------------- dark
BROKEN_LAMP_M: Final = 10.0
"""A lighting observation of a broken or missing lamp knocks out the nearest lamp this close."""
LIGHTING: Final = "lighting"
BROKEN_PROBLEMS: Final = frozenset({"broken", "missing"})


@dataclass(frozen=True, slots=True)
class DarkRoute:
    """One route and its parts farther than the radius from every working lamp."""

    name: str
    length_m: float
    dark_m: float
    stretches: list[Stretch]
    route: BaseGeometry
    """The route in EPSG:3006."""


@dataclass(frozen=True, slots=True)
class DarkReport:
    """Dark stretches of an area's routes."""

    area: str
    radius_m: float
    lamps: int
    """Working lamps counted (after knocking out the broken ones)."""
    knocked_out: int
    """Lamps taken as not working because of a lighting observation next to them."""
    routes: list[DarkRoute]

    @property
    def total_length_m(self) -> float:
        """The length of every route together, in metres."""
        return round(sum(route.length_m for route in self.routes), 2)

    @property
    def total_dark_m(self) -> float:
        """The dark length of every route together, in metres."""
        return round(sum(route.dark_m for route in self.routes), 2)


def _routes(
    workspace: Workspace, slug: str, routes: Path | None, walk: str | None, crs: str | None
) -> list[tuple[str, BaseGeometry]]:
    if routes is not None:
        frame = read_vector_file(routes, crs=crs, expected_extent=SWEDEN_3006)
        names = frame["name"] if "name" in frame else [None] * len(frame)
        found = [
            (str(name) if name is not None else f"{routes.stem} {i + 1}", geometry)
            for i, (name, geometry) in enumerate(zip(names, frame.geometry, strict=True))
            if geometry is not None and geometry.geom_type.endswith("LineString")
        ]
        if not found:
            raise AnalysisError(
                Text(
                    sv=f"Filen {routes} har inga linjer att använda som rutter.",
                    en=f"The file {routes} has no lines to use as routes.",
                )
            )
        return found
    walks = [w for w in list_walks(workspace, slug) if w.route is not None]
    if walk is not None:
        walks = [w for w in walks if str(w.number) == walk.strip()]
        if not walks:
            raise AnalysisError(
                Text(
                    sv=f"Området har ingen vandring nr {walk} med en planerad rutt.",
                    en=f"The area has no walk no. {walk} with a planned route.",
                )
            )
    if not walks:
        raise AnalysisError(
            Text(
                sv="Området har inga vandringar med planerad rutt; ange rutter med --routes.",
                en="The area has no walks with a planned route; give routes with --routes.",
            )
        )
    return [(f"{w.number}. {w.title}", w.route) for w in sorted(walks, key=lambda w: w.number)]


def _working_lamps(
    workspace: Workspace, slug: str, lamps: Path | None, crs: str | None
) -> tuple[NDArray[np.float64], int]:
    """Return the lamps that work and how many were knocked out by lighting observations."""
    if lamps is not None:
        frame = read_vector_file(lamps, crs=crs, expected_extent=SWEDEN_3006)
        xy = representative_xy(frame[frame.geometry.notna()])
    else:
        xy = reference_points(workspace, slug, ReferenceKind.LAMPS)
    lighting = workspace.store.read_layer(slug, LIGHTING, Query(columns=("problem",)))
    broken = lighting[lighting["problem"].isin(BROKEN_PROBLEMS)]
    if broken.empty or not len(xy):
        return xy, 0
    broken_xy = representative_xy(broken)
    out: set[int] = set()
    near_lamps = _neighbours(broken_xy, xy, BROKEN_LAMP_M)
    for point, candidates in zip(broken_xy, near_lamps, strict=True):
        if candidates:
            distances = np.hypot(*(xy[candidates] - point).T)
            out.add(candidates[int(np.argmin(distances))])
    keep = np.ones(len(xy), dtype=bool)
    keep[list(out)] = False
    return xy[keep], len(out)


def dark_routes(
    workspace: Workspace,
    area: str,
    *,
    routes: Path | None = None,
    walk: str | None = None,
    lamps: Path | None = None,
    radius_m: float = 25.0,
    crs: str | None = None,
) -> DarkReport:
    """Return the stretches of walking routes farther than ``radius_m`` from a working lamp.

    Routes: the lines of ``routes`` (any vector file), else walk ``walk``'s planned route,
    else every planned route of the area. Lamps: the points of ``lamps``, else the area's
    lamp reference layer. A lighting observation of a broken or missing lamp knocks out the
    nearest lamp within ``BROKEN_LAMP_M``. Lengths are exact (``gis.dark``), in metres.

    Raises
    ------
    AnalysisError
        No routes to analyse, or no such walk.
    gis.errors.GisError
        A file that cannot be read, or a radius that is not a positive distance.
    """
    target = find_area(workspace, area)
    lines = _routes(workspace, target.slug, routes, walk, crs)
    working, knocked_out = _working_lamps(workspace, target.slug, lamps, crs)
    results = []
    for name, route in lines:
        stretches = dark_stretches(route, working, radius_m=radius_m)
        dark_m = sum(stretch.length_m for stretch in stretches)
        results.append(DarkRoute(name, round(route.length, 2), round(dark_m, 2), stretches, route))
    return DarkReport(target.slug, radius_m, len(working), knocked_out, results)


# ------------------------------------------------------------------------- change
@dataclass(frozen=True, slots=True)
class ChangeReport:
    """How an area changed between two walks: matched by category within a distance."""

    area: str
    before: int
    after: int
    distance_m: float
    resolved: list[int]
    """Observations of the first walk with nothing like them in the second."""
    persisting: list[tuple[int, int]]
    """(first walk's number, second walk's number) of the same thing seen twice."""
    new: list[int]
    """Observations of the second walk with nothing like them in the first."""


def _walk_uuid(walks: dict[str, Walk], number: str) -> str:
    walk = walks.get(number.strip())
    if walk is None:
        listed = ", ".join(sorted(walks, key=int)) or "-"
        raise AnalysisError(
            Text(
                sv=f"Området har ingen vandring nr {number}. Vandringar: {listed}.",
                en=f"The area has no walk no. {number}. Walks: {listed}.",
            )
        )
    return walk.uuid


def walk_changes(
    workspace: Workspace, area: str, *, before: str, after: str, distance_m: float = 15.0
) -> ChangeReport:
    """Return what was resolved, what persists and what is new between two walks of an area.

    An observation of the second walk is the same thing as one of the first when both have
    the same category and lie within ``distance_m`` (inclusive); the pairing is optimal:
    as many pairs as possible, then the shortest total distance (``gis.matching``).

    Raises
    ------
    AnalysisError
        A walk number the area does not have.
    """
    _check_metres(distance_m, "distance", zero=True)
    target = find_area(workspace, area)
    walks = {str(w.number): w for w in list_walks(workspace, target.slug)}
    first_uuid, second_uuid = _walk_uuid(walks, before), _walk_uuid(walks, after)
    frame = observation_frame(workspace, target.slug, columns=("number", "walk_uuid"))
    first = frame[frame["walk_uuid"] == first_uuid].reset_index(drop=True)
    second = frame[frame["walk_uuid"] == second_uuid].reset_index(drop=True)
    matching = match_points(
        representative_xy(first), first["category"].tolist(),
        representative_xy(second), second["category"].tolist(), distance_m=distance_m,
    )  # fmt: skip
    first_numbers = [int(n) for n in first["number"]]
    second_numbers = [int(n) for n in second["number"]]
    return ChangeReport(
        area=target.slug,
        before=int(before),
        after=int(after),
        distance_m=distance_m,
        resolved=sorted(first_numbers[i] for i in matching.resolved),
        persisting=sorted((first_numbers[i], second_numbers[j]) for i, j in matching.persisting),
        new=sorted(second_numbers[j] for j in matching.new),
    )


# ----------------------------------------------------------------------- priority
PRIORITY_TERMS: Final = ("severity", "nearby", "crime_place", "dark_stretch", "in_dark")
DEFAULT_WEIGHTS: Final = {
    "severity": 2.0,
    "nearby": 1.0,
    "crime_place": 1.0,
    "dark_stretch": 1.0,
    "in_dark": 0.5,
}
NEARBY_M: Final = 50.0
"""How close other observations, and crime-exposed places, count as nearby."""
NEARBY_FULL: Final = 5
"""Other observations nearby at which the ``nearby`` term is full (1)."""
ON_DARK_STRETCH_M: Final = 10.0
"""How close to a dark stretch of a planned route an observation counts as on it."""


@dataclass(frozen=True, slots=True)
class Priority:
    """One observation's score and what each term added to it."""

    number: int
    category: str
    score: float
    terms: dict[str, float]
    """Term → weight × the term's value (0–1); they add up to ``score``."""


@dataclass(frozen=True, slots=True)
class PriorityReport:
    """An area's observations by priority score, highest first, with the weights used."""

    area: str
    weights: dict[str, float]
    observations: list[Priority]


def load_weights(path: Path) -> dict[str, float]:
    """Return the weights in a TOML file's ``[weights]`` table, the defaults for the rest.

    Raises
    ------
    AnalysisError
        Not TOML, an unknown term, or a weight that is not a number of 0 or more.
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise AnalysisError(
            Text(
                sv=f"Viktfilen {path} kunde inte läsas: {error}.",
                en=f"The weights file {path} could not be read: {error}.",
            )
        ) from None
    given = document.get("weights", document)
    terms = ", ".join(PRIORITY_TERMS)
    weights = dict(DEFAULT_WEIGHTS)
    for term, value in given.items():
        if term not in PRIORITY_TERMS:
            raise AnalysisError(
                Text(
                    sv=f"Viktfilen {path}: okänd term {term!r}. Termer: {terms}.",
                    en=f"The weights file {path}: unknown term {term!r}. Terms: {terms}.",
                )
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise AnalysisError(
                Text(
                    sv=f"Viktfilen {path}: vikten för {term!r} ska vara ett tal, 0 eller större.",
                    en=f"The weights file {path}: the weight of {term!r} must be a number, "
                    "0 or more.",
                )
            )
        weights[term] = float(value)
    return weights


def _dark_stretch_lines(workspace: Workspace, slug: str) -> list[BaseGeometry]:
    """Return the dark stretches of the area's planned routes as lines (none without any)."""
    if not any(w.route is not None for w in list_walks(workspace, slug)):
        return []
    report = dark_routes(workspace, slug)
    return [piece for route in report.routes for piece, _ in dark_stretch_pieces(route)]


def prioritise(
    workspace: Workspace, area: str, *, weights: dict[str, float] | None = None
) -> PriorityReport:
    """Return a transparent priority score per observation, highest first.

    The score is the weighted sum of five terms, each between 0 and 1: ``severity`` (the
    level over the category's highest), ``nearby`` (other observations within
    ``NEARBY_M``, full at ``NEARBY_FULL``), ``crime_place`` (1 within ``NEARBY_M`` of a
    crime-exposed place other than itself), ``dark_stretch`` (1 within
    ``ON_DARK_STRETCH_M`` of a dark stretch of a planned route, see ``dark_routes``) and
    ``in_dark`` (1 when made in the dark). Positive places are scored too: leave them out
    by category where that is wanted.
    """
    chosen = dict(DEFAULT_WEIGHTS if weights is None else weights)
    target = find_area(workspace, area)
    frame = observation_frame(workspace, target.slug)
    xy = representative_xy(frame)
    catalog = workspace.catalog
    top = {
        spec.name: max((float(level.value) for level in spec.severity.levels), default=1.0)
        for spec in catalog.categories
        if spec.severity is not None
    }
    neighbours = _neighbours(xy, xy, NEARBY_M)
    is_crime = (frame["category"] == CRIME_PLACE).to_numpy()
    stretches = _dark_stretch_lines(workspace, target.slug)
    if stretches:
        tree = shapely.STRtree(stretches)
        near, _ = tree.query(shapely.points(xy), predicate="dwithin", distance=ON_DARK_STRETCH_M)
        on_dark = set(near.tolist())
    else:
        on_dark = set()
    results = []
    for i, row in enumerate(frame.itertuples()):
        others = [j for j in neighbours[i] if j != i]
        severity = row.severity
        values = {
            "severity": 0.0 if pd.isna(severity) else float(severity) / top.get(row.category, 1.0),
            "nearby": min(len(others), NEARBY_FULL) / NEARBY_FULL,
            "crime_place": float(any(is_crime[j] for j in others)),
            "dark_stretch": float(i in on_dark),
            "in_dark": float(row.light_condition == "dark"),
        }
        terms = {term: round(chosen[term] * values[term], 3) for term in PRIORITY_TERMS}
        results.append(
            Priority(int(row.number), str(row.category), round(sum(terms.values()), 3), terms)
        )
    results.sort(key=lambda p: (-p.score, p.number))
    return PriorityReport(target.slug, chosen, results)


# -------------------------------------------------------------------------- saving
def _saved_rows(workspace: Workspace, slug: str, layer: str) -> list[str]:
    return [r["uuid"] for r in workspace.store.read_records(slug, layer, Query(columns=("uuid",)))]


def _record_values(actor: str, now: datetime) -> dict[str, object]:
    return {"created_at": now, "updated_at": now, "created_by": actor, "is_demo": False}


def save_hotspots(
    workspace: Workspace, report: HotspotReport, *, actor: str, now: datetime | None = None
) -> dict[str, int]:
    """Save each analysed area's hotspots as its ``analysis_hotspots`` layer; return counts.

    The outlines replace what an earlier run saved, in one transaction per area, so the
    layer always holds one whole run (it opens styled in QGIS).
    """
    moment = now or datetime.now(UTC)
    saved = {}
    for slug in report.areas:
        features = [
            (
                {
                    "hotspot": h.id,
                    "count": h.count,
                    "category": h.category,
                    "observations": json.dumps(h.observations),
                    "radius_m": report.radius_m,
                    "min_count": report.min_count,
                    **_record_values(actor, moment),
                },
                h.outline,
            )
            for h in report.hotspots
            if h.area == slug
        ]
        old = _saved_rows(workspace, slug, HOTSPOTS_LAYER)
        workspace.store.replace(slug, HOTSPOTS_LAYER, old, features, actor=actor)
        saved[slug] = len(features)
    return saved


def _piece(route: BaseGeometry, stretch: Stretch) -> BaseGeometry:
    """Return the part of ``route`` a stretch covers; a stretch never spans two parts."""
    start = 0.0
    for part in getattr(route, "geoms", [route]):
        if stretch.to_m <= start + part.length + 1e-6:
            return substring(part, stretch.from_m - start, stretch.to_m - start)
        start += part.length
    return substring(route, stretch.from_m, stretch.to_m)


def dark_stretch_pieces(route: DarkRoute) -> list[tuple[BaseGeometry, Stretch]]:
    """Return each dark stretch of ``route`` with the part of the route it covers (EPSG:3006)."""
    return [(_piece(route.route, stretch), stretch) for stretch in route.stretches]


def save_dark(
    workspace: Workspace, report: DarkReport, *, actor: str, now: datetime | None = None
) -> int:
    """Save the dark stretches as lines in the area's ``analysis_dark`` layer; return how many.

    They replace what an earlier run saved, in one transaction.
    """
    moment = now or datetime.now(UTC)
    features = [
        (
            {
                "route": route.name,
                "from_m": round(stretch.from_m, 3),
                "to_m": round(stretch.to_m, 3),
                "length_m": round(stretch.length_m, 3),
                "radius_m": report.radius_m,
                **_record_values(actor, moment),
            },
            _piece(route.route, stretch),
        )
        for route in report.routes
        for stretch in route.stretches
    ]
    old = _saved_rows(workspace, report.area, DARK_LAYER)
    workspace.store.replace(report.area, DARK_LAYER, old, features, actor=actor)
    return len(features)
