"""Printed maps, the atlas and the walk protocol: real PDFs, opened and rendered."""

from __future__ import annotations

import http.server
import io
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import ClassVar

import numpy as np
import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from pypdf import PdfReader

from gis.printmap import Frame, choose_scale, place_labels, scale_bar_metres, scale_text
from tests.cli import run
from walks.core.model import ObservationDraft, Position
from walks.core.workspace import Workspace
from walks.documents.printing import PrintError, PrintOptions, print_area
from walks.fieldwork.recording import list_observations, record_observation

NOW = datetime(2026, 11, 27, 12, tzinfo=UTC)
MM_PER_POINT = 25.4 / 72


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages).split())


def page_mm(pdf: bytes, k: int = 0) -> tuple[int, int]:
    box = PdfReader(io.BytesIO(pdf)).pages[k].mediabox
    return round(float(box.width) * MM_PER_POINT), round(float(box.height) * MM_PER_POINT)


def ink(pdf: bytes, k: int = 0) -> float:
    """Return the share of a rendered page's pixels that are not white."""
    page = pypdfium2.PdfDocument(pdf)[k]
    pixels = np.asarray(page.render(scale=0.5).to_pil().convert("L"))
    return float((pixels < 245).mean())


@pytest.mark.parametrize(
    ("width", "height", "frame", "scale"),
    [(900, 600, (200, 130), 5_000), (1_900, 1_500, (200, 130), 20_000), (90, 60, (200, 130), 500)],
)
def test_the_scale_is_the_smallest_round_one_that_fits(
    width: float, height: float, frame: tuple[float, float], scale: int
) -> None:
    points = (frame[0] / MM_PER_POINT, frame[1] / MM_PER_POINT)
    assert choose_scale(width, height, *points) == scale
    assert scale_text(10_000) == "1:10 000"
    assert scale_bar_metres(5_000, 45) == 200  # 40 mm on paper, not over 45
    assert scale_bar_metres(10_000, 45) == 200


def test_crowded_numbers_move_apart_with_leaders_and_cover_nothing() -> None:
    from gis.printmap import LABEL_SIZE, fonts

    _, bold = fonts()
    rng = np.random.default_rng(3)
    points = [tuple(p) for p in rng.uniform(200, 320, size=(200, 2))]  # 200 in a 4 cm box
    frame = Frame(0, 0, 842, 595)
    texts = [str(k) for k in range(1, 201)]
    placed = place_labels(points, texts, frame, radius=3.2, font=bold)
    from reportlab.pdfbase.pdfmetrics import stringWidth

    boxes = [(p.x, p.y, p.x + stringWidth(t, bold, LABEL_SIZE), p.y + LABEL_SIZE * 0.8)
             for p, t in zip(placed, texts, strict=True)]  # fmt: skip
    overlaps = sum(
        1 for i, a in enumerate(boxes) for b in boxes[i + 1 :]
        if a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]
    )  # fmt: skip
    assert overlaps == 0
    assert any(p.leader for p in placed)
    assert all(frame.contains(b) for b in boxes)


def test_a_map_page_has_everything_the_analysis_group_reads(
    memory_workspace: Workspace,
) -> None:
    printed = print_area(memory_workspace, "hasselby-gard", PrintOptions(), now=NOW)
    assert page_mm(printed.pdf) == (297, 210)  # A4 landscape
    text = text_of(printed.pdf)
    numbers = [o.number for o in list_observations(memory_workspace, "hasselby-gard")
               if o.status.value not in ("resolved", "dismissed")]  # fmt: skip
    assert printed.markers == len(numbers)
    assert printed.covering == 0
    for wanted in ("Trygghetsvandring: Hässelby gård", "Hässelby gård · 2026-11-27",
                   "Teckenförklaring", "Belysning", "Brottsutsatt plats", "Områdesgräns",
                   "© OpenStreetMap contributors", "© Stockholms stad", "Sida 1", "N",
                   f"Skala {scale_text(printed.scales[0])} (A4)"):  # fmt: skip
        assert wanted in text, wanted
    assert re.search(r"Skala 1:\d{1,3}( \d{3})* \(A4\)", text)
    for number in numbers:  # every marker's number is in the text layer
        assert re.search(rf"(?<!\d){number}(?!\d)", text)
    assert "Klotter" in text  # the table
    assert "Nedskräpning" in text
    assert ink(printed.pdf) > 0.05  # not blank


