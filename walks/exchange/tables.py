"""Points from tables as partners keep them, CSV and Excel: the coordinates, their system, why.

Which columns are coordinates and in which reference system is said in the report, never
guessed silently.

Headings name a coordinate as tools and Swedish offices write it (``lat``/``lon``,
``E``/``N``, ``Northing [m]``, ``Nordlig``, ``Östlig``, ``X-koordinat``, KoboToolbox's
``_plats_latitude``), often with the reference system (``E (SWEREF99 TM)``, ``X (RT90)``,
``E_SWEREF99TM``); a column such as ``Koordinatsystem`` may name it instead. In SWEREF 99
and RT90 files X is the northing and Y the easting (the Swedish geodetic convention), in
GIS programs X is the easting: which one a file follows is decided from where its values
fall, the system named helping, and the report says which.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from gis.crs import (
    RT90_25_GON_V,
    SWEREF99_18_00,
    SWEREF99_TM,
    WGS84,
    crs_from_system_name,
    crs_from_user_input,
    has_northing_first,
    infer_crs,
    system_title,
    transform_xy,
)
from gis.i18n import Text
from gis.sheets import read_xlsx_sheets
from walks.exchange.errors import FileImportError, check_archive, refuse

CANDIDATES: Final = (WGS84, SWEREF99_TM, SWEREF99_18_00, RT90_25_GON_V)
"""The systems a table's values are tried in when it names none (lon/lat first)."""
PROJECTED: Final = (SWEREF99_TM, SWEREF99_18_00, RT90_25_GON_V)
"""The systems X/Y values that are no degrees are tried in, each way round."""
HEADING_ROWS: Final = 12
"""How far down a sheet its heading row is looked for (a title above it is common)."""

LON: Final = ("lon", "lng", "long", "longitude", "longitud", "x", "e", "easting", "ost", "öst")
LAT: Final = ("lat", "latitude", "latitud", "y", "n", "northing", "nord")
"""Coordinate names field apps build longer names of (``_plats_latitude``, ``lat_plats``)."""
_WORDS: Final = {
    **dict.fromkeys(("lon", "lng", "long", "longitude", "longitud"), ("geo", "east")),
    **dict.fromkeys(("lat", "latitude", "latitud"), ("geo", "north")),
    **dict.fromkeys(("e", "east", "easting", "ost", "öst", "öster", "östlig", "ostlig",
                     "östkoordinat", "ostkoordinat"), ("grid", "east")),
    **dict.fromkeys(("n", "north", "northing", "nord", "norr", "nordlig", "nordkoordinat"),
                    ("grid", "north")),
    **dict.fromkeys(("x", "xkoordinat", "xkoord"), ("xy", "x")),
    **dict.fromkeys(("y", "ykoordinat", "ykoord"), ("xy", "y")),
}  # fmt: skip
"""A heading's coordinate word: its family (lon/lat, easting/northing, X/Y) and axis."""
_FILLER: Final = frozenset({
    "koordinat", "koordinater", "koord", "coordinate", "coord", "m", "meter", "metre", "metres",
    "meters", "grader", "degrees", "deg", "decimal", "dd",
})  # fmt: skip
"""Words of a coordinate heading that say nothing of the axis or the system."""
SYSTEM_COLUMNS: Final = frozenset({
    "koordinatsystem", "referenssystem", "koordsystem", "koordinatsystem (epsg)", "crs", "srs",
    "srid", "epsg", "coordinate system", "coordinate_system", "coordinatesystem",
    "reference system", "projektion", "projection",
})  # fmt: skip
"""Columns that name each row's reference system."""
_PARTNER: Final = {"east": "north", "north": "east", "x": "y", "y": "x"}
_BRACKETED: Final = re.compile(r"[(\[]([^)\]]*)[)\]]")
_SPACES: Final = re.compile(r"[\s\u00a0\u202f]")


@dataclass(frozen=True, slots=True)
class Table:
    """A file's rows under their heading: text from a CSV, typed cells from a spreadsheet."""

    name: str
    """The file's name, for messages."""
    header: list[str]
    rows: list[list[object]]
    notes: tuple[Text, ...] = ()
    """Where in the file the table was found (a workbook's sheet)."""
    first_row: int = 2
    """The row (line) of the file the first of ``rows`` is in, for messages."""


