"""The tertial follow-up: what was registered, decided, in progress, done and overdue.

The action plan is followed up every tertial (T1 January–April, T2 May–August, T3
September–December, in Stockholm time). A measure's status at any moment comes from the
change log, which holds every status it had and when, so an old tertial's figures stay
what they were even after the measures moved on.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Final

from gis.i18n import Text
from layers.schema import CHANGE_LOG_LAYER, MEASURES_LAYER
from layers.store import Query
from layers.values import MeasureStatus
from walks.actions.measures import OPEN, Measure, area_measures
from walks.actions.routing import route_observations
from walks.core.clock import LOCAL_TIME
from walks.core.errors import WalkError
from walks.core.model import Observation
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations

TREND_LENGTH: Final = 6
"""How many tertials a report's trend shows: two years, the chosen one last."""
_TERTIAL: Final = re.compile(r"^\s*(\d{4})\s*[:\-/ ]\s*[Tt]?([0-9]+)\s*$")


class TertialError(WalkError):
    """A tertial that does not exist."""


@dataclass(frozen=True, slots=True, order=True)
class Tertial:
    """One third of a year: 1 is January–April, 2 May–August, 3 September–December."""

    year: int
    number: int

    @classmethod
    def parse(cls, text: str) -> Tertial:
        """Return the tertial ``2026:3`` (also ``2026-T3``, ``2026:T3``) names.

        Raises
        ------
        TertialError
            Not a year and a tertial 1–3.
        """
        match = _TERTIAL.match(text)
        if match is None or not 1 <= int(match[2]) <= 3 or not 1900 < int(match[1]) < 3000:
            raise TertialError(
                Text(
                    sv=f"{text!r} är ingen tertial: skriv år:tertial med tertial 1–3, t.ex. 2026:3 "
                    "(T1 januari–april, T2 maj–augusti, T3 september–december).",
                    en=f"{text!r} is not a tertial: write year:tertial with tertial 1–3, e.g. "
                    "2026:3 (T1 January–April, T2 May–August, T3 September–December).",
                )
            )
        return cls(int(match[1]), int(match[2]))

    @classmethod
    def of(cls, moment: datetime | date) -> Tertial:
        """Return the tertial a moment (in Stockholm time) or a day falls in."""
        day = moment.astimezone(LOCAL_TIME).date() if isinstance(moment, datetime) else moment
        return cls(day.year, (day.month - 1) // 4 + 1)

    @property
    def first_day(self) -> date:
        """Return the tertial's first day."""
        return date(self.year, 4 * (self.number - 1) + 1, 1)

    @property
    def end_day(self) -> date:
        """Return the day after the tertial: the next one's first day."""
        return self.following().first_day

    @property
    def start(self) -> datetime:
        """Return the tertial's first moment: midnight, Stockholm time."""
        return datetime.combine(self.first_day, datetime.min.time(), LOCAL_TIME)

    @property
    def end(self) -> datetime:
        """Return the first moment after the tertial."""
        return self.following().start

    def following(self) -> Tertial:
        """Return the next tertial."""
        return (
            Tertial(self.year + 1, 1) if self.number == 3 else Tertial(self.year, self.number + 1)
        )

    def previous(self) -> Tertial:
        """Return the tertial before."""
        return (
            Tertial(self.year - 1, 3) if self.number == 1 else Tertial(self.year, self.number - 1)
        )

    def contains(self, moment: datetime) -> bool:
        """Return whether ``moment`` (any time zone) falls in the tertial."""
        return self.start <= moment < self.end

    def label(self, language: str = "sv") -> str:
        """Return the tertial as people write it: ``T3 2026``."""
        return f"T{self.number} {self.year}"

    def __str__(self) -> str:
        return f"{self.year}:{self.number}"


def trend(last: Tertial, length: int = TREND_LENGTH) -> list[Tertial]:
    """Return ``length`` tertials ending with ``last``, oldest first."""
    found = [last]
    while len(found) < length:
        found.append(found[-1].previous())
    return found[::-1]


@dataclass(frozen=True, slots=True)
class MeasureTimeline:
    """A measure, the category it is about, and every status it had, from when."""

    measure: Measure
    category: str | None
    """The category of its first observation."""
    changes: tuple[tuple[datetime, MeasureStatus], ...]
    """(from when, status), oldest first; the first is its creation."""

    def status_at(self, moment: datetime) -> MeasureStatus | None:
        """Return the status it had just before ``moment``; None before it existed."""
        found = None
        for at, status in self.changes:
            if at >= moment:
                break
            found = status
        return found

    def overdue(self, moment: datetime, day: date) -> bool:
        """Return whether it was open at ``moment`` with a deadline before ``day``."""
        deadline = self.measure.deadline
        return self.status_at(moment) in OPEN and deadline is not None and deadline < day

    def reached(self, status: MeasureStatus, tertial: Tertial) -> bool:
        """Return whether it moved to ``status`` (or was made with it) during ``tertial``."""
        return any(s is status and tertial.contains(at) for at, s in self.changes)


@dataclass(frozen=True, slots=True)
class Counts:
    """A tertial's figures for some observations and measures."""

    registered: int = 0
    """Observations made in the tertial."""
    proposed: int = 0
    """Measures made in the tertial."""
    decided: int = 0
    """Measures decided in the tertial."""
    in_progress: int = 0
    """Measures in progress at the tertial's end (or today, for the running tertial)."""
    done: int = 0
    """Measures done in the tertial."""
    overdue: int = 0
    """Measures open at the tertial's end whose deadline had passed."""

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(_values(self), _values(other), strict=True)))


