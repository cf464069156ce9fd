"""Print benchmark: an A3 map of one area with 2,000 observations, and the atlas.

Figures, each beside a baseline measured in the same run, turn about:

- **a3**: ``safewalk print --area … --paper A3`` of Hässelby gård with 2,000 open
  observations (``walks.documents.printing.print_area``): every marker numbered, crowded numbers
  moved apart on leader lines, the table of all 2,000 on the following pages.
- **a3_page200**: the same with 200 observations, and how many numbers found no free
  place (the target: none).
- **atlas**: ``safewalk print --all`` of the demo workspace (overview and ten areas).
- Baselines: a plain matplotlib/geopandas plot of the same points to an A3 PDF (the
  boundary, the points, each number as text beside its point, no collision handling, no
  table); for the atlas, one such page per area.

Measured elsewhere: QGIS 3.22's print layout exports such an A3 page in about 1.2 s (and
its label engine drops colliding numbers); the target is no slower.

Run with the rest: ``.venv/bin/python -m benchmarks.run --only print`` (``--quick``: fewer
rounds).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import matplotlib
import numpy as np
import shapely
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from benchmarks.machine import BENCHMARKS_DIR, run_alone, write_results
from benchmarks.store import summary
from layers.memory import MemoryStore
from walks.core.config import settings_from_env
from walks.core.workspace import Workspace
from walks.documents.printing import Printed, PrintOptions, print_area, print_atlas
from walks.fieldwork.recording import list_observations
from walks.fieldwork.startup import open_workspace

DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "print.json"
AREA: Final = "hasselby-gard"
A3_MAX_S: Final = 1.2
"""QGIS 3.22's print layout export of such an A3 page, measured elsewhere."""
A3_INCHES: Final = (420 / 25.4, 297 / 25.4)


@dataclass(frozen=True, slots=True)
class Plan:
    """Sizes and rounds of one run."""

    observations: int
    rounds: int


FULL: Final = Plan(observations=2_000, rounds=7)
QUICK: Final = Plan(observations=2_000, rounds=3)


def build(name: str, observations: int, *, seed: int) -> Workspace:
    """Return a workspace in memory: the shipped areas, the demo, and ``observations`` more."""
    workspace = open_workspace(settings_from_env({}, workspace=f"memory://{name}"))
    area = next(a for a in workspace.areas() if a.slug == AREA)
    rng = np.random.default_rng(seed)
    minx, miny, maxx, maxy = area.boundary.bounds
    points: list[shapely.Point] = []
    while len(points) < observations:
        x, y = rng.uniform(minx, maxx), rng.uniform(miny, maxy)
        point = shapely.Point(x, y)
        if area.boundary.contains(point):
            points.append(point)
    now = datetime.now(UTC)
    rows = [
        ({"status": "new", "problem": "broken", "severity": 2, "description": f"Lampa {k}",
          "observed_at": now, "created_at": now, "updated_at": now, "created_by": "bench",
          "is_demo": False}, point)
        for k, point in enumerate(points)
    ]  # fmt: skip
    workspace.store.append_many(AREA, "lighting", rows, actor="bench")
    return workspace


def plain_page(workspace: Workspace, slugs: list[str], path: Path) -> None:
    """The baseline: boundary, points and their numbers with matplotlib/geopandas, one A3 page
    per area."""
    with PdfPages(path) as pdf:
        for slug in slugs:
            area = next(a for a in workspace.areas() if a.slug == slug)
            observations = list_observations(workspace, slug)
            figure = Figure(figsize=A3_INCHES)
            axes = figure.add_subplot()
            gpd.GeoSeries([area.boundary]).boundary.plot(ax=axes, color="black")
            xs = [o.x for o in observations]
            ys = [o.y for o in observations]
            axes.scatter(xs, ys, s=12, c="#E69F00", edgecolors="black", linewidths=0.4)
            for o in observations:
                axes.annotate(str(o.number), (o.x, o.y), xytext=(3, 3),
                              textcoords="offset points", fontsize=6)  # fmt: skip
            axes.set_aspect("equal")
            axes.set_title(area.name)
            pdf.savefig(figure)


