"""An area copy written as a GeoPackage file that stands alone: for an export, not a workspace.

Whatever store the copy came from (``Store.copy_area``), the file is made by the GeoPackage
store in a scratch folder, so it holds what an area file holds (typed layers, QGIS styles,
photos, the change log), and is then handed over whole: the write-ahead log folded in and
the rollback journal set, so the file opens read-only, on a read-only share or as an e-mail
attachment, without -wal and -shm files beside it.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable
from pathlib import Path

from layers.catalog import Catalog
from layers.gpkg.sqlite import connect
from layers.gpkg.store import GeoPackageStore
from layers.records import AreaCopy


def write_area_files(copies: Iterable[AreaCopy], catalog: Catalog, folder: Path) -> list[Path]:
    """Write each copy as ``<area id>.gpkg`` in ``folder``; return the files in that order.

    Copies are taken one at a time, so only one area is held in memory.

    Raises
    ------
    layers.errors.LayerError
        A copy that does not fit ``catalog`` (nothing is left in ``folder`` for it).
    """
    with tempfile.TemporaryDirectory(prefix="safewalk-gpkg-") as scratch:
        store = GeoPackageStore(Path(scratch) / "export", catalog)
        files = []
        for copy in copies:
            store.paste_area(copy, actor="export")
            made = store.path(copy.area.slug)
            _hand_over(made)
            files.append(Path(shutil.move(made, folder / made.name)))
        return files


def _hand_over(path: Path) -> None:
    """Fold the file's write-ahead log into it and leave WAL mode, so the file is whole."""
    with connect(path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode = DELETE")
