"""Exceptions raised by the layer catalog, feature validation and the stores."""

from __future__ import annotations

from gis.i18n import LocalizedError, Text


class LayerError(LocalizedError):
    """Base class of every error from ``layers``."""


class CatalogError(LayerError):
    """The catalog file is missing, not TOML, or has an entry that does not make sense."""


class UnknownLayerError(LayerError):
    """A layer or category name that the catalog does not have."""

    template = Text(
        sv="Okänd kategori {name!r}. Giltiga kategorier: {valid}.",
        en="Unknown category {name!r}. Valid categories: {valid}.",
    )


class FeatureValidationError(LayerError):
    """A feature value that does not fit its layer's field specification."""


class StoreError(LayerError):
    """A store that cannot be opened or written."""


class StoredValueError(LayerError):
    """A stored value that cannot be read back (written by another program, or damaged)."""


class UnknownAreaError(LayerError):
    """An area name or id that the store does not have."""

    template = Text(
        sv="Okänt område {name!r}. Områden i arbetsytan: {valid}.",
        en="Unknown area {name!r}. Areas in the workspace: {valid}.",
    )
