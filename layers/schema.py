"""Physical table layouts of an area's layers and the checks that values fit them.

Every category layer holds the fields every observation has (``OBSERVATION_FIELDS``)
followed by the category's own fields from the catalog. The system layers (area
boundary, walks, measures, change log) have fixed layouts defined here.

A category is one logical layer, stored as one table per kind of geometry it takes, each
typed for that kind (QGIS and ArcGIS draw and edit a table of one kind only): its main
kind (``geometry`` in the catalog, the points in the shipped catalog) in a table named as
the category, the other kinds in ``<category>_point``, ``<category>_line`` and
``<category>_area`` (``category_tables``). Each table draws fids from a range of its own
(``PART_FIDS``), so a category's fids never repeat across its tables.

The reference layers of any kind of geometry (schools, other: imported context) are
stored the same way: ``reference_schools`` (points), ``reference_schools_line`` and
``reference_schools_area``; the owners' areas are one MULTIPOLYGON table, the lamps,
stops and entrances POINT tables, the streets (and paths) a LINESTRING table and the
buildings a POLYGON table. Every table with a geometry is typed.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Final, get_args

from gis.i18n import Text
from layers.catalog import (
    DEFAULT_CATALOG_PATH,
    Catalog,
    FieldSpec,
    FieldType,
    GeometryType,
    LayerSpec,
    load_catalog,
)
from layers.errors import CatalogError, FeatureValidationError
from layers.values import (
    CostClass,
    DeliveryProblem,
    LightCondition,
    MeasureStatus,
    ObservationOrigin,
    ObservationStatus,
    ReferenceKind,
    ReportStatus,
    RequestState,
    TitledEnum,
    WalkKind,
)

if TYPE_CHECKING:
    from shapely.geometry.base import BaseGeometry

AREA_LAYER: Final = "area"
WALKS_LAYER: Final = "walks"
MEASURES_LAYER: Final = "measures"
CHANGE_LOG_LAYER: Final = "change_log"
PHOTOS_LAYER: Final = "photos"
NOTES_LAYER: Final = "measure_notes"
INDICATORS_LAYER: Final = "indicators"
INBOX_LAYER: Final = "inbox"
OPEN311_LAYER: Final = "open311_requests"
REFERENCE_PREFIX: Final = "reference_"


def reference_layer(kind: ReferenceKind) -> str:
    """Return the name of the reference layer of ``kind``, e.g. ``reference_lamps``."""
    return f"{REFERENCE_PREFIX}{kind.value}"


REFERENCE_LAYERS: Final = frozenset(reference_layer(kind) for kind in ReferenceKind)
HOTSPOTS_LAYER: Final = "analysis_hotspots"
DARK_LAYER: Final = "analysis_dark"
ANALYSIS_LAYERS: Final = frozenset({HOTSPOTS_LAYER, DARK_LAYER})
SYSTEM_LAYERS: Final = frozenset(
    {AREA_LAYER, WALKS_LAYER, MEASURES_LAYER, CHANGE_LOG_LAYER, PHOTOS_LAYER, NOTES_LAYER}
    | REFERENCE_LAYERS
    | {INDICATORS_LAYER, INBOX_LAYER, OPEN311_LAYER}
    | ANALYSIS_LAYERS
)
INTERNAL_TABLES: Final = frozenset({"safewalk_meta", "layer_styles"})

OBSERVATION_SEQUENCE: Final = "observation"


def _t(sv: str, en: str) -> Text:
    return Text(sv=sv, en=en)


def _choice(name: str, title: Text, enum: type[TitledEnum], *, required: bool) -> FieldSpec:
    """Return a text field whose values are ``enum``'s members."""
    return FieldSpec(
        name, title, "text", required=required, values=enum.allowed_values(), enum=enum
    )


_RECORD_FIELDS: Final = (
    FieldSpec("created_at", _t("Skapad", "Created"), "datetime", required=True),
    FieldSpec("updated_at", _t("Ändrad", "Updated"), "datetime", required=True),
    FieldSpec("created_by", _t("Registrerad av", "Registered by"), "text", required=True),
    FieldSpec("is_demo", _t("Demodata", "Demo data"), "boolean", required=True),
)
OBSERVATION_FIELDS: Final = (
    FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
    FieldSpec("number", _t("Nummer", "Number"), "integer", required=True, minimum=1),
    _choice("status", _t("Status", "Status"), ObservationStatus, required=True),
    FieldSpec("severity", _t("Allvarlighet", "Severity"), "integer"),
    FieldSpec("description", _t("Beskrivning", "Description"), "text"),
    FieldSpec("walk_uuid", _t("Trygghetsvandring", "Safety walk"), "text"),
    FieldSpec("observed_at", _t("Iakttagen", "Observed"), "datetime", required=True),
    _choice("light_condition", _t("Ljusförhållande", "Light"), LightCondition, required=False),
    FieldSpec(
        "responsible",
        _t("Ansvarig, vald av en användare", "Responsible, chosen by a user"),
        "text",
    ),
    _choice("origin", _t("Kom från", "Came from"), ObservationOrigin, required=False),
    *_RECORD_FIELDS,
)
RESERVED_FIELD_NAMES: Final = frozenset(f.name for f in OBSERVATION_FIELDS) | {"fid", "geom"}


