"""The store contract: what every backend promises, run on each one (``any_store``).

A new backend passes when it is added to ``STORE_BACKEND_PARAMS`` in ``tests/backends.py``.
"""

from __future__ import annotations

import json
import math
import uuid
from collections.abc import Callable
from dataclasses import fields, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from pandas.testing import assert_frame_equal
from shapely.geometry import LineString, MultiPolygon, Point, Polygon
from shapely.geometry.base import BaseGeometry

from layers.errors import FeatureValidationError, StoreError, UnknownAreaError, UnknownLayerError
from layers.rules.rows import checked_rows
from layers.schema import table_for_category
from layers.store import Area, Erasure, PhotoInfo, Query, Store, TimeWindow, open_store
from layers.values import LightCondition, MeasureStatus, ObservationStatus, WalkKind
from tests.backends import STORE_BACKEND_PARAMS, STORE_BACKENDS
from tests.builders import NOW, TEST_BOX, lighting, litter, measure, photo, walk

LOCAL = ZoneInfo("Europe/Stockholm")
INSIDE = Point(662_000, 6_581_000)
NEAR_CORNER = Point(661_100, 6_580_100)
JUST_NORTH = Point(662_000, 6_582_000.05)
"""5 cm north of ``TEST_BOX``: outside it, closer than a GPS can tell."""
FAR_AWAY = Point(670_000, 6_590_000)
ROUTE = LineString([(661_200, 6_580_200), (661_800, 6_580_900)])


def add_lighting(store: Store, geometry: BaseGeometry = INSIDE, **changes: object) -> str:
    """Append a lighting observation and return its UUID."""
    stored = store.append("test", "lighting", lighting(**changes), geometry, actor="tests")
    return str(stored["uuid"])


def numbers(store: Store, layer: str = "lighting", query: Query | None = None) -> list[int]:
    return [int(r["number"]) for r in store.read_records("test", layer, query)]


def log_entries(store: Store) -> list[dict[str, Any]]:
    return store.read_records("test", "change_log")


# -------------------------------------------------------------------------- areas


def test_areas_are_listed_by_name_whatever_the_case(any_store: Store) -> None:
    any_store.add_area(Area("bromma", "Bromma", TEST_BOX), actor="tests")
    any_store.add_area(Area("akalla", "akalla", TEST_BOX), actor="tests")
    assert [area.name for area in any_store.areas()] == ["akalla", "Bromma", "Test"]


def test_an_area_comes_back_as_it_was_added(any_store: Store) -> None:
    polygon = Polygon([(0, 0), (100, 0), (100, 50), (0, 0)])
    any_store.add_area(
        Area("bromma", "Bromma", polygon, source="Lantmäteriet", is_demo=True), actor="tests"
    )
    area = next(area for area in any_store.areas() if area.slug == "bromma")
    assert (area.name, area.source, area.is_demo) == ("Bromma", "Lantmäteriet", True)
    assert isinstance(area.boundary, MultiPolygon)
    assert area.boundary.equals(MultiPolygon([polygon]))
    counts = any_store.feature_counts("bromma")
    assert counts["area"] == 1
    assert counts["change_log"] == 1
    assert sum(counts.values()) == 2


def test_an_area_id_that_is_taken_is_refused(any_store: Store) -> None:
    with pytest.raises(StoreError, match=r"The area 'test' already exists in the workspace\."):
        any_store.add_area(Area("test", "Test again", shapely.box(0, 0, 1, 1)), actor="tests")
    assert [(a.slug, a.name) for a in any_store.areas()] == [("test", "Test")]
    assert any_store.feature_counts("test")["area"] == 1


@pytest.mark.parametrize("slug", ["Grimsta", "hässelby", "-grimsta", "", "a/b", "a" * 64])
def test_an_invalid_area_id_is_refused(any_store: Store, slug: str) -> None:
    with pytest.raises(StoreError, match=r"Invalid area id .*: use a–z, 0–9 and hyphens\."):
        any_store.add_area(Area(slug, "Somewhere", TEST_BOX), actor="tests")
    assert [a.slug for a in any_store.areas()] == ["test"]


@pytest.mark.parametrize(
    ("boundary", "message"),
    [
        (Point(0, 0), r"The area boundary must be a polygon, not Point\."),
        (Polygon([(0, 0), (1, 1), (1, 0), (0, 1)]), r"Invalid geometry for layer 'area': Self-"),
    ],
)
def test_an_area_boundary_must_be_a_valid_polygon(
    any_store: Store, boundary: BaseGeometry, message: str
) -> None:
    with pytest.raises(FeatureValidationError, match=message):
        any_store.add_area(Area("bromma", "Bromma", boundary), actor="tests")
    assert [a.slug for a in any_store.areas()] == ["test"]


def test_the_same_address_opens_the_same_data(any_store: Store) -> None:
    stored = any_store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    again = open_store(any_store.location, catalog=any_store.catalog)
    assert [area.slug for area in again.areas()] == ["test"]
    assert again.read_records("test", "lighting") == [stored]


def test_writes_can_be_made_while_holding_the_exclusive_lock(any_store: Store) -> None:
    with any_store.exclusive():
        any_store.add_area(Area("bromma", "Bromma", TEST_BOX), actor="tests")
        any_store.append("bromma", "lighting", lighting(), INSIDE, actor="tests")
    assert any_store.feature_counts("bromma")["lighting"] == 1


# ------------------------------------------------------------------------ numbers


def test_numbers_come_from_one_sequence_across_categories(any_store: Store) -> None:
    first = any_store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    second = any_store.append("test", "litter", litter(), INSIDE, actor="tests")
    third = any_store.append("test", "lighting", lighting(), INSIDE, actor="tests")
    assert [first["number"], second["number"], third["number"]] == [1, 2, 3]


def test_a_deleted_number_is_never_given_out_again(any_store: Store) -> None:
    first = add_lighting(any_store)
    second = any_store.append("test", "litter", litter(), INSIDE, actor="tests")["uuid"]
    assert any_store.delete("test", "litter", [second], actor="tests") == 1
    assert any_store.append("test", "lighting", lighting(), INSIDE, actor="tests")["number"] == 3
    any_store.delete("test", "lighting", [first], actor="tests")
    assert any_store.append("test", "litter", litter(), INSIDE, actor="tests")["number"] == 4


def test_walks_and_measures_have_sequences_of_their_own(any_store: Store) -> None:
    def number(layer: str, values: dict[str, object], geometry: BaseGeometry | None) -> int:
        return int(any_store.append("test", layer, values, geometry, actor="tests")["number"])

    assert number("lighting", lighting(), INSIDE) == 1
    assert number("walks", walk(), ROUTE) == 1
    assert number("measures", measure(), None) == 1
    assert number("walks", walk(), None) == 2
    assert number("litter", litter(), INSIDE) == 2
    assert number("measures", measure(), None) == 2


def test_each_area_numbers_its_own_features(any_store: Store) -> None:
    any_store.add_area(Area("bromma", "Bromma", TEST_BOX), actor="tests")
    add_lighting(any_store)
    assert any_store.append("bromma", "lighting", lighting(), INSIDE, actor="t")["number"] == 1


def test_a_number_given_by_the_caller_is_ignored(any_store: Store) -> None:
    stored = any_store.append("test", "lighting", lighting(number=99), INSIDE, actor="tests")
    assert stored["number"] == 1
    assert numbers(any_store) == [1]


# ---------------------------------------------------------------------- typed values


def test_append_returns_the_stored_observation_typed(any_store: Store) -> None:
    observed = datetime(2026, 11, 26, 19, 30, 12, 345_678, tzinfo=LOCAL)
    stored = any_store.append(
        "test", "lighting",
        lighting(status="assessed", severity=2, lamp_count="3", observed_at=observed,
                 light_condition="dark", description="  mörkt  ", is_demo=True),
        INSIDE, actor="tests",
    )  # fmt: skip
    assert stored["observed_at"] == observed.replace(microsecond=345_000)
    assert stored["observed_at"].tzinfo is not None
    assert stored["created_at"] == NOW
    assert type(stored["status"]) is ObservationStatus
    assert stored["status"] is ObservationStatus.ASSESSED
    assert stored["light_condition"] is LightCondition.DARK
    assert type(stored["is_demo"]) is bool
    assert stored["is_demo"] is True
    assert (type(stored["severity"]), type(stored["lamp_count"])) == (int, int)
    assert (stored["severity"], stored["lamp_count"]) == (2, 3)
    assert stored["description"] == "mörkt"
    assert stored["light_source"] is None
    assert uuid.UUID(stored["uuid"]).version == 4
    assert stored["geometry"].equals(INSIDE)
    assert any_store.read_records("test", "lighting") == [stored]


def test_a_given_uuid_is_kept(any_store: Store) -> None:
    given = str(uuid.uuid4())
    stored = any_store.append("test", "lighting", lighting(uuid=given), INSIDE, actor="t")
    assert stored["uuid"] == given


@pytest.mark.parametrize("write", ["append", "append_many"])
def test_a_uuid_given_as_none_is_a_new_uuid_whether_written_alone_or_in_bulk(
    any_store: Store, write: str
) -> None:
    if write == "append":
        stored = [any_store.append("test", "lighting", lighting(uuid=None), INSIDE, actor="t")]
    else:
        features = [(lighting(uuid=None), INSIDE), (lighting(uuid=None), NEAR_CORNER)]
        stored = any_store.append_many("test", "lighting", features, actor="t")
    uuids = [str(record["uuid"]) for record in stored]
    assert all(uuid.UUID(given).version == 4 for given in uuids)
    assert len(set(uuids)) == len(uuids)
    assert sorted(r["uuid"] for r in any_store.read_records("test", "lighting")) == sorted(uuids)


