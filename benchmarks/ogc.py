"""Feature service benchmark: paging through 100k features of ``/ogc/`` as a GIS client does.

Against the app as people run it (``streamlit run app.py`` on a free localhost port), on a
workspace whose area ``bench-100k`` has 100,000 lighting observations (filled in bulk as
the store benchmark fills its areas) and an account, whose name and password go with
every request (HTTP Basic, as QGIS and ArcGIS send them). Turn about, after a warm-up
round:

- **pages_10000**, **pages_1000**: ``GET /ogc/collections/bench-100k__lighting/items``
  with ``limit`` 10,000 (the most a page holds) and 1,000 (what QGIS 3.22 asks for), every
  ``next`` link followed on one kept-alive connection, each page's JSON parsed: the time
  from the first request to the last page parsed, and of it the time spent waiting for
  the server (``server_s``: request sent until the body is in);
- **gdal_oapif**: GDAL's own OGC API – Features client (Debian's ``ogr2ogr``, OAPIF
  driver, 10,000 a page) copying the collection to a GeoJSON file: a real GIS client,
  its own parsing and writing included;
- baseline **ogr2ogr_geojson**: ``ogr2ogr`` writing the same layer straight from the area's
  GeoPackage to GeoJSON in WGS 84: the same features out as the same format, without HTTP.

Each way's features are checked: 100,000, each id once. With PostgreSQL and PostGIS on the
machine (as the tests start them, ``tests/postgres.py``) the two paging figures are taken
again on a workspace in the database (``postgis_pages_*``; the layer filled with the
store's ``append_many``).

Target (issue 21): 100,000 features page through in under 10 s on 2 cores, at either page
size, client parsing included. Run with the rest: ``.venv/bin/python -m benchmarks.run
--only ogc`` (``--quick``: 20,000 features, one round, no PostGIS).
"""

from __future__ import annotations

import base64
import http.client
import json
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlparse

import shapely

from benchmarks.machine import BENCHMARKS_DIR, run_alone, write_results
from benchmarks.store import BASE_AREA, build_areas, open_bench_workspace, random_points_inside
from layers.store import Area
from tests.appserver import running_app
from tests.postgres import running_server
from walks.access.accounts import add_account
from walks.core.config import settings_from_env
from walks.core.workspace import Workspace
from walks.fieldwork.startup import open_workspace, shipped_areas

DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "ogc.json"
LAYER: Final = "lighting"
USER: Final = "partner"
PASSWORD: Final = "lösenord-för-mätning"
"""The benchmark's own account's."""
TARGET_S: Final = 10.0
"""Paging through the whole layer may take at most this many seconds."""
PAGE_SIZES: Final = (10_000, 1_000)


@dataclass(frozen=True, slots=True)
class Plan:
    """The layer's size and the rounds of one run."""

    features: int
    rounds: int
    postgis: bool


FULL: Final = Plan(features=100_000, rounds=5, postgis=True)
QUICK: Final = Plan(features=20_000, rounds=1, postgis=False)


def _basic() -> dict[str, str]:
    pair = base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode("ascii")
    return {"Authorization": f"Basic {pair}", "Accept": "application/geo+json"}


def page_through(url: str, collection: str, limit: int) -> dict[str, Any]:
    """Follow the next links from the first page to the last; return times and the ids read."""
    where = urlparse(url)
    ids: list[int] = []
    server = 0.0
    path: str | None = f"/ogc/collections/{collection}/items?limit={limit}"
    started = time.perf_counter()
    with closing(http.client.HTTPConnection(where.hostname or "", where.port, timeout=300)) as to:
        while path is not None:
            asked = time.perf_counter()
            to.request("GET", path, headers=_basic())
            answer = to.getresponse()
            body = answer.read()
            server += time.perf_counter() - asked
            if answer.status != 200:
                msg = f"GET {path} answered {answer.status}: {body[:300]!r}"
                raise RuntimeError(msg)
            page = json.loads(body)
            ids += [feature["id"] for feature in page["features"]]
            following = [link["href"] for link in page["links"] if link["rel"] == "next"]
            path = None
            if following:
                parsed = urlparse(following[0])
                path = f"{parsed.path}?{parsed.query}"
    return {"s": time.perf_counter() - started, "server_s": server, "ids": ids}