@dataclass(frozen=True, slots=True)
class TableSpec:
    """The physical layout of one layer (table) in an area's GeoPackage."""

    name: str
    title: Text
    geometry: GeometryType | None
    fields: tuple[FieldSpec, ...]
    sequence: str | None = None
    """Name of the per-area number sequence for the ``number`` field, if the layer has one."""
    accepts: tuple[str, ...] = ()
    """For a ``Geometry`` layer: the kinds it takes (empty: any kind)."""
    parts: tuple[TableSpec, ...] = ()
    """For a category of several kinds: its tables, one per kind, the main kind's first."""
    layer: str = ""
    """For one of a category's ``parts``: the category's name (empty: the table's own)."""
    first_fid: int = 1
    """The fid of the table's first row (``PART_FIDS``)."""
    _names: tuple[str, ...] = dataclass_field(init=False, repr=False, compare=False)
    _by_name: Mapping[str, FieldSpec] = dataclass_field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Asked for per row by bulk writes: worked out once.
        object.__setattr__(self, "_names", tuple(f.name for f in self.fields))
        object.__setattr__(self, "_by_name", {f.name: f for f in reversed(self.fields)})

    @property
    def layer_name(self) -> str:
        """The name callers know the layer by: the category of a part, else the table's."""
        return self.layer or self.name

    @property
    def physical(self) -> tuple[TableSpec, ...]:
        """The tables that hold the layer's rows: its parts, or the table itself."""
        return self.parts or (self,)

    def part_for(self, geometry: BaseGeometry | None) -> TableSpec:
        """Return the table that stores ``geometry``.

        The layer itself when none of its parts takes that kind (or it has no parts), so
        that its own checks refuse it.
        """
        if geometry is not None:
            for part in self.parts:
                if part.geometry == geometry.geom_type:
                    return part
        return self

    @property
    def field_names(self) -> tuple[str, ...]:
        """The attribute names in table order."""
        return self._names

    def field(self, name: str) -> FieldSpec | None:
        """Return the field called ``name``, or None for a column the layout does not have."""
        return self._by_name.get(name)


