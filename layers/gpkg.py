"""GeoPackage store: a workspace folder with one GeoPackage per area.

Layers are created by GDAL (through pyogrio), so files carry the metadata QGIS and
GDAL expect (GeoPackage 1.2, R-tree spatial index, feature-count triggers). Single
features are then written with plain SQLite in one ``BEGIN IMMEDIATE`` transaction
each: appending never rewrites a layer, concurrent writers queue on SQLite's lock,
and a killed writer leaves either the whole write or none of it (SQLite's journal).
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import re
import sqlite3
import uuid as uuid_module
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import shapely
from shapely.geometry import MultiPolygon
from shapely.geometry.base import BaseGeometry

from gis.crs import STORAGE_EPSG, SWEREF99_TM
from gis.gpkg import (
    geometry_to_gpkg,
    gpkg_blobs_to_geometries,
    gpkg_to_geometry,
    register_gpkg_functions,
)
from gis.i18n import Text
from layers.catalog import Catalog, FieldSpec
from layers.errors import FeatureValidationError, StoreError, UnknownAreaError, UnknownLayerError
from layers.qml import category_qml, line_qml, polygon_qml
from layers.schema import (
    AREA_LAYER,
    AREA_TABLE,
    CHANGE_LOG_LAYER,
    CHILD_TABLES,
    WALKS_LAYER,
    SqlValue,
    TableSpec,
    coerce_record,
    coerce_value,
    datetime_to_text,
    tables_for_catalog,
)
from layers.store import Area, Problem

if TYPE_CHECKING:
    import geopandas as gpd
    import pyarrow as pa

log = logging.getLogger(__name__)

WORKSPACE_MARKER: Final = "safewalk-workspace.toml"
_LOCK_FILE: Final = ".safewalk.lock"
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")
_SQL_TYPES: Final = {
    "text": "TEXT",
    "integer": "INTEGER",
    "real": "REAL",
    "boolean": "BOOLEAN",
    "date": "DATE",
    "datetime": "DATETIME",
    "binary": "BLOB",
}
_BUSY_TIMEOUT_S: Final = 60.0
SCHEMA_VERSION: Final = 1


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _now() -> datetime:
    return datetime.now(UTC)


class GeoPackageStore:
    """A workspace folder holding ``<slug>.gpkg`` per area (see module docstring)."""

    def __init__(self, root: Path, catalog: Catalog) -> None:
        self.root = root
        self.catalog = catalog
        self._tables = {table.name: table for table in tables_for_catalog(catalog)}
        self._areas: dict[str, Area] = {}
        self._prepare_root()
        self._upgrade_areas()

    # ------------------------------------------------------------------ workspace
    @property
    def location(self) -> str:
        """The workspace folder."""
        return str(self.root)

    def _prepare_root(self) -> None:
        marker = self.root / WORKSPACE_MARKER
        try:
            if self.root.exists() and not self.root.is_dir():
                raise NotADirectoryError(str(self.root))
            if self.root.is_dir() and not marker.exists() and any(self.root.iterdir()):
                raise StoreError(
                    Text(
                        sv=f"Mappen {self.root} är inte en safewalk-arbetsyta och är inte tom. "
                        "Välj en tom eller ny mapp med --workspace eller SAFEWALK_WORKSPACE.",
                        en=f"The folder {self.root} is not a safewalk workspace and is not empty. "
                        "Choose an empty or new folder with --workspace or SAFEWALK_WORKSPACE.",
                    )
                )
            self.root.mkdir(parents=True, exist_ok=True)
            if not marker.exists():
                marker.write_text(
                    f"# safewalk workspace: one GeoPackage per area.\nschema_version = "
                    f"{SCHEMA_VERSION}\n",
                    encoding="utf-8",
                )
            probe = self.root / f".write-test-{os.getpid()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise StoreError(
                Text(
                    sv=f"Arbetsytan {self.root} går inte att skriva till "
                    f"({error.strerror or error})."
                    " Välj en annan mapp med --workspace eller SAFEWALK_WORKSPACE.",
                    en=f"The workspace {self.root} is not writable ({error.strerror or error}). "
                    "Choose another folder with --workspace or SAFEWALK_WORKSPACE.",
                )
            ) from None

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the workspace lock: schema changes and first-run set-up, one process at a time."""
        with (self.root / _LOCK_FILE).open("a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _upgrade_areas(self) -> None:
        """Add layers and fields the catalog has gained since an area was created."""
        stale = [slug for slug in self.slugs() if any(self._missing_schema(self.path(slug)))]
        if not stale:
            return
        with self.exclusive():
            for slug in stale:
                path = self.path(slug)
                missing_tables, missing_columns = self._missing_schema(path)
                if missing_tables:
                    log.info("adding layers %s to %s", missing_tables, path)
                    _create_tables(path, [self._tables[name] for name in missing_tables])
                    with _transaction(path) as connection:
                        _write_styles(connection, self.catalog, missing_tables)
                        _create_indexes(connection, [self._tables[n] for n in missing_tables])
                with _transaction(path) as connection:
                    for table, field in missing_columns:
                        log.info("adding field %s.%s to %s", table, field.name, path)
                        connection.execute(
                            f"ALTER TABLE {_quote(table)} ADD COLUMN {_quote(field.name)} "
                            f"{_SQL_TYPES[field.type]}"
                        )

    def _missing_schema(self, path: Path) -> tuple[list[str], list[tuple[str, FieldSpec]]]:
        """Return the catalog's tables and fields that ``path`` does not have yet."""
        with _connect(path) as connection:
            existing = {
                row[0] for row in connection.execute("SELECT table_name FROM gpkg_contents")
            }
            missing_columns = []
            for name, table in self._tables.items():
                if name in existing:
                    info = connection.execute(f"PRAGMA table_info({_quote(name)})")
                    columns = {row[1] for row in info}
                    missing_columns += [(name, f) for f in table.fields if f.name not in columns]
        return [name for name in self._tables if name not in existing], missing_columns

    def slugs(self) -> list[str]:
        """Return the ids of every area in the workspace."""
        # Only <slug>.gpkg: never the hidden files of an area being built (.<slug>.….gpkg).
        return sorted(p.stem for p in self.root.glob("*.gpkg") if _SLUG.match(p.stem))

    def path(self, slug: str) -> Path:
        """Return the GeoPackage file of area ``slug``."""
        return self.root / f"{slug}.gpkg"

    def _existing_path(self, slug: str) -> Path:
        path = self.path(slug)
        if not _SLUG.match(slug) or not path.is_file():
            raise UnknownAreaError(name=slug, valid=", ".join(self.slugs()) or "-")
        return path

    def _table(self, layer: str) -> TableSpec:
        try:
            return self._tables[layer]
        except KeyError:
            raise UnknownLayerError(name=layer, valid=", ".join(self._tables)) from None

    # ---------------------------------------------------------------------- areas
    def areas(self) -> list[Area]:
        """Return every area, sorted by name.

        Boundaries are read once per file and kept: the store never changes an existing
        area's boundary, and a new or removed area file is noticed on the next call.
        """
        slugs = self.slugs()
        for gone in set(self._areas) - set(slugs):
            del self._areas[gone]
        for slug in slugs:
            if slug not in self._areas:
                area = self._read_area(slug)
                if area is not None:
                    self._areas[slug] = area
        return sorted(self._areas.values(), key=lambda area: area.name.casefold())

    def _read_area(self, slug: str) -> Area | None:
        with _connect(self.path(slug)) as connection:
            row = connection.execute(
                f"SELECT geom, name, source, is_demo FROM {_quote(AREA_LAYER)} ORDER BY fid LIMIT 1"
            ).fetchone()
        if row is None:
            log.warning("area file %s has no boundary; skipped", self.path(slug))
            return None
        boundary = gpkg_to_geometry(row[0])
        shapely.prepare(boundary)
        return Area(slug, row[1], boundary, source=row[2] or "", is_demo=bool(row[3]))

    def add_area(self, area: Area, *, actor: str) -> None:
        """Create ``<slug>.gpkg`` with every layer, empty, and the boundary.

        The file is built under a temporary name and linked into place, so another
        process never sees a half-made area, and an existing area is never replaced.
        """
        if not _SLUG.match(area.slug):
            raise StoreError(
                Text(
                    sv=f"Ogiltigt område-id {area.slug!r}: använd a–z, 0–9 och bindestreck.",
                    en=f"Invalid area id {area.slug!r}: use a–z, 0–9 and hyphens.",
                )
            )
        boundary = area.boundary
        if boundary.geom_type == "Polygon":
            boundary = MultiPolygon([boundary])
        final = self.path(area.slug)
        if final.exists():
            raise _area_exists(area)
        partial = self.root / f".{area.slug}.{os.getpid()}.partial.gpkg"
        partial.unlink(missing_ok=True)
        try:
            _create_tables(partial, list(self._tables.values()))
            with _connect(partial) as connection:
                # WAL: readers never block the writer nor the writer the readers.
                connection.execute("PRAGMA journal_mode=WAL")
            with _transaction(partial) as connection:
                connection.execute(
                    "CREATE TABLE safewalk_meta "
                    "(key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)"
                )
                connection.execute(
                    "INSERT INTO safewalk_meta VALUES ('schema_version', ?), ('area', ?)",
                    (str(SCHEMA_VERSION), area.slug),
                )
                _write_styles(connection, self.catalog, list(self._tables))
                _create_indexes(connection, list(self._tables.values()))
                _insert(
                    connection,
                    AREA_TABLE,
                    {
                        "slug": area.slug,
                        "name": area.name,
                        "source": area.source,
                        "is_demo": area.is_demo,
                        "created_at": _now(),
                    },
                    boundary,
                    actor=actor,
                )
            try:
                os.link(partial, final)
            except FileExistsError:
                raise _area_exists(area) from None
        finally:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{partial}{suffix}").unlink(missing_ok=True)

    # ------------------------------------------------------------------- features
    def append(
        self,
        slug: str,
        layer: str,
        values: Mapping[str, object],
        geometry: BaseGeometry | None,
        *,
        actor: str,
        children: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
    ) -> dict[str, Any]:
        """Add one feature, and rows that belong to it, in one transaction; see ``Store.append``."""
        path = self._existing_path(slug)
        table = self._table(layer)
        child_tables = {t.name: t for t in CHILD_TABLES}
        for name in children or {}:
            if name not in child_tables:
                raise UnknownLayerError(name=name, valid=", ".join(child_tables))
        with _transaction(path) as connection:
            stored = _insert(connection, table, values, geometry, actor=actor)
            for name, rows in (children or {}).items():
                for row in rows:
                    owned = {**row, "feature_uuid": stored["uuid"], "layer": table.name}
                    _insert(connection, child_tables[name], owned, None, actor=actor)
            return stored

    def delete(self, slug: str, layer: str, uuids: Sequence[str], *, actor: str) -> int:
        """Delete features by UUID in one transaction, logging each with its old values."""
        path = self._existing_path(slug)
        table = self._table(layer)
        if not uuids:
            return 0
        marks = ",".join("?" * len(uuids))
        with _transaction(path) as connection:
            rows = connection.execute(
                f"SELECT * FROM {_quote(table.name)} WHERE uuid IN ({marks})", list(uuids)
            )
            names = [d[0] for d in rows.description]
            old = [dict(zip(names, row, strict=True)) for row in rows.fetchall()]
            connection.execute(
                f"DELETE FROM {_quote(table.name)} WHERE uuid IN ({marks})", list(uuids)
            )
            _guard_feature_count(connection, table.name)
            for child in CHILD_TABLES:
                connection.execute(
                    f"DELETE FROM {_quote(child.name)} "
                    f"WHERE layer = ? AND feature_uuid IN ({marks})",
                    [table.name, *uuids],
                )
            for record in old:
                _log_change(
                    connection,
                    actor,
                    "delete",
                    table.name,
                    str(record["uuid"]),
                    before=_record_for_log(record),
                    after=None,
                )
        return len(old)

    def read_layer(self, slug: str, layer: str) -> gpd.GeoDataFrame:
        """Return every feature of a layer, index = fid, geometry in EPSG:3006.

        Read with this process's own SQLite rather than GDAL's: two SQLite libraries
        on one file in one process release each other's POSIX locks (and, in WAL mode,
        remove each other's shared memory), which can corrupt a file being written.
        """
        path = self._existing_path(slug)
        table = self._table(layer)
        with _connect(path) as connection:
            cursor = connection.execute(f"SELECT * FROM {_quote(table.name)} ORDER BY fid")
            columns = [d[0] for d in cursor.description]
            rows = cursor.fetchall()
        return _frame(table, columns, rows)

    def feature_counts(self, slug: str) -> dict[str, int]:
        """Return the number of rows per layer (counted, not taken from metadata)."""
        path = self._existing_path(slug)
        with _connect(path) as connection:
            return {
                name: connection.execute(f"SELECT count(*) FROM {_quote(name)}").fetchone()[0]
                for name in self._tables
            }

    # ---------------------------------------------------------------------- check
    def check(self, *, repair: bool = False) -> list[Problem]:
        """Verify every area file; with ``repair`` fix stale feature counts and indexes."""
        problems: list[Problem] = []
        for slug in self.slugs():
            problems += _check_area(self.path(slug), slug, self._tables, repair=repair)
        return problems


# ---------------------------------------------------------------------- helpers
def _area_exists(area: Area) -> StoreError:
    return StoreError(
        Text(
            sv=f"Området {area.slug!r} finns redan i arbetsytan.",
            en=f"The area {area.slug!r} already exists in the workspace.",
        )
    )


@contextmanager
def _connect(path: Path) -> Iterator[sqlite3.Connection]:
    if not path.is_file():
        raise StoreError(
            Text(sv=f"Filen {path} finns inte.", en=f"The file {path} does not exist.")
        )
    connection = sqlite3.connect(path, timeout=_BUSY_TIMEOUT_S, isolation_level=None)
    try:
        register_gpkg_functions(connection)
        yield connection
    except sqlite3.DatabaseError as error:
        raise StoreError(
            Text(
                sv=f"GeoPackage-filen {path} kunde inte läsas eller skrivas: {error}. "
                "Kör 'safewalk check' för en rapport.",
                en=f"The GeoPackage {path} could not be read or written: {error}. "
                "Run 'safewalk check' for a report.",
            )
        ) from error
    finally:
        connection.close()


@contextmanager
def _transaction(path: Path) -> Iterator[sqlite3.Connection]:
    """One write transaction; taken with BEGIN IMMEDIATE so writers queue, never deadlock."""
    with _connect(path) as connection:
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")


def _next_number(connection: sqlite3.Connection, sequence: str) -> int:
    row = connection.execute(
        "INSERT INTO safewalk_meta (key, value) VALUES (?, '1') ON CONFLICT (key) "
        "DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING CAST(value AS INTEGER)",
        (f"sequence:{sequence}",),
    ).fetchone()
    return int(row[0])


def _check_geometry(table: TableSpec, geometry: BaseGeometry | None) -> None:
    if geometry is None:
        if table.geometry in ("Point", "MultiPolygon"):
            raise FeatureValidationError(
                Text(
                    sv=f"Lagret {table.name!r} kräver en position.",
                    en=f"Layer {table.name!r} needs a position.",
                )
            )
        return
    if table.geometry is None:
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} har ingen geometri.",
                en=f"Layer {table.name!r} has no geometry.",
            )
        )
    if geometry.geom_type != table.geometry:
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} tar geometri av typen {table.geometry}, "
                f"inte {geometry.geom_type}.",
                en=f"Layer {table.name!r} takes {table.geometry} geometry, "
                f"not {geometry.geom_type}.",
            )
        )
    if geometry.is_empty or not shapely.is_valid(geometry) or not _is_finite(geometry):
        reason = shapely.is_valid_reason(geometry)
        raise FeatureValidationError(
            Text(
                sv=f"Ogiltig geometri för lagret {table.name!r}: {reason}.",
                en=f"Invalid geometry for layer {table.name!r}: {reason}.",
            )
        )


