"""Files a test reads: a phone's JPEG with a GPS position, GeoJSON, a two-layer GeoPackage."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from PIL import Image, ImageDraw, ImageFilter, ImageFont


def dms(value: float) -> tuple[Fraction, Fraction, Fraction]:
    """Return degrees, minutes and seconds of ``value`` as EXIF stores them."""
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = Fraction(round((value - degrees - minutes / 60) * 3600 * 1000), 1000)
    return Fraction(degrees), Fraction(minutes), seconds


def jpeg_with_gps(lon: float, lat: float, size: tuple[int, int] = (3000, 2000)) -> bytes:
    """A phone's photo (WGS 84 position, make, model and time in EXIF)."""
    image = Image.new("RGB", size, (40, 90, 160))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0110] = "Model X"  # Model
    exif[0x0132] = "2026:11:26 17:45:10"
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: dms(lat), 3: "E", 4: dms(lon)})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


def geojson(path: Path, *features: tuple[dict[str, object], dict[str, object]]) -> Path:
    """Write a FeatureCollection of ``(properties, geometry)`` pairs to ``path``."""
    document = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": properties, "geometry": geometry}
            for properties, geometry in features
        ],
    }
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def two_layer_geopackage(path: Path) -> Path:
    """A partner's GeoPackage with two layers: one of points, one of lines."""
    stig = shapely.LineString([(17.84, 59.36), (17.85, 59.37)])
    points = gpd.GeoDataFrame({"category": ["other"]}, crs="EPSG:4326",
                              geometry=[shapely.Point(17.8445, 59.3668)])  # fmt: skip
    lines = gpd.GeoDataFrame({"namn": ["stig"]}, geometry=[stig], crs="EPSG:4326")
    pyogrio.write_dataframe(points, path, layer="punkter")
    pyogrio.write_dataframe(lines, path, layer="stigar", append=True)
    return path


FACE_BOX = (150, 170, 180, 240)
"""Where ``street_photo`` draws a face: x, y, width, height in its pixels."""
PLATE_BOX = (700, 520, 200, 44)
"""Where ``street_photo`` draws a licence plate."""


def street_photo(
    size: tuple[int, int] = (1200, 800),
    *,
    gps: tuple[float, float] | None = None,
    sky: tuple[int, int, int] = (70, 90, 110),
) -> bytes:
    """A photo made here of a person's face and a car's licence plate, as a phone sends it.

    Drawn, not taken: a face (skin, hair, eyes, brows, nose, mouth) that OpenCV's frontal
    face cascade finds, and a white plate with black letters and a blue band that its plate
    cascade finds, on a street. Made by the tests themselves, so no one's likeness and no
    licence are involved. ``gps``: (lon, lat) written in EXIF, with the phone's make and model;
    ``sky``: the colour behind (another makes other bytes of the same scene).
    """
    image = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, int(size[1] * 0.75), size[0], size[1]), fill=(60, 60, 60))  # street
    x, y, w, h = FACE_BOX
    cx, cy, s = x + w / 2, y + h / 2, w / 120
    fw, fh = 120 * s, 160 * s
    draw.ellipse((cx - fw / 2, cy - fh / 2, cx + fw / 2, cy + fh / 2), fill=(225, 190, 160))
    draw.chord((cx - fw / 2, cy - fh / 2 - 10 * s, cx + fw / 2, cy - fh / 2 + 60 * s), 180, 360,
               fill=(50, 35, 20))  # fmt: skip
    ey, ex = cy - 15 * s, 28 * s
    for side in (-1, 1):
        ecx = cx + side * ex
        draw.ellipse((ecx - 16 * s, ey - 7 * s, ecx + 16 * s, ey + 7 * s), fill=(255, 255, 255))
        draw.ellipse((ecx - 7 * s, ey - 7 * s, ecx + 7 * s, ey + 7 * s), fill=(40, 30, 20))
        draw.line((ecx - 18 * s, ey - 18 * s, ecx + 18 * s, ey - 18 * s), fill=(60, 40, 25),
                  width=round(6 * s))  # fmt: skip
    draw.polygon([(cx, ey + 5 * s), (cx - 10 * s, cy + 30 * s), (cx + 10 * s, cy + 30 * s)],
                 fill=(205, 165, 135))  # fmt: skip
    draw.ellipse((cx - 25 * s, cy + 45 * s, cx + 25 * s, cy + 58 * s), fill=(150, 60, 60))
    px, py, pw, ph = PLATE_BOX
    draw.rectangle((px - 120, py - 110, px + pw + 120, py + ph + 60), fill=(150, 20, 20))  # car
    draw.rectangle((px, py, px + pw, py + ph), fill=(245, 245, 245), outline=(0, 0, 0), width=2)
    draw.rectangle((px, py, px + 16, py + ph), fill=(20, 60, 170))
    draw.text((px + 24, py + 4), "ABC 123", fill=(0, 0, 0), font=ImageFont.load_default(size=34))
    image = image.filter(ImageFilter.GaussianBlur(1.5))
    exif = Image.Exif()
    if gps is not None:
        exif[0x010F], exif[0x0110] = "PhoneMaker", "Model X"
        exif.get_ifd(0x8825).update({1: "N", 2: dms(gps[1]), 3: "E", 4: dms(gps[0])})
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=92, exif=exif)
    return buffer.getvalue()
