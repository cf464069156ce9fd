"""Areas (områden): finding one by name, counting what each holds, adding one from a file."""

from __future__ import annotations

from pathlib import Path
from typing import Final

import shapely

from gis.i18n import Text
from gis.io import read_vector_file
from layers.errors import UnknownAreaError
from layers.schema import SYSTEM_LAYERS
from layers.store import Area
from walks.core.errors import AreaInputError
from walks.core.model import AreaSummary
from walks.core.workspace import Workspace, slug_from_name

SWEDEN_3006: Final = shapely.box(180_000, 6_100_000, 1_000_000, 7_700_000)
"""SWEREF 99 TM's extent over Sweden: where any area must lie."""
NEARBY_M: Final = 30_000.0
"""A new area further than this from every existing area is most likely in the wrong CRS."""


def find_area(workspace: Workspace, text: str) -> Area:
    """Return the area whose id or name (any case) is ``text``.

    Raises
    ------
    UnknownAreaError
        Listing the areas of the workspace.
    """
    areas = workspace.areas()
    wanted = text.strip().casefold()
    for area in areas:
        if wanted in (area.slug, area.name.casefold()) or slug_from_name(text) == area.slug:
            return area
    raise UnknownAreaError(name=text, valid=", ".join(a.name for a in areas) or "-")


def area_summaries(workspace: Workspace) -> list[AreaSummary]:
    """Return every area with its feature counts per layer."""
    summaries = []
    for area in workspace.areas():
        counts = workspace.store.feature_counts(area.slug)
        observations = sum(counts.get(name, 0) for name in workspace.catalog.names)
        summaries.append(AreaSummary(area.slug, area.name, area.is_demo, counts, observations))
    return summaries


def add_area_from_file(
    workspace: Workspace,
    name: str,
    path: Path,
    *,
    crs: str | None = None,
    dissolve: bool = False,
    actor: str,
    dry_run: bool = False,
) -> Area:
    """Add an area named ``name`` whose boundary is the polygon in ``path``.

    ``dry_run``: check everything, return the area, and store nothing.

    Raises
    ------
    AreaInputError
        The name is empty or taken, the file holds no polygon or several without
        ``dissolve``, the polygon is invalid, or it lies far from the other areas.
    gis.errors.GisError
        The file cannot be read or its CRS is unknown.
    """
    slug = slug_from_name(name)
    if not slug:
        raise AreaInputError(Text(sv="Ange ett namn på området.", en="Give the area a name."))
    if slug in SYSTEM_LAYERS or any(a.slug == slug for a in workspace.areas()):
        raise AreaInputError(
            Text(
                sv=f"Det finns redan ett område som heter {name!r} (id {slug}). "
                "Välj ett annat namn.",
                en=f"There is already an area called {name!r} (id {slug}). Choose another name.",
            )
        )
    areas = workspace.areas()
    extent = (
        shapely.union_all([a.boundary for a in areas]).buffer(NEARBY_M) if areas else SWEDEN_3006
    )
    frame = read_vector_file(path, crs=crs, expected_extent=extent)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    kinds = set(frame.geom_type)
    if not kinds or not kinds <= {"Polygon", "MultiPolygon"}:
        found = ", ".join(sorted(kinds))
        raise AreaInputError(
            Text(
                sv=f"Filen {path} ska innehålla en polygon, men har {found or 'ingen geometri'}.",
                en=f"The file {path} must hold a polygon, but has {found or 'no geometry'}.",
            )
        )
    if len(frame) > 1 and not dissolve:
        raise AreaInputError(
            Text(
                sv=f"Filen {path} har {len(frame)} polygoner. Lägg till --dissolve för att slå "
                "ihop dem till ett område, eller spara bara den polygon du vill ha.",
                en=f"The file {path} has {len(frame)} polygons. Add --dissolve to merge them into "
                "one area, or save only the polygon you want.",
            )
        )
    invalid = frame[~frame.geometry.is_valid]
    if len(invalid):
        reason = shapely.is_valid_reason(invalid.geometry.iloc[0])
        raise AreaInputError(
            Text(
                sv=f"Polygonen i {path} är ogiltig ({reason}). Rätta den, t.ex. med QGIS "
                "Vektor › Geometriverktyg › Reparera geometrier.",
                en=f"The polygon in {path} is invalid ({reason}). Fix it, e.g. with QGIS "
                "Vector › Geometry Tools › Fix Geometries.",
            )
        )
    boundary = shapely.union_all(frame.geometry.to_numpy())
    if not extent.intersects(boundary):
        raise AreaInputError(
            Text(
                sv=f"Polygonen i {path} ligger långt från arbetsytans områden. Kontrollera filens "
                "koordinatsystem (ange det med --crs).",
                en=f"The polygon in {path} lies far from the workspace's areas. Check the file's "
                "coordinate reference system (give it with --crs).",
            )
        )
    area = Area(slug=slug, name=name.strip(), boundary=boundary, source=f"file: {path.name}")
    if not dry_run:
        workspace.store.add_area(area, actor=actor)
    return area
