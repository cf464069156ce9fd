"""Observations sent at the same moment, stored together: one wait for the disk, not one each.

Every arrival waits in the event loop while the observations before it are stored; then all
that waited are stored at once (``walks.fieldwork.delivery.record_together``), each group
of one area and category in one transaction. An answer leaves only once its observation is
committed, so nothing is answered as stored that a crash could still lose. With 20 phones
posting at once this is what keeps a POST's 95th percentile under 300 ms on two cores and a
disk whose syncs are slow (``benchmarks/capture.py``).
"""

from __future__ import annotations

import asyncio
from typing import Final

import anyio.to_thread

from gis.i18n import LocalizedError
from walks.core.roles import Account
from walks.core.workspace import Workspace
from walks.fieldwork.delivery import Arrival, Delivered, record_together

MOST_AT_ONCE: Final = 100
"""The most observations stored together; more wait for the next round."""

Outcome = Delivered | LocalizedError
_Waiting = tuple[Workspace, Account | None, Arrival, "asyncio.Future[Outcome]"]


class Committer:
    """Stores the observations that arrive, those that waited meanwhile together."""

    def __init__(self) -> None:
        self._waiting: list[_Waiting] = []
        self._round: asyncio.Task[None] | None = None

    async def deliver(
        self, workspace: Workspace, account: Account | None, arrival: Arrival
    ) -> Outcome:
        """Store ``arrival`` as ``account`` (with the workspace as it may use it).

        Returns the stored observation, or the error that refused it.
        """
        future: asyncio.Future[Outcome] = asyncio.get_running_loop().create_future()
        self._waiting.append((workspace, account, arrival, future))
        if self._round is None or self._round.done():
            self._round = asyncio.create_task(self._store_what_waits())
        return await future

    async def _store_what_waits(self) -> None:
        while self._waiting:
            taken, self._waiting = self._waiting[:MOST_AT_ONCE], self._waiting[MOST_AT_ONCE:]
            by_account: dict[Account | None, list[_Waiting]] = {}
            for waiting in taken:
                by_account.setdefault(waiting[1], []).append(waiting)
            for members in by_account.values():
                arrivals = [arrival for _, _, arrival, _ in members]
                try:
                    outcomes = await anyio.to_thread.run_sync(
                        record_together, members[0][0], arrivals
                    )
                except Exception as error:  # a fault, not a refusal: each caller hears it
                    for *_, future in members:
                        if not future.done():
                            future.set_exception(error)
                    continue
                for (*_, future), outcome in zip(members, outcomes, strict=True):
                    if not future.done():  # a caller that went away is not answered
                        future.set_result(outcome)