@dataclass(frozen=True, slots=True)
class _Axis:
    """What a column's heading says of the coordinate it holds."""

    column: str
    family: str
    """``geo`` (lon/lat), ``grid`` (easting/northing) or ``xy``."""
    role: str
    """``east``/``north``, or ``x``/``y``."""
    system: str | None = None
    """The reference system the heading names (``EPSG:nnnn``)."""
    unknown: str | None = None
    """A system named in brackets that is none safewalk knows."""


@dataclass(frozen=True, slots=True)
class _Named:
    """A reference system a table names, and where."""

    crs: str
    where: Text


# ------------------------------------------------------------------ reading
def read_csv_table(path: Path) -> Table:
    """Return a CSV's heading and rows (text).

    Reads UTF-8 (with or without BOM) or Windows-1252, semicolons or commas.

    Raises
    ------
    FileImportError
        An empty file, or rows of another length than the heading.
    """
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = raw.decode("cp1252")
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") >= first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if not rows:
        raise refuse(sv=f"{path.name} är tom.", en=f"{path.name} is empty.")
    header = rows[0]
    body: list[list[object]] = []
    for k, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise refuse(
                sv=f"{path.name}, rad {k}: {len(row)} fält, rubrikraden har {len(header)}.",
                en=f"{path.name}, line {k}: {len(row)} fields, the heading has {len(header)}.",
            )
        body.append(list(row))
    return Table(path.name, _unique(header), body)


def read_xlsx_table(path: Path) -> Table:
    """Return the table of an Excel workbook (``.xlsx``) that has coordinate columns.

    The first sheet whose heading (in its first rows: a title may stand above it) has
    coordinate columns; the notes say which sheet and row. Checked as any zip first.

    Raises
    ------
    FileImportError / gis.errors.GisError
        No workbook, an unsafe zip, or no sheet with coordinate columns.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            check_archive(archive, path.name)
    except zipfile.BadZipFile:
        raise refuse(sv=f"{path.name} är ingen Excel-arbetsbok (.xlsx).",
                     en=f"{path.name} is not an Excel workbook (.xlsx).") from None  # fmt: skip
    heads = read_xlsx_sheets(path, rows=HEADING_ROWS)
    for sheet, rows in heads.items():
        for k, row in enumerate(rows):
            header = _heading(row)
            if _axes_pair(header) is None:
                continue
            cells = read_xlsx_sheets(path, only=sheet)[sheet]
            width = len(header)
            body = [
                (list(r) + [None] * width)[:width]
                for r in cells[k + 1 :]
                if any(v is not None and str(v).strip() for v in r)
            ]
            others = [s for s in heads if s != sheet]
            where = Text(
                sv=f"Bladet {sheet!r} lästes, med rubrikraden på rad {k + 1}"
                + (f" (det första med koordinatkolumner; övriga blad: {', '.join(others)})."
                   if others else "."),
                en=f"The sheet {sheet!r} was read, its heading in row {k + 1}"
                + (f" (the first with coordinate columns; other sheets: {', '.join(others)})."
                   if others else "."),
            )  # fmt: skip
            return Table(path.name, _unique(header), body, notes=(where,), first_row=k + 2)
    first = next(iter(heads.values()), [])
    columns = _heading(first[0]) if first else []
    raise _no_coordinates(path.name, columns, sheets=list(heads))


def _heading(row: Sequence[object]) -> list[str]:
    """Return a sheet row as column names, without the empty cells that end it."""
    names = ["" if v is None else str(v).strip() for v in row]
    while names and not names[-1]:
        names.pop()
    return names


def _unique(header: Sequence[str]) -> list[str]:
    """Return column names told apart: an empty one by its place, a repeated one numbered."""
    names: list[str] = []
    for k, name in enumerate(header, start=1):
        unique = name or f"({k})"
        while unique in names:
            unique = f"{unique} ({k})"
        names.append(unique)
    return names


# ------------------------------------------------------------------ headings
def _axis(column: str) -> _Axis | None:
    """Return what ``column``'s heading says of a coordinate, or None when it is none."""
    bracketed = [b.strip() for b in _BRACKETED.findall(column)]
    name = _BRACKETED.sub(" ", column).casefold()
    # "Y-koord.", "Nordlig:": a word's own dots and colons are no part of it.
    tokens = [t for w in re.split(r"[\s_\-]+", name) if (t := w.strip(".:"))]
    words = [t for t in tokens if t in _WORDS]
    if len(words) != 1:
        return None
    family, role = _WORDS[words[0]]
    rest = " ".join(t for t in tokens if t not in _WORDS and t not in _FILLER)
    system = crs_from_system_name(rest) if rest else None
    if rest and system is None:
        return None  # "N lampor", "E-post": another word, no coordinate
    unknown = None
    for text in bracketed:
        parts = [text, *(p.strip() for p in re.split(r"[;,]", text))]
        found = next((s for p in parts if p and (s := crs_from_system_name(p))), None)
        if found is not None:
            system = system or found
        elif not all(not p or p in _FILLER for p in re.split(r"[\s;,]+", text.casefold())):
            unknown = text
    return _Axis(column, family, role, system, unknown)


