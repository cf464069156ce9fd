"""The PostGIS store: a workspace in one PostgreSQL database, one schema per area.

Each area is a schema named by its id, holding the same tables as an area's GeoPackage
(a category's points, lines and areas in tables of their own, each typed for its kind:
``passage`` POINT, ``passage_line`` LINESTRING, ``passage_area`` POLYGON), its number
sequences (``safewalk_meta``) and its change log; geometries in EPSG:3006 with GiST
indexes, so a GIS person can add any layer in QGIS. The store speaks of categories, as
the GeoPackage store does; an area made when a category's table took any kind is split
so on opening, or by ``check(repair=True)``. The schema ``safewalk`` holds the list of
areas and the workspace's settings.

Every write is one transaction, several areas' included (``append_across``); numbers
are drawn under a row lock, so concurrent writers of an area never get the same one.
Connections come from a pool that checks each before use: after the database was
restarted, the next call works again; a call that fails meanwhile raises ``StoreError``
and writes nothing.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import psycopg
import shapely
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg_pool import ConnectionPool, PoolTimeout
from shapely.geometry.base import BaseGeometry

from gis.i18n import Text
from layers.accounts import AccountRow
from layers.catalog import Catalog
from layers.errors import (
    StoreError,
    UnknownAreaError,
    UnknownLayerError,
    area_exists_error,
    no_such_photo_error,
)
from layers.frames import joined_frames
from layers.postgis.erasure import erase_rows
from layers.postgis.reads import frame_selected, rows_to_frame, selected, wkb_geometries
from layers.postgis.schema import (
    RESERVED_SCHEMAS,
    WORKSPACE_SCHEMA,
    add_missing_columns,
    create_indexes,
    create_table,
    create_workspace_tables,
    qualified,
    split_category,
)
from layers.postgis.writes import (
    META,
    check_feature,
    delete_rows,
    insert_copied_rows,
    insert_rows,
    log_changes,
    read_sequences,
    set_sequences,
    update_row,
)
from layers.records import (
    Area,
    AreaCopy,
    Batch,
    Erasure,
    PhotoInfo,
    Problem,
    Query,
    Record,
    Update,
)
from layers.rules.areas import area_boundary, area_values, check_slug
from layers.rules.changelog import redacted_entry
from layers.rules.copies import copied_created_at, pasted_layers
from layers.rules.decoding import decode_records
from layers.rules.rows import child_table, query_columns, read_parts
from layers.schema import (
    AREA_LAYER,
    AREA_TABLE,
    PHOTOS_LAYER,
    TableSpec,
    load_layer_catalog,
    physical_tables,
    tables_for_catalog,
)

if TYPE_CHECKING:
    import geopandas as gpd

log = logging.getLogger(__name__)

POOL_SIZE: Final = 8
"""Connections per process at most (each app instance, each command)."""
CONNECT_TIMEOUT_S: Final = 5.0
"""How long a call waits for a connection before it tells the user the database is away."""
LOCK_KEY: Final = 0x5AFE_3A1C
"""The advisory lock of ``exclusive`` (first-run set-up, schema changes)."""
CATALOG_KEY: Final = "catalog"
"""The workspace's own catalog (TOML) in ``safewalk.meta``, if it has one."""


def redacted(url: str) -> str:
    """Return a database URL without its password, for messages."""
    try:
        params = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        return "postgresql://…"
    params.pop("password", None)
    host, port, name = params.get("host", ""), params.get("port", ""), params.get("dbname", "")
    user = f"{params['user']}@" if params.get("user") else ""
    return f"postgresql://{user}{host}{':' if port else ''}{port}/{name}"


