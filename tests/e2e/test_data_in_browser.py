"""The data page in Chromium: an owners layer loaded from a file decides who is responsible;
files are previewed, imported and exported.

One app serves the module on a copy of the seeded workspace: each test checks what it changed
against the workspace as it was when the test began.
"""

from __future__ import annotations

import json
from pathlib import Path

from playwright.sync_api import Browser, Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from pyproj import Transformer

from tests.appserver import page_with_only_the_app, wait_until_idle
from tests.files import two_layer_geopackage
from walks.actions.routing import route_observations
from walks.core.config import Settings
from walks.core.workspace import connect_workspace
from walks.fieldwork.recording import list_observations


def choose_import_file(page: Page, path: Path, shown: str) -> None:
    """Choose ``path`` in the import's uploader and wait until ``shown`` is on the page.

    A file chosen while a run still draws the page can be lost (the uploader shows it, the
    script never gets it): it is chosen again, up to three times in all.
    """
    for attempt in range(3):
        wait_until_idle(page)
        page.locator('input[type="file"]').first.set_input_files(path)
        try:
            page.get_by_text(shown).first.wait_for(timeout=30_000)
            return
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            page.locator('input[type="file"]').first.set_input_files([])


def test_an_owners_file_uploaded_on_the_data_page_routes_the_observations_in_it(
    browser: Browser, module_app: str, module_workspace: Path, tmp_path: Path
) -> None:
    ring = [[17.859, 59.353], [17.866, 59.353], [17.866, 59.357], [17.859, 59.357],
            [17.859, 59.353]]  # fmt: skip
    properties = {"id": "g1", "name": "Gården <b>", "ägare": "Stockholmshem"}
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": properties,
         "geometry": {"type": "Polygon", "coordinates": [ring]}},
    ]}  # fmt: skip
    path = tmp_path / "ägare.geojson"
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.goto(f"{module_app}/data")
    page.get_by_text("Referenslager").wait_for(timeout=60_000)
    form = page.locator('[data-testid="stForm"]')
    # Grimsta, the first area by name, is chosen from the start.
    area = form.locator('[data-testid="stSelectbox"]', has_text="Område")
    expect(area.locator("input")).to_have_value("Grimsta")
    form.locator('input[type="file"]').set_input_files(path)
    form.get_by_text("ägare.geojson").wait_for(timeout=30_000)
    page.get_by_role("button", name="Läs in").click()
    page.get_by_text("Grimsta: 1 tillagda, 0 fanns redan").wait_for(timeout=30_000)
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    owned = [r for r in route_observations(workspace, "grimsta") if r.rule == "fastighetsagare"]
    assert owned
    assert {(r.responsible, r.feature) for r in owned} == {("stockholmshem", "Gården <b>")}
    assert outside == []
    page.context.close()


def test_observations_export_from_the_data_page(
    browser: Browser, module_app: str, module_workspace: Path, tmp_path: Path
) -> None:
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.goto(f"{module_app}/data")
    page.get_by_role("button", name="Ta fram filen").wait_for(timeout=60_000)
    kind = page.locator('[data-testid="stSelectbox"]', has_text="Format")
    kind.click()
    page.get_by_role("option", name="GeoJSON").click()
    page.get_by_role("button", name="Ta fram filen").click()
    button = page.get_by_role("button", name="Ladda ned safewalk-grimsta.geojson")
    button.wait_for(timeout=60_000)
    with page.expect_download(timeout=60_000) as download:
        button.click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    document = json.loads(path.read_text(encoding="utf-8"))
    assert {f["properties"]["area_id"] for f in document["features"]} == {"grimsta"}
    # The demo's four, and what the module's other tests imported.
    assert len(document["features"]) == len(list_observations(workspace, "grimsta"))
    assert outside == []
    page.context.close()


def test_a_file_is_previewed_then_imported_on_the_data_page(
    browser: Browser, module_app: str, module_workspace: Path, tmp_path: Path
) -> None:
    features = [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [17.862, 59.355]},
         "properties": {"category": "litter", "litter_type": "general",
                        "beskrivning": "<img src=x onerror=alert(1)>"}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [18.07, 59.33]},
         "properties": {"category": "litter", "litter_type": "general"}},
    ]  # fmt: skip
    path = tmp_path / "fältapp.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}),
                    encoding="utf-8")  # fmt: skip
    outside: list[str] = []
    dialogs: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(f"{module_app}/data")
    page.get_by_text("Importera iakttagelser").wait_for(timeout=60_000)
    choose_import_file(page, path, "Förhandsvisning, inget sparat: 1 skulle importeras "
                       "(Grimsta 1); 0 lagade, 1 avvisade")  # fmt: skip
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    before = len(list_observations(workspace, "grimsta"))
    page.get_by_role("button", name="Importera", exact=True).click()
    page.get_by_text("1 iakttagelser importerade (Grimsta 1)").wait_for(timeout=60_000)
    # While the run after the click finishes, the preview's caption can still stand beside
    # the result's: the result's is the one that stays.
    wait_until_idle(page)
    page.get_by_text("Kolumnerna i filen och fälten de fyller").last.wait_for(timeout=10_000)
    after = list_observations(workspace, "grimsta")
    assert len(after) == before + 1
    assert "<img src=x onerror=alert(1)>" in {o.description for o in after}
    assert dialogs == []
    assert outside == []
    page.context.close()


