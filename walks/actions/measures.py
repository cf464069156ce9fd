"""The action plan: measures made from observations, their status, history and follow-up.

A measure covers one or more observations of an area; an observation belongs to at most
one open measure. The observations' status follows their measure: ``planned`` while it is
open, ``resolved`` when it is done, ``assessed`` again when it is found not feasible.
Every change goes through the store, which logs it (who, when, old → new).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Final

from gis.i18n import Text
from gis.photos import Photo
from layers.schema import CHANGE_LOG_LAYER, MEASURES_LAYER, NOTES_LAYER, PHOTOS_LAYER
from layers.store import Update
from layers.values import CostClass, MeasureStatus, ObservationStatus
from walks.core.clock import stockholm_today
from walks.core.errors import WalkError
from walks.core.model import Observation
from walks.core.organisations import find_organisation
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations, photo_rows

PRIORITIES: Final = {"high": 1, "medium": 2, "low": 3}
"""The priority words and how the measures layer stores them."""
OPEN: Final = frozenset({MeasureStatus.PROPOSED, MeasureStatus.DECIDED, MeasureStatus.IN_PROGRESS})
ORDER: Final = (
    MeasureStatus.PROPOSED, MeasureStatus.DECIDED, MeasureStatus.IN_PROGRESS, MeasureStatus.DONE,
)  # fmt: skip
"""The way forward; going back, or to not feasible, needs a reason."""
FOLLOWS: Final = {
    MeasureStatus.PROPOSED: ObservationStatus.PLANNED,
    MeasureStatus.DECIDED: ObservationStatus.PLANNED,
    MeasureStatus.IN_PROGRESS: ObservationStatus.PLANNED,
    MeasureStatus.DONE: ObservationStatus.RESOLVED,
    MeasureStatus.NOT_FEASIBLE: ObservationStatus.ASSESSED,
}
"""The status an observation takes from its measure's."""
CLOSED: Final = frozenset({ObservationStatus.RESOLVED, ObservationStatus.DISMISSED})
"""Observations a new measure cannot take."""


class MeasureError(WalkError):
    """A measure that cannot be made or changed as asked; nothing was stored."""


@dataclass(frozen=True, slots=True)
class Measure:
    """A measure of the action plan."""

    uuid: str
    number: int
    area: str
    title: str
    description: str
    responsible: str
    """The organisation's id (``walks.core.organisations``)."""
    priority: str
    """high, medium or low."""
    deadline: date | None
    status: MeasureStatus
    observations: tuple[int, ...]
    """The numbers of the observations it covers."""
    cost_class: CostClass | None
    reason: str
    public: bool
    """Its title and status may be shown to residents (``walks.actions.public``)."""
    created_at: datetime
    created_by: str
    updated_at: datetime

    def is_overdue(self, today: date) -> bool:
        """Return whether the deadline has passed and the measure is still open."""
        return self.status in OPEN and self.deadline is not None and self.deadline < today


@dataclass(frozen=True, slots=True)
class HistoryEntry:
    """One change to a measure: when, who, and each changed field's old and new value."""

    at: datetime
    actor: str
    action: str
    """insert, update or note."""
    changes: dict[str, tuple[Any, Any]]
    note: str = ""
    note_uuid: str = ""
    """A note's id: its photos are those of this feature (``recording.photo_thumbnails``)."""
    photos: int = 0
    """How many photos a note has."""


def _measure(area: str, record: dict[str, Any], numbers: dict[str, int]) -> Measure:
    uuids = json.loads(record.get("observation_uuids") or "[]")
    priority = next((w for w, n in PRIORITIES.items() if n == record.get("priority")), "medium")
    return Measure(
        uuid=str(record["uuid"]),
        number=int(record["number"]),
        area=area,
        title=str(record["title"]),
        description=str(record.get("description") or ""),
        responsible=str(record.get("responsible") or ""),
        priority=priority,
        deadline=record.get("deadline"),
        status=MeasureStatus(record["status"]),
        observations=tuple(sorted(numbers[u] for u in uuids if u in numbers)),
        cost_class=record.get("cost_class"),
        reason=str(record.get("reason") or ""),
        public=bool(record.get("public")),
        created_at=record["created_at"],
        created_by=str(record["created_by"]),
        updated_at=record["updated_at"],
    )


