"""Blacking out faces and licence plates in photos, on a real photo of a (drawn) face.

The photo is ``tests.files.street_photo``: a face and a licence plate drawn by the test
itself, which OpenCV's cascades find. Pixels are compared after JPEG encoding, which
works in blocks of 8 × 8 pixels (colour in 16 × 16): a black box stays black within a few
levels, a little more along its edges, where a block mixes it with the pixels beside it
(whose colour JPEG spreads into the box, not the reverse: what was under the box is gone
before encoding); pixels away from the boxes change only by what encoding the photo once
more changes (about a level on average). The checks leave those margins and no more.
"""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import numpy as np
import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gis.crs import to_wgs84
from gis.photos import process_photo
from gis.redaction import Box
from tests.cli import run
from tests.files import FACE_BOX, PLATE_BOX, street_photo
from walks.access.guard import AccessError, workspace_as
from walks.cli.main import main
from walks.core.config import Settings, settings_from_env
from walks.core.errors import ConfigError
from walks.core.model import ObservationDraft, Position
from walks.core.roles import Account, Role
from walks.core.workspace import Workspace
from walks.fieldwork.recording import (
    list_observations,
    observation_photos,
    photo_image,
    record_observation,
)
from walks.fieldwork.redaction import redact_observation_photo
from walks.fieldwork.startup import open_workspace
from walks.web import routes

LON, LAT = 17.8445, 59.3668
AREA = "hasselby-gard"
EDGE_PX = 16
"""Pixels this close to a box's edge may be touched by JPEG's 8 × 8 (colour: 16 × 16) blocks."""
BOXES = [[0, 0, 560, 800], [690, 510, 220, 64]]
"""What the module's redaction blacks out: the left side, with the face, and the plate. The
photo's bytes shrink: what the old ones took is not all taken by the new ones."""


def pixels(jpeg: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(jpeg)).convert("RGB"), dtype=np.int16)


def inside(box: Box, margin: int) -> tuple[slice, slice]:
    return slice(box.y + margin, box.bottom - margin), slice(box.x + margin, box.right - margin)


def away_from(shape: tuple[int, ...], boxes: list[list[int]], margin: int) -> np.ndarray:
    """A mask of the pixels at least ``margin`` from every box."""
    mask = np.ones(shape[:2], dtype=bool)
    for x, y, w, h in boxes:
        mask[max(0, y - margin) : y + h + margin, max(0, x - margin) : x + w + margin] = False
    return mask


def wal_bytes(file: Path) -> bytes:
    wal = Path(f"{file}-wal")
    return wal.read_bytes() if wal.exists() else b""


def stored_photo(workspace: Workspace, number: int) -> tuple[str, bytes, bytes]:
    """The uuid, image and thumbnail of the observation's first photo."""
    (observation,) = [o for o in list_observations(workspace, AREA) if o.number == number]
    (info,) = observation_photos(workspace, AREA, observation.uuid)
    return info.uuid, photo_image(workspace, AREA, info.uuid) or b"", info.thumbnail


@dataclass(frozen=True)
class Redacted:
    """The module's workspace after ``safewalk photo redact`` of one observation's photo."""

    path: Path
    workspace: Workspace
    number: int
    """The observation redacted."""
    others: tuple[int, int]
    """Two more observations with the photo, left as they were (for the refusals)."""
    uuid: str
    before: tuple[bytes, bytes]
    """The photo's image and thumbnail before."""
    after: tuple[bytes, bytes]
    held_before: bytes
    """The area file (and its write-ahead log) before."""
    answer: dict[str, object]
    """What the command printed (``--json``)."""


@pytest.fixture(scope="module")
def redacted(tmp_path_factory: pytest.TempPathFactory, _seeded_template: Path) -> Redacted:
    path = tmp_path_factory.mktemp("redaction") / "workspace"
    shutil.copytree(_seeded_template, path)
    workspace = open_workspace(settings_from_env({}, workspace=str(path), language="en"))
    numbers = [
        record_observation(workspace, ObservationDraft(
            "graffiti", Position(LON, LAT), created_by="tester", fields={"surface": "wall"},
            photos=(process_photo(street_photo(gps=(LON, LAT), sky=sky), max_bytes=10**7),),
        )).number
        for sky in ((70, 90, 110), (90, 110, 130), (110, 130, 150))  # no two alike
    ]  # fmt: skip
    uuid, *before = stored_photo(workspace, numbers[0])
    file = path / f"{AREA}.gpkg"
    held = file.read_bytes() + wal_bytes(file)
    printed = io.StringIO()
    with redirect_stdout(printed):
        code = main(["photo", "redact", "--area", AREA, "--observation", str(numbers[0]),
                     "--photo", "1", "--box", "0,0,560,800", "--box", " 690, 510,220,64 ",
                     "--json", "--workspace", str(path), "--user", "tester"])  # fmt: skip
    assert code == 0
    _, *after = stored_photo(workspace, numbers[0])
    return Redacted(path, workspace, numbers[0], (numbers[1], numbers[2]), uuid,
                    (before[0], before[1]), (after[0], after[1]), held,
                    json.loads(printed.getvalue()))  # fmt: skip


