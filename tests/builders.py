"""Values a test stores: the test area's box, observations, a walk, a measure, a photo."""

from __future__ import annotations

from datetime import UTC, datetime

import shapely

# A 2 km square in Grimsta, SWEREF 99 TM.
TEST_BOX = shapely.box(661_000, 6_580_000, 663_000, 6_582_000)

NOW = datetime(2026, 11, 26, 18, 30, tzinfo=UTC)


def lighting(at: datetime = NOW, **changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "status": "new",
        "problem": "broken",
        "observed_at": at,
        "created_at": at,
        "updated_at": at,
        "created_by": "tests",
        "is_demo": False,
    }
    values.update(changes)
    return values


def litter(**changes: object) -> dict[str, object]:
    values = {k: v for k, v in lighting().items() if k != "problem"}
    values["litter_type"] = "glass"
    values.update(changes)
    return values


def walk(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "Kvällsvandring",
        "starts_at": NOW,
        "kind": "regular",
        "created_at": NOW,
        "updated_at": NOW,
        "created_by": "tests",
        "is_demo": False,
    }
    values.update(changes)
    return values


def measure(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "title": "Byt lampor",
        "status": "proposed",
        "created_at": NOW,
        "updated_at": NOW,
        "created_by": "tests",
        "is_demo": False,
    }
    values.update(changes)
    return values


def photo(**changes: object) -> dict[str, object]:
    values: dict[str, object] = {
        "mime_type": "image/jpeg",
        "width": 4,
        "height": 3,
        "image": b"\xff\xd8 full image",
        "thumbnail": b"\xff\xd8 thumb",
        "created_at": NOW,
    }
    values.update(changes)
    return values
