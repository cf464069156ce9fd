"""The action plan: measures from observations, statuses that make sense, history, lists."""

from __future__ import annotations

import io
import json
from datetime import date
from pathlib import Path

import pytest
from PIL import Image

from gis.i18n import LocalizedError
from gis.photos import process_photo
from layers.values import MeasureStatus, ObservationStatus
from tests.cli import run
from tests.files import jpeg_with_gps
from walks.actions.measures import (
    MeasureError,
    add_measure,
    add_note,
    change_status,
    list_measures,
    measure_history,
)
from walks.core.organisations import OrganisationError, find_organisation, organisations
from walks.core.workspace import Workspace
from walks.fieldwork.recording import list_observations, photo_image, photo_thumbnails

AREA = "hasselby-gard"


def statuses(workspace: Workspace, numbers: list[int]) -> list[ObservationStatus]:
    found = {o.number: o.status for o in list_observations(workspace, AREA)}
    return [found[n] for n in numbers]


def test_a_measure_covers_observations_which_become_planned(
    memory_workspace: Workspace,
) -> None:
    measure = add_measure(
        memory_workspace, AREA, observations=[1, 2], title="Byt lampor",
        responsible="Trafikkontoret", deadline=date(2027, 1, 31), priority="high", actor="kim",
    )  # fmt: skip
    assert (measure.number, measure.status, measure.observations) == (
        1, MeasureStatus.PROPOSED, (1, 2),
    )  # fmt: skip
    assert (measure.responsible, measure.priority) == ("trafikkontoret", "high")
    assert statuses(memory_workspace, [1, 2, 3]) == [
        ObservationStatus.PLANNED, ObservationStatus.PLANNED, ObservationStatus.NEW,
    ]  # fmt: skip
    second = add_measure(memory_workspace, AREA, observations=[3], title="Beskär",
                         responsible="familjebostader", actor="kim")  # fmt: skip
    assert second.number == 2


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"observations": [2, 99]}, r"The area has no observations no\. 99\."),
        ({"observations": []}, r"Name the observations the measure is for"),
        ({"title": "  "}, r"Give the measure a title"),
        ({"responsible": "Ingen AB"}, r"Unknown organisation 'Ingen AB'\. Known: familjebostader,"),
        ({"priority": "urgent"}, r"Unknown priority 'urgent': choose high, medium or low"),
        ({"observations": [1, 3]}, r"already in an open measure: 1 \(no\. 1\)\."),
    ],
)
def test_a_measure_that_cannot_be_is_refused_and_nothing_changes(
    memory_workspace: Workspace, given: dict[str, object], message: str
) -> None:
    add_measure(memory_workspace, AREA, observations=[1], title="Byt lampor",
                responsible="trafikkontoret", actor="kim")  # fmt: skip
    before = memory_workspace.store.revision()
    values: dict[str, object] = {"observations": [2], "title": "Ny", "responsible": "sl"}
    with pytest.raises((MeasureError, OrganisationError), match=message):
        add_measure(memory_workspace, AREA, actor="kim", **{**values, **given})  # type: ignore[arg-type]
    assert memory_workspace.store.revision() == before
    assert len(list_measures(memory_workspace, [AREA])) == 1


def test_statuses_go_forward_freely_and_back_only_with_a_reason(
    memory_workspace: Workspace,
) -> None:
    add_measure(memory_workspace, AREA, observations=[1, 2], title="Byt lampor",
                responsible="trafikkontoret", actor="kim")  # fmt: skip
    decided = change_status(memory_workspace, AREA, 1, MeasureStatus.DECIDED, actor="kim")
    assert decided.status is MeasureStatus.DECIDED
    with pytest.raises(MeasureError, match="From decided to proposed needs a reason"):
        change_status(memory_workspace, AREA, 1, MeasureStatus.PROPOSED, actor="kim")
    with pytest.raises(MeasureError, match="is already decided"):
        change_status(memory_workspace, AREA, 1, MeasureStatus.DECIDED, actor="kim")
    with pytest.raises(MeasureError, match="needs a reason"):
        change_status(memory_workspace, AREA, 1, MeasureStatus.NOT_FEASIBLE, actor="kim")
    done = change_status(memory_workspace, AREA, 1, MeasureStatus.DONE, actor="kim")
    assert done.status is MeasureStatus.DONE
    assert statuses(memory_workspace, [1, 2]) == [ObservationStatus.RESOLVED] * 2
    reopened = change_status(memory_workspace, AREA, 1, MeasureStatus.IN_PROGRESS,
                             actor="kim", reason="Lampan slocknade igen")  # fmt: skip
    assert reopened.reason == "Lampan slocknade igen"
    assert statuses(memory_workspace, [1, 2]) == [ObservationStatus.PLANNED] * 2


