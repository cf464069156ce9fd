"""Area indicators: figures about whole areas (survey shares, crime rates) imported from CSV."""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

from gis.i18n import Text
from gis.io import read_file_bytes
from layers.errors import UnknownAreaError
from layers.schema import INDICATORS_LAYER
from layers.store import Area, Query
from walks.core.errors import WalkError
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

MAX_CSV_BYTES: Final = 10 * 1024 * 1024
AREA_COLUMNS: Final = ("område", "omrade", "stadsdel", "area", "name", "namn", "slug", "id")
"""Headers (any case) of the column that names the area, the first found is used."""
DELIMITERS: Final = ";,\t"
PREFERRED_DELIMITERS: Final = (";", "\t", ",")
"""When several delimiters fit every line, ``;`` wins: a Swedish file's decimal commas
can appear on every line, a comma file rarely has a semicolon on each."""
SAMPLE_CHARS: Final = 64 * 1024
_NUMBER: Final = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")
_THOUSANDS: Final = str.maketrans("", "", " \u00a0\u202f\u2009")
_ZIP_MAGIC: Final = b"PK\x03\x04"


class IndicatorInputError(WalkError):
    """An indicator file, name or column that cannot be used."""


@dataclass(frozen=True, slots=True)
class IndicatorImport:
    """What importing an indicator file did."""

    name: str
    added: dict[str, float]
    """Value stored per area id."""
    replaced: int
    """Earlier values of the same name and period that the import replaced."""
    unmatched: list[tuple[int, Text]] = field(default_factory=list)
    """(data row, counted from 1 after the header; why) per row that was not used."""


