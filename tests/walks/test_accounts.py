"""Accounts and roles: logging in, and each role refused what it may not do, in the services."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from layers.records import Query
from layers.schema import CHANGE_LOG_LAYER
from layers.values import MeasureStatus
from tests.builders import photo
from tests.cli import run
from tests.postgres import PostgresServer
from walks.access.accounts import (
    LOCK_S,
    MAX_FAILED,
    AccountError,
    account_for_login,
    add_account,
    has_accounts,
    log_in,
    set_disabled,
)
from walks.access.guard import AccessError, may_read, sees_who_registered, workspace_as
from walks.actions.measures import add_measure, add_note, change_status
from walks.core.config import settings_from_env
from walks.core.model import ObservationDraft, Position
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace
from walks.documents.areasmap import map_data
from walks.fieldwork.recording import list_observations, record_observation
from walks.fieldwork.startup import open_workspace

PASSWORD = "långt-och-hemligt"  # noqa: S105 - a test account's
AREA = "hasselby-gard"


def draft(category: str = "litter", **fields: object) -> ObservationDraft:
    given = fields or {"litter_type": "general"}
    return ObservationDraft(category=category, position=Position(17.8445, 59.3668),
                            created_by="app", fields=given)  # fmt: skip


def test_the_command_line_manages_accounts(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws = ["--workspace", str(workspace_path), "--lang", "en"]
    assert "No users: the workspace is used without a login" in run(capsys, "user", "list", *ws)[1]
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    code, out, err = run(capsys, "user", "add", "kim", "--role", "coordinator",
                         "--password-stdin", *ws)  # fmt: skip
    assert (code, out.strip()) == (0, "The user kim (coordinator) was added. The app now asks "
                                      "for a login."), err  # fmt: skip
    monkeypatch.setattr("sys.stdin", io.StringIO("kort\n"))
    code, _, err = run(capsys, "user", "add", "sam", "--role", "viewer", "--password-stdin", *ws)
    assert (code, "too short: at least 10 characters" in err) == (1, True)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    code, _, err = run(capsys, "user", "add", "fb", "--role", "partner", "--password-stdin", *ws)
    assert (code, "A partner needs --organisation" in err) == (1, True)
    monkeypatch.setattr("sys.stdin", io.StringIO(f"{PASSWORD}\n"))
    assert run(capsys, "user", "add", "fb", "--role", "partner", "--organisation",
               "Familjebostäder", "--password-stdin", *ws)[0] == 0  # fmt: skip
    assert run(capsys, "user", "set-role", "kim", "admin", *ws)[1].strip() == "kim is now admin."
    assert run(capsys, "user", "disable", "fb", *ws)[0] == 0
    code, _, err = run(capsys, "user", "set-role", "kim", "boss", *ws)
    assert (code, "Unknown role 'boss'; roles: viewer, registrant" in err) == (1, True)
    users = json.loads(run(capsys, "user", "list", "--json", *ws)[1])
    assert [(u["name"], u["role"], u["organisation"], u["disabled"]) for u in users] == [
        ("fb", "partner", "familjebostader", True), ("kim", "admin", None, False),
    ]  # fmt: skip
    assert (workspace_path / "accounts.sqlite").exists()  # kept in the workspace folder
    assert "$argon2" in (workspace_path / "accounts.sqlite").read_bytes().decode("latin-1")


def test_logging_in_is_slowed_after_wrong_passwords(workspace: Workspace) -> None:
    assert not has_accounts(workspace)
    add_account(workspace, "kim", "coordinator", PASSWORD)
    assert has_accounts(workspace)
    assert log_in(workspace, "kim", PASSWORD) == Account("kim", Role.COORDINATOR)
    for name in ("kim", "okänd"):  # an unknown name is told the same
        with pytest.raises(AccountError, match="Wrong user name or password"):
            log_in(workspace, name, "fel-lösenord")
    now = datetime.now(UTC)
    for _ in range(MAX_FAILED - 1):
        with pytest.raises(AccountError, match="Wrong"):
            log_in(workspace, "kim", "fel-lösenord", now=now)
    with pytest.raises(AccountError, match="Too many wrong tries; try again in 5 min"):
        log_in(workspace, "kim", PASSWORD, now=now)  # even the right one waits
    later = now + timedelta(seconds=LOCK_S + 1)
    assert log_in(workspace, "kim", PASSWORD, now=later).name == "kim"
    set_disabled(workspace, "kim")
    with pytest.raises(AccountError, match="disabled"):
        log_in(workspace, "kim", PASSWORD, now=later)


def test_single_sign_on_finds_the_account_by_e_mail(workspace: Workspace) -> None:
    add_account(workspace, "anna.berg@stockholm.se", "registrant", PASSWORD)
    assert account_for_login(workspace, "Anna.Berg@stockholm.se ") == Account(
        "anna.berg@stockholm.se", Role.REGISTRANT
    )
    assert account_for_login(workspace, "okand@stockholm.se") is None


def test_a_viewer_is_refused_in_the_services_and_sees_no_internal_feature(
    workspace: Workspace,
) -> None:
    viewer = workspace_as(workspace, Account("sam", Role.VIEWER))
    before = workspace.store.revision()
    with pytest.raises(AccessError, match="sam \\(viewer\\) may not add to litter"):
        record_observation(viewer, draft(), area=AREA)
    assert workspace.store.revision() == before
    everything = map_data(workspace, [AREA]).observations
    assert {"crime_place", "social_unsafe"} & set(everything["category"])  # the demo has them
    shown = map_data(viewer, [AREA]).observations
    assert not {"crime_place", "social_unsafe"} & set(shown["category"])
    assert len(shown) == len(everything) - everything["category"].isin(
        ["crime_place", "social_unsafe"]).sum()  # fmt: skip
    assert viewer.store.read_records(AREA, CHANGE_LOG_LAYER) == []
    assert viewer.store.read_records(AREA, "crime_place") == []


def test_a_viewer_counts_and_pages_only_what_it_may_see(memory_workspace: Workspace) -> None:
    viewer = workspace_as(memory_workspace, Account("sam", Role.VIEWER))
    assert memory_workspace.store.count_features(AREA, "crime_place") > 0  # the demo has some
    assert viewer.store.count_features(AREA, "crime_place") == 0
    assert (may_read(viewer, "crime_place"), may_read(viewer, "lighting")) == (False, True)
    assert may_read(memory_workspace, "crime_place")
    assert (sees_who_registered(viewer), sees_who_registered(memory_workspace)) == (False, True)
    numbers = [o.number for o in list_observations(memory_workspace, AREA)][:3]
    made = [add_measure(memory_workspace, AREA, observations=[number], title=f"Åtgärd {k}",
                        responsible="sl", public=k > 0, actor="kim").number
            for k, number in enumerate(numbers)]  # fmt: skip
    page = viewer.store.read_records(AREA, "measures", Query(limit=1))
    assert [m["number"] for m in page] == [made[1]]  # the first public one, not none
    frame = viewer.store.read_layer(AREA, "measures", Query(limit=2))
    assert list(frame["number"]) == made[1:]
    assert viewer.store.count_features(AREA, "measures") == 2


def test_a_registrant_registers_as_itself_whatever_the_caller_says(workspace: Workspace) -> None:
    registrant = workspace_as(workspace, Account("ali", Role.REGISTRANT))
    made = record_observation(registrant, draft(), area=AREA)
    (stored,) = [o for o in list_observations(workspace, AREA) if o.uuid == made.uuid]
    assert stored.created_by == "ali"  # the draft said "app"
    logged = [e for e in workspace.store.read_records(AREA, CHANGE_LOG_LAYER)
              if e["feature_uuid"] == made.uuid]  # fmt: skip
    assert [e["actor"] for e in logged] == ["ali"]
    with pytest.raises(AccessError, match="may not"):
        add_measure(registrant, AREA, observations=[made.number], title="Städa",
                    responsible="sdf-stadsmiljo", actor="ali")  # fmt: skip


def test_photos_are_added_to_a_stored_observation_by_a_registrant_never_a_viewer(
    workspace: Workspace,
) -> None:
    made = record_observation(workspace, draft(), area=AREA)
    viewer = workspace_as(workspace, Account("sam", Role.VIEWER))
    before = workspace.store.revision()
    with pytest.raises(AccessError, match="sam \\(viewer\\) may not add to litter"):
        viewer.store.add_children(AREA, "litter", made.uuid, {"photos": [photo()]}, actor="sam")
    assert workspace.store.revision() == before
    registrant = workspace_as(workspace, Account("ali", Role.REGISTRANT))
    (added,) = registrant.store.add_children(
        AREA, "litter", made.uuid, {"photos": [photo()]}, actor="app"
    )
    assert [p.uuid for p in workspace.store.read_photos(AREA, [made.uuid])] == [added["uuid"]]
    logged = [e for e in workspace.store.read_records(AREA, CHANGE_LOG_LAYER)
              if e["feature_uuid"] == added["uuid"]]  # fmt: skip
    assert [e["actor"] for e in logged] == ["ali"]  # the caller said "app"


def test_a_partner_changes_only_its_own_measures(workspace: Workspace) -> None:
    made = record_observation(workspace, draft(), area=AREA)
    other = record_observation(workspace, draft(), area=AREA)
    own = add_measure(workspace, AREA, observations=[made.number], title="Städa",
                      responsible="familjebostader", actor="kim")  # fmt: skip
    theirs = add_measure(workspace, AREA, observations=[other.number], title="Laga",
                         responsible="trafikkontoret", actor="kim")  # fmt: skip
    partner = workspace_as(workspace, Account("fb", Role.PARTNER, "familjebostader"))
    moved = change_status(partner, AREA, own.number, MeasureStatus.DECIDED, actor="app")
    assert moved.status is MeasureStatus.DECIDED
    add_note(partner, AREA, own.number, "Beställt", actor="app")
    before = workspace.store.revision()
    with pytest.raises(AccessError, match="measures others are responsible for"):
        change_status(partner, AREA, theirs.number, MeasureStatus.DECIDED, actor="app")
    with pytest.raises(AccessError, match="may not add to measure_notes"):
        add_note(partner, AREA, theirs.number, "Vi tar den", actor="app")
    with pytest.raises(AccessError, match="others are responsible for"):
        partner.store.update(AREA, "measures", own.uuid, {"responsible": "district"}, actor="fb")
    assert workspace.store.revision() == before


def test_accounts_are_kept_in_the_database_of_a_postgis_workspace(
    postgres: PostgresServer,
) -> None:
    url = postgres.new_database()
    workspace = open_workspace(settings_from_env({"SAFEWALK_SEED": "0"}, database_url=url))
    add_account(workspace, "kim", "admin", PASSWORD)
    again = open_workspace(settings_from_env({"SAFEWALK_SEED": "0"}, database_url=url))
    assert log_in(again, "kim", PASSWORD) == Account("kim", Role.ADMIN)
    with pytest.raises(AccountError, match="exists already"):
        add_account(again, "kim", "viewer", PASSWORD)
