"""What the maps show: the chosen areas' observations, and the filters on them."""

from __future__ import annotations

from walks.mapdata import ObservationFilter, areas_map_data, filter_marks
from walks.model import LightCondition, ObservationStatus
from walks.workspace import Workspace


def test_the_chosen_areas_bring_only_their_observations(memory_workspace: Workspace) -> None:
    grimsta = areas_map_data(memory_workspace, ["grimsta"])
    both = areas_map_data(memory_workspace, ["grimsta", "hasselby-gard"])
    assert [b.label for b in grimsta.boundaries] == ["Grimsta"]
    assert (len(grimsta.marks), len(both.marks)) == (4, 12)
    nothing = areas_map_data(memory_workspace, [])
    assert (nothing.boundaries, nothing.marks) == ((), ())
    assert not nothing.focus.is_empty  # the map still frames the district


def test_each_filter_narrows_and_no_filter_lets_everything_through(
    memory_workspace: Workspace,
) -> None:
    marks = areas_map_data(memory_workspace, ["hasselby-gard"]).marks
    assert filter_marks(marks, ObservationFilter()) == marks
    lighting = filter_marks(marks, ObservationFilter(categories=frozenset({"lighting"})))
    assert {m.category_name for m in lighting} == {"lighting"}
    assert len(lighting) == 2
    positive = filter_marks(marks, ObservationFilter(positive=True))
    problems = filter_marks(marks, ObservationFilter(positive=False))
    assert {m.category_name for m in positive} == {"positive"}
    assert len(positive) + len(problems) == len(marks)
    assessed = filter_marks(
        marks, ObservationFilter(statuses=frozenset({ObservationStatus.ASSESSED}))
    )
    assert [m.status for m in assessed] == [ObservationStatus.ASSESSED]
    dark = filter_marks(marks, ObservationFilter(light_conditions=frozenset({LightCondition.DARK})))
    assert len(dark) == 7  # the demo's daylight observation is left out
    high = filter_marks(marks, ObservationFilter(severities=frozenset({3})))
    assert {m.severity for m in high} == {3}
    assert all(m.category_name != "positive" for m in high)  # no severity: narrowed out
