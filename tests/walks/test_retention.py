"""Retention: rules from data/retention.toml applied to a workspace with old dates.

The workspace is a real one (GeoPackages on disk, one on PostGIS); "old" is the clock moved
on (``walks.core.clock.utc_now``), not sleeping.
"""

from __future__ import annotations

import io
import json
import sqlite3
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import numpy as np
import psycopg
import pytest
from PIL import Image

from gis.photos import Photo, process_photo
from layers.accounts import AccountRow, FileAccounts
from layers.gpkg import GeoPackageStore
from layers.schema import CHANGE_LOG_LAYER, INBOX_LAYER
from layers.values import MeasureStatus, ReportStatus
from tests.builders import NOW
from tests.cli import run
from tests.postgres import PostgresServer
from walks.access.accounts import list_accounts, set_disabled
from walks.access.guard import AccessError, workspace_as
from walks.actions.account_data import account_data
from walks.actions.inbox import ReportDraft, accept_report, receive_report, reject_report
from walks.actions.measures import add_measure, change_status
from walks.actions.retention import apply_retention
from walks.actions.retention_rules import RetentionError, Rule, months_before, retention_rules
from walks.core import clock
from walks.core.config import DEFAULT_DATA_DIR, settings_from_env
from walks.core.model import Observation, ObservationDraft, Position
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace
from walks.fieldwork.recording import record_observation, withdraw_observation
from walks.fieldwork.startup import open_workspace

HASSELBY = Position(17.8445, 59.3668)
"""A place in Hässelby gård."""


def noise_photo(seed: int) -> Photo:
    """A photo of noise: its JPEG bytes occur nowhere else, so a file can be searched for them."""
    pixels = np.random.default_rng(seed).integers(0, 255, (240, 320, 3), dtype=np.uint8)
    buffer = io.BytesIO()
    Image.fromarray(pixels).save(buffer, format="JPEG", quality=95)
    return process_photo(buffer.getvalue(), max_bytes=10_000_000)


@dataclass(frozen=True)
class Scene:
    """What the workspace holds of people, made now: the clock then moves on."""

    resolved: Observation
    photo: Photo
    note_photo: Photo
    withdrawn: Observation
    rejected: str
    waiting: str
    accepted: str
    by_anna: Observation


def record(workspace: Workspace, text: str, *photos: Photo, by: str = "tester") -> Observation:
    draft = ObservationDraft("lighting", HASSELBY, by, description=text,
                             fields={"problem": "broken"}, photos=photos)  # fmt: skip
    return record_observation(workspace, draft)


def make_scene(workspace: Workspace) -> Scene:
    photo, note_photo = noise_photo(1), noise_photo(2)
    resolved = record(workspace, "Lampan vid porten är släckt", photo)
    add_measure(workspace, resolved.area, observations=[resolved.number], title="Byt lampan",
                responsible="trafikkontoret", actor="tester")  # fmt: skip
    change_status(workspace, resolved.area, 1, MeasureStatus.DONE, actor="tester",
                  note="Lampan bytt", photos=[note_photo])  # fmt: skip
    withdrawn = record(workspace, "Fel: Anna Andersson på nr 4 ringde")
    withdraw_observation(workspace, withdrawn, actor="tester")
    rejected = receive_report(workspace, ReportDraft("litter", HASSELBY, "Glas vid min port",
                                                     email="boende@example.se"))  # fmt: skip
    reject_report(workspace, rejected.id, "Redan anmäld", actor="tester")
    waiting = receive_report(workspace, ReportDraft("litter", HASSELBY, "Skräp vid bänken",
                                                    email="vantar@example.se"))  # fmt: skip
    accepted = receive_report(workspace, ReportDraft("litter", HASSELBY, "Flaskor",
                                                     email="svar@example.se"))  # fmt: skip
    accept_report(workspace, accepted.id, actor="tester", fields={"litter_type": "glass"})
    for name, role in (("anna", Role.REGISTRANT), ("admin", Role.ADMIN)):  # no login: no hash
        workspace.store.accounts().add(AccountRow(name, role.value, "-", None, False, NOW))
    anna = workspace_as(workspace, Account("anna", Role.REGISTRANT))
    by_anna = record(anna, "Mörkt vid trappan", by="anna")
    set_disabled(workspace, "anna")
    return Scene(resolved, photo, note_photo, withdrawn, rejected.uuid, waiting.uuid,
                 accepted.uuid, by_anna)  # fmt: skip


@pytest.fixture
def scene(workspace: Workspace) -> Scene:
    """The scene in a workspace of GeoPackages (a copy of the seeded one)."""
    return make_scene(workspace)


