"""Broken Thai text layers: told apart from sound ones, repaired where that is deterministic, OCRed if not."""
from __future__ import annotations

from io import BytesIO

import pytest
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen import canvas

from application.file_analysis import analyse
from corpus.models import DocumentRef
from extractors.ocr import ocr_available
from extractors.readers import read_document
from extractors.thai_repair import is_well_formed, repair_thai, thai_defects
from tests.extractors.test_ocr import font, typed_pdf

REDUCTION = "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ ๒,๐๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี"
WATER = "โครงการติดตั้งหม้อไอน้ำในโรงงานน้ำตาล"
# As legacy Thai fonts encode them: tone marks shifted into the PUA (U+F70A-U+F70E: the low
# variants for consonants without an upper vowel; U+F713-U+F717 the left-shifted ones) and sara am
# split into nikhahit and sara aa.
PUA_REDUCTION = REDUCTION.replace("ว่า", "ว\uf70aา").replace("ล่อ", "ล\uf70aอ").replace("ก๊า", "ก\uf70cา") \
    .replace("ได้", "ได\uf70b").replace("ต่อ", "ต\uf70aอ").replace("ร์", "ร\uf70e")
SPLIT_WATER = WATER.replace("\u0e49\u0e33", "\u0e4d\u0e49\u0e32").replace("\u0e49\u0e07", "\uf70b\u0e07")


def test_sound_thai_is_well_formed_and_left_alone() -> None:
    for text in (REDUCTION, WATER, "สิทธิ์ ก็ ที่ กั้น เรือน ฤดู", "Emission reductions 1,000 tCO2"):
        assert thai_defects(text) == 0 and is_well_formed(text)
        assert repair_thai(text) == (text, 0)


@pytest.mark.parametrize(("broken", "fixed"), [
    ("น\u0e4d\u0e32", "น\u0e33"),  # split sara am
    ("น\u0e4d\u0e49\u0e32", "น\u0e49\u0e33"),  # split, tone mark between
    ("น\u0e33\u0e49", "น\u0e49\u0e33"),  # tone mark after sara am
    ("ท\u0e48\u0e35", "ท\u0e35\u0e48"),  # tone mark before the upper vowel
    ("ก\u0e49\u0e49า", "ก\u0e49า"),  # doubled tone mark
    ("\u0e40\u0e40ก", "\u0e41ก"),  # two sara e for sara ae
    ("ได\uf70b", "ได\u0e49"),  # PUA tone mark
])
def test_each_broken_form_is_detected_and_repaired(broken: str, fixed: str) -> None:
    assert thai_defects(broken) > 0
    repaired, repairs = repair_thai(broken)
    assert repaired == fixed and repairs >= 1 and thai_defects(repaired) == 0


def test_marks_without_a_base_cannot_be_repaired_and_stay_malformed() -> None:
    garbled = "\u0e48\u0e31ก \u0e40 \u0e49\u0e34 \u0e4cา " * 5
    assert not is_well_formed(repair_thai(garbled)[0])


def broken_layer_pdf(lines: list[str]) -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.setFont(font("Garuda"), 12)
    for number, line in enumerate(lines):
        pdf.drawString(60, 780 - number * 20, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def test_pdf_with_pua_marks_and_split_sara_am_is_repaired_and_its_fact_read() -> None:
    data = broken_layer_pdf([SPLIT_WATER, PUA_REDUCTION])
    assert "\uf70a" in PUA_REDUCTION and "\u0e4d" in SPLIT_WATER

    analysis = analyse(data, "broken.pdf", DocumentRef(id="d", filename="broken.pdf"))

    [page] = analysis.pages
    assert page.text_source == "repaired" and page.repairs >= 8 and page.has_text_layer
    assert [block.text for block in analysis.blocks] == [WATER, REDUCTION]
    [reduction] = [f for f in analysis.facts if f.kind == "emission_reduction"]
    assert (reduction.value, reduction.unit, reduction.evidence.ocr) == (2000, "tCO2e/yr", False)


def test_sound_thai_pdf_is_read_from_its_text_layer() -> None:
    page = read_document(broken_layer_pdf([WATER, REDUCTION]), "th.pdf").pages[0]
    assert (page.text_source, page.repairs, page.note) == ("text", 0, None)


def garbled_layer_over_scan(lines: list[str]) -> bytes:
    """A scan of good Thai under an invisible text layer whose marks sit on nothing, as a broken
    font mapping leaves it."""
    import pypdfium2 as pdfium

    image = pdfium.PdfDocument(typed_pdf(lines, "Garuda"))[0].render(scale=300 / 72, grayscale=True).to_pil()
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawImage(ImageReader(image), 0, 0, *A4)
    text = pdf.beginText(60, 780)
    text.setFont(font("Garuda"), 12)
    text.setTextRenderMode(3)  # invisible, as OCRed or broken layers are laid over page images
    for line in lines:
        text.textLine("".join(f"\u0e48{ch}\u0e40" if "ก" <= ch <= "ฮ" else ch for ch in line))
    pdf.drawText(text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


@pytest.mark.skipif(not ocr_available(), reason="tesseract is not installed")
def test_layer_still_malformed_after_repair_falls_back_to_ocr() -> None:
    lines = ["สรุปโครงการที่ได้รับการคัดเลือกในปีงบประมาณ พ.ศ. ๒๕๖๗",
             "โครงการติดตั้งหม้อไอน้ำประสิทธิภาพสูงในโรงงานน้ำตาล ประเทศลาว",
             "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ 2,000 tCO2e ต่อปี",
             "ค่าใช้จ่ายของโครงการทั้งหมด 45 ล้านบาท"]

    analysis = analyse(garbled_layer_over_scan(lines), "g.pdf", DocumentRef(id="d", filename="g.pdf"))

    [page] = analysis.pages
    assert page.has_text_layer and page.text_source == "ocr"
    assert page.note == "Thai text layer malformed after repair"
    assert all(block.ocr_confidence is not None for block in analysis.blocks)
    reduction = next(f for f in analysis.facts if f.kind == "emission_reduction")
    assert reduction.value == 2000 and reduction.evidence.ocr
