"""The layer catalog: a frozen specification of every layer, loaded from a TOML data file.

The shipped file is ``layers/catalog.toml``; a workspace may hold its own ``catalog.toml``
so that a district can add a category without touching code.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any, Final, Literal, cast

from gis.i18n import Text
from gis.symbols import SHAPES
from layers.errors import CatalogError, UnknownLayerError

DEFAULT_CATALOG_PATH: Final = Path(__file__).with_name("catalog.toml")

FieldType = Literal["text", "integer", "real", "boolean", "date", "datetime", "binary"]
FIELD_TYPES: Final[tuple[str, ...]] = ("text", "integer", "real", "boolean", "date", "datetime")
"""The types a catalog file may use; ``binary`` is for safewalk's own photo table."""
GeometryType = Literal["Point", "LineString", "Polygon", "MultiPolygon", "Geometry"]
"""``Geometry``: any kind (GeoPackage's GEOMETRY), for reference layers of mixed content."""
CATEGORY_GEOMETRIES: Final[tuple[str, ...]] = ("Point", "LineString", "Polygon")
MARKERS: Final = SHAPES
"""The marker shapes a category may use (QGIS's names)."""
RESERVED_TABLE_PREFIXES: Final = ("gpkg_", "sqlite_", "rtree_")
"""Table names GeoPackage and SQLite keep for themselves."""
EnumClass = type[StrEnum]
"""The class of a closed list of text values (``FieldSpec.type`` shadows ``type`` there)."""
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")


@dataclass(frozen=True, slots=True)
class AllowedValue:
    """One value of a closed list, with its titles."""

    value: str | int
    title: Text


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """One attribute of a layer."""

    name: str
    title: Text
    type: FieldType
    required: bool = False
    unit: str | None = None
    minimum: float | None = None
    maximum: float | None = None
    values: tuple[AllowedValue, ...] = ()
    enum: EnumClass | None = None
    """For the system layers' closed lists: the enum whose members the store returns."""

    @property
    def allowed(self) -> tuple[str | int, ...]:
        """The allowed values, empty when any value of the type is allowed."""
        return tuple(v.value for v in self.values)

    def value_title(self, value: object, language: str) -> str:
        """Return the title of ``value`` in ``language``, or the value itself."""
        for allowed in self.values:
            if allowed.value == value:
                return allowed.title.in_language(language)
        return "" if value is None else str(value)


@dataclass(frozen=True, slots=True)
class SeverityScale:
    """An ordered scale of severity levels, e.g. 1 Low, 2 Medium, 3 High."""

    name: str
    levels: tuple[AllowedValue, ...]

    def title_of(self, value: object, language: str) -> str:
        """Return the title of level ``value`` in ``language``, or the value itself."""
        level = next((level for level in self.levels if level.value == value), None)
        return level.title.in_language(language) if level is not None else str(value)


@dataclass(frozen=True, slots=True)
class Style:
    """How a layer's features are drawn: fill colour and marker shape."""

    colour: str
    marker: str


@dataclass(frozen=True, slots=True)
class LayerSpec:
    """The specification of one observation category layer."""

    name: str
    title: Text
    description: Text
    geometry: GeometryType
    fields: tuple[FieldSpec, ...]
    style: Style
    severity: SeverityScale | None = None
    geometries: tuple[GeometryType, ...] = ()
    """Every kind of geometry the category takes (``geometry`` first); empty: only that."""
    internal: bool = False
    """Shown to the analysis group only, never in views for residents (crime-exposed places,
    socially unsafe places)."""

    @property
    def accepts(self) -> tuple[GeometryType, ...]:
        """The kinds of geometry an observation of this category may have."""
        return self.geometries or (self.geometry,)

    def field(self, name: str) -> FieldSpec:
        """Return the field called ``name``; raise ``KeyError`` if there is none."""
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)


@dataclass(frozen=True, slots=True)
class Catalog:
    """All observation categories, in the order the catalog file lists them."""

    categories: tuple[LayerSpec, ...]
    source: Path

    @property
    def names(self) -> tuple[str, ...]:
        """The category layer names."""
        return tuple(spec.name for spec in self.categories)

    def category(self, name: str) -> LayerSpec:
        """Return the category called ``name``.

        Raises
        ------
        UnknownLayerError
            Naming the valid categories.
        """
        for spec in self.categories:
            if spec.name == name:
                return spec
        raise UnknownLayerError(name=name, valid=", ".join(self.names))


def load_catalog(
    path: Path = DEFAULT_CATALOG_PATH,
    *,
    reserved_fields: frozenset[str] = frozenset(),
    reserved_layers: frozenset[str] = frozenset(),
) -> Catalog:
    """Load and validate a catalog file.

    Parameters
    ----------
    path
        A TOML file with ``[severity.*]`` scales and ``[[layer]]`` entries.
    reserved_fields
        Field names a category must not use (the fields every observation has).
    reserved_layers
        Layer names a category must not take (the system layers).

    Raises
    ------
    CatalogError
        Naming the file, the entry and what is wrong with it.
    """
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CatalogError(
            Text(
                sv=f"Katalogfilen {path} finns inte.", en=f"The catalog file {path} does not exist."
            )
        ) from None
    except tomllib.TOMLDecodeError as error:
        raise CatalogError(
            Text(
                sv=f"Katalogfilen {path} är inte giltig TOML: {error}",
                en=f"The catalog file {path} is not valid TOML: {error}",
            )
        ) from None
    return _catalog_from_document(document, path, reserved_fields, reserved_layers)