@dataclass(frozen=True, slots=True)
class AreaIndicator:
    """One stored value of an indicator for one area."""

    area: str
    name: str
    value: float
    unit: str | None
    period: str | None
    source: str
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class _Table:
    """A CSV file's header and data rows (blank rows dropped, their numbers kept)."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def number_from_text(text: str) -> float | None:
    """Return the number written in ``text``, or None if it is not one number.

    Reads Swedish spreadsheets' ways: decimal comma, spaces or non-breaking spaces between
    thousands, a trailing ``%`` (``"23,5 %"`` → 23.5, ``"1 234"`` → 1234.0). Text with both
    a comma and a point is refused: ``1.234,5`` and ``1,234.5`` cannot both be right.
    """
    cleaned = text.strip().removesuffix("%").translate(_THOUSANDS).replace("\u2212", "-")
    if "," in cleaned:
        if "." in cleaned:
            return None
        cleaned = cleaned.replace(",", ".")
    if not _NUMBER.fullmatch(cleaned):
        return None
    number = float(cleaned)
    return number if math.isfinite(number) else None


def _file_error(path: Path, sv: str, en: str) -> IndicatorInputError:
    return IndicatorInputError(Text(sv=f"Filen {path}: {sv}", en=f"The file {path}: {en}"))


def _read_text(path: Path) -> str:
    """Return the file's text: UTF-8 (with or without BOM), else Windows-1252 (Excel)."""
    data = read_file_bytes(path, at_most=MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        limit = MAX_CSV_BYTES // (1024 * 1024)
        raise _file_error(
            path,
            f"är större än {limit} MB; en indikatorfil har en rad per område.",
            f"is larger than {limit} MB; an indicator file has one row per area.",
        )
    if data.startswith(_ZIP_MAGIC):
        raise _file_error(
            path,
            "är en Excel-arbetsbok, inte CSV. Spara den som CSV (semikolonavgränsad) i Excel.",
            "is an Excel workbook, not CSV. Save it as CSV (semicolon or comma separated).",
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        raise _file_error(
            path,
            "är inte text i UTF-8 eller Windows-1252. Spara den som CSV.",
            "is not text in UTF-8 or Windows-1252. Save it as CSV.",
        ) from None


def _delimiter(path: Path, text: str) -> tuple[str, str]:
    """Return the delimiter and the text without an Excel ``sep=`` line."""
    first, _, rest = text.partition("\n")
    if first.strip().lower().startswith("sep=") and len(first.strip()) == 5:
        return first.strip()[4], rest
    sample = text[:SAMPLE_CHARS]
    # A line cut in two does not have the columns of the others.
    if len(text) > SAMPLE_CHARS and "\n" in sample:
        sample = sample[: sample.rindex("\n")]
    sniffer = csv.Sniffer()
    sniffer.preferred = list(PREFERRED_DELIMITERS)
    try:
        return sniffer.sniff(sample, delimiters=DELIMITERS).delimiter, text
    except csv.Error:
        pass
    # The sniffer wants (nearly) every line alike; a title or total line can spoil that.
    lines = sample.splitlines()
    found = {d: sum(d in line for line in lines) for d in PREFERRED_DELIMITERS}
    most = max(found.values())
    if most:
        return next(d for d in PREFERRED_DELIMITERS if found[d] == most), text
    raise _file_error(
        path,
        "har inga kolumner avgränsade med semikolon, komma eller tabb. En indikatorfil har "
        "en kolumn med områdets namn och en med värdet.",
        "has no columns separated by semicolons, commas or tabs. An indicator file has a "
        "column with the area's name and one with the value.",
    )


def _read_table(path: Path) -> _Table:
    delimiter, text = _delimiter(path, _read_text(path))
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            stripped = [cell.strip() for cell in cells]
            if header is None:
                # Lines above the header (a title, a blank line) have fewer columns.
                if sum(bool(cell) for cell in stripped) >= 2:
                    header = stripped
                continue
            # Rows count from the header, blank ones too, as a spreadsheet shows them.
            rows.append((len(rows) + 1, stripped))
    except csv.Error as error:
        raise _file_error(
            path,
            f"är inte giltig CSV ({error}). Spara den på nytt som CSV.",
            f"is not valid CSV ({error}). Save it again as CSV.",
        ) from None
    if header is None:
        raise _file_error(
            path,
            "har ingen rubrikrad med minst två kolumner (område och värde).",
            "has no header row with at least two columns (area and value).",
        )
    return _Table(header, [(n, cells) for n, cells in rows if any(cells)])


def _column(path: Path, header: Sequence[str], wanted: str, flag: str) -> int:
    """Return the index of the column ``wanted`` (any case); refuse, listing the columns."""
    for index, name in enumerate(header):
        if name.casefold() == wanted.strip().casefold():
            return index
    columns = ", ".join(header)
    raise _file_error(
        path,
        f"har ingen kolumn {wanted!r} ({flag}). Kolumner: {columns}.",
        f"has no column {wanted!r} ({flag}). Columns: {columns}.",
    )


def _area_column(path: Path, header: Sequence[str], given: str | None) -> int:
    if given is not None:
        return _column(path, header, given, "--area-column")
    for index, name in enumerate(header):
        if name.casefold() in AREA_COLUMNS:
            return index
    columns = ", ".join(header)
    known = ", ".join(AREA_COLUMNS)
    raise _file_error(
        path,
        f"har ingen kolumn med områdets namn ({known}). Ange den med --area-column. "
        f"Kolumner: {columns}.",
        f"has no column with the area's name ({known}). Give it with --area-column. "
        f"Columns: {columns}.",
    )


def _cell(cells: Sequence[str], index: int) -> str:
    return cells[index] if index < len(cells) else ""


def _is_numeric(table: _Table, index: int) -> bool:
    """Whether most of a column's filled cells are numbers (a few may be ``..``, missing)."""
    filled = [cell for _, cells in table.rows if (cell := _cell(cells, index))]
    numbers = sum(number_from_text(cell) is not None for cell in filled)
    return bool(filled) and numbers * 2 > len(filled)


def _value_column(path: Path, table: _Table, area: int, given: str | None) -> int:
    if given is not None:
        return _column(path, table.header, given, "--value-column")
    others = [i for i in range(len(table.header)) if i != area]
    numeric = [i for i in others if _is_numeric(table, i)]
    if len(numeric) == 1:
        return numeric[0]
    candidates = ", ".join(table.header[i] for i in (numeric or others)) or "-"
    if numeric:
        sv = f"har flera kolumner med tal: {candidates}. Välj en med --value-column."
        en = f"has several columns of numbers: {candidates}. Choose one with --value-column."
    else:
        sv = f"har ingen kolumn med tal; kolumner: {candidates}. Välj en med --value-column."
        en = f"has no column of numbers; columns: {candidates}. Choose one with --value-column."
    raise _file_error(path, sv, en)


def _match_rows(
    workspace: Workspace, table: _Table, area: int, value: int
) -> tuple[dict[str, float], list[tuple[int, Text]]]:
    """Return the value per area id, and the rows that could not be used with why."""
    values: dict[str, float] = {}
    first_row: dict[str, int] = {}
    unmatched: list[tuple[int, Text]] = []
    for row, cells in table.rows:
        name, text = _cell(cells, area), _cell(cells, value)
        try:
            slug = find_area(workspace, name).slug if name else None
        except UnknownAreaError:
            slug = None
        number = number_from_text(text)
        if not name:
            why = Text(sv="inget område angivet", en="no area given")
        elif slug is None:
            why = Text(sv=f"inget område heter {name!r}", en=f"no area is called {name!r}")
        elif not text:
            why = Text(sv="inget värde", en="no value")
        elif number is None:
            why = Text(sv=f"{text!r} är inte ett tal", en=f"{text!r} is not a number")
        elif slug in values:
            why = Text(
                sv=f"området {name!r} har redan ett värde på rad {first_row[slug]}",
                en=f"the area {name!r} already has a value in row {first_row[slug]}",
            )
        else:
            values[slug], first_row[slug] = number, row
            continue
        unmatched.append((row, why))
    return values, unmatched


def _optional(text: str | None) -> str | None:
    """Return ``text`` stripped, or None for no text."""
    if text is None or not text.strip():
        return None
    return text.strip()


def _same(name: str, other: str) -> bool:
    return name.strip().casefold() == other.strip().casefold()


def add_indicator_from_csv(
    workspace: Workspace,
    name: str,
    path: Path,
    *,
    unit: str | None = None,
    period: str | None = None,
    area_column: str | None = None,
    value_column: str | None = None,
    actor: str,
    now: datetime | None = None,
) -> IndicatorImport:
    """Import one value per area of the indicator ``name`` from a CSV file.

    Reads Swedish Excel exports (semicolon, decimal comma, Windows-1252 or UTF-8 with BOM)
    and ordinary comma CSV. Rows name their area by name or id, in any case. The area
    column is the first called område, stadsdel, area, name, namn, slug or id (or
    ``area_column``); the value column ``value_column``, or the only other column of
    numbers. Rows of no area, or without a number, are reported, not stored. An area's
    earlier values of the same name and period are replaced.

    Raises
    ------
    IndicatorInputError
        No name; the file is missing, over ``MAX_CSV_BYTES``, not CSV, or has no area or
        value column to use; or no row names an area of the workspace.
    """
    title = name.strip()
    if not title:
        raise IndicatorInputError(
            Text(
                sv="Ge indikatorn ett namn, t.ex. --name 'Andel otrygga'.",
                en="Give the indicator a name, e.g. --name 'Share feeling unsafe'.",
            )
        )
    table = _read_table(path)
    area = _area_column(path, table.header, area_column)
    value = _value_column(path, table, area, value_column)
    added, unmatched = _match_rows(workspace, table, area, value)
    if not added:
        areas = ", ".join(a.name for a in workspace.areas()) or "-"
        column = table.header[area]
        raise _file_error(
            path,
            f"ingen rad namnger ett område i arbetsytan (kolumnen {column!r}). Områden: {areas}.",
            f"no row names an area of the workspace (column {column!r}). Areas: {areas}.",
        )
    moment = now or datetime.now(UTC)
    replaced = 0
    for slug, number in added.items():
        values: dict[str, object] = {
            "name": title,
            "value": number,
            "unit": _optional(unit),
            "period": _optional(period),
            "source": path.name,
            "created_at": moment,
            "updated_at": moment,
            "created_by": actor,
            "is_demo": False,
        }
        replaced += _store_value(workspace, slug, values, actor=actor)
    return IndicatorImport(title, added, replaced, unmatched)


def _store_value(workspace: Workspace, slug: str, values: dict[str, object], *, actor: str) -> int:
    """Store one area's new value in place of its earlier ones; return how many went.

    One transaction (``Store.replace``): a failed write loses nothing already stored.
    """
    store = workspace.store
    earlier = [
        record["uuid"]
        for record in store.read_records(
            slug, INDICATORS_LAYER, Query(columns=("uuid", "name", "period"))
        )
        if _same(record["name"], str(values["name"])) and record["period"] == values["period"]
    ]
    store.replace(slug, INDICATORS_LAYER, earlier, [(values, None)], actor=actor)
    return len(earlier)


def area_indicators(workspace: Workspace, *, name: str | None = None) -> list[AreaIndicator]:
    """Return every stored indicator value (of ``name`` only, in any case), by name and area.

    Raises
    ------
    IndicatorInputError
        ``name`` is given and no area has a value of it; the message lists the indicators.
    """
    areas: dict[str, Area] = {area.slug: area for area in workspace.areas()}
    found = [
        AreaIndicator(
            area=slug,
            name=record["name"],
            value=record["value"],
            unit=record["unit"],
            period=record["period"],
            source=record["source"],
            updated_at=record["updated_at"],
        )
        for slug in areas
        for record in workspace.store.read_records(slug, INDICATORS_LAYER)
        if name is None or _same(record["name"], name)
    ]
    if name is not None and not found:
        known = ", ".join(indicator_names(workspace)) or "-"
        raise IndicatorInputError(
            Text(
                sv=f"Ingen indikator heter {name!r}. Indikatorer: {known}. Importera en med "
                "'safewalk indicator add'.",
                en=f"No indicator is called {name!r}. Indicators: {known}. Import one with "
                "'safewalk indicator add'.",
            )
        )
    return sorted(
        found,
        key=lambda i: (i.name.casefold(), areas[i.area].name.casefold(), i.period or ""),
    )


def _recency(indicator: AreaIndicator) -> tuple[bool, str, datetime]:
    return indicator.period is not None, indicator.period or "", indicator.updated_at


def indicator_values(workspace: Workspace, name: str) -> dict[str, float]:
    """Return the value of the indicator ``name`` per area id, of its latest period.

    Periods compare as text (``2024`` < ``2025`` < ``2025-T1``); a value without a period
    comes before any with one.

    Raises
    ------
    IndicatorInputError
        No area has a value of ``name``; the message lists the indicators.
    """
    latest: dict[str, AreaIndicator] = {}
    for indicator in area_indicators(workspace, name=name):
        held = latest.get(indicator.area)
        if held is None or _recency(indicator) > _recency(held):
            latest[indicator.area] = indicator
    return {slug: indicator.value for slug, indicator in latest.items()}


def indicator_names(workspace: Workspace) -> list[str]:
    """Return the name of every indicator in the workspace, sorted, each once (any case)."""
    names: dict[str, tuple[datetime, str]] = {}
    for slug in (area.slug for area in workspace.areas()):
        for record in workspace.store.read_records(
            slug, INDICATORS_LAYER, Query(columns=("name", "updated_at"))
        ):
            key = record["name"].casefold()
            # The latest import's spelling names the indicator.
            if key not in names or record["updated_at"] > names[key][0]:
                names[key] = (record["updated_at"], record["name"])
    return sorted((spelling for _, spelling in names.values()), key=str.casefold)