def test_category_fields_come_back_as_their_types(any_store: Store) -> None:
    vegetation = {k: v for k, v in litter(blocks_sightline="ja").items() if k != "litter_type"}
    graffiti = {k: v for k, v in litter(surface="wall", area_m2="2,5").items()
                if k != "litter_type"}  # fmt: skip
    blocks = any_store.append("test", "vegetation", vegetation, INSIDE, actor="t")
    assert blocks["blocks_sightline"] is True
    area_m2 = any_store.append("test", "graffiti", graffiti, INSIDE, actor="t")["area_m2"]
    assert (type(area_m2), area_m2) == (float, 2.5)


def test_walks_and_measures_come_back_typed(any_store: Store) -> None:
    starts = datetime(2026, 12, 3, 17, 0, tzinfo=LOCAL)
    stored_walk = any_store.append(
        "test", "walks", walk(kind="youth", starts_at=starts), ROUTE, actor="tests"
    )
    assert stored_walk["kind"] is WalkKind.YOUTH
    assert stored_walk["starts_at"] == starts
    assert stored_walk["geometry"].equals(ROUTE)
    stored_measure = any_store.append(
        "test", "measures",
        measure(status="decided", priority="2", deadline=date(2026, 12, 31)),
        None, actor="tests",
    )  # fmt: skip
    assert stored_measure["status"] is MeasureStatus.DECIDED
    assert (type(stored_measure["priority"]), stored_measure["priority"]) == (int, 2)
    assert (type(stored_measure["deadline"]), stored_measure["deadline"]) == (
        date,
        date(2026, 12, 31),
    )
    assert "geometry" not in stored_measure


# ------------------------------------------------------------------- refused input

NAIVE = datetime(2026, 11, 26, 18, 30)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"problem": "flicker"}, r"Field 'problem' \(Problem\): value 'flicker' is not allowed; "
                                 r"choose one of: broken, dim, missing, glare\."),
        ({"problem": None}, r"Field 'problem' \(Problem\) is required\."),
        ({"status": "open"}, r"Field 'status' \(Status\): value 'open' is not allowed; "
                             r"choose one of: new, assessed, planned, resolved, dismissed\."),
        ({"severity": 7}, r"Field 'severity' .*: value 7 is not allowed; choose one of: 1, 2, 3\."),
        ({"lamp_count": 0}, r"Field 'lamp_count' .*: value 0 is below 1"),
        ({"lamp_count": "many"}, r"value 'many' must be a whole number"),
        ({"observed_at": NAIVE}, r"Field 'observed_at' .* has no time zone; add e\.g\. \+01:00"),
        ({"observed_at": "yesterday"}, r"value 'yesterday' must be a time YYYY-MM-DDTHH:MM"),
        ({"is_demo": "maybe"}, r"Field 'is_demo' .*: value 'maybe' must be yes or no"),
        ({"colour": "red"}, r"Layer 'lighting' has no field colour\. Fields: uuid, number, "),
    ],
)  # fmt: skip
def test_an_invalid_value_is_refused_and_nothing_is_stored(
    any_store: Store, changes: dict[str, object], message: str
) -> None:
    before = any_store.feature_counts("test")
    with pytest.raises(FeatureValidationError, match=message):
        any_store.append("test", "lighting", lighting(**changes), INSIDE, actor="tests")
    assert any_store.feature_counts("test") == before


@pytest.mark.parametrize(
    ("layer", "geometry", "message"),
    [
        ("lighting", None, r"Layer 'lighting' needs a position\."),
        ("lighting", ROUTE.buffer(3), r"takes Point, LineString geometry, not Polygon\."),
        ("lighting", Point(), r"Invalid geometry for layer 'lighting'"),
        ("lighting", Point(math.nan, 6_581_000), r"Invalid geometry for layer 'lighting'"),
        ("measures", INSIDE, r"Layer 'measures' has no geometry\."),
        ("walks", INSIDE, r"Layer 'walks' takes LineString geometry, not Point\."),
    ],
)
def test_an_invalid_geometry_is_refused_and_nothing_is_stored(
    any_store: Store, layer: str, geometry: BaseGeometry | None, message: str
) -> None:
    values = {"lighting": lighting(), "measures": measure(), "walks": walk()}[layer]
    before = any_store.feature_counts("test")
    with pytest.raises(FeatureValidationError, match=message):
        any_store.append("test", layer, values, geometry, actor="tests")
    assert any_store.feature_counts("test") == before


def test_a_uuid_the_layer_has_already_is_refused_and_uses_no_number(any_store: Store) -> None:
    any_store.append("test", "lighting", lighting(uuid="same"), INSIDE, actor="tests")
    before = any_store.feature_counts("test")
    with pytest.raises(
        FeatureValidationError, match="Layer 'lighting' already has a feature with uuid 'same'"
    ):
        any_store.append("test", "lighting", lighting(uuid="same"), INSIDE, actor="tests")
    assert any_store.feature_counts("test") == before
    assert any_store.append("test", "lighting", lighting(), INSIDE, actor="tests")["number"] == 2


# ------------------------------------------------------------------ photos (children)


def test_photos_are_stored_with_their_feature_and_read_as_thumbnails(any_store: Store) -> None:
    first = any_store.append(
        "test", "lighting", lighting(), INSIDE, actor="tests",
        children={"photos": [photo(), photo(image=b"\xff\xd8 second", width=8)]},
    )  # fmt: skip
    other = any_store.append(
        "test", "litter", litter(), INSIDE, actor="tests", children={"photos": [photo()]}
    )
    photos = any_store.read_photos("test", [first["uuid"]])
    assert [(p.feature_uuid, p.layer, p.width, p.height) for p in photos] == [
        (first["uuid"], "lighting", 4, 3),
        (first["uuid"], "lighting", 8, 3),
    ]
    assert all(p.thumbnail == b"\xff\xd8 thumb" for p in photos)
    assert "image" not in {f.name for f in fields(PhotoInfo)}
    assert any_store.read_photo_image("test", photos[1].uuid) == b"\xff\xd8 second"
    assert any_store.read_photo_image("test", "no-such-photo") is None
    both = any_store.read_photos("test", [other["uuid"], first["uuid"]])
    assert [p.layer for p in both] == ["lighting", "lighting", "litter"]
    assert any_store.read_photos("test", []) == []


def test_photos_go_when_their_feature_is_deleted(any_store: Store) -> None:
    gone = any_store.append(
        "test", "lighting", lighting(), INSIDE, actor="tests", children={"photos": [photo()]}
    )
    kept = any_store.append(
        "test", "lighting", lighting(), INSIDE, actor="tests", children={"photos": [photo()]}
    )
    photo_uuid = any_store.read_photos("test", [gone["uuid"]])[0].uuid
    assert any_store.delete("test", "litter", [gone["uuid"]], actor="tests") == 0
    assert len(any_store.read_photos("test", [gone["uuid"]])) == 1
    assert any_store.delete("test", "lighting", [gone["uuid"]], actor="tests") == 1
    assert any_store.read_photos("test", [gone["uuid"]]) == []
    assert any_store.read_photo_image("test", photo_uuid) is None
    assert len(any_store.read_photos("test", [kept["uuid"]])) == 1
    assert any_store.feature_counts("test")["photos"] == 1


def test_a_redacted_photo_replaces_the_old_and_the_log_names_only_its_boxes(
    any_store: Store,
) -> None:
    stored = any_store.append(
        "test", "lighting", lighting(), INSIDE, actor="tests", children={"photos": [photo()]}
    )
    (info,) = any_store.read_photos("test", [stored["uuid"]])
    done = any_store.redact_photo(
        "test", info.uuid, image=b"\xff\xd8 black", thumbnail=b"\xff\xd8 small",
        boxes=[[1, 1, 2, 2]], actor="anna",
    )  # fmt: skip
    assert done == replace(info, thumbnail=b"\xff\xd8 small")
    assert any_store.read_photos("test", [stored["uuid"]]) == [done]
    assert any_store.read_photo_image("test", info.uuid) == b"\xff\xd8 black"
    entry = log_entries(any_store)[-1]
    assert (entry["action"], entry["layer"], entry["actor"], entry["feature_uuid"]) == (
        "redact", "photos", "anna", info.uuid,
    )  # fmt: skip
    assert entry["before"] is None
    assert json.loads(entry["after"]) == {
        "feature_uuid": stored["uuid"], "layer": "lighting", "boxes": [[1, 1, 2, 2]],
    }  # fmt: skip
    count = len(log_entries(any_store))
    gone = str(uuid.uuid4())
    with pytest.raises(StoreError, match=rf"The photo {gone} is not stored"):
        any_store.redact_photo("test", gone, image=b"x", thumbnail=b"x", boxes=[], actor="anna")
    assert len(log_entries(any_store)) == count


def test_a_bad_photo_row_stores_neither_photo_nor_feature(any_store: Store) -> None:
    before = any_store.feature_counts("test")
    with pytest.raises(FeatureValidationError, match=r"Field 'image' \(Image\).* binary data"):
        any_store.append(
            "test", "lighting", lighting(), INSIDE, actor="tests",
            children={"photos": [photo(), photo(image="not bytes")]},
        )  # fmt: skip
    assert any_store.feature_counts("test") == before
    assert any_store.append("test", "lighting", lighting(), INSIDE, actor="tests")["number"] == 1