def test_a_measure_found_not_feasible_frees_its_observations(
    memory_workspace: Workspace,
) -> None:
    add_measure(memory_workspace, AREA, observations=[1], title="Ny belysning",
                responsible="trafikkontoret", actor="kim")  # fmt: skip
    change_status(memory_workspace, AREA, 1, MeasureStatus.NOT_FEASIBLE, actor="kim",
                  reason="Ingen el i marken")  # fmt: skip
    assert statuses(memory_workspace, [1]) == [ObservationStatus.ASSESSED]
    again = add_measure(memory_workspace, AREA, observations=[1], title="Solcellslampa",
                        responsible="trafikkontoret", actor="kim")  # fmt: skip
    assert again.number == 2  # the observation is free for a new measure


def test_the_history_shows_who_changed_what_and_the_notes_in_order(
    memory_workspace: Workspace,
) -> None:
    add_measure(memory_workspace, AREA, observations=[1], title="Byt lampor",
                responsible="trafikkontoret", priority="low", actor="kim")  # fmt: skip
    change_status(memory_workspace, AREA, 1, MeasureStatus.DECIDED, actor="eva",
                  note="Beslutat i analysgruppen")  # fmt: skip
    history = measure_history(memory_workspace, AREA, 1)
    assert [(e.actor, e.action) for e in history] == [
        ("kim", "insert"), ("eva", "update"), ("eva", "note"),
    ]  # fmt: skip
    assert history[0].changes["priority"] == (None, "low")
    assert history[1].changes == {"status": ("proposed", "decided")}
    assert history[2].note == "Beslutat i analysgruppen"


def test_a_follow_up_note_keeps_its_photos_without_their_gps(
    memory_workspace: Workspace,
) -> None:
    add_measure(memory_workspace, AREA, observations=[1], title="Byt lampor",
                responsible="trafikkontoret", actor="kim")  # fmt: skip
    photo = process_photo(jpeg_with_gps(17.844, 59.366, (800, 600)), max_bytes=10_000_000)
    add_note(memory_workspace, AREA, 1, "Lampan är bytt", actor="eva", photos=[photo])
    (note,) = [e for e in measure_history(memory_workspace, AREA, 1) if e.action == "note"]
    assert (note.note, note.photos) == ("Lampan är bytt", 1)
    (thumbnail,) = photo_thumbnails(memory_workspace, AREA, [note.note_uuid])[note.note_uuid]
    assert Image.open(io.BytesIO(thumbnail)).size[0] <= 400
    (info,) = memory_workspace.store.read_photos(AREA, [note.note_uuid])
    stored = photo_image(memory_workspace, AREA, info.uuid)
    assert stored is not None
    assert Image.open(io.BytesIO(stored)).getexif().get_ifd(0x8825) == {}  # no GPS kept
    before = memory_workspace.store.revision()
    with pytest.raises(MeasureError, match="The note is empty: write what the photo shows"):
        add_note(memory_workspace, AREA, 1, " ", actor="eva", photos=[photo])
    with pytest.raises(MeasureError, match="The note is empty: write what the photo shows"):
        change_status(memory_workspace, AREA, 1, MeasureStatus.DONE, actor="eva", photos=[photo])
    assert memory_workspace.store.revision() == before


