"""Readers: every supported format built here in the test, read back as a user of the blocks expects."""
from __future__ import annotations

import glob
import zipfile
from io import BytesIO

import docx
import openpyxl
import pypdfium2 as pdfium
import pytest
from docx.oxml import OxmlElement
from pdfplumber.table import edges_to_intersections, intersections_to_cells, merge_edges
from PIL import Image
from reportlab.lib import colors, pdfencrypt
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from corpus.models import RawBlock
from extractors.ocr import installed_languages
from extractors.readers import SUPPORTED_EXTENSIONS, ReaderError, Reading, read_document
from extractors.readers.common import join_lines, join_pair
from extractors.readers.pdf import TextLayer, add_edge, corner_cells, page_frame

PAGE_WIDTH, PAGE_HEIGHT = A4
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=10, leading=13, spaceAfter=10)
TITLE = ParagraphStyle("title", fontName="Helvetica-Bold", fontSize=16, leading=20, spaceAfter=12)
LONG_SENTENCE = (
    "The heat pumps installed at the dairy plant replace two coal-fired boilers and cut the plant's "
    "emissions by about 2,400 tCO2 a year over the whole crediting period of the project."
)
TABLE_ROWS = [
    ["No.", "Project", "Reduction (tCO2/yr)"],
    ["1", "Rooftop solar for a cold store", "3,020"],
    ["2", "Efficient chillers for a hospital", "1,140"],
]
JAPANESE_SENTENCE = "本事業により年間約1,200トンの二酸化炭素排出量の削減が見込まれ、" * 3
THAI_FONT_CANDIDATES = ["/usr/share/fonts/truetype/tlwg/Garuda.ttf", "/usr/share/fonts/truetype/tlwg/*.ttf",
                        "/usr/share/fonts/truetype/noto/NotoSansThai*.ttf", "/usr/share/fonts/**/*Thai*.ttf"]


def read(data: bytes, filename: str) -> Reading:
    return read_document(data, filename)


def texts(reading: Reading, kind: str | None = None) -> list[str]:
    return [b.text for b in reading.blocks if kind is None or b.kind == kind]


# --- PDF fixtures ---------------------------------------------------------------------------------


def platypus_pdf(story: list) -> bytes:
    out = BytesIO()
    SimpleDocTemplate(out, pagesize=A4).build(story)
    return out.getvalue()


def report_pdf() -> bytes:
    """Two pages: a title, a paragraph wrapped over several lines, a ruled table, a closing line."""
    story: list = []
    for page in (1, 2):
        story += [
            Paragraph(f"Monitoring report, part {page}", TITLE),
            Paragraph(LONG_SENTENCE, BODY),
            Table(TABLE_ROWS, style=TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black)])),
            Spacer(1, 12),
            Paragraph(f"Total reductions on page {page}: 4,160 tCO2 per year.", BODY),
            PageBreak(),
        ]
    return platypus_pdf(story[:-1])


def canvas_pdf(draw, **options) -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4, **options)
    draw(pdf)
    pdf.save()
    return out.getvalue()


