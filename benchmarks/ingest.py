"""Ingest speed and memory on generated PDFs in Thai, Japanese and English, with paragraphs and ruled tables.

    python benchmarks/ingest.py [--pages 100] [--runs 3] [--files 8] [--memory-pages 500] [--corpus DIR]
                                [--archive-sizes 8,40] [--parts readers,workers,...]

Prints, each the median of the runs:
- text pages per second of bare pypdfium2 text extraction (the practical limit), bare pdfplumber
  extract_text (the naive way) and the full pipeline (read, extract facts, check, index, catalog
  writes: a real Archive ingest) on one PDF of text pages, and the pipeline's rate per core: its
  pages per CPU-second, summed over the ingest process and its workers, compared with the readers';
- the CPU milliseconds per text page of each stage (reading, fact extraction, checks, the ingest
  process's catalog and index work) beside the budgets the two ratio goals leave;
- seconds per image-only (scanned) page, measured on its own PDF so the text-page figures exclude them;
- pipeline throughput with 1 and with 2 workers on many files, and how many cores each kept busy
  (CPU-seconds of all processes over wall-clock seconds);
- pages per second of ingesting one more 25-page file into an empty archive and into archives of
  --archive-sizes files (the warnings after an ingest should cost what the change costs);
- peak memory (summed RSS of the ingest process and all its descendants, sampled) while `jcm ingest`
  reads one large PDF that also holds a few scanned pages.
Timings are noisy on a shared machine: each run takes every measure in turn, and the ratios printed
are those of the medians measured in the same run.
"""
from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path

import pdfplumber
import pypdfium2
from PIL import Image, ImageDraw
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import ImageReader
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas
from reportlab.platypus import Table, TableStyle

from application.archive import Archive
from application.settings import Settings
from checks import run_checks
from checks.projects import profile_of, stored_profile
from corpus.models import DocumentRef
from corpus.store import fact_rows
from extractors.blocks import place_blocks
from extractors.facts import extract_facts
from extractors.metadata import describe
from extractors.readers import read_document

THAI_FONT = "/usr/share/fonts/truetype/tlwg/Garuda.ttf"
JAPANESE_FONT = "HeiseiKakuGo-W5"
PROSE = {
    "en": "Project {n}: high-efficiency chillers for a factory. The expected GHG emission reductions are "
    "{er:,} tCO2 per year. The total project cost is JPY {cost} million and the financing support is "
    "JPY {sub} million, which is {share}% of the initial investment.",
    "ja": "プロジェクト{n}:排出削減量は{er:,} tCO2/年、総事業費は約{cost}億円、補助金は{sub}億円であり、"
    "初期投資の{share}%にあたる。",
    "th": "โครงการที่ {n} ปริมาณการลดก๊าซเรือนกระจกที่คาดว่าจะได้ {er:,} ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี "
    "มูลค่าโครงการ {cost} ล้านบาท และเงินสนับสนุน {sub} ล้านบาท คิดเป็นร้อยละ {share} ของเงินลงทุน",
}
TABLE_HEADER = {
    "en": ["Year", "Emission reductions (tCO2)", "Project cost (JPY million)"],
    "ja": ["年", "排出削減量 (tCO2)", "総事業費 (百万円)"],
    "th": ["ปี", "ปริมาณการลดก๊าซ (tCO2)", "มูลค่าโครงการ (ล้านบาท)"],
}
FONT = {"en": "Helvetica", "ja": JAPANESE_FONT, "th": "Garuda"}
WRAP = {"en": 100, "ja": 50, "th": 90}
LANGUAGES = ("en", "ja", "th")
TABLE_ROWS = 4  # data rows under the header of each page's table
PARTS = ("startup", "readers", "stages", "scanned", "workers", "one-more", "memory")


def register_fonts() -> None:
    pdfmetrics.registerFont(UnicodeCIDFont(JAPANESE_FONT))
    pdfmetrics.registerFont(TTFont("Garuda", THAI_FONT))