def test_a_note_with_a_photo_from_the_command_line(capsys, ws, tmp_path: Path) -> None:
    path = tmp_path / "efter.jpg"
    path.write_bytes(jpeg_with_gps(17.844, 59.366, (800, 600)))
    assert run(capsys, "measure", "add", "--area", AREA, "--observations", "1", "--title",
               "Byt lampor", "--responsible", "trafikkontoret", *ws)[0] == 0  # fmt: skip
    code, out, _ = run(capsys, "measure", "note", "--area", AREA, "--measure", "1", "--text",
                       "Lampan är bytt", "--photo", str(path), *ws)  # fmt: skip
    assert (code, out.strip()) == (0, "Note kept on measure no. 1 in Hässelby gård (1 photos).")
    two = ["--photo", str(path), "--photo", str(path)]
    code, out, _ = run(capsys, "measure", "status", "--area", AREA, "--measure", "1", "--to",
                       "done", "--note", "Klart", *two, *ws)  # fmt: skip
    assert code == 0
    code, out, _ = run(capsys, "measure", "history", "--area", AREA, "--measure", "1", "--json",
                       *ws)  # fmt: skip
    notes = [(e["note"], e["photos"]) for e in json.loads(out) if e["action"] == "note"]
    assert notes == [("Lampan är bytt", 1), ("Klart", 2)]
    code, _, err = run(capsys, "measure", "note", "--area", AREA, "--measure", "1", "--text",
                       "x", "--photo", str(tmp_path / "saknas.jpg"), *ws)  # fmt: skip
    assert code == 1
    assert "saknas.jpg" in err


def test_lists_by_organisation_and_overdue(memory_workspace: Workspace) -> None:
    add_measure(memory_workspace, AREA, observations=[1], title="A", responsible="sl",
                deadline=date(2026, 11, 30), actor="kim")  # fmt: skip
    add_measure(memory_workspace, AREA, observations=[2], title="B",
                responsible="trafikkontoret", deadline=date(2026, 12, 31), actor="kim")  # fmt: skip
    add_measure(memory_workspace, "grimsta", observations=[1], title="C", responsible="SL",
                actor="kim")  # fmt: skip
    assert [m.title for m in list_measures(memory_workspace)] == ["C", "A", "B"]
    assert [m.title for m in list_measures(memory_workspace, responsible="sl")] == ["C", "A"]
    late = list_measures(memory_workspace, overdue=True, today=date(2026, 12, 1))
    assert [m.title for m in late] == ["A"]  # C has no deadline
    change_status(memory_workspace, AREA, 1, MeasureStatus.DONE, actor="kim")
    assert list_measures(memory_workspace, overdue=True, today=date(2026, 12, 1)) == []


def test_the_shipped_organisations_include_the_analysis_group(tmp_path: Path) -> None:
    from walks.core.config import DEFAULT_DATA_DIR

    ids = [o.id for o in organisations(DEFAULT_DATA_DIR)]
    for wanted in ("familjebostader", "stockholmshem", "svenska-bostader", "polisen", "sl",
                   "trafikkontoret", "sisab"):  # fmt: skip
        assert wanted in ids
    assert find_organisation(DEFAULT_DATA_DIR, "Svenska Bostäder").id == "svenska-bostader"
    assert find_organisation(DEFAULT_DATA_DIR, "traffic office").id == "trafikkontoret"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[organisation]]\nname = { sv = "A", en = "A" }\n', "organisation 1 lacks an id"),
        ('[[organisation]]\nid = "a"\n', "organisation 'a' lacks name"),
        (
            '[[organisation]]\nid = "a"\nname = { sv = "A", en = "A" }\nkind = "club"\n',
            "unknown kind 'club'",
        ),
        ("[[organisation]\n", "is not valid TOML"),
    ],
)
def test_a_broken_organisations_file_is_named_with_its_problem(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "organisations.toml").write_text(text, encoding="utf-8")
    with pytest.raises(OrganisationError, match=message):
        organisations(tmp_path)


