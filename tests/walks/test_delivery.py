"""Observations sent from a phone are stored once, however often and however at once they arrive."""

from __future__ import annotations

import threading
import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from layers.errors import FeatureValidationError
from walks.core.model import ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.fieldwork.delivery import Arrival, Delivered, record_once, record_together
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


def test_arrivals_stored_together_each_get_their_own_outcome(workspace: Workspace) -> None:
    stored_before = record_once(workspace, lamp(str(uuid.uuid4())))
    fresh = [lamp(str(uuid.uuid4())) for _ in range(3)]
    unfit = replace(lamp(str(uuid.uuid4())), fields={})  # 'problem' is required
    twice = lamp(str(uuid.uuid4()))
    arrivals = [Arrival(fresh[0]), Arrival(unfit), Arrival(fresh[1]),
                Arrival(lamp(stored_before.observation.uuid)),
                Arrival(twice), Arrival(twice), Arrival(fresh[2])]  # fmt: skip
    before = lighting(workspace)
    outcomes = record_together(workspace, arrivals)
    assert isinstance(outcomes[1], FeatureValidationError)
    assert outcomes[1].field == "problem"
    delivered = [o for o in outcomes if isinstance(o, Delivered)]
    assert [d.created for d in delivered] == [True, True, False, True, False, True]
    assert delivered[2].observation == stored_before.observation
    assert delivered[3].observation.number == delivered[4].observation.number
    assert lighting(workspace) == [*before, fresh[0].uuid, fresh[1].uuid, twice.uuid, fresh[2].uuid]


def test_a_group_without_refusals_is_one_transaction(
    workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    arrivals = [Arrival(lamp(str(uuid.uuid4()))) for _ in range(5)]
    writes: list[tuple[str, int]] = []
    store = workspace.store
    real = store.append_many

    def noted(slug: str, layer: str, features: list[object], *, actor: str) -> object:
        writes.append((layer, len(features)))
        return real(slug, layer, features, actor=actor)  # type: ignore[arg-type]

    monkeypatch.setattr(store, "append_many", noted)
    monkeypatch.setattr(store, "append", None)  # not one at a time
    outcomes = record_together(workspace, arrivals)
    assert writes == [("lighting", 5)]
    numbers = [o.observation.number for o in outcomes if isinstance(o, Delivered)]
    assert numbers == sorted(numbers)
    assert len(set(numbers)) == 5


def test_a_repeat_is_recognised_even_when_it_would_be_refused_now(workspace: Workspace) -> None:
    """The first arrival was stored and its answer lost; then the walk it named was removed."""
    from walks.fieldwork.planning import list_walks

    walk = list_walks(workspace, "hasselby-gard")[0]
    draft = lamp(str(uuid.uuid4()))
    first = record_once(workspace, draft, walk=str(walk.number))
    workspace.store.delete("hasselby-gard", "walks", [walk.uuid], actor="tests")
    again = record_once(workspace, draft, walk=str(walk.number))
    assert (first.created, again.created) == (True, False)
    assert again.observation == first.observation
    together = record_together(workspace, [Arrival(draft, walk=str(walk.number))])
    assert together == [Delivered(first.observation, created=False)]
    with pytest.raises(FeatureValidationError):  # a new one naming that walk is refused
        record_once(workspace, lamp(str(uuid.uuid4())), walk=str(walk.number))
