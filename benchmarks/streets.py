"""Streets and buildings benchmark: what the reference layers cost the maps.

A workspace with the shipped areas and the demo data, and a copy of it into which
synthetic streets and buildings are loaded the way ``safewalk reference add --kind
streets|buildings`` loads them (``walks.fieldwork.reference.add_reference_from_file``, a
GeoPackage per area and kind, with a source and a licence). The full plan has 11,000
street segments and 8,000 buildings over the nine areas: Hässelby gård dense (4,700 and
3,700), Vällingby typical (1,200 and 900), the rest shared by the other seven in
proportion to their size; the demo area has none.

Figures, each beside its baseline measured in the same run, turn about — the same read,
map or print of the copy without streets and buildings (``*_plain``):

- **district_read**: ``walks.documents.areasmap.map_data`` of every area, what the *Karta*
  page reads once per data version (the first page after a write).
- **district_streets_read**: the part of it that reads the streets and buildings
  (``walks.documents.streets.street_layers_wgs84`` of every area; without them it reads
  empty layers): the same cost as the read's, steadier, as it leaves out the rest.
- **district_build**: ``ui.maps.district_web_map`` and folium's render of the whole page:
  the time, and the bytes the browser gets.
- **typical_read**, **dense_read**: ``walks.documents.mapdata.area_map_data`` of one area,
  what *Registrera* and *Vandringar* read once per data version.
- **typical_build**, **dense_build**: ``ui.maps.area_web_map`` and its render: the time
  and the bytes.
- **dense_a3**: ``walks.documents.printing.print_area`` of Hässelby gård on A3, the whole
  area on the page (``extent="area"``, vector background): every street and building
  drawn, the streets' names placed.

Each figure's cost is its median minus its baseline's (``deltas``, in ms and bytes) and
its median over its baseline's (``ratios``); ``cpu_ms`` is the median CPU time of this
process, which a machine busy with other work disturbs less than the wall clock. No
targets: the figures say what loading a district's streets and buildings costs.

Every street and building is made up here (names say "syntetisk"): a street grid turned
to a random angle over each shipped boundary, its blocks as small as the area's count of
segments needs, a segment per block side, and rectangles in the blocks; EPSG:3006, seed
3006 (``synthetic_district``).

Run with the rest: ``.venv/bin/python -m benchmarks.run --only streets`` (``--quick``: a
quarter of the features, fewer rounds).
"""

from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry.base import BaseGeometry

from benchmarks.machine import BENCHMARKS_DIR, run_alone, write_results
from benchmarks.store import open_bench_workspace, summary
from ui.maps import area_web_map, district_web_map
from walks.core.workspace import Workspace
from walks.documents.areasmap import map_data
from walks.documents.mapdata import area_map_data
from walks.documents.printing import Printed, PrintOptions, print_area
from walks.documents.streets import street_layers_wgs84
from walks.fieldwork.reference import add_reference_from_file

DEFAULT_OUT: Final = BENCHMARKS_DIR / "results" / "streets.json"
DENSE: Final = "hasselby-gard"
TYPICAL: Final = "vallingby"
SEED: Final = 3006
SOURCE: Final = "Syntetiska data (safewalk benchmarks)"
LICENCE: Final = "CC0"
STREET_TYPES: Final = ("residential", "residential", "tertiary", "service", "footway", "cycleway")
BUILDING_TYPES: Final = ("yes", "apartments", "house", "house", "retail")
A3: Final = PrintOptions(paper="A3", background="vector", extent="area")


@dataclass(frozen=True, slots=True)
class Plan:
    """How many features, and how many rounds of each figure."""

    streets: int
    buildings: int
    dense: tuple[int, int]
    """Street segments and buildings of the dense area (Hässelby gård)."""
    typical: tuple[int, int]
    """The same of the typical area (Vällingby)."""
    rounds: int
    print_rounds: int


FULL: Final = Plan(streets=11_000, buildings=8_000, dense=(4_700, 3_700), typical=(1_200, 900),
                   rounds=15, print_rounds=5)  # fmt: skip