def text_layer_pdf(lines: list[tuple[float, float, str]]) -> bytes:
    """A one-page PDF whose text layer holds any characters, with no font file needed.

    Each line is shown in Helvetica under one-byte codes; the font's ToUnicode map says which
    character each code stands for, which is all a text extractor reads. The glyphs drawn are wrong,
    the text layer is right: enough to test reading Thai on a machine without a Thai font.
    """
    chars = sorted({ch for _, _, text in lines for ch in text})
    codes = {ch: 0x21 + i for i, ch in enumerate(chars)}
    shown = " ".join(
        f"1 0 0 1 {x} {y} Tm <{''.join(f'{codes[ch]:02X}' for ch in text)}> Tj" for x, y, text in lines
    )
    content = f"BT /F1 12 Tf {shown} ET"
    mapping = "\n".join(f"<{codes[ch]:02X}> <{ch.encode('utf-16-be').hex().upper()}>" for ch in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <00> <FF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{mapping}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        "/Contents 4 0 R >>",
        f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /ToUnicode 6 0 R >>",
        f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def thai_font() -> str | None:
    for pattern in THAI_FONT_CANDIDATES:
        found = sorted(glob.glob(pattern, recursive=True))
        if found:
            return found[0]
    return None


def png_bytes() -> bytes:
    out = BytesIO()
    Image.new("RGB", (40, 40), (180, 30, 30)).save(out, "PNG")
    return out.getvalue()


# --- PDF ------------------------------------------------------------------------------------------


def test_pdf_gives_page_numbers_and_boxes_inside_the_page() -> None:
    reading = read(report_pdf(), "report.pdf")

    assert [p.number for p in reading.pages] == [1, 2]
    assert all(p.has_text_layer and p.chars > 0 for p in reading.pages)
    assert {b.page for b in reading.blocks} == {1, 2}
    for block in reading.blocks:
        x0, top, x1, bottom = block.bbox
        assert 0 <= x0 < x1 <= PAGE_WIDTH and 0 <= top < bottom <= PAGE_HEIGHT


def test_pdf_wrapped_paragraph_is_one_block_and_title_a_heading() -> None:
    reading = read(report_pdf(), "report.pdf")

    page_one = [b for b in reading.blocks if b.page == 1]
    assert page_one[0].kind == "heading" and page_one[0].text == "Monitoring report, part 1"
    assert page_one[1].text == LONG_SENTENCE
    assert page_one[-1].text == "Total reductions on page 1: 4,160 tCO2 per year."


def test_pdf_box_is_where_the_text_was_drawn() -> None:
    def draw(pdf: canvas.Canvas) -> None:
        pdf.setFont("Helvetica", 12)
        pdf.drawString(100, 700, "Project emissions: 5,120 tCO2")

    [block] = read(canvas_pdf(draw), "one.pdf").blocks

    x0, top, x1, bottom = block.bbox
    baseline_from_top = PAGE_HEIGHT - 700
    assert abs(x0 - 100) < 2 and x1 > x0 + 100
    assert baseline_from_top - 12 < top < baseline_from_top < bottom < baseline_from_top + 4


def test_pdf_ruled_table_gives_rows_with_header_and_its_text_once() -> None:
    reading = read(report_pdf(), "report.pdf")

    rows = [b for b in reading.blocks if b.kind == "table_row"]
    assert [(b.page, b.table, b.row) for b in rows] == [
        (1, 0, 0), (1, 0, 1), (1, 0, 2), (2, 1, 0), (2, 1, 1), (2, 1, 2),
    ]
    assert rows[1].cells == TABLE_ROWS[1] and rows[1].header == TABLE_ROWS[0]
    assert rows[1].text == "1 | Rooftop solar for a cold store | 3,020"
    assert all(b.bbox is not None for b in rows)
    paragraphs = " ".join(texts(reading, "paragraph"))
    assert "cold store" not in paragraphs and "3,020" not in paragraphs


def test_pdf_table_rows_sit_between_the_paragraphs_around_them() -> None:
    kinds = [b.kind for b in read(report_pdf(), "report.pdf").blocks if b.page == 1]

    assert kinds == ["heading", "paragraph", "table_row", "table_row", "table_row", "paragraph"]


def test_pdf_borderless_columns_become_table_rows() -> None:
    rows = [["Parameter", "Value", "Unit"], ["Reference emissions", "8,100", "tCO2"],
            ["Project emissions", "4,980", "tCO2"], ["Emission reductions", "3,120", "tCO2"]]

    def draw(pdf: canvas.Canvas) -> None:
        pdf.setFont("Helvetica", 10)
        pdf.drawString(72, 760, "Results of the monitoring period")
        for i, row in enumerate(rows):
            for x, cell in zip((72, 300, 420), row, strict=True):
                pdf.drawString(x, 730 - 16 * i, cell)

    reading = read(canvas_pdf(draw), "borderless.pdf")

    table = [b for b in reading.blocks if b.kind == "table_row"]
    assert [b.cells for b in table] == rows and table[2].header == rows[0]
    assert texts(reading, "paragraph") == ["Results of the monitoring period"]


def test_pdf_header_and_footer_rules_make_no_table_and_a_boxed_grid_still_does() -> None:
    def draw(pdf: canvas.Canvas) -> None:
        pdf.setFont("Helvetica", 10)
        pdf.line(72, 800, 520, 800)  # header rule
        pdf.drawString(72, 760, "Emission reductions were 3,120 tCO2 in the period.")
        pdf.line(72, 740, 300, 740)  # underline
        pdf.line(72, 60, 520, 60)  # footer rule
        pdf.showPage()
        pdf.setFont("Helvetica", 10)
        pdf.grid([72, 250, 400], [700, 680, 660])
        for i, row in enumerate([("Year", "tCO2"), ("2023", "3,120")]):
            pdf.drawString(80, 686 - 20 * i, row[0])
            pdf.drawString(258, 686 - 20 * i, row[1])

    reading = read(canvas_pdf(draw), "rules.pdf")

    assert [b.kind for b in reading.blocks if b.page == 1] == ["paragraph"]
    assert [b.cells for b in reading.blocks if b.page == 2] == [["Year", "tCO2"], ["2023", "3,120"]]


def test_pdf_table_cells_are_the_ones_pdfplumber_finds() -> None:
    # A grid with a merged cell, a column rule that stops short, a stray rule and a second table.
    edges: list[dict[str, object]] = []
    for y in (100, 120, 140, 160):
        add_edge((50, y), (250, y), edges)
    for x in (50, 150, 250):
        add_edge((x, 100), (x, 160), edges)
    add_edge((100, 120), (100, 140), edges)
    add_edge((40, 180), (90, 181), edges)
    add_edge((300, 300), (400, 300), edges)
    add_edge((300, 330), (400, 330), edges)
    add_edge((300, 300), (300, 330), edges)
    add_edge((400, 300), (400, 330), edges)
    intersections = edges_to_intersections(merge_edges(edges, 3, 3, 3, 3), 3, 3)

    assert corner_cells(intersections) == intersections_to_cells(intersections)
    assert len(corner_cells(intersections)) == 8


def test_pdf_text_in_a_box_is_what_pypdfium2_gives() -> None:
    # A character beyond the BMP takes the slower way; the text must not differ either way.
    lines = [(72.0, 700.0, "Year 2023"), (72.0, 680.0, "tCO2 3,120"), (300.0, 700.0, "\U0002000b\u5c71 12")]
    data = text_layer_pdf(lines)
    document = pdfium.PdfDocument(data)
    page = document[0]
    textpage = page.get_textpage()
    frame = page_frame(page)
    layer = TextLayer(textpage, frame)
    boxes = [(60, 130, 200, 170), (60, 100, 595, 170), (290, 130, 400, 150), (0, 0, 595, 842)]
    for x0, top, x1, bottom in boxes:
        expected = textpage.get_text_bounded(
            left=x0 + frame.left, bottom=frame.top - bottom, right=x1 + frame.left, top=frame.top - top
        )
        assert layer.text_in((x0, top, x1, bottom)) == expected
    assert "3,120" in layer.text_in((0, 0, 595, 842))


def test_pdf_japanese_lines_join_without_spaces() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    style = ParagraphStyle("ja", fontName="HeiseiKakuGo-W5", fontSize=11, leading=15, wordWrap="CJK")

    reading = read(platypus_pdf([Paragraph(JAPANESE_SENTENCE, style)]), "ja.pdf")

    assert texts(reading) == [JAPANESE_SENTENCE]
    assert reading.blocks[0].bbox[3] - reading.blocks[0].bbox[1] > 20  # spans several lines


def test_pdf_thai_word_broken_over_lines_is_joined_without_space() -> None:
    reading = read(text_layer_pdf([
        (72, 700, "ที่ตั้งของสำนักง"),
        (72, 684, "านใหญ่อยู่ในกรุงเทพมหานคร"),
        (72, 640, "ปริมาณก๊าซเรือนกระจกที่คาดว่าจะลดได้ต่อปีโดยรวมของโครงการที่ได้รับ"),
        (72, 624, "๑๒,๔๐๐ ตัน"),
    ]), "th.pdf")

    assert texts(reading) == [
        "ที่ตั้งของสำนักงานใหญ่อยู่ในกรุงเทพมหานคร",
        "ปริมาณก๊าซเรือนกระจกที่คาดว่าจะลดได้ต่อปีโดยรวมของโครงการที่ได้รับ ๑๒,๔๐๐ ตัน",
    ]
    assert "ำ" in texts(reading)[0]  # sara am kept as one character


@pytest.mark.skipif(
    thai_font() is None,
    reason="no Thai TrueType font installed (Debian: fonts-tlwg-garuda-ttf or fonts-thai-tlwg)",
)
def test_pdf_with_an_embedded_thai_font_keeps_tone_marks_and_vowels() -> None:
    pdfmetrics.registerFont(TTFont("ThaiFont", thai_font()))
    sentence = "โครงการติดตั้งหม้อไอน้ำประสิทธิภาพสูง ลดได้ ๒,๐๐๐ ตัน"  # one line: wrapping is tested above
    style = ParagraphStyle("th", fontName="ThaiFont", fontSize=12, leading=18)

    reading = read(platypus_pdf([Paragraph(sentence, style)]), "th.pdf")

    assert texts(reading) == [sentence]


def test_pdf_hyphen_at_line_end_joins_the_compound() -> None:
    def draw(pdf: canvas.Canvas) -> None:
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, 700, "The plant replaced its chillers with new, more energy-")
        pdf.drawString(72, 686, "efficient ones in the second year.")

    assert texts(read(canvas_pdf(draw), "hyphen.pdf")) == [
        "The plant replaced its chillers with new, more energy-efficient ones in the second year."
    ]


