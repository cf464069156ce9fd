"""Planning a walk: sun times at the area for a date, and a suggested start in darkness."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from gis.crs import to_wgs84
from gis.sun import CIVIL_TWILIGHT_DEG, SunTimes, sun_elevation_deg, sun_times
from layers.store import Area
from walks.model import LightCondition

LOCAL_TIME: Final = ZoneInfo("Europe/Stockholm")
SUNSET_DEG: Final = -0.833
"""The sun's centre at sunset, refraction and the sun's radius included."""


def light_condition(elevation_deg: float) -> LightCondition:
    """Return daylight above sunset, dusk in civil twilight, dark below it."""
    if elevation_deg > SUNSET_DEG:
        return LightCondition.DAYLIGHT
    if elevation_deg > -CIVIL_TWILIGHT_DEG:
        return LightCondition.DUSK
    return LightCondition.DARK


def light_condition_at(lon: float, lat: float, moment: datetime) -> LightCondition:
    """Return the light condition at a place (WGS 84) and a timezone-aware moment."""
    return light_condition(sun_elevation_deg(lon, lat, moment))


@dataclass(frozen=True, slots=True)
class WalkLight:
    """Sun times at an area on a date, and when a walk in darkness can start."""

    area: str
    day: date
    times: SunTimes
    suggested_start: datetime | None
    """The first quarter hour after civil dusk; None when it never gets dark (June nights)."""


def walk_light(area: Area, day: date) -> WalkLight:
    """Return the sun times at the centre of ``area`` on ``day``, in Swedish local time."""
    centre = to_wgs84(area.boundary.representative_point())
    times = sun_times(centre.x, centre.y, day, LOCAL_TIME)
    start = None
    if times.civil_dusk is not None:
        after = times.civil_dusk.replace(second=0, microsecond=0) + timedelta(minutes=1)
        start = after + timedelta(minutes=(-after.minute) % 15)
    return WalkLight(area.slug, day, times, start)
