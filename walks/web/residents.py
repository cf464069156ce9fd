"""The residents' pages, ``/boende`` and ``/residents``: public measures, and a place reported.

Served by the app's own process beside the Streamlit pages, as plain HTML that works
without JavaScript (the script only adds a tap on the map and the phone's position):

- the district's public measures of the chosen area, as ``public_measures`` gives them;
- a form to report a place without an account, which goes to the inbox
  (``receive_report``), never onto the map. What anyone may send is guarded here: a limit
  per client address (``REPORTS_ALLOWED``), the body's size before it is read, a field no
  person fills in (a script that fills it is answered as if its report arrived, and nothing
  is stored), and writes only from this site;
- how many reports the area's inbox received and handled per tertial.

The pages need no login, in a workspace with accounts too: they read and write through the
public and inbox use cases only.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final
from urllib.parse import urlencode
from uuid import uuid4

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from gis.i18n import LocalizedError
from layers.errors import StoreError
from layers.store import Area
from walks.actions.inbox import (
    ID_LENGTH,
    REPORT_MAX_CHARS,
    ReportCount,
    ReportDraft,
    receive_report,
    report_counts,
    resident_categories,
)
from walks.actions.public import PublicMeasure, public_measures
from walks.core.model import Position
from walks.core.workspace import Workspace
from walks.documents.mapdata import shipped_water
from walks.web.addresses import RESIDENTS, STATEMENT
from walks.web.areamap import AreaMap, area_map
from walks.web.bodies import MAX_JSON_BYTES, ApiError, is_same_site, read_body, read_form
from walks.web.limits import Allowance, RateLimit
from walks.web.opening import OpenedOnce
from walks.web.pages import (
    RESIDENTS_TEXTS,
    STATEMENT_TEXTS,
    STATEMENT_UPDATED,
    file_routes,
    files_version,
    other_language,
    page_response,
    render,
)

REPORTS_ALLOWED: Final = Allowance(per_window=5, window_s=600.0, per_day=20)
"""Reports one address may send: 5 in 10 minutes, 20 a day."""
HONEYPOT: Final = "website"
"""The form's field no person sees (hidden by the style sheet): only scripts fill it in."""
REPORT_FIELDS: Final = ("category", "position", "description", "photo", "email")
"""The form's fields, in the page's order: where a refusal is shown."""
T: Final = RESIDENTS_TEXTS


@dataclass(frozen=True, slots=True)
class Typed:
    """What a resident entered in the report form, to show again after a refusal."""

    category: str = ""
    lat: str = ""
    lon: str = ""
    description: str = ""
    email: str = ""
    photo_given: bool = False


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why a report was not taken, and the form's field it is about (None: the whole form)."""

    message: str
    field: str | None = None


@dataclass(frozen=True, slots=True)
class AreaView:
    """What the page shows of one area."""

    area: Area
    measures: Sequence[PublicMeasure]
    counts: Sequence[ReportCount]
    map: AreaMap


@dataclass(frozen=True, slots=True)
class Form:
    """The report form as drawn: what was entered and why it was refused."""

    typed: Typed = field(default_factory=Typed)
    refusal: Refusal | None = None


class PositionInputError(LocalizedError):
    """Latitude and longitude as typed that are no position (the form's ``position``)."""

    field = "position"


