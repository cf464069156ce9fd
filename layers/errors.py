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

    field: str | None = None
    """The field whose value was refused, when one was (set by ``coerce_value``)."""


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


def area_exists_error(slug: str) -> StoreError:
    """Return the error for adding an area whose id is taken."""
    return StoreError(
        Text(
            sv=f"Området {slug!r} finns redan i arbetsytan.",
            en=f"The area {slug!r} already exists in the workspace.",
        )
    )


def duplicate_uuid_error(layer: str, uuid: object) -> FeatureValidationError:
    """Return the error for a feature whose UUID its layer already holds."""
    return FeatureValidationError(
        Text(
            sv=f"Lagret {layer!r} har redan ett objekt med uuid {uuid!r}; utelämna uuid så "
            "skapas ett nytt.",
            en=f"Layer {layer!r} already has a feature with uuid {uuid!r}; leave uuid out and a "
            "new one is made.",
        )
    )


def no_such_feature_error(layer: str, uuid: str) -> StoreError:
    """Return the error for a feature that is not (or no longer) in ``layer``."""
    return StoreError(
        Text(
            sv=f"Lagret {layer!r} har inget objekt {uuid}: det kan ha tagits bort.",
            en=f"Layer {layer!r} has no feature {uuid}: it may have been removed.",
        )
    )


def no_such_photo_error(uuid: str) -> StoreError:
    """Return the error for a photo that is not (or no longer) stored."""
    return StoreError(
        Text(
            sv=f"Fotot {uuid} finns inte: det kan ha tagits bort.",
            en=f"The photo {uuid} is not stored: it may have been removed.",
        )
    )
