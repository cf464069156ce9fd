"""``safewalk photo suggest|redact``: faces and plates found, parts of photos blacked out."""

from __future__ import annotations

import argparse
import shlex
from typing import Any, Final

from gis.i18n import texts_from_file
from gis.redaction import box_from_text
from walks.cli import TEXTS_FILE
from walks.cli.output import print_json
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.redaction import PhotoFindings, photo_findings, redact_observation_photo

T: Final = texts_from_file(TEXTS_FILE, "photos")

COMMANDS: Final = ("photo",)
"""The sub-commands this module adds and runs."""


def add_parser(commands: argparse._SubParsersAction[Any], common: argparse.ArgumentParser) -> None:
    """Add ``photo suggest|redact`` to the command line's sub-commands."""
    parser_class = type(common)
    photo = commands.add_parser(
        "photo", parents=[common], help="people and licence plates in observations' photos"
    )
    sub = photo.add_subparsers(dest="photo_command", required=True, parser_class=parser_class)
    suggest = sub.add_parser(
        "suggest", parents=[common],
        help="boxes around the faces and licence plates found in an observation's photos",
    )  # fmt: skip
    suggest.add_argument("--area", required=True, help="area name or id")
    suggest.add_argument("--observation", type=int, required=True, help="observation number")
    suggest.add_argument("--photo", type=int, help="only this photo (1, 2, …)")
    suggest.add_argument("--json", action="store_true", help="print JSON")
    redact = sub.add_parser(
        "redact", parents=[common],
        help="black out boxes of a stored photo, for good (no copy of the original is kept)",
    )  # fmt: skip
    redact.add_argument("--area", required=True, help="area name or id")
    redact.add_argument("--observation", type=int, required=True, help="observation number")
    redact.add_argument("--photo", type=int, required=True, help="the photo: 1, 2, …")
    redact.add_argument("--box", action="append", required=True, metavar="X,Y,W,H",
                        help="a box in the stored photo's pixels: left, top, width, height "
                        "(repeatable)")  # fmt: skip
    redact.add_argument("--json", action="store_true", help="print JSON")


def _findings_json(found: PhotoFindings) -> dict[str, Any]:
    return {
        "photo": found.photo,
        "uuid": found.uuid,
        "width": found.width,
        "height": found.height,
        "boxes": [{"kind": f.kind.value, "box": f.box.as_list()} for f in found.findings],
    }


def _suggest(workspace: Workspace, args: argparse.Namespace, lang: str) -> int:
    area = find_area(workspace, args.area)
    found = photo_findings(workspace, area.slug, args.observation, photo=args.photo)
    if args.json:
        print_json({"area": area.slug, "observation": args.observation,
                    "photos": [_findings_json(f) for f in found]})  # fmt: skip
        return 0
    if not found:
        print(T["no_photos"].format(number=args.observation).in_language(lang))
        return 0
    for photo in found:
        head = T["photo"].format(k=photo.photo, width=photo.width, height=photo.height)
        print(head.in_language(lang))
        if not photo.findings:
            print(f"  {T['nothing'].in_language(lang)}")
            continue
        for item in photo.findings:  # (a key's source starting "f" is read as an f-string)
            print(f"  {T[item.kind.value].in_language(lang)}  {item.box}")
        command = ["safewalk", "photo", "redact", "--area", area.slug, "--observation",
                   str(args.observation), "--photo", str(photo.photo)]  # fmt: skip
        for finding in photo.findings:
            command += ["--box", str(finding.box)]
        print(f"  {shlex.join(command)}")
    return 0


def _redact(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    boxes = [box_from_text(text) for text in args.box]
    area = find_area(workspace, args.area)
    done = redact_observation_photo(
        workspace, area.slug, args.observation, args.photo, boxes, actor=user
    )
    if args.json:
        print_json({"area": done.area, "observation": done.observation, "photo": done.photo,
                    "uuid": done.uuid, "boxes": [b.as_list() for b in done.boxes],
                    "actor": user})  # fmt: skip
        return 0
    print(
        T["redacted"]
        .format(k=done.photo, number=done.observation, area=area.name, count=len(done.boxes))
        .in_language(lang)
    )
    return 0


def run(workspace: Workspace, args: argparse.Namespace, lang: str, user: str) -> int:
    """Run the ``photo`` command ``args`` names; return the exit status."""
    if args.photo_command == "suggest":
        return _suggest(workspace, args, lang)
    return _redact(workspace, args, lang, user)
