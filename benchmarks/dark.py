"""Dark-stretches benchmark: the exact ``gis.dark.dark_stretches`` against the naive overlay.

The case: 100 random walks of 500 m (20 steps of 25 m, the heading turning by a normal
angle of 0.5 rad standard deviation each step; 50 km in all) and 10,000 lamps, all placed
uniformly at random in Hässelby gård's bounding box in SWEREF 99 TM (x 661,000–664,000,
y 6,579,000–6,583,000), fixed seed; radius 25 m. Three ways, measured in one run,
interleaved (the order rotates from round to round):

- ``by_route``: ``dark_stretches`` called once per walk, the stretch lengths summed —
  how the analysis runs on walks;
- ``one_call``: ``dark_stretches`` on the MultiLineString of all walks, one call;
- ``naive``: ``dark_length_naive`` on the same MultiLineString, one call, so the lamp
  buffers are unioned once for all walks (its best case; called per walk it would union
  them 100 times). ``BASELINE_QUAD_SEGS`` = 512 segments per quarter circle: the buffer
  polygons lie inside the circles and contain those of radius ``r·cos(π/(4·512))``, so the
  naive way overstates the dark length by at least 0 and at most the exact length at that
  radius less the exact length at ``r``: reported as ``naive_bound_m``, 0.037 m on this
  case (0.15 m at 256, 0.60 m at 128, 2.4 m at 64, 0.009 m at 1024, which takes twice
  as long as 512).

Figures: median (p90) time of each way; naive ÷ ``by_route`` (target ≥ 20×) and naive ÷
``one_call``; the total dark length each way (target: the same to 0.1 m). Targets are
reported, never enforced. ``python -m benchmarks.dark [--quick]`` is the command; it
writes ``benchmarks/results/dark.json``.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from shapely.geometry import LineString, MultiLineString

from benchmarks.machine import git_revision, machine_info
from benchmarks.store import summary, timed
from gis.dark import dark_length_naive, dark_stretches

BENCHMARKS_DIR: Final = Path(__file__).resolve().parent
DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "dark.json"
BOX: Final = (661_000.0, 6_579_000.0, 664_000.0, 6_583_000.0)
"""Hässelby gård's bounding box in SWEREF 99 TM: x_min, y_min, x_max, y_max."""
SEED: Final = 3006
ROUTES: Final = 100
STEPS: Final = 20
STEP_M: Final = 25.0
TURN_SD_RAD: Final = 0.5
LAMPS: Final = 10_000
RADIUS_M: Final = 25.0
BASELINE_QUAD_SEGS: Final = 512
"""The naive baseline's segments per quarter circle: its circle error stays below 0.1 m."""
WAYS: Final = ("by_route", "one_call", "naive")
NAMES: Final = {
    "by_route": f"dark_stretches, per walk ({ROUTES} calls)",
    "one_call": "dark_stretches, all walks in one call",
    "naive": f"naive overlay, quad_segs {BASELINE_QUAD_SEGS}",
}
SPEEDUP_MIN: Final = 20.0
TOTAL_DIFF_MAX_M: Final = 0.1


@dataclass(frozen=True, slots=True)
class Plan:
    """Repetitions of one run: rounds, each running the fast ways ``repeats`` times."""

    rounds: int
    repeats: int


FULL: Final = Plan(rounds=5, repeats=20)
QUICK: Final = Plan(rounds=2, repeats=5)


@dataclass(frozen=True, slots=True)
class Case:
    """The walks and the lamps every way is measured on."""

    routes: list[LineString]
    lamps: NDArray[np.float64]

    @property
    def all_routes(self) -> MultiLineString:
        """The walks as one MultiLineString, in order."""
        return MultiLineString(self.routes)


