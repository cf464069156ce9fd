"""An in-memory store: the same contract as the GeoPackage store, nothing on disk.

For fast tests of the use cases and the app, and for trying things out; it lives as
long as its process. Validation, numbering rules, change-log entries and typed records
come from ``layers.rules``, exactly as in the file and database backends; the contract
test (``tests/layers/test_store_contract.py``) holds every backend to the same behaviour.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import shapely
from shapely.geometry.base import BaseGeometry

from layers.accounts import MemoryAccounts
from layers.catalog import Catalog
from layers.errors import (
    UnknownAreaError,
    UnknownLayerError,
    area_exists_error,
    duplicate_uuid_error,
    no_such_feature_error,
    no_such_photo_error,
)
from layers.frames import joined_frames, layer_frame
from layers.records import (
    Area,
    AreaCopy,
    Batch,
    Erasure,
    PhotoInfo,
    Problem,
    Query,
    Record,
    TimeWindow,
    Update,
)
from layers.rules.areas import area_boundary, area_values, check_slug
from layers.rules.changelog import deleted_entry, inserted_entry, redacted_entry, updated_entry
from layers.rules.copies import copied_created_at, pasted_layers
from layers.rules.decoding import decode_record
from layers.rules.erasure import actor_columns, erased_entry, masked_text, renamed_text
from layers.rules.rows import (
    child_table,
    prepare_row,
    query_columns,
    read_parts,
    updated_row,
    window_texts,
)
from layers.schema import (
    AREA_LAYER,
    AREA_TABLE,
    CHANGE_LOG_LAYER,
    CHILD_TABLES,
    PHOTOS_LAYER,
    SqlValue,
    TableSpec,
    datetime_to_text,
    load_layer_catalog,
    physical_tables,
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
class _Table:
    """One layer's rows by fid, in insertion (= fid) order, with a unique index on uuid."""

    rows: dict[int, _Row] = field(default_factory=dict)
    by_uuid: dict[object, int] = field(default_factory=dict)
    next_fid: int = 1
    """Like SQLite's AUTOINCREMENT: a deleted row's fid is never given out again."""

    def insert(self, values: dict[str, SqlValue], geometry: BaseGeometry | None) -> _Row:
        row = _Row(self.next_fid, values, geometry)
        self.next_fid += 1
        self.rows[row.fid] = row
        if values.get("uuid") is not None:
            self.by_uuid[values["uuid"]] = row.fid
        return row

    def remove(self, rows: Sequence[_Row]) -> None:
        for row in rows:
            del self.rows[row.fid]
            self.by_uuid.pop(row.values.get("uuid"), None)


@dataclass(slots=True)
class _AreaData:
    area: Area
    tables: dict[str, _Table]
    sequences: dict[str, int] = field(default_factory=dict)
    """The last number drawn per sequence: numbers are never given out twice."""


def _photo_info(values: Mapping[str, SqlValue]) -> PhotoInfo:
    """Return a stored photo row as what ``read_photos`` gives: no full image."""
    thumbnail = values["thumbnail"]
    return PhotoInfo(
        uuid=str(values["uuid"]),
        feature_uuid=str(values["feature_uuid"]),
        layer=str(values["layer"]),
        width=int(values["width"] or 0),
        height=int(values["height"] or 0),
        thumbnail=thumbnail if isinstance(thumbnail, bytes) else b"",
    )


def _meets(geometry: BaseGeometry | None, box: tuple[float, float, float, float]) -> bool:
    """Return whether the extent of ``geometry`` meets ``box`` (edges included)."""
    if geometry is None or geometry.is_empty:
        return False
    bounds: tuple[float, float, float, float] = geometry.bounds
    min_x, min_y, max_x, max_y = bounds
    return min_x <= box[2] and max_x >= box[0] and min_y <= box[3] and max_y >= box[1]


def _within(stored: SqlValue, window: TimeWindow) -> bool:
    """Return whether a stored time lies in ``window`` (ends included, to the millisecond)."""
    if not isinstance(stored, str):
        return False
    start, end = window_texts(window)
    try:
        moment = datetime_to_text(datetime.fromisoformat(stored))
    except ValueError:  # no time: in no window
        return False
    return (start is None or moment >= start) and (end is None or moment <= end)


