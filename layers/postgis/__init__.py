"""The PostGIS store: a workspace in a PostgreSQL database, one schema per area."""

from layers.postgis.store import PostgisStore

__all__ = ["PostgisStore"]