@pytest.fixture
def memory_scene(memory_workspace: Workspace) -> Scene:
    """The scene in a workspace in memory, for what needs no files."""
    return make_scene(memory_workspace)


@pytest.fixture
def later(monkeypatch: pytest.MonkeyPatch) -> None:
    """Move the clock 25 months on: every default rule is due."""
    moment = clock.utc_now() + timedelta(days=25 * 31)
    monkeypatch.setattr(clock, "utc_now", lambda: moment)


def files_of(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def log_text(workspace: Workspace, slug: str) -> str:
    entries = workspace.store.read_records(slug, CHANGE_LOG_LAYER)
    return json.dumps([[e["actor"], e["before"], e["after"]] for e in entries], ensure_ascii=False)


# ------------------------------------------------------------------------- the rules file


def test_the_shipped_rules_set_every_rule_with_its_documented_default() -> None:
    rules = retention_rules(DEFAULT_DATA_DIR)
    assert [s.rule for s in rules.settings] == list(Rule)
    assert rules[Rule.PHOTOS].months == 24
    assert rules[Rule.PHOTOS].statuses == ("resolved", "dismissed")
    assert (rules[Rule.RESIDENT_EMAIL].days, rules[Rule.ACCOUNTS].months) == (0, 12)
    assert all(s.enabled for s in rules.settings)


def test_a_data_folders_rules_override_the_shipped_ones_key_by_key(tmp_path: Path) -> None:
    (tmp_path / "retention.toml").write_text(
        "[photos]\nafter_months = 36\n\n[deleted_text]\nenabled = false\n", encoding="utf-8"
    )
    rules = retention_rules(tmp_path)
    assert rules[Rule.PHOTOS].months == 36
    assert rules[Rule.PHOTOS].statuses == ("resolved", "dismissed")
    assert rules.enabled(Rule.DELETED_TEXT) is None
    assert rules[Rule.ACCOUNTS].months == 12
    assert rules.files[-1] == (tmp_path / "retention.toml").resolve()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[fotos]\nafter_months = 3\n", r"unknown rule \[fotos\]; the rules are photos, "),
        ("[photos]\nafter_month = 3\n",
         r"\[photos\] has no key 'after_month'; its keys are enabled, after_months, statuses"),
        ("[photos]\nafter_months = -1\n", r"\[photos\] after_months must be a whole number of "
         r"months, 0–1200, not -1"),
        ("[accounts]\nenabled = 'yes'\n", r"\[accounts\] enabled must be true or false"),
        ("[photos]\nstatuses = ['closed']\n",
         r"\[photos\] statuses: 'closed' is no status here; give a list of new, "),
        ("[photos\n", r"is not valid TOML"),
    ],
)  # fmt: skip
def test_a_rules_file_that_cannot_be_used_is_named_with_what_is_wrong(
    tmp_path: Path, text: str, message: str
) -> None:
    (tmp_path / "retention.toml").write_text(text, encoding="utf-8")
    with pytest.raises(RetentionError, match=f"{tmp_path / 'retention.toml'}: {message}"):
        retention_rules(tmp_path)


def test_months_are_calendar_months_ending_on_the_months_last_day() -> None:
    moment = clock.utc_now().replace(year=2028, month=3, day=31)
    assert months_before(moment, 1).date().isoformat() == "2028-02-29"
    assert months_before(moment, 24).date().isoformat() == "2026-03-31"


# ----------------------------------------------------------------------- a dry run, then


def test_nothing_is_due_while_the_data_is_young_but_a_forgotten_email_is(
    memory_workspace: Workspace, memory_scene: Scene
) -> None:
    workspace, scene = memory_workspace, memory_scene
    slug = scene.resolved.area
    handled = workspace.store.read_records(slug, INBOX_LAYER, None)
    accepted = next(r for r in handled if r["uuid"] == scene.accepted)
    workspace.store.update(slug, INBOX_LAYER, accepted["uuid"], {"email": "kvar@example.se"},
                           actor="an older version")  # fmt: skip
    result = apply_retention(workspace, actor="tester", dry_run=True)
    assert [(a.area, [(r.rule, r.count) for r in a.removals]) for a in result.areas] == [
        (slug, [(Rule.RESIDENT_EMAIL, 1)])]  # fmt: skip
    assert result.accounts == ()


