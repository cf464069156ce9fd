"""Importing observations from other tools' files: a report per feature, then all or none.

Formats: whatever GDAL reads (GeoPackage, GeoJSON — also older files with a ``crs``
member —, KML, GPX waypoints), zipped Shapefiles and KMZ (unpacked safely), and CSV with
coordinate columns (Swedish Excel's semicolons and decimal commas too). Each feature is
accepted, repaired (an invalid polygon made valid, saying so) or rejected with the
reason; ``dry_run`` writes nothing, and an import writes all its accepted features or none
(``Store.append_batches``: each chunk is written as soon as it is checked, while the next
is checked on the other core, in one write). Importing the same file again adds nothing:
each feature's UUID is kept from the file (safewalk's own exports) or derived from its
source identity.
"""

from __future__ import annotations

import gc
import hashlib
import tempfile
import uuid as uuid_module
import zipfile
from collections.abc import (
    Callable,
    Container,
    Generator,
    Iterable,
    Iterator,
    Mapping,
    Sequence,
)
from contextlib import closing, contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from numpy.typing import NDArray
from shapely.geometry.base import BaseGeometry

from gis.cells import plain_value
from gis.crs import SWEREF99_TM, WGS84, to_wgs84
from gis.i18n import LocalizedError, Text
from gis.io import INFERRED_CRS, MAX_VECTOR_FILE_BYTES, read_vector_file
from layers.catalog import Catalog, FieldSpec, LayerSpec
from layers.rules.changelog import logged_text
from layers.rules.rows import CheckedRow, checked_columns
from layers.schema import SqlValue, TableSpec, coerce_value, table_for_category
from layers.store import Area, Query
from walks.core.clock import LOCAL_TIME
from walks.core.model import Position
from walks.core.workspace import Workspace
from walks.exchange.errors import MAX_UNPACKED_BYTES, check_archive, refuse
from walks.exchange.errors import FileImportError as FileImportError
from walks.exchange.forked import in_two_processes
from walks.exchange.tables import read_csv_table, read_xlsx_table, table_points
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import locate, swapped_area

READABLE: Final = (".shp", ".kml", ".gpkg", ".geojson", ".json", ".csv", ".xlsx")
"""The files in a zip or KMZ that are read (the first one found)."""
NAMESPACE: Final = uuid_module.UUID("6c6b4a1e-2f3d-4c52-9a57-0b7f3f1d2a10")
"""UUIDs of imported features without one derive from this and their source identity."""
COMMON: Final = {
    "description": ("description", "beskrivning", "comment", "kommentar", "notes", "name"),
    "severity": ("severity", "allvarlighet", "allvarlighetsgrad"),
    "status": ("status",),
    "observed_at": ("observed_at", "iakttagen", "time", "tid", "date", "datum", "timestamp"),
    "light_condition": ("light_condition", "ljus", "ljusförhållande"),
}
"""Columns that give an observation's common fields, by the names tools use."""


@dataclass(slots=True)
class ImportReport:
    """What an import did, or would do (``dry_run``)."""

    accepted: int = 0
    repaired: list[tuple[int, Text]] = field(default_factory=list)
    rejected: list[tuple[int, Text]] = field(default_factory=list)
    already: int = 0
    """Features imported before (the same UUID or source identity): left as they are."""
    areas: dict[str, int] = field(default_factory=dict)
    notes: list[Text] = field(default_factory=list)
    """What was assumed, e.g. a coordinate system inferred from the values."""
    written: bool = False
    mapping: dict[str, dict[str, str]] = field(default_factory=dict)
    """Per category, the file's columns and the fields they filled: for the user to check."""
    set_values: dict[str, object] = field(default_factory=dict)
    """The values given to every feature that had none (``--field``, ``[set]``)."""


# ------------------------------------------------------------------ reading
def _safe_unzip(path: Path, folder: Path) -> list[Path]:
    """Unpack a zip into ``folder``, refusing paths that leave it and zip bombs."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise refuse(sv=f"{path.name} är ingen giltig zip-fil.",
                     en=f"{path.name} is not a valid zip file.") from None  # fmt: skip
    with archive:
        check_archive(archive, path.name)
        files = []
        for member in archive.infolist():
            if member.is_dir():
                continue
            target = folder / PurePosixPath(member.filename).name
            with archive.open(member) as source:
                target.write_bytes(source.read(MAX_UNPACKED_BYTES + 1))
            files.append(target)
        return files


def read_source(
    workspace: Workspace, path: Path, *, crs: str | None, layer: str | None, notes: list[Text],
    coordinates: Mapping[str, str] | None = None,
) -> gpd.GeoDataFrame:  # fmt: skip
    """Return the features of ``path`` in EPSG:3006, unpacking zips and KMZ safely.

    A table (CSV, Excel) is read as ``walks.exchange.tables`` says; ``coordinates`` are a
    mapping file's ``[coordinates]`` for it.

    Raises
    ------
    FileImportError / gis.errors.GisError
        A file that cannot be read, is too large, or has no coordinate system that can be
        known (``--crs`` names it).
    """
    if not path.is_file():
        raise refuse(sv=f"Filen {path} finns inte.", en=f"The file {path} does not exist.")
    size = path.stat().st_size
    largest = min(workspace.settings.max_import_bytes, MAX_VECTOR_FILE_BYTES)
    if size > largest:
        raise refuse(
            sv=f"{path.name} är för stor ({size / 1e6:.1f} MB; högst {largest / 1e6:.1f} MB, "
            "SAFEWALK_MAX_IMPORT_MB).",
            en=f"{path.name} is too large ({size / 1e6:.1f} MB; at most {largest / 1e6:.1f} MB, "
            "SAFEWALK_MAX_IMPORT_MB).",
        )
    extent = shapely.union_all([a.boundary for a in workspace.areas()]).buffer(30_000)
    suffix = path.suffix.lower()
    if suffix in (".zip", ".kmz"):
        with tempfile.TemporaryDirectory(prefix="safewalk-import-") as folder:
            files = _safe_unzip(path, Path(folder))
            readable = sorted(f for f in files if f.suffix.lower() in READABLE)
            if not readable:
                raise refuse(sv=f"{path.name} innehåller ingen geodatafil.",
                             en=f"{path.name} holds no geodata file.")  # fmt: skip
            frames = []
            for file in readable:
                frame = read_source(workspace, file, crs=crs, layer=layer, notes=notes,
                                    coordinates=coordinates)  # fmt: skip
                # safewalk's own Shapefiles are named <category>_<kind>.shp
                prefix = file.stem.rsplit("_", 1)[0]
                if prefix in workspace.catalog.names and "category" not in frame:
                    frame = frame.assign(category=prefix)
                frames.append(frame)
            return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=SWEREF99_TM)
    if suffix in (".csv", ".xlsx"):
        table = read_csv_table(path) if suffix == ".csv" else read_xlsx_table(path)
        points, said = table_points(table, crs=crs, extent=extent, coordinates=coordinates)
        notes.extend(said)
        return points
    if suffix == ".gpx" and layer is None:
        layer = "waypoints"
    return _read_layers(workspace, path, crs=crs, layer=layer, extent=extent, notes=notes)


def file_layers(path: Path) -> list[str]:
    """Return the names of a file's layers that hold geometry (a GeoPackage may have many)."""
    import pyogrio

    try:
        return [str(name) for name, kind in pyogrio.list_layers(path) if kind is not None]
    except (pyogrio.errors.DataSourceError, ValueError):
        return []


