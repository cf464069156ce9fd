"""Exports: every format reopened with the tools people use, positions to the centimetre."""

from __future__ import annotations

import csv
import io
import sqlite3
import zipfile
from datetime import datetime
from pathlib import Path

import pyogrio
import pytest
import shapely
from defusedxml import ElementTree
from openpyxl import load_workbook

from gis.photos import process_photo
from tests.cli import run
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
    assert out.strip() == f"15 observations written to {path} (gpkg)."
    assert len(zipfile.ZipFile(path).namelist()) == 10  # a GeoPackage per area
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "x.csv"), *ws)
    assert (code, err.strip()) == (1, "safewalk: Give --area A or --all.")