QUICK: Final = Plan(streets=2_750, buildings=2_000, dense=(1_175, 925), typical=(300, 225),
                    rounds=3, print_rounds=1)  # fmt: skip


def shares(workspace: Workspace, plan: Plan) -> dict[str, tuple[int, int]]:
    """Return (street segments, buildings) per area: the dense and typical ones as planned,
    the rest shared by the other shipped areas in proportion to their size."""
    counts = {DENSE: plan.dense, TYPICAL: plan.typical}
    others = [a for a in workspace.areas() if not a.is_demo and a.slug not in counts]
    left = (plan.streets - plan.dense[0] - plan.typical[0],
            plan.buildings - plan.dense[1] - plan.typical[1])  # fmt: skip
    sizes = np.array([a.boundary.area for a in others])
    for k, total in enumerate(left):
        # Largest remainders, so that the counts add up to the plan exactly.
        exact = total * sizes / sizes.sum()
        whole = np.floor(exact).astype(int)
        whole[np.argsort(whole - exact)[: total - whole.sum()]] += 1
        for area, n in zip(others, whole, strict=True):
            counts[area.slug] = (int(n), 0) if k == 0 else (counts[area.slug][0], int(n))
    return counts


@dataclass(frozen=True, slots=True)
class Grid:
    """A made-up street grid over an area: square blocks of ``spacing`` metres, turned by
    ``angle`` about (``x``, ``y``), grid positions (``u``, ``v``) in blocks."""

    spacing: float
    angle: float
    x: float
    y: float
    size: int
    """Blocks from the centre to the edge of the grid, each way."""

    def to_xy(self, u: np.ndarray, v: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Return EPSG:3006 coordinates of grid positions."""
        cos, sin = np.cos(self.angle), np.sin(self.angle)
        return (self.x + self.spacing * (u * cos - v * sin),
                self.y + self.spacing * (u * sin + v * cos))  # fmt: skip


def _streets_of(boundary: BaseGeometry, grid: Grid, rng: np.random.Generator) -> tuple[
    np.ndarray, np.ndarray, np.ndarray, np.ndarray
]:  # fmt: skip
    """Return every grid edge whose middle lies in ``boundary``: its ends' grid positions
    (u0, v0, u1, v1), the nodes moved a little off the grid."""
    n = grid.size
    ticks = np.arange(-n, n + 1, dtype=float)
    u, v = np.meshgrid(ticks, ticks, indexing="ij")
    ju, jv = rng.normal(0, 0.08, u.shape), rng.normal(0, 0.08, u.shape)
    nodes_u, nodes_v = u + ju, v + jv
    across = (nodes_u[:-1, :], nodes_v[:-1, :], nodes_u[1:, :], nodes_v[1:, :])
    along = (nodes_u[:, :-1], nodes_v[:, :-1], nodes_u[:, 1:], nodes_v[:, 1:])
    edges = [np.concatenate([a.ravel(), b.ravel()]) for a, b in zip(across, along, strict=True)]
    mid_x, mid_y = grid.to_xy((edges[0] + edges[2]) / 2, (edges[1] + edges[3]) / 2)
    inside = shapely.contains_xy(boundary, mid_x, mid_y)
    return tuple(e[inside] for e in edges)


def synthetic_district(
    workspace: Workspace, slug: str, streets: int, buildings: int, *, seed: int
) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Return ``streets`` made-up street segments and ``buildings`` buildings in area
    ``slug``, EPSG:3006, as an OpenStreetMap extract has them (``osm_id``, ``name``,
    ``highway`` or ``building``).

    The streets are a grid turned to a random angle, its blocks as small as the count
    needs, each segment one block long (2 or 3 points, the nodes off the grid by a few
    metres), some blocks' segments left out; a row is one named street ("Syntetgatan 7"),
    a column another ("Syntetvägen 3"), paths (footways, cycle ways) unnamed. Buildings
    are rectangles in the blocks, a fifth to three fifths of a block long, every
    twentieth named.
    """
    area = next(a for a in workspace.areas() if a.slug == slug)
    boundary = area.boundary
    shapely.prepare(boundary)
    rng = np.random.default_rng(seed)
    centre = boundary.centroid
    reach = max(boundary.bounds[2] - boundary.bounds[0], boundary.bounds[3] - boundary.bounds[1])
    spacing = np.sqrt(2 * boundary.area / max(streets, 1))
    angle = rng.uniform(0, np.pi / 2)
    while True:
        grid = Grid(spacing, angle, centre.x, centre.y, int(reach / spacing) + 2)
        u0, v0, u1, v1 = _streets_of(boundary, grid, rng)
        if len(u0) >= streets:
            break
        spacing *= 0.95
    kept = np.sort(rng.choice(len(u0), streets, replace=False))
    u0, v0, u1, v1 = u0[kept], v0[kept], u1[kept], v1[kept]
    bent = rng.random(streets) < 0.5
    mid_u = (u0 + u1) / 2 + np.where(bent, rng.normal(0, 0.05, streets), 0)
    mid_v = (v0 + v1) / 2 + np.where(bent, rng.normal(0, 0.05, streets), 0)
    lines = []
    for k in range(streets):
        us = [u0[k], mid_u[k], u1[k]] if bent[k] else [u0[k], u1[k]]
        vs = [v0[k], mid_v[k], v1[k]] if bent[k] else [v0[k], v1[k]]
        lines.append(shapely.linestrings(*grid.to_xy(np.array(us), np.array(vs))))
    # A row (u changes) or a column (v changes) of the grid is one street: one name and type.
    is_row = np.abs(u1 - u0) > np.abs(v1 - v0)
    line = np.where(is_row, np.round((v0 + v1) / 2), np.round((u0 + u1) / 2)).astype(int)
    kinds = {(r, n): rng.choice(STREET_TYPES) for r in (True, False) for n in set(line.tolist())}
    types = [str(kinds[(bool(r), int(n))]) for r, n in zip(is_row, line, strict=True)]
    names = [
        None if t in ("footway", "cycleway")
        else f"{'Syntetgatan' if r else 'Syntetvägen'} {n + grid.size + 1} (syntetisk)"
        for t, r, n in zip(types, is_row, line, strict=True)
    ]  # fmt: skip
    street_frame = gpd.GeoDataFrame(
        {"osm_id": [f"synthetic/{slug}/street/{k}" for k in range(streets)],
         "name": names, "highway": types},
        geometry=lines, crs="EPSG:3006",
    )  # fmt: skip
    n = grid.size
    ticks = np.arange(-n, n, dtype=float) + 0.5
    cu, cv = (c.ravel() for c in np.meshgrid(ticks, ticks, indexing="ij"))
    blocks = np.flatnonzero(shapely.contains_xy(boundary, *grid.to_xy(cu, cv)))
    chosen = rng.choice(blocks, buildings, replace=buildings > len(blocks))
    bu = cu[chosen] + rng.uniform(-0.25, 0.25, buildings)
    bv = cv[chosen] + rng.uniform(-0.25, 0.25, buildings)
    half_u, half_v = rng.uniform(0.1, 0.3, buildings), rng.uniform(0.08, 0.2, buildings)
    corners = np.array([(-1, -1), (1, -1), (1, 1), (-1, 1), (-1, -1)], dtype=float)
    ring_u = bu[:, None] + corners[None, :, 0] * half_u[:, None]
    ring_v = bv[:, None] + corners[None, :, 1] * half_v[:, None]
    ring_x, ring_y = grid.to_xy(ring_u, ring_v)
    names = [f"Synthuset {k} (syntetiskt)" if k % 20 == 0 else None for k in range(buildings)]
    building_frame = gpd.GeoDataFrame(
        {"osm_id": [f"synthetic/{slug}/building/{k}" for k in range(buildings)],
         "name": names, "building": rng.choice(BUILDING_TYPES, buildings)},
        geometry=shapely.polygons(np.stack([ring_x, ring_y], axis=2)), crs="EPSG:3006",
    )  # fmt: skip
    return street_frame, building_frame


def load(workspace: Workspace, folder: Path, plan: Plan) -> dict[str, dict[str, int]]:
    """Write each area's synthetic streets and buildings to GeoPackages and load them as
    ``safewalk reference add`` does; return how many were stored per area and kind."""
    loaded: dict[str, dict[str, int]] = {}
    for number, (slug, counts) in enumerate(sorted(shares(workspace, plan).items())):
        frames = synthetic_district(workspace, slug, *counts, seed=SEED + number)
        loaded[slug] = {}
        for kind, count, frame in zip(("streets", "buildings"), counts, frames, strict=True):
            path = folder / f"{slug}-{kind}.gpkg"
            frame.to_file(path, driver="GPKG", layer=kind)
            done = add_reference_from_file(workspace, slug, kind, path, source=SOURCE,
                                           licence=LICENCE, actor="bench")  # fmt: skip
            if done.added != count or done.refused:
                msg = f"{slug} {kind}: {done.added} of {count} stored, {len(done.refused)} refused"
                raise RuntimeError(msg)
            loaded[slug][kind] = done.added
    return loaded


def _html(fmap: Any) -> str:
    return str(fmap.get_root().render())


def ways(workspace: Workspace, slugs: list[str], now: datetime) -> dict[str, Callable[[], Any]]:
    """Return every figure's work on ``workspace``; the maps are built from data read
    beforehand, as the app keeps it (read once per data version)."""
    district = map_data(workspace, slugs)
    typical = area_map_data(workspace, TYPICAL)
    dense = area_map_data(workspace, DENSE)
    return {
        "district_read": lambda: map_data(workspace, slugs),
        "district_streets_read": lambda: street_layers_wgs84(workspace, slugs),
        "district_build": lambda: _html(district_web_map(district, language="sv",
                                                         tiles_url=None)),
        "typical_read": lambda: area_map_data(workspace, TYPICAL),
        "typical_build": lambda: _html(area_web_map(typical, language="sv", tiles_url=None)),
        "dense_read": lambda: area_map_data(workspace, DENSE),
        "dense_build": lambda: _html(area_web_map(dense, language="sv", tiles_url=None)),
        "dense_a3": lambda: print_area(workspace, DENSE, A3, now=now),
    }  # fmt: skip


def measure(plain: Workspace, streets: Workspace, plan: Plan) -> dict[str, Any]:
    """Time every figure with and without the streets and buildings, turn about; the first
    round of each a warm-up."""
    slugs = [area.slug for area in plain.areas()]
    now = datetime.now(UTC)
    with_streets, without = ways(streets, slugs, now), ways(plain, slugs, now)
    samples: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    sizes: dict[str, int] = {}
    kept: dict[str, Printed] = {}
    for name in with_streets:
        rounds = plan.print_rounds if name == "dense_a3" else plan.rounds
        pair = [(name, with_streets[name]), (f"{name}_plain", without[name])]
        for label, _ in pair:
            samples[label], cpu[label] = [], []
        for round_number in range(1 + rounds):
            for label, way in pair if round_number % 2 else pair[::-1]:
                start, start_cpu = time.perf_counter(), time.process_time()
                result = way()
                seconds, used = time.perf_counter() - start, time.process_time() - start_cpu
                if isinstance(result, str):
                    sizes[label] = len(result.encode("utf-8"))
                elif isinstance(result, Printed):
                    kept[label] = result
                    sizes[label] = len(result.pdf)
                if round_number:
                    samples[label].append(seconds)
                    cpu[label].append(used)
    figures: dict[str, Any] = {
        name: {**summary(values), "cpu_ms": 1000 * statistics.median(cpu[name])}
        for name, values in samples.items()
    }
    figures["bytes"] = sizes
    figures["deltas"] = {
        f"{name}_ms": figures[name]["median_ms"] - figures[f"{name}_plain"]["median_ms"]
        for name in with_streets
    } | {
        f"{name}_cpu_ms": figures[name]["cpu_ms"] - figures[f"{name}_plain"]["cpu_ms"]
        for name in with_streets
    } | {f"{name}_bytes": sizes[name] - sizes[f"{name}_plain"]
         for name in with_streets if name in sizes}  # fmt: skip
    figures["ratios"] = {
        name: figures[name]["median_ms"] / figures[f"{name}_plain"]["median_ms"]
        for name in with_streets
    }
    figures["a3_pdf"] = {label: {"pages": p.pages, "markers": p.markers, "bytes": len(p.pdf)}
                         for label, p in kept.items()}  # fmt: skip
    return figures


ROWS: Final = (
    ("district_read", "Karta: read (map_data, all areas)"),
    ("district_streets_read", "Karta: of which streets and buildings"),
    ("district_build", "Karta: district map built + rendered"),
    ("typical_read", "one area, typical: read"),
    ("typical_build", "one area, typical: map built + rendered"),
    ("dense_read", "one area, dense: read"),
    ("dense_build", "one area, dense: map built + rendered"),
    ("dense_a3", "A3 print of the dense area"),
)


def run(plan: Plan, out: Path, *, quick: bool, about: dict[str, Any]) -> dict[str, Any]:
    """Build, measure, print and write ``out``; ``about`` is the machine and commit."""
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="safewalk-streets-") as folder:
        root = Path(folder)
        print("Seeding a workspace and copying it ...", flush=True)
        plain = open_bench_workspace(root / "plain")
        shutil.copytree(root / "plain", root / "streets")
        streets = open_bench_workspace(root / "streets")
        print(f"Loading {plan.streets:,} street segments and {plan.buildings:,} buildings "
              "into the copy ...", flush=True)  # fmt: skip
        (root / "files").mkdir()
        load_start = time.perf_counter()
        loaded = load(streets, root / "files", plan)
        load_s = time.perf_counter() - load_start
        print(f"Timing the maps ({plan.rounds} rounds) and the A3 print ({plan.print_rounds}), "
              "each turn about with its baseline ...", flush=True)  # fmt: skip
        figures = measure(plain, streets, plan)
    figures["loaded"] = loaded
    figures["load_s"] = load_s
    sizes, deltas, ratios = figures["bytes"], figures["deltas"], figures["ratios"]
    dense, typical = loaded[DENSE], loaded[TYPICAL]
    print(
        f"\n{plan.streets:,} street segments and {plan.buildings:,} buildings in the nine "
        f"areas (dense {dense['streets']:,}/{dense['buildings']:,}, typical "
        f"{typical['streets']:,}/{typical['buildings']:,}), loaded in {load_s:.1f} s"
    )
    print(
        "median (p90) [CPU] in ms with streets and buildings | without | added (CPU), "
        "÷ without | bytes"
    )
    for name, label in ROWS:
        ours, base = figures[name], figures[f"{name}_plain"]
        size = (f"  {sizes[name] / 1e6:.2f} MB (+{deltas[f'{name}_bytes'] / 1e6:.2f})"
                if f"{name}_bytes" in deltas else "")  # fmt: skip
        print(f"  {label:40} {ours['median_ms']:7.1f} ({ours['p90_ms']:.1f}) "
              f"[{ours['cpu_ms']:.1f}] | {base['median_ms']:7.1f} ({base['p90_ms']:.1f}) "
              f"[{base['cpu_ms']:.1f}] | {deltas[f'{name}_ms']:+7.1f} "
              f"({deltas[f'{name}_cpu_ms']:+.1f}), {ratios[name]:.2f}×{size}")  # fmt: skip
    plan_figures = {"streets": plan.streets, "buildings": plan.buildings,
                    "dense": {"area": DENSE, "streets": plan.dense[0],
                              "buildings": plan.dense[1]},
                    "typical": {"area": TYPICAL, "streets": plan.typical[0],
                                "buildings": plan.typical[1]},
                    "rounds": plan.rounds, "print_rounds": plan.print_rounds,
                    "seed": SEED}  # fmt: skip
    return write_results(out, about, quick=quick, plan=plan_figures, figures=figures,
                         targets=[], started=started)  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    """Run the streets benchmark alone (``python -m benchmarks.run`` runs it with the rest)."""
    return run_alone("python -m benchmarks.streets", DEFAULT_OUT, (FULL, QUICK), run, argv)


if __name__ == "__main__":
    raise SystemExit(main())
