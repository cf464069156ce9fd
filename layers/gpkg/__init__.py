"""The GeoPackage backend: a workspace folder with one GeoPackage file per area."""

from layers.gpkg.folder import WORKSPACE_CATALOG, WORKSPACE_MARKER
from layers.gpkg.store import GeoPackageStore

__all__ = ["WORKSPACE_CATALOG", "WORKSPACE_MARKER", "GeoPackageStore"]