def _problem(path: Path, where: str, sv: str, en: str) -> CatalogError:
    return CatalogError(
        Text(sv=f"Katalogfilen {path}, {where}: {sv}", en=f"Catalog file {path}, {where}: {en}")
    )


def _catalog_from_document(
    document: dict[str, Any],
    path: Path,
    reserved_fields: frozenset[str],
    reserved_layers: frozenset[str],
) -> Catalog:
    sections = document.get("severity", {})
    if not isinstance(sections, dict) or not all(isinstance(e, dict) for e in sections.values()):
        raise _problem(
            path, "[severity]", "skalorna ska skrivas [severity.NAMN] med levels = [...]",
            "scales must be written [severity.NAME] with levels = [...]",
        )  # fmt: skip
    scales = {
        name: SeverityScale(
            name, _allowed_values(path, f"[severity.{name}]", entry.get("levels"), value_type=int)
        )
        for name, entry in sections.items()
    }
    entries = document.get("layer")
    if not isinstance(entries, list) or not entries:
        raise _problem(path, "[[layer]]", "inga kategorier definierade", "no categories defined")
    categories: list[LayerSpec] = []
    for index, entry in enumerate(entries, start=1):
        spec = _layer_from_entry(path, index, entry, scales, reserved_fields, reserved_layers)
        if spec.name in {c.name for c in categories}:
            raise _problem(
                path, f"layer {spec.name!r}", "namnet finns redan", "the name is used twice"
            )
        categories.append(spec)
    return Catalog(categories=tuple(categories), source=path)


def _text(
    path: Path, where: str, entry: dict[str, Any], key: str, *, required: bool = True
) -> Text:
    value = entry.get(key)
    if value is None and not required:
        return Text(sv="", en="")
    if not isinstance(value, dict) or not all(isinstance(value.get(k), str) for k in ("sv", "en")):
        raise _problem(
            path,
            where,
            f'{key} måste vara {{ sv = "…", en = "…" }}',
            f'{key} must be {{ sv = "…", en = "…" }}',
        )
    return Text(sv=value["sv"], en=value["en"])


def _name(path: Path, where: str, value: object) -> str:
    if not isinstance(value, str) or not _NAME.match(value):
        raise _problem(
            path,
            where,
            f"namnet {value!r} måste vara små bokstäver a–z, siffror och _ (t.ex. dark_passage)",
            f"name {value!r} must be lower-case a–z, digits and _ (e.g. dark_passage)",
        )
    return value


def _layer_from_entry(
    path: Path,
    index: int,
    entry: object,
    scales: dict[str, SeverityScale],
    reserved_fields: frozenset[str],
    reserved_layers: frozenset[str],
) -> LayerSpec:
    if not isinstance(entry, dict):
        raise _problem(path, f"layer #{index}", "ska vara en tabell", "must be a table")
    name = _name(path, f"layer #{index}", entry.get("name"))
    where = f"layer {name!r}"
    if name in reserved_layers or name.startswith(RESERVED_TABLE_PREFIXES):
        raise _problem(path, where, "namnet är reserverat", "the name is reserved by safewalk")
    geometry = entry.get("geometry", "Point")
    if geometry not in CATEGORY_GEOMETRIES:
        raise _problem(
            path,
            where,
            f"geometry {geometry!r} ska vara en av {', '.join(CATEGORY_GEOMETRIES)}",
            f"geometry {geometry!r} must be one of {', '.join(CATEGORY_GEOMETRIES)}",
        )
    kinds = entry.get("geometries", [geometry])
    if (
        not isinstance(kinds, list)
        or not all(kind in CATEGORY_GEOMETRIES for kind in kinds)
        or len(set(kinds)) != len(kinds)
        or geometry not in kinds
    ):
        choices = ", ".join(CATEGORY_GEOMETRIES)
        raise _problem(
            path,
            where,
            f"geometries {kinds!r} ska vara en lista utan dubbletter av {choices}, med "
            f"geometry ({geometry}) bland dem",
            f"geometries {kinds!r} must be a list without repeats of {choices}, holding "
            f"geometry ({geometry})",
        )
    ordered = [geometry, *(kind for kind in kinds if kind != geometry)]
    severity_name = entry.get("severity")
    if severity_name is not None and severity_name not in scales:
        raise _problem(
            path,
            where,
            f"okänd allvarlighetsskala {severity_name!r}",
            f"unknown severity scale {severity_name!r}; define it as [severity.{severity_name}]",
        )
    fields = tuple(
        _field_from_entry(path, f"{where}, field #{i}", raw, reserved_fields)
        for i, raw in enumerate(entry.get("field", []), start=1)
    )
    names = [f.name for f in fields]
    if len(set(names)) != len(names):
        raise _problem(path, where, "ett fältnamn används två gånger", "a field name is used twice")
    return LayerSpec(
        name=name,
        title=_text(path, where, entry, "title"),
        description=_text(path, where, entry, "description", required=False),
        geometry=cast(GeometryType, geometry),
        fields=fields,
        style=_style(path, where, entry.get("style")),
        severity=scales[severity_name] if severity_name is not None else None,
        geometries=tuple(cast(GeometryType, k) for k in ordered) if len(ordered) > 1 else (),
        internal=_flag(path, where, entry, "internal"),
    )


