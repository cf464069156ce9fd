"""Checking an area file: integrity, GeoPackage metadata, counts, indexes, catalog values."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Mapping
from contextlib import suppress
from pathlib import Path

from gis.crs import STORAGE_EPSG
from gis.i18n import Text
from layers.catalog import FieldSpec
from layers.errors import FeatureValidationError, StoreError
from layers.gpkg.sqlite import connect, quote
from layers.gpkg.writes import feature_count_problem
from layers.records import Problem
from layers.schema import TableSpec, coerce_value

log = logging.getLogger(__name__)


def check_area(
    path: Path, slug: str, tables: Mapping[str, TableSpec], *, repair: bool
) -> list[Problem]:
    """Return what is wrong with one area file; with ``repair`` fix counts and R-trees."""
    problems: list[Problem] = []

    def problem(layer: str, sv: str, en: str, *, repairable: bool = False) -> None:
        problems.append(Problem(slug, layer, Text(sv=sv, en=en), repairable))

    try:
        with connect(path) as connection:
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
                stale = feature_count_problem(connection, name)
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
                columns = {r[1] for r in connection.execute(f"PRAGMA table_info({quote(name)})")}
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
                    for (number,) in connection.execute(f"SELECT number FROM {quote(name)}"):
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
    indexed = connection.execute(f"SELECT count(*) FROM {quote(rtree)}").fetchone()[0]
    features = connection.execute(
        f"SELECT count(*) FROM {quote(name)} WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)"
    ).fetchone()[0]
    verdict = connection.execute(f"SELECT rtreecheck({quote(rtree)})").fetchone()[0]
    if indexed == features and verdict == "ok":
        return []
    if repair:
        # One transaction: a writer in between, or a crash, never sees a half-built index.
        connection.execute("BEGIN IMMEDIATE")
        try:
            connection.execute(f"DELETE FROM {quote(rtree)}")
            connection.execute(
                f"INSERT INTO {quote(rtree)} SELECT fid, ST_MinX(geom), ST_MaxX(geom), "
                f"ST_MinY(geom), ST_MaxY(geom) FROM {quote(name)} "
                "WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)"
            )
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        connection.execute("COMMIT")
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
    column = quote(field.name)
    if field.required:
        (missing,) = connection.execute(
            f"SELECT count(*) FROM {quote(layer)} WHERE {column} IS NULL"
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
            f"SELECT DISTINCT {column} FROM {quote(layer)} WHERE {column} IS NOT NULL"
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
