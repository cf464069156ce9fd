"""Sun position and sun times for a place and date, computed locally (no network)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from astral import Observer
from astral.sun import dawn, dusk, elevation, sunrise, sunset

CIVIL_TWILIGHT_DEG = 6.0
"""The sun's depression below the horizon at civil dawn and dusk."""


@dataclass(frozen=True, slots=True)
class SunTimes:
    """Sunrise, sunset and civil twilight of one day; None when it does not happen that day."""

    civil_dawn: datetime | None
    sunrise: datetime | None
    sunset: datetime | None
    civil_dusk: datetime | None


def _or_none(compute: object, *args: object, **kwargs: object) -> datetime | None:
    try:
        result: datetime = compute(*args, **kwargs)  # type: ignore[operator]
    except ValueError:  # the sun never reaches that depression (white nights, polar day)
        return None
    return result


def sun_times(lon: float, lat: float, day: date, tz: tzinfo) -> SunTimes:
    """Return the sun times of ``day`` at ``lon``/``lat`` (WGS 84) in time zone ``tz``."""
    observer = Observer(latitude=lat, longitude=lon)
    return SunTimes(
        civil_dawn=_or_none(dawn, observer, day, depression=CIVIL_TWILIGHT_DEG, tzinfo=tz),
        sunrise=_or_none(sunrise, observer, day, tzinfo=tz),
        sunset=_or_none(sunset, observer, day, tzinfo=tz),
        civil_dusk=_or_none(dusk, observer, day, depression=CIVIL_TWILIGHT_DEG, tzinfo=tz),
    )


def sun_elevation_deg(lon: float, lat: float, moment: datetime) -> float:
    """Return the sun's elevation above the horizon in degrees (refraction included).

    ``moment`` must be timezone-aware.
    """
    if moment.tzinfo is None:
        msg = "moment must be timezone-aware"
        raise ValueError(msg)
    return float(elevation(Observer(latitude=lat, longitude=lon), moment))