def make_case(seed: int = SEED) -> Case:
    """Return the walks and lamps: fixed by ``seed``, every walk inside ``BOX``."""
    rng = np.random.default_rng(seed)
    x_min, y_min, x_max, y_max = BOX
    reach = STEPS * STEP_M  # a walk's start this far inside the box keeps the walk inside
    starts = np.column_stack(
        [
            rng.uniform(x_min + reach, x_max - reach, ROUTES),
            rng.uniform(y_min + reach, y_max - reach, ROUTES),
        ]
    )
    headings = rng.uniform(0, 2 * math.pi, (ROUTES, 1)) + np.cumsum(
        rng.normal(0, TURN_SD_RAD, (ROUTES, STEPS)), axis=1
    )
    steps = STEP_M * np.stack([np.cos(headings), np.sin(headings)], axis=-1)
    vertices = starts[:, None, :] + np.concatenate(
        [np.zeros((ROUTES, 1, 2)), np.cumsum(steps, axis=1)], axis=1
    )
    lamps = np.column_stack([rng.uniform(x_min, x_max, LAMPS), rng.uniform(y_min, y_max, LAMPS)])
    return Case(routes=[LineString(walk) for walk in vertices], lamps=lamps)


def ways(case: Case, *, quad_segs: int = BASELINE_QUAD_SEGS) -> dict[str, Callable[[], float]]:
    """Return, per way, a function computing the total dark length of the case in metres."""
    all_routes = case.all_routes

    def by_route() -> float:
        return sum(
            stretch.length_m
            for route in case.routes
            for stretch in dark_stretches(route, case.lamps, radius_m=RADIUS_M)
        )

    def one_call() -> float:
        stretches = dark_stretches(all_routes, case.lamps, radius_m=RADIUS_M)
        return sum(stretch.length_m for stretch in stretches)

    def naive() -> float:
        return dark_length_naive(all_routes, case.lamps, radius_m=RADIUS_M, quad_segs=quad_segs)

    return {"by_route": by_route, "one_call": one_call, "naive": naive}


def measure(case: Case, plan: Plan) -> tuple[dict[str, list[float]], dict[str, set[float]]]:
    """Time every way, interleaved; return seconds by way, and the totals each way gave.

    Each round runs the naive way once and the fast ones ``plan.repeats`` times each, in
    an order that rotates from round to round. The fast ways run once untimed first.
    """
    actions = ways(case)
    totals: dict[str, set[float]] = {way: set() for way in WAYS}
    samples: dict[str, list[float]] = {way: [] for way in WAYS}
    for way in ("by_route", "one_call"):
        totals[way].add(actions[way]())

    def record(way: str) -> None:
        totals[way].add(actions[way]())

    for round_number in range(plan.rounds):
        shift = round_number % len(WAYS)
        for way in (*WAYS[shift:], *WAYS[:shift]):
            for _ in range(1 if way == "naive" else plan.repeats):
                samples[way].append(timed(partial(record, way)))
    return samples, totals


def naive_bound_m(case: Case, *, quad_segs: int = BASELINE_QUAD_SEGS) -> float:
    """Return the most the naive way can overstate the dark length at ``quad_segs``.

    Its buffer polygons lie inside the circles and contain the circles of radius
    ``r·cos(π/(4·quad_segs))``, so its answer lies between the exact ones at both radii.
    """
    inner_radius_m = RADIUS_M * math.cos(math.pi / (4 * quad_segs))
    stretches = dark_stretches(case.all_routes, case.lamps, radius_m=inner_radius_m)
    exact = dark_stretches(case.all_routes, case.lamps, radius_m=RADIUS_M)
    return sum(s.length_m for s in stretches) - sum(s.length_m for s in exact)


# ------------------------------------------------------------------ report
def evaluate(times: dict[str, dict[str, float]], dark_m: dict[str, float]) -> dict[str, Any]:
    """Return the ratios and the targets, each with its verdict (reported, not enforced)."""
    ratios = {
        "naive_vs_by_route": times["naive"]["median_ms"] / times["by_route"]["median_ms"],
        "naive_vs_one_call": times["naive"]["median_ms"] / times["one_call"]["median_ms"],
    }
    difference = dark_m["naive"] - dark_m["by_route"]
    targets = [
        {
            "target": f"dark_stretches per walk ≥ {SPEEDUP_MIN:g}× faster than the naive "
            "overlay on all walks (median ÷ median)",
            "value": ratios["naive_vs_by_route"],
            "limit": SPEEDUP_MIN,
            "unit": "×",
            "met": ratios["naive_vs_by_route"] >= SPEEDUP_MIN,
        },
        {
            "target": f"total dark length the same as the naive overlay's to "
            f"{TOTAL_DIFF_MAX_M:g} m",
            "value": abs(difference),
            "limit": TOTAL_DIFF_MAX_M,
            "unit": "m",
            "met": abs(difference) <= TOTAL_DIFF_MAX_M,
        },
    ]
    return {
        "ratios": ratios,
        "naive_minus_exact_m": difference,
        "targets": targets,
        "all_targets_met": all(t["met"] for t in targets),
    }