def import_upload(
    workspace: Workspace, name: str, data: bytes, *, mapping: bytes | None = None,
    **options: Any,
) -> ImportReport:  # fmt: skip
    """Import an uploaded file (its name and bytes), as ``import_observations`` does.

    ``mapping``: an uploaded mapping file's bytes (``read_mapping``).
    """
    with _uploaded(name, data, mapping) as (path, rules):
        return import_observations(workspace, path, mapping=rules, **options)


def upload_unfilled_fields(
    workspace: Workspace, name: str, data: bytes, *, category: str,
    mapping: bytes | None = None, layer: str | None = None, crs: str | None = None,
) -> list[FieldSpec]:  # fmt: skip
    """Return the required fields an uploaded file leaves empty (``unfilled_required_fields``)."""
    with _uploaded(name, data, mapping) as (path, rules):
        return unfilled_required_fields(workspace, path, category=category, mapping=rules,
                                        layer=layer, crs=crs)  # fmt: skip


@contextmanager
def _uploaded(
    name: str, data: bytes, mapping: bytes | None
) -> Iterator[tuple[Path, ColumnMapping | None]]:
    """Keep an upload (and its mapping file) as files while they are read."""
    with tempfile.TemporaryDirectory(prefix="safewalk-upload-") as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        rules = None
        if mapping is not None:
            mapping_path = Path(folder) / "mapping.toml"
            mapping_path.write_bytes(mapping)
            rules = read_mapping(mapping_path)
        yield path, rules


def upload_layers(name: str, data: bytes) -> list[str]:
    """Return the layers of an uploaded GeoPackage to choose from (none for other files)."""
    if not name.lower().endswith(".gpkg"):
        return []
    with tempfile.TemporaryDirectory(prefix="safewalk-upload-") as folder:
        path = Path(folder) / Path(name).name
        path.write_bytes(data)
        return file_layers(path)


def _read_layers(
    workspace: Workspace, path: Path, *, crs: str | None, layer: str | None,
    extent: BaseGeometry, notes: list[Text],
) -> gpd.GeoDataFrame:  # fmt: skip
    """Read one layer, or several: a KML's folders, or a GeoPackage's category layers."""
    import pyogrio

    # Opening a GeoJSON file reads all of it: only files that can have layers are asked.
    listed = file_layers(path) if path.suffix.lower() in (".gpkg", ".kml") else []
    if layer is not None or len(listed) <= 1:
        frame = read_vector_file(path, crs=crs, layer=layer, expected_extent=extent)
        if frame.attrs.get(INFERRED_CRS):
            notes.append(Text(sv="Filen anger inget koordinatsystem; det antogs av värdena.",
                              en="The file states no coordinate system; it was inferred from "
                              "the values."))  # fmt: skip
        return frame
    categories = [name for name in listed if name in workspace.catalog.names]
    if path.suffix.lower() == ".kml":
        chosen, named = listed, "folder"
    elif categories:  # safewalk's own GeoPackage: each category layer as its category
        chosen, named = categories, "category"
    else:
        raise refuse(
            sv=f"{path.name} har flera lager: {', '.join(listed)}; välj ett med --layer.",
            en=f"{path.name} has several layers: {', '.join(listed)}; choose one with --layer.",
        )
    frames = []
    for name in chosen:
        if not pyogrio.read_info(path, layer=name)["features"]:
            continue
        frame = read_vector_file(path, crs=crs, layer=name, expected_extent=extent)
        frames.append(frame.assign(**{named: name}))
    if not frames:
        raise refuse(sv=f"{path.name} har inga objekt.", en=f"{path.name} has no features.")
    return gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=SWEREF99_TM)


# ------------------------------------------------------------------ planning
OWN_COLUMNS: Final = frozenset({
    "area", "area_id", "category", "kategori", "number", "uuid", "lon", "lat", "easting",
    "northing", "wkt", "folder", "updated_at",
})  # fmt: skip
"""Columns of safewalk's own exports (and of the import itself) that are no field."""


