"""Background tiles for printed maps: fetched once, kept on disk, warped to SWEREF 99 TM.

A tile server is named by a URL template (``https://…/{z}/{x}/{y}.png``). Tiles are
fetched with a short time-out and kept in a folder, so a map printed again, or printed
with the network gone, uses the tiles it has. When a tile cannot be had, the caller gets
None and prints the vector background instead: printing never fails for want of tiles.
A :class:`TileFetcher` remembers its own failures; the caller decides how long it lives
(e.g. one per print job), so one session's failed fetch never silences another's.
"""

from __future__ import annotations

import logging
import math
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Final

import numpy as np
from PIL import Image

from gis.crs import SWEREF99_TM, WGS84, transform_xy

log = logging.getLogger(__name__)

TILE: Final = 256
WEB_MERCATOR: Final = "EPSG:3857"
EARTH: Final = 20037508.342789244
"""Half the Web Mercator world's width, in metres."""
TIMEOUT_S: Final = 4.0
MAX_TILES: Final = 400
"""More tiles than this for one map: the vector background instead."""
QUIET_S: Final = 300.0
"""After a failed fetch, the same fetcher does not ask the server again for this long."""
USER_AGENT: Final = "safewalk (safety-walk maps for a district administration)"


def _zoom(metres_per_pixel: float, latitude: float) -> int:
    """Return the tile zoom whose pixels are at most ``metres_per_pixel`` on the ground."""
    at_zoom0 = 2 * EARTH / TILE * math.cos(math.radians(latitude))
    return max(0, min(19, math.ceil(math.log2(at_zoom0 / metres_per_pixel))))


def _fetch(url: str, path: Path) -> Image.Image:
    if not path.exists():
        request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
        with urllib.request.urlopen(request, timeout=TIMEOUT_S) as response:  # noqa: S310
            data = response.read()
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(path)
    with Image.open(path) as image:
        return image.convert("RGB")


class TileFetcher:
    """Background images from one tile server, kept in a folder, with a memory of failures.

    After a failed fetch this fetcher returns None without asking the server again for
    ``quiet_s`` seconds, so an atlas of many maps waits for a dead server once. The memory
    is this object's alone: make one per print job (or per settings), never one per process.
    """

    def __init__(self, template: str, cache: Path, *, quiet_s: float = QUIET_S) -> None:
        self.template = template
        self.cache = cache
        self.quiet_s = quiet_s
        self._failed_at = -math.inf
        self._lock = threading.Lock()

    def is_quiet(self) -> bool:
        """Return whether this fetcher failed within the last ``quiet_s`` seconds."""
        with self._lock:
            return time.monotonic() - self._failed_at < self.quiet_s

    def background(
        self, bounds: tuple[float, float, float, float], size_px: tuple[int, int]
    ) -> Image.Image | None:
        """Return tiles covering ``bounds`` (EPSG:3006) warped to an image of ``size_px``.

        The image's rows run north to south, its columns west to east, over exactly
        ``bounds``. None when any tile cannot be had (this fetcher failed within
        ``quiet_s``; the server failed now; too many tiles; an answer that is no image).
        """
        if self.is_quiet():
            return None
        template = self.template
        minx, miny, maxx, maxy = bounds
        width, height = size_px
        _, latitude = transform_xy((minx + maxx) / 2, (miny + maxy) / 2, SWEREF99_TM, WGS84)
        zoom = _zoom((maxx - minx) / width, float(latitude))
        # Every output pixel's centre, in Web Mercator, then in tile pixels at that zoom.
        xs = minx + (np.arange(width) + 0.5) * (maxx - minx) / width
        ys = maxy - (np.arange(height) + 0.5) * (maxy - miny) / height
        grid_x, grid_y = np.meshgrid(xs, ys)
        mx, my = transform_xy(grid_x, grid_y, SWEREF99_TM, WEB_MERCATOR)
        scale = TILE * 2**zoom / (2 * EARTH)
        px = (np.asarray(mx) + EARTH) * scale
        py = (EARTH - np.asarray(my)) * scale
        first_x, first_y = int(px.min() // TILE), int(py.min() // TILE)
        last_x, last_y = int(px.max() // TILE), int(py.max() // TILE)
        count = (last_x - first_x + 1) * (last_y - first_y + 1)
        if count > MAX_TILES:
            log.info("%d tiles for one map: the vector background instead", count)
            return None
        wanted = [(x, y) for y in range(first_y, last_y + 1) for x in range(first_x, last_x + 1)]
        host = template.split("/")[2] if "//" in template else "tiles"

        def one(tile: tuple[int, int]) -> Image.Image:
            x, y = tile
            url = template.format(z=zoom, x=x, y=y, s="a")
            return _fetch(url, self.cache / host / str(zoom) / str(x) / f"{y}.png")

        try:
            with ThreadPoolExecutor(max_workers=4) as pool:
                images = list(pool.map(one, wanted))
        except (OSError, ValueError) as error:  # network, HTTP, disk, or not an image
            log.warning("background tiles from %s unavailable: %s", host, error)
            with self._lock:
                self._failed_at = time.monotonic()
            return None
        mosaic = Image.new("RGB", ((last_x - first_x + 1) * TILE, (last_y - first_y + 1) * TILE))
        for (x, y), image in zip(wanted, images, strict=True):
            mosaic.paste(image, ((x - first_x) * TILE, (y - first_y) * TILE))
        pixels = np.asarray(mosaic)
        column = np.clip((px - first_x * TILE).astype(int), 0, pixels.shape[1] - 1)
        row = np.clip((py - first_y * TILE).astype(int), 0, pixels.shape[0] - 1)
        return Image.fromarray(pixels[row, column])
