"""People and licence plates in observations' photos: boxes found, and boxes blacked out.

A coordinator blacks out parts of a stored photo (``redact_observation_photo``): the
photo and its thumbnail are replaced in the store and the original is kept nowhere (no
copy in the change log, which records who blacked out which boxes of which photo and
when; none in an export; no file on disk: the work is done in memory). Faces and licence
plates found in a photo are offered as boxes to accept or drop (``photo_findings``); with
``SAFEWALK_REDACT_ON_UPLOAD=1`` every box found is blacked out as the photo arrives,
before it is stored (``walks.fieldwork.recording.photo_rows``, where every photo becomes a
row of the store).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from gis.detection import Finding, find_faces_and_plates
from gis.i18n import Text
from gis.redaction import Box, redact_jpeg
from walks.core.errors import WalkError
from walks.core.model import Observation, PhotoInfo
from walks.core.workspace import Workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations


class RedactionError(WalkError):
    """A photo that cannot be blacked out as asked: no such observation or photo."""


@dataclass(frozen=True, slots=True)
class PhotoFindings:
    """The boxes suggested for one photo of an observation."""

    photo: int
    """The photo's place among the observation's photos, from 1 (``--photo``)."""
    uuid: str
    width: int
    height: int
    findings: list[Finding]


@dataclass(frozen=True, slots=True)
class Redaction:
    """What was blacked out: which photo of which observation, and the boxes."""

    area: str
    observation: int
    photo: int
    uuid: str
    boxes: list[Box]
    thumbnail: bytes
    """The new thumbnail, made from the blacked-out photo."""


def observation_by_number(workspace: Workspace, area: str, number: int) -> Observation:
    """Return observation ``number`` of ``area``.

    Raises
    ------
    RedactionError
        The area has no observation ``number`` (or the account may not see it).
    """
    slug = find_area(workspace, area).slug
    for observation in list_observations(workspace, slug):
        if observation.number == number:
            return observation
    raise RedactionError(
        Text(
            sv=f"Området har ingen iakttagelse nummer {number}.",
            en=f"The area has no observation number {number}.",
        )
    )


def observation_photo_list(workspace: Workspace, observation: Observation) -> list[PhotoInfo]:
    """Return the photos of ``observation``, in the order they were stored (1, 2, …)."""
    return workspace.store.read_photos(observation.area, [observation.uuid])


def _photo(photos: Sequence[PhotoInfo], observation: Observation, k: int) -> PhotoInfo:
    if not 1 <= k <= len(photos):
        have = (
            Text(sv="inga foton", en="no photos")
            if not photos
            else Text(sv=f"foto 1–{len(photos)}", en=f"photos 1–{len(photos)}")
        )
        raise RedactionError(
            Text(
                sv=f"Iakttagelse {observation.number} har inget foto {k}; den har {have.sv}.",
                en=f"Observation {observation.number} has no photo {k}; it has {have.en}.",
            )
        )
    return photos[k - 1]


def _stored_image(workspace: Workspace, observation: Observation, photo: PhotoInfo) -> bytes:
    image = workspace.store.read_photo_image(observation.area, photo.uuid)
    if image is None:
        raise RedactionError(
            Text(
                sv=f"Fotot {photo.uuid} finns inte längre; det kan ha tagits bort.",
                en=f"The photo {photo.uuid} is no longer stored; it may have been removed.",
            )
        )
    return image


def photo_findings(
    workspace: Workspace, area: str, number: int, *, photo: int | None = None
) -> list[PhotoFindings]:
    """Return the faces and licence plates found in the photos of observation ``number``.

    ``photo``: only that one (1, 2, …). Boxes are in each photo's own pixels.

    Raises
    ------
    RedactionError
        No such observation, or no such photo of it.
    """
    observation = observation_by_number(workspace, area, number)
    photos = observation_photo_list(workspace, observation)
    chosen = range(1, len(photos) + 1) if photo is None else [photo]
    found = []
    for k in chosen:
        info = _photo(photos, observation, k)
        image = _stored_image(workspace, observation, info)
        found.append(PhotoFindings(k, info.uuid, info.width, info.height,
                                   find_faces_and_plates(image)))  # fmt: skip
    return found


def redact_observation_photo(
    workspace: Workspace, area: str, number: int, photo: int, boxes: Sequence[Box], *, actor: str
) -> Redaction:
    """Black out ``boxes`` of photo ``photo`` (1, 2, …) of observation ``number``, for good.

    The stored photo and its thumbnail are replaced (``Store.redact_photo``); the change
    log records who, when, which photo and the boxes.

    Raises
    ------
    RedactionError
        No such observation, or no such photo of it.
    gis.redaction.BoxError
        No box, or a box that is empty or reaches outside the photo; nothing changes.
    walks.access.guard.AccessError
        The account may not change observations (coordinators may).
    """
    observation = observation_by_number(workspace, area, number)
    info = _photo(observation_photo_list(workspace, observation), observation, photo)
    redacted = redact_jpeg(_stored_image(workspace, observation, info), boxes)
    stored = workspace.store.redact_photo(
        observation.area, info.uuid, image=redacted.jpeg, thumbnail=redacted.thumbnail,
        boxes=[box.as_list() for box in boxes], actor=actor,
    )  # fmt: skip
    return Redaction(observation.area, number, photo, info.uuid, list(boxes), stored.thumbnail)
