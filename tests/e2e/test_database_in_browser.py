"""The app on a PostGIS database: two instances at once, and the database restarted."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.appserver import running_app, wait_until_idle
from tests.postgres import PostgresServer
from walks.core.config import settings_from_env
from walks.fieldwork.startup import open_workspace


@pytest.fixture
def two_apps(postgres: PostgresServer) -> Iterator[tuple[str, str]]:
    """Two instances of the app on one new database with the shipped areas and the demo."""
    url = postgres.new_database()
    open_workspace(settings_from_env({}, database_url=url))
    with running_app(url) as first, running_app(url) as second:
        yield first, second


def phones(browser: Browser, at: list[tuple[str, float, float]]) -> list[Page]:
    """A phone on the register page of each (app, longitude, latitude), at its GPS position,
    a broken lamp chosen. Each step is taken on every phone before the next is waited for:
    the apps draw their pages at the same time."""
    pages = []
    for app, lon, lat in at:
        context = browser.new_context(
            viewport={"width": 390, "height": 844}, locale="sv-SE",
            geolocation={"longitude": lon, "latitude": lat, "accuracy": 5},
            permissions=["geolocation"],
        )  # fmt: skip
        context.route("**/*", lambda route, request, app=app: route.continue_()
                      if request.url.startswith(app) else route.abort())  # fmt: skip
        pages.append(context.new_page())
        pages[-1].goto(f"{app}/register", wait_until="commit")
    for page in pages:
        page.get_by_text("Registrera en iakttagelse").wait_for(timeout=60_000)
        page.locator('[data-testid="stSelectbox"]', has_text="Område").click()
        page.get_by_role("option", name="Hässelby gård").click()
    for page in pages:
        page.frame_locator("iframe").first.locator(".leaflet-container").wait_for(timeout=30_000)
        wait_until_idle(page)  # the new map reports back once: that rerun done
        page.get_by_role("button", name="Använd min position (GPS)").click()
    for page in pages:
        page.get_by_text("GPS-position:").wait_for(timeout=30_000)
        # Shown while that run still draws the page: a click now may land on the map.
        wait_until_idle(page)
        page.get_by_text("Trasig lampa").click()
        expect(page.get_by_role("radio", name="Trasig lampa")).to_be_checked()
    return pages


def test_two_instances_register_at_once_see_each_other_and_survive_a_database_restart(
    browser: Browser, postgres: PostgresServer, two_apps: tuple[str, str]
) -> None:
    # Two phones, one on each app, and a third whose form waits for the database's restart.
    *pages, waiting = phones(browser, [(two_apps[0], 17.8445, 59.3668),
                                    (two_apps[1], 17.8450, 59.3670),
                                    (two_apps[0], 17.8445, 59.3668)])  # fmt: skip
    for page in pages:  # both saves sent before either is confirmed
        page.get_by_role("button", name="Spara").click()
    numbers = []
    for page in pages:
        saved = page.get_by_text(re.compile(r"Sparad som nr \d+ i Hässelby gård"))
        saved.wait_for(timeout=60_000)
        numbers.append(int(re.findall(r"nr (\d+)", saved.inner_text())[0]))
    assert sorted(numbers) == [9, 10]  # the demo's 8, then one number each, never the same

    # The database goes away while a form is filled in: said, nothing saved; then saved.
    postgres.stop()
    try:
        waiting.get_by_role("button", name="Spara").click()
        waiting.get_by_text(re.compile("svarar inte.*inget sparades")).wait_for(timeout=60_000)
    finally:
        postgres.start()
    waiting.get_by_role("button", name="Spara").click()  # the same form, once more
    waiting.get_by_text("Sparad som nr 11 i Hässelby gård").wait_for(timeout=60_000)
    waiting.context.close()

    for page, app in zip(pages, two_apps, strict=True):  # each sees what both saved
        page.goto(app, wait_until="commit")
    for page in pages:
        page.get_by_text(re.compile(r"\d+ av 18 iakttagelser")).wait_for(timeout=60_000)
        page.context.close()
