"""The feature service (OGC API – Features at /ogc/) on a real seeded workspace.

Through Starlette's test client on the routes ``app.py`` mounts, and with OWSLib (a client
library QGIS users script with) over HTTP against the same routes served by uvicorn.
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import shapely
import uvicorn
from argon2 import PasswordHasher
from openapi_spec_validator import validate
from owslib.ogcapi.features import Features
from owslib.util import Authentication, http_get
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gis.crs import SWEREF99_TM, WGS84, transform_xy
from layers.store import Query
from tests.appserver import free_port
from tests.builders import lighting
from tests.postgres import PostgresServer
from walks.access import accounts as account_module
from walks.access.accounts import add_account, set_disabled, set_password
from walks.core.config import settings_from_env
from walks.core.workspace import Workspace
from walks.fieldwork.startup import open_workspace
from walks.web import OGC_PREFIX, routes
from walks.web.ogc.params import CRS84, EPSG_3006

AREA = "hasselby-gard"
LIGHTING = f"{AREA}__lighting"
ADDED = 23
"""Lighting observations each test's layer gets besides the demo's, one a day in November."""
FIRST_DAY = datetime(2025, 11, 1, 17, 30, tzinfo=UTC)
PASSWORD = "långt-och-hemligt"  # noqa: S105 - a test account's
CONFORMANCE = {
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
}


def add_lamps(workspace: Workspace) -> list[str]:
    """Add ``ADDED`` lighting observations in Hässelby gård, 20 m apart eastwards, one a day."""
    area = next(a for a in workspace.areas() if a.slug == AREA)
    start = area.boundary.representative_point()
    features = [
        (lighting(FIRST_DAY + timedelta(days=k), description=f"lampa {k}"),
         shapely.Point(start.x + 20 * k - 200, start.y))
        for k in range(ADDED)
    ]  # fmt: skip
    return [str(r["uuid"]) for r in workspace.store.append_many(AREA, "lighting", features,
                                                                 actor="tests")]  # fmt: skip


@pytest.fixture
def lamps(workspace: Workspace) -> list[str]:
    return add_lamps(workspace)


@pytest.fixture
def client(workspace: Workspace) -> Iterator[TestClient]:
    with TestClient(Starlette(routes=routes(lambda: workspace))) as client:
        yield client


@pytest.fixture
def quick_client(memory_workspace: Workspace) -> Iterator[TestClient]:
    """A client of a seeded workspace in memory: for what does not depend on the store."""
    with TestClient(Starlette(routes=routes(lambda: memory_workspace))) as client:
        yield client


def items(client: TestClient, collection: str = LIGHTING, **given: object) -> Any:
    """Return the items answer's JSON, checking its status and media type."""
    answer = client.get(f"{OGC_PREFIX}/collections/{collection}/items", params=given)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "application/geo+json"
    assert answer.headers["cache-control"] == "no-store"  # live, and the account's
    return answer.json()


def every_page(get: Callable[[str], Any], first: str) -> list[dict[str, Any]]:
    """Return the features of ``first`` and of every page its next links lead to."""
    features: list[dict[str, Any]] = []
    url: str | None = first
    for _ in range(100):  # a next link that leads back would go round for ever
        if url is None:
            return features
        page = get(url)
        assert page["numberReturned"] == len(page["features"])
        features += page["features"]
        url = next((link["href"] for link in page["links"] if link["rel"] == "next"), None)
    pytest.fail(f"still a next link after 100 pages: {url}")


def descriptions(answer: Any) -> list[str]:
    return [f["properties"]["description"] for f in answer["features"]]


# ------------------------------------------------------------------ documents


def test_the_landing_page_links_the_description_conformance_and_collections(
    quick_client: TestClient,
) -> None:
    client = quick_client
    moved = client.get(OGC_PREFIX, follow_redirects=False)  # /ogc, as people type it
    assert (moved.status_code, moved.headers["location"]) == (308, f"{OGC_PREFIX}/")
    answer = client.get(f"{OGC_PREFIX}/")
    assert answer.headers["content-type"] == "application/json"
    links = {link["rel"]: link for link in answer.json()["links"]}
    assert links["self"]["href"] == "http://testserver/ogc/"
    assert links["data"]["href"] == "http://testserver/ogc/collections"
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    conformance = client.get(links["conformance"]["href"]).json()
    assert set(conformance["conformsTo"]) == CONFORMANCE
    described = client.get(links["service-desc"]["href"])
    assert described.headers["content-type"] == "application/vnd.oai.openapi+json;version=3.0"
    validate(described.json())
    limit = described.json()["components"]["parameters"]["limit"]["schema"]
    assert (limit["default"], limit["maximum"]) == (10, 10_000)


