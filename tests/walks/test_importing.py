"""Importing observations: round trips through every export format, quirks, hostile files."""

from __future__ import annotations

import json
import os
import sqlite3
import time
import uuid
import zipfile
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Final
from uuid import uuid4

import pytest

from gis.errors import GisError
from gis.i18n import LocalizedError
from layers.memory import MemoryStore
from tests.cli import run
from tests.files import two_layer_geopackage
from tests.postgres import PostgresServer
from walks.core.config import settings_from_env
from walks.core.workspace import Workspace
from walks.exchange import forked
from walks.exchange.exporting import export
from walks.exchange.importing import FileImportError, import_observations
from walks.fieldwork.recording import list_observations
from walks.fieldwork.startup import add_shipped_areas, open_workspace

AREAS = ["hasselby-gard", "grimsta"]


@pytest.fixture
def empty() -> Iterator[Workspace]:
    """A workspace of its own with the shipped areas and no observations."""
    name = f"empty-{uuid4().hex}"
    workspace = open_workspace(settings_from_env({"SAFEWALK_SEED": "0"},
                                                 workspace=f"memory://{name}"))  # fmt: skip
    add_shipped_areas(workspace)
    yield workspace
    MemoryStore.discard(name)


def observed(workspace: Workspace) -> dict[str, tuple[object, ...]]:
    return {
        o.uuid: (round(o.x, 2), round(o.y, 2), o.category, o.description, dict(o.fields),
                 o.severity, o.status, o.observed_at, o.light_condition)
        for area in AREAS for o in list_observations(workspace, area)
    }  # fmt: skip


