"""Opening a workspace: its catalog, its store, and filling a new one with the shipped areas."""

from __future__ import annotations

import json
import logging
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from shapely.geometry import shape

from gis.crs import WGS84, to_storage_crs
from layers.catalog import Catalog
from layers.schema import load_layer_catalog
from layers.store import Area, Store, open_store
from walks.config import Settings

log = logging.getLogger(__name__)

WORKSPACE_CATALOG: Final = "catalog.toml"
STOCKHOLM_SOURCE: Final = (
    "Stockholms stad, Stadskarta (öppna data, CC0), 2021-04-13; "
    "prepared by KTHHealthData/stockholm-stadsdelar"
)
SYSTEM_ACTOR: Final = "safewalk"


@dataclass(frozen=True, slots=True)
class Workspace:
    """An open workspace: settings, catalog and store, passed to every use case."""

    settings: Settings
    catalog: Catalog
    store: Store

    def areas(self) -> list[Area]:
        """Return every area, sorted by name."""
        return self.store.areas()


def slug_from_name(name: str) -> str:
    """Return a file-safe id for an area name: ``"Hässelby gård"`` → ``"hasselby-gard"``."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)[:63]


def open_workspace(settings: Settings) -> Workspace:
    """Open (creating if needed) the workspace of ``settings``.

    A workspace without areas is filled with the shipped stadsdelar and the demo data
    unless ``settings.seed_new_workspace`` is false.

    Raises
    ------
    layers.errors.LayerError
        The catalog is broken or the workspace cannot be used (not writable, not a
        workspace folder).
    """
    catalog_path = settings.catalog
    if catalog_path is None and (settings.workspace / WORKSPACE_CATALOG).is_file():
        catalog_path = settings.workspace / WORKSPACE_CATALOG
    catalog = load_layer_catalog(catalog_path) if catalog_path else load_layer_catalog()
    workspace = Workspace(settings, catalog, open_store(settings.workspace, catalog))
    if settings.seed_new_workspace and not workspace.store.areas():
        from walks.demo import load_demo

        with workspace.store.exclusive():  # another process may be seeding right now
            if not workspace.store.areas():
                log.info(
                    "new workspace %s: adding the shipped areas and demo data", settings.workspace
                )
                add_shipped_areas(workspace)
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
