"""The phone capture page in Chromium: it opens offline after one visit, and its queue sends
each observation once, however the connection comes and goes.

The app runs with ``streamlit run`` on a copy of the seeded workspace, one for the module
(and one with an account for the logins); the page reaches nothing but the app. What was
stored is checked in the workspace itself: what is new since the test began.
"""

from __future__ import annotations

import gzip
import re
import shutil
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from email.message import Message
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Request, Route

from tests.accessibility import grave_violations
from tests.appserver import page_with_only_the_app, running_app
from tests.files import jpeg_with_gps
from walks.access.accounts import add_account
from walks.core.config import settings_from_env
from walks.core.model import Observation
from walks.fieldwork.recording import list_observations, observation_photos
from walks.fieldwork.startup import open_workspace

HASSELBY_GARD = {"longitude": 17.8445, "latitude": 59.3668, "accuracy": 8}
"""Hässelby gård centrum, inside the area."""
CITY_HALL = {"longitude": 18.0547, "latitude": 59.3275, "accuracy": 8}
"""Stockholm's city hall: outside every area of the workspace."""
SENT = re.compile(r"Skickad \(nr (\d+)\)")
PANE = "() => document.querySelector('#map .leaflet-map-pane').style.transform"
"""Where the map's pane is: it moves when the map is panned."""
PANNED = "(() => !document.querySelector('#map .leaflet-pan-anim'))"
"""The map has come to rest after a pan (Leaflet marks its panes while it moves)."""


def phone_at(
    browser: Browser, app_url: str, position: dict[str, float], outside: list[str]
) -> Page:
    page = page_with_only_the_app(browser, app_url, outside)
    page.context.grant_permissions(["geolocation"], origin=app_url)
    page.context.set_geolocation(position)
    return page


def open_capture(page: Page, app_url: str) -> None:
    page.goto(f"{app_url}/capture/")
    page.get_by_text("Belysning", exact=True).wait_for(timeout=30_000)


def wait_until_offline_ready(page: Page) -> None:
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30_000)


def hasselby_gard(workspace_path: Path) -> list[Observation]:
    workspace = open_workspace(settings_from_env({}, workspace=str(workspace_path)))
    return list_observations(workspace, "hasselby-gard")


def uuids(workspace_path: Path) -> set[str]:
    """The uuids of Hässelby gård's observations: the demo's, and other tests' in the module."""
    return {o.uuid for o in hasselby_gard(workspace_path)}


def new_observations(workspace_path: Path, earlier: set[str]) -> list[Observation]:
    """Hässelby gård's observations that are not among ``earlier``: the test's own."""
    return [o for o in hasselby_gard(workspace_path) if o.uuid not in earlier]


def save(page: Page) -> datetime:
    """Press Save; return the moment before, to the second (the page stores whole seconds)."""
    items = page.locator("#queue .item")
    count = items.count()
    before = datetime.now(UTC).replace(microsecond=0)
    page.get_by_role("button", name="Spara").click()
    items.nth(count).wait_for(timeout=10_000)
    return before


def log_in(page: Page) -> None:
    """Log in as lina, the registrant of ``lina_workspace``, on the page's login form."""
    page.get_by_label("Användarnamn").fill("lina")
    page.get_by_label("Lösenord").fill("lösenord-12345")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Inloggad som lina.").wait_for(timeout=10_000)


@pytest.fixture(scope="module")
def lina_workspace(tmp_path_factory: pytest.TempPathFactory, _seeded_template: Path) -> Path:
    """A copy of the seeded workspace with an account: registrant lina."""
    path = tmp_path_factory.mktemp("accounts") / "workspace"
    shutil.copytree(_seeded_template, path)
    workspace = open_workspace(settings_from_env({}, workspace=str(path)))
    add_account(workspace, "lina", "registrant", "lösenord-12345")
    return path


