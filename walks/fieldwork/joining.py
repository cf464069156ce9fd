"""Joining a walk from one's own phone: the links a walk's page and protocol show.

The capture page (``/capture/``) opens with a walk chosen when its address names the area
and the walk's number; the short link ``/v/<area>/<number>`` leads there and fits a QR
code and a printed protocol.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode


def capture_url(base_url: str, area: str, walk: int) -> str:
    """Return the capture page's address with walk number ``walk`` of ``area`` chosen."""
    return f"{base_url.rstrip('/')}/capture/?{urlencode({'area': area, 'walk': walk})}"


def short_url(base_url: str, area: str, walk: int) -> str:
    """Return the short link to the capture page with the walk chosen (for QR codes)."""
    return f"{base_url.rstrip('/')}/v/{quote(area, safe='')}/{walk}"