def test_measures_on_the_command_line(
    capsys: pytest.CaptureFixture[str], workspace_path: Path
) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en", "--user", "tester"]
    code, out, _ = run(capsys, "measure", "add", "--area", AREA, "--observations", "1,2",
                       "--title", "Byt lampor", "--responsible", "trafikkontoret",
                       "--deadline", "2026-12-31", "--priority", "high", "--json", *ws)  # fmt: skip
    assert code == 0
    added = json.loads(out)
    keys = ("number", "status", "responsible", "deadline", "observations")
    assert {k: added[k] for k in keys} == {
        "number": 1, "status": "proposed", "responsible": "trafikkontoret",
        "deadline": "2026-12-31", "observations": [1, 2],
    }  # fmt: skip
    code, out, _ = run(capsys, "measure", "status", "--area", AREA, "--measure", "1", "--to",
                       "in_progress", "--note", "Beställt", *ws)  # fmt: skip
    assert (code, out.strip()) == (0, "Measure no. 1 in Hässelby gård is now in progress.")
    code, out, _ = run(capsys, "measure", "list", "--all", "--responsible", "trafikkontoret",
                       "--json", *ws)  # fmt: skip
    assert [(m["number"], m["status"]) for m in json.loads(out)] == [(1, "in_progress")]
    code, out, _ = run(capsys, "measure", "history", "--area", AREA, "--measure", "1",
                       "--json", *ws)  # fmt: skip
    history = json.loads(out)
    assert [e["action"] for e in history] == ["insert", "update", "note"]
    assert history[1]["changes"]["status"] == {"from": "proposed", "to": "in_progress"}
    assert history[1]["actor"] == "tester"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--observations", "1,x"], "--observations '1,x' must be numbers separated by commas"),
        (["--observations", "1", "--deadline", "31/12"], "--deadline '31/12' must be a date"),
        (["--observations", "42"], "The area has no observations no. 42."),
        (["--observations", "1", "--responsible", "Nobody"], "Unknown organisation 'Nobody'"),
    ],
)
def test_bad_measure_input_is_one_line_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, args: list[str], message: str
) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en"]
    given = {"--responsible": "sl"}
    rest = args if "--responsible" in args else [*args, *given.popitem()]
    code, out, err = run(capsys, "measure", "add", "--area", AREA, "--title", "T", *rest, *ws)
    assert code == 1
    assert err.strip().startswith(f"safewalk: {message}")
    assert len(err.strip().splitlines()) == 1
    code, out, _ = run(capsys, "measure", "list", "--all", "--json", *ws)
    assert json.loads(out) == []


def test_every_shipped_template_is_for_a_category_and_a_known_organisation(
    memory_workspace: Workspace,
) -> None:
    from walks.core.config import DEFAULT_DATA_DIR
    from walks.core.organisations import measure_templates

    templates = measure_templates(DEFAULT_DATA_DIR)
    assert set(templates) <= set(memory_workspace.catalog.names)
    assert templates["lighting"].responsible == "trafikkontoret"
    assert templates["graffiti"].title.en == "Remove the graffiti"


def test_the_command_line_names_possible_duplicates(
    capsys: pytest.CaptureFixture[str], workspace_path: Path
) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en"]
    where = ["--area", AREA, "--category", "graffiti", "--field", "surface=wall",
             "--lon", "17.8445", "--lat", "59.3668"]  # fmt: skip
    code, out, _ = run(capsys, "add", *where, "--json", *ws)
    first = json.loads(out)
    assert (code, first["possible_duplicates"]) == (0, [])
    code, out, _ = run(capsys, "add", *where, *ws)
    assert code == 0
    assert out.splitlines()[-1] == (
        "Perhaps the same as open observations of the same category close by: "
        f"{first['number']} (0 m)."
    )