def test_a_dry_run_says_what_is_due_and_changes_no_byte(
    workspace: Workspace, workspace_path: Path, scene: Scene, later: None,
    capsys: pytest.CaptureFixture[str], ws: list[str], ws_sv: list[str],
) -> None:  # fmt: skip
    before = files_of(workspace_path)
    code, out, err = run(capsys, *ws, "retention", "apply", "--dry-run", "--json")
    assert (code, err) == (0, "")
    assert files_of(workspace_path) == before
    result = json.loads(out)
    assert result["dry_run"] is True
    [area] = result["areas"]
    assert (area["area"], area["done"]) == (scene.resolved.area, None)
    removed = {r["rule"]: r for r in area["removed"]}
    assert removed["photos"] == {"rule": "photos", "count": 1,
                                 "observations": [scene.resolved.number]}  # fmt: skip
    assert removed["note_photos"] == {"rule": "note_photos", "count": 1, "measures": [1]}
    assert removed["waiting_email"]["reports"] == [scene.waiting[:8]]
    assert removed["rejected_reports"]["reports"] == [scene.rejected[:8]]
    assert removed["deleted_text"]["count"] == 1
    assert removed["accounts"] == {"rule": "accounts", "count": 1,
                                   "accounts": ["removed account 1"]}  # fmt: skip
    assert result["accounts"] == [{"name": "anna", "removed_as": "removed account 1",
                                   "disabled_at": result["accounts"][0]["disabled_at"],
                                   "done": None}]  # fmt: skip
    code, out, _ = run(capsys, *ws_sv, "retention", "apply", "--dry-run")
    assert "Provkörning" in out
    assert f"foton: 1 (iakttagelse {scene.resolved.number})" in out
    assert "Kontot anna skulle anonymiseras som borttaget konto 1." in out
    assert files_of(workspace_path) == before


def test_applying_removes_what_is_due_in_each_area_logs_it_and_leaves_nothing_to_do(
    workspace: Workspace, scene: Scene, later: None, capsys: pytest.CaptureFixture[str],
    ws: list[str],
) -> None:  # fmt: skip
    slug = scene.resolved.area
    code, out, err = run(capsys, *ws, "retention", "apply")
    assert (code, err) == (0, "")
    assert "done" in out
    store = workspace.store
    assert store.read_photos(slug, [scene.resolved.uuid]) == []
    assert store.read_records(slug, "lighting", None)[0]["description"]  # the observation stays
    reports = {r["uuid"]: r for r in store.read_records(slug, INBOX_LAYER)}
    assert scene.rejected not in reports
    assert reports[scene.waiting]["email"] is None
    assert reports[scene.waiting]["status"] is ReportStatus.NEW
    text = log_text(workspace, slug)
    for gone in ("Glas vid min port", "Anna Andersson", "boende@example.se", '"anna"'):
        assert gone not in text
    erased = [e for e in store.read_records(slug, CHANGE_LOG_LAYER) if e["action"] == "erase"]
    assert {json.loads(e["after"])["rule"] for e in erased} == {
        "photos",
        "note_photos",
        "waiting_email",
        "rejected_reports",
        "deleted_text",
        "accounts",
    }
    assert {e["actor"] for e in erased} == {"tester"}
    code, out, _ = run(capsys, *ws, "retention", "apply")
    assert (code, out.splitlines()[-1]) == (0, "Nothing to remove.")


def test_a_removed_photo_leaves_no_byte_in_the_geopackage(
    workspace: Workspace, scene: Scene, later: None
) -> None:
    store = workspace.store
    assert isinstance(store, GeoPackageStore)
    path = store.path(scene.resolved.area)
    stored = [store.read_photo_image(scene.resolved.area, p.uuid)
              for p in store.read_photos(scene.resolved.area, [scene.resolved.uuid])]  # fmt: skip
    assert stored == [scene.photo.jpeg]
    pieces = [
        scene.photo.jpeg[1000:1064],
        scene.photo.jpeg[-200:-136],
        scene.photo.thumbnail[600:664],
        scene.note_photo.jpeg[1000:1064],
    ]
    # Another program (an SQLite built without secure_delete) made and dropped a copy of the
    # photos: the bytes stay in the file's free pages, which no DELETE of safewalk's reaches.
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA secure_delete = OFF")
        connection.execute("CREATE TABLE copied AS SELECT image, thumbnail FROM photos")
        connection.execute("DROP TABLE copied")
    connection.close()
    assert all(piece in path.read_bytes() for piece in pieces[:3])
    apply_retention(workspace, actor="tester")
    left = b"".join(p.read_bytes() for p in path.parent.glob(f"{path.name}*"))
    assert [piece in left for piece in pieces] == [False] * 4


