"""The workspace folder: its marker file, its lock, and which area files it holds."""

from __future__ import annotations

import hashlib
import os
import time
from contextlib import suppress
from pathlib import Path
from typing import Final

from filelock import FileLock

from gis.i18n import Text
from layers.errors import StoreError, UnknownAreaError
from layers.rules.areas import SLUG

WORKSPACE_MARKER: Final = "safewalk-workspace.toml"
WORKSPACE_CATALOG: Final = "catalog.toml"
"""A district's own catalog, kept in the workspace folder."""
SCHEMA_VERSION: Final = 1
_LOCK_FILE: Final = ".safewalk.lock"


class Folder:
    """A workspace folder holding ``<slug>.gpkg`` per area."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = FileLock(root / _LOCK_FILE)
        """Held for schema changes and first-run set-up: one process at a time."""

    def prepare(self) -> None:
        """Create the folder (or accept an existing workspace) and prove it is writable.

        Raises
        ------
        StoreError
            A file where the folder should be, a folder that is not a workspace and not
            empty, or one that cannot be written.
        """
        marker = self.root / WORKSPACE_MARKER
        try:
            if self.root.exists() and not self.root.is_dir():
                raise NotADirectoryError(str(self.root))
            if self.root.is_dir() and not marker.exists() and any(self.root.iterdir()):
                raise StoreError(
                    Text(
                        sv=f"Mappen {self.root} är inte en safewalk-arbetsyta och är inte tom. "
                        "Välj en tom eller ny mapp med --workspace eller SAFEWALK_WORKSPACE.",
                        en=f"The folder {self.root} is not a safewalk workspace and is not empty. "
                        "Choose an empty or new folder with --workspace or SAFEWALK_WORKSPACE.",
                    )
                )
            self.root.mkdir(parents=True, exist_ok=True)
            if not marker.exists():
                marker.write_text(
                    f"# safewalk workspace: one GeoPackage per area.\nschema_version = "
                    f"{SCHEMA_VERSION}\n",
                    encoding="utf-8",
                )
            probe = self.root / f".write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise StoreError(
                Text(
                    sv=f"Arbetsytan {self.root} går inte att skriva till "
                    f"({error.strerror or error})."
                    " Välj en annan mapp med --workspace eller SAFEWALK_WORKSPACE.",
                    en=f"The workspace {self.root} is not writable ({error.strerror or error}). "
                    "Choose another folder with --workspace or SAFEWALK_WORKSPACE.",
                )
            ) from None

    def sweep_partials(self, *, older_than_s: float = 3600.0) -> int:
        """Remove area files left half-built by a crashed process; return how many went.

        Building takes well under a second, so a partial file an hour old has no builder
        left. One left between linking and clean-up is a second name of a live area file:
        removing that name leaves the area as it is.
        """
        removed = 0
        limit = time.time() - older_than_s
        for path in self.root.glob(".*.partial.gpkg*"):
            with suppress(FileNotFoundError):
                if path.stat().st_mtime < limit:
                    path.unlink()
                    removed += 1
        return removed

    def catalog_path(self) -> Path | None:
        """Return the workspace's own catalog file, if it has one."""
        path = self.root / WORKSPACE_CATALOG
        return path if path.is_file() else None

    def slugs(self) -> list[str]:
        """Return the ids of every area in the workspace."""
        # Only <slug>.gpkg: never the hidden files of an area being built (.<slug>.….gpkg).
        return sorted(p.stem for p in self.root.glob("*.gpkg") if SLUG.match(p.stem))

    def revision(self) -> str:
        """Return a stamp of every area file that changes with each committed write.

        Any write, whoever made it (this process, another one, QGIS), grows the file's
        write-ahead log or, once that is checkpointed, changes the file itself. A reader
        opening a file makes an empty log and removes it again: empty logs are left out,
        so reading never changes the stamp. Files may come and go while it is taken.
        """
        stamps = []
        for slug in self.slugs():
            path = self.path(slug)
            for part in (path, Path(f"{path}-wal")):
                try:
                    status = part.stat()
                except FileNotFoundError:
                    continue
                if status.st_size:
                    stamps.append(f"{part.name}:{status.st_mtime_ns}:{status.st_size}")
        return hashlib.sha1("|".join(stamps).encode(), usedforsecurity=False).hexdigest()

    def path(self, slug: str) -> Path:
        """Return the GeoPackage file of area ``slug`` (which may not exist)."""
        return self.root / f"{slug}.gpkg"

    def existing_path(self, slug: str) -> Path:
        """Return the file of area ``slug``; raise ``UnknownAreaError`` if there is none."""
        path = self.path(slug)
        if not SLUG.match(slug) or not path.is_file():
            raise UnknownAreaError(name=slug, valid=", ".join(self.slugs()) or "-")
        return path
