"""The feature service's routes: ``/ogc/`` as OGC API – Features (Part 1 Core, GeoJSON; Part 2).

Served by the app's own process beside the pages and the JSON API (``walks.web.routes``
mounts it). Reading goes through the store a page at a time (``walks.exchange.collections``),
as the caller's account sees it. In a workspace with accounts the collections and their
features need a login: HTTP Basic (a name and password, as QGIS and ArcGIS send them) or a
login's token (``Authorization: Bearer``, from ``POST /api/v1/login``); the landing page,
the conformance declaration and the OpenAPI description are open. Refusals are JSON
``{"code", "description", "parameter"}`` in the caller's language (``lang``, else
``Accept-Language``).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, Final

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from gis.crs import SWEREF99_TM, WGS84
from gis.geojson import column_values, features_geojson, geometries_geojson, to_json
from gis.i18n import LocalizedError, Text
from layers.errors import StoreError
from walks.access.accounts import AccountError, has_accounts
from walks.access.guard import workspace_as
from walks.core.workspace import Workspace
from walks.exchange.collections import (
    Collection,
    FeaturePage,
    UnknownCollectionError,
    feature_collections,
    find_collection,
    read_feature,
    read_page,
)
from walks.web.api import language_of
from walks.web.bodies import ApiError
from walks.web.callers import BasicLogins, basic_credentials, request_token, token_account
from walks.web.ogc import params
from walks.web.ogc.documents import (
    COLLECTION_TITLE,
    GEOJSON,
    JSON,
    NEXT_TITLE,
    OPENAPI,
    collection_document,
    collections_document,
    conformance,
    landing_page,
    link,
    openapi_document,
)
from walks.web.opening import OpenedOnce
from walks.web.sessions import Signer

CHALLENGE: Final = 'Basic realm="safewalk", charset="UTF-8"'
"""What a 401 asks for: a name and password, in UTF-8."""
LOGIN_NEEDED: Final = Text(
    sv="Logga in: ange användarnamn och lösenord (HTTP Basic), eller en inloggningstoken "
    "(Authorization: Bearer).",
    en="Log in: give a user name and password (HTTP Basic), or a login's token "
    "(Authorization: Bearer).",
)
OGC_CODES: Final = {400: "InvalidParameterValue", 401: "Unauthorized", 404: "NotFound",
                    503: "ServiceUnavailable"}  # fmt: skip
"""The exception codes of OGC API – Common for the statuses the service answers."""
NOT_KEPT: Final = {"Cache-Control": "no-store"}
"""Every answer: the layers are live and an answer is the account's. Unsaid, QGIS's network
cache keeps answers and shows them again, stale, even to a wrong password."""
COORDINATES: Final = {params.CRS84: (WGS84, False), params.EPSG_3006: (SWEREF99_TM, True)}
"""Each served system's pyproj name (x first) and whether it is written northing first."""

Handler = Callable[[Request], Awaitable[Response]]


def _status(error: LocalizedError) -> int:
    match error:
        case ApiError():
            return error.status
        case AccountError():
            return 401
        case UnknownCollectionError():
            return 404
        case StoreError():
            return 503
    return 400


def refusal(error: LocalizedError, language: str) -> JSONResponse:
    """Return ``error`` as the service's JSON refusal (a 401 asks for Basic credentials)."""
    status = _status(error)
    body: dict[str, Any] = {"code": OGC_CODES.get(status, "InvalidParameterValue"),
                            "description": error.message(language)}  # fmt: skip
    if isinstance(error, ApiError) and error.field is not None:
        body["parameter"] = error.field
    headers = {**NOT_KEPT, "WWW-Authenticate": CHALLENGE} if status == 401 else NOT_KEPT
    return JSONResponse(body, status_code=status, headers=headers)


def _refusing(handler: Handler) -> Handler:
    async def handle(request: Request) -> Response:
        try:
            return await handler(request)
        except LocalizedError as error:
            preferred = language_of(request)
            wanted = request.query_params.get("lang")
            return refusal(error, wanted if wanted in ("sv", "en") else preferred)

    return handle


