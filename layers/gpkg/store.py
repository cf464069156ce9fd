"""The GeoPackage store: a workspace folder with one GeoPackage per area.

Layers are created by GDAL, so files carry the metadata QGIS and GDAL expect
(GeoPackage 1.2, R-tree spatial index, feature-count triggers). Each table holds one
kind of geometry, as QGIS and ArcGIS expect: a category that takes points, lines and
areas keeps its points in the table named as the category (``passage``, POINT), its
lines in ``passage_line`` (LINESTRING) and its areas in ``passage_area`` (POLYGON)
(``layers.schema.category_tables``). The store speaks of categories all the same:
``read_layer("passage")`` reads all three tables, an append goes to the table of its
geometry, an update or delete finds the feature by UUID in whichever table holds it.
Files made when a category's table took any kind are split so on opening
(``layers.gpkg.upgrade``). Features are then
written with plain SQLite in one ``BEGIN IMMEDIATE`` transaction each: appending never
rewrites a layer, concurrent writers queue on SQLite's lock, and a killed writer leaves
either the whole write or none of it (SQLite's journal).
"""

from __future__ import annotations

import json
import logging
import shutil
import sqlite3
import tempfile
import threading
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING

import shapely
from shapely.geometry.base import BaseGeometry

from gis.errors import GisError
from gis.gpkg import gpkg_to_geometry
from gis.i18n import Text
from layers.accounts import FileAccounts
from layers.catalog import Catalog
from layers.errors import (
    StoredValueError,
    StoreError,
    UnknownLayerError,
    no_such_photo_error,
)
from layers.gpkg.build import TEMPLATES, build_area
from layers.gpkg.check import check_area
from layers.gpkg.erasure import erase_rows
from layers.gpkg.export import export_file, hand_over
from layers.gpkg.folder import WORKSPACE_CATALOG, Folder
from layers.gpkg.frames import count_rows, read_frame, read_records
from layers.gpkg.sqlite import connect, quote, rewrite, transaction
from layers.gpkg.upgrade import missing_schema, upgrade_area
from layers.gpkg.writes import (
    AreaWrite,
    check_feature,
    delete_rows,
    insert_copied_rows,
    insert_row,
    insert_rows,
    log_change,
    read_sequences,
    set_sequences,
    update_row,
)
from layers.records import (
    Area,
    AreaCopy,
    Batch,
    Erasure,
    PhotoInfo,
    Problem,
    Query,
    Record,
    Update,
)
from layers.rules.areas import check_slug
from layers.rules.changelog import redacted_entry
from layers.rules.copies import (
    copied_created_at,
    exported_copy,
    left_out_layers,
    owner_layers,
    pasted_layers,
)
from layers.rules.decoding import decode_records
from layers.rules.rows import child_table
from layers.schema import (
    AREA_LAYER,
    PHOTOS_LAYER,
    TableSpec,
    load_layer_catalog,
    physical_tables,
    tables_for_catalog,
)

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)


