"""Observations sent to the city's fault-report system (Open311 GeoReport v2), and followed up.

``send_observations`` posts an area's observations as service requests to
``Settings.open311_url``: each observation's category is sent as the city's service code
that ``data/open311.toml`` gives it (a category without one is never sent), its point in
WGS 84, its description, and its UUID as an attribute, so that the city's system stores
an observation sent twice once. Internal categories, demo data and observations already
resolved or dismissed are never sent.

Each observation sent has one row in its area's ``open311_requests`` table (the
observation's UUID is the row's, so the store itself refuses a second): what was sent,
the id or token the city gave it, or why it was not delivered. A request that was not
delivered — no answer in time, no connection, the server's error, or the city's refusal
with its own error text — is never marked sent: it waits, and the next send or sync tries
it again once its wait is over, each wait twice the last (``retry_wait``). A request
marked sent is never posted again.

``sync_requests`` also asks the city's system how the requests sent are doing (a token
first becomes an id); a request the city closed makes its observation *resolved*, with
the city's note on the request row, in one transaction that the change log records under
``CITY_ACTOR`` (or, in a workspace with accounts, the account that asked).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Final

from gis.i18n import DEFAULT_LANGUAGE, Text
from layers.catalog import Catalog
from layers.errors import FeatureValidationError
from layers.records import Record, Update
from layers.schema import OPEN311_LAYER
from layers.store import Query
from layers.values import DeliveryProblem, ObservationStatus, RequestState, TitledEnum
from walks.access.guard import AccessError
from walks.core.config import Settings
from walks.core.model import Observation
from walks.core.roles import Role
from walks.core.workspace import Workspace
from walks.exchange.georeport import CityStatus, DeliveryError, GeoReportClient, Posted
from walks.exchange.open311_codes import SERVICES_FILE, Open311Error, ServiceCodes, service_codes
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations

CITY_ACTOR: Final = "Open311"
"""Who the change log names for what the city's system decided (a request closed)."""
FIRST_WAIT: Final = timedelta(minutes=5)
"""The wait after the first failed attempt; each further one waits twice as long …"""
LONGEST_WAIT: Final = timedelta(hours=12)
"""… but never longer than this."""
MAX_DESCRIPTION_CHARS: Final = 4000
CLOSED_HERE: Final = frozenset({ObservationStatus.RESOLVED, ObservationStatus.DISMISSED})
"""Observations with nothing left for the city to do: never sent."""
OPEN_THERE: Final = "open"
"""GeoReport v2's status of a request the city works on: each new one's."""
CLOSED_THERE: Final = "closed"
"""GeoReport v2's status of a request the city is done with."""


def retry_wait(attempts: int) -> timedelta:
    """Return how long a request not delivered in ``attempts`` attempts waits before the next.

    5 minutes after the first, then 10, 20, 40, … minutes, at most 12 hours.
    """
    doublings = min(max(attempts - 1, 0), 16)  # 2**16 waits of 5 minutes: far past the cap
    return min(FIRST_WAIT * (1 << doublings), LONGEST_WAIT)


# ------------------------------------------------------------------- the requests


@dataclass(frozen=True, slots=True)
class CityRequest:
    """An observation's service request, as its area's ``open311_requests`` row has it."""

    area: str
    uuid: str
    """The observation's UUID."""
    number: int | None
    """The observation's number in its area (None: it is gone)."""
    category: str
    service_code: str
    state: RequestState
    attempts: int
    next_attempt: datetime | None
    """When a request not delivered is tried again."""
    problem: DeliveryProblem | None
    error: str | None
    """Why the last attempt failed: the server's own text, or the network's."""
    service_request_id: str | None
    token: str | None
    sent_at: datetime | None
    status: str | None
    """The city's status (``open``, ``closed``), as last fetched."""
    status_notes: str | None
    status_at: datetime | None

    def reason(self) -> Text | None:
        """Return why the last attempt failed, for people, or None."""
        if self.problem is None:
            return None
        detail = self.error or "-"
        return Text(
            sv=f"{self.problem.label.sv}: {detail}", en=f"{self.problem.label.en}: {detail}"
        )

    def to_json(self, language: str = DEFAULT_LANGUAGE) -> dict[str, object]:
        """Return the request as the command line and the HTTP API give it."""
        reason = self.reason()
        return {
            "area": self.area, "number": self.number, "uuid": self.uuid,
            "category": self.category, "service_code": self.service_code,
            "state": self.state.value, "attempts": self.attempts,
            "next_attempt": _iso(self.next_attempt),
            "problem": None if self.problem is None else self.problem.value,
            "error": self.error,
            "message": None if reason is None else reason.in_language(language),
            "service_request_id": self.service_request_id, "token": self.token,
            "sent_at": _iso(self.sent_at), "status": self.status,
            "status_notes": self.status_notes, "status_at": _iso(self.status_at),
        }  # fmt: skip


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.isoformat()


