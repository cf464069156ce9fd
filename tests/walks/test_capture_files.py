"""The capture page's files as served: the service worker names the version of all of them."""

from __future__ import annotations

import re
from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient

from walks.web import capture


def test_the_version_changes_with_any_page_file(tmp_path: Path) -> None:
    files = {}
    for name in ("index.html", "capture.js", "leaflet.js"):
        files[name] = tmp_path / name
        files[name].write_text(f"// {name}\n", encoding="utf-8")
    first = capture.page_version(files)
    assert capture.page_version(files) == first
    files["leaflet.js"].write_text("// leaflet, next release\n", encoding="utf-8")
    assert capture.page_version(files) != first


def test_the_served_service_worker_caches_under_the_pages_version() -> None:
    with TestClient(Starlette(routes=capture.routes())) as client:
        worker = client.get("/capture/sw.js")
        again = client.get("/capture/sw.js", headers={"If-None-Match": worker.headers["etag"]})
    version = capture.page_version(capture.page_files())
    assert worker.status_code == 200
    assert re.search(r"const VERSION = '([0-9a-f]{16})';", worker.text)[1] == version  # type: ignore[index]
    assert "__VERSION__" not in worker.text
    assert again.status_code == 304


def page_texts() -> dict[str, set[str]]:
    """The keys of the capture page's text table, per language (``TEXTS`` in capture.js)."""
    script = (capture.PAGE_DIR / "capture.js").read_text(encoding="utf-8")
    table = script[script.index("const TEXTS = {") : script.index("\n  };\n")]
    languages = re.split(r"\n    (sv|en): \{\n", table)[1:]
    return {
        language: set(re.findall(r"^      ([a-z_]+):", body, flags=re.MULTILINE))
        for language, body in zip(languages[::2], languages[1::2], strict=True)
    }


def test_every_text_of_the_page_exists_in_swedish_and_english() -> None:
    texts = page_texts()
    assert set(texts) == {"sv", "en"}
    assert len(texts["sv"]) > 50
    assert texts["sv"] == texts["en"]


def test_every_text_the_page_uses_is_in_its_table() -> None:
    script = (capture.PAGE_DIR / "capture.js").read_text(encoding="utf-8")
    markup = (capture.PAGE_DIR / "index.html").read_text(encoding="utf-8")
    used = set(re.findall(r"\bt\('([a-z_]+)'", script))
    used |= set(re.findall(r'data-t(?:-label)?="([a-z_]+)"', markup))
    assert used - page_texts()["sv"] == set()