def test_collections_are_one_per_area_and_table_titled_in_the_callers_language(
    quick_client: TestClient, memory_workspace: Workspace
) -> None:
    client, workspace = quick_client, memory_workspace
    listed = client.get(f"{OGC_PREFIX}/collections").json()["collections"]
    ids = [c["id"] for c in listed]
    assert len(ids) == len(set(ids))
    assert {f"{AREA}__area", LIGHTING, f"{AREA}__passage", f"{AREA}__passage_line",
            f"{AREA}__crime_place", f"{AREA}__walks"} <= set(ids)  # fmt: skip
    assert len({c["id"].split("__")[0] for c in listed}) == len(workspace.areas())
    lighting_ = next(c for c in listed if c["id"] == LIGHTING)
    assert lighting_["title"] == "Hässelby gård: Belysning (punkter)"
    assert lighting_["crs"] == [CRS84, EPSG_3006]
    assert lighting_["storageCrs"] == EPSG_3006
    (west, south, east, north), = lighting_["extent"]["spatial"]["bbox"]  # fmt: skip
    assert 17.7 < west < east < 18.0
    assert 59.3 < south < north < 59.5
    english = client.get(f"{OGC_PREFIX}/collections/{AREA}__passage_line",
                         headers={"Accept-Language": "en-GB,en;q=0.9"}).json()  # fmt: skip
    assert english["title"] == "Hässelby gård: Passage or tunnel (lines)"
    assert client.get(f"{OGC_PREFIX}/collections/{LIGHTING}?lang=en").json()["title"] == (
        "Hässelby gård: Lighting (points)"
    )


# ---------------------------------------------------------------------- items


def test_paging_with_the_next_links_reads_the_whole_layer_once(
    client: TestClient, workspace: Workspace, lamps: list[str]
) -> None:
    stored = workspace.store.read_layer(AREA, "lighting", Query(kind="Point"))
    first = items(client, limit=7)
    assert first["numberMatched"] == len(stored) >= ADDED
    assert first["numberReturned"] == 7
    (following,) = [link["href"] for link in first["links"] if link["rel"] == "next"]
    assert "numberMatched" not in client.get(following).json()  # counted on the first page
    read = every_page(lambda url: client.get(url).json(), f"{OGC_PREFIX}/collections/{LIGHTING}"
                      "/items?limit=7")  # fmt: skip
    assert [f["id"] for f in read] == list(stored.index)
    assert [f["properties"]["uuid"] for f in read] == list(stored["uuid"])
    assert {f["geometry"]["type"] for f in read} == {"Point"}
    assert len(items(client)["features"]) == 10  # the default limit
    assert len(items(client, limit=50_000)["features"]) == len(stored)  # more: the most served


def test_a_box_selects_the_same_features_in_crs84_and_in_sweref_99_tm(
    client: TestClient, lamps: list[str]
) -> None:
    def corners(crs: str) -> tuple[list[float], list[float]]:
        """The lower and upper corner around lamps 5 to 8, in ``crs``'s own axis order."""
        every = items(client, limit=100, crs=crs)["features"]
        places = [f["geometry"]["coordinates"] for f in every
                  if f["properties"]["uuid"] in lamps[5:9]]  # fmt: skip
        return [min(p[k] for p in places) for k in (0, 1)], [
            max(p[k] for p in places) for k in (0, 1)]  # fmt: skip

    def selected(bbox: str, **crs: str) -> list[str]:
        answer = items(client, bbox=bbox, limit=100, **crs)
        assert answer["numberMatched"] == answer["numberReturned"]
        return sorted(f["properties"]["uuid"] for f in answer["features"])

    (west, south), (east, north) = corners(CRS84)
    in_degrees = selected(f"{west - 1e-5},{south - 1e-6},{east + 1e-5},{north + 1e-6}")
    assert in_degrees == sorted(lamps[5:9])
    (north_low, east_low), (north_high, east_high) = corners(EPSG_3006)  # northing first
    in_metres = f"{north_low - 1},{east_low - 1},{north_high + 1},{east_high + 1}"
    assert selected(in_metres, **{"bbox-crs": EPSG_3006}) == sorted(lamps[5:9])
    assert selected(f"{north_low - 1},{east_low + 1},{north_high + 1},{east_high - 1}",
                    **{"bbox-crs": "EPSG:3006"}) == sorted(lamps[6:8])  # fmt: skip
    assert selected("11.0,56.0,11.1,56.1") == []  # in Sweden, no observation there
    assert selected("-10,40,-9,41") == []  # where SWEREF 99 TM does not reach


