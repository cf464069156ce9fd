"""Bringing an area file up to the catalog: layers, fields, indexes and geometry types.

The whole upgrade of a file is one SQLite transaction: a crash or a refusal leaves the
file as it was. New tables are not made by GDAL here (each GDAL layer is a transaction of
its own) but copied, definition and metadata, from the catalog's template, which GDAL
made (``layers.gpkg.build``): the same statements, triggers and rows GDAL writes.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final
from uuid import uuid4

import shapely

from gis.crs import STORAGE_EPSG
from gis.gpkg import geometry_to_gpkg, gpkg_blobs_to_geometries
from gis.i18n import Text
from layers.catalog import Catalog, FieldSpec
from layers.errors import StoreError
from layers.gpkg.build import TEMPLATES, Templates
from layers.gpkg.gdal import SQL_TYPES, create_indexes, expected_indexes, start_fids, write_styles
from layers.gpkg.sqlite import connect, quote, transaction
from layers.gpkg.writes import extend_contents
from layers.rules.geometry import single_parts
from layers.schema import REFERENCE_LAYERS, TableSpec, datetime_to_text

log = logging.getLogger(__name__)

GPKG_TYPES: Final = {
    "Point": "POINT", "LineString": "LINESTRING", "Polygon": "POLYGON",
    "MultiPolygon": "MULTIPOLYGON", "Geometry": "GEOMETRY",
}  # fmt: skip
"""GeoPackage's geometry type name of each kind a table may hold."""
_METADATA: Final = (
    ("gpkg_contents", "table_name"),
    ("gpkg_geometry_columns", "table_name"),
    ("gpkg_extensions", "table_name"),
    ("gpkg_ogr_contents", "table_name"),
    ("layer_styles", "f_table_name"),
)
"""The metadata tables that hold rows of a layer, and the column naming the layer."""


@dataclass(slots=True)
class MissingSchema:
    """What an area file lacks of the catalog's layout."""

    tables: list[str] = field(default_factory=list)
    columns: list[tuple[str, FieldSpec]] = field(default_factory=list)
    indexes: list[str] = field(default_factory=list)
    retyped: list[str] = field(default_factory=list)
    """Tables whose geometry type is not their kind's: a category's table that took any
    kind (split into one table per kind), a reference layer that took any kind (split so
    too), or the owners' areas that took polygons (now multi-polygons)."""

    def __bool__(self) -> bool:
        return bool(self.tables or self.columns or self.indexes or self.retyped)


def missing_schema(path: Path, tables: Mapping[str, TableSpec]) -> MissingSchema:
    """Return what ``path`` lacks of ``tables`` (the file's tables, ``physical_tables``)."""
    missing = MissingSchema()
    with connect(path) as connection:
        existing = {row[0] for row in connection.execute("SELECT table_name FROM gpkg_contents")}
        indexes = {
            row[0]
            for row in connection.execute("SELECT name FROM sqlite_master WHERE type='index'")
        }
        typed = dict(
            connection.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns")
        )
        for name, table in tables.items():
            if name not in existing:
                missing.tables.append(name)
                continue
            columns = {row[1] for row in connection.execute(f"PRAGMA table_info({quote(name)})")}
            missing.columns += [(name, f) for f in table.fields if f.name not in columns]
            if table.geometry is not None and (
                str(typed.get(name, "")).upper() != GPKG_TYPES[table.geometry]
            ):
                missing.retyped.append(name)
            missing.indexes += [
                name for index, _, _ in expected_indexes(table) if index not in indexes
            ]
    return missing


def upgrade_area(
    path: Path,
    catalog: Catalog,
    tables: Mapping[str, TableSpec],
    *,
    templates: Templates = TEMPLATES,
) -> None:
    """Add what ``missing_schema`` finds, in one transaction; call with the workspace lock held.

    A category's table that took any kind of geometry keeps its points (typed POINT
    then) and gives its lines and areas, fids, UUIDs, numbers and times as they are, to
    the category's tables of those kinds; the change log and the photos, which name the
    category, stay as they are. A reference layer that took any kind is split so too,
    after its multi-part features are split into parts (``_split_multipart``); the
    owners' polygons become multi-polygons (``_polygons_to_multipolygons``).

    Raises
    ------
    StoreError
        A feature whose kind of geometry the layer has no table for (a multi-part one
        drawn in another program in a category); nothing is changed.
    """
    missing = missing_schema(path, tables)
    image = templates.image(catalog, list(tables.values())) if missing.tables else b""
    with transaction(path) as connection:
        if missing.tables:
            log.info("adding layers %s to %s", missing.tables, path)
            _copy_tables(connection, image, missing.tables)
            start_fids(connection, [tables[name] for name in missing.tables])
        for table, spec in missing.columns:
            log.info("adding field %s.%s to %s", table, spec.name, path)
            connection.execute(
                f"ALTER TABLE {quote(table)} ADD COLUMN {quote(spec.name)} {SQL_TYPES[spec.type]}"
            )
        create_indexes(connection, list(tables.values()))
        for name in missing.retyped:
            retyped = tables[name]
            log.info("layer %s of %s now holds %s geometry", name, path, retyped.geometry)
            if retyped.geometry == "MultiPolygon":
                _polygons_to_multipolygons(connection, retyped)
            if retyped.layer in REFERENCE_LAYERS:
                _split_multipart(connection, retyped)
            if retyped.geometry != "Geometry":
                _move_other_kinds(connection, path, retyped, tables)
            _retype(connection, name, GPKG_TYPES[str(retyped.geometry)])
        if missing.tables or missing.retyped:
            write_styles(connection, catalog, [*missing.tables, *missing.retyped])


