"""Values parsed from data files, kept until a file they were read from changes.

People edit configuration files (organisations, routing rules, …) while the app runs; a
cache keyed on the path alone would serve the old contents until a restart. Here a value is
kept under the version of each file it was read from — the resolved path, the modification
time in nanoseconds and the size — so an edit counts at the next use, and an unchanged file
costs one ``stat`` instead of a parse.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from pathlib import Path
from typing import Final, Generic, TypeVar

T = TypeVar("T")

FileVersion = tuple[str, int, int] | tuple[str, None, None]
"""A file's resolved path, modification time (ns) and size; None and None when it is missing."""

DEFAULT_MAXSIZE: Final = 8


def file_version(path: Path) -> FileVersion:
    """Return ``path``'s version: resolved path, modification time (ns) and size.

    A file that cannot be looked at (missing, no permission) has no time or size; reading it
    will say what is wrong.
    """
    resolved = path.resolve()
    try:
        status = resolved.stat()
    except OSError:
        return (str(resolved), None, None)
    return (str(resolved), status.st_mtime_ns, status.st_size)


class FileCache(Generic[T]):
    """The last few values parsed from files, each kept under the versions of its files.

    Safe to share between threads: two threads asking at once for a changed file may both
    parse it; either value is kept. A parse that raises keeps nothing, so a mistake in a file
    is reported at every use until it is fixed.
    """

    def __init__(self, *, maxsize: int = DEFAULT_MAXSIZE) -> None:
        if maxsize < 1:
            msg = f"maxsize must be at least 1, got {maxsize!r}"
            raise ValueError(msg)
        self.maxsize = maxsize
        self._values: OrderedDict[tuple[tuple[FileVersion, ...], Hashable], T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, files: Sequence[Path], parse: Callable[[], T], *, also: Hashable = ()) -> T:
        """Return the value ``parse`` made from ``files``, parsing again if any file changed.

        ``files`` are the files ``parse`` reads; ``parse`` is called without arguments.
        ``also`` is anything else the value depends on (e.g. the list a file is checked
        against): a value is kept under it too, and parsed again when it is different.
        """
        # The versions are taken before parsing: a file changed during the parse then has a
        # newer version than the one its value is kept under, and is parsed again next time.
        versions = (tuple(file_version(path) for path in files), also)
        with self._lock:
            if versions in self._values:
                self._values.move_to_end(versions)
                return self._values[versions]
        value = parse()
        with self._lock:
            self._values[versions] = value
            self._values.move_to_end(versions)
            while len(self._values) > self.maxsize:
                self._values.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every value."""
        with self._lock:
            self._values.clear()