def _request(slug: str, record: Record, number: int | None) -> CityRequest:
    kind = record.get("error_kind")
    return CityRequest(
        area=slug, uuid=str(record["uuid"]), number=number, category=str(record["layer"]),
        service_code=str(record["service_code"]), state=RequestState(record["state"]),
        attempts=int(record["attempts"]), next_attempt=record.get("next_attempt"),
        problem=None if kind is None else DeliveryProblem(kind), error=record.get("last_error"),
        service_request_id=record.get("service_request_id"), token=record.get("token"),
        sent_at=record.get("sent_at"), status=record.get("status"),
        status_notes=record.get("status_notes"), status_at=record.get("status_at"),
    )  # fmt: skip


def _numbers(workspace: Workspace, slug: str, records: Sequence[Record]) -> dict[str, int]:
    """Return the number of each observation the rows ``records`` are of, by UUID."""
    by_layer: dict[str, list[str]] = {}
    for record in records:
        by_layer.setdefault(str(record["layer"]), []).append(str(record["uuid"]))
    numbers = {}
    for layer, uuids in by_layer.items():
        if layer not in workspace.catalog.names:
            continue
        query = Query(uuids=tuple(uuids), columns=("uuid", "number"))
        for found in workspace.store.read_records(slug, layer, query):
            numbers[str(found["uuid"])] = int(found["number"])
    return numbers


_ORDER: Final = {RequestState.FAILED: 0, RequestState.WAITING: 1, RequestState.SENT: 2}


def city_requests(workspace: Workspace, *, area: str | None = None) -> list[CityRequest]:
    """Return the requests of ``area`` (None: every area): failed, waiting, then sent.

    Within each, by area and number.
    """
    slugs = [find_area(workspace, area).slug] if area else [a.slug for a in workspace.areas()]
    found = []
    for slug in slugs:
        records = workspace.store.read_records(slug, OPEN311_LAYER)
        numbers = _numbers(workspace, slug, records)
        found += [_request(slug, r, numbers.get(str(r["uuid"]))) for r in records]
    return sorted(found, key=lambda r: (_ORDER[r.state], r.area, r.number or 0))


# --------------------------------------------------------------------- sending


class Skip(TitledEnum):
    """Why an observation was not sent, its title saying so.

    ``{detail}`` in a title: the city's id or token, or when it is tried again.
    """

    INTERNAL = (
        "internal",
        "intern kategori: skickas aldrig till staden",
        "internal category: never sent to the city",
    )
    DEMO = "demo", "demodata: skickas aldrig", "demo data: never sent"
    NO_SERVICE_CODE = (
        "no_service_code",
        f"kategorin har ingen tjänstekod i {SERVICES_FILE}",
        f"the category has no service code in {SERVICES_FILE}",
    )
    CLOSED = "closed", "redan åtgärdad eller avskriven", "resolved or dismissed already"
    ALREADY_SENT = (
        "already_sent",
        "redan skickad (stadens id {detail})",
        "sent already (the city's id {detail})",
    )
    NOT_DUE = (
        "not_due",
        "väntar till {detail} innan nästa försök",
        "waits until {detail} before the next attempt",
    )


