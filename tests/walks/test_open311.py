"""Observations sent to the city's fault-report system, against a GeoReport v2 server on localhost.

The server (``tests/georeport.py``) keeps requests by the observation's UUID, as a city's
server can: an observation posted twice is one request there. Times are given to the use
cases (``now``): a wait is over because the clock says so, never because a test slept.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from layers.schema import CHANGE_LOG_LAYER, OPEN311_LAYER
from layers.store import Store
from layers.values import DeliveryProblem, ObservationStatus, RequestState
from tests.cli import run
from tests.georeport import (
    API_KEY,
    AREA,
    CODES,
    NOW,
    GeoReportServer,
    data_dir,
    georeport_server,
    observe,
)
from walks.access.accounts import add_account
from walks.access.guard import AccessError, workspace_as
from walks.core.config import Settings, settings_from_env
from walks.core.errors import ConfigError
from walks.core.model import Position
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace
from walks.exchange.open311_codes import Open311Error, service_codes
from walks.exchange.open311_requests import (
    CITY_ACTOR,
    Skip,
    city_requests,
    retry_wait,
    send_observations,
    sendable_observations,
    sync_requests,
)
from walks.fieldwork.recording import find_observation
from walks.fieldwork.startup import open_workspace
from walks.web import routes


@pytest.fixture
def city() -> Iterator[GeoReportServer]:
    with georeport_server() as server:
        yield server


def connected(
    workspace: Workspace, city: GeoReportServer, tmp_path: Path, **changes: object
) -> Workspace:
    given: dict[str, object] = {
        "open311_url": city.url, "open311_api_key": API_KEY, "open311_timeout_s": 2.0,
        "data_dir": data_dir(tmp_path),
    }  # fmt: skip
    settings = replace(workspace.settings, **(given | changes))  # type: ignore[arg-type]
    return Workspace(settings, workspace.store, workspace.account)


@pytest.fixture
def sending(memory_workspace: Workspace, city: GeoReportServer, tmp_path: Path) -> Workspace:
    """The seeded workspace in memory (demo data), sending to ``city``."""
    return connected(memory_workspace, city, tmp_path)


def row(workspace: Workspace, number: int) -> dict[str, object]:
    [found] = [r for r in city_requests(workspace, area=AREA) if r.number == number]
    return found.to_json("en")


def test_observations_are_sent_with_their_uuid_and_a_second_send_posts_nothing(
    sending: Workspace, city: GeoReportServer
) -> None:
    lamp = observe(sending, "lighting", "Lampan  vid\ntunneln är släckt")
    paint = observe(sending, "graffiti")
    litter = observe(sending, "litter")
    crime = observe(sending, "crime_place")
    assert sendable_observations(sending, AREA, now=NOW) == [lamp, paint]
    sent = send_observations(sending, AREA, actor="anna", now=NOW)
    assert [r.number for r in sent.sent] == [lamp, paint]
    assert (sent.waiting, sent.failed) == ([], [])
    reasons = {s.number: s.reason for s in sent.skipped}
    assert (reasons[litter], reasons[crime]) == (Skip.NO_SERVICE_CODE, Skip.INTERNAL)
    demo = {reason for n, reason in reasons.items() if n not in (litter, crime)}
    assert demo == {Skip.DEMO, Skip.INTERNAL}  # demo data, of internal categories too
    observation = find_observation(sending, AREA, sent.sent[0].uuid)
    assert observation is not None
    kept = city.kept[observation.uuid]
    assert kept.service_code == "LIGHT"
    assert kept.form["description"] == "Belysning: Lampan vid tunneln är släckt"
    assert (float(kept.form["lat"]), float(kept.form["long"])) == (observation.lat, observation.lon)
    assert "email" not in kept.form
    assert "media_url" not in kept.form
    assert row(sending, lamp) | {"uuid": "-"} == {
        "area": AREA, "number": lamp, "uuid": "-", "category": "lighting",
        "service_code": "LIGHT", "state": "sent", "attempts": 1, "next_attempt": None,
        "problem": None, "error": None, "message": None, "service_request_id": kept.id,
        "token": None, "sent_at": NOW.isoformat(), "status": "open", "status_notes": None,
        "status_at": None,
    }  # fmt: skip
    # Sending again, the whole area or the one by number, posts nothing.
    again = send_observations(sending, AREA, actor="anna", now=NOW + timedelta(hours=1))
    named = send_observations(sending, AREA, numbers=[lamp], actor="anna", now=NOW)
    assert (again.sent, named.sent, city.posts, len(city.kept)) == ([], [], 2, 2)
    assert [(s.reason, s.detail) for s in named.skipped] == [(Skip.ALREADY_SENT, kept.id)]
    assert named.skipped[0].text().en == f"sent already (the city's id {kept.id})"


def test_a_refusal_keeps_the_servers_own_words_and_is_never_marked_sent(
    memory_workspace: Workspace, city: GeoReportServer, tmp_path: Path
) -> None:
    workspace = connected(memory_workspace, city, tmp_path, open311_api_key="wrong-key")
    lamp = observe(workspace, "lighting")
    sent = send_observations(workspace, AREA, actor="anna", now=NOW)
    [failed] = sent.failed
    assert (failed.state, failed.problem, failed.attempts) == (
        RequestState.FAILED, DeliveryProblem.REFUSED, 1)  # fmt: skip
    assert failed.error == "HTTP 403: 403: Invalid api_key ***"  # the key never kept
    assert failed.reason() is not None
    assert failed.to_json("sv")["message"] == (
        "Stadens system avvisade begäran: HTTP 403: 403: Invalid api_key ***")  # fmt: skip
    assert failed.next_attempt == NOW + timedelta(minutes=5)
    assert failed.service_request_id is None
    assert failed.sent_at is None
    # A service code the city does not have: its list of errors, whole.
    workspace = connected(memory_workspace, city, tmp_path)
    (tmp_path / "data" / "open311.toml").write_text(CODES.replace('"LIGHT"', '"LAMP_POST"'))
    again = send_observations(workspace, AREA, numbers=[lamp], actor="anna", now=NOW)
    assert again.failed[0].error == "HTTP 400: 400: service_code 'LAMP_POST' not found"
    assert again.failed[0].attempts == 2
    assert [r.state for r in city_requests(workspace)] == [RequestState.FAILED]
    assert city.kept == {}


def test_a_server_error_waits_longer_each_time_and_the_next_sync_delivers_it(
    sending: Workspace, city: GeoReportServer
) -> None:
    lamp = observe(sending, "lighting")
    city.mode = "error"
    first = send_observations(sending, AREA, actor="anna", now=NOW)
    waits = NOW + timedelta(minutes=5)
    assert [(r.state, r.problem, r.next_attempt) for r in first.waiting] == [
        (RequestState.WAITING, DeliveryProblem.SERVER_ERROR, waits)]  # fmt: skip
    assert first.waiting[0].error == "HTTP 500: 500: Databasen svarar inte"
    # Before its wait is over it is not tried, and says until when.
    early = send_observations(sending, AREA, actor="anna", now=NOW + timedelta(minutes=1))
    assert [s.reason for s in early.skipped if s.number == lamp] == [Skip.NOT_DUE]
    assert city.posts == 1
    later = NOW + timedelta(minutes=6)
    second = send_observations(sending, AREA, actor="anna", now=later)
    assert second.waiting[0].next_attempt == later + timedelta(minutes=10)
    assert city.posts == 2
    city.mode = "ok"
    assert (
        sync_requests(sending, actor="anna", now=later + timedelta(minutes=5)).delivery.sent == []
    )
    synced = sync_requests(sending, actor="anna", now=later + timedelta(minutes=11))
    [delivered] = synced.delivery.sent
    assert (delivered.number, delivered.attempts, delivered.error) == (lamp, 3, None)
    assert delivered.service_request_id == city.kept[delivered.uuid].id
    assert [retry_wait(n) for n in (1, 2, 3, 8, 9, 50)] == [
        timedelta(minutes=m) for m in (5, 10, 20, 640, 720, 720)]  # fmt: skip


def test_no_answer_in_time_is_not_sent_and_the_retry_finds_the_one_request(
    memory_workspace: Workspace, city: GeoReportServer, tmp_path: Path
) -> None:
    workspace = connected(memory_workspace, city, tmp_path, open311_timeout_s=0.2)
    lamp = observe(workspace, "lighting")
    city.mode = "slow"  # keeps the request, answers after 0.6 s: the answer is lost
    sent = send_observations(workspace, AREA, actor="anna", now=NOW)
    [waiting] = sent.waiting
    assert (waiting.problem, waiting.service_request_id) == (DeliveryProblem.TIMEOUT, None)
    assert waiting.error is not None
    assert waiting.error.endswith("/v2/requests.json (0.2 s)")
    city.mode = "ok"
    again = send_observations(workspace, AREA, numbers=[lamp], actor="anna", now=NOW)
    assert again.sent[0].service_request_id == city.kept[waiting.uuid].id
    assert (city.posts, len(city.kept)) == (2, 1)


def test_a_server_nobody_answers_at_is_waited_for(
    memory_workspace: Workspace, city: GeoReportServer, tmp_path: Path
) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    workspace = connected(memory_workspace, city, tmp_path,
                          open311_url=f"http://127.0.0.1:{port}/v2")  # fmt: skip
    observe(workspace, "lighting")
    [waiting] = send_observations(workspace, AREA, actor="anna", now=NOW).waiting
    assert waiting.problem is DeliveryProblem.UNREACHABLE
    assert "refused" in (waiting.error or "").lower()


def test_a_request_waiting_for_an_observation_resolved_meanwhile_is_withdrawn(
    sending: Workspace, city: GeoReportServer
) -> None:
    lamp = observe(sending, "lighting")
    city.mode = "error"
    [waiting] = send_observations(sending, AREA, actor="anna", now=NOW).waiting
    sending.store.update(AREA, "lighting", waiting.uuid, {"status": "resolved"}, actor="anna")
    city.mode = "ok"
    later = send_observations(sending, AREA, actor="anna", now=NOW + timedelta(hours=1))
    assert [(s.number, s.reason) for s in later.skipped if s.number == lamp] == [
        (lamp, Skip.CLOSED)]  # fmt: skip
    assert (city_requests(sending), city.posts) == ([], 1)


def test_a_token_becomes_an_id_and_the_city_closing_it_resolves_the_observation(
    sending: Workspace, city: GeoReportServer
) -> None:
    lamp = observe(sending, "lighting")
    city.mode = "token"
    [sent] = send_observations(sending, AREA, actor="anna", now=NOW).sent
    assert (sent.token, sent.service_request_id) == ("tok-1", None)
    assert sync_requests(sending, actor="anna", now=NOW).changed == []  # no id yet
    assert row(sending, lamp)["service_request_id"] is None
    city.give_ids()
    synced = sync_requests(sending, actor="anna", now=NOW)
    ident = city.kept[sent.uuid].id
    assert (row(sending, lamp)["service_request_id"], synced.checked) == (ident, 1)
    assert synced.resolved == []
    city.close(str(ident), "Lampan bytt 3 december")
    log_before = len(sending.store.read_records(AREA, CHANGE_LOG_LAYER))
    later = NOW + timedelta(days=2)
    synced = sync_requests(sending, actor="anna", now=later)
    [resolved] = synced.resolved
    assert (resolved.number, resolved.status, resolved.status_notes) == (
        lamp, "closed", "Lampan bytt 3 december")  # fmt: skip
    observation = find_observation(sending, AREA, sent.uuid)
    assert observation is not None
    assert observation.status is ObservationStatus.RESOLVED
    log = sending.store.read_records(AREA, CHANGE_LOG_LAYER)[log_before:]
    assert [(e["actor"], e["layer"], e["feature_uuid"]) for e in log] == [
        (CITY_ACTOR, OPEN311_LAYER, sent.uuid), (CITY_ACTOR, "lighting", sent.uuid)]  # fmt: skip
    assert json.loads(log[0]["after"])["status_notes"] == "Lampan bytt 3 december"
    assert (json.loads(log[1]["before"])["status"], json.loads(log[1]["after"])["status"]) == (
        "new", "resolved")  # fmt: skip
    # Asked again, nothing is new: nothing is written, and a closed request is not asked about.
    again = sync_requests(sending, actor="anna", now=later)
    assert (again.changed, again.checked) == ([], 0)
    assert len(sending.store.read_records(AREA, CHANGE_LOG_LAYER)) == log_before + 2


def test_only_coordinators_send_and_a_viewer_sees_no_requests(
    sending: Workspace, city: GeoReportServer
) -> None:
    observe(sending, "lighting")
    registrant = workspace_as(sending, Account("rut", Role.REGISTRANT))
    with pytest.raises(AccessError, match=r"rut \(registrant\) may not send .* coordinators do"):
        send_observations(registrant, AREA, actor="rut", now=NOW)
    assert city.posts == 0
    coordinator = workspace_as(sending, Account("anna", Role.COORDINATOR))
    [sent] = send_observations(coordinator, AREA, actor="someone", now=NOW).sent
    log = sending.store.read_records(AREA, CHANGE_LOG_LAYER)
    assert log[-1]["actor"] == "anna"  # the account, whoever the caller says
    assert len(city_requests(registrant)) == 1
    assert city_requests(workspace_as(sending, Account("vera", Role.VIEWER))) == []
    assert sent.state is RequestState.SENT


def test_unknown_numbers_and_a_missing_address_send_nothing(
    sending: Workspace, city: GeoReportServer
) -> None:
    with pytest.raises(Open311Error, match="Observation 999 is not in the area; nothing was sent"):
        send_observations(sending, AREA, numbers=[1, 999], actor="anna", now=NOW)
    unset = Workspace(replace(sending.settings, open311_url=None), sending.store)
    with pytest.raises(Open311Error, match="set SAFEWALK_OPEN311_URL"):
        sync_requests(unset, actor="anna", now=NOW)
    assert city.posts == 0


@pytest.mark.parametrize(
    ("codes", "message"),
    [
        (
            '[service_codes]\ncrime_place = "POLICE"',
            r"'crime_place' is an internal category .* "
            r"remove the line",
        ),
        (
            '[service_codes]\nlamps = "LIGHT"',
            r"'lamps' is no category; the categories are "
            r"lighting, vegetation",
        ),
        ("[service_codes]\nlighting = 7", r"lighting: the city's service code must be a text"),
        ('uuid_attribute = "a b"', r"uuid_attribute = 'a b' must be a name"),
        ("service_codes = [", r"is not valid TOML"),
    ],
)
def test_a_mistake_in_the_services_file_is_named(
    tmp_path: Path, memory_workspace: Workspace, codes: str, message: str
) -> None:
    folder = data_dir(tmp_path, codes)
    with pytest.raises(Open311Error, match=message) as refused:
        service_codes(folder, memory_workspace.catalog)
    assert str(folder / "open311.toml") in str(refused.value)


def test_the_address_must_be_https_and_the_key_is_never_shown() -> None:
    with pytest.raises(
        ConfigError, match=r"SAFEWALK_OPEN311_URL='http://city\.example/v2' must be"
    ):
        settings_from_env({"SAFEWALK_OPEN311_URL": "http://city.example/v2"})
    settings = settings_from_env({
        "SAFEWALK_OPEN311_URL": "https://city.example/v2/", "SAFEWALK_OPEN311_API_KEY": "s3cret",
        "SAFEWALK_OPEN311_JURISDICTION": "stockholm.se", "SAFEWALK_OPEN311_TIMEOUT_S": "5",
    })  # fmt: skip
    assert (settings.open311_url, settings.open311_jurisdiction, settings.open311_timeout_s) == (
        "https://city.example/v2", "stockholm.se", 5.0)  # fmt: skip
    assert "s3cret" not in repr(settings)


def test_the_command_line_sends_lists_and_syncs(
    ws: list[str], workspace_path: Path, tmp_path: Path, city: GeoReportServer,
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
) -> None:  # fmt: skip
    monkeypatch.setenv("SAFEWALK_OPEN311_URL", city.url)
    monkeypatch.setenv("SAFEWALK_OPEN311_API_KEY", API_KEY)
    monkeypatch.setenv("SAFEWALK_OPEN311_JURISDICTION", "hv")
    monkeypatch.setenv("SAFEWALK_DATA_DIR", str(data_dir(tmp_path)))
    city.jurisdiction = "hv"
    workspace = open_workspace(settings_from_env({}, workspace=str(workspace_path)))
    lamp, paint, litter = (observe(workspace, c) for c in ("lighting", "graffiti", "litter"))
    code, out, err = run(capsys, "open311", "send", "--area", "Hässelby gård", "--observations",
                         f"{lamp},{litter}", *ws)  # fmt: skip
    assert (code, err) == (0, "")
    assert f"Sent: {lamp} (the city's id 1001)" in out
    assert f"the category has no service code in open311.toml: {litter}" in out
    assert city.kept[next(iter(city.kept))].form["jurisdiction_id"] == "hv"
    city.mode = "error"
    code, out, err = run(capsys, "open311", "send", "--area", AREA, "--json", *ws)
    answer = json.loads(out)
    assert [r["number"] for r in answer["waiting"]] == [paint]
    assert answer["waiting"][0]["message"] == (
        "The city's system answered with an error: HTTP 500: 500: Databasen svarar inte"
    )
    assert code == 1
    assert err == "safewalk: 1 request was not delivered; it is tried again later " \
        "(safewalk open311 status).\n"  # fmt: skip
    code, out, _ = run(capsys, "open311", "status", "--json", *ws)
    states = [(r["number"], r["state"]) for r in json.loads(out)["requests"]]
    assert (code, states) == (0, [(paint, "waiting"), (lamp, "sent")])
    code, out, _ = run(capsys, "open311", "status", *ws_sv(ws))
    assert "Väntar" in out
    assert "HTTP 500: 500: Databasen svarar inte" in out
    assert "1001" in out
    city.close("1001", "Lagad")
    code, out, _ = run(capsys, "open311", "sync", "--json", *ws)
    synced = json.loads(out)
    assert [r["number"] for r in synced["resolved"]] == [lamp]
    assert (synced["checked"], synced["resolved"][0]["status_notes"]) == (1, "Lagad")


def ws_sv(ws: list[str]) -> list[str]:
    return [*ws[: ws.index("--lang")], "--lang", "sv", *ws[ws.index("--lang") + 2 :]]


@pytest.mark.postgis
def test_a_request_is_sent_and_closed_in_a_postgis_workspace(
    new_store: Callable[..., Store], memory_settings: Settings, city: GeoReportServer,
    tmp_path: Path,
) -> None:  # fmt: skip
    workspace = Workspace(memory_settings, new_store("postgis", test_area=True))
    workspace = connected(workspace, city, tmp_path)
    lamp = observe(
        workspace, "lighting", area="test", place=Position(662_000, 6_581_000, "EPSG:3006")
    )
    [sent] = send_observations(workspace, "test", actor="anna", now=NOW).sent
    assert send_observations(workspace, "test", actor="anna", now=NOW).sent == []
    city.close(str(sent.service_request_id), "Klart")
    [resolved] = sync_requests(workspace, actor="anna", now=NOW).resolved
    assert (resolved.number, resolved.status_notes, city.posts) == (lamp, "Klart", 1)
    observation = find_observation(workspace, "test", sent.uuid)
    assert observation is not None
    assert observation.status is ObservationStatus.RESOLVED
    assert [r.state for r in city_requests(workspace)] == [RequestState.SENT]


def test_the_api_lists_the_requests_to_coordinators_only(
    sending: Workspace, city: GeoReportServer
) -> None:
    lamp = observe(sending, "lighting")
    send_observations(sending, AREA, actor="anna", now=NOW)
    with TestClient(Starlette(routes=routes(lambda: sending))) as client:
        answer = client.get("/api/v1/open311", params={"area": AREA})
        assert answer.status_code == 200
        [listed] = answer.json()["requests"]
        assert (listed["number"], listed["state"], listed["service_request_id"]) == (
            lamp, "sent", city.kept[listed["uuid"]].id)  # fmt: skip
        assert client.get("/api/v1/open311", params={"area": "Atlantis"}).status_code == 422
        add_account(sending, "lina", "registrant", "lösenord-12345")
        token = client.post("/api/v1/login", json={"name": "lina", "password": "lösenord-12345"})
        client.cookies.clear()
        bearer = {"Authorization": f"Bearer {token.json()['token']}"}
        refused = client.get("/api/v1/open311", headers=bearer)
        assert refused.status_code == 403
        assert refused.json()["error"].endswith("det gör samordnare.")  # Swedish by default
