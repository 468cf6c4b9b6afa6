"""The web pages through FastAPI's TestClient: what they show, what they escape and what they refuse."""
import re
import shutil

import pytest
from fastapi.testclient import TestClient

from corpus.store import Catalog
from service import web
from service.access import Role, Viewer
from service.api import create_app
from service.settings import Settings
from tests.checks.text import facts_of
from tests.service.web_corpus import build_archive, pdf_of


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("web") / "data"
    build_archive(data_dir)
    return data_dir


@pytest.fixture
def data_dir(built, tmp_path):
    copy = tmp_path / "data"
    shutil.copytree(built, copy)
    return copy


@pytest.fixture
def client(data_dir):
    with TestClient(create_app(Settings(data_dir=data_dir, workers=1))) as test_client:
        yield test_client


def document_id(client, filename):
    return next(d["id"] for d in client.get("/documents").json()["items"] if d["filename"] == filename)


def token(client) -> str:
    """The form token a browser is handed with its first page."""
    client.get("/ui/search")
    return client.cookies[web.CSRF_COOKIE]


def marked(html: str) -> list[str]:
    return re.findall(r'<mark class="fact"[^>]*>([^<]*)</mark>', html)


def test_every_page_answers(client):
    assert client.get("/", follow_redirects=False).headers["location"] == "/ui/search"
    for path in ("/ui/search", "/ui/search?q=solar", "/ui/warnings", "/ui/upload", "/ui/login"):
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["content-type"].startswith("text/html")
    missing = client.get("/ui/documents/nope")
    assert missing.status_code == 404 and "There is no document nope" in missing.text


def test_search_shows_highlighted_hits_in_three_languages_with_links(client):
    html = client.get("/ui/search", params={"q": "solar"}).text
    for name in ("en_monitoring_report.pdf", "ja_pdd.pdf", "th_selection_summary.docx"):
        assert f">{name}</a>" in html
    assert '<p class="snippet" lang="ja"><mark>太陽光' in html
    assert 'lang="th"' in html and "<mark>solar</mark>" in html
    pdf = document_id(client, "ja_pdd.pdf")
    assert f'href="/ui/documents/{pdf}/file#page=1"' in html  # a PDF opens at the page of the hit
    assert f'href="/ui/documents/{pdf}#page-1"' in html
    assert "Also searched" in html and "expand=false" in html


def test_search_without_glossary_and_with_a_filter(client):
    narrow = client.get("/ui/search", params={"q": "solar", "expand": "false"}).text
    assert "ja_pdd.pdf" not in narrow and "Only the words typed were searched" in narrow
    thai = client.get("/ui/search", params={"q": "solar", "language": "th"}).text
    assert "th_selection_summary.docx" in thai and "en_monitoring_report.pdf" not in thai
    assert client.get("/ui/search", params={"q": "solar", "year": "soon"}).status_code == 400
    assert client.get("/ui/search", params={"q": "solar " * 100}).status_code == 400


def test_search_pages_through_many_hits(client):
    pages = [[f"Boiler number {n} feeds the steam plant."] for n in range(25)]
    ingest(client, "boilers.pdf", pdf_of(pages))
    first = client.get("/ui/search", params={"q": "steam plant", "expand": "false"}).text
    second = client.get("/ui/search", params={"q": "steam plant", "expand": "false", "offset": 10}).text
    assert first.count('class="hit"') == 10 and 'rel="next"' in first and 'rel="prev"' not in first
    assert 'rel="prev"' in second and "Results 11–20" in second


def test_document_page_marks_each_fact_in_its_text(client, data_dir):
    doc = document_id(client, "en_monitoring_report.pdf")
    html = client.get(f"/ui/documents/{doc}").text
    facts = client.get("/facts", params={"document": doc}).json()["items"]
    assert sorted(marked(html)) == sorted(
        _span_text(data_dir, doc, f["evidence"]["start"], f["evidence"]["end"]) for f in facts
    )
    assert 'title="emission reduction: 2,700 tCO2e/yr' in html
    assert f'href="/ui/documents/{doc}/file" download' in html
    original = client.get(f"/ui/documents/{doc}/file")
    assert original.content == client.get(f"/documents/{doc}/file").content
    assert original.headers["content-type"] == "application/pdf"
    assert "Reference emissions of 8,000 minus project emissions" in html  # its warning


def _span_text(data_dir, doc, start, end) -> str:
    """The document text between two offsets, rebuilt from the catalog's blocks."""
    blocks = Catalog(data_dir).blocks(doc)
    block = next(b for b in blocks if b.start <= start < b.end)
    return block.text[start - block.start : end - block.start]


def test_thai_and_japanese_text_carries_its_language(client):
    thai = client.get(f"/ui/documents/{document_id(client, 'th_selection_summary.docx')}").text
    japanese = client.get(f"/ui/documents/{document_id(client, 'ja_pdd.pdf')}").text
    assert 'lang="th">' in thai and "๕,๐๐๐" in marked(thai)
    assert 'lang="ja">' in japanese and "2,700" in marked(japanese)