COUNTS: Final = ("registered", "proposed", "decided", "in_progress", "done", "overdue")
"""The figures of ``Counts``, in the order reports show them."""
COUNT_TITLES: Final = {
    "registered": Text(sv="Registrerade iakttagelser", en="Observations registered"),
    "proposed": Text(sv="Nya åtgärder", en="New measures"),
    "decided": Text(sv="Beslutade", en="Decided"),
    "in_progress": Text(sv="Pågår", en="In progress"),
    "done": Text(sv="Genomförda", en="Done"),
    "overdue": Text(sv="Försenade", en="Overdue"),
}


def _values(counts: Counts) -> tuple[int, ...]:
    return tuple(getattr(counts, name) for name in COUNTS)


def as_of(tertial: Tertial, now: datetime | None = None) -> tuple[datetime, date]:
    """Return the moment a tertial's statuses are counted at, and the day deadlines are met.

    A past tertial is counted at its end; the running one now. A deadline is passed once
    its day is over: before the returned day.
    """
    moment = min(tertial.end, now or datetime.now(UTC))
    day = tertial.end_day if moment == tertial.end else moment.astimezone(LOCAL_TIME).date()
    return moment, day


def count(
    tertial: Tertial,
    observations: Iterable[Observation],
    timelines: Iterable[MeasureTimeline],
    *,
    now: datetime | None = None,
) -> Counts:
    """Return ``tertial``'s figures for these observations and measures.

    In progress and overdue are counted at the tertial's end, or ``now`` while the
    tertial runs (``as_of``).
    """
    moment, day = as_of(tertial, now)
    registered = sum(1 for o in observations if tertial.contains(o.observed_at))
    proposed = decided = in_progress = done = overdue = 0
    for timeline in timelines:
        proposed += tertial.contains(timeline.changes[0][0])
        decided += timeline.reached(MeasureStatus.DECIDED, tertial)
        done += timeline.reached(MeasureStatus.DONE, tertial)
        status = timeline.status_at(moment)
        in_progress += status is MeasureStatus.IN_PROGRESS
        overdue += timeline.overdue(moment, day)
    return Counts(registered, proposed, decided, in_progress, done, overdue)


def timelines(workspace: Workspace, slug: str, measures: Sequence[Measure],
              categories: dict[int, str]) -> list[MeasureTimeline]:  # fmt: skip
    """Return each measure's statuses over time, from the area's change log."""
    changes: dict[str, list[tuple[datetime, MeasureStatus]]] = {m.uuid: [] for m in measures}
    query = Query(columns=("at", "layer", "feature_uuid", "after"))
    for entry in workspace.store.read_records(slug, CHANGE_LOG_LAYER, query):
        if entry["layer"] != MEASURES_LAYER or entry["feature_uuid"] not in changes:
            continue
        status = json.loads(entry["after"] or "{}").get("status")
        if status is not None:
            changes[entry["feature_uuid"]].append((entry["at"], MeasureStatus(status)))
    found = []
    for measure in measures:
        steps = sorted(changes[measure.uuid], key=lambda step: step[0])
        if not steps:  # written before the change log kept it: as it is now, since made
            steps = [(measure.created_at, measure.status)]
        first = categories.get(measure.observations[0]) if measure.observations else None
        found.append(MeasureTimeline(measure, first, tuple(steps)))
    return found