def generated_pdf(pages: int, first: int = 1, scanned_every: int = 0) -> bytes:
    """Pages cycle through English, Japanese and Thai; even-numbered pages carry a ruled table.

    With scanned_every=k, every k-th page is an image-only page, as a scanner makes them.
    """
    register_fonts()
    out = BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for n in range(first, first + pages):
        if scanned_every and n % scanned_every == 0:
            scanned_page(pdf, n)
        else:
            text_page(pdf, n, LANGUAGES[n % 3], with_table=(n - first) % 2 == 1)
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def text_page(pdf: canvas.Canvas, n: int, language: str, with_table: bool) -> None:
    y = 800.0
    for line in range(9):
        text = PROSE[language].format(n=n, er=1000 + 37 * n + line, cost=300 + n, sub=120 + n, share=40)
        pdf.setFont(FONT[language], 9)
        width = WRAP[language]
        for chunk in (text[i : i + width] for i in range(0, len(text), width)):
            pdf.drawString(40, y, chunk)
            y -= 12
        y -= 8
    if with_table:
        table_at(pdf, language, n, y - 10)


def table_at(pdf: canvas.Canvas, language: str, n: int, top: float) -> None:
    rows = [TABLE_HEADER[language]] + [
        [str(2020 + i), f"{500 + 11 * n + i:,}", str(40 + n + i)] for i in range(TABLE_ROWS)
    ]
    style = TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black),
                        ("FONTNAME", (0, 0), (-1, -1), FONT[language]), ("FONTSIZE", (0, 0), (-1, -1), 9)])
    table = Table(rows, style=style)
    _, height = table.wrapOn(pdf, 500, 300)
    table.drawOn(pdf, 40, top - height)


def scanned_page(pdf: canvas.Canvas, n: int) -> None:
    """A page that is one picture of text: no text layer at all."""
    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    for line in range(40):
        text = f"Scanned page {n}, line {line}: 1,{line:03d} tCO2 per year"
        draw.text((100, 100 + 38 * line), text, fill=0)
    width, height = A4
    pdf.drawImage(ImageReader(image), 0, 0, width=width, height=height)


# --- measurements ---------------------------------------------------------------------------------

Measure = Callable[[list[Path]], "Timing"]


@dataclass(frozen=True)
class Timing:
    """Pages done, wall-clock seconds, and CPU seconds of the process and all its descendants."""

    pages: int
    seconds: float
    cpu_seconds: float


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


def timed(count: Callable[[list[Path]], int]) -> Measure:
    """A reader run in this process, on one core (the process's own clock is finer than /proc's)."""

    def measure(files: list[Path]) -> Timing:
        started, cpu = time.perf_counter(), time.process_time()
        pages = count(files)
        return Timing(pages, time.perf_counter() - started, time.process_time() - cpu)

    return measure


def pipeline(workers: int, generated: bool = True) -> Measure:
    """Text pages ingested and seconds taken once the workers run: their start-up is reported apart."""

    def measure(files: list[Path]) -> Timing:
        with tempfile.TemporaryDirectory() as data_dir:
            archive = Archive(Settings(data_dir=Path(data_dir), workers=workers))
            warm_up(archive, workers, Path(data_dir))
            started, cpu = time.perf_counter(), tree_cpu_seconds(os.getpid())
            outcomes = archive.ingestion.ingest_paths(files)
            elapsed = time.perf_counter() - started
            cpu_seconds = tree_cpu_seconds(os.getpid()) - cpu
            failed = [o for o in outcomes if o.status == "failed"]
            if failed:
                raise SystemExit(f"ingest failed: {failed}")
            ids = [o.document_id for o in outcomes if o.document_id]
            text_pages = sum(p.has_text_layer for i in ids for p in archive.catalog.pages(i))
            if generated:
                assert_tables_found(archive, ids)
            archive.close()
        return Timing(text_pages, elapsed, cpu_seconds)

    return measure


def assert_tables_found(archive: Archive, document_ids: list[str]) -> None:
    """Speed that loses tables is no speed: every generated table's rows must come out as table rows."""
    for document_id in document_ids:
        pages = archive.catalog.pages(document_id)
        expected = sum((TABLE_ROWS + 1) for p in pages if p.has_text_layer and p.number % 2 == 0)
        found = sum(b.kind == "table_row" for b in archive.catalog.blocks(document_id))
        if found != expected:
            raise SystemExit(f"{document_id}: {found} table rows found, {expected} generated")


def warm_up(archive: Archive, workers: int, folder: Path) -> None:
    """One small file per worker, so that every worker has started, and the index has loaded its Thai
    and Japanese dictionaries, before the clock runs."""
    files = []
    for i in range(workers):
        file = folder / f"warm-up-{i}.txt"
        file.write_text("\n\n".join(PROSE[language].format(n=i, er=10 + i, cost=3, sub=1, share=33)
                                    for language in LANGUAGES))
        files.append(file)
    archive.ingestion.ingest_paths(files)


