"""The residents' pages and the accessibility statement, through Starlette's test client.

The same routes ``app.py`` mounts beside Streamlit, on a real seeded workspace (GeoPackage
files); ``tests/e2e/test_residents_in_browser.py`` opens them in Chromium.
"""

from __future__ import annotations

import gzip
import io
import os
import re
import tempfile
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser

import httpx2
import pytest
from PIL import Image
from starlette.applications import Starlette
from starlette.testclient import TestClient

from tests.files import jpeg_with_gps
from walks.access.accounts import add_account
from walks.actions.inbox import list_reports
from walks.actions.measures import add_measure, change_status
from walks.core.model import MeasureStatus
from walks.core.workspace import Workspace
from walks.fieldwork.recording import list_observations
from walks.web import routes
from walks.web.limits import Allowance, RateLimit
from walks.web.pages import PAGE_DIR, PAGE_TEXTS, RESIDENTS_TEXTS, STATEMENT_TEXTS, files_version
from walks.web.residents import PublicPages

HASSELBY_GARD = {"lat": "59.3668", "lon": "17.8445"}
"""Hässelby gård centrum, as a resident types it."""
HOSTILE = '<script>alert("boende")</script><img src=x onerror=alert(1)>'


class Clock:
    """Seconds that pass only when a test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(workspace: Workspace, clock: Clock) -> Iterator[TestClient]:
    pages = PublicPages(lambda: workspace, clock=clock)
    with TestClient(Starlette(routes=pages.routes())) as client:
        yield client


def report(**changes: str) -> dict[str, str]:
    """A resident's report of a dark path, as the form sends it."""
    return {"category": "lighting", **HASSELBY_GARD,
            "description": "Mörk gångväg vid skolan", "email": "", "website": "",
            **changes}  # fmt: skip


def send(client: TestClient, data: dict[str, str], *, photo: bytes = b"",
         path: str = "/boende?area=hasselby-gard", **headers: str) -> httpx2.Response:  # fmt: skip
    """Post the form as a browser does: multipart, the photo field empty when none is chosen."""
    files = {"photo": ("foto.jpg" if photo else "", photo, "image/jpeg")}
    return client.post(path, data=data, files=files, headers=headers, follow_redirects=False)


def reports(workspace: Workspace) -> list[str]:
    return [r.description for r in list_reports(workspace, status=None)]


class Outline(HTMLParser):
    """The headings of a page in order, and the ids its labels and descriptions name."""

    def __init__(self) -> None:
        super().__init__()
        self.headings: list[int] = []
        self.ids: set[str] = set()
        self.named: set[str] = set()
        self.inputs: dict[str, dict[str, str | None]] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if values.get("id"):
            self.ids.add(str(values["id"]))
        if tag == "label" and values.get("for"):
            self.named.add(str(values["for"]))
        for reference in ("aria-describedby", "aria-labelledby"):
            self.named |= set((values.get(reference) or "").split())
        if tag in ("input", "textarea", "select") and values.get("id"):
            self.inputs[str(values["id"])] = values


def outline(page: str) -> Outline:
    parsed = Outline()
    parsed.feed(page)
    return parsed


# ------------------------------------------------------------------------- the page
def test_the_swedish_and_the_english_page_say_their_language_and_link_each_other(
    client: TestClient,
) -> None:
    swedish = client.get("/boende?area=grimsta")
    english = client.get("/residents?area=grimsta")
    assert swedish.status_code == english.status_code == 200
    assert '<html lang="sv">' in swedish.text
    assert '<html lang="en">' in english.text
    assert "Åtgärder i Grimsta" in swedish.text
    assert "Measures in Grimsta" in english.text
    assert 'href="/residents?area=grimsta" lang="en"' in swedish.text
    assert 'href="/boende?area=grimsta" lang="sv"' in english.text
    assert 'href="/tillganglighet"' in swedish.text
    assert 'href="/accessibility"' in english.text


def test_without_an_area_the_first_real_one_is_shown_and_an_unknown_one_is_named(
    client: TestClient,
) -> None:
    first = client.get("/boende")
    assert first.status_code == 200
    assert "Åtgärder i Grimsta" in first.text
    unknown = client.get("/boende", params={"area": "<b>Atlantis</b>"})
    assert unknown.status_code == 404
    assert "inget område som heter &lt;b&gt;Atlantis&lt;/b&gt;" in unknown.text