def _match(columns: Sequence[str], spec: LayerSpec) -> dict[str, str]:
    """Return {file column: catalog field} for the columns that name a field.

    A field's own name wins over a title that happens to be the same word.
    """
    found: dict[str, str] = {}
    names: dict[str, str] = {}
    for f in spec.fields:
        for alias in (f.name, f.title.sv, f.title.en):
            names[alias.casefold()] = f.name
    for name, aliases in COMMON.items():
        for alias in aliases:
            names.setdefault(alias, name)
    exact = {f.name for f in spec.fields} | set(COMMON)
    for name in exact | {"created_at", "created_by", "responsible"}:
        names.setdefault(name[:10], name)  # a Shapefile keeps 10 characters of a name
    ordered = sorted(columns, key=lambda c: str(c).strip().casefold() not in exact)
    for column in ordered:
        key = str(column).strip().casefold()
        if key in OWN_COLUMNS or key not in names or names[key] in found.values():
            continue
        found[column] = names[key]
    return found


def _value(value: object) -> object:
    """Return a cell as plain Python; text trimmed, a spreadsheet's formula guard taken off."""
    plain = plain_value(value)
    if isinstance(plain, str):
        return _unguarded(plain.strip())
    return plain


def _unguarded(text: str) -> str | None:
    """Return trimmed text without a spreadsheet's formula guard, None for no text."""
    return text[1:] if text[:1] == "'" and text[1:2] in ("=", "+", "-", "@") else text or None


def _moment(given: str | datetime) -> object:
    """Return a time as written; one without a zone is Stockholm time (as spreadsheets keep)."""
    if isinstance(given, datetime):
        moment = pd.Timestamp(given).to_pydatetime()
    else:
        try:
            moment = datetime.fromisoformat(given)
        except ValueError:
            try:
                stamp = pd.Timestamp(given)
            except ValueError:
                return given  # the store names the value that is no time
            if pd.isna(stamp):
                return given
            moment = stamp.to_pydatetime()
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=LOCAL_TIME)


@dataclass(frozen=True, slots=True)
class ColumnMapping:
    """How a file's columns and values become the catalog's: from a small TOML file.

    ``category``: every feature's category; else ``category_column`` names the column
    whose values ``categories`` turns into categories. ``fields``: file column → field.
    ``values``: per field, file value → catalog value. ``set_values`` (``[set]``): field →
    the value of every feature that has none. ``coordinates`` (``[coordinates]``): a
    table's coordinate columns, ``east`` and ``north``, and their system, ``crs``.
    """

    category: str | None = None
    category_column: str | None = None
    categories: Mapping[str, str] = field(default_factory=dict)
    fields: Mapping[str, str] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, object]] = field(default_factory=dict)
    set_values: Mapping[str, object] = field(default_factory=dict)
    coordinates: Mapping[str, str] = field(default_factory=dict)


COORDINATE_KEYS: Final = ("east", "north", "crs")
"""What a mapping file's ``[coordinates]`` may say."""


def read_mapping(path: Path) -> ColumnMapping:
    """Return the column mapping of a TOML file.

    Raises
    ------
    FileImportError
        The file cannot be read, is not TOML, or has a part of the wrong shape.
    """
    import tomllib

    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise refuse(
            sv=f"{path.name}: mappningsfilen kan inte läsas ({error}).",
            en=f"{path.name}: the mapping file cannot be read ({error}).",
        ) from None
    names = ("categories", "fields", "values", "set", "coordinates")
    tables = {key: document.get(key, {}) for key in names}
    if not all(isinstance(t, dict) for t in tables.values()):
        raise refuse(
            sv=f"{path.name}: categories, fields, values, set och coordinates ska vara tabeller "
            "([fields] …).",
            en=f"{path.name}: categories, fields, values, set and coordinates must be tables "
            "([fields] …).",
        )
    odd = sorted(set(tables["coordinates"]) - set(COORDINATE_KEYS)) + [
        k for k, v in tables["coordinates"].items() if not isinstance(v, str)
    ]
    if odd:
        raise refuse(
            sv=f"{path.name}: [coordinates] tar east, north och crs, som text; inte {odd[0]}.",
            en=f"{path.name}: [coordinates] takes east, north and crs, as text; not {odd[0]}.",
        )
    nested = [k for k, v in tables["set"].items() if isinstance(v, dict | list)]
    if nested:
        raise refuse(
            sv=f'{path.name}: [set] {nested[0]} ska vara ett värde, t.ex. problem = "broken".',
            en=f'{path.name}: [set] {nested[0]} must be one value, e.g. problem = "broken".',
        )
    return ColumnMapping(
        category=document.get("category"),
        category_column=document.get("category_column"),
        categories={str(k): str(v) for k, v in tables["categories"].items()},
        fields={str(k): str(v) for k, v in tables["fields"].items()},
        values={str(k): dict(v) for k, v in tables["values"].items() if isinstance(v, dict)},
        set_values={str(k): v for k, v in tables["set"].items()},
        coordinates={str(k): str(v) for k, v in tables["coordinates"].items()},
    )


