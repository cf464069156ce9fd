"""The HTTP API on a real seeded workspace (GeoPackage files), through Starlette's test client.

The same routes ``app.py`` mounts beside Streamlit; ``tests/e2e`` reaches them in the
running app.
"""

from __future__ import annotations

import io
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from openapi_spec_validator import validate
from PIL import Image
from starlette.applications import Starlette
from starlette.testclient import TestClient

from gis.crs import to_wgs84
from tests.files import jpeg_with_gps
from walks.access.accounts import add_account
from walks.actions.inbox import Report, ReportDraft, receive_report
from walks.core.model import Position
from walks.core.workspace import Workspace
from walks.fieldwork.recording import list_observations, observation_photos, photo_image
from walks.web import API_PREFIX, routes
from walks.web.api import Api
from walks.web.sessions import COOKIE, CSRF_HEADER

EVENING = "2026-12-01T21:30:00+01:00"
NOON_IN_JUNE = "2026-06-15T12:00:00+02:00"


@pytest.fixture
def client(workspace: Workspace) -> Iterator[TestClient]:
    with TestClient(Starlette(routes=routes(lambda: workspace))) as client:
        yield client


@pytest.fixture
def inside(workspace: Workspace) -> tuple[float, float]:
    """A position (lon, lat) inside Hässelby gård."""
    area = next(a for a in workspace.areas() if a.slug == "hasselby-gard")
    point = to_wgs84(area.boundary.representative_point())
    return point.x, point.y


def lamp(position: tuple[float, float], **changes: object) -> dict[str, object]:
    """A broken street lamp as a phone sends it, with a new uuid."""
    lon, lat = position
    return {"uuid": str(uuid.uuid4()), "category": "lighting", "lon": lon, "lat": lat,
            "accuracy_m": 6, "taken_at": EVENING, "severity": 3,
            "description": "Lampan vid tunneln är släckt", "fields": {"problem": "broken"},
            **changes}  # fmt: skip


def stored_lighting(workspace: Workspace) -> list[str]:
    return [o.uuid for o in list_observations(workspace, "hasselby-gard", category="lighting")]


def test_an_observation_is_stored_in_the_area_its_position_lies_in(
    client: TestClient, workspace: Workspace, inside: tuple[float, float]
) -> None:
    before = stored_lighting(workspace)
    sent = lamp(inside)
    response = client.post("/api/v1/observations", json=sent)
    assert response.status_code == 201
    answer = response.json()
    assert answer["uuid"] == sent["uuid"]
    assert answer["area"] == "hasselby-gard"
    assert stored_lighting(workspace) == [*before, sent["uuid"]]
    stored = list_observations(workspace, "hasselby-gard", category="lighting")[-1]
    assert stored.number == answer["number"]
    assert stored.observed_at == datetime(2026, 12, 1, 20, 30, tzinfo=UTC)
    assert stored.fields["problem"] == "broken"


def test_the_same_uuid_again_answers_the_same_and_stores_nothing(
    client: TestClient, workspace: Workspace, inside: tuple[float, float]
) -> None:
    sent = lamp(inside)
    first = client.post("/api/v1/observations", json=sent)
    count = len(stored_lighting(workspace))
    again = client.post("/api/v1/observations", json=sent)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == first.json()
    assert len(stored_lighting(workspace)) == count