def _axes_pair(header: Sequence[str]) -> tuple[_Axis, _Axis] | None:
    """Return the first pair of coordinate columns of one family, east (or X) first."""
    axes = [a for c in header if (a := _axis(c)) is not None]
    for first in axes:
        partner = next(
            (a for a in axes if a.family == first.family and a.role == _PARTNER[first.role]),
            None,
        )
        if partner is not None:
            return (first, partner) if first.role in ("east", "x") else (partner, first)
    return None


def _coordinate_column(columns: Sequence[str], names: Sequence[str]) -> str | None:
    """Return the column that holds one coordinate, whatever the tool called it."""
    lowered = {c: c.strip().casefold() for c in columns}
    for column, name in lowered.items():
        if name in names:
            return column
    for column, name in lowered.items():  # KoboToolbox, ODK Central, Epicollect5 shapes
        core = name.removeprefix("_").removesuffix("-")
        for wanted in names[:4]:
            if (
                core.endswith(f"_{wanted}")
                or core.endswith(f"-{wanted}")
                or core.startswith(f"{wanted}_")
            ):
                return column
    return None


def _pair(table: Table, coordinates: Mapping[str, str]) -> tuple[_Axis, _Axis, Text | None]:
    """Return the coordinate columns (east or X first) and, when a mapping named them, why.

    Raises
    ------
    FileImportError
        No coordinate columns, or a mapping naming a column the file does not have.
    """
    east, north = coordinates.get("east"), coordinates.get("north")
    if east is not None or north is not None:
        missing = [c for c in (east, north) if c is None or c not in table.header]
        if missing:
            raise refuse(
                sv=f"{table.name}: mappningsfilens [coordinates] ska ange både east och north, "
                f"som kolumner i filen; {', '.join(repr(m) for m in missing)} finns inte. "
                f"Kolumner: {', '.join(table.header)}.",
                en=f"{table.name}: the mapping file's [coordinates] must give both east and "
                f"north, as columns of the file; {', '.join(repr(m) for m in missing)} is not "
                f"there. Columns: {', '.join(table.header)}.",
            )
        why = Text(sv="mappningsfilen anger det", en="the mapping file says so")
        return _Axis(str(east), "grid", "east"), _Axis(str(north), "grid", "north"), why
    pair = _axes_pair(table.header)
    if pair is not None:
        return pair[0], pair[1], None
    x_column = _coordinate_column(table.header, LON)
    y_column = _coordinate_column(table.header, LAT)
    if x_column is None or y_column is None:
        raise _no_coordinates(table.name, table.header)
    return _Axis(x_column, "geo", "east"), _Axis(y_column, "geo", "north"), None


