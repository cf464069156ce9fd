"""Observations that arrive while others are stored wait, and are then stored together."""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import replace
from datetime import UTC, datetime

from gis.i18n import LocalizedError
from walks.core.model import ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.fieldwork.delivery import Arrival, Delivered
from walks.fieldwork.recording import list_observations
from walks.web.committer import Committer


def lamp() -> ObservationDraft:
    return ObservationDraft(
        uuid=str(uuid.uuid4()), category="lighting", position=Position(17.8445, 59.3668),
        created_by="app", fields={"problem": "broken"},
        observed_at=datetime(2026, 12, 1, 20, 30, tzinfo=UTC),
    )  # fmt: skip


def test_many_at_once_each_hear_their_own_outcome(workspace: Workspace) -> None:
    drafts = [lamp() for _ in range(12)]
    drafts[5] = replace(drafts[5], fields={})  # refused: 'problem' is required
    before = len(list_observations(workspace, "hasselby-gard", category="lighting"))

    async def arrive_together() -> list[Delivered | LocalizedError]:
        committer = Committer()
        return await asyncio.gather(
            *(committer.deliver(workspace, None, Arrival(draft)) for draft in drafts)
        )

    outcomes = asyncio.run(arrive_together())
    assert isinstance(outcomes[5], LocalizedError)
    stored = [o for o in outcomes if isinstance(o, Delivered)]
    assert [o.observation.uuid for o in stored] == [d.uuid for k, d in enumerate(drafts) if k != 5]
    assert len({o.observation.number for o in stored}) == 11
    after = list_observations(workspace, "hasselby-gard", category="lighting")
    assert len(after) == before + 11