def test_arrivals_of_one_uuid_at_the_same_moment_store_it_once(
    client: TestClient, workspace: Workspace, inside: tuple[float, float]
) -> None:
    sent = lamp(inside)
    before = len(stored_lighting(workspace))
    statuses: list[int] = []
    start = threading.Barrier(4)

    def send() -> None:
        start.wait()
        statuses.append(client.post("/api/v1/observations", json=sent).status_code)

    threads = [threading.Thread(target=send) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [200, 200, 200, 201]
    assert len(stored_lighting(workspace)) == before + 1


def test_the_light_condition_is_the_moment_it_was_taken_not_its_arrival(
    client: TestClient, inside: tuple[float, float]
) -> None:
    dark = client.post("/api/v1/observations", json=lamp(inside, taken_at=EVENING)).json()
    day = client.post("/api/v1/observations", json=lamp(inside, taken_at=NOON_IN_JUNE)).json()
    assert (dark["light_condition"], day["light_condition"]) == ("dark", "daylight")


def test_an_earlier_observation_nearby_is_named_as_a_possible_duplicate(
    client: TestClient, inside: tuple[float, float]
) -> None:
    first = client.post("/api/v1/observations", json=lamp(inside)).json()
    second = client.post("/api/v1/observations", json=lamp(inside)).json()
    assert first["number"] in [d["number"] for d in second["duplicates"]]
    assert second["number"] not in [d["number"] for d in first["duplicates"]]


@pytest.mark.parametrize(
    ("language", "changes", "field", "words"),
    [
        ("sv", {"fields": {}}, "problem", "måste fyllas i"),
        ("en", {"fields": {}}, "problem", "is required"),
        ("sv", {"category": "unicorns"}, "category", "Okänd kategori"),
        ("en", {"lon": 18.5}, "position", "outside every area"),
        ("sv", {"taken_at": "2026-12-01T21:30:00"}, "taken_at", "tidszon"),
        ("en", {"uuid": "not-a-uuid"}, "uuid", "not a UUID"),
        ("en", {"severity": 9}, "severity", "severity"),
        ("sv", {"walk": 99}, "walk", "ingen trygghetsvandring"),
        ("en", {"area": "grimsta"}, "position", "outside Grimsta"),
    ],
)
def test_a_refusal_names_the_problem_and_the_field_in_the_callers_language(
    client: TestClient,
    workspace: Workspace,
    inside: tuple[float, float],
    language: str,
    changes: dict[str, object],
    field: str,
    words: str,
) -> None:
    before = stored_lighting(workspace)
    headers = {"Accept-Language": "en-GB,en;q=0.9" if language == "en" else "sv-SE"}
    response = client.post("/api/v1/observations", json=lamp(inside, **changes), headers=headers)
    assert response.status_code == 422
    assert response.json()["field"] == field
    assert words in response.json()["error"]
    assert stored_lighting(workspace) == before


def test_swedish_is_the_default_language(client: TestClient, inside: tuple[float, float]) -> None:
    response = client.post("/api/v1/observations", json=lamp(inside, fields={}))
    assert "måste fyllas i" in response.json()["error"]


def test_a_body_over_64_kb_is_refused_before_it_is_read(
    client: TestClient, workspace: Workspace, inside: tuple[float, float]
) -> None:
    before = stored_lighting(workspace)
    response = client.post("/api/v1/observations", json=lamp(inside, description="x" * 70_000))
    assert response.status_code == 413
    assert stored_lighting(workspace) == before


def test_a_line_is_sent_as_geojson(client: TestClient, inside: tuple[float, float]) -> None:
    lon, lat = inside
    line = {"type": "LineString", "coordinates": [[lon, lat], [lon + 0.001, lat + 0.0005]]}
    sent = {"uuid": str(uuid.uuid4()), "category": "passage", "geometry": line,
            "taken_at": EVENING, "fields": {"passage_type": "tunnel"}}  # fmt: skip
    response = client.post("/api/v1/observations", json=sent)
    assert response.status_code == 201, response.json()
    features = client.get("/api/v1/observations", params={"area": "hasselby-gard"}).json()
    mine = [f for f in features["features"] if f["id"] == sent["uuid"]]
    assert mine[0]["geometry"]["type"] == "LineString"


def photo_form(
    lon: float, lat: float, photo_uuid: str | None, padding: bytes = b""
) -> dict[str, object]:
    """A photo upload; ``padding`` after the JPEG's end makes it larger (decoders ignore it)."""
    jpeg = jpeg_with_gps(lon, lat, (1200, 800)) + padding
    files = {"photo": ("lamp.jpg", jpeg, "image/jpeg")}
    return {"files": files, "data": {} if photo_uuid is None else {"uuid": photo_uuid}}


@pytest.mark.parametrize("photo_uuid", ["0b6f3d9e-8c1a-4f7e-9a51-2d4c6b8e0f13", None])
def test_a_photo_sent_twice_is_stored_once_without_its_exif(
    client: TestClient, workspace: Workspace, inside: tuple[float, float], photo_uuid: str | None
) -> None:
    sent = lamp(inside)
    client.post("/api/v1/observations", json=sent)
    path = f"/api/v1/observations/{sent['uuid']}/photos"
    first = client.post(path, **photo_form(*inside, photo_uuid))  # type: ignore[arg-type]
    again = client.post(path, **photo_form(*inside, photo_uuid))  # type: ignore[arg-type]
    assert (first.status_code, again.status_code) == (201, 200)
    photos = observation_photos(workspace, "hasselby-gard", str(sent["uuid"]))
    assert len(photos) == 1
    if photo_uuid is not None:
        assert photos[0].uuid == photo_uuid
    image = Image.open(io.BytesIO(photo_image(workspace, "hasselby-gard", photos[0].uuid) or b""))
    assert not image.getexif()


def test_a_photo_of_an_observation_not_stored_is_refused(
    client: TestClient, inside: tuple[float, float]
) -> None:
    path = f"/api/v1/observations/{uuid.uuid4()}/photos"
    response = client.post(path, **photo_form(*inside, None))  # type: ignore[arg-type]
    assert response.status_code == 404


def test_a_photo_over_the_limit_is_refused_before_it_is_read(
    workspace: Workspace, inside: tuple[float, float]
) -> None:
    from dataclasses import replace

    small = replace(workspace, settings=replace(workspace.settings, max_photo_bytes=1_000))
    with TestClient(Starlette(routes=routes(lambda: small))) as client:
        sent = lamp(inside)
        client.post("/api/v1/observations", json=sent)
        response = client.post(f"/api/v1/observations/{sent['uuid']}/photos",
                               **photo_form(*inside, None, bytes(70_000)))  # type: ignore[arg-type]  # fmt: skip
    assert response.status_code == 413
    assert observation_photos(workspace, "hasselby-gard", str(sent["uuid"])) == []


def test_the_catalog_areas_and_walks_a_phone_needs(client: TestClient) -> None:
    catalog = client.get("/api/v1/catalog").json()
    lighting = next(c for c in catalog["categories"] if c["name"] == "lighting")
    assert lighting["title"] == {"sv": "Belysning", "en": "Lighting"}
    problem = next(f for f in lighting["fields"] if f["name"] == "problem")
    assert problem["required"] is True
    assert "broken" in [v["value"] for v in problem["values"]]
    assert catalog["settings"]["gps_accuracy_m"] > 0
    areas = client.get("/api/v1/areas").json()
    assert {"slug": "hasselby-gard", "name": "Hässelby gård"} in [
        f["properties"] for f in areas["features"]
    ]
    walks = client.get("/api/v1/walks", params={"area": "hasselby-gard"}).json()["walks"]
    assert walks
    assert {w["area"] for w in walks} == {"hasselby-gard"}


def test_observations_since_a_moment(client: TestClient, inside: tuple[float, float]) -> None:
    client.post("/api/v1/observations", json=lamp(inside))
    since = datetime.now(UTC).isoformat()
    sent = lamp(inside)
    client.post("/api/v1/observations", json=sent)
    recent = client.get("/api/v1/observations", params={"area": "hasselby-gard", "since": since})
    assert [f["id"] for f in recent.json()["features"]] == [sent["uuid"]]
    naive = client.get(
        "/api/v1/observations", params={"area": "hasselby-gard", "since": "2026-12-01"}
    )
    assert (naive.status_code, naive.json()["field"]) == (422, "since")
    assert recent.json()["features"][0]["properties"]["area"] == "hasselby-gard"


def test_the_openapi_document_describes_every_route(
    client: TestClient, workspace: Workspace
) -> None:
    document = client.get("/api/v1/openapi.json").json()
    validate(document)  # raises, naming the fault, for a document that breaks OpenAPI 3.1
    assert document["openapi"].startswith("3.1")
    served = {API_PREFIX + r.path for r in Api(lambda: workspace).routes()}  # type: ignore[attr-defined]
    assert set(document["paths"]) == served
    for path in document["paths"].values():
        for operation in path.values():
            assert operation["summary"]
            assert operation["responses"]


# ------------------------------------------------------------------- accounts


@pytest.fixture
def accounts(workspace: Workspace) -> Workspace:
    add_account(workspace, "lina", "registrant", "lösenord-12345")
    add_account(workspace, "vera", "viewer", "lösenord-12345")
    return workspace


def log_in(client: TestClient, name: str) -> dict[str, str]:
    response = client.post("/api/v1/login", json={"name": name, "password": "lösenord-12345"})
    assert response.status_code == 200, response.json()
    return dict(response.json())


@pytest.mark.usefixtures("accounts")
def test_with_accounts_every_call_needs_a_login(
    client: TestClient, inside: tuple[float, float]
) -> None:
    for path in ("/api/v1/catalog", "/api/v1/areas", "/api/v1/walks"):
        assert client.get(path).status_code == 401
    refused = client.post("/api/v1/observations", json=lamp(inside))
    assert refused.status_code == 401
    assert client.get("/api/v1/session").json()["accounts_required"] is True


@pytest.mark.usefixtures("accounts")
def test_a_wrong_password_is_refused(client: TestClient) -> None:
    response = client.post("/api/v1/login", json={"name": "lina", "password": "fel"})
    assert response.status_code == 401
    assert response.json()["error"] == "Fel användarnamn eller lösenord."
    assert COOKIE not in response.cookies


def test_the_login_cookie_writes_only_with_its_csrf_value(
    client: TestClient, accounts: Workspace, inside: tuple[float, float]
) -> None:
    login = log_in(client, "lina")
    header = client.cookies.get(COOKIE)
    assert header
    without = client.post("/api/v1/observations", json=lamp(inside))
    assert without.status_code == 403
    sent = lamp(inside)
    made = client.post("/api/v1/observations", json=sent, headers={CSRF_HEADER: login["csrf"]})
    assert made.status_code == 201
    stored = list_observations(accounts, "hasselby-gard", category="lighting")[-1]
    assert (stored.uuid, stored.created_by) == (sent["uuid"], "lina")


def test_a_bearer_token_needs_no_csrf_value(
    accounts: Workspace, inside: tuple[float, float]
) -> None:
    with TestClient(Starlette(routes=routes(lambda: accounts))) as client:
        token = log_in(client, "lina")["token"]
        client.cookies.clear()
        response = client.post("/api/v1/observations", json=lamp(inside),
                               headers={"Authorization": f"Bearer {token}"})  # fmt: skip
    assert response.status_code == 201


def test_a_viewer_cannot_post_and_sees_no_internal_category(
    client: TestClient, accounts: Workspace, inside: tuple[float, float]
) -> None:
    bearer = {"Authorization": f"Bearer {log_in(client, 'vera')['token']}"}
    client.cookies.clear()
    refused = client.post("/api/v1/observations", json=lamp(inside), headers=bearer)
    assert refused.status_code == 403
    names = [c["name"] for c in client.get("/api/v1/catalog", headers=bearer).json()["categories"]]
    assert "lighting" in names
    assert not {"crime_place", "social_unsafe"} & set(names)
    features = client.get("/api/v1/observations", params={"area": "smedshagen-demo"},
                          headers=bearer).json()["features"]  # fmt: skip
    categories = {f["properties"]["category"] for f in features}
    assert categories
    assert not {"crime_place", "social_unsafe"} & categories


def test_a_disabled_account_is_refused_at_its_next_call(
    client: TestClient, accounts: Workspace
) -> None:
    from walks.access.accounts import set_disabled

    bearer = {"Authorization": f"Bearer {log_in(client, 'lina')['token']}"}
    assert client.get("/api/v1/catalog", headers=bearer).status_code == 200
    set_disabled(accounts, "lina")
    assert client.get("/api/v1/catalog", headers=bearer).status_code == 401


@pytest.mark.usefixtures("accounts")
def test_a_forged_token_is_refused(client: TestClient) -> None:
    token = log_in(client, "vera")["token"]
    body, _, mac = token.partition(".")
    forged = {"Authorization": f"Bearer {body}x.{mac}"}
    client.cookies.clear()
    assert client.get("/api/v1/catalog", headers=forged).status_code == 401


def test_the_short_link_of_a_walk_opens_the_capture_page_with_it(client: TestClient) -> None:
    response = client.get("/v/hasselby-gard/2", follow_redirects=False)
    assert response.status_code == 307
    assert response.headers["location"] == "/capture/?area=hasselby-gard&walk=2"


@pytest.mark.usefixtures("accounts")
def test_repeated_wrong_passwords_lock_the_account_for_a_while(client: TestClient) -> None:
    from walks.access.accounts import MAX_FAILED

    for _ in range(MAX_FAILED):
        client.post("/api/v1/login", json={"name": "lina", "password": "fel"})
    right = client.post("/api/v1/login", json={"name": "lina", "password": "lösenord-12345"})
    assert right.status_code == 401
    assert "försök igen om" in right.json()["error"]


@pytest.mark.parametrize(
    "geometry",
    [{"type": "LineString", "coordinates": [[18, 59]]}, {"type": "Point", "coordinates": []},
     {"type": "Polygon"}, "LINESTRING (18 59, 18.1 59.1)"],
)  # fmt: skip
def test_a_geometry_that_is_not_one_is_refused_as_such(
    client: TestClient, inside: tuple[float, float], geometry: object
) -> None:
    response = client.post("/api/v1/observations", json=lamp(inside, geometry=geometry))
    assert response.status_code == 422
    assert response.json()["field"] == "geometry"


@pytest.mark.parametrize(
    ("header", "language"),
    [("en;q=0.1, sv", "sv"), ("en-GB,en;q=0.9,sv;q=0.8", "en"), ("de, fr", "sv"),
     ("sv;q=0.5, en;q=0.5", "sv"), ("en;q=x, en-US", "en")],
)  # fmt: skip
def test_the_language_is_the_one_the_caller_prefers(
    client: TestClient, inside: tuple[float, float], header: str, language: str
) -> None:
    response = client.post("/api/v1/observations", json=lamp(inside, fields={}),
                           headers={"Accept-Language": header})  # fmt: skip
    words = {"sv": "måste fyllas i", "en": "is required"}[language]
    assert words in response.json()["error"]


def test_a_write_from_a_page_of_another_site_is_refused_unread(
    client: TestClient, workspace: Workspace, inside: tuple[float, float]
) -> None:
    before = stored_lighting(workspace)
    for headers in ({"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://elsewhere.example"}):
        response = client.post("/api/v1/observations", json=lamp(inside), headers=headers)
        assert response.status_code == 403
        assert response.json()["error"].startswith("Begäran kom från en annan webbplats")
    same = client.post("/api/v1/observations", json=lamp(inside),
                       headers={"Sec-Fetch-Site": "same-origin"})  # fmt: skip
    assert same.status_code == 201
    assert len(stored_lighting(workspace)) == len(before) + 1


def test_a_form_posted_as_text_is_not_taken_for_json(
    client: TestClient, accounts: Workspace, inside: tuple[float, float]
) -> None:
    import json

    sent = json.dumps({"name": "lina", "password": "lösenord-12345"})
    login = client.post("/api/v1/login", content=sent, headers={"Content-Type": "text/plain"})
    assert login.status_code == 415
    assert COOKIE not in login.cookies


@pytest.mark.usefixtures("accounts")
def test_text_no_token_could_be_is_refused_not_a_fault(client: TestClient) -> None:
    odd = {"Authorization": "Bearer åäö.ÅÄÖ".encode()}
    assert client.get("/api/v1/catalog", headers=odd).status_code == 401
    assert client.get("/api/v1/session", headers=odd).json()["account"] is None


def test_a_viewer_does_not_see_who_registered_what(client: TestClient, accounts: Workspace) -> None:
    for name, shown in (("vera", False), ("lina", True)):
        bearer = {"Authorization": f"Bearer {log_in(client, name)['token']}"}
        client.cookies.clear()
        features = client.get("/api/v1/observations", params={"area": "hasselby-gard"},
                              headers=bearer).json()["features"]  # fmt: skip
        assert features
        assert all(("created_by" in f["properties"]) is shown for f in features)


def test_a_changed_password_ends_the_logins_made_with_the_old_one(
    client: TestClient, accounts: Workspace
) -> None:
    from walks.access.accounts import set_password

    bearer = {"Authorization": f"Bearer {log_in(client, 'lina')['token']}"}
    client.cookies.clear()
    assert client.get("/api/v1/catalog", headers=bearer).status_code == 200
    set_password(accounts, "lina", "ett-nytt-lösenord-678")
    assert client.get("/api/v1/catalog", headers=bearer).status_code == 401


# ------------------------------------------------------------------ the inbox
def report_at(workspace: Workspace, position: tuple[float, float], **changes: object) -> Report:
    values: dict[str, object] = {"description": "Trasig lampa", "email": "boende@example.se"}
    values.update(changes)
    return receive_report(workspace, ReportDraft("lighting", Position(*position), **values))  # type: ignore[arg-type]


def test_the_inbox_is_listed_accepted_and_rejected_through_the_api(
    client: TestClient, workspace: Workspace, inside: tuple[float, float]
) -> None:
    lamp_report = report_at(workspace, inside)
    other = report_at(workspace, inside, description="<b>fet</b>")
    listed = client.get("/api/v1/inbox").json()["reports"]
    assert [r["id"] for r in listed] == [lamp_report.id, other.id]
    assert listed[1]["description"] == "<b>fet</b>"  # as written: JSON, shown as text
    before = {o.number for o in list_observations(workspace, "hasselby-gard")}
    # A required field the resident was not asked names itself; nothing changes.
    missing = client.post(f"/api/v1/inbox/{lamp_report.id}/accept", json={})
    assert (missing.status_code, missing.json()["field"]) == (422, "problem")
    accepted = client.post(f"/api/v1/inbox/{lamp_report.id}/accept",
                           json={"fields": {"problem": "broken"}})  # fmt: skip
    assert accepted.status_code == 201
    assert accepted.json()["number"] == max(before) + 1
    assert accepted.json()["source"] == "resident"
    again = client.post(f"/api/v1/inbox/{lamp_report.id}/accept", json={"fields": {}})
    assert again.status_code == 409
    assert client.post("/api/v1/inbox/ffffffff/reject", json={"reason": "x"}).status_code == 404
    rejected = client.post(f"/api/v1/inbox/{other.id}/reject", json={"reason": "Dubblett"})
    assert (rejected.status_code, rejected.json()["status"]) == (200, "rejected")
    assert rejected.json()["email"] is None
    assert client.get("/api/v1/inbox").json()["reports"] == []
    handled = client.get("/api/v1/inbox", params={"status": "all"}).json()["reports"]
    assert {r["status"] for r in handled} == {"accepted", "rejected"}
    assert client.get("/api/v1/inbox", params={"status": "maybe"}).status_code == 422


def test_only_coordinators_handle_the_inbox_through_the_api(
    client: TestClient, accounts: Workspace, inside: tuple[float, float]
) -> None:
    report = report_at(accounts, inside)
    registrant = {"Authorization": f"Bearer {log_in(client, 'lina')['token']}"}
    client.cookies.clear()
    assert client.get("/api/v1/inbox", headers=registrant).status_code == 403
    refused = client.post(f"/api/v1/inbox/{report.id}/reject", json={"reason": "x"},
                          headers=registrant)  # fmt: skip
    assert refused.status_code == 403
    add_account(accounts, "cecilia", "coordinator", "lösenord-12345")
    coordinator = {"Authorization": f"Bearer {log_in(client, 'cecilia')['token']}"}
    client.cookies.clear()
    listed = client.get("/api/v1/inbox", headers=coordinator).json()["reports"]
    assert [r["id"] for r in listed] == [report.id]
    accepted = client.post(f"/api/v1/inbox/{report.id}/accept",
                           json={"fields": {"problem": "broken"}}, headers=coordinator)  # fmt: skip
    assert accepted.status_code == 201
    stored = list_observations(accounts, "hasselby-gard", category="lighting")[-1]
    assert (stored.number, stored.created_by) == (accepted.json()["number"], "cecilia")
