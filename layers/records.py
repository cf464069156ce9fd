"""The records a store exchanges with its callers: areas, problems, queries and photos."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gis.i18n import Text

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

Record = dict[str, Any]
"""One stored feature as typed Python values (``datetime``, ``bool``, enums, …) and, for
layers with geometry, ``"geometry"`` in EPSG:3006."""
Update = tuple[str, str, Mapping[str, object]]
"""A change to one feature: (layer, uuid, the values that change)."""


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
class Query:
    """Which features of a layer to read: every condition given must hold.

    A backend turns each condition into an indexed lookup (uuid, walk, spatial index).
    """

    uuids: tuple[str, ...] | None = None
    walk_uuid: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    """(min_x, min_y, max_x, max_y) in EPSG:3006: features whose extent meets this box."""
    is_demo: bool | None = None
    columns: tuple[str, ...] | None = None
    """Attribute columns to return (None: all); the id and the geometry always come."""


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