def _is_finite(geometry: BaseGeometry) -> bool:
    import numpy as np

    return bool(np.isfinite(shapely.get_coordinates(geometry)).all())


def _insert(
    connection: sqlite3.Connection,
    table: TableSpec,
    values: Mapping[str, object],
    geometry: BaseGeometry | None,
    *,
    actor: str,
) -> dict[str, Any]:
    """Validate and insert one row with its change-log entry on an open transaction."""
    record = dict(values)
    if "uuid" in table.field_names:
        record.setdefault("uuid", str(uuid_module.uuid4()))
    if table.sequence is not None:
        # The number is drawn inside the transaction; validate the rest with a stand-in.
        record.pop("number", None)
        row = coerce_record(table, {**record, "number": 1})
    else:
        row = coerce_record(table, record)
    _check_geometry(table, geometry)
    if table.sequence is not None:
        row["number"] = _next_number(connection, table.sequence)
    columns = list(row)
    blob = None if geometry is None else geometry_to_gpkg(geometry, STORAGE_EPSG)
    if table.geometry is not None:
        columns.insert(0, "geom")
    params: list[SqlValue | bytes] = [row[name] for name in row]
    if table.geometry is not None:
        params.insert(0, blob)
    cursor = connection.execute(
        f"INSERT INTO {_quote(table.name)} ({', '.join(map(_quote, columns))}) "
        f"VALUES ({', '.join('?' * len(columns))})",
        params,
    )
    stored: dict[str, Any] = {"fid": cursor.lastrowid, **row}
    if table.name != CHANGE_LOG_LAYER:
        after = _record_for_log(stored)
        if geometry is not None:
            after["geometry"] = shapely.to_wkt(geometry, rounding_precision=2)
        _log_change(
            connection, actor, "insert", table.name, row.get("uuid"), before=None, after=after
        )
    if geometry is not None:
        _extend_contents(connection, table.name, geometry.bounds)
    _guard_feature_count(connection, table.name)
    return stored