def test_pdf_image_only_page_without_text_in_it_is_recorded_as_such() -> None:
    def draw(pdf: canvas.Canvas) -> None:
        pdf.drawImage(ImageReader(BytesIO(png_bytes())), 100, 400, 300, 300)
        pdf.showPage()
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, 700, "Second page with text.")

    reading = read(canvas_pdf(draw), "scan.pdf")

    scanned, typed = reading.pages
    assert not scanned.has_text_layer and scanned.note in (
        "no text layer, OCR found no text", "no text layer, OCR unavailable"
    )
    assert typed.has_text_layer and [b.page for b in reading.blocks] == [2]


def read_scan_then_text() -> Reading:
    """A scanned page then a typed one, read with the Tesseract the PATH gives now."""
    installed_languages.cache_clear()

    def draw(pdf: canvas.Canvas) -> None:
        pdf.drawImage(ImageReader(BytesIO(png_bytes())), 100, 400, 300, 300)
        pdf.showPage()
        pdf.setFont("Helvetica", 11)
        pdf.drawString(72, 700, "Second page with text.")

    try:
        return read(canvas_pdf(draw), "scan.pdf")
    finally:
        installed_languages.cache_clear()


def test_scanned_page_without_tesseract_is_recorded_and_the_rest_read(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract on the PATH

    reading = read_scan_then_text()

    scanned, typed = reading.pages
    assert (scanned.note, scanned.text_source, scanned.has_text_layer) == (
        "no text layer, OCR unavailable", "none", False
    )
    assert typed.text_source == "text" and texts(reading) == ["Second page with text."]


FAILING_TESSERACT = """#!/bin/sh
case "$1" in
  --version) echo "tesseract 5.3.0"; exit 0 ;;
  --list-langs) printf 'List of available languages (1):\\neng\\n'; exit 0 ;;
esac
echo "Error in pixReadStream" >&2
exit 1
"""


def test_tesseract_failing_on_a_page_is_noted_and_the_rest_read(monkeypatch, tmp_path) -> None:
    tesseract = tmp_path / "tesseract"
    tesseract.write_text(FAILING_TESSERACT)
    tesseract.chmod(0o755)
    monkeypatch.setenv("PATH", f"{tmp_path}:/usr/bin:/bin")

    reading = read_scan_then_text()

    scanned, typed = reading.pages
    assert scanned.note is not None and scanned.note.startswith("no text layer, OCR failed (")
    assert texts(reading) == ["Second page with text."]


def test_pdf_with_user_password_is_refused_and_owner_only_protection_is_read() -> None:
    def draw(pdf: canvas.Canvas) -> None:
        pdf.drawString(72, 700, "Confidential budget: 500 million JPY")

    locked = canvas_pdf(draw, encrypt=pdfencrypt.StandardEncryption("secret", ownerPassword="owner"))
    restricted = canvas_pdf(draw, encrypt=pdfencrypt.StandardEncryption("", ownerPassword="owner"))

    with pytest.raises(ReaderError, match=r"encrypted PDF \(password required\)"):
        read(locked, "locked.pdf")
    assert texts(read(restricted, "restricted.pdf")) == ["Confidential budget: 500 million JPY"]


def test_truncated_pdf_is_refused_with_the_parser_reason() -> None:
    data = report_pdf()

    with pytest.raises(ReaderError, match="not a valid PDF"):
        read(data[: len(data) // 3], "broken.pdf")


# --- line joins -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("left", "right", "joined"), [
    ("สำนักง", "านใหญ่", "สำนักงานใหญ่"),
    ("คาดว่าจะลดได้", "๑๒,๔๐๐ ตัน", "คาดว่าจะลดได้ ๑๒,๔๐๐ ตัน"),
    ("emission", "reductions", "emission reductions"),
    ("排出削減量の", "計算", "排出削減量の計算"),
    ("JCMの", "Model Project", "JCMのModel Project"),
    ("เมือง Laguna", "ประเทศฟิลิปปินส์", "เมือง Laguna ประเทศฟิลิปปินส์"),
    ("energy-", "efficient", "energy-efficient"),
    ("reduc\u00ad", "tion", "reduction"),
])
def test_broken_lines_join_as_their_script_wants(left: str, right: str, joined: str) -> None:
    assert join_pair(left, right) == joined


def test_thai_lines_with_a_space_at_the_break_keep_it() -> None:
    assert join_pair("ประเทศลาว", "ปริมาณก๊าซ", space_at_break=True) == "ประเทศลาว ปริมาณก๊าซ"
    assert join_lines(["  first line ", " second line"]) == "first line second line"


# --- TXT ------------------------------------------------------------------------------------------

THAI_TEXT = "ในปีงบประมาณ พ.ศ. ๒๕๖๗ มีโครงการที่ได้รับการคัดเลือกจำนวน ๓ โครงการ คาดว่าจะลดได้ ๕,๐๐๐ ตันต่อปี"
JAPANESE_TEXT = "排出削減量：1,350 tCO2/年（令和6年度）。総事業費は約3億2,000万円である。"


@pytest.mark.parametrize(("encoded", "expected"), [
    (THAI_TEXT.encode("utf-8"), THAI_TEXT),
    (b"\xef\xbb\xbf" + THAI_TEXT.encode("utf-8"), THAI_TEXT),
    (THAI_TEXT.encode("utf-16"), THAI_TEXT),
    (JAPANESE_TEXT.encode("utf-16-be").join([b"\xfe\xff", b""]), JAPANESE_TEXT),
    (THAI_TEXT.encode("tis-620"), THAI_TEXT),
    (THAI_TEXT.encode("cp874"), THAI_TEXT),
    (JAPANESE_TEXT.encode("shift_jis"), JAPANESE_TEXT),
    (JAPANESE_TEXT.encode("cp932"), JAPANESE_TEXT),
    (JAPANESE_TEXT.encode("euc_jp"), JAPANESE_TEXT),
    ("タイ".encode("cp932"), "タイ"),
    ("ไทย".encode("cp874"), "ไทย"),
])
def test_txt_encodings_are_detected(encoded: bytes, expected: str) -> None:
    reading = read(encoded, "note.txt")

    assert texts(reading) == [expected]
    assert reading.media_type == "text/plain"


def test_txt_in_an_unsupported_encoding_is_refused_with_a_reason() -> None:
    latin1 = "Société générale: coût estimé pour l'année, réduction prévue élevée".encode("latin-1")

    with pytest.raises(ReaderError, match="not valid UTF-8"):
        read(latin1, "french.txt")


def test_txt_binary_content_is_refused() -> None:
    with pytest.raises(ReaderError, match="binary"):
        read(bytes(range(256)) * 4, "data.txt")


def test_txt_paragraphs_statement_lines_and_pages() -> None:
    text = (
        "Monitoring report summary\n\n"
        "Reference emissions: 8,100 tCO2\nProject emissions: 4,980 tCO2\n\n"
        "The reductions fell short of the estimate because the winter was mild and the heat pumps\n"
        "ran fewer hours than planned in the design document of the project.\n"
        "\fSecond page: 3,120 tCO2 in total.\n"
    )

    reading = read(text.encode(), "report.txt")

    assert [(b.page, b.text) for b in reading.blocks] == [
        (1, "Monitoring report summary"),
        (1, "Reference emissions: 8,100 tCO2"),
        (1, "Project emissions: 4,980 tCO2"),
        (1, "The reductions fell short of the estimate because the winter was mild and the heat pumps "
            "ran fewer hours than planned in the design document of the project."),
        (2, "Second page: 3,120 tCO2 in total."),
    ]
    assert [p.number for p in reading.pages] == [1, 2]


def test_txt_pipe_and_tab_tables_give_rows_with_header() -> None:
    text = (
        "Selected projects\n"
        "No. | Project | Reduction (tCO2/yr)\n1 | Solar rooftop | 3,020\n2 | Chillers | 1,140\n\n"
        "Year\tCredits\n2023\t1,000\n2024\t1,200\n"
    )

    reading = read(text.encode(), "tables.txt")

    rows = [b for b in reading.blocks if b.kind == "table_row"]
    assert [(b.table, b.row, b.cells) for b in rows] == [
        (0, 0, ["No.", "Project", "Reduction (tCO2/yr)"]),
        (0, 1, ["1", "Solar rooftop", "3,020"]),
        (0, 2, ["2", "Chillers", "1,140"]),
        (1, 0, ["Year", "Credits"]),
        (1, 1, ["2023", "1,000"]),
        (1, 2, ["2024", "1,200"]),
    ]
    assert rows[1].header == ["No.", "Project", "Reduction (tCO2/yr)"]
    assert rows[1].text == "1 | Solar rooftop | 3,020"
    assert texts(reading, "paragraph") == ["Selected projects"]


def test_txt_thai_lines_and_list_items_stay_separate() -> None:
    text = "สรุปผลการคัดเลือก\n๑. โครงการแรก ลดได้ ๒,๐๐๐ ตัน\n๒. โครงการที่สอง ลดได้ ๑,๕๐๐ ตัน\nรวม ๓,๕๐๐ ตัน\n"

    assert texts(read(text.encode(), "th.txt")) == text.strip().split("\n")


def test_txt_decomposed_sara_am_is_composed_with_the_tone_mark_before_it() -> None:
    assert texts(read("น\u0e4d\u0e32้".encode(), "th.txt")) == ["น\u0e49\u0e33"]


def test_csv_rows_become_a_table() -> None:
    reading = read(b'Item,Value\n"Reference emissions","8,100"\n', "values.csv")

    assert [b.cells for b in reading.blocks] == [["Item", "Value"], ["Reference emissions", "8,100"]]


# --- HTML -----------------------------------------------------------------------------------------

PRESS_RELEASE = """<!DOCTYPE html>
<html><head><title>Not shown</title><style>p { color: red }</style>
<script>var hidden = "script text";</script></head>
<body><!-- a comment -->
<h1>Three JCM projects selected</h1>
<div>Hanoi, 14 March 2024. <b>Three</b> projects were <a href="#">selected</a>.</div>
<ul><li>High-efficiency chillers</li><li>Rooftop solar</li></ul>
<template><p>template text</p></template><noscript>noscript text</noscript>
<p style="display: none">hidden paragraph</p>
<table>
<thead><tr><th>Project</th><th>Reduction (tCO2/yr)</th></tr></thead>
<tbody><tr><td>Chillers in <i>Dong Nai</i></td><td>1,420</td></tr>
<tr><td>Solar</td><td>2,960</td></tr></tbody>
</table>
<p>ภาษาไทย &amp; 日本語</p>
</body></html>"""


def test_html_visible_text_in_blocks_with_headings_and_table_rows() -> None:
    reading = read(PRESS_RELEASE.encode(), "press.html")

    assert [(b.kind, b.text) for b in reading.blocks] == [
        ("heading", "Three JCM projects selected"),
        ("paragraph", "Hanoi, 14 March 2024. Three projects were selected."),
        ("paragraph", "High-efficiency chillers"),
        ("paragraph", "Rooftop solar"),
        ("table_row", "Project | Reduction (tCO2/yr)"),
        ("table_row", "Chillers in Dong Nai | 1,420"),
        ("table_row", "Solar | 2,960"),
        ("paragraph", "ภาษาไทย & 日本語"),
    ]
    assert reading.blocks[5].header == ["Project", "Reduction (tCO2/yr)"] and reading.blocks[5].row == 1
    assert reading.media_type == "text/html"


def test_html_declared_legacy_charset_is_honoured() -> None:
    page = '<html><head><meta charset="windows-874"></head><body><p>โครงการ</p></body></html>'

    assert texts(read(page.encode("cp874"), "th.htm")) == ["โครงการ"]


def test_html_external_entities_are_not_resolved() -> None:
    hostile = (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
        "<html><body><p>&secret;</p></body></html>"
    )

    assert all("file:" not in text for text in texts(read(hostile.encode(), "x.html")))


# --- DOCX -----------------------------------------------------------------------------------------


def pdd_docx() -> bytes:
    document = docx.Document()
    document.add_heading("JCMプロジェクト設計書", level=1)
    document.add_paragraph("参照排出量：8,640 tCO2/年")
    table = document.add_table(rows=3, cols=2)
    values_by_row = [["項目", "値"], ["排出削減量", "3,250"], ["補助率", "45%"]]
    for row, values in zip(table.rows, values_by_row, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    document.add_paragraph("総事業費は約9億5,000万円である。")
    document.add_page_break()
    document.add_heading("Monitoring plan", level=2)
    document.add_paragraph("")
    document.add_paragraph("Parameters are measured monthly.")
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def test_docx_blocks_in_document_order_with_headings_tables_and_pages() -> None:
    reading = read(pdd_docx(), "pdd.docx")

    assert [(b.page, b.kind, b.text) for b in reading.blocks] == [
        (1, "heading", "JCMプロジェクト設計書"),
        (1, "paragraph", "参照排出量：8,640 tCO2/年"),
        (1, "table_row", "項目 | 値"),
        (1, "table_row", "排出削減量 | 3,250"),
        (1, "table_row", "補助率 | 45%"),
        (1, "paragraph", "総事業費は約9億5,000万円である。"),
        (2, "heading", "Monitoring plan"),
        (2, "paragraph", "Parameters are measured monthly."),
    ]
    assert reading.blocks[3].header == ["項目", "値"] and reading.blocks[3].cells == ["排出削減量", "3,250"]
    assert [p.number for p in reading.pages] == [1, 2]


def test_docx_page_breaks_word_rendered_are_counted() -> None:
    document = docx.Document()
    document.add_paragraph("First page text.")
    second = document.add_paragraph()
    second.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))
    second.add_run("Second page text.")
    third = document.add_paragraph("Still the second page, then ")
    third.add_run()._r.append(OxmlElement("w:lastRenderedPageBreak"))
    third.add_run("the third.")
    document.add_paragraph("Third page text.")
    out = BytesIO()
    document.save(out)

    reading = read(out.getvalue(), "rendered.docx")

    assert [b.page for b in reading.blocks] == [1, 2, 2, 3]
    assert [p.number for p in reading.pages] == [1, 2, 3]