def print_report(
    plan: Plan,
    times: dict[str, dict[str, float]],
    dark_m: dict[str, float],
    case_figures: dict[str, Any],
    verdict: dict[str, Any],
) -> None:
    """Print the table, the totals and the targets."""
    print()
    print(
        f"{ROUTES} walks, {case_figures['route_km']:.1f} km, {LAMPS:,} lamps, radius "
        f"{RADIUS_M:g} m: median (p90) in ms, {plan.rounds} rounds "
        f"({plan.repeats} runs of each fast way a round)"
    )
    for way in WAYS:
        cell = f"{times[way]['median_ms']:.1f} ({times[way]['p90_ms']:.1f})"
        print(f"  {NAMES[way]:<42}{cell:>20}")
    ratios = verdict["ratios"]
    print(
        f"  naive ÷ per walk: {ratios['naive_vs_by_route']:,.0f}×, "
        f"naive ÷ one call: {ratios['naive_vs_one_call']:,.0f}×"
    )
    print(
        f"Dark length: dark_stretches {dark_m['by_route']:.3f} m per walk, "
        f"{dark_m['one_call']:.3f} m in one call ({case_figures['stretches']} stretches); "
        f"naive {dark_m['naive']:.3f} m"
    )
    print(
        f"  naive - exact {verdict['naive_minus_exact_m']:.3f} m; its circles can add at most "
        f"{case_figures['naive_bound_m']:.3f} m at quad_segs {BASELINE_QUAD_SEGS}"
    )
    print("Targets:")
    for target in verdict["targets"]:
        mark = "met   " if target["met"] else "MISSED"
        print(f"  [{mark}] {target['target']}: {target['value']:.3f} {target['unit']}")


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Measure, print and write ``out``; ``about`` is the machine and commit to record."""
    started = time.perf_counter()
    case = make_case()
    print(
        f"Timing {plan.rounds} rounds of {', '.join(WAYS)} (the naive way ≈ 10 s a run) ...",
        flush=True,
    )
    samples, totals = measure(case, plan)
    times = {way: summary(values) for way, values in samples.items()}
    # Every run of a way must give the same total; the spread shows it if not.
    dark_m = {way: min(values) for way, values in totals.items()}
    spread_m = {way: max(values) - min(values) for way, values in totals.items()}
    case_figures = {
        "route_km": sum(route.length for route in case.routes) / 1000,
        "stretches": len(dark_stretches(case.all_routes, case.lamps, radius_m=RADIUS_M)),
        "naive_bound_m": naive_bound_m(case),
    }
    verdict = evaluate(times, dark_m)
    results: dict[str, Any] = {
        "benchmark": "dark",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if quick else "full",
        **about,
        "plan": {"rounds": plan.rounds, "fast_repeats_per_round": plan.repeats},
        "case": {
            "box": list(BOX),
            "seed": SEED,
            "routes": ROUTES,
            "steps": STEPS,
            "step_m": STEP_M,
            "turn_sd_rad": TURN_SD_RAD,
            "lamps": LAMPS,
            "radius_m": RADIUS_M,
            "naive_quad_segs": BASELINE_QUAD_SEGS,
            **case_figures,
        },
        "times_ms": times,
        "dark_length_m": dark_m,
        "dark_length_spread_m": spread_m,
        **verdict,
        "total_s": time.perf_counter() - started,
    }
    print_report(plan, times, dark_m, case_figures, verdict)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Written {out} ({results['total_s']:.0f} s in all).")
    return results


def main(argv: list[str] | None = None) -> int:
    """Parse the options and run; the exit status is 0 whether targets are met or not."""
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.dark",
        description="Dark stretches along 50 km of walks with 10,000 lamps: the exact "
        "dark_stretches against the naive buffer-union overlay.",
    )
    parser.add_argument("--quick", action="store_true", help="smoke run: fewer rounds")
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help=f"JSON file (default {DEFAULT_OUT})"
    )
    args = parser.parse_args(argv)
    run(
        QUICK if args.quick else FULL,
        args.out,
        quick=args.quick,
        about={"machine": machine_info(), "git": git_revision()},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
