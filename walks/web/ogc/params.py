"""What a request to the feature service asks for: its query parameters, checked.

Every refusal is an ``ApiError`` with status 400, the parameter it is about and what a
right value looks like, in both languages; nothing is read before all are checked.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Final
from zoneinfo import ZoneInfo

from starlette.datastructures import QueryParams

from gis.crs import SWEREF99_TM, WGS84, area_of_use, bounds_to_crs
from gis.i18n import Text
from walks.web.bodies import ApiError

CRS84: Final = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG_3006: Final = "http://www.opengis.net/def/crs/EPSG/0/3006"
SERVED_CRS: Final = (CRS84, EPSG_3006)
"""The coordinate systems features are served in (OGC API – Features Part 2), by URI."""
CRS_NAMES: Final = {
    CRS84: CRS84, "OGC:CRS84": CRS84, "CRS84": CRS84, "[OGC:CRS84]": CRS84,
    "urn:ogc:def:crs:OGC:1.3:CRS84": CRS84, "http://www.opengis.net/def/crs/OGC/0/CRS84": CRS84,
    EPSG_3006: EPSG_3006, "EPSG:3006": EPSG_3006, "[EPSG:3006]": EPSG_3006,
    "urn:ogc:def:crs:EPSG::3006": EPSG_3006,
}  # fmt: skip
"""Names a client may give them by: the URIs, and the short forms people type."""
DEFAULT_LIMIT: Final = 10
MAX_LIMIT: Final = 10_000
"""The most features one page holds; a larger ``limit`` is served this many."""
LOCAL: Final = ZoneInfo("Europe/Stockholm")
"""A day given without a time is a day in Swedish time."""
OPEN: Final = frozenset({"..", ""})
"""An open end of a ``datetime`` interval."""
COMMON: Final = frozenset({"f", "lang"})
"""Parameters every document takes."""
ITEMS: Final = frozenset({"limit", "bbox", "bbox-crs", "datetime", "crs", "after"})
"""Parameters of a collection's items (besides ``COMMON``)."""
ITEM: Final = frozenset({"crs"})
"""Parameters of one feature (besides ``COMMON``)."""


def refused(*, parameter: str, sv: str, en: str) -> ApiError:
    """Return the refusal of a parameter's value."""
    return ApiError(400, Text(sv=sv, en=en), parameter)


def check_names(params: QueryParams, allowed: Iterable[str]) -> None:
    """Refuse a parameter the request does not take, naming the ones it does."""
    known = COMMON | frozenset(allowed)
    for name in params:
        if name not in known:
            listed = ", ".join(sorted(known))
            raise refused(
                parameter=name,
                sv=f"Okänd parameter {name!r}; här gäller {listed}.",
                en=f"Unknown parameter {name!r}; this takes {listed}.",
            )
    for name in known:
        if len(params.getlist(name)) > 1:
            raise refused(parameter=name, sv=f"Ange {name} en gång.", en=f"Give {name} once.")


def check_format(params: QueryParams, *, geojson: bool = False) -> None:
    """Refuse an ``f`` other than JSON (GeoJSON for features): no other format is served."""
    wanted = params.get("f")
    if wanted is None or wanted == "json" or (geojson and wanted == "geojson"):
        return
    served = "json, geojson" if geojson else "json"
    raise refused(
        parameter="f",
        sv=f"Formatet {wanted!r} finns inte; tjänsten svarar med f={served}.",
        en=f"No format {wanted!r}; the service answers with f={served}.",
    )


def language(params: QueryParams, preferred: str) -> str:
    """Return ``lang`` (sv or en) if given, else ``preferred`` (the Accept-Language one)."""
    wanted = params.get("lang")
    if wanted is None:
        return preferred
    if wanted not in ("sv", "en"):
        raise refused(parameter="lang", sv="lang är sv eller en.", en="lang is sv or en.")
    return wanted


def served_crs(params: QueryParams, name: str = "crs") -> str:
    """Return the URI of the coordinate system ``name`` asks for (CRS84 if none)."""
    given = params.get(name)
    if given is None:
        return CRS84
    found = CRS_NAMES.get(given.strip().strip("<>"))
    if found is None:
        listed = ", ".join(SERVED_CRS)
        raise refused(
            parameter=name,
            sv=f"{name}={given!r} serveras inte; välj {listed}.",
            en=f"{name}={given!r} is not served; choose {listed}.",
        )
    return found


def limit(params: QueryParams) -> int:
    """Return how many features a page may hold: ``limit``, at most ``MAX_LIMIT``."""
    given = params.get("limit")
    if given is None:
        return DEFAULT_LIMIT
    if not given.isdigit() or int(given) < 1:
        raise refused(
            parameter="limit",
            sv=f"limit={given!r} ska vara ett heltal från 1 (högst {MAX_LIMIT} serveras).",
            en=f"limit={given!r} must be a whole number from 1 ({MAX_LIMIT} at most are served).",
        )
    return min(int(given), MAX_LIMIT)


