"""Reference data per area: lamps, stops, schools, streets, buildings: context, not observations."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Final

import numpy as np
import shapely
from numpy.typing import NDArray
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from gis.cells import plain_value
from gis.crs import WGS84, to_storage_crs
from gis.i18n import Text
from gis.io import read_vector_file
from layers.rules.geometry import single_parts
from layers.schema import reference_layer
from layers.store import Query
from layers.values import ReferenceKind
from walks.core.errors import WalkError
from walks.core.organisations import find_organisation
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area

NEAR_AREA_M: Final = 1000.0
"""Reference features farther than this from the area are left out of its layers."""
NAME_COLUMNS: Final = ("name", "namn", "Name", "NAME", "Namn", "NAMN")
STREET_NAME_COLUMNS: Final = (
    "name", "namn", "gatunamn", "gatu_namn", "gatnamn", "vagnamn", "vägnamn", "street",
    "street_name", "streetname",
)  # fmt: skip
"""Columns that name a street or building (any case), first found wins: OpenStreetMap's
``name``, the city's ``GATUNAMN``/``NAMN``, …"""
TYPE_COLUMNS: Final = (
    "highway", "fclass", "type", "typ", "class", "klass", "vägtyp", "vagtyp", "gatutyp",
    "kategori", "building",
)  # fmt: skip
"""Columns that give a street's or building's type (any case), first found wins: OSM's
``highway`` (Geofabrik's ``fclass``), the city's ``TYP``/``KLASS``, …"""
CREDIT_MAX_CHARS: Final = 200
"""The longest source or licence text: it is printed in the map's attributions."""
CREDITED_KINDS: Final = frozenset({ReferenceKind.STREETS, ReferenceKind.BUILDINGS})
"""Kinds drawn on every map, whose source and licence must be given to load them."""
ID_COLUMNS: Final = ("id", "@id", "osm_id", "ID", "Id", "objectid", "OBJECTID", "fid")
ORGANISATION_COLUMNS: Final = (
    "organisation", "organization", "org", "owner", "manager", "agare", "ägare",
    "forvaltare", "förvaltare", "ansvarig", "responsible",
)  # fmt: skip
"""Columns that name an owner area's organisation (any case), first found wins."""
SHIPPED_OSM_FILE: Final = "osm_hasselby_gard_centrum_points.geojson"
SHIPPED_OSM_AREA: Final = "hasselby-gard"
OSM_SOURCE: Final = "© OpenStreetMap contributors (ODbL): data/" + SHIPPED_OSM_FILE
OSM_ATTRIBUTION: Final = "© OpenStreetMap contributors"
OSM_LICENCE: Final = "ODbL 1.0"
_POINT_KINDS: Final = frozenset({ReferenceKind.LAMPS, ReferenceKind.STOPS, ReferenceKind.ENTRANCES})
_SHAPES: Final = {
    **dict.fromkeys(_POINT_KINDS, ("Point",)),
    ReferenceKind.OWNERS: ("Polygon", "MultiPolygon"),
    ReferenceKind.STREETS: ("LineString", "MultiLineString"),
    ReferenceKind.BUILDINGS: ("Polygon", "MultiPolygon"),
}
"""The geometries a kind of reference takes; kinds not named take any."""


class ReferenceInputError(WalkError):
    """A reference file, kind or area that cannot be used."""


@dataclass(frozen=True, slots=True)
class ReferenceImport:
    """What loading a reference file did."""

    area: str
    kind: ReferenceKind
    added: int
    already_there: int
    outside_area: int
    refused: list[tuple[int, Text]] = field(default_factory=list)
    """(feature in the file, counted from 1; why) per feature that could not be used."""
    source: str | None = None
    """Whom the features are credited to on the maps (``--source``), if given."""
    licence: str | None = None


