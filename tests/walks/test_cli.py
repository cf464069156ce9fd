"""The ``safewalk`` command line, run through ``main([...])`` on real workspaces."""

from __future__ import annotations

import json
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import pyogrio
import pytest
import shapely
from shapely.geometry import Polygon

from gis.crs import to_wgs84, transform_geometry
from tests.cli import run
from tests.files import jpeg_with_gps
from walks.cli.main import main

# Hässelby gård metro station area (WGS 84).
LON, LAT = 17.8445, 59.3668


def counts(capsys: pytest.CaptureFixture[str], ws: list[str]) -> dict[str, int]:
    code, out, _ = run(capsys, "areas", "--json", *ws)
    assert code == 0
    return {a["slug"]: a["observations"] for a in json.loads(out)}


def test_areas_lists_the_shipped_areas_and_the_demo_area(capsys, ws) -> None:
    code, out, _ = run(capsys, "areas", "--json", *ws)
    areas = {a["slug"]: a for a in json.loads(out)}
    assert code == 0
    assert len(areas) == 10
    assert areas["hasselby-gard"]["name"] == "Hässelby gård"
    assert areas["hasselby-gard"]["counts"]["lighting"] == 2
    assert areas["smedshagen-demo"]["is_demo"] is True
    code, out, _ = run(capsys, "areas", *ws)
    assert code == 0
    assert "Hässelby gård" in out
    assert "Lighting" in out


def test_add_prints_the_area_number_and_stores_the_point_in_the_area_file(
    capsys, ws, workspace_path
) -> None:
    code, out, err = run(
        capsys,
        "add",
        "--category",
        "lighting",
        "--lon",
        str(LON),
        "--lat",
        str(LAT),
        "--severity",
        "3",
        "--description",
        "Lampan är trasig",
        "--field",
        "problem=broken",
        "--field",
        "lamp_count=2",
        *ws,
    )
    assert (code, err) == (0, "")
    assert out.strip() == "Registered observation no. 9 in Hässelby gård (Lighting)."
    frame = pyogrio.read_dataframe(workspace_path / "hasselby-gard.gpkg", layer="lighting")
    added = frame[frame["number"] == 9].iloc[0]
    assert added["created_by"] == "tester"
    assert added["lamp_count"] == 2
    back = to_wgs84(added.geometry)
    assert back.x == pytest.approx(LON, abs=1e-7)
    assert back.y == pytest.approx(LAT, abs=1e-7)


def test_add_json_then_list_json_shows_the_observation(capsys, ws) -> None:
    code, out, _ = run(
        capsys,
        "add",
        "--category",
        "graffiti",
        "--lon",
        str(LON),
        "--lat",
        str(LAT),
        "--field",
        "surface=wall",
        "--field",
        "offensive=ja",
        "--json",
        *ws,
    )
    added = json.loads(out)
    assert code == 0
    assert added["area"] == "hasselby-gard"
    assert added["fields"]["offensive"] == 1
    code, out, _ = run(
        capsys, "list", "--area", "Hässelby gård", "--category", "graffiti", "--json", *ws
    )
    listed = json.loads(out)
    assert code == 0
    assert [o["number"] for o in listed] == [4, added["number"]]
    assert listed[-1]["uuid"] == added["uuid"]


def test_add_accepts_sweref_coordinates_with_crs(capsys, ws) -> None:
    point = transform_geometry(shapely.Point(LON, LAT), "EPSG:4326", "EPSG:3011")
    code, out, _ = run(
        capsys,
        "add",
        "--category",
        "litter",
        "--lon",
        str(point.x),
        "--lat",
        str(point.y),
        "--crs",
        "EPSG:3011",
        "--field",
        "litter_type=glass",
        "--json",
        *ws,
    )
    assert code == 0
    assert json.loads(out)["lon"] == pytest.approx(LON, abs=1e-6)