@dataclass(frozen=True, slots=True)
class Skipped:
    """An observation not sent, and why."""

    area: str
    number: int
    uuid: str
    category: str
    reason: Skip
    detail: str = ""

    def text(self) -> Text:
        """Return why, for people."""
        return self.reason.label.format(detail=self.detail)

    def to_json(self, language: str = DEFAULT_LANGUAGE) -> dict[str, object]:
        """Return it as the command line gives it."""
        return {
            "area": self.area, "number": self.number, "uuid": self.uuid,
            "category": self.category, "reason": self.reason.value,
            "message": self.text().in_language(language),
        }  # fmt: skip


@dataclass(slots=True)
class Delivery:
    """What one sending did: each observation tried (by its state now) and each left out."""

    sent: list[CityRequest] = field(default_factory=list)
    waiting: list[CityRequest] = field(default_factory=list)
    failed: list[CityRequest] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def add(self, request: CityRequest) -> None:
        """Count a request tried, by the state it is in now."""
        {RequestState.SENT: self.sent, RequestState.WAITING: self.waiting,
         RequestState.FAILED: self.failed}[request.state].append(request)  # fmt: skip

    @property
    def undelivered(self) -> list[CityRequest]:
        """The requests tried and not delivered."""
        return self.failed + self.waiting

    def to_json(self, language: str = DEFAULT_LANGUAGE) -> dict[str, object]:
        """Return it as the command line gives it."""
        return {
            "sent": [r.to_json(language) for r in self.sent],
            "waiting": [r.to_json(language) for r in self.waiting],
            "failed": [r.to_json(language) for r in self.failed],
            "skipped": [s.to_json(language) for s in self.skipped],
        }


def _client(settings: Settings) -> GeoReportClient:
    if settings.open311_url is None:
        raise Open311Error(
            Text(
                sv="Stadens felanmälan är inte inställd: sätt SAFEWALK_OPEN311_URL till adressen "
                "för dess Open311-tjänst (GeoReport v2), och SAFEWALK_OPEN311_API_KEY; inget "
                "skickades.",
                en="The city's fault-report system is not set up: set SAFEWALK_OPEN311_URL to "
                "the address of its Open311 service (GeoReport v2), and SAFEWALK_OPEN311_API_KEY; "
                "nothing was sent.",
            )
        )
    return GeoReportClient(
        settings.open311_url,
        api_key=settings.open311_api_key,
        jurisdiction=settings.open311_jurisdiction,
        timeout_s=settings.open311_timeout_s,
    )


def is_configured(settings: Settings) -> bool:
    """Return whether the city's fault-report system is set up (``SAFEWALK_OPEN311_URL``)."""
    return settings.open311_url is not None


def may_send(workspace: Workspace) -> bool:
    """Return whether the workspace's account may send to the city's system (coordinators)."""
    return workspace.account is None or workspace.account.at_least(Role.COORDINATOR)


def _need_coordinator(workspace: Workspace) -> None:
    account = workspace.account
    if account is not None and not may_send(workspace):
        raise AccessError(
            Text(
                sv=f"{account.name} ({account.role.label.sv}) får inte skicka till stadens "
                "felanmälan; det gör samordnare. Inget skickades.",
                en=f"{account.name} ({account.role.label.en}) may not send to the city's "
                "fault-report system; coordinators do. Nothing was sent.",
            )
        )


def _skip_reason(
    observation: Observation,
    codes: ServiceCodes,
    row: CityRequest | None,
    catalog: Catalog,
    *,
    asked: bool,
    now: datetime,
) -> tuple[Skip, str] | None:
    """Return why ``observation`` is not to be sent now (and the detail), None to send it.

    ``asked``: the user named it, so a request waiting is tried now, whatever its wait.
    """
    if catalog.category(observation.category).internal:
        return Skip.INTERNAL, ""
    if observation.is_demo:
        return Skip.DEMO, ""
    if row is not None and row.state is RequestState.SENT:
        return Skip.ALREADY_SENT, row.service_request_id or row.token or "-"
    if observation.category not in codes.codes:
        return Skip.NO_SERVICE_CODE, ""
    if observation.status in CLOSED_HERE:
        return Skip.CLOSED, ""
    if row is not None and not asked and row.next_attempt is not None and row.next_attempt > now:
        return Skip.NOT_DUE, row.next_attempt.isoformat(timespec="minutes")
    return None