class PostgisStore:
    """A workspace in a PostgreSQL/PostGIS database (see module docstring).

    Parameters
    ----------
    url
        ``postgresql://user:password@host:port/database`` (or any libpq connection string).
    catalog
        The layer catalog; None means the workspace's own (kept in the database), or the
        shipped one.
    """

    def __init__(self, url: str, catalog: Catalog | None = None) -> None:
        self.url = url
        self._location = redacted(url)
        self._pool = ConnectionPool(
            make_conninfo(url, connect_timeout=int(CONNECT_TIMEOUT_S)),
            min_size=1, max_size=POOL_SIZE, open=False, kwargs={"autocommit": True},
            check=ConnectionPool.check_connection, name="safewalk",
        )  # fmt: skip
        try:  # once directly: a wrong address or password is told at once, with the reason
            psycopg.connect(url, connect_timeout=int(CONNECT_TIMEOUT_S)).close()
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except (psycopg.Error, PoolTimeout) as error:
            self._pool.close()
            raise self._unreachable(error) from None
        with self._transaction() as connection:
            connection.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            create_workspace_tables(connection)
        self.catalog = catalog or self._stored_catalog() or load_layer_catalog()
        self._tables = {table.name: table for table in tables_for_catalog(self.catalog)}
        """The layers callers name: a category is one, whatever its tables."""
        self._physical = {table.name: table for table in physical_tables(self._tables.values())}
        """The tables of an area: each category's one per kind of geometry."""
        self._areas: dict[str, tuple[datetime, Area]] = {}
        self._areas_lock = threading.Lock()
        self._upgrade_areas()

    # ------------------------------------------------------------------- plumbing
    def close(self) -> None:
        """Close the connections (a store is otherwise kept for the process's life)."""
        self._pool.close()

    def _unreachable(self, error: Exception | None) -> StoreError:
        detail = f" ({' '.join(str(error).split())})" if error else ""
        return StoreError(
            Text(
                sv=f"Databasen {self._location} svarar inte{detail}; inget sparades. Försök "
                "igen om en stund, eller be den som sköter databasen att se efter den.",
                en=f"The database {self._location} does not answer{detail}; nothing was saved. "
                "Try again in a moment, or ask whoever runs the database to look at it.",
            )
        )

    @contextmanager
    def _connection(self) -> Iterator[psycopg.Connection]:
        """Lend a pooled connection; a database that is away is a ``StoreError``."""
        try:
            with self._pool.connection(timeout=CONNECT_TIMEOUT_S) as connection:
                yield connection
        except (psycopg.OperationalError, PoolTimeout) as error:
            raise self._unreachable(error) from error
        except psycopg.errors.UniqueViolation as error:
            raise StoreError(
                Text(
                    sv="Någon annan sparade samma sak i samma stund; inget sparades. Försök igen.",
                    en="Someone else saved the same thing at the same moment; nothing was "
                    "saved. Try again.",
                )
            ) from error
        except (psycopg.errors.UndefinedTable, psycopg.errors.InvalidSchemaName,
                psycopg.errors.UndefinedColumn) as error:  # fmt: skip
            raise StoreError(
                Text(
                    sv=f"Databasen {self._location} saknar en tabell eller kolumn ({error}). "
                    "Kör 'safewalk check --repair'.",
                    en=f"The database {self._location} lacks a table or column ({error}). "
                    "Run 'safewalk check --repair'.",
                )
            ) from error

    @contextmanager
    def _transaction(self) -> Iterator[psycopg.Connection]:
        """One write transaction: all of it, or none."""
        with self._connection() as connection, connection.transaction():
            yield connection

    def _stored_catalog(self) -> Catalog | None:
        text = self.own_catalog()
        if text is None:
            return None
        with tempfile.TemporaryDirectory(prefix="safewalk-catalog-") as folder:
            path = Path(folder) / "catalog.toml"
            path.write_text(text, encoding="utf-8")
            return load_layer_catalog(path)

    def own_catalog(self) -> str | None:
        """Return the workspace's own catalog, kept in the database; None for the shipped one."""
        with self._connection() as connection:
            row = connection.execute(
                sql.SQL("SELECT value FROM {} WHERE key = %s").format(
                    qualified(WORKSPACE_SCHEMA, "meta")
                ),
                (CATALOG_KEY,),
            ).fetchone()
        return None if row is None else str(row[0])

    def save_own_catalog(self, text: str) -> None:
        """Keep ``text`` (a catalog file's TOML) as the workspace's own catalog."""
        with self._transaction() as connection:
            connection.execute(
                sql.SQL(
                    "INSERT INTO {} (key, value) VALUES (%s, %s) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
                ).format(qualified(WORKSPACE_SCHEMA, "meta")),
                (CATALOG_KEY, text),
            )

    def accounts(self) -> PostgresAccounts:
        """Return the workspace's accounts (``safewalk.accounts``)."""
        return PostgresAccounts(self._connection)

    @property
    def location(self) -> str:
        """The database URL without its password."""
        return self._location

    @property
    def is_persistent(self) -> bool:
        """True: the data lives in the database."""
        return True

    def revision(self) -> str:
        """Return the workspace's write count: every committed change to a layer adds one.

        Counted at commit by a trigger on every table, whoever writes (the app, a
        command, QGIS); a write rolled back, or one that changes nothing, counts nothing.
        """
        with self._connection() as connection:
            rows = connection.execute(
                sql.SQL("SELECT value FROM {}").format(qualified(WORKSPACE_SCHEMA, "revision"))
            ).fetchall()
        return str(rows[0][0])

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold a lock on the workspace against other processes (an advisory lock)."""
        with self._connection() as connection:
            connection.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
            try:
                yield
            finally:
                connection.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))

    def _table(self, layer: str) -> TableSpec:
        try:
            return self._tables[layer]
        except KeyError:
            raise UnknownLayerError(name=layer, valid=", ".join(self._tables)) from None

    def _slugs(self, connection: psycopg.Connection) -> dict[str, datetime]:
        rows = connection.execute(
            sql.SQL("SELECT slug, created_at FROM {}").format(qualified(WORKSPACE_SCHEMA, "areas"))
        ).fetchall()
        return {str(slug): created for slug, created in rows}

    def _schema(self, slug: str) -> str:
        """Return the schema of area ``slug``; raise ``UnknownAreaError`` if there is none."""
        with self._areas_lock:
            if slug in self._areas:
                return slug
        with self._connection() as connection:
            slugs = self._slugs(connection)
        if slug not in slugs:
            raise UnknownAreaError(name=slug, valid=", ".join(sorted(slugs)) or "-")
        return slug

    def _upgrade_areas(self) -> None:
        """Add tables, columns and indexes the catalog has gained since an area was made."""
        with self._connection() as connection:
            slugs = self._slugs(connection)
            if not slugs:
                return
            present, typed = self._present(connection, slugs)
        stale = [
            slug for slug in slugs for name, table in self._physical.items()
            if not set(table.field_names) <= present.get((slug, name), set())
            or self._mistyped(typed, slug, table)
        ]  # fmt: skip
        if not stale:
            return
        with self.exclusive(), self._transaction() as connection:
            for slug in sorted(set(stale)):
                self._make_tables(connection, slug, present, typed)

    @staticmethod
    def _present(
        connection: psycopg.Connection, slugs: Iterable[str]
    ) -> tuple[dict[tuple[str, str], set[str]], dict[tuple[str, str], str]]:
        """Return the columns of each (area, table) there is, and each one's geometry type."""
        present: dict[tuple[str, str], set[str]] = {}
        for schema, table, column in connection.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = ANY(%s)",
            (list(slugs),),
        ):
            present.setdefault((schema, table), set()).add(column)
        typed = {
            (str(schema), str(table)): str(kind)
            for schema, table, kind in connection.execute(
                "SELECT f_table_schema, f_table_name, type FROM geometry_columns "
                "WHERE f_table_schema = ANY(%s) AND f_geometry_column = 'geom'",
                (list(slugs),),
            )
        }
        return present, typed

    @staticmethod
    def _mistyped(typed: Mapping[tuple[str, str], str], slug: str, table: TableSpec) -> bool:
        """Whether an existing table of the area holds another kind than ``table`` says."""
        stored = typed.get((slug, table.name))
        return (
            stored is not None
            and table.geometry is not None
            and stored.upper() != table.geometry.upper()
        )

    def _make_tables(
        self,
        connection: psycopg.Connection,
        schema: str,
        present: Mapping[tuple[str, str], set[str]],
        typed: Mapping[tuple[str, str], str] | None = None,
    ) -> list[str]:
        """Create the missing tables and columns of an area; return what was made.

        A table that holds another kind than its own is typed for its kind
        (``split_category``).
        """
        made = []
        for name, table in self._physical.items():
            if (schema, name) not in present:
                create_table(connection, schema, table)
                made.append(name)
            else:
                added = add_missing_columns(connection, schema, table, present[(schema, name)])
                made += [f"{name}.{column}" for column in added]
                create_indexes(connection, schema, table)
        for name, table in self._physical.items():
            if self._mistyped(typed or {}, schema, table):
                split_category(connection, schema, table, self._physical)
                made.append(f"{name} ({table.geometry})")
        return made

    # ---------------------------------------------------------------------- areas
    def areas(self) -> list[Area]:
        """Return every area, sorted by name; boundaries are read once and kept."""
        with self._connection() as connection:
            slugs = self._slugs(connection)
            with self._areas_lock:
                known = {s: e for s, e in self._areas.items() if slugs.get(s) == e[0]}
            for slug, created in slugs.items():
                if slug in known:
                    continue
                row = connection.execute(
                    sql.SQL("SELECT ST_AsBinary(geom), name, source, is_demo FROM {} "
                            "ORDER BY fid LIMIT 1").format(qualified(slug, AREA_LAYER))
                ).fetchone()  # fmt: skip
                if row is None:
                    log.warning("area %s has no boundary; skipped", slug)
                    continue
                boundary = shapely.from_wkb(row[0])
                shapely.prepare(boundary)
                known[slug] = (created, Area(slug, row[1], boundary, source=row[2] or "",
                                             is_demo=bool(row[3])))  # fmt: skip
        with self._areas_lock:
            self._areas = known
        return sorted((area for _, area in known.values()), key=lambda a: a.name.casefold())

    def add_area(self, area: Area, *, actor: str) -> None:
        """Create the area's schema with every layer, empty, and its boundary."""
        with self._transaction() as connection:
            self._create_area(connection, area, actor=actor)

    def _create_area(self, connection: psycopg.Connection, area: Area, *, actor: str) -> None:
        check_slug(area.slug)
        if area.slug in RESERVED_SCHEMAS:
            raise StoreError(
                Text(
                    sv=f"Område-id {area.slug!r} är reserverat i databasen; välj ett annat.",
                    en=f"The area id {area.slug!r} is reserved in the database; choose another.",
                )
            )
        boundary = area_boundary(area)
        try:
            with connection.transaction():
                connection.execute(
                    sql.SQL("INSERT INTO {} (slug) VALUES (%s)").format(
                        qualified(WORKSPACE_SCHEMA, "areas")
                    ),
                    (area.slug,),
                )
                connection.execute(sql.SQL("CREATE SCHEMA {}").format(sql.Identifier(area.slug)))
        except (psycopg.errors.UniqueViolation, psycopg.errors.DuplicateSchema):
            raise area_exists_error(area.slug) from None
        connection.execute(
            sql.SQL("CREATE TABLE {} (key text PRIMARY KEY, value text NOT NULL)").format(
                qualified(area.slug, META)
            )
        )
        self._make_tables(connection, area.slug, {})
        insert_rows(connection, area.slug, AREA_TABLE,
                    [(area_values(area, datetime.now(UTC)), boundary)], actor=actor)  # fmt: skip

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
        updates: Sequence[Update] = (),
    ) -> Record:
        """Add one feature, rows that belong to it and ``updates``; see ``Store.append``."""
        schema = self._schema(slug)
        table = self._table(layer)
        owned = {child_table(name): rows for name, rows in (children or {}).items()}
        changed = [(self._table(name), uuid, changes) for name, uuid, changes in updates]
        with self._transaction() as connection:
            (stored,) = insert_rows(connection, schema, table, [(values, geometry)], actor=actor)
            owner = {"feature_uuid": stored["uuid"], "layer": table.layer_name}
            for child, rows in owned.items():
                insert_rows(connection, schema, child, [({**r, **owner}, None) for r in rows],
                            actor=actor)  # fmt: skip
            for other, uuid, change in changed:
                update_row(connection, schema, other, uuid, change, actor=actor)
            return stored

    def add_children(
        self,
        slug: str,
        layer: str,
        uuid: str,
        children: Mapping[str, Sequence[Mapping[str, object]]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add rows to a stored feature in one transaction; see ``Store.add_children``."""
        schema = self._schema(slug)
        table = self._table(layer)
        owned = {child_table(name): rows for name, rows in children.items()}
        owner = {"feature_uuid": uuid, "layer": table.layer_name}
        added: list[Record] = []
        with self._transaction() as connection:
            check_feature(connection, schema, table, uuid)
            for child, rows in owned.items():
                batch = [({**r, **owner}, None) for r in rows]
                added += insert_rows(connection, schema, child, batch, actor=actor)
        return added

    def append_many(
        self,
        slug: str,
        layer: str,
        features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add many features in one transaction; see ``Store.append_many``."""
        schema = self._schema(slug)
        table = self._table(layer)
        with self._transaction() as connection:
            return insert_rows(connection, schema, table, features, actor=actor)

    def append_across(
        self,
        features: Sequence[tuple[str, str, Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
        records: bool = True,
    ) -> list[Record]:
        """Add features to several areas in one transaction; see ``Store.append_across``."""
        groups: dict[tuple[str, str], list[int]] = {}
        for k, (slug, layer, _, _) in enumerate(features):
            groups.setdefault((self._schema(slug), layer), []).append(k)
        tables = {layer: self._table(layer) for _, layer in groups}
        stored: list[Record | None] = [None] * len(features)
        with self._transaction() as connection:
            for (schema, layer), indexes in sorted(groups.items()):
                batch = [(features[k][2], features[k][3]) for k in indexes]
                made = insert_rows(
                    connection, schema, tables[layer], batch, actor=actor, records=records
                )
                for k, record in zip(indexes, made, strict=False):
                    stored[k] = record
        return [record for record in stored if record is not None]

    def append_batches(
        self,
        batches: Iterable[Batch],
        *,
        actor: str,
        areas: Collection[str],
        expected: int,
    ) -> int:
        """Add features as they come, in one transaction; see ``Store.append_batches``."""
        allowed = {self._schema(slug) for slug in areas}
        added = 0
        with self._transaction() as connection:
            for slug, layer, features in batches:
                schema = self._schema(slug)
                if schema not in allowed:
                    message = f"a feature is bound for an area not among {areas}"
                    raise ValueError(message)
                insert_rows(connection, schema, self._table(layer), features, actor=actor,
                            records=False)  # fmt: skip
                added += len(features)
        return added

    def replace(
        self,
        slug: str,
        layer: str,
        remove: Sequence[str],
        add: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Delete ``remove`` and add ``add`` in one transaction; see ``Store.replace``."""
        schema = self._schema(slug)
        table = self._table(layer)
        with self._transaction() as connection:
            if remove:
                delete_rows(connection, schema, table, remove, actor=actor)
            return insert_rows(connection, schema, table, add, actor=actor)

    def update(
        self, slug: str, layer: str, uuid: str, changes: Mapping[str, object], *, actor: str
    ) -> Record:
        """Change some values of one feature in one transaction; see ``Store.update``."""
        return self.update_many(slug, [(layer, uuid, changes)], actor=actor)[0]

    def update_many(self, slug: str, updates: Sequence[Update], *, actor: str) -> list[Record]:
        """Make several updates in one transaction, all or none; see ``Store.update_many``."""
        schema = self._schema(slug)
        changed = [(self._table(name), uuid, changes) for name, uuid, changes in updates]
        if not changed:
            return []
        with self._transaction() as connection:
            return [
                update_row(connection, schema, table, uuid, changes, actor=actor)
                for table, uuid, changes in changed
            ]

    def delete(self, slug: str, layer: str, uuids: Sequence[str], *, actor: str) -> int:
        """Delete features by UUID (and their photos) in one transaction, logged."""
        schema = self._schema(slug)
        table = self._table(layer)
        if not uuids:
            return 0
        with self._transaction() as connection:
            return delete_rows(connection, schema, table, uuids, actor=actor)

    def erase(self, slug: str, erasures: Sequence[Erasure], *, actor: str) -> None:
        """Remove personal data in one transaction; see ``Store.erase``.

        The rows are deleted or changed; PostgreSQL overwrites their old versions once
        VACUUM (autovacuum) has freed them and new rows take the space, and a backup or
        archived WAL keeps them until it expires.
        """
        schema = self._schema(slug)
        wanted = [erasure for erasure in erasures if not erasure.is_empty]
        if not wanted:
            return
        try:
            with self._transaction() as connection:
                for erasure in wanted:
                    erase_rows(connection, schema, erasure, table_of=self._table,
                               physical=self._physical.values(), actor=actor)  # fmt: skip
        except psycopg.Error as error:  # what _connection names already is a StoreError
            raise StoreError(
                Text(
                    sv=f"Gallringen i området {slug} misslyckades ({' '.join(str(error).split())});"
                    " inget i området ändrades.",
                    en=f"The erasure in the area {slug} failed ({' '.join(str(error).split())}); "
                    "nothing in the area was changed.",
                )
            ) from error

    def copy_area(self, slug: str) -> AreaCopy:
        """Return everything of the area; see ``Store.copy_area``."""
        schema = self._schema(slug)
        (area,) = [a for a in self.areas() if a.slug == slug]
        with self._connection() as connection, connection.transaction():
            connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            tables = {
                name: self._records(connection, schema, table, Query())
                for name, table in self._tables.items()
            }  # fmt: skip
            sequences = read_sequences(connection, schema)
        return AreaCopy(area, tables, sequences)

    def export_area(self, slug: str, path: Path, *, categories: Sequence[str]) -> int:
        """Write the area as a GeoPackage that stands alone; see ``Store.export_area``."""
        from layers.gpkg.standalone import export_copy  # GDAL only where a file is made

        return export_copy(self.copy_area(slug), self.catalog, path, categories)

    def paste_area(self, copy: AreaCopy, *, actor: str) -> None:
        """Create the area of ``copy`` with all it holds, in one transaction."""
        layers, numbers = pasted_layers(self._tables, copy)
        with self._transaction() as connection:
            self._create_area(connection, copy.area, actor=actor)
            for table, rows, geometries in layers:
                insert_copied_rows(connection, copy.area.slug, table, rows, geometries)
            set_sequences(connection, copy.area.slug, numbers)
            created = copied_created_at(copy)
            if created is not None:
                connection.execute(
                    sql.SQL("UPDATE {} SET created_at = %s::timestamptz").format(
                        qualified(copy.area.slug, AREA_LAYER)
                    ),
                    (created,),
                )

    # ---------------------------------------------------------------------- reads
    def _select(
        self, connection: psycopg.Connection, schema: str, table: TableSpec, query: Query,
        *, for_frame: bool = False,
    ) -> tuple[list[str], list[tuple[Any, ...]]]:  # fmt: skip
        """Return the attribute columns ``query`` asks for and its rows, in fid order.

        ``for_frame``: as ``frame_selected`` gives them, for a data frame. ``table`` is
        one table of the area (a category's of one kind).
        """
        names = list(query_columns(table, query))
        where, params = self._where(table, query)
        limit = sql.SQL("") if query.limit is None else sql.SQL(" LIMIT {}").format(
            sql.Literal(query.limit))  # fmt: skip
        rows = connection.execute(
            sql.SQL("SELECT {} FROM {}{} ORDER BY fid{}").format(
                (frame_selected if for_frame else selected)(table, names),
                qualified(schema, table.name),
                where,
                limit,
            ),
            params,
        ).fetchall()
        return names, rows

    @staticmethod
    def _where(table: TableSpec, query: Query) -> tuple[sql.Composable, list[Any]]:
        """Return the WHERE clause of ``query`` on one table (empty without conditions)."""
        conditions: list[sql.Composable] = []
        params: list[Any] = []
        if query.uuids is not None:
            if "uuid" in table.field_names:
                conditions.append(sql.SQL("uuid = ANY(%s)"))
                params.append(list(query.uuids))
            else:
                conditions.append(sql.SQL("false"))
        for column, value in (("walk_uuid", query.walk_uuid), ("is_demo", query.is_demo)):
            if value is None:
                continue
            if column not in table.field_names:
                conditions.append(sql.SQL("false"))
                continue
            conditions.append(sql.SQL("{} = %s").format(sql.Identifier(column)))
            params.append(value)
        if query.kind is not None and table.geometry != query.kind:
            conditions.append(sql.SQL("false"))
        if query.after_fid is not None:
            conditions.append(sql.SQL("fid > %s"))
            params.append(query.after_fid)
        if query.during is not None:
            timed = sql.Identifier(query.during.column)
            conditions.append(sql.SQL("{} IS NOT NULL").format(timed))
            for end, compare in ((query.during.start, ">="), (query.during.end, "<=")):
                if end is not None:
                    conditions.append(sql.SQL("{} {} %s").format(timed, sql.SQL(compare)))
                    params.append(end)
        if query.bbox is not None:
            if table.geometry is None:
                conditions.append(sql.SQL("false"))
            else:
                # The index keeps 32-bit boxes, rounded outwards: it finds the candidates,
                # each one's own extent decides.
                min_x, min_y, max_x, max_y = query.bbox
                conditions.append(sql.SQL(
                    "geom && ST_MakeEnvelope(%s, %s, %s, %s, 3006) AND ST_XMin(geom) <= %s "
                    "AND ST_XMax(geom) >= %s AND ST_YMin(geom) <= %s AND ST_YMax(geom) >= %s"
                ))  # fmt: skip
                params += [min_x, min_y, max_x, max_y, max_x, min_x, max_y, min_y]
        where = (
            sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions) if conditions else sql.SQL("")
        )
        return where, params

    def _records(
        self, connection: psycopg.Connection, schema: str, table: TableSpec, query: Query
    ) -> list[Record]:
        if table.parts:
            found = read_parts(
                table.parts, query, lambda part, q: self._records(connection, schema, part, q), len
            )
            return [record for records in found for record in records]
        names, rows = self._select(connection, schema, table, query)
        columns = ["fid", *names]
        shapes = (
            list(wkb_geometries([row[-1] for row in rows]))
            if table.geometry
            else [None] * len(rows)
        )
        stored = [dict(zip(columns, row, strict=False)) for row in rows]
        return decode_records(table, stored, shapes)

    def read_layer(self, slug: str, layer: str, query: Query | None = None) -> gpd.GeoDataFrame:
        """Return a layer's features (those ``query`` selects) as a frame, EPSG:3006."""
        schema = self._schema(slug)
        table = self._table(layer)
        # A category's tables in one snapshot: a write in between is seen whole or not at all.
        with self._connection() as connection, connection.transaction():
            if table.parts:
                connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            frames = read_parts(
                table.physical, query or Query(),
                lambda part, q: rows_to_frame(
                    part, *self._select(connection, schema, part, q, for_frame=True)),
                len,
            )  # fmt: skip
        return joined_frames(frames)

    def read_records(self, slug: str, layer: str, query: Query | None = None) -> list[Record]:
        """Return a layer's features (those ``query`` selects) as typed records."""
        schema = self._schema(slug)
        table = self._table(layer)
        with self._connection() as connection, connection.transaction():
            if table.parts:
                connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return self._records(connection, schema, table, query or Query())

    def count_features(self, slug: str, layer: str, query: Query | None = None) -> int:
        """Return how many features of a layer ``query`` selects (by the GiST index for a box)."""
        schema = self._schema(slug)
        table = self._table(layer)
        query = query or Query()
        query_columns(table, query)

        def count(part: TableSpec, limited: Query) -> int:
            where, params = self._where(part, limited)
            limit = sql.SQL("") if limited.limit is None else sql.SQL(" LIMIT {}").format(
                sql.Literal(limited.limit))  # fmt: skip
            row = connection.execute(
                sql.SQL("SELECT count(*) FROM (SELECT 1 FROM {}{}{}) AS selected").format(
                    qualified(schema, part.name), where, limit),
                params,
            ).fetchone()  # fmt: skip
            return int(row[0]) if row else 0

        with self._connection() as connection, connection.transaction():
            if table.parts:
                connection.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return sum(read_parts(table.physical, query, count, int))

    def read_photos(self, slug: str, feature_uuids: Sequence[str]) -> list[PhotoInfo]:
        """Return the photos of some features with their thumbnails, oldest first."""
        schema = self._schema(slug)
        with self._connection() as connection:
            rows = connection.execute(
                sql.SQL("SELECT uuid, feature_uuid, layer, width, height, thumbnail FROM {} "
                        "WHERE feature_uuid = ANY(%s) ORDER BY fid")
                .format(qualified(schema, PHOTOS_LAYER)),
                (list(feature_uuids),),
            ).fetchall()  # fmt: skip
        return [PhotoInfo(*row) for row in rows]

    def read_photo_image(self, slug: str, photo_uuid: str) -> bytes | None:
        """Return one photo's full-size image, or None if there is no such photo."""
        schema = self._schema(slug)
        with self._connection() as connection:
            row = connection.execute(
                sql.SQL("SELECT image FROM {} WHERE uuid = %s").format(
                    qualified(schema, PHOTOS_LAYER)
                ),
                (photo_uuid,),
            ).fetchone()
        return None if row is None else bytes(row[0])

    def redact_photo(
        self,
        slug: str,
        photo_uuid: str,
        *,
        image: bytes,
        thumbnail: bytes,
        boxes: Sequence[Sequence[int]],
        actor: str,
    ) -> PhotoInfo:
        """Replace a photo by its blacked-out copy, then rewrite the photo table; see the protocol.

        An update leaves the old row version in the table's files until a vacuum, and a
        plain vacuum only marks its space free: ``VACUUM FULL`` writes the area's photo
        table (and its TOAST table, where the images are) into new files and removes the
        old ones. It holds the table for that moment (a few seconds for thousands of
        photos); the change itself is committed before.
        """
        schema = self._schema(slug)
        table = qualified(schema, PHOTOS_LAYER)
        with self._transaction() as connection:
            row = connection.execute(
                sql.SQL("SELECT uuid, feature_uuid, layer, width, height FROM {} "
                        "WHERE uuid = %s FOR UPDATE").format(table),
                (photo_uuid,),
            ).fetchone()  # fmt: skip
            if row is None:
                raise no_such_photo_error(photo_uuid)
            stored = dict(zip(("uuid", "feature_uuid", "layer", "width", "height"), row,
                              strict=True))  # fmt: skip
            connection.execute(
                sql.SQL("UPDATE {} SET image = %s, thumbnail = %s WHERE uuid = %s").format(table),
                (image, thumbnail, photo_uuid),
            )
            log_changes(connection, schema, [redacted_entry(actor, stored, boxes)])
        with self._connection() as connection:  # autocommit: VACUUM runs outside a transaction
            connection.execute(sql.SQL("VACUUM FULL {}").format(table))
        return PhotoInfo(photo_uuid, str(stored["feature_uuid"]), str(stored["layer"]),
                         int(stored["width"]), int(stored["height"]), thumbnail)  # fmt: skip

    def feature_counts(self, slug: str) -> dict[str, int]:
        """Return the number of features per layer of an area, a category's tables together."""
        schema = self._schema(slug)
        counts = sql.SQL(" UNION ALL ").join(
            sql.SQL("SELECT {}, count(*) FROM {}").format(
                sql.Literal(name), qualified(schema, part.name)
            )
            for name, table in self._tables.items()
            for part in table.physical
        )
        totals = dict.fromkeys(self._tables, 0)
        with self._connection() as connection:
            for name, count in connection.execute(counts).fetchall():
                totals[str(name)] += int(count)
        return totals

    # ---------------------------------------------------------------------- check
    def check(self, *, repair: bool = False) -> list[Problem]:
        """Verify every area: tables, columns, indexes, numbers; ``repair`` adds what lacks."""
        problems: list[Problem] = []
        with self._connection() as connection:
            slugs = self._slugs(connection)
            present, typed = self._present(connection, slugs)
            indexed = {
                (schema, table)
                for schema, table in connection.execute(
                    "SELECT schemaname, tablename FROM pg_indexes WHERE schemaname = ANY(%s) "
                    "AND indexdef LIKE '%%USING gist%%'",
                    (list(slugs),),
                )
            }
        for slug in sorted(slugs):
            for name, table in self._physical.items():
                if (slug, name) not in present:
                    missing = Text(sv="lagret saknas", en="the layer is missing")
                    problems.append(Problem(slug, name, missing, True))
                    continue
                for field in table.fields:
                    if field.name not in present[(slug, name)]:
                        problems.append(Problem(slug, name, Text(
                            sv=f"fältet {field.name!r} saknas",
                            en=f"field {field.name!r} is missing"), True))  # fmt: skip
                if self._mistyped(typed, slug, table):
                    stored = typed[(slug, name)]
                    problems.append(Problem(slug, name, Text(
                        sv=f"geometritypen är {stored}, inte {table.geometry}",
                        en=f"the geometry type is {stored}, not {table.geometry}",
                    ), True))  # fmt: skip
                if table.geometry is not None and (slug, name) not in indexed:
                    problems.append(Problem(slug, name, Text(
                        sv="det rumsliga indexet saknas", en="the spatial index is missing"),
                        True))  # fmt: skip
            problems += self._check_numbers(slug)
        if repair and any(p.repairable for p in problems):
            with self.exclusive(), self._transaction() as connection:
                for slug in sorted({p.area for p in problems if p.repairable}):
                    self._make_tables(connection, slug, present, typed)
            return [p for p in problems if not p.repairable]
        return problems

    def _check_numbers(self, slug: str) -> list[Problem]:
        """Report numbers used twice across an area's categories, and a sequence behind them."""
        numbered = [name for name, t in self._physical.items() if t.sequence == "observation"]
        union = sql.SQL(" UNION ALL ").join(
            sql.SQL("SELECT {}, number FROM {}").format(sql.Literal(name), qualified(slug, name))
            for name in numbered
        )
        problems = []
        try:
            with self._connection() as connection:
                rows = connection.execute(union).fetchall()
                sequences = read_sequences(connection, slug)
        except StoreError as error:
            return [Problem(slug, "", error.text, True)]
        seen: dict[int, str] = {}
        for layer, number in rows:
            if number in seen:
                problems.append(Problem(slug, layer, Text(
                    sv=f"nummer {number} finns också i {seen[number]}",
                    en=f"number {number} is also used in {seen[number]}")))  # fmt: skip
            seen[int(number)] = layer
        if seen and sequences.get("observation", 0) < max(seen):
            problems.append(Problem(slug, "", Text(
                sv="löpnumret ligger efter det högsta använda numret",
                en="the number sequence is behind the highest number in use")))  # fmt: skip
        return problems


class PostgresAccounts:
    """The accounts of a PostGIS workspace, in ``safewalk.accounts``."""

    _COLUMNS: Final = sql.SQL(
        "name, role, password_hash, organisation, disabled, created_at, failed_logins, "
        "locked_until, disabled_at, removed_as"
    )
    _PLACES: Final = sql.SQL(", ".join(["%s"] * 10))

    def __init__(
        self, connection: Callable[[], AbstractContextManager[psycopg.Connection]]
    ) -> None:
        self._connection = connection
        self._table = qualified(WORKSPACE_SCHEMA, "accounts")

    def all(self) -> list[AccountRow]:
        """Return every account, by name."""
        with self._connection() as connection:
            rows = connection.execute(
                sql.SQL("SELECT {} FROM {} ORDER BY name").format(self._COLUMNS, self._table)
            ).fetchall()
        return [AccountRow(*row) for row in rows]

    def get(self, name: str) -> AccountRow | None:
        """Return the account called ``name``, or None."""
        with self._connection() as connection:
            row = connection.execute(
                sql.SQL("SELECT {} FROM {} WHERE name = %s").format(self._COLUMNS, self._table),
                (name,),
            ).fetchone()
        return None if row is None else AccountRow(*row)

    def add(self, row: AccountRow) -> bool:
        """Add an account unless the name is taken."""
        with self._connection() as connection:
            added = connection.execute(
                sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (name) DO NOTHING")
                .format(self._table, self._COLUMNS, self._PLACES),
                _account_params(row),
            )  # fmt: skip
            return added.rowcount == 1

    def put(self, row: AccountRow) -> None:
        """Replace the account of ``row.name``."""
        with self._connection() as connection:
            connection.execute(
                sql.SQL(
                    "INSERT INTO {} ({}) VALUES ({}) "
                    "ON CONFLICT (name) DO UPDATE SET role = excluded.role, "
                    "password_hash = excluded.password_hash, "
                    "organisation = excluded.organisation, disabled = excluded.disabled, "
                    "failed_logins = excluded.failed_logins, locked_until = excluded.locked_until, "
                    "disabled_at = excluded.disabled_at, removed_as = excluded.removed_as"
                ).format(self._table, self._COLUMNS, self._PLACES),
                _account_params(row),
            )

    def remove(self, name: str) -> bool:
        """Delete the account called ``name``."""
        with self._connection() as connection:
            gone = connection.execute(
                sql.SQL("DELETE FROM {} WHERE name = %s").format(self._table), (name,)
            )
            return gone.rowcount == 1


def _account_params(row: AccountRow) -> tuple[object, ...]:
    return (row.name, row.role, row.password_hash, row.organisation, row.disabled,
            row.created_at, row.failed_logins, row.locked_until, row.disabled_at,
            row.removed_as)  # fmt: skip