def test_an_explicit_area_wins_over_a_larger_overlapping_one(capsys, ws) -> None:
    code, out, _ = run(capsys, "list", "--area", "smedshagen-demo", "--json", *ws)
    demo_point = json.loads(out)[0]
    code, out, _ = run(
        capsys,
        "add",
        "--category",
        "other",
        "--lon",
        str(demo_point["lon"]),
        "--lat",
        str(demo_point["lat"]),
        "--json",
        *ws,
    )
    assert code == 0
    assert json.loads(out)["area"] == "smedshagen-demo"  # the smaller of two areas


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--category", "lamps", "--field", "problem=broken"],
            r"Unknown category 'lamps'\. Valid categories: lighting, vegetation, graffiti",
        ),
        ([], r"Field 'problem' \(Problem\) is required\."),
        (
            ["--field", "problem=flicker"],
            r"value 'flicker' is not allowed; choose one of: broken, dim, missing, glare\.",
        ),
        (
            ["--field", "problem=dim", "--field", "colour=red"],
            r"Category 'lighting' has no field colour\. "
            r"Its fields: lamp_count, light_source, problem",
        ),
        (
            ["--field", "problem=dim", "--severity", "7"],
            r"Field 'severity' .* value 7 is not allowed; choose one of: 1, 2, 3\.",
        ),
        (["--field", "problem"], r"--field 'problem' must be written NAME=VALUE"),
        (
            ["--field", "problem=dim", "--crs", "EPSG:99999"],
            r"Unknown coordinate reference system 'EPSG:99999'.*EPSG:3006",
        ),
        (
            ["--field", "problem=dim", "--walk", "42"],
            r"The area has no safety walk '42'\. Walks: 1 \(DEMO: Kvällsvandring",
        ),
        (
            ["--field", "problem=dim", "--area", "Atlantis"],
            r"Unknown area 'Atlantis'\. Areas in the workspace: Grimsta, Hässelby gård",
        ),
        (
            ["--field", "problem=dim", "--area", "Grimsta"],
            r"The position lies \d+ m outside Grimsta\. It lies in Hässelby gård\.",
        ),
    ],
)
def test_bad_input_gives_one_line_and_changes_nothing(
    capsys, ws, workspace_path, args, message
) -> None:
    before = counts(capsys, ws)
    sizes = {p.name: p.read_bytes() for p in workspace_path.glob("*.gpkg")}
    code, out, err = run(
        capsys,
        "add",
        "--category",
        "lighting",
        "--lon",
        str(LON),
        "--lat",
        str(LAT),
        *args,
        *ws,
    )
    assert code == 1
    assert out == ""
    assert err.count("\n") == 1
    assert err.startswith("safewalk: ")
    assert re.search(message, err), err
    assert counts(capsys, ws) == before
    assert {p.name: p.read_bytes() for p in workspace_path.glob("*.gpkg")} == sizes


def test_a_position_in_the_sea_names_the_nearest_area_and_distance(capsys, ws) -> None:
    code, _, err = run(
        capsys,
        "add",
        "--category",
        "lighting",
        "--lon",
        "18.3",
        "--lat",
        "59.30",
        "--field",
        "problem=dim",
        *ws,
    )
    assert code == 1
    assert "is outside every area; the nearest is Råcksta, 2" in err
    assert " km away." in err


def test_swapped_latitude_and_longitude_are_recognised(capsys, ws) -> None:
    code, _, err = run(
        capsys,
        "add",
        "--category",
        "lighting",
        "--lon",
        str(LAT),
        "--lat",
        str(LON),
        "--field",
        "problem=dim",
        *ws,
    )
    assert code == 1
    assert "Latitude and longitude look swapped" in err
    assert "falls in Hässelby gård" in err


def test_messages_are_swedish_by_default(capsys, workspace_path) -> None:
    code, _, err = run(
        capsys,
        "add",
        "--workspace",
        str(workspace_path),
        "--category",
        "lampor",
        "--lon",
        str(LON),
        "--lat",
        str(LAT),
    )
    assert code == 1
    assert "Okänd kategori 'lampor'. Giltiga kategorier: lighting" in err


def test_bad_usage_exits_with_2(capsys, ws) -> None:
    assert run(capsys, "add", "--lon", "1", *ws)[0] == 2
    assert run(capsys, "fly", *ws)[0] == 2
    assert run(capsys)[0] == 2


