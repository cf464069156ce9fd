"""Registering observations: where a position lies, validation, storing; and listing them."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

import numpy as np
import shapely
import shapely.errors
import shapely.geometry
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gis.analysis import containing_keys, label_points, nearest_key
from gis.crs import SWEREF99_TM, crs_from_user_input, to_storage_crs, to_wgs84
from gis.detection import with_findings_blacked_out
from gis.i18n import Text
from gis.photos import Photo
from layers.errors import FeatureValidationError
from layers.schema import OBSERVATION_FIELDS, PHOTOS_LAYER, WALKS_LAYER
from layers.store import Area, PhotoInfo, Query, Record
from walks.core.errors import LatLonSwappedError, OutsideAreasError, PositionError
from walks.core.model import DrawnShape, Observation, ObservationDraft, ObservationStatus, Position
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.planning import light_condition_at

_COMMON = frozenset(f.name for f in OBSERVATION_FIELDS)


def distance_text(metres: float) -> Text:
    """Return a distance for people: ``"430 m"`` or ``"2,3 km"`` / ``"2.3 km"``."""
    if metres < 1000:
        text = f"{metres:.0f} m"
        return Text(sv=text, en=text)
    km = f"{metres / 1000:.1f}"
    return Text(sv=f"{km.replace('.', ',')} km", en=f"{km} km")


def position_to_point(position: Position) -> Point:
    """Return ``position`` as a point in SWEREF 99 TM.

    Raises
    ------
    PositionError
        Coordinates that are not numbers, or not a longitude/latitude when the CRS is
        geographic.
    gis.errors.UnknownCRSError
        An unknown CRS.
    """
    crs = crs_from_user_input(position.crs)
    x, y = position.x, position.y
    if not (math.isfinite(x) and math.isfinite(y)):
        raise PositionError(
            Text(sv=f"Ogiltiga koordinater ({x}, {y}).", en=f"Invalid coordinates ({x}, {y}).")
        )
    if crs.is_geographic and not (abs(x) <= 180 and abs(y) <= 90):
        raise PositionError(
            Text(
                sv=f"({x}, {y}) är ingen longitud/latitud: longitud ligger mellan -180 och 180, "
                "latitud mellan -90 och 90 (Stockholm: longitud 17.8–18.2, latitud 59.2–59.4).",
                en=f"({x}, {y}) is not a longitude/latitude: longitude lies between -180 and 180, "
                "latitude between -90 and 90 (Stockholm: longitude 17.8–18.2, latitude 59.2–59.4).",
            )
        )
    point = to_storage_crs(Point(x, y), crs)
    if not (math.isfinite(point.x) and math.isfinite(point.y)):
        raise PositionError(
            Text(
                sv=f"({x}, {y}) går inte att räkna om från {position.crs} till SWEREF 99 TM.",
                en=f"({x}, {y}) cannot be transformed from {position.crs} to SWEREF 99 TM.",
            )
        )
    return point


def drawn_shape(drawing: Mapping[str, object] | None) -> DrawnShape | None:
    """Return a line or area drawn on a web map (a GeoJSON feature in WGS 84), or None.

    Points are not shapes (a tap gives a position); anything that is not a line or an area
    with enough corners is refused with a message.

    Raises
    ------
    PositionError
        The drawing is not a usable line or area.
    """
    if not drawing:
        return None
    geometry_json = drawing.get("geometry", drawing)
    try:
        geometry = shapely.geometry.shape(geometry_json)
    except (AttributeError, KeyError, TypeError, ValueError, shapely.errors.GEOSException):
        geometry = None
    if geometry is None or geometry.is_empty:
        raise PositionError(
            Text(sv="Det ritade gick inte att läsa: rita linjen eller ytan igen.",
                 en="What was drawn could not be read: draw the line or area again.")
        )  # fmt: skip
    if geometry.geom_type == "Point":
        return None
    return DrawnShape(geometry, "EPSG:4326")


def choose_position(
    *,
    typed: tuple[float | None, float | None] = (None, None),
    crs: str = "EPSG:4326",
    tapped: tuple[float, float] | None = None,
    gps: tuple[float, float] | None = None,
    photos: Sequence[Photo] = (),
) -> Position | None:
    """Return the position to register, from the sources a user gave; None if there is none.

    Typed coordinates (in ``crs``) win, then a point tapped on the map, then the phone's
    GPS (both longitude/latitude), then the first photo with a GPS position in its EXIF:
    what the user did on purpose wins over what a device measured.

    Raises
    ------
    PositionError
        Only one of the two typed coordinates was given.
    """
    x, y = typed
    if x is not None and y is not None:
        return Position(x, y, crs)
    if (x, y) != (None, None):
        raise PositionError(
            Text(
                sv="Ange båda koordinaterna (longitud och latitud), eller ingen av dem.",
                en="Give both coordinates (longitude and latitude), or neither.",
            )
        )
    for pointed in (tapped, gps):
        if pointed is not None:
            return Position(*pointed)
    for photo in photos:
        if photo.lon is not None and photo.lat is not None:
            return Position(photo.lon, photo.lat)
    return None


def locate(
    workspace: Workspace,
    position: Position,
    *,
    area: str | None = None,
    known: Sequence[Area] | None = None,
) -> tuple[Area, Point]:
    """Return the area a position lies in (the smallest, if areas overlap) and the point.

    With ``area`` the position must lie in that area, or within the configured tolerance
    of its boundary. ``known``: the workspace's areas, when the caller has read them
    already (an import locates many positions).

    Raises
    ------
    PositionError
        Outside every area (naming the nearest and the distance), outside the named area,
        or with latitude and longitude swapped.
    """
    point = position_to_point(position)
    areas = {a.slug: a for a in (workspace.areas() if known is None else known)}
    boundaries: dict[str, BaseGeometry] = {slug: a.boundary for slug, a in areas.items()}
    tolerance = workspace.settings.area_tolerance_m
    if area is not None:
        wanted = areas.get(area) or find_area(workspace, area)
        distance = wanted.boundary.distance(point)
        if distance <= tolerance:
            return wanted, point
        containing = containing_keys(point, boundaries)
        hint = (
            Text(
                sv=f" Den ligger i {areas[containing[0]].name}.",
                en=f" It lies in {areas[containing[0]].name}.",
            )
            if containing
            else Text(sv="", en="")
        )
        far = distance_text(distance)
        raise PositionError(
            Text(
                sv=f"Positionen ligger {far.sv} utanför {wanted.name}.{hint.sv}",
                en=f"The position lies {far.en} outside {wanted.name}.{hint.en}",
            )
        )
    containing = containing_keys(point, boundaries)
    if containing:
        return areas[containing[0]], point
    nearest = nearest_key(point, boundaries)
    if nearest is not None and nearest.distance_m <= tolerance:
        return areas[nearest.key], point
    _raise_if_swapped(position, boundaries, areas)
    if nearest is None:
        raise PositionError(
            Text(sv="Arbetsytan har inga områden ännu.", en="The workspace has no areas yet.")
        )
    far = distance_text(nearest.distance_m)
    raise OutsideAreasError(
        Text(
            sv=OutsideAreasError.template.sv.format(
                x=position.x, y=position.y, area=areas[nearest.key].name, distance=far.sv
            ),
            en=OutsideAreasError.template.en.format(
                x=position.x, y=position.y, area=areas[nearest.key].name, distance=far.en
            ),
        )
    )


def observation_area(
    workspace: Workspace,
    position: Position | DrawnShape,
    *,
    area: str | None = None,
    known: Sequence[Area] | None = None,
) -> Area:
    """Return the area an observation at ``position`` goes to, as ``record_observation`` finds it.

    A drawn line or area goes where its label point lies. With ``area`` the position must
    lie in that area (or within the tolerance of its boundary), as in ``locate``; so a page
    can say where an observation will go, or why it cannot, before it is saved.

    Raises
    ------
    PositionError
        As ``locate``; or a shape whose coordinates do not fit its CRS.
    """
    if isinstance(position, DrawnShape):
        position = _label_position(_shape_to_storage_crs(position))
    return locate(workspace, position, area=area, known=known)[0]


def _label_position(geometry: BaseGeometry) -> Position:
    """Return the point inside a SWEREF 99 TM line or area that places it in an area."""
    inside = label_points([geometry])[0]
    return Position(inside.x, inside.y, SWEREF99_TM)


def _raise_if_swapped(
    position: Position, boundaries: Mapping[str, BaseGeometry], areas: Mapping[str, Area]
) -> None:
    area = swapped_area(position, boundaries, areas)
    if area is not None:
        raise LatLonSwappedError(x=position.x, y=position.y, area=area.name)


def swapped_area(
    position: Position, boundaries: Mapping[str, BaseGeometry], areas: Mapping[str, Area]
) -> Area | None:
    """Return the area ``position`` would lie in with its two coordinates swapped, if any."""
    swapped = Position(position.y, position.x, position.crs)
    try:
        point = position_to_point(swapped)
    except PositionError:
        return None
    containing = containing_keys(point, boundaries)
    return areas[containing[0]] if containing else None


def _walk_uuid(workspace: Workspace, target: Area, walk: str | None) -> str | None:
    """Return the UUID of walk ``walk`` (its number or UUID) in area ``target``.

    Raises
    ------
    FeatureValidationError
        No such walk in the area; a walk of another area says which.
    """
    if walk is None or not walk.strip():
        return None
    text = walk.strip()
    store = workspace.store
    slug = target.slug
    if store.read_records(slug, WALKS_LAYER, Query(uuids=(text,), columns=("uuid",))):
        return text
    walks = store.read_records(slug, WALKS_LAYER, Query(columns=("uuid", "number", "title")))
    for record in walks:
        if str(record["number"]) == text:
            return str(record["uuid"])
    _raise_if_walk_elsewhere(workspace, target, text)
    listed = ", ".join(f"{r['number']} ({r['title']})" for r in walks)
    error = FeatureValidationError(
        Text(
            sv=f"Området har ingen trygghetsvandring {text!r}. Vandringar: {listed or '-'}.",
            en=f"The area has no safety walk {text!r}. Walks: {listed or '-'}.",
        )
    )
    error.field = "walk"
    raise error


def _raise_if_walk_elsewhere(workspace: Workspace, target: Area, uuid: str) -> None:
    """Refuse, by name, the UUID of a walk of another area than ``target``.

    A walk chosen for one area and a position in another: the message says both.
    """
    for other in workspace.areas():
        if other.slug == target.slug:
            continue
        query = Query(uuids=(uuid,), columns=("number", "title"))
        for record in workspace.store.read_records(other.slug, WALKS_LAYER, query):
            walk = f"{record['number']} ({record['title']})"
            raise FeatureValidationError(
                Text(
                    sv=f"Vandring {walk} hör till {other.name}, men iakttagelsen hamnar i "
                    f"{target.name}. Välj en vandring i {target.name}, eller ingen.",
                    en=f"Walk {walk} belongs to {other.name}, but the observation goes to "
                    f"{target.name}. Choose a walk in {target.name}, or none.",
                )
            )


def photo_rows(
    photos: Sequence[Photo], moment: datetime, *, redact: bool
) -> list[dict[str, object]]:
    """Return checked photos as rows of the photos table, for a feature's ``children``.

    Every photo that is stored becomes a row here, whichever way it came (the phone's
    capture page, the app's pages, a resident, the command line). ``redact``
    (``Settings.redact_on_upload``): the faces and licence plates found in each are blacked
    out first (``gis.detection.with_findings_blacked_out``), so that no copy of what was
    under them is stored.
    """
    if redact:
        photos = [with_findings_blacked_out(photo) for photo in photos]
    return [
        {
            "mime_type": "image/jpeg",
            "width": photo.width,
            "height": photo.height,
            "image": photo.jpeg,
            "thumbnail": photo.thumbnail,
            "created_at": moment,
        }
        for photo in photos
    ]


@dataclass(frozen=True, slots=True)
class Prepared:
    """An observation checked and ready to store: where, and the row with its photos."""

    area: str
    category: str
    values: dict[str, object]
    geometry: BaseGeometry
    photos: list[dict[str, object]]

    def stored(self, record: Record) -> Observation:
        """Return the observation the store made of this row."""
        return _observation(self.area, self.category, record)


def prepare_observation(
    workspace: Workspace,
    draft: ObservationDraft,
    *,
    area: str | None = None,
    walk: str | None = None,
    now: datetime | None = None,
) -> Prepared:
    """Check ``draft`` and return what ``record_observation`` stores; see there.

    Raises as ``record_observation`` does, except for the values the store itself checks
    (a field's type and allowed values, when it is written).
    """
    spec = workspace.catalog.category(draft.category)
    own = {f.name for f in spec.fields}
    unknown = sorted(set(draft.fields) - own)
    if unknown:
        raise FeatureValidationError(
            Text(
                sv=f"Kategorin {spec.name!r} har inga fält {', '.join(unknown)}. "
                f"Dess fält: {', '.join(sorted(own)) or '-'}.",
                en=f"Category {spec.name!r} has no field {', '.join(unknown)}. "
                f"Its fields: {', '.join(sorted(own)) or '-'}.",
            )
        )
    if spec.severity is None and draft.severity is not None:
        raise FeatureValidationError(
            Text(
                sv=f"Kategorin {spec.name!r} har ingen allvarlighetsgrad; utelämna den.",
                en=f"Category {spec.name!r} has no severity; leave it out.",
            )
        )
    geometry = None
    if isinstance(draft.position, DrawnShape):
        geometry = shape_to_storage(draft.position, accepts=spec.accepts, category=spec.name)
        target, point = locate(workspace, _label_position(geometry), area=area)
    else:
        target, point = locate(workspace, draft.position, area=area)
    moment = now or datetime.now(UTC)
    observed_at = draft.observed_at or moment
    wgs = to_wgs84(point)
    light = draft.light_condition or light_condition_at(wgs.x, wgs.y, observed_at)
    walk_uuid = _walk_uuid(workspace, target, walk) if walk else draft.walk_uuid
    values: dict[str, object] = {
        "uuid": draft.uuid,
        "status": draft.status,
        "severity": draft.severity,
        "description": draft.description,
        "walk_uuid": walk_uuid,
        "observed_at": observed_at,
        "light_condition": light,
        "created_at": moment,
        "updated_at": moment,
        "created_by": draft.created_by,
        "is_demo": draft.is_demo,
        **draft.fields,
    }
    return Prepared(target.slug, spec.name, values, point if geometry is None else geometry,
                    photo_rows(draft.photos, moment,
                               redact=workspace.settings.redact_on_upload))  # fmt: skip


def record_observation(
    workspace: Workspace,
    draft: ObservationDraft,
    *,
    area: str | None = None,
    walk: str | None = None,
    now: datetime | None = None,
) -> Observation:
    """Validate ``draft``, store it in its area's category layer and return it with its number.

    Parameters
    ----------
    area
        Area id or name; None finds the area from the position.
    walk
        The walk's number or UUID in that area (``draft.walk_uuid`` is used otherwise).
    now
        The registration time (UTC), for tests and imports.

    Raises
    ------
    layers.errors.LayerError
        Unknown category, missing or invalid field values.
    PositionError
        A position outside every area, outside ``area``, or swapped.
    """
    prepared = prepare_observation(workspace, draft, area=area, walk=walk, now=now)
    stored = workspace.store.append(
        prepared.area,
        prepared.category,
        prepared.values,
        prepared.geometry,
        actor=draft.created_by,
        children={PHOTOS_LAYER: prepared.photos} if prepared.photos else None,
    )
    return prepared.stored(stored)


def shape_to_storage(shape: DrawnShape, *, accepts: tuple[str, ...], category: str) -> BaseGeometry:
    """Return a drawn line or area in SWEREF 99 TM, refusing kinds the category does not take.

    Raises
    ------
    PositionError
        A kind of geometry the category does not take, or coordinates that do not fit
        the CRS.
    gis.errors.UnknownCRSError
        An unknown CRS.
    """
    kind = shape.geometry.geom_type
    if kind not in accepts or kind == "Point":
        kinds = ", ".join(k for k in accepts if k != "Point") or "-"
        raise PositionError(
            Text(
                sv=f"Kategorin {category!r} tar inte {kind} som ritad form; den tar {kinds} "
                "(och punkter som position).",
                en=f"Category {category!r} does not take a drawn {kind}; it takes {kinds} "
                "(and points as positions).",
            )
        )
    return _shape_to_storage_crs(shape)


def _shape_to_storage_crs(shape: DrawnShape) -> BaseGeometry:
    """Return a drawn shape in SWEREF 99 TM, refusing one whose coordinates do not fit its CRS."""
    geometry = to_storage_crs(shape.geometry, crs_from_user_input(shape.crs))
    if not np.isfinite(shapely.get_coordinates(geometry)).all() or geometry.is_empty:
        raise PositionError(
            Text(
                sv=f"Formen går inte att räkna om från {shape.crs} till SWEREF 99 TM.",
                en=f"The shape cannot be transformed from {shape.crs} to SWEREF 99 TM.",
            )
        )
    return geometry


def _observation(slug: str, category: str, record: Record) -> Observation:
    geometry = record["geometry"]
    point = label_points([geometry])[0]
    wgs = to_wgs84(point)
    return Observation(
        uuid=record["uuid"],
        number=record["number"],
        area=slug,
        category=category,
        x=point.x,
        y=point.y,
        lon=round(wgs.x, 7),
        lat=round(wgs.y, 7),
        status=record["status"],
        severity=record["severity"],
        description=record["description"] or "",
        walk_uuid=record["walk_uuid"],
        observed_at=record["observed_at"],
        created_by=record["created_by"],
        is_demo=record["is_demo"],
        light_condition=record["light_condition"],
        geometry_type=geometry.geom_type,
        responsible=record.get("responsible"),
        origin=record.get("origin"),
        fields={
            k: v for k, v in record.items() if k not in _COMMON and k not in ("fid", "geometry")
        },
    )


def list_observations(
    workspace: Workspace, area: str, *, category: str | None = None, query: Query | None = None
) -> list[Observation]:
    """Return the observations of an area (one category, those ``query`` selects), by number."""
    target = find_area(workspace, area)
    names = [workspace.catalog.category(category).name] if category else workspace.catalog.names
    observations = [
        _observation(target.slug, name, record)
        for name in names
        for record in workspace.store.read_records(target.slug, name, query)
    ]
    return sorted(observations, key=lambda o: o.number)


def withdraw_observation(workspace: Workspace, observation: Observation, *, actor: str) -> bool:
    """Delete an observation just registered by mistake (logged); return whether it was there.

    Its number is not given out again.
    """
    removed = workspace.store.delete(
        observation.area, observation.category, [observation.uuid], actor=actor
    )
    return removed == 1


def walk_observations(workspace: Workspace, area: str, walk_uuid: str) -> list[Observation]:
    """Return a walk's observations in the order they were made."""
    observations = list_observations(workspace, area, query=Query(walk_uuid=walk_uuid))
    return sorted(observations, key=lambda o: o.observed_at)


OPEN_STATUSES: Final = frozenset(
    {ObservationStatus.NEW, ObservationStatus.ASSESSED, ObservationStatus.PLANNED}
)
"""Observations not yet resolved or dismissed: a new one near them may be the same."""


@dataclass(frozen=True, slots=True)
class PossibleDuplicate:
    """An open observation of the same category close to a new one."""

    number: int
    distance_m: float


def possible_duplicates(
    workspace: Workspace, observation: Observation, *, distance_m: float | None = None
) -> list[PossibleDuplicate]:
    """Return the open observations of ``observation``'s category within ``distance_m``.

    The distance (default ``Settings.duplicate_m``) is between the observations' points
    (a line's middle, a point inside an area), in metres; nearest first.
    """
    limit = workspace.settings.duplicate_m if distance_m is None else distance_m
    x, y = observation.x, observation.y
    near = Query(bbox=(x - limit, y - limit, x + limit, y + limit),  # the spatial index's work
                 columns=("uuid", "number", "status"))  # fmt: skip
    records = [
        r for r in workspace.store.read_records(observation.area, observation.category, near)
        if r["uuid"] != observation.uuid and r["status"] in OPEN_STATUSES
    ]  # fmt: skip
    points = label_points([r["geometry"] for r in records])
    found = [
        PossibleDuplicate(r["number"], round(math.hypot(p.x - x, p.y - y), 1))
        for r, p in zip(records, points, strict=True)
    ]
    return sorted((d for d in found if d.distance_m <= limit), key=lambda d: d.distance_m)


def find_observation(
    workspace: Workspace, area: str, uuid: str, *, category: str | None = None
) -> Observation | None:
    """Return the observation ``uuid`` of ``area`` with all its fields, or None.

    ``category``: look only there (when it is known, a single lookup).
    """
    found = list_observations(workspace, area, category=category, query=Query(uuids=(uuid,)))
    return found[0] if found else None


def observation_photos(workspace: Workspace, area: str, uuid: str) -> list[PhotoInfo]:
    """Return the photos of observation ``uuid`` (thumbnails; full images on demand)."""
    return workspace.store.read_photos(find_area(workspace, area).slug, [uuid])


def photo_image(workspace: Workspace, area: str, photo_uuid: str) -> bytes | None:
    """Return one photo at full size, or None when there is no such photo."""
    return workspace.store.read_photo_image(find_area(workspace, area).slug, photo_uuid)


def photo_thumbnails(workspace: Workspace, area: str, uuids: list[str]) -> dict[str, list[bytes]]:
    """Return the thumbnails of the photos of features ``uuids``, per feature."""
    photos = workspace.store.read_photos(find_area(workspace, area).slug, uuids)
    thumbnails: dict[str, list[bytes]] = {}
    for photo in photos:
        thumbnails.setdefault(photo.feature_uuid, []).append(photo.thumbnail)
    return thumbnails