@pytest.mark.parametrize("name", ["ut.geojson", "ut.csv", "ut.zip", "ut.kml"])
def test_an_export_imports_into_an_empty_workspace_as_it_was(
    memory_workspace: Workspace, empty: Workspace, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    export(memory_workspace, path, areas=AREAS)
    report = import_observations(empty, path, actor="tests")
    assert (report.accepted, report.rejected, report.written) == (12, [], True)
    assert report.areas == {"hasselby-gard": 8, "grimsta": 4}
    assert observed(empty) == observed(memory_workspace)  # fields, and positions to 1 cm
    before = empty.store.revision()
    again = import_observations(empty, path, actor="tests")
    assert (again.accepted, again.already, again.written) == (0, 12, False)
    assert empty.store.revision() == before  # the same file twice adds nothing


def test_a_file_partly_imported_before_adds_only_what_is_new(
    memory_workspace: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    part, whole = tmp_path / "grimsta.geojson", tmp_path / "alla.geojson"
    export(memory_workspace, part, areas=["grimsta"])
    export(memory_workspace, whole, areas=AREAS)
    first = import_observations(empty, part, actor="tests")
    assert (first.accepted, first.areas) == (4, {"grimsta": 4})
    report = import_observations(empty, whole, actor="tests")
    assert (report.accepted, report.already, report.areas) == (8, 4, {"hasselby-gard": 8})
    assert observed(empty) == observed(memory_workspace)


def test_a_geopackage_of_an_area_imports_its_category_layers(
    memory_workspace: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "hg.gpkg"
    export(memory_workspace, path, areas=["hasselby-gard"])
    report = import_observations(empty, path, actor="tests")
    assert report.accepted == 8
    hg = {u: v for u, v in observed(memory_workspace).items() if u in observed(empty)}
    assert observed(empty) == hg


def test_a_dry_run_reports_and_writes_nothing(
    memory_workspace: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "ut.geojson"
    export(memory_workspace, path, areas=AREAS)
    before = empty.store.revision()
    report = import_observations(empty, path, actor="tests", dry_run=True)
    assert (report.accepted, report.written) == (12, False)
    assert empty.store.revision() == before


def geojson(path: Path, *features: tuple[dict[str, object], dict[str, object] | None]) -> Path:
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": p, "geometry": g} for p, g in features
    ]}  # fmt: skip
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def point(lon: float, lat: float) -> dict[str, object]:
    return {"type": "Point", "coordinates": [lon, lat]}


@pytest.mark.parametrize("chunk", [5000, 3, 2])  # 2: four chunks, checked on two cores
def test_each_feature_is_accepted_repaired_or_rejected_with_its_reason(
    empty: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    # checked in parts, numbered as one
    monkeypatch.setattr("walks.exchange.importing.CHUNK", chunk)
    bowtie = {"type": "Polygon", "coordinates": [[[17.844, 59.366], [17.846, 59.368],
              [17.846, 59.366], [17.844, 59.368], [17.844, 59.366]]]}  # fmt: skip
    path = geojson(
        tmp_path / "blandat.geojson",
        ({"category": "lighting", "problem": "dim",
          "beskrivning": "<b>Mörkt</b>'; DROP TABLE lighting; --"},
         point(17.8445, 59.3668)),
        ({"category": "vegetation", "blocks_sightline": True}, bowtie),
        ({"category": "lighting", "problem": "dim"}, point(18.07, 59.33)),  # Stockholm city
        ({"category": "lighting", "problem": "dim"}, point(59.3668, 17.8445)),  # swapped
        ({"category": "lighting", "problem": "dim"}, None),
        ({"category": "lighting", "problem": "dim"}, bowtie),  # lighting takes no area
        ({"category": "nope"}, point(17.8445, 59.3668)),
        ({"category": "lighting", "problem": "very"}, point(17.8445, 59.3668)),
    )  # fmt: skip
    report = import_observations(empty, path, actor="tests")
    reasons = {k: why.en for k, why in report.rejected}
    assert report.accepted == 2, [(k, w.en) for k, w in report.rejected]
    assert [k for k, _ in report.repaired] == [2]
    assert ("outside" in reasons[3] and "nearest" in reasons[3].lower()) or "Hässelby" in reasons[3]
    assert "swapped" in reasons[4]
    assert reasons[5] == "empty geometry"
    assert "takes Point, LineString, not Polygon" in reasons[6]
    assert "nope" in reasons[7]
    assert "'very'" in reasons[8]
    (lamp,) = list_observations(empty, "hasselby-gard", category="lighting")
    assert lamp.description == "<b>Mörkt</b>'; DROP TABLE lighting; --"  # stored as text


def test_swedish_excel_csv_and_field_apps_column_names(empty: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "kobo.csv"
    text = ("_plats_latitude;_plats_longitude;kategori;problem;Beskrivning\n"
            "59,3668;17,8445;lighting;broken;Trasig lampa vid förskolan\n")  # fmt: skip
    path.write_bytes(text.encode("cp1252"))
    report = import_observations(empty, path, actor="tests")
    assert report.accepted == 1
    assert report.notes[0].en == "The coordinate system EPSG:4326 was inferred from the values."
    (lamp,) = list_observations(empty, "hasselby-gard")
    assert lamp.description == "Trasig lampa vid förskolan"


def test_a_category_column_headed_as_spreadsheets_write_it_is_read(
    empty: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "lista.csv"
    path.write_text("Latitud;Longitud; Kategori ;Problem\n59,3668;17,8445;lighting;broken\n",
                    encoding="utf-8")  # fmt: skip
    report = import_observations(empty, path, actor="tests")
    assert report.accepted == 1, [(k, w.en) for k, w in report.rejected]
    assert [o.category for o in list_observations(empty, "hasselby-gard")] == ["lighting"]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "trasig.csv",
            "lat;lon;category\n59.36;17.84;lighting;extra\n",
            "line 2: 4 fields, the heading has 3",
        ),
        ("ingen.csv", "a;b\n1;2\n", "no coordinate columns"),
        ("rapport.geojson", "%PDF-1.7\n%âãÏÓ\n1 0 obj\n", "could not be read"),
    ],
)
def test_files_that_are_not_what_they_say_are_refused(
    empty: Workspace, tmp_path: Path, name: str, content: str, message: str
) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    before = empty.store.revision()
    with pytest.raises((FileImportError, GisError), match=message):
        import_observations(empty, path, actor="tests")
    assert empty.store.revision() == before


def test_hostile_zips_are_refused_before_anything_is_unpacked(
    empty: Workspace, tmp_path: Path
) -> None:
    slip = tmp_path / "slip.zip"
    with zipfile.ZipFile(slip, "w") as archive:
        archive.writestr("../../utanfor.geojson", "{}")
    bomb = tmp_path / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("noll.geojson", b"\0" * 20_000_000)
    for path, message in ((slip, "points outside the zip"), (bomb, "unpacks to too much")):
        with pytest.raises(FileImportError, match=message):
            import_observations(empty, path, actor="tests")
    assert not (tmp_path.parent / "utanfor.geojson").exists()


XML_DOCUMENTS: Final = {
    "kml": ('<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Placemark><name>{name}'
            "</name><Point><coordinates>17.8445,59.3668</coordinates></Point></Placemark>"
            "</Document></kml>"),
    "gpx": ('<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
            '<wpt lat="59.3668" lon="17.8445"><name>{name}</name></wpt></gpx>'),
}  # fmt: skip


@pytest.mark.parametrize("kind", ["kml", "gpx"])
def test_xml_entity_bombs_and_external_entities_are_refused(
    empty: Workspace, tmp_path: Path, kind: str
) -> None:
    root = "kml" if kind == "kml" else "gpx"
    laughs = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10))
    bomb = tmp_path / f"bomb.{kind}"
    bomb.write_text(
        f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY l0 "ha">{laughs}]>'
        + XML_DOCUMENTS[kind].format(name="&l9;"),
        encoding="utf-8",
    )
    secret = tmp_path / "hemligt.txt"
    secret.write_text("lösenord", encoding="utf-8")
    external = tmp_path / f"extern.{kind}"
    external.write_text(
        f'<?xml version="1.0"?><!DOCTYPE {root} [<!ENTITY x SYSTEM "file://{secret}">]>'
        + XML_DOCUMENTS[kind].format(name="&x;"),
        encoding="utf-8",
    )
    before = empty.store.revision()
    for path in (bomb, external):
        with pytest.raises(LocalizedError, match=r"entit|DOCTYPE|could not be read"):
            import_observations(empty, path, actor="tests", category="other")
    assert empty.store.revision() == before
    plain = tmp_path / f"vanlig.{kind}"  # the same file without the entity is imported
    plain.write_text(XML_DOCUMENTS[kind].format(name="Mörk gång"), encoding="utf-8")
    assert import_observations(empty, plain, actor="tests", category="other").accepted == 1