def checked_set_values(
    catalog: Catalog, category: str | None, *, mapped: Mapping[str, object],
    given: Mapping[str, object],
) -> dict[str, object]:  # fmt: skip
    """Return the values set for every feature that has none: ``given`` over ``mapped``.

    ``given``: ``--field name=value`` (or the Data page's answers); ``mapped``: a mapping
    file's ``[set]``. Each must be a field of ``category`` and a value it allows.

    Raises
    ------
    FileImportError
        No category, a field the category does not have, or a value it does not allow;
        naming the field or the value and the choices.
    layers.errors.UnknownLayerError
        An unknown category.
    """
    wanted = {**mapped, **given}
    if not wanted:
        return {}
    if category is None:
        raise refuse(
            sv="--field och [set] gäller en kategori: ange --category (eller category i "
            "mappningsfilen).",
            en="--field and [set] belong to a category: give --category (or category in the "
            "mapping file).",
        )
    spec = catalog.category(category)
    fields = {f.name: f for f in spec.fields}
    for name, value in wanted.items():
        said = f"--field {name}={value}" if name in given else f"[set] {name} = {value!r}"
        if name not in fields:
            listed = ", ".join(f"{f.name} ({f.title.sv})" for f in spec.fields) or "-"
            listed_en = ", ".join(f"{f.name} ({f.title.en})" for f in spec.fields) or "-"
            raise refuse(
                sv=f"{said}: kategorin {spec.title.sv} ({spec.name}) har inget fält {name!r}. "
                f"Dess fält: {listed}.",
                en=f"{said}: the category {spec.title.en} ({spec.name}) has no field {name!r}. "
                f"Its fields: {listed_en}.",
            )
        spec_field = fields[name]
        try:
            coerce_value(spec_field, value)
        except LocalizedError as error:
            if not spec_field.values or value is None or not str(value).strip():
                raise refuse(sv=f"{said}: {error.text.sv}", en=f"{said}: {error.text.en}") \
                    from None  # fmt: skip
            choices = ", ".join(f"{v.value} ({v.title.sv})" for v in spec_field.values)
            choices_en = ", ".join(f"{v.value} ({v.title.en})" for v in spec_field.values)
            raise refuse(
                sv=f"{said}: {value!r} är inget värde för {spec_field.title.sv} ({name}); välj "
                f"bland: {choices}.",
                en=f"{said}: {value!r} is no value of {spec_field.title.en} ({name}); choose "
                f"one of: {choices_en}.",
            ) from None
    return wanted


def unfilled_required_fields(
    workspace: Workspace, path: Path, *, category: str, mapping: ColumnMapping | None = None,
    layer: str | None = None, crs: str | None = None,
) -> list[FieldSpec]:  # fmt: skip
    """Return the required fields of ``category`` that nothing in ``path`` fills.

    Nothing: no column with a value that names the field (as the import matches them), nor
    the mapping's ``[fields]`` or ``[set]``. These are the fields to ask a value for.

    Raises
    ------
    FileImportError / gis.errors.GisError / layers.errors.LayerError
        As ``import_observations`` does for a file it cannot read or an unknown category.
    """
    rules = mapping or ColumnMapping()
    spec = workspace.catalog.category(category)
    frame = read_source(workspace, path, crs=crs, layer=layer, notes=[],
                        coordinates=rules.coordinates)  # fmt: skip
    columns = [
        str(c) for c in frame.columns
        if c != frame.geometry.name and any(_value(v) is not None for v in frame[c].tolist())
    ]  # fmt: skip
    filled = set(_match(columns, spec).values()) | set(rules.set_values)
    filled |= {name for column, name in rules.fields.items() if column in columns}
    return [f for f in spec.fields if f.required and f.name not in filled]


@dataclass(frozen=True, slots=True)
class _Row:
    area: str
    category: str
    values: CheckedRow
    """The row as checked: the store writes it as it is."""
    geometry: BaseGeometry


