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
from collections.abc import Iterable, Sequence
from pathlib import Path

from layers.catalog import Catalog
from layers.gpkg.export import hand_over
from layers.gpkg.store import GeoPackageStore
from layers.records import AreaCopy
from layers.rules.copies import exported_copy


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
            hand_over(made)
            files.append(Path(shutil.move(made, folder / made.name)))
        return files


def export_copy(copy: AreaCopy, catalog: Catalog, path: Path, categories: Sequence[str]) -> int:
    """Write ``copy`` as an export keeps it (``exported_copy``) at ``path``, a new file.

    Returns how many observations (rows of ``categories``) the file holds.
    """
    kept = exported_copy(copy, catalog.names, categories)
    with tempfile.TemporaryDirectory(prefix="safewalk-gpkg-") as folder:
        (made,) = write_area_files([kept], catalog, Path(folder))
        shutil.move(made, path)
    return sum(len(kept.tables.get(name, ())) for name in categories)