def test_a_geopackage_with_several_layers_offers_them_on_the_data_page(
    browser: Browser, module_app: str, tmp_path: Path
) -> None:
    path = two_layer_geopackage(tmp_path / "partner.gpkg")
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.goto(f"{module_app}/data")
    page.get_by_text("Importera iakttagelser").wait_for(timeout=60_000)
    choose_import_file(page, path, "Lager i filen")
    layer = page.locator('[data-testid="stSelectbox"]', has_text="Lager i filen")
    expect(layer.locator("input")).to_have_value("punkter")
    page.get_by_text(
        "Förhandsvisning, inget sparat: 1 skulle importeras (Hässelby gård 1)"
    ).wait_for(timeout=60_000)
    assert outside == []
    page.context.close()


def test_the_data_page_asks_for_a_required_field_the_file_lacks_before_its_preview(
    browser: Browser, module_app: str, module_workspace: Path, tmp_path: Path
) -> None:
    # A housing company's list of broken lamps: positions and a description, no problem.
    path = tmp_path / "lampor.csv"
    path.write_text("E (SWEREF99 TM);N (SWEREF99 TM);Beskrivning\n"
                    "661650;6584350;Lampa vid trappan\n661700;6584420;Lampa i gången\n",
                    encoding="utf-8")  # fmt: skip
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.goto(f"{module_app}/data")
    page.get_by_text("Importera iakttagelser").wait_for(timeout=60_000)
    choose_import_file(page, path, "Förhandsvisning, inget sparat: 0 skulle importeras")
    wait_until_idle(page)
    page.locator('[data-testid="stSelectbox"]', has_text="Kategori").first.click()
    page.get_by_role("option", name="Belysning").click()
    question = page.locator('[data-testid="stSelectbox"]', has_text="Problem *")
    question.wait_for(timeout=60_000)
    page.get_by_text("Välj värdena ovan; sedan visas vad som skulle importeras.").wait_for()
    expect(page.get_by_text("Förhandsvisning, inget sparat")).to_have_count(0)
    expect(page.get_by_role("button", name="Importera", exact=True)).to_have_count(0)
    question.click()
    page.get_by_role("option", name="Trasig lampa").click()
    page.get_by_text("Förhandsvisning, inget sparat: 2 skulle importeras (Hässelby gård 2); 0 "
                     "lagade, 0 avvisade").wait_for(timeout=60_000)  # fmt: skip
    page.get_by_text("Satt där filen inte har något värde: problem = broken.").wait_for()
    page.get_by_role("button", name="Importera", exact=True).click()
    page.get_by_text("2 iakttagelser importerade (Hässelby gård 2)").wait_for(timeout=60_000)
    workspace = connect_workspace(Settings(workspace=str(module_workspace)))
    found = list_observations(workspace, "hasselby-gard", category="lighting")
    lamps = {o.description: o.fields["problem"] for o in found}
    assert lamps["Lampa vid trappan"] == lamps["Lampa i gången"] == "broken"
    assert outside == []
    page.context.close()


def test_a_file_in_a_system_the_values_do_not_tell_is_imported_with_one_chosen(
    browser: Browser, module_app: str, tmp_path: Path
) -> None:
    # Web Mercator metres, which match none of the Swedish systems the values are tried in.
    x, y = Transformer.from_crs(4326, 3857, always_xy=True).transform(17.8445, 59.3668)
    path = tmp_path / "webbkarta.csv"
    path.write_text(f"X;Y;Kategori;Typ av skräp\n{x:.1f};{y:.1f};litter;general\n",
                    encoding="utf-8")  # fmt: skip
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=1280, height=1000)
    page.goto(f"{module_app}/data")
    page.get_by_text("Importera iakttagelser").wait_for(timeout=60_000)
    refusal = "varken koordinatsystemet eller vilken av X och Y som är nordlig går att avgöra"
    choose_import_file(page, path, refusal)
    wait_until_idle(page)
    system = page.locator('[data-testid="stSelectbox"]', has_text="Koordinatsystem")
    system.click()
    system.locator("input").fill("EPSG:3857")
    system.locator("input").press("Enter")
    page.get_by_text("Förhandsvisning, inget sparat: 1 skulle importeras (Hässelby gård 1)"
                     ).wait_for(timeout=60_000)  # fmt: skip
    page.get_by_text("bara så hamnar värdena (X 1 986 441, Y 8 260 092) vid områdena i WGS 84 "
                     "/ Pseudo-Mercator (EPSG:3857)").wait_for()  # fmt: skip
    expect(page.get_by_text(refusal)).to_have_count(0)
    assert outside == []
    page.context.close()