def _no_coordinates(
    name: str, columns: Sequence[str], *, sheets: Sequence[str] = ()
) -> FileImportError:
    where_sv = f" i något av bladen {', '.join(sheets)}" if len(sheets) > 1 else ""
    where_en = f" in any of the sheets {', '.join(sheets)}" if len(sheets) > 1 else ""
    return refuse(
        sv=f"{name}: inga koordinatkolumner{where_sv} (t.ex. lat/lon, E/N, X/Y, Nordlig/Östlig, "
        f"E (SWEREF99 TM), X (RT90)). Kolumner: {', '.join(columns) or '-'}. Heter de något "
        'annat: ange dem i en mappningsfil, [coordinates] east = "…", north = "…".',
        en=f"{name}: no coordinate columns{where_en} (e.g. lat/lon, E/N, X/Y, Northing/Easting, "
        f"E (SWEREF99 TM), X (RT90)). Columns: {', '.join(columns) or '-'}. If they are called "
        'something else: name them in a mapping file, [coordinates] east = "…", north = "…".',
    )


# ------------------------------------------------------------------ systems
def _named_system(
    table: Table, frame: pd.DataFrame, pair: tuple[_Axis, _Axis], mapped: str | None
) -> _Named | None:
    """Return the reference system the table names: mapping, headings, or a column.

    Raises
    ------
    FileImportError
        Two different systems named, a system no one knows, rows in several systems.
    """
    named: list[_Named] = []
    if mapped is not None:
        crs = crs_from_system_name(mapped)
        if crs is None:
            raise refuse(
                sv=f"Mappningsfilens [coordinates] crs = {mapped!r} är inget känt system; ange "
                't.ex. "SWEREF 99 TM", "SWEREF 99 18 00", "RT90 2.5 gon V" eller '
                '"EPSG:3006".',
                en=f"The mapping file's [coordinates] crs = {mapped!r} is no known system; give "
                'e.g. "SWEREF 99 TM", "SWEREF 99 18 00", "RT90 2.5 gon V" or "EPSG:3006".',
            )
        named.append(_Named(crs, Text(sv="som mappningsfilen anger",
                                      en="as the mapping file says")))  # fmt: skip
    in_headings: dict[str, list[str]] = {}
    for axis in pair:
        if axis.system is not None:
            in_headings.setdefault(axis.system, []).append(axis.column)
    if len(in_headings) > 1:
        listed = ", ".join(f"{c[0]} ({system_title(s)})" for s, c in in_headings.items())
        raise refuse(
            sv=f"{table.name}: koordinatkolumnerna anger olika system: {listed}. Rätta "
            "rubrikerna eller ange systemet med --crs.",
            en=f"{table.name}: the coordinate columns name different systems: {listed}. "
            "Correct the headings or give the system with --crs.",
        )
    for system, headings in in_headings.items():
        where = (
            Text(sv=f"som rubriken {headings[0]} anger", en=f"as the heading {headings[0]} says")
            if len(headings) == 1
            else Text(sv=f"som rubrikerna {headings[0]} och {headings[1]} anger",
                      en=f"as the headings {headings[0]} and {headings[1]} say")
        )  # fmt: skip
        named.append(_Named(system, where))
    column = next((c for c in table.header if c.strip().casefold() in SYSTEM_COLUMNS
                   and c not in (pair[0].column, pair[1].column)), None)  # fmt: skip
    if column is not None:
        found = _system_of_rows(table, frame[column].tolist(), column)
        if found is not None:
            named.append(_Named(found, Text(sv=f"som kolumnen {column} anger",
                                            en=f"as the column {column} says")))  # fmt: skip
    if len({n.crs for n in named}) > 1:
        listed = ", ".join(f"{system_title(n.crs)} {n.where.sv}" for n in named)
        listed_en = ", ".join(f"{system_title(n.crs)} {n.where.en}" for n in named)
        raise refuse(
            sv=f"{table.name}: filen anger olika koordinatsystem: {listed}. Rätta filen eller "
            "ange systemet med --crs.",
            en=f"{table.name}: the file names different coordinate systems: {listed_en}. "
            "Correct the file or give the system with --crs.",
        )
    return named[0] if named else None