AREA_TABLE: Final = TableSpec(
    AREA_LAYER,
    _t("Områdesgräns", "Area boundary"),
    "MultiPolygon",
    (
        FieldSpec("slug", _t("Id", "Id"), "text", required=True),
        FieldSpec("name", _t("Namn", "Name"), "text", required=True),
        FieldSpec("source", _t("Källa", "Source"), "text"),
        FieldSpec("is_demo", _t("Demodata", "Demo data"), "boolean", required=True),
        FieldSpec("created_at", _t("Skapad", "Created"), "datetime", required=True),
    ),
)
WALKS_TABLE: Final = TableSpec(
    WALKS_LAYER,
    _t("Trygghetsvandringar", "Safety walks"),
    "LineString",
    (
        FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
        FieldSpec("number", _t("Nummer", "Number"), "integer", required=True, minimum=1),
        FieldSpec("title", _t("Rubrik", "Title"), "text", required=True),
        FieldSpec("starts_at", _t("Start", "Start"), "datetime", required=True),
        _choice("kind", _t("Typ", "Kind"), WalkKind, required=True),
        FieldSpec("organisations", _t("Organisationer", "Organisations"), "text"),
        FieldSpec("participants", _t("Deltagare per grupp", "Participants by group"), "text"),
        FieldSpec("notes", _t("Anteckningar", "Notes"), "text"),
        *_RECORD_FIELDS,
    ),
    sequence="walk",
)
MEASURES_TABLE: Final = TableSpec(
    MEASURES_LAYER,
    _t("Åtgärder", "Measures"),
    None,
    (
        FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
        FieldSpec("number", _t("Nummer", "Number"), "integer", required=True, minimum=1),
        FieldSpec("title", _t("Åtgärd", "Measure"), "text", required=True),
        FieldSpec("description", _t("Beskrivning", "Description"), "text"),
        FieldSpec("responsible", _t("Ansvarig", "Responsible party"), "text"),
        FieldSpec("priority", _t("Prioritet", "Priority"), "integer", minimum=1, maximum=3),
        FieldSpec("deadline", _t("Klart senast", "Deadline"), "date"),
        _choice("status", _t("Status", "Status"), MeasureStatus, required=True),
        FieldSpec("observation_uuids", _t("Iakttagelser", "Observations"), "text"),
        _choice("cost_class", _t("Kostnadsklass", "Cost class"), CostClass, required=False),
        FieldSpec("reason", _t("Skäl (ej genomförbar)", "Reason (not feasible)"), "text"),
        FieldSpec("public", _t("Visas för boende", "Shown to residents"), "boolean"),
        *_RECORD_FIELDS,
    ),
    sequence="measure",
)
CHANGE_LOG_TABLE: Final = TableSpec(
    CHANGE_LOG_LAYER,
    _t("Ändringslogg", "Change log"),
    None,
    (
        FieldSpec("at", _t("Tid", "Time"), "datetime", required=True),
        FieldSpec("actor", _t("Vem", "Who"), "text", required=True),
        FieldSpec("action", _t("Vad", "What"), "text", required=True),
        FieldSpec("layer", _t("Lager", "Layer"), "text", required=True),
        FieldSpec("feature_uuid", _t("Objekt", "Feature"), "text"),
        FieldSpec("before", _t("Före", "Before"), "text"),
        FieldSpec("after", _t("Efter", "After"), "text"),
    ),
)
PHOTOS_TABLE: Final = TableSpec(
    PHOTOS_LAYER,
    _t("Foton", "Photos"),
    None,
    (
        FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
        FieldSpec("feature_uuid", _t("Iakttagelse", "Observation"), "text", required=True),
        FieldSpec("layer", _t("Lager", "Layer"), "text", required=True),
        FieldSpec("mime_type", _t("Filtyp", "File type"), "text", required=True),
        FieldSpec("width", _t("Bredd", "Width"), "integer", required=True, unit="px"),
        FieldSpec("height", _t("Höjd", "Height"), "integer", required=True, unit="px"),
        FieldSpec("image", _t("Bild", "Image"), "binary", required=True),
        FieldSpec("thumbnail", _t("Miniatyr", "Thumbnail"), "binary", required=True),
        FieldSpec("created_at", _t("Skapad", "Created"), "datetime", required=True),
    ),
)
"""Photos of features, stored in the area's GeoPackage so that copying the file carries them."""
NOTES_TABLE: Final = TableSpec(
    NOTES_LAYER,
    _t("Uppföljningsanteckningar", "Follow-up notes"),
    None,
    (
        FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
        FieldSpec("feature_uuid", _t("Åtgärd", "Measure"), "text", required=True),
        FieldSpec("layer", _t("Lager", "Layer"), "text", required=True),
        FieldSpec("text", _t("Anteckning", "Note"), "text", required=True),
        FieldSpec("status", _t("Status då", "Status then"), "text"),
        FieldSpec("created_at", _t("Skapad", "Created"), "datetime", required=True),
        FieldSpec("created_by", _t("Skapad av", "Created by"), "text", required=True),
    ),
)
"""Dated notes on a measure's follow-up (each tertial), kept with the measure."""
OPEN311_TABLE: Final = TableSpec(
    OPEN311_LAYER,
    _t("Stadens felanmälan (Open311)", "The city's fault reports (Open311)"),
    None,
    (
        FieldSpec("uuid", _t("UUID (iakttagelsens)", "UUID (the observation's)"), "text",
                  required=True),
        FieldSpec("feature_uuid", _t("Iakttagelse", "Observation"), "text", required=True),
        FieldSpec("layer", _t("Lager", "Layer"), "text", required=True),
        FieldSpec("service_code", _t("Stadens tjänst", "The city's service"), "text",
                  required=True),
        _choice("state", _t("Läge", "State"), RequestState, required=True),
        FieldSpec("attempts", _t("Försök", "Attempts"), "integer", required=True, minimum=0),
        FieldSpec("next_attempt", _t("Nästa försök", "Next attempt"), "datetime"),
        _choice("error_kind", _t("Fel", "Problem"), DeliveryProblem, required=False),
        FieldSpec("last_error", _t("Senaste felet", "Last error"), "text"),
        FieldSpec("service_request_id", _t("Stadens id", "The city's id"), "text"),
        FieldSpec("token", _t("Stadens kvitto (token)", "The city's token"), "text"),
        FieldSpec("sent_at", _t("Skickad", "Sent"), "datetime"),
        FieldSpec("status", _t("Status hos staden", "Status at the city"), "text"),
        FieldSpec("status_notes", _t("Stadens anteckning", "The city's note"), "text"),
        FieldSpec("status_at", _t("Ändrad hos staden", "Changed at the city"), "datetime"),
        FieldSpec("created_at", _t("Skapad", "Created"), "datetime", required=True),
        FieldSpec("updated_at", _t("Ändrad", "Updated"), "datetime", required=True),
        FieldSpec("created_by", _t("Skapad av", "Created by"), "text", required=True),
    ),
)  # fmt: skip
"""Observations sent to the city's fault-report system, one row per observation (its UUID).

Kept with the observation (a child row): it goes when the observation goes, and an export
carries it only with its observation. A request not delivered is never marked sent.
"""
CHILD_TABLES: Final = (PHOTOS_TABLE, NOTES_TABLE, OPEN311_TABLE)
"""Tables whose rows belong to a feature (``feature_uuid``) and go when it goes."""
PART_SUFFIXES: Final[dict[str, str]] = {"Point": "_point", "LineString": "_line",
                                        "Polygon": "_area"}  # fmt: skip
