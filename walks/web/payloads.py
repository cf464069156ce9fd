"""What the HTTP API answers, as JSON-ready dicts: the catalog, areas, walks, observations.

Positions go out in WGS 84 (GeoJSON's system), times as ISO 8601 with their offset.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Final

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import mapping

from gis.crs import SWEREF99_TM, WGS84, to_wgs84
from gis.i18n import Text
from layers.catalog import FieldSpec, LayerSpec
from layers.store import Area
from walks.core.config import Settings
from walks.core.model import Observation, Walk
from walks.exchange.exporting import iso_times
from walks.fieldwork.recording import PossibleDuplicate

GEOMETRY_KINDS: Final = {"Point": "point", "LineString": "line", "Polygon": "area",
                         "MultiPolygon": "area"}  # fmt: skip
"""The catalog's geometry types as the API names them."""
BOUNDARY_TOLERANCE_M: Final = 1.0
"""Boundaries are simplified this much (metres) before they go to a phone."""


def _titles(text: Text) -> dict[str, str]:
    return {"sv": text.sv, "en": text.en}


def _field(field: FieldSpec) -> dict[str, object]:
    return {
        "name": field.name,
        "title": _titles(field.title),
        "type": field.type,
        "required": field.required,
        "unit": field.unit,
        "minimum": field.minimum,
        "maximum": field.maximum,
        "values": [{"value": v.value, "title": _titles(v.title)} for v in field.values],
    }


def _category(spec: LayerSpec) -> dict[str, object]:
    severity = spec.severity
    return {
        "name": spec.name,
        "title": _titles(spec.title),
        "description": _titles(spec.description),
        "geometries": sorted(
            {GEOMETRY_KINDS[kind] for kind in spec.accepts}, key=["point", "line", "area"].index
        ),
        "severity": None
        if severity is None
        else {"levels": [{"value": v.value, "title": _titles(v.title)} for v in severity.levels]},
        "fields": [_field(field) for field in spec.fields],
    }


def catalog_payload(categories: Sequence[LayerSpec], settings: Settings) -> dict[str, object]:
    """Return the categories a caller may register, and the settings a phone works by."""
    return {
        "categories": [_category(spec) for spec in categories],
        "settings": {
            "gps_accuracy_m": settings.gps_accuracy_m,
            "area_tolerance_m": settings.area_tolerance_m,
            "max_photo_bytes": settings.max_photo_bytes,
            "tiles_url": settings.tiles_url,
        },
    }


def areas_payload(areas: Sequence[Area]) -> dict[str, object]:
    """Return the areas as a GeoJSON FeatureCollection in WGS 84 (boundaries simplified)."""
    features = []
    for area in areas:
        boundary = to_wgs84(area.boundary.simplify(BOUNDARY_TOLERANCE_M))
        rounded = shapely.set_precision(boundary, 1e-6)
        features.append({
            "type": "Feature",
            "properties": {"slug": area.slug, "name": area.name},
            "geometry": mapping(rounded),
        })  # fmt: skip
    return {"type": "FeatureCollection", "features": features}


def walks_payload(walks: Sequence[Walk]) -> dict[str, object]:
    """Return walks, earliest first: area, number, title, start, kind, uuid."""
    ordered = sorted(walks, key=lambda w: (w.starts_at, w.area, w.number))
    return {
        "walks": [
            {"area": w.area, "number": w.number, "title": w.title,
             "start": w.starts_at.isoformat(), "kind": str(w.kind), "uuid": w.uuid}
            for w in ordered
        ]
    }  # fmt: skip


def delivered_payload(
    observation: Observation, duplicates: Sequence[PossibleDuplicate], warnings: Sequence[str]
) -> dict[str, object]:
    """Return the answer to an observation sent: where it was stored, under which number.

    ``duplicates``: open observations of its category nearby that were there before it.
    """
    return {
        "uuid": observation.uuid,
        "number": observation.number,
        "area": observation.area,
        "category": observation.category,
        "light_condition": str(observation.light_condition),
        "observed_at": observation.observed_at.isoformat(),
        "duplicates": [
            {"number": d.number, "distance_m": d.distance_m}
            for d in duplicates
            if d.number < observation.number
        ],
        "warnings": list(warnings),
    }


def observations_payload(frames: Sequence[gpd.GeoDataFrame]) -> dict[str, object]:
    """Return layers' features as one GeoJSON FeatureCollection in WGS 84.

    ``frames``: in EPSG:3006, with ``category`` and ``area`` columns. Each feature's id is
    its uuid; the values are those of the GeoJSON export (times in Stockholm time).
    """
    if not frames:
        return {"type": "FeatureCollection", "features": []}
    combined = gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=SWEREF99_TM)
    shown = iso_times(combined.drop(columns=["fid"], errors="ignore")).to_crs(WGS84)
    return dict(shown.set_index("uuid", drop=False).to_geo_dict(na="null"))
