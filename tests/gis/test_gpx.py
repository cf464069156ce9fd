"""GPX routes: tracks and routes read, hostile and useless files refused."""

from __future__ import annotations

import pytest

from gis.gpx import GpxError, gpx_to_line

TRACK = b"""<?xml version="1.0" encoding="UTF-8"?>
<gpx version="1.1" creator="phone" xmlns="http://www.topografix.com/GPX/1/1">
  <trk><name>Kvallsvandring</name><trkseg>
    <trkpt lat="59.3660" lon="17.8420"><ele>20</ele></trkpt>
    <trkpt lat="59.3665" lon="17.8440"/>
    <trkpt lat="59.3670" lon="17.8460"/>
  </trkseg></trk>
</gpx>"""


def test_a_track_becomes_a_line_in_lon_lat_order() -> None:
    line = gpx_to_line(TRACK)
    assert list(line.coords) == [(17.842, 59.366), (17.844, 59.3665), (17.846, 59.367)]


def test_a_route_is_used_when_there_is_no_track() -> None:
    data = b'<gpx><rte><rtept lat="59.1" lon="17.1"/><rtept lat="59.2" lon="17.2"/></rte></gpx>'
    assert len(gpx_to_line(data).coords) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"not xml at all", "not a readable GPX file"),
        (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;">]>'
         b"<gpx>&lol2;</gpx>", "not a readable GPX file"),
        (b'<gpx><trk><trkseg><trkpt lat="59.1" lon="17.1"/></trkseg></trk></gpx>',
         "at least two points"),
        (b'<gpx><trk><trkseg><trkpt lat="x" lon="17.1"/><trkpt lat="99" lon="17.2"/>'
         b"</trkseg></trk></gpx>", "at least two points"),
    ],
)  # fmt: skip
def test_hostile_and_useless_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(GpxError, match=message):
        gpx_to_line(data)