"""The suffix of the table of a layer's kind of geometry other than its main kind."""
PART_FIDS: Final = 1_000_000_000
"""A layer's n-th table (0: the main kind's) numbers its rows from n × this + 1."""
_KIND_TITLES: Final = {
    "Point": _t("punkter", "points"), "LineString": _t("linjer", "lines"),
    "Polygon": _t("ytor", "areas"),
}  # fmt: skip
MAX_TABLE_NAME: Final = 63
"""The longest table name every backend keeps whole (PostgreSQL cuts longer names)."""


def kind_tables(
    name: str, main: GeometryType, kinds: Sequence[GeometryType]
) -> tuple[tuple[str, GeometryType], ...]:
    """Return (table name, kind) of each table of a layer of several kinds, the main's first.

    The main kind's table is named as the layer (``passage``), the others by their kind
    (``passage_line``, ``passage_area``, ``passage_point``).
    """
    ordered = (main, *(kind for kind in kinds if kind != main))
    return tuple(
        (name if kind == main else f"{name}{PART_SUFFIXES[kind]}", kind) for kind in ordered
    )


def category_tables(spec: LayerSpec) -> tuple[tuple[str, GeometryType], ...]:
    """Return (table name, kind) of each table of a category, the main kind's first."""
    return kind_tables(spec.name, spec.geometry, spec.accepts)


def _layer_of_parts(
    name: str,
    title: Text,
    fields: tuple[FieldSpec, ...],
    tables: Sequence[tuple[str, GeometryType]],
    *,
    sequence: str | None = None,
) -> TableSpec:
    """Return a ``Geometry`` layer stored in ``tables``, one typed table per kind."""
    parts = tuple(
        TableSpec(
            table,
            Text(sv=f"{title.sv} ({_KIND_TITLES[kind].sv})",
                 en=f"{title.en} ({_KIND_TITLES[kind].en})"),
            kind, fields, sequence=sequence, layer=name, first_fid=k * PART_FIDS + 1,
        )
        for k, (table, kind) in enumerate(tables)
    )  # fmt: skip
    return TableSpec(
        name,
        title,
        "Geometry",
        fields,
        sequence=sequence,
        accepts=tuple(kind for _, kind in tables),
        parts=parts,
    )


_POINT_KINDS: Final = (ReferenceKind.LAMPS, ReferenceKind.STOPS, ReferenceKind.ENTRANCES)
REFERENCE_KINDS: Final[tuple[GeometryType, ...]] = ("Point", "LineString", "Polygon")
"""The kinds of geometry a reference layer of any kind (schools, other) has a table for."""


_TYPED_KINDS: Final = (ReferenceKind.STREETS, ReferenceKind.BUILDINGS)
PATH_TYPES: Final = (
    "footway", "path", "cycleway", "pedestrian", "steps", "track", "bridleway", "corridor",
    "gång", "gang", "cykel", "gc-", "g/c", "stig", "trapp",
)  # fmt: skip
"""Words in a street's ``type`` that make it a path, drawn thinner on every map and in
QGIS (OpenStreetMap's ``highway`` values; the city's gångväg, cykelväg, GC-väg, …), in any
case."""
_REFERENCE_TYPE: Final = FieldSpec(
    "type", _t("Typ i källan (t.ex. gångväg)", "Type in the source (e.g. footway)"), "text"
)
"""A street's or building's class as its source names it (OpenStreetMap's ``highway``, …)."""
_CREDIT_FIELDS: Final = (
    FieldSpec("attribution", _t("Upphov att ange", "Credit to show"), "text"),
    FieldSpec("licence", _t("Licens", "Licence"), "text"),
)
"""Whom a reference feature is credited to on the maps, and under which licence."""


def _reference_table(kind: ReferenceKind) -> TableSpec:
    """Return the layout of a reference layer: points, owners' areas, or parts of any kind."""
    owner = (
        FieldSpec(
            "organisation",
            _t("Ägare eller förvaltare (organisationens id)", "Owner or manager (organisation id)"),
            "text",
            required=True,
        ),
    )
    name = reference_layer(kind)
    title = Text(sv=f"Referens: {kind.label.sv}", en=f"Reference: {kind.label.en}")
    fields = (
        FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
        FieldSpec("name", _t("Namn", "Name"), "text"),
        *(owner if kind is ReferenceKind.OWNERS else ()),
        *((_REFERENCE_TYPE,) if kind in _TYPED_KINDS else ()),
        FieldSpec("source", _t("Källa", "Source"), "text", required=True),
        FieldSpec("source_id", _t("Id i källan", "Id in the source"), "text"),
        FieldSpec("attributes", _t("Övriga attribut (JSON)", "Other attributes (JSON)"), "text"),
        *_CREDIT_FIELDS,
        *_RECORD_FIELDS,
    )
    if kind in _POINT_KINDS:
        return TableSpec(name, title, "Point", fields)
    if kind is ReferenceKind.OWNERS:
        return TableSpec(name, title, "MultiPolygon", fields)
    if kind is ReferenceKind.STREETS:
        return TableSpec(name, title, "LineString", fields)
    if kind is ReferenceKind.BUILDINGS:
        return TableSpec(name, title, "Polygon", fields)
    return _layer_of_parts(name, title, fields, kind_tables(name, "Point", REFERENCE_KINDS))


