"""Photos are never shown to residents: not on ``/boende``, ``/residents`` or *För boende*.

A measure residents see is about an observation with a photo of a person and a car; the
residents' pages show none of it, and the code behind them never reads a photo.
"""

from __future__ import annotations

import ast
import dataclasses
from pathlib import Path

from starlette.applications import Starlette
from starlette.testclient import TestClient

from gis.crs import to_wgs84
from gis.photos import process_photo
from tests.files import street_photo
from walks.actions.measures import add_measure, change_status
from walks.actions.public import PublicMeasure, public_measures
from walks.core.model import MeasureStatus, ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.fieldwork.recording import observation_photos, record_observation
from walks.web import routes

ROOT = Path(__file__).resolve().parents[2]
RESIDENTS_CODE = ("walks/web/residents.py", "walks/actions/public.py", "ui/public_page.py",
                  "walks/web/areamap.py")  # fmt: skip
"""What draws the residents' pages and gives them their data."""
PHOTO_READERS = frozenset({"read_photos", "read_photo_image", "observation_photos",
                           "photo_image", "photo_thumbnails", "thumbnails", "full_photo",
                           "image"})  # fmt: skip
"""The calls that read photos (``st.image`` shows one)."""


def test_a_public_measure_about_an_observation_with_a_photo_shows_no_photo(
    memory_workspace: Workspace,
) -> None:
    area = next(a for a in memory_workspace.areas() if a.slug == "grimsta")
    point = to_wgs84(area.boundary.representative_point())
    photo = process_photo(street_photo(), max_bytes=10_000_000)
    observation = record_observation(memory_workspace, ObservationDraft(
        "graffiti", Position(point.x, point.y), created_by="tests", fields={"surface": "wall"},
        description="Klotter på muren", photos=(photo,),
    ), area="grimsta")  # fmt: skip
    (info,) = observation_photos(memory_workspace, "grimsta", observation.uuid)
    measure = add_measure(memory_workspace, "grimsta", observations=[observation.number],
                          title="Sanera muren", responsible="trafikkontoret", public=True,
                          actor="tests")  # fmt: skip
    change_status(memory_workspace, "grimsta", measure.number, MeasureStatus.DECIDED,
                  actor="tests")  # fmt: skip
    shown = public_measures(memory_workspace, "grimsta")
    assert [m.number for m in shown if m.title == "Sanera muren"] == [measure.number]
    assert {f.name for f in dataclasses.fields(PublicMeasure)} == {
        "number", "title", "status", "changed_on", "categories",
    }  # fmt: skip
    with TestClient(Starlette(routes=routes(lambda: memory_workspace))) as client:
        for path in ("/boende?area=grimsta", "/residents?area=grimsta"):
            page = client.get(path)
            assert page.status_code == 200
            assert "Sanera muren" in page.text  # the measure is there
            assert "<img" not in page.text
            assert "data:image" not in page.text
            assert info.uuid not in page.text
            assert observation.uuid not in page.text
            assert "/photos" not in page.text


def test_the_code_of_the_residents_pages_reads_no_photo() -> None:
    for name in RESIDENTS_CODE:
        tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
        called = {
            node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
        }
        assert called.isdisjoint(PHOTO_READERS), (name, called & PHOTO_READERS)