def test_datetime_selects_on_the_time_observed_an_instant_a_day_or_an_interval(
    client: TestClient, lamps: list[str]
) -> None:
    def selected(period: str) -> list[str]:
        return [d for d in descriptions(items(client, datetime=period, limit=100))
                if d.startswith("lampa")]  # fmt: skip

    assert selected("2025-11-03T17:30:00Z") == ["lampa 2"]
    assert selected("2025-11-03T18:30:00+01:00") == ["lampa 2"]
    assert selected("2025-11-03T17:30:00.001Z") == []
    assert selected("2025-11-04") == ["lampa 3"]  # the day in Swedish time
    assert selected("2025-11-20/2025-11-21") == ["lampa 19", "lampa 20"]
    assert selected("2025-11-21T17:30:00Z/..") == ["lampa 20", "lampa 21", "lampa 22"]
    assert selected("../2025-11-02") == ["lampa 0", "lampa 1"]
    assert selected("/2025-11-01") == ["lampa 0"]
    matched = items(client, datetime="2025-11-01/2025-11-30", limit=2)
    assert (matched["numberMatched"], matched["numberReturned"]) == (23, 2)
    boundary = items(client, f"{AREA}__area", datetime="1999-01-01")
    assert boundary["numberReturned"] == 1  # a boundary has no time: not filtered by one


def test_coordinates_in_sweref_99_tm_are_northing_first_and_the_same_places(
    client: TestClient, lamps: list[str]
) -> None:
    answer = client.get(f"{OGC_PREFIX}/collections/{LIGHTING}/items",
                        params={"crs": EPSG_3006, "limit": 100})  # fmt: skip
    assert answer.headers["content-crs"] == f"<{EPSG_3006}>"
    in_metres = {f["id"]: f["geometry"]["coordinates"] for f in answer.json()["features"]}
    degrees = client.get(f"{OGC_PREFIX}/collections/{LIGHTING}/items", params={"limit": 100})
    assert degrees.headers["content-crs"] == f"<{CRS84}>"
    for feature in degrees.json()["features"]:
        lon, lat = feature["geometry"]["coordinates"]
        east, north = transform_xy(lon, lat, WGS84, SWEREF99_TM)
        assert in_metres[feature["id"]] == pytest.approx([float(north), float(east)], abs=0.02)
    one = client.get(f"{OGC_PREFIX}/collections/{LIGHTING}/items/{feature['id']}",
                     params={"crs": "EPSG:3006"})  # fmt: skip
    assert one.headers["content-type"] == "application/geo+json"
    assert one.json()["geometry"]["coordinates"] == in_metres[feature["id"]]
    assert one.json()["properties"]["uuid"] == feature["properties"]["uuid"]
    assert {link["rel"] for link in one.json()["links"]} == {"self", "collection"}


REFUSED = [
    ("limit=0", "limit", "limit='0' must be a whole number from 1"),
    ("limit=ten", "limit", "limit='ten' must be a whole number"),
    ("bbox=17.8,59.3,17.9", "bbox", "must be four numbers"),
    ("bbox=17.9,59.3,17.8,59.4", "bbox", "the lower corner comes first"),
    ("bbox=17.8,59.3,17.9,95.0", "bbox", "latitude lies between -90 and 90"),
    ("bbox=1,2,3,4&bbox-crs=EPSG:4326", "bbox-crs", "is not served; choose"),
    ("datetime=igår", "datetime", "must be a time with its zone"),
    ("datetime=2026-11-03T17:30:00", "datetime", "must be a time with its zone"),
    ("datetime=2026-11-30/2026-11-01", "datetime", "an interval start/end"),
    ("datetime=../..", "datetime", "an interval start/end"),
    ("crs=EPSG:3857", "crs", "'EPSG:3857' is not served"),
    ("f=html", "f", "No format 'html'"),
    ("after=x", "after", "must be a feature's id"),
    ("sortby=number", "sortby", "Unknown parameter 'sortby'"),
    ("limit=5&limit=6", "limit", "Give limit once"),
    ("lang=de", "lang", "lang is sv or en"),
]
"""A query, the parameter its refusal names, and what the refusal says."""