def test_paper_orientation_layers_title_and_english(memory_workspace: Workspace) -> None:
    options = PrintOptions(paper="A3", orientation="portrait", layers=("lighting",),
                           title="Möte med analysgruppen", language="en")  # fmt: skip
    printed = print_area(memory_workspace, "hasselby-gard", options, now=NOW)
    assert page_mm(printed.pdf) == (297, 420)
    text = text_of(printed.pdf)
    assert "Möte med analysgruppen" in text
    assert "Legend" in text
    assert "Lighting (2)" in text
    assert "Graffiti" not in text  # not asked for: neither on the map nor in the legend
    assert "(A3)" in text
    assert "© City of Stockholm" in text


def test_a_long_table_continues_on_the_following_pages(memory_workspace: Workspace) -> None:
    for k in range(60):
        record_observation(memory_workspace, ObservationDraft(
            "litter", Position(17.842 + k * 0.00008, 59.3665 + (k % 7) * 0.0001),
            created_by="tests", severity=1, description=f"Skräp {k}: <b>å ä ö</b>",
            fields={"litter_type": "general"},
        ), area="hasselby-gard")  # fmt: skip
    printed = print_area(memory_workspace, "hasselby-gard", PrintOptions(), now=NOW)
    assert printed.pages >= 2
    text = text_of(printed.pdf)
    assert "Iakttagelser (forts.)" in text
    assert "Skräp 59: <b>å ä ö</b>" in text  # as text, not markup
    assert f"Sida {printed.pages}" in text
    assert printed.markers == 68
    assert printed.covering == 0  # 60 in a row of 400 m: every number finds a free place


def test_print_and_atlas_and_protocol_from_the_command_line(capsys, ws_sv, tmp_path) -> None:
    atlas = tmp_path / "atlas.pdf"
    code, out, err = run(capsys, "print", "--all", "-o", str(atlas), "--json", *ws_sv)
    assert code == 0, err
    written = json.loads(out)
    reader = PdfReader(atlas)
    assert len(reader.pages) == written["pages"] >= 11  # the overview and 10 areas
    overview = reader.pages[0].extract_text()
    assert "Atlas: Hässelby-Vällingby" in overview
    assert "2. Hässelby gård" in overview
    assert "sida 3" in overview
    assert "Hässelby gård" in reader.pages[2].extract_text()
    assert "Sida 3" in reader.pages[2].extract_text()
    # Each area's page framed on its observations, or the whole area when it has none.
    maps = {m["area"]: m for m in written["maps"]}
    assert [m["scale"] for m in written["maps"]] == written["scales"]
    assert "scale" not in written  # one scale a page
    assert (maps["hasselby-gard"]["page"], maps["hasselby-gard"]["extent"]) == (3, "observations")
    assert maps["hasselby-gard"]["inset"]
    assert (maps["vinsta"]["extent"], maps["vinsta"]["inset"]) == ("area", False)
    one = tmp_path / "one.pdf"
    code, out, err = run(capsys, "print", "--area", "hasselby-gard", "-o", str(one), "--json",
                         *ws_sv)  # fmt: skip
    assert code == 0, err
    written = json.loads(out)
    assert written["scale"] == written["maps"][0]["scale"] == written["scales"][0]
    assert f"Skala {scale_text(written['scale'])} (A4)" in text_of(one.read_bytes())
    code, out, err = run(capsys, "print", "--area", "vinsta", "--extent", "observations", "-o",
                         str(one), *ws_sv)  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[1] == (
        "Inga iakttagelser att rama in, så kartan visar hela området: Vinsta."
    )
    protocol = tmp_path / "protokoll.pdf"
    walks = json.loads(run(capsys, "walk", "list", "--area", "hasselby-gard", "--json", *ws_sv)[1])
    number = str(walks[0]["number"])
    code, out, err = run(capsys, "protocol", "--area", "hasselby-gard", "--walk", number, "-o",
                         str(protocol), *ws_sv)  # fmt: skip
    assert code == 0, err
    assert out.splitlines()[1] == (
        f"Deltagarna registrerar i vandringen med egen telefon via "
        f"http://localhost:8501/v/hasselby-gard/{number} (QR-koden i protokollet)."
    )
    code, out, err = run(capsys, "protocol", "--area", "hasselby-gard", "--walk", number, "-o",
                         str(protocol), "--json", *ws_sv)  # fmt: skip
    assert json.loads(out)["join_url"] == f"http://localhost:8501/v/hasselby-gard/{number}"
    text = text_of(protocol.read_bytes())
    for wanted in ("Protokoll: DEMO: Kvällsvandring Hässelby gård centrum", "2026-11-03 17:00",
                   "Mörker", "Polisen Västerort", "Boende: 9", "Lampan vid gångvägen"):  # fmt: skip
        assert wanted in text, wanted
    assert page_mm(protocol.read_bytes()) == (210, 297)
    for args, message in (
        (["print", "--area", "hasselby-gard", "-o", str(tmp_path / "x.png")], "slutar på .pdf"),
        (["print", "--area", "hasselby-gard", "--layers", "nope", "-o", str(tmp_path / "x.pdf")],
         "okänt lager nope"),
        (["protocol", "--area", "hasselby-gard", "--walk", "9", "-o", str(tmp_path / "x.pdf")],
         f"har ingen vandring 9; vandringar: {number}"),
    ):  # fmt: skip
        code, _, err = run(capsys, *args, *ws_sv)
        assert code == 1
        assert message in err
    assert not (tmp_path / "x.pdf").exists()


