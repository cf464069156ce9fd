"""The database layout: one schema per area, one table per layer, and the workspace's own tables.

Every identifier (area schemas, layer tables, columns) goes into SQL through
``psycopg.sql.Identifier``, never as text. Geometries are stored in EPSG:3006 with a GiST
index; times as ``timestamptz``, dates as ``date``, yes/no as ``boolean``: a GIS person
adding a layer in QGIS sees proper types.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final

import psycopg
from psycopg import sql

from gis.crs import STORAGE_EPSG
from gis.i18n import Text
from layers.errors import StoreError
from layers.schema import REFERENCE_LAYERS, TableSpec

WORKSPACE_SCHEMA: Final = "safewalk"
"""The workspace's own tables: its areas, settings (the catalog) and accounts."""
RESERVED_SCHEMAS: Final = frozenset({
    WORKSPACE_SCHEMA, "public", "information_schema", "topology", "tiger", "tiger_data",
})  # fmt: skip
"""Schema names an area id may not take (``pg_…`` cannot be one: ids have no underscores)."""
SQL_TYPES: Final = {
    "text": "text", "integer": "bigint", "real": "double precision", "boolean": "boolean",
    "date": "date", "datetime": "timestamptz", "binary": "bytea",
}  # fmt: skip
"""The column type of each field type."""


def column_sql(table: TableSpec, name: str) -> sql.Composable:
    """Return the select expression of a stored column as the store's rules keep values.

    Times come back as the text ``layers.schema.datetime_to_text`` writes (UTC, ms, Z),
    dates as ``YYYY-MM-DD``, yes/no as 1/0: as the GeoPackage store returns them.
    """
    spec = table.field(name)
    column = sql.Identifier(name)
    if spec is None:
        return column
    if spec.type == "datetime":
        return sql.SQL(
            """to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"""
        ).format(column)
    if spec.type == "date":
        return sql.SQL("{}::text").format(column)
    if spec.type == "boolean":
        return sql.SQL("{}::int").format(column)
    return column


def value_sql(table: TableSpec, name: str) -> sql.Composable:
    """Return the placeholder of a column's value, cast to the column's type."""
    spec = table.field(name)
    if spec is None or spec.type in ("text", "integer", "real", "binary"):
        return sql.Placeholder()
    if spec.type == "boolean":
        return sql.SQL("%s::int::boolean")
    return sql.SQL("%s::{}").format(sql.SQL(SQL_TYPES[spec.type]))


def geometry_sql() -> sql.Composable:
    """Return the placeholder of a geometry given as WKB."""
    return sql.SQL("ST_GeomFromWKB(%s, {})").format(sql.Literal(STORAGE_EPSG))


def qualified(schema: str, table: str) -> sql.Composable:
    """Return ``"schema"."table"``."""
    return sql.Identifier(schema, table)


def create_workspace_tables(connection: psycopg.Connection) -> None:
    """Create the PostGIS extension and the workspace's own tables, if missing."""
    connection.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    statements = [
        "CREATE SCHEMA IF NOT EXISTS {s}",
        "CREATE TABLE IF NOT EXISTS {s}.areas (slug text PRIMARY KEY, "
        "created_at timestamptz NOT NULL DEFAULT now())",
        "CREATE TABLE IF NOT EXISTS {s}.meta (key text PRIMARY KEY, value text NOT NULL)",
        "CREATE TABLE IF NOT EXISTS {s}.revision (id int PRIMARY KEY CHECK (id = 1), "
        "value bigint NOT NULL)",
        "INSERT INTO {s}.revision VALUES (1, 0) ON CONFLICT DO NOTHING",
        "CREATE TABLE IF NOT EXISTS {s}.accounts (name text PRIMARY KEY, role text NOT NULL, "
        "password_hash text NOT NULL, organisation text, disabled boolean NOT NULL, "
        "created_at timestamptz NOT NULL, failed_logins int NOT NULL DEFAULT 0, "
        "locked_until timestamptz, disabled_at timestamptz, removed_as int)",
        # Added later: an account disabled before its day was kept counts from now.
        """DO $$ BEGIN
          IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE table_schema =
              'safewalk' AND table_name = 'accounts' AND column_name = 'disabled_at') THEN
            ALTER TABLE safewalk.accounts ADD COLUMN disabled_at timestamptz;
            UPDATE safewalk.accounts SET disabled_at = now() WHERE disabled;
          END IF;
        END $$""",
        "ALTER TABLE {s}.accounts ADD COLUMN IF NOT EXISTS removed_as int",
        # Once per transaction that changes a layer, at its commit: the stamp of
        # Store.revision, whoever writes (the app, a command, QGIS).
        """CREATE OR REPLACE FUNCTION {s}.bump_revision() RETURNS trigger LANGUAGE plpgsql
        AS $$ BEGIN
          IF current_setting('safewalk.bumped', true) IS DISTINCT FROM
             txid_current()::text THEN
            UPDATE safewalk.revision SET value = value + 1 WHERE id = 1;
            PERFORM set_config('safewalk.bumped', txid_current()::text, true);
          END IF;
          RETURN NULL;
        END $$""",
    ]
    for statement in statements:
        connection.execute(sql.SQL(statement).format(s=sql.Identifier(WORKSPACE_SCHEMA)))


