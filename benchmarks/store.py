"""Store benchmark: add one observation to areas of 1k/10k/100k features; read a big layer.

Three ways of adding the same lighting observation are timed in one interleaved loop, so
machine noise hits them alike:

- ``record_observation``: the real path (``walks.fieldwork.recording.record_observation``): catalog
  validation, CRS transform, finding the area, light condition, the store's transaction;
- ``store_append``: the store's transaction alone (``GeoPackageStore.append``);
- ``plain_insert``: the reference, the same row written with plain ``sqlite3``: own
  connection, ``BEGIN IMMEDIATE``, one ``INSERT``, ``COMMIT``, close (the store's
  durability, without its number sequence, change log and extent update).

The big layers are filled with one bulk SQL transaction per area (GDAL's R-tree and
feature-count triggers do their work through ``register_gpkg_functions``), with one
change-log row per feature as the store would have written. ``run.py`` is the command.
"""

from __future__ import annotations

import json
import sqlite3
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import shapely
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from gis.crs import STORAGE_EPSG, WGS84, to_storage_crs
from gis.gpkg import geometry_to_gpkg, register_gpkg_functions
from layers.schema import CHANGE_LOG_LAYER, datetime_to_text
from layers.store import Area
from walks.core.config import settings_from_env
from walks.core.model import LightCondition, ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.fieldwork.recording import record_observation
from walks.fieldwork.startup import open_workspace

LAYER: Final = "lighting"
BASE_AREA: Final = "hasselby-gard"
"""The shipped area whose boundary every benchmark area copies."""
LON_LAT: Final = (17.8445, 59.3668)
"""Where every benchmark observation is made: inside Hässelby gård."""
ACTOR: Final = "benchmark"
OPERATIONS: Final = ("record_observation", "store_append", "plain_insert")
READERS: Final = ("store_read_layer", "gdal_arrow_reference")
_GDAL_ARROW_READER: Final = """
import sys, time
import pyogrio

path, layer = sys.argv[1:3]
for _ in sys.stdin:
    start = time.perf_counter()
    frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=True)
    print(time.perf_counter() - start, len(frame), flush=True)
"""
"""The GDAL reader's process: one timed read per line on stdin."""
_BUSY_TIMEOUT_S: Final = 60.0
_PLAIN_INSERT_SQL: Final = (
    f'INSERT INTO "{LAYER}" (geom, uuid, status, severity, description, observed_at, '
    "light_condition, created_at, updated_at, created_by, is_demo, problem) "
    "VALUES (?, ?, 'new', 2, 'benchmark', ?3, 'dark', ?3, ?3, ?4, 0, 'dim')"
)
_FILL_SQL: Final = (
    f'INSERT INTO "{LAYER}" (geom, uuid, number, status, severity, description, observed_at, '
    "light_condition, created_at, updated_at, created_by, is_demo, problem) "
    "VALUES (?, ?, ?, 'new', 2, 'benchmark', ?4, 'dark', ?4, ?4, ?5, 0, 'dim')"
)
_LOG_SQL: Final = (
    f'INSERT INTO "{CHANGE_LOG_LAYER}" (at, actor, action, layer, feature_uuid, before, after) '
    "VALUES (?, ?, 'insert', ?, ?, NULL, ?)"
)


@dataclass(frozen=True, slots=True)
class BenchArea:
    """One area filled for the benchmark."""

    size: int
    slug: str
    path: Path
    fill_s: float


def size_label(size: int) -> str:
    """Return ``1000`` as ``"1k"``, ``100000`` as ``"100k"``."""
    return f"{size // 1000}k" if size % 1000 == 0 else str(size)


def open_bench_workspace(root: Path) -> Workspace:
    """Open a new workspace in ``root``, seeded with the shipped areas and the demo data."""
    return open_workspace(settings_from_env({}, workspace=str(root), language="en"))


def random_points_inside(
    boundary: BaseGeometry, count: int, *, seed: int
) -> tuple[np.ndarray, np.ndarray]:
    """Return ``count`` reproducible random x and y coordinates inside ``boundary``."""
    rng = np.random.default_rng(seed)
    min_x, min_y, max_x, max_y = boundary.bounds
    shapely.prepare(boundary)
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    found = 0
    while found < count:
        x = rng.uniform(min_x, max_x, 2 * count)
        y = rng.uniform(min_y, max_y, 2 * count)
        inside = shapely.contains_xy(boundary, x, y)
        xs.append(x[inside])
        ys.append(y[inside])
        found += int(inside.sum())
    return np.concatenate(xs)[:count], np.concatenate(ys)[:count]


