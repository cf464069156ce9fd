"""Streets, paths and buildings: loaded with their source and licence, drawn on both maps.

Every street and building here is synthetic, made in the test (names say so): none is
real data.
"""

from __future__ import annotations

import base64
import io
import json
import re
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pypdfium2
import pytest
import shapely
from defusedxml import ElementTree
from pypdf import PdfReader
from pyproj import Transformer
from reportlab.pdfbase.pdfmetrics import stringWidth

from gis.linelabels import place_line_labels
from gis.printmap import fonts
from layers.qml import streets_qml
from layers.schema import PATH_TYPES
from tests.cli import run
from tests.files import geojson
from ui.maps import area_web_map, district_web_map, walk_web_map
from walks.core.workspace import Workspace
from walks.documents.areasmap import map_data
from walks.documents.mapdata import area_map_data, walk_map_data
from walks.documents.printing import PrintOptions, print_area, walk_protocol
from walks.documents.streets import credit_texts, is_path, street_layers
from walks.fieldwork.planning import list_walks
from walks.fieldwork.recording import list_observations, walk_observations
from walks.fieldwork.reference import ReferenceInputError, add_reference_from_file

# Hässelby gård centrum in SWEREF 99 TM; the synthetic streets are laid out around it.
CX, CY = 661_650.0, 6_584_350.0
NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
SOURCE = "Syntetiska testdata"
OSM = "© OpenStreetMap contributors"


def synthetic_streets(path: Path) -> Path:
    """Write made-up streets as a city file would have them: SWEREF 99 18 00, GATUNAMN, TYP.

    Layer ``gator``: a straight east-west street, a street of two parts (a multi-line), a
    footway, a street without a name; beside it a layer ``annat`` the load leaves alone.
    """
    streets = gpd.GeoDataFrame(
        {
            "OBJECTID": [1, 2, 3, 4],
            "GATUNAMN": ["Syntetgatan (test)", "Provvägen (test)", "Teststigen", None],
            "TYP": ["Lokalgata", "Huvudgata", "Gångväg", "Lokalgata"],
        },
        geometry=[
            shapely.LineString([(CX - 300, CY - 60), (CX + 300, CY - 60)]),
            shapely.MultiLineString([[(CX - 200, CY - 250), (CX - 150, CY)],
                                     [(CX - 150, CY), (CX - 60, CY + 250)]]),
            shapely.LineString([(CX + 100, CY - 200), (CX + 120, CY + 200)]),
            shapely.LineString([(CX - 300, CY + 150), (CX + 300, CY + 180)]),
        ],
        crs="EPSG:3006",
    ).to_crs("EPSG:3011")  # fmt: skip
    streets.to_file(path, layer="gator", driver="GPKG")
    other = gpd.GeoDataFrame({"x": [1]}, geometry=[shapely.Point(CX, CY)], crs="EPSG:3006")
    other.to_file(path, layer="annat", driver="GPKG")
    return path


def lon_lat(x: float, y: float) -> list[float]:
    lon, lat = Transformer.from_crs(3006, 4326, always_xy=True).transform(x, y)
    return [lon, lat]


def synthetic_buildings(path: Path) -> Path:
    """Write made-up buildings as an OpenStreetMap extract has them: WGS 84, name, building.

    Two single houses, a building of two parts (a multi-polygon), and a line (refused).
    """

    def square(x: float, y: float, side: float = 20.0) -> list[list[float]]:
        return [lon_lat(x, y), lon_lat(x + side, y), lon_lat(x + side, y + side),
                lon_lat(x, y + side), lon_lat(x, y)]  # fmt: skip

    return geojson(
        path,
        ({"@id": "way/1", "building": "apartments", "name": "Testhuset"},
         {"type": "Polygon", "coordinates": [square(CX - 250, CY - 40)]}),
        ({"@id": "way/2", "building": "yes"},
         {"type": "Polygon", "coordinates": [square(CX + 150, CY - 40)]}),
        ({"@id": "relation/3", "building": "school"},
         {"type": "MultiPolygon", "coordinates": [[square(CX, CY + 20)],
                                                  [square(CX + 40, CY + 20)]]}),
        ({"@id": "way/4", "building": "yes"},
         {"type": "LineString", "coordinates": [lon_lat(CX, CY), lon_lat(CX + 30, CY)]}),
    )  # fmt: skip


