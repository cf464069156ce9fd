"""``safewalk migrate``: a folder of GeoPackages into PostGIS and back, losing nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from gis.photos import process_photo
from layers.store import Store, open_store
from tests.cli import run
from tests.files import jpeg_with_gps
from tests.postgres import PostgresServer
from walks.core.config import settings_from_env
from walks.core.model import ObservationDraft, Position
from walks.fieldwork.recording import record_observation
from walks.fieldwork.startup import open_workspace


def everything(store: Store) -> dict[str, dict[str, list[Any]]]:
    """Every row of every layer of every area, without the store's own row ids."""
    found: dict[str, dict[str, list[Any]]] = {}
    for area in store.areas():
        layers = found.setdefault(area.slug, {})
        for layer in store.feature_counts(area.slug):
            records = store.read_records(area.slug, layer)
            rows = [
                {k: (v.wkb_hex if hasattr(v, "wkb_hex") else v) for k, v in r.items() if k != "fid"}
                for r in records
            ]
            layers[layer] = sorted(rows, key=repr)
    return found


def test_a_workspace_goes_to_postgis_and_back_whole(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, postgres: PostgresServer,
    tmp_path: Path,
) -> None:  # fmt: skip
    # A photo, so that images go over too.
    workspace = open_workspace(settings_from_env({}, workspace=str(workspace_path)))
    photo = process_photo(jpeg_with_gps(17.8445, 59.3668, (800, 600)), max_bytes=10_000_000)
    record_observation(
        workspace,
        ObservationDraft(
            category="litter",
            position=Position(17.8445, 59.3668),
            fields={"litter_type": "general"},
            created_by="tests",
            photos=(photo,),
        ),
        area="hasselby-gard",
    )
    before = everything(workspace.store)
    url = postgres.new_database()
    code, out, err = run(capsys, "migrate", "--from", str(workspace_path), "--to", url, "--json",
                         "--lang", "en")  # fmt: skip
    assert code == 0, err
    moved = json.loads(out)
    assert set(moved["areas"]) == set(before)
    assert moved["areas"]["hasselby-gard"]["photos"] >= 1
    code, out, err = run(capsys, "check", "--database-url", url, "--lang", "en")
    assert (code, "is sound: 10 areas checked" in out) == (0, True), out + err
    back = tmp_path / "tillbaka"
    code, out, err = run(capsys, "migrate", "--from", url, "--to", str(back), "--lang", "en")
    assert code == 0, err
    assert "10 areas moved" in out
    assert "The source is untouched" in out
    after = everything(open_store(str(back)))
    for slug, layers in before.items():
        for layer, rows in layers.items():
            if layer == "change_log":  # each move logs that it made the area
                assert all(row in after[slug][layer] for row in rows), slug
                assert len(after[slug][layer]) == len(rows) + 2, slug
            else:
                assert after[slug][layer] == rows, (slug, layer)
    images = open_store(str(back))
    photo = images.read_photos("hasselby-gard", [
        r["feature_uuid"] for r in images.read_records("hasselby-gard", "photos")])[0]  # fmt: skip
    assert images.read_photo_image("hasselby-gard", photo.uuid) == workspace.store.read_photo_image(
        "hasselby-gard", photo.uuid
    )


def test_a_target_that_has_the_areas_already_is_refused_unchanged(
    capsys: pytest.CaptureFixture[str], workspace_path: Path, postgres: PostgresServer
) -> None:
    url = postgres.new_database()
    assert run(capsys, "migrate", "--from", str(workspace_path), "--to", url)[0] == 0
    revision = open_store(url).revision()
    code, _, err = run(capsys, "migrate", "--from", str(workspace_path), "--to", url,
                       "--lang", "en")  # fmt: skip
    assert code == 1
    assert "already has the areas grimsta, hasselby-gard" in err
    assert "nothing was changed" in err
    assert open_store(url).revision() == revision


def test_the_workspaces_own_catalog_goes_over(
    capsys: pytest.CaptureFixture[str], postgres: PostgresServer, tmp_path: Path
) -> None:
    from layers.catalog import DEFAULT_CATALOG_PATH

    source = tmp_path / "egen"
    text = DEFAULT_CATALOG_PATH.read_text(encoding="utf-8").replace(
        'title = { sv = "Belysning"', 'title = { sv = "Gatubelysning"'
    )
    open_store(str(source)).save_own_catalog(text)
    url = postgres.new_database()
    code, out, err = run(capsys, "migrate", "--from", str(source), "--to", url, "--json")
    assert (code, json.loads(out)["catalog"]) == (0, True), err
    assert open_store(url).catalog.category("lighting").title.sv == "Gatubelysning"