def test_a_failing_area_changes_nothing_there_and_the_others_are_done(
    workspace: Workspace, scene: Scene, later: None, capsys: pytest.CaptureFixture[str],
    ws: list[str],
) -> None:  # fmt: skip
    other = record_observation(workspace, ObservationDraft(
        "lighting", Position(17.8635, 59.3562), "tester", fields={"problem": "broken"},
        photos=(noise_photo(3),)))  # fmt: skip
    assert other.area != scene.resolved.area
    workspace.store.update(other.area, "lighting", other.uuid, {"status": "dismissed"},
                           actor="tester")  # fmt: skip
    store = workspace.store
    assert isinstance(store, GeoPackageStore)
    failing = scene.resolved.area
    with sqlite3.connect(store.path(failing)) as connection:
        connection.execute("CREATE TRIGGER kept BEFORE DELETE ON photos "
                           "BEGIN SELECT RAISE(ABORT, 'photos are kept here'); END")  # fmt: skip
    before = log_text(workspace, failing), store.feature_counts(failing)
    code, out, err = run(capsys, *ws, "retention", "apply", "--json")
    assert code == 1
    assert "photos are kept here" in err
    assert "nothing in the area changed" in err
    done = {a["area"]: a for a in json.loads(out)["areas"]}
    assert (done[failing]["done"], done[other.area]["done"]) == (False, True)
    assert (log_text(workspace, failing), store.feature_counts(failing)) == before
    assert store.read_photos(other.area, [other.uuid]) == []
    # The account keeps its name until every area has done its part, under the number given.
    assert [r.name for r in list_accounts(workspace)] == ["admin", "anna"]
    assert list_accounts(workspace)[1].removed_as == 1
    with sqlite3.connect(store.path(failing)) as connection:
        connection.execute("DROP TRIGGER kept")
    code, out, _ = run(capsys, *ws, "retention", "apply", "--json")
    assert code == 0
    assert json.loads(out)["accounts"][0]["removed_as"] == "removed account 1"
    assert [r.name for r in list_accounts(workspace)] == ["admin", "removed account 1"]


# ------------------------------------------------------------------------------ accounts


def test_an_anonymised_accounts_changes_stay_attributed_to_removed_account_n(
    workspace: Workspace,
    scene: Scene,
    capsys: pytest.CaptureFixture[str],
    ws: list[str],
    ws_sv: list[str],
) -> None:
    code, out, err = run(capsys, *ws, "user", "anonymise", "anna")
    assert code == 1
    assert "Nothing was changed" in err
    assert "The account anna would be anonymised as removed account 1." in out
    assert [r.name for r in list_accounts(workspace)] == ["admin", "anna"]
    code, out, _ = run(capsys, *ws, "user", "anonymise", "anna", "--yes")
    assert code == 0
    slug = scene.by_anna.area
    [mine] = [r for r in workspace.store.read_records(slug, "lighting")
              if r["uuid"] == scene.by_anna.uuid]  # fmt: skip
    assert mine["created_by"] == "removed account 1"
    actors = {e["actor"] for e in workspace.store.read_records(slug, CHANGE_LOG_LAYER)}
    assert "removed account 1" in actors
    assert "anna" not in actors
    rows = list_accounts(workspace)
    assert [(r.name, r.role, r.organisation, r.password_hash) for r in rows][1] == (
        "removed account 1", "registrant", None, "")  # fmt: skip
    code, out, _ = run(capsys, *ws_sv, "user", "list")
    assert "borttaget konto 1" in out
    assert "anonymiserat" in out
    code, _, err = run(capsys, *ws, "user", "enable", "removed account 1")
    assert code == 1
    assert "anonymised" in err


def test_a_coordinator_applies_the_area_rules_but_not_the_account_rule(
    memory_workspace: Workspace, memory_scene: Scene, later: None
) -> None:
    workspace, scene = memory_workspace, memory_scene
    coordinator = workspace_as(workspace, Account("carl", Role.COORDINATOR))
    result = apply_retention(coordinator, actor="ignored")
    assert [rule for rule, _ in result.skipped] == [Rule.ACCOUNTS]
    assert result.accounts == ()
    assert not result.failed
    entries = workspace.store.read_records(scene.resolved.area, CHANGE_LOG_LAYER)
    assert {e["actor"] for e in entries if e["action"] == "erase"} == {"carl"}
    assert "anna" in {e["actor"] for e in entries}
    registrant = workspace_as(workspace, Account("rita", Role.REGISTRANT))
    with pytest.raises(AccessError, match="may not erase data"):
        apply_retention(registrant, actor="rita")


# --------------------------------------------------------------------------- user export