def test_an_unknown_kind_of_child_row_is_refused(any_store: Store) -> None:
    before = any_store.feature_counts("test")
    with pytest.raises(
        UnknownLayerError,
        match=r"Unknown category 'videos'\. .*: photos, measure_notes, open311_requests\.",
    ):
        any_store.append(
            "test", "lighting", lighting(), INSIDE, actor="tests", children={"videos": [{}]}
        )
    assert any_store.feature_counts("test") == before


# ---------------------------------------------------------------------- change log


def test_every_write_is_logged_with_who_did_what(
    store_backend: str, new_store: Callable[[str], Store]
) -> None:
    # The area added here, not taken with the database (``any_store`` on PostGIS): its
    # entry's time is checked too.
    any_store = new_store(store_backend)
    any_store.add_area(Area("test", "Test", TEST_BOX), actor="tests")
    stored = any_store.append(
        "test", "lighting", lighting(description="<b>dark</b>"), INSIDE, actor="anna",
        children={"photos": [photo()]},
    )  # fmt: skip
    any_store.delete("test", "lighting", [stored["uuid"]], actor="bo")
    entries = log_entries(any_store)
    photo_uuid = json.loads(entries[2]["after"])["uuid"]
    assert [(e["action"], e["layer"], e["actor"], e["feature_uuid"]) for e in entries] == [
        ("insert", "area", "tests", None),
        ("insert", "lighting", "anna", stored["uuid"]),
        ("insert", "photos", "anna", photo_uuid),
        ("delete", "lighting", "bo", stored["uuid"]),
    ]
    inserted, deleted = json.loads(entries[1]["after"]), json.loads(entries[3]["before"])
    assert (inserted["number"], inserted["description"]) == (1, "<b>dark</b>")
    assert inserted["geometry"] == "POINT (662000 6581000)"
    assert (deleted["uuid"], deleted["description"]) == (stored["uuid"], "<b>dark</b>")
    assert (entries[1]["before"], entries[3]["after"]) == (None, None)
    assert "image" not in json.loads(entries[2]["after"])
    assert all(abs(e["at"] - datetime.now(UTC)).total_seconds() < 60 for e in entries)


def test_deleting_nothing_logs_nothing(any_store: Store) -> None:
    add_lighting(any_store)
    before = any_store.feature_counts("test")
    assert any_store.delete("test", "lighting", [], actor="tests") == 0
    assert any_store.delete("test", "lighting", ["no-such-uuid"], actor="tests") == 0
    assert any_store.feature_counts("test") == before


def test_the_revision_changes_with_every_write_and_never_with_a_read(any_store: Store) -> None:
    seen = [any_store.revision()]
    uuid = add_lighting(any_store)
    seen.append(any_store.revision())
    any_store.read_layer("test", "lighting")
    any_store.read_records("test", "lighting", Query(uuids=(uuid,)))
    any_store.feature_counts("test")
    assert any_store.revision() == seen[-1]
    any_store.delete("test", "lighting", [uuid], actor="tests")
    seen.append(any_store.revision())
    any_store.add_area(Area("other", "Other", FAR_AWAY.buffer(100)), actor="tests")
    seen.append(any_store.revision())
    assert len(set(seen)) == len(seen)


def test_a_write_through_another_opening_of_the_store_changes_the_revision(
    any_store: Store,
) -> None:
    other = open_store(any_store.location, catalog=any_store.catalog)
    before = any_store.revision()
    add_lighting(other)
    assert any_store.revision() != before


# --------------------------------------------------------------------------- reads


@pytest.fixture
def features(any_store: Store) -> dict[str, str]:
    """Four lighting observations: name → UUID (``walked`` on a walk, ``demo`` demo data)."""
    walk_uuid = any_store.append("test", "walks", walk(), ROUTE, actor="tests")["uuid"]
    return {
        "walked": add_lighting(any_store, INSIDE, walk_uuid=walk_uuid),
        "demo": add_lighting(any_store, NEAR_CORNER, is_demo=True),
        "north": add_lighting(any_store, JUST_NORTH),
        "far": add_lighting(any_store, FAR_AWAY),
        "walk": walk_uuid,
    }


def selected(store: Store, query: Query, features: dict[str, str]) -> list[str]:
    """Return the names of the features ``query`` selects, read both ways, in fid order."""
    names = {uuid_: name for name, uuid_ in features.items()}
    frame = store.read_layer("test", "lighting", query)
    records = store.read_records("test", "lighting", query)
    assert list(frame["uuid"]) == [r["uuid"] for r in records]
    return [names[r["uuid"]] for r in records]


def test_a_uuid_query_reads_those_features_in_stored_order(
    any_store: Store, features: dict[str, str]
) -> None:
    query = Query(uuids=(features["far"], "no-such-uuid", features["walked"]))
    assert selected(any_store, query, features) == ["walked", "far"]


def test_an_empty_uuid_query_reads_nothing_but_keeps_the_columns(
    any_store: Store, features: dict[str, str]
) -> None:
    frame = any_store.read_layer("test", "lighting", Query(uuids=()))
    assert frame.empty
    assert list(frame.columns) == list(any_store.read_layer("test", "lighting").columns)
    assert any_store.read_records("test", "lighting", Query(uuids=())) == []


def test_a_walk_query_reads_the_walks_observations(
    any_store: Store, features: dict[str, str]
) -> None:
    assert selected(any_store, Query(walk_uuid=features["walk"]), features) == ["walked"]
    assert any_store.read_records("test", "measures", Query(walk_uuid=features["walk"])) == []


def test_a_demo_query_reads_demo_or_real_data(any_store: Store, features: dict[str, str]) -> None:
    assert selected(any_store, Query(is_demo=True), features) == ["demo"]
    assert selected(any_store, Query(is_demo=False), features) == ["walked", "north", "far"]


def test_a_box_query_reads_what_meets_the_box(any_store: Store, features: dict[str, str]) -> None:
    box = (661_000.0, 6_580_000.0, 662_000.0, 6_581_000.0)  # INSIDE lies on its corner
    assert selected(any_store, Query(bbox=box), features) == ["walked", "demo"]
    assert any_store.read_records("test", "measures", Query(bbox=box)) == []
    west_end = (661_100.0, 6_580_100.0, 661_200.0, 6_580_200.0)  # meets ROUTE's first vertex
    walks = any_store.read_records("test", "walks", Query(bbox=west_end))
    assert [w["uuid"] for w in walks] == [features["walk"]]


def test_a_point_just_outside_the_box_is_not_read(
    any_store: Store, features: dict[str, str]
) -> None:
    min_x, min_y, max_x, max_y = TEST_BOX.bounds
    query = Query(bbox=(min_x, min_y, max_x, max_y))
    assert selected(any_store, query, features) == ["walked", "demo"]


def test_conditions_of_a_query_must_all_hold(any_store: Store, features: dict[str, str]) -> None:
    query = Query(uuids=(features["walked"], features["demo"]), is_demo=False,
                  bbox=(661_000, 6_580_000, 663_000, 6_581_500))  # fmt: skip
    assert selected(any_store, query, features) == ["walked"]
    assert selected(any_store, Query(walk_uuid=features["walk"], is_demo=True), features) == []


def test_a_uuid_query_on_a_layer_without_uuids_reads_nothing(
    any_store: Store,
) -> None:
    assert any_store.read_records("test", "change_log", Query(uuids=("x",))) == []


def test_pages_read_the_features_after_a_fid_up_to_a_limit(
    any_store: Store, features: dict[str, str]
) -> None:
    first = any_store.read_records("test", "lighting", Query(limit=3))
    assert selected(any_store, Query(limit=3), features) == ["walked", "demo", "north"]
    after = Query(after_fid=first[-1]["fid"], limit=3)
    assert selected(any_store, after, features) == ["far"]
    assert selected(any_store, Query(after_fid=first[0]["fid"], limit=1), features) == ["demo"]
    assert selected(any_store, Query(limit=0), features) == []
    assert selected(any_store, Query(is_demo=False, limit=2), features) == ["walked", "north"]
    counts = [
        any_store.count_features("test", "lighting", q)
        for q in (Query(), Query(is_demo=False), after, Query(limit=2), Query(bbox=TEST_BOX.bounds))
    ]
    assert counts == [4, 3, 1, 2, 2]  # fmt: skip
    assert any_store.count_features("test", "measures") == 0


def test_a_limit_below_zero_is_refused(any_store: Store) -> None:
    with pytest.raises(FeatureValidationError, match="Invalid limit -1"):
        any_store.read_records("test", "lighting", Query(limit=-1))


def test_a_time_window_reads_what_was_observed_in_it_ends_included(any_store: Store) -> None:
    times = [datetime(2026, 11, day, 17, 30, 0, 250_000, tzinfo=UTC) for day in (1, 2, 3)]
    made = [add_lighting(any_store, at=moment) for moment in times]
    names = dict(zip(made, ("first", "second", "third"), strict=True))

    def observed(start: datetime | None, end: datetime | None) -> list[str]:
        query = Query(during=TimeWindow("observed_at", start, end))
        frame = any_store.read_layer("test", "lighting", query)
        assert any_store.count_features("test", "lighting", query) == len(frame)
        return [names[u] for u in frame["uuid"]]

    assert observed(times[1], times[1]) == ["second"]  # an instant
    assert observed(times[1], None) == ["second", "third"]
    assert observed(None, times[1]) == ["first", "second"]
    assert observed(None, None) == ["first", "second", "third"]
    just_after = times[1] + timedelta(microseconds=400)  # within the stored millisecond
    assert observed(just_after, None) == ["third"]
    assert observed(times[0].astimezone(LOCAL), times[0].astimezone(LOCAL)) == ["first"]
    late = Query(during=TimeWindow("observed_at", times[1], None), limit=1)
    assert [names[r["uuid"]] for r in any_store.read_records("test", "lighting", late)] == [
        "second"
    ]


