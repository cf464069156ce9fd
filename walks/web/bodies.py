"""What the HTTP API is sent: bodies read within their limit, and observations as drafts.

Every refusal is an ``ApiError`` with the HTTP status, the message in both languages and
the field it is about, so the caller can show it beside the right control.
"""

from __future__ import annotations

import math
import uuid as uuid_module
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Final

import shapely.geometry
from python_multipart.multipart import parse_options_header
from shapely.errors import ShapelyError
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException, MultiPartParser
from starlette.requests import Request

from gis.i18n import LocalizedError, Text
from walks.core.model import DrawnShape, ObservationDraft, Position

MAX_JSON_BYTES: Final = 64_000
"""The largest JSON body accepted (an observation is well under 2 kB)."""
FUTURE_SLACK: Final = timedelta(hours=1)
"""How far ahead of the server's clock a phone's ``taken_at`` may be."""


class ApiError(LocalizedError):
    """A request the API refuses: its HTTP status and the field it is about, if any."""

    def __init__(self, status: int, text: Text, field: str | None = None) -> None:
        super().__init__(text)
        self.status = status
        self.field = field


def too_large(limit: int) -> ApiError:
    """Return the refusal of a body larger than ``limit`` bytes."""
    size = f"{limit / 1000:.0f} kB" if limit < 1_000_000 else f"{limit / 1e6:.0f} MB"
    return ApiError(
        413, Text(sv=f"För stor begäran: högst {size}.", en=f"Request too large: at most {size}.")
    )


async def read_body(request: Request, limit: int) -> bytes:
    """Return the request's body; refuse one over ``limit`` bytes before reading it.

    A declared length over the limit is refused at once; a body without one is read only
    until it passes the limit.
    """
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > limit):
        raise too_large(limit)
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def replayable(request: Request, body: bytes) -> Request:
    """Return the request again with ``body`` (read once, within its limit) to parse."""
    sent = False

    async def receive() -> dict[str, object]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return Request(request.scope, receive)


class _FilesInMemory(MultiPartParser):
    spool_max_size = 0  # a SpooledTemporaryFile of no maximum size never goes to disk


async def read_form(request: Request, body: bytes, *, max_files: int, max_fields: int) -> FormData:
    """Return the form of ``body`` (read within its limit by ``read_body``), files in memory.

    Starlette's own parsing writes a file over 1 MB to a temporary file: a resident's photo,
    which may show where they live, would reach the disk before its EXIF is stripped. A
    form that cannot be read is refused as Starlette refuses it (``HTTPException``, 400).
    The caller closes the form.
    """
    content_type, _ = parse_options_header(request.headers.get("content-type"))
    if content_type != b"multipart/form-data":
        return await replayable(request, body).form(max_files=max_files, max_fields=max_fields)
    parser = _FilesInMemory(request.headers, replayable(request, body).stream(),
                            max_files=max_files, max_fields=max_fields)  # fmt: skip
    try:
        return await parser.parse()
    except MultiPartException as error:
        raise HTTPException(status_code=400, detail=error.message) from None


def is_same_site(request: Request) -> bool:
    """Return whether a write may come from where it came: not from a page of another site.

    Browsers say where a request comes from (``Sec-Fetch-Site``, ``Origin``); a caller
    that is not a browser says neither and is let through (a login decides then).
    """
    fetched_from = request.headers.get("sec-fetch-site")
    if fetched_from is not None:
        return fetched_from in ("same-origin", "none")
    origin = request.headers.get("origin")
    return origin is None or origin == f"{request.url.scheme}://{request.url.netloc}"


def _refused(text: Text, field: str) -> ApiError:
    return ApiError(422, text, field)


def _number(body: Mapping[str, object], name: str) -> float | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise _refused(Text(sv=f"{name} ska vara ett tal.", en=f"{name} must be a number."), name)
    return float(value)