def load_streets(workspace: Workspace, tmp_path: Path, *, source: str = SOURCE) -> None:
    add_reference_from_file(workspace, "hasselby-gard", "streets",
                            synthetic_streets(tmp_path / "gator.gpkg"), layer="gator",
                            source=source, licence="CC0", actor="tests")  # fmt: skip


# ------------------------------------------------------------------ loading
def test_streets_of_a_city_file_are_stored_in_sweref_tm_split_named_typed_and_credited_once(
    capsys, ws, tmp_path, workspace_path
) -> None:
    path = synthetic_streets(tmp_path / "gator.gpkg")
    args = ["reference", "add", "--area", "Hässelby gård", "--kind", "streets", "--from",
            str(path), "--layer", "gator", "--source", SOURCE, "--licence", "CC0"]  # fmt: skip
    code, out, err = run(capsys, *args, "--json", *ws)
    assert code == 0, err
    loaded = json.loads(out)
    assert loaded == {"area": "hasselby-gard", "kind": "streets", "added": 5,
                      "already_there": 0, "outside_area": 0, "refused": [],
                      "source": SOURCE, "licence": "CC0"}  # fmt: skip
    frame = gpd.read_file(workspace_path / "hasselby-gard.gpkg", layer="reference_streets")
    assert frame.crs.to_epsg() == 3006
    assert set(frame.geom_type) == {"LineString"}
    by_id = {row.source_id: row for row in frame.itertuples()}
    assert sorted(by_id) == ["1", "2", "2#2", "3", "4"]  # the multi-line's two parts
    # Back in SWEREF 99 TM where the test laid it out, to the millimetre.
    assert shapely.equals_exact(
        by_id["1"].geometry, shapely.LineString([(CX - 300, CY - 60), (CX + 300, CY - 60)]), 0.001
    )
    assert (by_id["2"].name, by_id["2#2"].name) == ("Provvägen (test)",) * 2
    assert (by_id["3"].name, by_id["3"].type) == ("Teststigen", "Gångväg")
    assert pd.isna(by_id["4"].name)
    assert set(frame["attribution"]) == {SOURCE}
    assert set(frame["licence"]) == {"CC0"}
    assert json.loads(by_id["1"].attributes) == {"OBJECTID": 1}
    code, out, _ = run(capsys, *args, *ws)
    assert "Added 0 (streets and paths) to Hässelby gård; 5 were there already" in out
    assert f"Credited on the maps: {SOURCE} (CC0)." in out
    assert len(gpd.read_file(workspace_path / "hasselby-gard.gpkg",
                             layer="reference_streets")) == 5  # fmt: skip