def test_workspace_comes_from_the_environment(capsys, workspace_path, monkeypatch) -> None:
    monkeypatch.setenv("SAFEWALK_WORKSPACE", str(workspace_path))
    code, out, _ = run(capsys, "areas", "--json")
    assert code == 0
    assert len(json.loads(out)) == 10


def test_an_unwritable_workspace_is_a_user_error(capsys, tmp_path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    code, _, err = run(capsys, "areas", "--workspace", str(blocker / "ws"), "--lang", "en")
    assert code == 1
    assert "is not writable" in err


def write_geojson(path: Path, *polygons: Polygon, crs: str = "EPSG:4326") -> Path:
    frame = gpd.GeoDataFrame(
        {"name": [f"p{i}" for i in range(len(polygons))]}, geometry=list(polygons), crs=crs
    )
    frame.to_file(path)
    return path


def write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


SMEDSHAGEN = shapely.box(17.825, 59.357, 17.832, 59.360)


def test_area_add_from_a_polygon_file(capsys, ws, tmp_path, workspace_path) -> None:
    path = write_geojson(tmp_path / "smedshagen.geojson", SMEDSHAGEN)
    code, out, err = run(capsys, "area", "add", "Smedshagen", "--from", str(path), *ws)
    assert (code, err) == (0, "")
    assert "Added the area Smedshagen (id smedshagen)" in out
    assert counts(capsys, ws)["smedshagen"] == 0
    info = pyogrio.read_info(workspace_path / "smedshagen.gpkg", layer="area")
    assert info["crs"] == "EPSG:3006"
    code, out, _ = run(capsys, "check", *ws)
    assert code == 0


def test_area_add_infers_sweref_18_00_for_a_file_without_crs(capsys, ws, tmp_path) -> None:
    polygon = transform_geometry(SMEDSHAGEN, "EPSG:4326", "EPSG:3011")
    path = tmp_path / "no_crs.shp"
    with pytest.warns(UserWarning, match="'crs' was not provided"):
        pyogrio.write_dataframe(gpd.GeoDataFrame({"id": [1]}, geometry=[polygon]), path)
    assert not path.with_suffix(".prj").exists()
    code, out, err = run(capsys, "area", "add", "Smedshagen", "--from", str(path), "--json", *ws)
    assert (code, err) == (0, "")
    area_m2 = json.loads(out)["area_m2"]
    assert area_m2 == pytest.approx(
        transform_geometry(SMEDSHAGEN, "EPSG:4326", "EPSG:3006").area, rel=1e-3
    )


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda d: write_geojson(d / "two.geojson", SMEDSHAGEN, SMEDSHAGEN.buffer(0.01)),
            "has 2 polygons. Add --dissolve",
        ),
        (
            lambda d: write_geojson(
                d / "bow.geojson",
                Polygon([(17.82, 59.35), (17.83, 59.36), (17.83, 59.35), (17.82, 59.36)]),
            ),
            "is invalid (Self-intersection",
        ),
        (lambda d: write_text(d / "text.geojson", "not a map"), "could not be read as vector data"),
        (lambda d: d / "missing.geojson", "does not exist"),
        (
            lambda d: write_geojson(d / "far.geojson", shapely.box(11.9, 57.7, 12.0, 57.8)),
            "lies far from the workspace's areas",
        ),
    ],
)
def test_area_add_refuses_unusable_files(capsys, ws, tmp_path, make, message) -> None:
    path = make(tmp_path)
    code, _, err = run(capsys, "area", "add", "Smedshagen", "--from", str(path), *ws)
    assert code == 1
    assert message in err
    assert "smedshagen" not in counts(capsys, ws)


def test_area_add_refuses_a_taken_name(capsys, ws, tmp_path) -> None:
    path = write_geojson(tmp_path / "g.geojson", SMEDSHAGEN)
    code, _, err = run(capsys, "area", "add", "GRIMSTA", "--from", str(path), *ws)
    assert code == 1
    assert "There is already an area called 'GRIMSTA'" in err