def create_table(connection: psycopg.Connection, schema: str, table: TableSpec) -> None:
    """Create one table with its indexes (GiST on the geometry), if missing.

    ``table`` is a table of the area (``layers.schema.physical_tables``): a category's
    table of one kind is typed for that kind, its fids start at its ``first_fid``.
    """
    columns: list[sql.Composable] = [
        sql.SQL("fid bigint GENERATED BY DEFAULT AS IDENTITY (START WITH {}) PRIMARY KEY").format(
            sql.Literal(table.first_fid)
        )
    ]
    if table.geometry is not None:
        columns.append(
            sql.SQL("geom geometry({}, {})").format(
                sql.SQL(table.geometry), sql.Literal(STORAGE_EPSG)
            )
        )
    columns += [
        sql.SQL("{} {}").format(sql.Identifier(f.name), sql.SQL(SQL_TYPES[f.type]))
        for f in table.fields
    ]
    name = qualified(schema, table.name)
    connection.execute(sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(
        name, sql.SQL(", ").join(columns)))  # fmt: skip
    create_indexes(connection, schema, table)


def create_indexes(connection: psycopg.Connection, schema: str, table: TableSpec) -> None:
    """Create a layer's indexes where missing: GiST, unique UUIDs, numbers, walks, features."""
    name = qualified(schema, table.name)
    names = set(table.field_names)
    wanted: list[tuple[str, str, str]] = []
    if table.geometry is not None:
        wanted.append(("geom", "USING gist (geom)", ""))
    if "uuid" in names:
        wanted.append(("uuid", "(uuid)", "UNIQUE"))
    for column in ("number", "walk_uuid", "feature_uuid"):
        if column in names:
            wanted.append((column, f"({column})", ""))
    for column, how, unique in wanted:
        index = sql.Identifier(f"{table.name}_{column}_idx")
        connection.execute(
            sql.SQL("CREATE {} INDEX IF NOT EXISTS {} ON {} {}").format(
                sql.SQL(unique), index, name, sql.SQL(how)
            )
        )
    trigger = sql.Identifier("safewalk_revision")
    connection.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(trigger, name))
    connection.execute(
        sql.SQL(
            "CREATE CONSTRAINT TRIGGER {} AFTER INSERT OR UPDATE OR DELETE ON {} "
            "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {}.bump_revision()"
        ).format(trigger, name, sql.Identifier(WORKSPACE_SCHEMA))
    )


def add_missing_columns(
    connection: psycopg.Connection, schema: str, table: TableSpec, present: Iterable[str]
) -> list[str]:
    """Add the fields of ``table`` that its stored table lacks; return their names."""
    missing = [f for f in table.fields if f.name not in set(present)]
    for spec in missing:
        connection.execute(
            sql.SQL("ALTER TABLE {} ADD COLUMN {} {}").format(
                qualified(schema, table.name),
                sql.Identifier(spec.name),
                sql.SQL(SQL_TYPES[spec.type]),
            )
        )
    return [f.name for f in missing]


_KINDS: Final = {"POINT": "Point", "LINESTRING": "LineString", "POLYGON": "Polygon",
                 "MULTIPOLYGON": "MultiPolygon"}  # fmt: skip
"""PostGIS' ``GeometryType`` of each kind a table may hold."""
_MULTIPART: Final = ("MULTIPOINT", "MULTILINESTRING", "MULTIPOLYGON", "GEOMETRYCOLLECTION")
"""PostGIS' ``GeometryType`` of the geometries of several parts."""