def _observations(workspace: Workspace, slug: str) -> dict[int, Observation]:
    return {o.number: o for o in list_observations(workspace, slug)}


def _measures(
    workspace: Workspace, slug: str, observations: dict[int, Observation]
) -> list[Measure]:
    numbers = {o.uuid: o.number for o in observations.values()}
    records = workspace.store.read_records(slug, MEASURES_LAYER)
    return sorted((_measure(slug, r, numbers) for r in records), key=lambda m: m.number)


def area_measures(
    workspace: Workspace, area: str, observations: Sequence[Observation] | None = None
) -> list[Measure]:
    """Return an area's measures by number (``observations``: the area's, if read already)."""
    slug = find_area(workspace, area).slug
    if observations is None:
        return _measures(workspace, slug, _observations(workspace, slug))
    return _measures(workspace, slug, {o.number: o for o in observations})


def _find(measures: Sequence[Measure], number: int) -> Measure:
    for measure in measures:
        if measure.number == number:
            return measure
    listed = ", ".join(str(m.number) for m in measures) or "-"
    raise MeasureError(
        Text(
            sv=f"Området har ingen åtgärd nr {number}. Åtgärder: {listed}.",
            en=f"The area has no measure no. {number}. Measures: {listed}.",
        )
    )


def find_measure(workspace: Workspace, area: str, number: int) -> Measure:
    """Return measure ``number`` of ``area``.

    Raises
    ------
    MeasureError
        The area has no such measure.
    """
    return _find(area_measures(workspace, area), number)


def _taken(measures: Sequence[Measure], *, but: str | None = None) -> dict[int, int]:
    """Return observation number → the open measure covering it, measure ``but`` left out."""
    return {
        n: m.number
        for m in measures if m.status in OPEN and m.uuid != but
        for n in m.observations
    }  # fmt: skip


def _priority(word: str) -> int:
    if word not in PRIORITIES:
        raise MeasureError(
            Text(
                sv=f"Okänd prioritet {word!r}: välj high, medium eller low.",
                en=f"Unknown priority {word!r}: choose high, medium or low.",
            )
        )
    return PRIORITIES[word]


def _following(
    observations: Sequence[Observation], status: MeasureStatus, *, taken: dict[int, int]
) -> list[Update]:
    """Return the updates that give the observations the status their measure's means.

    An observation another open measure covers (``taken``) keeps its status.
    """
    wanted = FOLLOWS[status]
    return [
        (o.category, o.uuid, {"status": wanted})
        for o in observations
        if o.status != wanted and o.number not in taken
    ]


def _refuse_taken(numbers: Sequence[int], taken: dict[int, int]) -> None:
    """Refuse observations another open measure covers already."""
    busy = {n: taken[n] for n in numbers if n in taken}
    if busy:
        listed = ", ".join(f"{n} (nr {m})" for n, m in sorted(busy.items()))
        listed_en = ", ".join(f"{n} (no. {m})" for n, m in sorted(busy.items()))
        raise MeasureError(
            Text(
                sv=f"Iakttagelserna finns redan i en öppen åtgärd: {listed}.",
                en=f"The observations are already in an open measure: {listed_en}.",
            )
        )