def _system_of_rows(table: Table, cells: Sequence[object], column: str) -> str | None:
    """Return the one system a system column names for every row that names one.

    Raises
    ------
    FileImportError
        A value that is no known system, or rows in several systems (each part of such a
        file is imported by itself).
    """
    first: dict[str, int] = {}
    for k, cell in enumerate(cells, start=table.first_row):
        text = "" if cell is None else str(cell).strip()
        if not text:
            continue
        crs = crs_from_system_name(text)
        if crs is None:
            raise refuse(
                sv=f"{table.name}, rad {k}: {column} {text!r} är inget känt koordinatsystem "
                "(t.ex. SWEREF 99 TM, SWEREF 99 18 00, RT90 2.5 gon V, WGS 84, EPSG:3006).",
                en=f"{table.name}, row {k}: {column} {text!r} is no known coordinate system "
                "(e.g. SWEREF 99 TM, SWEREF 99 18 00, RT90 2.5 gon V, WGS 84, EPSG:3006).",
            )
        first.setdefault(crs, k)
    if len(first) > 1:
        listed_sv = ", ".join(f"{system_title(c)} från rad {k}" for c, k in first.items())
        listed_en = ", ".join(f"{system_title(c)} from row {k}" for c, k in first.items())
        raise refuse(
            sv=f"{table.name}: raderna är i olika koordinatsystem ({column}: {listed_sv}). Dela "
            "filen så att varje del har ett system, och importera delarna var för sig.",
            en=f"{table.name}: the rows are in different coordinate systems ({column}: "
            f"{listed_en}). Split the file so that each part has one system, and import the "
            "parts one by one.",
        )
    return next(iter(first), None)


# ------------------------------------------------------------------ values
def _numbers(cells: Sequence[object]) -> NDArray[np.float64]:
    """Return cells as numbers: ``6 584 350,5`` (spaces, a decimal comma) too; NaN if none."""
    text = pd.Series(cells, dtype=object).map(
        lambda v: _SPACES.sub("", v).replace(",", ".") if isinstance(v, str) else v
    )
    numbers = pd.to_numeric(text, errors="coerce").to_numpy(dtype=np.float64, na_value=np.nan)
    return np.where(np.isfinite(numbers), numbers, np.nan)


def _span(values: NDArray[np.float64], *, degrees: bool) -> Text:
    """Return the range of some values as people read them (``6 584 673–6 584 742``)."""
    finite = values[np.isfinite(values)]
    if not finite.size:
        return Text(sv="inga tal", en="no numbers")
    low, high = float(finite.min()), float(finite.max())
    if degrees:
        en = f"{low:.4f}" if low == high else f"{low:.4f}–{high:.4f}"
        return Text(sv=en.replace(".", ","), en=en)
    en = f"{low:,.0f}" if round(low) == round(high) else f"{low:,.0f}–{high:,.0f}"
    return Text(sv=en.replace(",", " "), en=en)


def _bounds(x: NDArray[np.float64], y: NDArray[np.float64]) -> tuple[float, float, float, float]:
    valid = np.isfinite(x) & np.isfinite(y)
    if not valid.any():
        return (0.0, 0.0, 0.0, 0.0)
    return (float(x[valid].min()), float(y[valid].min()), float(x[valid].max()),
            float(y[valid].max()))  # fmt: skip


def _inside(x: NDArray[np.float64], y: NDArray[np.float64], crs: str, extent: BaseGeometry) -> int:
    """Return how many of the points lie within ``extent`` (SWEREF 99 TM) in ``crs``."""
    valid = np.isfinite(x) & np.isfinite(y)
    if not valid.any():
        return 0
    tx, ty = transform_xy(x[valid], y[valid], crs, SWEREF99_TM)
    return int(np.count_nonzero(shapely.contains_xy(extent, tx, ty)))


