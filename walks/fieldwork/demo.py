"""The demo data set: walks and observations marked as demo, reloadable apart from real data."""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from shapely.geometry import shape

from gis.crs import WGS84, to_storage_crs
from layers.schema import WALKS_LAYER, reference_layer
from layers.store import Area, Query
from layers.values import ReferenceKind
from walks.core.model import ObservationDraft, ObservationStatus, Position
from walks.core.workspace import Workspace
from walks.fieldwork.recording import record_observation
from walks.fieldwork.reference import stored_shapes

log = logging.getLogger(__name__)

DEMO_ACTOR: Final = "demo"


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What ``load_demo`` did."""

    removed: int
    walks: int
    observations: int
    areas_added: int


def _features(path: Path) -> list[dict[str, Any]]:
    features: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))["features"]
    return features


def load_demo(workspace: Workspace, *, now: datetime | None = None) -> DemoSummary:
    """(Re)load the demo data: remove every demo record, then add the demo set again.

    Records not marked as demo are never touched. The demo area (Smedshagen, an
    illustrative boundary) is added if it is missing. Demo observations get new
    numbers: numbers are never reused.
    """
    demo_dir = workspace.settings.data_dir / "demo"
    moment = now or datetime.now(UTC)
    existing = {area.slug for area in workspace.areas()}
    areas_added = 0
    for feature in _features(demo_dir / "areas.geojson"):
        props = feature["properties"]
        if props["slug"] not in existing:
            workspace.store.add_area(
                Area(
                    slug=props["slug"],
                    name=props["name"],
                    boundary=to_storage_crs(shape(feature["geometry"]), WGS84),
                    source=props["source"],
                    is_demo=True,
                ),
                actor=DEMO_ACTOR,
            )
            areas_added += 1
    slugs = {area.slug for area in workspace.areas()}
    removed = sum(_remove_demo_records(workspace, slug) for slug in sorted(slugs))

    walk_uuids: dict[str, str] = {}
    for feature in _features(demo_dir / "walks.geojson"):
        props = feature["properties"]
        if props["area"] not in slugs:
            log.warning(
                "demo walk %s: area %s is not in the workspace", props["key"], props["area"]
            )
            continue
        stored = workspace.store.append(
            props["area"],
            WALKS_LAYER,
            {
                "title": props["title"],
                "starts_at": datetime.fromisoformat(props["starts_at"]),
                "kind": props["kind"],
                "organisations": json.dumps(props["organisations"], ensure_ascii=False),
                "participants": json.dumps(props["participants"]),
                "created_at": moment,
                "updated_at": moment,
                "created_by": DEMO_ACTOR,
                "is_demo": True,
            },
            to_storage_crs(shape(feature["geometry"]), WGS84),
            actor=DEMO_ACTOR,
        )
        walk_uuids[props["key"]] = stored["uuid"]

    _add_owners(workspace, demo_dir / "owners_example.geojson", slugs, moment)
    observations = 0
    for feature in _features(demo_dir / "observations.geojson"):
        props = feature["properties"]
        if props["area"] not in slugs:
            continue
        lon, lat = feature["geometry"]["coordinates"]
        record_observation(
            workspace,
            ObservationDraft(
                category=props["category"],
                position=Position(lon, lat, WGS84),
                created_by=DEMO_ACTOR,
                severity=props["severity"],
                description=props["description"],
                walk_uuid=walk_uuids.get(props["walk"]) if props["walk"] else None,
                fields=props["fields"],
                observed_at=datetime.fromisoformat(props["observed_at"]),
                status=ObservationStatus(props["status"]),
                is_demo=True,
            ),
            area=props["area"],
            now=moment,
        )
        observations += 1
    return DemoSummary(removed, len(walk_uuids), observations, areas_added)


OWNERS_LAYER: Final = reference_layer(ReferenceKind.OWNERS)


def _add_owners(workspace: Workspace, path: Path, slugs: set[str], moment: datetime) -> None:
    """Add the example owner areas: made up, marked as demo, for the routing example."""
    per_area: dict[str, list[tuple[dict[str, object], Any]]] = {}
    for feature in _features(path):
        props = feature["properties"]
        if props["area"] not in slugs:
            continue
        values: dict[str, object] = {
            "name": props["name"],
            "organisation": props["organisation"],
            "source": props["source"],
            "source_id": props["id"],
            "created_at": moment,
            "updated_at": moment,
            "created_by": DEMO_ACTOR,
            "is_demo": True,
        }
        geometry = to_storage_crs(shape(feature["geometry"]), WGS84)
        for stored in stored_shapes(ReferenceKind.OWNERS, geometry):
            per_area.setdefault(props["area"], []).append((values, stored))
    for slug, rows in per_area.items():
        workspace.store.append_many(slug, OWNERS_LAYER, rows, actor=DEMO_ACTOR)


def _remove_demo_records(workspace: Workspace, slug: str) -> int:
    demo_only = Query(is_demo=True, columns=("uuid",))
    removed = 0
    for layer in (*workspace.catalog.names, WALKS_LAYER, OWNERS_LAYER):
        uuids = [record["uuid"] for record in workspace.store.read_records(slug, layer, demo_only)]
        removed += workspace.store.delete(slug, layer, uuids, actor=DEMO_ACTOR)
    return removed
