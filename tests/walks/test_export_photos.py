"""Photos in exports: out of CSV, Excel, GeoJSON, KML and Shapefile unless asked for.

Photos show people and cars; a spreadsheet travels far. ``--photos`` writes them as files
beside the exported file (in the zip for Shapefiles) and names them in a ``photos``
column; a GeoPackage is the area itself, photos included, and says so.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pyogrio
import pytest
from openpyxl import load_workbook

from gis.photos import process_photo
from tests.cli import run
from tests.files import street_photo
from walks.core.model import ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.exchange.exporting import ExportError, export_observations
from walks.fieldwork.recording import observation_photos, photo_image, record_observation

AREA = "hasselby-gard"


@pytest.fixture
def with_photo(memory_workspace: Workspace) -> tuple[Workspace, int, bytes]:
    """Hässelby gård with a graffiti observation and its photo: the workspace, its number,
    the stored image."""
    photo = process_photo(street_photo(), max_bytes=10_000_000)
    stored = record_observation(memory_workspace, ObservationDraft(
        "graffiti", Position(17.8445, 59.3668), created_by="tests", fields={"surface": "wall"},
        photos=(photo,),
    ), area=AREA)  # fmt: skip
    (info,) = observation_photos(memory_workspace, AREA, stored.uuid)
    return memory_workspace, stored.number, photo_image(memory_workspace, AREA, info.uuid) or b""


@pytest.mark.parametrize("name", ["ut.csv", "ut.xlsx", "ut.geojson", "ut.kml", "ut.zip"])
def test_without_photos_asked_for_no_photo_leaves(with_photo, tmp_path, name) -> None:
    workspace, _, image = with_photo
    done = export_observations(workspace, tmp_path / name, areas=[AREA])
    assert (done.photos, done.photo_files, done.photo_folder) == (False, 0, None)
    assert [p.name for p in tmp_path.iterdir()] == [name]
    written = (tmp_path / name).read_bytes()
    assert image[2000:2048] not in written
    if name.endswith(".zip"):
        assert not [n for n in zipfile.ZipFile(tmp_path / name).namelist() if "photo" in n]
        written = b"".join(zipfile.ZipFile(tmp_path / name).read(n)
                           for n in zipfile.ZipFile(tmp_path / name).namelist())  # fmt: skip
    assert b"photos" not in written


def test_photos_asked_for_are_files_beside_named_in_each_row(with_photo, tmp_path) -> None:
    workspace, number, image = with_photo
    done = export_observations(workspace, tmp_path / "ut.csv", areas=[AREA], photos=True)
    folder = tmp_path / "ut_photos"
    assert (done.photos, done.photo_files, done.photo_folder) == (True, 1, folder)
    assert (folder / f"{AREA}-{number}-1.jpg").read_bytes() == image
    rows = list(csv.DictReader(io.StringIO((tmp_path / "ut.csv").read_text("utf-8-sig")),
                               delimiter=";"))  # fmt: skip
    named = {int(r["number"]): r["photos"] for r in rows}
    assert named[number] == f"ut_photos/{AREA}-{number}-1.jpg"
    assert {n for n, files in named.items() if files} == {number}
    export_observations(workspace, tmp_path / "karta.geojson", areas=[AREA], photos=True)
    frame = pyogrio.read_dataframe(tmp_path / "karta.geojson")
    assert set(frame["photos"]) == {"", f"karta_photos/{AREA}-{number}-1.jpg"}


def test_a_photo_folder_there_already_is_refused_and_nothing_is_written(
    with_photo, tmp_path
) -> None:
    workspace, _, _ = with_photo
    (tmp_path / "ut_photos").mkdir()
    with pytest.raises(ExportError, match=r"The folder .*ut_photos exists already"):
        export_observations(workspace, tmp_path / "ut.xlsx", areas=[AREA], photos=True)
    assert [p.name for p in tmp_path.iterdir()] == ["ut_photos"]
    assert list((tmp_path / "ut_photos").iterdir()) == []


def test_shapefiles_carry_the_photos_in_their_zip_and_excel_names_them(
    with_photo, tmp_path
) -> None:
    workspace, number, image = with_photo
    done = export_observations(workspace, tmp_path / "ut.zip", areas=[AREA], photos=True)
    assert (done.photos, done.photo_files, done.photo_folder) == (True, 1, None)
    archive = zipfile.ZipFile(tmp_path / "ut.zip")
    assert archive.read(f"ut_photos/{AREA}-{number}-1.jpg") == image
    export_observations(workspace, tmp_path / "ark.xlsx", areas=[AREA], photos=True)
    sheet = load_workbook(tmp_path / "ark.xlsx")["graffiti"]
    heading = [cell.value for cell in sheet[1]]
    values = [row[heading.index("photos")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert f"ark_photos/{AREA}-{number}-1.jpg" in values


def test_the_command_says_whether_the_export_holds_photos(
    capsys, workspace_path: Path, tmp_path: Path
) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    args = ["export", "--area", AREA, *ws]
    code, out, _ = run(capsys, *args, "-o", str(tmp_path / "a.csv"), "--json")
    assert code == 0
    assert json.loads(out) | {"count": 0} == {
        "format": "csv", "count": 0, "path": str(tmp_path / "a.csv"), "photos": False,
        "photo_files": 0, "photo_folder": None,
    }  # fmt: skip
    code, out, _ = run(capsys, *args, "-o", str(tmp_path / "b.kml"), "--photos", "--json")
    answer = json.loads(out)
    assert (answer["photos"], answer["photo_folder"]) == (True, str(tmp_path / "b_photos"))
    code, out, _ = run(capsys, *args, "-o", str(tmp_path / "c.gpkg"), "--json")
    assert json.loads(out)["photos"] is True
    code, out, _ = run(capsys, *args, "-o", str(tmp_path / "d.geojson"), "--lang", "sv")
    assert out.splitlines()[-1] == "Utan foton (--photos tar med dem)."