# ------------------------------------------------------------------ deciding
def table_points(
    table: Table, *, crs: str | None, extent: BaseGeometry,
    coordinates: Mapping[str, str] | None = None,
) -> tuple[gpd.GeoDataFrame, list[Text]]:  # fmt: skip
    """Return the table's rows with ``geometry`` points in SWEREF 99 TM, and how they were read.

    The coordinate columns are found by their headings (or ``coordinates``, a mapping's
    ``east``/``north``/``crs``); the system is ``crs`` (``--crs``, which overrides), else the
    one the headings, a system column or the mapping name, else the one of SWEREF 99 TM,
    SWEREF 99 18 00, RT90 2.5 gon V and WGS 84 that puts the values near the workspace's
    areas (``extent``, SWEREF 99 TM). X/Y are read either way round as the values fall.
    The notes say which column was read as what, in which system, and why.

    Raises
    ------
    FileImportError
        No coordinate columns; a system that cannot be told, named twice differently, or
        that the values do not fit while another does; rows in several systems.
    """
    rules = coordinates or {}
    first, second, mapped = _pair(table, rules)
    frame = pd.DataFrame(table.rows, columns=table.header, dtype=object)
    a = _numbers(frame[first.column].tolist())
    b = _numbers(frame[second.column].tolist())
    named = _named_system(table, frame, (first, second), rules.get("crs"))
    given = crs_from_user_input(crs).to_string() if crs else None
    notes = list(table.notes)
    if given is not None and named is not None and named.crs != given:
        notes.append(Text(
            sv=f"--crs {given} används i stället för {system_title(named.crs)}, {named.where.sv}.",
            en=f"--crs {given} is used instead of {system_title(named.crs)}, {named.where.en}.",
        ))  # fmt: skip
    elif named is not None and given is None:
        notes.append(Text(sv=f"Koordinatsystemet är {system_title(named.crs)}, {named.where.sv}.",
                          en=f"The coordinate system is {system_title(named.crs)}, "
                          f"{named.where.en}."))  # fmt: skip
    unknown = [x for x in (first.unknown, second.unknown) if x]
    if unknown and named is None and given is None:
        notes.append(Text(
            sv=f"Rubriken nämner {unknown[0]!r}, inget system safewalk känner; systemet "
            "avgjordes av värdena.",
            en=f"The heading names {unknown[0]!r}, no system safewalk knows; the system was "
            "told from the values.",
        ))  # fmt: skip
    system = given or (named.crs if named else None)
    if first.family == "xy":
        x, y, used, why = _xy(table.name, (first, second), a, b, system=system, extent=extent)
        if system is None:
            notes.insert(len(table.notes), _inferred(used))
        if named is not None and given is None:
            _refuse_if_elsewhere(table.name, named, x, y, extent=extent)
        notes.append(why)
    else:
        x, y = a, b
        used = system or _inferred_system(table.name, x, y, extent=extent, candidates=CANDIDATES)
        if system is None:
            notes.insert(len(table.notes), _inferred(used))
        if named is not None and given is None:
            _refuse_if_elsewhere(table.name, named, x, y, extent=extent)
        notes.append(_fixed_note(first, second, mapped, geographic=_is_geographic(used)))
    valid = np.isfinite(x) & np.isfinite(y)
    geometry = np.full(len(frame), None, dtype=object)
    geometry[valid] = shapely.points(x[valid], y[valid])
    frame = frame.drop(columns=[first.column, second.column])
    points = gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries(geometry, crs=used))
    return points.to_crs(SWEREF99_TM), notes


def _is_geographic(crs: str) -> bool:
    return bool(crs_from_user_input(crs).is_geographic)


def _inferred(crs: str) -> Text:
    return Text(sv=f"Koordinatsystemet {crs} antogs av värdena.",
                en=f"The coordinate system {crs} was inferred from the values.")  # fmt: skip


