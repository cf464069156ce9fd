"""First-run benchmark: creating area files from a template against GDAL per layer with syncs.

Two ways of creating an area file, measured in one run, interleaved:

- ``new``: ``layers.gpkg.build.build_area`` — a copy of the catalog's template (built
  once per process without syncs), filled without syncs, one fsync of the file before
  it is linked into place and one of the folder after;
- ``baseline``: the way before, kept here as ``build_area_baseline`` — every layer
  created in its own GDAL open and close (``pyogrio.write_arrow``) with SQLite in full
  synchronous mode, then the styles, indexes and boundary.

Figures: adding one area (``GeoPackageStore.add_area``) in ms, with the template
ready and with it built in the same call (what a fresh ``safewalk area add`` process
pays); the whole first run, ``safewalk areas`` on a new workspace as a subprocess, in
s; and fsync/fdatasync calls per area file, counted with ``strace`` when it is
installed. ``python -m benchmarks.run`` (or ``--only first-run``) is the command; this module's own
command line is the child process it starts (``--child``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

from benchmarks.store import summary, timed
from layers.catalog import Catalog
from layers.errors import area_exists_error
from layers.gpkg import GeoPackageStore
from layers.gpkg import store as gpkg_store
from layers.gpkg.build import Templates, build_area
from layers.gpkg.folder import SCHEMA_VERSION
from layers.gpkg.gdal import create_indexes, create_tables, write_styles
from layers.gpkg.sqlite import connect, transaction
from layers.gpkg.writes import insert_row
from layers.records import Area
from layers.rules.areas import area_boundary, area_values, check_slug
from layers.schema import AREA_TABLE, TableSpec, load_layer_catalog, tables_for_catalog
from walks.cli.main import main as safewalk
from walks.core.config import DEFAULT_DATA_DIR
from walks.fieldwork.startup import shipped_areas

BENCHMARKS_DIR: Final = Path(__file__).resolve().parent
REPO_ROOT: Final = BENCHMARKS_DIR.parent
DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "first_run.json"
ACTOR: Final = "benchmark"
ADD_WAYS: Final = ("new", "new_cold_template", "baseline")
RUN_WAYS: Final = ("new", "baseline")
NAMES: Final = {
    "new": "new, template ready",
    "new_cold_template": "new, template built",
    "baseline": "baseline, GDAL/layer",
}
RUN_NAMES: Final = {"new": "new, template copy", "baseline": "baseline, GDAL/layer"}
SYNC_COUNT_AREAS: Final = 3
"""Areas one traced process adds; its sync count ÷ this = syncs per area file."""
SLOW_SYNC_MS: Final = 5.0
"""A sync on a slow or busy disk, for the projected cost of the syncs."""
ADD_AREA_MAX_MS: Final = 300.0
FIRST_RUN_MAX_S: Final = 3.0
SYNCS_PER_AREA_MAX: Final = 5.0
""""A handful" of syncs per area file."""


@dataclass(frozen=True, slots=True)
class Plan:
    """Repetitions of one run."""

    add_rounds: int
    add_warmup: int
    first_runs: int


FULL: Final = Plan(add_rounds=30, add_warmup=2, first_runs=5)
QUICK: Final = Plan(add_rounds=8, add_warmup=1, first_runs=2)


# ------------------------------------------------------------------ the baseline
def build_area_baseline(
    final: Path, area: Area, catalog: Catalog, tables: Sequence[TableSpec], *, actor: str
) -> None:
    """The old ``build_area``: GDAL creates every layer in the partial file, fully synced.

    ``create_tables`` outside ``gdal_without_sync`` is the old way of making the layers.
    """
    if final.exists():
        raise area_exists_error(area.slug)
    boundary = area_boundary(area)
    partial = final.with_name(f".{area.slug}.{os.getpid()}.partial.gpkg")
    partial.unlink(missing_ok=True)
    try:
        create_tables(partial, list(tables))
        with connect(partial) as connection:
            connection.execute("PRAGMA journal_mode=WAL")
        with transaction(partial) as connection:
            connection.execute(
                "CREATE TABLE safewalk_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)"
            )
            connection.execute(
                "INSERT INTO safewalk_meta VALUES ('schema_version', ?), ('area', ?)",
                (str(SCHEMA_VERSION), area.slug),
            )
            write_styles(connection, catalog, [table.name for table in tables])
            create_indexes(connection, tables)
            values = area_values(area, datetime.now(UTC))
            insert_row(connection, AREA_TABLE, values, boundary, actor=actor)
        try:
            os.link(partial, final)
        except FileExistsError:
            raise area_exists_error(area.slug) from None
    finally:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{partial}{suffix}").unlink(missing_ok=True)


# ------------------------------------------------------------------ adding one area
def area_adders(store: GeoPackageStore) -> dict[str, Callable[[Area], None]]:
    """Return, per way, a function adding an area to ``store`` as ``add_area`` does."""
    tables = tables_for_catalog(store.catalog)

    def new(area: Area) -> None:
        store.add_area(area, actor=ACTOR)

    def new_cold_template(area: Area) -> None:
        check_slug(area.slug)
        build_area(
            store.path(area.slug), area, store.catalog, tables, actor=ACTOR, templates=Templates()
        )

    def baseline(area: Area) -> None:
        check_slug(area.slug)
        build_area_baseline(store.path(area.slug), area, store.catalog, tables, actor=ACTOR)

    return {"new": new, "new_cold_template": new_cold_template, "baseline": baseline}


def bench_area(slug: str) -> Area:
    """Return an area with Hässelby gård's boundary (a shipped stadsdel) called ``slug``."""
    base = next(a for a in shipped_areas(DEFAULT_DATA_DIR) if a.slug == "hasselby-gard")
    return Area(slug, f"Benchmark {slug}", base.boundary, source=base.source)


