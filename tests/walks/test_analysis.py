"""The analyses on small hand-built areas, with values worked out by hand."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from shapely.geometry import LineString, Point

from tests.walks.handmade import EVENING, X0, Y0, add_lamps, observe, plan
from walks.analysis.change import walk_changes
from walks.analysis.counts import summarise
from walks.analysis.dark import dark_routes
from walks.analysis.frames import AnalysisError
from walks.analysis.hotspots import find_hotspots
from walks.analysis.nearby import observations_near
from walks.analysis.priority import load_weights, prioritise
from walks.core.workspace import Workspace


def test_a_100_m_route_with_lamps_at_both_ends_is_dark_for_its_middle_50_m(
    empty_area: Workspace,
) -> None:
    route = LineString([(X0, Y0), (X0 + 100, Y0)])
    number = plan(empty_area, route)
    add_lamps(empty_area, (X0, Y0), (X0 + 100, Y0))
    report = dark_routes(empty_area, "test", walk=number, radius_m=25)
    (dark,) = report.routes
    assert dark.length_m == pytest.approx(100, abs=0.01)
    assert dark.dark_m == pytest.approx(50, abs=0.01)
    assert [(round(s.from_m, 1), round(s.to_m, 1)) for s in dark.stretches] == [(25.0, 75.0)]
    assert (report.lamps, report.knocked_out) == (2, 0)


def test_a_broken_lamp_reported_at_one_end_makes_75_m_dark(empty_area: Workspace) -> None:
    plan(empty_area, LineString([(X0, Y0), (X0 + 100, Y0)]))
    add_lamps(empty_area, (X0, Y0), (X0 + 100, Y0))
    observe(empty_area, X0 + 103, Y0 + 4, "lighting", problem="broken")  # 5 m from the lamp
    observe(empty_area, X0 + 50, Y0 + 40, "lighting", problem="broken")  # no lamp within 10 m
    report = dark_routes(empty_area, "test", radius_m=25)
    assert (report.lamps, report.knocked_out) == (1, 1)
    assert report.total_dark_m == pytest.approx(75, abs=0.01)


def test_dark_needs_a_route(empty_area: Workspace) -> None:
    with pytest.raises(AnalysisError, match="no walks with a planned route"):
        dark_routes(empty_area, "test")


def test_five_observations_within_10_m_are_a_hotspot_and_a_lone_one_is_not(
    empty_area: Workspace,
) -> None:
    cluster = [(0, 0), (4, 0), (0, 4), (4, 4), (2, 2)]
    numbers = [observe(empty_area, X0 + dx, Y0 + dy) for dx, dy in cluster]
    lone = observe(empty_area, X0 + 500, Y0 + 500)
    report = find_hotspots(empty_area, ["test"], radius_m=10, min_count=3)
    (hotspot,) = report.hotspots
    assert (hotspot.count, hotspot.category, hotspot.observations) == (5, "litter", numbers)
    assert (hotspot.x, hotspot.y) == (X0 + 2, Y0 + 2)
    assert lone not in hotspot.observations
    assert find_hotspots(empty_area, ["test"], radius_m=10, min_count=6).hotspots == []


def test_two_walks_give_one_resolved_one_persisting_and_one_new(empty_area: Workspace) -> None:
    first, second = plan(empty_area), plan(empty_area)
    resolved = observe(empty_area, X0, Y0, walk=first)
    persisting = observe(empty_area, X0 + 200, Y0, "graffiti", walk=first)
    still_there = observe(empty_area, X0 + 210, Y0, "graffiti", walk=second)  # 10 m on
    moved = observe(empty_area, X0, Y0 + 30, walk=second)  # 30 m from the resolved one
    report = walk_changes(empty_area, "test", before=first, after=second, distance_m=15)
    assert report.resolved == [resolved]
    assert report.persisting == [(persisting, still_there)]
    assert report.new == [moved]


def test_a_walk_the_area_does_not_have_is_named(empty_area: Workspace) -> None:
    plan(empty_area)
    with pytest.raises(AnalysisError, match=r"no walk no\. 9\. Walks: 1"):
        walk_changes(empty_area, "test", before="1", after="9")


def test_near_names_crime_places_and_stops_within_the_distance(empty_area: Workspace) -> None:
    crime = observe(empty_area, X0, Y0, "crime_place")
    litter = observe(empty_area, X0 + 30, Y0 + 40)  # exactly 50 m away
    far = observe(empty_area, X0 + 300, Y0)
    values = {"source": "tests", "created_at": EVENING, "updated_at": EVENING,
              "created_by": "tests", "is_demo": False}  # fmt: skip
    empty_area.store.append("test", "reference_stops", values, Point(X0 + 30, Y0 + 45), actor="t")
    report = observations_near(empty_area, "test", distance_m=50)
    by_number = {o.number: o for o in report.observations}
    # The crime-exposed place itself has only itself within 50 m (the stop is 54 m away).
    assert set(by_number) == {litter}
    assert (by_number[litter].crime_places, by_number[litter].stops) == ([crime], 1)
    assert far not in by_number
    assert [(p.number, p.open_measures) for p in report.crime_places] == [(crime, [])]


def test_the_summary_counts_per_category_status_light_and_walk(empty_area: Workspace) -> None:
    walk = plan(empty_area)
    observe(empty_area, X0, Y0, walk=walk)
    observe(empty_area, X0 + 10, Y0)
    observe(empty_area, X0 + 20, Y0, "graffiti")
    (counts,) = summarise(empty_area, ["test"])
    assert counts.observations == 3
    assert counts.area_km2 == 4.0
    assert counts.per_km2 == 0.75
    assert (counts.by_category["litter"], counts.by_category["graffiti"]) == (2, 1)
    assert counts.by_status == {"new": 3}
    assert counts.by_light == {"dark": 3}  # 18:30 in Stockholm in November
    assert counts.by_walk == {"1": 1, "none": 2}


def test_the_priority_score_adds_the_weighted_terms_shown(empty_area: Workspace) -> None:
    crime = observe(empty_area, X0, Y0, "crime_place", severity=3)
    litter = observe(empty_area, X0 + 30, Y0 + 40, severity=2)  # 50 m away
    report = prioritise(empty_area, "test")
    # Default weights: severity 2, nearby 1, crime_place 1, dark_stretch 1, in_dark 0.5;
    # both were made in the dark (18:30 in November), one other observation within 50 m
    # (1/5), no planned route (no dark stretch). Severity over the scale's top, 3.
    assert [p.number for p in report.observations] == [litter, crime]
    first, second = report.observations
    assert first.terms == {"severity": 1.333, "nearby": 0.2, "crime_place": 1.0,
                           "dark_stretch": 0.0, "in_dark": 0.5}  # fmt: skip
    assert (first.score, second.score) == (3.033, 2.7)
    assert second.terms["crime_place"] == 0.0  # a crime-exposed place is not near itself


def test_weights_come_from_a_file_and_unknown_terms_are_refused(
    empty_area: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "weights.toml"
    path.write_text("[weights]\nin_dark = 4\nseverity = 0\n", encoding="utf-8")
    weights = load_weights(path)
    assert (weights["in_dark"], weights["severity"], weights["nearby"]) == (4.0, 0.0, 1.0)
    observe(empty_area, X0, Y0, severity=3)
    (only,) = prioritise(empty_area, "test", weights=weights).observations
    assert only.score == 4.0
    path.write_text("[weights]\nsize = 1\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match=r"unknown term 'size'\. Terms: severity, nearby"):
        load_weights(path)
    path.write_text("[weights]\nnearby = -1\n", encoding="utf-8")
    with pytest.raises(AnalysisError, match="must be a number, 0 or more"):
        load_weights(path)


def test_an_observation_on_a_dark_stretch_of_a_planned_route_scores_for_it(
    empty_area: Workspace,
) -> None:
    plan(empty_area, LineString([(X0, Y0), (X0 + 100, Y0)]))
    add_lamps(empty_area, (X0, Y0), (X0 + 100, Y0))
    on_dark = observe(empty_area, X0 + 50, Y0 + 8)  # 8 m from the dark middle
    lit = observe(empty_area, X0 + 5, Y0 + 8)  # beside a lamp: lit
    terms = {p.number: p.terms["dark_stretch"] for p in prioritise(empty_area, "test").observations}
    assert terms == {on_dark: 1.0, lit: 0.0}


@pytest.mark.parametrize(
    ("run", "message"),
    [
        (lambda w: find_hotspots(w, ["test"], radius_m=-3), r"Invalid radius -3 m"),
        (lambda w: find_hotspots(w, ["test"], min_count=0), r"least count of 0"),
        (lambda w: observations_near(w, "test", distance_m=math.nan), r"Invalid distance nan m"),
        (lambda w: walk_changes(w, "test", before="1", after="1", distance_m=-1),
         r"Invalid distance -1 m: give metres, 0 or more"),
    ],
)  # fmt: skip
def test_a_distance_or_count_that_cannot_be_is_refused_before_anything_is_read(
    empty_area: Workspace, run: Callable[[Workspace], object], message: str
) -> None:
    with pytest.raises(AnalysisError, match=message):
        run(empty_area)