def test_closed_observations_cannot_be_taken_and_a_reopened_measure_must_be_free(
    memory_workspace: Workspace,
) -> None:
    add_measure(memory_workspace, AREA, observations=[1], title="A", responsible="sl",
                actor="kim")  # fmt: skip
    change_status(memory_workspace, AREA, 1, MeasureStatus.DONE, actor="kim")
    with pytest.raises(MeasureError, match="The observations 1 are already resolved"):
        add_measure(memory_workspace, AREA, observations=[1], title="B", responsible="sl",
                    actor="kim")  # fmt: skip
    add_measure(memory_workspace, AREA, observations=[2], title="C", responsible="sl",
                actor="kim")  # fmt: skip
    change_status(memory_workspace, AREA, 2, MeasureStatus.NOT_FEASIBLE, actor="kim",
                  reason="För dyrt")  # fmt: skip
    add_measure(memory_workspace, AREA, observations=[2], title="D", responsible="sl",
                actor="kim")  # fmt: skip
    # Measure 2 cannot open again: observation 2 is in open measure 3 now.
    with pytest.raises(MeasureError, match=r"already in an open measure: 2 \(no\. 3\)"):
        change_status(memory_workspace, AREA, 2, MeasureStatus.PROPOSED, actor="kim",
                      reason="Ny budget")  # fmt: skip
    assert statuses(memory_workspace, [2]) == [ObservationStatus.PLANNED]


def test_moving_an_old_measure_leaves_observations_another_open_one_covers(
    memory_workspace: Workspace,
) -> None:
    add_measure(memory_workspace, AREA, observations=[1], title="A", responsible="sl",
                actor="kim")  # fmt: skip
    change_status(memory_workspace, AREA, 1, MeasureStatus.NOT_FEASIBLE, actor="kim",
                  reason="Nej")  # fmt: skip
    add_measure(memory_workspace, AREA, observations=[1], title="B", responsible="sl",
                actor="kim")  # fmt: skip
    # Measure 1 marked done after all: observation 1 stays with open measure 2.
    change_status(memory_workspace, AREA, 1, MeasureStatus.DONE, actor="kim",
                  reason="Gjordes ändå")  # fmt: skip
    assert statuses(memory_workspace, [1]) == [ObservationStatus.PLANNED]
    change_status(memory_workspace, AREA, 2, MeasureStatus.DONE, actor="kim")
    assert statuses(memory_workspace, [1]) == [ObservationStatus.RESOLVED]


def test_a_measure_whose_observation_cannot_be_updated_is_not_left_half_made(
    workspace_path: Path,
) -> None:
    import sqlite3

    from gis.gpkg import register_gpkg_functions
    from walks.core.config import Settings
    from walks.core.workspace import connect_workspace

    with sqlite3.connect(workspace_path / f"{AREA}.gpkg") as connection:
        register_gpkg_functions(connection)  # GDAL's R-tree triggers call them
        # As an edit in another program could leave it: a severity the scale does not have.
        connection.execute("UPDATE lighting SET severity = 9 WHERE number = 2")
    workspace = connect_workspace(Settings(workspace=str(workspace_path)))
    with pytest.raises(LocalizedError, match="severity"):
        add_measure(workspace, AREA, observations=[1, 2], title="Byt lampor",
                    responsible="trafikkontoret", actor="kim")  # fmt: skip
    assert list_measures(workspace, [AREA]) == []
    assert statuses(workspace, [1]) == [ObservationStatus.NEW]
    # One transaction: nothing was written and taken back, the change log has no trace.
    log = workspace.store.read_records(AREA, "change_log")
    assert [e for e in log if e["layer"] == "measures"] == []


def test_residents_see_public_decided_measures_and_nothing_internal(
    memory_workspace: Workspace,
) -> None:
    from walks.actions.public import public_measures

    def measure(numbers: list[int], title: str, *, public: bool = True) -> int:
        made = add_measure(memory_workspace, AREA, observations=numbers, title=title,
                           responsible="sl", public=public, actor="Kim Svensson")  # fmt: skip
        return made.number

    by_category = {o.category: o.number for o in list_observations(memory_workspace, AREA)}
    lamp = measure([by_category["lighting"]], "Nya lampor")
    secret = measure([by_category["lighting"] + 1], "Internt", public=False)
    crime = measure([by_category["crime_place"]], "Bevakning")  # internal category only
    proposed = measure([by_category["graffiti"]], "Sanera klotter")  # not decided yet
    for number in (lamp, secret, crime):
        change_status(memory_workspace, AREA, number, MeasureStatus.DECIDED, actor="eva")
    shown = public_measures(memory_workspace, AREA)
    assert [(m.number, m.title, m.status) for m in shown] == [
        (lamp, "Nya lampor", MeasureStatus.DECIDED),
    ]
    assert [c.sv for c in shown[0].categories] == ["Belysning"]
    assert proposed not in [m.number for m in shown]
    assert "Kim" not in repr(shown)  # no names
    assert memory_workspace.catalog.category("crime_place").internal
    assert memory_workspace.catalog.category("social_unsafe").internal
    assert not memory_workspace.catalog.category("lighting").internal


