"""Run the benchmarks, print tables and write the figures as JSON.

Usage, from the repository root::

    .venv/bin/python -m benchmarks.run                     # everything, full (~6 min)
    .venv/bin/python -m benchmarks.run --quick             # smoke run (~1 min)
    .venv/bin/python -m benchmarks.run --only store        # or first-run, dark, analysis,
                                                           # map, print, import, postgis,
                                                           # capture, residents, ogc,
                                                           # streets
    .venv/bin/python -m benchmarks.run --out-dir PATH      # JSON elsewhere

Targets are reported, never enforced: a miss is printed and recorded, the exit status
stays 0. See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from benchmarks import (
    analysis,
    capture,
    dark,
    first_run,
    importing,
    ogc,
    postgis,
    printing,
    residents,
    streets,
    webmap,
)
from benchmarks.machine import git_revision, machine_info
from benchmarks.store import (
    LAYER,
    OPERATIONS,
    build_areas,
    consistency,
    consistency_errors,
    measure_adds,
    measure_read,
    open_bench_workspace,
    size_label,
    summary,
)

BENCHMARKS_DIR: Final = Path(__file__).resolve().parent
DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "store.json"
ADD_VS_INSERT_MAX: Final = 3.0
"""Adding one observation may take at most this many plain inserts."""
FLATNESS_MAX: Final = 1.10
"""Adding at the largest size may take at most this many times adding at 1k."""
READ_VS_GDAL_MAX: Final = 1.5
"""Reading the largest layer may take at most this many GDAL Arrow reads of it."""
NAMES: Final = {
    "record_observation": "record_observation",
    "store_append": "store.append",
    "plain_insert": "plain INSERT",
}


@dataclass(frozen=True, slots=True)
class Plan:
    """Sizes and repetitions of one run."""

    sizes: tuple[int, ...]
    repetitions: int
    warmup: int
    read_runs: int


FULL: Final = Plan(sizes=(1_000, 10_000, 100_000), repetitions=150, warmup=10, read_runs=15)
QUICK: Final = Plan(sizes=(1_000, 10_000), repetitions=20, warmup=3, read_runs=5)


def _ratio(numerator: dict[str, float], denominator: dict[str, float]) -> float:
    return numerator["median_ms"] / denominator["median_ms"]


def evaluate(
    figures: dict[int, dict[str, dict[str, float]]], read: dict[str, Any]
) -> dict[str, Any]:
    """Return ratios, flatness and the targets (adding, and ``read``), each with its verdict."""
    sizes = sorted(figures)
    first, last = sizes[0], sizes[-1]
    ratios = {
        str(size): {
            f"{name}_vs_plain_insert": _ratio(figures[size][name], figures[size]["plain_insert"])
            for name in ("record_observation", "store_append")
        }
        for size in sizes
    }
    flatness = {name: _ratio(figures[last][name], figures[first][name]) for name in OPERATIONS}
    above_insert = {
        str(size): {
            name: figures[size][name]["median_ms"] - figures[size]["plain_insert"]["median_ms"]
            for name in ("record_observation", "store_append")
        }
        for size in sizes
    }
    targets = []
    for name in ("record_observation", "store_append"):
        worst_size = max(sizes, key=lambda s: ratios[str(s)][f"{name}_vs_plain_insert"])
        worst = ratios[str(worst_size)][f"{name}_vs_plain_insert"]
        targets.append(
            {
                "target": f"{NAMES[name]} ≤ {ADD_VS_INSERT_MAX:g}× plain INSERT at every size",
                "value": worst,
                "limit": ADD_VS_INSERT_MAX,
                "at": size_label(worst_size),
                "met": worst <= ADD_VS_INSERT_MAX,
            }
        )
    for name in ("record_observation", "store_append"):
        targets.append(
            {
                "target": f"{NAMES[name]} flat from {size_label(first)} to {size_label(last)} "
                f"(@{size_label(last)} ÷ @{size_label(first)} ≤ {FLATNESS_MAX:g})",
                "value": flatness[name],
                "limit": FLATNESS_MAX,
                "at": f"{size_label(last)}/{size_label(first)}",
                "met": flatness[name] <= FLATNESS_MAX,
            }
        )
    targets.append(
        {
            "target": f"read_layer ≤ {READ_VS_GDAL_MAX:g}× GDAL Arrow reader "
            "(median ÷ median, interleaved)",
            "value": read["store_vs_gdal_arrow"],
            "limit": READ_VS_GDAL_MAX,
            "at": f"{read['features']:,} features",
            "met": read["store_vs_gdal_arrow"] <= READ_VS_GDAL_MAX,
        }
    )
    return {
        "ratios": ratios,
        "above_plain_insert_ms": above_insert,
        "flatness": {
            "between": [first, last],
            **flatness,
        },
        "targets": targets,
        "all_targets_met": all(t["met"] for t in targets),
    }


def print_report(
    plan: Plan,
    figures: dict[int, dict[str, dict[str, float]]],
    verdict: dict[str, Any],
    read: dict[str, Any],
) -> None:
    """Print the table, the flatness, the read figure and the targets."""
    print()
    print(f"Adding one observation: median (p90) in ms over {plan.repetitions} interleaved rounds")
    header = f"{'features':>9}" + "".join(f"{NAMES[n]:>22}" for n in OPERATIONS)
    header += f"{'record÷insert':>15}{'append÷insert':>15}"
    print(header)
    for size in sorted(figures):
        row = f"{size:>9,}"
        for name in OPERATIONS:
            cell = f"{figures[size][name]['median_ms']:.2f} ({figures[size][name]['p90_ms']:.2f})"
            row += f"{cell:>22}"
        ratios = verdict["ratios"][str(size)]
        row += f"{ratios['record_observation_vs_plain_insert']:>15.2f}"
        row += f"{ratios['store_append_vs_plain_insert']:>15.2f}"
        print(row)
    flat = verdict["flatness"]
    first, last = (size_label(s) for s in flat["between"])
    print(
        f"Flatness @{last} ÷ @{first}: record_observation {flat['record_observation']:.2f}, "
        f"store.append {flat['store_append']:.2f}, plain INSERT (control) "
        f"{flat['plain_insert']:.2f}"
    )
    sizes = "/".join(size_label(s) for s in sorted(figures))
    above = verdict["above_plain_insert_ms"]
    print(
        f"Cost above plain INSERT in ms ({sizes}): record_observation "
        + " / ".join(f"{above[str(s)]['record_observation']:.2f}" for s in sorted(figures))
        + ", store.append "
        + " / ".join(f"{above[str(s)]['store_append']:.2f}" for s in sorted(figures))
    )
    store_read = read["store_read_layer"]
    gdal_read = read["gdal_arrow_reference"]
    print(
        f"Reading {read['features']:,} features, median (p90) of {store_read['n']} interleaved "
        f"rounds: read_layer {store_read['median_ms']:.0f} ({store_read['p90_ms']:.0f}) ms, "
        f"GDAL Arrow reader (reference, own process) {gdal_read['median_ms']:.0f} "
        f"({gdal_read['p90_ms']:.0f}) ms; read_layer ÷ GDAL {read['store_vs_gdal_arrow']:.2f}"
    )
    print("Targets:")
    for target in verdict["targets"]:
        mark = "met   " if target["met"] else "MISSED"
        print(f"  [{mark}] {target['target']}: {target['value']:.2f} (at {target['at']})")


def run(plan: Plan, out: Path, *, quick: bool) -> dict[str, Any]:
    """Build the areas, measure, print and write ``out``; return the results."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="safewalk-bench-") as tmp:
        print(f"Seeding a workspace in {tmp} ...", flush=True)
        seed_start = time.perf_counter()
        workspace = open_bench_workspace(Path(tmp) / "workspace")
        seed_s = time.perf_counter() - seed_start
        print(f"Filling {', '.join(size_label(s) for s in plan.sizes)} features ...", flush=True)
        areas = build_areas(workspace, plan.sizes)
        print(
            f"Timing {plan.repetitions} rounds of {', '.join(NAMES[n] for n in OPERATIONS)} ...",
            flush=True,
        )
        samples = measure_adds(workspace, areas, repetitions=plan.repetitions, warmup=plan.warmup)
        print(
            f"Reading the {size_label(areas[-1].size)} layer, turn about with GDAL ...", flush=True
        )
        read = measure_read(workspace, areas[-1], runs=plan.read_runs)
        checks = {area.slug: consistency(area.path) for area in areas}
    figures = {
        size: {name: summary(values) for name, values in by_name.items()}
        for size, by_name in samples.items()
    }
    verdict = evaluate(figures, read)
    problems = [f"{slug}: {e}" for slug, c in checks.items() for e in consistency_errors(c)]
    results: dict[str, Any] = {
        "benchmark": "store",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if quick else "full",
        "machine": machine_info(),
        "git": git_revision(),
        "plan": {
            "layer": LAYER,
            "sizes": list(plan.sizes),
            "repetitions": plan.repetitions,
            "warmup_rounds": plan.warmup,
            "read_runs": plan.read_runs,
        },
        "add": {str(size): by_name for size, by_name in figures.items()},
        **verdict,
        "read": read,
        "setup_s": {
            "seed_workspace": seed_s,
            **{f"fill_{size_label(a.size)}": a.fill_s for a in areas},
        },
        "consistency_after_run": checks,
        "consistency_problems": problems,
        "total_s": time.perf_counter() - started,
    }
    print_report(plan, figures, verdict, read)
    if problems:
        print("Feature counts or spatial index wrong after the run: " + "; ".join(problems))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Written {out} ({results['total_s']:.0f} s in all).")
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run; the exit status is 0 whether targets are met or not."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.run",
        description="safewalk benchmarks: the store (adding at 1k/10k/100k features, reading "
        "100k) and the first run (creating area files), each with its same-run baseline.",
    )
    parser.add_argument(
        "--quick", action="store_true", help="smoke run: smaller sizes, fewer rounds"
    )
    parser.add_argument(
        "--only",
        choices=(
            "store",
            "first-run",
            "dark",
            "analysis",
            "map",
            "print",
            "import",
            "postgis",
            "capture",
            "residents",
            "ogc",
            "streets",
        ),
        help="run one of the benchmarks",
    )
    parser.add_argument(
        "--out-dir",
        type=Path,
        default=DEFAULT_OUT.parent,
        help=f"folder for the JSON files (default {DEFAULT_OUT.parent})",
    )
    args = parser.parse_args(argv)
    if args.only in (None, "store"):
        run(QUICK if args.quick else FULL, args.out_dir / DEFAULT_OUT.name, quick=args.quick)
    about = {"machine": machine_info(), "git": git_revision()}
    modules = (
        ("first-run", first_run), ("analysis", analysis), ("dark", dark), ("map", webmap),
        ("print", printing), ("import", importing), ("postgis", postgis), ("capture", capture),
        ("residents", residents), ("ogc", ogc), ("streets", streets),
    )  # fmt: skip
    for name, module in modules:
        if args.only in (None, name):
            plan = module.QUICK if args.quick else module.FULL
            out = args.out_dir / module.DEFAULT_OUT.name
            module.run(plan, out, quick=args.quick, about=about)
    return 0


if __name__ == "__main__":
    sys.exit(main())
