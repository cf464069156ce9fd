"""Light at a walk: sun times per area, a start in darkness, and each observation's light."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from gis.gpx import gpx_to_line
from layers.errors import LayerError
from walks.core.errors import WalkError
from walks.core.model import LightCondition, ObservationDraft, Position, WalkKind, WalkPlan
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.planning import light_condition, list_walks, plan_walk, walk_light
from walks.fieldwork.recording import list_observations, record_observation

LOCAL = ZoneInfo("Europe/Stockholm")


@pytest.mark.parametrize(
    ("elevation", "condition"),
    [(10.0, LightCondition.DAYLIGHT), (-0.5, LightCondition.DAYLIGHT),
     (-3.0, LightCondition.DUSK), (-5.9, LightCondition.DUSK), (-6.1, LightCondition.DARK)],
)  # fmt: skip
def test_light_follows_the_sun_elevation(elevation: float, condition: LightCondition) -> None:
    assert light_condition(elevation) is condition


def test_a_november_walk_is_suggested_after_civil_dusk(memory_workspace: Workspace) -> None:
    light = walk_light(find_area(memory_workspace, "Hässelby gård"), date(2026, 11, 26))
    assert light.times.sunset is not None
    assert light.times.civil_dusk is not None
    assert light.suggested_start is not None
    sunset = light.times.sunset.hour * 60 + light.times.sunset.minute
    assert 14 * 60 + 40 <= sunset <= 15 * 60 + 15  # late-November sunsets around three
    assert light.suggested_start > light.times.civil_dusk
    assert light.suggested_start.minute % 15 == 0
    assert (light.suggested_start - light.times.civil_dusk).total_seconds() <= 15 * 60


def test_observations_record_the_light_they_were_made_in(memory_workspace: Workspace) -> None:
    def record(moment: datetime) -> LightCondition | None:
        draft = ObservationDraft(
            category="lighting", position=Position(17.8445, 59.3668), created_by="tests",
            fields={"problem": "dim"}, observed_at=moment,
        )  # fmt: skip
        return record_observation(memory_workspace, draft).light_condition

    assert record(datetime(2026, 11, 26, 12, 0, tzinfo=LOCAL)) is LightCondition.DAYLIGHT
    assert record(datetime(2026, 11, 26, 15, 10, tzinfo=LOCAL)) is LightCondition.DUSK
    assert record(datetime(2026, 11, 26, 19, 0, tzinfo=LOCAL)) is LightCondition.DARK
    stored = {o.light_condition for o in list_observations(memory_workspace, "hasselby-gard")}
    assert set(LightCondition) <= stored


def test_the_demo_evening_walk_happened_in_the_dark(memory_workspace: Workspace) -> None:
    walk = [o for o in list_observations(memory_workspace, "hasselby-gard") if o.walk_uuid]
    assert walk
    assert all(o.light_condition is LightCondition.DARK for o in walk)
    assert datetime(2026, 11, 3, tzinfo=UTC) < walk[0].observed_at


def test_a_planned_walk_is_stored_with_counts_and_no_names(memory_workspace: Workspace) -> None:
    plan = WalkPlan(
        area="Grimsta", title="Kvällsvandring med unga",
        starts_at=datetime(2026, 12, 3, 17, 0, tzinfo=LOCAL), created_by="tests",
        kind=WalkKind.YOUTH, organisations=("Svenska Bostäder", " ", "Fältassistenterna"),
        participants={"young_people": 12, "police": 2, "residents": 0},
    )  # fmt: skip
    walk = plan_walk(memory_workspace, plan)
    assert walk.number == 2  # the demo walk is number 1 in Grimsta
    listed = list_walks(memory_workspace, "grimsta")
    assert [w.number for w in listed] == [2, 1]
    assert listed[0].participants == {"young_people": 12, "police": 2}
    assert listed[0].organisations == ("Svenska Bostäder", "Fältassistenterna")
    assert listed[0].kind is WalkKind.YOUTH
    assert listed[0].starts_at == datetime(2026, 12, 3, 16, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("participants", "message"),
    [({"guests": 3}, "Unknown participant groups: guests"), ({"police": -1}, "0 or more")],
)
def test_bad_head_counts_are_refused(
    memory_workspace: Workspace, participants: dict[str, int], message: str
) -> None:
    plan = WalkPlan(
        area="grimsta", title="x", starts_at=datetime(2026, 12, 3, 17, tzinfo=LOCAL),
        created_by="tests", participants=participants,
    )  # fmt: skip
    with pytest.raises(WalkError, match=message):
        plan_walk(memory_workspace, plan)
    assert len(list_walks(memory_workspace, "grimsta")) == 1


def test_a_walk_needs_a_title(memory_workspace: Workspace) -> None:
    plan = WalkPlan(
        area="grimsta", title=" ", starts_at=datetime(2026, 12, 3, 17, tzinfo=LOCAL),
        created_by="tests",
    )  # fmt: skip
    with pytest.raises(LayerError, match=r"Field 'title' \(Title\) is required"):
        plan_walk(memory_workspace, plan)


def test_a_gpx_route_is_stored_with_the_walk_and_must_be_near_its_area(
    memory_workspace: Workspace,
) -> None:
    route = gpx_to_line(
        b'<gpx><trk><trkseg><trkpt lat="59.3660" lon="17.8420"/><trkpt lat="59.3670" '
        b'lon="17.8460"/></trkseg></trk></gpx>'
    )
    plan = WalkPlan(
        area="hasselby-gard", title="Med rutt", starts_at=datetime(2026, 12, 3, 17, tzinfo=LOCAL),
        created_by="tests", route=route,
    )  # fmt: skip
    walk = plan_walk(memory_workspace, plan)
    assert walk.route is not None
    assert 200 < walk.route.length < 400  # metres, in SWEREF 99 TM
    stored = next(w for w in list_walks(memory_workspace, "hasselby-gard") if w.uuid == walk.uuid)
    assert stored.route is not None
    assert stored.route.equals_exact(walk.route, 1e-6)
    with pytest.raises(WalkError, match="The route lies more than 1000 m from Råcksta"):
        plan_walk(memory_workspace, WalkPlan(
            area="racksta", title="Fel fil", starts_at=datetime(2026, 12, 3, 17, tzinfo=LOCAL),
            created_by="tests", route=route,
        ))  # fmt: skip
