"""Reference layers: the shipped OpenStreetMap points, files loaded as lamps, stops, …"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from layers.values import ReferenceKind
from tests.files import geojson
from walks.core.workspace import Workspace
from walks.fieldwork.reference import (
    ReferenceInputError,
    add_reference_from_file,
    add_shipped_references,
    osm_reference_kind,
    reference_kind,
    reference_points,
)

# Hässelby gård centrum (WGS 84), and a point in central Stockholm, far from it.
CENTRUM = (17.8445, 59.3668)
FAR = (18.07, 59.33)


def point(lon: float, lat: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": [lon, lat]}


def test_a_new_workspace_has_the_osm_points_of_hasselby_gard_sorted_by_kind(
    memory_workspace: Workspace,
) -> None:
    counts = memory_workspace.store.feature_counts("hasselby-gard")
    found = {kind.value: counts[f"reference_{kind.value}"] for kind in ReferenceKind}
    # data/SOURCES.md: 35 street lamps, the metro station and 5 bus stops, 2 entrances,
    # a school, and a library and a defibrillator.
    assert found == {"lamps": 35, "stops": 6, "entrances": 2, "schools": 1, "other": 2, "owners": 3,
                     "streets": 0, "buildings": 0}  # fmt: skip
    assert counts["lighting"] == 2  # reference data never counts as observations
    assert add_shipped_references(memory_workspace, actor="tests") == 0


@pytest.mark.parametrize(
    ("tags", "kind"),
    [
        ({"highway": "street_lamp"}, ReferenceKind.LAMPS),
        ({"railway": "subway_entrance"}, ReferenceKind.ENTRANCES),
        ({"highway": "bus_stop"}, ReferenceKind.STOPS),
        ({"railway": "station", "public_transport": "station"}, ReferenceKind.STOPS),
        ({"amenity": "school"}, ReferenceKind.SCHOOLS),
        ({"amenity": "library"}, ReferenceKind.OTHER),
    ],
)
def test_osm_tags_decide_the_kind(tags: dict[str, object], kind: ReferenceKind) -> None:
    assert osm_reference_kind(tags) is kind


def test_a_lamp_file_is_loaded_once_with_multi_points_split_and_far_ones_left_out(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = geojson(
        tmp_path / "lamps.geojson",
        ({"id": "L1", "name": "Lampa 1"}, point(*CENTRUM)),
        (
            {"id": "L2"},
            {"type": "MultiPoint", "coordinates": [[17.8450, 59.3670], [17.8455, 59.3672]]},
        ),
        ({"id": "L3"}, {"type": "LineString", "coordinates": [[17.845, 59.367], [17.846, 59.368]]}),
        ({"id": "L4"}, point(*FAR)),
    )
    before = len(reference_points(memory_workspace, "hasselby-gard", ReferenceKind.LAMPS))
    loaded = add_reference_from_file(
        memory_workspace, "Hässelby gård", "lamps", path, actor="tests"
    )
    assert (loaded.added, loaded.already_there, loaded.outside_area) == (3, 0, 1)
    ((row, why),) = loaded.refused
    assert (row, why.en) == (3, "Street lamps are points; this feature is a LineString")
    again = add_reference_from_file(memory_workspace, "hasselby-gard", "lamps", path, actor="t")
    assert (again.added, again.already_there) == (0, 3)
    lamps = reference_points(memory_workspace, "hasselby-gard", ReferenceKind.LAMPS)
    assert len(lamps) == before + 3
    records = memory_workspace.store.read_records("hasselby-gard", "reference_lamps")
    mine = {r["source_id"]: r for r in records if r["source"] == "lamps.geojson"}
    assert set(mine) == {"L1", "L2", "L2#2"}
    assert mine["L1"]["name"] == "Lampa 1"
    assert json.loads(mine["L2"]["attributes"]) == {"id": "L2"}


def square(lon: float, lat: float, side: float = 0.0005) -> list[list[list[float]]]:
    return [[[lon, lat], [lon + side, lat], [lon + side, lat + side], [lon, lat + side],
             [lon, lat]]]  # fmt: skip


def test_a_school_of_several_parts_is_stored_as_its_parts_in_the_tables_of_their_kinds_once(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    lon, lat = CENTRUM
    path = geojson(
        tmp_path / "schools.geojson",
        ({"id": "S1", "name": "Skolan"},
         {"type": "MultiPolygon", "coordinates": [square(lon, lat), square(lon + 0.001, lat)]}),
        ({"name": "Gården"}, {"type": "GeometryCollection", "geometries": [
            point(lon, lat + 0.001),
            {"type": "MultiLineString", "coordinates": [[[lon, lat], [lon + 0.001, lat]],
                                                        [[lon, lat + 0.0005], [lon, lat + 0.002]]]},
        ]}),
        ({"id": "S3"}, point(lon + 0.002, lat)),
    )  # fmt: skip
    loaded = add_reference_from_file(memory_workspace, "hasselby-gard", "schools", path, actor="t")
    assert (loaded.added, loaded.refused) == (6, [])
    records = memory_workspace.store.read_records("hasselby-gard", "reference_schools")
    mine = [r for r in records if r["source"] == "schools.geojson"]
    # Without an id, a feature is known by its whole geometry ("G" here); parts numbered.
    parts = sorted(
        (re.sub(r"^geometry:[0-9a-f]{40}", "G", str(r["source_id"])), r["geometry"].geom_type)
        for r in mine
    )
    assert parts == [
        ("G", "Point"), ("G#2", "LineString"), ("G#3", "LineString"),
        ("S1", "Polygon"), ("S1#2", "Polygon"), ("S3", "Point"),
    ]  # fmt: skip
    assert len({r["uuid"] for r in mine}) == 6
    assert {r["name"] for r in mine} == {"Skolan", "Gården", None}
    again = add_reference_from_file(memory_workspace, "hasselby-gard", "schools", path, actor="t")
    assert (again.added, again.already_there) == (0, 6)
    # The analyses count each part by a point in it, as they counted points before.
    points = reference_points(memory_workspace, "hasselby-gard", ReferenceKind.SCHOOLS)
    assert len(points) == len(records)


def test_features_without_an_id_are_known_again_by_their_geometry(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = geojson(tmp_path / "stops.geojson", ({"name": "Hållplats"}, point(*CENTRUM)))
    first = add_reference_from_file(memory_workspace, "grimsta", "stops", path, actor="t")
    second = add_reference_from_file(memory_workspace, "grimsta", "stops", path, actor="t")
    assert (first.added, second.added, second.already_there) == (1, 0, 1)


def test_an_unknown_kind_is_refused_listing_the_kinds() -> None:
    with pytest.raises(ReferenceInputError, match="Kinds: lamps, stops, entrances, schools"):
        reference_kind("lampor")
