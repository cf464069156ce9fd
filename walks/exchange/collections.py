"""The layers a GIS reads as a live service: feature collections, one per area and table.

Served as OGC API – Features (``walks.web.ogc``) to QGIS, ArcGIS and other clients. Each
area's observation categories (one collection per kind of geometry a category keeps in a
table of its own: ``passage`` points, ``passage_line`` lines), its walks and its boundary,
as the workspace's account may see them: a viewer is shown no internal category and never
who registered what (``walks.access.guard``). Reading goes through the store a page at a
time, in fid order (keyset paging: a page costs the same however far on it is).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING, Final

from gis.i18n import Text
from layers.records import Area, Query, TimeWindow
from layers.schema import (
    AREA_TABLE,
    WALKS_TABLE,
    TableSpec,
    table_for_category,
)
from walks.access.guard import may_read, sees_who_registered
from walks.core.errors import WalkError

if TYPE_CHECKING:
    import geopandas as gpd

    from layers.catalog import GeometryType
    from walks.core.workspace import Workspace

SEPARATOR: Final = "__"
"""Between the area's id and the table's name in a collection's id: area ids have none."""
HIDDEN_COLUMNS: Final = frozenset({"created_by"})
"""What a viewer is not shown (``walks.access.guard.sees_who_registered``)."""
BOUNDARY_DESCRIPTION: Final = Text(
    sv="Områdets gräns, som safewalk räknar iakttagelser till området efter.",
    en="The area's boundary, by which safewalk counts observations to the area.",
)
WALKS_DESCRIPTION: Final = Text(
    sv="Områdets trygghetsvandringar med sina planerade rutter; tiden är vandringens start.",
    en="The area's safety walks with their planned routes; the time is the walk's start.",
)


class UnknownCollectionError(WalkError):
    """A collection id that names no collection the account may see."""

    template = Text(
        sv="Okänd samling {name!r}; se /ogc/collections för de samlingar som finns.",
        en="Unknown collection {name!r}; see /ogc/collections for the collections there are.",
    )


@dataclass(frozen=True, slots=True)
class Collection:
    """One table of one area, served as a feature collection."""

    id: str
    """``<area id>__<table>``, e.g. ``hasselby-gard__lighting``."""
    area: Area
    layer: str
    """The layer the store knows: the category (of every kind), ``walks`` or ``area``."""
    table: TableSpec
    """The table of one kind of geometry that holds the collection's features."""
    title: Text
    description: Text
    time_field: str | None
    """The field ``datetime`` filters on: when observed, when a walk starts; None: none."""

    @property
    def kind(self) -> GeometryType:
        """The kind of geometry of every feature (``Point``, ``LineString``, …)."""
        return self.table.geometry or "Geometry"  # every table served has a kind of its own


@dataclass(frozen=True, slots=True)
class FeaturePage:
    """One page of a collection's features, and where the next begins."""

    frame: gpd.GeoDataFrame
    """The features, index = fid (the feature's id), geometries in EPSG:3006."""
    matched: int | None
    """How many features the request's conditions select, on every page together; None
    when not counted."""
    next_after: int | None
    """The fid the next page begins after; None on the last page."""


def collection_id(area: str, table: str) -> str:
    """Return the id of the collection of ``table`` in area ``area``."""
    return f"{area}{SEPARATOR}{table}"


def feature_collections(workspace: Workspace) -> list[Collection]:
    """Return every collection the workspace's account may see, area by area (by name).

    Each area's boundary first, then the categories in the catalog's order, each kind of
    geometry it takes in turn, then the walks.
    """
    layers: list[tuple[str, TableSpec, Text, str | None]] = [
        (AREA_TABLE.name, AREA_TABLE, BOUNDARY_DESCRIPTION, None)
    ]
    for spec in workspace.catalog.categories:
        if not may_read(workspace, spec.name):
            continue
        for part in table_for_category(spec).physical:
            layers.append((spec.name, part, spec.description, "observed_at"))
    layers.append((WALKS_TABLE.name, WALKS_TABLE, WALKS_DESCRIPTION, "starts_at"))
    return [
        Collection(
            id=collection_id(area.slug, table.name),
            area=area,
            layer=layer,
            table=table,
            title=Text(sv=f"{area.name}: {table.title.sv}", en=f"{area.name}: {table.title.en}"),
            description=description,
            time_field=time_field,
        )
        for area in workspace.areas()
        for layer, table, description, time_field in layers
    ]


def find_collection(workspace: Workspace, wanted: str) -> Collection:
    """Return the collection ``wanted`` names.

    Raises
    ------
    UnknownCollectionError
        No collection the account may see has that id (a viewer's internal categories
        are as unknown as a misspelt name).
    """
    area, _, _ = wanted.partition(SEPARATOR)
    for collection in feature_collections(workspace):
        if collection.area.slug == area and collection.id == wanted:
            return collection
    raise UnknownCollectionError(name=wanted)


def shown_columns(workspace: Workspace, collection: Collection) -> tuple[str, ...]:
    """Return the fields of ``collection`` the account is shown, in the table's order."""
    if sees_who_registered(workspace):
        return collection.table.field_names
    return tuple(name for name in collection.table.field_names if name not in HIDDEN_COLUMNS)


def _query(
    workspace: Workspace,
    collection: Collection,
    *,
    bbox: tuple[float, float, float, float] | None,
    start: datetime | None,
    end: datetime | None,
    timed: bool,
) -> Query:
    during = None
    if timed and collection.time_field is not None:
        during = TimeWindow(collection.time_field, start, end)
    return Query(
        bbox=bbox,
        kind=collection.kind if collection.table.layer else None,
        during=during,
        columns=shown_columns(workspace, collection),
    )


def read_page(
    workspace: Workspace,
    collection: Collection,
    *,
    limit: int,
    after: int | None = None,
    bbox: tuple[float, float, float, float] | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    timed: bool = False,
    counted: bool = True,
) -> FeaturePage:
    """Return the first ``limit`` features after fid ``after`` that meet the conditions.

    Parameters
    ----------
    bbox
        (min x, min y, max x, max y) in EPSG:3006: features whose extent meets it.
    start, end
        With ``timed``: features whose time (``Collection.time_field``) lies from
        ``start`` to ``end``, both included, None for an open end. A collection without
        a time of its own (the boundary) is not filtered by time.
    counted
        Whether to count every feature that meets the conditions (``FeaturePage.matched``):
        through the spatial index for a box, else a pass over the table.
    """
    query = _query(workspace, collection, bbox=bbox, start=start, end=end, timed=timed)
    store = workspace.store
    page = store.read_layer(
        collection.area.slug, collection.layer,
        replace(query, after_fid=after, limit=limit + 1),
    )  # fmt: skip
    next_after = None
    if len(page) > limit:  # one more than asked for: there is a next page
        page = page.iloc[:limit]
        next_after = int(page.index[-1])
    matched = store.count_features(collection.area.slug, collection.layer, query) if counted \
        else None  # fmt: skip
    return FeaturePage(page, matched, next_after)


def read_feature(workspace: Workspace, collection: Collection, fid: int) -> gpd.GeoDataFrame:
    """Return the feature ``fid`` of ``collection`` as a frame of one row, or of none."""
    query = _query(workspace, collection, bbox=None, start=None, end=None, timed=False)
    frame = workspace.store.read_layer(
        collection.area.slug, collection.layer,
        replace(query, after_fid=fid - 1, limit=1),
    )  # fmt: skip
    return frame if len(frame) and int(frame.index[0]) == fid else frame.iloc[0:0]
