"""Observations and photos sent from a phone: stored once, however often they arrive.

A phone that saved an observation without a connection sends it when it has one, and
sends it again when it did not hear the answer. It names each observation and photo by a
UUID of its own making, so a second arrival is recognised and answered with what was
stored the first time: nothing is lost, nothing doubled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from gis.i18n import LocalizedError, Text
from gis.photos import Photo
from layers.errors import FeatureValidationError
from layers.schema import PHOTOS_LAYER
from walks.core.errors import WalkError
from walks.core.model import Observation, ObservationDraft
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import (
    Prepared,
    find_observation,
    photo_rows,
    prepare_observation,
    record_observation,
)


class NotStoredError(WalkError):
    """A photo sent for an observation the workspace does not have (yet)."""


@dataclass(frozen=True, slots=True)
class Delivered:
    """What an arrival left stored, and whether this arrival stored it (False: a repeat)."""

    observation: Observation
    created: bool


def record_once(
    workspace: Workspace,
    draft: ObservationDraft,
    *,
    area: str | None = None,
    walk: str | None = None,
    now: datetime | None = None,
) -> Delivered:
    """Store ``draft``, which names its ``uuid``, unless it is stored already.

    The store refuses a second feature of one uuid, also when two arrivals race. Whatever
    refuses a draft, its uuid is then looked for in its category in every area: found, the
    draft is a repeat (its answer was lost), answered with what the first arrival stored,
    even when what decided then has changed since (an area's boundary, a walk, a role).

    Raises
    ------
    ValueError
        ``draft.uuid`` is None.
    layers.errors.LayerError, walks.core.errors.PositionError
        As ``record_observation``, for a draft not stored before.
    """
    if draft.uuid is None:
        msg = "record_once needs the draft's uuid"
        raise ValueError(msg)
    try:
        observation = record_observation(workspace, draft, area=area, walk=walk, now=now)
    except LocalizedError:
        stored = _stored_before(workspace, draft)
        if stored is None:
            raise
        return Delivered(stored, created=False)
    return Delivered(observation, created=True)


def _stored_before(workspace: Workspace, draft: ObservationDraft) -> Observation | None:
    """Return the observation of ``draft``'s uuid in its category, in whichever area."""
    if draft.uuid is None or draft.category not in workspace.catalog.names:
        return None
    return _anywhere(workspace, draft.uuid, category=draft.category)


def _anywhere(
    workspace: Workspace, uuid: str, *, area: str | None = None, category: str | None = None
) -> Observation | None:
    """Return the observation ``uuid``: in ``area`` (else any), in ``category`` (else any).

    None when no area the caller may see has it.
    """
    slugs = [find_area(workspace, area).slug] if area else [a.slug for a in workspace.areas()]
    for slug in slugs:
        found = find_observation(workspace, slug, uuid, category=category)
        if found is not None:
            return found
    return None


@dataclass(frozen=True, slots=True)
class Arrival:
    """One observation sent: the draft (naming its uuid), and the area and walk it names."""

    draft: ObservationDraft
    area: str | None = None
    walk: str | None = None


def record_together(
    workspace: Workspace, arrivals: Sequence[Arrival], *, now: datetime | None = None
) -> list[Delivered | LocalizedError]:
    """Store observations that arrived at about the same moment; return each one's outcome.

    Those of one area and category are written in one transaction: one wait for the disk
    instead of one each, which is what many phones saving at once would queue for. When
    the store refuses such a group (one of them does not fit, or is a repeat), each of
    them is stored on its own (``record_once``), so one refusal never holds back another.
    The outcome of each is what it would have been alone: an observation stored or found
    stored already, or the error that refused it.
    """
    outcomes: list[Delivered | LocalizedError | None] = [None] * len(arrivals)
    groups: dict[tuple[str, str], list[tuple[int, Prepared]]] = {}
    for k, arrival in enumerate(arrivals):
        if arrival.draft.photos or arrival.draft.uuid is None:
            outcomes[k] = _alone(workspace, arrival, now)
            continue
        try:
            prepared = prepare_observation(workspace, arrival.draft, area=arrival.area,
                                           walk=arrival.walk, now=now)  # fmt: skip
        except LocalizedError:
            outcomes[k] = _alone(workspace, arrival, now)  # refused, or a repeat
            continue
        groups.setdefault((prepared.area, prepared.category), []).append((k, prepared))
    for (area, category), members in groups.items():
        actor = arrivals[members[0][0]].draft.created_by
        features = [(prepared.values, prepared.geometry) for _, prepared in members]
        try:
            records = workspace.store.append_many(area, category, features, actor=actor)
        except LocalizedError:
            for k, _ in members:
                outcomes[k] = _alone(workspace, arrivals[k], now)
            continue
        for (k, prepared), record in zip(members, records, strict=True):
            outcomes[k] = Delivered(prepared.stored(record), created=True)
    return [outcome for outcome in outcomes if outcome is not None]


def _alone(
    workspace: Workspace, arrival: Arrival, now: datetime | None
) -> Delivered | LocalizedError:
    try:
        return record_once(workspace, arrival.draft, area=arrival.area, walk=arrival.walk,
                           now=now)  # fmt: skip
    except LocalizedError as error:
        return error


def stored_observation(workspace: Workspace, uuid: str, area: str | None = None) -> Observation:
    """Return the observation ``uuid``, looked for in ``area`` or else in every area.

    Raises
    ------
    NotStoredError
        No area (of those the caller may see) has it.
    """
    found = _anywhere(workspace, uuid, area=area)
    if found is not None:
        return found
    raise NotStoredError(
        Text(
            sv=f"Observationen {uuid} finns inte (ännu); skicka den före dess foton.",
            en=f"The observation {uuid} is not stored (yet); send it before its photos.",
        )
    )


def add_photo_once(
    workspace: Workspace,
    observation: Observation,
    photo: Photo,
    *,
    uuid: str | None,
    actor: str,
    now: datetime | None = None,
) -> Delivered:
    """Add a checked photo to a stored observation unless the observation has it already.

    It has it when a photo of the phone's ``uuid`` for it is stored, or, without a
    ``uuid``, when it holds a photo of the same bytes (the check re-encodes the same upload
    to the same bytes, and blacks out the same boxes of it when photos are redacted on
    arrival).
    """
    moment = now or datetime.now(UTC)
    row = {**photo_rows([photo], moment, redact=workspace.settings.redact_on_upload)[0],
           "uuid": uuid}  # fmt: skip
    if _holds(workspace, observation, row["image"], uuid):
        return Delivered(observation, created=False)
    try:
        workspace.store.add_children(
            observation.area,
            observation.category,
            observation.uuid,
            {PHOTOS_LAYER: [row]},
            actor=actor,
        )
    except FeatureValidationError:
        if not _holds(workspace, observation, row["image"], uuid):  # else: the other arrival won
            raise
        return Delivered(observation, created=False)
    return Delivered(observation, created=True)


def _holds(workspace: Workspace, observation: Observation, image: object, uuid: str | None) -> bool:
    store = workspace.store
    held = store.read_photos(observation.area, [observation.uuid])
    if uuid is not None:
        return any(info.uuid == uuid for info in held)
    return any(store.read_photo_image(observation.area, i.uuid) == image for i in held)
