"""PostGIS benchmark: adding one observation and reading a 100k layer, beside the GeoPackage.

One area of 100,000 lighting observations in each backend, filled with the store's own
bulk write (``append_many``, timed too). Then, turn about, each round:

- **append**: ``store.append`` of one lighting observation (validation, number, row,
  change-log entry, one transaction) in the PostGIS store and in the GeoPackage store;
- **insert baseline**: the same row with a plain ``INSERT`` in its own transaction, with
  psycopg on the pooled connection's database (PostGIS) and with ``sqlite3`` (GeoPackage);
- **read**: ``store.read_layer`` of the 100k layer in each backend, and a plain
  ``SELECT`` of the same rows (psycopg, geometries as WKB) as the database's baseline.

The server is a throw-away cluster on this machine (``tests/postgres.py``: Debian's
PostgreSQL with PostGIS), run with fsync off as the tests run it: the figures are the
store's own work and the database's, not the disk's. The GeoPackage store syncs as
always. Run with the rest: ``.venv/bin/python -m benchmarks.run --only postgis``.
"""

from __future__ import annotations

import sqlite3
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import psycopg
import shapely

from benchmarks.machine import BENCHMARKS_DIR, run_alone, write_results
from benchmarks.store import summary
from gis.gpkg import geometry_to_gpkg, register_gpkg_functions
from layers.gpkg import GeoPackageStore
from layers.postgis import PostgisStore
from layers.schema import load_layer_catalog
from layers.store import Area, Store
from tests.postgres import running_server
from walks.core.config import settings_from_env
from walks.fieldwork.startup import shipped_areas

DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "postgis.json"
AREA: Final = "hasselby-gard"
LAYER: Final = "lighting"


@dataclass(frozen=True, slots=True)
class Plan:
    """Sizes and rounds of one run."""

    features: int
    rounds: int


FULL: Final = Plan(features=100_000, rounds=30)
QUICK: Final = Plan(features=10_000, rounds=10)


def _values(k: int) -> dict[str, object]:
    now = datetime.now(UTC)
    return {"status": "new", "problem": "broken", "severity": 1 + k % 3,
            "description": f"Lampa {k}", "observed_at": now, "created_at": now,
            "updated_at": now, "created_by": "bench", "is_demo": False}  # fmt: skip


def _points(area: Area, count: int) -> list[shapely.Point]:
    rng = np.random.default_rng(1)
    min_x, min_y, max_x, max_y = area.boundary.bounds
    xs, ys = rng.uniform(min_x, max_x, count * 3), rng.uniform(min_y, max_y, count * 3)
    inside = shapely.contains_xy(area.boundary, xs, ys)
    return list(shapely.points(xs[inside][:count], ys[inside][:count]))


def _time(way: Callable[[], Any]) -> float:
    start = time.perf_counter()
    way()
    return time.perf_counter() - start


def _fill(store: Store, area: Area, count: int) -> float:
    store.add_area(area, actor="bench")
    rows = [(_values(k), p) for k, p in enumerate(_points(area, count))]
    return _time(lambda: store.append_many(AREA, LAYER, rows, actor="bench"))