def measure_add_area(root: Path, plan: Plan) -> dict[str, list[float]]:
    """Time adding one area each way, interleaved; return seconds by way.

    Each round adds one area every way, in an order that rotates from round to round;
    the first ``plan.add_warmup`` rounds (imports, the process's template) are dropped.
    """
    store = GeoPackageStore(root, load_layer_catalog())
    adders = area_adders(store)
    samples: dict[str, list[float]] = {way: [] for way in ADD_WAYS}
    for round_number in range(plan.add_warmup + plan.add_rounds):
        shift = round_number % len(ADD_WAYS)
        for way in (*ADD_WAYS[shift:], *ADD_WAYS[:shift]):
            area = bench_area(f"{way.replace('_', '-')}-{round_number}")
            elapsed = timed(partial(adders[way], area))
            if round_number >= plan.add_warmup:
                samples[way].append(elapsed)
    return samples


# ------------------------------------------------------------------ the first run
def _child_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "benchmarks.first_run", "--child", *args]


def measure_first_runs(tmp: Path, plan: Plan) -> dict[str, list[float]]:
    """Time ``safewalk areas`` on a new workspace, each way in turn; seconds by way."""
    samples: dict[str, list[float]] = {way: [] for way in RUN_WAYS}
    for run_number in range(plan.first_runs):
        order = RUN_WAYS if run_number % 2 == 0 else RUN_WAYS[::-1]
        for way in order:
            workspace = tmp / f"first-run-{way}-{run_number}"
            command = _child_command("first-run", way, str(workspace))
            elapsed = timed(
                partial(
                    subprocess.run, command, cwd=REPO_ROOT, check=True, stdout=subprocess.DEVNULL
                )
            )
            samples[way].append(elapsed)
            if len(list(workspace.glob("*.gpkg"))) != 10:
                msg = f"{way}: the first run left {workspace} without its ten areas"
                raise RuntimeError(msg)
            shutil.rmtree(workspace)
    return samples