def reference_kind(text: str) -> ReferenceKind:
    """Return the reference kind named ``text``; refuse others, listing the kinds."""
    try:
        return ReferenceKind(text.strip().lower())
    except ValueError:
        kinds = ", ".join(kind.value for kind in ReferenceKind)
        raise ReferenceInputError(
            Text(
                sv=f"Okänd sorts referensdata {text!r}. Sorter: {kinds}.",
                en=f"Unknown kind of reference data {text!r}. Kinds: {kinds}.",
            )
        ) from None


def _plain(value: object) -> object:
    """Return a value read from a file as JSON-friendly Python (NaN and NaT as None)."""
    plain = plain_value(value)
    return plain if plain is None or isinstance(plain, str | int | float | bool) else str(plain)


def _source_id(properties: Mapping[str, object], geometry: BaseGeometry) -> str:
    """Return the feature's identity in its source: an id column, else its rounded geometry."""
    for column in ID_COLUMNS:
        value = properties.get(column)
        if value is not None:
            return str(value)
    wkb = shapely.to_wkb(shapely.set_precision(geometry, 0.01))
    return "geometry:" + hashlib.sha1(wkb, usedforsecurity=False).hexdigest()


def stored_shapes(kind: ReferenceKind, geometry: BaseGeometry) -> list[BaseGeometry]:
    """Return the geometries a feature of ``kind`` is stored as, one row each.

    An owner's polygon is stored as a multi-polygon (a property can be several parcels);
    a school or other feature of several parts (a multi-polygon, a collection) as its
    parts, each in its layer's table of that kind; a point as itself.
    """
    if kind is ReferenceKind.OWNERS:
        return [shapely.multipolygons([geometry]) if geometry.geom_type == "Polygon" else geometry]
    return single_parts(geometry)


@dataclass(frozen=True, slots=True)
class Credit:
    """Whom reference features are credited to on the maps, and under which licence."""

    attribution: str | None = None
    licence: str | None = None


def _rows(
    features: Sequence[tuple[Mapping[str, object], BaseGeometry]],
    *,
    kind: ReferenceKind,
    source: str,
    actor: str,
    now: datetime,
    credit: Credit = Credit(),
) -> list[tuple[dict[str, object], BaseGeometry]]:
    rows = []
    seen: dict[str, int] = {}
    for properties, whole in features:
        extra: dict[str, object] = {"attribution": credit.attribution, "licence": credit.licence}
        if kind in CREDITED_KINDS:
            extra |= _street_values(properties)
        for geometry in stored_shapes(kind, whole):
            values = _values(properties, whole, seen, source=source, actor=actor, now=now)
            rows.append((values | extra, geometry))
    return rows


def _first(properties: Mapping[str, object], columns: Sequence[str]) -> tuple[str, str] | None:
    """Return (column, value as text) of the first of ``columns`` (any case) with a value."""
    lowered = {str(k).casefold(): k for k in properties}
    for column in columns:
        key = lowered.get(column)
        value = properties.get(key) if key is not None else None
        if value is not None and str(value).strip():
            return str(key), str(value).strip()
    return None


def _street_values(properties: Mapping[str, object]) -> dict[str, object]:
    """Return a street's or building's name and type from the columns that give them."""
    name = _first(properties, STREET_NAME_COLUMNS)
    kind = _first(properties, TYPE_COLUMNS)
    used = {found[0] for found in (name, kind) if found is not None} | set(NAME_COLUMNS)
    others = {k: v for k, v in properties.items() if k not in used and v is not None}
    return {
        "name": None if name is None else name[1],
        "type": None if kind is None else kind[1],
        "attributes": json.dumps(others, ensure_ascii=False) if others else None,
    }


