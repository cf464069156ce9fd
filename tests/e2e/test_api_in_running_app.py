"""The HTTP API as ``streamlit run app.py`` serves it, beside the pages, on one port.

Includes the bounded load test: 20 phones posting 10 observations each at once, on
localhost, what they stored read back through the feature service (``/ogc/``). Its timings
are the capture benchmark's (``benchmarks/capture.py``); here only what must hold whatever
the machine: every observation stored once, numbers unique.
"""

from __future__ import annotations

import http.client
import json
import threading
import uuid
from contextlib import closing
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from gis.crs import to_wgs84
from layers.records import Query
from tests.appserver import running_app
from tests.postgres import PostgresServer
from walks.access.accounts import add_account
from walks.core.config import settings_from_env
from walks.fieldwork.recording import list_observations
from walks.fieldwork.startup import open_workspace

PHONES = 20
EACH = 10


def send(connection: http.client.HTTPConnection, method: str, path: str,
         body: dict[str, object] | None = None,
         headers: dict[str, str] | None = None) -> tuple[int, Any]:  # fmt: skip
    data = None if body is None else json.dumps(body).encode("utf-8")
    connection.request(method, path, data, {"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    return response.status, json.loads(response.read())


def send_once(url: str, method: str, path: str, body: dict[str, object] | None = None,
              headers: dict[str, str] | None = None) -> tuple[int, Any]:  # fmt: skip
    """``send`` on a connection of its own, closed after: the server closes a connection left
    idle for 5 s, which a loaded machine can take between two requests."""
    where = urlparse(url)
    with closing(http.client.HTTPConnection(where.hostname or "", where.port, timeout=60)) as to:
        return send(to, method, path, body, headers)


def test_twenty_phones_at_once_store_every_observation_once_and_gis_clients_read_them(
    workspace_path: Path,
) -> None:
    workspace = open_workspace(settings_from_env({}, workspace=str(workspace_path)))
    area = next(a for a in workspace.areas() if a.slug == "hasselby-gard")
    inside = to_wgs84(area.boundary.representative_point())
    before = len(list_observations(workspace, "hasselby-gard", category="lighting"))
    answers: list[tuple[int, Any]] = []
    lock = threading.Lock()
    with running_app(workspace_path) as url:
        where = urlparse(url)
        start = threading.Barrier(PHONES)

        def phone(k: int) -> None:
            connection = http.client.HTTPConnection(where.hostname or "", where.port, timeout=120)
            start.wait()
            with closing(connection):
                for n in range(EACH):
                    body = {"uuid": str(uuid.uuid4()), "category": "lighting",
                            "lon": inside.x + 0.0001 * k, "lat": inside.y + 0.00005 * n,
                            "taken_at": "2026-12-01T21:30:00+01:00",
                            "fields": {"problem": "broken"}}  # fmt: skip
                    outcome = send(connection, "POST", "/api/v1/observations", body)
                    with lock:
                        answers.append(outcome)

        threads = [threading.Thread(target=phone, args=(k,)) for k in range(PHONES)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        status, catalog = send_once(url, "GET", "/api/v1/catalog")
        # The feature service (OGC API – Features) of the same process serves them at once.
        points = "/ogc/collections/hasselby-gard__lighting/items?limit=10000"
        served, layer = send_once(url, "GET", points)
    assert status == 200
    assert served == 200
    assert "lighting" in [c["name"] for c in catalog["categories"]]
    assert sorted({status for status, _ in answers}) == [201]
    numbers = [answer["number"] for _, answer in answers]
    assert len(numbers) == PHONES * EACH == len(set(numbers))
    stored = list_observations(workspace, "hasselby-gard", category="lighting")
    assert len(stored) == before + PHONES * EACH
    read = [f["properties"]["uuid"] for f in layer["features"]]
    assert {answer["uuid"] for _, answer in answers} <= set(read)
    assert len(read) == layer["numberMatched"] == workspace.store.count_features(
        "hasselby-gard", "lighting", Query(kind="Point"))  # fmt: skip


def test_two_instances_on_one_database_share_logins_and_store_once(
    postgres: PostgresServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = postgres.new_database()
    workspace = open_workspace(settings_from_env({}, database_url=url))
    add_account(workspace, "lina", "registrant", "lösenord-12345")
    monkeypatch.setenv("SAFEWALK_SECRET_KEY", "the district's key, the same on every instance")
    area = next(a for a in workspace.areas() if a.slug == "hasselby-gard")
    inside = to_wgs84(area.boundary.representative_point())
    body = {"uuid": str(uuid.uuid4()), "category": "lighting", "lon": inside.x, "lat": inside.y,
            "taken_at": "2026-12-01T21:30:00+01:00", "fields": {"problem": "broken"}}  # fmt: skip
    with running_app(url) as first, running_app(url) as second:
        status, login = send_once(first, "POST", "/api/v1/login",
                                  {"name": "lina", "password": "lösenord-12345"})  # fmt: skip
        assert status == 200
        bearer = {"Authorization": f"Bearer {login['token']}"}
        made = send_once(second, "POST", "/api/v1/observations", body, bearer)
        again = send_once(first, "POST", "/api/v1/observations", body, bearer)
        refused = send_once(second, "POST", "/api/v1/observations", body)
    assert (made[0], again[0], refused[0]) == (201, 200, 401)
    assert again[1] == made[1]
    stored = [o for o in list_observations(workspace, "hasselby-gard") if o.uuid == body["uuid"]]
    assert [(o.number, o.created_by) for o in stored] == [(made[1]["number"], "lina")]