class _Tiles(http.server.BaseHTTPRequestHandler):
    """A tile server on this machine: every tile one colour, or 404 when told to fail."""

    png: ClassVar[bytes] = b""
    asked: ClassVar[list[str]] = []
    failing: ClassVar[bool] = False

    def do_GET(self) -> None:
        type(self).asked.append(self.path)
        if type(self).failing:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("Content-Type", "image/png")
        self.send_header("Content-Length", str(len(self.png)))
        self.end_headers()
        self.wfile.write(self.png)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def tile_server() -> Iterator[str]:
    buffer = io.BytesIO()
    Image.new("RGB", (256, 256), (250, 200, 0)).save(buffer, format="PNG")
    _Tiles.png, _Tiles.asked, _Tiles.failing = buffer.getvalue(), [], False
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tiles)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/{{z}}/{{x}}/{{y}}.png"
    server.shutdown()
    server.server_close()


def test_tiles_are_fetched_once_kept_on_disk_and_credited(
    memory_workspace: Workspace, tile_server: str, tmp_path: Path
) -> None:
    settings = replace(memory_workspace.settings, print_tiles=tile_server,
                       tile_cache=tmp_path / "tiles")  # fmt: skip
    workspace = Workspace(settings, memory_workspace.store)
    printed = print_area(workspace, "grimsta", PrintOptions(), now=NOW)
    assert printed.background == "tiles"
    fetched = len(_Tiles.asked)
    assert 0 < fetched == len(list((tmp_path / "tiles").rglob("*.png")))
    assert "Bakgrundskarta: © OpenStreetMap contributors" in text_of(printed.pdf)
    assert len(PdfReader(io.BytesIO(printed.pdf)).pages[0].images) == 1
    page = np.asarray(pypdfium2.PdfDocument(printed.pdf)[0].render(scale=0.5).to_pil())
    assert ((page[..., 0] > 240) & (page[..., 2] < 30)).mean() > 0.2  # the tiles' yellow
    again = print_area(workspace, "grimsta", PrintOptions(), now=NOW)
    assert (again.background, len(_Tiles.asked)) == ("tiles", fetched)  # from the disk
    vector = print_area(workspace, "grimsta", PrintOptions(background="vector"), now=NOW)
    assert vector.background == "vector"
    assert "Bakgrundskarta" not in text_of(vector.pdf)


def test_a_tile_server_that_fails_gives_the_vector_background_and_the_next_print_asks_again(
    memory_workspace: Workspace, tile_server: str, tmp_path: Path
) -> None:
    _Tiles.failing = True
    settings = replace(memory_workspace.settings, print_tiles=tile_server,
                       tile_cache=tmp_path / "tiles")  # fmt: skip
    workspace = Workspace(settings, memory_workspace.store)
    printed = print_area(workspace, "grimsta", PrintOptions(), now=NOW)
    assert printed.background == "vector"
    asked = len(_Tiles.asked)
    assert asked > 0
    # The failure belonged to that print job: the next one (maybe another session's) tries.
    _Tiles.failing = False
    assert print_area(workspace, "grimsta", PrintOptions(), now=NOW).background == "tiles"
    assert len(_Tiles.asked) > asked
    with pytest.raises(PrintError, match="no tile server is set"):
        print_area(memory_workspace, "grimsta", PrintOptions(background="tiles"), now=NOW)


