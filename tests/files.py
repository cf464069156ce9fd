"""Files a test reads: a phone's JPEG with a GPS position, GeoJSON, a two-layer GeoPackage."""

from __future__ import annotations

import io
import json
from fractions import Fraction
from pathlib import Path

import geopandas as gpd
import pyogrio
import shapely
from PIL import Image


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
