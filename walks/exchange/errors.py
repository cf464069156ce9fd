"""The exception of a file that cannot be imported, and the zips imports meet, checked first."""

from __future__ import annotations

import zipfile
from pathlib import PurePosixPath
from typing import Final

from gis.i18n import Text
from walks.core.errors import WalkError

MAX_UNPACKED_BYTES: Final = 500 * 1024 * 1024
"""A zip whose members would unpack to more than this is refused (a zip bomb)."""
MAX_RATIO: Final = 200
"""Nor may a member unpack to more than this many times its packed size."""


class FileImportError(WalkError):
    """A file that cannot be imported at all; nothing is written."""


def refuse(sv: str, en: str) -> FileImportError:
    """Return the error of a file that cannot be imported, in both languages."""
    return FileImportError(Text(sv=sv, en=en))


def check_archive(archive: zipfile.ZipFile, name: str) -> None:
    """Refuse a zip (a zipped Shapefile, a KMZ, an Excel workbook) that is unsafe to unpack.

    Raises
    ------
    FileImportError
        An entry's path leaves the zip, or the entries would unpack to too much (a zip bomb).
    """
    total = 0
    for member in archive.infolist():
        path = PurePosixPath(member.filename)
        if path.is_absolute() or ".." in path.parts or "\\" in member.filename:
            raise refuse(
                sv=f"{name}: posten {member.filename!r} pekar utanför zip-filen; filen läses inte.",
                en=f"{name}: the entry {member.filename!r} points outside the zip; the file is "
                "not read.",
            )
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > MAX_UNPACKED_BYTES or (member.file_size > 1_000_000 and ratio > MAX_RATIO):
            raise refuse(
                sv=f"{name} packas upp till för mycket ({total // 1_000_000} MB, {ratio:.0f} "
                "gånger); filen läses inte.",
                en=f"{name} unpacks to too much ({total // 1_000_000} MB, {ratio:.0f} times); "
                "the file is not read.",
            )