def test_demo_reload_keeps_user_records_and_replaces_demo_ones(capsys, ws) -> None:
    run(
        capsys,
        "add",
        "--category",
        "lighting",
        "--lon",
        str(LON),
        "--lat",
        str(LAT),
        "--field",
        "problem=dim",
        *ws,
    )
    before = counts(capsys, ws)
    code, out, _ = run(capsys, "demo", *ws)
    assert code == 0
    assert "Demo data loaded: 3 walks and 15 observations (21 old demo records removed" in out
    assert counts(capsys, ws) == before
    _, out, _ = run(capsys, "list", "--area", "hasselby-gard", "--json", *ws)
    listed = json.loads(out)
    mine = [o for o in listed if not o["is_demo"]]
    assert [o["number"] for o in mine] == [9]
    assert min(o["number"] for o in listed if o["is_demo"]) == 10  # numbers are never reused


def test_check_reports_problems_and_repair_fixes_them(capsys, ws, workspace_path) -> None:
    assert run(capsys, "check", *ws)[0] == 0
    with sqlite3.connect(workspace_path / "grimsta.gpkg") as connection:
        connection.execute(
            "UPDATE gpkg_ogr_contents SET feature_count = 0 WHERE table_name = 'lighting'"
        )
    code, out, _ = run(capsys, "check", *ws)
    assert code == 1
    assert (
        "grimsta/lighting: GDAL's cached feature count is 0 but the layer has 1 [repairable]" in out
    )
    code, out, _ = run(capsys, "check", "--json", *ws)
    assert json.loads(out)["ok"] is False
    assert run(capsys, "check", "--repair", *ws)[0] == 0
    assert run(capsys, "check", *ws)[0] == 0


def test_check_reports_a_damaged_file(capsys, ws, workspace_path) -> None:
    path = workspace_path / "vinsta.gpkg"
    data = bytearray(path.read_bytes())
    data[5000:9000] = b"\x00" * 4000
    path.write_bytes(bytes(data))
    code, out, _ = run(capsys, "check", *ws)
    assert code == 1
    assert "vinsta" in out


def test_a_photo_gives_the_position_and_is_stored_without_exif(capsys, ws, workspace_path) -> None:
    photo = workspace_path.parent / "IMG_0001.jpg"
    photo.write_bytes(jpeg_with_gps(LON, LAT))
    code, out, err = run(
        capsys, "add", "--category", "graffiti", "--field", "surface=wall",
        "--photo", str(photo), "--json", *ws,
    )  # fmt: skip
    assert (code, err) == (0, "")
    added = json.loads(out)
    assert added["area"] == "hasselby-gard"
    assert (added["lon"], added["lat"]) == pytest.approx((LON, LAT), abs=1e-5)
    with sqlite3.connect(workspace_path / "hasselby-gard.gpkg") as connection:
        rows = connection.execute(
            "SELECT layer, mime_type, width, image, thumbnail FROM photos WHERE feature_uuid = ?",
            (added["uuid"],),
        ).fetchall()
    assert len(rows) == 1
    layer, mime, width, image, thumbnail = rows[0]
    assert (layer, mime, width) == ("graffiti", "image/jpeg", 2048)
    assert b"Exif" not in image
    assert b"PhoneMaker" not in image
    assert len(thumbnail) < len(image)
    info = pyogrio.read_info(workspace_path / "hasselby-gard.gpkg", layer="photos")
    assert info["features"] == 1


def test_a_file_that_is_not_a_photo_changes_nothing(capsys, ws, workspace_path) -> None:
    fake = workspace_path.parent / "photo.jpg"
    fake.write_text("<html>not a photo</html>", encoding="utf-8")
    before = counts(capsys, ws)
    code, _, err = run(
        capsys, "add", "--category", "graffiti", "--field", "surface=wall", "--lon", str(LON),
        "--lat", str(LAT), "--photo", str(fake), *ws,
    )  # fmt: skip
    assert code == 1
    assert "not a readable image" in err
    assert counts(capsys, ws) == before