def test_a_user_export_holds_everything_stored_about_the_account_and_no_hash(
    workspace: Workspace, scene: Scene, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    ws: list[str],
) -> None:  # fmt: skip
    target = tmp_path / "anna.json"
    code, out, _ = run(capsys, *ws, "user", "export", "anna", "--output", str(target))
    assert code == 0
    assert str(target) in out
    data = json.loads(target.read_text(encoding="utf-8"))
    account = data["account"]
    assert (account["name"], account["role"], account["disabled"]) == ("anna", "registrant", True)
    assert "argon2" in account["password"]
    assert "$argon2" not in target.read_text(encoding="utf-8")
    [area] = data["areas"]
    assert [o["uuid"] for o in area["observations"]] == [scene.by_anna.uuid]
    assert area["observations"][0]["description"] == "Mörkt vid trappan"
    assert {c["layer"] for c in area["changes"]} == {"lighting"}
    assert data["counts"]["changes"] == len(area["changes"]) == 1
    assert "sessions" in data["logins"]
    code, _, err = run(capsys, *ws, "user", "export", "nobody")
    assert (code, err) == (1, "safewalk: There is no user 'nobody'.\n")


def test_a_user_export_names_the_reports_a_resident_sent_with_that_address(
    memory_workspace: Workspace, memory_scene: Scene
) -> None:
    workspace, scene = memory_workspace, memory_scene
    workspace.store.accounts().add(AccountRow("vantar@example.se", "viewer", "-", None, False, NOW))
    data = account_data(workspace, "vantar@example.se", language="en")
    [area] = data["areas"]
    assert [r["uuid"] for r in area["reports_sent"]] == [scene.waiting]
    assert area["reports_sent"][0]["email"] == "vantar@example.se"


# ------------------------------------------------------------------------------- PostGIS


def test_retention_on_a_database_is_all_or_nothing_per_area_as_on_files(
    postgres: PostgresServer,
) -> None:
    url = postgres.new_database()
    workspace = open_workspace(settings_from_env({}, database_url=url))
    scene = make_scene(workspace)
    slug = scene.resolved.area
    moment = clock.utc_now() + timedelta(days=25 * 31)
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(
            f"CREATE FUNCTION keep() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"RAISE EXCEPTION 'photos are kept here'; END $$; CREATE TRIGGER kept BEFORE "
            f'DELETE ON "{slug}".photos FOR EACH ROW EXECUTE FUNCTION keep()'
        )
    before = log_text(workspace, slug), workspace.store.feature_counts(slug)
    failed = apply_retention(workspace, actor="tester", now=moment)
    assert [a.area for a in failed.failed] == [slug]
    assert failed.failed[0].error is not None
    assert "photos are kept here" in failed.failed[0].error.message("en")
    assert (log_text(workspace, slug), workspace.store.feature_counts(slug)) == before
    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute(f'DROP TRIGGER kept ON "{slug}".photos')
    done = apply_retention(workspace, actor="tester", now=moment)
    assert (done.failed, done.accounts_done) == ((), ("anna",))
    assert workspace.store.read_photos(slug, [scene.resolved.uuid]) == []
    assert scene.rejected not in {r["uuid"] for r in workspace.store.read_records(slug, "inbox")}
    text = log_text(workspace, slug)
    assert [w for w in ("Glas vid min port", "Anna Andersson", '"anna"') if w in text] == []
    assert "removed account 1" in text
    assert [r.name for r in list_accounts(workspace)] == ["admin", "removed account 1"]


def test_an_accounts_file_of_an_earlier_version_counts_its_disabled_accounts_from_now(
    tmp_path: Path,
) -> None:
    with sqlite3.connect(tmp_path / "accounts.sqlite") as connection:
        connection.execute(
            "CREATE TABLE accounts (name TEXT PRIMARY KEY, role TEXT NOT NULL, "
            "password_hash TEXT NOT NULL, organisation TEXT, disabled INTEGER NOT NULL, "
            "created_at TEXT NOT NULL, failed_logins INTEGER NOT NULL DEFAULT 0, "
            "locked_until TEXT)"
        )
        connection.executemany(
            "INSERT INTO accounts (name, role, password_hash, disabled, created_at) "
            "VALUES (?, 'viewer', '-', ?, '2020-01-01T00:00:00+00:00')",
            [("gone", 1), ("here", 0)],
        )
    connection.close()
    rows = {row.name: row for row in FileAccounts(tmp_path).all()}
    assert rows["gone"].disabled_at is not None
    assert abs(rows["gone"].disabled_at - clock.utc_now()) < timedelta(minutes=1)
    assert (rows["here"].disabled_at, rows["here"].removed_as) == (None, None)