def test_derived_uuids_are_uuid5_of_the_source_identity() -> None:
    from walks.exchange.importing import NAMESPACE, _uuid5

    for name in ("a.geojson|0101|[]", "punkter.gpkg|ff00|[('beskrivning', 'Mörk gång')]", ""):
        assert _uuid5(name) == str(uuid.uuid5(NAMESPACE, name))


def test_import_on_the_command_line(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    path = tmp_path / "ut.geojson"
    assert run(capsys, "export", "--area", "grimsta", "-o", str(path), *ws)[0] == 0
    code, out, err = run(capsys, "import", str(path), "--dry-run", *ws)
    assert code == 0, err
    assert out.startswith("Dry run, nothing written: 0 would be imported (-); 0 repaired, 0 "
                          "rejected, 4 were there already.")  # fmt: skip
    litter = {"category": "litter", "litter_type": "general"}
    new = geojson(tmp_path / "ny.geojson", (litter, point(17.862, 59.355)))
    code, out, err = run(capsys, "import", str(new), "--json", *ws)
    assert code == 0, err
    report = json.loads(out)
    assert (report["accepted"], report["repaired"], report["rejected"], report["areas"]) == (
        1, 0, [], {"grimsta": 1},
    )  # fmt: skip


def test_a_mapping_file_turns_a_partners_columns_and_values_into_the_catalogs(
    empty: Workspace, tmp_path: Path
) -> None:
    from walks.exchange.importing import read_mapping

    path = geojson(
        tmp_path / "bostadsbolaget.geojson",
        ({"Typ": "Belysning", "Fel": "Trasig", "Beskr": "Lampa ur funktion"},
         point(17.8445, 59.3668)),
        ({"Typ": "Klotter", "Yta": "Fasad", "Beskr": "Tag på gaveln"}, point(17.8446, 59.3669)),
    )  # fmt: skip
    mapping = tmp_path / "karta.toml"
    mapping.write_text(
        'category_column = "Typ"\n'
        '[categories]\n"Belysning" = "lighting"\n"Klotter" = "graffiti"\n'
        '[fields]\n"Fel" = "problem"\n"Yta" = "surface"\n"Beskr" = "description"\n'
        '[values.problem]\n"Trasig" = "broken"\n[values.surface]\n"Fasad" = "wall"\n',
        encoding="utf-8",
    )
    report = import_observations(empty, path, actor="tests", mapping=read_mapping(mapping))
    assert (report.accepted, report.rejected) == (2, [])
    found = {o.category: o for o in list_observations(empty, "hasselby-gard")}
    assert found["lighting"].fields["problem"] == "broken"
    assert found["graffiti"].fields["surface"] == "wall"
    assert found["graffiti"].description == "Tag på gaveln"
    broken = tmp_path / "trasig.toml"
    broken.write_text("fields = 3\n[fields", encoding="utf-8")
    with pytest.raises(FileImportError, match="the mapping file cannot be read"):
        read_mapping(broken)


def test_an_old_geojson_with_a_crs_member_is_read_in_its_system(
    empty: Workspace, tmp_path: Path
) -> None:
    # SWEREF 99 18 00 (EPSG:3011), as the city's older exports have it.
    path = tmp_path / "stadens.geojson"
    path.write_text(json.dumps({
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3011"}},
        "features": [{"type": "Feature", "properties": {"category": "litter",
                                                         "litter_type": "general"},
                      "geometry": {"type": "Point", "coordinates": [141186.32, 6583562.52]}}],
    }), encoding="utf-8")  # fmt: skip
    report = import_observations(empty, path, actor="tests")
    assert (report.accepted, report.rejected) == (1, [])
    (litter,) = list_observations(empty, "hasselby-gard")
    assert (round(litter.lon, 3), round(litter.lat, 3)) == (17.845, 59.367)


@pytest.mark.parametrize(
    "heading",
    [
        "plats-Latitude,plats-Longitude,category,litter_type",  # ODK Central
        "lat_plats,long_plats,category,litter_type",  # Epicollect5
        "latitud,longitud,category,litter_type",
    ],
)
def test_field_apps_coordinate_columns_are_found(
    empty: Workspace, tmp_path: Path, heading: str
) -> None:
    path = tmp_path / "app.csv"
    path.write_text(f"{heading}\n59.3668,17.8445,litter,general\n", encoding="utf-8")
    report = import_observations(empty, path, actor="tests")
    assert (report.accepted, report.areas) == (1, {"hasselby-gard": 1})


def test_import_as_reference_or_as_a_new_area_on_the_command_line(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    lamps = geojson(tmp_path / "lampor.geojson", ({"id": "L1"}, point(17.845, 59.367)))
    code, out, err = run(capsys, "import", str(lamps), "--as", "reference", "--kind", "lamps",
                         "--area", "hasselby-gard", *ws)  # fmt: skip
    assert (code, out.strip()) == (
        0, "1 reference features added; 0 were there already, 0 could not be used.",
    ), err  # fmt: skip
    ring = [[17.80, 59.30], [17.81, 59.30], [17.81, 59.31], [17.80, 59.31], [17.80, 59.30]]
    area = geojson(tmp_path / "ny.geojson", ({}, {"type": "Polygon", "coordinates": [ring]}))
    code, out, err = run(capsys, "import", str(area), "--as", "area", "--area", "Nytt område",
                         *ws)  # fmt: skip
    assert (code, out.strip()) == (0, "The area Nytt område (nytt-omrade) was added."), err
    code, _, err = run(capsys, "import", str(lamps), "--as", "reference", *ws)
    assert code == 1
    assert "--as reference needs --area and --kind" in err


def test_a_dry_run_of_a_route_a_reference_layer_or_an_area_checks_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    before = sorted((p.name, p.read_bytes()) for p in workspace_path.glob("*.gpkg"))
    line = {"type": "LineString", "coordinates": [[17.84, 59.36], [17.85, 59.37]]}
    lamps = geojson(tmp_path / "lampor.geojson", ({"id": "L1"}, point(17.845, 59.367)),
                    ({"id": "L2"}, line))  # fmt: skip
    code, out, err = run(capsys, "import", str(lamps), "--as", "reference", "--kind", "lamps",
                         "--area", "hasselby-gard", "--dry-run", "--json", *ws)  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert (report["written"], report["added"], report["already"]) == (False, 1, 0)
    assert [r["row"] for r in report["rejected"]] == [2]
    ring = [[17.80, 59.30], [17.81, 59.30], [17.81, 59.31], [17.80, 59.31], [17.80, 59.30]]
    area = geojson(tmp_path / "ny.geojson", ({}, {"type": "Polygon", "coordinates": [ring]}))
    code, out, err = run(capsys, "import", str(area), "--as", "area", "--area", "Nytt område",
                         "--dry-run", *ws)  # fmt: skip
    assert (code, out.strip()) == (
        0, "Dry run, nothing written: the area Nytt område (nytt-omrade) would be added."
    ), err  # fmt: skip
    path = tmp_path / "runda.gpx"
    path.write_text(GPX, encoding="utf-8")
    code, out, err = run(capsys, "import", str(path), "--as", "route", "--area", "racksta",
                         "--dry-run", *ws)  # fmt: skip
    assert code == 1  # checked as a walk would be
    assert "more than 1000 m from Råcksta" in err
    code, out, err = run(capsys, "import", str(path), "--as", "route", "--area",
                         "hasselby-gard", "--dry-run", "--json", *ws)  # fmt: skip
    assert code == 0, err
    assert json.loads(out) | {"length_m": 0} == {"as": "route", "written": False,
        "area": "hasselby-gard", "number": None, "length_m": 0}  # fmt: skip
    after = sorted((p.name, p.read_bytes()) for p in workspace_path.glob("*.gpkg"))
    assert after == before  # byte for byte


GPX = """<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="telefon" xmlns="http://www.topografix.com/GPX/1/1">
  <wpt lat="59.3668" lon="17.8445"><name>Mörk trappa</name></wpt>
  <wpt lat="59.3670" lon="17.8450"><name>Trasigt staket</name></wpt>
  <trk><name>Kvällsrundan</name><trkseg>
    <trkpt lat="59.3660" lon="17.8430"/><trkpt lat="59.3668" lon="17.8445"/>
    <trkpt lat="59.3675" lon="17.8460"/>
  </trkseg></trk>
</gpx>
"""


def test_gpx_waypoints_become_observations_and_a_track_a_walks_route(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "runda.gpx"
    path.write_text(GPX, encoding="utf-8")
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    code, out, err = run(capsys, "import", str(path), "--category", "other", "--json", *ws)
    assert code == 0, err
    assert (json.loads(out)["accepted"], json.loads(out)["areas"]) == (2, {"hasselby-gard": 2})
    code, out, err = run(capsys, "import", str(path), "--as", "route", "--area",
                         "hasselby-gard", *ws)  # fmt: skip
    assert code == 0, err
    assert "planned in Hässelby gård along the file's route (2" in out
    code, out, _ = run(capsys, "walk", "list", "--area", "hasselby-gard", "--json", *ws)
    titles = {w["title"] for w in json.loads(out)}
    assert "runda" in titles


def test_a_file_over_the_limit_is_refused_naming_the_setting(
    empty: Workspace, tmp_path: Path
) -> None:
    from dataclasses import replace

    path = geojson(tmp_path / "stor.geojson", ({"category": "other"}, point(17.8445, 59.3668)))
    small = Workspace(replace(empty.settings, max_import_bytes=100), empty.store)
    with pytest.raises(FileImportError, match=r"is too large \(0\.\d MB; at most 0\.0 MB, "
                       "SAFEWALK_MAX_IMPORT_MB"):  # fmt: skip
        import_observations(small, path, actor="tests")


def test_a_truncated_geopackage_is_refused_and_nothing_changes(
    memory_workspace: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "hg.gpkg"
    export(memory_workspace, path, areas=["hasselby-gard"])
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 3])
    before = empty.store.revision()
    with pytest.raises((FileImportError, GisError)):
        import_observations(empty, path, actor="tests")
    assert empty.store.revision() == before


def test_the_report_shows_the_mapping_used_an_inferred_crs_and_progress(
    memory_workspace: Workspace, empty: Workspace, tmp_path: Path
) -> None:
    # A zipped Shapefile without its .prj: the system is inferred, and the report says so.
    shapes = tmp_path / "utan-prj.zip"
    export(memory_workspace, shapes, areas=["grimsta"])
    with zipfile.ZipFile(shapes) as archive:
        kept = {n: archive.read(n) for n in archive.namelist() if not n.endswith(".prj")}
    with zipfile.ZipFile(shapes, "w") as archive:
        for name, data in kept.items():
            archive.writestr(name, data)
    steps: list[tuple[int, int]] = []
    report = import_observations(
        empty, shapes, actor="tests", dry_run=True,
        progress=lambda done, total: steps.append((done, total)),
    )  # fmt: skip
    assert report.accepted == 4
    assert any("states no coordinate system; it was inferred" in n.en for n in report.notes)
    assert steps[-1] == (4, 4)
    assert report.mapping["passage"]["passage_ty"] == "passage_type"  # a Shapefile's 10 letters


def test_a_kmz_a_windows_1252_shapefile_and_a_hostile_gpx(empty: Workspace, tmp_path: Path) -> None:
    import geopandas as gpd
    import pyogrio
    import shapely

    kml = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
           "<Document><Folder><name>Trygghetsvandring</name><Placemark><name>Mörk gång</name>"
           '<ExtendedData><Data name="category"><value>other</value></Data>'
           '<Data name="subject"><value>Gångtunnel</value></Data></ExtendedData>'
           "<Point><coordinates>17.8445,59.3668</coordinates></Point></Placemark>"
           "</Folder></Document></kml>")  # fmt: skip
    kmz = tmp_path / "mymaps.kmz"
    with zipfile.ZipFile(kmz, "w") as archive:
        archive.writestr("doc.kml", kml)
    report = import_observations(empty, kmz, actor="tests")
    assert (report.accepted, report.rejected) == (1, [])
    (made,) = list_observations(empty, "hasselby-gard")
    assert (made.category, made.description) == ("other", "Mörk gång")
    # A Shapefile saved by an older program: Windows-1252, said so in its .cpg.
    folder = tmp_path / "shp"
    folder.mkdir()
    values = {"category": ["other"], "descriptio": ["Skräp vid grön bänk"]}
    frame = gpd.GeoDataFrame(values, geometry=[shapely.Point(661700, 6584300)], crs="EPSG:3006")
    pyogrio.write_dataframe(frame, folder / "gammal.shp", encoding="cp1252")
    assert (folder / "gammal.cpg").read_text().strip() in ("1252", "CP1252")
    archive_path = tmp_path / "gammal.zip"
    with zipfile.ZipFile(archive_path, "w") as archive:
        for part in folder.iterdir():
            archive.write(part, part.name)
    report = import_observations(empty, archive_path, actor="tests")
    assert report.accepted == 1
    found = {o.description for o in list_observations(empty, "hasselby-gard")}
    assert "Skräp vid grön bänk" in found
    laughs = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10))
    gpx = tmp_path / "bomb.gpx"
    gpx.write_text(
        f'<?xml version="1.0"?><!DOCTYPE gpx [<!ENTITY l0 "ha">{laughs}]>'
        '<gpx version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        '<wpt lat="59.3668" lon="17.8445"><name>&l9;</name></wpt></gpx>',
        encoding="utf-8",
    )
    before = empty.store.revision()
    with pytest.raises(LocalizedError):
        import_observations(empty, gpx, actor="tests", category="other")
    assert empty.store.revision() == before


