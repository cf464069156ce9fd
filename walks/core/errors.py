"""Exceptions raised by the safety-walk use cases."""

from __future__ import annotations

from gis.i18n import LocalizedError, Text


class WalkError(LocalizedError):
    """Base class of every error from ``walks``."""


class PositionError(WalkError):
    """A position that cannot be right: outside every area, swapped, or not a coordinate."""


class LatLonSwappedError(PositionError):
    """Latitude and longitude (or northing and easting) given in the wrong order."""

    template = Text(
        sv=(
            "Positionen ({x}, {y}) ligger inte i något område, men med koordinaterna i omvänd "
            "ordning hamnar den i {area}. Latitud och longitud verkar vara förväxlade: "
            "ange longitud (öst, t.ex. 17.84) som --lon och latitud (nord, t.ex. 59.36) som --lat."
        ),
        en=(
            "The position ({x}, {y}) is in no area, but with the coordinates the other way round "
            "it falls in {area}. Latitude and longitude look swapped: give longitude (east, e.g. "
            "17.84) as --lon and latitude (north, e.g. 59.36) as --lat."
        ),
    )


class OutsideAreasError(PositionError):
    """A position outside every area of the workspace."""

    template = Text(
        sv="Positionen ({x}, {y}) ligger utanför alla områden; närmast är {area}, {distance} bort.",
        en="The position ({x}, {y}) is outside every area; the nearest is {area}, {distance} away.",
    )


class OutsideGivenAreaError(PositionError):
    """A position outside the area the user named."""

    template = Text(
        sv="Positionen ligger {distance} utanför {area}.{hint}",
        en="The position lies {distance} outside {area}.{hint}",
    )


class AreaInputError(WalkError):
    """A new area's file or name that cannot be used."""


class ConfigError(WalkError):
    """A setting (environment variable or option) whose value cannot be used."""
