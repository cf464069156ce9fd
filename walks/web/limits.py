"""How often one client address may send what anyone may send without an account.

Kept in the process's memory: a restart forgets it, and each instance of the app counts
its own clients. That is enough against one person or script filling the inbox; what an
address sent is forgotten a day later.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

DAY_S: Final = 24 * 3600.0


@dataclass(frozen=True, slots=True)
class Allowance:
    """How many sends an address may make: ``per_window`` in ``window_s``, ``per_day`` a day."""

    per_window: int
    window_s: float
    per_day: int


class RateLimit:
    """Counts each address's sends and says how long one over its allowance must wait.

    Safe to share between threads; ``clock`` (seconds, monotonic) is for tests.
    """

    def __init__(
        self, allowance: Allowance, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._allowance = allowance
        self._clock = clock
        self._sent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait_s(self, address: str) -> float:
        """Return how many seconds ``address`` must wait before it may send again; 0: now."""
        allowance, now = self._allowance, self._clock()
        with self._lock:
            sent = self._recent(address, now) if address in self._sent else deque()
            waits = [0.0]
            in_window = [t for t in sent if t > now - allowance.window_s]
            if len(in_window) >= allowance.per_window:
                waits.append(in_window[-allowance.per_window] + allowance.window_s - now)
            if len(sent) >= allowance.per_day:
                waits.append(sent[-allowance.per_day] + DAY_S - now)
            return max(waits)

    def count(self, address: str) -> None:
        """Count one send from ``address``, now."""
        now = self._clock()
        with self._lock:
            self._recent(address, now).append(now)
            if len(self._sent) > 1000:  # forget the addresses that sent nothing for a day
                for other in [a for a, t in self._sent.items() if not t or t[-1] <= now - DAY_S]:
                    del self._sent[other]

    def _recent(self, address: str, now: float) -> deque[float]:
        sent = self._sent.setdefault(address, deque())
        while sent and sent[0] <= now - DAY_S:
            sent.popleft()
        return sent
