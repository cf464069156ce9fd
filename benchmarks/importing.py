"""Import and export benchmark: 100k points from a GeoPackage and from GeoJSON, and back.

Figures, each beside a baseline measured in the same run, turn about:

- **import_gpkg**: ``safewalk import points.gpkg --area hasselby-gard --category lighting``
  (``walks.exchange.importing.import_observations``) of 100,000 points in EPSG:3006 into an empty
  area of a real workspace: reading, every feature checked (category, geometry, area,
  every field against the catalog), numbered, written with its change-log entry, all in
  one transaction.
- **import_geojson**: the same points in WGS 84 as GeoJSON (RFC 7946), transformed to
  SWEREF 99 TM.
- **export_gpkg**, **export_geojson**: ``safewalk export --area hasselby-gard`` of the
  imported 100,000 to a GeoPackage (the whole area, styled) and to GeoJSON.
- Baselines: Debian's ``ogr2ogr`` converting the same files to a GeoPackage
  (``ogr2ogr -f GPKG out.gpkg points.gpkg``, and ``-t_srs EPSG:3006`` from the GeoJSON);
  for the exports, ``ogr2ogr`` of the area's lighting layer to a GeoPackage and to GeoJSON.

Targets, against ogr2ogr in the same run: an import at most 3× ogr2ogr's conversion of
the same file, with every check and the change log included; the export of the area to
a GeoPackage at most 1.2× ogr2ogr's copy of its lighting layer. Each figure also has its
CPU time (``cpu_ms``: this process and the forked copy that checks beside it, or
ogr2ogr's), which a machine busy with other work disturbs less than the wall clock.

Run with the rest: ``.venv/bin/python -m benchmarks.run --only import`` (``--quick``:
10,000 points, fewer rounds).
"""

from __future__ import annotations

import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely

from benchmarks.machine import BENCHMARKS_DIR, run_alone, write_results
from benchmarks.store import summary
from walks.core.config import settings_from_env
from walks.core.workspace import Workspace
from walks.exchange.exporting import export
from walks.exchange.importing import import_observations
from walks.fieldwork.startup import add_shipped_areas, open_workspace

DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "import.json"
AREA: Final = "hasselby-gard"
CATEGORY: Final = "lighting"
IMPORT_VS_OGR2OGR_MAX: Final = 3.0
"""An import may take at most this many times ogr2ogr's conversion of the same file."""
EXPORT_VS_OGR2OGR_MAX: Final = 1.2
"""The GeoPackage export may take at most this many times ogr2ogr's copy of the layer."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Sizes and rounds of one run."""

    points: int
    rounds: int


FULL: Final = Plan(points=100_000, rounds=5)
QUICK: Final = Plan(points=10_000, rounds=3)


def _workspace(folder: Path) -> Workspace:
    """Return a workspace in ``folder`` with the shipped areas and no observations."""
    settings = settings_from_env({"SAFEWALK_SEED": "0"}, workspace=str(folder), language="en")
    workspace = open_workspace(settings)
    add_shipped_areas(workspace)
    return workspace


def make_files(workspace: Workspace, count: int, folder: Path) -> tuple[Path, Path]:
    """Write ``count`` random lighting points inside the area as GeoPackage and GeoJSON."""
    area = next(a for a in workspace.areas() if a.slug == AREA)
    rng = np.random.default_rng(1)
    min_x, min_y, max_x, max_y = area.boundary.bounds
    xs, ys = rng.uniform(min_x, max_x, count * 3), rng.uniform(min_y, max_y, count * 3)
    inside = shapely.contains_xy(area.boundary, xs, ys)
    xs, ys = xs[inside][:count], ys[inside][:count]
    frame = gpd.GeoDataFrame(
        {
            "beskrivning": [f"Trasig lampa vid gångväg {k}" for k in range(count)],
            "problem": rng.choice(["broken", "dim", "missing", "glare"], count),
            "severity": rng.integers(1, 4, count),
            "datum": [f"2026-10-{1 + k % 28:02d} 18:{k % 60:02d}" for k in range(count)],
        },
        geometry=shapely.points(xs, ys),
        crs="EPSG:3006",
    )
    gpkg, geojson = folder / "points.gpkg", folder / "points.geojson"
    frame.to_file(gpkg, engine="pyogrio")
    frame.to_crs("EPSG:4326").to_file(geojson, engine="pyogrio")
    return gpkg, geojson


