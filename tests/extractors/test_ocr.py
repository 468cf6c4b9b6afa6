"""Scanned pages: a PDF built, rasterised and put back as an image only, then read through the pipeline."""
from __future__ import annotations

import re
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from application.access import Role, create_key
from application.archive import Archive
from application.file_analysis import analyse
from application.ingest import Upload
from application.settings import Settings
from corpus.models import DocumentRef, Fact
from extractors.ocr import clean_thai_spaces, ocr_available
from extractors.readers import read_document
from tests.service.conftest import Service, start_service

pytestmark = pytest.mark.skipif(
    not ocr_available(), reason="tesseract is not installed (apt-get install tesseract-ocr tesseract-ocr-tha)"
)

FONTS = {
    "DejaVuSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "Garuda": "/usr/share/fonts/truetype/tlwg/Garuda.ttf",
    "IPAGothic": "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf",
}
ENGLISH_PDD = [
    "Project Design Document",
    "A.1. The project installs high-efficiency boilers at a dairy plant in Darkhan, Mongolia.",
    "Expected emission reductions: 4,100 tCO2e per year.",
    "Total project cost: 560 million JPY.",
]
THAI_PAGE = [
    "สรุปโครงการที่ได้รับการคัดเลือกในปีงบประมาณ พ.ศ. ๒๕๖๗",
    "โครงการติดตั้งหม้อไอน้ำประสิทธิภาพสูงในโรงงานน้ำตาล ประเทศลาว",
    "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ 2,000 tCO2e ต่อปี",
    "ค่าใช้จ่ายของโครงการทั้งหมด 45 ล้านบาท",
]
JAPANESE_PAGE = [
    "JCMプロジェクト設計書",
    "ベトナム・ハノイの病院における高効率チラー導入事業",
    "排出削減量:1,200 tCO2/年",
]


def font(name: str) -> str:
    if not Path(FONTS[name]).exists():
        pytest.skip(f"font {FONTS[name]} is not installed")
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, FONTS[name]))
    return name


