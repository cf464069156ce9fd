"""Spreadsheets written typed: one sheet per table, numbers as numbers, times as times."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from pathlib import Path

import pandas as pd

from gis.cells import plain_value

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
