"""Fixture documents built by the tests themselves, in the three languages and the supported formats."""
from __future__ import annotations

from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import docx
import openpyxl
import pytest
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.backends import BACKENDS, backend_url

THAI_SUMMARY = (
    "สรุปโครงการที่ได้รับการคัดเลือกในปีงบประมาณ พ.ศ. ๒๕๖๗ จำนวน ๓ โครงการ ได้แก่\n"
    "๑. โครงการติดตั้งหม้อไอน้ำประสิทธิภาพสูงในโรงงานน้ำตาล ประเทศลาว "
    "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ ๒,๐๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี\n"
    "๒. โครงการผลิตไฟฟ้าจากพลังงานแสงอาทิตย์บนหลังคาห้างสรรพสินค้า ประเทศเวียดนาม "
    "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ ๑,๕๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี\n"
    "๓. โครงการเครื่องทำน้ำเย็นประหยัดพลังงานในโรงพยาบาล ประเทศกัมพูชา "
    "คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ ๕๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี\n"
    "รวมปริมาณก๊าซเรือนกระจกที่คาดว่าจะลดได้ทั้งสิ้น ๕,๐๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี\n"
)

JAPANESE_PDD = (
    "JCMプロジェクト設計書\n"
    "プロジェクト名:ベトナム・ハノイの病院における高効率チラー導入事業\n"
    "参照排出量:1,900 tCO2/年\n"
    "プロジェクト排出量:700 tCO2/年\n"
    "排出削減量:1,200 tCO2/年\n"
)

# One project stated by two documents in two languages: the cross-document checks pair them.
MONGOLIA_PDD = """Project title: Installation of heat pumps at a hospital in Ulaanbaatar
Host country: Mongolia
Emission reductions: {reduction} tCO2e per year.
"""
MONGOLIA_SUMMARY = """プロジェクト名:ウランバートル市の病院におけるヒートポンプ導入
ホスト国:モンゴル
排出削減量:{reduction} tCO2/年
"""
ENGLISH_NOTICE = [
    "Selection of JCM model projects in Mongolia, fiscal year 2024.",
    "The two projects below introduce efficient boilers for district heating in Darkhan.",
]
ENGLISH_TABLE = [
    ["Project", "Expected GHG reduction (tCO2/year)", "Total project cost (JPY million)"],
    ["Coal boiler replacement in Darkhan", "4,100", "560"],
    ["Heat-only boiler upgrade in Erdenet", "2,900", "410"],
    ["Total", "7,000", "970"],
]


def english_pdf(pages: int = 2) -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for page in range(1, pages + 1):
        pdf.setFont("Helvetica", 11)
        pdf.drawString(50, 780, f"Monitoring report, page {page}")
        pdf.drawString(50, 750, "Rooftop solar power plant at a dairy factory in Ulaanbaatar.")
        pdf.drawString(50, 730, f"Emission reductions in the monitoring period: {1200 + page:,} tCO2.")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def docx_of(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def english_docx() -> bytes:
    document = docx.Document()
    document.add_heading("JCM selection notice", level=1)
    for line in ENGLISH_NOTICE:
        document.add_paragraph(line)
    table = document.add_table(rows=0, cols=3)
    for row in ENGLISH_TABLE:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    out = BytesIO()
    document.save(out)
    return out.getvalue()


def monitoring_xlsx() -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Results"
    sheet.append(["Item", "Value (tCO2)"])
    sheet.append(["Reference emissions", 5300])
    sheet.append(["Project emissions", 2100])
    sheet.append(["Emission reductions", "=B2-B3"])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


@pytest.fixture
def corpus_dir(tmp_path: Path) -> Path:
    """A folder as a secretariat would have it: Thai, Japanese and English documents in five formats."""
    folder = tmp_path / "incoming"
    (folder / "2024").mkdir(parents=True)
    (folder / "th_summary.txt").write_text(THAI_SUMMARY, encoding="utf-8")
    (folder / "ja_pdd_sjis.txt").write_bytes(JAPANESE_PDD.encode("shift_jis"))
    (folder / "2024" / "en_notice.docx").write_bytes(english_docx())
    (folder / "2024" / "en_monitoring.pdf").write_bytes(english_pdf())
    (folder / "en_results.xlsx").write_bytes(monitoring_xlsx())
    return folder


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """The catalog's backend of a test that runs on both: None for SQLite (the catalog file in the data
    folder), else the URL of an empty PostgreSQL schema of its own (skipped, with the reason, without a
    server)."""
    with backend_url(request.param) as url:
        yield url


@pytest.fixture(scope="module", params=BACKENDS)
def module_database_url(request: pytest.FixtureRequest) -> Iterator[str | None]:
    """database_url for what a module builds once and its tests share."""
    with backend_url(request.param) as url:
        yield url


@pytest.fixture
def database_env(database_url: str | None, monkeypatch: pytest.MonkeyPatch) -> str | None:
    """database_url, also in the environment (JCM_DATABASE_URL): Settings read from it, so `jcm` commands
    run in the process or as children use the test's backend too."""
    if database_url:
        monkeypatch.setenv("JCM_DATABASE_URL", database_url)
    else:
        monkeypatch.delenv("JCM_DATABASE_URL", raising=False)
    return database_url