def test_a_geopackage_of_several_layers_asks_which(empty: Workspace, tmp_path: Path) -> None:
    from walks.exchange.importing import file_layers

    path = two_layer_geopackage(tmp_path / "partner.gpkg")
    assert file_layers(path) == ["punkter", "stigar"]
    with pytest.raises(FileImportError, match=r"several layers: punkter, stigar; choose one"):
        import_observations(empty, path, actor="tests")
    report = import_observations(empty, path, actor="tests", layer="punkter")
    assert (report.accepted, report.areas) == (1, {"hasselby-gard": 1})


def test_every_feature_into_the_area_named_or_rejected(empty: Workspace, tmp_path: Path) -> None:
    other = {"category": "other"}
    path = geojson(tmp_path / "två.geojson", (other, point(17.8445, 59.3668)),
                   (other, point(17.862, 59.355)))  # fmt: skip
    report = import_observations(empty, path, actor="tests", area="Hässelby gård")
    assert (report.accepted, report.areas) == (1, {"hasselby-gard": 1})
    (why,) = [w.en for _, w in report.rejected]
    assert "outside Hässelby gård. It lies in Grimsta." in why


TWO_CORES = pytest.mark.skipif(not forked.can_fork(), reason="one core, or no fork here")


@TWO_CORES
def test_two_cores_check_as_one_does(
    empty: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks checked by a forked copy of the process give the same report and rows."""
    monkeypatch.setattr("walks.exchange.importing.CHUNK", 3)
    features = [
        ({"category": "lighting", "problem": ["dim", "broken"][k % 2], "beskrivning": f"Lampa {k}",
          "severity": k % 3 + 1}, point(17.8445 + k * 1e-5, 59.3668))
        for k in range(20)
    ]  # fmt: skip
    features[4] = ({"category": "lighting", "problem": "very"}, point(17.8445, 59.3668))
    features[9] = ({"category": "lighting", "problem": "dim"}, None)
    features[13] = features[12]  # the same feature twice: stored once
    features[16] = features[2]  # and again, in a later chunk
    path = geojson(tmp_path / "lampor.geojson", *features)
    reports = {}
    for way, chunks in (("forked", forked.MIN_CHUNKS), ("alone", 10**6)):
        monkeypatch.setattr(forked, "MIN_CHUNKS", chunks)
        name = f"two-cores-{way}-{uuid4().hex}"
        workspace = open_workspace(settings_from_env({"SAFEWALK_SEED": "0"},
                                                     workspace=f"memory://{name}"))  # fmt: skip
        add_shipped_areas(workspace)
        steps: list[tuple[int, int]] = []
        report = import_observations(workspace, path, actor="tests", progress=_append_to(steps))
        stored = sorted((o.number, o.uuid, o.description, dict(o.fields), o.severity)
                        for o in list_observations(workspace, "hasselby-gard"))  # fmt: skip
        reports[way] = (report.accepted, report.already, [(k, t.en) for k, t in report.rejected],
                        report.mapping, stored, steps[-1])  # fmt: skip
        assert [done for done, _ in steps] == sorted(done for done, _ in steps)
        MemoryStore.discard(name)
    assert reports["forked"] == reports["alone"]
    assert reports["alone"][:2] == (16, 2)
    assert [k for k, _ in reports["alone"][2]] == [5, 10]


@TWO_CORES
def test_a_chunk_that_cannot_be_written_rolls_back_the_chunks_written_before_it(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Chunks are written while later ones are checked, on two cores: all or none still."""
    monkeypatch.setattr("walks.exchange.importing.CHUNK", 5)
    features = [({"category": "lighting", "problem": "dim", "beskrivning": f"Lampa {k}"},
                 point(17.8445 + k * 1e-5, 59.3668)) for k in range(30)]  # fmt: skip
    path = geojson(tmp_path / "lampor.geojson", *features)
    area_file = workspace_path / "hasselby-gard.gpkg"
    with closing(sqlite3.connect(area_file)) as connection:
        connection.execute("CREATE TRIGGER refused BEFORE INSERT ON lighting "
                           "WHEN NEW.description = 'Lampa 27' "
                           "BEGIN SELECT RAISE(ABORT, 'lamp 27 is refused here'); END")  # fmt: skip

    def held() -> list[tuple[object, ...]]:
        with closing(sqlite3.connect(area_file)) as connection:
            return [connection.execute(sql).fetchone() for sql in (
                "SELECT count(*), max(number) FROM lighting",
                "SELECT count(*), max(fid) FROM change_log",
                "SELECT value FROM safewalk_meta WHERE key = 'sequence:observation'",
            )]  # fmt: skip

    before = held()
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    code, _, err = run(capsys, "import", str(path), "--area", "hasselby-gard", *ws)
    assert code == 1
    assert "lamp 27 is refused here" in err
    assert held() == before  # five chunks were written before the sixth failed
    with closing(sqlite3.connect(area_file)) as connection:
        connection.execute("DROP TRIGGER refused")
    code, out, err = run(capsys, "import", str(path), "--area", "hasselby-gard", "--json", *ws)
    assert (code, json.loads(out)["accepted"]) == (0, 30), err
    sequence = int(str(before[2][0]))  # an area's observations share one sequence
    assert held()[0] == (before[0][0] + 30, sequence + 30)


@TWO_CORES
def test_an_import_into_a_postgis_workspace_writes_chunks_checked_on_two_cores(
    postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("walks.exchange.importing.CHUNK", 5)
    workspace = open_workspace(settings_from_env({}, database_url=postgres.new_database()))
    features = [({"category": "lighting", "problem": "dim", "beskrivning": f"Lampa {k}"},
                 point(17.8445 + k * 1e-5, 59.3668)) for k in range(30)]  # fmt: skip
    path = geojson(tmp_path / "lampor.geojson", *features, features[3])
    before = {o.uuid for o in list_observations(workspace, "hasselby-gard")}
    report = import_observations(workspace, path, actor="tests", area="hasselby-gard")
    assert (report.accepted, report.already, report.rejected) == (30, 1, [])
    added = [o for o in list_observations(workspace, "hasselby-gard") if o.uuid not in before]
    assert sorted(o.description for o in added) == sorted(f"Lampa {k}" for k in range(30))
    again = import_observations(workspace, path, actor="tests", area="hasselby-gard")
    assert (again.accepted, again.already, again.written) == (0, 31, False)


def _append_to(steps: list[tuple[int, int]]) -> Callable[[int, int], None]:
    return lambda done, total: steps.append((done, total))


@TWO_CORES
def test_a_chunk_the_forked_copy_cannot_do_is_done_here() -> None:
    parent = os.getpid()

    def work(chunk: int) -> tuple[int, int]:
        if chunk == 3 and os.getpid() != parent:
            msg = "only here"
            raise RuntimeError(msg)
        return chunk, os.getpid()

    done: list[int] = []
    results = []
    for result in forked.in_two_processes(work, range(6), pack=list, unpack=tuple,
                                          done=done.append):  # fmt: skip
        results.append(result)
        time.sleep(0.2)  # the writing here: meanwhile the copy does the next ones
    assert [chunk for chunk, _ in results] == list(range(6))
    assert done == list(range(6))
    assert len({pid for _, pid in results} - {parent}) == 1  # the copy did some
    assert results[3][1] == parent  # failed there: done again here

    def broken(chunk: int) -> int:
        if chunk == 4:
            msg = "chunk 4 is wrong"
            raise ValueError(msg)
        return chunk

    with pytest.raises(ValueError, match="chunk 4 is wrong"):
        list(forked.in_two_processes(broken, range(6), pack=int, unpack=int))


@TWO_CORES
def test_chunks_the_forked_copy_has_not_begun_are_done_here_when_it_falls_behind() -> None:
    parent = os.getpid()

    def work(chunk: int) -> tuple[int, int]:
        if os.getpid() != parent:
            time.sleep(0.3)  # a slow copy
        return chunk, os.getpid()

    results = list(forked.in_two_processes(work, range(12), pack=list, unpack=tuple))
    assert [chunk for chunk, _ in results] == list(range(12))
    here = [chunk for chunk, pid in results if pid == parent]
    assert 0 < len(here) < 12