def test_a_parameter_that_cannot_be_used_is_refused_naming_it(quick_client: TestClient) -> None:
    for query, parameter, said in REFUSED:
        answer = quick_client.get(f"{OGC_PREFIX}/collections/{LIGHTING}/items?{query}",
                                  headers={"Accept-Language": "en"})  # fmt: skip
        assert answer.status_code == 400, query
        assert answer.headers["content-type"] == "application/json"
        refusal = answer.json()
        assert (refusal["code"], refusal["parameter"]) == ("InvalidParameterValue", parameter)
        assert said in refusal["description"], query
    swedish = quick_client.get(f"{OGC_PREFIX}/collections/{LIGHTING}/items?limit=0").json()
    assert swedish["description"].startswith("limit='0' ska vara ett heltal från 1")


def test_unknown_collections_and_features_are_not_found(quick_client: TestClient) -> None:
    client = quick_client
    for path in ("collections/nowhere__lighting", "collections/nowhere__lighting/items",
                 f"collections/{LIGHTING}/items/999999", f"collections/{LIGHTING}/items/x",
                 f"collections/{AREA}__measures/items"):  # fmt: skip
        answer = client.get(f"{OGC_PREFIX}/{path}?lang=en")
        assert answer.status_code == 404, path
        assert answer.json()["code"] == "NotFound"
    assert (
        "has no feature '999999'"
        in client.get(f"{OGC_PREFIX}/collections/{LIGHTING}/items/999999?lang=en").json()[
            "description"
        ]
    )


# ---------------------------------------------------------------------- roles


def basic(name: str, password: str = PASSWORD) -> dict[str, str]:
    pair = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


@pytest.fixture
def cheap_hashes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Passwords hashed with argon2 at its lightest: a check in a millisecond, not half a
    second. The hash keeps its parameters, so it is checked as cheaply, as every hash is."""
    monkeypatch.setattr(account_module, "_HASHER",
                        PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))  # fmt: skip


@pytest.fixture
def accounts(workspace: Workspace, cheap_hashes: None) -> Workspace:
    """The workspace with a viewer (sam) and a registrant (ali)."""
    add_account(workspace, "sam", "viewer", PASSWORD)
    add_account(workspace, "ali", "registrant", PASSWORD)
    return workspace


def test_with_accounts_the_layers_need_a_login_by_basic_or_a_token(
    client: TestClient, accounts: Workspace
) -> None:
    refused = ({}, basic("ali", "fel-lösenord-här"),
               {"Authorization": "Basic inte-base64"}, {"Authorization": "Bearer x.y"})  # fmt: skip
    for headers in refused:
        answer = client.get(f"{OGC_PREFIX}/collections?lang=en", headers=headers)
        assert answer.status_code == 401, headers
        assert answer.headers["www-authenticate"] == 'Basic realm="safewalk", charset="UTF-8"'
        assert answer.headers["cache-control"] == "no-store"  # never shown again from a cache
        assert answer.json()["code"] == "Unauthorized"
    assert client.get(f"{OGC_PREFIX}/collections", headers=basic("ali")).status_code == 200
    login = client.post("/api/v1/login", json={"name": "ali", "password": PASSWORD}).json()
    bearer = {"Authorization": f"Bearer {login['token']}"}  # the API's login serves here too
    answer = client.get(f"{OGC_PREFIX}/collections/{LIGHTING}/items", headers=bearer)
    assert answer.status_code == 200
    assert client.get(f"{OGC_PREFIX}/", headers={}).status_code == 200  # the landing page: open
    assert client.get(f"{OGC_PREFIX}/conformance").status_code == 200


def test_a_viewer_sees_no_internal_category_nor_who_registered(
    client: TestClient, accounts: Workspace
) -> None:
    viewer, registrant = basic("sam"), basic("ali")

    def listed(headers: dict[str, str]) -> set[str]:
        answer = client.get(f"{OGC_PREFIX}/collections", headers=headers)
        return {c["id"] for c in answer.json()["collections"]}

    hidden = listed(registrant) - listed(viewer)
    assert {c.split("__")[1] for c in hidden} == {
        "crime_place", "crime_place_area", "social_unsafe", "social_unsafe_area"}  # fmt: skip
    internal = f"{AREA}__crime_place"
    assert client.get(f"{OGC_PREFIX}/collections/{internal}/items", headers=registrant).json()[
        "numberReturned"] > 0  # the demo has some  # fmt: skip
    for path in (internal, f"{internal}/items", f"{internal}/items/1"):
        assert client.get(f"{OGC_PREFIX}/collections/{path}", headers=viewer).status_code == 404
    shown = client.get(f"{OGC_PREFIX}/collections/{LIGHTING}/items", headers=viewer).json()
    assert shown["features"]
    assert all("created_by" not in f["properties"] for f in shown["features"])
    named = client.get(f"{OGC_PREFIX}/collections/{LIGHTING}/items", headers=registrant).json()
    assert all(f["properties"]["created_by"] for f in named["features"])


def test_a_changed_password_or_a_disabled_account_counts_at_the_next_request(
    client: TestClient, accounts: Workspace
) -> None:
    path = f"{OGC_PREFIX}/collections"
    assert client.get(path, headers=basic("ali")).status_code == 200
    set_password(accounts, "ali", "ett-helt-nytt-lösenord")
    assert client.get(path, headers=basic("ali")).status_code == 401
    assert client.get(path, headers=basic("ali", "ett-helt-nytt-lösenord")).status_code == 200
    set_disabled(accounts, "ali")
    answer = client.get(f"{path}?lang=en", headers=basic("ali", "ett-helt-nytt-lösenord"))
    assert (answer.status_code, answer.json()["description"]) == (
        401, "The account is disabled; ask the coordinator.")  # fmt: skip


# ------------------------------------------------------------- a client library


@pytest.fixture
def served(workspace: Workspace) -> Iterator[str]:
    """The routes served over HTTP by uvicorn on a free port; the service's address."""
    port = free_port()
    config = uvicorn.Config(Starlette(routes=routes(lambda: workspace)), host="127.0.0.1",
                            port=port, log_level="warning", lifespan="off")  # fmt: skip
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    yield f"http://127.0.0.1:{port}{OGC_PREFIX}/"
    server.should_exit = True
    thread.join(timeout=10)