def test_docx_merged_cells_are_reported_once() -> None:
    document = docx.Document()
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Project"
    table.cell(0, 2).text = "tCO2"
    for cell, value in zip(table.rows[1].cells, ["A", "B", "100"], strict=True):
        cell.text = value
    out = BytesIO()
    document.save(out)

    rows = read(out.getvalue(), "merged.docx").blocks

    assert [b.cells for b in rows] == [["Project", "tCO2"], ["A", "B", "100"]]


# --- XLSX -----------------------------------------------------------------------------------------


def monitoring_workbook() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "MPS"
    sheet.append(["Parameter", "Value", "Unit"])
    sheet.append(["Reference emissions", 8100.0, "tCO2"])
    sheet.append(["Project emissions", 0.1 + 0.2, "tCO2"])
    sheet.append(["Emission reductions", "=B2-B3", "tCO2"])
    sheet.append([])
    sheet.append(["Share", 0.45])
    sheet["B6"].number_format = "0%"
    other = workbook.create_sheet("ข้อมูล")
    other.append([None, "ปี", "เครดิต"])
    other.append([None, 2024, 1200])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_xlsx_rows_per_sheet_with_header_and_displayed_values() -> None:
    reading = read(monitoring_workbook(), "mps.xlsx")

    first = [b for b in reading.blocks if b.page == 1]
    assert [b.cells for b in first] == [
        ["Parameter", "Value", "Unit"],
        ["Reference emissions", "8100", "tCO2"],
        ["Project emissions", "0.3", "tCO2"],
        ["Emission reductions", "", "tCO2"],
        ["Share", "45%"],
    ]
    assert all(b.kind == "table_row" and b.sheet == "MPS" for b in first)
    assert first[1].header == ["Parameter", "Value", "Unit"]
    assert first[1].text == "Reference emissions | 8100 | tCO2"
    second = [b for b in reading.blocks if b.page == 2]
    assert [b.cells for b in second] == [["ปี", "เครดิต"], ["2024", "1200"]] and second[0].sheet == "ข้อมูล"
    assert [p.number for p in reading.pages] == [1, 2]