def _values(
    properties: Mapping[str, object],
    whole: BaseGeometry,
    seen: dict[str, int],
    *,
    source: str,
    actor: str,
    now: datetime,
) -> dict[str, object]:
    """Return the values of one stored part of a feature; ``seen`` counts each identity."""
    identity = _source_id(properties, whole)
    # The parts of a split multi-part feature share their feature's id: number them.
    seen[identity] = seen.get(identity, 0) + 1
    if seen[identity] > 1:
        identity = f"{identity}#{seen[identity]}"
    name = next((properties[c] for c in NAME_COLUMNS if properties.get(c) is not None), None)
    others = {k: v for k, v in properties.items() if k not in NAME_COLUMNS and v is not None}
    values: dict[str, object] = {
        "name": None if name is None else str(name),
        "source": source,
        "source_id": identity,
        "attributes": json.dumps(others, ensure_ascii=False) if others else None,
        "created_at": now,
        "updated_at": now,
        "created_by": actor,
        "is_demo": False,
    }
    return values


def _store_new(
    workspace: Workspace,
    slug: str,
    kind: ReferenceKind,
    rows: list[tuple[dict[str, object], BaseGeometry]],
    *,
    actor: str,
    dry_run: bool = False,
) -> tuple[int, int]:
    """Store the rows whose source identity the layer does not hold yet; (added, already).

    ``dry_run``: count them, store nothing.
    """
    layer = reference_layer(kind)
    held = {
        (record["source"], record["source_id"])
        for record in workspace.store.read_records(
            slug, layer, Query(columns=("source", "source_id"))
        )
    }
    fresh = [(v, g) for v, g in rows if (v["source"], v["source_id"]) not in held]
    unique = list({(v["source"], v["source_id"]): (v, g) for v, g in fresh}.values())
    if unique and not dry_run:
        workspace.store.append_many(slug, layer, unique, actor=actor)
    return len(unique), len(rows) - len(unique)


def add_reference_from_file(
    workspace: Workspace,
    area: str,
    kind: str | ReferenceKind,
    path: Path,
    *,
    crs: str | None = None,
    layer: str | None = None,
    organisation: str | None = None,
    source: str | None = None,
    licence: str | None = None,
    actor: str,
    now: datetime | None = None,
    dry_run: bool = False,
) -> ReferenceImport:
    """Load the features of a vector file as the area's reference layer of ``kind``.

    ``dry_run``: check and count everything as a load would, and store nothing (``added``
    is then what would be added).

    Any vector file GDAL reads (GeoJSON, GeoPackage, Shapefile, …), its CRS from the file
    (or ``crs``). Multi-part features are split into parts (``stored_shapes``), whose
    source ids are numbered ``#2``, ``#3`` …; a point layer refuses other geometries,
    naming the row. Features farther than ``NEAR_AREA_M`` from the area are left out. Loading
    the same file again adds nothing: each feature keeps its identity in its source (an
    id column, else its geometry). All features are stored in one transaction.

    Owners (``ReferenceKind.OWNERS``) are polygons (stored as multi-polygons), each with
    the organisation that owns or manages it: ``organisation`` for the whole file, else a
    column of the file (``ORGANISATION_COLUMNS``) giving an organisation's id or name.

    ``source`` and ``licence`` say whom the features are credited to on the maps and
    under which licence (``© OpenStreetMap contributors``, ``ODbL``); both are stored with
    every feature (``attribution``, ``licence``). Streets and buildings
    (``CREDITED_KINDS``), drawn on every map, need both. Streets are lines (a
    multi-line split into its parts), buildings polygons; each keeps its name
    (``STREET_NAME_COLUMNS``) and type (``TYPE_COLUMNS``: a path is drawn as one).

    Raises
    ------
    ReferenceInputError
        An unknown kind; streets or buildings without a source or licence, or a source or
        licence too long to print (checked before the file is read).
    gis.errors.GisError
        The file cannot be read or its CRS is unknown.
    """
    reference = kind if isinstance(kind, ReferenceKind) else reference_kind(kind)
    credit = reference_credit(reference, source=source, licence=licence)
    target = find_area(workspace, area)
    data_dir = workspace.settings.data_dir
    everyone = find_organisation(data_dir, organisation).id if organisation else None
    frame = read_vector_file(
        path, crs=crs, layer=layer, expected_extent=target.boundary.buffer(30_000)
    )
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    if reference in _POINT_KINDS:
        frame = frame.explode(index_parts=False)
    near = target.boundary.buffer(NEAR_AREA_M)
    shapely.prepare(near)
    is_near = shapely.intersects(near, frame.geometry.to_numpy())
    refused: list[tuple[int, Text]] = []
    features: list[tuple[Mapping[str, object], BaseGeometry]] = []
    owners: list[str | None] = []
    outside = 0
    columns = [c for c in frame.columns if c != frame.geometry.name]
    # Rows are the file's features counted from 1 (a split multi-point keeps its number).
    rows_in_file = (int(i) + 1 for i in frame.index)
    for row, geometry, values, nearby in zip(
        rows_in_file,
        frame.geometry,
        frame[columns].itertuples(index=False, name=None),
        is_near,
        strict=True,
    ):
        properties = {c: _plain(v) for c, v in zip(columns, values, strict=True)}
        owner = everyone
        if reference is ReferenceKind.OWNERS and owner is None:
            owner, why = _owner(workspace, properties)
            if owner is None:
                refused.append((row, why))
                continue
        if geometry.geom_type not in _SHAPES.get(reference, (geometry.geom_type,)):
            refused.append(_refusal(row, reference, geometry))
        elif not shapely.is_valid(geometry):
            reason = shapely.is_valid_reason(geometry)
            refused.append(
                (row, Text(sv=f"ogiltig geometri: {reason}", en=f"invalid geometry: {reason}"))
            )
        elif not nearby:
            outside += 1
        else:
            features.append((properties, geometry))
            owners.append(owner)
    rows = _rows(features, kind=reference, source=path.name, actor=actor,
                 now=now or datetime.now(UTC), credit=credit)  # fmt: skip
    if reference is ReferenceKind.OWNERS:
        rows = [
            (values | {"organisation": who}, g)
            for (values, g), who in zip(rows, owners, strict=True)
        ]
    added, already = _store_new(
        workspace, target.slug, reference, rows, actor=actor, dry_run=dry_run
    )
    return ReferenceImport(target.slug, reference, added, already, outside, refused,
                           credit.attribution, credit.licence)  # fmt: skip


