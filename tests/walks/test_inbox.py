"""Residents' reports wait in the inbox until a coordinator accepts or rejects them."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from pathlib import Path

import pyogrio
import pytest
from PIL import Image

from layers.errors import FeatureValidationError
from layers.schema import CHANGE_LOG_LAYER, INBOX_LAYER, PHOTOS_LAYER
from layers.values import ObservationOrigin, ReportStatus
from tests.cli import run
from tests.files import jpeg_with_gps
from tests.postgres import PostgresServer
from walks.access.guard import AccessError, workspace_as
from walks.actions.inbox import (
    InboxError,
    ReportDraft,
    accept_report,
    find_report,
    list_reports,
    receive_report,
    reject_report,
    report_counts,
    resident_categories,
)
from walks.actions.tertial import Tertial
from walks.core.config import settings_from_env
from walks.core.model import Position
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace
from walks.exchange.exporting import export
from walks.fieldwork.recording import list_observations
from walks.fieldwork.startup import open_workspace

HASSELBY_GARD = Position(17.8445, 59.3668)
GRIMSTA = Position(17.8611, 59.354)
RECEIVED = datetime(2026, 11, 30, 16, 5, tzinfo=UTC)


def draft(**changes: object) -> ReportDraft:
    values: dict[str, object] = {
        "category": "lighting", "position": HASSELBY_GARD,
        "description": "Lampan vid gångvägen är trasig", "email": "boende@example.se",
    }  # fmt: skip
    values.update(changes)
    return ReportDraft(**values)  # type: ignore[arg-type]


def observation_uuids(workspace: Workspace, slug: str = "hasselby-gard") -> set[str]:
    return {o.uuid for o in list_observations(workspace, slug)}


def test_a_report_waits_in_the_inbox_and_never_on_the_map(workspace: Workspace) -> None:
    before = observation_uuids(workspace)
    report = receive_report(workspace, draft(photo=jpeg_with_gps(17.8445, 59.3668)), now=RECEIVED)
    assert (report.area, report.status, report.photos) == ("hasselby-gard", ReportStatus.NEW, 1)
    assert report.id == report.uuid[:8]
    assert observation_uuids(workspace) == before
    assert [r.uuid for r in list_reports(workspace)] == [report.uuid]
    assert list_reports(workspace, area="Grimsta") == []
    # The photo is stored re-encoded, without the phone's metadata.
    [photo] = workspace.store.read_photos("hasselby-gard", [report.uuid])
    image = workspace.store.read_photo_image("hasselby-gard", photo.uuid)
    assert image is not None
    assert not Image.open(io.BytesIO(image)).getexif()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"category": "crime_place"}, "category"),  # internal: never offered to residents
        ({"category": "no_such"}, "category"),
        ({"description": "   "}, "description"),
        ({"description": "x" * 1001}, "description"),
        ({"email": "not an address"}, "email"),
        ({"position": Position(18.07, 59.33)}, "position"),  # central Stockholm: no area
        ({"photo": b"<html>not a photo</html>"}, "photo"),
    ],
)
def test_a_report_that_does_not_fit_is_refused_by_field_and_nothing_is_stored(
    workspace: Workspace, changes: dict[str, object], field: str
) -> None:
    with pytest.raises(Exception) as refused:  # noqa: PT011 - the field says which
        receive_report(workspace, draft(**changes))
    assert getattr(refused.value, "field", None) == field
    assert refused.value.message("sv") != refused.value.message("en")
    assert list_reports(workspace, status=None) == []


def test_residents_are_offered_no_internal_category(workspace: Workspace) -> None:
    offered = {spec.name for spec in resident_categories(workspace.catalog)}
    internal = {spec.name for spec in workspace.catalog.categories if spec.internal}
    assert internal
    assert not offered & internal
    assert offered | internal == set(workspace.catalog.names)


def test_accepting_makes_an_observation_numbered_as_any_other_from_a_resident(
    workspace: Workspace,
) -> None:
    report = receive_report(workspace, draft(photo=jpeg_with_gps(17.8445, 59.3668)), now=RECEIVED)
    last = max(o.number for o in list_observations(workspace, "hasselby-gard"))
    observation = accept_report(
        workspace, report.id, actor="samordnare", fields={"problem": "broken"}
    )
    assert observation.number == last + 1
    assert (observation.category, observation.description) == ("lighting", report.description)
    assert observation.observed_at == RECEIVED
    assert observation.origin is ObservationOrigin.RESIDENT
    assert observation.uuid in observation_uuids(workspace)
    # The report is handled, its e-mail gone; the photo went with it to the observation.
    handled = find_report(workspace, report.id)
    assert (handled.status, handled.email) == (ReportStatus.ACCEPTED, None)
    assert (handled.observation_uuid, handled.handled_by) == (observation.uuid, "samordnare")
    assert list_reports(workspace) == []
    [photo] = workspace.store.read_photos("hasselby-gard", [observation.uuid])
    assert photo.layer == "lighting"
    # Accepted once: again is refused.
    with pytest.raises(InboxError, match="handled already"):
        accept_report(workspace, report.id, actor="samordnare", fields={"problem": "broken"})


def test_accepting_with_another_category_and_a_missing_field_says_how_to_give_it(
    workspace: Workspace,
) -> None:
    report = receive_report(workspace, draft(category="other"))
    before = observation_uuids(workspace)
    with pytest.raises(FeatureValidationError, match="problem") as refused:
        accept_report(workspace, report.id, actor="samordnare", category="lighting")
    assert refused.value.field == "problem"
    assert observation_uuids(workspace) == before
    assert find_report(workspace, report.id).status is ReportStatus.NEW  # nothing changed
    observation = accept_report(workspace, report.id, actor="samordnare", category="crime_place",
                                fields={"crime_type": "vandalism"})  # fmt: skip
    assert observation.category == "crime_place"  # the coordinator may choose an internal one


def test_rejecting_keeps_the_reason_and_removes_the_email_and_photos(
    workspace: Workspace,
) -> None:
    report = receive_report(workspace, draft(photo=jpeg_with_gps(17.8445, 59.3668)))
    with pytest.raises(InboxError) as refused:
        reject_report(workspace, report.id, "  ", actor="samordnare")
    assert refused.value.field == "reason"
    rejected = reject_report(workspace, report.id, "Redan anmält", actor="samordnare")
    assert (rejected.status, rejected.reason, rejected.email) == (
        ReportStatus.REJECTED, "Redan anmält", None,
    )  # fmt: skip
    assert workspace.store.read_photos("hasselby-gard", [report.uuid]) == []
    with pytest.raises(InboxError, match="handled already"):
        reject_report(workspace, report.id, "igen", actor="samordnare")


def test_the_change_log_never_keeps_the_email(workspace: Workspace) -> None:
    report = receive_report(workspace, draft(email="anna.svensson@example.se"))
    reject_report(workspace, report.id, "Dubblett", actor="samordnare")
    log = workspace.store.read_records("hasselby-gard", CHANGE_LOG_LAYER)
    mine = [e for e in log if e["feature_uuid"] == report.uuid]
    assert {e["action"] for e in mine} == {"insert", "update"}
    for entry in mine:
        assert "anna.svensson" not in json.dumps(entry, default=str)
    assert json.loads(mine[0]["after"])["email"] == "***"  # that there was one, not which


def test_an_id_names_one_report_or_is_refused(workspace: Workspace) -> None:
    report = receive_report(workspace, draft())
    assert find_report(workspace, report.uuid).uuid == report.uuid
    assert find_report(workspace, report.id.upper()).uuid == report.uuid
    for wrong in ("", "abc", "ffffffff"):
        with pytest.raises(InboxError, match="inbox list"):
            find_report(workspace, wrong)


def test_counts_per_tertial_say_received_and_handled(workspace: Workspace) -> None:
    now = datetime.now(UTC)
    first = receive_report(workspace, draft(), now=now)
    receive_report(workspace, draft(position=GRIMSTA), now=now)
    receive_report(workspace, draft(), now=now)
    reject_report(workspace, first.id, "Dubblett", actor="samordnare")
    counts = report_counts(workspace, "hasselby-gard")
    assert [c.tertial for c in counts][-1] == Tertial.of(now)
    assert len(counts) == 3
    assert counts[0].tertial < counts[1].tertial
    assert [(c.received, c.handled) for c in counts] == [(0, 0), (0, 0), (2, 1)]


def test_only_coordinators_see_and_handle_the_inbox(workspace: Workspace) -> None:
    report = receive_report(workspace, draft())
    registrant = workspace_as(workspace, Account("rita", Role.REGISTRANT))
    assert registrant.store.read_records("hasselby-gard", INBOX_LAYER) == []
    assert list_reports(registrant) == []
    with pytest.raises(AccessError):
        registrant.store.update_many(
            "hasselby-gard", [(INBOX_LAYER, report.uuid, {"status": "rejected"})], actor="rita"
        )
    coordinator = workspace_as(workspace, Account("cecilia", Role.COORDINATOR))
    assert [r.uuid for r in list_reports(coordinator)] == [report.uuid]
    observation = accept_report(coordinator, report.id, actor="x", fields={"problem": "broken"})
    assert observation.created_by == "cecilia"


def test_an_area_export_leaves_the_inbox_out(workspace: Workspace, tmp_path: Path) -> None:
    receive_report(workspace, draft(photo=jpeg_with_gps(17.8445, 59.3668)))
    path = tmp_path / "hasselby.gpkg"
    export(workspace, path, areas=["hasselby-gard"])
    layers = dict(pyogrio.list_layers(path))
    assert INBOX_LAYER not in layers or pyogrio.read_info(path, layer=INBOX_LAYER)["features"] == 0
    photos = pyogrio.read_dataframe(path, layer=PHOTOS_LAYER, read_geometry=False)
    assert set(photos["layer"]) <= set(workspace.catalog.names)


# ---------------------------------------------------------------------- the command line
def test_the_command_line_lists_accepts_and_rejects_reports(
    capsys: pytest.CaptureFixture[str], ws: list[str], workspace: Workspace
) -> None:
    first = receive_report(workspace, draft(description='<script>alert("x")</script>'))
    second = receive_report(workspace, draft(category="litter", position=GRIMSTA, email=None))
    code, out, err = run(capsys, "inbox", "list", "--json", *ws)
    assert code == 0, err
    listed = {r["id"]: r for r in json.loads(out)}
    assert set(listed) == {first.id, second.id}
    assert listed[first.id]["email"] == "boende@example.se"
    assert listed[first.id]["description"] == '<script>alert("x")</script>'  # as written
    code, out, _ = run(capsys, "inbox", "list", "--area", "Grimsta", "--json", *ws)
    assert [r["id"] for r in json.loads(out)] == [second.id]
    code, out, _ = run(capsys, "inbox", "list", *ws)
    assert code == 0
    assert first.id in out
    assert "Lighting" in out

    # Accepting: a number of its area, the source marked; the list and the map see it.
    before = {o["number"] for o in _listed(capsys, ws, "hasselby-gard")}
    code, out, err = run(capsys, "inbox", "accept", first.id, "--field", "problem=broken",
                         "--json", *ws)  # fmt: skip
    assert code == 0, err
    accepted = json.loads(out)
    assert accepted["number"] == max(before) + 1
    assert (accepted["area"], accepted["source"], accepted["category"]) == (
        "hasselby-gard", "resident", "lighting",
    )  # fmt: skip
    listed_now = {o["number"]: o for o in _listed(capsys, ws, "hasselby-gard")}
    assert listed_now[accepted["number"]]["origin"] == "resident"

    # Rejecting: a reason is needed; afterwards nothing waits.
    code, _, err = run(capsys, "inbox", "reject", second.id, *ws)
    assert code == 2
    assert "--reason" in err
    code, out, err = run(capsys, "inbox", "reject", second.id, "--reason", "Städat", "--json", *ws)
    assert code == 0, err
    assert json.loads(out)["status"] == "rejected"
    code, out, _ = run(capsys, "inbox", "list", "--json", *ws)
    assert json.loads(out) == []
    code, out, _ = run(capsys, "inbox", "list", "--all", "--json", *ws)
    assert {r["status"] for r in json.loads(out)} == {"accepted", "rejected"}
    assert {r["email"] for r in json.loads(out)} == {None}


def _listed(capsys: pytest.CaptureFixture[str], ws: list[str], area: str) -> list[dict]:  # type: ignore[type-arg]
    code, out, err = run(capsys, "list", "--area", area, "--json", *ws)
    assert code == 0, err
    return json.loads(out)  # type: ignore[no-any-return]


def test_the_command_line_refuses_a_missing_field_naming_it_and_changes_nothing(
    capsys: pytest.CaptureFixture[str], ws_sv: list[str], workspace: Workspace,
    workspace_path: Path,
) -> None:  # fmt: skip
    report = receive_report(workspace, draft())
    files = {p.name: p.read_bytes() for p in workspace_path.glob("*.gpkg")}
    code, out, err = run(capsys, "inbox", "accept", report.id, *ws_sv)
    assert (code, out) == (1, "")
    assert "problem" in err
    assert "--field problem=" in err
    code, _, err = run(capsys, "inbox", "accept", "zzzz9999", *ws_sv)
    assert code == 1
    assert "safewalk inbox list" in err
    assert {p.name: p.read_bytes() for p in workspace_path.glob("*.gpkg")} == files


def test_a_report_goes_through_the_inbox_of_a_postgis_workspace(postgres: PostgresServer) -> None:
    url = postgres.new_database()
    workspace = open_workspace(settings_from_env({}, database_url=url))
    report = receive_report(workspace, draft(photo=jpeg_with_gps(17.8445, 59.3668)))
    assert [r.uuid for r in list_reports(workspace)] == [report.uuid]
    observation = accept_report(workspace, report.id, actor="samordnare",
                                fields={"problem": "broken"})  # fmt: skip
    assert observation.origin is ObservationOrigin.RESIDENT
    assert [p.layer for p in workspace.store.read_photos("hasselby-gard", [observation.uuid])] == [
        "lighting"
    ]
    handled = find_report(workspace, report.id)
    assert (handled.status, handled.email) == (ReportStatus.ACCEPTED, None)
    log = workspace.store.read_records("hasselby-gard", CHANGE_LOG_LAYER)
    assert "boende@example.se" not in json.dumps(log, default=str)