def _time(way: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = way()
    return time.perf_counter() - start, result


def measure(plan: Plan, folder: Path) -> dict[str, Any]:
    """Time every figure and its baseline, turn about, the first round a warm-up."""
    big = build("bench-print-big", plan.observations, seed=1)
    page = build("bench-print-200", 200 - 8, seed=2)  # with the demo's 8: 200 on the page
    demo = open_workspace(settings_from_env({}, workspace="memory://bench-print-demo"))
    slugs = [a.slug for a in demo.areas()]
    now = datetime.now(UTC)
    a3 = PrintOptions(paper="A3")
    ways: dict[str, Callable[[], Any]] = {
        "a3": lambda: print_area(big, AREA, a3, now=now),
        "a3_plain": lambda: plain_page(big, [AREA], folder / "plain.pdf"),
        "a3_page200": lambda: print_area(page, AREA, a3, now=now),
        "a3_page200_plain": lambda: plain_page(page, [AREA], folder / "plain200.pdf"),
        "atlas": lambda: print_atlas(demo, PrintOptions(), now=now),
        "atlas_plain": lambda: plain_page(demo, slugs, folder / "atlas_plain.pdf"),
    }
    samples: dict[str, list[float]] = {name: [] for name in ways}
    kept: dict[str, Printed] = {}
    for round_number in range(1 + plan.rounds):
        for base in ("a3", "a3_page200", "atlas"):
            pair = [base, f"{base}_plain"]
            for name in pair if round_number % 2 else pair[::-1]:
                seconds, result = _time(ways[name])
                if isinstance(result, Printed):
                    kept[name] = result
                if round_number:
                    samples[name].append(seconds)
    for name in ("bench-print-big", "bench-print-200", "bench-print-demo"):
        MemoryStore.discard(name)
    figures: dict[str, Any] = {name: summary(values) for name, values in samples.items()}
    for base in ("a3", "a3_page200", "atlas"):
        figures[f"{base}_vs_plain"] = (
            figures[base]["median_ms"] / figures[f"{base}_plain"]["median_ms"]
        )
        printed = kept[base]
        figures[f"{base}_pdf"] = {"pages": printed.pages, "markers": printed.markers,
                                  "leaders": printed.leaders, "covering": printed.covering,
                                  "bytes": len(printed.pdf),
                                  "scales": list(printed.scales)}  # fmt: skip
    return figures


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Build, measure, print and write ``out``; ``about`` is the machine and commit."""
    import tempfile

    matplotlib.use("Agg")
    started = time.perf_counter()
    print(f"Printing {plan.observations:,} observations on A3, and the atlas, "
          f"{plan.rounds} rounds turn about ...", flush=True)  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="safewalk-print-") as folder:
        figures = measure(plan, Path(folder))
    a3_s = figures["a3"]["median_ms"] / 1000
    targets = [
        {"name": f"A3 page with {plan.observations:,} observations ≤ {A3_MAX_S} s (QGIS 3.22)",
         "value": a3_s, "met": a3_s <= A3_MAX_S},
        {"name": "200 observations on a page: every number in a free place",
         "value": figures["a3_page200_pdf"]["covering"],
         "met": figures["a3_page200_pdf"]["covering"] == 0},
    ]  # fmt: skip
    print("\nmedian (p90) in ms, and the PDFs")
    for base in ("a3", "a3_page200", "atlas"):
        ours, plain = figures[base], figures[f"{base}_plain"]
        pdf = figures[f"{base}_pdf"]
        print(f"  {base:11} {ours['median_ms']:8.0f} ({ours['p90_ms']:.0f})   plain "
              f"{plain['median_ms']:7.0f} ({plain['p90_ms']:.0f})   ÷ plain "
              f"{figures[f'{base}_vs_plain']:.2f}   {pdf['pages']} pages, {pdf['markers']} "
              f"numbered, {pdf['leaders']} on leaders, {pdf['covering']} covering, "
              f"{pdf['bytes'] / 1e6:.2f} MB")  # fmt: skip
    print("Targets:")
    for target in targets:
        print(f"  [{'met   ' if target['met'] else 'MISSED'}] {target['name']}: "
              f"{target['value']:.3g}")  # fmt: skip
    plan_figures = {"observations": plan.observations, "rounds": plan.rounds}
    return write_results(out, about, quick=quick, plan=plan_figures, figures=figures,
                         targets=targets, started=started)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the print benchmark alone (``python -m benchmarks.run`` runs it with the rest)."""
    return run_alone("python -m benchmarks.printing", DEFAULT_OUT, (FULL, QUICK), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