def _inferred_system(
    name: str, x: NDArray[np.float64], y: NDArray[np.float64], *, extent: BaseGeometry,
    candidates: tuple[str, ...],
) -> str:  # fmt: skip
    """Return the one system of ``candidates`` that puts the points near the areas.

    Raises
    ------
    FileImportError
        None or several do.
    """
    found = infer_crs(_bounds(x, y), expected_extent=extent, candidates=candidates)
    if found is None:
        raise refuse(
            sv=f"{name}: koordinaternas system går inte att avgöra; ange --crs (t.ex. EPSG:4326 "
            "för lat/lon, EPSG:3006 för SWEREF 99 TM, EPSG:3011 för SWEREF 99 18 00, EPSG:3021 "
            "för RT90) eller systemet i rubriken, t.ex. E (SWEREF99 TM).",
            en=f"{name}: the coordinates' system cannot be told; give --crs (e.g. EPSG:4326 for "
            "lat/lon, EPSG:3006 for SWEREF 99 TM, EPSG:3011 for SWEREF 99 18 00, EPSG:3021 for "
            "RT90) or the system in the heading, e.g. E (SWEREF99 TM).",
        )
    return found


def _refuse_if_elsewhere(
    name: str, named: _Named, x: NDArray[np.float64], y: NDArray[np.float64], *,
    extent: BaseGeometry,
) -> None:  # fmt: skip
    """Refuse a named system that puts no point near the areas when another puts them all.

    Raises
    ------
    FileImportError
        Naming both systems.
    """
    if not (np.isfinite(x) & np.isfinite(y)).any() or _inside(x, y, named.crs, extent):
        return
    others = tuple(c for c in CANDIDATES if c != named.crs)
    candidates = [(x, y)] if _is_geographic(named.crs) else [(x, y), (y, x)]
    for cx, cy in candidates:
        other = infer_crs(_bounds(cx, cy), expected_extent=extent, candidates=others)
        if other is not None:
            raise refuse(
                sv=f"{name}: filen anger {system_title(named.crs)} ({named.where.sv}), men då "
                f"ligger ingen punkt nära områdena; i {system_title(other)} gör alla det. Rätta "
                f"filen eller ange --crs {other}.",
                en=f"{name}: the file names {system_title(named.crs)} ({named.where.en}), but "
                f"then no point lies near the areas; in {system_title(other)} all do. Correct "
                f"the file or give --crs {other}.",
            )


def _fixed_note(first: _Axis, second: _Axis, mapped: Text | None, *, geographic: bool) -> Text:
    """Say how columns named east and north (or lon and lat) were read."""
    why = mapped or Text(sv="rubrikerna säger det", en="the headings say so")
    if geographic:
        return Text(
            sv=f"{first.column} lästes som longitud och {second.column} som latitud: {why.sv}.",
            en=f"{first.column} was read as the longitude and {second.column} as the latitude: "
            f"{why.en}.",
        )
    return Text(
        sv=f"{first.column} lästes som östlig och {second.column} som nordlig koordinat: {why.sv}.",
        en=f"{first.column} was read as the easting and {second.column} as the northing: {why.en}.",
    )