REFERENCE_TABLES: Final = tuple(_reference_table(kind) for kind in ReferenceKind)
"""Context the analyses use (lamps, stops, …): per area, never counted as observations."""
INDICATORS_TABLE: Final = TableSpec(
    INDICATORS_LAYER,
    _t("Indikatorer", "Indicators"),
    None,
    (
        FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
        FieldSpec("name", _t("Indikator", "Indicator"), "text", required=True),
        FieldSpec("value", _t("Värde", "Value"), "real", required=True),
        FieldSpec("unit", _t("Enhet", "Unit"), "text"),
        FieldSpec("period", _t("Period", "Period"), "text"),
        FieldSpec("source", _t("Källa", "Source"), "text", required=True),
        *_RECORD_FIELDS,
    ),
)
"""Figures about a whole area (a survey's share who feel unsafe, crimes per 1,000 residents)."""
HOTSPOTS_TABLE: Final = TableSpec(
    HOTSPOTS_LAYER,
    _t("Analys: ansamlingar av iakttagelser", "Analysis: hotspots of observations"),
    "Polygon",
    (
        FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
        FieldSpec("hotspot", _t("Nr", "No"), "integer", required=True),
        FieldSpec("count", _t("Antal", "Count"), "integer", required=True),
        FieldSpec("category", _t("Vanligaste kategori", "Most frequent category"), "text"),
        FieldSpec("observations", _t("Iakttagelser (nr)", "Observations (no.)"), "text"),
        FieldSpec("radius_m", _t("Radie", "Radius"), "real", required=True, unit="m"),
        FieldSpec("min_count", _t("Minsta antal", "Least count"), "integer", required=True),
        *_RECORD_FIELDS,
    ),
)
"""The last saved ``safewalk analyse hotspots`` of the area: each hotspot's outline."""
DARK_TABLE: Final = TableSpec(
    DARK_LAYER,
    _t("Analys: mörka sträckor", "Analysis: dark stretches"),
    "LineString",
    (
        FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
        FieldSpec("route", _t("Rutt", "Route"), "text", required=True),
        FieldSpec("from_m", _t("Från", "From"), "real", required=True, unit="m"),
        FieldSpec("to_m", _t("Till", "To"), "real", required=True, unit="m"),
        FieldSpec("length_m", _t("Längd", "Length"), "real", required=True, unit="m"),
        FieldSpec("radius_m", _t("Radie", "Radius"), "real", required=True, unit="m"),
        *_RECORD_FIELDS,
    ),
)
"""The last saved ``safewalk analyse dark`` of the area: each dark stretch as a line."""
INBOX_TABLE: Final = TableSpec(
    INBOX_LAYER,
    _t("Inkorg: boendes anmälningar", "Inbox: residents' reports"),
    "Point",
    (
        FieldSpec("uuid", _t("UUID", "UUID"), "text", required=True),
        FieldSpec("category", _t("Kategori", "Category"), "text", required=True),
        FieldSpec("description", _t("Beskrivning", "Description"), "text"),
        FieldSpec("email", _t("E-post för svar", "E-mail for an answer"), "text"),
        _choice("status", _t("Status", "Status"), ReportStatus, required=True),
        FieldSpec("reason", _t("Skäl (avvisad)", "Reason (rejected)"), "text"),
        FieldSpec("observation_uuid", _t("Iakttagelse", "Observation"), "text"),
        FieldSpec("handled_at", _t("Hanterad", "Handled"), "datetime"),
        FieldSpec("handled_by", _t("Hanterad av", "Handled by"), "text"),
        FieldSpec("language", _t("Språk", "Language"), "text"),
        *_RECORD_FIELDS,
    ),
)
"""Residents' reports of a place, waiting for a coordinator: never on the map until accepted.

The e-mail for an answer is kept only until the report is handled (accepted or rejected).
"""
SYSTEM_TABLES: Final = (
    AREA_TABLE, WALKS_TABLE, MEASURES_TABLE, CHANGE_LOG_TABLE, PHOTOS_TABLE, NOTES_TABLE,
    *REFERENCE_TABLES,
    INDICATORS_TABLE, HOTSPOTS_TABLE, DARK_TABLE, INBOX_TABLE, OPEN311_TABLE,
)  # fmt: skip
SYSTEM_TABLE_NAMES: Final = frozenset(part.name for t in SYSTEM_TABLES for part in t.physical)
"""The tables of the system layers (``reference_schools_line``, …), no category's to take."""


def table_for_category(spec: LayerSpec) -> TableSpec:
    """Return the layout of a category layer: common fields, then its own.

    A category of several kinds of geometry is a ``Geometry`` layer that accepts those
    kinds, stored in one table per kind (``parts``, see ``category_tables``).
    """
    severity = FieldSpec(
        "severity",
        _t("Allvarlighet", "Severity"),
        "integer",
        values=spec.severity.levels if spec.severity else (),
    )
    fields = tuple(severity if f.name == "severity" else f for f in OBSERVATION_FIELDS)
    fields += spec.fields
    if len(spec.accepts) == 1:
        return TableSpec(
            spec.name, spec.title, spec.geometry, fields, sequence=OBSERVATION_SEQUENCE
        )
    return _layer_of_parts(
        spec.name, spec.title, fields, category_tables(spec), sequence=OBSERVATION_SEQUENCE
    )