def reference_credit(kind: ReferenceKind, *, source: str | None, licence: str | None) -> Credit:
    """Return the credit of a load of ``kind``: ``source`` and ``licence`` checked.

    Raises
    ------
    ReferenceInputError
        Streets or buildings without both; a text over ``CREDIT_MAX_CHARS``.
    """
    given = {flag: " ".join((text or "").split())
             for flag, text in (("--source", source), ("--licence", licence))}  # fmt: skip
    missing = [flag for flag, text in given.items() if not text]
    if kind in CREDITED_KINDS and missing:
        flags = " och ".join(missing), " and ".join(missing)
        raise ReferenceInputError(
            Text(
                sv=f"{kind.label.sv} ritas på kartorna och måste krediteras: ange källa och "
                f'licens ({flags[0]} saknas), t.ex. --source "Stockholms stad, öppna data" '
                '--licence CC0 eller --source "© OpenStreetMap contributors" --licence ODbL. '
                "Inget lästes in.",
                en=f"{kind.label.en} are drawn on the maps and must be credited: give the source "
                f'and licence ({flags[1]} missing), e.g. --source "City of Stockholm, open '
                'data" --licence CC0 or --source "© OpenStreetMap contributors" --licence '
                "ODbL. Nothing was loaded.",
            )
        )
    for flag, text in given.items():
        if len(text) > CREDIT_MAX_CHARS:
            raise ReferenceInputError(
                Text(
                    sv=f"{flag} är {len(text)} tecken; högst {CREDIT_MAX_CHARS} (texten skrivs "
                    "ut på kartan). Inget lästes in.",
                    en=f"{flag} is {len(text)} characters; at most {CREDIT_MAX_CHARS} (the text "
                    "is printed on the map). Nothing was loaded.",
                )
            )
    return Credit(given["--source"] or None, given["--licence"] or None)


