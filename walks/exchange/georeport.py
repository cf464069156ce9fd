"""A client of Open311 GeoReport v2: post a service request, read requests and tokens back.

Only the calls safewalk makes, in the JSON format (https://wiki.open311.org/GeoReport_v2):
``POST requests.json`` (form-encoded), ``GET requests.json?service_request_id=…`` and
``GET tokens/{token}.json``. Every call has a time-out and follows no redirect (a POST
redirected would be sent again as a GET, without its body). A call that does not give
what it should raises ``DeliveryError`` with the kind of problem
(``layers.values.DeliveryProblem``) and the detail as the server or the network gave it:
for a refusal, the server's own error list (``[{"code": …, "description": …}]``).
The API key goes in the posted body only, never in an address, a message or a log.
"""

from __future__ import annotations

import http.client
import json
import logging
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Final
from urllib.parse import quote, urlencode, urlsplit

from gis.i18n import Text
from layers.values import DeliveryProblem
from walks.core.errors import WalkError

log = logging.getLogger(__name__)

USER_AGENT: Final = "safewalk (safety walks of a district administration)"
MAX_ANSWER_BYTES: Final = 2_000_000
"""The most of an answer read: a GeoReport answer is a few kilobytes."""
MAX_DETAIL_CHARS: Final = 1000
"""The most of a server's error text kept."""
IDS_PER_CALL: Final = 50
"""Service request ids asked for in one ``GET requests.json`` (comma-separated)."""


class DeliveryError(WalkError):
    """A call to the city's system that did not give what it should; nothing was delivered."""

    def __init__(self, kind: DeliveryProblem, detail: str, *, http_status: int | None = None):
        self.kind = kind
        self.detail = detail[:MAX_DETAIL_CHARS]
        self.http_status = http_status
        super().__init__(
            Text(sv=f"{kind.label.sv}: {self.detail}", en=f"{kind.label.en}: {self.detail}")
        )


@dataclass(frozen=True, slots=True)
class Posted:
    """The city's answer to a posted request: its id, or a token to ask for the id later."""

    service_request_id: str | None
    token: str | None
    notice: str = ""


@dataclass(frozen=True, slots=True)
class CityStatus:
    """A request as the city's system has it now."""

    service_request_id: str
    status: str
    """``open`` or ``closed`` (GeoReport v2)."""
    status_notes: str
    updated: datetime | None


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Raise the redirect as an ``HTTPError`` instead of following it."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_OPENER: Final = urllib.request.build_opener(_NoRedirects)


