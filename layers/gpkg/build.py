"""Creating an area file: a copy of the catalog's template, the boundary, linked into place.

Creating sixteen layers with GDAL costs one GDAL open and close each, and with SQLite
in full synchronous mode several hundred fsyncs per file: seconds on a slow disk. An
area file is unreachable until it is linked into place, so nothing needs to reach the
disk before then. The layers are made once per catalog in a template, without syncs,
and each area file is a copy of it: filled without syncs, then synced once (the file)
before it is linked and once (the folder) after.

The template is kept in memory per process, keyed on the catalog's content, not as a
file in the workspace: building it takes about 0.1 s, so a file would save little and
cost much — a file written without syncs may be garbage after a power cut and would
then be copied into every new area; it needs invalidating when a district edits its
catalog, and another process's half-written copy must never be taken; and the
workspace folder, which people copy and open in QGIS, stays free of extra files.
"""

from __future__ import annotations

import os
import secrets
import sqlite3
import tempfile
import threading
from collections import OrderedDict
from collections.abc import Hashable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from gis.i18n import Text
from layers.catalog import Catalog
from layers.errors import StoreError, area_exists_error
from layers.gpkg.folder import SCHEMA_VERSION
from layers.gpkg.gdal import (
    create_indexes,
    create_tables,
    gdal_without_sync,
    start_fids,
    write_styles,
)
from layers.gpkg.sqlite import connect
from layers.gpkg.writes import insert_row
from layers.records import Area
from layers.rules.areas import area_boundary, area_values
from layers.schema import AREA_TABLE, TableSpec, datetime_to_text

SQLITE_SIDE_FILES: Final = ("-wal", "-shm", "-journal")


class Templates:
    """Template area files (as bytes) per catalog content, built on first use.

    Safe to share between threads: one thread builds a missing template while the
    others wait for it. Keeps the ``size`` most recently used templates (one per
    catalog in use; a process rarely serves more than one workspace).
    """

    def __init__(self, *, size: int = 4) -> None:
        self.size = size
        self.builds = 0
        """How many templates this cache has built, for tests and benchmarks."""
        self._images: OrderedDict[Hashable, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def image(self, catalog: Catalog, tables: Sequence[TableSpec]) -> bytes:
        """Return the template of ``tables`` with ``catalog``'s styles, building it if needed."""
        # The content, not the catalog file: an edited catalog gets a new template, and
        # workspaces whose catalogs say the same share one.
        key = (tuple(tables), catalog.categories)
        with self._lock:
            image = self._images.get(key)
            if image is None:
                image = build_template(catalog, tables)
                self.builds += 1
                self._images[key] = image
                while len(self._images) > self.size:
                    self._images.popitem(last=False)
            self._images.move_to_end(key)
            return image

    def clear(self) -> None:
        """Forget every template."""
        with self._lock:
            self._images.clear()


TEMPLATES: Final = Templates()
"""The process's templates (a cache of pure data: no setting lives here)."""


def build_template(catalog: Catalog, tables: Sequence[TableSpec]) -> bytes:
    """Return a GeoPackage with ``tables`` empty, their styles and indexes, in WAL mode.

    Built in a temporary folder without a single sync: it only lives in memory
    afterwards. Nothing in it belongs to an area, so any number of areas can copy it.
    """
    with tempfile.TemporaryDirectory(prefix="safewalk-template-") as folder:
        path = Path(folder) / "template.gpkg"
        with gdal_without_sync():
            create_tables(path, list(tables))
        with _unsynced(path) as connection:
            # WAL is recorded in the file header, so every copy opens in WAL mode:
            # readers never block the writer nor the writer the readers.
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "CREATE TABLE safewalk_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)"
            )
            connection.execute(
                "INSERT INTO safewalk_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            write_styles(connection, catalog, [table.name for table in tables])
            create_indexes(connection, tables)
            start_fids(connection, tables)
            connection.execute("COMMIT")
        # Closing the last connection checkpointed the WAL into the file and removed it.
        return path.read_bytes()


def build_area(
    final: Path,
    area: Area,
    catalog: Catalog,
    tables: Sequence[TableSpec],
    *,
    actor: str,
    templates: Templates = TEMPLATES,
) -> None:
    """Create ``final`` holding ``tables``, empty, and the area's boundary.

    The file is a copy of the catalog's template, filled under a temporary hidden name
    without syncs, synced once, and linked into place: another process never sees a
    half-made area, an existing area is never replaced (``os.link`` refuses), and a
    crash leaves at most a hidden ``.<slug>.….partial.gpkg``. On an error the partial
    file is removed.

    Raises
    ------
    layers.errors.StoreError
        The area exists already.
    """
    if final.exists():
        raise area_exists_error(area.slug)
    boundary = area_boundary(area)
    image = templates.image(catalog, tables)
    # pid and a random part: two threads of one process may build the same area.
    partial = final.with_name(f".{area.slug}.{os.getpid()}.{secrets.token_hex(4)}.partial.gpkg")
    try:
        with partial.open("xb") as file:
            file.write(image)
        created_at = datetime.now(UTC)
        with _unsynced(partial) as connection:
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO safewalk_meta VALUES ('area', ?)", (area.slug,))
            # The template's timestamps are its own; the area's layers date from now.
            moment = datetime_to_text(created_at)
            connection.execute("UPDATE gpkg_contents SET last_change = ?", (moment,))
            connection.execute("UPDATE layer_styles SET update_time = ?", (moment,))
            insert_row(connection, AREA_TABLE, area_values(area, created_at), boundary, actor=actor)
            connection.execute("COMMIT")
        # The one sync the file needs: complete on disk before anyone can reach it.
        _fsync(partial)
        try:
            os.link(partial, final)
        except FileExistsError:
            raise area_exists_error(area.slug) from None
        except OSError as error:
            raise StoreError(
                Text(
                    sv=f"Området kunde inte läggas i {final.parent} ({error.strerror or error}): "
                    "filsystemet tillåter inte hårda länkar. Välj en mapp på en lokal disk.",
                    en=f"The area could not be put in {final.parent} ({error.strerror or error}): "
                    "the file system does not allow hard links. Choose a folder on a local disk.",
                )
            ) from None
        _fsync_folder(final.parent)
    finally:
        for suffix in ("", *SQLITE_SIDE_FILES):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)


@contextmanager
def _unsynced(path: Path) -> Iterator[sqlite3.Connection]:
    """Connect to ``path``, a file no one else can see yet, never waiting for the disk.

    A transaction begun on the connection and not committed is rolled back when the
    block fails.
    """
    with connect(path) as connection:
        connection.execute("PRAGMA synchronous=OFF")
        try:
            yield connection
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise


def _fsync(path: Path) -> None:
    descriptor = os.open(path, os.O_RDWR)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_folder(folder: Path) -> None:
    """Make a new name in ``folder`` durable; Windows has no folder sync (NTFS logs it)."""
    if os.name == "nt":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