def test_xlsx_formula_without_cached_value_is_noted() -> None:
    rows = read(monitoring_workbook(), "mps.xlsx").blocks

    assert rows[3].note == "formula without cached value: =B2-B3"
    assert all(b.note is None for i, b in enumerate(rows) if i != 3)


# --- dispatch and refusals ------------------------------------------------------------------------


def test_content_decides_the_format_when_the_extension_lies() -> None:
    assert read(report_pdf(), "report.txt").media_type == "application/pdf"
    assert read(pdd_docx(), "pdd.pdf").media_type.endswith("wordprocessingml.document")
    assert read(monitoring_workbook(), "mps.docx").media_type.endswith("spreadsheetml.sheet")
    assert read(PRESS_RELEASE.encode(), "press.txt").media_type == "text/html"


@pytest.mark.parametrize(("data", "filename", "reason"), [
    (b"", "empty.pdf", "empty file"),
    (b"plain words", "notes.xyz", r"unsupported file type \.xyz"),
    (b"PK\x03\x04 not really a zip", "broken.docx", r"not a valid DOCX \(bad zip"),
    (b"Hello, this is not a PDF", "fake.pdf", "not a valid PDF"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512), "old.doc", "legacy Office"),
    (png_bytes(), "scan.png", "PNG image"),
])
def test_unreadable_files_are_refused_with_a_reason(data: bytes, filename: str, reason: str) -> None:
    with pytest.raises(ReaderError, match=reason):
        read(data, filename)


def test_zip_that_is_not_office_is_refused() -> None:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(ReaderError, match="not a valid DOCX"):
        read(out.getvalue(), "report.docx")


def test_supported_extensions_cover_the_formats() -> None:
    assert {".pdf", ".txt", ".html", ".htm", ".docx", ".xlsx"} <= SUPPORTED_EXTENSIONS


def test_blocks_are_raw_blocks_with_text() -> None:
    for data, name in [(report_pdf(), "a.pdf"), (pdd_docx(), "a.docx"), (monitoring_workbook(), "a.xlsx")]:
        blocks = read(data, name).blocks
        assert blocks and all(isinstance(b, RawBlock) and b.page >= 1 for b in blocks)