def add_measure(
    workspace: Workspace,
    area: str,
    *,
    observations: Sequence[int],
    title: str,
    responsible: str,
    actor: str,
    deadline: date | None = None,
    priority: str = "medium",
    description: str = "",
    cost_class: CostClass | None = None,
    public: bool = False,
    now: datetime | None = None,
) -> Measure:
    """Make a proposed measure covering ``observations`` (their numbers) of ``area``.

    ``public``: its title and status may be shown to residents once it is decided.

    Everything is checked before anything is written: the observations exist and none is
    in another open measure, the organisation is known, the title is given.

    Raises
    ------
    MeasureError
        No observations, unknown ones, ones already in an open measure, no title.
    walks.core.organisations.OrganisationError
        An organisation that is not in the list.
    """
    slug = find_area(workspace, area).slug
    organisation = find_organisation(workspace.settings.data_dir, responsible)
    if not title.strip():
        raise MeasureError(
            Text(sv="Ge åtgärden en rubrik (--title).", en="Give the measure a title (--title).")
        )
    if not observations:
        raise MeasureError(
            Text(
                sv="Ange vilka iakttagelser åtgärden gäller (--observations 3,7).",
                en="Name the observations the measure is for (--observations 3,7).",
            )
        )
    known = _observations(workspace, slug)
    unknown = sorted(set(observations) - set(known))
    if unknown:
        raise MeasureError(
            Text(
                sv=f"Området har inga iakttagelser nr {', '.join(map(str, unknown))}.",
                en=f"The area has no observations no. {', '.join(map(str, unknown))}.",
            )
        )
    chosen = [known[n] for n in sorted(set(observations))]
    closed = [o.number for o in chosen if o.status in CLOSED]
    if closed:
        listed = ", ".join(map(str, closed))
        raise MeasureError(
            Text(
                sv=f"Iakttagelserna {listed} är redan åtgärdade eller avskrivna.",
                en=f"The observations {listed} are already resolved or dismissed.",
            )
        )
    taken = _taken(_measures(workspace, slug, known))
    _refuse_taken([o.number for o in chosen], taken)
    moment = now or datetime.now(UTC)
    values = {
        "title": title.strip(), "description": description, "responsible": organisation.id,
        "priority": _priority(priority), "deadline": deadline,
        "status": MeasureStatus.PROPOSED, "cost_class": cost_class, "public": public,
        "observation_uuids": json.dumps([o.uuid for o in chosen]),
        "created_at": moment, "updated_at": moment, "created_by": actor, "is_demo": False,
    }  # fmt: skip
    # The measure and its observations' new status: one transaction, all or nothing.
    follow = _following(chosen, MeasureStatus.PROPOSED, taken=taken)
    stored = workspace.store.append(slug, MEASURES_LAYER, values, None, actor=actor,
                                    updates=follow)  # fmt: skip
    return _measure(slug, stored, {o.uuid: o.number for o in chosen})


def next_status(status: MeasureStatus) -> MeasureStatus | None:
    """Return the status after ``status`` on the way forward; None after done or off it."""
    if status not in ORDER or status == ORDER[-1]:
        return None
    return ORDER[ORDER.index(status) + 1]


def _check_move(measure: Measure, to: MeasureStatus, reason: str) -> None:
    if to == measure.status:
        raise MeasureError(
            Text(
                sv=f"Åtgärd nr {measure.number} är redan {to.label.sv.lower()}.",
                en=f"Measure no. {measure.number} is already {to.label.en.lower()}.",
            )
        )
    forward = (
        measure.status in ORDER and to in ORDER and ORDER.index(to) > ORDER.index(measure.status)
    )
    if not forward and not reason.strip():
        raise MeasureError(
            Text(
                sv=f"Från {measure.status.label.sv.lower()} till {to.label.sv.lower()} "
                "behövs ett skäl (--reason).",
                en=f"From {measure.status.label.en.lower()} to {to.label.en.lower()} "
                "needs a reason (--reason).",
            )
        )


def change_status(
    workspace: Workspace,
    area: str,
    number: int,
    to: MeasureStatus,
    *,
    actor: str,
    reason: str = "",
    note: str = "",
    photos: Sequence[Photo] = (),
) -> Measure:
    """Move measure ``number`` to status ``to``; its observations follow.

    Going forward (proposed → decided → in progress → done) needs nothing more; going
    back, or to not feasible, needs a reason. ``note`` is kept as a dated follow-up note,
    with ``photos`` (checked by ``gis.photos.process_photo``).

    Raises
    ------
    MeasureError
        No such measure, the same status, or a move that needs a reason given none.
    """
    slug = find_area(workspace, area).slug
    known = _observations(workspace, slug)
    measures = _measures(workspace, slug, known)
    measure = _find(measures, number)
    _check_move(measure, to, reason)
    if photos and not note.strip():
        raise MeasureError(EMPTY_NOTE_WITH_PHOTO)
    taken = _taken(measures, but=measure.uuid)
    if to in OPEN and measure.status not in OPEN:  # opened again: its observations free?
        _refuse_taken(measure.observations, taken)
    changes: dict[str, object] = {"status": to}
    if reason.strip():
        changes["reason"] = reason.strip()
    covered = [known[n] for n in measure.observations if n in known]
    updates: list[Update] = [(MEASURES_LAYER, measure.uuid, changes)]
    updates += _following(covered, to, taken=taken)
    stored = workspace.store.update_many(slug, updates, actor=actor)[0]  # all or nothing
    moved = _measure(slug, stored, {o.uuid: o.number for o in covered})
    if note.strip():
        _note(workspace, slug, moved, note, actor=actor, photos=photos)
    return moved


