"""Working through chunks on two cores: this process and a forked copy of it, turn about.

Checking the features of a large file is Python's own work, which one process does on
one core at a time. A forked copy of the process holds everything the work needs, as it
was when forked, without anything being sent to it: it takes chunks from the last one
back and sends back what it found, as plain values (``pack``), while this process takes
them from the first one on, until the two meet. The results come back in the chunks'
order, as if one process had done them all. A
chunk the copy could not do (it failed, or was stopped) is done again here, so any error
is raised here as it would have been.

Forking copies only the thread that forks: it is done from a process's main thread
alone (the command line); elsewhere (a page's thread, whose process serves others) and
where the system cannot fork, every chunk is done here.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, Final, TypeVar, cast

T = TypeVar("T")
P = TypeVar("P")

MIN_CHUNKS: Final = 4
"""Fewer chunks than this are done here: forking costs more than it saves."""
_FORKED: list[tuple[Callable[[int], Any], Callable[[Any], Any]]] = []
"""In the forked copy: the work and how its results are packed (``_adopt``)."""


def can_fork() -> bool:
    """Return whether this thread may fork a copy of the process to work beside it."""
    return (
        (os.cpu_count() or 1) > 1
        and "fork" in multiprocessing.get_all_start_methods()
        and threading.current_thread() is threading.main_thread()
    )


def in_two_processes(
    work: Callable[[int], T],
    chunks: Sequence[int],
    *,
    pack: Callable[[T], P],
    unpack: Callable[[P], T],
    done: Callable[[int], None] | None = None,
) -> list[T]:
    """Return ``work(chunk)`` of every chunk, in order, the forked copy doing the last ones.

    ``pack`` turns a result into plain values to send, ``unpack`` turns them back;
    ``done(chunk)`` is called as each chunk's result is at hand here.
    """
    if len(chunks) < MIN_CHUNKS or not can_fork():
        return [_done(work(chunk), chunk, done) for chunk in chunks]
    results: list[T] = []
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_adopt,
        initargs=(work, pack),
    )
    try:
        # The copy works from the last chunk back, this process from the first on: they
        # meet where the work is shared evenly, whichever is the faster.
        futures: dict[int, Future[P]] = {
            chunk: pool.submit(_work, chunk) for chunk in reversed(chunks)
        }
        for chunk in chunks:
            future = futures[chunk]
            result = _unpacked(future, unpack) if future.done() else _MISSING
            if result is _MISSING:  # the copy has not done it (or could not): done here
                future.cancel()
                result = work(chunk)
            results.append(_done(cast(T, result), chunk, done))
    finally:
        # Not waiting for a chunk the copy may still be doing, which this process did.
        pool.shutdown(wait=False, cancel_futures=True)
    return results


_MISSING: Final = object()
"""A chunk's result the copy did not give."""


def _unpacked(future: Future[P], unpack: Callable[[P], T]) -> T | object:
    """Return the result of a chunk the copy did, ``_MISSING`` if it failed."""
    try:
        return unpack(future.result())
    except Exception:  # done again here, where its error is raised
        return _MISSING


def _done(result: T, chunk: int, done: Callable[[int], None] | None) -> T:
    if done is not None:
        done(chunk)
    return result


def _adopt(work: Callable[[int], Any], pack: Callable[[Any], Any]) -> None:
    """Keep the work in the forked copy (handed over by the fork, not sent)."""
    _FORKED.append((work, pack))


def _work(chunk: int) -> Any:
    """Do one chunk in the forked copy and return its result packed."""
    work, pack = _FORKED[-1]
    return pack(work(chunk))