def _description(observation: Observation, catalog: Catalog) -> str:
    """Return what the city's staff read: the category and the observation's description."""
    title = catalog.category(observation.category).title.in_language(DEFAULT_LANGUAGE)
    text = " ".join(observation.description.split())
    return (f"{title}: {text}" if text else title)[:MAX_DESCRIPTION_CHARS]


@dataclass(frozen=True, slots=True)
class _Sender:
    """One sending's client, codes and clock, over one workspace."""

    workspace: Workspace
    client: GeoReportClient
    codes: ServiceCodes
    actor: str
    now: datetime

    def rows(self, slug: str) -> dict[str, CityRequest]:
        return {
            str(r["uuid"]): _request(slug, r, None)
            for r in self.workspace.store.read_records(slug, OPEN311_LAYER)
        }

    def attempt(self, observation: Observation, row: CityRequest | None) -> CityRequest:
        """Post ``observation`` once and keep what came of it; return its request as stored."""
        code = self.codes.codes[observation.category]
        attempts = (row.attempts if row else 0) + 1
        values: dict[str, object]
        try:
            posted: Posted = self.client.post_request(
                service_code=code,
                lat=observation.lat,
                long=observation.lon,
                description=_description(observation, self.workspace.catalog),
                attributes={self.codes.uuid_attribute: observation.uuid},
            )
        except DeliveryError as error:
            state = RequestState.FAILED if error.kind is DeliveryProblem.REFUSED else (
                RequestState.WAITING)  # fmt: skip
            values = {
                "state": state, "error_kind": error.kind, "last_error": error.detail,
                "next_attempt": self.now + retry_wait(attempts),
            }  # fmt: skip
        else:
            values = {
                "state": RequestState.SENT, "service_request_id": posted.service_request_id,
                "token": posted.token, "sent_at": self.now, "status": OPEN_THERE,
                "error_kind": None, "last_error": None, "next_attempt": None,
            }  # fmt: skip
        values |= {"service_code": code, "attempts": attempts, "updated_at": self.now}
        record = self._save(observation, values)
        return _request(observation.area, record, observation.number)

    def _save(self, observation: Observation, values: Mapping[str, object]) -> Record:
        """Write the observation's row: new, or changed; a row marked sent stays sent."""
        slug, uuid = observation.area, observation.uuid
        store = self.workspace.store
        for _ in range(2):  # a second time when another sender added the row meanwhile
            found = store.read_records(slug, OPEN311_LAYER, Query(uuids=(uuid,)))
            if found:
                if found[0]["state"] == RequestState.SENT and values["state"] != RequestState.SENT:
                    return found[0]  # delivered by another sender meanwhile: never unmarked
                [record] = store.update_many(slug, [(OPEN311_LAYER, uuid, values)],
                                             actor=self.actor)  # fmt: skip
                return record
            new = {"uuid": uuid, "feature_uuid": uuid, "layer": observation.category,
                   "created_at": self.now, "created_by": self.actor, **values}  # fmt: skip
            try:
                return store.append(slug, OPEN311_LAYER, new, None, actor=self.actor)
            except FeatureValidationError:
                if not store.read_records(slug, OPEN311_LAYER, Query(uuids=(uuid,))):
                    raise
        raise Open311Error(Text(sv=f"Raden för {uuid} kunde inte sparas.",
                                en=f"The row of {uuid} could not be saved."))  # fmt: skip

    def send(
        self, slug: str, observations: Sequence[Observation], *, asked: bool, delivery: Delivery
    ) -> None:
        """Send each of ``observations`` that is to be sent now; note each outcome."""
        rows = self.rows(slug)
        for observation in observations:
            row = rows.get(observation.uuid)
            skip = _skip_reason(observation, self.codes, row, self.workspace.catalog,
                                asked=asked, now=self.now)  # fmt: skip
            if skip is not None:
                delivery.skipped.append(Skipped(slug, observation.number, observation.uuid,
                                                observation.category, *skip))  # fmt: skip
                if skip[0] is Skip.CLOSED and row is not None:  # resolved here before it went
                    self.workspace.store.delete(slug, OPEN311_LAYER, [row.uuid], actor=self.actor)
                continue
            delivery.add(self.attempt(observation, row))


