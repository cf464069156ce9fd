"""Area files as the district's GIS tools see them: Debian's GDAL 3.6 and its GeoPackage validator.

QGIS 3.22 reads GeoPackages through GDAL; GDAL 3.6 is the oldest GDAL the files must open in.
The test command installs Debian's ``gdal-bin`` and ``python3-gdal`` (GDAL 3.6 on bookworm);
with ``CI=true`` these tests must run, never skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from shapely.geometry import LineString

from layers.gpkg import GeoPackageStore
from layers.schema import category_tables, load_layer_catalog
from layers.store import Area
from tests.builders import TEST_BOX, lighting
from tests.files import jpeg_with_gps
from tests.layers.old_files import REFERENCE_FIXTURE, old_workspace
from walks.cli.main import main

VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
SYSTEM_PYTHON = Path("/usr/bin/python3")

if not (shutil.which("ogrinfo") and VALIDATOR.is_file() and SYSTEM_PYTHON.is_file()):
    if os.environ.get("CI") == "true":
        pytest.fail("CI needs Debian's gdal-bin and python3-gdal", pytrace=False)
    pytest.skip("Debian's gdal-bin/python3-gdal are not installed", allow_module_level=True)


def ogr_feature_counts(path: Path) -> dict[str, int]:
    out = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True
    ).stdout
    names = re.findall(r"^Layer name: (\S+)$", out, flags=re.MULTILINE)
    counts = re.findall(r"^Feature Count: (\d+)$", out, flags=re.MULTILINE)
    return dict(zip(names, map(int, counts), strict=True))


def test_area_files_pass_the_geopackage_validator_with_extra_checks(workspace_path: Path) -> None:
    args = ["--workspace", str(workspace_path), "--category", "lighting", "--field", "problem=dim"]
    photo = workspace_path.parent / "photo.jpg"
    photo.write_bytes(jpeg_with_gps(17.8445, 59.3668))
    assert main(["add", *args, "--photo", str(photo)]) == 0
    for path in sorted(workspace_path.glob("*.gpkg")):
        validate(path)


def test_gdal_3_6_sees_every_layer_with_the_right_counts(workspace_path: Path) -> None:
    from layers.schema import load_layer_catalog
    from layers.store import open_store

    store = open_store(str(workspace_path), catalog=load_layer_catalog())
    counts = store.feature_counts("hasselby-gard")
    seen = ogr_feature_counts(workspace_path / "hasselby-gard.gpkg")
    assert {name: seen[name] for name in counts} == counts
    assert seen["lighting"] == 2
    assert "layer_styles" in seen


def test_a_category_that_comes_to_take_lines_gets_a_line_table_gdal_validates(
    tmp_path: Path,
) -> None:
    shipped = load_layer_catalog()
    points_only = tmp_path / "catalog.toml"
    text = Path(shipped.source).read_text(encoding="utf-8")
    points_only.write_text(
        text.replace('geometries = ["Point", "LineString"]\n', "", 1), encoding="utf-8"
    )
    old = GeoPackageStore(tmp_path / "ws", load_layer_catalog(points_only))
    old.add_area(Area("test", "Test", TEST_BOX), actor="tests")
    old.append("test", "lighting", lighting(), TEST_BOX.centroid, actor="tests")
    widened = GeoPackageStore(tmp_path / "ws", shipped)
    line = LineString([(661_500, 6_580_500), (661_600, 6_580_500)])
    widened.append("test", "lighting", lighting(), line, actor="tests")
    path = widened.path("test")
    result = subprocess.run(
        [str(SYSTEM_PYTHON), str(VALIDATOR), "-k", "--extra", "--warning-as-error", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    counts = ogr_feature_counts(path)
    assert (counts["lighting"], counts["lighting_line"]) == (1, 1)


def ogr_layers(path: Path) -> dict[str, tuple[str, str]]:
    """Return each layer's geometry type and SRS as GDAL 3.6 reports them (``ogrinfo -so``)."""
    out = subprocess.run(
        ["ogrinfo", "-ro", "-so", "-al", str(path)], capture_output=True, text=True, check=True
    ).stdout
    layers = {}
    for block in out.split("Layer name: ")[1:]:
        name = block.split("\n", 1)[0].strip()
        kind = re.search(r"^Geometry: (.+)$", block, flags=re.MULTILINE)
        srs = re.search(r'^\s+ID\["EPSG",(\d+)\]\]$', block, flags=re.MULTILINE)
        layers[name] = (kind.group(1) if kind else "None", srs.group(1) if srs else "")
    return layers


def validate(path: Path) -> None:
    result = subprocess.run(
        [str(SYSTEM_PYTHON), str(VALIDATOR), "-k", "--extra", "--warning-as-error", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, f"{path.name}: {result.stdout}{result.stderr}"


def assert_typed(path: Path) -> None:
    catalog = load_layer_catalog()
    seen = ogr_layers(path)
    names = {"Point": "Point", "LineString": "Line String", "Polygon": "Polygon"}
    for spec in catalog.categories:
        for name, kind in category_tables(spec):
            assert seen[name] == (names[kind], "3006"), name
    for layer in ("reference_schools", "reference_other"):
        assert seen[layer] == ("Point", "3006"), layer
        assert seen[f"{layer}_line"] == ("Line String", "3006"), layer
        assert seen[f"{layer}_area"] == ("Polygon", "3006"), layer
    assert seen["reference_owners"] == ("Multi Polygon", "3006")
    spatial = [name for name, (kind, _) in seen.items() if kind != "None"]
    assert "area" in spatial  # the reading found the layers
    for name in spatial:  # every layer with a geometry, context included
        kind, srs = seen[name]
        assert kind != "Unknown (any)", name
        assert srs == "3006", name


def test_every_spatial_layer_of_a_new_area_has_its_own_type_in_sweref(
    workspace_path: Path,
) -> None:
    for path in sorted(workspace_path.glob("*.gpkg")):
        assert_typed(path)


def test_an_upgraded_file_is_typed_and_passes_the_validator(tmp_path: Path) -> None:
    root = old_workspace(tmp_path)
    store = GeoPackageStore(root, load_layer_catalog())
    path = store.path("old")
    assert_typed(path)
    validate(path)
    counts = ogr_feature_counts(path)
    assert (counts["lighting"], counts["lighting_line"], counts["other_area"]) == (2, 1, 1)
    line = LineString([(661_500, 6_580_500), (661_600, 6_580_500)])
    store.append("old", "lighting", lighting(), line, actor="tests")
    validate(path)
    assert ogr_feature_counts(path)["lighting_line"] == 2


def test_an_upgraded_file_with_context_of_any_kind_is_typed_and_passes_the_validator(
    tmp_path: Path,
) -> None:
    root = old_workspace(tmp_path, REFERENCE_FIXTURE)
    store = GeoPackageStore(root, load_layer_catalog())
    path = store.path("old")
    assert_typed(path)
    validate(path)
    counts = ogr_feature_counts(path)
    assert {name: counts[name] for name in counts if name.startswith("reference_s")} == {
        "reference_schools": 1, "reference_schools_line": 1, "reference_schools_area": 3,
        "reference_stops": 0, "reference_streets": 0,
    }  # fmt: skip
    assert (counts["reference_other"], counts["reference_other_line"]) == (1, 2)
    assert (counts["reference_other_area"], counts["reference_owners"]) == (1, 2)