def _copy_tables(connection: sqlite3.Connection, image: bytes, names: Sequence[str]) -> None:
    """Create tables ``names`` as the template ``image`` has them: definitions and metadata."""
    template = sqlite3.connect(":memory:")
    try:
        # The image is in WAL mode (bytes 18 and 19 of the header): in memory it cannot be.
        legacy = bytearray(image)
        legacy[18:20] = b"\x01\x01"
        template.deserialize(bytes(legacy))
        now = datetime_to_text(datetime.now(UTC))
        for name in names:
            objects = template.execute(
                "SELECT sql FROM sqlite_master "
                "WHERE sql IS NOT NULL AND (tbl_name = ? OR name = ?) "
                "ORDER BY CASE type WHEN 'table' THEN 0 WHEN 'index' THEN 1 ELSE 2 END, rowid",
                (name, f"rtree_{name}_geom"),
            ).fetchall()
            for (statement,) in objects:
                connection.execute(statement)
            for metadata, column in _METADATA:
                cursor = template.execute(
                    f"SELECT * FROM {quote(metadata)} WHERE {quote(column)} = ?", (name,)
                )
                columns = [d[0] for d in cursor.description]
                kept = [k for k, c in enumerate(columns) if c != "id"]  # layer_styles' own id
                for row in cursor.fetchall():
                    connection.execute(
                        f"INSERT INTO {quote(metadata)} "
                        f"({', '.join(quote(columns[k]) for k in kept)}) "
                        f"VALUES ({', '.join('?' * len(kept))})",
                        [row[k] for k in kept],
                    )
            connection.execute(
                "UPDATE gpkg_contents SET last_change = ? WHERE table_name = ?", (now, name)
            )
    finally:
        template.close()


def _move_other_kinds(
    connection: sqlite3.Connection,
    path: Path,
    table: TableSpec,
    tables: Mapping[str, TableSpec],
) -> None:
    """Move the rows of ``table`` whose geometry is not its kind to the category's tables.

    Every column goes as it is, the fid included: the fids came from one table and stay
    unique across the category's tables.
    """
    siblings = {
        str(other.geometry): other
        for other in tables.values()
        if other.layer_name == table.layer_name and other is not table
    }
    rows = connection.execute(
        f"SELECT fid, geom FROM {quote(table.name)} WHERE geom IS NOT NULL ORDER BY fid"
    ).fetchall()
    geometries = gpkg_blobs_to_geometries([blob for _, blob in rows])
    moving: dict[str, list[int]] = {}
    shapes: dict[str, list[object]] = {}
    stray: list[str] = []
    for (fid, _), geometry in zip(rows, geometries, strict=True):
        kind = geometry.geom_type if geometry is not None else ""
        if kind == table.geometry:
            continue
        if kind not in siblings:
            stray.append(f"fid {fid}: {kind}")
            continue
        moving.setdefault(siblings[kind].name, []).append(int(fid))
        shapes.setdefault(siblings[kind].name, []).append(geometry)
    if stray:
        listed = ", ".join(stray[:5]) + (" …" if len(stray) > 5 else "")
        raise StoreError(
            Text(
                sv=f"{path}: lagret {table.layer_name!r} har objekt av en geometrityp som "
                f"kategorin inte har någon tabell för ({listed}). Dela flerdelade objekt i QGIS "
                "(Vektor > Geometriverktyg > Flerdelade till enkeldelar) eller ta bort dem, och "
                "öppna arbetsytan igen. Inget har ändrats.",
                en=f"{path}: the layer {table.layer_name!r} holds features of a geometry type "
                f"the category has no table for ({listed}). Split multi-part features in QGIS "
                "(Vector > Geometry Tools > Multipart to Singleparts) or delete them, and open "
                "the workspace again. Nothing was changed.",
            )
        )
    columns = ", ".join(map(quote, ["fid", "geom", *table.field_names]))
    for name, fids in moving.items():
        chosen = "fid IN (SELECT value FROM json_each(?))"
        connection.execute(
            f"INSERT INTO {quote(name)} ({columns}) "
            f"SELECT {columns} FROM {quote(table.name)} WHERE {chosen} ORDER BY fid",
            (json.dumps(fids),),
        )
        connection.execute(f"DELETE FROM {quote(table.name)} WHERE {chosen}", (json.dumps(fids),))
        min_x, min_y, max_x, max_y = shapely.total_bounds(shapes[name]).tolist()
        extend_contents(connection, name, (min_x, min_y, max_x, max_y))
        log.info("moved %d features from %s to %s", len(fids), table.name, name)