class GeoPackageStore:
    """A workspace folder holding ``<slug>.gpkg`` per area (see module docstring).

    Parameters
    ----------
    root
        The workspace folder; created if it does not exist.
    catalog
        The layer catalog; None means the workspace's own ``catalog.toml``, or the
        shipped catalog when the workspace has none.
    """

    def __init__(self, root: Path, catalog: Catalog | None = None) -> None:
        self.folder = Folder(root)
        self.folder.prepare()
        self.folder.sweep_partials()
        if catalog is None:
            own = self.folder.catalog_path()
            catalog = load_layer_catalog(own) if own else load_layer_catalog()
        self.catalog = catalog
        self._tables = {table.name: table for table in tables_for_catalog(catalog)}
        """The layers callers name: a category is one, whatever its tables."""
        self._physical = {table.name: table for table in physical_tables(self._tables.values())}
        """The tables of an area file: each category's one per kind of geometry."""
        self._areas: dict[str, tuple[int, Area]] = {}
        """Boundaries read so far: slug → (the file's inode, the area)."""
        self._areas_lock = threading.Lock()
        self._upgrade_areas()

    def close(self) -> None:
        """Nothing to let go of: each call opens and closes what it uses."""

    def accounts(self) -> FileAccounts:
        """Return the workspace's accounts (``accounts.sqlite`` in the folder)."""
        return FileAccounts(self.root)

    def own_catalog(self) -> str | None:
        """Return the workspace folder's ``catalog.toml``, None when it has none."""
        own = self.folder.catalog_path()
        return own.read_text(encoding="utf-8") if own else None

    def save_own_catalog(self, text: str) -> None:
        """Write ``text`` as the workspace folder's ``catalog.toml`` (whole or not at all)."""
        partial = self.root / f".{WORKSPACE_CATALOG}.partial"
        partial.write_text(text, encoding="utf-8")
        partial.replace(self.root / WORKSPACE_CATALOG)

    @property
    def root(self) -> Path:
        """The workspace folder."""
        return self.folder.root

    @property
    def location(self) -> str:
        """The workspace folder, for messages."""
        return str(self.folder.root)

    @property
    def is_persistent(self) -> bool:
        """True: the data is in files."""
        return True

    def revision(self) -> str:
        """Return a stamp that changes with every committed write to any area file."""
        return self.folder.revision()

    def path(self, slug: str) -> Path:
        """Return the GeoPackage file of area ``slug``."""
        return self.folder.path(slug)

    def slugs(self) -> list[str]:
        """Return the ids of every area in the workspace."""
        return self.folder.slugs()

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the workspace lock: schema changes and first-run set-up, one process at a time."""
        with self.folder.lock:
            yield

    def _upgrade_areas(self) -> None:
        """Add layers, fields and indexes the catalog has gained since an area was created."""
        stale = [s for s in self.folder.slugs() if missing_schema(self.path(s), self._physical)]
        if not stale:
            return
        with self.exclusive():
            for slug in stale:
                upgrade_area(self.path(slug), self.catalog, self._physical)

    def _table(self, layer: str) -> TableSpec:
        try:
            return self._tables[layer]
        except KeyError:
            raise UnknownLayerError(name=layer, valid=", ".join(self._tables)) from None

    # ---------------------------------------------------------------------- areas
    def areas(self) -> list[Area]:
        """Return every area, sorted by name.

        Boundaries are read once per file and kept: the store never changes an existing
        area's boundary. A new, removed or replaced area file (a new inode) is noticed on
        the next call. Safe to call from several threads (Streamlit sessions).
        """
        found = {}
        for slug in self.folder.slugs():
            with suppress(FileNotFoundError):
                found[slug] = self.path(slug).stat().st_ino
        with self._areas_lock:
            known = {s: entry for s, entry in self._areas.items() if found.get(s) == entry[0]}
        for slug, inode in found.items():
            if slug not in known:
                area = self._read_area(slug)
                if area is not None:
                    known[slug] = (inode, area)
        with self._areas_lock:
            self._areas = known
        return sorted((area for _, area in known.values()), key=lambda a: a.name.casefold())

    def _read_area(self, slug: str) -> Area | None:
        with connect(self.path(slug)) as connection:
            row = connection.execute(
                f"SELECT geom, name, source, is_demo FROM {quote(AREA_LAYER)} ORDER BY fid LIMIT 1"
            ).fetchone()
        if row is None:
            log.warning("area file %s has no boundary; skipped", self.path(slug))
            return None
        boundary = gpkg_to_geometry(row[0])
        shapely.prepare(boundary)
        return Area(slug, row[1], boundary, source=row[2] or "", is_demo=bool(row[3]))

    def add_area(self, area: Area, *, actor: str) -> None:
        """Create ``<slug>.gpkg`` with every layer, empty, and the boundary."""
        check_slug(area.slug)
        build_area(
            self.path(area.slug), area, self.catalog, list(self._physical.values()), actor=actor
        )

    # ------------------------------------------------------------------- features
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
        """Add one feature, rows that belong to it and ``updates``, in one transaction.

        See ``Store.append``.
        """
        path = self.folder.existing_path(slug)
        table = self._table(layer)
        owned = {child_table(name): rows for name, rows in (children or {}).items()}
        changed = [(self._table(name), uuid, changes) for name, uuid, changes in updates]
        with transaction(path) as connection:
            stored = insert_row(connection, table, values, geometry, actor=actor)
            owner = {"feature_uuid": stored["uuid"], "layer": table.layer_name}
            for child, rows in owned.items():
                for row in rows:
                    insert_row(connection, child, {**row, **owner}, None, actor=actor)
            for other, uuid, changes in changed:
                update_row(connection, other, uuid, changes, actor=actor)
            return stored

    def add_children(
        self,
        slug: str,
        layer: str,
        uuid: str,
        children: Mapping[str, Sequence[Mapping[str, object]]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add rows to a stored feature in one transaction; see ``Store.add_children``."""
        path = self.folder.existing_path(slug)
        table = self._table(layer)
        owned = {child_table(name): rows for name, rows in children.items()}
        owner = {"feature_uuid": uuid, "layer": table.layer_name}
        added: list[Record] = []
        with transaction(path) as connection:
            check_feature(connection, table, uuid)
            for child, rows in owned.items():
                batch = [({**r, **owner}, None) for r in rows]
                added += insert_rows(connection, child, batch, actor=actor)
        return added

    def append_many(
        self,
        slug: str,
        layer: str,
        features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add many features in one transaction, all or none; see ``Store.append_many``."""
        path = self.folder.existing_path(slug)
        table = self._table(layer)
        with transaction(path) as connection:
            return insert_rows(connection, table, features, actor=actor)

    def append_across(
        self,
        features: Sequence[tuple[str, str, Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
        records: bool = True,
    ) -> list[Record]:
        """Add features to several areas, all or none; see ``Store.append_across``."""
        groups: dict[tuple[str, str], list[int]] = {}
        for k, (slug, layer, _, _) in enumerate(features):
            groups.setdefault((slug, layer), []).append(k)
        batches = [(slug, layer, [(features[k][2], features[k][3]) for k in indexes])
                   for (slug, layer), indexes in groups.items()]  # fmt: skip
        made = self._append(batches, actor=actor, areas={slug for slug, _ in groups},
                            expected=len(features), records=records)  # fmt: skip
        stored: list[Record | None] = [None] * len(features)
        for k, record in zip((k for indexes in groups.values() for k in indexes), made,
                             strict=True):  # fmt: skip
            stored[k] = record
        return [record for record in stored if record is not None]

    def append_batches(
        self,
        batches: Iterable[Batch],
        *,
        actor: str,
        areas: Collection[str],
        expected: int,
    ) -> int:
        """Add features as they come, to several areas, all or none; see ``Store.append_batches``.

        Each batch is written as it comes, on the areas' transactions, which are begun in
        a fixed order before the first batch is taken and committed after the last.
        """
        return len(self._append(batches, actor=actor, areas=areas, expected=expected))

    def _append(
        self,
        batches: Iterable[Batch],
        *,
        actor: str,
        areas: Collection[str],
        expected: int,
        records: bool = False,
    ) -> list[Record | None]:
        """Write ``batches`` to ``areas``; return each feature's record (None: not asked)."""
        paths = {slug: self.folder.existing_path(slug) for slug in sorted(areas)}
        made: list[Record | None] = []
        # Areas in a fixed order, each file's transaction held until all are written.
        with ExitStack() as stack:
            writes = {
                slug: AreaWrite(stack.enter_context(transaction(path)), actor=actor,
                                expected=expected)
                for slug, path in paths.items()
            }  # fmt: skip
            for slug, layer, features in batches:
                if slug not in writes:
                    message = f"a feature is bound for an area not among {areas}"
                    raise ValueError(message)
                table = self._table(layer)
                rows, fids = writes[slug].add(table, features)
                if records:
                    done = [{"fid": fid, **row} for fid, row in zip(fids, rows, strict=True)]
                    made += decode_records(table, done, [g for _, g in features])
                else:
                    made += [None] * len(features)
            for write in writes.values():
                write.finish()
        return made

    def replace(
        self,
        slug: str,
        layer: str,
        remove: Sequence[str],
        add: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Delete ``remove`` and add ``add`` in one transaction; see ``Store.replace``."""
        path = self.folder.existing_path(slug)
        table = self._table(layer)
        with transaction(path) as connection:
            if remove:
                delete_rows(connection, table, remove, actor=actor)
            return insert_rows(connection, table, add, actor=actor)

    def update(
        self, slug: str, layer: str, uuid: str, changes: Mapping[str, object], *, actor: str
    ) -> Record:
        """Change some values of one feature in one transaction; see ``Store.update``."""
        path = self.folder.existing_path(slug)
        table = self._table(layer)
        with transaction(path) as connection:
            return update_row(connection, table, uuid, changes, actor=actor)

    def copy_area(self, slug: str) -> AreaCopy:
        """Return everything of the area; see ``Store.copy_area``."""
        path = self.folder.existing_path(slug)
        (area,) = [a for a in self.areas() if a.slug == slug]
        with connect(path) as connection:
            tables = {
                name: read_records(connection, table, Query())
                for name, table in self._tables.items()
            }  # fmt: skip
            sequences = read_sequences(connection)
        return AreaCopy(area, tables, sequences)

    def paste_area(self, copy: AreaCopy, *, actor: str) -> None:
        """Create the area of ``copy`` with all it holds; see ``Store.paste_area``."""
        layers, numbers = pasted_layers(self._tables, copy)
        self.add_area(copy.area, actor=actor)
        try:
            with transaction(self.path(copy.area.slug)) as connection:
                for table, rows, geometries in layers:
                    insert_copied_rows(connection, table, rows, geometries)
                set_sequences(connection, numbers)
                created = copied_created_at(copy)
                if created is not None:
                    connection.execute(f"UPDATE {quote(AREA_LAYER)} SET created_at = ?", (created,))
        except BaseException:  # nothing half-made stays behind
            path = self.path(copy.area.slug)
            for leftover in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                leftover.unlink(missing_ok=True)
            raise

    def export_area(self, slug: str, path: Path, *, categories: Sequence[str]) -> int:
        """Write the area as a GeoPackage that stands alone; see ``Store.export_area``.

        SQLite's copy of the area file, trimmed (``layers.gpkg.export``); a file whose
        layout is not the catalog's template has its rows copied into a new file instead.
        """
        source = self.folder.existing_path(slug)
        names = self.catalog.names
        dropped, owners = left_out_layers(names, categories), owner_layers(categories)
        count = export_file(
            source,
            path,
            TEMPLATES.image(self.catalog, list(self._physical.values())),
            dropped=[part for name in sorted(dropped) for part in self._table(name).physical],
            owners=[part for name in owners for part in self._table(name).physical],
            counted=[part for name in categories for part in self._table(name).physical],
        )
        if count is not None:
            return count
        copy = exported_copy(self.copy_area(slug), names, categories)
        with tempfile.TemporaryDirectory(prefix="safewalk-gpkg-") as scratch:
            store = GeoPackageStore(Path(scratch) / "export", self.catalog)
            store.paste_area(copy, actor="export")
            hand_over(store.path(slug))
            shutil.move(store.path(slug), path)
        return sum(len(copy.tables.get(name, ())) for name in categories)

    def update_many(self, slug: str, updates: Sequence[Update], *, actor: str) -> list[Record]:
        """Make several updates in one transaction, all or none; see ``Store.update_many``."""
        path = self.folder.existing_path(slug)
        changed = [(self._table(name), uuid, changes) for name, uuid, changes in updates]
        if not changed:
            return []
        with transaction(path) as connection:
            return [
                update_row(connection, table, uuid, changes, actor=actor)
                for table, uuid, changes in changed
            ]

    def delete(self, slug: str, layer: str, uuids: Sequence[str], *, actor: str) -> int:
        """Delete features by UUID in one transaction, logging each with its old values."""
        path = self.folder.existing_path(slug)
        table = self._table(layer)
        if not uuids:
            return 0
        with transaction(path) as connection:
            return delete_rows(connection, table, uuids, actor=actor)

    def erase(self, slug: str, erasures: Sequence[Erasure], *, actor: str) -> None:
        """Remove personal data for good, in one transaction; see ``Store.erase``.

        The transaction runs with ``secure_delete`` (what it deletes is overwritten with
        zeros); afterwards the file is written anew and its log folded in
        (``layers.gpkg.sqlite.rewrite``), so that neither this transaction's deletions nor
        free pages left by earlier ones keep a byte of what was removed.
        """
        path = self.folder.existing_path(slug)
        wanted = [erasure for erasure in erasures if not erasure.is_empty]
        if not wanted:
            return
        with transaction(path, secure_delete=True) as connection:
            for erasure in wanted:
                erase_rows(connection, erasure, table_of=self._table,
                           physical=self._physical.values(), actor=actor)  # fmt: skip
        if not rewrite(path):
            log.warning("%s: readers held an older moment; its log is folded in later", path)

    @contextmanager
    def _reading(self, slug: str, layer: str) -> Iterator[sqlite3.Connection]:
        """Connect to read ``layer``; a stored value that cannot be read names file and layer."""
        path = self.folder.existing_path(slug)
        with connect(path) as connection:
            try:
                yield connection
            except (GisError, StoredValueError) as error:
                raise StoreError(
                    Text(
                        sv=f"Lagret {layer!r} i {path} går inte att läsa: {error.message('sv')} "
                        "Kör 'safewalk check' för en rapport.",
                        en=f"The layer {layer!r} in {path} cannot be read: {error.message('en')} "
                        "Run 'safewalk check' for a report.",
                    )
                ) from error

    def read_layer(self, slug: str, layer: str, query: Query | None = None) -> gpd.GeoDataFrame:
        """Return the features of a layer (those of ``query``), index = fid, EPSG:3006."""
        with self._reading(slug, layer) as connection:
            return read_frame(connection, self._table(layer), query or Query())

    def read_records(self, slug: str, layer: str, query: Query | None = None) -> list[Record]:
        """Return the features of a layer (those of ``query``) as typed records, by fid."""
        with self._reading(slug, layer) as connection:
            return read_records(connection, self._table(layer), query or Query())

    def count_features(self, slug: str, layer: str, query: Query | None = None) -> int:
        """Return how many features of a layer ``query`` selects (by the R-tree for a box)."""
        with self._reading(slug, layer) as connection:
            return count_rows(connection, self._table(layer), query or Query())

    def read_photos(self, slug: str, feature_uuids: Sequence[str]) -> list[PhotoInfo]:
        """Return the photos of features ``feature_uuids`` with thumbnails, oldest first."""
        path = self.folder.existing_path(slug)
        with connect(path) as connection:
            rows = connection.execute(
                "SELECT uuid, feature_uuid, layer, width, height, thumbnail "
                f"FROM {quote(PHOTOS_LAYER)} "
                "WHERE feature_uuid IN (SELECT value FROM json_each(?)) ORDER BY fid",
                (json.dumps(list(feature_uuids)),),
            ).fetchall()
        return [PhotoInfo(*row) for row in rows]

    def read_photo_image(self, slug: str, photo_uuid: str) -> bytes | None:
        """Return the full-size JPEG of one photo, or None if there is no such photo."""
        path = self.folder.existing_path(slug)
        with connect(path) as connection:
            row = connection.execute(
                f"SELECT image FROM {quote(PHOTOS_LAYER)} WHERE uuid = ?", (photo_uuid,)
            ).fetchone()
        return None if row is None else bytes(row[0])

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
        """Replace a photo by its blacked-out copy, the old bytes overwritten; see the protocol.

        With ``secure_delete`` on, SQLite overwrites what the old image and thumbnail took
        with zeros as it frees it; the pages written go to the write-ahead log, which is
        then folded into the file and cut to nothing, so that neither file keeps the old
        bytes (nor older frames of them, from when the photo was stored).
        """
        path = self.folder.existing_path(slug)
        with transaction(path) as connection:
            connection.execute("PRAGMA secure_delete = ON")
            row = connection.execute(
                f"SELECT uuid, feature_uuid, layer, width, height FROM {quote(PHOTOS_LAYER)} "
                "WHERE uuid = ?",
                (photo_uuid,),
            ).fetchone()
            if row is None:
                raise no_such_photo_error(photo_uuid)
            stored = dict(zip(("uuid", "feature_uuid", "layer", "width", "height"), row,
                              strict=True))  # fmt: skip
            connection.execute(
                f"UPDATE {quote(PHOTOS_LAYER)} SET image = ?, thumbnail = ? WHERE uuid = ?",
                (image, thumbnail, photo_uuid),
            )
            log_change(connection, redacted_entry(actor, stored, boxes))
        with connect(path) as connection:
            busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        if busy:
            log.warning("%s: the write-ahead log was not emptied (a reader held it)", path)
        return PhotoInfo(photo_uuid, str(stored["feature_uuid"]), str(stored["layer"]),
                         int(stored["width"]), int(stored["height"]), thumbnail)  # fmt: skip

    def feature_counts(self, slug: str) -> dict[str, int]:
        """Return the number of rows per layer, a category's tables together (counted)."""
        path = self.folder.existing_path(slug)
        with connect(path) as connection:
            return {
                name: sum(
                    connection.execute(f"SELECT count(*) FROM {quote(part.name)}").fetchone()[0]
                    for part in table.physical
                )
                for name, table in self._tables.items()
            }

    # ---------------------------------------------------------------------- check
    def check(self, *, repair: bool = False) -> list[Problem]:
        """Verify every area file; with ``repair`` fix stale feature counts and indexes."""
        problems: list[Problem] = []
        for slug in self.folder.slugs():
            problems += check_area(self.path(slug), slug, self._physical, repair=repair)
        return problems