def load_layer_catalog(path: Path = DEFAULT_CATALOG_PATH) -> Catalog:
    """Load a catalog file, refusing categories that clash with the system layers or fields.

    A category's tables (``category_tables``) must not take another layer's name, and
    must fit in a table name.
    """
    catalog = load_catalog(
        path,
        reserved_fields=RESERVED_FIELD_NAMES,
        reserved_layers=SYSTEM_LAYERS | SYSTEM_TABLE_NAMES | INTERNAL_TABLES,
    )
    taken = dict.fromkeys(SYSTEM_LAYERS | SYSTEM_TABLE_NAMES | INTERNAL_TABLES, "safewalk")
    for spec in catalog.categories:
        for name, _ in category_tables(spec):
            where = (
                f"Katalogfilen {path}, layer {spec.name!r}",
                f"Catalog file {path}, layer {spec.name!r}",
            )
            if len(name) > MAX_TABLE_NAME:
                raise CatalogError(Text(
                    sv=f"{where[0]}: tabellnamnet {name!r} är längre än {MAX_TABLE_NAME} tecken; "
                    "välj ett kortare namn.",
                    en=f"{where[1]}: the table name {name!r} is longer than {MAX_TABLE_NAME} "
                    "characters; choose a shorter name.",
                ))  # fmt: skip
            if name in taken:
                raise CatalogError(Text(
                    sv=f"{where[0]}: tabellen {name!r} krockar med lagret {taken[name]!r}; "
                    "byt namn på en av kategorierna.",
                    en=f"{where[1]}: the table {name!r} clashes with the layer "
                    f"{taken[name]!r}; rename one of the categories.",
                ))  # fmt: skip
            taken[name] = spec.name
    return catalog


def tables_for_catalog(catalog: Catalog) -> tuple[TableSpec, ...]:
    """Return every layer an area holds for ``catalog`` (categories as one layer each)."""
    return SYSTEM_TABLES + tuple(table_for_category(spec) for spec in catalog.categories)


def physical_tables(tables: Iterable[TableSpec]) -> tuple[TableSpec, ...]:
    """Return the tables that hold ``tables``' rows: each category's parts in its place."""
    return tuple(part for table in tables for part in table.physical)


_TRUE: Final = frozenset({"true", "yes", "ja", "1", "sant", "y", "j"})
_FALSE: Final = frozenset({"false", "no", "nej", "0", "falskt", "n"})

SqlValue = str | int | float | bytes | None


def _invalid(field: FieldSpec, value: object, sv: str, en: str) -> FeatureValidationError:
    return FeatureValidationError(
        Text(
            sv=f"Fältet {field.name!r} ({field.title.sv}): värdet {value!r} {sv}",
            en=f"Field {field.name!r} ({field.title.en}): value {value!r} {en}",
        )
    )


def coerce_value(field: FieldSpec, value: object) -> SqlValue:
    """Return ``value`` as the SQLite value stored for ``field``.

    Accepts typed Python values or text as typed on a command line (``"3"``, ``"ja"``,
    ``"2026-11-26"``). ``None`` and empty text mean "no value".

    Raises
    ------
    FeatureValidationError
        Naming the field, the value and what is allowed.
    CatalogError
        ``field`` has a type not in ``FieldType`` (and a value is given).
    """
    try:
        if value is None or (isinstance(value, str) and not value.strip()):
            if field.required:
                raise FeatureValidationError(
                    Text(
                        sv=f"Fältet {field.name!r} ({field.title.sv}) måste fyllas i.",
                        en=f"Field {field.name!r} ({field.title.en}) is required.",
                    )
                )
            return None
        result = _typed_value(field, value)
        _check_allowed(field, value, result)
    except FeatureValidationError as error:
        error.field = field.name
        raise
    return result


def _typed_value(field: FieldSpec, value: object) -> SqlValue:
    """Return ``value`` (not empty) as the SQLite value of ``field``'s type."""
    match field.type:
        case "text":
            if not isinstance(value, str):
                raise _invalid(field, value, "ska vara text", "must be text")
            return value.strip()
        case "integer":
            return _integer_value(field, value)
        case "real":
            return _real_value(field, value)
        case "boolean":
            return _boolean_value(field, value)
        case "date":
            return _date_text(field, value)
        case "datetime":
            return _datetime_text(field, value)
        case "binary":
            if not isinstance(value, bytes):
                raise _invalid(field, "…", "ska vara binärdata", "must be binary data")
            return value
        case _:
            types = ", ".join(get_args(FieldType))
            raise CatalogError(
                Text(
                    sv=f"Fältet {field.name!r} ({field.title.sv}) har en okänd typ "
                    f"{field.type!r}; ange en av: {types} i katalogen.",
                    en=f"Field {field.name!r} ({field.title.en}) has an unknown type "
                    f"{field.type!r}; give one of: {types} in the catalog.",
                )
            )


