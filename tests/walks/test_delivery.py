"""Observations sent from a phone are stored once, however often and however at once they arrive."""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime

from walks.core.model import ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.fieldwork.delivery import Delivered, record_once
from walks.fieldwork.recording import list_observations

HASSELBY_GARD = Position(17.8445, 59.3668)


def lamp(uuid_text: str) -> ObservationDraft:
    return ObservationDraft(
        uuid=uuid_text, category="lighting", position=HASSELBY_GARD, created_by="tests",
        fields={"problem": "broken"}, observed_at=datetime(2026, 12, 1, 20, 30, tzinfo=UTC),
    )  # fmt: skip


def lighting(workspace: Workspace) -> list[str]:
    return [o.uuid for o in list_observations(workspace, "hasselby-gard", category="lighting")]


def test_arrivals_racing_each_other_store_one_observation(workspace: Workspace) -> None:
    draft = lamp(str(uuid.uuid4()))
    before = lighting(workspace)
    delivered: list[Delivered] = []
    start = threading.Barrier(4)

    def arrive() -> None:
        start.wait()
        delivered.append(record_once(workspace, draft))

    threads = [threading.Thread(target=arrive) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(d.created for d in delivered) == [False, False, False, True]
    assert {d.observation.number for d in delivered} == {delivered[0].observation.number}
    assert lighting(workspace) == [*before, draft.uuid]


def test_a_repeat_in_a_later_session_is_answered_with_what_was_stored(
    workspace: Workspace,
) -> None:
    draft = lamp(str(uuid.uuid4()))
    first = record_once(workspace, draft)
    again = record_once(workspace, draft)
    assert (first.created, again.created) == (True, False)
    assert again.observation == first.observation
