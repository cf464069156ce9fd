"""Observations, lamps and walks placed by hand in the empty area ``test`` (``empty_area``)."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from shapely.geometry import LineString, Point

from gis.crs import to_wgs84
from walks.core.model import ObservationDraft, Position, WalkPlan
from walks.core.workspace import Workspace
from walks.fieldwork.planning import plan_walk
from walks.fieldwork.recording import record_observation

SWEREF = "EPSG:3006"
EVENING = datetime(2026, 11, 3, 17, 30, tzinfo=UTC)
X0, Y0 = 661_500.0, 6_580_500.0
"""The start of the test route, inside ``TEST_BOX``."""


def observe(
    workspace: Workspace,
    x: float,
    y: float,
    category: str = "litter",
    *,
    walk: str | None = None,
    severity: int | None = None,
    **fields: object,
) -> int:
    required = {"litter": {"litter_type": "glass"}, "graffiti": {"surface": "wall"},
                "crime_place": {"crime_type": "robbery"}}  # fmt: skip
    fields = fields or required.get(category, {})
    draft = ObservationDraft(
        category=category, position=Position(x, y, SWEREF), created_by="tests",
        fields=fields, observed_at=EVENING, severity=severity,
    )  # fmt: skip
    return record_observation(workspace, draft, area="test", walk=walk).number


def add_lamps(workspace: Workspace, *points: tuple[float, float]) -> None:
    values = {"source": "tests", "created_at": EVENING, "updated_at": EVENING,
              "created_by": "tests", "is_demo": False}  # fmt: skip
    features = [({**values, "source_id": str(i)}, Point(p)) for i, p in enumerate(points)]
    workspace.store.append_many("test", "reference_lamps", features, actor="tests")


def plan(workspace: Workspace, route: LineString | None = None) -> str:
    walk = WalkPlan(area="test", title="Kväll", starts_at=EVENING, created_by="tests")
    stored = plan_walk(workspace, walk if route is None else _with_route(walk, route))
    return str(stored.number)


def _with_route(walk: WalkPlan, route: LineString) -> WalkPlan:
    return replace(walk, route=to_wgs84(route))