def test_only_public_decided_measures_are_shown_with_status_day_and_categories(
    client: TestClient, workspace: Workspace
) -> None:
    add_measure(workspace, "grimsta", observations=[1], title="Ljusare gångtunnel",
                responsible="trafikkontoret", public=True, actor="Kim Svensson")  # fmt: skip
    add_measure(workspace, "grimsta", observations=[2], title="Internt underlag",
                responsible="trafikkontoret", actor="Kim Svensson")  # fmt: skip
    add_measure(workspace, "grimsta", observations=[3], title="Beslut som väntar",
                responsible="trafikkontoret", public=True, actor="Kim Svensson")  # fmt: skip
    for number in (1, 2):
        change_status(workspace, "grimsta", number, MeasureStatus.DECIDED, actor="Eva Berg")
    page = client.get("/boende?area=grimsta").text
    assert "Ljusare gångtunnel" in page
    assert "Beslutad" in page
    assert "Internt underlag" not in page  # not public
    assert "Beslut som väntar" not in page  # public, but not decided yet
    assert "Kim Svensson" not in page
    assert "Eva Berg" not in page
    assert "Gäller: Passage/tunnel" in page


def test_a_hostile_measure_title_is_shown_as_text(client: TestClient, workspace: Workspace) -> None:
    add_measure(workspace, "grimsta", observations=[1], title=HOSTILE, responsible="trafikkontoret",
                public=True, actor="Kim")  # fmt: skip
    change_status(workspace, "grimsta", 1, MeasureStatus.DECIDED, actor="Kim")
    page = client.get("/boende?area=grimsta").text
    assert "&lt;script&gt;alert(&#34;boende&#34;)&lt;/script&gt;" in page
    assert "<script>alert" not in page
    assert "<img src=x" not in page


def test_the_page_runs_only_its_own_script_and_reaches_nothing_else(client: TestClient) -> None:
    response = client.get("/boende?area=hasselby-gard")
    policy = response.headers["content-security-policy"]
    assert "script-src 'self'" in policy
    assert "default-src 'none'" in policy
    assert "form-action 'self'" in policy
    assert re.findall(r"<script\b[^>]*>", response.text) == [
        f'<script src="/site/residents.js?v={files_version()}" defer>'
    ]
    assert "style=" not in response.text
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", response.text)