def _text(body: Mapping[str, object], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _refused(Text(sv=f"{name} ska vara text.", en=f"{name} must be text."), name)
    return value


def observation_uuid(text: object) -> str:
    """Return ``text`` as a UUID in its usual form; refuse anything else."""
    try:
        return str(uuid_module.UUID(str(text)))
    except ValueError:
        raise _refused(
            Text(
                sv=f"uuid {text!r} är inget UUID; telefonen ska ge varje observation ett eget.",
                en=f"uuid {text!r} is not a UUID; the phone gives each observation one of its own.",
            ),
            "uuid",
        ) from None


def aware_time(text: str, name: str) -> datetime:
    """Return ``text``, the value of ``name``, as a UTC time: ISO 8601 with its offset."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise _refused(
            Text(
                sv=f"{name} {text!r} är ingen tid i ISO 8601-form.",
                en=f"{name} {text!r} is not an ISO 8601 time.",
            ),
            name,
        ) from None
    if moment.tzinfo is None:
        raise _refused(
            Text(
                sv=f"{name} saknar tidszon; lägg till t.ex. +01:00 eller Z.",
                en=f"{name} has no time zone; add e.g. +01:00 or Z.",
            ),
            name,
        )
    return moment.astimezone(UTC)


def taken_at(body: Mapping[str, object], now: datetime) -> datetime | None:
    """Return ``taken_at`` as an aware time; None when the body has none."""
    text = _text(body, "taken_at")
    if text is None:
        return None
    moment = aware_time(text, "taken_at")
    if moment - now > FUTURE_SLACK:
        raise _refused(
            Text(
                sv=f"taken_at {text} ligger i framtiden; kontrollera telefonens klocka.",
                en=f"taken_at {text} lies in the future; check the phone's clock.",
            ),
            "taken_at",
        )
    return moment


def _position(body: Mapping[str, object]) -> Position | DrawnShape:
    shape = body.get("geometry")
    if shape is not None:
        try:
            geometry = shapely.geometry.shape(shape)
            if geometry.is_empty:
                raise ValueError(geometry.wkt)
        except (ShapelyError, AttributeError, KeyError, TypeError, ValueError):
            raise _refused(
                Text(
                    sv="geometry är ingen GeoJSON-geometri.",
                    en="geometry is not a GeoJSON geometry.",
                ),
                "geometry",
            ) from None
        if geometry.geom_type == "Point":
            return Position(geometry.x, geometry.y)
        return DrawnShape(geometry, "EPSG:4326")
    lon, lat = _number(body, "lon"), _number(body, "lat")
    if lon is None or lat is None:
        raise _refused(
            Text(
                sv="Positionen saknas: ange lon och lat, eller geometry.",
                en="The position is missing: give lon and lat, or geometry.",
            ),
            "lon",
        )
    return Position(lon, lat)


def observation_draft(
    body: object, *, actor: str, now: datetime
) -> tuple[ObservationDraft, str | None, str | None]:
    """Return the draft an observation's JSON describes, its area and its walk (if named).

    Checks the shape of the body; the values themselves are checked where every
    observation is (``record_observation``).
    """
    if not isinstance(body, dict):
        raise ApiError(
            422,
            Text(sv="Innehållet ska vara ett JSON-objekt.", en="The body must be a JSON object."),
        )
    category = _text(body, "category")
    if not category:
        raise _refused(Text(sv="category saknas.", en="category is missing."), "category")
    fields = body.get("fields") or {}
    if not isinstance(fields, dict):
        raise _refused(
            Text(sv="fields ska vara ett objekt.", en="fields must be an object."), "fields"
        )
    severity = _number(body, "severity")
    if severity is not None and not severity.is_integer():
        raise _refused(
            Text(sv="severity ska vara ett heltal.", en="severity must be an integer."), "severity"
        )
    walk = body.get("walk")
    if walk is not None and (isinstance(walk, bool) or not isinstance(walk, int | str)):
        raise _refused(
            Text(sv="walk ska vara vandringens nummer.", en="walk must be the walk's number."),
            "walk",
        )
    draft = ObservationDraft(
        uuid=observation_uuid(body.get("uuid")),
        category=category,
        position=_position(body),
        created_by=actor,
        severity=None if severity is None else int(severity),
        description=(_text(body, "description") or "").strip(),
        fields=fields,
        observed_at=taken_at(body, now),
    )
    return draft, _text(body, "area") or None, None if walk is None else str(walk)


def accuracy_warning(body: Mapping[str, object], limit_m: float) -> Text | None:
    """Return a warning when the phone's GPS accuracy was worse than ``limit_m``."""
    accuracy = _number(body, "accuracy_m")
    if accuracy is None or accuracy <= limit_m:
        return None
    return Text(
        sv=f"GPS-positionen var osäker (±{accuracy:.0f} m, gränsen är {limit_m:.0f} m).",
        en=f"The GPS position was uncertain (±{accuracy:.0f} m; the limit is {limit_m:.0f} m).",
    )