@pytest.fixture
def ws_of(redacted: Redacted) -> list[str]:
    return ["--workspace", str(redacted.path), "--lang", "en", "--user", "tester"]


def test_suggestions_find_the_face_and_the_licence_plate(capsys, redacted, ws_of) -> None:
    number = redacted.others[0]
    code, out, err = run(capsys, "photo", "suggest", "--area", AREA, "--observation",
                         str(number), "--json", *ws_of)  # fmt: skip
    assert (code, err) == (0, "")
    (photo,) = json.loads(out)["photos"]
    assert (photo["photo"], photo["width"], photo["height"]) == (1, 1200, 800)
    kinds = [b["kind"] for b in photo["boxes"]]
    assert sorted(kinds) == ["face", "plate"]
    for kind, (x, y, w, h) in (("face", FACE_BOX), ("plate", PLATE_BOX)):
        box = Box(*next(b["box"] for b in photo["boxes"] if b["kind"] == kind))
        assert box.overlaps(Box(x + w // 2 - 1, y + h // 2 - 1, 2, 2))
        assert box.area < 4 * w * h  # around the thing, not the whole photo
    face = Box(*next(b["box"] for b in photo["boxes"] if b["kind"] == "face"))
    assert face.x <= FACE_BOX[0]
    assert face.right >= FACE_BOX[0] + FACE_BOX[2]
    code, text, _ = run(capsys, "photo", "suggest", "--area", AREA, "--observation",
                        str(number), *ws_of)  # fmt: skip
    assert "face" in text
    assert "licence plate" in text
    assert f"safewalk photo redact --area {AREA} --observation {number} --photo 1 --box" in text


def test_redacted_boxes_are_black_and_the_rest_of_the_photo_as_it_was(redacted) -> None:
    assert redacted.answer == {"area": AREA, "observation": redacted.number, "photo": 1,
                               "uuid": redacted.uuid, "boxes": BOXES,
                               "actor": "tester"}  # fmt: skip
    assert stored_photo(redacted.workspace, redacted.number)[0] == redacted.uuid
    old, new = pixels(redacted.before[0]), pixels(redacted.after[0])
    assert new.shape == old.shape == (800, 1200, 3)
    for box in (Box(*b) for b in BOXES):
        black = new[inside(box, 2)]
        assert black.max() <= 24, "a box is black to its edges"
        assert black.mean() < 3
        assert new[inside(box, 8)].max() <= 8, "and black past its edges' blocks"
        assert old[inside(box, 2)].mean() > 40, "and was not black before"
    difference = np.abs(new - old)[away_from(new.shape, BOXES, EDGE_PX)]
    assert difference.mean() < 1.5
    assert np.percentile(difference, 99.9) <= 12
    small = pixels(redacted.after[1])
    assert max(small.shape[:2]) == 320
    face = Box(*(round(v * 320 / 1200) for v in BOXES[0]))
    assert small[inside(face, 6)].max() <= 10, "the thumbnail is made from the redacted photo"
    assert pixels(redacted.before[1])[inside(face, 6)].mean() > 40
    assert not Image.open(io.BytesIO(redacted.after[0])).getexif()
    assert b"Exif" not in redacted.after[0]
    assert b"PhoneMaker" not in redacted.after[0]


def test_the_original_is_kept_neither_in_the_area_file_nor_in_the_change_log(redacted) -> None:
    image, thumbnail = redacted.before
    # Pieces of the original's compressed data, past the headers every JPEG of safewalk
    # shares, and varied (a flat stretch of a photo encodes as a run of one byte).
    pieces = [image[k : k + 48] for k in range(len(image) // 4, len(image) - 48, 211)]
    pieces += [thumbnail[k : k + 48] for k in range(len(thumbnail) // 4, len(thumbnail) - 48, 53)]
    pieces = [piece for piece in pieces if len(set(piece)) >= 24]
    assert len(pieces) > 20
    file = redacted.path / f"{AREA}.gpkg"
    # The check can fail: the file held them (but for those a page boundary cuts in two).
    assert sum(p in redacted.held_before for p in pieces) > 0.8 * len(pieces)
    held = file.read_bytes() + wal_bytes(file)
    assert [p for p in pieces if p in held] == []
    with sqlite3.connect(file) as connection:
        entries = connection.execute(
            "SELECT actor, action, layer, feature_uuid, before, after, at FROM change_log "
            "WHERE feature_uuid = ? ORDER BY fid", (redacted.uuid,)
        ).fetchall()  # fmt: skip
        logged = " ".join(str(cell) for row in connection.execute("SELECT * FROM change_log")
                          for cell in row)  # fmt: skip
    actor, action, layer, photo, old, new, at = entries[-1]
    (observation,) = [o for o in list_observations(redacted.workspace, AREA)
                      if o.number == redacted.number]  # fmt: skip
    assert (actor, action, layer, photo, old) == ("tester", "redact", "photos", redacted.uuid, None)
    assert json.loads(new) == {"feature_uuid": observation.uuid, "layer": "graffiti",
                               "boxes": BOXES}  # fmt: skip
    assert at
    assert "\\xff\\xd8" not in logged
    assert "/9j/" not in logged


@pytest.mark.parametrize(
    ("box", "message"),
    [
        ("1100,10,200,50", "Box 1 (1100,10,200,50) reaches outside the photo, which is 1200 × 800"),
        ("10,10,0,50", "Box 1 (10,10,0,50): width and height must be at least 1 pixel"),
        ("-5,10,20,20", "X and Y must be at least 0"),
        ("10;10;20;20", "The box '10;10;20;20' is written X,Y,W,H in whole pixels"),
    ],
)
def test_a_box_outside_the_photo_is_refused_and_nothing_changes(
    capsys, redacted, ws_of, box, message
) -> None:
    number = redacted.others[1]
    before = stored_photo(redacted.workspace, number)
    code, out, err = run(capsys, "photo", "redact", "--area", AREA, "--observation", str(number),
                         "--photo", "1", f"--box={box}", *ws_of)  # fmt: skip
    assert (code, out) == (1, "")
    assert message in err
    assert stored_photo(redacted.workspace, number) == before


def test_a_photo_or_observation_that_is_not_there_is_named(capsys, redacted, ws_of) -> None:
    args = ["photo", "redact", "--area", AREA, "--box", "1,1,5,5", *ws_of]
    code, _, err = run(capsys, *args, "--observation", str(redacted.number), "--photo", "2")
    assert code == 1
    assert f"Observation {redacted.number} has no photo 2; it has photos 1–1." in err
    code, _, err = run(capsys, *args, "--observation", "9999", "--photo", "1", "--lang", "sv")
    assert code == 1
    assert "Området har ingen iakttagelse nummer 9999." in err
    code, _, err = run(capsys, "photo", "redact", "--area", AREA, "--observation", "1", *ws_of)
    assert code == 2  # --photo and --box are required


def test_only_a_role_that_changes_observations_may_black_out(memory_workspace) -> None:
    photo = process_photo(street_photo(), max_bytes=10_000_000)
    number = record_observation(memory_workspace, ObservationDraft(
        "graffiti", Position(LON, LAT), created_by="tester", fields={"surface": "wall"},
        photos=(photo,),
    )).number  # fmt: skip
    boxes = [Box(0, 0, 10, 10)]
    for role in (Role.REGISTRANT, Role.PARTNER):
        as_role = workspace_as(memory_workspace, Account("anna", role, "polisen"))
        with pytest.raises(AccessError, match=r"may not black out parts of photos"):
            redact_observation_photo(as_role, AREA, number, 1, boxes, actor="anna")
    assert stored_photo(memory_workspace, number)[1] == photo.jpeg
    coordinator = workspace_as(memory_workspace, Account("samordnare", Role.COORDINATOR))
    done = redact_observation_photo(coordinator, AREA, number, 1, boxes, actor="someone")
    assert done.boxes == boxes
    assert stored_photo(memory_workspace, number)[1] != photo.jpeg
    (entry,) = memory_workspace.store.read_records(AREA, "change_log")[-1:]
    assert (entry["action"], entry["actor"]) == ("redact", "samordnare")  # not the caller's word


@pytest.fixture
def redacting(memory_settings: Settings) -> Workspace:
    """A new workspace in memory that blacks out faces and plates as photos arrive."""
    environment = {"SAFEWALK_REDACT_ON_UPLOAD": "1"}
    settings = settings_from_env(environment, workspace=memory_settings.workspace, language="en")
    assert settings.redact_on_upload
    return open_workspace(settings)


def test_a_photo_from_a_phone_is_blacked_out_before_it_is_stored(redacting) -> None:
    area = next(a for a in redacting.areas() if a.slug == AREA)
    point = to_wgs84(area.boundary.representative_point())
    sent = {"uuid": str(uuid4()), "category": "graffiti", "lon": point.x, "lat": point.y,
            "accuracy_m": 5, "taken_at": "2026-12-01T21:30:00+01:00",
            "fields": {"surface": "wall"}}  # fmt: skip
    upload = street_photo(gps=(point.x, point.y))
    with TestClient(Starlette(routes=routes(lambda: redacting))) as client:
        assert client.post("/api/v1/observations", json=sent).status_code == 201
        path = f"/api/v1/observations/{sent['uuid']}/photos"
        files = {"photo": ("IMG_0003.jpg", upload, "image/jpeg")}
        first, again = client.post(path, files=files), client.post(path, files=files)
    assert (first.status_code, again.status_code) == (201, 200)  # the same photo, stored once
    (info,) = observation_photos(redacting, AREA, str(sent["uuid"]))
    as_sent = pixels(process_photo(upload, max_bytes=10_000_000).jpeg)
    stored = pixels(photo_image(redacting, AREA, info.uuid) or b"")
    for found in (Box(*FACE_BOX), Box(*PLATE_BOX)):
        assert stored[inside(found, 8)].max() <= 8, "the face and the plate arrive black"
        assert as_sent[inside(found, 8)].mean() > 40
    sky = (slice(0, 40), slice(500, 1200))  # far from both
    assert np.abs(stored[sky] - as_sent[sky]).mean() < 1.5
    face = Box(*(round(v * 320 / 1200) for v in FACE_BOX))
    assert pixels(info.thumbnail)[inside(face, 6)].max() <= 10


def test_the_switch_takes_0_or_1_and_says_so() -> None:
    assert not settings_from_env({}).redact_on_upload
    with pytest.raises(ConfigError, match=r"SAFEWALK_REDACT_ON_UPLOAD='yes' must be 0 or 1"):
        settings_from_env({"SAFEWALK_REDACT_ON_UPLOAD": "yes"})


def test_the_api_suggests_and_blacks_out_as_the_command_does(redacted: Redacted) -> None:
    number = redacted.others[1]
    (observation,) = [o for o in list_observations(redacted.workspace, AREA) if o.number == number]
    base = f"/api/v1/observations/{observation.uuid}/photos"
    with TestClient(Starlette(routes=routes(lambda: redacted.workspace))) as client:
        found = client.get(f"{base}/suggestions")
        assert found.status_code == 200
        (photo,) = found.json()["photos"]
        assert sorted(b["kind"] for b in photo["boxes"]) == ["face", "plate"]
        face = next(b["box"] for b in photo["boxes"] if b["kind"] == "face")
        for body in ({"boxes": []}, {"boxes": [[1, 2, 3]]}, {"boxes": [["1", 2, 3, 4]]}, {}):
            refused = client.post(f"{base}/1/redact", json=body)
            assert (refused.status_code, refused.json()["field"]) == (422, "boxes")
        outside = client.post(f"{base}/1/redact", json={"boxes": [[1100, 700, 200, 200]]})
        assert outside.status_code == 422
        assert client.post(f"{base}/2/redact", json={"boxes": [face]}).status_code == 404
        unchanged = stored_photo(redacted.workspace, number)[1]
        done = client.post(f"{base}/1/redact", json={"boxes": [face]})
    assert done.status_code == 200
    assert done.json()["boxes"] == [face]
    assert done.json()["photo"] == 1
    after = pixels(stored_photo(redacted.workspace, number)[1])
    assert after[inside(Box(*face), 8)].max() <= 8
    assert pixels(unchanged)[inside(Box(*face), 8)].mean() > 40