_SHAPE_WORDS: Final = {
    ReferenceKind.OWNERS: Text(sv="ytor", en="areas"),
    ReferenceKind.BUILDINGS: Text(sv="ytor", en="areas"),
    ReferenceKind.STREETS: Text(sv="linjer", en="lines"),
}


def _refusal(row: int, kind: ReferenceKind, geometry: BaseGeometry) -> tuple[int, Text]:
    shape = _SHAPE_WORDS.get(kind, Text(sv="punkter", en="points"))
    return (
        row,
        Text(
            sv=f"{kind.label.sv} är {shape.sv}; det här objektet är en {geometry.geom_type}",
            en=f"{kind.label.en} are {shape.en}; this feature is a {geometry.geom_type}",
        ),
    )


def _owner(workspace: Workspace, properties: Mapping[str, object]) -> tuple[str | None, Text]:
    """Return the organisation an owner area's columns name, or None and why not."""
    lowered = {str(k).casefold(): v for k, v in properties.items()}
    given = next((lowered[c] for c in ORGANISATION_COLUMNS if lowered.get(c) is not None), None)
    if given is None:
        columns = ", ".join(ORGANISATION_COLUMNS[:4])
        return None, Text(
            sv=f"ingen organisation: ge en kolumn ({columns}, …) eller --organisation",
            en=f"no organisation: give a column ({columns}, …) or --organisation",
        )
    try:
        return find_organisation(workspace.settings.data_dir, str(given)).id, Text(sv="", en="")
    except WalkError as error:
        return None, Text(sv=error.message("sv"), en=error.message("en"))


def osm_reference_kind(tags: Mapping[str, object]) -> ReferenceKind:
    """Return the reference kind of an OpenStreetMap node from its tags."""
    if tags.get("highway") == "street_lamp":
        return ReferenceKind.LAMPS
    if tags.get("railway") == "subway_entrance":
        return ReferenceKind.ENTRANCES
    if tags.get("highway") == "bus_stop" or tags.get("public_transport") in ("station", "platform"):
        return ReferenceKind.STOPS
    if tags.get("amenity") == "school":
        return ReferenceKind.SCHOOLS
    return ReferenceKind.OTHER


def add_shipped_references(workspace: Workspace, *, actor: str) -> int:
    """Load the shipped OpenStreetMap points around Hässelby gård centrum, sorted by kind.

    Does nothing when the workspace has no Hässelby gård; loading twice adds nothing.
    Returns how many features were added.
    """
    if SHIPPED_OSM_AREA not in {area.slug for area in workspace.areas()}:
        return 0
    path = workspace.settings.data_dir / SHIPPED_OSM_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    by_kind: dict[ReferenceKind, list[tuple[Mapping[str, object], BaseGeometry]]] = {}
    for feature in document["features"]:
        point = to_storage_crs(shape(feature["geometry"]), WGS84)
        tags = feature["properties"]
        by_kind.setdefault(osm_reference_kind(tags), []).append((tags, point))
    added = 0
    now = datetime.now(UTC)
    credit = Credit(OSM_ATTRIBUTION, OSM_LICENCE)
    for kind, features in by_kind.items():
        rows = _rows(features, kind=kind, source=OSM_SOURCE, actor=actor, now=now, credit=credit)
        added += _store_new(workspace, SHIPPED_OSM_AREA, kind, rows, actor=actor)[0]
    return added


def reference_points(workspace: Workspace, area: str, kind: ReferenceKind) -> NDArray[np.float64]:
    """Return the x/y (EPSG:3006, shape (n, 2)) of an area's reference features of ``kind``.

    Lines and polygons count by a point inside them (their representative point).
    """
    slug = find_area(workspace, area).slug
    frame = workspace.store.read_layer(slug, reference_layer(kind), Query(columns=()))
    geometries = frame.geometry.to_numpy() if len(frame) else np.array([], dtype=object)
    points = shapely.point_on_surface(geometries)
    return np.asarray(shapely.get_coordinates(points), dtype=np.float64).reshape(-1, 2)
