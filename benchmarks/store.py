"""Store benchmark: adding one observation to areas of 1k/10k/100k features, and reading 100k.

Run: ``.venv/bin/python -m benchmarks.store [--quick] [--out PATH]``

Every figure has a reference measured in the same run, interleaved with it so machine noise
hits both: a plain sqlite3 INSERT of the same row (own connection, BEGIN IMMEDIATE, INSERT,
COMMIT — the same durability as the store). Medians are quoted; compare ratios, not seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyogrio
import shapely

from gis.gpkg import geometry_to_gpkg, register_gpkg_functions
from layers.gpkg import GeoPackageStore
from layers.schema import datetime_to_text, load_layer_catalog
from layers.store import Area
from walks.config import settings_from_env
from walks.model import ObservationDraft, Position
from walks.recording import record_observation
from walks.workspace import Workspace

BOX = shapely.box(660_000, 6_578_000, 666_000, 6_584_000)  # 6 km square around Grimsta
INSIDE_LON_LAT = (17.8611, 59.3540)  # Grimsta, inside BOX
TARGET_ADD_VS_INSERT = 3.0
TARGET_FLATNESS = 1.5


def fill(path: Path, count: int) -> None:
    """Fill the lighting layer with ``count`` rows in one transaction (bulk SQL, fast)."""
    now = datetime_to_text(datetime.now(UTC))
    connection = sqlite3.connect(path, isolation_level=None)
    register_gpkg_functions(connection)
    connection.execute("BEGIN IMMEDIATE")
    rows = []
    for i in range(count):
        point = shapely.Point(660_100 + (i * 37) % 5_800, 6_578_100 + (i * 53) % 5_800)
        rows.append((geometry_to_gpkg(point, 3006), str(uuid.uuid4()), i + 1, now))
    connection.executemany(
        "INSERT INTO lighting (geom, uuid, number, status, problem, observed_at, created_at, "
        "updated_at, created_by, is_demo) VALUES (?, ?, ?, 'new', 'dim', ?4, ?4, ?4, 'bench', 0)",
        rows,
    )
    connection.execute(
        "INSERT INTO safewalk_meta (key, value) VALUES ('sequence:observation', ?) "
        "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        (str(count),),
    )
    connection.execute("COMMIT")
    connection.close()


def plain_insert(path: Path) -> None:
    """The reference: one row with the same values, nothing else (no number, no log)."""
    now = datetime_to_text(datetime.now(UTC))
    connection = sqlite3.connect(path, isolation_level=None, timeout=60)
    register_gpkg_functions(connection)
    connection.execute("BEGIN IMMEDIATE")
    connection.execute(
        "INSERT INTO lighting (geom, uuid, number, status, problem, observed_at, created_at, "
        "updated_at, created_by, is_demo) VALUES (?, ?, NULL, "
        "'new', 'dim', ?3, ?3, ?3, 'bench', 0)",
        (geometry_to_gpkg(shapely.Point(661_000, 6_580_000), 3006), str(uuid.uuid4()), now),
    )
    connection.execute("COMMIT")
    connection.close()


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def summary(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p90_ms": ordered[int(0.9 * (len(ordered) - 1))] * 1000,
        "n": len(ordered),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, few repetitions")
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results/store.json"))
    args = parser.parse_args(argv)
    sizes = [1_000, 10_000] if args.quick else [1_000, 10_000, 100_000]
    repeats = 15 if args.quick else 60
    catalog = load_layer_catalog()
    results: dict[str, object] = {
        "machine": {
            "python": platform.python_version(),
            "sqlite": sqlite3.sqlite_version,
            "gdal": pyogrio.__gdal_version_string__,
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "sizes": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "workspace"
        store = GeoPackageStore(root, catalog)
        for size in sizes:
            store.add_area(Area(f"size-{size}", f"Size {size}", BOX), actor="bench")
            fill(store.path(f"size-{size}"), size)
        workspace = Workspace(settings_from_env({}, workspace=root, language="en"), catalog, store)
        now = datetime.now(UTC)
        values = {
            "status": "new", "problem": "dim", "observed_at": now, "created_at": now,
            "updated_at": now, "created_by": "bench", "is_demo": False,
        }  # fmt: skip
        point = shapely.Point(661_000, 6_580_000)
        draft = ObservationDraft(
            category="lighting",
            position=Position(*INSIDE_LON_LAT),
            created_by="bench",
            fields={"problem": "dim"},
        )
        table: dict[int, dict[str, dict[str, float]]] = {}
        for size in sizes:
            slug = f"size-{size}"
            path = store.path(slug)
            add, append, insert = [], [], []
            for _ in range(repeats):  # interleaved so noise hits all three alike
                add.append(timed(lambda s=slug: record_observation(workspace, draft, area=s)))
                append.append(
                    timed(lambda s=slug: store.append(s, "lighting", values, point, actor="b"))
                )
                insert.append(timed(lambda p=path: plain_insert(p)))
            table[size] = {
                "record_observation": summary(add),
                "store_append": summary(append),
                "plain_insert": summary(insert),
            }
        read_size = sizes[-1]
        read = [timed(lambda: store.read_layer(f"size-{read_size}", "lighting")) for _ in range(5)]
        rows_read = len(store.read_layer(f"size-{read_size}", "lighting"))
        gdal_read = [
            timed(
                lambda: pyogrio.read_dataframe(
                    store.path(f"size-{read_size}"), layer="lighting", use_arrow=True
                )
            )
            for _ in range(5)
        ]
    results["sizes"] = {str(size): figures for size, figures in table.items()}
    results["read"] = {
        "rows": rows_read,
        "store_read_layer": summary(read),
        "gdal_arrow_read_reference": summary(gdal_read),
    }
    first, last = sizes[0], sizes[-1]
    ratios = {
        str(size): {
            "record_vs_insert": table[size]["record_observation"]["median_ms"]
            / table[size]["plain_insert"]["median_ms"],
            "append_vs_insert": table[size]["store_append"]["median_ms"]
            / table[size]["plain_insert"]["median_ms"],
        }
        for size in sizes
    }
    flatness = (
        table[last]["record_observation"]["median_ms"]
        / table[first]["record_observation"]["median_ms"]
    )
    results["ratios"] = ratios
    results["flatness_record_last_vs_first"] = flatness
    results["targets"] = {
        "add_vs_plain_insert_max": TARGET_ADD_VS_INSERT,
        "flatness_max": TARGET_FLATNESS,
        "met": all(r["record_vs_insert"] <= TARGET_ADD_VS_INSERT for r in ratios.values())
        and flatness <= TARGET_FLATNESS,
    }

    print(f"{'features':>9} {'record ms':>10} {'append ms':>10} {'insert ms':>10} "
          f"{'record/insert':>14} {'append/insert':>14}")  # fmt: skip
    for size in sizes:
        row = table[size]
        print(
            f"{size:>9} {row['record_observation']['median_ms']:>10.2f} "
            f"{row['store_append']['median_ms']:>10.2f} {row['plain_insert']['median_ms']:>10.2f} "
            f"{ratios[str(size)]['record_vs_insert']:>14.2f} "
            f"{ratios[str(size)]['append_vs_insert']:>14.2f}"
        )
    print(f"flatness (record @{last} / @{first}): {flatness:.2f}  (target ≤ {TARGET_FLATNESS})")
    print(
        f"read {rows_read} features: store {summary(read)['median_ms']:.0f} ms, "
        f"GDAL arrow reference {summary(gdal_read)['median_ms']:.0f} ms"
    )
    print(f"targets met: {results['targets']['met']}  (add ≤ {TARGET_ADD_VS_INSERT}× plain insert)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2), encoding="utf-8")
    print(f"written: {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
