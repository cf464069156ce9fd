"""The district's clock: Swedish local time, what "today" is there, and the present moment."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Final
from zoneinfo import ZoneInfo

LOCAL_TIME: Final = ZoneInfo("Europe/Stockholm")
"""Times are shown, and dates decided, in Stockholm time."""


def stockholm_today() -> date:
    """Return today's date in Stockholm: what "overdue" is measured against."""
    return datetime.now(LOCAL_TIME).date()


def utc_now() -> datetime:
    """Return the present moment in UTC: what retention counts from (tests set it here)."""
    return datetime.now(UTC)
