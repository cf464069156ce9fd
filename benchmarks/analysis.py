"""Analysis benchmark: summary and hotspots over 100k observations in the nine shipped areas.

Each figure has a baseline measured in the same rounds: the plain way a GIS analyst would
write it — every area file's category layers read with GDAL's Arrow reader
(``pyogrio.read_dataframe(..., use_arrow=True)``), concatenated with pandas, then counted
with ``groupby`` or clustered with scikit-learn's ``DBSCAN``. The baseline runs in a process
of its own (GDAL's SQLite must not open files this process holds) and times itself there;
both sides' results are checked against each other. ``run.py`` is the command.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from benchmarks.machine import BENCHMARKS_DIR, run_alone, write_results
from benchmarks.store import fill, summary
from walks.analysis.counts import summarise
from walks.analysis.hotspots import find_hotspots
from walks.core.config import settings_from_env
from walks.core.workspace import Workspace, connect_workspace
from walks.fieldwork.startup import add_shipped_areas

DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "analysis.json"
RADIUS_M: Final = 50.0
MIN_COUNT: Final = 3
SUMMARY_VS_PLAIN_MAX: Final = 1.5
"""``safewalk analyse summary`` may take at most this many times the plain way."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Sizes and repetitions of one run."""

    observations: int
    rounds: int


FULL: Final = Plan(observations=100_000, rounds=7)
QUICK: Final = Plan(observations=20_000, rounds=3)

_PLAIN = textwrap.dedent(
    """
    import sys, time
    import pandas as pd, pyogrio
    from sklearn.cluster import DBSCAN

    folder, layers = sys.argv[1], sys.argv[2].split(",")
    files = sorted(__import__("pathlib").Path(folder).glob("*.gpkg"))

    def frames():
        for path in files:
            for layer in layers:
                frame = pyogrio.read_dataframe(path, layer=layer, use_arrow=True)
                yield frame.assign(category=layer, area=path.stem)

    for line in sys.stdin:
        start = time.perf_counter()
        data = pd.concat(list(frames()), ignore_index=True)
        if line.strip() == "summary":
            counts = data.groupby(["area", "category"]).size()
            data.groupby(["area", "status"]).size()
            data.groupby(["area", "light_condition"]).size()
            result = int(counts.sum())
        else:
            result = 0
            for _, group in data.groupby("area"):
                xy = group.geometry.get_coordinates().to_numpy()
                dbscan = DBSCAN(eps=float(sys.argv[3]), min_samples=int(sys.argv[4]))
                labels = dbscan.fit(xy).labels_
                result += int(labels.max() + 1)
        print(time.perf_counter() - start, result, flush=True)
    """
)


@contextmanager
def plain_way(workspace: Workspace) -> Iterator[Callable[[str], tuple[float, int]]]:
    """Start the baseline's own process; each call runs one task and returns (s, result)."""
    folder = workspace.store.location
    layers = ",".join(workspace.catalog.names)
    command = [sys.executable, "-c", _PLAIN, folder, layers, str(RADIUS_M), str(MIN_COUNT)]
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)

    def call(task: str) -> tuple[float, int]:
        assert process.stdin is not None
        assert process.stdout is not None
        process.stdin.write(f"{task}\n")
        process.stdin.flush()
        reply = process.stdout.readline().split()
        if len(reply) != 2:
            msg = f"the baseline process stopped (exit status {process.poll()})"
            raise RuntimeError(msg)
        return float(reply[0]), int(reply[1])

    try:
        yield call
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=60)


def build(root: Path, plan: Plan) -> Workspace:
    """Return a workspace with the nine shipped areas, their lighting layers filled."""
    settings = settings_from_env({"SAFEWALK_SEED": "0"}, workspace=str(root))
    workspace = connect_workspace(settings)
    add_shipped_areas(workspace)
    areas = workspace.areas()
    for seed, area in enumerate(areas):
        share = plan.observations // len(areas) + (seed < plan.observations % len(areas))
        fill(Path(workspace.store.location) / f"{area.slug}.gpkg", area.boundary, share, seed=seed)
    return workspace


def measure(workspace: Workspace, plan: Plan) -> dict[str, Any]:
    """Time both analyses both ways, turn about, the first round a warm-up."""
    samples: dict[str, list[float]] = {
        "summary": [], "summary_plain": [], "hotspots": [], "hotspots_plain": [],
    }  # fmt: skip
    checks: dict[str, int] = {}

    def ours(task: str) -> tuple[float, int]:
        start = time.perf_counter()
        if task == "summary":
            result = sum(c.observations for c in summarise(workspace))
        else:
            report = find_hotspots(workspace, radius_m=RADIUS_M, min_count=MIN_COUNT)
            result = len(report.hotspots)
        return time.perf_counter() - start, result

    with plain_way(workspace) as plain:
        for round_number in range(1 + plan.rounds):
            for task in ("summary", "hotspots"):
                ways = [(task, ours), (f"{task}_plain", plain)]
                for name, way in ways if round_number % 2 else ways[::-1]:
                    seconds, result = way(task)
                    checks.setdefault(name, result)
                    if round_number:
                        samples[name].append(seconds)
    if checks["summary"] != checks["summary_plain"]:
        msg = f"the summaries disagree: {checks['summary']} and {checks['summary_plain']}"
        raise RuntimeError(msg)
    figures: dict[str, Any] = {name: summary(values) for name, values in samples.items()}
    figures["checks"] = checks
    for task in ("summary", "hotspots"):
        figures[f"{task}_vs_plain"] = (
            figures[task]["median_ms"] / figures[f"{task}_plain"]["median_ms"]
        )
    return figures


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Build, measure, print and write ``out``; ``about`` is the machine and commit."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="safewalk-analysis-") as folder:
        print(f"Filling the nine areas with {plan.observations:,} observations ...", flush=True)
        workspace = build(Path(folder) / "workspace", plan)
        print(f"Timing summary and hotspots, {plan.rounds} rounds turn about ...", flush=True)
        figures = measure(workspace, plan)
    ratio = figures["summary_vs_plain"]
    target = {
        "name": f"analyse summary ≤ {SUMMARY_VS_PLAIN_MAX}× the plain GDAL/pandas way",
        "value": ratio,
        "met": ratio <= SUMMARY_VS_PLAIN_MAX,
    }
    print(f"\n{plan.observations:,} observations in 9 areas: median (p90) in ms")
    for name in ("summary", "summary_plain", "hotspots", "hotspots_plain"):
        print(f"  {name:16} {figures[name]['median_ms']:9.1f} ({figures[name]['p90_ms']:.1f})")
    print(f"  summary ÷ plain {ratio:.2f}, hotspots ÷ plain {figures['hotspots_vs_plain']:.2f}")
    print(f"  results: {figures['checks']} (the hotspots also compute Gi* grid cells)")
    print(f"Targets:\n  [{'met   ' if target['met'] else 'MISSED'}] {target['name']}: {ratio:.2f}")
    plan_figures = {"observations": plan.observations, "rounds": plan.rounds}
    return write_results(out, about, quick=quick, plan=plan_figures, figures=figures,
                         targets=[target], started=started)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the analysis benchmark alone (``python -m benchmarks.run`` runs it with the rest)."""
    return run_alone("python -m benchmarks.analysis", DEFAULT_OUT, (FULL, QUICK), run, argv)


if __name__ == "__main__":
    sys.exit(main())
