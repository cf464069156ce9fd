"""Working through chunks on two cores: this process and a forked copy of it, in order.

Checking the features of a large file is Python's own work, which one process does on
one core at a time. A forked copy of the process holds everything the work needs, as it
was when forked, without anything being sent to it: it does the chunks one after the
other and sends back what it found, as plain values (``pack``), while this process takes
each result in the chunks' order, as if one process had done them all, and works with
it (an import writes it) while the copy goes on with the next ones. When this process
waits for the copy, it does the last chunks the copy has not begun, until they meet. A chunk
the copy could not do (it failed, or was stopped) is done again here, so any error is
raised here as it would have been.

Forking copies only the thread that forks: it is done from a process's main thread
alone (the command line); elsewhere (a page's thread, whose process serves others) and
where the system cannot fork, every chunk is done here.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable, Iterator, Sequence
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
) -> Iterator[T]:
    """Yield ``work(chunk)`` of every chunk, in order, most of them done by the forked copy.

    ``pack`` turns a result into plain values to send, ``unpack`` turns them back;
    ``done(chunk)`` is called as each chunk's result is at hand here. Closing the
    iterator early stops the copy.
    """
    if len(chunks) < MIN_CHUNKS or not can_fork():
        for chunk in chunks:
            yield _done(work(chunk), chunk, done)
        return
    pool = ProcessPoolExecutor(
        max_workers=1,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_adopt,
        initargs=(work, pack),
    )
    try:
        futures = [pool.submit(_work, chunk) for chunk in chunks]
        done_here: dict[int, T] = {}
        last = len(chunks) - 1
        for k, (chunk, future) in enumerate(zip(chunks, futures, strict=True)):
            if k in done_here:
                yield _done(done_here.pop(k), chunk, done)
                continue
            # While the copy is still at this chunk, this process does the last ones.
            while not future.done() and last > k and futures[last].cancel():
                done_here[last] = work(chunks[last])
                last -= 1
            if future.cancel():  # the copy has not begun it: done here
                result: T | object = work(chunk)
            else:
                result = _unpacked(future, unpack)
                if result is _MISSING:  # the copy could not do it
                    result = work(chunk)
            yield _done(cast(T, result), chunk, done)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


_MISSING: Final = object()
"""A chunk's result the copy did not give."""


def _unpacked(future: Future[P], unpack: Callable[[P], T]) -> T | object:
    """Return the result of a chunk the copy does, once done; ``_MISSING`` if it failed."""
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
