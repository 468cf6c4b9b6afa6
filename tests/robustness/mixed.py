"""Many small documents in every supported format, each with its own numbers."""
from __future__ import annotations

from io import BytesIO
from pathlib import Path

import openpyxl
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from tests.conftest import docx_of

COUNTRIES = ("Mongolia", "Viet Nam", "Thailand", "Indonesia", "Cambodia", "Lao PDR", "Philippines", "Kenya")


def english_lines(n: int) -> list[str]:
    country = COUNTRIES[n % len(COUNTRIES)]
    return [
        f"JCM project {n}: efficient boilers at a factory in {country}.",
        f"Expected emission reductions: {1000 + 37 * n:,} tCO2 per year.",
        f"Total project cost: JPY {120 + n} million.",
    ]


def as_pdf(lines: list[str]) -> bytes:
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for row, line in enumerate(lines):
        pdf.drawString(50, 780 - 20 * row, line)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def as_xlsx(lines: list[str]) -> bytes:
    workbook = openpyxl.Workbook()
    for line in lines:
        workbook.active.append([part.strip() for part in line.split(":", 1)])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def as_html(lines: list[str]) -> bytes:
    return ("<html><body>" + "".join(f"<p>{line}</p>" for line in lines) + "</body></html>").encode()


def thai_text(n: int) -> bytes:
    return f"โครงการที่ {n} คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ {500 + n:,} ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี\n".encode()


def japanese_text(n: int) -> bytes:
    return f"事業{n}の排出削減量は年間{800 + n:,} tCO2である。\n総事業費は{3 + n}億円である。\n".encode()


WRITERS = {
    ".pdf": lambda n: as_pdf(english_lines(n)),
    ".docx": lambda n: docx_of(english_lines(n)),
    ".xlsx": lambda n: as_xlsx(english_lines(n)),
    ".html": lambda n: as_html(english_lines(n)),
    ".txt": lambda n: "\n".join(english_lines(n)).encode(),
    ".th.txt": thai_text,
    ".ja.txt": japanese_text,
}


def write_mixed(folder: Path, count: int) -> dict[str, bytes]:
    """`count` documents spread over the formats and languages; name -> content."""
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    suffixes = list(WRITERS)
    for n in range(count):
        suffix = suffixes[n % len(suffixes)]
        name = f"doc_{n:03d}{suffix}"
        written[name] = WRITERS[suffix](n)
        (folder / name).write_bytes(written[name])
    return written
