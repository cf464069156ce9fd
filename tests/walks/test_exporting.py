"""Exports: every format reopened with the tools people use, positions to the centimetre."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

import pyogrio
import pytest
import shapely
from defusedxml import ElementTree
from openpyxl import load_workbook

from gis.gpkg import register_gpkg_functions
from gis.photos import process_photo
from layers.gpkg.standalone import export_copy
from layers.schema import CHANGE_LOG_LAYER, INBOX_LAYER, PHOTOS_LAYER
from tests.cli import run
from tests.files import jpeg_with_gps
from walks.actions.inbox import ReportDraft, receive_report
from walks.core.model import ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.exchange.exporting import ExportError, export
from walks.fieldwork.recording import list_observations, record_observation

AREA = "hasselby-gard"
HOSTILE = '=HYPERLINK("http://x")<script>alert(1)</script>'


@pytest.fixture
def area(memory_workspace: Workspace) -> Workspace:
    """Hässelby gård with one more observation: hostile text and a photo."""
    buffer = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (640, 480), "red").save(buffer, format="JPEG")
    photo = process_photo(buffer.getvalue(), max_bytes=10_000_000)
    record_observation(memory_workspace, ObservationDraft(
        "graffiti", Position(17.8445, 59.3668), created_by="tests", severity=2,
        description=HOSTILE, fields={"surface": "wall"}, photos=(photo,),
    ), area=AREA)  # fmt: skip
    return memory_workspace


def stored_points(workspace: Workspace) -> dict[int, tuple[float, float]]:
    """Each observation's point (EPSG:3006) as the store has it."""
    return {o.number: (o.x, o.y) for o in list_observations(workspace, AREA)}


