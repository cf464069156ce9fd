"""Finding faces and licence plates in a photo, to suggest boxes to black out.

OpenCV's Haar cascades, shipped inside ``opencv-python-headless`` (no model is fetched):
frontal faces, faces in profile (looking either way) and licence plates (a cascade
trained on Russian plates, which finds the white European plates Swedish cars carry
well enough to suggest; a plate it misses is boxed by hand). A suggestion is only that:
a person decides which boxes are blacked out.

Detection runs on a copy at most ``DETECTION_LONG_SIDE_PX`` long (a 2048 px photo in
about a quarter of the time); boxes come back in the
photo's own pixels. Faces are padded a little (hair, ears and chin belong to a face),
and boxes of one kind that overlap are merged into one.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Final

import cv2
import numpy as np
from PIL import Image

from gis.photos import Photo
from gis.redaction import Box, decoded_photo, redact_jpeg

DETECTION_LONG_SIDE_PX: Final = 1024
"""The long side of the copy detection looks at: faces of 20 px in it (40 px in a 2048 px
photo) are found."""
FACE_PADDING: Final = 0.15
"""How much a face's box grows on each side, as a share of its width and height."""
_MIN_FACE_PX: Final = 20
_MIN_PLATE_PX: Final = (40, 12)
_FACES: Final = ("haarcascade_frontalface_alt2.xml", "haarcascade_profileface.xml")
_PLATES: Final = ("haarcascade_russian_plate_number.xml",)
_SCALE_STEP: Final = 1.15
"""How much larger each size looked for is than the last (OpenCV's 1.1 takes half as long
again, for faces between two sizes that are found at either anyway)."""


class FindingKind(StrEnum):
    """What a suggested box covers."""

    FACE = "face"
    PLATE = "plate"


@dataclass(frozen=True, slots=True)
class Finding:
    """A box suggested for blacking out, in the photo's own pixels, and what it covers."""

    kind: FindingKind
    box: Box


class _Cascades(threading.local):
    """The cascades, read once per thread: a classifier is not to be shared by threads."""

    def __init__(self) -> None:
        folder = cv2.data.haarcascades  # type: ignore[attr-defined]
        self.faces = [cv2.CascadeClassifier(folder + name) for name in _FACES]
        self.plates = [cv2.CascadeClassifier(folder + name) for name in _PLATES]


_CASCADES: Final = _Cascades()


def find_faces_and_plates(jpeg: bytes) -> list[Finding]:
    """Return boxes around the faces and licence plates found in the stored photo ``jpeg``.

    Faces first, then plates, each from the top left; boxes lie inside the photo.

    Raises
    ------
    gis.photos.PhotoError
        ``jpeg`` is not an image.
    """
    image = decoded_photo(jpeg)
    scale = min(1.0, DETECTION_LONG_SIDE_PX / max(image.width, image.height))
    small = image
    if scale < 1.0:
        size = (max(1, round(image.width * scale)), max(1, round(image.height * scale)))
        small = image.resize(size, Image.Resampling.BILINEAR)
    gray = np.asarray(small.convert("L"))
    cascades = _CASCADES
    faces = _detected(cascades.faces[0], gray, min_size=(_MIN_FACE_PX, _MIN_FACE_PX))
    faces += _detected(cascades.faces[1], gray, min_size=(_MIN_FACE_PX, _MIN_FACE_PX))
    # The profile cascade knows faces looking one way: the mirror image finds the others.
    mirrored = _detected(cascades.faces[1], cv2.flip(gray, 1),
                         min_size=(_MIN_FACE_PX, _MIN_FACE_PX))  # fmt: skip
    faces += [(gray.shape[1] - x - w, y, w, h) for x, y, w, h in mirrored]
    plates = [box for cascade in cascades.plates
              for box in _detected(cascade, gray, min_size=_MIN_PLATE_PX)]  # fmt: skip
    width, height = image.width, image.height
    face_boxes = [_in_photo(_padded(b, FACE_PADDING), scale, width, height) for b in faces]
    plate_boxes = [_in_photo(b, scale, width, height) for b in plates]
    return [Finding(FindingKind.FACE, box) for box in merged_boxes(face_boxes)] + [
        Finding(FindingKind.PLATE, box) for box in merged_boxes(plate_boxes)
    ]


def _detected(
    cascade: cv2.CascadeClassifier, gray: np.ndarray, *, min_size: tuple[int, int]
) -> list[tuple[float, float, float, float]]:
    found = cascade.detectMultiScale(
        gray, scaleFactor=_SCALE_STEP, minNeighbors=5, minSize=min_size
    )
    return [(float(x), float(y), float(w), float(h)) for x, y, w, h in found]


def _padded(box: tuple[float, float, float, float], share: float) -> tuple[float, ...]:
    x, y, w, h = box
    return (x - w * share, y - h * share, w * (1 + 2 * share), h * (1 + 2 * share))


def _in_photo(box: Sequence[float], scale: float, width: int, height: int) -> Box:
    """Return a box found in the smaller copy in the photo's pixels, cut to the photo."""
    x, y, w, h = (value / scale for value in box)
    left, top = max(0, int(x)), max(0, int(y))
    right, bottom = min(width, int(np.ceil(x + w))), min(height, int(np.ceil(y + h)))
    return Box(left, top, max(1, right - left), max(1, bottom - top))


def merged_boxes(boxes: Sequence[Box]) -> list[Box]:
    """Return ``boxes`` with every group of overlapping ones made into one, from the top left."""
    merged = list(boxes)
    changed = True
    while changed:
        changed = False
        for i in range(len(merged)):
            for j in range(i + 1, len(merged)):
                if merged[i].overlaps(merged[j]):
                    merged[i] = merged[i].union(merged.pop(j))
                    changed = True
                    break
            if changed:
                break
    return sorted(merged, key=lambda b: (b.y, b.x))


def with_findings_blacked_out(photo: Photo) -> Photo:
    """Return ``photo`` with every face and licence plate found in it blacked out.

    A photo in which nothing is found is returned as it is. The same photo gives the same
    bytes each time (detection and encoding are deterministic).
    """
    boxes = [finding.box for finding in find_faces_and_plates(photo.jpeg)]
    if not boxes:
        return photo
    redacted = redact_jpeg(photo.jpeg, boxes)
    return replace(photo, jpeg=redacted.jpeg, thumbnail=redacted.thumbnail)
