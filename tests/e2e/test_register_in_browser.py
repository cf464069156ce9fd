"""End to end in a real browser: Debian's Chromium, phone viewport, network closed but localhost.

The app is started with ``streamlit run`` on a free port against a copy of the seeded
workspace, one for the module; each test checks the observations it stored (those new since it
began). Every request that does not go to the app is aborted, which proves the map needs no
CDN. With ``CI=true`` these tests must run: a missing browser fails them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import geopandas as gpd
import pytest
from playwright.sync_api import Browser, Page

from gis.crs import to_wgs84
from tests.appserver import page_with_only_the_app, running_app, wait_until_idle
from tests.files import geojson, jpeg_with_gps
from walks.core.config import Settings
from walks.core.workspace import connect_workspace
from walks.fieldwork.areas import find_area
from walks.fieldwork.recording import list_observations
from walks.fieldwork.reference import add_reference_from_file


def phone(browser: Browser, url: str, outside: list[str]) -> Page:
    return page_with_only_the_app(browser, url, outside)


def lighting(workspace_path: Path, area: str) -> list[tuple[str, int, str, str]]:
    """The area's lighting observations but the demo's: uuid, number, problem, made by."""
    with sqlite3.connect(workspace_path / f"{area}.gpkg") as connection:
        return connection.execute(
            "SELECT uuid, number, problem, created_by FROM lighting WHERE is_demo = 0"
        ).fetchall()


def next_number(workspace_path: Path, area: str) -> int:
    """The number the area's next observation gets: one after the highest there is."""
    workspace = connect_workspace(Settings(workspace=str(workspace_path)))
    return 1 + max(o.number for o in list_observations(workspace, area))


def building_in_grimsta(workspace_path: Path, folder: Path) -> tuple[float, float]:
    """Load a made-up named building, 100 m across, in Grimsta away from its observations;
    return its centre (longitude, latitude)."""
    workspace = connect_workspace(Settings(workspace=str(workspace_path)))
    west, south, east, north = to_wgs84(find_area(workspace, "grimsta").boundary).bounds
    # 400 m west and 280 m north of the map's centre, where no observation is.
    lon, lat = (west + east) / 2 - 0.0070, (south + north) / 2 + 0.0025
    dx, dy = 0.0009, 0.00045  # 50 m
    ring = [[lon - dx, lat - dy], [lon + dx, lat - dy], [lon + dx, lat + dy],
            [lon - dx, lat + dy], [lon - dx, lat - dy]]  # fmt: skip
    house = {"type": "Polygon", "coordinates": [ring]}
    path = geojson(folder / "hus.geojson", ({"id": "1", "name": "Testhuset"}, house))
    add_reference_from_file(workspace, "grimsta", "buildings", path,
                            source="Syntetiska testdata", licence="CC0", actor="tests")  # fmt: skip
    return lon, lat


def test_registering_by_tapping_the_map_stores_the_point(
    browser: Browser, module_app: str, module_workspace: Path, tmp_path: Path
) -> None:
    earlier = lighting(module_workspace, "grimsta")
    building = building_in_grimsta(module_workspace, tmp_path)
    number = next_number(module_workspace, "grimsta")  # 5 on the demo's four
    outside: list[str] = []
    page = phone(browser, module_app, outside)
    page.goto(f"{module_app}/register")
    page.get_by_text("Registrera en iakttagelse").wait_for(timeout=60_000)
    frame = page.frame_locator("iframe").first
    leaflet = frame.locator(".leaflet-container")
    leaflet.wait_for(timeout=30_000)
    attribution = frame.locator(".leaflet-control-attribution")
    assert "Stockholms stad (CC0)" in attribution.inner_text()
    assert "OpenStreetMap" in attribution.inner_text()
    assert "Byggnader: Syntetiska testdata, CC0" in attribution.inner_text()
    # Tapped on the building (drawn under everything): the map's position comes through.
    x, y = leaflet.evaluate(
        "(_, at) => { const p = window.map.latLngToContainerPoint(at); return [p.x, p.y]; }",
        building[::-1],
    )
    leaflet.click(position={"x": x, "y": y})
    tapped = page.get_by_text("Vald position:")
    tapped.wait_for(timeout=30_000)
    lon, lat = (float(v) for v in tapped.inner_text().split(":")[1].split(","))
    assert (lon, lat) == pytest.approx(building, abs=0.00045)  # on the building
    page.get_by_text("Område: Grimsta (från positionen)").wait_for(timeout=10_000)
    wait_until_idle(page)  # that run done: the form no longer moves under the click
    page.get_by_text("Trasig lampa").click()
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Sparad som nr").wait_for(timeout=30_000)
    rows = [row[1:] for row in lighting(module_workspace, "grimsta") if row not in earlier]
    assert rows == [(number, "broken", "app")]
    assert outside == []  # nothing left the machine: no CDN, no tiles