def startup_seconds() -> float:
    with tempfile.TemporaryDirectory() as data_dir:
        archive = Archive(Settings(data_dir=Path(data_dir), workers=1))
        started = time.perf_counter()
        warm_up(archive, 1, Path(data_dir))
        elapsed = time.perf_counter() - started
        archive.close()
    return elapsed


def interleaved(
    measures: dict[str, Measure], files: list[Path], runs: int
) -> tuple[dict[str, float], dict[str, float], int]:
    """Median pages per second and median pages per CPU-second (all processes) of each measure; each run
    takes every measure in turn, so that a change in the machine's load touches all of them alike."""
    timings: dict[str, list[Timing]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            timings[name].append(measure(files))
    rates = {name: statistics.median(t.pages / t.seconds for t in done) for name, done in timings.items()}
    per_cpu = {name: statistics.median(t.pages / t.cpu_seconds for t in done)
               for name, done in timings.items()}
    return rates, per_cpu, timings[next(iter(measures))][-1].pages


def line(label: str, name: str, pages: int, value: float, runs: int, unit: str = "pages/s") -> None:
    print(f"{label:<34} {name:<26} {pages:>5} pages {value:9.1f} {unit} (median of {runs})")


def compare_readers(label: str, files: list[Path], runs: int, generated: bool = True) -> None:
    """The readers run in this process on one core; the pipeline's rate per core is its pages per CPU
    second summed over every process of the ingest (parent, workers), whatever they overlap."""
    measures = {"pypdfium2 text only": timed(pypdfium2_pages),
                "pdfplumber extract_text": timed(pdfplumber_pages),
                "full pipeline, 1 worker": pipeline(1, generated)}
    rates, per_cpu, pages = interleaved(measures, files, runs)
    for name, value in rates.items():
        line(label, name, pages, value, runs)
    full = per_cpu["full pipeline, 1 worker"]
    pdfium, plumber = per_cpu["pypdfium2 text only"], per_cpu["pdfplumber extract_text"]
    print(f"{label:<34} full pipeline per core {full:6.1f} pages per CPU-second (goal >= 100)")
    print(f"{label:<34} per CPU-second: pipeline / pdfplumber {full / plumber:6.1f}x (goal >= 10)   "
          f"pypdfium2 / pipeline {pdfium / full:6.1f}x (goal <= 4)")


def stage_costs(folder: Path, pages: int, runs: int) -> None:
    """CPU milliseconds per text page of each stage, against the budgets the two ratio goals leave.

    The stages run in this process, each run on a file of its own (other numbers, so no cache of an
    earlier run helps), after a warm-up file; the ingest process's share (receiving each analysis,
    catalog, index) is its own CPU time during a real ingest, the workers' the rest of the tree's.
    """
    files = [folder / f"stages_{run}.pdf" for run in range(runs + 1)]
    for run, file in enumerate(files):
        file.write_bytes(generated_pdf(pages, first=1 + run * pages))
    costs: dict[str, list[float]] = {}
    for run, file in enumerate(files):
        for stage, seconds in stage_seconds(file).items():
            if run:  # the first file warms up
                costs.setdefault(stage, []).append(1000 * seconds / pages)
    label = f"{pages}-page PDF, stages"
    medians = {stage: statistics.median(values) for stage, values in costs.items()}
    for stage, value in medians.items():
        print(f"{label:<34} {stage:<42} {value:7.2f} ms CPU per page (median of {runs})")
    limit, naive = medians["pypdfium2 text only"], medians["pdfplumber extract_text"]
    floor = medians["read: text, layout, ruled tables"] + medians["extract facts (spaCy pipelines)"]
    print(f"{label:<34} budget within 4x of pypdfium2 {4 * limit:.2f} ms, at 10x pdfplumber "
          f"{naive / 10:.2f} ms; reading and fact extraction alone {floor:.2f} ms")


def stage_seconds(file: Path) -> dict[str, float]:
    data, document = file.read_bytes(), DocumentRef(id="stages", filename=file.name)
    seconds: dict[str, float] = {}

    def clocked(stage: str, work: Callable[[], object]) -> object:
        started = time.process_time()
        result = work()
        seconds[stage] = time.process_time() - started
        return result

    clocked("pypdfium2 text only", lambda: pypdfium2_pages([file]))
    clocked("pdfplumber extract_text", lambda: pdfplumber_pages([file]))
    reading = clocked("read: text, layout, ruled tables", lambda: read_document(data, file.name))
    blocks = clocked("place blocks", lambda: place_blocks(reading.blocks))
    facts = clocked("extract facts (spaCy pipelines)", lambda: extract_facts(blocks, document))
    clocked("metadata, checks, catalog rows, profile", lambda: (
        describe(file.name, blocks, facts), run_checks(facts), fact_rows(facts),
        stored_profile(profile_of(document, (b.text for b in blocks)), facts)))
    seconds["ingest process: catalog, index"], seconds["worker process in all"] = ingest_split(file)
    return seconds


def ingest_split(file: Path) -> tuple[float, float]:
    """CPU seconds of the ingest process itself (all its threads) and of the rest of its tree."""
    with tempfile.TemporaryDirectory() as data_dir:
        archive = Archive(Settings(data_dir=Path(data_dir), workers=1))
        warm_up(archive, 1, Path(data_dir))
        own, every = time.process_time(), tree_cpu_seconds(os.getpid())
        archive.ingestion.ingest_paths([file])
        own, every = time.process_time() - own, tree_cpu_seconds(os.getpid()) - every
        archive.close()
    return own, every - own


def scanned_cost(folder: Path, runs: int) -> None:
    """Seconds per image-only page: apart, because OCR makes them far dearer than text pages."""
    file = folder / "scanned_5_pages.pdf"
    file.write_bytes(generated_pdf(5, scanned_every=1))
    seconds = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as data_dir:
            archive = Archive(Settings(data_dir=Path(data_dir), workers=1))
            warm_up(archive, 1, Path(data_dir))
            started = time.perf_counter()
            archive.ingestion.ingest_paths([file])
            seconds.append((time.perf_counter() - started) / 5)
            archive.close()
    median = statistics.median(seconds)
    line("image-only (scanned) PDF", "full pipeline, 1 worker", 5, median, runs, "s/page ")


def compare_workers(folder: Path, files: int, pages: int, runs: int) -> None:
    paths = generated_files(folder, files, pages)
    label = f"{files} files of {pages} pages"
    rates, per_cpu, total = interleaved({"full pipeline, 1 worker": pipeline(1),
                                         "full pipeline, 2 workers": pipeline(2)}, paths, runs)
    for name, value in rates.items():
        line(label, name, total, value, runs)
        print(f"{label:<34} {name:<26} {value / per_cpu[name]:6.2f} cores busy (CPU-seconds / seconds)")
    ratio = rates["full pipeline, 2 workers"] / rates["full pipeline, 1 worker"]
    print(f"{label:<34} 2 workers / 1 worker {ratio:6.2f}x (goal: both of the {os.cpu_count()} cores busy)")


def generated_files(folder: Path, files: int, pages: int) -> list[Path]:
    """Files of these many pages each, each about other projects (its own numbering)."""
    paths = []
    for i in range(files):
        path = folder / f"file_{i}.pdf"
        if not path.exists():
            path.write_bytes(generated_pdf(pages, first=1 + i * pages))
        paths.append(path)
    return paths


def one_more_file(folder: Path, pages: int, sizes: Sequence[int], runs: int) -> None:
    """Pages per second of adding one file to an archive of these many files: the warnings after an
    ingest must cost what the change costs, not what the archive holds. Each archive is built once and
    copied for each run, so only the one more file is timed."""
    paths = generated_files(folder, max(sizes, default=0), pages)
    extra = folder / "one_more.pdf"
    extra.write_bytes(generated_pdf(pages, first=1 + len(paths) * pages))
    rates = {}
    for size in (0, *sizes):
        built = folder / f"archive-of-{size}"
        archive = Archive(Settings(data_dir=built, workers=1))
        warm_up(archive, 1, folder)
        archive.ingestion.ingest_paths(paths[:size])
        archive.close()
        rates[size] = statistics.median(one_more_into(built, extra, folder) for _ in range(runs))
    label = f"one more file of {pages} pages"
    for size, rate in rates.items():
        line(label, f"into an archive of {size} files", pages, rate, runs)
    for size in sizes:
        print(f"{label:<34} archive of {size} / empty {rates[size] / rates[0]:6.2f}x (goal: near 1)")


def one_more_into(built: Path, extra: Path, folder: Path) -> float:
    """Pages per second of ingesting one file into a copy of this archive (workers already started)."""
    with tempfile.TemporaryDirectory() as data_dir:
        copy = Path(data_dir) / "data"
        shutil.copytree(built, copy)
        archive = Archive(Settings(data_dir=copy, workers=1))
        warm_up(archive, 1, folder)
        started = time.perf_counter()
        [outcome] = archive.ingestion.ingest_paths([extra])
        elapsed = time.perf_counter() - started
        archive.close()
    return outcome.pages / elapsed


# --- memory ---------------------------------------------------------------------------------------


def process_tree(root: int) -> list[int]:
    """The process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parent = int(stat.rsplit(")", 1)[1].split()[1])
            children.setdefault(parent, []).append(int(entry))
    found, stack = [], [root]
    while stack:
        pid = stack.pop()
        found.append(pid)
        stack += children.get(pid, [])
    return found


def tree_rss(root: int) -> int:
    """Bytes resident in a process and all its descendants (shared pages counted in each)."""
    total = 0
    for pid in process_tree(root):
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        fields = dict(row.split(":", 1) for row in status.splitlines() if ":" in row)
        total += int(fields.get("VmRSS", "0 kB").split()[0]) * 1024
    return total


def tree_cpu_seconds(root: int) -> float:
    """User and system CPU seconds of a process and all its descendants, living or reaped."""
    ticks = 0
    for pid in process_tree(root):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ticks += sum(int(value) for value in fields[11:15])  # utime, stime, cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def peak_memory(folder: Path, pages: int, scanned_every: int) -> None:
    file = folder / f"generated_{pages}_pages.pdf"
    file.write_bytes(generated_pdf(pages, scanned_every=scanned_every))
    data_dir = folder / "memory-data"
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(data_dir), "ingest", str(file)]
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    sampler_done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not sampler_done.is_set():
            peak = max(peak, tree_rss(process.pid))
            time.sleep(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, errors = process.communicate()
    sampler_done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"jcm ingest failed: {errors.decode()}")
    scans = pages // scanned_every if scanned_every else 0
    print(f"{pages}-page PDF ({scans} scanned) via jcm ingest: peak RSS of the process tree "
          f"{peak / 2**20:.0f} MB (goal < 1024), {time.perf_counter() - started:.1f} s including start-up")


def corpus_rates(folder: Path, runs: int) -> None:
    pdfs = sorted(folder.glob("*.pdf"))
    compare_readers(f"{folder.name} PDFs ({len(pdfs)})", pdfs, runs, generated=False)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--pages", type=int, default=100, help="pages of the text PDF")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--files", type=int, default=8, help="files for the 1-versus-2-workers comparison")
    parser.add_argument("--memory-pages", type=int, default=500)
    parser.add_argument("--corpus", type=Path, help="a folder whose PDFs are measured as a further workload")
    parser.add_argument("--archive-sizes", default="8,40",
                        help="files already in the archive when one more is ingested (comma-separated)")
    parser.add_argument("--parts", default=",".join(PARTS),
                        help=f"which measures to take (comma-separated, of {','.join(PARTS)})")
    args = parser.parse_args(argv)
    sizes = [int(size) for size in args.archive_sizes.split(",") if size]
    parts = set(args.parts.split(","))
    if parts - set(PARTS):
        parser.error(f"unknown parts: {', '.join(sorted(parts - set(PARTS)))}")
    if "startup" in parts:
        print(f"start-up before the first file (workers, index dictionaries): {startup_seconds():.2f} s")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        if "readers" in parts:
            text_pdf = folder / f"generated_{args.pages}_pages.pdf"
            text_pdf.write_bytes(generated_pdf(args.pages))
            compare_readers(f"{args.pages}-page PDF, th/ja/en + tables", [text_pdf], args.runs)
        if "stages" in parts:
            stage_costs(folder, args.pages, args.runs)
        if "scanned" in parts:
            scanned_cost(folder, args.runs)
        if "workers" in parts:
            compare_workers(folder, args.files, 25, args.runs)
        if "one-more" in parts:
            one_more_file(folder, 25, sizes, args.runs)
        if "memory" in parts:
            peak_memory(folder, args.memory_pages, scanned_every=50)
    if args.corpus:
        corpus_rates(args.corpus, args.runs)


if __name__ == "__main__":
    main()
