"""Ingest throughput in pages per second: a generated 100-page PDF and, optionally, a folder of PDFs.

    python benchmarks/ingest.py [--corpus DIR] [--pages 100] [--runs 3]

Prints the median of the runs for: bare pypdfium2 text extraction (the practical limit), bare pdfplumber
extract_text (the naive way) and the full pipeline (read, extract facts, check, index).
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdfium2
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from service.archive import Archive
from service.settings import Settings

ENGLISH = (
    "Project {n}: high-efficiency chillers for a factory. The expected GHG emission reductions are "
    "{er:,} tCO2 per year. The total project cost is JPY {cost} million and the financing support is "
    "JPY {sub} million, which is {share}% of the initial investment."
)
JAPANESE = "プロジェクト{n}:排出削減量は{er:,} tCO2/年、総事業費は約{cost}億円、補助金は{sub}億円である。"


def generated_pdf(pages: int) -> bytes:
    pdfmetrics.registerFont(UnicodeCIDFont("HeiseiKakuGo-W5"))
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for n in range(1, pages + 1):
        y = 800
        for line in range(12):
            text = ENGLISH.format(n=n, er=1000 + 37 * n + line, cost=300 + n, sub=120 + n, share=40)
            pdf.setFont("Helvetica", 9)
            for chunk in (text[i : i + 100] for i in range(0, len(text), 100)):
                pdf.drawString(40, y, chunk)
                y -= 12
            y -= 8
        pdf.setFont("HeiseiKakuGo-W5", 9)
        pdf.drawString(40, y, JAPANESE.format(n=n, er=2000 + n, cost=3 + n % 5, sub=1 + n % 3))
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def pypdfium2_pages(files: list[Path]) -> int:
    pages = 0
    for file in files:
        document = pypdfium2.PdfDocument(file)
        for page in document:
            page.get_textpage().get_text_range()
            pages += 1
        document.close()
    return pages


def pdfplumber_pages(files: list[Path]) -> int:
    pages = 0
    for file in files:
        with pdfplumber.open(file) as document:
            for page in document.pages:
                page.extract_text()
                pages += 1
    return pages


def pipeline_pages(files: list[Path]) -> tuple[int, float]:
    """Pages per second once the workers run: their one-off start-up is reported apart."""
    with tempfile.TemporaryDirectory() as data_dir:
        archive = Archive(Settings(data_dir=Path(data_dir)))
        archive.ingest_bytes(b"Emission reductions: 1,000 tCO2 per year.", "warm-up.txt")
        started = time.perf_counter()
        outcomes = archive.ingest_paths(files)
        elapsed = time.perf_counter() - started
        archive.close()
    failed = [o for o in outcomes if o.status == "failed"]
    if failed:
        raise SystemExit(f"ingest failed: {failed}")
    return sum(o.pages for o in outcomes), elapsed


def startup_seconds() -> float:
    with tempfile.TemporaryDirectory() as data_dir:
        archive = Archive(Settings(data_dir=Path(data_dir)))
        started = time.perf_counter()
        archive.ingest_bytes(b"Emission reductions: 1,000 tCO2 per year.", "warm-up.txt")
        elapsed = time.perf_counter() - started
        archive.close()
    return elapsed


def timed(count: Callable[[list[Path]], int]) -> Callable[[list[Path]], tuple[int, float]]:
    def measure(files: list[Path]) -> tuple[int, float]:
        started = time.perf_counter()
        pages = count(files)
        return pages, time.perf_counter() - started

    return measure


def rate(
    measure: Callable[[list[Path]], tuple[int, float]], files: list[Path], runs: int
) -> tuple[float, int]:
    rates, pages = [], 0
    for _ in range(runs):
        pages, elapsed = measure(files)
        rates.append(pages / elapsed)
    return statistics.median(rates), pages


def report(label: str, files: list[Path], runs: int, with_baselines: bool) -> None:
    measures: dict[str, Callable[[list[Path]], tuple[int, float]]] = {"full pipeline": pipeline_pages}
    if with_baselines:
        measures = {"pypdfium2 text only": timed(pypdfium2_pages),
                    "pdfplumber extract_text": timed(pdfplumber_pages), **measures}
    for name, measure in measures.items():
        median, pages = rate(measure, files, runs)
        print(f"{label:<28} {name:<24} {pages:>5} pages  {median:8.1f} pages/s (median of {runs})")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, help="a folder whose PDFs are ingested as a second workload")
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(f"worker start-up before the first file: {startup_seconds():.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        generated = Path(tmp) / f"generated_{args.pages}_pages.pdf"
        generated.write_bytes(generated_pdf(args.pages))
        report(f"generated {args.pages}-page PDF", [generated], args.runs, with_baselines=True)
    if args.corpus:
        pdfs = sorted(args.corpus.glob("*.pdf"))
        report(f"{args.corpus.name} PDFs ({len(pdfs)})", pdfs, args.runs, with_baselines=True)


if __name__ == "__main__":
    main()
