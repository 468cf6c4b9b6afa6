"""Uploaded files with scripts, opened in Chromium by an admin every way the service offers them: no
script of theirs runs and every original is a download (issue 15, finding 1).

A secretariat key uploads HTML, an SVG drawing, XHTML and a .txt that looks like HTML (hostile_files),
each with scripts that would set the page title, a global and request /__pwned__/WHERE. Logged in as
admin, the browser opens each document's page, its download link, the pages' and the API's file URLs and
the search hits' links; it must never see a mark. A control first renders the same bytes as pages of the
service's origin (as the service once served them) to show that the marks do appear when scripts run.
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import httpx
import pytest

from tests.service.hostile_files import HOSTILE, MARK, RENDERED_AS, SHOWN_AS_TEXT, WORD
from tests.service.web_corpus import BROWSER, BROWSER_ARGS, keys_for, log_in, serving

pytestmark = pytest.mark.skipif(
    not os.access(BROWSER, os.X_OK), reason=f"no Chromium at {BROWSER} (Debian: apt-get install chromium)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
DOWNLOAD_SECONDS = 10


@dataclass
class Site:
    base: str
    keys: dict[str, str]
    ids: dict[str, str]  # file name -> document id


@dataclass
class Watch:
    """Every request any page of the browser makes, to catch the marks' requests."""

    urls: list[str] = field(default_factory=list)

    @property
    def marks(self) -> list[str]:
        return [url for url in self.urls if MARK in url]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None) -> Iterator[Site]:
    data_dir = tmp_path_factory.mktemp("hostile") / "data"
    keys = keys_for(data_dir, module_database_url, "admin", "secretariat")
    with serving(data_dir, module_database_url) as base:
        uploader = {"Authorization": f"Bearer {keys['secretariat']}"}
        ids = {name: upload(base, uploader, name, data) for name, data in HOSTILE.items()}
        yield Site(base, keys, ids)


def upload(base: str, headers: dict[str, str], name: str, data: bytes) -> str:
    """Upload as the API does and follow the job to its document."""
    job = httpx.post(f"{base}/documents", headers=headers, files={"file": (name, data)}).json()
    deadline = time.monotonic() + 120
    while job["status"] not in ("done", "failed"):
        assert time.monotonic() < deadline, job
        time.sleep(0.1)
        job = httpx.get(f"{base}/jobs/{job['id']}", headers=headers).json()
    assert job["status"] == "done", job
    return job["document_id"]


@pytest.fixture
def chromium() -> Iterator:
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, headless=True, args=BROWSER_ARGS)
        yield browser
        browser.close()


def new_tab(chromium, watch: Watch, **context_options):
    context = chromium.new_context(accept_downloads=True, **context_options)
    context.on("request", lambda request: watch.urls.append(request.url))
    tab = context.new_page()
    tab.set_default_timeout(20_000)
    return tab


def assert_no_script_ran(tab, watch: Watch, where: str) -> None:
    tab.wait_for_timeout(300)  # a script's request would have left by now
    assert not watch.marks, f"{where}: a script of an upload ran: {watch.marks}"
    assert tab.title() != "PWNED", where
    assert tab.evaluate("() => window.__pwned === undefined"), where


def assert_download(tab, watch: Watch, open_it: Callable[[], object], name: str, where: str) -> None:
    """Opening the file (a click or a navigation) saves it under its name: no page of it is ever shown."""
    try:
        with tab.expect_download(timeout=DOWNLOAD_SECONDS * 1000) as caught:
            open_it()
    except sync_api.TimeoutError:
        tab.wait_for_timeout(300)
        pytest.fail(f"{where}: shown as a page, not saved; marks of the scripts that ran: {watch.marks}")
    assert caught.value.suggested_filename == name, where
    assert caught.value.failure() is None, where


def navigate(tab, url: str) -> None:
    # page.goto refuses a URL that turns into a download; a navigation from the page itself does not
    tab.evaluate("url => { window.location.href = url }", url)


def served_as(data: bytes, media_type: str) -> Callable:
    """A route handler answering with these bytes inline, as a page of the service's origin."""
    return lambda route: route.fulfill(status=200, body=data, content_type=media_type)


def test_the_marks_appear_when_the_bytes_are_rendered_as_pages(site: Site, chromium):
    """The control: served inline from the service's origin (as before the fix), every hostile file's
    script runs and leaves its marks, so their absence below means no script ran."""
    for name, data in HOSTILE.items():
        watch = Watch()
        tab = new_tab(chromium, watch)
        url = f"{site.base}/control/{name}"
        tab.route(url, served_as(data, RENDERED_AS[name]))
        tab.goto(url)
        tab.wait_for_timeout(300)
        assert watch.marks and tab.title() == "PWNED", name
        tab.context.close()


def test_no_upload_runs_a_script_however_an_admin_opens_it(site: Site, chromium):
    watch = Watch()
    tab = new_tab(chromium, watch)
    log_in(tab, site.base, site.keys["admin"])
    for name, document_id in site.ids.items():
        # the document page: our own text, escaped
        tab.goto(f"{site.base}/ui/documents/{document_id}")
        assert tab.locator("h1").inner_text() == name
        if name in SHOWN_AS_TEXT:
            assert SHOWN_AS_TEXT[name][0] in tab.locator("article.text").inner_text()  # shown, as text
        assert_no_script_ran(tab, watch, f"{name}: document page")
        # its download link, and the pages' file URL opened directly
        assert_download(tab, watch, lambda: tab.click("a.download"), name, f"{name}: download link")
        file_url = f"{site.base}/ui/documents/{document_id}/file"
        assert_download(tab, watch, lambda url=file_url: navigate(tab, url), name, f"{name}: page file URL")
        assert_no_script_ran(tab, watch, f"{name}: page file URL")
        answer = tab.request.get(file_url)  # with the browser's own session
        assert answer.headers["content-disposition"].startswith("attachment;")
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["content-security-policy"].startswith("sandbox;")
        assert answer.headers["content-type"] == "application/octet-stream"

    # the search hits' links: to the document's page and to the original
    tab.goto(f"{site.base}/ui/search?q={WORD}")
    hits = tab.locator("li.hit")
    names = [hits.nth(i).locator("a.doc").inner_text() for i in range(hits.count())]
    assert set(names) == {name for name in HOSTILE if name != "drawing.html"}  # an SVG states no text
    for name in names:
        hit = tab.locator("li.hit", has=tab.locator("a.doc", has_text=name)).first
        original = hit.locator("a.original")
        assert_download(tab, watch, original.click, name, f"{name}: search hit's original")
        assert_no_script_ran(tab, watch, f"{name}: search hit's original")
        hit.locator("a.doc").click()
        tab.wait_for_url(f"**/ui/documents/{site.ids[name]}*")
        assert_no_script_ran(tab, watch, f"{name}: search hit's document")
        tab.go_back()
    tab.context.close()


def test_no_upload_runs_a_script_through_the_api_file_route(site: Site, chromium):
    """The API's /documents/{id}/file (and by file name) in a browser that sends the admin's key."""
    watch = Watch()
    headers = {"Authorization": f"Bearer {site.keys['admin']}"}
    tab = new_tab(chromium, watch, extra_http_headers=headers)
    tab.goto(f"{site.base}/health")
    for name, document_id in site.ids.items():
        for url in (f"{site.base}/documents/{document_id}/file", f"{site.base}/documents/{name}/file"):
            assert_download(tab, watch, lambda url=url: navigate(tab, url), name, url)
            assert_no_script_ran(tab, watch, url)
    tab.context.close()
