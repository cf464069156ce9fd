"""The app's HTTP side beside the Streamlit pages: the JSON API and the pages served plainly.

- ``api``: ``/api/v1``, what a phone needs to capture and the observations it sends;
  ``bodies`` reads what is sent, ``payloads`` writes what is answered, ``sessions`` keeps
  logins, ``openapi`` describes it all.
- ``capture``: the phone's capture page, ``/capture/``: its files (``capture/``) and
  Leaflet, served compressed and revalidated.
- ``routes()``: everything ``app.py`` mounts beside Streamlit (``st.App``).

May import every room of walks/ but ``cli``; only this room imports Starlette.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from walks.core.config import settings_from_env
from walks.core.workspace import Workspace
from walks.fieldwork.joining import capture_url
from walks.fieldwork.startup import open_workspace
from walks.web import capture
from walks.web.api import Api


def _from_environment() -> Workspace:
    return open_workspace(settings_from_env())


async def _join(request: Request) -> Response:
    """``/v/<area>/<number>``: the short link of a walk's QR code, to the capture page."""
    area, number = request.path_params["area"], request.path_params["number"]
    return RedirectResponse(capture_url("", area, number), status_code=307)


def routes(open_workspace: Callable[[], Workspace] = _from_environment) -> list[BaseRoute]:
    """Return the routes served beside the Streamlit pages.

    ``open_workspace`` opens the workspace they serve (by default the one the environment
    names, as the pages do), on the first call that needs it.
    """
    return [
        *Api(open_workspace).routes(),
        *capture.routes(),
        Route("/v/{area}/{number:int}", _join, methods=["GET"]),
    ]