def _xy(
    name: str, pair: tuple[_Axis, _Axis], xs: NDArray[np.float64], ys: NDArray[np.float64], *,
    system: str | None, extent: BaseGeometry,
) -> tuple[NDArray[np.float64], NDArray[np.float64], str, Text]:  # fmt: skip
    """Return X/Y columns' eastings, northings and system, and why they were read so.

    Degrees are longitude (X) and latitude (Y). Metres are tried both ways round: X as
    the easting (GIS programs) and X as the northing (SWEREF 99 and RT90 files), in the
    system given, else in each Swedish one; the one way that puts the values near the
    areas wins.

    Raises
    ------
    FileImportError
        No way, or more than one, puts the values near the areas, and no system is given.
    """
    x_name, y_name = pair[0].column, pair[1].column
    valid = np.isfinite(xs) & np.isfinite(ys)
    degrees = bool(valid.any()) and bool(
        (np.abs(xs[valid]) <= 180).all() and (np.abs(ys[valid]) <= 90).all()
    )
    if (system is None and degrees) or (system is not None and _is_geographic(system)):
        used = system or _inferred_system(name, xs, ys, extent=extent, candidates=(WGS84,))
        why = Text(
            sv=f"{x_name} lästes som longitud och {y_name} som latitud: värdena är grader "
            f"({x_name} {_span(xs, degrees=True).sv}, {y_name} {_span(ys, degrees=True).sv}).",
            en=f"{x_name} was read as the longitude and {y_name} as the latitude: the values "
            f"are degrees ({x_name} {_span(xs, degrees=True).en}, {y_name} "
            f"{_span(ys, degrees=True).en}).",
        )
        return xs, ys, used, why
    if system is None:
        fits = []
        for north_first, (ex, ny) in ((False, (xs, ys)), (True, (ys, xs))):
            found = infer_crs(_bounds(ex, ny), expected_extent=extent, candidates=PROJECTED)
            if found is not None:
                fits.append((north_first, found))
        if len(fits) != 1:
            raise refuse(
                sv=f"{name}: varken koordinatsystemet eller vilken av {x_name} och {y_name} som "
                f"är nordlig går att avgöra av värdena ({x_name} {_span(xs, degrees=False).sv}, "
                f"{y_name} {_span(ys, degrees=False).sv}). Ange --crs (t.ex. EPSG:3006 för "
                "SWEREF 99 TM, EPSG:3011 för SWEREF 99 18 00, EPSG:3021 för RT90), systemet i "
                f"rubriken (t.ex. {x_name} (RT90)), eller kolumnerna i en mappningsfil: "
                f'[coordinates] north = "{x_name}", east = "{y_name}", crs = "SWEREF 99 TM".',
                en=f"{name}: neither the coordinate system nor which of {x_name} and {y_name} is "
                f"the northing can be told from the values ({x_name} "
                f"{_span(xs, degrees=False).en}, {y_name} {_span(ys, degrees=False).en}). Give "
                "--crs (e.g. EPSG:3006 for SWEREF 99 TM, EPSG:3011 for SWEREF 99 18 00, "
                f"EPSG:3021 for RT90), the system in the heading (e.g. {x_name} (RT90)), or the "
                f'columns in a mapping file: [coordinates] north = "{x_name}", east = '
                f'"{y_name}", crs = "SWEREF 99 TM".',
            )
        north_first, used = fits[0]
        decided_by_values = True
    else:
        used = system
        as_east, as_north = _inside(xs, ys, used, extent), _inside(ys, xs, used, extent)
        decided_by_values = as_east != as_north
        north_first = as_north > as_east if decided_by_values else has_northing_first(used)
    east, north = (ys, xs) if north_first else (xs, ys)
    title = system_title(used)
    if not decided_by_values:
        axis_sv, axis_en = ("nordlig", "northing") if north_first else ("östlig", "easting")
        why = Text(
            sv=f"{x_name} lästes som {axis_sv} koordinat, som axlarna är ordnade i {title}: "
            "värdena hamnar inte nära områdena åt något håll.",
            en=f"{x_name} was read as the {axis_en}, as the axes are ordered in {title}: the "
            "values fall near the areas neither way round.",
        )
    elif north_first:
        convention = has_northing_first(used)
        why = Text(
            sv=f"{x_name} lästes som nordlig och {y_name} som östlig koordinat: "
            + (f"i {title} är X nordlig (svensk geodetisk konvention), och " if convention
               else "")
            + f"värdena i {x_name}, {_span(xs, degrees=False).sv}, ligger i nordled vid "
            "områdena.",
            en=f"{x_name} was read as the northing and {y_name} as the easting: "
            + (f"in {title} X is the northing (the Swedish geodetic convention), and " if
               convention else "")
            + f"the values of {x_name}, {_span(xs, degrees=False).en}, are northings near the "
            "areas.",
        )  # fmt: skip
    else:
        why = Text(
            sv=f"{x_name} lästes som östlig och {y_name} som nordlig koordinat, som i "
            f"GIS-program: bara så hamnar värdena ({x_name} {_span(xs, degrees=False).sv}, "
            f"{y_name} {_span(ys, degrees=False).sv}) vid områdena i {title}.",
            en=f"{x_name} was read as the easting and {y_name} as the northing, as GIS "
            f"programs have them: only so do the values ({x_name} "
            f"{_span(xs, degrees=False).en}, {y_name} {_span(ys, degrees=False).en}) fall near "
            f"the areas in {title}.",
        )
    return east, north, used, why