@pytest.fixture(scope="module")
def lina_app(lina_workspace: Path) -> Iterator[str]:
    """The app on ``lina_workspace``: it asks for a login."""
    with running_app(lina_workspace) as url:
        yield url


def dim_lamp_sent(page: Page, save_it: Callable[[], object]) -> None:
    """Choose a lighting observation of a dim lamp, save it (``save_it``), wait until sent."""
    page.get_by_text("Belysning", exact=True).click()
    page.get_by_text("Svagt ljus").click()
    save_it()
    page.locator("#queue .status").filter(has_text=SENT).wait_for(timeout=10_000)


def queue_statuses(page: Page) -> list[str]:
    return page.locator("#queue .status").all_inner_texts()


def test_three_observations_made_offline_are_stored_once_with_their_times_when_online(
    browser: Browser, module_app: str, module_workspace: Path, tmp_path: Path
) -> None:
    earlier = uuids(module_workspace)
    outside: list[str] = []
    page = phone_at(browser, module_app, HASSELBY_GARD, outside)
    context = page.context
    open_capture(page, module_app)
    wait_until_offline_ready(page)

    context.set_offline(True)
    page.reload()
    page.get_by_text("Område: Hässelby gård").wait_for(timeout=10_000)  # opened from the cache
    assert page.locator("#net").inner_text() == "Utan nät"

    # 1: a broken lamp from GPS, in three taps.
    page.get_by_text("Belysning", exact=True).click()
    page.get_by_text("Trasig lampa").click()
    made = [save(page)]

    # 2: graffiti with a photo (its EXIF position offered beside GPS's).
    photo = tmp_path / "IMG_0007.jpg"
    photo.write_bytes(jpeg_with_gps(17.8452, 59.3671, size=(1200, 900)))
    page.get_by_text("Klotter", exact=True).click()
    page.get_by_text("Fasad/vägg").click()
    page.get_by_label("Ta foto").set_input_files(photo)
    page.get_by_role("img", name="Foto 1").wait_for(timeout=10_000)
    page.get_by_role("button", name="Använd fotots position").click()
    page.get_by_text("Från fotot.").wait_for()
    made.append(save(page))

    # 3: a dark stretch drawn as a line with two taps on the map.
    page.get_by_text("Belysning", exact=True).click()
    page.get_by_text("Linje", exact=True).click()
    map_box = page.locator("#map").bounding_box()
    assert map_box is not None
    for dx in (-60, 60):
        page.locator("#map").click(position={"x": map_box["width"] / 2 + dx,
                                             "y": map_box["height"] / 2})  # fmt: skip
    page.get_by_role("button", name="Klar").click()
    page.get_by_text("Svagt ljus").click()
    made.append(save(page))
    assert queue_statuses(page) == ["Väntar"] * 3

    page.close()
    page = context.new_page()  # the browser closed and opened again, still offline
    page.goto(f"{module_app}/capture/")
    page.get_by_text("Sparade iakttagelser").wait_for(timeout=10_000)
    page.locator("#queue .status").nth(2).wait_for(timeout=10_000)
    assert queue_statuses(page) == ["Väntar"] * 3
    assert new_observations(module_workspace, earlier) == []

    went_online = datetime.now(UTC)
    context.set_offline(False)
    for index in range(3):
        page.locator("#queue .status").nth(index).filter(has_text=SENT).wait_for(timeout=30_000)
    page.get_by_text("Allt är skickat.").wait_for(timeout=30_000)

    stored = new_observations(module_workspace, earlier)
    assert len(stored) == 3
    assert sorted(o.category for o in stored) == ["graffiti", "lighting", "lighting"]
    shown = sorted(int(SENT.search(text)[1]) for text in queue_statuses(page))  # type: ignore[index]
    assert shown == sorted(o.number for o in stored)
    by_time = sorted(stored, key=lambda o: o.observed_at)
    for observation, before in zip(by_time, made, strict=True):
        assert before <= observation.observed_at < went_online
    assert [o.geometry_type for o in by_time] == ["Point", "Point", "LineString"]
    assert by_time[0].fields["problem"] == "broken"
    workspace = open_workspace(settings_from_env({}, workspace=str(module_workspace)))
    assert len(observation_photos(workspace, "hasselby-gard", by_time[1].uuid)) == 1
    assert outside == []