def fill(path: Path, boundary: BaseGeometry, count: int, *, seed: int) -> None:
    """Add ``count`` lighting features and their change-log rows in one transaction.

    Numbers run 1..count and the area's observation sequence is set to ``count``; the
    layer's extent in ``gpkg_contents`` is widened as the store does. GDAL's triggers
    keep the R-tree and the cached feature count right.
    """
    xs, ys = random_points_inside(boundary, count, seed=seed)
    stamp = datetime_to_text(datetime.now(UTC))
    uuids = [str(uuid.uuid4()) for _ in range(count)]

    def features() -> Iterator[tuple[object, ...]]:
        for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist(), strict=True)):
            blob = geometry_to_gpkg(Point(x, y), STORAGE_EPSG)
            yield (blob, uuids[i], i + 1, stamp, ACTOR)

    def log_rows() -> Iterator[tuple[object, ...]]:
        for i, (x, y) in enumerate(zip(xs.tolist(), ys.tolist(), strict=True)):
            after = {
                "fid": i + 1,
                "uuid": uuids[i],
                "number": i + 1,
                "status": "new",
                "severity": 2,
                "description": "benchmark",
                "observed_at": stamp,
                "light_condition": "dark",
                "created_at": stamp,
                "updated_at": stamp,
                "created_by": ACTOR,
                "is_demo": 0,
                "problem": "dim",
                "geometry": f"POINT ({x:.2f} {y:.2f})",
            }
            yield (stamp, ACTOR, LAYER, uuids[i], json.dumps(after))

    connection = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    try:
        register_gpkg_functions(connection)
        connection.execute("BEGIN IMMEDIATE")
        connection.executemany(_FILL_SQL, features())
        connection.executemany(_LOG_SQL, log_rows())
        connection.execute(
            "INSERT INTO safewalk_meta (key, value) VALUES ('sequence:observation', ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (str(count),),
        )
        connection.execute(
            "UPDATE gpkg_contents SET last_change = ?1, "
            "min_x = min(coalesce(min_x, ?2), ?2), min_y = min(coalesce(min_y, ?3), ?3), "
            "max_x = max(coalesce(max_x, ?4), ?4), max_y = max(coalesce(max_y, ?5), ?5) "
            "WHERE table_name = ?6",
            (stamp, float(xs.min()), float(ys.min()), float(xs.max()), float(ys.max()), LAYER),
        )
        connection.execute("COMMIT")
    finally:
        connection.close()


def consistency(path: Path) -> dict[str, dict[str, int | None]]:
    """Return rows, GDAL's cached feature count and R-tree entries of the touched layers."""
    connection = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    try:
        report: dict[str, dict[str, int | None]] = {}
        for layer in (LAYER, CHANGE_LOG_LAYER):
            rows = connection.execute(f'SELECT count(*) FROM "{layer}"').fetchone()[0]
            cached = connection.execute(
                "SELECT feature_count FROM gpkg_ogr_contents WHERE lower(table_name) = lower(?)",
                (layer,),
            ).fetchone()
            entry: dict[str, int | None] = {
                "rows": rows,
                "cached_feature_count": None if cached is None else cached[0],
            }
            if layer == LAYER:
                entry["rtree_entries"] = connection.execute(
                    f'SELECT count(*) FROM "rtree_{layer}_geom"'
                ).fetchone()[0]
            report[layer] = entry
        return report
    finally:
        connection.close()


def consistency_errors(report: dict[str, dict[str, int | None]]) -> list[str]:
    """Return what is wrong in a ``consistency`` report (empty when all is right)."""
    errors = []
    for layer, entry in report.items():
        for key, value in entry.items():
            if key != "rows" and value != entry["rows"]:
                errors.append(f"{layer}: {key} {value} != rows {entry['rows']}")
    return errors


def build_areas(workspace: Workspace, sizes: Sequence[int]) -> list[BenchArea]:
    """Add one fresh area per size (Hässelby gård's boundary) and fill its lighting layer."""
    base = next(a for a in workspace.areas() if a.slug == BASE_AREA)
    areas = []
    for size in sizes:
        slug = f"bench-{size_label(size)}"
        workspace.store.add_area(
            Area(slug, f"Benchmark {size_label(size)}", base.boundary), actor=ACTOR
        )
        path = Path(workspace.settings.workspace) / f"{slug}.gpkg"
        start = time.perf_counter()
        fill(path, base.boundary, size, seed=size)
        elapsed = time.perf_counter() - start
        errors = consistency_errors(consistency(path))
        if errors:
            msg = f"bulk fill of {slug} left an inconsistent file: {'; '.join(errors)}"
            raise RuntimeError(msg)
        areas.append(BenchArea(size, slug, path, elapsed))
    return areas


def plain_insert(path: Path, point: BaseGeometry) -> None:
    """The reference: one row, own connection, BEGIN IMMEDIATE, INSERT, COMMIT, close."""
    blob = geometry_to_gpkg(point, STORAGE_EPSG)
    stamp = datetime_to_text(datetime.now(UTC))
    connection = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    try:
        register_gpkg_functions(connection)  # GDAL's R-tree triggers call ST_MinX & co.
        connection.execute("BEGIN IMMEDIATE")
        connection.execute(_PLAIN_INSERT_SQL, (blob, str(uuid.uuid4()), stamp, ACTOR))
        connection.execute("COMMIT")
    finally:
        connection.close()


