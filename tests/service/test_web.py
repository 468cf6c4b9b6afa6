"""The web pages through FastAPI's TestClient, each browser logged in with a real key of a role: what the
pages show, what they escape, what they refuse, and what they keep from whom."""
from __future__ import annotations

import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from application.access import Role, create_key
from application.settings import Settings
from corpus.store import Catalog
from service import web
from service.api import create_app
from tests.backends import copied_catalog
from tests.checks.text import facts_of
from tests.service.web_corpus import build_archive, pdf_of

PAGES = ("/ui/search", "/ui/search?q=solar", "/ui/warnings", "/ui/upload")


@dataclass
class Site:
    """The service with a key of every role; `api` is a client of its API with the admin key."""

    app: FastAPI
    api: TestClient
    keys: dict[str, str]

    def browser(self, role: str | None) -> TestClient:
        """A browser of the pages: logged in through the login form with this role's key, or none."""
        browser = TestClient(self.app)
        if role is not None:
            response = log_in(browser, self.keys[role])
            assert response.status_code == 303, response.text
        return browser

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.api.get(path, headers={"Authorization": f"Bearer {self.keys['admin']}"}, **kwargs)

    def ingest(self, name: str, data: bytes, confidential: bool = False) -> dict:
        """Upload through the page as the secretariat and follow the job to its end."""
        response = upload(self.browser("secretariat"), name, data, confidential)
        assert response.status_code == 202, response.text
        return follow(self.browser("secretariat"), response.json())


@pytest.fixture(scope="module")
def built(tmp_path_factory, module_database_url) -> tuple[Path, str | None]:
    """The web corpus ingested once; each test opens a copy of it (data folder and catalog)."""
    data_dir = tmp_path_factory.mktemp("web") / "data"
    build_archive(data_dir, module_database_url)
    return data_dir, module_database_url


def open_site(built: tuple[Path, str | None], data_dir: Path, anonymous_read: bool = False) -> Iterator[Site]:
    """A service over a copy of the built archive."""
    shutil.copytree(built[0], data_dir)
    with copied_catalog(built[1]) as database_url:
        yield from serve_site(data_dir, database_url, anonymous_read)


def serve_site(data_dir: Path, database_url: str | None, anonymous_read: bool) -> Iterator[Site]:
    app = create_app(
        Settings(data_dir=data_dir, database_url=database_url, workers=1, anonymous_read=anonymous_read)
    )
    with TestClient(app) as api:
        catalog = app.state.application.archive.catalog
        keys = {role.value: create_key(catalog, role, f"web {role.value}")[1] for role in Role}
        yield Site(app, api, keys)


@pytest.fixture
def site(built, tmp_path) -> Iterator[Site]:
    yield from open_site(built, tmp_path / "data")


@pytest.fixture
def open_to_all(built, tmp_path) -> Iterator[Site]:
    """The same archive with anonymous reading on (JCM_ANONYMOUS_READ)."""
    yield from open_site(built, tmp_path / "data", anonymous_read=True)


def token(browser: TestClient) -> str:
    """The form token a browser is handed with its first page."""
    browser.get("/ui/login")
    return browser.cookies[web.CSRF_COOKIE]


def log_in(browser: TestClient, key: str) -> httpx.Response:
    return browser.post("/ui/login", data={"key": key, "csrf": token(browser)}, follow_redirects=False)


def upload(browser: TestClient, name: str, data: bytes, confidential: bool = False) -> httpx.Response:
    form = {"csrf": token(browser), **({"confidential": "true"} if confidential else {})}
    return browser.post("/ui/upload", files={"file": (name, data)}, data=form)