def test_an_answer_lost_on_the_way_stores_the_observation_once(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    earlier = uuids(module_workspace)
    page = phone_at(browser, module_app, HASSELBY_GARD, [])
    tries: list[int] = []

    def lose_the_first_answer(route: Route) -> None:
        if route.request.method != "POST":
            route.continue_()
            return
        if tries:
            tries.append(route.fetch().status)
            route.continue_()
        else:
            tries.append(route.fetch().status)  # the server stored it and answered ...
            route.abort()  # ... but the answer never reached the phone

    page.route(f"{module_app}/api/v1/observations", lose_the_first_answer)
    open_capture(page, module_app)
    page.get_by_text("Område: Hässelby gård").wait_for(timeout=10_000)
    page.get_by_text("Belysning", exact=True).click()
    page.get_by_text("Svagt ljus").click()
    save(page)
    page.get_by_text("Servern svarar inte").wait_for(timeout=10_000)
    assert queue_statuses(page) == ["Väntar"]
    assert len(new_observations(module_workspace, earlier)) == 1

    page.get_by_role("button", name="Skicka nu").click()
    page.locator("#queue .status").filter(has_text=SENT).wait_for(timeout=10_000)
    stored = new_observations(module_workspace, earlier)
    assert len(stored) == 1
    assert queue_statuses(page) == [f"Skickad (nr {stored[0].number})"]
    assert tries[0] == 201
    assert all(status in (200, 201) for status in tries[1:])
    assert 200 in tries[1:]


def test_a_position_outside_every_area_is_said_at_once_offline(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    earlier = uuids(module_workspace)
    page = phone_at(browser, module_app, CITY_HALL, [])
    open_capture(page, module_app)
    wait_until_offline_ready(page)
    page.context.set_offline(True)
    page.reload()
    where = page.locator("#where")
    where.filter(has_text="Positionen ligger utanför alla områden").wait_for(timeout=10_000)
    assert re.search(r"\d+,\d km från ", where.inner_text())
    page.get_by_text("Belysning", exact=True).click()
    page.get_by_text("Trasig lampa").click()
    page.get_by_role("button", name="Spara").click()
    page.locator("#message").filter(has_text="utanför alla områden").wait_for(timeout=5_000)
    assert page.locator("#queue .item").count() == 0

    page.get_by_role("button", name="English").click()
    page.get_by_text("The position lies outside every area").wait_for(timeout=5_000)
    assert page.evaluate("document.documentElement.lang") == "en"
    assert new_observations(module_workspace, earlier) == []


def test_the_first_visit_transfers_less_than_300_kilobytes(
    browser: Browser, module_app: str
) -> None:
    # No routes here: Playwright turns the HTTP cache off while it routes, and the service
    # worker's revalidations of what the page just fetched would count twice.
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="sv-SE")
    page = context.new_page()
    finished: list[Request] = []
    page.context.on("requestfinished", lambda request: finished.append(request))
    page.goto(f"{module_app}/capture/", wait_until="networkidle")
    wait_until_offline_ready(page)
    page.get_by_text("Belysning", exact=True).wait_for(timeout=10_000)
    page.wait_for_load_state("networkidle")
    sizes = [request.sizes() for request in finished]
    transferred = sum(s["responseBodySize"] + s["responseHeadersSize"] for s in sizes)
    assert transferred < 300_000, [request.url for request in finished]
    served = {request.url.removeprefix(module_app) for request in finished}
    assert {"/capture/", "/capture/leaflet.js", "/api/v1/areas", "/api/v1/catalog"} <= served


def test_the_page_files_are_compressed_typed_and_revalidated(module_app: str) -> None:
    def get(path: str, **headers: str) -> tuple[int, Message, bytes]:
        request = urllib.request.Request(f"{module_app}{path}", headers=headers)  # noqa: S310
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            with error:
                return error.code, error.headers, error.read()

    status, headers, body = get("/capture/leaflet.js", **{"Accept-Encoding": "gzip"})
    assert (status, headers["Content-Encoding"]) == (200, "gzip")
    assert headers["Content-Type"].startswith("text/javascript")
    assert headers["Cache-Control"] == "no-cache"
    assert gzip.decompress(body).startswith(b"/* @preserve\n * Leaflet 1.9.4")
    status, _, _ = get("/capture/leaflet.js", **{"Accept-Encoding": "gzip",
                                                 "If-None-Match": headers["ETag"]})  # fmt: skip
    assert status == 304
    status, headers, body = get("/capture/")
    assert "Content-Encoding" not in headers
    assert headers["Content-Type"] == "text/html; charset=utf-8"
    assert b'<html lang="sv">' in body
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    for path, kind in [("/capture/manifest.webmanifest", "application/manifest+json"),
                       ("/capture/icons/icon-512.png", "image/png"),
                       ("/capture/images/marker-icon.png", "image/png"),
                       ("/capture/sw.js", "text/javascript; charset=utf-8")]:  # fmt: skip
        status, headers, _ = get(path)
        assert (status, headers["Content-Type"]) == (200, kind), path
    assert get("/capture/capture.py")[0] == 404
    assert get("/capture/..%2Fapp.py")[0] != 200
    no_follow = urllib.request.build_opener(NoRedirect)
    with pytest.raises(urllib.error.HTTPError) as redirect:
        no_follow.open(f"{module_app}/capture?area=grimsta&walk=1", timeout=10)
    redirect.value.close()
    assert redirect.value.code == 308
    assert redirect.value.headers["Location"] == "/capture/?area=grimsta&walk=1"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@pytest.mark.parametrize(("width", "height"), [(390, 844), (1366, 900)])
def test_the_page_has_no_grave_accessibility_problem_in_either_language(
    browser: Browser, module_app: str, width: int, height: int
) -> None:
    outside: list[str] = []
    page = page_with_only_the_app(browser, module_app, outside, width=width, height=height)
    open_capture(page, module_app)
    assert page.evaluate("() => document.documentElement.lang") == "sv"
    assert grave_violations(page) == []
    page.get_by_role("button", name="English").click()
    page.get_by_text("Lighting", exact=True).wait_for(timeout=10_000)
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert grave_violations(page) == []
    assert outside == []
    page.evaluate("() => document.body.append(document.createElement('button'))")  # no name
    assert [v["id"] for v in grave_violations(page)] == ["button-name"]


def test_an_uncertain_gps_fix_is_flagged_before_saving_and_by_the_server_after(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    earlier = uuids(module_workspace)
    outside: list[str] = []
    page = phone_at(browser, module_app, {**HASSELBY_GARD, "accuracy": 120}, outside)
    open_capture(page, module_app)
    page.get_by_text("GPS ±120 m: osäker position (mer än 30 m)").wait_for(timeout=10_000)
    page.get_by_text("Belysning", exact=True).click()
    page.get_by_text("Svagt ljus").click()
    save(page)
    page.locator("#queue .status").filter(has_text=SENT).wait_for(timeout=10_000)
    page.get_by_text("GPS-positionen var osäker (±120 m, gränsen är 30 m).").wait_for()
    assert len(new_observations(module_workspace, earlier)) == 1
    assert outside == []


def test_with_accounts_the_page_asks_for_a_login_and_records_under_it(
    browser: Browser, lina_app: str, lina_workspace: Path
) -> None:
    earlier = uuids(lina_workspace)
    outside: list[str] = []
    page = phone_at(browser, lina_app, HASSELBY_GARD, outside)
    page.goto(f"{lina_app}/capture/")
    page.get_by_role("heading", name="Logga in").wait_for(timeout=30_000)
    page.get_by_label("Användarnamn").fill("lina")
    page.get_by_label("Lösenord").fill("fel")
    page.get_by_role("button", name="Logga in").click()
    page.get_by_text("Fel användarnamn eller lösenord.").wait_for(timeout=10_000)
    log_in(page)
    dim_lamp_sent(page, lambda: save(page))
    page.get_by_role("button", name="Logga ut").click()
    page.get_by_role("heading", name="Logga in").wait_for(timeout=10_000)
    cookies = [c["name"] for c in page.context.cookies()]
    assert "safewalk_session" not in cookies
    assert [o.created_by for o in new_observations(lina_workspace, earlier)] == ["lina"]
    assert outside == []


def test_a_double_tap_on_save_keeps_one_observation(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    earlier = uuids(module_workspace)
    outside: list[str] = []
    page = phone_at(browser, module_app, HASSELBY_GARD, outside)
    open_capture(page, module_app)
    page.get_by_text("Område: Hässelby gård").wait_for(timeout=10_000)
    dim_lamp_sent(page, page.get_by_role("button", name="Spara").dblclick)
    page.wait_for_timeout(1_000)  # a second one would have been sent by now
    assert page.locator("#queue .item").count() == 1
    assert len(new_observations(module_workspace, earlier)) == 1


def test_a_login_renewed_in_another_tab_does_not_refuse_what_waits(
    browser: Browser, lina_app: str, lina_workspace: Path
) -> None:
    earlier = uuids(lina_workspace)
    outside: list[str] = []
    first = phone_at(browser, lina_app, HASSELBY_GARD, outside)
    first.goto(f"{lina_app}/capture/")
    log_in(first)
    second = first.context.new_page()  # the same phone: the same cookies
    open_capture(second, lina_app)
    # Logged out once the page is drawn: the button sits under the form, which the
    # catalog fills after the login is known, so a click before then can miss it.
    second.get_by_text("Inloggad som lina.").wait_for(timeout=10_000)
    second.get_by_role("button", name="Logga ut").click()
    log_in(second)  # a new login: the first tab's CSRF value is stale now
    # sent at once: refused for the stale value, then sent with the new one
    dim_lamp_sent(first, lambda: save(first))
    assert [o.created_by for o in new_observations(lina_workspace, earlier)] == ["lina"]
    assert outside == []


def test_a_line_can_be_drawn_with_the_keyboard_alone(
    browser: Browser, module_app: str, module_workspace: Path
) -> None:
    earlier = uuids(module_workspace)
    outside: list[str] = []
    page = phone_at(browser, module_app, HASSELBY_GARD, outside)
    open_capture(page, module_app)
    page.get_by_text("Område: Hässelby gård").wait_for(timeout=10_000)
    page.get_by_text("Belysning", exact=True).click()
    page.get_by_text("Linje", exact=True).click()
    add = page.get_by_role("button", name="Punkt i kartans mitt")
    for keys in (["ArrowLeft"], ["ArrowRight"] * 3):
        pane = page.evaluate(PANE)
        page.locator("#map").focus()
        for key in keys:
            page.keyboard.press(key)  # Leaflet pans the focused map with the arrow keys
        page.wait_for_function(f"(before) => ({PANE})() !== before && {PANNED}()", arg=pane)
        add.press("Enter")
    page.get_by_role("button", name="Klar").press("Enter")
    page.get_by_text("Svagt ljus").click()
    save(page)
    page.locator("#queue .status").filter(has_text=SENT).wait_for(timeout=10_000)
    (line,) = new_observations(module_workspace, earlier)
    assert line.geometry_type == "LineString"
    assert outside == []
