"""``safewalk print`` and ``safewalk protocol``: maps and walk protocols as PDF."""

from __future__ import annotations

import argparse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from gis.i18n import Text, texts_from_file
from gis.printmap import PAPERS
from walks.cli import TEXTS_FILE
from walks.cli.output import print_json
from walks.core.workspace import Workspace
from walks.documents.printing import (
    BACKGROUNDS,
    EXTENTS,
    ORIENTATIONS,
    STATUSES,
    Printed,
    PrintError,
    PrintOptions,
    print_area,
    print_atlas,
    walk_protocol,
)
from walks.documents.report_files import write_bytes

T: Final = texts_from_file(TEXTS_FILE, "documents")


COMMANDS: Final = ("print", "protocol")
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``print`` and ``protocol`` to the command line's sub-commands."""
    printing = commands.add_parser(
        "print", parents=[common], help="a map of an area, or the atlas of every area, as PDF"
    )
    where = printing.add_mutually_exclusive_group(required=True)
    where.add_argument("--area", help="area name or id")
    where.add_argument("--all", action="store_true", help="the atlas: an overview, then each area")
    printing.add_argument("-o", "--output", required=True, type=Path, help="FILE.pdf")
    printing.add_argument("--paper", default="A4", choices=list(PAPERS))
    printing.add_argument("--orientation", default="landscape", choices=list(ORIENTATIONS))
    printing.add_argument("--layers", help="category layers to show, e.g. lighting,vegetation")
    printing.add_argument("--title", help="the page's title (default: the area's)")
    printing.add_argument("--status", default="open", choices=list(STATUSES),
                          help="open: not resolved or dismissed (default); all")  # fmt: skip
    printing.add_argument(
        "--background", default="auto", choices=list(BACKGROUNDS),
        help="auto: tiles from SAFEWALK_PRINT_TILES when set and they can be had, else the "
        "shipped vector data; tiles; vector",
    )  # fmt: skip
    printing.add_argument(
        "--extent", default="observations", choices=list(EXTENTS),
        help="observations: each map framed on its observations at the largest round scale "
        "that fits, with an overview of the area (default; an area with none: the area); "
        "area: the whole area",
    )  # fmt: skip
    printing.add_argument("--json", action="store_true", help="print what was written as JSON")
    protocol = commands.add_parser(
        "protocol", parents=[common], help="a walk's protocol for the parties, as PDF"
    )
    protocol.add_argument("--area", required=True, help="area name or id")
    protocol.add_argument("--walk", required=True, help="the walk's number in the area")
    protocol.add_argument("-o", "--output", required=True, type=Path, help="FILE.pdf")
    protocol.add_argument("--json", action="store_true", help="print what was written as JSON")


def _pdf_path(path: Path) -> Path:
    if path.suffix.lower() != ".pdf":
        raise PrintError(
            Text(
                sv=f"{path.name}: skriv till en fil som slutar på .pdf.",
                en=f"{path.name}: write to a file ending in .pdf.",
            )
        )
    return path


def _maps(printed: Printed) -> dict[str, Any]:
    """Return the JSON of a print's maps: each one's scale and frame, and the scale of one."""
    if not printed.maps:
        return {}
    maps = [{"area": m.area, "page": m.page, "scale": m.scale, "extent": m.extent,
             "frame": [round(v, 1) for v in m.frame], "inset": m.inset}
            for m in printed.maps]  # fmt: skip
    return {"maps": maps, **({"scale": printed.maps[0].scale} if len(maps) == 1 else {})}


def _report(printed: Printed, path: Path, args: argparse.Namespace, text: Text, lang: str) -> None:
    join = {} if printed.join_url is None else {"join_url": printed.join_url}
    if args.json:
        print_json({"output": str(path), "pages": printed.pages, "markers": printed.markers,
                    "leaders": printed.leaders, "covering": printed.covering,
                    "background": printed.background,
                    "scales": list(printed.scales),
                    "bytes": len(printed.pdf), **_maps(printed), **join})  # fmt: skip
        return
    scales = ", ".join(f"1:{s:,}".replace(",", " ") for s in sorted(set(printed.scales)))
    print(text.format(pages=printed.pages, path=path, markers=printed.markers,
                      scales=scales).in_language(lang))  # fmt: skip
    whole = [m.name for m in printed.maps if m.extent == "area"]
    if whole and args.command == "print" and args.extent == "observations":
        print(T["whole_area"].format(areas=", ".join(whole)).in_language(lang))
    if printed.join_url is not None:
        print(T["join"].format(url=printed.join_url).in_language(lang))


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run ``safewalk print`` or ``safewalk protocol``; return the exit status."""
    path = _pdf_path(args.output)
    now = datetime.now(UTC)
    if args.command == "protocol":
        printed = walk_protocol(workspace, args.area, args.walk, language=lang, now=now)
        write_bytes(path, printed.pdf)
        _report(printed, path, args, T["protocol"], lang)
        return 0
    layers = tuple(x.strip() for x in args.layers.split(",") if x.strip()) if args.layers else None
    options = PrintOptions(paper=args.paper, orientation=args.orientation, layers=layers,
                           title=args.title, status=args.status, language=lang,
                           background=args.background, extent=args.extent)  # fmt: skip
    if args.all:
        printed = print_atlas(workspace, options, now=now)
    else:
        printed = print_area(workspace, args.area, options, now=now)
    write_bytes(path, printed.pdf)
    _report(printed, path, args, T["written"], lang)
    return 0