@dataclass(frozen=True, slots=True)
class AreaFollowUp:
    """One area's (or the district's) follow-up of a tertial."""

    name: str
    tertial: Tertial
    counts: Counts
    trend: tuple[tuple[Tertial, Counts], ...]
    """The figures of the tertials up to the chosen one, oldest first."""
    by_category: dict[str, Counts]
    """Per category (layer name): observations by their category, measures by their first."""
    by_organisation: dict[str, Counts]
    """Per organisation id: observations by whom they are routed to, measures by owner."""
    measures: tuple[MeasureTimeline, ...] = ()
    """The measures that existed at the tertial's end, by number."""
    observations: tuple[Observation, ...] = ()
    """The observations made before the tertial's end, by number."""
    slug: str = ""
    areas: tuple[AreaFollowUp, ...] = ()
    """For the district: each area's follow-up."""


def _grouped(
    tertial: Tertial,
    observations: Sequence[Observation],
    lines: Sequence[MeasureTimeline],
    observation_key: dict[str, str | None],
    measure_key: dict[str, str | None],
    now: datetime | None,
) -> dict[str, Counts]:
    keys = {k for k in (*observation_key.values(), *measure_key.values()) if k}
    return {
        key: count(
            tertial,
            [o for o in observations if observation_key.get(o.uuid) == key],
            [m for m in lines if measure_key.get(m.measure.uuid) == key],
            now=now,
        )
        for key in sorted(keys)
    }


def area_follow_up(
    workspace: Workspace, area: str, tertial: Tertial, *, now: datetime | None = None
) -> AreaFollowUp:
    """Return area ``area``'s follow-up of ``tertial``, with the trend before it.

    Raises
    ------
    layers.errors.UnknownAreaError
        No such area.
    """
    target = find_area(workspace, area)
    observations = list_observations(workspace, target.slug)
    measures = area_measures(workspace, target.slug, observations)
    categories = {o.number: o.category for o in observations}
    lines = timelines(workspace, target.slug, measures, categories)
    routed = {r.uuid: r.responsible for r in route_observations(workspace, target.slug,
                                                                  observations)}  # fmt: skip
    per_category = _grouped(
        tertial, observations, lines, {o.uuid: o.category for o in observations},
        {m.measure.uuid: m.category for m in lines}, now,
    )  # fmt: skip
    per_organisation = _grouped(
        tertial, observations, lines, routed,
        {m.measure.uuid: m.measure.responsible or None for m in lines}, now,
    )  # fmt: skip
    return AreaFollowUp(
        name=target.name,
        tertial=tertial,
        counts=count(tertial, observations, lines, now=now),
        trend=tuple((t, count(t, observations, lines, now=now)) for t in trend(tertial)),
        by_category=per_category,
        by_organisation=per_organisation,
        measures=tuple(m for m in lines if m.changes[0][0] < tertial.end),
        observations=tuple(o for o in observations if o.observed_at < tertial.end),
        slug=target.slug,
    )


def _sum(groups: Iterable[dict[str, Counts]]) -> dict[str, Counts]:
    total: dict[str, Counts] = {}
    for group in groups:
        for key, counts in group.items():
            total[key] = total.get(key, Counts()) + counts
    return dict(sorted(total.items()))


def district_follow_up(
    workspace: Workspace,
    tertial: Tertial,
    areas: Sequence[str] | None = None,
    *,
    name: str,
    now: datetime | None = None,
) -> AreaFollowUp:
    """Return the follow-up of ``areas`` (every area when None) together, each one inside."""
    chosen = [find_area(workspace, a) for a in areas] if areas else workspace.areas()
    each = [area_follow_up(workspace, a.slug, tertial, now=now) for a in chosen]
    total = Counts()
    for area in each:
        total = total + area.counts
    trend_total = []
    for k, (when, _) in enumerate(each[0].trend if each else ()):
        summed = Counts()
        for area in each:
            summed = summed + area.trend[k][1]
        trend_total.append((when, summed))
    return AreaFollowUp(
        name=name,
        tertial=tertial,
        counts=total,
        trend=tuple(trend_total),
        by_category=_sum(a.by_category for a in each),
        by_organisation=_sum(a.by_organisation for a in each),
        areas=tuple(each),
    )


def follow_up(
    workspace: Workspace, area: str | None, tertial: Tertial, *, now: datetime | None = None
) -> AreaFollowUp:
    """Return one area's follow-up, or (``area`` None) the district's with every area's."""
    if area:
        return area_follow_up(workspace, area, tertial, now=now)
    return district_follow_up(workspace, tertial, name=workspace.settings.district, now=now)
