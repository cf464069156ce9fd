"""The records a store exchanges with its callers: areas, problems, queries and photos."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gis.i18n import Text

if TYPE_CHECKING:
    from datetime import datetime

    from shapely.geometry.base import BaseGeometry

    from layers.catalog import GeometryType

Record = dict[str, Any]
"""One stored feature as typed Python values (``datetime``, ``bool``, enums, …) and, for
layers with geometry, ``"geometry"`` in EPSG:3006."""
Update = tuple[str, str, Mapping[str, object]]
"""A change to one feature: (layer, uuid, the values that change)."""
Batch = tuple[str, str, Sequence[tuple[Mapping[str, object], "BaseGeometry | None"]]]
"""Features for one layer of one area: (area, layer, [(values, geometry), …])."""


@dataclass(frozen=True, slots=True)
class Area:
    """An area (område): a named polygon with its own layers."""

    slug: str
    name: str
    boundary: BaseGeometry
    """MultiPolygon in EPSG:3006."""
    source: str = ""
    is_demo: bool = False


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing ``Store.check`` found wrong."""

    area: str
    layer: str
    text: Text
    repairable: bool = False


@dataclass(frozen=True, slots=True)
class TimeWindow:
    """Features whose time ``column`` (a datetime field) lies from ``start`` to ``end``.

    Both ends are included; None leaves that end open. Times are aware (any zone).
    """

    column: str
    start: datetime | None = None
    end: datetime | None = None


@dataclass(frozen=True, slots=True)
class Query:
    """Which features of a layer to read: every condition given must hold.

    A backend turns each condition into an indexed lookup (uuid, walk, spatial index).
    Features come in fid order; ``after_fid`` and ``limit`` read them a page at a time
    (keyset paging: a page costs the same however far on it is).
    """

    uuids: tuple[str, ...] | None = None
    walk_uuid: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    """(min_x, min_y, max_x, max_y) in EPSG:3006: features whose extent meets this box."""
    is_demo: bool | None = None
    columns: tuple[str, ...] | None = None
    """Attribute columns to return (None: all); the id and the geometry always come."""
    kind: GeometryType | None = None
    """Only the layer's table of this kind of geometry (a category's ``passage_line``:
    ``LineString``); a layer of one table is read only if its own kind is this."""
    during: TimeWindow | None = None
    after_fid: int | None = None
    """Only features whose fid is greater (the last fid of the page before)."""
    limit: int | None = None
    """At most this many features, the first in fid order."""


@dataclass(frozen=True, slots=True)
class PhotoInfo:
    """A stored photo of a feature, with its thumbnail; the full image is read on demand."""

    uuid: str
    feature_uuid: str
    layer: str
    width: int
    height: int
    thumbnail: bytes


@dataclass(frozen=True, slots=True)
class AreaCopy:
    """Everything of one area, as read from a store, to write into another.

    ``tables``: every table but the boundary's, as typed records (with ``geometry``);
    ``sequences``: the last number drawn per sequence, so that none is given out again.
    """

    area: Area
    tables: Mapping[str, Sequence[Record]]
    sequences: Mapping[str, int]


@dataclass(frozen=True, slots=True)
class Erasure:
    """What one retention rule removes from one area (``Store.erase``): personal data, for good.

    Everything given is done in the area's one transaction, in this order: ``updates``,
    ``features``, ``photos``, ``masked``, ``renamed``; then one change-log entry records
    the rule and how much it removed.
    """

    rule: str
    """The rule's name, recorded in the change log with what it removed."""
    updates: tuple[Update, ...] = ()
    """Values to change, validated and logged as ``Store.update_many`` does (an e-mail is
    logged only as ``***``)."""
    features: tuple[tuple[str, str], ...] = ()
    """(layer, uuid): features deleted whole, with their photos and notes (each logged)."""
    photos: tuple[str, ...] = ()
    """Photos (UUIDs) deleted; each logged, never with its image."""
    masked: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(feature uuid, keys): in every change-log entry of the feature, the values of these
    keys (``"geometry"`` too) are replaced by ``***``."""
    renamed: tuple[str, str] | None = None
    """(name, new name): an account's name replaced wherever the area keeps who did what:
    the change log's ``actor`` and the ``created_by``/``handled_by`` in its values, and
    the ``created_by``/``handled_by`` of every layer. Not logged value by value (the log
    would keep the name): the rule's entry says it was done."""

    @property
    def is_empty(self) -> bool:
        """Whether the erasure removes nothing."""
        return not (self.updates or self.features or self.photos or self.masked or self.renamed)
