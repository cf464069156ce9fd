"""Sun times against published values for Stockholm (timeanddate.com / SMHI almanac figures)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from gis.sun import sun_elevation_deg, sun_times

STOCKHOLM = (18.0686, 59.3293)  # city centre, lon/lat
LOCAL = ZoneInfo("Europe/Stockholm")


def minutes(moment: datetime | None) -> int:
    assert moment is not None
    return moment.hour * 60 + moment.minute


@pytest.mark.parametrize(
    ("day", "sunrise", "sunset"),
    [
        (date(2025, 12, 21), "08:43", "14:48"),  # winter solstice
        (date(2026, 6, 21), "03:31", "22:08"),  # midsummer
    ],
)
def test_sunrise_and_sunset_match_published_values(day: date, sunrise: str, sunset: str) -> None:
    times = sun_times(*STOCKHOLM, day, LOCAL)
    for computed, published in ((times.sunrise, sunrise), (times.sunset, sunset)):
        hours, mins = map(int, published.split(":"))
        assert abs(minutes(computed) - (hours * 60 + mins)) <= 2


def test_civil_dusk_follows_sunset_by_about_an_hour_in_december() -> None:
    times = sun_times(*STOCKHOLM, date(2025, 12, 21), LOCAL)
    gap = minutes(times.civil_dusk) - minutes(times.sunset)
    assert 50 <= gap <= 65


def test_white_nights_have_no_civil_dusk_far_north() -> None:
    kiruna = (20.2253, 67.8558)
    times = sun_times(*kiruna, date(2026, 6, 21), LOCAL)
    assert times.sunset is None
    assert times.civil_dusk is None


def test_elevation_is_high_at_midsummer_noon_and_below_the_horizon_at_night() -> None:
    assert sun_elevation_deg(*STOCKHOLM, datetime(2026, 6, 21, 13, 0, tzinfo=LOCAL)) > 50
    assert sun_elevation_deg(*STOCKHOLM, datetime(2026, 11, 26, 20, 0, tzinfo=LOCAL)) < -18
    with pytest.raises(ValueError, match="timezone-aware"):
        sun_elevation_deg(*STOCKHOLM, datetime(2026, 6, 21, 13, 0))