def test_without_position_or_photo_gps_the_user_is_told_how(capsys, ws) -> None:
    code, _, err = run(capsys, "add", "--category", "graffiti", "--field", "surface=wall", *ws)
    assert code == 1
    assert "Give the position with --lon and --lat, or a photo with a GPS position" in err


@pytest.mark.parametrize(
    "flag",
    [
        ["--workspace", "postgresql://127.0.0.1:1/safewalk"],
        ["--database-url", "postgres://127.0.0.1:1/x"],
    ],
)
def test_a_database_url_is_never_taken_for_a_folder(capsys, tmp_path, monkeypatch, flag) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "areas", *flag, "--lang", "en")
    assert code == 1
    assert "does not answer" in err
    assert list(tmp_path.iterdir()) == []


def test_a_gpkg_url_opens_the_folder_it_names(capsys, tmp_path, workspace_path) -> None:
    code, out, _ = run(capsys, "areas", "--json", "--workspace", f"gpkg://{workspace_path}")
    assert code == 0
    assert len(json.loads(out)) == 10
    assert not (tmp_path / "gpkg:").exists()


def test_an_unknown_store_address_is_refused_naming_the_scheme(capsys) -> None:
    code, _, err = run(capsys, "areas", "--workspace", "ftp://example/ws", "--lang", "en")
    assert code == 1
    assert "Unknown storage type 'ftp'" in err


@pytest.mark.parametrize(
    ("variable", "value", "sv", "en"),
    [
        (
            "SAFEWALK_AREA_TOLERANCE_M",
            "abc",
            "ska vara ett tal, 0 eller större",
            "must be a number",
        ),
        ("SAFEWALK_MAX_PHOTO_MB", "-3", "ska vara ett positivt tal", "must be a positive"),
        ("SAFEWALK_LANG", "fr", "inget språk som stöds", "not a supported language"),
    ],
)
def test_a_bad_environment_variable_is_named_in_both_languages(
    capsys, monkeypatch, workspace_path, variable, value, sv, en
) -> None:
    monkeypatch.setenv(variable, value)
    code, _, err = run(capsys, "areas", "--workspace", str(workspace_path))
    assert code == 1
    assert variable in err
    assert sv in err or en in err
    if variable != "SAFEWALK_LANG":
        code, _, err = run(capsys, "areas", "--workspace", str(workspace_path), "--lang", "en")
        assert (code, variable in err, en in err) == (1, True, True)


def test_a_library_bug_is_not_reported_as_a_user_error(capsys, monkeypatch, ws) -> None:
    def broken(*args: object, **kwargs: object) -> None:
        msg = "a bug"
        raise ValueError(msg)

    monkeypatch.setattr("walks.cli.observations.area_summaries", broken)
    with pytest.raises(ValueError, match="a bug"):
        main(["areas", *ws])


def test_only_one_typed_coordinate_is_refused(capsys, ws) -> None:
    code, _, err = run(capsys, "add", "--category", "lighting", "--lon", str(LON), *ws)
    assert code == 1
    assert "Give the position with --lon and --lat, or a photo with a GPS position" in err


def test_an_explicit_language_wins_over_a_bad_variable(capsys, monkeypatch, ws) -> None:
    monkeypatch.setenv("SAFEWALK_LANG", "fr")
    code, out, _ = run(capsys, "areas", *ws)
    assert (code, "Observations" in out) == (0, True)


def test_a_tolerance_of_zero_means_strictly_inside(capsys, monkeypatch, ws) -> None:
    monkeypatch.setenv("SAFEWALK_AREA_TOLERANCE_M", "0")
    assert run(capsys, "areas", *ws)[0] == 0


