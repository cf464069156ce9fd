"""Exceptions raised by the spatial toolkit."""

from __future__ import annotations

from gis.i18n import LocalizedError, Text


class GisError(LocalizedError):
    """Base class of every error from ``gis``."""


class UnknownCRSError(GisError):
    """A coordinate reference system that cannot be identified."""

    template = Text(
        sv=(
            "Okänt koordinatsystem {crs!r}. Ange en EPSG-kod, t.ex. EPSG:4326 (GPS, WGS 84), "
            "EPSG:3006 (SWEREF 99 TM) eller EPSG:3011 (SWEREF 99 18 00)."
        ),
        en=(
            "Unknown coordinate reference system {crs!r}. Give an EPSG code, e.g. EPSG:4326 "
            "(GPS, WGS 84), EPSG:3006 (SWEREF 99 TM) or EPSG:3011 (SWEREF 99 18 00)."
        ),
    )


class MissingCRSError(GisError):
    """Data without a CRS whose CRS could not be inferred from its coordinates."""

    template = Text(
        sv=(
            "Filen {path} saknar koordinatsystem och det gick inte att avgöra vilket "
            "koordinaterna är i. Ange det, t.ex. --crs EPSG:3006, eller sätt det i QGIS "
            "(Lager › Ange lagrets koordinatsystem)."
        ),
        en=(
            "The file {path} has no coordinate reference system and it could not be inferred "
            "from its coordinates. Give it, e.g. --crs EPSG:3006, or set it in QGIS "
            "(Layer › Set CRS of Layer)."
        ),
    )


class GeometryBlobError(GisError):
    """Bytes stored as a geometry that are not a GeoPackage geometry blob."""

    template = Text(
        sv="Ogiltig GeoPackage-geometri: {reason}.",
        en="Invalid GeoPackage geometry: {reason}.",
    )


class UnreadableFileError(GisError):
    """A file that cannot be opened or read (missing, a folder, no permission)."""

    template = Text(
        sv="Filen {path} kunde inte läsas: {reason}.",
        en="The file {path} could not be read: {reason}.",
    )


class VectorFileError(GisError):
    """A vector file that cannot be read or holds unusable geometry."""


class AnalysisInputError(GisError):
    """An analysis given a value it cannot work with: a radius ≤ 0, lamps that are not x/y pairs.

    The template is the radius's message; other inputs raise it with their own ``Text``.
    """

    template = Text(
        sv=(
            "Ogiltig radie {radius_m!r} m: radien måste vara ett ändligt tal större än 0, "
            "t.ex. 25 (meter, SWEREF 99 TM)."
        ),
        en=(
            "Invalid radius {radius_m!r} m: the radius must be a finite number greater than 0, "
            "e.g. 25 (metres, SWEREF 99 TM)."
        ),
    )
