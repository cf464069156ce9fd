"""QGIS styles (QML) for the catalog's layers, stored in a GeoPackage's ``layer_styles`` table."""

from __future__ import annotations

from xml.sax.saxutils import quoteattr

from layers.catalog import LayerSpec

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


_QGIS_TYPES = {"Point": "Point", "LineString": "Line", "Polygon": "Polygon"}
"""The names QGIS' ``geometry_type()`` gives the catalog's geometry kinds."""


def _mixed_qml(spec: LayerSpec) -> str:
    """Return a rule-based QML style: per geometry kind its own symbol, in the category's colour."""
    red_green_blue = _rgba(spec.style.colour).rsplit(",", 1)[0]
    symbols = {
        "Point": ("marker", _marker_layer(spec.style.colour, spec.style.marker, size_mm=4)),
        "LineString": ("line", _line_layer(spec.style.colour, width_mm=1.2, dashed=False)),
        "Polygon": ("fill", _fill_layer(spec.style.colour, f"{red_green_blue},80", 0.8)),
    }
    filters = {kind: f"geometry_type($geometry) = '{qgis}'" for kind, qgis in _QGIS_TYPES.items()}
    rules = "".join(
        f'<rule key="{kind}" symbol="{i}" filter={quoteattr(filters[kind])}/>'
        for i, kind in enumerate(spec.accepts)
    )
    drawn = "".join(
        _symbol(symbols[kind][0], str(i), symbols[kind][1]) for i, kind in enumerate(spec.accepts)
    )
    return (
        f'{_HEADER}<qgis version="3.22.0" styleCategories="Symbology|Labeling" labelsEnabled="1">'
        '<renderer-v2 type="RuleRenderer" symbollevels="0" enableorderby="0" forceraster="0">'
        f'<rules key="root">{rules}</rules><symbols>{drawn}</symbols></renderer-v2>'
        f"{_NUMBER_LABELS}</qgis>"
    )


def category_qml(spec: LayerSpec) -> str:
    """Return a QML style for a category layer: its marker, colour and numbered labels.

    A category that takes several kinds of geometry gets a symbol per kind.
    """
    if len(spec.accepts) > 1:
        return _mixed_qml(spec)
    if spec.geometry == "Point":
        return marker_qml(spec.style.colour, spec.style.marker, size_mm=4, labels=_NUMBER_LABELS)
    if spec.geometry == "LineString":
        return line_qml(spec.style.colour, width_mm=1.2)
    return polygon_qml(spec.style.colour, fill_alpha=80)


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


def line_qml(colour: str, *, width_mm: float, dashed: bool = False) -> str:
    """Return a QML style for a line layer."""
    return _document("line", _line_layer(colour, width_mm=width_mm, dashed=dashed))


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


def polygon_qml(colour: str, *, fill_alpha: int = 0, outline_width_mm: float = 0.8) -> str:
    """Return a QML style for a polygon layer (``fill_alpha`` 0 draws the outline only)."""
    red_green_blue = _rgba(colour).rsplit(",", 1)[0]
    fill = f"{red_green_blue},{fill_alpha}" if fill_alpha else ""
    return _document("fill", _fill_layer(colour, fill, outline_width_mm))


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
