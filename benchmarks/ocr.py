"""OCR of scanned pages: seconds per page and how many of the stated facts come back, per language.

    python benchmarks/ocr.py [--pages 3] [--projects 6]

Generates pages in English, Thai and Japanese stating each project's expected reduction and cost
with random numbers, rasterises them at 300 dpi into image-only PDFs and reads them through the
pipeline. Prints per language the medians over the pages of: Tesseract's seconds per page in the
detected languages and with all three loaded (same pages, same run), script detection, the whole
pipeline (render, detect, OCR, facts); the share of characters read right; and how many of the
stated facts come back from the scan (exactly, and by kind and value) and from the typed page.
"""
from __future__ import annotations

import argparse
import difflib
import random
import statistics
import time
from collections import Counter
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw, ImageFont
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from application.file_analysis import analyse
from corpus.models import DocumentRef, RawBlock
from extractors.ocr import (
    Word,
    clean_thai_spaces,
    language_argument,
    ocr_blocks,
    ocr_words,
    script_languages,
    spaced_line,
    text_lines,
)
from extractors.readers import read_document
from extractors.readers.pdf import OCR_DPI, render_page

FONTS = {
    "en": ("DejaVuSans", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    "th": ("Garuda", "/usr/share/fonts/truetype/tlwg/Garuda.ttf"),
    "ja": ("IPAGothic", "/usr/share/fonts/opentype/ipafont-gothic/ipag.ttf"),
}
HEADINGS = {
    "en": "Project Design Document: selected projects and their expected results",
    "th": "สรุปโครงการที่ได้รับการคัดเลือกและผลที่คาดว่าจะได้รับ",
    "ja": "JCMプロジェクト設計書:選定されたプロジェクトと期待される成果",
}
# (reduction sentence, cost sentence, cost unit, cost multiplier)
SENTENCES = {
    "en": ("Project {n}: expected emission reductions are {er:,} tCO2e per year.",
           "The total project cost of project {n} is {cost} million JPY.", "JPY", 1e6),
    "th": ("โครงการที่ {n} คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ {er:,} tCO2e ต่อปี",
           "ค่าใช้จ่ายของโครงการที่ {n} ทั้งหมด {cost} ล้านบาท", "THB", 1e6),
    "ja": ("プロジェクト{n}の排出削減量は{er:,} tCO2/年である。",
           "プロジェクト{n}の総事業費は{cost}億円である。", "JPY", 1e8),
}


RAQM = ImageFont.Layout.RAQM
Draw = tuple[float, float, int, str]  # x and baseline y in points from the bottom left, font size, text


def page(language: str, projects: int, rng: random.Random) -> tuple[bytes, bytes, Counter, list[str]]:
    """The page typed (a PDF with a text layer), the same page scanned (an image-only PDF), the facts it
    states and its lines."""
    reduction, cost_sentence, unit, multiplier = SENTENCES[language]
    draws: list[Draw] = [(60, 780, 14, HEADINGS[language])]
    expected: Counter = Counter()
    y = 740
    for n in range(1, projects + 1):
        er, cost = rng.randrange(1000, 90000), rng.randrange(20, 900)
        for text in (reduction.format(n=n, er=er), cost_sentence.format(n=n, cost=cost)):
            draws.append((60, y, 12, text))
            y -= 20
        y -= 14
        expected[("emission_reduction", float(er), "tCO2e/yr")] += 1
        expected[("project_cost", float(cost * multiplier), unit)] += 1
    return typed(language, draws), scanned(language, draws), expected, [text for *_, text in draws]


def typed(language: str, draws: list[Draw]) -> bytes:
    name, path = FONTS[language]
    if name not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(name, path))
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for x, y, size, text in draws:
        pdf.setFont(name, size)
        pdf.drawString(x, y, text)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def scanned(language: str, draws: list[Draw]) -> bytes:
    """The page as a scanner sees a printed page: drawn at the OCR resolution with the text shaped
    (Pillow's Raqm layout puts Thai tone marks where a typesetter does; reportlab draws them unplaced,
    floating beside the letter, which no printed page shows), embedded as the PDF's only content."""
    scale = OCR_DPI / 72
    width, height = A4
    image = Image.new("L", (round(width * scale), round(height * scale)), 255)
    draw = ImageDraw.Draw(image)
    for x, y, size, text in draws:
        font = ImageFont.truetype(FONTS[language][1], round(size * scale), layout_engine=RAQM)
        draw.text((x * scale, (height - y) * scale), text, font=font, fill=0, anchor="ls")
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    pdf.drawImage(ImageReader(image), 0, 0, *A4)
    pdf.showPage()
    pdf.save()
    return out.getvalue()


def facts(data: bytes) -> Counter:
    found = analyse(data, "page.pdf", DocumentRef(id="b", filename="page.pdf")).facts
    return Counter((fact.kind, fact.value, fact.unit) for fact in found)