def test_residents_answer_whether_a_public_measure_helped_and_the_group_sees_it(
    memory_workspace: Workspace,
) -> None:
    from walks.actions.public import resident_feedback

    shown = add_measure(memory_workspace, AREA, observations=[1], title="Nya lampor",
                        responsible="sl", public=True, actor="kim").number  # fmt: skip
    hidden = add_measure(memory_workspace, AREA, observations=[2], title="Internt",
                         responsible="sl", actor="kim").number  # fmt: skip
    for number in (shown, hidden):
        change_status(memory_workspace, AREA, number, MeasureStatus.DONE, actor="eva")
    resident_feedback(memory_workspace, AREA, shown, "better", "  Ljust och   bra nu ")
    history = measure_history(memory_workspace, AREA, shown)
    assert (history[-1].actor, history[-1].note) == (
        "resident", "Boendes återkoppling: Bättre nu. Ljust och bra nu",
    )  # fmt: skip
    before = memory_workspace.store.revision()
    for number, verdict, comment, message in (
        (hidden, "better", "", "is not shown to residents"),
        (shown, "great", "", "Unknown answer 'great'"),
        (shown, "worse", "x" * 501, "The comment is 501 characters; at most 500"),
    ):
        with pytest.raises(MeasureError, match=message):
            resident_feedback(memory_workspace, AREA, number, verdict, comment)
    assert memory_workspace.store.revision() == before


def test_observations_go_out_as_open311_requests_without_internal_ones(
    memory_workspace: Workspace,
) -> None:
    from walks.actions.open311 import service_requests

    by_category = {o.category: o.number for o in list_observations(memory_workspace, AREA)}
    lamp = by_category["lighting"]
    add_measure(memory_workspace, AREA, observations=[lamp], title="Lampor",
                responsible="trafikkontoret", actor="kim")  # fmt: skip
    change_status(memory_workspace, AREA, 1, MeasureStatus.DONE, actor="kim")
    requests = service_requests(memory_workspace, AREA, language="en")
    codes = {r["service_code"] for r in requests}
    assert "crime_place" not in codes
    assert "social_unsafe" not in codes
    (done,) = [r for r in requests if r["service_request_id"] == f"{AREA}-{lamp}"]
    assert (done["status"], done["service_name"], done["agency_responsible"]) == (
        "closed", "Lighting", "Traffic office",
    )  # fmt: skip
    assert 59.3 < done["lat"] < 59.4
    assert 17.8 < done["long"] < 17.9
    assert all(r["status"] == "open" for r in requests if r is not done)
    with pytest.raises(LocalizedError, match="is internal and is not sent on"):
        service_requests(
            memory_workspace, AREA, numbers=[by_category["crime_place"]], language="en"
        )


def test_export_open311_on_the_command_line(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, tmp_path: Path
) -> None:
    out_file = tmp_path / "requests.json"
    ws = ["--workspace", str(workspace_path), "--lang", "en"]
    code, out, _ = run(capsys, "export", "open311", "--area", AREA, "--observations", "1,2",
                       "-o", str(out_file), *ws)  # fmt: skip
    assert (code, out.strip()) == (0, f"2 requests (Open311 GeoReport v2) written to {out_file}.")
    written = json.loads(out_file.read_text(encoding="utf-8"))
    assert [r["service_request_id"] for r in written] == [f"{AREA}-1", f"{AREA}-2"]
    code, _, err = run(capsys, "export", "open311", "--area", AREA, "--observations", "99",
                       "-o", str(tmp_path / "no.json"), *ws)  # fmt: skip
    assert (code, err.strip()) == (1, "safewalk: Observation 99 is not in the area.")
    assert not (tmp_path / "no.json").exists()