def typed_pdf(lines: list[str], font_name: str, size: float = 12) -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont(font(font_name), size)
    for number, line in enumerate(lines):
        pdf.drawString(60, 780 - number * 1.7 * size, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def scanned(pdf_bytes: bytes, dpi: int = 300) -> bytes:
    """The pages as a scanner gives them: one image per page, no text layer."""
    document = pdfium.PdfDocument(pdf_bytes)
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for page in document:
        image = page.render(scale=dpi / 72, grayscale=True).to_pil()
        pdf.drawImage(ImageReader(image), 0, 0, *A4)
        pdf.showPage()
    document.close()
    pdf.save()
    return out.getvalue()


def shaped_scan(lines: list[str], font_name: str, size: float = 12, leading: float = 20) -> bytes:
    """A printed page as a scanner gives it: the text shaped as typesetters do (Pillow's Raqm layout
    stacks Thai tone marks over their letters; reportlab leaves them unplaced), one image, no text layer."""
    font(font_name)
    scale = 300 / 72
    image = Image.new("L", (round(A4[0] * scale), round(A4[1] * scale)), 255)
    face = ImageFont.truetype(FONTS[font_name], round(size * scale), layout_engine=ImageFont.Layout.RAQM)
    draw = ImageDraw.Draw(image)
    for number, line in enumerate(lines):
        draw.text((60 * scale, (62 + number * leading) * scale), line, font=face, fill=0, anchor="ls")
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawImage(ImageReader(image), 0, 0, *A4)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def facts_of(data: bytes, name: str) -> list[Fact]:
    return analyse(data, name, DocumentRef(id="d", filename=name)).facts


def find(facts: list[Fact], kind: str) -> Fact:
    found = [fact for fact in facts if fact.kind == kind]
    assert found, [(f.kind, f.value, f.unit) for f in facts]
    return found[0]


def test_scanned_english_pdd_is_read_by_ocr_and_its_facts_found_over_the_api(tmp_path) -> None:
    data = scanned(typed_pdf(ENGLISH_PDD, "DejaVuSans"))
    assert read_document(data, "x.pdf").pages[0].has_text_layer is False

    client, settings = start_service(tmp_path / "data")
    with client:
        key = create_key(client.app.state.application.archive.catalog, Role("secretariat"))[1]
        service = Service(client, {"secretariat": key, "admin": key}, settings)
        job = service.ingest("scanned_pdd.pdf", data)
        assert job["status"] == "done", job
        detail = service.get(f"/documents/{job['document_id']}").json()
        facts = service.get("/facts", params={"document": "scanned_pdd.pdf"}).json()["items"]

    [page] = detail["pages"]
    assert page["text_source"] == "ocr" and page["has_text_layer"] is False and page["chars"] > 100
    assert 0.5 < page["ocr_confidence"] <= 1
    by_kind = {fact["kind"]: fact for fact in facts}
    reduction, cost = by_kind["emission_reduction"], by_kind["project_cost"]
    assert (reduction["value"], reduction["unit"]) == (4100, "tCO2e/yr")
    assert (cost["value"], cost["unit"]) == (560_000_000, "JPY")
    for fact in (reduction, cost):
        assert fact["evidence"]["ocr"] is True and 0.5 < fact["evidence"]["ocr_confidence"] <= 1
        x0, top, x1, bottom = fact["evidence"]["bbox"]
        # The lines were drawn from x = 60 pt, in the page's upper fifth.
        assert 55 < x0 < 65 and 0 < top < bottom < A4[1] / 5


def test_scanned_thai_page_gives_its_reduction_with_ocr_evidence() -> None:
    data = scanned(typed_pdf(THAI_PAGE, "Garuda"))
    analysis = analyse(data, "th.pdf", DocumentRef(id="d", filename="th.pdf"))
    assert analysis.pages[0].text_source == "ocr"
    # Tesseract's Thai words are letter clusters: they come back joined into words, not spaced apart.
    assert any("โครงการติดตั้ง" in block.text for block in analysis.blocks)

    reduction = find(analysis.facts, "emission_reduction")

    assert (reduction.value, reduction.unit, reduction.language) == (2000, "tCO2e/yr", "th")
    assert reduction.evidence.ocr and 0.5 < (reduction.evidence.ocr_confidence or 0) <= 1


def test_a_printed_thai_page_keeps_its_tone_marks_its_english_words_and_no_line_of_stray_marks() -> None:
    # Closely set lines: Tesseract reads the marks stacked over a line (ค่าใช้จ่าย, ทั้งหมด) as a line
    # of their own, whose stray glyphs read as letters and digits unless dropped.
    lines = ["โครงการ JCM ของบริษัท Siam Cement ในจังหวัด Saraburi",
             "โครงการที่ 1 คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ 18,611 tCO2e ต่อปี",
             "ค่าใช้จ่ายของโครงการที่ 1 ทั้งหมด 602 ล้านบาท",
             "โครงการที่ 2 คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ 9,271 tCO2e ต่อปี",
             "ค่าใช้จ่ายของโครงการที่ 2 ทั้งหมด 281 ล้านบาท"]
    analysis = analyse(shaped_scan(lines, "Garuda"), "th.pdf", DocumentRef(id="d", filename="th.pdf"))
    text = "\n".join(block.text for block in analysis.blocks)
    assert "ล้านบาท" in text and "ก๊าซ" in text
    assert re.findall(r"\d+", text) == re.findall(r"\d+", "\n".join(lines))  # no digit that was not printed
    found = {(f.kind, f.value, f.unit) for f in analysis.facts}
    assert {("project_cost", 602e6, "THB"), ("project_cost", 281e6, "THB")} <= found
    assert {("emission_reduction", 18611, "tCO2e/yr"), ("emission_reduction", 9271, "tCO2e/yr")} <= found
    # Thai words the English model took for English are read again; English words stay English.
    assert text.count("ต่อปี") == 2 and all(word in text for word in ("JCM", "Siam", "Cement", "Saraburi"))
    assert sorted(f.value for f in analysis.facts) == [9271, 18611, 281e6, 602e6], found


def test_scanned_japanese_page_gives_its_reduction() -> None:
    facts = facts_of(scanned(typed_pdf(JAPANESE_PAGE, "IPAGothic", size=14)), "ja.pdf")

    reduction = find(facts, "emission_reduction")
    assert (reduction.value, reduction.unit, reduction.language) == (1200, "tCO2e/yr", "ja")
    assert reduction.evidence.ocr


def typed_then_scanned() -> bytes:
    """A typed page, then a scanned one."""
    typed = typed_pdf(["The plant replaces two coal-fired boilers in Darkhan."], "DejaVuSans")
    scan = scanned(typed_pdf(ENGLISH_PDD, "DejaVuSans"))
    merged = pdfium.PdfDocument.new()
    for source in (typed, scan):
        merged.import_pages(pdfium.PdfDocument(source))
    out = BytesIO()
    merged.save(out)
    return out.getvalue()


def test_scanned_page_beside_typed_pages_is_read_in_their_language() -> None:
    heard: list[tuple[int, int]] = []
    reading = read_document(typed_then_scanned(), "mixed.pdf", lambda *pages: heard.append(pages))

    assert heard == [(1, 2), (2, 2)]  # the scanned page counts once OCR has read it
    assert [page.text_source for page in reading.pages] == ["text", "ocr"]
    assert [block.ocr_confidence is not None for block in reading.blocks if block.page == 2] == [True] * len(
        [b for b in reading.blocks if b.page == 2]
    )
    assert all(block.ocr_confidence is None for block in reading.blocks if block.page == 1)


def test_thai_space_inside_a_dictionary_word_is_dropped_and_one_between_words_kept() -> None:
    assert clean_thai_spaces("โครง การ") == "โครงการ"
    assert clean_thai_spaces("ประเทศ ลาว") == "ประเทศ ลาว"


def test_an_ingest_hears_the_pages_of_a_file_as_its_worker_reads_them(tmp_path) -> None:
    archive = Archive(Settings(data_dir=tmp_path / "data", workers=1))
    heard: list[tuple[int, int, int]] = []
    uploads = [Upload(b"Emission reductions: 10 tCO2e.", "note.txt"),
               Upload(typed_then_scanned(), "mixed.pdf")]
    try:
        outcomes = archive.ingestion.ingest_uploads(uploads, on_pages=lambda *pages: heard.append(pages))
    finally:
        archive.close()
    assert [outcome.status for outcome in outcomes] == ["ingested", "ingested"]
    assert heard == [(1, 1, 2), (1, 2, 2)]  # by the file's position; a text file is read in one step