def test_a_time_window_on_a_field_without_times_is_refused(any_store: Store) -> None:
    with pytest.raises(FeatureValidationError, match="'description' of 'lighting' holds no"):
        any_store.read_layer("test", "lighting", Query(during=TimeWindow("description")))
    with pytest.raises(FeatureValidationError, match="no field seen_at"):
        any_store.count_features("test", "lighting", Query(during=TimeWindow("seen_at")))


def test_a_column_query_reads_only_those_columns(
    any_store: Store, features: dict[str, str]
) -> None:
    query = Query(columns=("status", "number"), uuids=(features["walked"],))
    frame = any_store.read_layer("test", "lighting", query)
    assert list(frame.columns) == ["status", "number", "geometry"]
    assert frame.index.name == "fid"
    [record] = any_store.read_records("test", "lighting", query)
    assert set(record) == {"fid", "status", "number", "geometry"}
    assert record["status"] is ObservationStatus.NEW
    assert record["geometry"].equals(INSIDE)
    assert list(any_store.read_layer("test", "measures", Query(columns=("title",))).columns) == [
        "title"
    ]


def test_an_unknown_column_is_refused_naming_the_fields(any_store: Store) -> None:
    message = r"Layer 'lighting' has no field colour\. Fields: uuid, number, status, "
    with pytest.raises(FeatureValidationError, match=message):
        any_store.read_layer("test", "lighting", Query(columns=("number", "colour")))
    with pytest.raises(FeatureValidationError, match=message):
        any_store.read_records("test", "lighting", Query(columns=("colour",)))


def test_frames_have_the_documented_dtypes(any_store: Store) -> None:
    add_lighting(any_store, severity=2)
    add_lighting(any_store)
    frame = any_store.read_layer("test", "lighting")
    assert isinstance(frame, gpd.GeoDataFrame)
    assert frame.crs.to_epsg() == 3006
    dtypes = frame.dtypes.astype(str)
    assert dtypes["observed_at"] == "datetime64[ms, UTC]"
    assert (dtypes["number"], dtypes["is_demo"], dtypes["severity"]) == ("int64", "bool", "Int64")
    assert frame["observed_at"].iloc[0] == pd.Timestamp(NOW)
    assert not isinstance(any_store.read_layer("test", "measures"), gpd.GeoDataFrame)


def test_feature_counts_cover_every_layer(any_store: Store) -> None:
    add_lighting(any_store)
    any_store.append("test", "walks", walk(), None, actor="tests")
    counts = any_store.feature_counts("test")
    layers = {
        "area",
        "walks",
        "measures",
        "change_log",
        "photos",
        "measure_notes",
        *any_store.catalog.names,
    }
    layers |= {
        f"reference_{kind}"
        for kind in ("lamps", "stops", "entrances", "schools", "other", "owners", "streets",
                     "buildings")
    }  # fmt: skip
    layers |= {"indicators", "analysis_hotspots", "analysis_dark", "inbox", "open311_requests"}
    assert set(counts) == layers
    assert {name: n for name, n in counts.items() if n} == {
        "area": 1, "lighting": 1, "walks": 1, "change_log": 3,
    }  # fmt: skip


# ------------------------------------------------------------------ unknown names

AREA_OPERATIONS: dict[str, Callable[[Store], object]] = {
    "append": lambda s: s.append("nowhere", "lighting", lighting(), INSIDE, actor="tests"),
    "add_children": lambda s: s.add_children("nowhere", "lighting", "x", {}, actor="tests"),
    "delete": lambda s: s.delete("nowhere", "lighting", ["x"], actor="tests"),
    "read_layer": lambda s: s.read_layer("nowhere", "lighting"),
    "read_records": lambda s: s.read_records("nowhere", "lighting"),
    "read_photos": lambda s: s.read_photos("nowhere", ["x"]),
    "read_photo_image": lambda s: s.read_photo_image("nowhere", "x"),
    "feature_counts": lambda s: s.feature_counts("nowhere"),
}
LAYER_OPERATIONS: dict[str, Callable[[Store], object]] = {
    "append": lambda s: s.append("test", "lamps", lighting(), INSIDE, actor="tests"),
    "add_children": lambda s: s.add_children("test", "lamps", "x", {}, actor="tests"),
    "delete": lambda s: s.delete("test", "lamps", ["x"], actor="tests"),
    "read_layer": lambda s: s.read_layer("test", "lamps"),
    "read_records": lambda s: s.read_records("test", "lamps"),
}


@pytest.mark.parametrize("operation", AREA_OPERATIONS)
def test_an_unknown_area_is_named_with_the_areas_there_are(
    any_store: Store, operation: str
) -> None:
    any_store.add_area(Area("bromma", "Bromma", TEST_BOX), actor="tests")
    with pytest.raises(
        UnknownAreaError, match=r"Unknown area 'nowhere'\. Areas in the workspace: bromma, test\."
    ):
        AREA_OPERATIONS[operation](any_store)


@pytest.mark.parametrize("operation", LAYER_OPERATIONS)
def test_an_unknown_layer_is_named_with_the_valid_ones(any_store: Store, operation: str) -> None:
    with pytest.raises(
        UnknownLayerError,
        match=r"Unknown category 'lamps'\. Valid categories: area, walks, .*lighting, vegetation",
    ):
        LAYER_OPERATIONS[operation](any_store)


# ------------------------------------------------------------ the same on every backend


def fill(store: Store) -> None:
    """Write the same varied data into ``store``: every field type, NULLs, a deletion."""
    store.append("test", "lighting", lighting(uuid="l1", severity=3, lamp_count=2,
                                              light_condition="dusk"), INSIDE, actor="anna",
                 children={"photos": [photo(uuid="p1")]})  # fmt: skip
    store.append("test", "lighting", lighting(uuid="l2", description="x"), NEAR_CORNER, actor="bo")
    store.append("test", "lighting", lighting(uuid="l3"), NEAR_CORNER, actor="bo")
    store.delete("test", "lighting", ["l3"], actor="bo")
    vegetation = {k: v for k, v in litter(uuid="v1", blocks_sightline=False).items()
                  if k != "litter_type"}  # fmt: skip
    store.append("test", "vegetation", vegetation, INSIDE, actor="anna")
    store.append("test", "walks", walk(uuid="w1", participants='{"police": 2}'), ROUTE,
                 actor="anna")  # fmt: skip
    store.append("test", "measures", measure(uuid="m1", deadline=date(2027, 1, 31), priority=1),
                 None, actor="anna")  # fmt: skip


def without_clock(layer: str, frame: pd.DataFrame) -> pd.DataFrame:
    """Return ``frame`` without the times a store sets itself (when an area or entry was made)."""
    if layer == "area":
        return frame.drop(columns=["created_at"])
    if layer != "change_log":
        return frame

    def timeless(text: object) -> object:
        if not isinstance(text, str):
            return text
        values = json.loads(text)
        if "slug" in values:  # the area's own row
            del values["created_at"]
        return json.dumps(values, sort_keys=True)

    frame = frame.drop(columns=["at"])
    return frame.assign(before=frame["before"].map(timeless), after=frame["after"].map(timeless))


@pytest.mark.postgis
def test_every_backend_reads_the_same_data_as_the_same_frames(
    new_store: Callable[[str], Store],
) -> None:
    frames: dict[str, dict[str, pd.DataFrame]] = {}
    for backend in STORE_BACKENDS:
        store = new_store(backend)
        store.add_area(Area("test", "Test", TEST_BOX), actor="tests")
        fill(store)
        frames[backend] = {
            layer: store.read_layer("test", layer) for layer in store.feature_counts("test")
        }
        frames[backend]["lighting, two columns"] = store.read_layer(
            "test", "lighting", Query(columns=("number", "observed_at"))
        )
        frames[backend]["lighting, none"] = store.read_layer("test", "lighting", Query(uuids=()))
    first, *others = STORE_BACKENDS
    for backend in others:
        assert frames[backend].keys() == frames[first].keys()
        for name, expected in frames[first].items():
            got = frames[backend][name]
            layer = name.split(",")[0]
            assert type(got) is type(expected), name
            if isinstance(expected, gpd.GeoDataFrame):
                assert got.crs == expected.crs, name
                assert got.geometry.geom_equals(expected.geometry).all(), name
                got = pd.DataFrame(got.drop(columns="geometry"))
                expected = pd.DataFrame(expected.drop(columns="geometry"))
            assert_frame_equal(
                without_clock(layer, got), without_clock(layer, expected), obj=f"{backend} {name}"
            )


def test_deleting_from_a_layer_without_uuids_deletes_nothing(any_store: Store) -> None:
    before = any_store.feature_counts("test")
    assert any_store.delete("test", "change_log", ["x"], actor="tests") == 0
    assert any_store.delete("test", "area", ["x"], actor="tests") == 0
    assert any_store.feature_counts("test") == before


# ------------------------------------------------------------------ many at once


def test_many_features_are_added_in_order_in_one_write(any_store: Store) -> None:
    stored = any_store.append_many(
        "test", "lighting", [(lighting(), INSIDE), (lighting(), NEAR_CORNER)], actor="tests"
    )
    assert [record["number"] for record in stored] == [1, 2]
    assert [record["geometry"] for record in stored] == [INSIDE, NEAR_CORNER]
    assert numbers(any_store) == [1, 2]


