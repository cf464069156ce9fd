"""Opening a workspace for use: its store, and on first use the shipped areas and demo data."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Final

from shapely.geometry import shape

from gis.crs import WGS84, to_storage_crs
from layers.store import Area
from walks.core.config import Settings
from walks.core.workspace import Workspace, connect_workspace, slug_from_name
from walks.fieldwork.demo import load_demo
from walks.fieldwork.reference import add_shipped_references

log = logging.getLogger(__name__)

STOCKHOLM_SOURCE: Final = (
    "Stockholms stad, Stadskarta (öppna data, CC0), 2021-04-13; "
    "prepared by KTHHealthData/stockholm-stadsdelar"
)
SYSTEM_ACTOR: Final = "safewalk"


def open_workspace(settings: Settings) -> Workspace:
    """Open (creating if needed) the workspace of ``settings``.

    A workspace without areas is filled with the shipped stadsdelar, the OpenStreetMap
    reference points around Hässelby gård centrum and the demo data, unless
    ``settings.seed_new_workspace`` is false.

    Raises
    ------
    layers.errors.LayerError
        The catalog is broken or the workspace cannot be used (not writable, not a
        workspace folder, an address no backend takes).
    """
    workspace = connect_workspace(settings)
    if settings.seed_new_workspace and not workspace.store.areas():
        with workspace.store.exclusive():  # another process may be seeding right now
            if not workspace.store.areas():
                log.info("new workspace %s: adding the shipped areas and demo data",
                         workspace.store.location)  # fmt: skip
                add_shipped_areas(workspace)
                add_shipped_references(workspace, actor=SYSTEM_ACTOR)
                load_demo(workspace)
    return workspace


def shipped_areas(data_dir: Path) -> list[Area]:
    """Return the nine stadsdelar of Hässelby-Vällingby from ``data/`` in EPSG:3006."""
    document = json.loads((data_dir / "hv_stadsdelar.geojson").read_text(encoding="utf-8"))
    areas = []
    for feature in document["features"]:
        name = str(feature["properties"]["name"]).capitalize()
        areas.append(
            Area(
                slug=slug_from_name(name),
                name=name,
                boundary=to_storage_crs(shape(feature["geometry"]), WGS84),
                source=STOCKHOLM_SOURCE,
            )
        )
    return areas


def add_shipped_areas(workspace: Workspace) -> int:
    """Add every shipped area the workspace does not have yet; return how many were added."""
    existing = {area.slug for area in workspace.areas()}
    added = 0
    for area in shipped_areas(workspace.settings.data_dir):
        if area.slug not in existing:
            workspace.store.add_area(area, actor=SYSTEM_ACTOR)
            added += 1
    return added