def test_the_page_is_sent_compressed_and_a_revisit_costs_a_304(client: TestClient) -> None:
    first = client.get("/boende?area=hasselby-gard", headers={"Accept-Encoding": "gzip"})
    assert first.headers["content-encoding"] == "gzip"
    assert first.headers["cache-control"] == "no-cache"
    again = client.get("/boende?area=hasselby-gard", headers={
        "Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]})  # fmt: skip
    assert again.status_code == 304
    other_area = client.get("/boende?area=grimsta", headers={
        "Accept-Encoding": "gzip", "If-None-Match": first.headers["etag"]})  # fmt: skip
    assert other_area.status_code == 200


def test_the_page_and_its_files_weigh_little(client: TestClient) -> None:
    page = client.get("/boende?area=hasselby-villastad").content
    files = [(PAGE_DIR / name).read_bytes() for name in ("residents.css", "residents.js")]
    compressed = sum(len(gzip.compress(body)) for body in (page, *files))
    assert compressed < 30_000  # the target is 300 kB; the benchmark measures it in Chromium


def test_the_files_of_the_current_version_may_be_kept_and_no_other_file_is_served(
    client: TestClient,
) -> None:
    kept = client.get(f"/site/residents.js?v={files_version()}")
    assert kept.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert kept.headers["content-type"].startswith("text/javascript")
    assert client.get("/site/residents.css?v=old").headers["cache-control"] == "no-cache"
    assert client.get("/site/residents.html").status_code == 404
    assert client.get("/site/..%2Ftexts.toml").status_code == 404


@pytest.mark.parametrize("path", ["/boende", "/residents", "/tillganglighet", "/accessibility"])
def test_headings_go_in_order_and_every_named_id_exists(client: TestClient, path: str) -> None:
    page = outline(client.get(path).text)
    assert page.headings[0] == 1
    assert page.headings.count(1) == 1
    assert all(b <= a + 1 for a, b in zip(page.headings, page.headings[1:], strict=False))
    assert page.named <= page.ids


def test_every_control_of_the_form_has_a_label(client: TestClient) -> None:
    page = outline(client.get("/boende?area=hasselby-gard").text)
    assert set(page.inputs) == page.named & set(page.inputs)


def test_every_text_a_template_uses_exists() -> None:
    known = {*PAGE_TEXTS, *RESIDENTS_TEXTS, *STATEMENT_TEXTS}
    for template in PAGE_DIR.glob("*.html"):
        used = set(re.findall(r"\bt\.([a-z_]+)", template.read_text(encoding="utf-8")))
        assert used - known == set(), template.name


def test_the_report_counts_per_tertial_are_shown(client: TestClient) -> None:
    assert "Inga anmälningar från boende i området ännu." in client.get("/boende").text
    assert send(client, report()).status_code == 303
    page = client.get("/boende?area=hasselby-gard").text
    assert "<caption>Anmälningar från boende i Hässelby gård per tertial</caption>" in page
    assert re.search(r'<th scope="row">T\d 20\d\d</th><td>1</td><td>0</td>', page)


# ---------------------------------------------------------------------- reports
def test_a_report_goes_to_the_inbox_not_the_map_and_the_thanks_follow_a_redirect(
    client: TestClient, workspace: Workspace
) -> None:
    before = len(list_observations(workspace, "hasselby-gard"))
    sent = send(client, report(lat="59,3668", email="boende@example.se"))
    assert sent.status_code == 303
    [stored] = list_reports(workspace, status=None)
    assert sent.headers["location"] == f"/boende?area=hasselby-gard&sent={stored.id}"
    assert (stored.area, stored.category, stored.email) == ("hasselby-gard", "lighting",
                                                            "boende@example.se")  # fmt: skip
    assert (round(stored.lat, 4), round(stored.lon, 4)) == (59.3668, 17.8445)
    assert len(list_observations(workspace, "hasselby-gard")) == before
    thanks = client.get(sent.headers["location"])
    assert "Tack för din anmälan!" in thanks.text
    assert f"nr {stored.id}" in thanks.text


def test_an_english_report_is_thanked_in_english_and_kept_as_english(
    client: TestClient, workspace: Workspace
) -> None:
    sent = send(client, report(), path="/residents?area=hasselby-gard")
    assert sent.headers["location"].startswith("/residents?area=hasselby-gard&sent=")
    assert "Thank you for your report!" in client.get(sent.headers["location"]).text
    assert list_reports(workspace)[0].language == "en"


def test_a_report_with_a_photo_keeps_the_photo(client: TestClient, workspace: Workspace) -> None:
    sent = send(client, report(), photo=jpeg_with_gps(17.8445, 59.3668, size=(800, 600)))
    assert sent.status_code == 303
    assert list_reports(workspace)[0].photos == 1


def test_a_photo_over_a_megabyte_never_reaches_a_temporary_file(
    client: TestClient, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """It may show where the resident lives: only its copy without EXIF is ever written."""
    rolled_over: list[int] = []
    rollover = tempfile.SpooledTemporaryFile.rollover

    def noted(self: tempfile.SpooledTemporaryFile[bytes]) -> None:
        rolled_over.append(self.tell())
        rollover(self)

    monkeypatch.setattr(tempfile.SpooledTemporaryFile, "rollover", noted)
    noise = Image.frombytes("RGB", (1400, 1100), os.urandom(1400 * 1100 * 3))
    photo = io.BytesIO()
    noise.save(photo, format="JPEG", quality=95, exif=Image.open(io.BytesIO(
        jpeg_with_gps(17.8445, 59.3668, size=(8, 8)))).getexif())  # fmt: skip
    assert len(photo.getvalue()) > 1_500_000  # over Starlette's 1 MB in memory
    sent = send(client, report(), photo=photo.getvalue())
    assert sent.status_code == 303
    assert list_reports(workspace)[0].photos == 1
    assert rolled_over == []


def test_a_hostile_description_is_stored_as_written_and_shown_again_as_text(
    client: TestClient, workspace: Workspace
) -> None:
    refused = send(client, report(description=HOSTILE, email="inte en adress"))
    assert refused.status_code == 422
    assert "&lt;script&gt;alert(&#34;boende&#34;)&lt;/script&gt;" in refused.text
    assert "<script>alert" not in refused.text
    assert send(client, report(description=HOSTILE)).status_code == 303
    assert reports(workspace) == [HOSTILE]


@pytest.mark.parametrize(
    ("changes", "field", "message", "anchor"),
    [
        ({"category": ""}, "category", "Välj en av kategorierna", "category-0"),
        ({"category": "crime_place"}, "category", "Välj en av kategorierna", "category-0"),
        ({"lat": "", "lon": ""}, "position", "Ange var platsen är", "lat"),
        ({"lat": "norr om torget"}, "position", "ska vara tal i grader", "lat"),
        ({"lat": "1e400"}, "position", "ska vara tal i grader", "lat"),
        ({"lat": "59.3275", "lon": "18.0547"}, "position", "utanför", "lat"),
        ({"description": "  "}, "description", "Beskriv kort", "description"),
        ({"description": "x" * 1001}, "description", "högst 1000", "description"),
        ({"email": "boende at example"}, "email", "ser inte ut som en adress", "email"),
    ],
)
def test_a_refused_field_is_named_beside_it_and_what_was_typed_is_kept(
    client: TestClient,
    workspace: Workspace,
    changes: dict[str, str],
    field: str,
    message: str,
    anchor: str,
) -> None:
    sent = report(description="Trasig <lampa> & mörkt", email="svar@example.se") | changes
    refused = send(client, sent)
    assert refused.status_code == 422
    page = refused.text
    assert page.count(message) == 2  # in the summary at the top, and beside the field
    assert f'<a href="#{anchor}">' in page
    beside = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', page, re.DOTALL)
    assert beside is not None
    assert message in beside[1]
    described = [i for i in outline(page).inputs.values()
                 if f"{field}-error" in (i.get("aria-describedby") or "")]  # fmt: skip
    assert described or field == "category"  # a group's message is the fieldset's
    assert all(i.get("aria-invalid") == "true" for i in described)
    assert page.startswith("<!doctype html>")
    assert "<title>Fel: " in page
    if "description" not in changes:
        assert "Trasig &lt;lampa&gt; &amp; mörkt</textarea>" in page
    if "email" not in changes:
        assert 'value="svar@example.se"' in page
    assert f'value="{sent["lat"]}"' in page if sent["lat"] else True
    assert reports(workspace) == []


def test_a_file_that_is_no_photo_is_refused_beside_the_photo_field(
    client: TestClient, workspace: Workspace
) -> None:
    refused = send(client, report(), photo=b"%PDF-1.4 not a photo")
    assert refused.status_code == 422
    assert '<p class="error" id="photo-error">' in refused.text
    assert reports(workspace) == []


def test_a_photo_to_choose_again_is_said_when_another_field_was_refused(client: TestClient) -> None:
    photo = jpeg_with_gps(17.8445, 59.3668, size=(400, 300))
    refused = send(client, report(description=""), photo=photo)
    assert "Välj fotot igen" in refused.text


def test_a_filled_in_hidden_field_is_thanked_and_nothing_is_stored(
    client: TestClient, workspace: Workspace
) -> None:
    sent = send(client, report(website="https://spam.example"))
    assert sent.status_code == 303
    assert re.fullmatch(r"/boende\?area=hasselby-gard&sent=[0-9a-f]{8}", sent.headers["location"])
    assert reports(workspace) == []


def test_the_sixth_report_in_ten_minutes_waits_and_the_limit_is_said(
    client: TestClient, workspace: Workspace, clock: Clock
) -> None:
    for k in range(5):
        assert send(client, report(description=f"Anmälan {k}")).status_code == 303
    clock.now += 60
    refused = send(client, report(description="En för mycket"))
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "540"
    assert "Försök igen om 9 minuter." in refused.text
    clock.now += 541
    assert send(client, report(description="Senare")).status_code == 303
    assert len(reports(workspace)) == 6


def test_a_body_over_the_limit_is_refused_before_it_is_read(
    workspace: Workspace, clock: Clock
) -> None:
    small = Workspace(replace(workspace.settings, max_photo_bytes=200_000), workspace.store)
    pages = PublicPages(lambda: small, clock=clock)
    with TestClient(Starlette(routes=pages.routes())) as client:
        declared = {"Content-Length": "900000", "Content-Type": "multipart/form-data; boundary=b"}
        refused = client.post("/boende?area=hasselby-gard", content=b"x" * 10, headers=declared)
        assert refused.status_code == 413
        assert "ett foto får vara högst 0,2 MB" in refused.text
        too_big = send(client, report(), photo=b"\xff" * 300_000)
        assert too_big.status_code == 413
    assert reports(workspace) == []


@pytest.mark.parametrize(
    "headers",
    [{"Sec-Fetch-Site": "cross-site"}, {"Origin": "https://elsewhere.example"}],
)
def test_a_report_posted_from_another_site_is_refused_unread(
    client: TestClient, workspace: Workspace, headers: dict[str, str]
) -> None:
    refused = send(client, report(), **headers)
    assert refused.status_code == 403
    assert "från en annan webbplats" in refused.text
    assert reports(workspace) == []


def test_a_form_that_is_no_form_is_refused(client: TestClient) -> None:
    refused = client.post("/boende", content=b"--x\r\nnonsense", headers={
        "Content-Type": "multipart/form-data; boundary=x"})  # fmt: skip
    assert refused.status_code in (400, 422)
    assert "<!doctype html>" in refused.text


def test_in_a_workspace_with_accounts_residents_need_no_login(
    client: TestClient, workspace: Workspace
) -> None:
    add_account(workspace, "eva", "coordinator", "lösenord-12345")
    assert client.get("/boende?area=hasselby-gard").status_code == 200
    assert send(client, report()).status_code == 303
    assert len(reports(workspace)) == 1


def test_the_routes_the_app_mounts_serve_the_pages(workspace: Workspace) -> None:
    with TestClient(Starlette(routes=routes(lambda: workspace))) as client:
        for path in ("/boende", "/residents", "/tillganglighet", "/accessibility"):
            assert client.get(path).status_code == 200, path
        assert client.get(f"/site/residents.css?v={files_version()}").status_code == 200
        assert send(client, report()).status_code == 303


# -------------------------------------------------------------------- statement
def test_the_statement_follows_diggs_structure_in_both_languages(client: TestClient) -> None:
    swedish = client.get("/tillganglighet").text
    headings = (
        "Hur tillgänglig är tjänsten?",
        "Rapportera brister i tjänstens tillgänglighet",
        "Tillsyn",
        "Innehåll som inte är tillgängligt",
        "Hur vi testat tjänsten",
    )
    for heading in headings:
        assert f">{heading}</h" in swedish
    assert "delvis förenlig med lagen om tillgänglighet till digital offentlig service" in swedish
    assert 'href="https://www.digg.se/tdosanmalan"' in swedish
    assert "Hässelby-Vällingby stadsdelsförvaltning står bakom safewalk" in swedish
    assert "Senaste bedömningen gjordes den 2026-12-06." in swedish
    english = client.get("/accessibility").text
    assert '<html lang="en">' in english
    assert "partly compliant" in english
    assert 'href="/tillganglighet" lang="sv"' in english


def test_the_statements_contact_comes_from_the_settings(workspace: Workspace) -> None:
    without = PublicPages(lambda: workspace)
    with TestClient(Starlette(routes=without.routes())) as client:
        assert "har ännu inte angett en kontaktväg" in client.get("/tillganglighet").text
    configured = Workspace(
        replace(workspace.settings, organisation="Exempelby <stadsdel>",
                accessibility_contact="tillganglighet@exempelby.se"),
        workspace.store,
    )  # fmt: skip
    with TestClient(Starlette(routes=PublicPages(lambda: configured).routes())) as client:
        page = client.get("/tillganglighet").text
    assert '<a href="mailto:tillganglighet@exempelby.se">tillganglighet@exempelby.se</a>' in page
    assert "Exempelby &lt;stadsdel&gt; står bakom safewalk" in page


# ------------------------------------------------------------------------ limits
def test_the_limit_counts_each_address_apart_and_forgets_after_its_window() -> None:
    clock = Clock()
    limit = RateLimit(Allowance(per_window=2, window_s=60, per_day=3), clock=clock)
    for _ in range(2):
        assert limit.wait_s("10.0.0.1") == 0
        limit.count("10.0.0.1")
    assert limit.wait_s("10.0.0.1") == 60
    assert limit.wait_s("10.0.0.2") == 0
    clock.now += 61
    assert limit.wait_s("10.0.0.1") == 0
    limit.count("10.0.0.1")
    clock.now += 61
    assert limit.wait_s("10.0.0.1") == pytest.approx(24 * 3600 - 122)  # the day's three
    clock.now += 24 * 3600
    assert limit.wait_s("10.0.0.1") == 0


@pytest.mark.parametrize(
    ("swedish", "english"), [("/boende", "/residents"), ("/tillganglighet", "/accessibility")]
)
def test_a_page_holds_no_text_of_the_other_language(
    client: TestClient, swedish: str, english: str
) -> None:
    texts = [*PAGE_TEXTS.values(), *RESIDENTS_TEXTS.values(), *STATEMENT_TEXTS.values()]
    texts.remove(PAGE_TEXTS["other_language"])  # "English", "Svenska": names, in both
    pages = {"sv": client.get(swedish).text, "en": client.get(english).text}
    for language, other in (("sv", "en"), ("en", "sv")):
        foreign = {text.in_language(other) for text in texts} - {
            text.in_language(language) for text in texts
        }
        written = {text.split("{")[0].strip() for text in foreign}
        stray = [text for text in written if len(text) >= 5 and text in pages[language]]
        assert stray == [], language
