"""Partners' tables as Swedish offices keep them: coordinate headings, systems, X/Y either way
round, Excel workbooks, and values the file does not carry (``--field``, ``[set]``)."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Final

import pytest
from openpyxl import Workbook
from pyproj import Transformer

from gis.crs import crs_from_system_name
from gis.errors import GisError
from gis.i18n import LocalizedError
from tests.cli import run
from walks.core.config import Settings
from walks.core.workspace import Workspace, connect_workspace
from walks.exchange.importing import (
    FileImportError,
    ImportReport,
    import_observations,
    read_mapping,
    unfilled_required_fields,
)
from walks.fieldwork.recording import list_observations

HASSELBY_GARD: Final = ((661_650.0, 6_584_350.0), (661_700.0, 6_584_420.0))
"""Two lamps in Hässelby gård, SWEREF 99 TM easting and northing."""


def lamps_in(epsg: int) -> list[tuple[float, float]]:
    """Return the two lamps' easting and northing (longitude, latitude) in ``epsg``."""
    to = Transformer.from_crs(3006, epsg, always_xy=True)
    return [to.transform(e, n) for e, n in HASSELBY_GARD]


@pytest.fixture(scope="module")
def workspace(_seeded_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    """A seeded GeoPackage workspace the dry runs of this module read (and never write)."""
    path = tmp_path_factory.mktemp("tables") / "workspace"
    shutil.copytree(_seeded_template, path)
    return connect_workspace(Settings(workspace=str(path)))


def csv_file(path: Path, header: list[str], rows: list[list[object]]) -> Path:
    """Write a Swedish Excel CSV: semicolons, decimal commas."""
    lines = [";".join(header)] + [
        ";".join(str(v).replace(".", ",") if isinstance(v, float) else str(v) for v in row)
        for row in rows
    ]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def dry_run(workspace: Workspace, path: Path, **options: object) -> ImportReport:
    report = import_observations(workspace, path, actor="tests", category="lighting",
                                 dry_run=True, fields={"problem": "broken"},
                                 **options)  # fmt: skip
    assert report.rejected == [], [(k, why.en) for k, why in report.rejected]
    assert report.areas == {"hasselby-gard": 2}  # read the right way round, in the right system
    return report


def rows(epsg: int, *, north_first: bool, rounding: int = 2) -> list[list[object]]:
    return [
        [round(b, rounding), round(a, rounding)] if north_first else
        [round(a, rounding), round(b, rounding)]
        for a, b in lamps_in(epsg)
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("header", "epsg", "north_first", "notes"),
    [
        (["E (SWEREF99 TM)", "N (SWEREF 99 TM)"], 3006, False, [
            "Koordinatsystemet är SWEREF 99 TM (EPSG:3006), som rubrikerna E (SWEREF99 TM) och "
            "N (SWEREF 99 TM) anger.",
            "E (SWEREF99 TM) lästes som östlig och N (SWEREF 99 TM) som nordlig koordinat: "
            "rubrikerna säger det.",
        ]),
        (["N (SWEREF 99 TM)", "E (SWEREF 99 TM)"], 3006, True, [
            "Koordinatsystemet är SWEREF 99 TM (EPSG:3006), som rubrikerna E (SWEREF 99 TM) och "
            "N (SWEREF 99 TM) anger.",
            "E (SWEREF 99 TM) lästes som östlig och N (SWEREF 99 TM) som nordlig koordinat: "
            "rubrikerna säger det.",
        ]),
        (["X (RT90)", "Y (RT90)"], 3021, True, [
            "Koordinatsystemet är RT90 2.5 gon V (EPSG:3021), som rubrikerna X (RT90) och "
            "Y (RT90) anger.",
            "X (RT90) lästes som nordlig och Y (RT90) som östlig koordinat: i RT90 2.5 gon V "
            "(EPSG:3021) är X nordlig (svensk geodetisk konvention), och värdena i X (RT90), "
            "6 584 673–6 584 742, ligger i nordled vid områdena.",
        ]),
        (["Northing [m]", "Easting [m]"], 3006, True, [
            "Koordinatsystemet EPSG:3006 antogs av värdena.",
            "Easting [m] lästes som östlig och Northing [m] som nordlig koordinat: rubrikerna "
            "säger det.",
        ]),
        (["X-koordinat", "Y-koordinat"], 3006, True, [
            "Koordinatsystemet EPSG:3006 antogs av värdena.",
            "X-koordinat lästes som nordlig och Y-koordinat som östlig koordinat: i SWEREF 99 TM "
            "(EPSG:3006) är X nordlig (svensk geodetisk konvention), och värdena i X-koordinat, "
            "6 584 350–6 584 420, ligger i nordled vid områdena.",
        ]),
        (["X", "Y"], 3011, True, [
            "Koordinatsystemet EPSG:3011 antogs av värdena.",
            "X lästes som nordlig och Y som östlig koordinat: i SWEREF 99 18 00 (EPSG:3011) är X "
            "nordlig (svensk geodetisk konvention), och värdena i X, 6 583 540–6 583 608, ligger "
            "i nordled vid områdena.",
        ]),
        (["X", "Y"], 3006, False, [
            "Koordinatsystemet EPSG:3006 antogs av värdena.",
            "X lästes som östlig och Y som nordlig koordinat, som i GIS-program: bara så hamnar "
            "värdena (X 661 650–661 700, Y 6 584 350–6 584 420) vid områdena i SWEREF 99 TM "
            "(EPSG:3006).",
        ]),
        (["Nordlig", "Östlig"], 3021, True, [
            "Koordinatsystemet EPSG:3021 antogs av värdena.",
            "Östlig lästes som östlig och Nordlig som nordlig koordinat: rubrikerna säger det.",
        ]),
        (["Norr", "Öst"], 3006, True, [
            "Koordinatsystemet EPSG:3006 antogs av värdena.",
            "Öst lästes som östlig och Norr som nordlig koordinat: rubrikerna säger det.",
        ]),
        (["Northing", "Easting"], 3011, True, [
            "Koordinatsystemet EPSG:3011 antogs av värdena.",
            "Easting lästes som östlig och Northing som nordlig koordinat: rubrikerna säger det.",
        ]),
        (["E_SWEREF99TM", "N_SWEREF99TM"], 3006, False, [
            "Koordinatsystemet är SWEREF 99 TM (EPSG:3006), som rubrikerna E_SWEREF99TM och "
            "N_SWEREF99TM anger.",
            "E_SWEREF99TM lästes som östlig och N_SWEREF99TM som nordlig koordinat: rubrikerna "
            "säger det.",
        ]),
        (["N_SWEREF99_1800", "E_SWEREF99_1800"], 3011, True, [
            "Koordinatsystemet är SWEREF 99 18 00 (EPSG:3011), som rubrikerna E_SWEREF99_1800 "
            "och N_SWEREF99_1800 anger.",
            "E_SWEREF99_1800 lästes som östlig och N_SWEREF99_1800 som nordlig koordinat: "
            "rubrikerna säger det.",
        ]),
        (["Y-koord. (Sweref 99)", "X-koord. (Sweref 99)"], 3006, False, [
            "Koordinatsystemet EPSG:3006 antogs av värdena.",
            "Rubriken nämner 'Sweref 99', inget system safewalk känner; systemet avgjordes av "
            "värdena.",
            "X-koord. (Sweref 99) lästes som nordlig och Y-koord. (Sweref 99) som östlig "
            "koordinat: i SWEREF 99 TM (EPSG:3006) är X nordlig (svensk geodetisk konvention), "
            "och värdena i X-koord. (Sweref 99), 6 584 350–6 584 420, ligger i nordled vid "
            "områdena.",
        ]),
        (["Longitud (WGS 84)", "Latitud (WGS 84)"], 4326, False, [
            "Koordinatsystemet är WGS 84 (EPSG:4326), som rubrikerna Longitud (WGS 84) och "
            "Latitud (WGS 84) anger.",
            "Longitud (WGS 84) lästes som longitud och Latitud (WGS 84) som latitud: rubrikerna "
            "säger det.",
        ]),
    ],
)  # fmt: skip
def test_coordinate_headings_as_swedish_offices_write_them(
    workspace: Workspace, tmp_path: Path, header: list[str], epsg: int, north_first: bool,
    notes: list[str],
) -> None:  # fmt: skip
    digits = 7 if epsg == 4326 else 2
    path = csv_file(tmp_path / "lampor.csv", [*header, "Beskrivning"],
                    [[*r, "Lampa släckt"] for r in rows(epsg, north_first=north_first,
                                                        rounding=digits)])  # fmt: skip
    report = dry_run(workspace, path)
    assert [n.sv for n in report.notes[:-1]] == notes
    assert report.notes[-1].sv == "Satt där filen inte har något värde: problem = broken."


def test_the_notes_exist_in_english_too(workspace: Workspace, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "rt90.csv", ["X (RT90)", "Y (RT90)"], rows(3021, north_first=True))
    report = dry_run(workspace, path)
    assert [n.en for n in report.notes] == [
        "The coordinate system is RT90 2.5 gon V (EPSG:3021), as the headings X (RT90) and "
        "Y (RT90) say.",
        "X (RT90) was read as the northing and Y (RT90) as the easting: in RT90 2.5 gon V "
        "(EPSG:3021) X is the northing (the Swedish geodetic convention), and the values of "
        "X (RT90), 6,584,673–6,584,742, are northings near the areas.",
        "Set where the file has no value: problem = broken.",
    ]


def test_degrees_in_x_and_y_stay_longitude_and_latitude(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "grader.csv", ["X", "Y"], rows(4326, north_first=False,
                                                              rounding=6))  # fmt: skip
    report = dry_run(workspace, path)
    assert [n.sv for n in report.notes[:2]] == [
        "Koordinatsystemet EPSG:4326 antogs av värdena.",
        "X lästes som longitud och Y som latitud: värdena är grader (X 17,8445–17,8454, "
        "Y 59,3668–59,3674).",
    ]


@pytest.mark.parametrize(
    ("written", "epsg"),
    [("SWEREF 99 18 00", 3011), ("SWEREF99TM", 3006), ("RT 90 2.5 gon V", 3021),
     ("WGS84", 4326)],
)  # fmt: skip
def test_a_system_column_names_the_rows_system(
    workspace: Workspace, tmp_path: Path, written: str, epsg: int
) -> None:
    # Nordlig/Östlig in every system: only the column tells SWEREF 99 18 00 from TM here.
    values = rows(epsg, north_first=True, rounding=7 if epsg == 4326 else 2)
    path = csv_file(tmp_path / "system.csv", ["Nordlig", "Östlig", "Koordinatsystem"],
                    [[*r, written] for r in values])  # fmt: skip
    report = dry_run(workspace, path)
    title = {3006: "SWEREF 99 TM", 3011: "SWEREF 99 18 00", 3021: "RT90 2.5 gon V",
             4326: "WGS 84"}[epsg]  # fmt: skip
    assert report.notes[0].en == (
        f"The coordinate system is {title} (EPSG:{epsg}), as the column Koordinatsystem says."
    )


@pytest.mark.parametrize(
    ("written", "epsg"),
    [("SWEREF99TM", 3006), ("SWEREF 99 TM", 3006), ("sweref 99 tm", 3006),
     ("SWEREF 99 18 00", 3011), ("sweref99 1800", 3011), ("RT 90 2.5 gon V", 3021),
     ("RT90 2,5 gon V", 3021), ("RT90", 3021), ("WGS84", 4326), ("WGS 84", 4326),
     ("EPSG:3006", 3006), ("3021", 3021), ("SWEREF 99", None), ("Lokalt", None)],
)  # fmt: skip
def test_systems_are_known_by_their_common_spellings_and_no_others(
    written: str, epsg: int | None
) -> None:
    assert crs_from_system_name(written) == (f"EPSG:{epsg}" if epsg else None)


def test_crs_overrides_the_system_the_file_names_and_says_so(
    workspace: Workspace, tmp_path: Path
) -> None:
    # The consultant wrote SWEREF 99 TM in the heading; the values are the city's 18 00.
    path = csv_file(tmp_path / "fel.csv", ["E (SWEREF99 TM)", "N (SWEREF99 TM)"],
                    rows(3011, north_first=False))  # fmt: skip
    with pytest.raises(FileImportError, match=r"names SWEREF 99 TM \(EPSG:3006\) \(as the "
                       r"headings .*\), but then no point lies near the areas; in SWEREF 99 "
                       r"18 00 \(EPSG:3011\) all do\. Correct the file or give --crs "
                       r"EPSG:3011"):  # fmt: skip
        dry_run(workspace, path)
    report = dry_run(workspace, path, crs="EPSG:3011")
    assert report.notes[0].en == (
        "--crs EPSG:3011 is used instead of SWEREF 99 TM (EPSG:3006), as the headings "
        "E (SWEREF99 TM) and N (SWEREF99 TM) say."
    )
    assert report.notes[0].sv.startswith("--crs EPSG:3011 används i stället för SWEREF 99 TM")


def test_crs_with_x_and_y_still_reads_them_the_way_the_values_fall(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "rt90.csv", ["X", "Y"], rows(3021, north_first=True))
    report = dry_run(workspace, path, crs="EPSG:3021")
    assert report.notes[0].en.startswith(
        "X was read as the northing and Y as the easting: in RT90 2.5 gon V (EPSG:3021) X is "
        "the northing (the Swedish geodetic convention)"
    )


@pytest.mark.parametrize(
    ("header", "cells", "message"),
    [
        (["X", "Y"], [[100.0, 200.0], [110.0, 210.0]],
         r"neither the coordinate system nor which of X and Y is the northing can be told from "
         r"the values \(X 100–110, Y 200–210\)\. Give --crs .*or the columns in a mapping file: "
         r'\[coordinates\] north = "X", east = "Y"'),
        (["E (RT90)", "N (SWEREF 99 TM)"], [[661650.0, 6584350.0]],
         r"the coordinate columns name different systems: E \(RT90\) \(RT90 2\.5 gon V "
         r"\(EPSG:3021\)\), N \(SWEREF 99 TM\) \(SWEREF 99 TM \(EPSG:3006\)\)"),
        (["Nordlig", "Östlig", "Koordinatsystem"],
         [[6583540.0, 141158.11, "SWEREF 99 18 00"], [6584350.0, 661650.0, "SWEREF 99 TM"]],
         r"the rows are in different coordinate systems \(Koordinatsystem: SWEREF 99 18 00 "
         r"\(EPSG:3011\) from row 2, SWEREF 99 TM \(EPSG:3006\) from row 3\)\. Split the file"),
        (["Nordlig", "Östlig", "Koordinatsystem"], [[6583540.0, 141158.11, "Stadens"]],
         r"row 2: Koordinatsystem 'Stadens' is no known coordinate system"),
        (["Koord1", "Koord2"], [[661650.0, 6584350.0]],
         r"no coordinate columns .*Columns: Koord1, Koord2\. If they are called something else: "
         r'name them in a mapping file, \[coordinates\] east = "…", north = "…"'),
    ],
)  # fmt: skip
def test_what_cannot_be_told_is_refused_saying_what_to_give(
    workspace: Workspace, tmp_path: Path, header: list[str], cells: list[list[object]],
    message: str,
) -> None:  # fmt: skip
    path = csv_file(tmp_path / "oklar.csv", header, cells)
    with pytest.raises(FileImportError, match=message):
        import_observations(workspace, path, actor="tests", category="other", dry_run=True)


def test_a_mapping_names_coordinate_columns_and_their_system(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "konsult.csv", ["Koord1", "Koord2"], rows(3011, north_first=True))
    rules = tmp_path / "konsult.toml"
    rules.write_text('[coordinates]\nnorth = "Koord1"\neast = "Koord2"\n'
                     'crs = "SWEREF 99 18 00"\n', encoding="utf-8")  # fmt: skip
    report = dry_run(workspace, path, mapping=read_mapping(rules))
    assert [n.sv for n in report.notes[:2]] == [
        "Koordinatsystemet är SWEREF 99 18 00 (EPSG:3011), som mappningsfilen anger.",
        "Koord2 lästes som östlig och Koord1 som nordlig koordinat: mappningsfilen anger det.",
    ]


def workbook(path: Path) -> Path:
    """A housing company's workbook: a cover sheet, then lamps under a title, in RT90."""
    book = Workbook()
    cover = book.active
    assert cover is not None
    cover.title = "Om listan"
    cover.append(["Felanmälda lampor, Hässelby gård"])
    sheet = book.create_sheet("Lampor")
    sheet.append(["Trasiga lampor 2026"])
    sheet.append([])
    sheet.append(["Nr", "X (RT90)", "Y (RT90)", "Datum", "Beskrivning", None, "problem"])
    (x1, y1), (x2, y2) = ((n, e) for e, n in lamps_in(3021))
    sheet.append([1, x1, y1, datetime(2026, 3, 2, 18, 0), "Lampa släckt", None, "dim"])
    sheet.append([2, f"{x2:,.2f}".replace(",", " ").replace(".", ","),
                  f"{y2:,.2f}".replace(",", " ").replace(".", ","), None, "Blinkar"])  # fmt: skip
    book.save(path)
    return path


def test_an_excel_workbook_is_read_from_its_sheet_with_coordinates(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    path = workbook(tmp_path / "lampor.xlsx")
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    code, out, err = run(capsys, "import", str(path), "--category", "lighting", "--field",
                         "problem=broken", "--json", *ws)  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert (report["accepted"], report["rejected"], report["areas"]) == (
        2, [], {"hasselby-gard": 2},
    )  # fmt: skip
    assert report["notes"][0] == (
        "The sheet 'Lampor' was read, its heading in row 3 (the "
        "first with coordinate columns; other sheets: Om listan)."
    )
    assert report["set"] == {"problem": "broken"}
    workspace = connect_workspace(Settings(workspace=str(workspace_path)))
    found = {o.description: o for o in list_observations(workspace, "hasselby-gard")}
    first, second = found["Lampa släckt"], found["Blinkar"]
    assert (first.fields["problem"], second.fields["problem"]) == ("dim", "broken")
    for observation, (e, n) in zip((first, second), HASSELBY_GARD, strict=True):
        assert (observation.x, observation.y) == pytest.approx((e, n), abs=0.01)
    assert first.observed_at.isoformat() == "2026-03-02T17:00:00+00:00"  # Stockholm time


def test_a_workbook_without_coordinates_or_not_a_workbook_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["Adress", "Fel"])
    book.save(tmp_path / "adresser.xlsx")
    with pytest.raises(FileImportError, match=r"no coordinate columns .*Columns: Adress, Fel"):
        import_observations(workspace, tmp_path / "adresser.xlsx", actor="tests",
                            category="other", dry_run=True)  # fmt: skip
    (tmp_path / "text.xlsx").write_text("Nr;X;Y\n", encoding="utf-8")
    with pytest.raises(FileImportError, match=r"text\.xlsx is not an Excel workbook"):
        import_observations(workspace, tmp_path / "text.xlsx", actor="tests", category="other")


def test_a_workbook_that_unpacks_to_too_much_or_defines_entities_is_refused(
    workspace: Workspace, tmp_path: Path
) -> None:
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 20_000_000)
    with pytest.raises(FileImportError, match="unpacks to too much"):
        import_observations(workspace, path, actor="tests", category="other")
    plain = workbook(tmp_path / "vanlig.xlsx")
    laughs = "".join(f'<!ENTITY l{k} "{f"&l{k - 1};" * 10}">' for k in range(1, 10))
    hostile = tmp_path / "skratt.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(hostile, "w") as target:
        for member in source.infolist():
            data = source.read(member)
            if member.filename == "xl/worksheets/sheet2.xml":
                data = data.replace(b"<worksheet", f'<!DOCTYPE worksheet [<!ENTITY l0 "ha">'
                                    f"{laughs}]><worksheet".encode(), 1)  # fmt: skip
            target.writestr(member, data)
    with pytest.raises(GisError, match=r"skratt\.xlsx could not be read"):
        import_observations(workspace, hostile, actor="tests", category="other")


