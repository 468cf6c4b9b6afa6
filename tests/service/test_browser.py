"""A reviewer's round trip in a real browser: log in, search, open a hit's document, review a warning;
then the secretariat's: upload a file and follow its job to the document."""
import os

import httpx
import pytest

from application.archive import Archive
from application.settings import Settings
from corpus.store import Catalog
from tests.conftest import MONGOLIA_PDD, MONGOLIA_SUMMARY
from tests.service.web_corpus import BROWSER, BROWSER_ARGS, build_archive, docx_of, keys_for, log_in, serving

pytestmark = pytest.mark.skipif(
    not os.access(BROWSER, os.X_OK), reason=f"no Chromium at {BROWSER} (Debian: apt-get install chromium)"
)
sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")


@pytest.fixture
def site(tmp_path, database_url):
    data_dir = tmp_path / "data"
    build_archive(data_dir, database_url)
    keys = keys_for(data_dir, database_url, "reviewer", "secretariat")
    with serving(data_dir, database_url) as base:
        yield base, data_dir, keys


@pytest.fixture
def page():
    """A Chromium tab; whatever the test did in it, the pages' Content-Security-Policy refused nothing
    (Chromium names the Content Security Policy on the console for each thing it blocks)."""
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=BROWSER, headless=True, args=BROWSER_ARGS)
        tab = browser.new_page()
        tab.set_default_timeout(20_000)
        refused: list[str] = []

        def heard(message) -> None:
            if "Content Security Policy" in message.text:
                refused.append(message.text)

        tab.on("console", heard)
        yield tab
        browser.close()
        assert not refused, f"the pages' policy blocked what they need: {refused}"


def test_search_document_review_and_upload_in_chromium(site, page, tmp_path, database_url):
    base, data_dir, keys = site
    expect = sync_api.expect

    # without a key the pages send the browser to the login form; the reviewer pastes theirs
    page.goto(f"{base}/ui/search")
    expect(page.locator("h1")).to_have_text("Log in")
    log_in(page, base, keys["reviewer"])
    expect(page.locator("header.top .role")).to_have_text("reviewer")

    # search in English finds the Japanese and Thai documents through the glossary
    page.fill("input[name=q]", "solar")
    page.press("input[name=q]", "Enter")
    hits = page.locator("li.hit")
    expect(hits.filter(has_text="ja_pdd.pdf")).to_have_count(1)
    expect(hits.filter(has_text="th_selection_summary.docx")).to_have_count(1)
    expect(page.locator("#also-searched")).to_contain_text("太陽光")
    expect(page.locator("li.hit .snippet mark").first).to_be_visible()

    # the hit's document shows its text with the extracted facts marked in place
    page.locator("li.hit", has_text="ja_pdd.pdf").locator("a.doc").click()
    expect(page.locator("h1")).to_have_text("ja_pdd.pdf")
    facts = page.locator("article.text mark.fact")
    expect(facts).to_have_count(3)
    reduction = facts.filter(has_text="2,700")
    expect(reduction).to_have_attribute("title", "emission reduction: 2,700 tCO2e/yr")
    assert page.locator("p.block[lang=ja]").count() == 3

    # the warnings dashboard: acknowledge the Japanese document's warning with a note
    page.click("nav >> text=Warnings")
    warning = page.locator("article.warning", has_text="ja_pdd.pdf")
    expect(warning.locator("figure")).to_have_count(3)  # its three numbers, each with its sentence
    warning.locator("input[name=note]").fill("the PDD rounds the reference emissions")
    warning.locator("button[value=acknowledged]").click()
    warning = page.locator("article.warning", has_text="ja_pdd.pdf")
    expect(warning.locator("header .badge")).to_have_text("acknowledged")
    expect(warning.locator(".review-note")).to_contain_text("the PDD rounds the reference emissions")

    warning_id = warning.get_attribute("id").removeprefix("w-")
    [stored] = Catalog(data_dir, database_url).warnings(warning_id=warning_id)
    assert (stored.status, stored.note) == ("acknowledged", "the PDD rounds the reference emissions")
    reviewer = {"Authorization": f"Bearer {keys['reviewer']}"}
    reported = httpx.get(f"{base}/warnings", params={"status": "acknowledged"}, headers=reviewer)
    assert [w["id"] for w in reported.json()["items"]] == [warning_id]

    # a reviewer's key may not upload; the secretariat's may
    page.click("nav >> text=Upload")
    expect(page.locator("main .error")).to_have_text("Your key may not upload documents.")
    page.click("header.top .logout button")
    expect(page.locator("h1")).to_have_text("Log in")
    log_in(page, base, keys["secretariat"])

    # upload: the page follows the job until it is done and links the new document
    upload = tmp_path / "th_notice.docx"
    upload.write_bytes(docx_of(["ประกาศผลการคัดเลือกโครงการ ลดการปล่อยก๊าซเรือนกระจกได้ ๑,๒๐๐ ตันต่อปี"]))
    page.click("nav >> text=Upload")
    page.set_input_files("input[name=file]", upload)
    page.click("#upload button[type=submit]")
    expect(page.locator("#job")).to_have_attribute("data-status", "done", timeout=120_000)
    expect(page.locator("#job-status")).to_contain_text("th_notice.docx: 1 page(s) read")
    page.click("#job-status a")
    expect(page.locator("h1")).to_have_text("th_notice.docx")
    expect(page.locator("article.text mark.fact")).to_have_count(1)


def test_a_reviewer_separates_two_documents_on_the_projects_page(tmp_path, page, database_url):
    """Two documents the evidence takes for one project, their facts side by side and the warning
    between them; the reviewer marks them as different projects and the warning goes at once."""
    data_dir = tmp_path / "data"
    archive = Archive(Settings(data_dir=data_dir, database_url=database_url, workers=1))
    try:
        for name, text in (("pdd_en.txt", MONGOLIA_PDD.format(reduction="1,200")),
                           ("summary_ja.txt", MONGOLIA_SUMMARY.format(reduction="1,500"))):
            assert archive.ingestion.ingest_bytes(text.encode(), name).status == "ingested"
        archive.derived.refresh({d.id for d in archive.catalog.list_documents()})
    finally:
        archive.close()
    keys = keys_for(data_dir, database_url, "reviewer")
    expect = sync_api.expect
    with serving(data_dir, database_url) as base:
        log_in(page, base, keys["reviewer"])
        page.click("nav >> text=Projects")
        project = page.locator("article.project").first
        row = project.locator("tr", has_text="emission reduction (tCO2e/yr)")
        expect(row.locator("td")).to_have_count(2)
        expect(row).to_contain_text("1,200")
        expect(row).to_contain_text("1,500")
        expect(project.locator(".links")).to_contain_text("same host country: Mongolia")
        expect(project.locator(".doc-warnings")).to_contain_text("same project values")

        form = page.locator("form.decide")
        form.locator("select[name=first]").select_option(label="pdd_en.txt")
        form.locator("select[name=second]").select_option(label="summary_ja.txt")
        form.locator("input[name=note]").fill("two hospitals of one operator")
        form.locator("button[value=different]").click()
        expect(page.locator("tr.decision")).to_contain_text("two hospitals of one operator")
        expect(page.locator("article.project .doc-warnings")).to_have_count(0)
        expect(page.locator("article.project")).to_have_count(2)