def test_a_photo_gives_the_position_and_loses_its_exif(
    browser: Browser, module_app: str, module_workspace: Path, tmp_path: Path
) -> None:
    earlier = lighting(module_workspace, "grimsta")
    photo = tmp_path / "IMG_0042.jpg"
    photo.write_bytes(jpeg_with_gps(17.8611, 59.3540))  # in Grimsta, the first area
    page = phone(browser, module_app, [])
    page.goto(f"{module_app}/register")
    page.get_by_text("Registrera en iakttagelse").wait_for(timeout=60_000)
    page.frame_locator("iframe").first.locator(".leaflet-container").wait_for(timeout=30_000)
    wait_until_idle(page)  # the map reports back once: a click during that rerun is lost
    page.get_by_text("Trasig lampa").click()
    with page.expect_response(lambda r: "upload_file" in r.url and r.ok, timeout=30_000):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(photo))
    wait_until_idle(page)
    page.get_by_role("button", name="Spara").click()
    page.get_by_text("Sparad som nr").wait_for(timeout=30_000)
    [uuid] = [row[0] for row in lighting(module_workspace, "grimsta") if row not in earlier]
    with sqlite3.connect(module_workspace / "grimsta.gpkg") as connection:
        images = connection.execute(
            "SELECT image FROM photos WHERE feature_uuid = ?", (uuid,)
        ).fetchall()
    assert len(images) == 1
    assert b"Exif" not in images[0][0]
    assert b"PhoneMaker" not in images[0][0]


def test_the_phones_gps_position_and_a_photo_are_stored_without_exif(
    browser: Browser, module_app: str, module_workspace: Path, tmp_path: Path
) -> None:
    number = next_number(module_workspace, "hasselby-gard")  # 9 on the demo's eight
    lon, lat = 17.8445, 59.3668  # Hässelby gård centrum
    context = browser.new_context(
        viewport={"width": 390, "height": 844},
        geolocation={"longitude": lon, "latitude": lat, "accuracy": 8},
        permissions=["geolocation"],
    )
    context.route(
        "**/*",
        lambda route, request: route.continue_()
        if request.url.startswith(module_app) else route.abort(),
    )  # fmt: skip
    page = context.new_page()
    page.goto(f"{module_app}/register")
    page.get_by_text("Registrera en iakttagelse").wait_for(timeout=60_000)
    # The area list is left on its first choice ("Från positionen"): the area follows the GPS.
    page.frame_locator("iframe").first.locator(".leaflet-container").wait_for(timeout=30_000)
    wait_until_idle(page)  # the map reports back once: that rerun done
    photo = tmp_path / "IMG_0100.jpg"
    photo.write_bytes(jpeg_with_gps(17.8611, 59.3540))  # its EXIF says Grimsta: GPS must win
    with page.expect_response(lambda r: "upload_file" in r.url and r.ok, timeout=30_000):
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(photo))
    page.get_by_role("button", name="Använd min position (GPS)").click()
    page.get_by_text("GPS-position: 17.844500, 59.366800 (±8 m).").wait_for(timeout=30_000)
    # Named before saving; the map moves to the area, mounts anew and reports back once.
    page.get_by_text("Område: Hässelby gård (från positionen)").wait_for(timeout=30_000)
    page.frame_locator("iframe").first.locator(".leaflet-container").wait_for(timeout=30_000)
    wait_until_idle(page)
    page.get_by_text("Trasig lampa").click()
    page.get_by_role("button", name="Spara").click()
    page.get_by_text(f"Sparad som nr {number} i Hässelby gård").wait_for(timeout=30_000)
    from shapely.geometry import Point

    from gis.crs import to_storage_crs

    expected = to_storage_crs(Point(lon, lat), "EPSG:4326")
    stored = read_layer(module_workspace / "hasselby-gard.gpkg", "lighting")
    mine = stored[stored["number"] == number]
    assert mine.geometry.iloc[0].distance(expected) < 1.0
    with sqlite3.connect(module_workspace / "hasselby-gard.gpkg") as connection:
        images = connection.execute(
            "SELECT image FROM photos WHERE feature_uuid = ?", (mine["uuid"].iloc[0],)
        ).fetchall()
    assert len(images) == 1
    assert b"Exif" not in images[0][0]
    context.close()


def read_layer(path: Path, layer: str) -> gpd.GeoDataFrame:
    import pyogrio

    return pyogrio.read_dataframe(path, layer=layer)


def test_the_map_works_when_the_tile_server_cannot_be_reached(
    browser: Browser, workspace_path: Path
) -> None:
    # Default settings (OpenStreetMap tiles), network closed: tiles fail, the page must not.
    with running_app(workspace_path, tiles=None) as url:
        outside: list[str] = []
        page = phone(browser, url, outside)
        page.goto(f"{url}/register")
        page.get_by_text("Registrera en iakttagelse").wait_for(timeout=60_000)
        leaflet = page.frame_locator("iframe").first.locator(".leaflet-container")
        leaflet.wait_for(timeout=30_000)
        page.frame_locator("iframe").first.locator("path.leaflet-interactive").first.wait_for(
            timeout=30_000
        )
        assert outside
        assert all("tile.openstreetmap.org" in u for u in outside)


def test_a_refused_gps_permission_says_what_to_do(browser: Browser, module_app: str) -> None:
    page = phone(browser, module_app, [])  # no geolocation permission granted
    page.context.clear_permissions()
    page.goto(f"{module_app}/register")
    page.get_by_text("Registrera en iakttagelse").wait_for(timeout=60_000)
    page.get_by_role("button", name="Använd min position (GPS)").click()
    page.get_by_text("Telefonen gav inte ut positionen").wait_for(timeout=30_000)