def test_the_protocol_shows_each_observations_photos(memory_workspace: Workspace) -> None:
    from gis.photos import process_photo
    from walks.documents.printing import walk_protocol
    from walks.fieldwork.planning import list_walks

    (walk,) = list_walks(memory_workspace, "hasselby-gard")

    def jpeg(colour: str) -> bytes:
        buffer = io.BytesIO()
        Image.new("RGB", (800, 600), colour).save(buffer, format="JPEG")
        return buffer.getvalue()

    photos = tuple(process_photo(jpeg(c), max_bytes=10_000_000) for c in ("red", "green"))
    record_observation(memory_workspace, ObservationDraft(
        "graffiti", Position(17.8445, 59.3668), created_by="tests", severity=2,
        description="Nytt klotter på muren", fields={"surface": "wall"}, photos=photos,
        walk_uuid=walk.uuid,
    ), area="hasselby-gard")  # fmt: skip
    printed = walk_protocol(memory_workspace, "hasselby-gard", walk.number, language="en",
                            now=NOW)  # fmt: skip
    reader = PdfReader(io.BytesIO(printed.pdf))
    assert sum(len(page.images) for page in reader.pages) == 2  # both thumbnails
    text = text_of(printed.pdf)
    assert "Protocol: DEMO: Kvällsvandring Hässelby gård centrum" in text
    assert "Nytt klotter på muren" in text
    assert "Residents: 9" in text
    assert printed.markers == 8


def test_the_protocol_has_a_qr_code_and_the_link_to_join_the_walk(
    memory_workspace: Workspace,
) -> None:
    from walks.documents.printing import first_page_png, walk_protocol

    settings = replace(memory_workspace.settings, public_url="https://trygghet.example.se")
    workspace = replace(memory_workspace, settings=settings)
    link = "https://trygghet.example.se/v/hasselby-gard/1"
    printed = walk_protocol(workspace, "hasselby-gard", 1, language="en", now=NOW)
    assert printed.join_url == link
    text = text_of(printed.pdf)
    assert f"Scan to register in this walk with your own phone {link}" in text
    annotations = PdfReader(io.BytesIO(printed.pdf)).pages[0].get("/Annots") or []
    assert [a.get_object()["/A"]["/URI"] for a in annotations] == [link]  # the link is live
    page = Image.open(io.BytesIO(first_page_png(printed.pdf, width_px=1400)))
    coded = "https://trygghet.example.se/capture/?area=hasselby-gard&walk=1"  # opens offline
    assert [code.text for code in zxingcpp.read_barcodes(page)] == [coded]
    swedish = text_of(walk_protocol(workspace, "hasselby-gard", 1, language="sv", now=NOW).pdf)
    assert f"Skanna för att registrera i den här vandringen med din egen telefon {link}" in swedish


def test_lines_and_areas_are_drawn_as_such(memory_workspace: Workspace) -> None:
    from shapely.geometry import LineString, Polygon

    from walks.core.model import DrawnShape

    line = LineString([(17.8570, 59.3545), (17.8660, 59.3550)])  # 510 m
    area = Polygon([(17.8580, 59.3557), (17.8640, 59.3557), (17.8640, 59.3580),
                    (17.8580, 59.3580)])  # fmt: skip
    drafts = (
        ObservationDraft("winter_maintenance", DrawnShape(line), created_by="tests",
                         severity=2, fields={"issue": "icy"}),
        ObservationDraft("vegetation", DrawnShape(area), created_by="tests", severity=2,
                         fields={"blocks_sightline": True}),
    )  # fmt: skip
    for draft in drafts:
        record_observation(memory_workspace, draft, area="grimsta")
    layers = ("winter_maintenance", "vegetation")
    printed = print_area(memory_workspace, "grimsta", PrintOptions(layers=layers), now=NOW)
    assert printed.markers == 2

    def share(colour: str) -> float:
        page = np.asarray(pypdfium2.PdfDocument(printed.pdf)[0].render(scale=2).to_pil())
        wanted = np.array([int(colour[k : k + 2], 16) for k in (1, 3, 5)])
        return float((np.abs(page.astype(int) - wanted).sum(axis=2) < 30).mean())

    # Far more of each colour than a marker and a legend symbol have (3e-5 of the page).
    catalog = memory_workspace.catalog
    assert share(catalog.category("winter_maintenance").style.colour) > 1.5e-4
    assert share(catalog.category("vegetation").style.colour) > 1.5e-4