class MemoryStore:
    """A workspace held in memory (see module docstring).

    Every method takes one lock, so a write is seen whole or not at all by other
    threads; a write validates everything before it changes anything, which makes
    it all or nothing.
    """

    _named: ClassVar[dict[str, MemoryStore]] = {}
    _named_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(self, catalog: Catalog | None = None, *, name: str = "") -> None:
        self.catalog = catalog or load_layer_catalog()
        self.name = name
        self._tables = {table.name: table for table in tables_for_catalog(self.catalog)}
        self._physical = {table.name: table for table in physical_tables(self._tables.values())}
        """The tables of an area, as in the other backends: a category's one per kind."""
        self._areas: dict[str, _AreaData] = {}
        self._lock = threading.RLock()
        self._changes = 0
        self._own_catalog: str | None = None
        self._accounts = MemoryAccounts()

    @classmethod
    def named(cls, name: str, catalog: Catalog | None = None) -> MemoryStore:
        """Return the process's store called ``name``, created on first use."""
        with cls._named_lock:
            if name not in cls._named:
                cls._named[name] = cls(catalog, name=name)
            return cls._named[name]

    @classmethod
    def discard(cls, name: str) -> None:
        """Forget the process's store called ``name`` and its data (e.g. after a test)."""
        with cls._named_lock:
            cls._named.pop(name, None)

    def close(self) -> None:
        """Nothing to let go of: each call opens and closes what it uses."""

    def accounts(self) -> MemoryAccounts:
        """Return the workspace's accounts (kept for this process's life)."""
        return self._accounts

    def own_catalog(self) -> str | None:
        """Return the catalog saved with ``save_own_catalog``, if any."""
        return self._own_catalog

    def save_own_catalog(self, text: str) -> None:
        """Keep ``text`` as the workspace's own catalog (for this process's life)."""
        self._own_catalog = text

    @property
    def location(self) -> str:
        """``memory://name``, for messages."""
        return f"memory://{self.name}"

    @property
    def is_persistent(self) -> bool:
        """False: the data goes with the process."""
        return False

    def revision(self) -> str:
        """Return the number of writes so far: it changes with every write."""
        with self._lock:
            return str(self._changes)

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
        with self._lock:
            if area.slug in self._areas:
                raise area_exists_error(area.slug)
            boundary = area_boundary(area)
            row = prepare_row(AREA_TABLE, area_values(area, datetime.now(UTC)), boundary)
            shapely.prepare(boundary)
            stored = Area(
                area.slug, str(row["name"]), boundary, source=str(row["source"] or ""),
                is_demo=bool(row["is_demo"]),
            )  # fmt: skip
            data = _AreaData(
                stored,
                {name: _Table(next_fid=t.first_fid) for name, t in self._physical.items()},
            )
            self._insert(data, AREA_TABLE, row, boundary, actor=actor)
            self._areas[area.slug] = data

    # ------------------------------------------------------------------- features
    def _insert(
        self,
        data: _AreaData,
        table: TableSpec,
        row: dict[str, SqlValue],
        geometry: BaseGeometry | None,
        *,
        actor: str,
    ) -> _Row:
        """Store a checked row and its change-log entry (as the GeoPackage store logs it)."""
        stored = data.tables[table.part_for(geometry).name].insert(row, geometry)
        if table.name != CHANGE_LOG_LAYER:
            self._log(data, inserted_entry(actor, table, {"fid": stored.fid, **row}, geometry))
        return stored

    def _log(self, data: _AreaData, entry: dict[str, SqlValue]) -> None:
        data.tables[CHANGE_LOG_LAYER].insert(entry, None)
        self._changes += 1

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
        """Add one feature, rows that belong to it and ``updates``, all or nothing.

        See ``Store.append``.
        """
        with self._lock:
            data = self._area(slug)
            table = self._table(layer)
            owned = [(child_table(name), given) for name, given in (children or {}).items()]
            row = prepare_row(table, values, geometry)
            owner = {"feature_uuid": row["uuid"], "layer": table.layer_name}
            child_rows = [
                (child, prepare_row(child, {**r, **owner}, None))
                for child, given in owned
                for r in given
            ]
            self._refuse_taken_uuids(data, [(table, row), *child_rows])
            changed = self._checked_updates(data, updates)
            if table.sequence is not None:
                data.sequences[table.sequence] = data.sequences.get(table.sequence, 0) + 1
                row["number"] = data.sequences[table.sequence]
            stored = self._insert(data, table, row, geometry, actor=actor)
            for child, child_row in child_rows:
                self._insert(data, child, child_row, None, actor=actor)
            self._apply_updates(data, changed, actor=actor)
        return decode_record(table, {"fid": stored.fid, **row}, geometry)

    def add_children(
        self,
        slug: str,
        layer: str,
        uuid: str,
        children: Mapping[str, Sequence[Mapping[str, object]]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add rows that belong to a stored feature, all or none; see ``Store.add_children``."""
        with self._lock:
            data = self._area(slug)
            table = self._table(layer)
            if not any(uuid in data.tables[part.name].by_uuid for part in table.physical):
                raise no_such_feature_error(table.layer_name, uuid)
            owned = [(child_table(name), given) for name, given in children.items()]
            owner = {"feature_uuid": uuid, "layer": table.layer_name}
            rows = [
                (child, prepare_row(child, {**r, **owner}, None))
                for child, given in owned
                for r in given
            ]
            self._refuse_taken_uuids(data, rows)
            stored = [(child, self._insert(data, child, row, None, actor=actor))
                      for child, row in rows]  # fmt: skip
        return [decode_record(child, {"fid": s.fid, **s.values}, None) for child, s in stored]

    def append_many(
        self,
        slug: str,
        layer: str,
        features: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Add many features, all or none; see ``Store.append_many``."""
        with self._lock:
            data = self._area(slug)
            table = self._table(layer)
            rows = [(table, prepare_row(table, values, geometry)) for values, geometry in features]
            self._refuse_taken_uuids(data, rows)
            records = []
            for (_, row), (_, geometry) in zip(rows, features, strict=True):
                if table.sequence is not None:
                    data.sequences[table.sequence] = data.sequences.get(table.sequence, 0) + 1
                    row["number"] = data.sequences[table.sequence]
                stored = self._insert(data, table, row, geometry, actor=actor)
                records.append(decode_record(table, {"fid": stored.fid, **row}, geometry))
        return records

    def append_across(
        self,
        features: Sequence[tuple[str, str, Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
        records: bool = True,
    ) -> list[Record]:
        """Add features to several areas, all or none; see ``Store.append_across``."""
        with self._lock:
            prepared = []
            for slug, layer, values, geometry in features:
                data, table = self._area(slug), self._table(layer)
                prepared.append((data, table, prepare_row(table, values, geometry), geometry))
            for data in {id(d): d for d, _, _, _ in prepared}.values():
                self._refuse_taken_uuids(data, [(t, r) for d, t, r, _ in prepared if d is data])
            made = []
            for data, table, row, geometry in prepared:
                if table.sequence is not None:
                    data.sequences[table.sequence] = data.sequences.get(table.sequence, 0) + 1
                    row["number"] = data.sequences[table.sequence]
                stored = self._insert(data, table, row, geometry, actor=actor)
                if records:
                    made.append(decode_record(table, {"fid": stored.fid, **row}, geometry))
        return made

    @staticmethod
    def _refuse_taken_uuids(
        data: _AreaData, rows: Sequence[tuple[TableSpec, dict[str, SqlValue]]]
    ) -> None:
        """Refuse a UUID a layer has already, or one given twice in the same write."""
        seen: set[tuple[str, object]] = set()
        for table, row in rows:
            uuid = row.get("uuid")
            if uuid is None:
                continue
            held = any(uuid in data.tables[part.name].by_uuid for part in table.physical)
            if held or (table.name, uuid) in seen:
                raise duplicate_uuid_error(table.name, uuid)
            seen.add((table.name, uuid))

    def append_batches(
        self,
        batches: Iterable[Batch],
        *,
        actor: str,
        areas: Collection[str],
        expected: int,
    ) -> int:
        """Add features as they come, all or none; see ``Store.append_batches``."""
        features = [(slug, layer, values, geometry)
                    for slug, layer, batch in batches for values, geometry in batch]  # fmt: skip
        if not {slug for slug, _, _, _ in features} <= set(areas):
            message = f"a feature is bound for an area not among {areas}"
            raise ValueError(message)
        self.append_across(features, actor=actor, records=False)
        return len(features)

    def replace(
        self,
        slug: str,
        layer: str,
        remove: Sequence[str],
        add: Sequence[tuple[Mapping[str, object], BaseGeometry | None]],
        *,
        actor: str,
    ) -> list[Record]:
        """Delete ``remove`` and add ``add``, all or nothing; see ``Store.replace``."""
        with self._lock:
            data = self._area(slug)
            table = self._table(layer)
            # Everything that can refuse the write is checked before anything changes.
            rows = [prepare_row(table, values, geometry) for values, geometry in add]
            gone = set(remove)
            taken = {
                uuid
                for part in table.physical
                for uuid in data.tables[part.name].by_uuid
                if uuid not in gone
            }
            seen: set[object] = set()
            for row in rows:
                uuid = row.get("uuid")
                if uuid is not None and (uuid in taken or uuid in seen):
                    raise duplicate_uuid_error(table.name, uuid)
                seen.add(uuid)
            self.delete(slug, layer, remove, actor=actor)
            return self.append_many(slug, layer, add, actor=actor)

    def copy_area(self, slug: str) -> AreaCopy:
        """Return everything of the area; see ``Store.copy_area``."""
        with self._lock:
            data = self._area(slug)
            tables = {
                name: self.read_records(slug, name)
                for name in self._tables
            }  # fmt: skip
            return AreaCopy(data.area, tables, dict(data.sequences))

    def export_area(self, slug: str, path: Path, *, categories: Sequence[str]) -> int:
        """Write the area as a GeoPackage that stands alone; see ``Store.export_area``."""
        from layers.gpkg.standalone import export_copy  # GDAL only where a file is made

        return export_copy(self.copy_area(slug), self.catalog, path, categories)

    def paste_area(self, copy: AreaCopy, *, actor: str) -> None:
        """Create the area of ``copy`` with all it holds; see ``Store.paste_area``."""
        with self._lock:
            layers, numbers = pasted_layers(self._tables, copy)
            self.add_area(copy.area, actor=actor)
            data = self._areas[copy.area.slug]
            for table, rows, geometries in layers:
                for row, geometry in zip(rows, geometries, strict=True):
                    data.tables[table.part_for(geometry).name].insert(row, geometry)
            for name, number in numbers.items():
                data.sequences[name] = max(data.sequences.get(name, 0), number)
            created = copied_created_at(copy)
            if created is not None:
                for stored in data.tables[AREA_LAYER].rows.values():
                    stored.values["created_at"] = created
            self._changes += 1

    def update(
        self, slug: str, layer: str, uuid: str, changes: Mapping[str, object], *, actor: str
    ) -> Record:
        """Change some values of one feature, logged; see ``Store.update``."""
        return self.update_many(slug, [(layer, uuid, changes)], actor=actor)[0]

    def update_many(self, slug: str, updates: Sequence[Update], *, actor: str) -> list[Record]:
        """Make several updates, all or none; see ``Store.update_many``."""
        with self._lock:
            data = self._area(slug)
            return self._apply_updates(data, self._checked_updates(data, updates), actor=actor)

    def _checked_updates(
        self, data: _AreaData, updates: Sequence[Update]
    ) -> list[tuple[TableSpec, _Row, dict[str, SqlValue], dict[str, SqlValue]]]:
        """Validate every update before any is made: (table, row, new values, old values).

        Several updates of one feature see each other's values, as in one transaction.
        """
        checked = []
        pending: dict[tuple[str, int], dict[str, SqlValue]] = {}
        for layer, uuid, changes in updates:
            table = self._table(layer)
            for part in table.physical:  # a category's feature is in one of its tables
                fid = data.tables[part.name].by_uuid.get(uuid)
                if fid is not None:
                    break
            else:
                raise no_such_feature_error(table.name, uuid)
            row = data.tables[part.name].rows[fid]
            current = pending.get((part.name, fid), row.values)
            new, old = updated_row(table, current, changes)
            pending[(part.name, fid)] = {**current, **new}
            checked.append((table, row, new, old))
        return checked

    def _apply_updates(
        self,
        data: _AreaData,
        checked: Sequence[tuple[TableSpec, _Row, dict[str, SqlValue], dict[str, SqlValue]]],
        *,
        actor: str,
    ) -> list[Record]:
        records = []
        for table, row, new, old in checked:
            if new:
                row.values = {**row.values, **new}
                self._log(data, updated_entry(actor, table, row.values["uuid"], old, new))
            records.append(decode_record(table, {"fid": row.fid, **row.values}, row.geometry))
        return records

    def delete(self, slug: str, layer: str, uuids: Sequence[str], *, actor: str) -> int:
        """Delete features by UUID and the rows that belong to them (logged)."""
        with self._lock:
            return self._delete(self._area(slug), self._table(layer), uuids, actor=actor)

    def _delete(
        self, data: _AreaData, table: TableSpec, uuids: Sequence[str], *, actor: str
    ) -> int:
        """Delete features and the rows that belong to them, logged (call with the lock held)."""
        rows = []
        for part in table.physical:
            found = self._rows(data, part, Query(uuids=tuple(uuids)))
            data.tables[part.name].remove(found)
            rows += found
        wanted = set(uuids)
        for child in CHILD_TABLES:
            owned = data.tables[child.name]
            owned.remove([
                r for r in owned.rows.values()
                if r.values["layer"] == table.layer_name and r.values["feature_uuid"] in wanted
            ])  # fmt: skip
        for row in rows:
            self._log(data, deleted_entry(actor, table, {"fid": row.fid, **row.values}))
        return len(rows)

    def erase(self, slug: str, erasures: Sequence[Erasure], *, actor: str) -> None:
        """Remove personal data, all or none; see ``Store.erase``.

        Every layer and update is checked before anything changes; the rest cannot fail.
        """
        with self._lock:
            data = self._area(slug)
            wanted = [erasure for erasure in erasures if not erasure.is_empty]
            for erasure in wanted:
                for layer, _ in erasure.features:
                    self._table(layer)
            checked = [self._checked_updates(data, erasure.updates) for erasure in wanted]
            for erasure, updates in zip(wanted, checked, strict=True):
                self._apply_updates(data, updates, actor=actor)
                for layer, uuid in erasure.features:
                    self._delete(data, self._table(layer), [uuid], actor=actor)
                self._delete(data, self._table(PHOTOS_LAYER), erasure.photos, actor=actor)
                log = data.tables[CHANGE_LOG_LAYER].rows.values()
                keys = dict(erasure.masked)
                for row in log:
                    if row.values["feature_uuid"] in keys:
                        self._rewrite_entry(row, masked_text, keys[str(row.values["feature_uuid"])])
                self._log(data, erased_entry(actor, erasure))
                if erasure.renamed is not None:
                    self._rename(data, *erasure.renamed)

    @staticmethod
    def _rewrite_entry(row: _Row, change: Callable[..., str | None], *args: object) -> None:
        for key in ("before", "after"):
            text = row.values[key]
            new = change(text if isinstance(text, str) else None, *args)
            if new is not None:
                row.values[key] = new

    def _rename(self, data: _AreaData, name: str, new: str) -> None:
        for row in data.tables[CHANGE_LOG_LAYER].rows.values():
            if row.values["actor"] == name:
                row.values["actor"] = new
            self._rewrite_entry(row, renamed_text, name, new)
        for table in self._physical.values():
            for column in actor_columns(table):
                for row in data.tables[table.name].rows.values():
                    if row.values.get(column) == name:
                        row.values[column] = new
        self._changes += 1

    @staticmethod
    def _rows(data: _AreaData, table: TableSpec, query: Query) -> list[_Row]:
        """Return the rows of ``query`` in fid order (call with the lock held).

        A category's tables are read one after the other: their fids do not overlap.
        """
        if table.parts:
            found = read_parts(table.parts, query,
                               lambda part, q: MemoryStore._rows(data, part, q), len)  # fmt: skip
            return [row for rows in found for row in rows]
        if query.kind is not None and table.geometry != query.kind:
            return []
        stored = data.tables[table.name]
        if query.uuids is not None:
            fids = sorted({stored.by_uuid[u] for u in query.uuids if u in stored.by_uuid})
            rows = [stored.rows[fid] for fid in fids]
        else:
            rows = list(stored.rows.values())
        if query.walk_uuid is not None:
            rows = [r for r in rows if r.values.get("walk_uuid") == query.walk_uuid]
        if query.is_demo is not None:
            rows = [r for r in rows if r.values.get("is_demo") == int(query.is_demo)]
        if query.bbox is not None:
            rows = [r for r in rows if _meets(r.geometry, query.bbox)]
        if query.after_fid is not None:
            rows = [r for r in rows if r.fid > query.after_fid]
        if query.during is not None:
            rows = [r for r in rows if _within(r.values.get(query.during.column), query.during)]
        return rows if query.limit is None else rows[: query.limit]

    def _select(
        self, slug: str, layer: str, query: Query | None
    ) -> tuple[TableSpec, tuple[str, ...], list[_Row]]:
        """Return the layer, the attribute columns and the rows ``query`` asks for."""
        query = query or Query()
        with self._lock:
            data = self._area(slug)
            table = self._table(layer)
            names = query_columns(table, query)
            return table, names, self._rows(data, table, query)

    def read_layer(self, slug: str, layer: str, query: Query | None = None) -> gpd.GeoDataFrame:
        """Return a layer's features (those ``query`` selects) as a frame, EPSG:3006."""
        table, names, rows = self._select(slug, layer, query)
        if table.parts:  # one frame per table, joined, as the other backends read them
            query = query or Query()
            with self._lock:
                data = self._area(slug)
                parts = read_parts(table.parts, query,
                                   lambda part, q: (part, self._rows(data, part, q)),
                                   lambda read: len(read[1]))  # fmt: skip
            return joined_frames([self._frame(part, names, found) for part, found in parts])
        return self._frame(table, names, rows)

    @staticmethod
    def _frame(table: TableSpec, names: Sequence[str], rows: Sequence[_Row]) -> gpd.GeoDataFrame:
        columns = {name: [r.values.get(name) for r in rows] for name in names}
        geometries = [r.geometry for r in rows] if table.geometry else None
        return layer_frame(table, [r.fid for r in rows], columns, geometries)

    def read_records(self, slug: str, layer: str, query: Query | None = None) -> list[Record]:
        """Return a layer's features (those ``query`` selects) as typed records."""
        table, names, rows = self._select(slug, layer, query)
        return [
            decode_record(table, {"fid": r.fid, **{n: r.values.get(n) for n in names}}, r.geometry)
            for r in rows
        ]

    def count_features(self, slug: str, layer: str, query: Query | None = None) -> int:
        """Return how many features of a layer ``query`` selects."""
        return len(self._select(slug, layer, query)[2])

    def read_photos(self, slug: str, feature_uuids: Sequence[str]) -> list[PhotoInfo]:
        """Return the photos of some features with their thumbnails, oldest first."""
        wanted = set(feature_uuids)
        with self._lock:
            rows = list(self._area(slug).tables[PHOTOS_LAYER].rows.values())
        return [_photo_info(r.values) for r in rows if r.values["feature_uuid"] in wanted]

    def read_photo_image(self, slug: str, photo_uuid: str) -> bytes | None:
        """Return one photo's full-size image, or None if there is no such photo."""
        with self._lock:
            photos = self._area(slug).tables[PHOTOS_LAYER]
            fid = photos.by_uuid.get(photo_uuid)
            image = None if fid is None else photos.rows[fid].values["image"]
        return image if isinstance(image, bytes) else None

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
        """Replace a photo by its blacked-out copy (the old bytes are let go); see the protocol."""
        with self._lock:
            data = self._area(slug)
            photos = data.tables[PHOTOS_LAYER]
            fid = photos.by_uuid.get(photo_uuid)
            if fid is None:
                raise no_such_photo_error(photo_uuid)
            values = photos.rows[fid].values
            values["image"], values["thumbnail"] = image, thumbnail
            self._log(data, redacted_entry(actor, {**values, "uuid": photo_uuid}, boxes))
            return _photo_info(values)

    def feature_counts(self, slug: str) -> dict[str, int]:
        """Return the number of features per layer of an area."""
        with self._lock:
            tables = self._area(slug).tables
            return {
                name: sum(len(tables[part.name].rows) for part in table.physical)
                for name, table in self._tables.items()
            }

    def check(self, *, repair: bool = False) -> list[Problem]:
        """Nothing can go stale in memory: always no problems."""
        return []