def _polygons_to_multipolygons(connection: sqlite3.Connection, table: TableSpec) -> None:
    """Store each polygon of ``table`` as a multi-polygon of one part."""
    rows = connection.execute(
        f"SELECT fid, geom FROM {quote(table.name)} WHERE geom IS NOT NULL ORDER BY fid"
    ).fetchall()
    geometries = gpkg_blobs_to_geometries([blob for _, blob in rows])
    promoted = [
        (geometry_to_gpkg(shapely.multipolygons([geometry]), STORAGE_EPSG), fid)
        for (fid, _), geometry in zip(rows, geometries, strict=True)
        if geometry is not None and geometry.geom_type == "Polygon"
    ]
    connection.executemany(f"UPDATE {quote(table.name)} SET geom = ? WHERE fid = ?", promoted)
    log.info("stored %d polygons of %s as multi-polygons", len(promoted), table.name)


def _split_multipart(connection: sqlite3.Connection, table: TableSpec) -> None:
    """Split each multi-part feature of a reference table into its parts, in the table.

    The first part keeps the feature's row (fid, UUID, source id); each other part is a
    new row with a UUID of its own and the source id numbered ``#2``, ``#3`` … as the
    loader numbers the parts of a file's multi-part feature, so that loading that file
    again adds nothing. ``_move_other_kinds`` then moves each part to its kind's table.
    """
    rows = connection.execute(
        f"SELECT fid, geom FROM {quote(table.name)} WHERE geom IS NOT NULL ORDER BY fid"
    ).fetchall()
    geometries = gpkg_blobs_to_geometries([blob for _, blob in rows])
    kept = [name for name in table.field_names if name not in ("uuid", "source_id")]
    copied = ", ".join(map(quote, kept))
    split = 0
    for (fid, _), geometry in zip(rows, geometries, strict=True):
        if geometry is None or geometry.geom_type in ("Point", "LineString", "Polygon"):
            continue
        parts = single_parts(geometry)
        if not parts:  # left for _move_other_kinds to refuse
            continue
        blobs = [geometry_to_gpkg(part, STORAGE_EPSG) for part in parts]
        for n, blob in enumerate(blobs[1:], start=2):
            connection.execute(
                f"INSERT INTO {quote(table.name)} (geom, uuid, source_id, {copied}) "
                f"SELECT ?, ?, source_id || ?, {copied} FROM {quote(table.name)} WHERE fid = ?",
                (blob, str(uuid4()), f"#{n}", fid),
            )
        connection.execute(
            f"UPDATE {quote(table.name)} SET geom = ? WHERE fid = ?", (blobs[0], fid)
        )
        split += 1
    log.info("split %d multi-part features of %s into parts", split, table.name)


def _retype(connection: sqlite3.Connection, table: str, type_name: str) -> None:
    """Declare ``table``'s geometry column as ``type_name`` (``POINT``, ``GEOMETRY``, …).

    Both the GeoPackage metadata and the column's declared type change, as GDAL checks
    that they agree. SQLite cannot alter a column's type; the declared type is rewritten
    in the schema as SQLite documents for changes that leave the stored data as it is
    (https://sqlite.org/lang_altertable.html, "other kinds of table schema changes"):
    every geometry type has the same (NUMERIC) affinity, and every row left holds a
    geometry of the new type (``_move_other_kinds`` moved the others).
    """
    connection.execute(
        "UPDATE gpkg_geometry_columns SET geometry_type_name = ? WHERE table_name = ?",
        (type_name, table),
    )
    (sql,) = connection.execute(
        "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)
    ).fetchone()
    retyped = re.sub(r'("geom"\s+)[A-Z]+', rf"\g<1>{type_name}", sql, count=1)
    (version,) = connection.execute("PRAGMA schema_version").fetchone()
    connection.execute("PRAGMA writable_schema = ON")
    connection.execute(
        "UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (retyped, table)
    )
    connection.execute(f"PRAGMA schema_version = {int(version) + 1}")
    connection.execute("PRAGMA writable_schema = OFF")
