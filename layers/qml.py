"""QGIS styles (QML) for the catalog's layers, stored in a GeoPackage's ``layer_styles`` table."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from layers.catalog import GeometryType, LayerSpec

_HEADER = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"


def _rgba(colour: str) -> str:
    red, green, blue = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"{red},{green},{blue},255"


def _options(**values: str) -> str:
    return "".join(
        f'<Option type="QString" name="{name}" value={quoteattr(value)}/>'
        for name, value in values.items()
    )


def _symbol_layer(kind: str, **values: str) -> str:
    props = "".join(f"<prop k={quoteattr(k)} v={quoteattr(v)}/>" for k, v in values.items())
    return (
        f'<layer class="{kind}" enabled="1" pass="0" locked="0">'
        f'<Option type="Map">{_options(**values)}</Option>{props}</layer>'
    )


def _document(symbol_type: str, symbol_layer: str, labels: str = "") -> str:
    return (
        f'{_HEADER}<qgis version="3.22.0" styleCategories="Symbology|Labeling" '
        f'labelsEnabled="{1 if labels else 0}">'
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<symbols>{_symbol(symbol_type, '0', symbol_layer)}</symbols></renderer-v2>{labels}</qgis>"
    )


_NUMBER_LABELS = (
    '<labeling type="simple"><settings calloutType="simple">'
    '<text-style fieldName="number" isExpression="0" fontSize="8" fontSizeUnit="Point" '
    'textColor="0,0,0,255" fontWeight="75" namedStyle="Bold">'
    '<text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" '
    'bufferColor="255,255,255,255"/></text-style>'
    '<placement placement="0" dist="1.2" distUnits="MM"/>'
    "</settings></labeling>"
)


def _symbol(symbol_type: str, name: str, symbol_layer: str) -> str:
    return (
        f'<symbol type="{symbol_type}" name="{name}" alpha="1" clip_to_extent="1" '
        f'force_rhr="0">{symbol_layer}</symbol>'
    )


def category_qml(spec: LayerSpec, kind: GeometryType | None = None) -> str:
    """Return a QML style for a category's table of ``kind`` (None: its main kind).

    Points get the category's marker, lines a line and areas a fill, all in the
    category's colour and labelled with their numbers.
    """
    colour = spec.style.colour
    match kind or spec.geometry:
        case "Point":
            return marker_qml(colour, spec.style.marker, size_mm=4, labels=_NUMBER_LABELS)
        case "LineString":
            return line_qml(colour, width_mm=1.2, labels=_NUMBER_LABELS)
        case _:
            return polygon_qml(colour, fill_alpha=80, labels=_NUMBER_LABELS)


def marker_qml(colour: str, marker: str, *, size_mm: float, labels: str = "") -> str:
    """Return a QML style for a point layer: one marker shape and fill colour."""
    return _document("marker", _marker_layer(colour, marker, size_mm=size_mm), labels)


def _marker_layer(colour: str, marker: str, *, size_mm: float) -> str:
    return _symbol_layer(
        "SimpleMarker",
        name=marker,
        color=_rgba(colour),
        outline_color="0,0,0,255",
        outline_style="solid",
        outline_width="0.4",
        outline_width_unit="MM",
        size=f"{size_mm:g}",
        size_unit="MM",
        angle="0",
        joinstyle="miter",
        scale_method="diameter",
        horizontal_anchor_point="1",
        vertical_anchor_point="1",
    )


def line_qml(colour: str, *, width_mm: float, dashed: bool = False, labels: str = "") -> str:
    """Return a QML style for a line layer."""
    return _document("line", _line_layer(colour, width_mm=width_mm, dashed=dashed), labels)


def _line_layer(colour: str, *, width_mm: float, dashed: bool) -> str:
    return _symbol_layer(
        "SimpleLine",
        line_color=_rgba(colour),
        line_width=str(width_mm),
        line_width_unit="MM",
        line_style="dash" if dashed else "solid",
        capstyle="round",
        joinstyle="round",
    )


def polygon_qml(
    colour: str, *, fill_alpha: int = 0, outline_width_mm: float = 0.8, labels: str = ""
) -> str:
    """Return a QML style for a polygon layer (``fill_alpha`` 0 draws the outline only)."""
    red_green_blue = _rgba(colour).rsplit(",", 1)[0]
    fill = f"{red_green_blue},{fill_alpha}" if fill_alpha else ""
    return _document("fill", _fill_layer(colour, fill, outline_width_mm), labels)


def _fill_layer(colour: str, fill: str, outline_width_mm: float) -> str:
    """Return a fill symbol layer: ``fill`` as r,g,b,a, or empty for the outline only."""
    return _symbol_layer(
        "SimpleFill",
        color=fill or f"{_rgba(colour).rsplit(',', 1)[0]},0",
        style="solid" if fill else "no",
        outline_color=_rgba(colour),
        outline_style="solid",
        outline_width=str(outline_width_mm),
        outline_width_unit="MM",
        joinstyle="round",
    )


def _name_labels(placement: int) -> str:
    """Return labels of a feature's ``name``: grey text with a white halo (2: along lines)."""
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        '<text-style fieldName="name" isExpression="0" fontSize="7" fontSizeUnit="Point" '
        'textColor="80,80,80,255" fontItalic="1">'
        '<text-buffer bufferDraw="1" bufferSize="0.7" bufferSizeUnits="MM" '
        'bufferColor="255,255,255,255"/></text-style>'
        f'<placement placement="{placement}" placementFlags="10" dist="0.5" distUnits="MM" '
        'repeatDistance="0"/>'
        '<rendering scaleVisibility="1" scaleMin="1" scaleMax="15000" obstacle="1"/>'
        "</settings></labeling>"
    )


def streets_qml(path_types: tuple[str, ...]) -> str:
    """Return the QML style of the streets: grey lines, paths thinner and dashed, named.

    A street is a path when its ``type`` holds one of ``path_types`` (any case); streets
    are labelled with their names along them, from 1:15 000 in.
    """
    # Plain words only: a backslash would be taken by QGIS' string literal, not the regex.
    pattern = "|".join(word for word in path_types if re.fullmatch(r"[\w/ -]+", word))
    is_path = f"regexp_match(lower(coalesce(\"type\", '')), '{pattern}') > 0"
    street = _symbol("line", "0", _line_layer("#8C8C8C", width_mm=0.6, dashed=False))
    path = _symbol("line", "1", _line_layer("#8C8C8C", width_mm=0.3, dashed=True))
    return (
        f'{_HEADER}<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="1">'
        '<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
        '<rules key="{streets}">'
        f'<rule key="{{path}}" symbol="1" label="path" filter={quoteattr(is_path)}/>'
        '<rule key="{street}" symbol="0" label="street" filter="ELSE"/>'
        f"</rules><symbols>{street}{path}</symbols></renderer-v2>{_name_labels(2)}</qgis>"
    )


def buildings_qml() -> str:
    """Return the QML style of the buildings: light grey areas with a grey outline."""
    fill = _fill_layer("#A6A6A6", "221,221,221,255", 0.2)
    return _document("fill", fill)
