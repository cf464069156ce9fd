"""``safewalk analyse``: the spatial analyses on the command line, as text or JSON."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path
from typing import Any, Final

from gis.i18n import texts_from_file
from layers.schema import DARK_LAYER, HOTSPOTS_LAYER
from walks.analysis.change import ChangeReport, walk_changes
from walks.analysis.counts import summarise
from walks.analysis.dark import DarkReport, dark_routes, save_dark
from walks.analysis.hotspots import HotspotReport, find_hotspots, save_hotspots
from walks.analysis.nearby import NearReport, observations_near
from walks.analysis.priority import PriorityReport, load_weights, prioritise
from walks.cli import TEXTS_FILE
from walks.cli.output import print_json, table
from walks.core.words import WORDS
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

T: Final = {
    **WORDS,
    **texts_from_file(TEXTS_FILE, "analyse"),
}


COMMANDS: Final = ("analyse",)
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``analyse`` and its analyses to the command line's sub-commands."""
    parser_class = type(common)
    analyse = commands.add_parser("analyse", parents=[common], help="spatial analyses")
    kinds = analyse.add_subparsers(dest="analysis", required=True, parser_class=parser_class)

    def analysis(name: str, text: str, *, areas: bool = False) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = kinds.add_parser(name, parents=[common], help=text)
        if areas:
            where = parser.add_mutually_exclusive_group(required=True)
            where.add_argument("--area", help="area name or id")
            where.add_argument("--all", action="store_true", help="every area")
        else:
            parser.add_argument("--area", required=True, help="area name or id")
        parser.add_argument("--json", action="store_true", help="print JSON")
        return parser

    analysis("summary", "counts per area, category, status, severity, light and walk", areas=True)
    hotspots = analysis("hotspots", "where observations crowd together", areas=True)
    hotspots.add_argument("--radius", type=float, default=50.0, help="metres (default 50)")
    hotspots.add_argument("--min-count", type=int, default=3, help="observations (default 3)")
    hotspots.add_argument("--category", help="only this category")
    hotspots.add_argument(
        "--save", action="store_true", help="save as the area's analysis_hotspots layer"
    )
    dark = analysis("dark", "stretches of walking routes far from working lamps")
    routes = dark.add_mutually_exclusive_group()
    routes.add_argument("--routes", type=Path, help="a vector file of routes (lines)")
    routes.add_argument("--walk", help="the number of a walk with a planned route")
    dark.add_argument("--lamps", type=Path, help="a vector file of lamps (default: the area's)")
    dark.add_argument("--radius", type=float, default=25.0, help="metres (default 25)")
    dark.add_argument("--crs", help="CRS of the files when they do not say")
    dark.add_argument("--save", action="store_true", help="save as the area's analysis_dark layer")
    near = analysis("near", "what lies near crime-exposed places, entrances, stops, schools")
    near.add_argument("--distance", type=float, default=50.0, help="metres (default 50)")
    priority = analysis("priority", "a transparent priority score per observation")
    priority.add_argument("--weights", type=Path, help="a TOML file with [weights]")
    change = analysis("change", "what changed between two walks of an area")
    change.add_argument("--before", required=True, help="the first walk's number")
    change.add_argument("--after", required=True, help="the second walk's number")
    change.add_argument("--distance", type=float, default=15.0, help="metres (default 15)")


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run the analysis ``args`` names and print it; return the exit status."""
    areas = None if getattr(args, "all", False) else [args.area]
    match args.analysis:
        case "summary":
            counts = summarise(workspace, areas)
            if args.json:
                print_json({"areas": [asdict(c) for c in counts]})
            else:
                head = [T[k].in_language(lang) for k in ("area", "observations", "per_km2")]
                rows = [[*head, T["in_dark"].in_language(lang), T["open"].in_language(lang)]]
                rows += [
                    [c.name, str(c.observations), f"{c.per_km2:g}",
                     str(c.by_light.get("dark", 0)), str(c.by_status.get("new", 0))]
                    for c in counts
                ]  # fmt: skip
                print(table(rows))
        case "hotspots":
            report = find_hotspots(
                workspace, areas, radius_m=args.radius, min_count=args.min_count,
                category=args.category,
            )  # fmt: skip
            saved = save_hotspots(workspace, report, actor=user) if args.save else None
            _print_hotspots(workspace, report, args.json, lang, saved)
        case "dark":
            dark = dark_routes(
                workspace, args.area, routes=args.routes, walk=args.walk, lamps=args.lamps,
                radius_m=args.radius, crs=args.crs,
            )  # fmt: skip
            stretches = save_dark(workspace, dark, actor=user) if args.save else None
            _print_dark(dark, args.json, lang, stretches)
        case "near":
            _print_near(observations_near(workspace, args.area, distance_m=args.distance),
                        args.json, lang)  # fmt: skip
        case "priority":
            weights = load_weights(args.weights) if args.weights else None
            _print_priority(prioritise(workspace, args.area, weights=weights), args.json, lang)
        case "change":
            changes = walk_changes(
                workspace, args.area, before=args.before, after=args.after,
                distance_m=args.distance,
            )  # fmt: skip
            _print_change(changes, args.json, lang)
    return 0


def _print_hotspots(
    workspace: Workspace,
    report: HotspotReport,
    as_json: bool,
    lang: str,
    saved: dict[str, int] | None,
) -> None:
    if as_json:
        hotspots = [{k: v for k, v in asdict(h).items() if k != "outline"} for h in report.hotspots]
        print_json(
            {
                "radius_m": report.radius_m,
                "min_count": report.min_count,
                "hotspots": hotspots,
                "hot_cells": [asdict(c) for c in report.hot_cells],
                **({} if saved is None else {"saved": {"layer": HOTSPOTS_LAYER, "areas": saved}}),
            }
        )
        return
    if not report.hotspots:
        print(T["no_hotspots"].format(min_count=report.min_count, radius=f"{report.radius_m:g}")
              .in_language(lang))  # fmt: skip
    else:
        keys = ("number", "area", "count", "category", "numbers")
        rows = [[T[k].in_language(lang) for k in keys]]
        for h in report.hotspots:
            title = workspace.catalog.category(h.category).title.in_language(lang)
            name = find_area(workspace, h.area).name
            numbers = ", ".join(map(str, h.observations))
            rows.append([str(h.id), name, str(h.count), title, numbers])
        print(table(rows))
    if report.hot_cells:
        text = T["hot_cells"].format(cells=len(report.hot_cells), cell=f"{2 * report.radius_m:g}")
        print(text.in_language(lang))
    if saved is not None:
        count = sum(saved.values())
        print(T["saved"].format(count=count, layer=HOTSPOTS_LAYER, areas=len(saved))
              .in_language(lang))  # fmt: skip


def _print_dark(report: DarkReport, as_json: bool, lang: str, saved: int | None) -> None:
    if as_json:
        print_json(
            {
                "area": report.area,
                "radius_m": report.radius_m,
                "lamps": report.lamps,
                "knocked_out": report.knocked_out,
                "routes": [
                    {
                        "name": r.name,
                        "length_m": r.length_m,
                        "dark_m": r.dark_m,
                        "stretches": [
                            {"from_m": round(s.from_m, 2), "to_m": round(s.to_m, 2)}
                            for s in r.stretches
                        ],
                    }
                    for r in report.routes
                ],
                "total_length_m": report.total_length_m,
                "total_dark_m": report.total_dark_m,
                **({} if saved is None else {"saved": {"layer": DARK_LAYER, "features": saved}}),
            }
        )
        return
    rows = [[T[k].in_language(lang) for k in ("route", "length", "dark", "stretches")]]
    for r in report.routes:
        stretches = ", ".join(f"{s.from_m:.0f}–{s.to_m:.0f}" for s in r.stretches)
        rows.append([r.name, f"{r.length_m:.0f} m", f"{r.dark_m:.0f} m", stretches])
    print(table(rows))
    total = T["dark_total"].format(
        dark=f"{report.total_dark_m:.0f}", length=f"{report.total_length_m:.0f}",
        lamps=report.lamps, out=report.knocked_out, radius=f"{report.radius_m:g}",
    )  # fmt: skip
    print(total.in_language(lang))
    if saved is not None:
        print(T["saved"].format(count=saved, layer=DARK_LAYER, areas=1).in_language(lang))


def _print_near(report: NearReport, as_json: bool, lang: str) -> None:
    if as_json:
        print_json(asdict(report))
        return
    print(T["near_head"].format(distance=f"{report.distance_m:g}").in_language(lang))
    if not report.observations:
        print(T["nothing_near"].in_language(lang))
    for o in report.observations:
        crime = ", ".join(map(str, o.crime_places)) or "-"
        print(f"  {o.number} ({o.category}): {crime}; {o.entrances}, {o.stops}, {o.schools}")
    for place in report.crime_places:
        measures = ", ".join(map(str, place.open_measures)) or "-"
        print(T["crime_place"].format(number=place.number, measures=measures).in_language(lang))


def _print_priority(report: PriorityReport, as_json: bool, lang: str) -> None:
    if as_json:
        print_json(asdict(report))
        return
    weights = ", ".join(f"{term} {weight:g}" for term, weight in report.weights.items())
    print(f"{T['weights'].in_language(lang)}: {weights}")
    terms = list(report.weights)
    rows = [[T["number"].in_language(lang), T["category"].in_language(lang),
             T["score"].in_language(lang), *terms]]  # fmt: skip
    for p in report.observations:
        rows.append([str(p.number), p.category, f"{p.score:.2f}",
                     *(f"{p.terms[t]:.2f}" for t in terms)])  # fmt: skip
    print(table(rows))


def _print_change(report: ChangeReport, as_json: bool, lang: str) -> None:
    if as_json:
        print_json(
            {
                "area": report.area,
                "before": report.before,
                "after": report.after,
                "distance_m": report.distance_m,
                "resolved": report.resolved,
                "persisting": [list(pair) for pair in report.persisting],
                "new": report.new,
            }
        )
        return
    persisting = ", ".join(f"{b}→{a}" for b, a in report.persisting) or "-"
    print(f"{T['resolved'].format(walk=report.before).in_language(lang)}: "
          f"{', '.join(map(str, report.resolved)) or '-'}")  # fmt: skip
    print(f"{T['persisting'].in_language(lang)}: {persisting}")
    print(f"{T['new'].format(walk=report.after).in_language(lang)}: "
          f"{', '.join(map(str, report.new)) or '-'}")  # fmt: skip