def test_seeding_is_switched_with_0_or_1_only(capsys, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("SAFEWALK_SEED", "no")
    code, _, err = run(capsys, "areas", "--workspace", str(tmp_path / "ws"), "--lang", "en")
    assert code == 1
    assert "SAFEWALK_SEED='no' must be 0 or 1" in err
    monkeypatch.setenv("SAFEWALK_SEED", "0")
    code, out, _ = run(capsys, "areas", "--json", "--workspace", str(tmp_path / "ws"))
    assert (code, json.loads(out)) == (0, [])


def test_a_folder_and_a_database_cannot_both_be_given(capsys, workspace_path) -> None:
    code, _, err = run(
        capsys, "areas", "--workspace", str(workspace_path), "--database-url", "postgresql://x"
    )
    assert code == 2
    assert "not allowed with argument --workspace" in err


def test_the_command_line_refuses_a_store_that_ends_with_the_process(capsys) -> None:
    code, _, err = run(capsys, "areas", "--workspace", "memory://cli", "--lang", "en")
    assert code == 1
    assert "memory://cli lasts only as long as one program runs" in err


def test_a_gpkg_url_needs_an_absolute_path(capsys, tmp_path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, _, err = run(capsys, "areas", "--workspace", "gpkg://home/ws", "--lang", "en")
    assert code == 1
    assert "write an absolute path after gpkg://" in err
    assert list(tmp_path.iterdir()) == []


def test_a_walk_planned_on_the_command_line_gets_a_number_and_is_listed(
    capsys, ws, tmp_path, monkeypatch
) -> None:
    monkeypatch.setenv("SAFEWALK_PUBLIC_URL", "https://trygghet.example.se/")
    gpx = tmp_path / "route.gpx"
    gpx.write_text(
        '<gpx><trk><trkseg><trkpt lat="59.3660" lon="17.8420"/>'
        '<trkpt lat="59.3670" lon="17.8460"/></trkseg></trk></gpx>',
        encoding="utf-8",
    )
    args = ["--area", "Hässelby gård", "--title", "Kvällsvandring", "--start", "2026-11-03T17:30"]
    code, out, _ = run(capsys, "walk", "add", *args, "--route", str(gpx), "--json", *ws)
    assert code == 0
    walk = json.loads(out)
    starts_at = datetime.fromisoformat(walk["starts_at"])
    assert (walk["number"], starts_at) == (2, datetime(2026, 11, 3, 16, 30, tzinfo=UTC))
    assert 240 < walk["route_length_m"] < 270  # 0.004° east and 0.001° north at 59.37° N
    assert walk["join_url"] == "https://trygghet.example.se/v/hasselby-gard/2"  # its QR code's
    code, out, _ = run(capsys, "walk", "list", "--area", "hasselby-gard", "--json", *ws)
    assert [w["number"] for w in json.loads(out)] == [2, 1]
    assert json.loads(out)[1]["join_url"] == "https://trygghet.example.se/v/hasselby-gard/1"
    code, out, _ = run(capsys, "walk", "list", "--area", "hasselby-gard", *ws)
    assert "Kvällsvandring" in out
    assert "Walk with young people" not in out


def test_a_walk_start_that_is_not_a_time_is_refused(capsys, ws) -> None:
    args = ["--area", "grimsta", "--title", "X", "--start", "tisdag 17.30"]
    code, _, err = run(capsys, "walk", "add", *args, *ws)
    assert code == 1
    assert "--start 'tisdag 17.30' must be written YYYY-MM-DDTHH:MM" in err


def test_an_observation_can_be_tied_to_a_walk_planned_on_the_command_line(capsys, ws) -> None:
    args = ["--area", "grimsta", "--title", "Med unga", "--start", "2026-11-10T18:00"]
    run(capsys, "walk", "add", *args, "--kind", "youth", *ws)
    code, out, _ = run(
        capsys, "add", "--category", "litter", "--field", "litter_type=glass",
        "--lon", "17.8594", "--lat", "59.3540",
        "--area", "grimsta", "--walk", "2", "--json", *ws,
    )  # fmt: skip
    assert code == 0
    _, walks, _ = run(capsys, "walk", "list", "--area", "grimsta", "--json", *ws)
    youth = next(w for w in json.loads(walks) if w["number"] == 2)
    assert (json.loads(out)["walk_uuid"], youth["kind"]) == (youth["uuid"], "youth")


def test_reference_add_loads_a_file_once_and_names_what_it_left_out(
    capsys, ws, tmp_path, workspace_path
) -> None:
    path = tmp_path / "lamps.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [
                    {"type": "Feature", "properties": {"id": n},
                     "geometry": {"type": "Point", "coordinates": [LON + n / 10_000, LAT]}}
                    for n in range(3)
                ] + [{"type": "Feature", "properties": {"id": 9}, "geometry": {
                    "type": "Polygon",
                    "coordinates": [[[LON, LAT], [LON, 59.37], [17.85, LAT], [LON, LAT]]],
                }}],
            }
        ),
        encoding="utf-8",
    )  # fmt: skip
    args = ["reference", "add", "--area", "Hässelby gård", "--kind", "lamps", "--from", str(path)]
    code, out, _ = run(capsys, *args, "--json", *ws)
    assert code == 0
    loaded = json.loads(out)
    assert (loaded["added"], loaded["already_there"], loaded["outside_area"]) == (3, 0, 0)
    assert loaded["refused"] == [
        {"row": 4, "reason": "Street lamps are points; this feature is a Polygon"}
    ]
    code, out, _ = run(capsys, *args, *ws)
    assert "Added 0 (street lamps) to Hässelby gård; 3 were there already" in out
    frame = pyogrio.read_dataframe(workspace_path / "hasselby-gard.gpkg", layer="reference_lamps")
    assert len(frame) == 35 + 3


