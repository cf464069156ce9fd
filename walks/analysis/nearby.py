"""What lies near what: crime-exposed places, entrances, stops and schools near observations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final

from layers.schema import MEASURES_LAYER
from layers.store import Query
from layers.values import MeasureStatus, ReferenceKind
from walks.analysis.frames import (
    CRIME_PLACE,
    check_metres,
    neighbours,
    observation_frame,
    representative_xy,
)
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.reference import reference_points

if TYPE_CHECKING:
    pass

OPEN_MEASURES: Final = frozenset(
    {MeasureStatus.PROPOSED, MeasureStatus.DECIDED, MeasureStatus.IN_PROGRESS}
)


@dataclass(frozen=True, slots=True)
class NearbyObservation:
    """One observation and what lies within the distance of it."""

    number: int
    category: str
    crime_places: list[int]
    """Numbers of the crime-exposed places nearby (not itself)."""
    entrances: int
    stops: int
    schools: int


@dataclass(frozen=True, slots=True)
class CrimePlace:
    """A crime-exposed place, with the open measures on observations near it."""

    number: int
    open_measures: list[int]
    """Numbers of measures not yet done that cover an observation within the distance."""


@dataclass(frozen=True, slots=True)
class NearReport:
    """What lies near what in an area."""

    area: str
    distance_m: float
    observations: list[NearbyObservation] = field(default_factory=list)
    """Observations with anything nearby, by number."""
    crime_places: list[CrimePlace] = field(default_factory=list)


def _open_measures(workspace: Workspace, slug: str) -> dict[str, list[int]]:
    """Return observation UUID → numbers of the open measures that cover it."""
    columns = ("number", "status", "observation_uuids")
    covering: dict[str, list[int]] = {}
    for measure in workspace.store.read_records(slug, MEASURES_LAYER, Query(columns=columns)):
        if measure["status"] not in OPEN_MEASURES:
            continue
        for uuid in json.loads(measure["observation_uuids"] or "[]"):
            covering.setdefault(str(uuid), []).append(int(measure["number"]))
    return covering


def observations_near(workspace: Workspace, area: str, *, distance_m: float = 50.0) -> NearReport:
    """Return what lies within ``distance_m`` of each observation, and open measures nearby.

    For each observation: the crime-exposed places (other than itself), metro entrances,
    stops and schools within the distance; for each crime-exposed place: the open
    measures (not done, not found not feasible) on observations within the distance.
    """
    check_metres(distance_m, "distance", zero=True)
    target = find_area(workspace, area)
    frame = observation_frame(workspace, target.slug)
    xy = representative_xy(frame)
    is_crime = (frame["category"] == CRIME_PLACE).to_numpy()
    crime_numbers = frame["number"].to_numpy()[is_crime]
    near_crime = neighbours(xy, xy[is_crime], distance_m)
    near_kind = {
        kind: neighbours(xy, reference_points(workspace, target.slug, kind), distance_m)
        for kind in (ReferenceKind.ENTRANCES, ReferenceKind.STOPS, ReferenceKind.SCHOOLS)
    }
    observations = []
    for i, (number, category) in enumerate(zip(frame["number"], frame["category"], strict=True)):
        crime = sorted(int(crime_numbers[j]) for j in near_crime[i] if crime_numbers[j] != number)
        counts = {kind: len(found[i]) for kind, found in near_kind.items()}
        if crime or any(counts.values()):
            observations.append(
                NearbyObservation(
                    number=int(number),
                    category=str(category),
                    crime_places=crime,
                    entrances=counts[ReferenceKind.ENTRANCES],
                    stops=counts[ReferenceKind.STOPS],
                    schools=counts[ReferenceKind.SCHOOLS],
                )
            )
    covering = _open_measures(workspace, target.slug)
    uuids = frame["uuid"].to_numpy()
    around_crime = neighbours(xy[is_crime], xy, distance_m)
    places = [
        CrimePlace(
            number=int(number),
            open_measures=sorted({m for j in around for m in covering.get(str(uuids[j]), [])}),
        )
        for number, around in zip(crime_numbers, around_crime, strict=True)
    ]
    return NearReport(target.slug, distance_m, observations, places)