def _sender(workspace: Workspace, *, actor: str, now: datetime | None) -> _Sender:
    client = _client(workspace.settings)
    _need_coordinator(workspace)
    codes = service_codes(workspace.settings.data_dir, workspace.catalog)
    return _Sender(workspace, client, codes, actor, now or datetime.now(UTC))


def send_observations(
    workspace: Workspace,
    area: str,
    *,
    numbers: Sequence[int] | None = None,
    actor: str,
    now: datetime | None = None,
) -> Delivery:
    """Send the observations ``numbers`` of ``area`` (None: every one) to the city's system.

    Without ``numbers``, the observations never sent, and those waiting whose wait is
    over; a request waiting that is named in ``numbers`` is tried at once. One store
    transaction per observation, after its call: a request is marked sent only when the
    city's system gave it an id or a token.

    Raises
    ------
    Open311Error
        The system is not set up, ``open311.toml`` cannot be used, or a number the area
        does not have (nothing is sent then).
    AccessError
        The account is not a coordinator.
    """
    sender = _sender(workspace, actor=actor, now=now)
    slug = find_area(workspace, area).slug
    observations = {o.number: o for o in list_observations(workspace, slug)}
    if numbers is not None:
        unknown = sorted(set(numbers) - set(observations))
        if unknown:
            listed = ", ".join(map(str, unknown))
            raise Open311Error(
                Text(
                    sv=f"Iakttagelse {listed} finns inte i området; inget skickades.",
                    en=f"Observation {listed} is not in the area; nothing was sent.",
                )
            )
    chosen = [
        observations[n] for n in sorted(set(numbers) if numbers is not None else observations)
    ]
    delivery = Delivery()
    sender.send(slug, chosen, asked=numbers is not None, delivery=delivery)
    return delivery


def sendable_observations(
    workspace: Workspace, area: str, *, now: datetime | None = None
) -> list[int]:
    """Return the numbers of the observations ``send_observations`` would try now."""
    slug = find_area(workspace, area).slug
    codes = service_codes(workspace.settings.data_dir, workspace.catalog)
    rows = {
        str(r["uuid"]): _request(slug, r, None)
        for r in workspace.store.read_records(slug, OPEN311_LAYER)
    }
    moment = now or datetime.now(UTC)
    return [
        o.number for o in list_observations(workspace, slug)
        if _skip_reason(o, codes, rows.get(o.uuid), workspace.catalog, asked=False,
                        now=moment) is None
    ]  # fmt: skip


# ---------------------------------------------------------------------- syncing


@dataclass(slots=True)
class Sync:
    """What one sync did: the retries, the requests the city closed, what could not be asked."""

    delivery: Delivery = field(default_factory=Delivery)
    resolved: list[CityRequest] = field(default_factory=list)
    """Requests the city closed, whose observations became resolved."""
    changed: list[CityRequest] = field(default_factory=list)
    """Requests whose status or note at the city changed (the closed ones too)."""
    checked: int = 0
    """Requests asked about."""
    problems: list[tuple[str, DeliveryError]] = field(default_factory=list)
    """Per area: a call that failed (what it would have told waits for the next sync)."""

    def to_json(self, language: str = DEFAULT_LANGUAGE) -> dict[str, object]:
        """Return it as the command line gives it."""
        return {
            **self.delivery.to_json(language),
            "checked": self.checked,
            "changed": [r.to_json(language) for r in self.changed],
            "resolved": [r.to_json(language) for r in self.resolved],
            "problems": [{"area": area, "problem": error.kind.value, "error": error.detail,
                          "message": error.message(language)}
                         for area, error in self.problems],
        }  # fmt: skip