def test_geojson_is_rfc_7946_with_every_observation_to_the_centimetre(
    area: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "ut.geojson"
    assert export(area, path, areas=[AREA]) == ("geojson", 9)
    frame = pyogrio.read_dataframe(path)
    assert frame.crs.to_epsg() == 4326
    assert set(frame["category"]) >= {"lighting", "graffiti", "crime_place"}
    assert HOSTILE in set(frame["description"])  # as text
    back = frame.to_crs(3006)
    points = stored_points(area)
    for number, geometry in zip(frame["number"], back.geometry, strict=True):
        x, y = points[int(number)]
        assert shapely.Point(x, y).distance(geometry) < 0.01


def test_csv_opens_in_swedish_excel_and_keeps_formulas_as_text(
    area: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "ut.csv"
    export(area, path, areas=[AREA])
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel reads å ä ö
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == 9
    graffiti = next(r for r in rows if r["category"] == "graffiti" and r["description"] != "")
    assert any(r["description"] == "'" + HOSTILE for r in rows)  # a formula stays text
    assert "," in graffiti["lon"]  # decimal comma
    points = stored_points(area)
    for row in rows:
        easting = float(row["easting"].replace(",", "."))
        northing = float(row["northing"].replace(",", "."))
        x, y = points[int(row["number"])]
        assert abs(easting - x) < 0.01
        assert abs(northing - y) < 0.01
    assert rows[0]["area"] == "Hässelby gård"


def test_excel_has_a_typed_sheet_per_category(area: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "ut.xlsx"
    export(area, path, areas=[AREA], layers=["lighting", "graffiti"])
    book = load_workbook(path)
    assert book.sheetnames == ["lighting", "graffiti"]
    head = [c.value for c in book["lighting"][1]]
    first = dict(zip(head, [c.value for c in book["lighting"][2]], strict=True))
    assert isinstance(first["number"], int)
    assert isinstance(first["observed_at"], datetime)
    assert first["is_demo"] is True
    assert isinstance(first["lat"], float)
    texts = [c.value for row in book["graffiti"].iter_rows(min_row=2) for c in row]
    assert HOSTILE in texts
    cell = next(c for row in book["graffiti"].iter_rows() for c in row if c.value == HOSTILE)
    assert cell.data_type == "s"


def test_kml_has_a_folder_per_category_named_by_number(area: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "ut.kml"
    export(area, path, areas=[AREA])
    tree = ElementTree.parse(path)
    ns = {"k": "http://www.opengis.net/kml/2.2"}
    folders = tree.getroot().findall(".//k:Folder", ns)
    assert {f.findtext("k:name", namespaces=ns) for f in folders} >= {"lighting", "graffiti"}
    names = [
        p.findtext("k:name", namespaces=ns) for p in tree.getroot().iterfind(".//k:Placemark", ns)
    ]
    assert len(names) == 9
    assert "1. lighting" in names


def test_zipped_shapefiles_are_in_sweref_with_positions_to_the_centimetre(
    area: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "ut.zip"
    export(area, path, areas=[AREA])
    names = zipfile.ZipFile(path).namelist()
    assert {"lighting_point.shp", "lighting_point.cpg", "lighting_point.prj"} <= set(names)
    frame = pyogrio.read_dataframe(f"/vsizip/{path}/lighting_point.shp")
    assert frame.crs.to_epsg() == 3006
    points = stored_points(area)
    for number, geometry in zip(frame["number"], frame.geometry, strict=True):
        assert shapely.Point(*points[int(number)]).distance(geometry) < 0.01


def test_a_geopackage_is_the_area_styled_with_its_photos(area: Workspace, tmp_path: Path) -> None:
    path = tmp_path / "ut.gpkg"
    export(area, path, areas=[AREA])
    assert not Path(f"{path}-wal").exists()  # the file alone is complete
    layers = {name for name, _ in pyogrio.list_layers(path)}
    assert {"area", "lighting", "graffiti", "photos", "change_log", "layer_styles"} <= layers
    lighting = pyogrio.read_dataframe(path, layer="lighting")
    ours = area.store.read_records(AREA, "lighting")
    assert sorted(lighting["uuid"]) == sorted(r["uuid"] for r in ours)
    with sqlite3.connect(path) as connection:
        (photos,) = connection.execute("SELECT count(*) FROM photos").fetchone()
        (styled,) = connection.execute(
            "SELECT count(*) FROM layer_styles WHERE f_table_name = 'lighting'"
        ).fetchone()
    assert (photos, styled) == (1, 1)


@pytest.mark.parametrize("name", ["ut.gpkg", "alla.zip"])
def test_an_exported_geopackage_reads_alone_read_only_with_all_its_rows(
    area: Workspace, tmp_path: Path, name: str
) -> None:
    path = tmp_path / name
    slugs = [AREA] if name.endswith(".gpkg") else [AREA, "grimsta"]
    export(area, path, areas=slugs, format="gpkg")
    folder = tmp_path / "opened"
    folder.mkdir()
    if path.suffix == ".zip":
        zipfile.ZipFile(path).extractall(folder)
    else:
        path.replace(folder / f"{AREA}.gpkg")
    for slug in slugs:
        file = folder / f"{slug}.gpkg"
        for mode in ("mode=ro", "immutable=1"):
            connection = sqlite3.connect(f"file:{file}?{mode}", uri=True)
            try:
                (journal,) = connection.execute("PRAGMA journal_mode").fetchone()
                counts = {
                    layer: connection.execute(f'SELECT count(*) FROM "{layer}"').fetchone()[0]
                    for layer in area.catalog.names
                }  # fmt: skip
            finally:
                connection.close()
            assert journal == "delete"  # not WAL: a reader needs no -shm beside the file
            expected = area.store.feature_counts(slug)
            assert counts == {layer: expected[layer] for layer in area.catalog.names}
    assert sorted(p.name for p in folder.iterdir()) == [f"{slug}.gpkg" for slug in sorted(slugs)]


UNCOPIED = ("fid", "id", "last_change", "update_time", "feature_count")
"""Columns a copy row by row fills anew: row ids and times of writing."""
OBJECTS = "SELECT type, name, sql FROM sqlite_master"


def _contents(path: Path) -> dict[str, object]:
    """Every table's rows and every schema object of a GeoPackage, as a copy must keep them.

    Row ids, fids and times of writing are left out (a copy row by row numbers and dates
    its rows anew), and so are the change-log entry that such a copy writes for making
    the area and the sequence it writes for measures never numbered.
    """
    connection = sqlite3.connect(path)
    try:
        found: dict[str, object] = {
            "objects": sorted(connection.execute(OBJECTS), key=repr),
            "journal": connection.execute("PRAGMA journal_mode").fetchone()[0],
            "application_id": connection.execute("PRAGMA application_id").fetchone()[0],
            "integrity": connection.execute("PRAGMA integrity_check").fetchall(),
        }  # fmt: skip
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'rtree%' "
            "AND name != 'sqlite_sequence'"
        ).fetchall()
        for (name,) in tables:
            columns = [row[1] for row in connection.execute(f'PRAGMA table_info("{name}")')]
            kept = [k for k, c in enumerate(columns) if c not in UNCOPIED]
            rows = [
                tuple(row[k] for k in kept) for row in connection.execute(f'SELECT * FROM "{name}"')
            ]
            if name == "change_log":
                rows = [row for row in rows if row[1] != "export"]
            if name == "safewalk_meta":
                rows = [row for row in rows if row != ("sequence:measure", "0")]
            found[name] = sorted(rows, key=repr)
        for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE name LIKE 'rtree%'"
                                          " AND sql LIKE 'CREATE VIRTUAL%'"):  # fmt: skip
            found[f"{name} check"] = connection.execute(f"SELECT rtreecheck('{name}')").fetchone()
            found[f"{name} count"] = connection.execute(f'SELECT count(*) FROM "{name}"').fetchone()
        return found
    finally:
        connection.close()


def test_a_geopackage_export_holds_what_a_copy_row_by_row_holds(
    workspace: Workspace, tmp_path: Path
) -> None:
    """The area file copied by SQLite and trimmed: the same tables, rows and styles, and
    nothing of what is left out — not even in the file's free space."""
    jpeg = jpeg_with_gps(17.8445, 59.3668, size=(320, 240))
    photo = process_photo(jpeg, max_bytes=10_000_000)
    for category, fields in (
        ("lighting", {"problem": "broken"}),
        ("graffiti", {"surface": "wall"}),
    ):
        record_observation(workspace, ObservationDraft(
            category, Position(17.8445, 59.3668), created_by="tests", fields=fields,
            photos=(photo,), description=f"Med foto ({category})",
        ), area=AREA)  # fmt: skip
    email = "granne.i.hasselby@example.se"
    report = ReportDraft(
        category="lighting", position=Position(17.8445, 59.3668),
        description="Mörkt vid porten där jag bor",
        email=email, photo=jpeg,
    )  # fmt: skip
    receive_report(workspace, report)
    path = tmp_path / "ut.gpkg"
    _, count = export(workspace, path, areas=[AREA], layers=["lighting"])
    copied = tmp_path / "rad-for-rad.gpkg"
    assert export_copy(workspace.store.copy_area(AREA), workspace.catalog, copied,
                       ["lighting"]) == count  # fmt: skip
    ours, theirs = _contents(path), _contents(copied)
    assert ours == theirs
    assert (ours["journal"], ours["application_id"], ours["integrity"]) == (
        "delete",
        0x47504B47,
        [("ok",)],
    )
    assert count == len(ours["lighting"]) >= 2
    assert ours["graffiti"] == ours[INBOX_LAYER] == []
    photos = pyogrio.read_dataframe(path, layer=PHOTOS_LAYER, read_geometry=False)
    assert list(photos["layer"]) == ["lighting"]
    assert email.encode() not in path.read_bytes()  # deleted and overwritten, not just unlinked
    assert email.encode() in workspace.store.path(AREA).read_bytes()  # type: ignore[attr-defined]
    # Nor does the change log carry what was left out: the report, the other category.
    for exported in (path, copied):
        log = pyogrio.read_dataframe(exported, layer=CHANGE_LOG_LAYER, read_geometry=False)
        assert set(log["layer"]) & {INBOX_LAYER, "graffiti"} == set()
        assert "lighting" in set(log["layer"])
        # nor the entries of the photos of what was left out, which name its layer
        photos_logged = log[log["layer"] == PHOTOS_LAYER]
        assert {json.loads(v)["layer"] for v in photos_logged["after"].dropna()} == {"lighting"}
        text = exported.read_bytes()
        assert "vid porten där jag bor".encode() not in text
        assert b"Med foto (graffiti)" not in text


def test_a_geopackage_export_is_one_moment_while_others_write(
    workspace: Workspace, tmp_path: Path
) -> None:
    area_file = workspace.store.path(AREA)  # type: ignore[attr-defined]
    before = workspace.store.feature_counts(AREA)
    writer = sqlite3.connect(area_file, isolation_level=None)
    try:
        register_gpkg_functions(writer)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM lighting")  # not committed while the export runs
        _, during = export(workspace, tmp_path / "under.gpkg", areas=[AREA], format="gpkg")
        writer.execute("COMMIT")
    finally:
        writer.close()
    _, after = export(workspace, tmp_path / "efter.gpkg", areas=[AREA], format="gpkg")
    counts = {
        name: pyogrio.read_info(tmp_path / name, layer="lighting")["features"]
        for name in ("under.gpkg", "efter.gpkg")
    }  # fmt: skip
    assert counts == {"under.gpkg": before["lighting"], "efter.gpkg": 0}
    assert during - after == before["lighting"] > 0


def test_an_area_file_of_another_layout_is_exported_as_the_catalog_lays_it_out(
    workspace: Workspace, tmp_path: Path
) -> None:
    """A column the catalog no longer has, or a table QGIS added, is not exported."""
    with sqlite3.connect(workspace.store.path(AREA)) as connection:  # type: ignore[attr-defined]
        register_gpkg_functions(connection)
        connection.execute("ALTER TABLE lighting ADD COLUMN telefon TEXT")
        connection.execute("UPDATE lighting SET telefon = '070-1234567'")
        connection.execute("CREATE TABLE qgis_projects (name TEXT, content BLOB)")
    connection.close()
    path = tmp_path / "ut.gpkg"
    _, count = export(workspace, path, areas=[AREA])
    with sqlite3.connect(path) as connection:
        columns = {row[1] for row in connection.execute("PRAGMA table_info(lighting)")}
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
        (lighting,) = connection.execute("SELECT count(*) FROM lighting").fetchone()
    connection.close()
    assert "telefon" not in columns
    assert "qgis_projects" not in tables
    counts = workspace.store.feature_counts(AREA)
    assert lighting == counts["lighting"] > 0
    assert count == sum(counts[name] for name in workspace.catalog.names)
    assert b"070-1234567" not in path.read_bytes()


def test_bad_exports_name_the_problem_and_write_nothing(area: Workspace, tmp_path: Path) -> None:
    for kwargs, message in (
        ({"path": tmp_path / "ut.txt"}, "unknown format"),
        ({"path": tmp_path / "ut.csv", "layers": ["nope"]}, "unknown layer nope"),
        ({"path": tmp_path / "alla.gpkg", "areas": None}, "A GeoPackage file holds one area"),
        ({"path": tmp_path / "saknas" / "ut.csv"}, "cannot be written"),
    ):
        with pytest.raises(ExportError, match=message):
            export(area, **{"areas": [AREA], **kwargs})  # type: ignore[arg-type]
    assert list(tmp_path.iterdir()) == []


def test_export_on_the_command_line(capsys, workspace_path: Path, tmp_path: Path) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    path = tmp_path / "alla.zip"
    code, out, err = run(capsys, "export", "--all", "--format", "gpkg", "-o", str(path), *ws)
    assert code == 0, err
    assert out.splitlines() == [f"15 observations written to {path} (gpkg).",
                                "With photos: the GeoPackage holds the area's photos."]  # fmt: skip
    assert len(zipfile.ZipFile(path).namelist()) == 10  # a GeoPackage per area
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "x.csv"), *ws)
    assert (code, err.strip()) == (1, "safewalk: Give --area A or --all.")