# ------------------------------------------------------------------ counting syncs
def strace_syncs(command: Sequence[str], out: Path) -> dict[str, int]:
    """Run ``command`` under ``strace -f -c``; return fsync and fdatasync calls."""
    subprocess.run(
        ["strace", "-f", "-c", "-e", "trace=fsync,fdatasync", "-o", str(out), *command],
        cwd=REPO_ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    counts = {"fsync": 0, "fdatasync": 0}
    for line in out.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[-1] in counts and parts[3].isdigit():
            counts[parts[-1]] = int(parts[3])
    return counts


def count_syncs(tmp: Path) -> dict[str, Any]:
    """Count syncs per area file (``add_area`` ×3 in one process) and per first run."""
    if shutil.which("strace") is None:
        return {"skipped": "strace is not installed (apt-get install -y strace)"}
    figures: dict[str, Any] = {"per_area_file": {}, "first_run": {}}
    try:
        for way in RUN_WAYS:
            workspace = tmp / f"syncs-add-{way}"
            calls = strace_syncs(
                _child_command("add-areas", way, str(workspace), str(SYNC_COUNT_AREAS)),
                tmp / f"strace-add-{way}.txt",
            )
            total = calls["fsync"] + calls["fdatasync"]
            figures["per_area_file"][way] = {
                **calls,
                "areas": SYNC_COUNT_AREAS,
                "per_area": total / SYNC_COUNT_AREAS,
            }
            workspace = tmp / f"syncs-first-run-{way}"
            calls = strace_syncs(
                _child_command("first-run", way, str(workspace)), tmp / f"strace-run-{way}.txt"
            )
            figures["first_run"][way] = {**calls, "total": calls["fsync"] + calls["fdatasync"]}
    except subprocess.CalledProcessError as error:
        # strace may be installed but not allowed to trace (no ptrace in a container).
        return {"skipped": f"strace failed: {error.stderr.decode(errors='replace').strip()}"}
    return figures


# ------------------------------------------------------------------ report
def evaluate(
    add: dict[str, dict[str, float]], first_run: dict[str, dict[str, float]], syncs: dict[str, Any]
) -> dict[str, Any]:
    """Return the ratios and the targets, each with its verdict (reported, not enforced)."""
    targets = [
        {
            "target": f"adding one area ≤ {ADD_AREA_MAX_MS:g} ms (template built in the call, "
            "as a fresh `safewalk area add` process)",
            "value": add["new_cold_template"]["median_ms"],
            "limit": ADD_AREA_MAX_MS,
            "unit": "ms",
            "met": add["new_cold_template"]["median_ms"] <= ADD_AREA_MAX_MS,
        },
        {
            "target": f"first run of `safewalk areas` ≤ {FIRST_RUN_MAX_S:g} s",
            "value": first_run["new"]["median_ms"] / 1000,
            "limit": FIRST_RUN_MAX_S,
            "unit": "s",
            "met": first_run["new"]["median_ms"] / 1000 <= FIRST_RUN_MAX_S,
        },
    ]
    if "skipped" not in syncs:
        per_area = syncs["per_area_file"]["new"]["per_area"]
        targets.append(
            {
                "target": f"syncs per area file ≤ {SYNCS_PER_AREA_MAX:g}",
                "value": per_area,
                "limit": SYNCS_PER_AREA_MAX,
                "unit": "syncs",
                "met": per_area <= SYNCS_PER_AREA_MAX,
            }
        )
    ratios = {
        "add_area_baseline_vs_new": add["baseline"]["median_ms"] / add["new"]["median_ms"],
        "add_area_baseline_vs_new_cold_template": add["baseline"]["median_ms"]
        / add["new_cold_template"]["median_ms"],
        "first_run_baseline_vs_new": first_run["baseline"]["median_ms"]
        / first_run["new"]["median_ms"],
    }
    if "skipped" not in syncs:
        per_area = syncs["per_area_file"]
        ratios["syncs_per_area_baseline_vs_new"] = per_area["baseline"]["per_area"] / max(
            per_area["new"]["per_area"], 1
        )
    return {"ratios": ratios, "targets": targets, "all_targets_met": all(t["met"] for t in targets)}


def print_report(
    plan: Plan,
    add: dict[str, dict[str, float]],
    first_run: dict[str, dict[str, float]],
    syncs: dict[str, Any],
    verdict: dict[str, Any],
) -> None:
    """Print the table and the targets."""
    print()
    print(f"Adding one area: median (p90) in ms over {plan.add_rounds} interleaved rounds")
    for way in ADD_WAYS:
        print(f"  {NAMES[way]:<24}{add[way]['median_ms']:>9.1f} ({add[way]['p90_ms']:.1f})")
    ratios = verdict["ratios"]
    print(
        f"  baseline ÷ new: {ratios['add_area_baseline_vs_new']:.1f}× (template ready), "
        f"{ratios['add_area_baseline_vs_new_cold_template']:.1f}× (template built)"
    )
    print(
        f"First run, `safewalk areas` on a new workspace: median (min) in s over {plan.first_runs}"
    )
    for way in RUN_WAYS:
        cell = f"{first_run[way]['median_ms'] / 1000:.2f} ({first_run[way]['min_ms'] / 1000:.2f})"
        print(f"  {RUN_NAMES[way]:<24}{cell:>14}")
    print(f"  baseline ÷ new: {ratios['first_run_baseline_vs_new']:.1f}×")
    if "skipped" in syncs:
        print(f"Syncs: not counted, {syncs['skipped']}")
    else:
        print("Syncs (fsync + fdatasync, strace -f -c)")
        print(f"  {'':<24}{'per area file':>14}{'first run':>11}{f'@{SLOW_SYNC_MS:g} ms/sync':>14}")
        for way in RUN_WAYS:
            per_area = syncs["per_area_file"][way]["per_area"]
            total = syncs["first_run"][way]["total"]
            projected = f"{total * SLOW_SYNC_MS / 1000:.1f} s"
            print(f"  {RUN_NAMES[way]:<24}{per_area:>14.1f}{total:>11}{projected:>14}")
    print("Targets:")
    for target in verdict["targets"]:
        mark = "met   " if target["met"] else "MISSED"
        print(f"  [{mark}] {target['target']}: {target['value']:.2f} {target['unit']}")


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Measure, print and write ``out``; ``about`` is the machine and commit to record."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="safewalk-first-run-") as folder:
        tmp = Path(folder)
        print(f"Adding areas, {plan.add_rounds} rounds of {', '.join(ADD_WAYS)} ...", flush=True)
        add_samples = measure_add_area(tmp / "add", plan)
        print(f"First runs, {plan.first_runs} of each way ...", flush=True)
        run_samples = measure_first_runs(tmp, plan)
        print("Counting syncs ...", flush=True)
        syncs = count_syncs(tmp)
    add = {way: summary(values) for way, values in add_samples.items()}
    first_run = {way: summary(values) for way, values in run_samples.items()}
    verdict = evaluate(add, first_run, syncs)
    results: dict[str, Any] = {
        "benchmark": "first_run",
        "measured_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "mode": "quick" if quick else "full",
        **about,
        "plan": {
            "add_rounds": plan.add_rounds,
            "add_warmup_rounds": plan.add_warmup,
            "first_runs": plan.first_runs,
            "sync_count_areas": SYNC_COUNT_AREAS,
        },
        "add_area_ms": add,
        "first_run_ms": first_run,
        "syncs": syncs,
        "slow_sync_ms": SLOW_SYNC_MS,
        **verdict,
        "total_s": time.perf_counter() - started,
    }
    print_report(plan, add, first_run, syncs, verdict)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"Written {out} ({results['total_s']:.0f} s in all).")
    return results