def follow(browser: TestClient, job: dict, timeout: float = 120) -> dict:
    """Ask the job's poll_url until it is done or failed, as the upload page's script does."""
    deadline = time.monotonic() + timeout
    while job["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, f"the job did not finish: {job}"
        time.sleep(0.05)
        response = browser.get(job["poll_url"])
        assert response.status_code == 200, response.text
        job = response.json()
    return job


def document_id(site: Site, filename: str) -> str:
    return next(d["id"] for d in site.get("/documents").json()["items"] if d["filename"] == filename)


def marked(html: str) -> list[str]:
    return re.findall(r'<mark class="fact"[^>]*>([^<]*)</mark>', html)


def test_every_page_answers(site):
    reviewer = site.browser("reviewer")
    assert reviewer.get("/", follow_redirects=False).headers["location"] == "/ui/search"
    for path in (*PAGES, "/ui/login"):
        response = reviewer.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
    missing = reviewer.get("/ui/documents/nope")
    assert missing.status_code == 404 and "There is no document nope" in missing.text


def test_search_shows_highlighted_hits_in_three_languages_with_links(site):
    html = site.browser("public").get("/ui/search", params={"q": "solar"}).text
    for name in ("en_monitoring_report.pdf", "ja_pdd.pdf", "th_selection_summary.docx"):
        assert f">{name}</a>" in html
    assert '<p class="snippet" lang="ja"><mark>太陽光' in html
    assert 'lang="th"' in html and "<mark>solar</mark>" in html
    pdf = document_id(site, "ja_pdd.pdf")
    assert f'href="/ui/documents/{pdf}/file#page=1"' in html  # a PDF opens at the page of the hit
    assert f'href="/ui/documents/{pdf}#page-1"' in html
    assert "Also searched" in html and "expand=false" in html


def test_search_without_glossary_and_with_a_filter(site):
    public = site.browser("public")
    narrow = public.get("/ui/search", params={"q": "solar", "expand": "false"}).text
    assert "ja_pdd.pdf" not in narrow and "Only the words typed were searched" in narrow
    thai = public.get("/ui/search", params={"q": "solar", "language": "th"}).text
    assert "th_selection_summary.docx" in thai and "en_monitoring_report.pdf" not in thai
    assert public.get("/ui/search", params={"q": "solar", "year": "soon"}).status_code == 400
    assert public.get("/ui/search", params={"q": "solar " * 100}).status_code == 400


def test_search_pages_through_many_hits(site):
    pages = [[f"Boiler number {n} feeds the steam plant."] for n in range(25)]
    assert site.ingest("boilers.pdf", pdf_of(pages))["status"] == "done"
    public = site.browser("public")
    first = public.get("/ui/search", params={"q": "steam plant", "expand": "false"}).text
    second = public.get("/ui/search", params={"q": "steam plant", "expand": "false", "offset": 10}).text
    assert first.count('class="hit"') == 10 and 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and "Results 11–20" in second


def test_document_page_marks_each_fact_in_its_text(site):
    doc = document_id(site, "en_monitoring_report.pdf")
    public = site.browser("public")
    html = public.get(f"/ui/documents/{doc}").text
    facts = site.get("/facts", params={"document": doc}).json()["items"]
    settings = site.app.state.application.settings
    assert sorted(marked(html)) == sorted(
        _span_text(settings, doc, f["evidence"]["start"], f["evidence"]["end"]) for f in facts
    )
    assert 'title="emission reduction: 2,700 tCO2e/yr' in html
    assert f'href="/ui/documents/{doc}/file" download' in html
    original = public.get(f"/ui/documents/{doc}/file")
    assert original.content == site.get(f"/documents/{doc}/file").content
    assert original.headers["content-type"] == "application/pdf"
    assert "Reference emissions of 8,000 minus project emissions" in html  # its warning


def _span_text(settings: Settings, doc: str, start: int, end: int) -> str:
    """The document text between two offsets, rebuilt from the catalog's blocks."""
    blocks = Catalog(settings.data_dir, settings.database_url).blocks(doc)
    block = next(b for b in blocks if b.start <= start < b.end)
    return block.text[start - block.start : end - block.start]


def test_thai_and_japanese_text_carries_its_language(site):
    public = site.browser("public")
    thai = public.get(f"/ui/documents/{document_id(site, 'th_selection_summary.docx')}").text
    japanese = public.get(f"/ui/documents/{document_id(site, 'ja_pdd.pdf')}").text
    assert 'lang="th">' in thai and "๕,๐๐๐" in marked(thai)
    assert 'lang="ja">' in japanese and "2,700" in marked(japanese)


def test_document_text_is_shown_as_text_never_as_markup(site):
    body = "<script>alert('x')</script> The plant reduces 1,000 tCO2e per year. <b>bold</b>"
    doc = site.ingest("tricky.txt", body.encode())["document_id"]
    public = site.browser("public")
    page = public.get(f"/ui/documents/{doc}").text
    hits = public.get("/ui/search", params={"q": "alert plant"}).text
    for html in (page, hits):
        assert "<script>alert" not in html and "<b>bold" not in html
        assert "&lt;script&gt;" in html
    assert "1,000" in marked(page)


def test_warnings_dashboard_filters_and_shows_numbers_beside_evidence(site):
    reviewer = site.browser("reviewer")
    html = reviewer.get("/ui/warnings").text
    assert html.count('class="warning status-open"') == 3
    assert "reference minus project (2)" in html and "sum of parts (1)" in html
    only = reviewer.get("/ui/warnings", params={"rule": "sum_of_parts"}).text
    assert only.count('<article class="warning') == 1 and 'lang="th"' in only
    assert re.search(r"<dt>found</dt><dd>4,000</dd>", only)
    assert "<blockquote lang=\"th\">" in only and "<mark" in only
    assert reviewer.get("/ui/warnings", params={"status": "dismissed"}).text.count("<article") == 0


def test_acknowledging_a_warning_by_form_is_what_the_api_reports(site):
    reviewer = site.browser("reviewer")
    warning = site.get("/warnings").json()["items"][0]
    form = {"status": "acknowledged", "note": "checked <with> the PP", "back": "status=open",
            "csrf": token(reviewer)}
    response = reviewer.post(f"/ui/warnings/{warning['id']}/review", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/ui/warnings?status=open#w-{warning['id']}"
    [reviewed] = site.get("/warnings", params={"status": "acknowledged"}).json()["items"]
    assert (reviewed["id"], reviewed["note"]) == (warning["id"], "checked <with> the PP")
    page = reviewer.get("/ui/warnings", params={"status": "acknowledged"}).text
    assert "checked &lt;with&gt; the PP" in page and "status-acknowledged" in page


@pytest.mark.parametrize("headers", [{}, {"origin": "https://elsewhere.example"}])
def test_review_forms_without_our_token_or_from_another_site_change_nothing(site, headers):
    reviewer = site.browser("reviewer")
    warning = site.get("/warnings").json()["items"][0]
    form = {"status": "dismissed", "note": "forged"}
    if headers:
        form["csrf"] = token(reviewer)
    response = reviewer.post(f"/ui/warnings/{warning['id']}/review", data=form, headers=headers)
    assert response.status_code == 403
    assert site.get("/warnings").json()["items"][0]["status"] == "open"


def test_a_key_that_may_not_review_or_upload_is_refused(site):
    public = site.browser("public")
    warning = site.get("/warnings").json()["items"][0]
    assert "Acknowledge" not in public.get("/ui/warnings").text
    response = public.post(f"/ui/warnings/{warning['id']}/review",
                           data={"status": "dismissed", "csrf": token(public)})
    assert response.status_code == 403 and "Your key may not review warnings" in response.text
    assert site.get("/warnings").json()["items"][0]["status"] == "open"
    assert "Your key may not upload documents" in public.get("/ui/upload").text
    refused = upload(public, "a.txt", b"1,000 tCO2e")
    assert refused.status_code == 403 and "may not upload" in refused.json()["error"]["message"]
    assert site.get("/documents").json()["total"] == 3


def test_upload_is_a_job_the_page_follows_to_done_and_the_document_is_searchable(site):
    secretariat = site.browser("secretariat")
    response = upload(secretariat, "notes.txt", b"The heat pump saves 1,234 tCO2e per year.")
    assert response.status_code == 202, response.text
    queued = response.json()
    assert queued["status"] in ("queued", "running") and queued["poll_url"] == f"/ui/jobs/{queued['id']}"
    job = follow(secretariat, queued)
    assert (job["status"], job["outcome"]) == ("done", "ingested")
    assert (job["pages_done"], job["pages_total"]) == (1, 1)
    assert job["document_url"] == f"/ui/documents/{job['document_id']}"
    assert "1,234" in marked(secretariat.get(job["document_url"]).text)
    assert "notes.txt" in site.browser("public").get("/ui/search", params={"q": "heat pump"}).text
    broken = follow(secretariat, upload(secretariat, "broken.docx", b"PK\x03\x04 not a zip").json())
    assert broken["status"] == "failed" and broken["reason"] and broken["document_url"] is None


SECRET_FILE = "th_contract_confidential.txt"
SECRET_TEXT = ("Reference emissions are 9,000 tCO2e per year, project emissions 1,000 tCO2e per year and "
               "emission reductions 7,777 tCO2e per year under clause KOALAQUASAR.")


def test_a_confidential_upload_is_kept_confidential(open_to_all):
    site = open_to_all
    job = site.ingest(SECRET_FILE, SECRET_TEXT.encode(), confidential=True)
    assert (job["status"], job["confidential"]) == ("done", True)
    doc = job["document_id"]
    insider = site.browser("secretariat")
    assert "KOALAQUASAR" in insider.get("/ui/search", params={"q": "KOALAQUASAR"}).text
    assert SECRET_FILE in insider.get("/ui/search").text
    assert "7,777" in marked(insider.get(f"/ui/documents/{doc}").text)
    assert SECRET_FILE in insider.get("/ui/warnings").text  # its emissions do not add up
    for outsider in (site.browser("public"), site.browser(None)):  # a public key; no key, reading allowed
        assert "Nothing found" in outsider.get("/ui/search", params={"q": "KOALAQUASAR"}).text
        for page in ("/ui/search", "/ui/search?q=emission+reductions", "/ui/warnings"):
            html = outsider.get(page).text
            assert SECRET_FILE not in html and doc not in html and "7,777" not in html, page
        for page in (f"/ui/documents/{doc}", f"/ui/documents/{doc}/file"):
            assert outsider.get(page).status_code == 404
        assert outsider.get(f"/ui/jobs/{job['id']}").status_code in (401, 404)


def test_login_keeps_the_key_in_a_strict_http_only_cookie(site):
    browser = site.browser(None)
    response = log_in(browser, site.keys["reviewer"])
    assert (response.status_code, response.headers["location"]) == (303, "/ui/search")
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{web.KEY_COOKIE}="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    for path in ("/ui/search", "/ui/login"):
        page = browser.get(path).text
        assert "Log out" in page and '<span class="role">reviewer</span>' in page, path
    refused = browser.post("/ui/login", data={"key": "jcm_not_a_key", "csrf": token(browser)})
    assert refused.status_code == 401 and "That key is not valid" in refused.text
    assert browser.post("/ui/login", data={"key": site.keys["reviewer"]}).status_code == 403  # no token
    out = browser.post("/ui/logout", data={"csrf": token(browser)}, follow_redirects=False)
    assert out.headers["location"] == "/ui/login"
    assert browser.get("/ui/warnings", follow_redirects=False).headers["location"] == "/ui/login"


def test_without_a_key_every_page_asks_for_one(site):
    """Anonymous reading is off by default: pages send the browser to the login form and the upload
    page's script, which reads JSON, gets a 401."""
    visitor = site.browser(None)
    warning = site.get("/warnings").json()["items"][0]
    for path in (*PAGES, f"/ui/documents/{document_id(site, 'ja_pdd.pdf')}"):
        response = visitor.get(path, follow_redirects=False)
        assert (response.status_code, response.headers["location"]) == (303, "/ui/login"), path
    review = visitor.post(f"/ui/warnings/{warning['id']}/review",
                          data={"status": "dismissed", "csrf": token(visitor)}, follow_redirects=False)
    assert review.headers["location"] == "/ui/login"
    assert upload(visitor, "a.txt", b"1,000 tCO2e").status_code == 401
    assert site.get("/warnings").json()["items"][0]["status"] == "open"
    assert site.get("/documents").json()["total"] == 3


def test_with_anonymous_reading_a_visitor_reads_public_pages_without_logging_in(open_to_all):
    site = open_to_all
    visitor = site.browser(None)
    listing = visitor.get("/ui/search", follow_redirects=False)
    assert listing.status_code == 200 and "th_selection_summary.docx" in listing.text
    assert "Log in" in listing.text and "Log out" not in listing.text
    assert "ja_pdd.pdf" in visitor.get("/ui/search", params={"q": "solar"}).text
    assert visitor.get(f"/ui/documents/{document_id(site, 'ja_pdd.pdf')}").status_code == 200
    dashboard = visitor.get("/ui/warnings").text
    assert dashboard.count('class="warning status-open"') == 3 and "Acknowledge" not in dashboard
    warning = site.get("/warnings").json()["items"][0]
    review = visitor.post(f"/ui/warnings/{warning['id']}/review",
                          data={"status": "dismissed", "csrf": token(visitor)})
    assert review.status_code == 401 and "Log in with a key that may review warnings" in review.text
    assert "Log in with a key that may upload documents" in visitor.get("/ui/upload").text
    assert upload(visitor, "a.txt", b"1,000 tCO2e").status_code == 401
    assert site.get("/warnings").json()["items"][0]["status"] == "open"
    # a revoked key is not quietly read as no key: its holder is asked to log in again
    catalog = site.app.state.application.archive.catalog
    record, key = create_key(catalog, Role.PUBLIC, "leaving")
    leaving = TestClient(site.app)
    assert log_in(leaving, key).status_code == 303 and leaving.get("/ui/search").status_code == 200
    catalog.revoke_key(record.id)
    assert leaving.get("/ui/search", follow_redirects=False).headers["location"] == "/ui/login"


def test_two_facts_on_one_number_share_its_mark_and_both_can_be_linked():
    text = "Emission reductions are 2,700 tCO2e per year and the project costs JPY 30 million."
    facts = facts_of(text)
    first = facts[0]
    twin = first.model_copy(update={"id": "twin", "kind": "credits_issued"})
    pieces = web.pieces_of(text, 0, [*facts, twin])
    assert "".join(piece.text for piece in pieces) == text
    shared = next(piece for piece in pieces if first in piece.facts)
    assert shared.facts == (first, twin)
    assert shared.text == text[first.evidence.start : first.evidence.end]
    html = web.templates.env.from_string(
        '{% from "macros.html" import pieces %}{{ pieces(list, anchors=true) }}').render(list=pieces)
    assert f'id="fact-{first.id}"' in html and 'id="fact-twin"' in html and html.count("<mark") == len(facts)