def _flag(path: Path, where: str, entry: dict[str, Any], key: str) -> bool:
    value = entry.get(key, False)
    if not isinstance(value, bool):
        raise _problem(path, where, f"{key} ska vara true eller false",
                       f"{key} must be true or false")  # fmt: skip
    return value


def _style(path: Path, where: str, style: object) -> Style:
    if not isinstance(style, dict):
        raise _problem(
            path,
            where,
            'style saknas: { colour = "#RRGGBB", marker = "circle" }',
            'style is missing: { colour = "#RRGGBB", marker = "circle" }',
        )
    colour, marker = style.get("colour"), style.get("marker")
    if not isinstance(colour, str) or not _COLOUR.match(colour):
        raise _problem(
            path,
            where,
            f"färgen {colour!r} ska skrivas #RRGGBB",
            f"colour {colour!r} must be written #RRGGBB",
        )
    if marker not in MARKERS:
        raise _problem(
            path,
            where,
            f"symbolen {marker!r} ska vara en av {', '.join(MARKERS)}",
            f"marker {marker!r} must be one of {', '.join(MARKERS)}",
        )
    return Style(colour=colour.upper(), marker=cast(str, marker))


def _field_from_entry(path: Path, where: str, entry: object, reserved: frozenset[str]) -> FieldSpec:
    if not isinstance(entry, dict):
        raise _problem(path, where, "ska vara en tabell", "must be a table")
    name = _name(path, where, entry.get("name"))
    where = f"{where.rsplit(',', 1)[0]}, field {name!r}"
    if name in reserved:
        raise _problem(
            path,
            where,
            "namnet är reserverat för gemensamma fält",
            "the name is reserved for the fields every observation has",
        )
    field_type = entry.get("type")
    if field_type not in FIELD_TYPES:
        raise _problem(
            path,
            where,
            f"typen {field_type!r} ska vara en av {', '.join(FIELD_TYPES)}",
            f"type {field_type!r} must be one of {', '.join(FIELD_TYPES)}",
        )
    if "values" in entry and field_type not in ("text", "integer"):
        raise _problem(
            path, where, "bara text- och heltalsfält kan ha values",
            "only text and integer fields can have values",
        )  # fmt: skip
    value_type = str if field_type == "text" else int
    values = (
        _allowed_values(path, where, entry["values"], value_type=value_type)
        if "values" in entry
        else ()
    )
    required = entry.get("required", False)
    if not isinstance(required, bool):
        raise _problem(
            path, where, f"required ska vara true eller false, inte {required!r}",
            f"required must be true or false, not {required!r}",
        )  # fmt: skip
    minimum, maximum = entry.get("min"), entry.get("max")
    for bound in (minimum, maximum):
        if bound is not None and (not isinstance(bound, int | float) or isinstance(bound, bool)):
            raise _problem(path, where, "min och max ska vara tal", "min and max must be numbers")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise _problem(path, where, "min är större än max", "min is greater than max")
    return FieldSpec(
        name=name,
        title=_text(path, where, entry, "title"),
        type=cast(FieldType, field_type),
        required=required,
        unit=entry.get("unit"),
        minimum=minimum,
        maximum=maximum,
        values=values,
    )


def _allowed_values(
    path: Path, where: str, raw: object, *, value_type: type = object
) -> tuple[AllowedValue, ...]:
    if not isinstance(raw, list) or not raw:
        raise _problem(
            path, where, "values/levels ska vara en lista av { value, sv, en }",
            "values/levels must be a list of { value, sv, en }",
        )  # fmt: skip
    values = []
    for item in raw:
        if not isinstance(item, dict) or not isinstance(item.get("value"), str | int):
            raise _problem(
                path, where, f"ogiltigt värde {item!r}; skriv {{ value, sv, en }}",
                f"invalid value {item!r}; write {{ value, sv, en }}",
            )  # fmt: skip
        value: str | int = item["value"]
        if not isinstance(value, value_type) or isinstance(value, bool):
            kind = "text" if value_type is str else "ett heltal"
            kind_en = "text" if value_type is str else "a whole number"
            raise _problem(
                path, where, f"värdet {value!r} ska vara {kind} som fältet",
                f"value {value!r} must be {kind_en}, like the field",
            )  # fmt: skip
        values.append(AllowedValue(value, _text(path, where, {f"value {value!r}": item},
                                                f"value {value!r}")))  # fmt: skip
    if len({v.value for v in values}) != len(values):
        raise _problem(path, where, "ett värde förekommer två gånger", "a value is listed twice")
    return tuple(values)
