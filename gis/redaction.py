"""Blacking out parts of a stored photo (people, licence plates), in memory only.

A box is given in the stored photo's own pixels (its top left corner is 0, 0). The photo
is decoded, every box filled with black and the result encoded again as JPEG without
metadata, its thumbnail made anew from the blacked-out image: nothing of what was under a
box survives in either, and no byte of the photo is written anywhere but where the caller
keeps the result.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageDraw, ImageFont, UnidentifiedImageError

from gis.i18n import Text
from gis.photos import PHOTO_QUALITY, THUMBNAIL_PX, THUMBNAIL_QUALITY, PhotoError, jpeg_bytes

_BOX_TEXT: Final = re.compile(r"^\s*(-?\d+)\s*,\s*(-?\d+)\s*,\s*(-?\d+)\s*,\s*(-?\d+)\s*$")


class BoxError(PhotoError):
    """A box that cannot be blacked out: not four whole numbers, empty, or outside the photo."""


@dataclass(frozen=True, slots=True, order=True)
class Box:
    """A rectangle of a photo in its pixels: left, top, width and height."""

    x: int
    y: int
    width: int
    height: int

    @property
    def right(self) -> int:
        """The first column right of the box."""
        return self.x + self.width

    @property
    def bottom(self) -> int:
        """The first row below the box."""
        return self.y + self.height

    @property
    def area(self) -> int:
        """The box's size in pixels."""
        return self.width * self.height

    def as_list(self) -> list[int]:
        """Return ``[x, y, width, height]``, as the command line and the change log write it."""
        return [self.x, self.y, self.width, self.height]

    def __str__(self) -> str:
        return f"{self.x},{self.y},{self.width},{self.height}"

    def overlaps(self, other: Box) -> bool:
        """Return whether the two boxes share at least one pixel."""
        return (
            self.x < other.right
            and other.x < self.right
            and self.y < other.bottom
            and other.y < self.bottom
        )

    def union(self, other: Box) -> Box:
        """Return the smallest box holding both."""
        x, y = min(self.x, other.x), min(self.y, other.y)
        return Box(x, y, max(self.right, other.right) - x, max(self.bottom, other.bottom) - y)


def box_from_text(text: str) -> Box:
    """Return the box written ``X,Y,W,H`` (whole pixels).

    Raises
    ------
    BoxError
        Not four whole numbers separated by commas.
    """
    found = _BOX_TEXT.match(text)
    if found is None:
        raise BoxError(
            Text(
                sv=f"Rutan {text!r} ska skrivas X,Y,B,H i hela bildpunkter (vänster, överkant, "
                "bredd, höjd), t.ex. 120,80,60,60.",
                en=f"The box {text!r} is written X,Y,W,H in whole pixels (left, top, width, "
                "height), e.g. 120,80,60,60.",
            )
        )
    x, y, width, height = (int(part) for part in found.groups())
    return Box(x, y, width, height)


def check_boxes(boxes: Sequence[Box], width: int, height: int) -> None:
    """Refuse boxes that are empty or reach outside a ``width`` × ``height`` photo.

    Raises
    ------
    BoxError
        No box, or a box with no pixels or outside the photo, naming it and the limits.
    """
    if not boxes:
        raise BoxError(
            Text(
                sv="Ange minst en ruta att maskera (X,Y,B,H).",
                en="Give at least one box to black out (X,Y,W,H).",
            )
        )
    for k, box in enumerate(boxes, start=1):
        if box.width < 1 or box.height < 1:
            raise BoxError(
                Text(
                    sv=f"Ruta {k} ({box}): bredd och höjd ska vara minst 1 bildpunkt.",
                    en=f"Box {k} ({box}): width and height must be at least 1 pixel.",
                )
            )
        if box.x < 0 or box.y < 0 or box.right > width or box.bottom > height:
            raise BoxError(
                Text(
                    sv=f"Ruta {k} ({box}) går utanför fotot, som är {width} × {height} "
                    f"bildpunkter: X och Y ska vara minst 0, X + B högst {width} och Y + H "
                    f"högst {height}.",
                    en=f"Box {k} ({box}) reaches outside the photo, which is {width} × "
                    f"{height} pixels: X and Y must be at least 0, X + W at most {width} and "
                    f"Y + H at most {height}.",
                )
            )