def _text(value: object) -> str | None:
    """Return an id or token as text (servers send numbers too), None for none."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip()
    return text or None


def server_errors(body: bytes) -> str:
    """Return GeoReport's error list (``[{"code", "description"}]``) as one line of text.

    Anything else the server sent is given as it is, shortened: it is what the server said.
    """
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        document = None
    entries = document if isinstance(document, list) else [document]
    said = [
        f"{entry.get('code')}: {entry.get('description')}"
        if entry.get("code") is not None
        else str(entry.get("description"))
        for entry in entries
        if isinstance(entry, dict) and entry.get("description")
    ]
    if said:
        return "; ".join(said)
    return " ".join(body.decode("utf-8", "replace").split())[:MAX_DETAIL_CHARS]


def _time(value: object) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


class GeoReportClient:
    """Calls to one GeoReport v2 endpoint, e.g. ``https://open311.example.se/v2``."""

    def __init__(
        self,
        base_url: str,
        *,
        api_key: str | None = None,
        jurisdiction: str | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._api_key = api_key
        self.jurisdiction = jurisdiction
        self.timeout_s = timeout_s
        parts = urlsplit(self.base_url)
        self._shown_base = parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()
        """The address as messages show it: without a user or password in it."""

    def _call(self, path: str, *, form: Sequence[tuple[str, str]] | None = None) -> object:
        """Return the JSON the endpoint answers ``path`` with (a POST of ``form`` if given).

        Raises
        ------
        DeliveryError
            No answer in time, no connection, an HTTP error status (the server's error
            text with it), or an answer that is not JSON. The API key is never in its
            text, even when the server repeats it.
        """
        try:
            return self._exchange(path, form)
        except DeliveryError as error:
            if not self._api_key or self._api_key not in error.detail:
                raise
            detail = error.detail.replace(self._api_key, "***")
            raise DeliveryError(error.kind, detail, http_status=error.http_status) from None

    def _exchange(self, path: str, form: Sequence[tuple[str, str]] | None) -> object:
        url = f"{self.base_url}/{path}"
        data = None if form is None else urlencode(form).encode("utf-8")
        request = urllib.request.Request(  # noqa: S310 (the address is checked: https or localhost)
            url,
            data=data,
            method="GET" if form is None else "POST",
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        )
        where = f"{self._shown_base}/{path.split('?', 1)[0]}"
        try:
            with _OPENER.open(request, timeout=self.timeout_s) as response:
                body = response.read(MAX_ANSWER_BYTES)
        except urllib.error.HTTPError as error:
            detail = server_errors(error.read(MAX_ANSWER_BYTES))
            error.close()
            kind = DeliveryProblem.SERVER_ERROR if error.code >= 500 else DeliveryProblem.REFUSED
            if 300 <= error.code < 400:  # not followed: a POST would go again as a GET
                kind, detail = (
                    DeliveryProblem.BAD_ANSWER,
                    f"{where} → {error.headers.get('Location')}",
                )
            raise DeliveryError(
                kind, f"HTTP {error.code}: {detail or error.reason}", http_status=error.code
            ) from None
        except TimeoutError:
            raise DeliveryError(
                DeliveryProblem.TIMEOUT, f"{where} ({self.timeout_s:g} s)"
            ) from None
        except urllib.error.URLError as error:
            if isinstance(error.reason, TimeoutError):
                raise DeliveryError(
                    DeliveryProblem.TIMEOUT, f"{where} ({self.timeout_s:g} s)"
                ) from None
            raise DeliveryError(DeliveryProblem.UNREACHABLE, f"{where}: {error.reason}") from None
        except (http.client.HTTPException, OSError) as error:  # the connection broke mid-answer
            raise DeliveryError(
                DeliveryProblem.UNREACHABLE, f"{where}: {type(error).__name__} {error}"
            ) from None
        try:
            return json.loads(body)
        except (ValueError, UnicodeDecodeError):
            shown = " ".join(body[:200].decode("utf-8", "replace").split())
            raise DeliveryError(DeliveryProblem.BAD_ANSWER, f"{where}: {shown!r}") from None

    def _jurisdiction(self) -> list[tuple[str, str]]:
        return [] if self.jurisdiction is None else [("jurisdiction_id", self.jurisdiction)]

    def post_request(
        self,
        *,
        service_code: str,
        lat: float,
        long: float,
        description: str,
        attributes: Mapping[str, str],
    ) -> Posted:
        """Post one service request and return the id (or token) the city's system gave it.

        ``attributes`` go as ``attribute[code]=value``.

        Raises
        ------
        DeliveryError
            As ``_call``, and an answer that names neither ``service_request_id`` nor
            ``token``.
        """
        form = [
            *([("api_key", self._api_key)] if self._api_key else []),
            *self._jurisdiction(),
            ("service_code", service_code),
            ("lat", f"{lat:.7f}"),
            ("long", f"{long:.7f}"),
            ("description", description),
            *((f"attribute[{code}]", value) for code, value in attributes.items()),
        ]
        answer = self._call("requests.json", form=form)
        first = answer[0] if isinstance(answer, list) and answer else answer
        if isinstance(first, dict):
            posted = Posted(
                _text(first.get("service_request_id")),
                _text(first.get("token")),
                str(first.get("service_notice") or ""),
            )
            if posted.service_request_id or posted.token:
                return posted
        raise DeliveryError(
            DeliveryProblem.BAD_ANSWER,
            f"requests.json: {json.dumps(answer, ensure_ascii=False)[:200]}",
        )

    def request_id(self, token: str) -> str | None:
        """Return the id of the request the city's system gave ``token``, None while it has none.

        Raises
        ------
        DeliveryError
            As ``_call``; an unknown token (404) is not yet an id, and not an error.
        """
        path = f"tokens/{quote(token, safe='')}.json"
        query = urlencode(self._jurisdiction())
        try:
            answer = self._call(f"{path}?{query}" if query else path)
        except DeliveryError as error:
            if error.http_status == 404:
                return None
            raise
        entries = answer if isinstance(answer, list) else [answer]
        for entry in entries:
            if isinstance(entry, dict) and (found := _text(entry.get("service_request_id"))):
                return found
        return None

    def statuses(self, ids: Sequence[str]) -> dict[str, CityStatus]:
        """Return the requests ``ids`` as the city's system has them now, by id.

        An id the answer leaves out is left out.

        Raises
        ------
        DeliveryError
            As ``_call``.
        """
        found: dict[str, CityStatus] = {}
        for start in range(0, len(ids), IDS_PER_CALL):
            chunk = ids[start : start + IDS_PER_CALL]
            query = urlencode([("service_request_id", ",".join(chunk)), *self._jurisdiction()])
            answer = self._call(f"requests.json?{query}")
            for entry in answer if isinstance(answer, list) else []:
                if not isinstance(entry, dict):
                    continue
                ident = _text(entry.get("service_request_id"))
                if ident is not None and ident in chunk:
                    found[ident] = CityStatus(
                        ident,
                        str(entry.get("status") or "").strip().lower(),
                        str(entry.get("status_notes") or "").strip(),
                        _time(entry.get("updated_datetime")),
                    )
        return found