def test_reference_add_refuses_an_unknown_kind(capsys, ws, tmp_path) -> None:
    args = ["reference", "add", "--area", "grimsta", "--kind", "lampor", "--from", "x.geojson"]
    code, _, err = run(capsys, *args, *ws)
    assert code == 1
    assert "Unknown kind of reference data 'lampor'" in err


def test_analyse_dark_reads_routes_and_lamps_from_files(
    capsys, ws, tmp_path, workspace_path
) -> None:
    # A 100 m route east from a point in Grimsta, lamps at both ends (SWEREF 99 TM files).
    x, y = 662_000.0, 6_581_000.0

    def collection(*features: dict[str, object]) -> str:
        crs = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3006"}}
        return json.dumps({"type": "FeatureCollection", "crs": crs, "features": list(features)})

    def feature(geometry: dict[str, object], **properties: object) -> dict[str, object]:
        return {"type": "Feature", "properties": properties, "geometry": geometry}

    routes = tmp_path / "routes.geojson"
    line = {"type": "LineString", "coordinates": [[x, y], [x + 100, y]]}
    routes.write_text(collection(feature(line, name="Stigen")), encoding="utf-8")
    lamps = tmp_path / "lamps.geojson"
    ends = [feature({"type": "Point", "coordinates": [x + dx, y]}) for dx in (0, 100)]
    lamps.write_text(collection(*ends), encoding="utf-8")
    args = ["analyse", "dark", "--area", "grimsta", "--routes", str(routes)]
    code, out, _ = run(capsys, *args, "--lamps", str(lamps), "--json", *ws)
    assert code == 0
    report = json.loads(out)
    assert (report["radius_m"], report["total_length_m"], report["total_dark_m"]) == (25, 100, 50)
    assert report["routes"] == [
        {"name": "Stigen", "length_m": 100.0, "dark_m": 50.0,
         "stretches": [{"from_m": 25.0, "to_m": 75.0}]}
    ]  # fmt: skip
    code, out, _ = run(capsys, *args, "--lamps", str(lamps), *ws)
    assert "In all 50 m dark of 100 m" in out
    for _ in range(2):  # saving again replaces the last run
        code, out, _ = run(capsys, *args, "--lamps", str(lamps), "--save", "--json", *ws)
        assert json.loads(out)["saved"] == {"layer": "analysis_dark", "features": 1}
    saved = pyogrio.read_dataframe(workspace_path / "grimsta.gpkg", layer="analysis_dark")
    assert list(saved["route"]) == ["Stigen"]
    assert saved.geometry.length.round(3).tolist() == [50.0]
    assert saved.geometry.iloc[0].coords[0] == (x + 25, y)


