"""Spreadsheets, typed: written one sheet per table, read back as rows of numbers, text, times."""

from __future__ import annotations

import warnings
import zipfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from gis.cells import plain_value
from gis.errors import UnreadableFileError

if TYPE_CHECKING:
    from openpyxl.workbook.workbook import Workbook

SHEET_NAME_MAX = 31
"""Excel's limit on a sheet's name."""


def write_xlsx_sheets(
    sheets: Mapping[str, pd.DataFrame], path: Path, *, time_format: str = "yyyy-mm-dd hh:mm"
) -> None:
    """Write each table as a sheet of an ``.xlsx`` file, with a bold header row.

    Values keep their type (numbers, truth values, times shown as ``time_format``); text
    stays text even when it starts with ``=``, so a spreadsheet never runs it as a formula.
    Names are cut to Excel's 31 characters. With no tables, no file can be made: give one.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])
    for name, table in sheets.items():
        sheet = workbook.create_sheet(name[:SHEET_NAME_MAX])
        sheet.append([str(column) for column in table.columns])
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for values in table.itertuples(index=False, name=None):
            sheet.append([plain_value(v) for v in values])
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text, even when it starts with "="
                elif isinstance(cell.value, datetime):
                    cell.number_format = time_format
    workbook.save(path)


@contextmanager
def _workbook(path: Path) -> Iterator[Workbook]:
    """Open ``path`` for reading values (a formula's last result), closed afterwards.

    Raises
    ------
    UnreadableFileError
        The file is no workbook (or a damaged one).
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        with warnings.catch_warnings():
            # Features the values do not need (data validation, styles) are warned about.
            warnings.simplefilter("ignore", UserWarning)
            workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise UnreadableFileError(path=path.name, reason=str(error) or type(error).__name__) \
            from None  # fmt: skip
    try:
        yield workbook
    finally:
        workbook.close()


def read_xlsx_sheets(
    path: Path, *, rows: int | None = None, only: str | None = None
) -> dict[str, list[list[object]]]:
    """Return the rows of the sheets of an ``.xlsx`` file, by sheet name, in the file's order.

    Cells keep their type: numbers, text, ``datetime``; an empty cell is None. ``rows``:
    at most this many rows of each sheet (a look at the headings), else all. ``only``:
    that sheet alone.

    Raises
    ------
    UnreadableFileError
        The file is no workbook, a damaged one, or one whose XML defines entities.
    """
    sheets: dict[str, list[list[object]]] = {}
    with _workbook(path) as workbook:
        try:
            for sheet in workbook.worksheets:
                if only is not None and sheet.title != only:
                    continue
                found: list[list[object]] = []
                for values in sheet.iter_rows(values_only=True):
                    if rows is not None and len(found) >= rows:
                        break
                    found.append(list(values))
                sheets[sheet.title] = found
        except (KeyError, ValueError, TypeError, zipfile.BadZipFile) as error:
            raise UnreadableFileError(path=path.name, reason=str(error) or type(error).__name__) \
                from None  # fmt: skip
    return sheets
