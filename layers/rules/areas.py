"""Area ids and boundaries: what an area row holds, alike in every backend."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Final

from shapely.geometry import MultiPolygon

from gis.i18n import Text
from layers.errors import (
    FeatureValidationError,
    StoreError,
)
from layers.records import Area

SLUG: Final = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$")


"""An area id: lower-case ASCII letters, digits and hyphens (file and schema safe)."""


def check_slug(slug: str) -> str:
    """Return ``slug`` if it is a valid area id, else raise ``StoreError`` saying what is."""
    if not SLUG.match(slug):
        raise StoreError(
            Text(
                sv=f"Ogiltigt område-id {slug!r}: använd a–z, 0–9 och bindestreck.",
                en=f"Invalid area id {slug!r}: use a–z, 0–9 and hyphens.",
            )
        )
    return slug


def area_boundary(area: Area) -> MultiPolygon:
    """Return an area's boundary as the MultiPolygon every backend stores."""
    boundary = area.boundary
    if isinstance(boundary, MultiPolygon):
        return boundary
    if boundary.geom_type == "Polygon":
        return MultiPolygon([boundary])
    raise FeatureValidationError(
        Text(
            sv=f"Områdesgränsen ska vara en polygon, inte {boundary.geom_type}.",
            en=f"The area boundary must be a polygon, not {boundary.geom_type}.",
        )
    )


def area_values(area: Area, created_at: datetime) -> dict[str, object]:
    """Return the values of an area's boundary row."""
    return {
        "slug": area.slug,
        "name": area.name,
        "source": area.source,
        "is_demo": area.is_demo,
        "created_at": created_at,
    }