def test_owslib_lists_the_collections_and_pages_a_layer_with_basic_auth(
    served: str, accounts: Workspace, lamps: list[str]
) -> None:
    service = Features(served, auth=Authentication("ali", PASSWORD))
    assert set(service.conformance()["conformsTo"]) == CONFORMANCE
    assert service.api()["openapi"] == "3.0.3"
    listed = service.feature_collections()
    assert {LIGHTING, f"{AREA}__crime_place"} <= set(listed)
    assert service.collection(LIGHTING)["storageCrs"] == EPSG_3006
    first = service.collection_items(LIGHTING, limit=10)
    stored = accounts.store.read_layer(AREA, "lighting", Query(kind="Point"))
    assert first["numberMatched"] == len(stored)
    login = Authentication("ali", PASSWORD)
    read = every_page(lambda url: http_get(url, auth=login).json(),
                      f"{served}collections/{LIGHTING}/items?limit=10")  # fmt: skip
    assert [f["id"] for f in read] == list(stored.index)
    one = service.collection_item(LIGHTING, str(read[-1]["id"]))
    assert one["properties"]["uuid"] == stored["uuid"].iloc[-1]
    viewer = Features(served, auth=Authentication("sam", PASSWORD))
    assert f"{AREA}__crime_place" not in viewer.feature_collections()
    with pytest.raises(RuntimeError, match="Unauthorized"):
        Features(served).feature_collections()


# -------------------------------------------------------------------- PostGIS


def test_a_layer_in_postgis_pages_and_filters_as_in_a_geopackage(postgres: PostgresServer) -> None:
    workspace = open_workspace(settings_from_env({}, database_url=postgres.new_database()))
    try:
        lamps = add_lamps(workspace)
        with TestClient(Starlette(routes=routes(lambda: workspace))) as client:
            read = every_page(lambda url: client.get(url).json(),
                              f"{OGC_PREFIX}/collections/{LIGHTING}/items?limit=9")  # fmt: skip
            stored = workspace.store.read_layer(AREA, "lighting", Query(kind="Point"))
            assert [f["id"] for f in read] == list(stored.index)
            november = items(client, datetime="2025-11-20/2025-11-21")
            assert descriptions(november) == ["lampa 19", "lampa 20"]
            near = [f for f in read if f["properties"]["uuid"] in lamps[:2]]
            lons = [f["geometry"]["coordinates"][0] for f in near]
            lats = [f["geometry"]["coordinates"][1] for f in near]
            box = f"{min(lons) - 1e-5},{min(lats) - 1e-6},{max(lons) + 1e-5},{max(lats) + 1e-6}"
            assert descriptions(items(client, bbox=box)) == ["lampa 0", "lampa 1"]
    finally:
        workspace.store.close()
