"""The workspace the HTTP side serves, opened once, at the first request that needs it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from walks.core.workspace import Workspace


class OpenedOnce:
    """``open_workspace`` called at the first call, its workspace given to every later one.

    The API, the feature service and the public pages share one (``walks.web.routes``): one
    store, one pool of database connections, in the server's process.
    """

    def __init__(self, open_workspace: Callable[[], Workspace]) -> None:
        self._open = open_workspace
        self._workspace: Workspace | None = None
        self._lock = threading.Lock()

    def __call__(self) -> Workspace:
        """Return the workspace, opening it if this is the first call."""
        with self._lock:
            if self._workspace is None:
                self._workspace = self._open()
            return self._workspace