def test_document_text_is_shown_as_text_never_as_markup(client):
    body = "<script>alert('x')</script> The plant reduces 1,000 tCO2e per year. <b>bold</b>"
    doc = ingest(client, "tricky.txt", body.encode())["outcome"]["document_id"]
    page = client.get(f"/ui/documents/{doc}").text
    hits = client.get("/ui/search", params={"q": "alert plant"}).text
    for html in (page, hits):
        assert "<script>alert" not in html and "<b>bold" not in html
        assert "&lt;script&gt;" in html
    assert "1,000" in marked(page)


def test_warnings_dashboard_filters_and_shows_numbers_beside_evidence(client):
    html = client.get("/ui/warnings").text
    assert html.count('class="warning status-open"') == 3
    assert "reference minus project (2)" in html and "sum of parts (1)" in html
    only = client.get("/ui/warnings", params={"rule": "sum_of_parts"}).text
    assert only.count('<article class="warning') == 1 and 'lang="th"' in only
    assert re.search(r"<dt>found</dt><dd>4,000</dd>", only)
    assert "<blockquote lang=\"th\">" in only and "<mark" in only
    assert client.get("/ui/warnings", params={"status": "dismissed"}).text.count("<article") == 0


def test_acknowledging_a_warning_by_form_is_what_the_api_reports(client):
    warning = client.get("/warnings").json()["items"][0]
    form = {"status": "acknowledged", "note": "checked <with> the PP", "back": "status=open",
            "csrf": token(client)}
    response = client.post(f"/ui/warnings/{warning['id']}/review", data=form, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == f"/ui/warnings?status=open#w-{warning['id']}"
    [reviewed] = client.get("/warnings", params={"status": "acknowledged"}).json()["items"]
    assert (reviewed["id"], reviewed["note"]) == (warning["id"], "checked <with> the PP")
    page = client.get("/ui/warnings", params={"status": "acknowledged"}).text
    assert "checked &lt;with&gt; the PP" in page and "status-acknowledged" in page


@pytest.mark.parametrize("headers", [{}, {"origin": "https://elsewhere.example"}])
def test_review_forms_without_our_token_or_from_another_site_change_nothing(client, headers):
    warning = client.get("/warnings").json()["items"][0]
    form = {"status": "dismissed", "note": "forged"}
    if headers:
        form["csrf"] = token(client)
    response = client.post(f"/ui/warnings/{warning['id']}/review", data=form, headers=headers)
    assert response.status_code == 403
    assert client.get("/warnings").json()["items"][0]["status"] == "open"


def test_a_key_that_may_not_review_or_upload_is_refused(client):
    client.app.dependency_overrides[web.current_viewer] = lambda: Viewer(Role.public, "k1")
    warning = client.get("/warnings").json()["items"][0]
    assert "Acknowledge" not in client.get("/ui/warnings").text
    response = client.post(f"/ui/warnings/{warning['id']}/review",
                           data={"status": "dismissed", "csrf": token(client)})
    assert response.status_code == 403
    assert client.get("/warnings").json()["items"][0]["status"] == "open"
    assert "may not upload" in client.get("/ui/upload").text
    upload = client.post("/ui/upload", files={"file": ("a.txt", b"1,000 tCO2e")},
                         data={"csrf": token(client)})
    assert upload.status_code == 403 and client.get("/documents").json()["total"] == 3


def ingest(client, name: str, data: bytes, **form) -> dict:
    response = client.post("/ui/upload", files={"file": (name, data)}, data={"csrf": token(client), **form})
    assert response.status_code == 201, response.text
    return response.json()


def test_upload_answers_as_a_finished_job_and_the_document_is_searchable(client):
    job = ingest(client, "notes.txt", b"The heat pump saves 1,234 tCO2e per year.")
    assert (job["status"], job["pages_done"], job["pages_total"]) == ("done", 1, 1)
    assert job["document_url"] == f"/ui/documents/{job['outcome']['document_id']}"
    assert "notes.txt" in client.get("/ui/search", params={"q": "heat pump"}).text
    broken = ingest(client, "broken.docx", b"PK\x03\x04 not a zip")
    assert broken["status"] == "failed" and broken["outcome"]["reason"]


def test_confidential_upload_is_refused_until_it_can_be_kept_confidential(client):
    response = client.post("/ui/upload", files={"file": ("secret.txt", b"1,000 tCO2e")},
                           data={"csrf": token(client), "confidential": "true"})
    assert response.status_code == 400 and "confidential" in response.json()["error"]["message"]
    assert client.get("/documents").json()["total"] == 3


def test_login_keeps_the_key_in_a_strict_http_only_cookie(client):
    response = client.post("/ui/login", data={"key": "k-123", "csrf": token(client)}, follow_redirects=False)
    assert response.status_code == 303
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(f"{web.KEY_COOKIE}="))
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert client.post("/ui/login", data={"key": "k-123"}).status_code == 403  # no token: no login


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