def _record_for_log(record: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in record.items() if k != "geom" and not isinstance(v, bytes)}


def _log_change(
    connection: sqlite3.Connection,
    actor: str,
    action: str,
    layer: str,
    feature_uuid: object,
    *,
    before: Mapping[str, Any] | None,
    after: Mapping[str, Any] | None,
) -> None:
    connection.execute(
        f"INSERT INTO {_quote(CHANGE_LOG_LAYER)} (at, actor, action, layer, feature_uuid, "
        "before, after) VALUES (?, ?, ?, ?, ?, ?, ?)",
        (
            datetime_to_text(_now()),
            actor,
            action,
            layer,
            None if feature_uuid is None else str(feature_uuid),
            None if before is None else json.dumps(before, ensure_ascii=False, default=str),
            None if after is None else json.dumps(after, ensure_ascii=False, default=str),
        ),
    )


def _extend_contents(
    connection: sqlite3.Connection, table: str, bounds: tuple[float, float, float, float]
) -> None:
    """Keep gpkg_contents' extent and last_change current, as GDAL does on close."""
    min_x, min_y, max_x, max_y = bounds
    connection.execute(
        "UPDATE gpkg_contents SET last_change = ?, "
        "min_x = min(coalesce(min_x, ?), ?), min_y = min(coalesce(min_y, ?), ?), "
        "max_x = max(coalesce(max_x, ?), ?), max_y = max(coalesce(max_y, ?), ?) "
        "WHERE table_name = ?",
        (datetime_to_text(_now()), min_x, min_x, min_y, min_y, max_x, max_x, max_y, max_y, table),
    )


