"""Area indicators: CSV files (Swedish Excel and plain), matching rows to areas, the CLI."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyogrio
import pytest

from gis.errors import UnreadableFileError
from walks.cli.main import main
from walks.core.workspace import Workspace
from walks.fieldwork.indicators import (
    MAX_CSV_BYTES,
    IndicatorInputError,
    add_indicator_from_csv,
    area_indicators,
    indicator_names,
    indicator_values,
    number_from_text,
)

SURVEY = "Andel otrygga"
MONDAY = datetime(2026, 11, 23, 9, tzinfo=UTC)


def csv_file(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_a_swedish_excel_file_in_windows_1252_with_decimal_commas_and_percent_is_read(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path / "trygghetsmätning.csv",
        "Område;Andel otrygga (%)\r\nHässelby gård;23,5 %\r\nVällingby;1 234,5\r\nRåcksta;9\r\n",
        "cp1252",
    )
    imported = add_indicator_from_csv(
        memory_workspace, SURVEY, path, unit="%", period="2025", actor="tests"
    )
    assert imported.added == {"hasselby-gard": 23.5, "vallingby": 1234.5, "racksta": 9.0}
    assert (imported.name, imported.replaced, imported.unmatched) == (SURVEY, 0, [])
    assert indicator_values(memory_workspace, SURVEY) == imported.added
    (stored,) = memory_workspace.store.read_records("hasselby-gard", "indicators")
    assert (stored["value"], stored["unit"], stored["period"]) == (23.5, "%", "2025")
    assert (stored["source"], stored["created_by"]) == ("trygghetsmätning.csv", "tests")


def test_decimal_commas_on_every_line_do_not_make_the_comma_the_separator(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path / "a.csv", "Område;Otrygga, andel\nGrimsta;12,5\nVinsta;3,0\n", "cp1252"
    )
    imported = add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")
    assert imported.added == {"grimsta": 12.5, "vinsta": 3.0}


def test_a_utf8_file_with_a_bom_and_commas_is_read(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path / "brott.csv",
        "area,year,crimes per 1000\nGrimsta,not a year,41.2\nKälvesta,,17\n",
        "utf-8-sig",
    )
    imported = add_indicator_from_csv(memory_workspace, "Crimes", path, actor="tests")
    assert imported.added == {"grimsta": 41.2, "kalvesta": 17.0}


def test_a_thousands_space_in_a_non_breaking_form_and_a_tab_file_are_read(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "invånare.tsv", "namn\tinvånare\nVinsta\t12\u00a0345\n")
    imported = add_indicator_from_csv(memory_workspace, "Invånare", path, actor="tests")
    assert imported.added == {"vinsta": 12345.0}


@pytest.mark.parametrize("written", ["Hässelby gård", "hasselby-gard", "HÄSSELBY GÅRD"])
def test_rows_name_their_area_by_name_or_id_in_any_case(
    memory_workspace: Workspace, tmp_path: Path, written: str
) -> None:
    path = csv_file(tmp_path / "a.csv", f"stadsdel;värde\n{written};3\n")
    imported = add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")
    assert imported.added == {"hasselby-gard": 3.0}


def test_rows_of_no_area_or_without_a_number_are_reported_by_row_and_not_stored(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path / "a.csv",
        "Område;Värde\nGrimsta;12\nNarnia;4\n\nVinsta;..\n;7\ngrimsta;13\nVinsta;\n",
    )
    imported = add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")
    assert imported.added == {"grimsta": 12.0}
    reasons = [(row, why.en) for row, why in imported.unmatched]
    assert reasons == [
        (2, "no area is called 'Narnia'"),
        (4, "'..' is not a number"),
        (5, "no area given"),
        (6, "the area 'grimsta' already has a value in row 1"),
        (7, "no value"),
    ]
    assert imported.unmatched[0][1].sv == "inget område heter 'Narnia'"
    assert set(indicator_values(memory_workspace, SURVEY)) == {"grimsta"}


def test_importing_a_name_and_period_again_replaces_the_earlier_values(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    first = csv_file(tmp_path / "2024.csv", "Område;Värde\nGrimsta;10\nVinsta;20\n")
    second = csv_file(tmp_path / "2025.csv", "Område;Värde\nGrimsta;11\n")
    add_indicator_from_csv(
        memory_workspace, SURVEY, first, period="2024", actor="tests", now=MONDAY
    )
    add_indicator_from_csv(
        memory_workspace, SURVEY, second, period="2025", actor="tests", now=MONDAY
    )
    again = add_indicator_from_csv(
        memory_workspace,
        SURVEY.upper(),
        second,
        period="2025",
        actor="tests",
        now=MONDAY + timedelta(days=1),
    )
    assert again.replaced == 1
    stored = [(i.area, i.period, i.value) for i in area_indicators(memory_workspace, name=SURVEY)]
    assert stored == [
        ("grimsta", "2024", 10.0),
        ("grimsta", "2025", 11.0),
        ("vinsta", "2024", 20.0),
    ]
    # The latest period of each area, whatever the case of the name asked for.
    assert indicator_values(memory_workspace, "andel OTRYGGA") == {"grimsta": 11.0, "vinsta": 20.0}
    assert indicator_names(memory_workspace) == [SURVEY.upper()]


def test_indicator_names_are_listed_once_each_sorted(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    assert indicator_names(memory_workspace) == []
    path = csv_file(tmp_path / "a.csv", "Område;Värde\nGrimsta;1\nVinsta;2\n")
    for day, name in enumerate(("Otrygghet", "Anmälda brott", "otrygghet")):
        now = MONDAY + timedelta(days=day)
        add_indicator_from_csv(memory_workspace, name, path, actor="tests", now=now)
    assert indicator_names(memory_workspace) == ["Anmälda brott", "otrygghet"]


def test_values_of_an_unknown_indicator_are_refused_listing_the_indicators(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "a.csv", "Område;Värde\nGrimsta;1\n")
    add_indicator_from_csv(memory_workspace, "Otrygghet", path, actor="tests")
    with pytest.raises(IndicatorInputError, match=r"No indicator is called 'Brott'\. Indicators: "):
        indicator_values(memory_workspace, "Brott")


def test_a_file_where_no_row_names_an_area_is_refused_listing_the_areas(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "kommun.csv", "Område;Värde\nSolna;1\nSundbyberg;2\n")
    with pytest.raises(
        IndicatorInputError,
        match=r"kommun\.csv: no row names an area of the workspace \(column 'Område'\)\. "
        r"Areas: Grimsta, Hässelby gård, ",
    ):
        add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")
    assert indicator_names(memory_workspace) == []


def test_a_file_over_10_mb_is_refused(memory_workspace: Workspace, tmp_path: Path) -> None:
    path = csv_file(tmp_path / "big.csv", "Område;Värde\n" + "Grimsta;1\n" * (MAX_CSV_BYTES // 10))
    with pytest.raises(IndicatorInputError, match=r"big\.csv: is larger than 10 MB"):
        add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")


def test_a_file_without_a_column_of_numbers_is_refused_naming_the_columns(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "a.csv", "Område;Kommentar;Källa\nGrimsta;hög;enkät\n")
    with pytest.raises(
        IndicatorInputError,
        match=r"has no column of numbers; columns: Kommentar, Källa\. Choose one with --value-col",
    ):
        add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")


def test_several_columns_of_numbers_need_the_value_column_chosen(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "a.csv", "Område;2024;2025\nGrimsta;10;11\nVinsta;20;21\n")
    with pytest.raises(IndicatorInputError, match="several columns of numbers: 2024, 2025"):
        add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")
    imported = add_indicator_from_csv(
        memory_workspace, SURVEY, path, value_column="2025", actor="tests"
    )
    assert imported.added == {"grimsta": 11.0, "vinsta": 21.0}


def test_an_area_column_with_another_name_is_given_by_flag(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "a.csv", "Stadsdelsområde;Värde\nGrimsta;1\n")
    with pytest.raises(IndicatorInputError, match=r"Give it with --area-column\. Columns: Stads"):
        add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")
    with pytest.raises(IndicatorInputError, match=r"has no column 'Kod' \(--area-column\)"):
        add_indicator_from_csv(memory_workspace, SURVEY, path, area_column="Kod", actor="tests")
    imported = add_indicator_from_csv(
        memory_workspace, SURVEY, path, area_column="stadsdelsområde", actor="tests"
    )
    assert imported.added == {"grimsta": 1.0}


def test_a_title_line_above_the_header_is_skipped(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "a.csv", "Trygghetsmätningen 2025\n\nOmråde;Värde\nGrimsta;1\n")
    imported = add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")
    assert imported.added == {"grimsta": 1.0}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04rest of a zip", "is an Excel workbook, not CSV"),
        (b"Omr\x81de;V\x8drde\n", "is not text in UTF-8 or Windows-1252"),
        ('Område;Värde\n"Grimsta;1\n'.encode() + b"x" * 200_000, "is not valid CSV"),
        ("Område\nGrimsta\n".encode(), "has no columns separated by semicolons, commas or tabs"),
        (b"", "has no columns"),
    ],
)
def test_a_file_that_is_not_csv_is_refused_naming_it(
    memory_workspace: Workspace, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(IndicatorInputError, match=rf"The file .*bad\.csv: {message}"):
        add_indicator_from_csv(memory_workspace, SURVEY, path, actor="tests")


def test_a_missing_file_and_an_empty_name_are_refused(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    with pytest.raises(UnreadableFileError, match=r"missing\.csv could not be read"):
        add_indicator_from_csv(memory_workspace, SURVEY, tmp_path / "missing.csv", actor="t")
    with pytest.raises(IndicatorInputError, match="Give the indicator a name"):
        add_indicator_from_csv(memory_workspace, " ", tmp_path / "missing.csv", actor="t")


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("23,5 %", 23.5),
        ("23,5%", 23.5),
        ("1 234", 1234.0),
        ("1\u00a0234,5", 1234.5),
        ("-3", -3.0),
        ("\u22123,5", -3.5),
        (" 7 ", 7.0),
        ("0.25", 0.25),
        ("1.234,5", None),
        ("1,234.5", None),
        ("..", None),
        ("", None),
        ("nan", None),
        ("inf", None),
        ("1e5", None),
        ("9" * 400, None),
    ],
)
def test_numbers_are_read_as_swedish_spreadsheets_write_them(
    text: str, number: float | None
) -> None:
    assert number_from_text(text) == number


# ------------------------------------------------------------------ command line


def test_indicator_add_prints_json_and_stores_the_value_in_the_area_file(
    capsys: pytest.CaptureFixture[str], ws: list[str], workspace_path: Path, tmp_path: Path
) -> None:
    path = csv_file(
        tmp_path / "otrygghet.csv",
        "Område;Andel\r\nHässelby gård;23,5 %\r\nNarnia;3\r\n",
        "cp1252",
    )
    args = ["indicator", "add", "--name", SURVEY, "--from", str(path), "--unit", "%"]
    code = main([*args, "--period", "2025", "--json", *ws])
    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    assert json.loads(out) == {
        "name": SURVEY,
        "added": {"hasselby-gard": 23.5},
        "replaced": 0,
        "unmatched": [{"row": 2, "reason": "no area is called 'Narnia'"}],
    }
    frame = pyogrio.read_dataframe(workspace_path / "hasselby-gard.gpkg", layer="indicators")
    assert frame[["name", "value", "unit", "period", "source", "created_by"]].to_dict(
        "records"
    ) == [
        {
            "name": SURVEY,
            "value": 23.5,
            "unit": "%",
            "period": "2025",
            "source": "otrygghet.csv",
            "created_by": "tester",
        }
    ]
    code = main([*args, "--period", "2025", *ws])
    out, _ = capsys.readouterr()
    assert code == 0
    assert out.splitlines()[0] == (
        f"Imported the indicator {SURVEY}: values for 1 areas; 1 earlier values were replaced, "
        "1 rows could not be used."
    )
    assert "Hässelby gård  23.5" in out
    assert "  row 2: no area is called 'Narnia'" in out
    frame = pyogrio.read_dataframe(workspace_path / "hasselby-gard.gpkg", layer="indicators")
    assert len(frame) == 1


def test_indicator_list_shows_every_value_per_area_in_swedish_or_as_json(
    capsys: pytest.CaptureFixture[str], ws: list[str], tmp_path: Path
) -> None:
    path = csv_file(tmp_path / "a.csv", "Område;Värde\nGrimsta;12,5\nVinsta;3\n")
    assert main(["indicator", "add", "--name", SURVEY, "--from", str(path), *ws]) == 0
    capsys.readouterr()
    assert main(["indicator", "list", *ws, "--lang", "sv"]) == 0
    out, _ = capsys.readouterr()
    assert out.splitlines()[0].split() == [
        "Indikator",
        "Område",
        "Värde",
        "Enhet",
        "Period",
        "Källa",
    ]
    assert out.splitlines()[1].split() == ["Andel", "otrygga", "Grimsta", "12,5", "a.csv"]
    assert main(["indicator", "list", "--name", "andel otrygga", "--json", *ws]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(i["area"], i["value"], i["period"]) for i in listed] == [
        ("grimsta", 12.5, None),
        ("vinsta", 3.0, None),
    ]


def test_indicator_errors_are_one_line_with_exit_status_1(
    capsys: pytest.CaptureFixture[str], ws: list[str], tmp_path: Path
) -> None:
    assert main(["indicator", "list", *ws]) == 0
    assert capsys.readouterr().out.strip() == (
        "No indicators. Import one with 'safewalk indicator add'."
    )
    path = csv_file(tmp_path / "a.csv", "Område;Värde\nSolna;1\n")
    code = main(["indicator", "add", "--name", SURVEY, "--from", str(path), *ws])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith(f"safewalk: The file {path}: no row names an area of the workspace")
    assert err.count("\n") == 1
    assert main(["indicator", "add", "--from", str(path), *ws]) == 2
