"""The phone capture page's routes: its own static files and Leaflet's, served from /capture/.

The page is plain HTML, CSS and JavaScript in ``walks/web/capture/``; its service worker keeps
it offline, so every file is served with ``Cache-Control: no-cache`` and an ETag (a revisit
costs a 304, not the bytes), compressed here when the client accepts gzip rather than by a
middleware that would also sit in front of Streamlit's own routes.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

PAGE_DIR: Final = Path(__file__).with_name("capture")
LEAFLET_DIR: Final = Path(__file__).resolve().parents[2] / "static" / "vendor" / "leaflet"
"""The vendored Leaflet the Streamlit maps use too (``static/vendor/leaflet``)."""

CONTENT_TYPES: Final = {
    ".html": "text/html; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".webmanifest": "application/manifest+json",
    ".png": "image/png",
}
"""The kinds of file the page is made of; a file of any other kind is not served."""
COMPRESSIBLE: Final = frozenset({".html", ".js", ".css", ".webmanifest"})

PAGE_POLICY: Final = (
    "default-src 'self'; img-src 'self' blob: data: https:; script-src 'self'; "
    "style-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
"""The page runs only its own scripts; map tiles may come from the configured tile server."""


def page_files() -> dict[str, Path]:
    """Return the files served under /capture/, by their name there.

    The page's own files (subfolders such as ``icons/`` included) and Leaflet's script,
    style sheet and marker images, as ``leaflet.js``, ``leaflet.css`` and ``images/…``.
    """
    own = {
        path.relative_to(PAGE_DIR).as_posix(): path
        for path in sorted(PAGE_DIR.rglob("*"))
        if path.is_file() and path.suffix in CONTENT_TYPES
    }
    leaflet = {name: LEAFLET_DIR / name for name in ("leaflet.js", "leaflet.css")}
    images = {
        f"images/{path.name}": path for path in sorted((LEAFLET_DIR / "images").glob("*.png"))
    }
    return {**images, **leaflet, **own}


def accepts_gzip(request: Request) -> bool:
    """Return whether the client said it takes gzip (a ``gzip;q=0`` refusal counts as no)."""
    for part in request.headers.get("accept-encoding", "").split(","):
        coding, _, quality = part.strip().partition(";")
        if coding.strip().lower() == "gzip":
            return quality.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00", "q=0.000")
    return False


VERSION_MARK: Final = b"__VERSION__"
"""Where the service worker names the version of the page's files it caches."""


def page_version(files: dict[str, Path]) -> str:
    """Return a hash of every file the page is made of: any change to one is a new version."""
    digest = hashlib.sha256()
    for name in sorted(files):
        digest.update(name.encode("utf-8") + b"\0" + files[name].read_bytes())
    return digest.hexdigest()[:16]


def file_response(request: Request, path: Path, body: bytes | None = None) -> Response:
    """Return ``path`` as the page serves it: typed, revalidated, gzipped when accepted.

    ``body``: the file's contents as served, when they are not the file's bytes.
    """
    return revalidated(request, path.read_bytes() if body is None else body, path.suffix)


def revalidated(
    request: Request, body: bytes, suffix: str, *, policy: str = PAGE_POLICY
) -> Response:
    """Return ``body``, of the kind of file ``suffix`` names, typed, revalidated and gzipped.

    Revalidated: ``Cache-Control: no-cache`` with an ETag of the body, so a visit after a
    change gets the new body and one without a change a 304. An HTML body is sent with
    ``policy`` as its Content-Security-Policy.
    """
    compress = suffix in COMPRESSIBLE and accepts_gzip(request)
    tag = hashlib.sha256(body).hexdigest()[:32]
    etag = f'"{tag}-gz"' if compress else f'"{tag}"'
    headers = {
        "Cache-Control": "no-cache",
        "ETag": etag,
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept-Encoding",
    }
    if suffix == ".html":
        headers["Content-Security-Policy"] = policy
        headers["Referrer-Policy"] = "same-origin"
    if etag in {t.strip() for t in request.headers.get("if-none-match", "").split(",")}:
        return Response(status_code=304, headers=headers)
    if compress:
        body = gzip.compress(body, compresslevel=6, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, media_type=CONTENT_TYPES[suffix], headers=headers)


def routes() -> list[BaseRoute]:
    """Return the capture page's routes: ``/capture`` (a redirect) and ``/capture/<file>``."""
    files = page_files()

    def folder(request: Request) -> Response:
        query = request.url.query
        return RedirectResponse(f"/capture/?{query}" if query else "/capture/", status_code=308)

    def page_file(request: Request) -> Response:
        name = request.path_params["name"] or "index.html"
        path = files.get(name)
        if path is None or not path.is_file():
            return Response("Not found", status_code=404, media_type="text/plain")
        if name == "sw.js":  # the service worker names the version it caches
            version = page_version(files).encode("ascii")
            return file_response(request, path, path.read_bytes().replace(VERSION_MARK, version))
        return file_response(request, path)

    return [
        Route("/capture", folder, methods=["GET"]),
        Route("/capture/{name:path}", page_file, methods=["GET"]),
    ]