class FeatureService:
    """The service's routes over one workspace, opened on the first request and then shared."""

    def __init__(self, open_workspace: Callable[[], Workspace]) -> None:
        self.workspace = OpenedOnce(open_workspace)
        """The workspace (opened once, by the first call that needs it)."""
        self._basic = BasicLogins()

    def routes(self) -> list[BaseRoute]:
        """Return the routes, relative to where they are mounted (``/ogc``)."""
        served: list[tuple[str, Handler]] = [
            ("/", self.landing),
            ("/conformance", self.conformance),
            ("/openapi", self.openapi),
            ("/collections", self.collections),
            ("/collections/{collection}", self.collection),
            ("/collections/{collection}/items", self.items),
            ("/collections/{collection}/items/{feature}", self.feature),
        ]
        return [Route(path, _refusing(handler), methods=["GET"]) for path, handler in served]

    # ------------------------------------------------------------------ callers
    def caller(self, request: Request) -> Workspace:
        """Return the workspace as the caller may see it; refuse one without a login (blocking).

        Basic credentials are checked as the login checks them; a token as the API does.
        """
        workspace = self.workspace()
        if not has_accounts(workspace):
            return workspace
        given = basic_credentials(request)
        if given is not None:
            return workspace_as(workspace, self._basic.account(workspace, *given))
        token, _ = request_token(request)
        signer = Signer(workspace.settings.secret_key)
        account = token_account(workspace, signer, token) if token else None
        if account is None:
            raise ApiError(401, LOGIN_NEEDED)
        return workspace_as(workspace, account)

    @staticmethod
    def _base(request: Request) -> str:
        """Return the service's address as the caller reached it, ending in /.

        Where the service is mounted (``/ogc``) is the request's ``root_path``.
        """
        mounted = request.scope.get("root_path", "")
        scope = {**request.scope, "root_path": "", "path": f"{mounted}/", "query_string": b""}
        return str(URL(scope=scope))

    @staticmethod
    def _language(request: Request) -> str:
        return params.language(request.query_params, language_of(request))

    # ------------------------------------------------------------------- routes
    async def landing(self, request: Request) -> Response:
        """``GET /ogc/``: the landing page, with links to what the service holds."""
        params.check_names(request.query_params, ())
        params.check_format(request.query_params)
        return _json(landing_page(self._base(request), self._language(request)))

    async def conformance(self, request: Request) -> Response:
        """``GET /ogc/conformance``: the standards the service conforms to."""
        params.check_names(request.query_params, ())
        params.check_format(request.query_params)
        return _json(conformance())

    async def openapi(self, request: Request) -> Response:
        """``GET /ogc/openapi``: the service's OpenAPI 3.0 description."""
        params.check_names(request.query_params, ())
        params.check_format(request.query_params)
        return _json(openapi_document(self._base(request)), OPENAPI)

    async def collections(self, request: Request) -> Response:
        """``GET /ogc/collections``: every collection the caller may see."""
        params.check_names(request.query_params, ())
        params.check_format(request.query_params)
        language = self._language(request)

        def answer() -> dict[str, Any]:
            workspace = self.caller(request)
            margin = workspace.settings.area_tolerance_m
            return collections_document(feature_collections(workspace), self._base(request),
                                        language, margin_m=margin)  # fmt: skip

        return _json(await run_in_threadpool(answer))

    async def collection(self, request: Request) -> Response:
        """``GET /ogc/collections/{id}``: one collection."""
        params.check_names(request.query_params, ())
        params.check_format(request.query_params)
        language = self._language(request)

        def answer() -> dict[str, Any]:
            workspace = self.caller(request)
            found = find_collection(workspace, request.path_params["collection"])
            return collection_document(found, self._base(request), language,
                                       margin_m=workspace.settings.area_tolerance_m)  # fmt: skip

        return _json(await run_in_threadpool(answer))

    async def items(self, request: Request) -> Response:
        """``GET /ogc/collections/{id}/items``: a page of features, GeoJSON."""
        query = request.query_params

        def answer() -> tuple[str, str]:
            workspace = self.caller(request)
            params.check_names(query, params.ITEMS)
            params.check_format(query, geojson=True)
            language = self._language(request)
            crs = params.served_crs(query)
            limit, after = params.limit(query), params.after(query)
            box, period = params.box(query), params.period(query)
            found = find_collection(workspace, request.path_params["collection"])
            page = read_page(
                workspace, found, limit=limit, after=after,
                bbox=None if box is None else box.bounds,
                start=None if period is None else period.start,
                end=None if period is None else period.end, timed=period is not None,
                counted=after is None,  # the first page says how many; a count costs a pass
            )  # fmt: skip
            return self._page_text(request, found, page, crs, language), crs

        text, crs = await run_in_threadpool(answer)
        return _geojson(text, crs)

    def _page_text(self, request: Request, collection: Collection, page: FeaturePage,
                   crs: str, language: str) -> str:  # fmt: skip
        links = [
            link(str(request.url), "self", GEOJSON),
            link(f"{self._base(request)}collections/{collection.id}", "collection", JSON,
                 COLLECTION_TITLE.in_language(language)),
        ]  # fmt: skip
        if page.next_after is not None:
            following = request.url.include_query_params(after=page.next_after)
            links.append(link(str(following), "next", GEOJSON, NEXT_TITLE.in_language(language)))
        counts = {"numberMatched": page.matched} if page.matched is not None else {}
        members = to_json({
            "type": "FeatureCollection", **counts, "numberReturned": len(page.frame),
            "timeStamp": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "links": links,
        })  # fmt: skip
        return f'{members[:-1]},"features":[{",".join(_features(page, crs))}]}}'

    async def feature(self, request: Request) -> Response:
        """``GET /ogc/collections/{id}/items/{fid}``: one feature, GeoJSON."""
        query = request.query_params

        def answer() -> tuple[str, str]:
            workspace = self.caller(request)
            params.check_names(query, params.ITEM)
            params.check_format(query, geojson=True)
            language = self._language(request)
            crs = params.served_crs(query)
            found = find_collection(workspace, request.path_params["collection"])
            wanted = request.path_params["feature"]
            frame = read_feature(workspace, found, int(wanted)) if wanted.isdigit() else None
            if frame is None or not len(frame):
                raise ApiError(404, Text(
                    sv=f"Samlingen {found.id!r} har inget objekt {wanted!r}.",
                    en=f"The collection {found.id!r} has no feature {wanted!r}.",
                ))  # fmt: skip
            here = f"{self._base(request)}collections/{found.id}"
            links = to_json([
                link(str(request.url), "self", GEOJSON),
                link(here, "collection", JSON, COLLECTION_TITLE.in_language(language)),
            ])  # fmt: skip
            (text,) = _features(FeaturePage(frame, 1, None), crs)
            return f'{text[:-1]},"links":{links}}}', crs

        text, crs = await run_in_threadpool(answer)
        return _geojson(text, crs)


def _features(page: FeaturePage, crs: str) -> list[str]:
    """Return the page's features as GeoJSON texts in ``crs`` (a served system's URI)."""
    frame = page.frame
    system, northing_first = COORDINATES[crs]
    geometries = geometries_geojson(frame.geometry.to_numpy(), crs=system,
                                    northing_first=northing_first)  # fmt: skip
    properties = {name: column_values(frame, name) for name in frame.columns
                  if name != frame.geometry.name}  # fmt: skip
    return features_geojson(frame.index.tolist(), geometries, properties)


def _json(document: object, kind: str = JSON) -> Response:
    return Response(to_json(document).encode("utf-8"), media_type=kind, headers=NOT_KEPT)


def _geojson(text: str, crs: str) -> Response:
    return Response(text.encode("utf-8"), media_type=GEOJSON,
                    headers={**NOT_KEPT, "Content-Crs": f"<{crs}>"})  # fmt: skip
