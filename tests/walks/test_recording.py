"""Registering observations through the domain API, and what the domain promises."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from shapely.geometry import LineString, Point, Polygon

from gis.crs import to_wgs84
from gis.photos import Photo
from layers.errors import FeatureValidationError
from layers.schema import OBSERVATION_FIELDS, WALKS_LAYER
from layers.store import Query
from walks.core.errors import PositionError
from walks.core.model import (
    DrawnShape,
    LightCondition,
    Observation,
    ObservationDraft,
    ObservationStatus,
    Position,
)
from walks.core.workspace import Workspace, slug_from_name
from walks.documents.areasmap import map_data
from walks.fieldwork.recording import (
    choose_position,
    distance_text,
    list_observations,
    locate,
    observation_area,
    record_observation,
)

LON, LAT = 17.8445, 59.3668


def draft(**changes: object) -> ObservationDraft:
    values: dict[str, object] = {
        "category": "lighting",
        "position": Position(LON, LAT),
        "created_by": "tests",
        "fields": {"problem": "dim"},
    }
    values.update(changes)
    return ObservationDraft(**values)  # type: ignore[arg-type]


def test_the_stored_status_field_takes_exactly_the_domain_statuses() -> None:
    status = next(f for f in OBSERVATION_FIELDS if f.name == "status")
    # The stored values, written out: renaming a status must be a decision, not a side effect.
    assert status.allowed == ("new", "assessed", "planned", "resolved", "dismissed")
    assert status.enum is ObservationStatus
    assert [c.value for c in LightCondition] == ["daylight", "dusk", "dark"]


def test_slugs_are_ascii_and_stable() -> None:
    assert slug_from_name("Hässelby gård") == "hasselby-gard"
    assert slug_from_name("  Råcksta/Vällingby ") == "racksta-vallingby"


@pytest.mark.parametrize(
    ("metres", "sv", "en"), [(430.2, "430 m", "430 m"), (2345, "2,3 km", "2.3 km")]
)
def test_distances_read_naturally(metres: float, sv: str, en: str) -> None:
    assert (distance_text(metres).sv, distance_text(metres).en) == (sv, en)


def test_a_point_just_outside_the_boundary_is_accepted_within_tolerance(
    memory_workspace: Workspace,
) -> None:
    area = next(a for a in memory_workspace.areas() if a.slug == "grimsta")
    edge = area.boundary.geoms[0].exterior.coords[0]  # boundaries are stored as MultiPolygons
    # 20 m west of a boundary vertex: inside the 50 m tolerance.
    outside = to_wgs84(Point(edge[0] - 20, edge[1]))
    found, _ = locate(memory_workspace, Position(outside.x, outside.y), area="grimsta")
    assert found.slug == "grimsta"
    far = to_wgs84(Point(edge[0] - 400, edge[1] - 400))
    with pytest.raises(PositionError):
        locate(memory_workspace, Position(far.x, far.y), area="grimsta")


def test_observations_link_to_a_walk_by_its_number(memory_workspace: Workspace) -> None:
    observation = record_observation(
        memory_workspace, draft(), walk="1", now=datetime(2026, 11, 26, tzinfo=UTC)
    )
    walks = memory_workspace.store.read_layer("hasselby-gard", WALKS_LAYER)
    assert observation.walk_uuid == walks["uuid"].iloc[0]
    assert observation.observed_at == datetime(2026, 11, 26, tzinfo=UTC)


def test_a_walk_of_another_area_is_refused_naming_both_areas(
    memory_workspace: Workspace,
) -> None:
    grimsta_walk = memory_workspace.store.read_layer("grimsta", WALKS_LAYER)["uuid"].iloc[0]
    with pytest.raises(
        FeatureValidationError,
        match=r"^Walk 1 \(DEMO: .*\) belongs to Grimsta, but the observation goes to "
        r"Hässelby gård\. Choose a walk in Hässelby gård, or none\.$",
    ):
        record_observation(memory_workspace, draft(), walk=grimsta_walk)  # a position in HG
    assert not [o for o in list_observations(memory_workspace, "hasselby-gard") if not o.is_demo]


def test_the_area_of_an_observation_is_known_before_it_is_saved(
    memory_workspace: Workspace,
) -> None:
    assert observation_area(memory_workspace, Position(LON, LAT)).slug == "hasselby-gard"
    # A line goes where its label point lies, as record_observation places it.
    line = LineString([(17.8570, 59.3545), (17.8660, 59.3550)])
    assert observation_area(memory_workspace, DrawnShape(line)).slug == "grimsta"
    with pytest.raises(PositionError, match=r"^The position lies .* outside Grimsta\. "
                       r"It lies in Hässelby gård\.$"):  # fmt: skip
        observation_area(memory_workspace, Position(LON, LAT), area="grimsta")


def test_positive_places_take_no_severity(memory_workspace: Workspace) -> None:
    with pytest.raises(FeatureValidationError, match="Category 'positive' has no severity"):
        record_observation(
            memory_workspace,
            draft(category="positive", severity=2, fields={"quality": "lively"}),
        )


def test_html_in_text_is_stored_and_mapped_as_typed(memory_workspace: Workspace) -> None:
    text = '<script>alert("x")</script> & <b>mörkt</b>'
    record_observation(memory_workspace, draft(description=text))
    listed = list_observations(memory_workspace, "hasselby-gard")
    assert [o.description for o in listed].count(text) == 1
    # Escaping is the drawing's job (tests/gis/test_webmap.py, tests/ui/test_pages.py).
    shown = map_data(memory_workspace, ["hasselby-gard"]).observations
    assert list(shown["description"]).count(text) == 1


def test_demo_records_are_marked_as_demo(memory_workspace: Workspace) -> None:
    observations = list_observations(memory_workspace, "grimsta")
    assert observations
    assert all(o.is_demo and o.description.startswith("DEMO:") for o in observations)


def photo_at(lon: float | None, lat: float | None) -> Photo:
    return Photo(b"jpeg", b"thumb", 4, 3, lon, lat, None)


TYPED, TAPPED, GPS = (17.84, 59.36), (17.85, 59.37), (17.86, 59.38)
PHOTOS = (photo_at(None, None), photo_at(17.87, 59.39))


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"typed": TYPED, "tapped": TAPPED, "gps": GPS, "photos": PHOTOS}, Position(*TYPED)),
        ({"tapped": TAPPED, "gps": GPS, "photos": PHOTOS}, Position(*TAPPED)),
        ({"gps": GPS, "photos": PHOTOS}, Position(*GPS)),
        ({"photos": PHOTOS}, Position(17.87, 59.39)),
        ({"photos": PHOTOS[:1]}, None),
        ({}, None),
    ],
)
def test_typed_beats_tapped_beats_gps_beats_the_first_photo_with_a_position(
    given: dict[str, object], expected: Position | None
) -> None:
    assert choose_position(**given) == expected  # type: ignore[arg-type]


def test_typed_coordinates_keep_their_crs() -> None:
    typed = (662_000.0, 6_581_000.0)
    assert choose_position(typed=typed, crs="EPSG:3006") == Position(*typed, "EPSG:3006")


def test_one_typed_coordinate_alone_is_refused() -> None:
    with pytest.raises(PositionError, match="Give both coordinates"):
        choose_position(typed=(17.84, None), tapped=TAPPED)


def test_a_dark_path_drawn_as_a_line_is_stored_as_a_line_marked_at_its_middle(
    memory_workspace: Workspace,
) -> None:
    path = LineString([(17.8440, 59.3665), (17.8450, 59.3665)])
    draft = ObservationDraft(
        category="lighting", position=DrawnShape(path), created_by="tests",
        fields={"problem": "missing"},
    )  # fmt: skip
    stored = record_observation(memory_workspace, draft)
    assert (stored.area, stored.geometry_type) == ("hasselby-gard", "LineString")
    assert (stored.lon, stored.lat) == pytest.approx((17.8445, 59.3665), abs=1e-6)
    (record,) = memory_workspace.store.read_records(
        "hasselby-gard", "lighting", Query(uuids=(stored.uuid,))
    )
    assert record["geometry"].geom_type == "LineString"
    assert record["geometry"].length == pytest.approx(56.9, abs=0.5)  # 0.001° east at 59.37° N


def test_a_category_refuses_a_drawn_kind_it_does_not_take(memory_workspace: Workspace) -> None:
    area = Polygon([(17.844, 59.366), (17.845, 59.366), (17.845, 59.367), (17.844, 59.366)])
    draft = ObservationDraft(
        category="lighting", position=DrawnShape(area), created_by="tests",
        fields={"problem": "dim"},
    )  # fmt: skip
    with pytest.raises(PositionError, match="does not take a drawn Polygon; it takes LineString"):
        record_observation(memory_workspace, draft)


def test_an_open_observation_of_the_same_category_close_by_is_a_possible_duplicate(
    memory_workspace: Workspace,
) -> None:
    from walks.fieldwork.recording import possible_duplicates

    def lamp(lon: float, lat: float, category: str = "lighting") -> Observation:
        fields = {"lighting": {"problem": "dim"}, "graffiti": {"surface": "wall"}}[category]
        draft = ObservationDraft(category=category, position=Position(lon, lat),
                                 created_by="test", fields=fields)  # fmt: skip
        return record_observation(memory_workspace, draft, area="hasselby-gard")

    first = lamp(LON, LAT)
    lamp(LON, LAT + 0.0002)  # about 22 m north: too far
    lamp(LON, LAT, "graffiti")  # another category
    second = lamp(LON + 0.0001, LAT)  # about 6 m east
    found = possible_duplicates(memory_workspace, second)
    assert [d.number for d in found] == [first.number]
    assert found[0].distance_m == pytest.approx(5.7, abs=0.3)
    assert [d.number for d in possible_duplicates(memory_workspace, second, distance_m=30)] == [
        first.number, first.number + 1,
    ]  # fmt: skip
    memory_workspace.store.update("hasselby-gard", "lighting", first.uuid,
                                  {"status": "resolved"}, actor="test")  # fmt: skip
    assert possible_duplicates(memory_workspace, second) == []  # resolved: not open