def _feature_count_problem(connection: sqlite3.Connection, table: str) -> tuple[int, int] | None:
    """Return (cached, actual) when GDAL's cached feature count is wrong, else None."""
    row = connection.execute(
        "SELECT feature_count FROM gpkg_ogr_contents WHERE lower(table_name) = lower(?)",
        (table,),
    ).fetchone()
    if row is None or row[0] is None:
        return None
    actual = connection.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0]
    return None if row[0] == actual else (row[0], actual)


def _guard_feature_count(connection: sqlite3.Connection, table: str) -> None:
    """Keep GDAL's cached feature count from going stale when its triggers are gone.

    GDAL drops the count triggers while it has a layer open for writing (QGIS editing)
    and writes its own count on close. Rows written meanwhile would make the cached
    count too small, and GDAL readers then silently return too few rows. NULL makes
    GDAL count the rows itself.
    """
    trigger = connection.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'trigger' AND name = ?",
        (f"trigger_insert_feature_count_{table}",),
    ).fetchone()
    if trigger is None:
        connection.execute(
            "UPDATE gpkg_ogr_contents SET feature_count = NULL WHERE lower(table_name) = lower(?)",
            (table,),
        )


def _frame(table: TableSpec, columns: list[str], rows: list[tuple[Any, ...]]) -> gpd.GeoDataFrame:
    """Return rows of ``table`` as a (Geo)DataFrame with one dtype per field type."""
    import geopandas as gpd
    import pandas as pd

    transposed = list(zip(*rows, strict=True)) if rows else [() for _ in columns]
    data = dict(zip(columns, transposed, strict=True))
    fids = data.pop("fid")
    blobs = data.pop("geom", None)
    specs = {f.name: f for f in table.fields}
    frame = pd.DataFrame(index=pd.Index(fids, name="fid", dtype="int64"))
    for name, values in data.items():
        spec = specs.get(name)
        kind = spec.type if spec else None
        series = pd.Series(values, index=frame.index, dtype=object)
        # Required fields get plain dtypes, but a file edited elsewhere (QGIS) may hold
        # NULLs anyway: those columns fall back to pandas' nullable dtypes.
        has_null = None in values
        if kind == "datetime":
            series = pd.to_datetime(series, utc=True, format="ISO8601").dt.as_unit("ms")
        elif kind == "integer":
            series = series.astype("Int64" if has_null else "int64")
        elif kind == "real":
            series = series.astype("float64")
        elif kind == "boolean":
            series = series.astype("boolean" if has_null else "bool")
        frame[name] = series
    if table.geometry is None:
        return frame
    geometries = gpkg_blobs_to_geometries(list(blobs or ()))
    return gpd.GeoDataFrame(frame, geometry=geometries, crs=SWEREF99_TM)