def after(params: QueryParams) -> int | None:
    """Return the feature id a page begins after (from a ``next`` link), or None."""
    given = params.get("after")
    if given is None:
        return None
    if not given.isdigit():
        raise refused(
            parameter="after",
            sv=f"after={given!r} ska vara ett objekts id; följ länken next.",
            en=f"after={given!r} must be a feature's id; follow the next link.",
        )
    return int(given)


@dataclass(frozen=True, slots=True)
class Box:
    """A ``bbox`` in SWEREF 99 TM; ``empty`` when it lies where no feature can be."""

    bounds: tuple[float, float, float, float]
    empty: bool = False


def box(params: QueryParams) -> Box | None:
    """Return ``bbox`` (in ``bbox-crs``, CRS84 if none) as a box in SWEREF 99 TM, or None.

    Four numbers, lower corner first, in the system's own axis order: longitude, latitude
    for CRS84; northing, easting for EPSG:3006. Six (with heights) are taken, the heights
    left out.
    """
    given = params.get("bbox")
    if given is None:
        return None
    system = served_crs(params, "bbox-crs")
    example = "17.80,59.33,17.90,59.38" if system == CRS84 else "6580000,660000,6585000,665000"
    try:
        numbers = [float(part) for part in given.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6) or not all(math.isfinite(n) for n in numbers):
        raise refused(
            parameter="bbox",
            sv=f"bbox={given!r} ska vara fyra tal: nedre hörnet, sedan övre, t.ex. {example}.",
            en=f"bbox={given!r} must be four numbers: the lower corner, then the upper, e.g. "
            f"{example}.",
        )
    low, high = (numbers[0], numbers[1]), (numbers[2], numbers[3])
    if len(numbers) == 6:
        low, high = (numbers[0], numbers[1]), (numbers[3], numbers[4])
    if low[0] > high[0] or low[1] > high[1]:
        raise refused(
            parameter="bbox",
            sv=f"bbox={given!r}: det nedre hörnet ska komma först, t.ex. {example}.",
            en=f"bbox={given!r}: the lower corner comes first, e.g. {example}.",
        )
    if system == EPSG_3006:  # northing first, as EPSG defines SWEREF 99 TM
        return Box((low[1], low[0], high[1], high[0]))
    if low[1] < -90 or high[1] > 90:
        raise refused(
            parameter="bbox",
            sv=f"bbox={given!r}: latituden ligger mellan -90 och 90; longituden kommer först.",
            en=f"bbox={given!r}: latitude lies between -90 and 90; longitude comes first.",
        )
    west, south, east, north = area_of_use(SWEREF99_TM)
    clipped = (max(low[0], west), max(low[1], south), min(high[0], east), min(high[1], north))
    if clipped[0] > clipped[2] or clipped[1] > clipped[3]:  # outside Sweden: nothing there
        return Box((0.0, 0.0, 0.0, 0.0), empty=True)
    return Box(bounds_to_crs(clipped, WGS84, SWEREF99_TM))


@dataclass(frozen=True, slots=True)
class Period:
    """A ``datetime``: from ``start`` to ``end``, both included; None for an open end."""

    start: datetime | None
    end: datetime | None


def _moment(text: str, *, end: bool) -> datetime:
    """Return one end of a ``datetime``: a time with its zone, or a day (its start or end)."""
    if len(text) == 10:  # a day, in Swedish time: the whole of it
        day = date.fromisoformat(text)
        if end:
            return datetime.combine(day + timedelta(days=1), time(), LOCAL) - timedelta(
                milliseconds=1
            )
        return datetime.combine(day, time(), LOCAL)
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(text)
    return moment.astimezone(UTC)


def period(params: QueryParams) -> Period | None:
    """Return ``datetime``: an instant, a day, or an interval ``start/end`` (``..`` open)."""
    given = params.get("datetime")
    if given is None:
        return None
    parts = given.split("/")
    try:
        if len(parts) == 1:
            if given in OPEN:
                raise ValueError(given)
            return Period(_moment(given, end=False), _moment(given, end=True))
        if len(parts) == 2 and not (parts[0] in OPEN and parts[1] in OPEN):
            start = None if parts[0] in OPEN else _moment(parts[0], end=False)
            end = None if parts[1] in OPEN else _moment(parts[1], end=True)
            if start is None or end is None or start <= end:
                return Period(start, end)
    except ValueError:
        pass
    raise refused(
        parameter="datetime",
        sv=f"datetime={given!r} ska vara en tid med tidszon (2026-11-03T17:30:00Z), en dag "
        "(2026-11-03, svensk tid) eller ett intervall start/slut där .. lämnar en ände öppen "
        "(2026-11-01/2026-11-30, 2026-11-01T00:00:00+01:00/..).",
        en=f"datetime={given!r} must be a time with its zone (2026-11-03T17:30:00Z), a day "
        "(2026-11-03, Swedish time) or an interval start/end where .. leaves an end open "
        "(2026-11-01/2026-11-30, 2026-11-01T00:00:00+01:00/..).",
    )