def test_analyse_hotspots_can_be_saved_as_a_layer(capsys, ws, workspace_path) -> None:
    args = ["analyse", "hotspots", "--area", "hasselby-gard", "--radius", "150", "--save"]
    code, out, _ = run(capsys, *args, "--json", *ws)
    report = json.loads(out)
    assert (code, report["saved"]) == (0, {"layer": "analysis_hotspots",
                                           "areas": {"hasselby-gard": 1}})  # fmt: skip
    saved = pyogrio.read_dataframe(workspace_path / "hasselby-gard.gpkg", layer="analysis_hotspots")
    assert list(saved["count"]) == [report["hotspots"][0]["count"]]
    assert json.loads(saved["observations"].iloc[0]) == report["hotspots"][0]["observations"]


def test_analyse_summary_change_hotspots_and_near_print_json(capsys, ws) -> None:
    code, out, _ = run(capsys, "analyse", "summary", "--all", "--json", *ws)
    areas = {a["area"]: a for a in json.loads(out)["areas"]}
    assert (code, areas["hasselby-gard"]["observations"], areas["grimsta"]["observations"]) == (
        0, 8, 4,
    )  # fmt: skip
    assert set(areas["grimsta"]) >= {"per_km2", "by_category", "by_status", "by_light"}
    code, out, _ = run(
        capsys, "analyse", "change", "--area", "grimsta", "--before", "1", "--after", "1",
        "--json", *ws,
    )  # fmt: skip
    change = json.loads(out)
    assert (change["resolved"], change["new"]) == ([], [])
    assert change["persisting"] == [[n, n] for n in (1, 2, 3, 4)]
    code, out, _ = run(capsys, "analyse", "hotspots", "--area", "grimsta", "--json", *ws)
    assert code == 0
    assert {"hotspots", "hot_cells", "radius_m", "min_count"} <= set(json.loads(out))
    code, out, _ = run(capsys, "analyse", "near", "--area", "hasselby-gard", "--json", *ws)
    near = json.loads(out)
    assert (code, near["distance_m"]) == (0, 50)
    assert {o["number"] for o in near["observations"]} >= {5, 6}


def test_analyse_refuses_a_radius_that_is_not_a_distance(capsys, ws) -> None:
    code, _, err = run(capsys, "analyse", "dark", "--area", "hasselby-gard", "--radius", "-3", *ws)
    assert code == 1
    assert "Invalid radius -3.0 m" in err


def test_analyse_priority_prints_scores_with_their_terms(capsys, ws) -> None:
    code, out, _ = run(capsys, "analyse", "priority", "--area", "grimsta", "--json", *ws)
    report = json.loads(out)
    assert code == 0
    assert set(report["weights"]) == {
        "severity",
        "nearby",
        "crime_place",
        "dark_stretch",
        "in_dark",
    }
    scores = [o["score"] for o in report["observations"]]
    assert scores == sorted(scores, reverse=True)
    assert all(round(sum(o["terms"].values()), 3) == o["score"] for o in report["observations"])


def test_a_line_given_as_wkt_is_stored_in_the_category_layer(capsys, ws, workspace_path) -> None:
    line = f"LINESTRING ({LON} {LAT}, {LON + 0.001} {LAT})"
    args = ["add", "--category", "lighting", "--field", "problem=missing", "--wkt", line]
    code, out, _ = run(capsys, *args, "--json", *ws)
    assert code == 0
    stored = json.loads(out)
    assert (stored["area"], stored["geometry_type"]) == ("hasselby-gard", "LineString")
    frame = pyogrio.read_dataframe(workspace_path / "hasselby-gard.gpkg", layer="lighting_line")
    assert list(frame.geom_type) == ["LineString"]
    code, _, err = run(capsys, *args, "--lon", str(LON), "--lat", str(LAT), *ws)
    assert (code, "Give either --wkt or --lon and --lat, not both." in err) == (1, True)
    code, _, err = run(capsys, "add", "--category", "lighting", "--wkt", "LINE (1 2)", *ws)
    assert (code, "--wkt 'LINE (1 2)' is not a WKT geometry" in err) == (1, True)
