"""GPX tracks and routes as lines, parsed safely (no entity expansion, no external references)."""

from __future__ import annotations

from typing import Final

from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from shapely.geometry import LineString

from gis.errors import GisError
from gis.i18n import Text

MAX_GPX_BYTES: Final = 10_000_000


class GpxError(GisError):
    """A GPX file that cannot be used as a route."""


def gpx_to_line(data: bytes) -> LineString:
    """Return the track (or else the route) points of a GPX file as one WGS 84 line.

    Raises
    ------
    GpxError
        Too large, not XML, hostile XML (entity expansion, DTDs), or fewer than two points.
    """
    if len(data) > MAX_GPX_BYTES:
        raise GpxError(
            Text(
                sv=f"GPX-filen är för stor (högst {MAX_GPX_BYTES // 1_000_000} MB).",
                en=f"The GPX file is too large (at most {MAX_GPX_BYTES // 1_000_000} MB).",
            )
        )
    try:
        root = ElementTree.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, ElementTree.ParseError):
        raise GpxError(
            Text(
                sv="Filen är inte en läsbar GPX-fil (XML utan DTD och entiteter).",
                en="The file is not a readable GPX file (XML without DTD or entities).",
            )
        ) from None
    points = []
    for tag in ("trkpt", "rtept"):
        for element in root.iter():
            if element.tag.rsplit("}", 1)[-1] == tag:
                try:
                    points.append((float(element.attrib["lon"]), float(element.attrib["lat"])))
                except (KeyError, ValueError):
                    continue
        if points:
            break
    valid = [(x, y) for x, y in points if -180 <= x <= 180 and -90 <= y <= 90]
    if len(valid) < 2:
        raise GpxError(
            Text(
                sv="GPX-filen har inget spår eller ingen rutt med minst två punkter.",
                en="The GPX file has no track or route with at least two points.",
            )
        )
    return LineString(valid)
