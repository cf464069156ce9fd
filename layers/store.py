"""The store protocol every backend implements, the records it exchanges, and ``open_store``.

A store holds a workspace: a set of areas, each with its boundary, one layer per
observation category, walks, measures and a change log. Geometries go in and come out
in SWEREF 99 TM (EPSG:3006). Backends: ``gpkg`` (a folder of GeoPackages, one per area).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from gis.i18n import Text
from layers.catalog import Catalog
from layers.errors import StoreError

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry


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


class Store(Protocol):
    """Storage of areas and their layers; every write is one transaction."""

    catalog: Catalog

    @property
    def location(self) -> str:
        """Where the data lives, for messages (a folder, a database URL without password)."""

    def exclusive(self) -> AbstractContextManager[None]:
        """Hold a lock on the whole store against other processes, for one-time set-up."""

    def areas(self) -> list[Area]:
        """Return every area, sorted by name."""

    def add_area(self, area: Area, *, actor: str) -> None:
        """Create an area with every layer of the catalog, empty."""

    def append(
        self,
        slug: str,
        layer: str,
        values: Mapping[str, object],
        geometry: BaseGeometry | None,
        *,
        actor: str,
        children: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
    ) -> dict[str, Any]:
        """Add one feature in one transaction and return its stored values.

        The store assigns ``number`` from the area's sequence for the layer (never
        reused), validates every value against the layer's table, and writes a change
        log entry in the same transaction. ``children`` are rows of tables that belong to
        the feature (``{"photos": [...]}``), stored in the same transaction.
        """

    def delete(self, slug: str, layer: str, uuids: Sequence[str], *, actor: str) -> int:
        """Delete features by UUID in one transaction (logged); return how many went."""

    def read_layer(self, slug: str, layer: str) -> gpd.GeoDataFrame:
        """Return every feature of a layer, geometry in EPSG:3006."""

    def feature_counts(self, slug: str) -> dict[str, int]:
        """Return the number of features per layer of an area."""

    def check(self, *, repair: bool = False) -> list[Problem]:
        """Verify integrity, feature counts, spatial indexes and catalog conformance."""


def open_store(url: str | Path, catalog: Catalog) -> Store:
    """Open the store at ``url``: a folder path (GeoPackages) or ``gpkg:///path``.

    Raises
    ------
    StoreError
        For an unsupported URL scheme, or a folder that cannot be used.
    """
    text = str(url)
    if text.startswith(("postgresql://", "postgres://")):
        raise StoreError(
            Text(
                sv="PostGIS-lagring finns inte ännu; använd en mapp med GeoPackage-filer.",
                en="PostGIS storage is not available yet; use a folder of GeoPackage files.",
            )
        )
    if "://" in text and not text.startswith("gpkg://"):
        scheme = text.split("://", 1)[0]
        raise StoreError(
            Text(
                sv=f"Okänd lagringstyp {scheme!r}; ange en mapp eller gpkg:///sökväg.",
                en=f"Unknown storage type {scheme!r}; give a folder or gpkg:///path.",
            )
        )
    from layers.gpkg import GeoPackageStore

    return GeoPackageStore(Path(text.removeprefix("gpkg://")), catalog)