def measure(plan: Plan, url: str, folder: Path) -> dict[str, Any]:
    """Fill both stores, then time the adds, the inserts and the reads, turn about."""
    catalog = load_layer_catalog()
    area = next(a for a in shipped_areas(settings_from_env({}).data_dir) if a.slug == AREA)
    database = PostgisStore(url, catalog)
    files = GeoPackageStore(folder / "workspace", catalog)
    fill = {"postgis": _fill(database, area, plan.features),
            "gpkg": _fill(files, area, plan.features)}  # fmt: skip
    point = area.boundary.representative_point()
    blob = geometry_to_gpkg(point, 3006)
    wkb = shapely.to_wkb(point)
    path = files.path(AREA)

    def plain_sqlite() -> None:
        connection = sqlite3.connect(path, isolation_level=None)
        register_gpkg_functions(connection)
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(
            "INSERT INTO lighting (geom, uuid, number, status, observed_at, created_at, "
            "updated_at, created_by, is_demo, problem) VALUES (?, lower(hex(randomblob(16))), "
            "(SELECT coalesce(max(number), 0) + 1000000 FROM lighting), 'new', "
            "'2026-11-27T18:00:00.000Z', '2026-11-27T18:00:00.000Z', "
            "'2026-11-27T18:00:00.000Z', 'bench', 0, 'broken')",
            (blob,),
        )
        connection.execute("COMMIT")
        connection.close()

    postgres = psycopg.connect(url, autocommit=True)

    def plain_postgres() -> None:
        with postgres.transaction():
            postgres.execute(
                'INSERT INTO "hasselby-gard".lighting (geom, uuid, number, status, observed_at, '
                "created_at, updated_at, created_by, is_demo, problem) VALUES "
                "(ST_GeomFromWKB(%s, 3006), gen_random_uuid()::text, "
                '(SELECT coalesce(max(number), 0) + 1000000 FROM "hasselby-gard".lighting), '
                "'new', now(), now(), now(), 'bench', false, 'broken')",
                (wkb,),
            )

    def plain_select() -> None:
        postgres.execute(
            "SELECT fid, uuid, number, status, severity, description, observed_at, "
            'ST_AsBinary(geom) FROM "hasselby-gard".lighting ORDER BY fid'
        ).fetchall()

    ways: dict[str, Callable[[], Any]] = {
        "postgis_append": lambda: database.append(AREA, LAYER, _values(0), point, actor="bench"),
        "postgis_insert": plain_postgres,
        "gpkg_append": lambda: files.append(AREA, LAYER, _values(0), point, actor="bench"),
        "gpkg_insert": plain_sqlite,
        "postgis_read": lambda: database.read_layer(AREA, LAYER),
        "postgres_select": plain_select,
        "gpkg_read": lambda: files.read_layer(AREA, LAYER),
    }
    samples: dict[str, list[float]] = {name: [] for name in ways}
    names = list(ways)
    for round_number in range(1 + plan.rounds):
        order = names[round_number % len(names) :] + names[: round_number % len(names)]
        for name in order:
            seconds = _time(ways[name])
            if round_number:
                samples[name].append(seconds)
    postgres.close()
    database.close()
    figures: dict[str, Any] = {name: summary(values) for name, values in samples.items()}
    figures["fill_s"] = fill
    for backend, baseline in (("postgis", "postgis_insert"), ("gpkg", "gpkg_insert")):
        figures[f"{backend}_append_vs_insert"] = (
            figures[f"{backend}_append"]["median_ms"] / figures[baseline]["median_ms"]
        )
    figures["postgis_read_vs_select"] = (
        figures["postgis_read"]["median_ms"] / figures["postgres_select"]["median_ms"]
    )
    figures["postgis_read_vs_gpkg_read"] = (
        figures["postgis_read"]["median_ms"] / figures["gpkg_read"]["median_ms"]
    )
    return figures


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Start a server, measure, print and write ``out``."""
    started = time.perf_counter()
    with running_server() as server:
        if server is None:
            print("PostgreSQL with PostGIS is missing (apt-get install postgresql-15-postgis-3): "
                  "the PostGIS benchmark needs it.")  # fmt: skip
            return {}
        print(f"Filling {plan.features:,} observations into PostGIS and a GeoPackage, then "
              f"{plan.rounds} rounds turn about ...", flush=True)  # fmt: skip
        with tempfile.TemporaryDirectory(prefix="safewalk-pg-bench-") as folder:
            figures = measure(plan, server.new_database(), Path(folder))
    print(f"\nmedian (p90) in ms, {plan.features:,} features in the layer")
    for name in ("postgis_append", "postgis_insert", "gpkg_append", "gpkg_insert",
                 "postgis_read", "postgres_select", "gpkg_read"):  # fmt: skip
        figure = figures[name]
        print(f"  {name:16} {figure['median_ms']:9.1f} ({figure['p90_ms']:.1f})")
    print(f"  append ÷ plain INSERT: PostGIS {figures['postgis_append_vs_insert']:.2f}, "
          f"GeoPackage {figures['gpkg_append_vs_insert']:.2f}; read_layer ÷ plain SELECT "
          f"{figures['postgis_read_vs_select']:.2f}; PostGIS read ÷ GeoPackage read "
          f"{figures['postgis_read_vs_gpkg_read']:.2f}")  # fmt: skip
    print(
        f"  filling {plan.features:,} with append_many: PostGIS "
        f"{figures['fill_s']['postgis']:.1f} s, GeoPackage {figures['fill_s']['gpkg']:.1f} s"
    )
    plan_figures = {"features": plan.features, "rounds": plan.rounds}
    return write_results(out, about, quick=quick, plan=plan_figures, figures=figures,
                         targets=[], started=started)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the PostGIS benchmark alone."""
    return run_alone("python -m benchmarks.postgis", DEFAULT_OUT, (FULL, QUICK), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
