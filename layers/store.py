"""The store protocol every backend implements, and ``open_store``, which alone reads URLs.

A store holds a workspace: a set of areas, each with its boundary, one layer per
observation category, walks, measures, photos and a change log. Geometries go in and
come out in SWEREF 99 TM (EPSG:3006); values come out as the Python types they went in
as. Backends: ``gpkg`` (a folder of GeoPackages, one per area), ``postgis`` (a
PostgreSQL/PostGIS database, one schema per area) and ``memory`` (in this process only:
for tests and trying things out).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from gis.i18n import Text
from layers.accounts import Accounts
from layers.catalog import Catalog
from layers.errors import StoreError
from layers.gpkg import GeoPackageStore
from layers.memory import MemoryStore
from layers.records import (
    Area,
    AreaCopy,
    Batch,
    Erasure,
    PhotoInfo,
    Problem,
    Query,
    Record,
    TimeWindow,
    Update,
)

if TYPE_CHECKING:
    import geopandas as gpd
    from shapely.geometry.base import BaseGeometry

__all__ = [
    "Area", "AreaCopy", "Batch", "Erasure", "PhotoInfo", "Problem", "Query", "Record", "Store",
    "TimeWindow", "Update", "open_store",
]  # fmt: skip

DATABASE_SCHEMES = ("postgresql://", "postgres://")


class Store(Protocol):
    """Storage of areas and their layers; every write is one transaction."""

    catalog: Catalog

    @property
    def location(self) -> str:
        """Where the data lives, for messages (a folder, a database URL without password)."""

    @property
    def is_persistent(self) -> bool:
        """Whether the data outlives this process (not so for ``memory://``)."""

    def accounts(self) -> Accounts:
        """Return the workspace's accounts (``layers.accounts``): in the folder or database."""

    def own_catalog(self) -> str | None:
        """Return the workspace's own catalog (a catalog file's TOML), None for the shipped one."""

    def save_own_catalog(self, text: str) -> None:
        """Keep ``text`` (a catalog file's TOML) as the workspace's own catalog.

        It is used from the next opening on (``safewalk migrate`` carries it over).
        """

    def revision(self) -> str:
        """Return a stamp of the data that changes with every write, by anyone; cheap to call.

        Caches key on it, so changes made elsewhere (another process, QGIS) are seen.
        """

    def close(self) -> None:
        """Let go of what the store holds open (a database's connections).

        Reads and writes after it are not allowed. A folder or memory store holds nothing
        open between calls.
        """

    def exclusive(self) -> AbstractContextManager[None]:
        """Hold a lock on the whole store against other processes, for one-time set-up."""

    def areas(self) -> list[Area]:
        """Return every area, sorted by name."""

    def add_area(self, area: Area, *, actor: str) -> None:
        """Create an area with every layer of the catalog, empty.

        Raises ``StoreError`` for an invalid id or one that is taken.
        """

    def append(
        self,
        slug: str,
        layer: str,
        values: Mapping[str, object],
        geometry: BaseGeometry | None,
        *,
        actor: str,
        children: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
        updates: Sequence[Update] = (),
    ) -> Record:
        """Add one feature in one transaction and return it as stored, typed.

        The store assigns ``number`` from the area's sequence for the layer (never
        reused), validates every value against the layer's table (``layers.rules``),
        and writes a change log entry in the same transaction. ``children`` are rows of
        tables that belong to the feature (``{"photos": [...]}``), and ``updates``
        changes to other features of the area (as ``update_many``), written in the same
        transaction: all of it, or none.
        """

    def add_children(
        self,
        slug: str,
        layer: str,
        uuid: str,
        children: Mapping[str, Sequence[Mapping[str, object]]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add rows that belong to the stored feature ``uuid`` of ``layer``; return them as stored.

        ``children`` as for ``append`` (``{"photos": [...]}``), for a feature stored before:
        photos sent after their observation. One transaction, all or none: each row is
        validated, gets a new UUID unless it gives one, and a change log entry, as
        ``append`` makes them.

        Raises ``StoreError`` when the layer has no feature ``uuid``, and
        ``FeatureValidationError`` for a row that does not fit or a UUID its table holds
        already; nothing is written then.
        """

    def append_many(
        self,
        slug: str,
        layer: str,
        features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add many (values, geometry) features to one layer in one transaction, all or none.

        Each is validated, numbered and logged as ``append`` does; for imports.
        """

    def append_across(
        self,
        features: Sequence[tuple[str, str, Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
        records: bool = True,
    ) -> list[Record]:
        """Add features, each (area, layer, values, geometry), to several areas: all or none.

        Every area's writes are made, each in its own transaction, before any is committed;
        a refused feature rolls every area back. For imports that span areas. Returns the
        features as stored; with ``records`` False, nothing (an import of many has no use
        for them).
        """

    def append_batches(
        self,
        batches: Iterable[Batch],
        *,
        actor: str,
        areas: Collection[str],
        expected: int,
    ) -> int:
        """Add features as ``append_across`` does, taking them in batches as they come.

        A batch is (area, layer, features), each feature (values, geometry). Each batch
        is written before the next is taken, so a caller may still be working out the
        next one meanwhile (an import checking a large file); all the batches are one
        write, all or none: an error from a batch or from taking the next one rolls every
        area back. ``areas``: every area a batch may be bound for; ``expected``: about how
        many features there are at most. Returns how many were added.
        """

    def replace(
        self,
        slug: str,
        layer: str,
        remove: Sequence[str],
        add: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Delete the features ``remove`` (UUIDs) and add ``add``, in one transaction.

        For results saved again (an analysis layer, an imported figure): readers see the
        old rows or the new ones, never neither. Each change is logged.
        """

    def update(
        self, slug: str, layer: str, uuid: str, changes: Mapping[str, object], *, actor: str
    ) -> Record:
        """Change some values of feature ``uuid`` in one transaction; return it as stored.

        The row is validated whole, as on insert (``layers.rules.rows.updated_row``); ``uuid``,
        ``number`` and the creation stamp cannot change, ``updated_at`` is set. The change
        log gets an ``update`` entry with the changed fields, old and new. Changing nothing
        writes nothing. Raises ``StoreError`` when there is no such feature.
        """

    def update_many(self, slug: str, updates: Sequence[Update], *, actor: str) -> list[Record]:
        r"""Make several ``update``\ s, of any layers of the area, in one transaction: all or none.

        Each is validated and logged as ``update`` does; return the features as stored.
        """

    def delete(self, slug: str, layer: str, uuids: Sequence[str], *, actor: str) -> int:
        """Delete features by UUID in one transaction (logged); return how many went."""

    def erase(self, slug: str, erasures: Sequence[Erasure], *, actor: str) -> None:
        """Remove personal data from area ``slug`` for good, in one transaction: all or none.

        Each ``Erasure`` (one retention rule's work) in turn, as its docstring says, and a
        change-log entry per rule under ``actor`` (``layers.rules.erasure.erased_entry``).
        What is removed is gone from the store's own storage where the backend can see to
        it: a GeoPackage is written anew, so no byte of a deleted photo stays in the file;
        a database frees the rows, and its own maintenance (VACUUM) and backups decide
        when their bytes are overwritten.

        Raises ``StoreError`` when the write fails (nothing is changed then), and
        ``FeatureValidationError`` for an update that does not fit.
        """

    def copy_area(self, slug: str) -> AreaCopy:
        """Return everything of area ``slug``, for another store's ``paste_area``.

        Every layer's features, photos and notes, the change log, the number sequences.
        """

    def paste_area(self, copy: AreaCopy, *, actor: str) -> None:
        """Create the area of ``copy`` with all it holds, as it was.

        UUIDs, numbers, times and the change log are kept; numbers go on from the copy's
        sequences. Raises ``StoreError`` when the area exists already.
        """

    def export_area(self, slug: str, path: Path, *, categories: Sequence[str]) -> int:
        """Write area ``slug`` as a GeoPackage that stands alone at ``path`` (a new file).

        Every layer, the QGIS styles, photos, notes and the change log, as one moment of
        the area; of the observations only those of ``categories``, and no residents'
        reports waiting in the inbox (``layers.rules.copies.exported_copy``). The file is
        in rollback-journal mode: it opens read-only without files beside it. Returns how
        many observations it holds.
        """

    def read_layer(self, slug: str, layer: str, query: Query | None = None) -> gpd.GeoDataFrame:
        """Return a layer's features (those ``query`` selects) as a frame, EPSG:3006."""

    def read_records(self, slug: str, layer: str, query: Query | None = None) -> list[Record]:
        """Return a layer's features (those ``query`` selects) as typed records."""

    def count_features(self, slug: str, layer: str, query: Query | None = None) -> int:
        """Return how many features of a layer ``query`` selects, without reading them.

        With a box, through the spatial index. A page's ``after_fid`` and ``limit`` count
        too: leave them out to count every feature the other conditions select.
        """

    def read_photos(self, slug: str, feature_uuids: Sequence[str]) -> list[PhotoInfo]:
        """Return the photos of some features with their thumbnails, without full images."""

    def read_photo_image(self, slug: str, photo_uuid: str) -> bytes | None:
        """Return one photo's full-size image, or None if there is no such photo."""

    def redact_photo(
        self,
        slug: str,
        photo_uuid: str,
        *,
        image: bytes,
        thumbnail: bytes,
        boxes: Sequence[Sequence[int]],
        actor: str,
    ) -> PhotoInfo:
        """Replace one photo's image and thumbnail by a blacked-out copy; keep none of the old.

        ``image`` and ``thumbnail``: the photo with ``boxes`` (``[x, y, width, height]`` in
        its pixels) blacked out, the same size as before. One transaction; the change log
        gets a ``redact`` entry naming the photo, its feature and the boxes, never pixels.
        The old bytes are then removed from where the backend keeps freed data: a
        GeoPackage overwrites them with zeros and empties its write-ahead log, a database
        rewrites the area's photo table. Returns the photo as stored.

        Raises ``StoreError`` when there is no such photo; nothing changes then.
        """

    def feature_counts(self, slug: str) -> dict[str, int]:
        """Return the number of features per layer of an area."""

    def check(self, *, repair: bool = False) -> list[Problem]:
        """Verify integrity, feature counts, spatial indexes and catalog conformance."""


def open_store(url: str, *, catalog: Catalog | None = None) -> Store:
    """Open the store at ``url``.

    ``url`` is a folder path or ``gpkg:///path`` (GeoPackages), ``postgresql://…`` (a
    PostGIS database), or ``memory://name`` (this process only).

    Parameters
    ----------
    catalog
        The layer catalog; None means the workspace's own catalog, or the shipped one.

    Raises
    ------
    StoreError
        For an unsupported URL scheme, or a location that cannot be used.
    """
    if url.startswith(DATABASE_SCHEMES):
        from layers.postgis import PostgisStore  # psycopg only where a database is used

        return PostgisStore(url, catalog)
    if url.startswith("memory://"):
        return MemoryStore.named(url.removeprefix("memory://"), catalog)
    if "://" in url and not url.startswith("gpkg://"):
        scheme = url.split("://", 1)[0]
        raise StoreError(
            Text(
                sv=f"Okänd lagringstyp {scheme!r}; ange en mapp eller gpkg:///sökväg.",
                en=f"Unknown storage type {scheme!r}; give a folder or gpkg:///path.",
            )
        )
    folder = url.removeprefix("gpkg://")
    if url.startswith("gpkg://") and not folder.startswith("/"):
        raise StoreError(
            Text(
                sv=f"{url!r}: skriv en absolut sökväg efter gpkg://, t.ex. gpkg:///data/arbetsyta.",
                en=f"{url!r}: write an absolute path after gpkg://, e.g. gpkg:///data/workspace.",
            )
        )
    if not folder.strip():
        raise StoreError(Text(sv="Ange arbetsytans mapp.", en="Give the workspace folder."))
    return GeoPackageStore(Path(folder).expanduser(), catalog)
