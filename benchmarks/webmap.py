"""Map benchmark: the whole-district map of the *Karta* page with 100k observations.

Figures, each beside a baseline measured in the same run, turn about:

- **read**: the observations of the nine areas read into the map's columns
  (``walks.documents.areasmap.map_data``; once per data version in the app, then cached).
- **build**: the map built from those columns and rendered to the HTML the browser gets
  (``ui.maps.district_web_map`` + folium's render), and its size in bytes.
- **filter**: a filter change that keeps every observation (the most work a change can
  cause): mask the columns, build and render again.
- Baselines: folium's ``FastMarkerCluster`` of the same points (no styling, no tooltips,
  no layers), and the way this page drew observations before (one folium ``CircleMarker``
  with a tooltip per observation), the latter at 10k observations, as 100k takes minutes.
- **browser** (when Debian's Chromium is there): the built page opened in Chromium until
  every point is clustered, for ours and for ``FastMarkerCluster``.

Run with the rest: ``.venv/bin/python -m benchmarks.run --only map`` (``--quick``: 20k).
"""

from __future__ import annotations

import functools
import http.server
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import folium
from folium.plugins import FastMarkerCluster

from benchmarks import analysis
from benchmarks.machine import BENCHMARKS_DIR, run_alone, write_results
from benchmarks.store import summary
from gis.webmap import MARKERCLUSTER_CSS, MARKERCLUSTER_JS, add_points, fitted_web_map
from layers.values import ObservationStatus
from ui.maps import district_web_map
from walks.documents.areasmap import MapData, ObservationFilter, map_data

DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "map.json"
ROOT: Final = BENCHMARKS_DIR.parent
BYTES_MAX: Final = 2_000_000
BUILD_MAX_S: Final = 0.5
FILTER_MAX_S: Final = 1.0
PER_MARKER_SIZE: Final = 10_000
"""The one-folium-object-per-observation baseline runs at this size (100k takes minutes)."""
KEEPS_ALL: Final = ObservationFilter(
    statuses=frozenset({ObservationStatus.NEW, ObservationStatus.ASSESSED})
)
"""A filter change that still lets every generated observation through (all are new)."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Size and repetitions of one run."""

    observations: int
    rounds: int
    browser_rounds: int


FULL: Final = Plan(observations=100_000, rounds=7, browser_rounds=3)
QUICK: Final = Plan(observations=20_000, rounds=3, browser_rounds=1)


def ours(data: MapData) -> str:
    """Build the district map as the page does and return the HTML the browser gets."""
    fmap = district_web_map(data, language="sv", tiles_url=None)
    return str(fmap.get_root().render())


class _OfflineFastMarkerCluster(FastMarkerCluster):
    """folium's FastMarkerCluster with the plugin from the app instead of a CDN."""

    default_js = [MARKERCLUSTER_JS]  # noqa: RUF012 - folium's API
    default_css = [MARKERCLUSTER_CSS]  # noqa: RUF012


def fast_marker_cluster(data: MapData) -> str:
    """folium's FastMarkerCluster of the same points: unstyled, no tooltips, no layers."""
    fmap = fitted_web_map(data.focus, tiles_url=None)
    frame = data.observations
    points = list(zip(frame["lat"], frame["lon"], strict=True))
    # Leaflet's own marker: folium's default callback needs Font Awesome from a CDN.
    callback = "function (row) { return L.marker(new L.LatLng(row[0], row[1])); }"
    _OfflineFastMarkerCluster(points, callback=callback).add_to(fmap)  # type: ignore[no-untyped-call]
    return str(fmap.get_root().render())


def per_marker(data: MapData) -> str:
    """The page's earlier way: one folium circle marker with a tooltip per observation."""
    fmap = fitted_web_map(data.focus, tiles_url=None)
    frame = data.observations.head(PER_MARKER_SIZE)
    group = folium.FeatureGroup(name="Belysning")
    group.add_to(fmap)
    add_points(group, [
        (lon, lat, "#E69F00", f"{number}. Belysning: {text}")
        for lon, lat, number, text in zip(frame["lon"], frame["lat"], frame["number"],
                                          frame["description"], strict=True)
    ])  # fmt: skip
    return str(fmap.get_root().render())


def _timed(way: Callable[[], str]) -> tuple[float, int]:
    start = time.perf_counter()
    html = way()
    return time.perf_counter() - start, len(html.encode("utf-8"))


def measure(workspace_slugs: tuple[Any, list[str]], plan: Plan) -> tuple[dict[str, Any], MapData]:
    """Time reading, building and filtering our way and the baselines, turn about."""
    workspace, slugs = workspace_slugs
    samples: dict[str, list[float]] = {
        "read": [], "build": [], "filter": [], "fast_marker_cluster": [], "per_marker": [],
    }  # fmt: skip
    sizes: dict[str, int] = {}
    data = map_data(workspace, slugs)
    ways: dict[str, Callable[[], str]] = {
        "build": lambda: ours(data),
        "filter": lambda: ours(data.filtered(KEEPS_ALL)),
        "fast_marker_cluster": lambda: fast_marker_cluster(data),
        "per_marker": lambda: per_marker(data),
    }
    for round_number in range(1 + plan.rounds):
        start = time.perf_counter()
        data = map_data(workspace, slugs)
        if round_number:
            samples["read"].append(time.perf_counter() - start)
        names = list(ways) if round_number % 2 else list(ways)[::-1]
        for name in names:
            seconds, size = _timed(ways[name])
            sizes[name] = size
            if round_number:
                samples[name].append(seconds)
    figures: dict[str, Any] = {name: summary(values) for name, values in samples.items()}
    figures["bytes"] = sizes
    figures["observations"] = len(data.observations)
    return figures, data