def _arrow_schema(table: TableSpec) -> pa.Schema:
    import pyarrow as pa

    types = {
        "text": pa.string(),
        "integer": pa.int64(),
        "real": pa.float64(),
        "boolean": pa.bool_(),
        "date": pa.date32(),
        "datetime": pa.timestamp("ms", tz="UTC"),
        "binary": pa.binary(),
    }
    fields = [pa.field(f.name, types[f.type]) for f in table.fields]
    if table.geometry is not None:
        fields.insert(0, pa.field("geom", pa.binary()))
    return pa.schema(fields)


def _create_tables(path: Path, tables: Sequence[TableSpec]) -> None:
    """Create empty layers with GDAL so they carry GDAL's metadata, index and triggers."""
    import pyarrow as pa
    import pyogrio

    for table in tables:
        pyogrio.write_arrow(
            pa.Table.from_batches([], schema=_arrow_schema(table)),
            path,
            layer=table.name,
            driver="GPKG",
            geometry_name="geom" if table.geometry else None,
            geometry_type=table.geometry,
            crs=SWEREF99_TM if table.geometry else None,
            dataset_options={"VERSION": "1.2"},
            layer_options={"DESCRIPTION": f"{table.title.sv} / {table.title.en}"},
        )
    if not any(t.name == "layer_styles" for t in tables) and not _has_table(path, "layer_styles"):
        _create_styles_table(path)


