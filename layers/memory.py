"""An in-memory store: the same contract as the GeoPackage store, nothing on disk.

For fast tests of the use cases and the app, and for trying things out; it lives as
long as its process. Validation, numbering rules and typed records come from
``layers.rules``, exactly as in the file and database backends.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, ClassVar

import shapely
from shapely.geometry.base import BaseGeometry

from layers.catalog import Catalog
from layers.errors import UnknownAreaError, UnknownLayerError
from layers.frames import layer_frame
from layers.records import Area, PhotoInfo, Problem, Query, Record
from layers.rules import (
    area_boundary,
    area_exists_error,
    check_slug,
    child_table,
    decode_record,
    prepare_row,
    record_for_log,
)
from layers.schema import (
    AREA_TABLE,
    CHANGE_LOG_LAYER,
    CHILD_TABLES,
    PHOTOS_LAYER,
    SqlValue,
    TableSpec,
    coerce_record,
    load_layer_catalog,
    tables_for_catalog,
)

if TYPE_CHECKING:
    import geopandas as gpd


@dataclass(slots=True)
class _Row:
    fid: int
    values: dict[str, SqlValue]
    geometry: BaseGeometry | None


@dataclass(slots=True)
class _AreaData:
    area: Area
    tables: dict[str, list[_Row]]
    sequences: dict[str, int] = field(default_factory=dict)
    next_fid: int = 1


class MemoryStore:
    """A workspace held in memory (see module docstring)."""

    _named: ClassVar[dict[str, MemoryStore]] = {}
    _named_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, catalog: Catalog | None = None, *, name: str = "") -> None:
        self.catalog = catalog or load_layer_catalog()
        self.name = name
        self._tables = {table.name: table for table in tables_for_catalog(self.catalog)}
        self._areas: dict[str, _AreaData] = {}
        self._lock = threading.RLock()

    @classmethod
    def named(cls, name: str, catalog: Catalog | None = None) -> MemoryStore:
        """Return the process's store called ``name``, created on first use."""
        with cls._named_lock:
            if name not in cls._named:
                cls._named[name] = cls(catalog, name=name)
            return cls._named[name]

    @property
    def location(self) -> str:
        """``memory://name``, for messages."""
        return f"memory://{self.name}"

    @contextmanager
    def exclusive(self) -> Iterator[None]:
        """Hold the store's lock (this process is the only one that can see it)."""
        with self._lock:
            yield

    def _area(self, slug: str) -> _AreaData:
        try:
            return self._areas[slug]
        except KeyError:
            raise UnknownAreaError(name=slug, valid=", ".join(sorted(self._areas)) or "-") from None

    def _table(self, layer: str) -> TableSpec:
        try:
            return self._tables[layer]
        except KeyError:
            raise UnknownLayerError(name=layer, valid=", ".join(self._tables)) from None

    # ---------------------------------------------------------------------- areas
    def areas(self) -> list[Area]:
        """Return every area, sorted by name."""
        with self._lock:
            areas = [data.area for data in self._areas.values()]
        return sorted(areas, key=lambda area: area.name.casefold())

    def add_area(self, area: Area, *, actor: str) -> None:
        """Create an area with every layer, empty, and its boundary."""
        check_slug(area.slug)
        boundary = area_boundary(area)
        shapely.prepare(boundary)
        stored = Area(area.slug, area.name, boundary, source=area.source, is_demo=area.is_demo)
        values = {
            "slug": area.slug,
            "name": area.name,
            "source": area.source,
            "is_demo": area.is_demo,
            "created_at": datetime.now(UTC),
        }
        with self._lock:
            if area.slug in self._areas:
                raise area_exists_error(area.slug)
            data = _AreaData(stored, {name: [] for name in self._tables})
            self._insert(data, AREA_TABLE, prepare_row(AREA_TABLE, values, boundary), boundary)
            self._log(data, actor, "insert", AREA_TABLE.name, None, None, values)
            self._areas[area.slug] = data

    # ------------------------------------------------------------------- features
    def _insert(
        self,
        data: _AreaData,
        table: TableSpec,
        row: dict[str, SqlValue],
        geometry: BaseGeometry | None,
    ) -> _Row:
        stored = _Row(data.next_fid, row, geometry)
        data.next_fid += 1
        data.tables[table.name].append(stored)
        return stored

    def _log(
        self,
        data: _AreaData,
        actor: str,
        action: str,
        layer: str,
        feature_uuid: object,
        before: Mapping[str, object] | None,
        after: Mapping[str, object] | None,
    ) -> None:
        table = self._tables[CHANGE_LOG_LAYER]
        entry = {
            "at": datetime.now(UTC),
            "actor": actor,
            "action": action,
            "layer": layer,
            "feature_uuid": None if feature_uuid is None else str(feature_uuid),
            "before": None if before is None else repr(dict(before)),
            "after": None if after is None else repr(dict(after)),
        }
        self._insert(data, table, coerce_record(table, entry), None)

    def append(
        self,
        slug: str,
        layer: str,
        values: Mapping[str, object],
        geometry: BaseGeometry | None,
        *,
        actor: str,
        children: Mapping[str, Sequence[Mapping[str, object]]] | None = None,
    ) -> Record:
        """Add one feature and rows that belong to it, all or nothing; see ``Store.append``."""
        table = self._table(layer)
        row = prepare_row(table, values, geometry)
        owned = [
            (child_table(name), prepare_row(child_table(name), {**r, "feature_uuid": row["uuid"],
                                                                "layer": table.name}, None))
            for name, rows in (children or {}).items()
            for r in rows
        ]  # fmt: skip
        with self._lock:
            data = self._area(slug)
            if table.sequence is not None:
                data.sequences[table.sequence] = data.sequences.get(table.sequence, 0) + 1
                row["number"] = data.sequences[table.sequence]
            stored = self._insert(data, table, row, geometry)
            self._log(data, actor, "insert", table.name, row.get("uuid"), None,
                      record_for_log(row))  # fmt: skip
            for child, child_row in owned:
                self._insert(data, child, child_row, None)
                self._log(data, actor, "insert", child.name, child_row.get("uuid"), None,
                          record_for_log(child_row))  # fmt: skip
        return decode_record(table, {"fid": stored.fid, **row}, geometry)

    def delete(self, slug: str, layer: str, uuids: Sequence[str], *, actor: str) -> int:
        """Delete features by UUID and the rows that belong to them (logged)."""
        table = self._table(layer)
        wanted = set(uuids)
        with self._lock:
            data = self._area(slug)
            rows = data.tables[table.name]
            gone = [r for r in rows if r.values.get("uuid") in wanted]
            data.tables[table.name] = [r for r in rows if r not in gone]
            for child in CHILD_TABLES:
                data.tables[child.name] = [
                    r
                    for r in data.tables[child.name]
                    if not (r.values["layer"] == table.name and r.values["feature_uuid"] in wanted)
                ]
            for row in gone:
                self._log(data, actor, "delete", table.name, row.values["uuid"],
                          record_for_log(row.values), None)  # fmt: skip
        return len(gone)

    def _select(self, slug: str, table: TableSpec, query: Query) -> list[_Row]:
        with self._lock:
            rows = list(self._area(slug).tables[table.name])
        if query.uuids is not None:
            uuids = set(query.uuids)
            rows = [r for r in rows if r.values.get("uuid") in uuids]
        if query.walk_uuid is not None:
            rows = [r for r in rows if r.values.get("walk_uuid") == query.walk_uuid]
        if query.is_demo is not None:
            rows = [r for r in rows if r.values.get("is_demo") == int(query.is_demo)]
        if query.bbox is not None:
            box = shapely.box(*query.bbox)
            rows = [
                r
                for r in rows
                if r.geometry is not None and shapely.box(*r.geometry.bounds).intersects(box)
            ]
        return rows

    def _columns(self, table: TableSpec, query: Query) -> tuple[str, ...]:
        names = table.field_names if query.columns is None else query.columns
        unknown = [name for name in names if name not in table.field_names]
        if unknown:
            raise UnknownLayerError(name=", ".join(unknown), valid=", ".join(table.field_names))
        return names

    def read_layer(self, slug: str, layer: str, query: Query | None = None) -> gpd.GeoDataFrame:
        """Return a layer's features (those ``query`` selects) as a frame, EPSG:3006."""
        table = self._table(layer)
        query = query or Query()
        names = self._columns(table, query)
        rows = self._select(slug, table, query)
        columns = {name: [r.values.get(name) for r in rows] for name in names}
        geometries = [r.geometry for r in rows] if table.geometry else None
        return layer_frame(table, [r.fid for r in rows], columns, geometries)

    def read_records(self, slug: str, layer: str, query: Query | None = None) -> list[Record]:
        """Return a layer's features (those ``query`` selects) as typed records."""
        table = self._table(layer)
        query = query or Query()
        names = self._columns(table, query)
        return [
            decode_record(table, {"fid": r.fid, **{n: r.values.get(n) for n in names}}, r.geometry)
            for r in self._select(slug, table, query)
        ]

    def read_photos(self, slug: str, feature_uuids: Sequence[str]) -> list[PhotoInfo]:
        """Return the photos of some features with their thumbnails, oldest first."""
        wanted = set(feature_uuids)
        with self._lock:
            rows = list(self._area(slug).tables[PHOTOS_LAYER])
        return [
            PhotoInfo(
                str(v["uuid"]), str(v["feature_uuid"]), str(v["layer"]), int(v["width"] or 0),
                int(v["height"] or 0), bytes(v["thumbnail"] or b""),
            )  # fmt: skip
            for v in (r.values for r in rows)
            if v["feature_uuid"] in wanted
        ]

    def read_photo_image(self, slug: str, photo_uuid: str) -> bytes | None:
        """Return one photo's full-size image, or None if there is no such photo."""
        with self._lock:
            rows = list(self._area(slug).tables[PHOTOS_LAYER])
        for row in rows:
            if row.values["uuid"] == photo_uuid:
                return bytes(row.values["image"] or b"")
        return None

    def feature_counts(self, slug: str) -> dict[str, int]:
        """Return the number of features per layer of an area."""
        with self._lock:
            return {name: len(rows) for name, rows in self._area(slug).tables.items()}

    def check(self, *, repair: bool = False) -> list[Problem]:
        """Nothing can go stale in memory: always no problems."""
        return []
