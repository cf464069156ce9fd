"""Which workspace this session works in, as whom, and the key of its data as it is now.

One workspace is opened per process and shared by every Streamlit session; each session
uses it as its account may (``walks.access.guard.workspace_as``), a guest as a viewer.
Every write through the app goes through ``writing()``, which bumps the process-wide data
version afterwards; ``current()`` gives the cached loaders of ``ui.cache`` the key that
changes with it, and with the store's revision stamp (writes made outside this process:
the command line, QGIS).
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

import streamlit as st

from gis.i18n import LocalizedError
from ui import state
from walks.access.guard import workspace_as
from walks.core.config import settings_from_env
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace
from walks.fieldwork.startup import open_workspace

GUEST: Final = Account("allmänheten", Role.VIEWER)
"""A session without a login, where the workspace has accounts: the residents' page."""


class DataVersion:
    """A number that goes up after every write; thread-safe, one per process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._number = 0

    def current(self) -> int:
        """Return the number of writes so far."""
        with self._lock:
            return self._number

    def bump(self) -> None:
        """Count one more write."""
        with self._lock:
            self._number += 1


class LastRevisions:
    """The revision of each store as last read, for pages to show while it is away.

    Shared by every session's thread, so each read and change holds the lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._revisions: dict[str, str] = {}

    def get(self, location: str) -> str | None:
        """Return the revision last read from the store at ``location``, if any."""
        with self._lock:
            return self._revisions.get(location)

    def set(self, location: str, revision: str) -> None:
        """Remember ``revision`` as the last read from the store at ``location``."""
        with self._lock:
            self._revisions[location] = revision


@st.cache_resource(show_spinner=False)
def opened() -> Workspace:
    """Open the workspace named by the environment (created and seeded on first run).

    One per process, shared by every session; sessions use it through ``workspace``.
    """
    return open_workspace(settings_from_env())


def workspace() -> Workspace:
    """Return the workspace as this session's account may use it (all of it without accounts)."""
    account = state.account() or (GUEST if state.is_guest() else None)
    return opened() if account is None else workspace_as(opened(), account)


@st.cache_resource(show_spinner=False)
def _data_version() -> DataVersion:
    return DataVersion()


@st.cache_resource(show_spinner=False)
def _last_revisions() -> LastRevisions:
    return LastRevisions()


def current() -> tuple[Workspace, str]:
    """Return the workspace and the key of its data as it is now.

    The key holds where the data is, the app's own write count (bumped by every write
    through the app, whatever the store can tell), the store's revision stamp, which also
    changes with writes made outside the app (the command line, QGIS), and the role.
    While the store does not answer, the revision last read stands in, so pages show what
    was read last; the problem is noted once for the run (``state.store_away``), and the
    app shows it once above the page.
    """
    now = workspace()
    store = now.store
    # What a session may see depends on its role: each role has its own cached results.
    role = now.account.role.value if now.account else "all"
    revisions = _last_revisions()
    try:
        revision = store.revision()
    except LocalizedError as error:  # the database is away: show what was read last
        last = revisions.get(store.location)
        if last is None:
            raise
        revision = last
        state.set_store_away(error.message(state.language()))
    revisions.set(store.location, revision)
    return now, f"{store.location}#{_data_version().current()}#{revision}#{role}"


@contextmanager
def writing() -> Iterator[Workspace]:
    """Yield the workspace to write to; afterwards, even after a failure, bump the version."""
    try:
        yield workspace()
    finally:
        _data_version().bump()
