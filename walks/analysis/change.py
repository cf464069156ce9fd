"""Change between two walks of an area: what was resolved, what persists, what is new."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from gis.i18n import Text
from gis.matching import match_points
from walks.analysis.frames import (
    AnalysisError,
    check_metres,
    observation_frame,
    representative_xy,
)
from walks.core.model import Walk
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.planning import list_walks

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class ChangeReport:
    """How an area changed between two walks: matched by category within a distance."""

    area: str
    before: int
    after: int
    distance_m: float
    resolved: list[int]
    """Observations of the first walk with nothing like them in the second."""
    persisting: list[tuple[int, int]]
    """(first walk's number, second walk's number) of the same thing seen twice."""
    new: list[int]
    """Observations of the second walk with nothing like them in the first."""


def _walk_uuid(walks: dict[str, Walk], number: str) -> str:
    walk = walks.get(number.strip())
    if walk is None:
        listed = ", ".join(sorted(walks, key=int)) or "-"
        raise AnalysisError(
            Text(
                sv=f"Området har ingen vandring nr {number}. Vandringar: {listed}.",
                en=f"The area has no walk no. {number}. Walks: {listed}.",
            )
        )
    return walk.uuid


def walk_changes(
    workspace: Workspace, area: str, *, before: str, after: str, distance_m: float = 15.0
) -> ChangeReport:
    """Return what was resolved, what persists and what is new between two walks of an area.

    An observation of the second walk is the same thing as one of the first when both have
    the same category and lie within ``distance_m`` (inclusive); the pairing is optimal:
    as many pairs as possible, then the shortest total distance (``gis.matching``).

    Raises
    ------
    AnalysisError
        A walk number the area does not have.
    """
    check_metres(distance_m, "distance", zero=True)
    target = find_area(workspace, area)
    walks = {str(w.number): w for w in list_walks(workspace, target.slug)}
    first_uuid, second_uuid = _walk_uuid(walks, before), _walk_uuid(walks, after)
    frame = observation_frame(workspace, target.slug, columns=("number", "walk_uuid"))
    first = frame[frame["walk_uuid"] == first_uuid].reset_index(drop=True)
    second = frame[frame["walk_uuid"] == second_uuid].reset_index(drop=True)
    matching = match_points(
        representative_xy(first), first["category"].tolist(),
        representative_xy(second), second["category"].tolist(), distance_m=distance_m,
    )  # fmt: skip
    first_numbers = [int(n) for n in first["number"]]
    second_numbers = [int(n) for n in second["number"]]
    return ChangeReport(
        area=target.slug,
        before=int(before),
        after=int(after),
        distance_m=distance_m,
        resolved=sorted(first_numbers[i] for i in matching.resolved),
        persisting=sorted((first_numbers[i], second_numbers[j]) for i, j in matching.persisting),
        new=sorted(second_numbers[j] for j in matching.new),
    )