def timed(work: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def character_accuracy(typed: bytes, blocks: list[RawBlock]) -> float:
    """Share of the typed page's characters (spaces aside) that the OCR text matches."""
    truth = "".join(block.text for block in read_document(typed, "typed.pdf").blocks).replace(" ", "")
    read = "".join(block.text for block in blocks).replace(" ", "")
    matcher = difflib.SequenceMatcher(None, truth, read, autojunk=False)
    return sum(size for _, _, size in matcher.get_matching_blocks()) / max(len(truth), 1)


def space_positions(text: str) -> set[int]:
    """Where the spaces are, counted in the characters that are not spaces."""
    positions, seen = set(), 0
    for char in text:
        if char == " ":
            positions.add(seen)
        else:
            seen += 1
    return positions


def spacing_errors(lines: list[str], image: Image.Image) -> tuple[int, int] | None:
    """Spaces wrong (extra plus missing) in the OCR lines: by the gap rule alone, and after the
    dictionary drops the spaces it reads a word across. None when OCR found another number of lines."""
    paragraphs: dict[tuple[int, int], dict[int, list[Word]]] = {}
    for word in ocr_words(image, language_argument({"th"})):
        paragraphs.setdefault(word.paragraph, {}).setdefault(word.line, []).append(word)
    read = [line for found in paragraphs.values() for line in text_lines(list(found.values()))]
    spaced = [spaced_line(words) for words in read]
    if len(spaced) != len(lines):
        return None
    pairs = list(zip(lines, spaced, strict=True))
    gap = sum(wrong_spaces(typed, read) for typed, read in pairs)
    cleaned = sum(wrong_spaces(typed, clean_thai_spaces(read)) for typed, read in pairs)
    return gap, cleaned


def wrong_spaces(typed: str, read: str) -> int:
    """Extra and missing spaces before the characters OCR read right (aligned without the spaces)."""
    matcher = difflib.SequenceMatcher(None, typed.replace(" ", ""), read.replace(" ", ""), autojunk=False)
    to_typed = {b + k: a + k for a, b, size in matcher.get_matching_blocks() for k in range(size)}
    truth = space_positions(typed) & set(to_typed.values())
    return len(truth ^ {to_typed[p] for p in space_positions(read) if p in to_typed})


def measure(
    language: str, typed_page: bytes, scan: bytes, expected: Counter, lines: list[str]
) -> dict[str, float]:
    image, offset = render_page(pdfium.PdfDocument(scan), 0)
    detect, detected = timed(lambda: script_languages(image))
    ocr, blocks = timed(lambda: ocr_blocks(image, language_argument(detected), 1, OCR_DPI / 72, offset))
    ocr_all, _ = timed(lambda: ocr_blocks(image, language_argument(()), 1, OCR_DPI / 72, offset))
    pipeline, found = timed(lambda: facts(scan))
    by_value = Counter((kind, value) for kind, value, _ in expected)
    spacing = spacing_errors(lines, image) if language == "th" else None
    return {
        "spaces_gap": spacing[0] if spacing else 0, "spaces_cleaned": spacing[1] if spacing else 0,
        "spaces": sum(len(space_positions(line)) for line in lines) if spacing else 0,
        "detect": detect, "ocr": ocr, "ocr_all": ocr_all, "pipeline": pipeline,
        "exact": sum((found & expected).values()),
        "value": sum((Counter((kind, value) for kind, value, _ in found.elements()) & by_value).values()),
        "typed": sum((facts(typed_page) & expected).values()), "stated": sum(expected.values()),
        "characters": character_accuracy(typed_page, blocks),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=3)
    parser.add_argument("--projects", type=int, default=6)
    args = parser.parse_args()
    rng = random.Random(7)
    for language in ("en", "th", "ja"):
        if not Path(FONTS[language][1]).exists():
            print(f"{language}: font {FONTS[language][1]} not installed, skipped")
            continue
        runs = [measure(language, *page(language, args.projects, rng)) for _ in range(args.pages)]

        def median(key: str, runs: list[dict[str, float]] = runs) -> float:
            return statistics.median(run[key] for run in runs)

        def total(key: str, runs: list[dict[str, float]] = runs) -> int:
            return int(sum(run[key] for run in runs))

        print(f"{language}: OCR {median('ocr'):.2f} s/page, all three languages loaded "
              f"{median('ocr_all'):.2f} s ({median('ocr_all') / median('ocr'):.2f}x), script detection "
              f"{median('detect'):.2f} s, whole pipeline {median('pipeline'):.2f} s "
              f"(medians of {args.pages} pages)")
        print(f"    characters read right {statistics.fmean(run['characters'] for run in runs):.1%}; facts "
              f"(kind, value, unit) found from the scan {total('exact')}/{total('stated')}, kind and value "
              f"{total('value')}/{total('stated')}; from the typed page {total('typed')}/{total('stated')}")
        if total("spaces"):
            print(f"    spaces wrong (extra + missing, of {total('spaces')} typed): gap rule alone "
                  f"{total('spaces_gap')}, with the dictionary cleanup {total('spaces_cleaned')}")


if __name__ == "__main__":
    main()
