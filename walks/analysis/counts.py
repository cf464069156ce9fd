"""Counts per area: by category, status, severity, light condition and walk, and per km²."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from layers.schema import WALKS_LAYER
from layers.store import Area, Query
from walks.analysis.frames import (
    observation_frame,
)
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

if TYPE_CHECKING:
    pass


@dataclass(frozen=True, slots=True)
class AreaCounts:
    """How many observations an area has, and how they divide."""

    area: str
    name: str
    observations: int
    area_km2: float
    per_km2: float
    by_category: dict[str, int]
    by_status: dict[str, int]
    by_severity: dict[str, int]
    """Severity level (as text) → count; ``"none"`` for observations without one."""
    by_light: dict[str, int]
    """Light condition → count; ``"unknown"`` where none was stored."""
    by_walk: dict[str, int]
    """Walk number (as text) → count; ``"none"`` for observations made outside a walk."""


def _counted(values: pd.Series, *, missing: str) -> dict[str, int]:
    texts = values.astype(object).where(values.notna(), missing).map(str)
    return dict(sorted(Counter(texts).items()))


def area_counts(workspace: Workspace, area: Area) -> AreaCounts:
    """Return the counts of one area (see ``AreaCounts``)."""
    frame = observation_frame(workspace, area.slug)
    walks = workspace.store.read_records(area.slug, WALKS_LAYER, Query(columns=("uuid", "number")))
    walk_numbers = {record["uuid"]: str(record["number"]) for record in walks}
    area_km2 = area.boundary.area / 1e6
    return AreaCounts(
        area=area.slug,
        name=area.name,
        observations=len(frame),
        area_km2=round(area_km2, 3),
        per_km2=round(len(frame) / area_km2, 2) if area_km2 else 0.0,
        by_category={n: int((frame["category"] == n).sum()) for n in workspace.catalog.names},
        by_status=_counted(frame["status"], missing="none"),
        by_severity=_counted(frame["severity"], missing="none"),
        by_light=_counted(frame["light_condition"], missing="unknown"),
        by_walk=_counted(frame["walk_uuid"].map(walk_numbers), missing="none"),
    )


def summarise(workspace: Workspace, areas: Sequence[str] | None = None) -> list[AreaCounts]:
    """Return the counts of the named areas (ids or names), or of every area."""
    chosen = [find_area(workspace, a) for a in areas] if areas else workspace.areas()
    return [area_counts(workspace, area) for area in chosen]