def test_one_bad_feature_among_many_stores_none_and_uses_no_number(any_store: Store) -> None:
    before = any_store.feature_counts("test")
    batch = [(lighting(), INSIDE), (lighting(problem="nonsense"), INSIDE)]
    with pytest.raises(FeatureValidationError, match="nonsense"):
        any_store.append_many("test", "lighting", batch, actor="tests")
    assert any_store.feature_counts("test") == before
    add_lighting(any_store)
    assert numbers(any_store) == [1]


def spread(count: int) -> list[Point]:
    """Return ``count`` points on a grid inside ``TEST_BOX``."""
    return [Point(661_100 + 30 * (k % 60), 6_580_100 + 30 * (k // 60)) for k in range(count)]


def test_a_large_write_is_numbered_logged_and_found_by_place_like_single_ones(
    any_store: Store,
) -> None:
    add_lighting(any_store)
    points = spread(250)
    stored = any_store.append_many(
        "test", "lighting", [(lighting(severity=1 + k % 3), p) for k, p in enumerate(points)],
        actor="bulk",
    )  # fmt: skip
    assert [r["number"] for r in stored] == list(range(2, 252))
    assert [r["severity"] for r in stored[:4]] == [1, 2, 3, 1]
    assert [r["geometry"] for r in stored] == points
    logged = [e for e in log_entries(any_store) if e["actor"] == "bulk"]
    assert sorted(e["feature_uuid"] for e in logged) == sorted(r["uuid"] for r in stored)
    box = (661_000.0, 6_580_000.0, 661_500.0, 6_580_120.0)  # the first row's 14 points
    assert sorted(numbers(any_store, query=Query(bbox=box))) == list(range(2, 16))
    assert any_store.feature_counts("test")["lighting"] == 251
    assert any_store.check() == []
    add_lighting(any_store, NEAR_CORNER)  # single writes go on as before, on the first point
    corner = Query(bbox=(661_095.0, 6_580_095.0, 661_105.0, 6_580_105.0))
    assert sorted(numbers(any_store, query=corner)) == [2, 252]
    assert any_store.check() == []


def test_a_large_write_with_a_taken_uuid_stores_nothing_and_names_it(any_store: Store) -> None:
    taken = add_lighting(any_store)
    before = (any_store.revision(), any_store.feature_counts("test"))
    batch = [(lighting(), p) for p in spread(200)]
    batch[150] = (lighting(uuid=taken), batch[150][1])
    with pytest.raises(FeatureValidationError, match=taken):
        any_store.append_many("test", "lighting", batch, actor="tests")
    again = str(uuid.uuid4())
    batch[150] = (lighting(uuid=again), batch[150][1])
    batch[160] = (lighting(uuid=again), batch[160][1])
    with pytest.raises(FeatureValidationError, match=again):
        any_store.append_many("test", "lighting", batch, actor="tests")
    assert (any_store.revision(), any_store.feature_counts("test")) == before
    batch[160] = (lighting(), batch[160][1])
    assert len(any_store.append_many("test", "lighting", batch, actor="tests")) == 200
    assert numbers(any_store)[-1] == 201  # the refused writes used no number
    assert any_store.check() == []


def reference(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {"name": "Lampa", "source": "lamps.geojson", "source_id": "1"}
    values |= {"created_at": NOW, "updated_at": NOW, "created_by": "tests", "is_demo": False}
    return values | changes


def test_reference_layers_take_points_or_any_geometry_as_their_kind_says(
    any_store: Store,
) -> None:
    square = NEAR_CORNER.buffer(10)
    any_store.append("test", "reference_lamps", reference(), INSIDE, actor="tests")
    with pytest.raises(FeatureValidationError, match="takes Point geometry, not Polygon"):
        any_store.append("test", "reference_lamps", reference(), square, actor="tests")
    any_store.append("test", "reference_schools", reference(name="Skola"), square, actor="tests")
    any_store.append("test", "reference_other", reference(), INSIDE, actor="tests")
    counts = any_store.feature_counts("test")
    assert (counts["reference_lamps"], counts["reference_schools"]) == (1, 1)
    assert not any(counts[name] for name in any_store.catalog.names)


def test_a_reference_layer_of_any_kind_holds_a_point_a_line_and_an_area_read_back_as_one(
    any_store: Store,
) -> None:
    shapes = [INSIDE, ROUTE, NEAR_CORNER.buffer(10)]
    added = any_store.append_many(
        "test",
        "reference_schools",
        [(reference(source_id=str(k)), shape) for k, shape in enumerate(shapes)],
        actor="tests",
    )
    records = any_store.read_records("test", "reference_schools")
    assert [(r["uuid"], r["geometry"].geom_type) for r in records] == [
        (r["uuid"], shape.geom_type) for r, shape in zip(added, shapes, strict=True)
    ]
    assert len({r["fid"] for r in records}) == 3
    frame = any_store.read_layer("test", "reference_schools")
    assert sorted(frame.geometry.geom_type) == ["LineString", "Point", "Polygon"]
    assert any_store.feature_counts("test")["reference_schools"] == 3
    with pytest.raises(FeatureValidationError, match="takes Point, LineString, Polygon"):
        any_store.append(
            "test", "reference_other", reference(), MultiPolygon([shapes[2]]), actor="tests"
        )
    assert any_store.delete("test", "reference_schools", [added[1]["uuid"]], actor="tests") == 1
    kept = any_store.read_records("test", "reference_schools")
    assert [r["geometry"].geom_type for r in kept] == ["Point", "Polygon"]


def test_an_owners_area_is_a_multipolygon_and_a_bare_polygon_is_refused(any_store: Store) -> None:
    parcels = MultiPolygon([NEAR_CORNER.buffer(10), INSIDE.buffer(10)])
    owner = reference(organisation="stockholmshem")
    any_store.append("test", "reference_owners", owner, parcels, actor="tests")
    with pytest.raises(FeatureValidationError, match="takes MultiPolygon geometry, not Polygon"):
        any_store.append("test", "reference_owners", owner, NEAR_CORNER.buffer(10), actor="tests")
    (stored,) = any_store.read_records("test", "reference_owners")
    assert stored["geometry"].geom_type == "MultiPolygon"
    assert stored["geometry"].equals(parcels)


def test_replace_removes_and_adds_in_one_write(any_store: Store) -> None:
    old = add_lighting(any_store)
    kept = add_lighting(any_store)
    new = any_store.replace(
        "test", "lighting", [old], [(lighting(description="ny"), NEAR_CORNER)], actor="tests"
    )
    assert [r["number"] for r in new] == [3]
    remaining = any_store.read_records("test", "lighting", Query(columns=("uuid", "number")))
    assert [(r["uuid"], r["number"]) for r in remaining] == [(kept, 2), (new[0]["uuid"], 3)]


def test_a_refused_replacement_leaves_everything_as_it_was(any_store: Store) -> None:
    old = add_lighting(any_store)
    before = any_store.feature_counts("test")
    with pytest.raises(FeatureValidationError, match="nonsense"):
        any_store.replace(
            "test", "lighting", [old], [(lighting(problem="nonsense"), INSIDE)], actor="tests"
        )
    assert any_store.feature_counts("test") == before
    assert [r["uuid"] for r in any_store.read_records("test", "lighting")] == [old]


# ------------------------------------------------------------------------- update
def test_update_many_changes_features_of_several_layers_all_or_none(any_store: Store) -> None:
    lamp = add_lighting(any_store)
    plan = str(any_store.append("test", "measures", measure(), None, actor="tests")["uuid"])
    before = any_store.revision()
    entries = len(log_entries(any_store))
    with pytest.raises(FeatureValidationError, match="problem"):
        any_store.update_many("test", [
            ("measures", plan, {"status": "decided"}),
            ("lighting", lamp, {"problem": "nonsense"}),
        ], actor="kim")  # fmt: skip
    with pytest.raises(StoreError):
        any_store.update_many("test", [
            ("lighting", lamp, {"status": "planned"}),
            ("measures", str(uuid.uuid4()), {"status": "decided"}),
        ], actor="kim")  # fmt: skip
    assert any_store.revision() == before
    assert len(log_entries(any_store)) == entries
    assert any_store.read_records("test", "measures")[0]["status"] is MeasureStatus.PROPOSED
    stored = any_store.update_many("test", [
        ("measures", plan, {"status": "decided"}),
        ("lighting", lamp, {"status": "planned"}),
        ("lighting", lamp, {"description": "båda ändringarna står kvar"}),
    ], actor="kim")  # fmt: skip
    assert [r["uuid"] for r in stored] == [plan, lamp, lamp]
    (read,) = any_store.read_records("test", "lighting")
    assert (read["status"], read["description"]) == (
        ObservationStatus.PLANNED, "båda ändringarna står kvar",
    )  # fmt: skip
    assert [e["action"] for e in log_entries(any_store)[entries:]] == ["update"] * 3
    assert any_store.update_many("test", [], actor="kim") == []


def test_append_with_updates_writes_both_or_neither(any_store: Store) -> None:
    lamp = add_lighting(any_store)
    nobody = str(uuid.uuid4())
    with pytest.raises(StoreError):
        any_store.append("test", "measures", measure(), None, actor="kim",
                         updates=[("lighting", nobody, {"status": "planned"})])  # fmt: skip
    with pytest.raises(FeatureValidationError):
        any_store.append("test", "measures", measure(), None, actor="kim",
                         updates=[("lighting", lamp, {"status": "nonsense"})])  # fmt: skip
    assert any_store.read_records("test", "measures") == []
    made = any_store.append("test", "measures", measure(), None, actor="kim",
                            updates=[("lighting", lamp, {"status": "planned"})])  # fmt: skip
    assert made["number"] == 1  # the refused writes took no number
    (read,) = any_store.read_records("test", "lighting")
    assert read["status"] is ObservationStatus.PLANNED


def test_update_changes_the_values_given_and_logs_old_and_new(any_store: Store) -> None:
    uuid_ = add_lighting(any_store, description="släckt")
    revision = any_store.revision()
    stored = any_store.update(
        "test", "lighting", uuid_, {"status": "assessed", "description": "trasig"}, actor="kim"
    )
    assert stored["status"] is ObservationStatus.ASSESSED
    assert stored["description"] == "trasig"
    assert stored["geometry"].equals(INSIDE)  # the rest as it was
    assert (stored["number"], stored["uuid"], stored["created_by"]) == (1, uuid_, "tests")
    assert stored["updated_at"] > NOW
    assert any_store.revision() != revision
    (read,) = any_store.read_records("test", "lighting")
    assert (read["status"], read["description"]) == (ObservationStatus.ASSESSED, "trasig")
    entry = log_entries(any_store)[-1]
    assert (entry["action"], entry["actor"], entry["feature_uuid"]) == ("update", "kim", uuid_)
    before, after = json.loads(entry["before"]), json.loads(entry["after"])
    assert (before["status"], after["status"]) == ("new", "assessed")
    assert (before["description"], after["description"]) == ("släckt", "trasig")
    assert set(before) == set(after) == {"status", "description", "updated_at"}
    assert any_store.check() == []  # indexes, counts and the layout still right


def test_an_update_that_changes_nothing_writes_nothing(any_store: Store) -> None:
    uuid_ = add_lighting(any_store, description="släckt")
    entries, revision = len(log_entries(any_store)), any_store.revision()
    stored = any_store.update("test", "lighting", uuid_, {"description": "släckt"}, actor="kim")
    assert stored["description"] == "släckt"
    assert (len(log_entries(any_store)), any_store.revision()) == (entries, revision)


def test_measures_are_updated_with_their_types(any_store: Store) -> None:
    stored = any_store.append("test", "measures", measure(), None, actor="tests")
    changed = any_store.update(
        "test", "measures", stored["uuid"],
        {"status": MeasureStatus.DECIDED, "deadline": date(2027, 3, 31)}, actor="tests",
    )  # fmt: skip
    assert changed["status"] is MeasureStatus.DECIDED
    assert changed["deadline"] == date(2027, 3, 31)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"problem": "flicker"}, r"value 'flicker' is not allowed"),
        ({"number": 7}, r"The fields number cannot be changed afterwards"),
        ({"uuid": "x", "created_by": "y"}, r"The fields created_by, uuid cannot be changed"),
        ({"colour": "red"}, r"Layer 'lighting' has no field colour"),
    ],
)
def test_a_refused_update_changes_nothing(
    any_store: Store, changes: dict[str, object], message: str
) -> None:
    uuid_ = add_lighting(any_store)
    before = any_store.read_records("test", "lighting")
    entries = len(log_entries(any_store))
    with pytest.raises(FeatureValidationError, match=message):
        any_store.update("test", "lighting", uuid_, changes, actor="tests")
    assert any_store.read_records("test", "lighting") == before
    assert len(log_entries(any_store)) == entries