def gdal_oapif(url: str, collection: str, out: Path) -> dict[str, Any]:
    """Copy the collection with GDAL's OAPIF driver to GeoJSON; return the time and uuids."""
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", str(out), f"OAPIF:{url}/ogc/", collection,
         "-oo", "PAGE_SIZE=10000", "--config", "GDAL_HTTP_USERPWD", f"{USER}:{PASSWORD}"],
        check=True, capture_output=True, timeout=600,
    )  # fmt: skip
    seconds = time.perf_counter() - started
    features = json.loads(out.read_bytes())["features"]
    return {"s": seconds, "ids": [f["properties"]["uuid"] for f in features]}


def ogr2ogr_geojson(gpkg: Path, out: Path) -> dict[str, Any]:
    """Write the layer from the GeoPackage to GeoJSON in WGS 84 with ogr2ogr; time and uuids."""
    out.unlink(missing_ok=True)
    started = time.perf_counter()
    subprocess.run(["ogr2ogr", "-f", "GeoJSON", "-t_srs", "EPSG:4326", str(out), str(gpkg),
                    LAYER], check=True, capture_output=True, timeout=600)  # fmt: skip
    seconds = time.perf_counter() - started
    features = json.loads(out.read_bytes())["features"]
    return {"s": seconds, "ids": [f["properties"]["uuid"] for f in features]}


def _check(name: str, result: dict[str, Any], features: int) -> None:
    ids = result["ids"]
    if len(ids) != features or len(set(ids)) != features:
        msg = f"{name} read {len(ids)} features ({len(set(ids))} ids), not {features}"
        raise RuntimeError(msg)


def measure(ways: dict[str, Callable[[], dict[str, Any]]], plan: Plan) -> dict[str, Any]:
    """Run every way once a round, turn about, the first round a warm-up; their medians."""
    samples: dict[str, list[dict[str, Any]]] = {name: [] for name in ways}
    names = list(ways)
    for number in range(1 + plan.rounds):
        order = names[number % len(names) :] + names[: number % len(names)]
        for name in order:
            print(f"  round {number}: {name} ...", flush=True)
            result = ways[name]()
            _check(name, result, plan.features)
            if number:
                samples[name].append(result)
    figures: dict[str, Any] = {}
    for name, results in samples.items():
        times = [r["s"] for r in results]
        figures[name] = {"median_s": statistics.median(times), "max_s": max(times), "n": len(times)}
        if "server_s" in results[0]:
            figures[name]["server_median_s"] = statistics.median(r["server_s"] for r in results)
    return figures


@contextmanager
def _gpkg_workspace(folder: Path, plan: Plan) -> Iterator[tuple[Workspace, str, Path]]:
    workspace = open_bench_workspace(folder / "workspace")
    (area,) = build_areas(workspace, [plan.features])
    add_account(workspace, USER, "registrant", PASSWORD)
    yield workspace, area.slug, area.path


