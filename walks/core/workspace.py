"""A workspace: the settings and the store every use case is given."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from layers.catalog import Catalog
from layers.schema import load_layer_catalog
from layers.store import Area, Store, open_store
from walks.core.config import Settings
from walks.core.roles import Account


@dataclass(frozen=True, slots=True)
class Workspace:
    """An open workspace: settings and store, passed to every use case."""

    settings: Settings
    store: Store
    account: Account | None = None
    """Who works in it; None: the embedded single-user set-up, where all is allowed."""

    @property
    def catalog(self) -> Catalog:
        """The layer catalog the store was opened with."""
        return self.store.catalog

    def areas(self) -> list[Area]:
        """Return every area, sorted by name."""
        return self.store.areas()


def slug_from_name(name: str) -> str:
    """Return a file-safe id for an area name: ``"Hässelby gård"`` → ``"hasselby-gard"``."""
    ascii_text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = "".join(c if c.isalnum() else " " for c in ascii_text.lower()).split()
    return "-".join(words)[:63]


def connect_workspace(settings: Settings) -> Workspace:
    """Open the store of ``settings`` as it is, adding nothing (see ``walks.fieldwork.startup``).

    Raises
    ------
    layers.errors.LayerError
        The catalog is broken or the store cannot be used.
    """
    catalog = load_layer_catalog(settings.catalog) if settings.catalog else None
    return Workspace(settings, open_store(settings.store_url, catalog=catalog))