def _has_table(path: Path, name: str) -> bool:
    with _connect(path) as connection:
        return (
            connection.execute(
                "SELECT 1 FROM gpkg_contents WHERE table_name = ?", (name,)
            ).fetchone()
            is not None
        )


def _create_styles_table(path: Path) -> None:
    """Create QGIS' ``layer_styles`` table, registered as an attributes table."""
    import pyarrow as pa
    import pyogrio

    schema = pa.schema(
        [
            pa.field(name, pa.string())
            for name in (
                "f_table_catalog",
                "f_table_schema",
                "f_table_name",
                "f_geometry_column",
                "styleName",
                "styleQML",
                "styleSLD",
            )
        ]
        + [pa.field("useAsDefault", pa.bool_())]
        + [pa.field(name, pa.string()) for name in ("description", "owner", "ui")]
        + [pa.field("update_time", pa.timestamp("ms", tz="UTC"))]
    )
    pyogrio.write_arrow(
        pa.Table.from_batches([], schema=schema),
        path,
        layer="layer_styles",
        driver="GPKG",
        layer_options={"FID": "id"},
    )


def _write_styles(connection: sqlite3.Connection, catalog: Catalog, tables: Sequence[str]) -> None:
    styles = {spec.name: category_qml(spec) for spec in catalog.categories}
    styles[AREA_LAYER] = polygon_qml("#000000", outline_width_mm=1.0)
    styles[WALKS_LAYER] = line_qml("#0072B2", width_mm=1.0, dashed=True)
    for name in tables:
        if name not in styles:
            continue
        connection.execute(
            "DELETE FROM layer_styles WHERE f_table_name = ? AND styleName = 'safewalk'", (name,)
        )
        connection.execute(
            "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, "
            "f_geometry_column, styleName, styleQML, styleSLD, useAsDefault, description, "
            "owner, ui, update_time) VALUES ('', '', ?, 'geom', 'safewalk', ?, '', 1, ?, "
            "'safewalk', '', ?)",
            (name, styles[name], "safewalk default style", datetime_to_text(_now())),
        )