def import_observations(
    workspace: Workspace,
    path: Path,
    *,
    actor: str,
    area: str | None = None,
    category: str | None = None,
    crs: str | None = None,
    layer: str | None = None,
    mapping: ColumnMapping | None = None,
    fields: Mapping[str, object] | None = None,
    dry_run: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> ImportReport:
    """Import the features of ``path`` as observations; return the report.

    Each feature's category is ``category``, or its ``category`` column (safewalk's own
    exports, or a column named so); its area is ``area``, or the one it lies in. Its
    fields come from the columns that name them (the catalog's names or titles, Swedish
    or English); ``fields`` (``--field``) and the mapping's ``[set]`` give a value to
    every feature that has none, checked against the catalog before the file is read. The
    accepted features of every area are written together (all or none), after every
    feature of the file has been checked; with ``dry_run`` nothing is.

    Raises
    ------
    FileImportError / gis.errors.GisError / layers.errors.LayerError
        A file that cannot be read, or an unknown area or category; a field or value to
        set that the category does not have.
    """
    rules = mapping or ColumnMapping()
    chosen = category or rules.category
    set_values = checked_set_values(workspace.catalog, chosen, mapped=rules.set_values,
                                    given=fields or {})  # fmt: skip
    rules = replace(rules, set_values=set_values)
    notes: list[Text] = []
    frame = read_source(workspace, path, crs=crs, layer=layer, notes=notes,
                        coordinates=rules.coordinates)  # fmt: skip
    if set_values:
        pairs = ", ".join(f"{name} = {value}" for name, value in set_values.items())
        notes.append(Text(sv=f"Satt där filen inte har något värde: {pairs}.",
                          en=f"Set where the file has no value: {pairs}."))  # fmt: skip
    options = _Options(
        file_name=path.name,
        fixed=workspace.catalog.category(chosen).name if chosen else None,
        area=find_area(workspace, area).slug if area else None,
        mapping=rules,
        known=workspace.areas(),
        now=pd.Timestamp.now(tz="UTC").to_pydatetime(),
    )
    parts = _Gathered(_checked_chunks(workspace, frame, options=options, progress=progress))
    with closing(parts), _uncollected():
        batches = _fresh_batches(workspace, parts)
        if dry_run:
            for _ in batches:
                pass
        else:
            workspace.store.append_batches(
                batches,
                actor=actor,
                areas=[options.area] if options.area else [a.slug for a in options.known],
                expected=len(frame),
            )  # fmt: skip
    return ImportReport(
        accepted=parts.accepted,
        repaired=sorted(parts.repaired, key=_number),
        rejected=sorted(parts.rejected, key=_number),
        already=parts.already,
        areas=parts.areas,
        notes=notes,
        written=not dry_run and parts.accepted > 0,
        mapping=_columns_used(parts.mappings),
        set_values=set_values,
    )


class _Gathered(Iterator["_Checked"]):
    """The checked chunks of an import as they come, with what the report needs of them."""

    def __init__(self, parts: Generator[_Checked, None, None]) -> None:
        self._parts = parts
        self.repaired: list[tuple[int, Text]] = []
        self.rejected: list[tuple[int, Text]] = []
        self.mappings: list[dict[str, dict[str, str]]] = []
        self.accepted = 0
        """How many rows are new (``_fresh_batches`` counts them)."""
        self.already = 0
        """How many rows were left out: in the file twice, or imported before."""
        self.areas: dict[str, int] = {}
        """How many new rows go to each area."""

    def __next__(self) -> _Checked:
        part = next(self._parts)
        self.repaired += part.repaired
        self.rejected += part.rejected
        self.mappings.append(part.mapping)
        return part

    def close(self) -> None:
        """Stop the checking (and the forked copy doing it) if it has not ended."""
        self._parts.close()


def _fresh_batches(
    workspace: Workspace, parts: _Gathered
) -> Iterator[tuple[str, str, list[tuple[CheckedRow, BaseGeometry]]]]:
    """Yield the rows of each chunk that are new, by area and category (``append_batches``).

    A row whose UUID an earlier row of the file has, or its layer holds (imported
    before), is left out and counted (``_Gathered.already``), as are the new ones.
    """
    seen: set[str] = set()
    held: dict[tuple[str, str], set[str]] = {}
    for part in parts:
        keys = {(row.area, row.category) for row in part.rows}
        uuids = [str(row.values["uuid"]) for row in part.rows]
        for key in keys - held.keys():
            records = workspace.store.read_records(*key, Query(columns=("uuid",)))
            held[key] = {str(r["uuid"]) for r in records}
        fresh: dict[tuple[str, str], list[tuple[CheckedRow, BaseGeometry]]] = {}
        if _all_new(uuids, keys, seen, held):  # the usual chunk
            fresh[next(iter(keys))] = [(row.values, row.geometry) for row in part.rows]
            seen.update(uuids)
        else:
            for row, uuid in zip(part.rows, uuids, strict=True):
                key = (row.area, row.category)
                if uuid in seen or uuid in held[key]:
                    parts.already += 1
                    continue
                seen.add(uuid)
                fresh.setdefault(key, []).append((row.values, row.geometry))
        for (area, category), rows in fresh.items():
            parts.accepted += len(rows)
            parts.areas[area] = parts.areas.get(area, 0) + len(rows)
            yield area, category, rows


def _all_new(
    uuids: Sequence[str],
    keys: set[tuple[str, str]],
    seen: set[str],
    held: Mapping[tuple[str, str], set[str]],
) -> bool:
    """Return whether a chunk's rows are of one layer and all new: to the file and to it."""
    if len(keys) != 1:
        return False
    (key,) = keys
    return len(set(uuids)) == len(uuids) and seen.isdisjoint(uuids) and held[key].isdisjoint(uuids)


def _number(item: tuple[int, Text]) -> int:
    """Return the feature number of a report's line."""
    return item[0]


def _columns_used(parts: Iterable[Mapping[str, Mapping[str, str]]]) -> dict[str, dict[str, str]]:
    """Return the columns used per category of several parts, each the first field it filled."""
    used: dict[str, dict[str, str]] = {}
    for part in parts:
        for name, columns in part.items():
            merged = used.setdefault(name, {})
            for column, field_name in columns.items():
                merged.setdefault(column, field_name)
    return used


NO_CATEGORY: Final = Text(
    sv="ingen kategori: ange --category eller en kolumn category",
    en="no category: give --category or a column category",
)
EMPTY_GEOMETRY: Final = Text(sv="tom geometri", en="empty geometry")
CHUNK: Final = 5000
"""How many features are checked together (and between two reports of progress)."""
POINT_TYPE_ID: Final = 0
MULTI_TYPE_IDS: Final = (4, 5, 6, 7)
"""shapely's type ids of a point, and of the kinds of several parts (collections too)."""


@dataclass(frozen=True, slots=True)
class _Options:
    """What every feature of one import is checked against, settled once per import."""

    file_name: str
    """The file's name: part of the UUID derived for a feature without one."""
    fixed: str | None
    """Every feature's category (``--category`` or the mapping's); None: each its own."""
    area: str | None
    """Every feature's area (``--area``); None: the one it lies in."""
    mapping: ColumnMapping
    known: Sequence[Area]
    """The workspace's areas, read once: every feature is located among them."""
    now: datetime


@dataclass(frozen=True, slots=True)
class _Packed:
    """A chunk's ``_Checked`` as plain values, sent between processes."""

    areas: list[str]
    categories: list[str]
    values: list[tuple[SqlValue, ...]]
    """Each row's values, in the order of its category's fields."""
    geometries: list[bytes]
    """Each row's geometry as WKB."""
    logged: list[str]
    """Each row as the change log writes it, made where the row was checked."""
    repaired: list[tuple[int, Text]]
    rejected: list[tuple[int, Text]]
    mapping: dict[str, dict[str, str]]


def _packed(part: _Checked) -> _Packed:
    """Return ``part`` as plain values to send to another process."""
    shapes = np.array([row.geometry for row in part.rows], dtype=object)
    return _Packed(
        areas=[row.area for row in part.rows],
        categories=[row.category for row in part.rows],
        values=[tuple(row.values.values()) for row in part.rows],
        geometries=shapely.to_wkb(shapes).tolist(),
        logged=[logged_text(row.values) for row in part.rows],
        repaired=part.repaired,
        rejected=part.rejected,
        mapping=part.mapping,
    )


def _unpacked(packed: _Packed, tables: Mapping[str, TableSpec]) -> _Checked:
    """Return the ``_Checked`` of ``packed``, its rows checked for ``tables`` (by category)."""
    shapes = shapely.from_wkb(np.array(packed.geometries, dtype=object)).tolist()
    rows = [
        _Row(area, name, CheckedRow(zip(tables[name].field_names, values, strict=True),
                                    tables[name], shape), shape)
        for area, name, values, shape in zip(packed.areas, packed.categories, packed.values,
                                             shapes, strict=True)
    ]  # fmt: skip
    for row, text in zip(rows, packed.logged, strict=True):
        row.values.logged = text
    return _Checked(rows, packed.repaired, packed.rejected, packed.mapping)


@dataclass(frozen=True, slots=True)
class _Checked:
    """What checking some features found; features are numbered in the file, from 1."""

    rows: list[_Row]
    """The rows to store, in the file's order."""
    repaired: list[tuple[int, Text]]
    """The accepted features whose geometry was repaired, and how."""
    rejected: list[tuple[int, Text]]
    """The refused features and why (in no particular order)."""
    mapping: dict[str, dict[str, str]]
    """Per category, the file's columns and the fields they filled, in the order first used."""


def _checked(
    workspace: Workspace, frame: gpd.GeoDataFrame, *, first: int, options: _Options
) -> _Checked:
    """Return what checking the features of ``frame`` found; its first feature is ``first``.

    Every feature gets one verdict: a feature refused by an earlier step is not checked
    by the later ones, except that an empty geometry is said rather than a missing category.
    """
    cells = _cells(frame)
    names, unnamed = _given_categories(cells, len(frame), fixed=options.fixed,
                                       mapping=options.mapping)  # fmt: skip
    geometries, repairs, empty = _usable_geometries(frame.geometry.to_numpy())
    refused = unnamed | empty
    specs, unfit = _category_specs(workspace.catalog, names, geometries, refused=refused)
    refused |= unfit
    areas, unplaced = _feature_areas(workspace, geometries, area=options.area,
                                     known=options.known, refused=refused)  # fmt: skip
    refused |= unplaced
    identities = _identities(options.file_name, cells, geometries)
    rows: dict[int, _Row] = {}
    used: dict[str, dict[str, str]] = {}
    for name, indexes in _indexes_by_category(specs, refused).items():
        spec = workspace.catalog.category(name)
        values, used[name] = _field_values(spec, cells, indexes, identities,
                                           mapping=options.mapping, now=options.now)  # fmt: skip
        shapes = [geometries[i] for i in indexes]
        # Rows as checked here are stored as they are: the store does not check them again.
        checked, errors = checked_columns(table_for_category(spec), values, shapes)
        for j, i in enumerate(indexes):
            row = checked[j]
            if row is None:
                refused[i] = errors[j].text
            else:
                rows[i] = _Row(areas[i], name, row, geometries[i])
    return _Checked(
        rows=[rows[i] for i in sorted(rows)],
        repaired=[(first + i, text) for i, text in repairs.items() if i in rows],
        rejected=[(first + i, text) for i, text in refused.items()],
        mapping=used,
    )


@contextmanager
def _uncollected() -> Iterator[None]:
    """Hold Python's cycle collector off while many rows are made and written (no cycles).

    Otherwise it walks every object made so far again and again, a fifth of an import.
    """
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _checked_chunks(
    workspace: Workspace, frame: gpd.GeoDataFrame, *, options: _Options,
    progress: Callable[[int, int], None] | None,
) -> Generator[_Checked, None, None]:  # fmt: skip
    """Yield what checking the features of ``frame`` finds, ``CHUNK`` features at a time.

    A large file's chunks are checked on two cores (``walks.exchange.forked``), and
    written as they come.
    """
    total = len(frame)
    checked = 0

    def check(start: int) -> _Checked:
        part = frame.iloc[start : start + CHUNK]
        return _checked(workspace, part, first=start + 1, options=options)

    def done(start: int) -> None:
        nonlocal checked
        checked += min(CHUNK, total - start)
        if progress is not None:
            progress(checked, total)

    tables: dict[str, TableSpec] = {}

    def unpack(packed: _Packed) -> _Checked:
        for name in set(packed.categories) - set(tables):
            tables[name] = table_for_category(workspace.catalog.category(name))
        return _unpacked(packed, tables)

    starts = range(0, total, CHUNK)
    yield from in_two_processes(check, starts, pack=_packed, unpack=unpack, done=done)


def _cells(frame: gpd.GeoDataFrame) -> dict[str, list[object]]:
    """Return the values of every column but the geometry, as plain Python, by column."""
    columns = [c for c in frame.columns if c != frame.geometry.name]
    return {c: _column_values(frame[c]) for c in columns}


def _column_values(column: pd.Series) -> list[object]:
    """Return a column's values as ``_value`` makes each, a column of numbers at once."""
    values: list[object] = column.tolist()
    kind = column.dtype.kind if isinstance(column.dtype, np.dtype) else ""
    if kind in ("i", "u", "b"):  # numpy's integers and truth values: never missing
        return values
    if kind == "f":
        return [None if v != v else v for v in values]  # NaN is missing
    cells = [v.strip() if v.__class__ is str else _value(v) for v in values]
    for k, v in enumerate(values):
        if v.__class__ is str and str(cells[k])[:1] in ("", "'"):
            cells[k] = _unguarded(str(cells[k]))
    return cells


def _given_categories(
    cells: Mapping[str, list[object]], count: int, *, fixed: str | None, mapping: ColumnMapping
) -> tuple[list[str | None], dict[int, Text]]:
    """Return each feature's category as given (``--category``, a column, the mapping).

    Also returns the refusals, by feature index, of the features given none.
    """
    if fixed is not None:
        return [fixed] * count, {}
    if mapping.category_column is not None:
        given = cells.get(mapping.category_column, [None] * count)
        names = [None if v is None else mapping.categories.get(str(v), v) for v in given]
    else:
        own = [cells.get(c, [None] * count) for c in _category_columns(cells)]
        names = [a if a is not None else b for a, b in zip(*own, strict=True)]
    result = [None if not name else str(name) for name in names]
    return result, {i: NO_CATEGORY for i, name in enumerate(result) if name is None}


def _category_columns(cells: Mapping[str, list[object]]) -> list[str]:
    """Return the file's columns that give a feature's category, ``category`` first.

    Named ``category`` or ``kategori``, in any case (spreadsheets write ``Kategori``); two
    are read in this order, the second where the first has no value.
    """
    found = {str(c).strip().casefold(): c for c in reversed(list(cells))}
    return [found.get("category", "category"), found.get("kategori", "kategori")]


def _usable_geometries(
    given: NDArray[np.object_],
) -> tuple[list[BaseGeometry], dict[int, Text], dict[int, Text]]:
    """Return each feature's geometry: single parts taken out, invalid ones made valid.

    Also returns the repairs and the refusals of the features without a geometry, both
    by feature index.
    """
    geometries = np.asarray(given, dtype=object).copy()
    missing = shapely.is_missing(geometries) | shapely.is_empty(geometries)
    refused = dict.fromkeys(np.flatnonzero(missing).tolist(), EMPTY_GEOMETRY)
    repairs: dict[int, Text] = {}
    for i in np.flatnonzero(~missing & ~shapely.is_valid(geometries)).tolist():
        geometries[i], repairs[i] = _repaired(geometries[i])
    collections = np.isin(shapely.get_type_id(geometries), MULTI_TYPE_IDS)
    single = collections & (shapely.get_num_geometries(geometries) == 1)
    geometries[single] = shapely.get_geometry(geometries[single], 0)
    return list(geometries), repairs, refused


def _category_specs(
    catalog: Catalog, names: Sequence[str | None], geometries: Sequence[BaseGeometry], *,
    refused: Container[int],
) -> tuple[list[LayerSpec | None], dict[int, Text]]:  # fmt: skip
    """Return each feature's category, None for those ``refused`` already.

    Also returns the refusals, by feature index, of unknown categories and of geometry
    kinds the category does not take.
    """
    specs: dict[str, LayerSpec | Text] = {}
    result: list[LayerSpec | None] = []
    unfit: dict[int, Text] = {}
    for i, (name, geometry) in enumerate(zip(names, geometries, strict=True)):
        if name is None or i in refused:
            result.append(None)
            continue
        if name not in specs:
            try:
                specs[name] = catalog.category(name)
            except LocalizedError as error:
                specs[name] = error.text
        spec = specs[name]
        if isinstance(spec, Text):
            unfit[i] = spec
            result.append(None)
            continue
        kind = geometry.geom_type
        if kind not in spec.accepts:
            unfit[i] = Text(
                sv=f"{spec.title.sv} tar {', '.join(spec.accepts)}, inte {kind}",
                en=f"{spec.title.en} takes {', '.join(spec.accepts)}, not {kind}",
            )
        result.append(spec)
    return result, unfit


def _feature_areas(
    workspace: Workspace, geometries: Sequence[BaseGeometry], *, area: str | None,
    known: Sequence[Area], refused: Container[int],
) -> tuple[list[str], dict[int, Text]]:  # fmt: skip
    """Return the area of each feature: ``area``, or the smallest of ``known`` it lies in.

    The features plainly inside are found together; the others one by one, as a
    registration would be (the tolerance at the boundary, the nearest area, swapped
    coordinates), but not those ``refused`` already. Also returns the refusals, by feature
    index, of the features that lie in no area (their area is "").
    """
    points = np.asarray(geometries, dtype=object).copy()
    shaped = shapely.get_type_id(points) != POINT_TYPE_ID
    points[shaped] = shapely.point_on_surface(points[shaped])
    found = np.full(len(points), "", dtype=object)
    candidates = [a for a in known if a.slug == area] if area else sorted(
        known, key=lambda a: a.boundary.area)  # fmt: skip
    for candidate in candidates:
        shapely.prepare(candidate.boundary)
        inside = (found == "") & shapely.covers(candidate.boundary, points)
        found[inside] = candidate.slug
    outside: dict[int, Text] = {}
    for i in np.flatnonzero(found == "").tolist():
        if i in refused:
            continue
        point = points[i]
        try:
            target, _ = locate(workspace, Position(point.x, point.y, SWEREF99_TM),
                               area=area, known=known)  # fmt: skip
            found[i] = target.slug
        except LocalizedError as error:
            outside[i] = _swapped(known, point) or error.text
    return [str(slug) for slug in found], outside


def _identities(
    file_name: str, cells: Mapping[str, list[object]], geometries: Sequence[BaseGeometry]
) -> list[str]:
    """Return each feature's UUID: its own, else one derived from the file and its content.

    Derived from the file's name, the geometry to the centimetre and every value, so
    the same feature of the same file gets the same UUID again.
    """
    count = len(geometries)
    array = np.asarray(geometries, dtype=object)
    present = ~shapely.is_missing(array)
    wkbs = np.full(count, "", dtype=object)
    wkbs[present] = [w.hex() for w in shapely.to_wkb(
        shapely.set_precision(array[present], 0.01))]  # fmt: skip
    # The content as repr(sorted((column, str(value)) ...)) of each feature, by column.
    parts = [
        [f"({column!r}, {(v if v.__class__ is str else str(v))!r})" for v in cells[column]]
        for column in sorted(cells)
    ]
    contents = ["[" + ", ".join(row) + "]" for row in zip(*parts, strict=True)] if parts \
        else ["[]"] * count  # fmt: skip
    own = cells.get("uuid", [None] * count)
    start = NAMESPACE.bytes + f"{file_name}|".encode()
    return [
        _own_uuid(given) or _uuid5_after(start, f"{wkb}|{content}")
        for given, wkb, content in zip(own, wkbs, contents, strict=True)
    ]


def _indexes_by_category(
    specs: Sequence[LayerSpec | None], refused: Container[int]
) -> dict[str, list[int]]:
    """Return the indexes of the features not ``refused``, by category, in order."""
    by_category: dict[str, list[int]] = {}
    for i, spec in enumerate(specs):
        if spec is not None and i not in refused:
            by_category.setdefault(spec.name, []).append(i)
    return by_category


def _field_values(
    spec: LayerSpec, cells: Mapping[str, list[object]], indexes: Sequence[int],
    identities: Sequence[str], *, mapping: ColumnMapping, now: datetime,
) -> tuple[dict[str, list[object]], dict[str, str]]:  # fmt: skip
    """Return the values of the features ``indexes`` of category ``spec``, by field.

    A feature's fields come from its columns that hold a value (an empty Description
    must not hide a Name, in KML), as named or as the mapping says; the mapping's
    ``[set]`` fills what none gives. A feature without a value of a field has None there
    (it does not name the field). Also returns the columns used and the fields they
    filled, in the order first used. Worked out a column at a time, features with the
    same columns filled together.
    """
    types = {f.name: f.type for f in spec.fields} | {"severity": "integer"}
    count = len(indexes)
    used: dict[str, str] = {}
    columns = list(cells)
    filled = [[cells[c][i] is not None for i in indexes] for c in columns]
    groups: dict[tuple[bool, ...], list[int]] = {}
    for j, pattern in enumerate(zip(*filled, strict=True) if columns else [()] * count):
        groups.setdefault(pattern, []).append(j)
    fields: dict[str, list[object]] = {
        "status": ["new"] * count, "created_by": ["import"] * count, "is_demo": [False] * count,
    }  # fmt: skip
    for pattern, positions in groups.items():  # in the order first met
        named = [c for c, has in zip(columns, pattern, strict=True) if has]
        sources = _match(named, spec) | {
            column: name for column, name in mapping.fields.items() if column in cells
        }
        for column, field_name in sources.items():
            used.setdefault(str(column), field_name)
            kind, translated = types.get(field_name), mapping.values.get(field_name)
            given = [cells[column][indexes[j]] for j in positions]
            if translated or kind in ("boolean", "integer"):
                given = [_field_value(value, kind, translated) for value in given]
            _fill(fields.setdefault(field_name, [None] * count), positions, given)
    for field_name, value in mapping.set_values.items():
        target = fields.setdefault(field_name, [None] * count)
        _fill(target, range(count), [value] * count, only_missing=True)
    for kept in ("created_at", "created_by", "is_demo"):
        for column in (kept, kept[:10]):
            if column in cells:
                kept_values = [cells[column][i] for i in indexes]
                _fill(fields.setdefault(kept, [None] * count), range(count), kept_values)
    times: dict[object, object] = {}
    for name in ("observed_at", "created_at"):
        moments = fields.setdefault(name, [None] * count)
        for j, given_time in enumerate(moments):
            if isinstance(given_time, str | datetime):
                if given_time not in times:
                    times[given_time] = _moment(given_time)
                moments[j] = times[given_time]
            elif given_time is None:
                moments[j] = now
    fields["uuid"] = [identities[i] for i in indexes]
    fields["updated_at"] = [now] * count
    return fields, used


def _fill(
    target: list[object], positions: Sequence[int], values: Sequence[object], *,
    only_missing: bool = False,
) -> None:  # fmt: skip
    """Put each value that is not None at its position of ``target`` (only where it has none)."""
    for j, value in zip(positions, values, strict=True):
        if value is not None and not (only_missing and target[j] is not None):
            target[j] = value


def _field_value(
    value: object, kind: str | None, translated: Mapping[str, object] | None
) -> object:
    """Return a file's value as the field's: translated by the mapping, 1.0 as 1 or yes."""
    if value is not None and translated and str(value) in translated:
        value = translated[str(value)]
    if isinstance(value, float) and value.is_integer():
        # A column with gaps is read as float: 1.0 is the 1 or the yes it was written as.
        if kind == "boolean":
            return bool(value)
        if kind == "integer":
            return int(value)
    return value


def _repaired(geometry: BaseGeometry) -> tuple[BaseGeometry, Text]:
    """Return an invalid geometry made valid (its largest piece, if it fell apart), and how."""
    reason = shapely.is_valid_reason(geometry)
    valid = shapely.make_valid(geometry)
    repair = Text(sv=f"gjordes giltig ({reason})", en=f"made valid ({reason})")
    parts = shapely.get_parts(valid)
    if len(parts) == 1:
        return parts[0], repair
    largest = max(parts, key=lambda part: (part.area, part.length))
    return largest, Text(
        sv=f"{repair.sv}; den största av {len(parts)} delar behölls",
        en=f"{repair.en}; the largest of {len(parts)} parts was kept",
    )


def _uuid5(name: str) -> str:
    """Return ``str(uuid.uuid5(NAMESPACE, name))``, in a third of the time (a UUID per row)."""
    return _uuid5_after(NAMESPACE.bytes, name)


def _uuid5_after(start: bytes, rest: str) -> str:
    """Return ``_uuid5`` of the name whose UTF-8 is ``start`` (with the namespace) and ``rest``."""
    digest = bytearray(hashlib.sha1(start + rest.encode(), usedforsecurity=False)
                       .digest()[:16])  # fmt: skip
    digest[6] = digest[6] & 0x0F | 0x50  # version 5
    digest[8] = digest[8] & 0x3F | 0x80  # RFC 4122 variant
    h = digest.hex()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _own_uuid(given: object) -> str | None:
    """Return a file's own UUID value as a UUID, or None when it is none."""
    if isinstance(given, str):
        try:
            return str(uuid_module.UUID(given))
        except ValueError:
            return None
    return None


def _swapped(known: Sequence[Area], point: shapely.Point) -> Text | None:
    """Say so when the point, its latitude and longitude swapped, would lie in an area."""
    wgs = to_wgs84(point)
    area = swapped_area(Position(wgs.x, wgs.y, WGS84), {a.slug: a.boundary for a in known},
                        {a.slug: a for a in known})  # fmt: skip
    if area is None:
        return None
    return Text(
        sv=f"latitud och longitud verkar förväxlade: omvända hamnar punkten i {area.name}",
        en=f"latitude and longitude look swapped: the other way round the point falls in "
        f"{area.name}",
    )
