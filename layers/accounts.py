"""Where accounts are kept: beside the area files, in the database, or in memory.

A workspace folder keeps them in ``accounts.sqlite`` (plain SQLite, not an area file); a
PostGIS workspace in ``safewalk.accounts``. Passwords are kept only as hashes (argon2,
made by ``walks.access.accounts``); this module stores and returns rows, it decides nothing.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Final, Protocol

ACCOUNTS_FILE: Final = "accounts.sqlite"
"""The accounts of a workspace folder."""


@dataclass(frozen=True, slots=True)
class AccountRow:
    """One account as stored."""

    name: str
    role: str
    password_hash: str
    organisation: str | None
    disabled: bool
    created_at: datetime
    failed_logins: int = 0
    """Failed logins in a row; reset by a good one."""
    locked_until: datetime | None = None
    """No login is tried before this (after too many failed ones)."""
    disabled_at: datetime | None = None
    """When the account was disabled (retention counts from it); None while it is enabled."""
    removed_as: int | None = None
    """The number the account is known by once anonymised ("removed account N"): set
    when its anonymising begins, kept by what is left of it."""


class Accounts(Protocol):
    """The accounts of a workspace."""

    def all(self) -> list[AccountRow]:
        """Return every account, by name."""

    def get(self, name: str) -> AccountRow | None:
        """Return the account called ``name`` (case as given), or None."""

    def add(self, row: AccountRow) -> bool:
        """Add an account; return False (and change nothing) when the name is taken."""

    def put(self, row: AccountRow) -> None:
        """Replace the stored account of ``row.name`` with ``row``."""

    def remove(self, name: str) -> bool:
        """Delete the account called ``name``; return False when there is none."""


class MemoryAccounts:
    """Accounts kept in this process only (for a ``memory://`` workspace)."""

    def __init__(self) -> None:
        self._rows: dict[str, AccountRow] = {}
        self._lock = threading.Lock()

    def all(self) -> list[AccountRow]:
        """Return every account, by name."""
        with self._lock:
            return sorted(self._rows.values(), key=lambda row: row.name)

    def get(self, name: str) -> AccountRow | None:
        """Return the account called ``name``, or None."""
        with self._lock:
            return self._rows.get(name)

    def add(self, row: AccountRow) -> bool:
        """Add an account unless the name is taken."""
        with self._lock:
            if row.name in self._rows:
                return False
            self._rows[row.name] = row
            return True

    def put(self, row: AccountRow) -> None:
        """Replace the account of ``row.name``."""
        with self._lock:
            self._rows[row.name] = row

    def remove(self, name: str) -> bool:
        """Delete the account called ``name``."""
        with self._lock:
            return self._rows.pop(name, None) is not None


_COLUMNS: Final = (
    "name, role, password_hash, organisation, disabled, created_at, failed_logins, locked_until, "
    "disabled_at, removed_as"
)
_PLACES: Final = ", ".join("?" * len(_COLUMNS.split(",")))
_ADDED_COLUMNS: Final = (("disabled_at", "TEXT"), ("removed_as", "INTEGER"))
"""Columns later versions added, with their types: added to an older file when opened."""


def _row(values: tuple[object, ...]) -> AccountRow:
    name, role, password_hash, organisation, disabled, created, failed, locked, off, n = values
    return AccountRow(
        name=str(name), role=str(role), password_hash=str(password_hash),
        organisation=None if organisation is None else str(organisation),
        disabled=bool(disabled), created_at=_moment(created), failed_logins=int(str(failed)),
        locked_until=None if locked is None else _moment(locked),
        disabled_at=None if off is None else _moment(off),
        removed_as=None if n is None else int(str(n)),
    )  # fmt: skip


def _moment(value: object) -> datetime:
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


def _params(row: AccountRow) -> tuple[object, ...]:
    return (
        row.name, row.role, row.password_hash, row.organisation, int(row.disabled),
        row.created_at.isoformat(), row.failed_logins,
        None if row.locked_until is None else row.locked_until.isoformat(),
        None if row.disabled_at is None else row.disabled_at.isoformat(), row.removed_as,
    )  # fmt: skip


class FileAccounts:
    """Accounts of a workspace folder, in ``accounts.sqlite`` beside the area files."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / ACCOUNTS_FILE

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        with closing(sqlite3.connect(self.path, timeout=30, isolation_level=None)) as connection:
            connection.execute(
                "CREATE TABLE IF NOT EXISTS accounts (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
                "password_hash TEXT NOT NULL, organisation TEXT, disabled INTEGER NOT NULL, "
                "created_at TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0, "
                "locked_until TEXT, disabled_at TEXT, removed_as INTEGER)"
            )
            _add_columns(connection)
            yield connection

    def all(self) -> list[AccountRow]:
        """Return every account, by name (none while the file does not exist)."""
        if not self.path.exists():
            return []
        with self._connection() as connection:
            rows = connection.execute(f"SELECT {_COLUMNS} FROM accounts ORDER BY name")
            return [_row(values) for values in rows]

    def get(self, name: str) -> AccountRow | None:
        """Return the account called ``name``, or None."""
        if not self.path.exists():
            return None
        with self._connection() as connection:
            found = connection.execute(
                f"SELECT {_COLUMNS} FROM accounts WHERE name = ?", (name,)
            ).fetchone()
        return None if found is None else _row(found)

    def add(self, row: AccountRow) -> bool:
        """Add an account unless the name is taken."""
        with self._connection() as connection:
            try:
                connection.execute(
                    f"INSERT INTO accounts ({_COLUMNS}) VALUES ({_PLACES})",
                    _params(row),
                )
            except sqlite3.IntegrityError:
                return False
        return True

    def put(self, row: AccountRow) -> None:
        """Replace the account of ``row.name``."""
        with self._connection() as connection:
            connection.execute(
                f"INSERT OR REPLACE INTO accounts ({_COLUMNS}) VALUES ({_PLACES})",
                _params(row),
            )

    def remove(self, name: str) -> bool:
        """Delete the account called ``name``."""
        if not self.path.exists():
            return False
        with self._connection() as connection:
            gone = connection.execute("DELETE FROM accounts WHERE name = ?", (name,))
            return gone.rowcount == 1


def _add_columns(connection: sqlite3.Connection) -> None:
    """Add the columns a file made by an earlier version lacks, in one transaction.

    An account disabled before its day was kept counts as disabled from now on: the
    retention rules never count a disabled account's time from a guess.
    """
    present = {row[1] for row in connection.execute("PRAGMA table_info(accounts)")}
    missing = [(name, kind) for name, kind in _ADDED_COLUMNS if name not in present]
    if not missing:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        present = {row[1] for row in connection.execute("PRAGMA table_info(accounts)")}
        for name, kind in missing:
            if name not in present:  # another process may have added it meanwhile
                connection.execute(f"ALTER TABLE accounts ADD COLUMN {name} {kind}")
        if "disabled_at" not in present:
            connection.execute(
                "UPDATE accounts SET disabled_at = ? WHERE disabled",
                (datetime.now(UTC).isoformat(),),
            )
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def with_changes(row: AccountRow, **changes: object) -> AccountRow:
    """Return ``row`` with some values changed."""
    return replace(row, **changes)  # type: ignore[arg-type]
