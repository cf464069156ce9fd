"""What the pages served plainly have in common: templates, texts, responses and their files.

The residents' pages and the accessibility statement are HTML made here from the templates
in ``pages/`` (Jinja, every value escaped, an unknown name an error), with their texts
from ``texts.toml`` in the page's language, one style sheet and one small script. A page is
sent compressed and revalidated as the capture page's files are, under a policy that lets
it run its own script only.
"""

from __future__ import annotations

import gzip
import hashlib
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from gis.i18n import Text, texts_from_file
from walks.core.words import word
from walks.web.addresses import FILES_PREFIX
from walks.web.capture import accepts_gzip, revalidated

PAGE_DIR: Final = Path(__file__).with_name("pages")
TEXTS_FILE: Final = Path(__file__).with_name("texts.toml")
FILES: Final = ("residents.css", "residents.js")

PAGE_TEXTS: Final[Mapping[str, Text]] = MappingProxyType(texts_from_file(TEXTS_FILE, "pages"))
"""Texts every page has: the skip link, the footer, the other language."""
RESIDENTS_TEXTS: Final[Mapping[str, Text]] = MappingProxyType(
    texts_from_file(TEXTS_FILE, "residents")
)
STATEMENT_TEXTS: Final[Mapping[str, Text]] = MappingProxyType(
    texts_from_file(TEXTS_FILE, "statement")
)

STATEMENT_UPDATED: Final = date(2026, 12, 6)
"""When the accessibility statement's text (``texts.toml``, ``[statement]``) last changed."""

POLICY: Final = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'none'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
"""The pages run their own script only, fetch nothing, and send forms only here."""
IMMUTABLE: Final = "public, max-age=31536000, immutable"

_TEMPLATES: Final = Environment(
    loader=FileSystemLoader(PAGE_DIR),
    autoescape=True,
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    auto_reload=False,
)
"""Autoescaped: a text that comes from people (a title, a name) is always shown as text."""


def other_language(language: str) -> str:
    """Return the language a page offers a link to."""
    return "en" if language == "sv" else "sv"


def files_version() -> str:
    """Return a hash of the pages' style sheet and script: their address changes with them."""
    digest = hashlib.sha256()
    for name in FILES:
        digest.update((PAGE_DIR / name).read_bytes())
    return digest.hexdigest()[:12]


def render(template: str, language: str, texts: Mapping[str, Text], **values: Any) -> bytes:
    """Return ``template`` rendered in ``language`` with ``texts`` and the pages' own texts.

    The template sees ``lang``, ``t`` (every text in ``language``), ``word`` (a domain word
    in ``language``), ``files`` (where the style sheet and script are) and ``values``.
    """
    chosen = {key: text.in_language(language) for key, text in (*PAGE_TEXTS.items(),
                                                                *texts.items())}  # fmt: skip
    page = _TEMPLATES.get_template(template).render(
        lang=language,
        t=chosen,
        word=lambda key: word(key, language),
        files=FILES_PREFIX,
        **values,
    )
    return page.encode("utf-8")


def page_response(request: Request, body: bytes, *, status: int = 200) -> Response:
    """Return an HTML page: revalidated when it is the page asked for, else never stored.

    A refusal (a form shown again, a limit reached) is the answer to one request only.
    """
    if status == 200:
        return revalidated(request, body, ".html", policy=POLICY)
    headers = {
        "Cache-Control": "no-store",
        "Content-Security-Policy": POLICY,
        "Referrer-Policy": "same-origin",
        "X-Content-Type-Options": "nosniff",
        "Vary": "Accept-Encoding",
    }
    if accepts_gzip(request):
        body = gzip.compress(body, compresslevel=6, mtime=0)
        headers["Content-Encoding"] = "gzip"
    return Response(body, status_code=status, media_type="text/html; charset=utf-8",
                    headers=headers)  # fmt: skip


def file_routes() -> list[BaseRoute]:
    """Return the route of the pages' style sheet and script, ``/site/<name>``.

    Asked for with the current version (``?v=``, as the pages link them) a file may be kept
    a year: a new version has a new address.
    """
    version = files_version()

    def page_file(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in FILES:
            return Response("Not found", status_code=404, media_type="text/plain")
        path = PAGE_DIR / name
        response = revalidated(request, path.read_bytes(), path.suffix)
        if request.query_params.get("v") == version:
            response.headers["Cache-Control"] = IMMUTABLE
        return response

    return [Route(f"{FILES_PREFIX}/{{name}}", page_file, methods=["GET"])]