def add_note(
    workspace: Workspace,
    area: str,
    number: int,
    text: str,
    *,
    actor: str,
    photos: Sequence[Photo] = (),
) -> None:
    """Keep a dated follow-up note on measure ``number``, with ``photos`` if any.

    Raises
    ------
    MeasureError
        No such measure, or an empty note.
    """
    slug = find_area(workspace, area).slug
    _note(workspace, slug, find_measure(workspace, slug, number), text, actor=actor, photos=photos)


EMPTY_NOTE_WITH_PHOTO: Final = Text(
    sv="Anteckningen är tom: skriv vad fotot visar.",
    en="The note is empty: write what the photo shows.",
)


def _note(
    workspace: Workspace,
    slug: str,
    measure: Measure,
    text: str,
    *,
    actor: str,
    photos: Sequence[Photo] = (),
) -> None:
    if not text.strip():
        empty = Text(sv="Anteckningen är tom.", en="The note is empty.")
        raise MeasureError(EMPTY_NOTE_WITH_PHOTO if photos else empty)
    moment = datetime.now(UTC)
    values = {"feature_uuid": measure.uuid, "layer": MEASURES_LAYER, "text": text.strip(),
              "status": measure.status.value, "created_at": moment,
              "created_by": actor}  # fmt: skip
    redact = workspace.settings.redact_on_upload
    children = {PHOTOS_LAYER: photo_rows(photos, moment, redact=redact)} if photos else None
    workspace.store.append(slug, NOTES_LAYER, values, None, actor=actor, children=children)


def list_measures(
    workspace: Workspace,
    areas: Sequence[str] | None = None,
    *,
    responsible: str | None = None,
    overdue: bool = False,
    today: date | None = None,
) -> list[Measure]:
    """Return the measures of ``areas`` (every area when None), by area and number.

    With ``responsible``, those of one organisation; with ``overdue``, only those whose
    deadline has passed while they are still open.

    Raises
    ------
    walks.core.organisations.OrganisationError
        ``responsible`` is not in the list.
    """
    chosen = [find_area(workspace, a) for a in areas] if areas else workspace.areas()
    who = find_organisation(workspace.settings.data_dir, responsible).id if responsible else None
    day = today or stockholm_today()
    found = []
    for area in chosen:
        for measure in area_measures(workspace, area.slug):
            if who is not None and measure.responsible != who:
                continue
            if overdue and not measure.is_overdue(day):
                continue
            found.append(measure)
    return found


def measure_history(workspace: Workspace, area: str, number: int) -> list[HistoryEntry]:
    """Return every change to measure ``number`` and its notes, oldest first."""
    slug = find_area(workspace, area).slug
    measure = find_measure(workspace, slug, number)
    entries = []
    for record in workspace.store.read_records(slug, CHANGE_LOG_LAYER):
        if record["feature_uuid"] != measure.uuid or record["layer"] != MEASURES_LAYER:
            continue
        before = json.loads(record["before"] or "{}")
        after = json.loads(record["after"] or "{}")
        shown = ("status", "title", "responsible", "deadline", "priority", "reason", "cost_class")
        words = {number: word for word, number in PRIORITIES.items()}
        for values in (before, after):
            if "priority" in values:
                values["priority"] = words.get(values["priority"], values["priority"])
        changes = {
            name: (before.get(name), after.get(name))
            for name in shown if before.get(name) != after.get(name)
        }  # fmt: skip
        entries.append(
            HistoryEntry(record["at"], str(record["actor"]), str(record["action"]), changes)
        )
    notes = [n for n in workspace.store.read_records(slug, NOTES_LAYER)
             if n["feature_uuid"] == measure.uuid]  # fmt: skip
    photos = workspace.store.read_photos(slug, [str(n["uuid"]) for n in notes]) if notes else []
    for note in notes:
        entries.append(
            HistoryEntry(
                note["created_at"],
                str(note["created_by"]),
                "note",
                {},
                note=str(note["text"]),
                note_uuid=str(note["uuid"]),
                photos=sum(1 for photo in photos if photo.feature_uuid == note["uuid"]),
            )
        )
    return sorted(entries, key=lambda entry: entry.at)
