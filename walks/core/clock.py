"""The district's clock: Swedish local time, and what "today" is there."""

from __future__ import annotations

from datetime import date, datetime
from typing import Final
from zoneinfo import ZoneInfo

LOCAL_TIME: Final = ZoneInfo("Europe/Stockholm")
"""Times are shown, and dates decided, in Stockholm time."""


def stockholm_today() -> date:
    """Return today's date in Stockholm: what "overdue" is measured against."""
    return datetime.now(LOCAL_TIME).date()
