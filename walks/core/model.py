"""The domain model: statuses and records of observations and areas (no I/O)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime

from shapely.geometry.base import BaseGeometry

from gis.i18n import Text
from gis.photos import Photo
from layers.catalog import Catalog, FieldSpec, LayerSpec
from layers.records import Area, PhotoInfo
from layers.values import (
    LightCondition,
    MeasureStatus,
    ObservationOrigin,
    ObservationStatus,
    ReferenceKind,
    ReportStatus,
    RequestState,
    WalkKind,
)

# The layer types the use cases hand to the app, re-exported so ui/ needs only walks/.
__all__ = [
    "Area",
    "AreaSummary",
    "Catalog",
    "DrawnShape",
    "FieldSpec",
    "LayerSpec",
    "LightCondition",
    "MeasureStatus",
    "Observation",
    "ObservationDraft",
    "ObservationOrigin",
    "ObservationStatus",
    "PhotoInfo",
    "Position",
    "ReferenceKind",
    "ReportStatus",
    "RequestState",
    "Walk",
    "WalkKind",
    "WalkPlan",
]


@dataclass(frozen=True, slots=True)
class Position:
    """A position as the user gave it: x/longitude, y/latitude and their CRS."""

    x: float
    y: float
    crs: str = "EPSG:4326"


@dataclass(frozen=True, slots=True)
class DrawnShape:
    """A line or an area as the user drew or typed it, and its CRS (x/longitude first)."""

    geometry: BaseGeometry
    crs: str = "EPSG:4326"


@dataclass(frozen=True, slots=True)
class ObservationDraft:
    """What a user registers; the workspace turns it into a stored ``Observation``."""

    category: str
    position: Position | DrawnShape
    """A point, or a line or area for the categories that take them (``LayerSpec.accepts``)."""
    created_by: str
    uuid: str | None = None
    """The observation's UUID when the device that made it gave one (it sends it again until
    it hears the observation was stored); None: the store makes one."""
    severity: int | None = None
    description: str = ""
    walk_uuid: str | None = None
    fields: Mapping[str, object] = field(default_factory=dict)
    observed_at: datetime | None = None
    status: ObservationStatus = ObservationStatus.NEW
    is_demo: bool = False
    light_condition: LightCondition | None = None
    """None: derived from the sun's elevation at the position and ``observed_at``."""
    photos: tuple[Photo, ...] = ()
    """Photos already checked and stripped of metadata (``gis.photos.process_photo``)."""


@dataclass(frozen=True, slots=True)
class Observation:
    """A stored observation: one feature in its area's category layer."""

    uuid: str
    number: int
    area: str
    category: str
    x: float
    """Easting in SWEREF 99 TM (m)."""
    y: float
    """Northing in SWEREF 99 TM (m)."""
    lon: float
    lat: float
    status: ObservationStatus
    severity: int | None
    description: str
    walk_uuid: str | None
    observed_at: datetime
    created_by: str
    is_demo: bool
    fields: Mapping[str, object]
    light_condition: LightCondition | None = None
    geometry_type: str = "Point"
    """Point, LineString or Polygon; x/y and lon/lat are a point on a line or in an area."""
    responsible: str | None = None
    """The organisation a user chose as responsible (``actions.routing``); None: the rules'."""
    origin: ObservationOrigin | None = None
    """Where it came from when not from the district's own registration: a resident's report."""


PARTICIPANT_GROUPS: tuple[str, ...] = (
    "residents", "young_people", "housing_company", "property_owner", "police",
    "district", "transit", "school", "other",
)  # fmt: skip
"""Groups whose head-counts a walk records; no personal names are stored."""
PARTICIPANT_TITLES: dict[str, Text] = {
    "residents": Text(sv="Boende", en="Residents"),
    "young_people": Text(sv="Unga", en="Young people"),
    "housing_company": Text(sv="Bostadsbolag", en="Housing company"),
    "property_owner": Text(sv="Fastighetsägare", en="Property owner"),
    "police": Text(sv="Polis", en="Police"),
    "district": Text(sv="Stadsdelsförvaltning", en="District administration"),
    "transit": Text(sv="Kollektivtrafik (SL)", en="Public transport (SL)"),
    "school": Text(sv="Skola", en="School"),
    "other": Text(sv="Övriga", en="Others"),
}
"""Each participant group's name, in both languages."""


@dataclass(frozen=True, slots=True)
class WalkPlan:
    """A walk as the coordinator plans it."""

    area: str
    title: str
    starts_at: datetime
    created_by: str
    kind: WalkKind = WalkKind.REGULAR
    organisations: tuple[str, ...] = ()
    participants: Mapping[str, int] = field(default_factory=dict)
    notes: str = ""
    route: BaseGeometry | None = None
    """The planned route as a WGS 84 line (drawn, or from GPX)."""


@dataclass(frozen=True, slots=True)
class Walk:
    """A stored walk."""

    uuid: str
    number: int
    area: str
    title: str
    starts_at: datetime
    kind: WalkKind
    organisations: tuple[str, ...]
    participants: Mapping[str, int]
    notes: str
    is_demo: bool
    route: BaseGeometry | None = None
    """The route in EPSG:3006, if one was planned."""


@dataclass(frozen=True, slots=True)
class AreaSummary:
    """An area with the number of features in each of its layers."""

    slug: str
    name: str
    is_demo: bool
    counts: Mapping[str, int]
    observations: int