# ------------------------------------------------------------------ values the file lacks
def gpkg_bytes(workspace_path: Path) -> list[tuple[str, bytes]]:
    return sorted((p.name, p.read_bytes()) for p in workspace_path.glob("*.gpkg"))


def lamp_list(path: Path, *, problems: tuple[str, str] = ("", "")) -> Path:
    """A housing company's list of broken lamps: no problem column filled, or some."""
    values = rows(3006, north_first=False)
    return csv_file(path, ["E", "N", "Beskrivning", "Problem"],
                    [[*values[0], "Trappan", problems[0]],
                     [*values[1], "Gången", problems[1]]])  # fmt: skip


def test_field_sets_a_value_for_every_row_without_one(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    path = lamp_list(tmp_path / "lampor.csv", problems=("", "glare"))
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    before = gpkg_bytes(workspace_path)
    code, out, err = run(capsys, "import", str(path), "--category", "lighting", "--dry-run",
                         "--json", *ws)  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["rejected"] == [
        {"row": 1, "reason": "Field 'problem' (Problem) is required."}
    ]
    code, out, err = run(capsys, "import", str(path), "--category", "lighting", "--field",
                         "problem=broken", "--field", "light_source=path_lamp", "--dry-run",
                         "--json", *ws)  # fmt: skip
    assert code == 0, err
    report = json.loads(out)
    assert (report["accepted"], report["written"]) == (2, False)
    assert report["set"] == {"problem": "broken", "light_source": "path_lamp"}
    assert gpkg_bytes(workspace_path) == before
    code, out, err = run(capsys, "import", str(path), "--category", "lighting", "--field",
                         "problem=broken", "--field", "light_source=path_lamp", *ws)  # fmt: skip
    assert code == 0, err
    assert "Set where the file has no value: problem = broken, light_source = path_lamp." in out
    workspace = connect_workspace(Settings(workspace=str(workspace_path)))
    found = {o.description: o.fields for o in list_observations(workspace, "hasselby-gard")}
    assert found["Trappan"] | {"lamp_count": 0} == {
        "problem": "broken", "light_source": "path_lamp", "lamp_count": 0,
    }  # fmt: skip
    assert found["Gången"]["problem"] == "glare"  # the file's own value stays


REFUSED_FIELDS: Final = [
    (["--category", "lighting", "--field", "kind=broken"],
     "--field kind=broken: the category Lighting (lighting) has no field 'kind'. Its fields: "
     "problem (Problem), light_source (Light source), lamp_count (Number of lamps)."),
    (["--category", "lighting", "--field", "problem=trasig"],
     "--field problem=trasig: 'trasig' is no value of Problem (problem); choose one of: "
     "broken (Lamp broken), dim (Dim light), missing (Lighting missing), glare (Glare)."),
    (["--category", "lighting", "--field", "lamp_count=många"],
     "--field lamp_count=många: Field 'lamp_count' (Number of lamps): value 'många'"),
    (["--field", "problem=broken"],
     "--field and [set] belong to a category: give --category (or category in the mapping "
     "file)."),
    (["--category", "lighting", "--field", "problem"],
     "--field 'problem' must be written NAME=VALUE, e.g. --field problem=broken."),
]  # fmt: skip


def test_a_field_or_value_the_catalog_does_not_have_is_refused_before_the_file_is_read(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    before = gpkg_bytes(workspace_path)
    missing = tmp_path / "finns-inte.csv"  # were the file read, it would be refused for that
    for arguments, message in REFUSED_FIELDS:
        code, out, err = run(capsys, "import", str(missing), *arguments, *ws)
        assert (code, out) == (1, "")
        assert err.startswith(f"safewalk: {message}")
    code, _, err = run(capsys, "import", str(missing), "--category", "lighting", "--field",
                       "problem=broken", *ws)  # fmt: skip
    assert (code, err) == (1, f"safewalk: The file {missing} does not exist.\n")
    assert gpkg_bytes(workspace_path) == before


def test_a_mapping_sets_values_and_field_overrides_them(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    path = lamp_list(tmp_path / "lampor.csv")
    rules = tmp_path / "bostadsbolaget.toml"
    rules.write_text('category = "lighting"\n[set]\nproblem = "dim"\nlamp_count = 2\n',
                     encoding="utf-8")  # fmt: skip
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    code, out, err = run(capsys, "import", str(path), "--mapping", str(rules), "--dry-run",
                         "--json", *ws)  # fmt: skip
    assert code == 0, err
    assert (json.loads(out)["accepted"], json.loads(out)["set"]) == (
        2, {"problem": "dim", "lamp_count": 2},
    )  # fmt: skip
    code, out, err = run(capsys, "import", str(path), "--mapping", str(rules), "--field",
                         "problem=missing", "--json", *ws)  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["set"] == {"problem": "missing", "lamp_count": 2}
    workspace = connect_workspace(Settings(workspace=str(workspace_path)))
    found = {o.description: o.fields for o in list_observations(workspace, "hasselby-gard")}
    assert (found["Trappan"]["problem"], found["Trappan"]["lamp_count"]) == ("missing", 2)


def test_a_mapping_setting_what_the_catalog_does_not_have_changes_nothing(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    path = lamp_list(tmp_path / "lampor.csv")
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    before = gpkg_bytes(workspace_path)
    for table, message in (
        ('problem = "trasig"', "[set] problem = 'trasig': 'trasig' is no value of Problem"),
        ('"färg" = "röd"', "[set] färg = 'röd': the category Lighting (lighting) has no field"),
        ("problem = [1, 2]", "[set] problem must be one value"),
    ):
        rules = tmp_path / "karta.toml"
        rules.write_text(f'category = "lighting"\n[set]\n{table}\n', encoding="utf-8")
        code, out, err = run(capsys, "import", str(path), "--mapping", str(rules), *ws)
        assert (code, out) == (1, "")
        assert message in err
    assert gpkg_bytes(workspace_path) == before


def test_the_required_fields_a_file_leaves_empty_are_found(
    workspace: Workspace, tmp_path: Path
) -> None:
    empty = lamp_list(tmp_path / "tomma.csv")
    filled = lamp_list(tmp_path / "ifyllda.csv", problems=("dim", ""))

    def unfilled(path: Path, category: str, **options: object) -> list[str]:
        found = unfilled_required_fields(workspace, path, category=category,
                                         **options)  # fmt: skip
        return [f.name for f in found]

    assert unfilled(empty, "lighting") == ["problem"]
    assert unfilled(filled, "lighting") == []
    rules = tmp_path / "karta.toml"
    rules.write_text('[set]\nproblem = "dim"\n', encoding="utf-8")
    assert unfilled(empty, "lighting", mapping=read_mapping(rules)) == []
    assert unfilled(filled, "vegetation") == ["blocks_sightline"]
    with pytest.raises(LocalizedError, match="nope"):
        unfilled_required_fields(workspace, empty, category="nope")