def test_updating_a_feature_that_is_not_there_says_so(any_store: Store) -> None:
    with pytest.raises(StoreError, match="Layer 'lighting' has no feature nope"):
        any_store.update("test", "lighting", "nope", {"description": "x"}, actor="tests")


@pytest.mark.parametrize("target_backend", STORE_BACKEND_PARAMS)
def test_an_area_copied_into_another_store_holds_everything_as_it_was(
    any_store: Store, target_backend: str, new_store: Callable[[str], Store]
) -> None:
    kept = add_lighting(any_store, description="Släckt lampa vid trappan")
    gone = add_lighting(any_store)
    any_store.append("test", "lighting", lighting(), INSIDE, actor="tests",
                     children={"photos": [photo()]})  # fmt: skip
    any_store.append("test", "walks", walk(), None, actor="tests")
    plan = any_store.append("test", "measures", measure(), None, actor="kim",
                            updates=[("lighting", kept, {"status": "planned"})])  # fmt: skip
    any_store.update("test", "measures", str(plan["uuid"]), {"status": "decided"}, actor="kim")
    any_store.delete("test", "lighting", [gone], actor="tests")  # number 2 is never reused
    copy = any_store.copy_area("test")
    target = new_store(target_backend)
    target.paste_area(copy, actor="migration")
    assert [a.slug for a in target.areas()] == ["test"]
    assert target.areas()[0].boundary.equals(any_store.areas()[0].boundary)

    def without_fid(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [{k: v for k, v in r.items() if k != "fid"} for r in records]

    for layer in ("area", "lighting", "walks", "measures", "photos"):  # the area's date too
        assert without_fid(target.read_records("test", layer)) == without_fid(
            any_store.read_records("test", layer)
        ), layer
    log = without_fid(target.read_records("test", "change_log"))
    assert (log[0]["actor"], log[0]["layer"]) == ("migration", "area")  # the copy's own entry
    assert log[1:] == without_fid(any_store.read_records("test", "change_log"))  # all history
    assert [p.thumbnail for p in target.read_photos("test", [r["uuid"] for r in
            target.read_records("test", "lighting")])] == [photo()["thumbnail"]]  # fmt: skip
    assert numbers(target) == [1, 3]
    assert target.append("test", "lighting", lighting(), INSIDE, actor="t")["number"] == 4
    with pytest.raises(StoreError):
        target.paste_area(copy, actor="migration")  # the area is there already
    assert numbers(target) == [1, 3, 4]


@pytest.mark.parametrize("target_backend", STORE_BACKEND_PARAMS)
def test_a_copy_that_cannot_be_pasted_leaves_no_area_behind(
    any_store: Store, target_backend: str, new_store: Callable[[str], Store]
) -> None:
    add_lighting(any_store)
    copy = any_store.copy_area("test")
    twice = {**copy.tables, "lighting": [*copy.tables["lighting"], *copy.tables["lighting"]]}
    target = new_store(target_backend)
    with pytest.raises(FeatureValidationError, match="already has a feature with uuid"):
        target.paste_area(replace(copy, tables=twice), actor="migration")
    assert target.areas() == []


def test_rows_checked_for_an_import_are_written_as_checked_with_their_own_geometry(
    any_store: Store,
) -> None:
    table = table_for_category(any_store.catalog.category("lighting"))
    rows, errors = checked_rows(
        table, [(lighting(description=" Mörk "), INSIDE), (lighting(problem="nonsense"), INSIDE)]
    )
    assert rows[1] is None
    assert "'nonsense'" in errors[1].text.en
    checked = rows[0]
    assert checked is not None
    assert checked["description"] == "Mörk"  # coerced: stored as it is
    with pytest.raises(TypeError, match="cannot be changed"):
        checked["problem"] = "nonsense"
    # With another geometry than it was checked with, the row is checked again.
    square = Polygon([(661_500, 6_580_500), (661_600, 6_580_500), (661_600, 6_580_600)])
    with pytest.raises(FeatureValidationError):
        any_store.append_across([("test", "lighting", checked, square)], actor="import")
    assert any_store.append_across(
        [("test", "lighting", checked, INSIDE)], actor="import", records=False
    ) == []  # fmt: skip
    (stored,) = any_store.read_records("test", "lighting")
    assert (stored["uuid"], stored["description"], stored["number"]) == (checked["uuid"], "Mörk", 1)


def test_append_across_areas_writes_all_or_none(any_store: Store) -> None:
    other = Area("other", "Other", shapely.box(663_000, 6_580_000, 665_000, 6_582_000))
    any_store.add_area(other, actor="tests")
    inside_other = Point(664_000, 6_581_000)
    before = any_store.revision()
    with pytest.raises(FeatureValidationError):
        any_store.append_across([
            ("test", "lighting", lighting(), INSIDE, ),
            ("other", "lighting", lighting(), inside_other),
            ("other", "lighting", lighting(problem="nonsense"), inside_other),
        ], actor="import")  # fmt: skip
    assert any_store.revision() == before
    assert (numbers(any_store), any_store.read_records("other", "lighting")) == ([], [])
    made = any_store.append_across([
        ("test", "lighting", lighting(), INSIDE),
        ("other", "lighting", lighting(), inside_other),
        ("other", "litter", litter(), inside_other),
    ], actor="import")  # fmt: skip
    assert [(r["number"]) for r in made] == [1, 1, 2]  # numbered per area, never reused
    assert numbers(any_store) == [1]
    assert len(any_store.read_records("other", "lighting")) == 1


def test_batches_are_written_as_they_come_and_all_or_none(any_store: Store) -> None:
    second = Area("other", "Other", shapely.box(663_000, 6_580_000, 665_000, 6_582_000))
    any_store.add_area(second, actor="tests")
    inside_other = Point(664_000, 6_581_000)
    lines = [OTHER_LINE, OTHER_AREA, INSIDE]  # the category "other" has a table of each kind

    def batches(count: int, *, failing_after: int | None = None) -> Any:
        for k in range(count):
            if k == failing_after:
                msg = "the file could not be read on"
                raise OSError(msg)
            yield "test", "lighting", [(lighting(description=f"{k}.{j}"),
                                        Point(661_100 + 5 * j, 6_580_100 + 5 * k))
                                       for j in range(150)]  # fmt: skip
            yield "other", "litter", [(litter(), inside_other)]
            yield "test", "other", [(other(description=f"{k}"), lines[k % 3])]

    areas = ["test", "other"]
    before = any_store.revision()
    with pytest.raises(OSError, match="could not be read on"):
        any_store.append_batches(batches(3, failing_after=2), actor="import", areas=areas,
                                 expected=456)  # fmt: skip
    assert any_store.revision() == before
    assert any_store.read_records("test", "lighting") == []
    assert any_store.read_records("other", "litter") == []
    assert {entry["layer"] for entry in log_entries(any_store)} <= {"area"}

    added = any_store.append_batches(batches(3), actor="import", areas=areas, expected=456)
    assert added == 456
    # Numbered in order, batch after batch (an area's observations share one sequence).
    assert numbers(any_store) == [151 * k + j for k in range(3) for j in range(1, 151)]
    assert sorted(numbers(any_store, "other")) == [151, 302, 453]
    assert [r["number"] for r in any_store.read_records("other", "litter")] == [1, 2, 3]
    assert any_store.feature_counts("test")["lighting"] == 450
    # Every batch's points are in the spatial index.
    north = Query(bbox=(661_000, 6_580_108, 662_000, 6_580_112))
    assert len(any_store.read_records("test", "lighting", north)) == 150
    inserted = [e for e in log_entries(any_store) if e["action"] == "insert"]
    assert sum(e["layer"] == "lighting" for e in inserted) == 450
    # Later writes go on as ever: numbers never given twice, each one logged.
    add_lighting(any_store)
    assert numbers(any_store)[-1] == 454
    assert any_store.feature_counts("test")["lighting"] == 451

    # A UUID two batches give is refused, and nothing of either is written.
    twice = lighting(uuid=str(uuid.uuid4()))

    def repeating() -> Any:
        yield "test", "lighting", [(twice, INSIDE)] + [(lighting(), INSIDE) for _ in range(200)]
        yield "test", "lighting", [(dict(twice), NEAR_CORNER)]

    before = any_store.revision()
    for expected in (202, 5000):  # found by the index kept, or by the one made anew
        with pytest.raises(FeatureValidationError, match=str(twice["uuid"])):
            any_store.append_batches(repeating(), actor="import", areas=["test"],
                                     expected=expected)  # fmt: skip
        assert any_store.revision() == before
        assert len(any_store.read_records("test", "lighting")) == 451
    # A feature bound for an area the write was not begun on is refused.
    with pytest.raises(ValueError, match="not among"):
        any_store.append_batches(batches(1), actor="import", areas=["test"], expected=152)
    assert any_store.revision() == before


# ------------------------------------------- a category's points, lines and areas

OTHER_LINE = LineString([(661_500, 6_580_600), (661_600, 6_580_650)])
OTHER_AREA = Polygon([(661_700, 6_580_700), (661_750, 6_580_700), (661_750, 6_580_750)])


def other(**changes: object) -> dict[str, object]:
    values = {k: v for k, v in litter().items() if k != "litter_type"}
    return {**values, "subject": "bänk", **changes}


@pytest.fixture
def kinds(any_store: Store) -> dict[str, str]:
    """A point, a line and an area of ``other`` (numbers 2, 3, 4 after a lighting point)."""
    add_lighting(any_store)
    shapes = {"point": NEAR_CORNER, "line": OTHER_LINE, "area": OTHER_AREA}
    return {
        kind: str(any_store.append("test", "other", other(description=kind), shape,
                                   actor="tests")["uuid"])
        for kind, shape in shapes.items()
    }  # fmt: skip


def test_a_category_reads_back_its_points_lines_and_areas_as_one_layer(
    any_store: Store, kinds: dict[str, str]
) -> None:
    records = any_store.read_records("test", "other")
    assert [(r["description"], r["number"], r["geometry"].geom_type) for r in records] == [
        ("point", 2, "Point"), ("line", 3, "LineString"), ("area", 4, "Polygon"),
    ]  # fmt: skip
    assert [r["uuid"] for r in records] == list(kinds.values())
    frame = any_store.read_layer("test", "other")
    assert frame.crs == "EPSG:3006"
    assert frame.index.is_unique
    assert list(frame["number"]) == [2, 3, 4]
    assert list(frame.geom_type) == ["Point", "LineString", "Polygon"]
    assert [r["fid"] for r in records] == list(frame.index)
    assert any_store.feature_counts("test")["other"] == 3
    assert "other_line" not in any_store.feature_counts("test")


def test_queries_read_a_categorys_features_whatever_their_kind(
    any_store: Store, kinds: dict[str, str]
) -> None:
    def described(query: Query) -> list[str]:
        frame = any_store.read_layer("test", "other", query)
        assert list(frame["description"]) == [
            r["description"] for r in any_store.read_records("test", "other", query)
        ]
        return list(frame["description"])

    assert described(Query(uuids=(kinds["area"], kinds["point"]))) == ["point", "area"]
    assert described(Query(bbox=(661_450, 6_580_550, 661_720, 6_580_720))) == ["line", "area"]
    assert described(Query(is_demo=True)) == []
    assert list(any_store.read_layer("test", "other", Query(columns=()))) == ["geometry"]


def test_a_page_of_a_category_goes_through_its_tables_in_fid_order(
    any_store: Store, kinds: dict[str, str]
) -> None:
    def described(query: Query) -> list[str]:
        records = any_store.read_records("test", "other", query)
        frame = any_store.read_layer("test", "other", query)
        assert list(frame["description"]) == [r["description"] for r in records]
        assert any_store.count_features("test", "other", query) == len(records)
        return [r["description"] for r in records]

    assert described(Query(limit=2)) == ["point", "line"]
    line = any_store.read_records("test", "other", Query(uuids=(kinds["line"],)))[0]
    assert described(Query(after_fid=line["fid"], limit=2)) == ["area"]
    assert described(Query(kind="LineString")) == ["line"]
    assert described(Query(kind="Polygon", limit=5)) == ["area"]
    assert described(Query(kind="MultiPolygon")) == []
    assert any_store.count_features("test", "area", Query(kind="MultiPolygon")) == 1
    assert any_store.count_features("test", "lighting", Query(kind="Point")) == 1


def test_updates_and_deletes_find_a_feature_of_any_kind(
    any_store: Store, kinds: dict[str, str]
) -> None:
    for kind, feature in kinds.items():
        stored = any_store.update("test", "other", feature, {"status": "assessed"}, actor="tests")
        assert (stored["description"], stored["status"]) == (kind, ObservationStatus.ASSESSED)
    updated = any_store.update_many(
        "test", [("other", kinds["line"], {"severity": 3}), ("lighting", add_lighting(any_store),
                                                              {"severity": 1})], actor="tests",
    )  # fmt: skip
    assert updated[0]["geometry"].equals(OTHER_LINE)
    assert any_store.delete("test", "other", [kinds["line"], kinds["area"]], actor="tests") == 2
    assert [r["description"] for r in any_store.read_records("test", "other")] == ["point"]
    with pytest.raises(StoreError, match="'other' has no feature"):
        any_store.update("test", "other", kinds["area"], {"severity": 1}, actor="tests")
    log = [(e["action"], e["layer"]) for e in log_entries(any_store) if e["layer"] == "other"]
    assert log == [("insert", "other")] * 3 + [("update", "other")] * 4 + [("delete", "other")] * 2
    area = any_store.append("test", "other", other(), OTHER_AREA, actor="tests")
    assert area["number"] == 6  # one sequence for every category and kind, none reused


def test_photos_of_a_line_go_with_it(any_store: Store) -> None:
    stored = any_store.append("test", "other", other(), OTHER_LINE, actor="tests",
                              children={"photos": [photo()]})  # fmt: skip
    (info,) = any_store.read_photos("test", [stored["uuid"]])
    assert info.layer == "other"
    any_store.delete("test", "other", [stored["uuid"]], actor="tests")
    assert any_store.read_photos("test", [stored["uuid"]]) == []


def test_a_uuid_is_one_feature_of_a_category_whatever_its_kind(
    any_store: Store, kinds: dict[str, str]
) -> None:
    for shape in (NEAR_CORNER, OTHER_LINE, OTHER_AREA):
        with pytest.raises(FeatureValidationError, match="already has a feature with uuid"):
            any_store.append("test", "other", other(uuid=kinds["line"]), shape, actor="tests")
    twice = str(uuid.uuid4())
    both = [(other(uuid=twice), NEAR_CORNER), (other(uuid=twice), OTHER_AREA)]
    with pytest.raises(FeatureValidationError, match=rf"'other' already has .* {twice!r}"):
        any_store.append_many("test", "other", both, actor="tests")
    assert any_store.feature_counts("test")["other"] == 3
    assert numbers(any_store, "other") == [2, 3, 4]


def test_many_features_of_several_kinds_are_numbered_in_the_order_given(
    any_store: Store,
) -> None:
    shapes = [OTHER_AREA, NEAR_CORNER, OTHER_LINE, INSIDE, OTHER_AREA]
    stored = any_store.append_many(
        "test", "other", [(other(description=str(k)), s) for k, s in enumerate(shapes)],
        actor="tests",
    )  # fmt: skip
    assert [(r["description"], r["number"]) for r in stored] == [(str(k), k + 1) for k in range(5)]
    assert [r["geometry"].geom_type for r in stored] == [s.geom_type for s in shapes]
    read = any_store.read_records("test", "other")
    assert sorted(r["number"] for r in read) == [1, 2, 3, 4, 5]
    assert len({r["fid"] for r in read}) == 5
    replaced = any_store.replace("test", "other", [str(stored[0]["uuid"])],
                                 [(other(), OTHER_LINE)], actor="tests")  # fmt: skip
    assert replaced[0]["number"] == 6
    assert any_store.feature_counts("test")["other"] == 5


def test_a_geometry_kind_the_category_does_not_take_is_refused_naming_it(
    any_store: Store,
) -> None:
    vegetation = {**litter(), "blocks_sightline": True}
    del vegetation["litter_type"]
    with pytest.raises(FeatureValidationError, match=r"'vegetation' takes Point, Polygon"):
        any_store.append("test", "vegetation", vegetation, OTHER_LINE, actor="tests")
    multi = MultiPolygon([OTHER_AREA])
    with pytest.raises(FeatureValidationError, match=r"'other' takes .* not MultiPolygon"):
        any_store.append("test", "other", other(), multi, actor="tests")


@pytest.mark.parametrize("target_backend", STORE_BACKEND_PARAMS)
def test_a_copied_area_keeps_each_kind_in_its_table(
    any_store: Store, kinds: dict[str, str], new_store: Callable[[str], Store], target_backend: str
) -> None:
    target = new_store(target_backend)
    target.paste_area(any_store.copy_area("test"), actor="tests")
    records = target.read_records("test", "other")
    assert [(r["uuid"], r["number"]) for r in records] == [
        (uuid, n) for uuid, n in zip(kinds.values(), (2, 3, 4), strict=True)
    ]
    assert target.feature_counts("test") == {
        **any_store.feature_counts("test"),
        "change_log": target.feature_counts("test")["change_log"],
    }
    assert target.check() == []


# ------------------------------------------------ photos added to a stored feature


def test_photos_are_added_to_a_stored_point_or_line_and_read_back_with_it(
    any_store: Store,
) -> None:
    point = add_lighting(any_store)
    line = str(any_store.append("test", "other", other(), OTHER_LINE, actor="tests")["uuid"])
    given = str(uuid.uuid4())
    added = any_store.add_children(
        "test", "lighting", point, {"photos": [photo(uuid=given), photo(width=8)]}, actor="anna"
    )
    (on_line,) = any_store.add_children("test", "other", line, {"photos": [photo()]}, actor="anna")
    assert [(r["feature_uuid"], r["layer"], r["width"]) for r in [*added, on_line]] == [
        (point, "lighting", 4), (point, "lighting", 8), (line, "other", 4),
    ]  # fmt: skip
    assert added[0]["uuid"] == given
    photos = any_store.read_photos("test", [point, line])
    assert [(p.uuid, p.feature_uuid, p.layer) for p in photos] == [
        (r["uuid"], r["feature_uuid"], r["layer"]) for r in [*added, on_line]
    ]
    assert any_store.read_photo_image("test", given) == b"\xff\xd8 full image"
    any_store.delete("test", "other", [line], actor="tests")  # its photos go with it
    assert [p.feature_uuid for p in any_store.read_photos("test", [point, line])] == [point] * 2


def test_photos_added_later_are_logged_with_who_added_them(any_store: Store) -> None:
    point = add_lighting(any_store)
    added = any_store.add_children(
        "test", "lighting", point, {"photos": [photo(), photo()]}, actor="anna"
    )
    entries = log_entries(any_store)[-2:]
    assert [(e["action"], e["layer"], e["actor"], e["feature_uuid"]) for e in entries] == [
        ("insert", "photos", "anna", r["uuid"]) for r in added
    ]
    assert [json.loads(e["after"])["feature_uuid"] for e in entries] == [point, point]


def test_photos_of_a_feature_the_layer_does_not_have_are_refused_and_nothing_changes(
    any_store: Store,
) -> None:
    line = str(any_store.append("test", "other", other(), OTHER_LINE, actor="tests")["uuid"])
    before = (any_store.feature_counts("test"), any_store.revision())
    with pytest.raises(StoreError, match="Layer 'lighting' has no feature nope: it may have been"):
        any_store.add_children("test", "lighting", "nope", {"photos": [photo()]}, actor="tests")
    with pytest.raises(StoreError, match=f"Layer 'lighting' has no feature {line}"):
        any_store.add_children("test", "lighting", line, {"photos": [photo()]}, actor="tests")
    assert (any_store.feature_counts("test"), any_store.revision()) == before


def test_a_photo_uuid_stored_already_is_refused_and_nothing_is_written(any_store: Store) -> None:
    stored = any_store.append(
        "test", "lighting", lighting(), INSIDE, actor="tests",
        children={"photos": [photo(uuid="same")]},
    )  # fmt: skip
    before = any_store.feature_counts("test")
    for repeated, name in [
        ([photo(), photo(uuid="same")], "same"),
        ([photo(uuid="twice"), photo(uuid="twice")], "twice"),
    ]:
        with pytest.raises(
            FeatureValidationError, match=f"Layer 'photos' already has a feature with uuid '{name}'"
        ):
            any_store.add_children(
                "test", "lighting", stored["uuid"], {"photos": repeated}, actor="tests"
            )
    assert any_store.feature_counts("test") == before


# ------------------------------------------------------------- erasure (retention)


def report(**changes: object) -> dict[str, object]:
    """A resident's report in the inbox, with an e-mail address."""
    values = {**{k: v for k, v in lighting().items() if k in ("created_at", "updated_at",
                                                              "is_demo")},
              "category": "litter", "description": "Glas vid min port", "status": "rejected",
              "email": "boende@example.se", "created_by": "resident"}  # fmt: skip
    values.update(changes)
    return values


def test_an_erasure_removes_photos_and_features_masks_the_log_and_records_the_rule(
    any_store: Store,
) -> None:
    kept = add_lighting(any_store, description="Min granne Anna")
    any_store.add_children("test", "lighting", kept, {"photos": [photo(), photo()]}, actor="bo")
    first, second = (p.uuid for p in any_store.read_photos("test", [kept]))
    gone = str(any_store.append("test", "inbox", report(), INSIDE, actor="resident")["uuid"])
    erasure = Erasure(
        "tests", features=(("inbox", gone),), photos=(first,),
        masked=((gone, ("description", "email", "geometry")), (kept, ("description",))),
    )  # fmt: skip
    any_store.erase("test", [erasure], actor="cleaner")
    assert [p.uuid for p in any_store.read_photos("test", [kept])] == [second]
    assert any_store.read_photo_image("test", first) is None
    assert any_store.read_records("test", "inbox") == []
    assert any_store.read_records("test", "lighting")[0]["description"] == "Min granne Anna"
    entries = log_entries(any_store)
    text = json.dumps([(e["before"], e["after"]) for e in entries], ensure_ascii=False)
    assert [word for word in ("Anna", "Glas", "boende@example.se") if word in text] == []
    *_, photo_gone, rule = entries
    assert (photo_gone["action"], photo_gone["layer"], photo_gone["actor"]) == (
        "delete", "photos", "cleaner")  # fmt: skip
    assert json.loads(photo_gone["before"])["uuid"] == first
    assert (rule["action"], rule["layer"], rule["actor"]) == ("erase", "retention", "cleaner")
    assert json.loads(rule["after"]) == {"rule": "tests", "features": 1, "photos": 1, "masked": 2}
    masked = [json.loads(e["after"]) for e in entries if e["feature_uuid"] == gone and e["after"]]
    assert masked[0]["description"] == masked[0]["email"] == masked[0]["geometry"] == "***"


def test_an_erasure_puts_a_new_name_wherever_an_account_is_named(any_store: Store) -> None:
    made = any_store.append("test", "lighting", lighting(created_by="anna"), INSIDE, actor="anna")
    handled = report(status="accepted", email=None, handled_by="anna")
    any_store.append("test", "inbox", handled, INSIDE, actor="anna")
    add_lighting(any_store, created_by="annabel")
    any_store.erase("test", [Erasure("accounts", renamed=("anna", "removed account 4"))],
                    actor="admin")  # fmt: skip
    assert [r["created_by"] for r in any_store.read_records("test", "lighting")] == [
        "removed account 4", "annabel"]  # fmt: skip
    assert any_store.read_records("test", "inbox")[0]["handled_by"] == "removed account 4"
    entries = log_entries(any_store)
    assert "anna" not in {e["actor"] for e in entries}
    assert all('"anna"' not in (e["before"] or "") + (e["after"] or "") for e in entries)
    assert json.loads(entries[1]["after"])["created_by"] == "removed account 4"
    assert json.loads(entries[-1]["after"]) == {"rule": "accounts", "renamed_to":
                                                "removed account 4"}  # fmt: skip
    assert any_store.read_records("test", "lighting", Query(uuids=(made["uuid"],)))


def test_an_erasure_that_fails_part_way_changes_nothing(any_store: Store) -> None:
    kept = add_lighting(any_store)
    any_store.add_children("test", "lighting", kept, {"photos": [photo()]}, actor="bo")
    waiting = any_store.append("test", "inbox", report(status="new"), INSIDE, actor="resident")
    before = (log_entries(any_store), any_store.feature_counts("test"))
    photos = tuple(p.uuid for p in any_store.read_photos("test", [kept]))
    failing = [
        Erasure("first", updates=(("inbox", waiting["uuid"], {"email": None}),), photos=photos),
        Erasure("second", updates=(("inbox", "no-such-report", {"email": None}),)),
    ]
    with pytest.raises(StoreError, match="no-such-report"):
        any_store.erase("test", failing, actor="cleaner")
    assert (log_entries(any_store), any_store.feature_counts("test")) == before
    assert any_store.read_records("test", "inbox")[0]["email"] == "boende@example.se"
    any_store.erase("test", failing[:1], actor="cleaner")
    assert any_store.read_records("test", "inbox")[0]["email"] is None
    cleared = log_entries(any_store)[-3]
    assert (json.loads(cleared["before"])["email"], json.loads(cleared["after"])["email"]) == (
        "***", None)  # fmt: skip