def _fill_postgis(url: str, plan: Plan) -> str:
    """Fill a database workspace's new area with ``plan.features`` observations; its id."""
    workspace = open_workspace(settings_from_env({"SAFEWALK_SEED": "0"}, database_url=url))
    try:
        areas = shipped_areas(settings_from_env({}).data_dir)
        base = next(a for a in areas if a.slug == BASE_AREA)
        slug = "bench-postgis"
        workspace.store.add_area(Area(slug, "Benchmark PostGIS", base.boundary), actor="bench")
        xs, ys = random_points_inside(base.boundary, plan.features, seed=3006)
        stamp = "2026-11-27T18:00:00+00:00"
        rows = [({"status": "new", "severity": 2, "description": "benchmark", "problem": "dim",
                  "observed_at": stamp, "created_at": stamp, "updated_at": stamp,
                  "created_by": "bench", "is_demo": False}, shapely.Point(x, y))
                for x, y in zip(xs.tolist(), ys.tolist(), strict=True)]  # fmt: skip
        workspace.store.append_many(slug, LAYER, rows, actor="bench")
        add_account(workspace, USER, "registrant", PASSWORD)
        return slug
    finally:
        workspace.store.close()


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Fill, start the app, measure, print and write ``out``."""
    started = time.perf_counter()
    figures: dict[str, Any] = {}
    has_gdal = shutil.which("ogr2ogr") is not None
    with tempfile.TemporaryDirectory(prefix="safewalk-ogc-bench-") as tmp:
        folder = Path(tmp)
        print(f"Filling {plan.features:,} observations into a GeoPackage ...", flush=True)
        with _gpkg_workspace(folder, plan) as (workspace, slug, gpkg):
            collection = f"{slug}__{LAYER}"
            with running_app(workspace.settings.workspace) as url:
                ways: dict[str, Callable[[], dict[str, Any]]] = {
                    f"pages_{size}": partial(page_through, url, collection, size)
                    for size in PAGE_SIZES
                }
                if has_gdal:
                    ways["gdal_oapif"] = lambda: gdal_oapif(url, collection, folder / "o.json")
                    ways["ogr2ogr_geojson"] = lambda: ogr2ogr_geojson(gpkg, folder / "g.json")
                figures.update(measure(ways, plan))
        if plan.postgis:
            with running_server() as server:
                if server is None:
                    print("No PostgreSQL with PostGIS here: the PostGIS figures are left out.")
                else:
                    database = server.new_database()
                    print(f"Filling {plan.features:,} observations into PostGIS ...", flush=True)
                    slug = _fill_postgis(database, plan)
                    with running_app(database) as url:
                        ways = {
                            f"postgis_pages_{size}":
                                partial(page_through, url, f"{slug}__{LAYER}", size)
                            for size in PAGE_SIZES
                        }  # fmt: skip
                        figures.update(measure(ways, plan))
    if "ogr2ogr_geojson" in figures:
        figures["pages_10000_vs_ogr2ogr"] = (
            figures["pages_10000"]["median_s"] / figures["ogr2ogr_geojson"]["median_s"]
        )
    targets = [
        {"target": f"{name}: {plan.features:,} features paged through in under {TARGET_S:g} s",
         "value": figures[name]["median_s"], "limit": TARGET_S,
         "met": figures[name]["median_s"] < TARGET_S}
        for name in figures if "pages_" in name and not name.endswith("_vs_ogr2ogr")
    ]  # fmt: skip
    print(f"\nmedian (max) in s, {plan.features:,} features, {plan.rounds} rounds turn about")
    for name, figure in figures.items():
        if isinstance(figure, dict):
            server = figure.get("server_median_s")
            waited = f", waiting on the server {server:.2f} s" if server is not None else ""
            print(f"  {name:22} {figure['median_s']:7.2f} ({figure['max_s']:.2f}){waited}")
    if "pages_10000_vs_ogr2ogr" in figures:
        print(f"  pages_10000 ÷ ogr2ogr_geojson: {figures['pages_10000_vs_ogr2ogr']:.2f}")
    for target in targets:
        print(f"  [{'met   ' if target['met'] else 'MISSED'}] {target['target']}: "
              f"{target['value']:.2f} s")  # fmt: skip
    plan_figures = {"features": plan.features, "rounds": plan.rounds, "page_sizes": PAGE_SIZES}
    return write_results(out, about, quick=quick, plan=plan_figures, figures=figures,
                         targets=targets, started=started)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the feature service benchmark alone."""
    return run_alone("python -m benchmarks.ogc", DEFAULT_OUT, (FULL, QUICK), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
