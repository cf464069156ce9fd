"""What the map of some areas shows: observations as columns, filters, routes, references."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from shapely.geometry import LineString

from tests.walks.handmade import X0, Y0, observe, plan
from walks.analysis.frames import AnalysisError
from walks.core.clock import LOCAL_TIME
from walks.core.model import DrawnShape, LightCondition, ObservationDraft, ObservationStatus
from walks.core.workspace import Workspace
from walks.documents.areasmap import (
    ObservationFilter,
    analysis_shapes,
    change_layers,
    map_data,
    near_layer,
    priority_layer,
)
from walks.fieldwork.recording import record_observation


def test_the_chosen_areas_bring_only_their_observations(memory_workspace: Workspace) -> None:
    grimsta = map_data(memory_workspace, ["grimsta"])
    both = map_data(memory_workspace, ["grimsta", "hasselby-gard"])
    assert [a.name for a in grimsta.areas] == ["Grimsta"]
    assert (len(grimsta.observations), len(both.observations)) == (4, 12)
    assert set(both.observations["area"]) == {"grimsta", "hasselby-gard"}
    nothing = map_data(memory_workspace, [])
    assert (nothing.areas, len(nothing.observations)) == ((), 0)
    assert not nothing.focus.is_empty  # the map still frames the district


def test_each_filter_narrows_and_no_filter_lets_everything_through(
    memory_workspace: Workspace,
) -> None:
    data = map_data(memory_workspace, ["hasselby-gard"])

    def shown(**restriction: object) -> list[dict[str, object]]:
        rows = data.filtered(ObservationFilter(**restriction)).observations  # type: ignore[arg-type]
        return rows.to_dict("records")  # type: ignore[no-any-return]

    assert len(shown()) == len(data.observations) == 8
    lighting = shown(categories=frozenset({"lighting"}))
    assert [r["category"] for r in lighting] == ["lighting", "lighting"]
    positive, problems = shown(positive=True), shown(positive=False)
    assert {r["category"] for r in positive} == {"positive"}
    assert len(positive) + len(problems) == 8
    assessed = shown(statuses=frozenset({ObservationStatus.ASSESSED}))
    assert [r["status"] for r in assessed] == ["assessed"]
    dark = shown(light_conditions=frozenset({LightCondition.DARK}))
    assert len(dark) == 7  # the demo's daylight observation is left out
    high = shown(severities=frozenset({3}))
    assert {r["severity"] for r in high} == {3}
    assert all(r["category"] != "positive" for r in high)  # no severity: narrowed out


def test_the_date_filter_takes_whole_days_in_stockholm_time(memory_workspace: Workspace) -> None:
    data = map_data(memory_workspace, ["grimsta", "hasselby-gard"])
    days = sorted(set(data.observations["day"].dt.date))
    assert days == [date(2026, 11, 3), date(2026, 11, 5), date(2026, 11, 10)]
    first = data.filtered(ObservationFilter(last_day=days[0])).observations
    middle = data.filtered(ObservationFilter(first_day=days[1], last_day=days[1])).observations
    last = data.filtered(ObservationFilter(first_day=days[2])).observations
    assert set(first["area"]) == {"hasselby-gard"}  # the evening walk there
    assert set(last["area"]) == {"grimsta"}  # the walk with young people
    assert len(first) + len(middle) + len(last) == len(data.observations)
    after = days[-1] + timedelta(days=1)
    assert data.filtered(ObservationFilter(first_day=after)).observations.empty


def test_the_walk_filter_keeps_that_walks_observations(memory_workspace: Workspace) -> None:
    data = map_data(memory_workspace, ["grimsta", "hasselby-gard"])
    assert len(data.walks) == 2
    grimsta_walk = next(w for w in data.walks if w.area == "grimsta")
    assert grimsta_walk.label.startswith("Grimsta: ")
    chosen = data.filtered(ObservationFilter(walks=frozenset({grimsta_walk.uuid})))
    assert set(chosen.observations["walk_uuid"]) == {grimsta_walk.uuid}
    assert len(chosen.observations) == 4


def test_routes_reference_points_and_sizes_come_with_the_areas(
    memory_workspace: Workspace,
) -> None:
    data = map_data(memory_workspace, ["hasselby-gard"])
    assert [r.label for r in data.routes] == [
        "DEMO: Kvällsvandring Hässelby gård centrum (2026-11-03)"
    ]
    kinds = {points.kind.value: len(points.lon) for points in data.reference}
    assert kinds["lamps"] > 0
    assert kinds["stops"] > 0  # the shipped OpenStreetMap points
    lamps = next(points for points in data.reference if points.kind.value == "lamps")
    assert lamps.lon.min() > 17.8
    assert lamps.lon.max() < 17.9
    (area,) = data.areas
    assert 1.0 < area.km2 < 3.0  # Hässelby gård is about 1.3 km²
    assert data.per_km2() == {"hasselby-gard": pytest.approx(8 / area.km2)}


def test_lines_and_areas_keep_their_shape_and_get_a_marker_point(
    memory_workspace: Workspace,
) -> None:
    path = LineString([(17.8430, 59.3660), (17.8440, 59.3665)])
    draft = ObservationDraft(category="lighting", position=DrawnShape(path), created_by="test",
                             fields={"problem": "broken"})  # fmt: skip
    stored = record_observation(memory_workspace, draft, area="hasselby-gard")
    data = map_data(memory_workspace, ["hasselby-gard"])
    (row,) = data.at("hasselby-gard", stored.number).to_dict("records")
    assert row["shape"].geom_type == "LineString"
    assert row["shape"].equals_exact(path, 1e-7)
    # The marker (and the heat map's point) sits halfway along the line.
    assert (row["lon"], row["lat"]) == pytest.approx((17.8435, 59.36625), abs=2e-5)
    points = data.observations["shape"].isna()
    assert points.sum() == len(data.observations) - 1


def test_the_day_is_the_local_day_not_the_utc_day(memory_workspace: Workspace) -> None:
    from datetime import datetime

    from walks.core.model import Position

    # 00:30 in Stockholm on 2 December is 23:30 UTC on 1 December.
    late = datetime(2026, 12, 2, 0, 30, tzinfo=LOCAL_TIME)
    draft = ObservationDraft(category="positive", position=Position(17.8437, 59.3663),
                             created_by="test", observed_at=late,
                             fields={"quality": "well_lit"})  # fmt: skip
    stored = record_observation(memory_workspace, draft, area="hasselby-gard")
    data = map_data(memory_workspace, ["hasselby-gard"])
    (row,) = data.at("hasselby-gard", stored.number).to_dict("records")
    assert row["day"].date() == date(2026, 12, 2)


def test_the_analyses_on_the_map_are_hotspots_and_dark_stretches(
    memory_workspace: Workspace,
) -> None:
    found = analysis_shapes(memory_workspace, ["hasselby-gard"], "en")
    # The demo walk's route has lamps only along part of it.
    assert found.routes_m > 0
    assert 0 < found.dark_m <= found.routes_m
    assert found.dark
    assert all(label.startswith("Dark stretch, ") for _, label in found.dark)
    assert sum(shape.geom_type == "LineString" for shape, _ in found.dark) == len(found.dark)
    for outline, label in found.hotspots:
        assert outline.geom_type == "Polygon"
        assert label.startswith("Hotspot ")


def test_a_change_rings_the_resolved_the_persisting_and_the_new_where_they_are(
    empty_area: Workspace,
) -> None:
    first, second = plan(empty_area), plan(empty_area)
    resolved = observe(empty_area, X0, Y0, walk=first)
    before = observe(empty_area, X0 + 200, Y0, "graffiti", walk=first)
    after = observe(empty_area, X0 + 210, Y0, "graffiti", walk=second)
    new = observe(empty_area, X0, Y0 + 30, walk=second)
    data = map_data(empty_area, ["test"])
    walks = sorted(data.walks, key=lambda w: w.number)
    layers = change_layers(empty_area, data, walks[0], walks[1], "en")
    assert [layer.title for layer in layers] == [
        "Resolved (only before)",
        "Persisting (both)",
        "New (only after)",
    ]
    assert [layer.labels for layer in layers] == [
        (f"{resolved}: Resolved (only before)",),
        (f"{after}: Persisting (both) ({before})",),
        (f"{new}: New (only after)",),
    ]
    position = {
        row["number"]: (row["lon"], row["lat"]) for row in data.observations.to_dict("records")
    }
    assert (layers[0].lon[0], layers[0].lat[0]) == position[resolved]
    assert (layers[1].lon[0], layers[1].lat[0]) == position[after]  # where it is now
    # What the filters leave out is not ringed either.
    litter_only = data.filtered(ObservationFilter(categories=frozenset({"litter"})))
    ringed = change_layers(empty_area, litter_only, *walks, "en")
    assert [len(layer.labels) for layer in ringed] == [1, 0, 1]


def test_a_change_needs_two_walks_of_one_area(memory_workspace: Workspace) -> None:
    data = map_data(memory_workspace, ["grimsta", "hasselby-gard"])
    grimsta, hasselby = (
        next(w for w in data.walks if w.area == a) for a in ("grimsta", "hasselby-gard")
    )
    with pytest.raises(AnalysisError, match="Choose two walks of one area"):
        change_layers(memory_workspace, data, grimsta, hasselby, "en")


def test_priority_and_near_ring_observations_with_their_reasons(empty_area: Workspace) -> None:
    crime = observe(empty_area, X0, Y0, "crime_place", severity=3)
    close = observe(empty_area, X0 + 20, Y0, severity=3)
    far = observe(empty_area, X0 + 900, Y0 + 900, severity=1)
    data = map_data(empty_area, ["test"])
    top = priority_layer(empty_area, data, "en")
    assert top.labels[0].startswith(f"{close}: ")  # severe, near a crime-exposed place
    assert "crime_place" in top.labels[0]
    assert top.labels[-1].startswith(f"{far}: ")
    near = near_layer(empty_area, data, "en")
    assert f"{close}: near crime-exposed place {crime}" in near.labels
    assert not any(label.startswith(f"{far}: ") for label in near.labels)


def test_a_marker_label_names_its_area_even_with_brackets_in_the_name(
    memory_workspace: Workspace,
) -> None:
    data = map_data(memory_workspace, ["smedshagen-demo", "hasselby-gard"])
    assert data.labelled("3. Belysning (Smedshagen (demo))") == ("smedshagen-demo", 3)
    assert data.labelled("12. Klotter (Hässelby gård)\n") == ("hasselby-gard", 12)
    assert data.labelled("Referens: Belysningsstolpar") is None
    assert data.labelled("7. Belysning (Grimsta)") is None  # not on this map
    assert data.labelled("") is None