@dataclass(frozen=True, slots=True)
class RedactedPhoto:
    """A photo with boxes blacked out: JPEG without metadata, and its new thumbnail."""

    jpeg: bytes
    thumbnail: bytes
    width: int
    height: int


def decoded_photo(jpeg: bytes) -> Image.Image:
    """Return a stored photo decoded as RGB, in memory.

    Raises
    ------
    PhotoError
        The bytes are not an image.
    """
    try:
        with Image.open(io.BytesIO(jpeg)) as image:
            return image.convert("RGB")
    except (UnidentifiedImageError, OSError, ValueError):
        raise PhotoError(
            Text(
                sv="Det lagrade fotot går inte att läsa som bild.",
                en="The stored photo cannot be read as an image.",
            )
        ) from None


def redact_jpeg(jpeg: bytes, boxes: Sequence[Box]) -> RedactedPhoto:
    """Return the stored photo ``jpeg`` with every box filled black, and a new thumbnail.

    The photo keeps its size; the JPEG and the thumbnail are encoded as a stored photo's
    are (``gis.photos``), without EXIF or other metadata.

    Raises
    ------
    BoxError
        No box, or one that is empty or reaches outside the photo (nothing is made).
    PhotoError
        ``jpeg`` is not an image.
    """
    image = decoded_photo(jpeg)
    check_boxes(boxes, image.width, image.height)
    draw = ImageDraw.Draw(image)
    for box in boxes:
        draw.rectangle((box.x, box.y, box.right - 1, box.bottom - 1), fill=(0, 0, 0))
    thumb = image.copy()
    thumb.thumbnail((THUMBNAIL_PX, THUMBNAIL_PX), Image.Resampling.LANCZOS)
    return RedactedPhoto(
        jpeg=jpeg_bytes(image, quality=PHOTO_QUALITY),
        thumbnail=jpeg_bytes(thumb, quality=THUMBNAIL_QUALITY),
        width=image.width,
        height=image.height,
    )


PREVIEW_LONG_SIDE_PX: Final = 960
"""A preview's long side at most: enough to see what a box covers, light to send."""


def preview_jpeg(
    jpeg: bytes, boxes: Sequence[tuple[str, Box]], *, long_side_px: int = PREVIEW_LONG_SIDE_PX
) -> tuple[bytes, float]:
    """Return a smaller copy of the photo with each box outlined and labelled, and its scale.

    ``boxes``: (label, box) in the photo's pixels. Outlines are drawn twice, black inside
    yellow, so they show on light and dark parts alike. The scale is the copy's pixels per
    photo pixel. For people to see what they black out; never stored.

    Raises
    ------
    PhotoError
        ``jpeg`` is not an image.
    """
    image = decoded_photo(jpeg)
    scale = min(1.0, long_side_px / max(image.width, image.height))
    if scale < 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        image = image.resize(size, Image.Resampling.LANCZOS)
    draw = ImageDraw.Draw(image)
    font = ImageFont.load_default(size=18)
    for label, box in boxes:
        left, top = round(box.x * scale), round(box.y * scale)
        right = max(left + 1, round(box.right * scale) - 1)
        bottom = max(top + 1, round(box.bottom * scale) - 1)
        draw.rectangle((left, top, right, bottom), outline=(255, 214, 0), width=4)
        draw.rectangle((left + 2, top + 2, right - 2, bottom - 2), outline=(0, 0, 0), width=1)
        corner = (left + 4, top + 4)
        draw.rectangle(draw.textbbox(corner, label, font=font), fill=(255, 214, 0))
        draw.text(corner, label, fill=(0, 0, 0), font=font)
    return jpeg_bytes(image, quality=PHOTO_QUALITY), scale
