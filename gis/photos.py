"""Photos for observations: checked, position read from EXIF, re-encoded without metadata.

Every photo is decoded and re-encoded as JPEG, so nothing of the original file survives but
its pixels: no EXIF (GPS, device, owner), no embedded scripts in a renamed file.
"""

from __future__ import annotations

import io
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from gis.errors import GisError
from gis.i18n import Text
from gis.io import read_file_bytes

ACCEPTED_FORMATS: Final = frozenset({"JPEG", "PNG", "WEBP", "HEIF", "MPO"})
MAX_PIXELS: Final = 60_000_000
"""Larger images are refused before decoding: a decompression bomb unpacks to gigabytes."""
PHOTO_QUALITY: Final = 85
"""The JPEG quality of a stored photo."""
THUMBNAIL_PX: Final = 320
"""A thumbnail's long side at most."""
THUMBNAIL_QUALITY: Final = 75
_GPS_IFD: Final = 0x8825
_EXIF_IFD: Final = 0x8769
_DATETIME_ORIGINAL: Final = 0x9003

try:  # HEIC from iPhones, when the maintained decoder is installed
    import pillow_heif

    pillow_heif.register_heif_opener()
except ImportError:  # pragma: no cover - pillow-heif is a dependency; kept optional for tools
    pass


class PhotoError(GisError):
    """A file that cannot be used as a photo."""


@dataclass(frozen=True, slots=True)
class Photo:
    """A photo ready to store: JPEG bytes without metadata, a thumbnail, and what EXIF told."""

    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int
    lon: float | None
    lat: float | None
    taken_at: datetime | None
    """Local camera time as written in EXIF (no time zone)."""


def _degrees(value: object) -> float:
    d, m, s = (float(part) for part in value)  # type: ignore[attr-defined]
    return d + m / 60 + s / 3600


def _position(exif: Image.Exif) -> tuple[float | None, float | None]:
    gps = exif.get_ifd(_GPS_IFD)
    try:
        lat = _degrees(gps[2]) * (-1 if str(gps.get(1, "N")).upper().startswith("S") else 1)
        lon = _degrees(gps[4]) * (-1 if str(gps.get(3, "E")).upper().startswith("W") else 1)
    except (KeyError, TypeError, ValueError, ZeroDivisionError):
        return None, None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or (lat == 0 and lon == 0):
        return None, None
    return lon, lat


def _taken_at(exif: Image.Exif) -> datetime | None:
    text = exif.get_ifd(_EXIF_IFD).get(_DATETIME_ORIGINAL) or exif.get(0x0132)
    try:
        return datetime.strptime(str(text), "%Y:%m:%d %H:%M:%S")  # camera time, no zone
    except ValueError:
        return None


def process_photo(
    data: bytes, *, max_bytes: int, long_side_px: int = 2048, thumbnail_px: int = THUMBNAIL_PX
) -> Photo:
    """Check an uploaded photo and return it re-encoded, with its EXIF position.

    Parameters
    ----------
    data
        The uploaded file's bytes (JPEG, PNG, WebP or HEIC).
    max_bytes
        The largest upload accepted.
    long_side_px, thumbnail_px
        The stored image and thumbnail are at most this long on their long side.

    Raises
    ------
    PhotoError
        Too large, not an image (whatever its name), an unsupported format, or a
        decompression bomb.
    """
    if len(data) > max_bytes:
        size, limit = f"{len(data) / 1e6:.1f}", f"{max_bytes / 1e6:.1f}"
        raise PhotoError(
            Text(
                sv=f"Fotot är för stort ({size.replace('.', ',')} MB; "
                f"högst {limit.replace('.', ',')} MB).",
                en=f"The photo is too large ({size} MB; at most {limit} MB).",
            )
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.format not in ACCEPTED_FORMATS:
                raise PhotoError(
                    Text(
                        sv=f"Bildformatet {image.format} stöds inte; använd JPEG, PNG, WebP "
                        "eller HEIC.",
                        en=f"The image format {image.format} is not supported; use JPEG, PNG, "
                        "WebP or HEIC.",
                    )
                )
            if image.width * image.height > MAX_PIXELS:
                raise PhotoError(
                    Text(
                        sv=f"Bilden är orimligt stor ({image.width} × {image.height} bildpunkter).",
                        en=f"The image is unreasonably large ({image.width} × {image.height} "
                        "pixels).",
                    )
                )
            exif = image.getexif()
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise PhotoError(
            Text(
                sv="Bilden är orimligt stor (för många bildpunkter) och avvisas.",
                en="The image is unreasonably large (too many pixels) and is refused.",
            )
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise PhotoError(
            Text(
                sv="Filen är inte en bild som går att läsa (JPEG, PNG, WebP eller HEIC).",
                en="The file is not a readable image (JPEG, PNG, WebP or HEIC).",
            )
        ) from None
    lon, lat = _position(exif)
    taken_at = _taken_at(exif)
    upright = ImageOps.exif_transpose(image).convert("RGB")
    upright.thumbnail((long_side_px, long_side_px), Image.Resampling.LANCZOS)
    thumb = upright.copy()
    thumb.thumbnail((thumbnail_px, thumbnail_px), Image.Resampling.LANCZOS)
    return Photo(
        jpeg=jpeg_bytes(upright, quality=PHOTO_QUALITY),
        thumbnail=jpeg_bytes(thumb, quality=THUMBNAIL_QUALITY),
        width=upright.width,
        height=upright.height,
        lon=lon,
        lat=lat,
        taken_at=taken_at,
    )


def jpeg_bytes(image: Image.Image, *, quality: int) -> bytes:
    """Return ``image`` encoded as JPEG in memory, without EXIF or other metadata."""
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=quality, optimize=True)  # no exif= → none written
    return buffer.getvalue()


def read_photos(paths: Sequence[Path], *, max_bytes: int) -> list[Photo]:
    """Return the photo files ``paths`` checked and stripped (``process_photo``), in order.

    Raises
    ------
    gis.errors.GisError
        A file cannot be read or is not a photo.
    """
    return [process_photo(read_file_bytes(path), max_bytes=max_bytes) for path in paths]