def operations(workspace: Workspace, area: BenchArea) -> dict[str, Callable[[], object]]:
    """Return the three ways of adding the same observation to ``area``, by name."""
    point = to_storage_crs(Point(*LON_LAT), WGS84)
    draft = ObservationDraft(
        category=LAYER,
        position=Position(*LON_LAT),
        created_by=ACTOR,
        severity=2,
        description="benchmark",
        fields={"problem": "dim"},
    )

    def record() -> object:
        return record_observation(workspace, draft, area=area.slug)

    def append() -> object:
        now = datetime.now(UTC)
        values = {
            "status": "new",
            "severity": 2,
            "description": "benchmark",
            "observed_at": now,
            "light_condition": str(LightCondition.DARK),
            "created_at": now,
            "updated_at": now,
            "created_by": ACTOR,
            "is_demo": False,
            "problem": "dim",
        }
        return workspace.store.append(area.slug, LAYER, values, point, actor=ACTOR)

    def insert() -> object:
        plain_insert(area.path, point)
        return None

    return {"record_observation": record, "store_append": append, "plain_insert": insert}


def timed(action: Callable[[], object]) -> float:
    """Return the seconds ``action`` took (``time.perf_counter``)."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def _rotated(items: Sequence[Any], by: int) -> list[Any]:
    shift = by % len(items)
    return [*items[shift:], *items[:shift]]


def measure_adds(
    workspace: Workspace, areas: Sequence[BenchArea], *, repetitions: int, warmup: int
) -> dict[int, dict[str, list[float]]]:
    """Time every operation on every area, interleaved; return seconds by size and name.

    Each round runs every operation once on every area; the order of areas and of
    operations rotates from round to round so neither gets a fixed position. The first
    ``warmup`` rounds (imports, caches) are not kept.
    """
    samples: dict[int, dict[str, list[float]]] = {
        area.size: {name: [] for name in OPERATIONS} for area in areas
    }
    actions = {area.size: operations(workspace, area) for area in areas}
    for round_number in range(warmup + repetitions):
        for area in _rotated(areas, round_number):
            for name in _rotated(OPERATIONS, round_number):
                elapsed = timed(actions[area.size][name])
                if round_number >= warmup:
                    samples[area.size][name].append(elapsed)
    return samples


def measure_read(workspace: Workspace, area: BenchArea, *, runs: int) -> dict[str, Any]:
    """Time ``read_layer`` of ``area``'s lighting layer against GDAL's Arrow reader.

    The two take turns, one read each per round, and the one that goes first alternates;
    the first round is a warm-up (imports, caches) and is not kept. GDAL reads in a process
    of its own: two SQLite libraries on one file in one process release each other's
    locks. Each reader's rows are checked against the layer's row count.
    """
    expected = consistency(area.path)[LAYER]["rows"]
    samples: dict[str, list[float]] = {name: [] for name in READERS}

    def store_read() -> tuple[float, int]:
        start = time.perf_counter()
        frame = workspace.store.read_layer(area.slug, LAYER)
        return time.perf_counter() - start, len(frame)

    with gdal_arrow_reader(area.path, LAYER) as gdal_read:
        readers = {"store_read_layer": store_read, "gdal_arrow_reference": gdal_read}
        for round_number in range(1 + runs):
            for name in _rotated(READERS, round_number):
                elapsed, rows = readers[name]()
                if rows != expected:
                    msg = f"{name} returned {rows} rows, the layer holds {expected}"
                    raise RuntimeError(msg)
                if round_number:
                    samples[name].append(elapsed)
    figures = {name: summary(values) for name, values in samples.items()}
    return {
        "features": expected,
        **figures,
        "store_vs_gdal_arrow": figures["store_read_layer"]["median_ms"]
        / figures["gdal_arrow_reference"]["median_ms"],
    }


@contextmanager
def gdal_arrow_reader(path: Path, layer: str) -> Iterator[Callable[[], tuple[float, int]]]:
    """Start a process that reads ``layer`` with GDAL's Arrow reader on each call.

    A call returns the seconds the read took in that process and the rows it returned.
    """
    process = subprocess.Popen(
        [sys.executable, "-c", _GDAL_ARROW_READER, str(path), layer],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    stdin, stdout = process.stdin, process.stdout
    if stdin is None or stdout is None:  # never with PIPE; says so to the type checker
        process.kill()
        msg = "the GDAL reader process has no pipes"
        raise RuntimeError(msg)

    def read() -> tuple[float, int]:
        stdin.write("read\n")
        stdin.flush()
        reply = stdout.readline().split()
        if len(reply) != 2:
            msg = f"the GDAL reader process stopped (exit status {process.poll()})"
            raise RuntimeError(msg)
        return float(reply[0]), int(reply[1])

    try:
        yield read
    finally:
        stdin.close()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def summary(samples: Sequence[float]) -> dict[str, float]:
    """Return median, 90th percentile and minimum in milliseconds, and the sample count."""
    ordered = sorted(samples)
    if len(ordered) > 1:
        p90 = statistics.quantiles(ordered, n=10, method="inclusive")[-1]
    else:
        p90 = ordered[0]
    return {
        "median_ms": statistics.median(ordered) * 1000,
        "p90_ms": p90 * 1000,
        "min_ms": ordered[0] * 1000,
        "n": len(ordered),
    }