def split_multipart(connection: psycopg.Connection, schema: str, table: TableSpec) -> None:
    """Split each multi-part feature of a reference table into its parts, in the table.

    As the GeoPackage upgrade does: the first part keeps the feature's row (fid, UUID,
    source id), each other part is a new row with a UUID of its own and the source id
    numbered ``#2``, ``#3`` … as the loader numbers a file's multi-part feature's parts.
    """
    name = qualified(schema, table.name)
    kept = [f for f in table.field_names if f not in ("uuid", "source_id")]
    parts = sql.SQL(
        "SELECT t.fid, d.geom AS part, row_number() OVER (PARTITION BY t.fid ORDER BY d.path) "
        "AS n FROM {} t, ST_Dump(t.geom) d WHERE GeometryType(t.geom) = ANY(%s)"
    ).format(name)
    connection.execute(
        sql.SQL(
            "INSERT INTO {} (geom, uuid, source_id, {}) "
            "SELECT p.part, gen_random_uuid()::text, t.source_id || '#' || p.n, {} "
            "FROM ({}) p JOIN {} t ON t.fid = p.fid WHERE p.n > 1 ORDER BY p.fid, p.n"
        ).format(
            name,
            sql.SQL(", ").join(sql.Identifier(f) for f in kept),
            sql.SQL(", ").join(sql.Identifier("t", f) for f in kept),
            parts,
            name,
        ),
        (list(_MULTIPART),),
    )
    connection.execute(
        sql.SQL("UPDATE {} t SET geom = p.part FROM ({}) p WHERE p.fid = t.fid AND p.n = 1").format(
            name, parts
        ),
        (list(_MULTIPART),),
    )


def split_category(
    connection: psycopg.Connection, schema: str, table: TableSpec, tables: Mapping[str, TableSpec]
) -> None:
    """Type ``table`` for its kind, moving rows of other kinds to the category's tables.

    For an area made when a category's table took any kind: its lines and areas go, every
    column as it is (fid, UUID, number, times), to the category's tables of those kinds
    (made first, ``create_table``); the change log and photos name the category and stay.
    Call inside the transaction that makes the tables.

    A reference layer's multi-part features are split into parts first
    (``split_multipart``); the owners' polygons become multi-polygons (``ST_Multi``).

    Raises
    ------
    StoreError
        A feature of a kind the layer has no table for (a multi-part one drawn in
        another program in a category); the caller's transaction then changes nothing.
    """
    name = qualified(schema, table.name)
    if table.layer in REFERENCE_LAYERS:
        split_multipart(connection, schema, table)
    # A polygon goes into a multi-polygon table as a multi-polygon of one part.
    taken = {table.geometry, "Polygon"} if table.geometry == "MultiPolygon" else {table.geometry}
    if table.geometry != "Geometry":
        siblings = {
            str(other.geometry): other
            for other in tables.values()
            if other.layer_name == table.layer_name and other is not table
        }
        found = connection.execute(
            sql.SQL(
                "SELECT GeometryType(geom), array_agg(fid ORDER BY fid) FROM {} "
                "WHERE geom IS NOT NULL GROUP BY 1"
            ).format(name)
        ).fetchall()
        moving = [(str(kind), fids) for kind, fids in found if _KINDS.get(kind) not in taken]
        stray = [f"{kind} (fid {', '.join(map(str, fids[:5]))})" for kind, fids in moving
                 if _KINDS.get(kind) not in siblings]  # fmt: skip
        if stray:
            listed = "; ".join(stray)
            raise StoreError(
                Text(
                    sv=f"Området {schema}: lagret {table.layer_name!r} har objekt av en "
                    f"geometrityp som kategorin inte har någon tabell för: {listed}. Dela "
                    "flerdelade objekt i QGIS (Vektor > Geometriverktyg > Flerdelade till "
                    "enkeldelar) eller ta bort dem, och försök igen. Inget har ändrats.",
                    en=f"Area {schema}: the layer {table.layer_name!r} holds features of a "
                    f"geometry type the category has no table for: {listed}. Split multi-part "
                    "features in QGIS (Vector > Geometry Tools > Multipart to Singleparts) or "
                    "delete them, and try again. Nothing was changed.",
                )
            )
        columns = sql.SQL(", ").join(map(sql.Identifier, ["fid", "geom", *table.field_names]))
        for kind, _ in moving:
            target = qualified(schema, siblings[_KINDS[kind]].name)
            connection.execute(
                sql.SQL(
                    "INSERT INTO {} ({}) SELECT {} FROM {} WHERE GeometryType(geom) = %s "
                    "ORDER BY fid"
                ).format(target, columns, columns, name),
                (kind,),
            )
            connection.execute(
                sql.SQL("DELETE FROM {} WHERE GeometryType(geom) = %s").format(name), (kind,)
            )
    # The revision triggers of the rows moved fire now: a table with trigger events
    # pending cannot be altered.
    connection.execute("SET CONSTRAINTS ALL IMMEDIATE")
    connection.execute("SET CONSTRAINTS ALL DEFERRED")
    connection.execute(
        sql.SQL("ALTER TABLE {} ALTER COLUMN geom TYPE geometry({}, {}) USING {}").format(
            name,
            sql.SQL(str(table.geometry)),
            sql.Literal(STORAGE_EPSG),
            sql.SQL("ST_Multi(geom)" if table.geometry == "MultiPolygon" else "geom"),
        )
    )