@contextmanager
def _serving(folder: Path) -> Iterator[str]:
    """Serve ``folder`` with the app's vendored assets at ``/app/static``, as the app does."""
    (folder / "app").mkdir(exist_ok=True)
    shutil.copytree(ROOT / "static", folder / "app" / "static", dirs_exist_ok=True)

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()


def measure_browser(data: MapData, plan: Plan) -> dict[str, Any] | None:
    """Open both maps in Chromium and time until their clusters show; None without it."""
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(chromium).exists():
        return None
    from playwright.sync_api import sync_playwright

    samples: dict[str, list[float]] = {"ours": [], "fast_marker_cluster": []}
    with tempfile.TemporaryDirectory(prefix="safewalk-map-") as folder, _serving(
        Path(folder)
    ) as url, sync_playwright() as playwright:  # fmt: skip
        (Path(folder) / "ours.html").write_text(ours(data), encoding="utf-8")
        (Path(folder) / "fast.html").write_text(fast_marker_cluster(data), encoding="utf-8")
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.route("**/*", lambda route, request: route.continue_()
                   if request.url.startswith(url) else route.abort())  # fmt: skip
        for round_number in range(1 + plan.browser_rounds):
            for name, file, selector in (
                ("ours", "ours.html", ".safewalk-cluster"),
                ("fast_marker_cluster", "fast.html", ".marker-cluster"),
            ):
                start = time.perf_counter()
                page.goto(f"{url}/{file}")
                page.locator(selector).first.wait_for(timeout=120_000)
                if name == "ours":  # clustered in chunks: wait for the last one
                    page.wait_for_function("window.safewalkClustering === 0", timeout=120_000)
                if round_number:
                    samples[name].append(time.perf_counter() - start)
        browser.close()
    return {name: summary(values) for name, values in samples.items()}


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Build, measure, print and write ``out``; ``about`` is the machine and commit."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="safewalk-map-") as folder:
        print(f"Filling the nine areas with {plan.observations:,} observations ...", flush=True)
        filled = analysis.Plan(observations=plan.observations, rounds=plan.rounds)
        workspace = analysis.build(Path(folder) / "workspace", filled)
        slugs = [area.slug for area in workspace.areas()]
        print(f"Timing the district map, {plan.rounds} rounds turn about ...", flush=True)
        figures, data = measure((workspace, slugs), plan)
        print("Opening the maps in Chromium ...", flush=True)
        figures["browser"] = measure_browser(data, plan)
    sizes = figures["bytes"]
    targets = [
        {"name": f"district map ≤ {BYTES_MAX / 1e6:.0f} MB to the browser",
         "value": sizes["build"], "met": sizes["build"] <= BYTES_MAX},
        {"name": f"district map built in ≤ {BUILD_MAX_S} s",
         "value": figures["build"]["median_ms"] / 1000,
         "met": figures["build"]["median_ms"] / 1000 <= BUILD_MAX_S},
        {"name": f"a filter change answered in ≤ {FILTER_MAX_S} s",
         "value": figures["filter"]["median_ms"] / 1000,
         "met": figures["filter"]["median_ms"] / 1000 <= FILTER_MAX_S},
    ]  # fmt: skip
    n = figures["observations"]
    print(f"\n{n:,} observations in 9 areas: median (p90) in ms, and bytes to the browser")
    rows = (("read", "read into the map's columns", None),
            ("build", "our map, built and rendered", "build"),
            ("filter", "a filter change (all kept)", "filter"),
            ("fast_marker_cluster", "folium FastMarkerCluster", "fast_marker_cluster"),
            ("per_marker", f"a CircleMarker each, {PER_MARKER_SIZE:,} only",
             "per_marker"))  # fmt: skip
    for key, label, size_key in rows:
        size = f"{sizes[size_key] / 1e6:8.2f} MB" if size_key else ""
        print(
            f"  {label:34} {figures[key]['median_ms']:9.1f} ({figures[key]['p90_ms']:.1f}) {size}"
        )
    time_ratio = figures["build"]["median_ms"] / figures["fast_marker_cluster"]["median_ms"]
    bytes_ratio = sizes["build"] / sizes["fast_marker_cluster"]
    print(f"  ours ÷ FastMarkerCluster: time {time_ratio:.2f}, bytes {bytes_ratio:.2f}")
    if figures["browser"]:
        b = figures["browser"]
        ours_ms, fast_ms = b["ours"]["median_ms"], b["fast_marker_cluster"]["median_ms"]
        print(f"  in Chromium until every point is clustered: ours {ours_ms:.0f} ms, "
              f"FastMarkerCluster {fast_ms:.0f} ms")  # fmt: skip
    print("Targets:")
    for target in targets:
        verdict = "met   " if target["met"] else "MISSED"
        print(f"  [{verdict}] {target['name']}: {target['value']:,.2f}")
    plan_figures = {"observations": plan.observations, "rounds": plan.rounds}
    return write_results(out, about, quick=quick, plan=plan_figures, figures=figures,
                         targets=targets, started=started)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the map benchmark alone (``python -m benchmarks.run`` runs it with the rest)."""
    return run_alone("python -m benchmarks.webmap", DEFAULT_OUT, (FULL, QUICK), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