# ------------------------------------------------------------------ child processes
def _use_way(way: str) -> None:
    """Make the store create areas the ``baseline`` way in this (child) process."""
    if way == "baseline":
        # The store looks ``build_area`` up in its own module at each call: replace it there.
        vars(gpkg_store)["build_area"] = build_area_baseline
    elif way != "new":
        msg = f"unknown way {way!r}, expected one of {RUN_WAYS}"
        raise ValueError(msg)


def child(argv: Sequence[str]) -> int:
    """``first-run WAY DIR``: ``safewalk areas``; ``add-areas WAY DIR N``: add N areas."""
    task, way, directory, *rest = argv
    _use_way(way)
    if task == "first-run":
        return safewalk(["--workspace", directory, "areas"])
    if task == "add-areas":
        store = GeoPackageStore(Path(directory), load_layer_catalog())
        for area in shipped_areas(DEFAULT_DATA_DIR)[: int(rest[0])]:
            store.add_area(area, actor=ACTOR)
        return 0
    msg = f"unknown child task {task!r}"
    raise ValueError(msg)


def main(argv: list[str] | None = None) -> int:
    """Run a child task (``--child``); the benchmark itself runs from ``benchmarks.run``."""
    parser = argparse.ArgumentParser(prog="python -m benchmarks.first_run")
    parser.add_argument("--child", nargs="+", required=True, metavar="ARG")
    args = parser.parse_args(argv)
    return child(args.child)


if __name__ == "__main__":
    sys.exit(main())
