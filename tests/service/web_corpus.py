"""A small archive for the web pages: a PDF in English, a PDF in Japanese and a DOCX in Thai, each
stating numbers that do not add up, so every page has facts to highlight and warnings to review."""
from __future__ import annotations

import socket
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from io import BytesIO
from pathlib import Path
from typing import TYPE_CHECKING

import uvicorn
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from application.access import create_key
from application.archive import Archive
from application.settings import Settings
from corpus.store import Catalog
from service.api import create_app
from tests.conftest import docx_of

if TYPE_CHECKING:  # playwright is needed by the browser test and screenshots only
    from playwright.sync_api import Page

ENGLISH_PAGES = [
    ["Monitoring report: rooftop solar power plant at a dairy factory in Ulaanbaatar, Mongolia.",
     "The plant supplies electricity to the factory and replaces power from the coal-fired grid."],
    ["Reference emissions are 8,000 tCO2e per year, project emissions 5,000 tCO2e per year and "
     "emission reductions 2,700 tCO2e per year.",
     "The solar panels were cleaned every month during the monitoring period."],
]
JAPANESE_LINES = [
    "JCMプロジェクト設計書:ベトナム・ハノイの病院における高効率チラー導入事業",
    "参照排出量は8,000 tCO2/年、プロジェクト排出量は5,000 tCO2/年、排出削減量は2,700 tCO2/年である。",
    "太陽光発電設備とボイラの更新も併せて検討した。",
]
THAI_PARAGRAPHS = [
    "สรุปโครงการที่ได้รับการคัดเลือก จำนวน ๓ โครงการ ได้แก่",
    "๑. โครงการติดตั้งหม้อไอน้ำประสิทธิภาพสูงในโรงงานน้ำตาล ประเทศลาว "
    "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ ๒,๐๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี",
    "๒. โครงการผลิตไฟฟ้าจากพลังงานแสงอาทิตย์บนหลังคาห้างสรรพสินค้า ประเทศเวียดนาม "
    "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ ๑,๕๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี",
    "๓. โครงการเครื่องทำน้ำเย็นประหยัดพลังงานในโรงพยาบาล ประเทศกัมพูชา "
    "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ ๕๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี",
    "รวมปริมาณก๊าซเรือนกระจกที่คาดว่าจะลดได้ทั้งสิ้น ๕,๐๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี",
]


def pdf_of(pages: list[list[str]], font: str = "Helvetica", size: int = 10, width: int = 95) -> bytes:
    """A PDF with each paragraph wrapped at `width` characters, paragraphs a blank line apart."""
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for paragraphs in pages:
        pdf.setFont(font, size)
        y = 790
        for paragraph in paragraphs:
            for line in textwrap.wrap(paragraph, width):
                pdf.drawString(50, y, line)
                y -= size + 4
            y -= 2 * size
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def japanese_pdf() -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))  # built into reportlab: no font file
    return pdf_of([JAPANESE_LINES], font="HeiseiKakuGo-W5", width=45)


def web_corpus() -> dict[str, bytes]:
    return {"en_monitoring_report.pdf": pdf_of(ENGLISH_PAGES), "ja_pdd.pdf": japanese_pdf(),
            "th_selection_summary.docx": docx_of(THAI_PARAGRAPHS)}


def build_archive(data_dir: Path, database_url: str | None = None) -> None:
    """Ingest the corpus and check it, as `jcm ingest` would; the catalog at database_url (None: SQLite)."""
    archive = Archive(Settings(data_dir=data_dir, database_url=database_url, workers=1))
    try:
        for name, data in web_corpus().items():
            outcome = archive.ingestion.ingest_bytes(data, name)
            assert outcome.status == "ingested", outcome.reason
        archive.derived.refresh({d.id for d in archive.catalog.list_documents()})
    finally:
        archive.close()


def keys_for(data_dir: Path, database_url: str | None, *roles: str) -> dict[str, str]:
    """A new key of each role, made as `jcm keys create --role ROLE` makes one: role -> key."""
    catalog = Catalog(data_dir, database_url)
    try:
        return {role: create_key(catalog, role, f"web pages, {role}")[1] for role in roles}
    finally:
        catalog.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(data_dir: Path, database_url: str | None = None) -> Iterator[str]:
    """The service on a free loopback port, in a thread of this process; yields its base URL."""
    port = free_port()
    app = create_app(Settings(data_dir=data_dir, database_url=database_url, workers=1))
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the service did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)


def log_in(page: Page, base: str, key: str) -> None:
    """Log a Playwright page in through the login form, as a person pasting their key would."""
    page.goto(f"{base}/ui/login")
    page.fill("input[name=key]", key)
    page.click("main form button[type=submit]")
    page.wait_for_url(f"{base}/ui/search")


BROWSER = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]
