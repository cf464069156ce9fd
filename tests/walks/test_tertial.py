"""The tertial follow-up: tertial boundaries in Stockholm time, counts, and the report files."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
from docx import Document
from openpyxl import load_workbook
from pypdf import PdfReader

from layers.values import MeasureStatus, ObservationStatus
from tests.cli import run
from walks.actions.measures import Measure, add_measure, change_status
from walks.actions.tertial import (
    Counts,
    MeasureTimeline,
    Tertial,
    TertialError,
    area_follow_up,
    count,
    district_follow_up,
    trend,
)
from walks.core.clock import LOCAL_TIME
from walks.core.model import Observation
from walks.core.workspace import Workspace
from walks.documents.report_files import report_bytes


def local(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=LOCAL_TIME)  # type: ignore[misc]


@pytest.mark.parametrize(
    ("text", "year", "number"),
    [("2026:3", 2026, 3), ("2026-T1", 2026, 1), (" 2027:t2 ", 2027, 2), ("2026/2", 2026, 2)],
)
def test_a_tertial_is_read_as_people_write_it(text: str, year: int, number: int) -> None:
    assert Tertial.parse(text) == Tertial(year, number)


@pytest.mark.parametrize("text", ["2026:4", "2026:0", "2026", "T3", "26:3", "2026:3:1"])
def test_a_tertial_that_does_not_exist_is_refused(text: str) -> None:
    with pytest.raises(TertialError, match=r"is not a tertial: write year:tertial"):
        Tertial.parse(text)


def test_tertials_change_at_midnight_stockholm_time_and_at_the_new_year() -> None:
    assert Tertial.of(local(2026, 4, 30, 23, 59, 59)) == Tertial(2026, 1)
    assert Tertial.of(local(2026, 5, 1, 0, 0)) == Tertial(2026, 2)
    # The same moments in UTC: summer time, two hours behind Stockholm.
    assert Tertial.of(datetime(2026, 4, 30, 21, 59, tzinfo=UTC)) == Tertial(2026, 1)
    assert Tertial.of(datetime(2026, 4, 30, 22, 0, tzinfo=UTC)) == Tertial(2026, 2)
    assert Tertial.of(local(2026, 8, 31, 23, 59)) == Tertial(2026, 2)
    assert Tertial.of(local(2026, 9, 1, 0, 0)) == Tertial(2026, 3)
    # New Year's night: 23:30 UTC on 31 December is already 2027 in Stockholm.
    assert Tertial.of(datetime(2026, 12, 31, 22, 59, tzinfo=UTC)) == Tertial(2026, 3)
    assert Tertial.of(datetime(2026, 12, 31, 23, 30, tzinfo=UTC)) == Tertial(2027, 1)
    t3 = Tertial(2026, 3)
    assert (t3.first_day, t3.end_day) == (date(2026, 9, 1), date(2027, 1, 1))
    assert (t3.following(), Tertial(2027, 1).previous()) == (Tertial(2027, 1), t3)
    assert trend(Tertial(2027, 1), 4) == [
        Tertial(2026, 1), Tertial(2026, 2), Tertial(2026, 3), Tertial(2027, 1),
    ]  # fmt: skip


def observation(number: int, at: datetime, category: str = "lighting") -> Observation:
    return Observation(
        uuid=f"o{number}", number=number, area="a", category=category, x=0, y=0, lon=0, lat=0,
        status=ObservationStatus.NEW, severity=2, description="", walk_uuid=None,
        observed_at=at, created_by="tests", is_demo=False, fields={},
    )  # fmt: skip


def timeline(deadline: date | None, *changes: tuple[datetime, MeasureStatus]) -> MeasureTimeline:
    measure = Measure(
        uuid="m1", number=1, area="a", title="Byt lampor", description="", responsible="sl",
        priority="medium", deadline=deadline, status=changes[-1][1], observations=(1,),
        cost_class=None, reason="", public=False, created_at=changes[0][0],
        created_by="tests", updated_at=changes[-1][0],
    )  # fmt: skip
    return MeasureTimeline(measure, "lighting", tuple(changes))


def test_counts_follow_the_boundaries_and_the_statuses_at_each_tertials_end() -> None:
    observations = [
        observation(1, local(2026, 4, 30, 23, 59)),
        observation(2, local(2026, 5, 1, 0, 0)),
        observation(3, local(2026, 12, 31, 23, 59)),
        observation(4, local(2027, 1, 1, 0, 0)),
    ]
    line = timeline(
        date(2026, 6, 30),
        (local(2026, 4, 20, 10), MeasureStatus.PROPOSED),
        (local(2026, 5, 2, 10), MeasureStatus.DECIDED),
        (local(2026, 9, 3, 10), MeasureStatus.IN_PROGRESS),
        (local(2026, 12, 31, 23, 59), MeasureStatus.DONE),
    )
    now = local(2027, 6, 1)
    t1, t2, t3 = Tertial(2026, 1), Tertial(2026, 2), Tertial(2026, 3)
    assert count(t1, observations, [line], now=now) == Counts(registered=1, proposed=1)
    # Decided in T2, still open when T2 ended, its deadline (30 June) passed.
    assert count(t2, observations, [line], now=now) == Counts(registered=1, decided=1, overdue=1)
    # Done a minute before the year ended: done in T3, not in progress at its end.
    assert count(t3, observations, [line], now=now) == Counts(registered=1, done=1)
    assert count(Tertial(2027, 1), observations, [line], now=now) == Counts(registered=1)


def test_a_running_tertial_counts_as_of_today_and_a_deadline_is_passed_the_day_after() -> None:
    line = timeline(
        date(2026, 11, 27),
        (local(2026, 9, 10, 9), MeasureStatus.PROPOSED),
        (local(2026, 10, 1, 9), MeasureStatus.IN_PROGRESS),
    )
    t3 = Tertial(2026, 3)
    on_the_day = count(t3, [], [line], now=local(2026, 11, 27, 23, 59))
    assert (on_the_day.in_progress, on_the_day.overdue) == (1, 0)
    assert count(t3, [], [line], now=local(2026, 11, 28, 0, 0)).overdue == 1


def test_the_follow_up_of_a_workspace_reads_the_change_log(memory_workspace: Workspace) -> None:
    add_measure(memory_workspace, "hasselby-gard", observations=[1, 2], title="Byt lampor",
                responsible="trafikkontoret", deadline=date(2020, 1, 31), actor="kim")  # fmt: skip
    add_measure(memory_workspace, "grimsta", observations=[1], title="Städa",
                responsible="sdf-stadsmiljo", actor="kim")  # fmt: skip
    change_status(memory_workspace, "hasselby-gard", 1, MeasureStatus.DECIDED, actor="kim")
    now = Tertial.of(datetime.now(UTC))
    area = area_follow_up(memory_workspace, "hasselby-gard", now)
    assert (area.counts.proposed, area.counts.decided, area.counts.overdue) == (1, 1, 1)
    assert area.by_organisation["trafikkontoret"].proposed == 1
    assert area.by_category["lighting"].proposed == 1  # its first observation's category
    assert area.trend[-1] == (now, area.counts)
    earlier = area_follow_up(memory_workspace, "hasselby-gard", now.previous())
    assert (earlier.counts.proposed, earlier.measures) == (0, ())
    district = district_follow_up(memory_workspace, now, ["hasselby-gard", "grimsta"], name="HV")
    assert district.counts.proposed == 2
    assert district.by_organisation["sdf-stadsmiljo"].proposed == 1
    assert [a.name for a in district.areas] == ["Hässelby gård", "Grimsta"]


def _plan(capsys: pytest.CaptureFixture[str], ws_sv: list[str]) -> None:
    # A title with Swedish letters, and one that a spreadsheet would take for a formula.
    for numbers, title, who, deadline in (
        ("1,2", "Byt lampor på gångvägen", "trafikkontoret", "2020-01-31"),
        ("3", '=HYPERLINK("http://x")', "svenska-bostader", "2030-06-30"),
    ):
        code, _, err = run(capsys, "measure", "add", "--area", "hasselby-gard", "--observations",
                           numbers, "--title", title, "--responsible", who, "--deadline",
                           deadline, *ws_sv)  # fmt: skip
        assert code == 0, err
    assert run(capsys, "measure", "status", "--area", "hasselby-gard", "--measure", "2",
               "--to", "done", *ws_sv)[0] == 0  # fmt: skip


def test_the_report_as_excel_has_typed_columns_and_a_sheet_per_area(
    capsys, ws_sv, tmp_path
) -> None:
    _plan(capsys, ws_sv)
    now = Tertial.of(datetime.now(UTC))
    path = tmp_path / "uppföljning.xlsx"
    code, out, err = run(capsys, "report", "--all", "--tertial", str(now), "-o", str(path),
                         "--json", *ws_sv)  # fmt: skip
    assert code == 0, err
    printed = json.loads(out)
    assert printed["counts"]["proposed"] == 2
    assert printed["areas"]["hasselby-gard"]["done"] == 1
    book = load_workbook(path)
    assert book.sheetnames[0] == "Sammanfattning"
    assert "Hässelby gård" in book.sheetnames
    assert len(book.sheetnames) == 1 + len(printed["areas"])
    sheet = book["Hässelby gård"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    head = rows.index(["Nr", "Åtgärd", "Ansvarig", "Prioritet", "Klart senast", "Status",
                       "Försenad", "Iakttagelser", "Skapad"])  # fmt: skip
    first, second = rows[head + 1], rows[head + 2]
    assert first[:3] == [1, "Byt lampor på gångvägen", "Trafikkontoret"]
    assert first[4] == datetime(2020, 1, 31)  # a date, not text
    assert (first[5], first[6]) == ("Föreslagen", True)
    assert (second[1], second[2], second[5], second[6]) == (
        '=HYPERLINK("http://x")', "Svenska Bostäder", "Genomförd", False,
    )  # fmt: skip
    assert sheet.cell(head + 3, 2).data_type == "s"  # text, never a formula
    summary = [list(r) for r in book["Sammanfattning"].iter_rows(values_only=True)]
    district = next(r for r in summary if r[0] == "Hässelby-Vällingby")
    assert district[1:7] == [printed["counts"][k] for k in
                             ("registered", "proposed", "decided", "in_progress", "done",
                              "overdue")]  # fmt: skip
    assert book["Sammanfattning"]._charts  # the trend as an Excel chart


def test_the_report_as_word_and_pdf_holds_the_figures_the_names_and_the_map(
    capsys, ws_sv, tmp_path, workspace: Workspace
) -> None:
    _plan(capsys, ws_sv)
    now = Tertial.of(datetime.now(UTC))
    for suffix in ("docx", "pdf"):
        path = tmp_path / f"plan.{suffix}"
        code, out, err = run(capsys, "report", "--area", "Hässelby gård", "--tertial", str(now),
                             "-o", str(path), *ws_sv)  # fmt: skip
        assert code == 0, err
        assert f"Uppföljningen {now.label()} för Hässelby gård skriven till {path}" in out
    document = Document(str(tmp_path / "plan.docx"))
    headings = [
        p.text for p in document.paragraphs if p.style.name.startswith(("Heading", "Title"))
    ]
    assert headings[0] == f"Uppföljning {now.label()}: Hässelby gård"
    assert {"Nyckeltal", "Utveckling", "Per kategori", "Per organisation", "Karta",
            "Åtgärder"} <= set(headings)  # fmt: skip
    measures = document.tables[-1]
    cells = [[c.text for c in row.cells] for row in measures.rows]
    assert cells[0][:3] == ["Nr", "Åtgärd", "Ansvarig"]
    assert cells[1][:3] == ["1", "Byt lampor på gångvägen", "Trafikkontoret"]
    assert cells[1][6] == "ja"  # overdue
    assert len(document.inline_shapes) == 2  # the trend chart and the map
    reader = PdfReader(tmp_path / "plan.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for wanted in (f"Uppföljning {now.label()}: Hässelby gård", "Byt lampor på gångvägen",
                   "Trafikkontoret", "Svenska Bostäder", "Försenade", "Sida 1",
                   '=HYPERLINK("http://x")'):  # fmt: skip
        assert wanted in text
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)) == (210, 297)
    assert sum(len(page.images) for page in reader.pages) == 2
    english = report_bytes(workspace, area_follow_up(workspace, "hasselby-gard", now), "pdf",
                           language="en", now=datetime.now(UTC))  # fmt: skip
    assert "Key figures" in PdfReader(io.BytesIO(english)).pages[0].extract_text()


def test_a_report_that_cannot_be_is_refused_and_nothing_is_written(capsys, ws_sv, tmp_path) -> None:
    for args, message in (
        (["--tertial", "2026:4", "-o", str(tmp_path / "r.pdf")], "'2026:4' är ingen tertial"),
        (["--tertial", "2026:3", "-o", str(tmp_path / "r.odt")], "okänt rapportformat"),
        (["--tertial", "2026:3", "-o", str(tmp_path / "saknas" / "r.pdf")], "kan inte skrivas"),
    ):
        code, _, err = run(capsys, "report", "--area", "hasselby-gard", *args, *ws_sv)
        assert code == 1
        assert message in err
    assert list(tmp_path.iterdir()) == [tmp_path / "workspace"]