def _create_indexes(connection: sqlite3.Connection, tables: Sequence[TableSpec]) -> None:
    for table in tables:
        for column in ("uuid", "number"):
            if column in table.field_names:
                connection.execute(
                    f"CREATE UNIQUE INDEX IF NOT EXISTS {_quote(f'idx_{table.name}_{column}')} "
                    f"ON {_quote(table.name)} ({_quote(column)})"
                )


def _check_area(
    path: Path, slug: str, tables: Mapping[str, TableSpec], *, repair: bool
) -> list[Problem]:
    problems: list[Problem] = []

    def problem(layer: str, sv: str, en: str, *, repairable: bool = False) -> None:
        problems.append(Problem(slug, layer, Text(sv=sv, en=en), repairable))

    try:
        with _connect(path) as connection:
            integrity = [r[0] for r in connection.execute("PRAGMA integrity_check")]
            if integrity != ["ok"]:
                detail = "; ".join(integrity[:5])
                problem(
                    "",
                    f"SQLite-integriteten är skadad: {detail}",
                    f"SQLite integrity check failed: {detail}",
                )
                return problems
            app_id = connection.execute("PRAGMA application_id").fetchone()[0]
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if app_id != 0x47504B47 or version < 10200:
                problem(
                    "",
                    "filen är inte en GeoPackage 1.2 eller senare",
                    "the file is not a GeoPackage 1.2 or later",
                )
            contents = {
                row[0]: row[1]
                for row in connection.execute(
                    "SELECT c.table_name, g.srs_id FROM gpkg_contents c "
                    "LEFT JOIN gpkg_geometry_columns g ON g.table_name = c.table_name"
                )
            }
            numbers: dict[int, str] = {}
            for name, table in tables.items():
                if name not in contents:
                    problem(name, "lagret saknas", "the layer is missing")
                    continue
                if table.geometry is not None and contents[name] != STORAGE_EPSG:
                    problem(
                        name,
                        f"geometrin är i srs_id {contents[name]}, inte 3006",
                        f"geometry is in srs_id {contents[name]}, not 3006",
                    )
                stale = _feature_count_problem(connection, name)
                if stale is not None:
                    problem(
                        name,
                        f"GDAL:s sparade antal objekt är {stale[0]} men lagret har {stale[1]}",
                        f"GDAL's cached feature count is {stale[0]} but the layer has {stale[1]}",
                        repairable=True,
                    )
                    if repair:
                        connection.execute(
                            "UPDATE gpkg_ogr_contents SET feature_count = ? "
                            "WHERE lower(table_name) = lower(?)",
                            (stale[1], name),
                        )
                if table.geometry is not None:
                    problems += _check_spatial_index(connection, path, slug, name, repair=repair)
                columns = {r[1] for r in connection.execute(f"PRAGMA table_info({_quote(name)})")}
                for field in table.fields:
                    if field.name not in columns:
                        problem(
                            name,
                            f"fältet {field.name!r} saknas",
                            f"field {field.name!r} is missing",
                        )
                        continue
                    problems += _check_values(connection, slug, name, field)
                if table.sequence == "observation":
                    for (number,) in connection.execute(f"SELECT number FROM {_quote(name)}"):
                        if number in numbers:
                            problem(
                                name,
                                f"nummer {number} finns också i {numbers[number]}",
                                f"number {number} is also used in {numbers[number]}",
                            )
                        numbers[number] = name
            counter = connection.execute(
                "SELECT CAST(value AS INTEGER) FROM safewalk_meta WHERE key = ?",
                ("sequence:observation",),
            ).fetchone()
            if numbers and (counter is None or counter[0] < max(numbers)):
                problem(
                    "",
                    "löpnumret ligger efter det högsta använda numret",
                    "the number sequence is behind the highest number in use",
                )
    except StoreError as error:
        problem("", error.message("sv"), error.message("en"))
    except sqlite3.DatabaseError as error:  # pragma: no cover - reported, not raised
        problem("", f"filen kunde inte läsas: {error}", f"the file could not be read: {error}")
    return problems