def _status_update(
    sender: _Sender, row: CityRequest, city: CityStatus, observation: Record | None
) -> list[Update]:
    """Return the changes the city's ``city`` status makes: the row's, the observation's."""
    changes: dict[str, object] = {}
    if city.status and city.status != row.status:
        changes["status"] = city.status
    if city.status_notes != (row.status_notes or ""):
        changes["status_notes"] = city.status_notes or None
    if city.updated is not None and city.updated != row.status_at:
        changes["status_at"] = city.updated
    if not ({"status", "status_notes"} & set(changes)):
        return []  # nothing the city said is new: the log stays quiet
    updates: list[Update] = [(OPEN311_LAYER, row.uuid, {**changes, "updated_at": sender.now})]
    closing = city.status == CLOSED_THERE
    if closing and observation is not None and observation["status"] not in CLOSED_HERE:
        updates.append(
            (
                row.category,
                row.uuid,
                {"status": ObservationStatus.RESOLVED, "updated_at": sender.now},
            )
        )
    return updates


def _follow(sender: _Sender, slug: str, outcome: Sync) -> None:
    """Ask the city's system about the area's requests sent and not closed; keep its answers."""
    store = sender.workspace.store
    rows = [r for r in sender.rows(slug).values()
            if r.state is RequestState.SENT and r.status != CLOSED_THERE]  # fmt: skip
    client = sender.client
    for row in [r for r in rows if r.service_request_id is None and r.token]:
        ident = client.request_id(str(row.token))
        if ident is not None:
            change = {"service_request_id": ident, "updated_at": sender.now}
            store.update_many(slug, [(OPEN311_LAYER, row.uuid, change)], actor=sender.actor)
    rows = [r for r in sender.rows(slug).values()
            if r.state is RequestState.SENT and r.status != CLOSED_THERE
            and r.service_request_id]  # fmt: skip
    if not rows:
        return
    statuses = client.statuses([str(r.service_request_id) for r in rows])
    outcome.checked += len(rows)
    for row in rows:
        city = statuses.get(str(row.service_request_id))
        if city is None:
            continue
        query = Query(uuids=(row.uuid,), columns=("number", "status"))
        found = store.read_records(slug, row.category, query)
        updates = _status_update(sender, row, city, found[0] if found else None)
        if not updates:
            continue
        records = store.update_many(slug, updates, actor=CITY_ACTOR)
        request = _request(slug, records[0], int(found[0]["number"]) if found else None)
        outcome.changed.append(request)
        if len(updates) > 1:
            outcome.resolved.append(request)


def sync_requests(
    workspace: Workspace,
    *,
    area: str | None = None,
    actor: str,
    now: datetime | None = None,
) -> Sync:
    """Try again what waits, and fetch the city's status of what was sent, in ``area`` or all.

    A request the city closed makes its observation resolved (unless it is resolved or
    dismissed already), with the city's note kept on the request, in one transaction
    logged under ``CITY_ACTOR``. A call that fails leaves that area's requests as they
    were, and is reported in ``Sync.problems``.

    Raises
    ------
    Open311Error
        The system is not set up, or ``open311.toml`` cannot be used.
    AccessError
        The account is not a coordinator.
    """
    sender = _sender(workspace, actor=actor, now=now)
    slugs = [find_area(workspace, area).slug] if area else [a.slug for a in workspace.areas()]
    outcome = Sync()
    for slug in slugs:
        waiting = {
            uuid for uuid, r in sender.rows(slug).items() if r.state is not RequestState.SENT
        }
        if waiting:
            observations = [o for o in list_observations(workspace, slug) if o.uuid in waiting]
            sender.send(slug, observations, asked=False, delivery=outcome.delivery)
        try:
            _follow(sender, slug, outcome)
        except DeliveryError as error:
            outcome.problems.append((slug, error))
    return outcome