def _integer_value(field: FieldSpec, value: object) -> int:
    """Return ``value`` as a whole number: an int, a float without fraction, or its text."""
    refusal = ("ska vara ett heltal", "must be a whole number")
    if isinstance(value, bool) or (isinstance(value, float) and not value.is_integer()):
        raise _invalid(field, value, *refusal)
    try:
        return int(value) if isinstance(value, int | float | str) else int(str(value))
    except ValueError:
        raise _invalid(field, value, *refusal) from None


def _real_value(field: FieldSpec, value: object) -> float:
    """Return ``value`` as a finite number: an int, a float, or its text (a decimal comma too)."""
    refusal = ("ska vara ett tal", "must be a number")
    if isinstance(value, bool):
        raise _invalid(field, value, *refusal)
    text = value.replace(",", ".") if isinstance(value, str) else value
    try:
        number = float(text) if isinstance(text, int | float | str) else float(str(text))
    except ValueError:
        raise _invalid(field, value, *refusal) from None
    if not math.isfinite(number):
        raise _invalid(field, value, "ska vara ett ändligt tal", "must be a finite number")
    return number


def _boolean_value(field: FieldSpec, value: object) -> int:
    """Return ``value`` as 1 or 0: a bool, 0 or 1, or yes or no in Swedish or English."""
    if isinstance(value, bool) or (isinstance(value, int) and value in (0, 1)):
        return int(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return int(value.strip().lower() in _TRUE)
    raise _invalid(field, value, "ska vara ja eller nej", "must be yes or no")


def _check_allowed(field: FieldSpec, value: object, result: SqlValue) -> None:
    """Refuse ``result`` (``value`` typed) when not among ``field``'s values or limits."""
    if field.values and result not in field.allowed:
        allowed = ", ".join(str(v) for v in field.allowed)
        raise _invalid(
            field,
            value,
            f"är inte tillåtet; välj bland: {allowed}.",
            f"is not allowed; choose one of: {allowed}.",
        )
    if isinstance(result, int | float) and not isinstance(result, bool):
        if field.minimum is not None and result < field.minimum:
            raise _invalid(
                field, value, f"är mindre än {field.minimum}", f"is below {field.minimum}"
            )
        if field.maximum is not None and result > field.maximum:
            raise _invalid(
                field, value, f"är större än {field.maximum}", f"is above {field.maximum}"
            )


def _date_text(field: FieldSpec, value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    try:
        return date.fromisoformat(str(value).strip()).isoformat()
    except ValueError:
        raise _invalid(
            field, value, "ska vara ett datum ÅÅÅÅ-MM-DD", "must be a date YYYY-MM-DD"
        ) from None


def datetime_to_text(moment: datetime) -> str:
    """Return a timezone-aware datetime as GeoPackage DATETIME text (UTC, milliseconds, Z)."""
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _datetime_text(field: FieldSpec, given: object) -> str:
    value = given
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            raise _invalid(
                field,
                value,
                "ska vara en tidpunkt ÅÅÅÅ-MM-DDTHH:MM+01:00",
                "must be a time YYYY-MM-DDTHH:MM+01:00",
            ) from None
    if not isinstance(value, datetime):
        raise _invalid(field, value, "ska vara en tidpunkt", "must be a point in time")
    if value.tzinfo is None:
        raise _invalid(
            field,
            given,
            "saknar tidszon; ange t.ex. +01:00 eller Z",
            "has no time zone; add e.g. +01:00 or Z",
        )
    return datetime_to_text(value)


def check_field_names(table: TableSpec, names: Iterable[str]) -> None:
    """Refuse names that are not fields of ``table``, listing the fields it has."""
    unknown = sorted(set(names) - set(table.field_names))
    if unknown:
        own = ", ".join(table.field_names)
        raise FeatureValidationError(
            Text(
                sv=f"Lagret {table.name!r} har inga fält {', '.join(unknown)}. Fält: {own}.",
                en=f"Layer {table.name!r} has no field {', '.join(unknown)}. Fields: {own}.",
            )
        )


def coerce_record(table: TableSpec, values: Mapping[str, object]) -> dict[str, SqlValue]:
    """Return every field of ``table`` coerced from ``values``; unknown keys are an error."""
    check_field_names(table, values)
    return {f.name: coerce_value(f, values.get(f.name)) for f in table.fields}


def coerce_records(
    table: TableSpec, records: Sequence[Mapping[str, object]]
) -> tuple[list[dict[str, SqlValue] | None], dict[int, FeatureValidationError]]:
    """Coerce many records as ``coerce_record`` does; return the rows and each refusal.

    The row of a refused record is None, and ``errors`` holds why (its first field in
    table order that is refused), by its index. Each field coerces each distinct value
    once, a field by itself: an import of a hundred thousand rows repeats its
    categories, severities and times.
    """
    columns, errors = coerce_columns(table, records)
    fields = table.field_names
    rows: list[dict[str, SqlValue] | None] = [
        None if k in errors else dict(zip(fields, row, strict=True))
        for k, row in enumerate(zip(*columns, strict=True))
    ]
    return rows, errors


_NUMBERS: Final = frozenset({bool, int, float})
"""Kinds of value equal to each other across kinds (1 == 1.0 == True)."""
_PLAIN: Final = _NUMBERS | {str, bytes, type(None), date, datetime}
"""Kinds of value whose values equal only values of the same kind, but for ``_NUMBERS``."""


def coerce_columns(
    table: TableSpec,
    records: Sequence[Mapping[str, object]],
    *,
    fixed: Mapping[str, object] | None = None,
) -> tuple[list[list[SqlValue]], dict[int, FeatureValidationError]]:
    """Coerce many records as ``coerce_records`` does; return each field's values, in order.

    Refused records have a value in every column all the same; ``errors`` holds why.
    ``fixed``: fields whose value is the same for every record, whatever it gives.
    """
    errors: dict[int, FeatureValidationError] = {}
    names = frozenset(table.field_names)
    given: set[str] = set()
    for k, values in enumerate(records):
        if not names.issuperset(values):
            try:
                check_field_names(table, values)
            except FeatureValidationError as error:
                errors[k] = error
        given.update(values)
    given_columns = {
        spec.name: [values.get(spec.name) for values in records]
        for spec in table.fields
        if spec.name in given and not (fixed and spec.name in fixed)
    }
    return _coerced_columns(table, given_columns, len(records), errors, fixed=fixed), errors


def coerce_given_columns(
    table: TableSpec,
    given: Mapping[str, Sequence[object]],
    count: int,
    *,
    fixed: Mapping[str, object] | None = None,
) -> tuple[list[list[SqlValue]], dict[int, FeatureValidationError]]:
    """Coerce ``count`` records given as columns, as ``coerce_columns`` does the records.

    ``given``: field → each record's value, None where a record has none (as if it did
    not name the field); a field of none is named by no record.
    """
    errors: dict[int, FeatureValidationError] = {}
    unknown = [name for name in given if table.field(name) is None]
    for k in range(count) if unknown else ():
        named = [name for name in unknown if given[name][k] is not None]
        if named:
            try:
                check_field_names(table, named)
            except FeatureValidationError as error:
                errors[k] = error
    known = {name: list(values) for name, values in given.items() if name not in unknown}
    return _coerced_columns(table, known, count, errors, fixed=fixed), errors


def _coerced_columns(
    table: TableSpec,
    given: Mapping[str, list[object]],
    count: int,
    errors: dict[int, FeatureValidationError],
    *,
    fixed: Mapping[str, object] | None,
) -> list[list[SqlValue]]:
    """Return every field's values of ``count`` records, coerced; add the refusals."""
    columns = []
    for spec in table.fields:
        if (fixed and spec.name in fixed) or spec.name not in given:
            result, refusal = _coerced(spec, fixed[spec.name] if fixed and spec.name in fixed
                                       else None)  # fmt: skip
            columns.append([result] * count)
            if refusal is not None:
                for k in range(count):
                    errors.setdefault(k, FeatureValidationError(refusal))
            continue
        columns.append(_coerced_column(spec, given[spec.name], errors))
    return columns


def _coerced_column(
    spec: FieldSpec, values: list[object], errors: dict[int, FeatureValidationError]
) -> list[SqlValue]:
    """Return one field's values coerced, each distinct value once; add the refusals."""
    column: list[SqlValue]
    pending: Sequence[int]
    if spec.type == "text" and not spec.values:
        # Text as it is, trimmed: only what is no text, or nothing but spaces, is coerced.
        column = [v.strip() if isinstance(v, str) else None for v in values]
        pending = [k for k, text in enumerate(column) if not text]
    else:
        column = [None] * len(values)
        pending = range(len(values))
    kinds = {values[k].__class__ for k in pending}
    if kinds <= _PLAIN and len(kinds & _NUMBERS) <= 1:
        # No two values of different kinds compare equal (1 and 1.0, say): each value
        # is its own key.
        found = {value: _coerced(spec, value) for value in {values[k] for k in pending}}
        for k in pending:
            column[k], refusal = found[values[k]]
            if refusal is not None and k not in errors:
                errors[k] = FeatureValidationError(refusal)
        return column
    cache: dict[tuple[type, object], tuple[SqlValue, Text | None]] = {}
    for k in pending:
        value = values[k]
        key = (value.__class__, value)
        try:
            column[k], refusal = cache[key]
        except KeyError:
            column[k], refusal = cache[key] = _coerced(spec, value)
        except TypeError:  # an unhashable value: not kept
            column[k], refusal = _coerced(spec, value)
        if refusal is not None and k not in errors:
            errors[k] = FeatureValidationError(refusal)
    return column


def _coerced(field: FieldSpec, value: object) -> tuple[SqlValue, Text | None]:
    """Return ``coerce_value``'s result, or the text of its refusal."""
    try:
        return coerce_value(field, value), None
    except FeatureValidationError as error:
        return None, error.text