class PublicPages:
    """The pages anyone may open: the residents' pages and the accessibility statement.

    ``open_workspace`` opens it at the first request that needs it; ``allowance`` and
    ``clock`` (seconds, monotonic) set the limit per client address.
    """

    def __init__(
        self,
        open_workspace: Callable[[], Workspace],
        *,
        allowance: Allowance = REPORTS_ALLOWED,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workspace = OpenedOnce(open_workspace)
        """The workspace (opened once, by the first call that needs it)."""
        self._limit = RateLimit(allowance, clock=clock)
        self._version = files_version()

    def routes(self) -> list[BaseRoute]:
        """Return the pages' routes: both languages of each page, and their files."""
        return [
            *(Route(p, self.page, methods=["GET", "POST"]) for p in (RESIDENTS.sv, RESIDENTS.en)),
            *(Route(p, self.statement, methods=["GET"]) for p in (STATEMENT.sv, STATEMENT.en)),
            *file_routes(),
        ]

    # ------------------------------------------------------------------ pages
    async def page(self, request: Request) -> Response:
        """``GET``: the page of ``?area=``; ``POST``: a report sent from it."""
        language = RESIDENTS.language_of(request.url.path)
        wanted = request.query_params.get("area")
        if request.method == "POST":
            return await self._report(request, language, wanted)
        sent = request.query_params.get("sent")
        return await run_in_threadpool(self._page, request, language, wanted,
                                       sent=sent[:40] if sent else None)  # fmt: skip

    def _page(
        self,
        request: Request,
        language: str,
        wanted: str | None,
        *,
        form: Form | None = None,
        sent: str | None = None,
        status: int = 200,
    ) -> Response:
        """Return the page of area ``wanted`` (blocking: it reads the workspace)."""
        form = form or Form()
        try:
            workspace = self.workspace()
            areas = workspace.areas()
            area = _chosen(areas, wanted)
            view = None if area is None else _area_view(workspace, area, areas)
            categories = resident_categories(workspace.catalog)
            settings = workspace.settings
        except StoreError as error:  # the database away: said, and nothing else to show
            return self._notice(request, language, error.message(language), status=503)
        unknown = wanted is not None and area is None and bool(areas)
        body = render(
            "residents.html", language, T,
            title=T["title"].in_language(language),
            organisation=settings.organisation,
            version=self._version,
            here=RESIDENTS.path(language),
            other=_other(language, area),
            statement=STATEMENT.path(language),
            areas=areas,
            view=view,
            unknown=wanted if unknown else None,
            categories=[(spec.name, spec.title.in_language(language)) for spec in categories],
            form=form,
            marker=_marker(view, form.typed),
            sent=sent,
            max_chars=REPORT_MAX_CHARS,
            max_photo_bytes=settings.max_photo_bytes,
            photo_mb=_megabytes(settings.max_photo_bytes, language),
            status_label=lambda m: m.status.label.in_language(language),
        )  # fmt: skip
        return page_response(request, body, status=404 if unknown else status)

    def _notice(self, request: Request, language: str, message: str, *, status: int) -> Response:
        """Return a page that only says ``message`` (the workspace could not be read)."""
        body = render(
            "notice.html", language, T,
            title=T["title"].in_language(language),
            organisation="",
            version=self._version,
            other={"lang": other_language(language),
                   "href": RESIDENTS.path(other_language(language))},
            statement=STATEMENT.path(language),
            message=message,
        )  # fmt: skip
        return page_response(request, body, status=status)

    async def statement(self, request: Request) -> Response:
        """``GET``: the accessibility statement."""
        language = STATEMENT.language_of(request.url.path)
        settings = (await run_in_threadpool(self.workspace)).settings
        body = render(
            "statement.html", language, STATEMENT_TEXTS,
            title=STATEMENT_TEXTS["title"].in_language(language),
            organisation=settings.organisation,
            version=self._version,
            other={"lang": other_language(language),
                   "href": STATEMENT.path(other_language(language))},
            statement=None,
            residents=RESIDENTS.path(language),
            contact=settings.accessibility_contact,
            reviewed=settings.accessibility_reviewed.isoformat(),
            updated=STATEMENT_UPDATED.isoformat(),
        )  # fmt: skip
        return page_response(request, body)

    # ---------------------------------------------------------------- reports
    async def _report(self, request: Request, language: str, wanted: str | None) -> Response:
        """Take a report sent from the page: the thanks (POST/redirect/GET), or the form again."""

        def again(message: str, status: int, form: Form | None = None) -> Response:
            return self._page(request, language, wanted, status=status,
                              form=form or Form(refusal=Refusal(message)))  # fmt: skip

        if not is_same_site(request):
            return await run_in_threadpool(again, T["cross_site"].in_language(language), 403)
        address = request.client.host if request.client else "unknown"
        wait_s = self._limit.wait_s(address)
        if wait_s > 0:
            minutes = max(1, math.ceil(wait_s / 60))
            message = T["too_many"].format(minutes=minutes).in_language(language)
            response = await run_in_threadpool(again, message, 429)
            response.headers["Retry-After"] = str(math.ceil(wait_s))
            return response
        workspace = await run_in_threadpool(self.workspace)
        limit = workspace.settings.max_photo_bytes + MAX_JSON_BYTES  # the form's other parts
        mb = _megabytes(workspace.settings.max_photo_bytes, language)
        try:
            body = await read_body(request, limit)
            sent = await read_form(request, body, max_files=1, max_fields=12)
            try:
                typed, photo = await _typed(sent)
                filled_in_by_a_script = bool(_text(sent, HONEYPOT))
            finally:
                await sent.close()
        except ApiError:  # over the limit, refused before it was read
            return await run_in_threadpool(again, T["too_large"].format(mb=mb).in_language(
                language), 413)  # fmt: skip
        except HTTPException:  # Starlette's own: a body that is not a form
            return await run_in_threadpool(again, T["unreadable"].in_language(language), 400)
        if filled_in_by_a_script:  # answered as if it arrived; nothing is stored
            self._limit.count(address)
            return _thanks(language, wanted or "", str(uuid4())[:ID_LENGTH])

        def receive() -> Response:
            try:
                draft = ReportDraft(
                    category=typed.category,
                    position=_position(typed),
                    description=typed.description,
                    email=typed.email or None,
                    photo=photo,
                    language=language,
                )
                report = receive_report(workspace, draft)
            except LocalizedError as error:
                where = error.field if error.field in REPORT_FIELDS else None
                status = 503 if isinstance(error, StoreError) else 422
                form = Form(typed, Refusal(error.message(language), where))
                return self._page(request, language, wanted, form=form, status=status)
            self._limit.count(address)
            return _thanks(language, report.area, report.id)

        return await run_in_threadpool(receive)


def _chosen(areas: Sequence[Area], wanted: str | None) -> Area | None:
    """Return the area ``wanted`` names (its id), the first when none is named."""
    if not areas:
        return None
    if wanted is None:
        return next((a for a in areas if not a.is_demo), areas[0])
    return next((a for a in areas if a.slug == wanted), None)


def _area_view(workspace: Workspace, area: Area, areas: Sequence[Area]) -> AreaView:
    return AreaView(
        area=area,
        measures=public_measures(workspace, area.slug),
        counts=report_counts(workspace, area.slug),
        map=area_map(area, areas, shipped_water(workspace.settings.data_dir)),
    )


def _other(language: str, area: Area | None) -> dict[str, str]:
    """Return the link to the page in the other language, with the same area."""
    other = other_language(language)
    query = f"?{urlencode({'area': area.slug})}" if area is not None else ""
    return {"lang": other, "href": RESIDENTS.path(other) + query}


def _thanks(language: str, area: str, report_id: str) -> Response:
    """Return the redirect to the page's thanks (POST/redirect/GET: a reload sends nothing)."""
    query = urlencode({"area": area, "sent": report_id} if area else {"sent": report_id})
    return RedirectResponse(f"{RESIDENTS.path(language)}?{query}", status_code=303)


def _megabytes(size: int, language: str) -> str:
    """Return ``size`` bytes in MB as people of ``language`` write it (``0,5`` in Swedish)."""
    text = f"{size / 1e6:g}"
    return text.replace(".", ",") if language == "sv" else text


def _text(form: FormData, name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


async def _typed(form: FormData) -> tuple[Typed, bytes | None]:
    """Return what the form holds, and the photo's bytes (None when none was chosen)."""
    upload = form.get("photo")
    photo = await upload.read() if isinstance(upload, UploadFile) else b""
    typed = Typed(
        category=_text(form, "category"),
        lat=_text(form, "lat"),
        lon=_text(form, "lon"),
        description=_text(form, "description"),
        email=_text(form, "email"),
        photo_given=bool(photo),
    )
    return typed, photo or None


def _degrees(text: str) -> float:
    """Return a number of degrees as people type it (a decimal comma, a typographic minus)."""
    return float(text.replace(",", ".").replace("\u2212", "-").replace(" ", ""))


def _position(typed: Typed) -> Position:
    """Return the position the form's latitude and longitude give.

    Raises
    ------
    PositionInputError
        Either is missing, or is not a number of degrees.
    """
    if not typed.lat or not typed.lon:
        raise PositionInputError(T["position_missing"])
    try:
        lat, lon = _degrees(typed.lat), _degrees(typed.lon)
    except ValueError:
        raise PositionInputError(T["position_not_number"]) from None
    if not (math.isfinite(lat) and math.isfinite(lon) and abs(lat) <= 90 and abs(lon) <= 180):
        raise PositionInputError(T["position_not_number"])
    return Position(x=lon, y=lat)


def _marker(view: AreaView | None, typed: Typed) -> tuple[float, float] | None:
    """Return where the typed position lies on the area's map, if it does."""
    try:
        position = _position(typed)
    except PositionInputError:
        return None
    return None if view is None else view.map.position_of(position.x, position.y)
