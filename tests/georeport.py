"""A GeoReport v2 (Open311) server for tests, on localhost in a thread of the test process.

It does what a city's server does with the calls safewalk makes: ``POST requests.json``
(form-encoded; the API key, the service code and a position checked, refusals in
GeoReport's error format ``[{"code", "description"}]``), ``GET requests.json`` by
``service_request_id`` (comma-separated) and ``GET tokens/{token}.json``. It keeps the
requests by the observation's UUID (``attribute[safewalk_uuid]``): the same observation
posted again gets the request it has. A test switches how it answers (``mode``): ``ok``,
``token`` (a token now, the id once ``give_ids`` is called), ``error`` (500) and ``slow``
(keeps the request, then answers after ``slow_s``: later than a short client time-out).

Beside it, what the tests that send to it share: a data folder whose ``open311.toml`` gives
the server's service codes (``data_dir``), and ``observe``, which records an observation that
is not demo data (demo data is never sent).
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from walks.core.model import ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.fieldwork.recording import record_observation

API_KEY = "test-key"
SERVICES = ("LIGHT", "GRAFFITI")
UUID_ATTRIBUTE = "attribute[safewalk_uuid]"

AREA = "hasselby-gard"
PLACE = Position(17.8445, 59.3668)
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
CODES = """
uuid_attribute = "safewalk_uuid"

[service_codes]
lighting = "LIGHT"
graffiti = "GRAFFITI"
"""
FIELDS = {"lighting": {"problem": "broken"}, "graffiti": {"surface": "wall"},
          "litter": {"litter_type": "general"}, "crime_place": {"crime_type": "drugs"}}  # fmt: skip


def data_dir(tmp_path: Path, codes: str = CODES) -> Path:
    """A data folder with the shipped files and an ``open311.toml`` of ``codes``."""
    folder = tmp_path / "data"
    folder.mkdir(exist_ok=True)
    shipped = Path(__file__).resolve().parents[1] / "data"
    for path in shipped.iterdir():
        if not (folder / path.name).exists() and path.name != "open311.toml":
            (folder / path.name).symlink_to(path)
    (folder / "open311.toml").write_text(codes, encoding="utf-8")
    return folder


def observe(
    workspace: Workspace, category: str, description: str = "", *, area: str = AREA,
    place: Position = PLACE,
) -> int:  # fmt: skip
    draft = ObservationDraft(category, place, created_by="tests", severity=2,
                             description=description, fields=FIELDS[category],
                             observed_at=NOW - timedelta(days=1))  # fmt: skip
    return record_observation(workspace, draft, area=area, now=NOW).number


@dataclass
class Kept:
    """A service request as the server keeps it."""

    uuid: str
    service_code: str
    form: dict[str, str]
    token: str
    id: str | None = None
    status: str = "open"
    status_notes: str = ""
    updated: str = "2026-12-01T10:00:00+01:00"


@dataclass
class GeoReportServer:
    """The server's state, which the tests read and change."""

    port: int = 0
    mode: str = "ok"
    slow_s: float = 0.6
    jurisdiction: str | None = None
    """When set, a post must name it."""
    kept: dict[str, Kept] = field(default_factory=dict)
    """By the observation's UUID."""
    posts: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    release: threading.Event = field(default_factory=threading.Event)
    _ids: Iterator[int] = field(default_factory=lambda: itertools.count(1001))

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v2"

    def by_id(self, ident: str) -> Kept:
        return next(k for k in self.kept.values() if k.id == ident)

    def give_ids(self) -> None:
        """Give each request known by its token only an id, as a city's back office does."""
        with self.lock:
            for kept in self.kept.values():
                kept.id = kept.id or str(next(self._ids))

    def close(self, ident: str, notes: str) -> None:
        """Close request ``ident`` with ``notes``, as the city's staff do."""
        with self.lock:
            kept = self.by_id(ident)
            kept.status, kept.status_notes = "closed", notes
            kept.updated = "2026-12-03T09:15:00+01:00"

    def post(self, form: dict[str, str]) -> tuple[int, object]:
        """Answer a posted request: (HTTP status, JSON)."""
        with self.lock:
            self.posts += 1
            if self.mode == "error":
                return 500, [{"code": 500, "description": "Databasen svarar inte"}]
            if form.get("api_key") != API_KEY:
                said = f"Invalid api_key {form.get('api_key')}"  # as careless servers say it
                return 403, [{"code": 403, "description": said}]
            if self.jurisdiction is not None and form.get("jurisdiction_id") != self.jurisdiction:
                return 400, [{"code": 400, "description": "jurisdiction_id not found"}]
            problems = []
            code = form.get("service_code")
            if code not in SERVICES:
                problems.append({"code": 400, "description": f"service_code {code!r} not found"})
            if not form.get("lat") or not form.get("long"):
                problems.append({"code": 400, "description": "lat and long are required"})
            if not form.get(UUID_ATTRIBUTE):
                problems.append({"code": 400, "description": "safewalk_uuid is required"})
            if problems:
                return 400, problems
            uuid = form[UUID_ATTRIBUTE]
            kept = self.kept.get(uuid)
            if kept is None:
                kept = Kept(uuid, form["service_code"], form, f"tok-{len(self.kept) + 1}")
                if self.mode != "token":
                    kept.id = str(next(self._ids))
                self.kept[uuid] = kept
            answer = [{"service_request_id": kept.id, "service_notice": "Tack"}]
            if kept.id is None:
                answer = [{"token": kept.token}]
        if self.mode == "slow":
            self.release.wait(self.slow_s)
        return 200, answer

    def get(self, path: str, query: dict[str, list[str]]) -> tuple[int, object]:
        """Answer a GET: requests by id, or a token's id."""
        with self.lock:
            if path == "/v2/requests.json":
                wanted = ",".join(query.get("service_request_id", [])).split(",")
                return 200, [
                    {"service_request_id": k.id, "status": k.status,
                     "status_notes": k.status_notes, "service_code": k.service_code,
                     "updated_datetime": k.updated}
                    for k in self.kept.values() if k.id in wanted
                ]  # fmt: skip
            if path.startswith("/v2/tokens/") and path.endswith(".json"):
                token = path.removeprefix("/v2/tokens/").removesuffix(".json")
                found = [k for k in self.kept.values() if k.token == token]
                if not found:
                    return 404, [{"code": 404, "description": "token not found"}]
                return 200, [{"token": token, "service_request_id": found[0].id}]
        return 404, [{"code": 404, "description": f"{path} not found"}]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _answer(self, status: int, body: object) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        fields = parse_qs(self.rfile.read(length).decode(), keep_blank_values=True)
        if urlsplit(self.path).path != "/v2/requests.json":
            self._answer(404, [{"code": 404, "description": "not found"}])
            return
        self._answer(*self.server.state.post({k: v[-1] for k, v in fields.items()}))

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        self._answer(*self.server.state.get(parts.path, parse_qs(parts.query)))

    def log_message(self, format: str, *args: Any) -> None:  # quiet
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    state: GeoReportServer


@contextmanager
def georeport_server() -> Iterator[GeoReportServer]:
    """Run a GeoReport v2 server on a free port of localhost while the block runs."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.state = GeoReportServer(port=server.server_address[1])
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server.state
    finally:
        server.state.release.set()
        server.shutdown()
        server.server_close()
        thread.join()
