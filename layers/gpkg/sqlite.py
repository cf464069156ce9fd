"""Connections to one area file with this process's SQLite: reads, and write transactions."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Final

from gis.gpkg import register_gpkg_functions
from gis.i18n import Text
from layers.errors import StoreError

BUSY_TIMEOUT_S: Final = 60.0
"""How long a writer waits for another process's transaction before giving up."""
WRITE_CACHE_KIB: Final = 128 * 1024
"""SQLite's page cache of a write transaction, at most (its default is 2 MiB)."""


def quote(identifier: str) -> str:
    """Return ``identifier`` as an SQL identifier (double quotes, inner quotes doubled)."""
    return '"' + identifier.replace('"', '""') + '"'


@contextmanager
def connect(path: Path) -> Iterator[sqlite3.Connection]:
    """Open ``path`` in autocommit mode with the GeoPackage SQL functions registered.

    SQLite errors leave as ``StoreError`` naming the file and pointing to ``safewalk check``.
    """
    if not path.is_file():
        raise StoreError(
            Text(sv=f"Filen {path} finns inte.", en=f"The file {path} does not exist.")
        )
    connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
    try:
        register_gpkg_functions(connection)
        yield connection
    except sqlite3.DatabaseError as error:
        raise StoreError(
            Text(
                sv=f"GeoPackage-filen {path} kunde inte läsas eller skrivas: {error}. "
                "Kör 'safewalk check' för en rapport.",
                en=f"The GeoPackage {path} could not be read or written: {error}. "
                "Run 'safewalk check' for a report.",
            )
        ) from error
    finally:
        connection.close()


class _Writers:
    """One lock per area file for this process's writers.

    Writers of one process queue on it and each starts the moment the one before has
    committed; left to SQLite, a waiting writer sleeps in growing steps (up to 100 ms)
    between tries, which many phones saving at once feel. Other processes' writers still
    queue in SQLite (``BEGIN IMMEDIATE``, ``BUSY_TIMEOUT_S``).
    """

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._locks: dict[Path, threading.Lock] = {}

    def of(self, path: Path) -> threading.Lock:
        """Return the lock of the file at ``path``."""
        with self._guard:
            return self._locks.setdefault(path, threading.Lock())


_WRITERS: Final = _Writers()


@contextmanager
def transaction(path: Path, *, secure_delete: bool = False) -> Iterator[sqlite3.Connection]:
    """One write transaction; taken with BEGIN IMMEDIATE so writers queue, never deadlock.

    Writers in this process queue on the file's lock first (``_Writers``); several files
    are always taken in the same order by their callers. With ``secure_delete`` SQLite
    overwrites what the transaction deletes with zeros (erasing personal data).
    """
    with _WRITERS.of(path), connect(path) as connection:
        # Room for a large write's pages in memory until it commits (taken only as used).
        connection.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
        if secure_delete:
            connection.execute("PRAGMA secure_delete = ON")
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def rewrite(path: Path) -> bool:
    """Write the file anew and fold its write-ahead log into it: nothing deleted stays in either.

    ``VACUUM`` copies every live row into new pages, so free pages (rows deleted before,
    perhaps without ``secure_delete``) are gone; the checkpoint then writes the new pages
    over the old ones and empties the log. Returns False when readers still held an older
    moment of the file, so that part of the log stays until they let go (the next write's
    checkpoint takes it).
    """
    with _WRITERS.of(path), connect(path) as connection:
        connection.execute("VACUUM")
        busy, log, copied = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    return not busy and log == copied