def test_buildings_of_an_osm_extract_are_polygons_split_named_and_a_line_is_refused_by_row(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = synthetic_buildings(tmp_path / "byggnader.geojson")
    loaded = add_reference_from_file(memory_workspace, "hasselby-gard", "buildings", path,
                                     source=OSM, licence="ODbL", actor="tests")  # fmt: skip
    assert (loaded.added, loaded.source, loaded.licence) == (4, OSM, "ODbL")
    ((row, why),) = loaded.refused
    assert (row, why.en, why.sv) == (
        4, "Buildings are areas; this feature is a LineString",
        "Byggnader är ytor; det här objektet är en LineString",
    )  # fmt: skip
    records = memory_workspace.store.read_records("hasselby-gard", "reference_buildings")
    found = sorted((r["source_id"], r["name"], r["type"], r["geometry"].geom_type)
                   for r in records)  # fmt: skip
    assert found == [
        ("relation/3", None, "school", "Polygon"), ("relation/3#2", None, "school", "Polygon"),
        ("way/1", "Testhuset", "apartments", "Polygon"), ("way/2", None, "yes", "Polygon"),
    ]  # fmt: skip
    assert {(r["attribution"], r["licence"]) for r in records} == {(OSM, "ODbL")}
    assert round(records[0]["geometry"].area) == 400  # 20 m × 20 m, in metres again
    again = add_reference_from_file(memory_workspace, "hasselby-gard", "buildings", path,
                                    source=OSM, licence="ODbL", actor="tests")  # fmt: skip
    assert (again.added, again.already_there) == (0, 4)


def test_streets_without_a_source_and_licence_are_refused_naming_them_and_nothing_is_stored(
    capsys, ws, ws_sv, tmp_path, workspace_path
) -> None:
    path = synthetic_streets(tmp_path / "gator.gpkg")
    args = ["reference", "add", "--area", "hasselby-gard", "--kind", "streets", "--from",
            str(path), "--layer", "gator"]  # fmt: skip
    code, out, err = run(capsys, *args, *ws_sv)
    assert (code, out) == (1, "")
    assert err.strip() == (
        "safewalk: Gator och vägar ritas på kartorna och måste krediteras: ange källa och licens "
        '(--source och --licence saknas), t.ex. --source "Stockholms stad, öppna data" '
        '--licence CC0 eller --source "© OpenStreetMap contributors" --licence ODbL. '
        "Inget lästes in."
    )
    code, _, err = run(capsys, *args, "--source", SOURCE, *ws)
    assert code == 1
    assert "must be credited: give the source and licence (--licence missing)" in err
    code, _, err = run(capsys, "import", str(path), "--as", "reference", "--area",
                       "hasselby-gard", "--kind", "buildings", "--layer", "gator", "--licence",
                       "CC0", *ws)  # fmt: skip
    assert code == 1
    assert "Buildings are drawn on the maps and must be credited" in err
    assert "(--source missing)" in err
    for layer in ("reference_streets", "reference_buildings"):
        assert len(gpd.read_file(workspace_path / "hasselby-gard.gpkg", layer=layer)) == 0


@pytest.mark.parametrize(
    ("source", "licence", "missing"),
    [(None, None, "--source and --licence"), ("  ", "CC0", "--source"), (OSM, "", "--licence")],
)
def test_a_blank_source_or_licence_is_a_missing_one(
    memory_workspace: Workspace, tmp_path: Path, source: str | None, licence: str | None,
    missing: str,
) -> None:  # fmt: skip
    path = synthetic_buildings(tmp_path / "hus.geojson")
    with pytest.raises(ReferenceInputError, match=rf"\({missing} missing\)"):
        add_reference_from_file(memory_workspace, "hasselby-gard", "buildings", path,
                                source=source, licence=licence, actor="tests")  # fmt: skip
    assert memory_workspace.store.feature_counts("hasselby-gard")["reference_buildings"] == 0


def test_the_source_and_licence_are_checked_before_the_file_is_read(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    with pytest.raises(ReferenceInputError, match=r"\(--licence missing\)"):
        add_reference_from_file(memory_workspace, "hasselby-gard", "buildings",
                                tmp_path / "finns-inte.geojson", source=OSM,
                                actor="tests")  # fmt: skip
    with pytest.raises(ReferenceInputError, match="--source is 201 characters; at most 200"):
        add_reference_from_file(memory_workspace, "hasselby-gard", "streets",
                                tmp_path / "finns-inte.geojson", source="x" * 201,
                                licence="CC0", actor="tests")  # fmt: skip


def test_older_kinds_load_without_a_credit_and_keep_one_when_given(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    first = geojson(tmp_path / "lampor.geojson",
                    ({"id": "T1"}, {"type": "Point", "coordinates": lon_lat(CX, CY)}))  # fmt: skip
    loaded = add_reference_from_file(memory_workspace, "hasselby-gard", "lamps", first,
                                     actor="tests")  # fmt: skip
    assert (loaded.added, loaded.source, loaded.licence) == (1, None, None)
    at = {"type": "Point", "coordinates": lon_lat(CX + 5, CY)}
    second = geojson(tmp_path / "fler.geojson", ({"id": "T2"}, at))
    add_reference_from_file(memory_workspace, "hasselby-gard", "lamps", second, source=OSM,
                            licence="ODbL", actor="tests")  # fmt: skip
    records = memory_workspace.store.read_records("hasselby-gard", "reference_lamps")
    credits = {r["source_id"]: (r["attribution"], r["licence"]) for r in records}
    assert (credits["T1"], credits["T2"]) == ((None, None), (OSM, "ODbL"))
    # The shipped OpenStreetMap points are credited as such.
    assert credits["node/11694727275"] == (OSM, "ODbL 1.0")


@pytest.mark.parametrize(
    ("street_type", "path"),
    [("footway", True), ("cycleway", True), ("Gångväg", True), ("GC-väg", True),
     ("Cykelbana", True), ("steps", True), ("residential", False), ("Huvudgata", False),
     ("Lokalgata", False), (None, False), ("", False)],
)  # fmt: skip
def test_paths_are_told_from_streets_by_their_type(street_type: str | None, path: bool) -> None:
    assert is_path(street_type) is path


# ------------------------------------------------------------------ the printed map
def pdf_text(pdf: bytes) -> str:
    """All text of the first page as PDFium reads it, names at any angle included."""
    return pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()


def test_streets_and_buildings_are_drawn_under_the_markers_named_and_credited(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    load_streets(memory_workspace, tmp_path)
    add_reference_from_file(memory_workspace, "hasselby-gard", "buildings",
                            synthetic_buildings(tmp_path / "hus.geojson"), source=OSM,
                            licence="ODbL", actor="tests")  # fmt: skip
    printed = print_area(memory_workspace, "hasselby-gard", PrintOptions(paper="A3"), now=NOW)
    flat = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(printed.pdf)).pages)
                    .split())  # fmt: skip
    # The east-west street's name lies flat: in the text layer as any text.
    assert "Syntetgatan (test)" in flat
    # The others run along their streets, slanted; PDFium reads text at any angle.
    text = pdf_text(printed.pdf)
    assert "Provvägen (test)" in text
    assert "Teststigen" in text
    for credit in ("Gator och vägar: Syntetiska testdata, CC0",
                   "Byggnader: © OpenStreetMap contributors, ODbL"):  # fmt: skip
        assert credit in flat, credit
    assert "Byggnader" in text.split("Teckenförklaring")[1]  # in the legend
    # Drawn as vectors: the streets' grey, the paths' dash, the buildings' fill.
    content = b"".join(page.get_contents().get_data()
                       for page in PdfReader(io.BytesIO(printed.pdf)).pages)  # fmt: skip
    assert b".603922 .603922 .603922 RG" in content
    assert b"[2 1.4] 0 d" in content
    assert b".894118 .894118 .894118 rg" in content
    # Under the markers: the streets' grey comes before the first marker's colour.
    first_marker = content.index(b"1 .878431 .4 rg")  # the lamps' yellow, drawn first
    assert content.index(b".603922 .603922 .603922 RG") < first_marker


def test_a_street_name_with_no_room_is_left_out(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    line = {"type": "LineString",
            "coordinates": [lon_lat(CX, CY + 300), lon_lat(CX + 40, CY + 300)]}  # fmt: skip
    name = "Kortgränd med ett mycket långt namn (test)"
    short = geojson(tmp_path / "kort.geojson", ({"id": "K", "name": name}, line))
    add_reference_from_file(memory_workspace, "hasselby-gard", "streets", short, source=SOURCE,
                            licence="CC0", actor="tests")  # fmt: skip
    printed = print_area(memory_workspace, "hasselby-gard", PrintOptions(extent="area"), now=NOW)
    assert printed.scales == (20_000,)
    assert "Kortgränd" not in pdf_text(printed.pdf)  # 40 m is 2 mm at 1:20 000
    assert "Gator och vägar: Syntetiska testdata, CC0" in pdf_text(printed.pdf)


def test_the_protocol_map_shows_the_streets_and_credits_them(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    load_streets(memory_workspace, tmp_path)
    (walk,) = list_walks(memory_workspace, "hasselby-gard")
    printed = walk_protocol(memory_workspace, "hasselby-gard", walk.number, language="en",
                            now=NOW)  # fmt: skip
    text = pdf_text(printed.pdf)
    assert "Streets and paths: Syntetiska testdata, CC0" in text
    assert "Syntetgatan (test)" in text


def test_street_names_run_along_their_lines_never_upside_down_nor_over_each_other() -> None:
    regular, _ = fonts()
    lines = {
        "Västergatan": [shapely.LineString([(300, 100), (100, 100)])],  # drawn east to west
        "Norra vägen": [shapely.LineString([(100, 104), (300, 104)])],  # right beside it
        "Branta backen": [shapely.LineString([(400, 50), (420, 250)])],
        "Kort": [shapely.LineString([(10, 10), (20, 10)])],
        # In four pieces (a street's ways), each too short for its name: joined, it fits.
        "Styckevägen": [
            shapely.LineString([(100 + 20 * k, 250), (120 + 20 * k, 250)]) for k in (2, 0, 3, 1)
        ],
    }
    placed = place_line_labels(lines, (0, 0, 500, 300), font=regular, size=6)
    by_name = {label.text: label for label in placed}
    assert set(by_name) == {"Västergatan", "Norra vägen", "Branta backen", "Styckevägen"}
    assert "Kort" not in by_name  # no room
    assert by_name["Västergatan"].angle == 0  # not 180: read left to right
    assert 80 < by_name["Branta backen"].angle < 90
    outlines = [label.outline for label in placed]
    assert not any(a.intersects(b) for k, a in enumerate(outlines) for b in outlines[k + 1 :])
    assert by_name["Västergatan"].outline.bounds[2] - by_name["Västergatan"].outline.bounds[
        0] == pytest.approx(stringWidth("Västergatan", regular, 6) + 1)  # fmt: skip
    # Kept-free boxes (markers) are not covered; the same input gives the same map.
    marker = (150, 95, 250, 115)
    again = place_line_labels(lines, (0, 0, 500, 300), font=regular, size=6, keep_free=[marker])
    assert all(not label.outline.intersects(shapely.box(*marker)) for label in again)
    assert again == place_line_labels(lines, (0, 0, 500, 300), font=regular, size=6,
                                      keep_free=[marker])  # fmt: skip


# ------------------------------------------------------------------ the web map and QGIS
def context_data(html: str) -> list[dict[str, object]]:
    payloads = [json.loads(d) for d in re.findall(r"var data = (\{.*?\});\n", html)]
    return [d for d in payloads if "counts" in d]


def test_the_district_map_shows_streets_and_buildings_from_the_start_credited_and_escaped(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    hostile = "<b>Gatukontoret</b> & Co"
    load_streets(memory_workspace, tmp_path, source=hostile)
    add_reference_from_file(memory_workspace, "hasselby-gard", "buildings",
                            synthetic_buildings(tmp_path / "hus.geojson"), source=OSM,
                            licence="ODbL", actor="tests")  # fmt: skip
    data = map_data(memory_workspace, ["hasselby-gard"])
    assert [len(layer) for layer in data.streets] == [4, 5]  # buildings, streets
    assert len(list_observations(memory_workspace, "hasselby-gard")) == len(data.observations)
    fmap = district_web_map(data, language="sv", tiles_url=None)
    shown = {child.layer_name: child.show for child in fmap._children.values()
             if getattr(child, "layer_name", None)}  # fmt: skip
    assert shown["Referens: Gator och vägar"] is True
    assert shown["Referens: Byggnader"] is True
    assert shown["Referens: Belysningsstolpar"] is False  # the other reference layers: off
    html = fmap.get_root().render()
    assert hostile not in html
    assert "<b>Gatukontoret" not in html
    buildings, streets = context_data(html)
    assert streets["attribution"] == (
        "Gator och vägar: &lt;b&gt;Gatukontoret&lt;/b&gt; &amp; Co, CC0"
    )
    assert buildings["attribution"] == "Byggnader: © OpenStreetMap contributors, ODbL"
    assert streets["pane"] == "safewalkContext"  # under the observations' pane
    # Each name once; a number per street, 0 for none.
    assert streets["names"] == ["", "Provvägen (test)", "Syntetgatan (test)", "Teststigen"]
    assert streets["name"]["size"] == 1
    named = np.frombuffer(base64.b64decode(streets["name"]["data"]), "u1")
    assert sorted(named) == [0, 1, 1, 2, 3]
    thin = np.frombuffer(base64.b64decode(streets["thin"]), "u1")
    assert thin.sum() == 1  # Teststigen, a Gångväg, is a path
    at = streets["at"]
    lat = at["lat0"] + np.frombuffer(base64.b64decode(at["lat"]), "<u2") * at["step"]
    assert 59.35 < lat.min() < lat.max() < 59.38


def layer_control(html: str) -> list[tuple[str, bool]]:
    """The overlays of the map's layer control, in order: each name and whether it is shown
    from the start (added to the map)."""
    found = re.search(r"overlays :\s*\{(.*?)\},", html, flags=re.DOTALL)
    assert found is not None, "the map has no layer control"
    overlays = re.findall(r'^\s*(".*?") : (\w+),', found.group(1), re.M)
    return [(json.loads(name), f"{layer}.addTo(" in html) for name, layer in overlays]


def local_maps(workspace: Workspace, language: str) -> dict[str, str]:
    """The HTML of Hässelby gård's area map (registering, drawing a route) and walk map."""
    (walk,) = list_walks(workspace, "hasselby-gard")
    area = area_web_map(area_map_data(workspace, "hasselby-gard"), language=language,
                        tiles_url=None)  # fmt: skip
    walk_data = walk_map_data(workspace, walk, walk_observations(workspace, "hasselby-gard",
                                                                 walk.uuid))  # fmt: skip
    walked = walk_web_map(walk_data, language=language, tiles_url=None)
    return {"area": area.get_root().render(), "walk": walked.get_root().render()}


def test_the_area_and_walk_maps_show_the_areas_streets_and_buildings_named_and_credited(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    before = local_maps(memory_workspace, "sv")
    hostile = "<b>Gatukontoret</b> & Co"
    load_streets(memory_workspace, tmp_path, source=hostile)
    add_reference_from_file(memory_workspace, "hasselby-gard", "buildings",
                            synthetic_buildings(tmp_path / "hus.geojson"), source=OSM,
                            licence="ODbL", actor="tests")  # fmt: skip
    html_tag = geojson(tmp_path / "gata.geojson", (
        {"id": "H", "name": "<script>alert(1)</script>gatan"},
        {"type": "LineString", "coordinates": [lon_lat(CX, CY + 100), lon_lat(CX + 90, CY + 100)]},
    ))  # fmt: skip
    add_reference_from_file(memory_workspace, "hasselby-gard", "streets", html_tag,
                            source=OSM, licence="ODbL", actor="tests")  # fmt: skip
    for language, streets, buildings in [("sv", "Referens: Gator och vägar", "Referens: Byggnader"),
                                         ("en", "Reference: Streets and paths",
                                          "Reference: Buildings")]:  # fmt: skip
        for which, html in local_maps(memory_workspace, language).items():
            assert layer_control(html) == [(buildings, True), (streets, True)], which
            buildings_data, streets_data = context_data(html)
            assert "Provvägen (test)" in streets_data["names"], which
            assert "Testhuset" in buildings_data["names"], which
            assert buildings_data["attribution"] == f"{buildings.split(': ')[1]}: {OSM}, ODbL"
            # Each load credited, the hostile source escaped; its street's name escaped by
            # the browser's tooltip (escapeHtml), and not in the page as HTML.
            assert "&lt;b&gt;Gatukontoret&lt;/b&gt; &amp; Co, CC0" in streets_data["attribution"]
            assert "<b>Gatukontoret" not in html, which
            assert "<script>alert(1)</script>gatan" in streets_data["names"], which
            assert "<script>alert(1)" not in html, which
            assert streets_data["pane"] == "safewalkContext"  # under everything else
    # Without streets and buildings none of it is on the maps, nor a layer control.
    for which, html in before.items():
        assert context_data(html) == [], which
        assert "L.control.layers" not in html, which
        assert "Referens" not in html, which
        assert "Byggnader" not in html, which


def test_the_credits_of_kinds_loaded_alike_share_a_line(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    load_streets(memory_workspace, tmp_path, source=OSM)
    add_reference_from_file(memory_workspace, "hasselby-gard", "buildings",
                            synthetic_buildings(tmp_path / "hus.geojson"), source=OSM,
                            licence="CC0", actor="tests")  # fmt: skip
    layers = street_layers(memory_workspace, ["hasselby-gard"])
    assert credit_texts(layers, "en") == [
        "Buildings and streets and paths: © OpenStreetMap contributors, CC0"
    ]


def test_the_qgis_style_of_the_streets_draws_paths_by_their_type_and_names_the_streets() -> None:
    document = ElementTree.fromstring(streets_qml(PATH_TYPES).split("\n", 1)[1])
    rules = document.findall(".//rules/rule")
    assert [rule.get("label") for rule in rules] == ["path", "street"]
    assert "'footway|path|cycleway" in rules[0].get("filter", "")
    assert "\\" not in rules[0].get("filter", "")
    assert rules[1].get("filter") == "ELSE"
    assert document.find(".//text-style").get("fieldName") == "name"
    assert document.get("labelsEnabled") == "1"


def test_streets_loaded_for_two_neighbouring_areas_are_drawn_once(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    path = synthetic_streets(tmp_path / "gator.gpkg")
    for area in ("hasselby-gard", "vinsta"):
        add_reference_from_file(memory_workspace, area, "streets", path, layer="gator",
                                source=SOURCE, licence="CC0", actor="tests")  # fmt: skip
    assert len(street_layers(memory_workspace, ["vinsta"])[0]) == 5
    (both,) = street_layers(memory_workspace, ["hasselby-gard", "vinsta"])
    assert len(both) == 5


def box_of(pdf: bytes, text: str) -> tuple[float, float, float, float] | None:
    """The first page's box (left, bottom, right, top) around ``text``, or None."""
    page = pypdfium2.PdfDocument(pdf)[0].get_textpage()
    found = page.search(text).get_next()
    if found is None:
        return None
    start, count = found
    boxes = [page.get_charbox(k) for k in range(start, start + count)]
    return (min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
            max(b[3] for b in boxes))  # fmt: skip


def test_the_credits_beside_the_map_are_never_under_the_table(
    memory_workspace: Workspace, tmp_path: Path
) -> None:
    load_streets(memory_workspace, tmp_path)
    add_reference_from_file(memory_workspace, "hasselby-gard", "buildings",
                            synthetic_buildings(tmp_path / "hus.geojson"), source=OSM,
                            licence="ODbL", actor="tests")  # fmt: skip
    printed = print_area(memory_workspace, "hasselby-gard", PrintOptions(), now=NOW)
    credit = box_of(printed.pdf, "Gator och vägar: Syntetiska testdata, CC0")
    printed_on = box_of(printed.pdf, "Utskriven")
    assert credit is not None
    assert printed_on is not None
    table = box_of(printed.pdf, "Beskrivning")
    # The column beside the map ends above the table; else the table goes to the next page.
    assert table is None or printed_on[1] > table[3]
    assert printed.pages == 2
