"""The app's HTTP side beside the Streamlit pages: the JSON API and the pages served plainly.

- ``api``: ``/api/v1``, what a phone needs to capture and the observations it sends;
  ``bodies`` reads what is sent, ``payloads`` writes what is answered, ``sessions`` keeps
  logins, ``openapi`` describes it all.
- ``capture``: the phone's capture page, ``/capture/``: its files (``capture/``) and
  Leaflet, served compressed and revalidated.
- ``residents``: the pages anyone may open, made on the server from ``pages/``: the
  residents' pages (``/boende``, ``/residents``), where a place can be reported without an
  account, and the accessibility statement (``/tillganglighet``, ``/accessibility``);
  ``addresses`` says where they are, ``pages`` holds what they share, ``areamap`` draws
  an area, ``limits`` counts what each address sends.
- ``ogc``: the layers as OGC API – Features, ``/ogc/``, for QGIS and ArcGIS; ``callers``
  says whose account a request comes with (a login's token, or HTTP Basic).
- ``routes()``: everything ``app.py`` mounts beside Streamlit (``st.App``).

May import every room of walks/ but ``cli``; only this room imports Starlette.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route, Router
from starlette.types import ASGIApp, Receive, Scope, Send

from gis.i18n import LANGUAGES
from walks.fieldwork.joining import capture_url
from walks.web import capture
from walks.web.addresses import DOORS, FILES_PREFIX
from walks.web.opening import OpenedOnce

if TYPE_CHECKING:
    from walks.core.workspace import Workspace

API_PREFIX: Final = "/api/v1"
OGC_PREFIX: Final = "/ogc"


def _from_environment() -> Workspace:
    from walks.core.config import settings_from_env
    from walks.fieldwork.startup import open_workspace

    return open_workspace(settings_from_env())


class BuiltWhenCalled:
    """An ASGI app built at its first request, not when the server starts.

    The API needs the whole domain (geopandas, shapely, the store): about a second of
    imports that would otherwise come before the server answers anything, at every start.
    """

    def __init__(self, build: Callable[[], ASGIApp]) -> None:
        self._build = build
        self._app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve the request, building the app first if this is its first one.

        The event loop runs one request's code at a time up to an ``await``: the app is
        built once.
        """
        if self._app is None:
            self._app = self._build()
        await self._app(scope, receive, send)


def api_router(open_workspace: Callable[[], Workspace] = _from_environment) -> Router:
    """Return the API's router (its routes relative to ``API_PREFIX``)."""
    from walks.web.api import Api

    return Router(routes=Api(open_workspace).routes())


def ogc_router(open_workspace: Callable[[], Workspace] = _from_environment) -> Router:
    """Return the feature service's router (its routes relative to ``OGC_PREFIX``)."""
    from walks.web.ogc.service import FeatureService

    return Router(routes=FeatureService(open_workspace).routes())


def public_router(open_workspace: Callable[[], Workspace] = _from_environment) -> Router:
    """Return the router of the pages anyone may open (``addresses.DOORS``) and their files."""
    from walks.web.residents import PublicPages

    return Router(routes=PublicPages(open_workspace).routes())


async def _to_ogc_landing(request: Request) -> Response:
    """``/ogc``: on to the feature service's landing page, ``/ogc/`` (else the pages answer)."""
    return RedirectResponse(f"{OGC_PREFIX}/", status_code=308)


async def _join(request: Request) -> Response:
    """``/v/<area>/<number>``: the short link of a walk's QR code, to the capture page."""
    area, number = request.path_params["area"], request.path_params["number"]
    return RedirectResponse(capture_url("", area, number), status_code=307)


def routes(open_workspace: Callable[[], Workspace] = _from_environment) -> list[BaseRoute]:
    """Return the routes served beside the Streamlit pages.

    ``open_workspace`` opens the workspace they serve (by default the one the environment
    names, as the pages do), once, on the first call that needs it: the API, the feature
    service and the public pages share it. The API and the public pages
    are each built at their first request (``BuiltWhenCalled``); the public pages' routes
    are matched here and again by their router.
    """
    shared = OpenedOnce(open_workspace)  # one workspace (one store) for all three
    public = BuiltWhenCalled(lambda: public_router(shared))
    return [
        Mount(API_PREFIX, app=BuiltWhenCalled(lambda: api_router(shared))),
        Route(OGC_PREFIX, _to_ogc_landing, methods=["GET"]),
        Mount(OGC_PREFIX, app=BuiltWhenCalled(lambda: ogc_router(shared))),
        *capture.routes(),
        Route("/v/{area}/{number:int}", _join, methods=["GET"]),
        *(
            Route(door.path(lang), public, methods=["GET", "POST"])
            for door in DOORS
            for lang in LANGUAGES
        ),
        Route(f"{FILES_PREFIX}/{{name}}", public, methods=["GET"]),
    ]
