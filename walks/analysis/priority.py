"""A transparent priority score per observation, with each term's share shown."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from gis.i18n import Text
from walks.analysis.dark import dark_routes, dark_stretch_pieces
from walks.analysis.frames import (
    CRIME_PLACE,
    AnalysisError,
    neighbours,
    observation_frame,
    representative_xy,
)
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.planning import list_walks

if TYPE_CHECKING:
    pass

PRIORITY_TERMS: Final = ("severity", "nearby", "crime_place", "dark_stretch", "in_dark")
DEFAULT_WEIGHTS: Final = {
    "severity": 2.0,
    "nearby": 1.0,
    "crime_place": 1.0,
    "dark_stretch": 1.0,
    "in_dark": 0.5,
}
NEARBY_M: Final = 50.0
"""How close other observations, and crime-exposed places, count as nearby."""
NEARBY_FULL: Final = 5
"""Other observations nearby at which the ``nearby`` term is full (1)."""
ON_DARK_STRETCH_M: Final = 10.0
"""How close to a dark stretch of a planned route an observation counts as on it."""


@dataclass(frozen=True, slots=True)
class Priority:
    """One observation's score and what each term added to it."""

    number: int
    category: str
    score: float
    terms: dict[str, float]
    """Term → weight × the term's value (0–1); they add up to ``score``."""


@dataclass(frozen=True, slots=True)
class PriorityReport:
    """An area's observations by priority score, highest first, with the weights used."""

    area: str
    weights: dict[str, float]
    observations: list[Priority]


def load_weights(path: Path) -> dict[str, float]:
    """Return the weights in a TOML file's ``[weights]`` table, the defaults for the rest.

    Raises
    ------
    AnalysisError
        Not TOML, an unknown term, or a weight that is not a number of 0 or more.
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise AnalysisError(
            Text(
                sv=f"Viktfilen {path} kunde inte läsas: {error}.",
                en=f"The weights file {path} could not be read: {error}.",
            )
        ) from None
    given = document.get("weights", document)
    terms = ", ".join(PRIORITY_TERMS)
    weights = dict(DEFAULT_WEIGHTS)
    for term, value in given.items():
        if term not in PRIORITY_TERMS:
            raise AnalysisError(
                Text(
                    sv=f"Viktfilen {path}: okänd term {term!r}. Termer: {terms}.",
                    en=f"The weights file {path}: unknown term {term!r}. Terms: {terms}.",
                )
            )
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise AnalysisError(
                Text(
                    sv=f"Viktfilen {path}: vikten för {term!r} ska vara ett tal, 0 eller större.",
                    en=f"The weights file {path}: the weight of {term!r} must be a number, "
                    "0 or more.",
                )
            )
        weights[term] = float(value)
    return weights


def _dark_stretch_lines(workspace: Workspace, slug: str) -> list[BaseGeometry]:
    """Return the dark stretches of the area's planned routes as lines (none without any)."""
    if not any(w.route is not None for w in list_walks(workspace, slug)):
        return []
    report = dark_routes(workspace, slug)
    return [piece for route in report.routes for piece, _ in dark_stretch_pieces(route)]


def prioritise(
    workspace: Workspace, area: str, *, weights: dict[str, float] | None = None
) -> PriorityReport:
    """Return a transparent priority score per observation, highest first.

    The score is the weighted sum of five terms, each between 0 and 1: ``severity`` (the
    level over the category's highest), ``nearby`` (other observations within
    ``NEARBY_M``, full at ``NEARBY_FULL``), ``crime_place`` (1 within ``NEARBY_M`` of a
    crime-exposed place other than itself), ``dark_stretch`` (1 within
    ``ON_DARK_STRETCH_M`` of a dark stretch of a planned route, see ``dark_routes``) and
    ``in_dark`` (1 when made in the dark). Positive places are scored too: leave them out
    by category where that is wanted.
    """
    chosen = dict(DEFAULT_WEIGHTS if weights is None else weights)
    target = find_area(workspace, area)
    frame = observation_frame(workspace, target.slug)
    xy = representative_xy(frame)
    catalog = workspace.catalog
    top = {
        spec.name: max((float(level.value) for level in spec.severity.levels), default=1.0)
        for spec in catalog.categories
        if spec.severity is not None
    }
    around = neighbours(xy, xy, NEARBY_M)
    is_crime = (frame["category"] == CRIME_PLACE).to_numpy()
    stretches = _dark_stretch_lines(workspace, target.slug)
    if stretches:
        tree = shapely.STRtree(stretches)
        near, _ = tree.query(shapely.points(xy), predicate="dwithin", distance=ON_DARK_STRETCH_M)
        on_dark = set(near.tolist())
    else:
        on_dark = set()
    results = []
    for i, row in enumerate(frame.itertuples()):
        others = [j for j in around[i] if j != i]
        severity = row.severity
        values = {
            "severity": 0.0 if pd.isna(severity) else float(severity) / top.get(row.category, 1.0),
            "nearby": min(len(others), NEARBY_FULL) / NEARBY_FULL,
            "crime_place": float(any(is_crime[j] for j in others)),
            "dark_stretch": float(i in on_dark),
            "in_dark": float(row.light_condition == "dark"),
        }
        terms = {term: round(chosen[term] * values[term], 3) for term in PRIORITY_TERMS}
        results.append(
            Priority(int(row.number), str(row.category), round(sum(terms.values()), 3), terms)
        )
    results.sort(key=lambda p: (-p.score, p.number))
    return PriorityReport(target.slug, chosen, results)