def _check_spatial_index(
    connection: sqlite3.Connection, path: Path, slug: str, name: str, *, repair: bool
) -> list[Problem]:
    rtree = f"rtree_{name}_geom"
    exists = connection.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (rtree,)).fetchone()
    if exists is None:
        return [
            Problem(slug, name, Text(sv="rumsligt index saknas", en="spatial index is missing"))
        ]
    indexed = connection.execute(f"SELECT count(*) FROM {_quote(rtree)}").fetchone()[0]
    features = connection.execute(
        f"SELECT count(*) FROM {_quote(name)} WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)"
    ).fetchone()[0]
    verdict = connection.execute(f"SELECT rtreecheck({_quote(rtree)})").fetchone()[0]
    if indexed == features and verdict == "ok":
        return []
    if repair:
        connection.execute(f"DELETE FROM {_quote(rtree)}")
        connection.execute(
            f"INSERT INTO {_quote(rtree)} SELECT fid, ST_MinX(geom), ST_MaxX(geom), "
            f"ST_MinY(geom), ST_MaxY(geom) FROM {_quote(name)} "
            "WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)"
        )
        log.warning("%s: rebuilt spatial index of %s", path, name)
    return [
        Problem(
            slug,
            name,
            Text(
                sv=f"rumsliga indexet har {indexed} poster för {features} objekt ({verdict})",
                en=f"spatial index holds {indexed} entries for {features} features ({verdict})",
            ),
            repairable=True,
        )
    ]


def _check_values(
    connection: sqlite3.Connection, slug: str, layer: str, field: FieldSpec
) -> list[Problem]:
    """Report values that break the catalog: missing required ones, values not allowed."""
    problems = []
    column = _quote(field.name)
    if field.required:
        (missing,) = connection.execute(
            f"SELECT count(*) FROM {_quote(layer)} WHERE {column} IS NULL"
        ).fetchone()
        if missing:
            problems.append(
                Problem(
                    slug,
                    layer,
                    Text(
                        sv=f"{missing} objekt saknar det obligatoriska fältet {field.name!r}",
                        en=f"{missing} features lack the required field {field.name!r}",
                    ),
                )
            )
    if field.values:
        for (value,) in connection.execute(
            f"SELECT DISTINCT {column} FROM {_quote(layer)} WHERE {column} IS NOT NULL"
        ):
            with suppress(FeatureValidationError):
                coerce_value(field, value)
                continue
            problems.append(
                Problem(
                    slug,
                    layer,
                    Text(
                        sv=f"fältet {field.name!r} har det otillåtna värdet {value!r}",
                        en=f"field {field.name!r} holds the value {value!r}, which is not allowed",
                    ),
                )
            )
    return problems
