"""The HTTP API, ``/api/v1``: what a phone needs to capture, and observations sent from it.

Served by the app's own process beside the Streamlit pages (``app.py`` mounts ``routes``).
Every call does what the command line and the pages do, through the same use cases
(``record_observation``, the store) and, once the workspace has accounts, as the caller's
account through the role guard. Refusals are JSON ``{"error", "field"}`` in the caller's
language (``Accept-Language``: Swedish unless English is preferred).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gis.i18n import LocalizedError, Text
from gis.photos import PhotoError, process_photo
from gis.redaction import Box
from layers.errors import FeatureValidationError, StoreError, UnknownAreaError, UnknownLayerError
from layers.values import ReportStatus
from walks.access.accounts import AccountError, has_accounts, log_in, password_stamp
from walks.access.guard import AccessError, sees_who_registered, workspace_as
from walks.actions.inbox import (
    ReportHandledError,
    ReportNotFoundError,
    accept_report,
    list_reports,
    reject_report,
)
from walks.core.errors import PositionError
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace
from walks.exchange.open311_requests import city_requests, may_send
from walks.fieldwork.areas import find_area
from walks.fieldwork.delivery import Arrival, NotStoredError, add_photo_once, stored_observation
from walks.fieldwork.planning import list_walks
from walks.fieldwork.recording import possible_duplicates
from walks.fieldwork.redaction import RedactionError, photo_findings, redact_observation_photo
from walks.web.bodies import (
    MAX_JSON_BYTES,
    ApiError,
    accuracy_warning,
    aware_time,
    is_same_site,
    observation_draft,
    observation_uuid,
    read_body,
    replayable,
)
from walks.web.callers import request_token, token_account
from walks.web.committer import Committer
from walks.web.openapi import openapi_document
from walks.web.opening import OpenedOnce
from walks.web.payloads import (
    areas_payload,
    catalog_payload,
    delivered_payload,
    observations_payload,
    walks_payload,
)
from walks.web.sessions import COOKIE, CSRF_HEADER, Signer, new_login, same_text

JSON_BODIES: Final = frozenset(
    {"/login", "/observations", "/inbox/{id}/accept", "/inbox/{id}/reject",
     "/observations/{uuid}/photos/{photo}/redact"}
)  # fmt: skip
"""The routes whose posts carry JSON (photos come as a form; a logout carries nothing)."""
OPEN_ACTOR: Final = "app"
"""Who a change is recorded under in a workspace without accounts (as on the pages)."""

LOGIN_NEEDED: Final = Text(sv="Logga in först.", en="Log in first.")
CSRF_REFUSED: Final = Text(
    sv="Begäran saknar inloggningens CSRF-värde (X-CSRF-Token); ladda om sidan.",
    en="The request lacks the login's CSRF value (X-CSRF-Token); reload the page.",
)


def language_of(request: Request) -> str:
    """Return ``sv`` or ``en``: of the two, the one the caller's ``Accept-Language`` prefers.

    Swedish when neither is named, or both equally (the district's language comes first).
    """
    best, best_q = "sv", 0.0
    for part in request.headers.get("accept-language", "").split(","):
        code, _, weight = part.strip().partition(";")
        language = code.strip().lower()[:2]
        try:
            q = float(weight.strip().removeprefix("q=")) if weight else 1.0
        except ValueError:
            continue
        if language in ("sv", "en") and (q > best_q or (q == best_q and language == "sv")):
            best, best_q = language, q
    return best


def _status_and_field(error: LocalizedError) -> tuple[int, str | None]:
    match error:
        case ApiError():
            return error.status, error.field
        case AccessError():
            return 403, None
        case AccountError():
            return 401, None
        case NotStoredError() | RedactionError():
            return 404, None
        case UnknownLayerError():
            return 422, "category"
        case UnknownAreaError():
            return 422, "area"
        case PositionError():
            return 422, "position"
        case PhotoError():
            return 422, "photo"
        case FeatureValidationError():
            return 422, error.field
        case ReportNotFoundError():
            return 404, error.field
        case ReportHandledError():
            return 409, error.field
        case StoreError():
            return 503, None  # the database away: the phone keeps it and tries again
    return 422, error.field


def refusal(error: LocalizedError, language: str) -> JSONResponse:
    """Return ``error`` as the API's JSON refusal."""
    status, field = _status_and_field(error)
    return JSONResponse({"error": error.message(language), "field": field}, status_code=status)


@dataclass(frozen=True, slots=True)
class Caller:
    """Who calls: the workspace as they may use it, the name changes are recorded under."""

    workspace: Workspace
    actor: str
    account: Account | None
    """None in a workspace without accounts."""


Handler = Callable[[Request], Awaitable[Response]]


class Api:
    """The API's routes over one workspace, opened on the first call and then shared."""

    def __init__(self, open_workspace: Callable[[], Workspace]) -> None:
        self.workspace = OpenedOnce(open_workspace)
        """The workspace (opened once, by the first call that needs it)."""
        self._committer = Committer()

    @property
    def signer(self) -> Signer:
        """The signer of logins, with the workspace's key."""
        return Signer(self.workspace().settings.secret_key)

    def routes(self) -> list[BaseRoute]:
        """Return the API's routes, relative to where they are mounted (``/api/v1``)."""
        served: list[tuple[str, Handler, list[str]]] = [
            ("/openapi.json", self.openapi, ["GET"]),
            ("/session", self.session, ["GET"]),
            ("/login", self.login, ["POST"]),
            ("/logout", self.logout, ["POST"]),
            ("/catalog", self.catalog, ["GET"]),
            ("/areas", self.areas, ["GET"]),
            ("/walks", self.walks, ["GET"]),
            ("/observations", self.observations, ["GET", "POST"]),
            ("/observations/{uuid}/photos", self.photos, ["POST"]),
            ("/observations/{uuid}/photos/suggestions", self.suggestions, ["GET"]),
            ("/observations/{uuid}/photos/{photo}/redact", self.redact, ["POST"]),
            ("/inbox", self.inbox, ["GET"]),
            ("/inbox/{id}/accept", self.accept, ["POST"]),
            ("/inbox/{id}/reject", self.reject, ["POST"]),
            ("/open311", self.open311, ["GET"]),
        ]
        return [
            Route(path, _refusing(handler, json_body=path in JSON_BODIES),
                  methods=methods)
            for path, handler, methods in served
        ]  # fmt: skip

    # ------------------------------------------------------------------ callers
    def caller(self, request: Request, *, writes: bool = False) -> Caller:
        """Return who calls; refuse a call that needs a login without one (blocking)."""
        workspace = self.workspace()
        if not has_accounts(workspace):
            return Caller(workspace, OPEN_ACTOR, None)
        token, in_cookie = request_token(request)
        account = token_account(workspace, self.signer, token) if token else None
        if account is None or token is None:
            raise ApiError(401, LOGIN_NEEDED)
        if writes and in_cookie:
            sent = request.headers.get(CSRF_HEADER, "")
            if not same_text(sent, self.signer.csrf(token)):
                raise ApiError(403, CSRF_REFUSED, "csrf")  # the page takes the new value
        return Caller(workspace_as(workspace, account), account.name, account)

    # ------------------------------------------------------------------- routes
    async def openapi(self, request: Request) -> Response:
        """``GET /openapi.json``: this API's description."""
        return JSONResponse(openapi_document())

    async def session(self, request: Request) -> Response:
        """``GET /session``: whether a login is needed, and who is logged in."""

        def answer() -> dict[str, object]:
            try:
                account = self.caller(request).account  # None: a workspace without accounts
                required = account is not None
            except ApiError:  # accounts, and no valid login
                account, required = None, True
            token, in_cookie = request_token(request)
            return {
                "accounts_required": required,
                "account": None if account is None
                else {"name": account.name, "role": str(account.role)},
                "csrf": self.signer.csrf(token) if account and token and in_cookie else None,
            }  # fmt: skip

        return JSONResponse(await run_in_threadpool(answer))

    async def login(self, request: Request) -> Response:
        """``POST /login``: a session cookie and a token for a name and password."""
        body = _json(await read_body(request, MAX_JSON_BYTES))
        name, password = body.get("name"), body.get("password")
        if not isinstance(name, str) or not isinstance(password, str):
            raise ApiError(422, Text(sv="Ange name och password.", en="Give name and password."))
        workspace = self.workspace()
        account = await run_in_threadpool(log_in, workspace, name, password)
        stamp = await run_in_threadpool(password_stamp, workspace, account.name)
        made = new_login(self.signer, account, workspace.settings.session_hours, stamp or "")
        response = JSONResponse({
            "account": {"name": account.name, "role": str(account.role)},
            "token": made.token, "csrf": made.csrf, "expires_at": made.expires_at.isoformat(),
        })  # fmt: skip
        response.set_cookie(
            COOKIE, made.token, expires=made.expires_at, path="/", httponly=True,
            samesite="strict", secure=request.url.scheme == "https",
        )  # fmt: skip
        return response

    async def logout(self, request: Request) -> Response:
        """``POST /logout``: forget the session cookie."""
        response = Response(status_code=204)
        response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")
        return response

    async def catalog(self, request: Request) -> Response:
        """``GET /catalog``: the categories the caller may register, and settings."""

        def answer() -> dict[str, object]:
            caller = self.caller(request)
            workspace = caller.workspace
            may = caller.account is None or caller.account.at_least(Role.REGISTRANT)
            hidden = {s.name for s in workspace.catalog.categories if s.internal}
            shown = [
                spec for spec in workspace.catalog.categories
                if may or spec.name not in hidden
            ]  # fmt: skip
            return catalog_payload(shown, workspace.settings)

        return JSONResponse(await run_in_threadpool(answer))

    async def areas(self, request: Request) -> Response:
        """``GET /areas``: the areas as GeoJSON in WGS 84."""

        def answer() -> dict[str, object]:
            return areas_payload(self.caller(request).workspace.areas())

        return JSONResponse(await run_in_threadpool(answer))

    async def walks(self, request: Request) -> Response:
        """``GET /walks[?area=]``: the walks of one area or of every area."""
        wanted = request.query_params.get("area")

        def answer() -> dict[str, object]:
            workspace = self.caller(request).workspace
            slugs = [find_area(workspace, wanted).slug] if wanted else [
                a.slug for a in workspace.areas()]  # fmt: skip
            return walks_payload([w for s in slugs for w in list_walks(workspace, s)])

        return JSONResponse(await run_in_threadpool(answer))

    async def observations(self, request: Request) -> Response:
        """``POST /observations``: store one, once per uuid; ``GET``: list them."""
        if request.method == "GET":
            return await self._list_observations(request)
        body = _json(await read_body(request, MAX_JSON_BYTES))
        language = language_of(request)

        def arrive() -> tuple[Caller, Arrival]:
            caller = self.caller(request, writes=True)
            draft, area, walk = observation_draft(body, actor=caller.actor, now=datetime.now(UTC))
            return caller, Arrival(draft, area, walk)

        caller, arrival = await run_in_threadpool(arrive)
        outcome = await self._committer.deliver(caller.workspace, caller.account, arrival)
        if isinstance(outcome, LocalizedError):
            raise outcome

        def answer() -> dict[str, object]:
            workspace = caller.workspace
            duplicates = possible_duplicates(workspace, outcome.observation)
            warning = accuracy_warning(body, workspace.settings.gps_accuracy_m)
            warnings = [] if warning is None else [warning.in_language(language)]
            return delivered_payload(outcome.observation, duplicates, warnings)

        status = 201 if outcome.created else 200
        return JSONResponse(await run_in_threadpool(answer), status_code=status)

    async def _list_observations(self, request: Request) -> Response:
        wanted = request.query_params.get("area")
        since_text = request.query_params.get("since")
        if not wanted:
            raise ApiError(422, Text(sv="Ange area.", en="Give area."), "area")
        since = aware_time(since_text, "since") if since_text else None

        def answer() -> dict[str, object]:
            caller = self.caller(request)
            workspace = caller.workspace
            named = sees_who_registered(workspace)
            slug = find_area(workspace, wanted).slug
            frames = []
            for name in workspace.catalog.names:
                frame = workspace.store.read_layer(slug, name)
                if not named:  # who registered what is for those who register, not viewers
                    frame = frame.drop(columns=["created_by"], errors="ignore")
                if since is not None and len(frame):
                    frame = frame[frame["updated_at"] >= since]
                if len(frame):
                    frames.append(frame.assign(category=name, area=slug))
            return observations_payload(frames)

        return JSONResponse(await run_in_threadpool(answer))

    async def photos(self, request: Request) -> Response:
        """``POST /observations/{uuid}/photos``: add one photo, once."""
        uuid = observation_uuid(request.path_params["uuid"])
        caller = await run_in_threadpool(self.caller, request, writes=True)  # before reading
        limit = caller.workspace.settings.max_photo_bytes + MAX_JSON_BYTES  # form's own parts
        request = replayable(request, await read_body(request, limit))
        async with request.form(max_files=1, max_fields=4) as form:
            upload, given, area = form.get("photo"), form.get("uuid"), form.get("area")
            if upload is None or isinstance(upload, str):
                missing = Text(sv="Fotot saknas (fältet photo).",
                               en="The photo is missing (field photo).")  # fmt: skip
                raise ApiError(422, missing, "photo")
            data = await upload.read()
        photo_uuid = None if not given else observation_uuid(given)

        def store() -> tuple[dict[str, object], bool]:
            photo = process_photo(data, max_bytes=caller.workspace.settings.max_photo_bytes)
            found = stored_observation(caller.workspace, uuid, str(area) if area else None)
            delivered = add_photo_once(caller.workspace, found, photo, uuid=photo_uuid,
                                       actor=caller.actor)  # fmt: skip
            return {"observation": uuid, "uuid": photo_uuid, "area": found.area}, delivered.created

        answer, created = await run_in_threadpool(store)
        return JSONResponse(answer, status_code=201 if created else 200)

    async def suggestions(self, request: Request) -> Response:
        """``GET /observations/{uuid}/photos/suggestions``: faces and plates in its photos."""
        uuid = observation_uuid(request.path_params["uuid"])

        def find() -> dict[str, object]:
            caller = self.caller(request)
            found = stored_observation(caller.workspace, uuid)
            return {"observation": uuid, "area": found.area, "photos": [
                {"photo": item.photo, "uuid": item.uuid, "width": item.width,
                 "height": item.height,
                 "boxes": [{"kind": str(f.kind), "box": f.box.as_list()} for f in item.findings]}
                for item in photo_findings(caller.workspace, found.area, found.number)
            ]}  # fmt: skip

        return JSONResponse(await run_in_threadpool(find))

    async def redact(self, request: Request) -> Response:
        """``POST /observations/{uuid}/photos/{photo}/redact``: black out boxes, for good."""
        uuid = observation_uuid(request.path_params["uuid"])
        body = _json(await read_body(request, MAX_JSON_BYTES))
        given, photo = body.get("boxes"), request.path_params["photo"]
        boxes = [_box(item) for item in given] if isinstance(given, list) else None
        if not boxes or None in boxes or not photo.isdigit():
            raise ApiError(422, Text(
                sv="Skicka boxes som en lista av rutor, var och en [x, y, bredd, höjd] i "
                "fotots bildpunkter (heltal), och fotots nummer (1, 2, …) i adressen.",
                en="Send boxes as a list of boxes, each [x, y, width, height] in the photo's "
                "pixels (integers), and the photo's number (1, 2, …) in the address.",
            ), "boxes")  # fmt: skip

        def black_out() -> dict[str, object]:
            caller = self.caller(request, writes=True)
            found = stored_observation(caller.workspace, uuid)
            done = redact_observation_photo(
                caller.workspace, found.area, found.number, int(photo),
                [box for box in boxes if box is not None], actor=caller.actor,
            )  # fmt: skip
            return {
                "observation": uuid,
                "area": done.area,
                "photo": done.photo,
                "uuid": done.uuid,
                "boxes": [box.as_list() for box in done.boxes],
            }

        return JSONResponse(await run_in_threadpool(black_out))

    # -------------------------------------------------------------- the inbox
    def coordinator(self, request: Request, *, writes: bool = False) -> Caller:
        """Return the caller, refusing one whose role may not handle residents' reports."""
        caller = self.caller(request, writes=writes)
        if caller.account is not None and not caller.account.at_least(Role.COORDINATOR):
            raise AccessError(Text(
                sv=f"{caller.account.name} ({caller.account.role.label.sv}) får inte hantera "
                "boendes anmälningar; det gör samordnare.",
                en=f"{caller.account.name} ({caller.account.role.label.en}) may not handle "
                "residents' reports; coordinators do.",
            ))  # fmt: skip
        return caller

    async def inbox(self, request: Request) -> Response:
        """``GET /inbox[?area=][&status=]``: residents' reports, those waiting by default."""
        wanted = request.query_params.get("area")
        status_text = request.query_params.get("status", "new")
        statuses = {s.value: s for s in ReportStatus}
        if status_text not in {*statuses, "all"}:
            said = Text(sv="status är new, accepted, rejected eller all.",
                        en="status is new, accepted, rejected or all.")  # fmt: skip
            raise ApiError(422, said, "status")

        def answer() -> dict[str, object]:
            workspace = self.coordinator(request).workspace
            reports = list_reports(workspace, area=wanted, status=statuses.get(status_text))
            return {"reports": [report.to_json() for report in reports]}

        return JSONResponse(await run_in_threadpool(answer))

    async def accept(self, request: Request) -> Response:
        """``POST /inbox/{id}/accept``: make a waiting report an observation of its area."""
        body = _json(await read_body(request, MAX_JSON_BYTES))
        category, fields, severity = (
            body.get("category"),
            body.get("fields", {}),
            body.get("severity"),
        )
        if (
            (category is not None and not isinstance(category, str))
            or not isinstance(fields, dict)
            or (severity is not None and not isinstance(severity, int))
        ):
            raise ApiError(422, Text(
                sv="Skicka category som text, fields som ett objekt och severity som ett heltal.",
                en="Send category as text, fields as an object and severity as an integer.",
            ))  # fmt: skip

        def accept() -> dict[str, object]:
            caller = self.coordinator(request, writes=True)
            observation = accept_report(
                caller.workspace, request.path_params["id"], actor=caller.actor,
                category=category, fields=fields, severity=severity,
            )  # fmt: skip
            return {
                "report": request.path_params["id"], "uuid": observation.uuid,
                "number": observation.number, "area": observation.area,
                "category": observation.category, "source": str(observation.origin),
            }  # fmt: skip

        return JSONResponse(await run_in_threadpool(accept), status_code=201)

    async def reject(self, request: Request) -> Response:
        """``POST /inbox/{id}/reject``: reject a waiting report, saying why."""
        body = _json(await read_body(request, MAX_JSON_BYTES))
        reason = body.get("reason")
        if not isinstance(reason, str):
            raise ApiError(422, Text(sv="Ange reason.", en="Give reason."), "reason")

        def reject() -> dict[str, object]:
            caller = self.coordinator(request, writes=True)
            report = reject_report(caller.workspace, request.path_params["id"], reason,
                                   actor=caller.actor)  # fmt: skip
            return report.to_json()

        return JSONResponse(await run_in_threadpool(reject))

    # ------------------------------------------- the city's fault-report system
    async def open311(self, request: Request) -> Response:
        """``GET /open311[?area=]``: the requests sent to the city's system (coordinators).

        Read only: sending and fetching the city's status are the command line's and the
        action plan page's (``safewalk open311 send|sync``).
        """
        wanted = request.query_params.get("area")
        language = language_of(request)

        def answer() -> dict[str, object]:
            caller = self.caller(request)
            if not may_send(caller.workspace) and caller.account is not None:
                raise AccessError(Text(
                    sv=f"{caller.account.name} ({caller.account.role.label.sv}) får inte se vad "
                    "som skickats till stadens felanmälan; det gör samordnare.",
                    en=f"{caller.account.name} ({caller.account.role.label.en}) may not see what "
                    "was sent to the city's fault-report system; coordinators do.",
                ))  # fmt: skip
            requests = city_requests(caller.workspace, area=wanted)
            return {"requests": [r.to_json(language) for r in requests]}

        return JSONResponse(await run_in_threadpool(answer))


def _json(data: bytes) -> dict[str, object]:
    try:
        body = json.loads(data)
    except (ValueError, UnicodeDecodeError):
        raise ApiError(
            400, Text(sv="Innehållet är inte JSON.", en="The body is not JSON.")
        ) from None
    if not isinstance(body, dict):
        raise ApiError(422, Text(sv="Innehållet ska vara ett JSON-objekt.",
                                 en="The body must be a JSON object."))  # fmt: skip
    return body


CROSS_SITE: Final = Text(
    sv="Begäran kom från en annan webbplats; inget sparades.",
    en="The request came from another site; nothing was stored.",
)
NOT_JSON: Final = Text(
    sv="Skicka innehållet som JSON (Content-Type: application/json).",
    en="Send the body as JSON (Content-Type: application/json).",
)


def _box(item: object) -> Box | None:
    """Return the box ``[x, y, width, height]`` (as ``safewalk photo`` writes it), else None."""
    if not isinstance(item, list) or len(item) != 4 or any(type(v) is not int for v in item):
        return None
    return Box(*item)


def _refusing(handler: Handler, *, json_body: bool) -> Handler:
    """Wrap ``handler``: writes only from this site (JSON ones as JSON), refusals as JSON.

    A page of another site can make a browser post a form here, cookie and all: such a
    write is refused before it is read, in a workspace without accounts too.
    """

    async def handle(request: Request) -> Response:
        try:
            if request.method == "POST":
                if not is_same_site(request):
                    raise ApiError(403, CROSS_SITE)
                kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
                if json_body and kind != "application/json":
                    raise ApiError(415, NOT_JSON)
            return await handler(request)
        except LocalizedError as error:
            return refusal(error, language_of(request))
        except HTTPException as error:  # Starlette's own, e.g. an unreadable multipart body
            text = Text(sv=f"Begäran kunde inte läsas: {error.detail}",
                        en=f"The request could not be read: {error.detail}")  # fmt: skip
            return refusal(ApiError(error.status_code, text), language_of(request))

    return handle