def _ogr2ogr(*args: str | Path) -> None:
    subprocess.run(["ogr2ogr", *map(str, args)], check=True, capture_output=True)


def _cpu() -> float:
    """Return the CPU seconds of this process and of its finished children (ogr2ogr, forks)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _time(way: Callable[[], Any]) -> tuple[float, float]:
    """Return the wall-clock and the CPU seconds of ``way``."""
    start, cpu = time.perf_counter(), _cpu()
    way()
    return time.perf_counter() - start, _cpu() - cpu


def measure(plan: Plan, folder: Path) -> dict[str, Any]:
    """Time the imports, the exports and ogr2ogr, turn about; the first round a warm-up."""
    template = folder / "template"
    gpkg, geojson = make_files(_workspace(template), plan.points, folder)
    out = folder / "out"
    out.mkdir()
    imported: dict[str, Workspace] = {}

    def importing(source: Path) -> Callable[[], Any]:
        target = folder / f"workspace-{source.suffix[1:]}"
        shutil.rmtree(target, ignore_errors=True)
        shutil.copytree(template, target)
        workspace = _workspace(target)
        imported[source.suffix] = workspace

        def way() -> None:
            report = import_observations(
                workspace, source, actor="bench", area=AREA, category=CATEGORY
            )
            if report.accepted != plan.points or report.rejected:
                msg = f"{source.name}: {report.accepted} accepted, {report.rejected[:3]}"
                raise RuntimeError(msg)

        return way

    def fresh(name: str) -> Path:
        path = out / name
        path.unlink(missing_ok=True)
        return path

    def exporting(suffix: str) -> None:
        export(imported[".gpkg"], fresh(f"export{suffix}"), areas=[AREA])

    area_file = folder / "workspace-gpkg" / f"{AREA}.gpkg"
    ways: dict[str, Callable[[], Any]] = {
        "ogr2ogr_gpkg": lambda: _ogr2ogr("-f", "GPKG", fresh("ogr.gpkg"), gpkg),
        "ogr2ogr_geojson": lambda: _ogr2ogr(
            "-f", "GPKG", "-t_srs", "EPSG:3006", fresh("ogr-json.gpkg"), geojson
        ),
        "export_gpkg": lambda: exporting(".gpkg"),
        "export_geojson": lambda: exporting(".geojson"),
        "ogr2ogr_export_gpkg": lambda: _ogr2ogr(
            "-f", "GPKG", fresh("ogr-area.gpkg"), area_file, CATEGORY
        ),
        "ogr2ogr_export_geojson": lambda: _ogr2ogr(
            "-f", "GeoJSON", "-t_srs", "EPSG:4326", fresh("ogr-area.geojson"), area_file, CATEGORY
        ),
    }
    samples: dict[str, list[float]] = {
        name: [] for name in ("import_gpkg", "import_geojson", *ways)
    }
    cpu: dict[str, list[float]] = {name: [] for name in samples}
    for round_number in range(1 + plan.rounds):
        # Each round imports into fresh copies of the empty workspace (not timed).
        steps = {"import_gpkg": importing(gpkg), "import_geojson": importing(geojson)}
        order = [
            ("import_gpkg", "ogr2ogr_gpkg"),
            ("import_geojson", "ogr2ogr_geojson"),
            ("export_gpkg", "ogr2ogr_export_gpkg"),
            ("export_geojson", "ogr2ogr_export_geojson"),
        ]
        for pair in order:
            for name in pair if round_number % 2 else pair[::-1]:
                seconds, used = _time(steps.get(name) or ways[name])
                if round_number:
                    samples[name].append(seconds)
                    cpu[name].append(used)
    figures: dict[str, Any] = {
        name: {**summary(values), "cpu_ms": 1000 * statistics.median(cpu[name])}
        for name, values in samples.items()
    }
    for ours, baseline in PAIRS:
        figures[f"{ours}_vs_ogr2ogr"] = figures[ours]["median_ms"] / figures[baseline]["median_ms"]
        figures[f"{ours}_vs_ogr2ogr_cpu"] = figures[ours]["cpu_ms"] / figures[baseline]["cpu_ms"]
    return figures


PAIRS: Final = (
    ("import_gpkg", "ogr2ogr_gpkg"), ("import_geojson", "ogr2ogr_geojson"),
    ("export_gpkg", "ogr2ogr_export_gpkg"), ("export_geojson", "ogr2ogr_export_geojson"),
)  # fmt: skip
"""Each figure and its baseline."""


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Make the files, measure, print and write ``out``; ``about`` is the machine and commit."""
    started = time.perf_counter()
    if shutil.which("ogr2ogr") is None:
        print("ogr2ogr is missing (apt-get install gdal-bin): the import benchmark needs it "
              "for its baseline.")  # fmt: skip
        return {}
    version = subprocess.run(["ogr2ogr", "--version"], capture_output=True, text=True).stdout
    print(f"Importing {plan.points:,} points from GeoPackage and GeoJSON and exporting them, "
          f"beside {version.strip()}, {plan.rounds} rounds turn about ...", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="safewalk-import-") as folder:
        figures = measure(plan, Path(folder))
    targets = [
        {"name": f"import from {kind} ≤ {IMPORT_VS_OGR2OGR_MAX:g}× ogr2ogr to GeoPackage",
         "value": figures[f"import_{kind}_vs_ogr2ogr"],
         "met": figures[f"import_{kind}_vs_ogr2ogr"] <= IMPORT_VS_OGR2OGR_MAX}
        for kind in ("gpkg", "geojson")
    ] + [
        {"name": f"export to GeoPackage ≤ {EXPORT_VS_OGR2OGR_MAX:g}× ogr2ogr of the layer",
         "value": figures["export_gpkg_vs_ogr2ogr"],
         "met": figures["export_gpkg_vs_ogr2ogr"] <= EXPORT_VS_OGR2OGR_MAX}
    ]  # fmt: skip
    print(f"\nmedian (p90) in ms of {plan.points:,} points; CPU ms in [ ]")
    for ours, baseline in PAIRS:
        a, b = figures[ours], figures[baseline]
        print(f"  {ours:15} {a['median_ms']:8.0f} ({a['p90_ms']:.0f}) [{a['cpu_ms']:.0f}]   "
              f"{baseline:23} {b['median_ms']:7.0f} ({b['p90_ms']:.0f}) [{b['cpu_ms']:.0f}]   "
              f"÷ ogr2ogr {figures[f'{ours}_vs_ogr2ogr']:.2f} "
              f"[{figures[f'{ours}_vs_ogr2ogr_cpu']:.2f}]")  # fmt: skip
    print("Targets:")
    for target in targets:
        print(f"  [{'met   ' if target['met'] else 'MISSED'}] {target['name']}: "
              f"{target['value']:.2f}")  # fmt: skip
    plan_figures = {"points": plan.points, "rounds": plan.rounds, "ogr2ogr": version.strip()}
    return write_results(out, about, quick=quick, plan=plan_figures, figures=figures,
                         targets=targets, started=started)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the import benchmark alone (``python -m benchmarks.run`` runs it with the rest)."""
    return run_alone("python -m benchmarks.importing", DEFAULT_OUT, (FULL, QUICK), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
