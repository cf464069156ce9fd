"""Tile backgrounds from a tile server on this machine: fetched, kept, and failures remembered
by the fetcher that met them only."""

from __future__ import annotations

import http.server
import io
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from gis.tiles import TileFetcher

# About 200 × 150 m of Grimsta in SWEREF 99 TM: a handful of tiles at the zoom for 50 × 40 px.
BOUNDS = (661_000.0, 6_580_000.0, 661_200.0, 6_580_150.0)
SIZE_PX = (50, 40)
YELLOW = (250, 200, 0)


class _TileServer(http.server.ThreadingHTTPServer):
    """Every tile one colour, or 404 while ``failing``; ``asked`` lists the paths asked for."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _TileHandler)
        buffer = io.BytesIO()
        Image.new("RGB", (256, 256), YELLOW).save(buffer, format="PNG")
        self.png = buffer.getvalue()
        self.asked: list[str] = []
        self.failing = False

    @property
    def template(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/{{z}}/{{x}}/{{y}}.png"


class _TileHandler(http.server.BaseHTTPRequestHandler):
    server: _TileServer

    def do_GET(self) -> None:
        self.server.asked.append(self.path)
        if self.server.failing:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.server.png)))
        self.end_headers()
        self.wfile.write(self.server.png)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[_TileServer]:
    running = _TileServer()
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    yield running
    running.shutdown()
    running.server_close()


def test_tiles_are_warped_to_the_size_asked_for_and_kept_on_disk(
    server: _TileServer, tmp_path: Path
) -> None:
    fetcher = TileFetcher(server.template, tmp_path)
    image = fetcher.background(BOUNDS, SIZE_PX)
    assert image is not None
    assert image.size == SIZE_PX
    assert image.getpixel((25, 20)) == YELLOW
    asked = len(server.asked)
    assert 0 < asked == len(list(tmp_path.rglob("*.png")))
    assert TileFetcher(server.template, tmp_path).background(BOUNDS, SIZE_PX) is not None
    assert len(server.asked) == asked  # from the disk


def test_a_fetcher_that_failed_does_not_ask_again_for_a_while(
    server: _TileServer, tmp_path: Path
) -> None:
    server.failing = True
    fetcher = TileFetcher(server.template, tmp_path)
    assert fetcher.background(BOUNDS, SIZE_PX) is None
    asked = len(server.asked)
    assert asked > 0
    assert fetcher.is_quiet()
    server.failing = False
    assert fetcher.background(BOUNDS, SIZE_PX) is None
    assert len(server.asked) == asked


def test_one_fetchers_failure_does_not_silence_another_for_the_same_server(
    server: _TileServer, tmp_path: Path
) -> None:
    server.failing = True
    failed = TileFetcher(server.template, tmp_path / "one")
    assert failed.background(BOUNDS, SIZE_PX) is None
    server.failing = False
    other = TileFetcher(server.template, tmp_path / "other")
    assert not other.is_quiet()
    assert other.background(BOUNDS, SIZE_PX) is not None
    assert failed.is_quiet()


def test_the_quiet_time_is_the_fetchers_own(server: _TileServer, tmp_path: Path) -> None:
    server.failing = True
    fetcher = TileFetcher(server.template, tmp_path, quiet_s=0.0)
    assert fetcher.background(BOUNDS, SIZE_PX) is None
    assert not fetcher.is_quiet()
    server.failing = False
    assert fetcher.background(BOUNDS, SIZE_PX) is not None
