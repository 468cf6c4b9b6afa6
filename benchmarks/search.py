"""Search speed: index generated passages in Thai, English and Japanese, then time queries.

    python benchmarks/search.py [--passages 100000] [--runs 600] [--repeats 3] [--no-http]

Builds a catalog of generated documents (one emission-reduction fact per passage) and their index,
prints the index time and size, then query latency p50/p99 for one-word, multi-word, phrase and
filtered queries, through the Python API (EmbeddedIndex.search: ranking, de-duplication, facets,
snippets) and through HTTP (GET /search of `jcm serve` in a subprocess: the same and the facts of
each hit). Queries are expanded with the glossary, as by default. Each kind is measured --repeats
times after warm-up queries; the medians of the runs' p50 and p99 are printed with the p99 range.
"""

from __future__ import annotations

import argparse
import gc
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx

from application.access import Role, create_key
from application.refresh import passages_of
from corpus.models import Block, Document, DocumentRef, Evidence, Fact, PageInfo, Passage
from corpus.store import Catalog, fact_rows
from indices import SearchIndex, open_index, warm_up

BLOCKS_PER_PAGE = 4
PAGES_PER_DOCUMENT = 5
BATCH_DOCUMENTS = 50
WARM_UP_RUNS = 20

TECHNOLOGIES = [  # (English, Japanese, Thai)
    ("high-efficiency boiler", "高効率ボイラ", "หม้อไอน้ำประสิทธิภาพสูง"),
    ("air-source heat pump", "空気熱源ヒートポンプ", "ปั๊มความร้อนแบบใช้อากาศ"),
    ("rooftop solar power", "屋根置き太陽光発電", "พลังงานแสงอาทิตย์บนหลังคา"),
    ("waste heat recovery", "廃熱回収設備", "ระบบนำความร้อนทิ้งกลับมาใช้"),
    ("rice husk power plant", "もみ殻発電所", "โรงไฟฟ้าแกลบ"),
    ("energy-saving chiller", "省エネ型チラー", "เครื่องทำน้ำเย็นประหยัดพลังงาน"),
    ("biogas digester", "バイオガス発生装置", "ระบบก๊าซชีวภาพ"),
    ("LED street lighting", "LED街路灯", "ไฟถนนแอลอีดี"),
]
COUNTRIES = [  # (code, English, Japanese, Thai)
    ("TH", "Thailand", "タイ", "ประเทศไทย"),
    ("MN", "Mongolia", "モンゴル", "มองโกเลีย"),
    ("VN", "Viet Nam", "ベトナム", "เวียดนาม"),
    ("LA", "Lao PDR", "ラオス", "ลาว"),
    ("ID", "Indonesia", "インドネシア", "อินโดนีเซีย"),
    ("PH", "Philippines", "フィリピン", "ฟิลิปปินส์"),
]
SITES = [
    ("factory", "工場", "โรงงาน"), ("hospital", "病院", "โรงพยาบาล"), ("hotel", "ホテル", "โรงแรม"),
    ("school", "学校", "โรงเรียน"), ("shopping mall", "ショッピングモール", "ห้างสรรพสินค้า"),
]
DOC_TYPES = ["pdd", "monitoring_report", "verification_report", "summary", "press_release"]

QUERIES: dict[str, list[tuple[str, dict[str, object]]]] = {
    "one-word": [("boiler", {}), ("ヒートポンプ", {}), ("แกลบ", {}), ("hospital", {})],
    "multi-word": [("heat pump Mongolia", {}), ("ボイラ 工場", {}), ("solar hotel emissions", {})],
    "phrase": [('"waste heat recovery"', {}), ("「太陽光発電」", {}), ('"rice husk power plant"', {})],
    "filtered": [
        ("boiler", {"language": "en", "year": 2020}),
        ("ヒートポンプ", {"country": "MN"}),
        ("chiller", {"doc_type": "pdd", "has_warnings": True}),
    ],
}


def passage_text(language: str, rng: random.Random) -> tuple[str, str]:
    """A passage and the way it writes the yearly emission reductions it states."""
    technology, country, site = rng.choice(TECHNOLOGIES), rng.choice(COUNTRIES), rng.choice(SITES)
    tonnes = f"{rng.randrange(100, 90_000):,}"
    if language == "en":
        return (f"The project installs {technology[0]} at a {site[0]} in {country[1]}. Emission reductions "
                f"are expected to be {tonnes} tCO2e per year over the crediting period."), tonnes
    if language == "ja":
        return (f"{country[2]}の{site[1]}に{technology[1]}を導入する。"
                f"年間の排出削減量は約{tonnes}トンと見込まれる。"), tonnes
    return (f"โครงการติดตั้ง{technology[2]}ใน{site[2]} {country[3]} "
            f"คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ {tonnes} ตันต่อปี"), tonnes


def documents(count: int, seed: int = 7) -> Iterator[tuple[Document, list[Block], list[Fact], list[Passage]]]:
    """Generated documents in one language each: catalog entry, blocks, one fact per block, passages."""
    rng = random.Random(seed)
    per_document = BLOCKS_PER_PAGE * PAGES_PER_DOCUMENT
    for number in range(count // per_document):
        language = ("en", "ja", "th")[number % 3]
        document = Document(
            id=f"doc-{number}", filename=f"doc_{number}_{language}.txt", sha256=f"{number:064x}",
            media_type="text/plain", size=0, pages=PAGES_PER_DOCUMENT, languages=[language],
            doc_type=rng.choice(DOC_TYPES), countries=[rng.choice(COUNTRIES)[0]],
            year=rng.randrange(2014, 2026),
        )
        ref = DocumentRef(id=document.id, filename=document.filename)
        blocks: list[Block] = []
        facts: list[Fact] = []
        offset = 0
        for index in range(per_document):
            text, tonnes = passage_text(language, rng)
            page = index // BLOCKS_PER_PAGE + 1
            blocks.append(Block(page=page, text=text, index=index, start=offset, end=offset + len(text),
                                language=language))
            at = offset + text.index(tonnes)
            facts.append(Fact(
                id=f"f{index}", document=ref, kind="emission_reduction", value=float(tonnes.replace(",", "")),
                unit="tCO2e/yr", language=language,
                evidence=Evidence(page=page, text=text, start=at, end=at + len(tonnes), block=index),
            ))
            offset += len(text) + 1
        passages = passages_of(document, blocks, has_warnings=rng.random() < 0.2)
        yield document, blocks, facts, passages


def build(data_dir: Path, passages: int) -> tuple[SearchIndex, float]:
    """The catalog (documents, blocks, facts) and the index of the generated passages, as the service
    opens it (with the public passages' index); seconds to index."""
    catalog = Catalog(data_dir)
    index = open_index("embedded", path=data_dir / "index")
    indexing = 0.0
    batch: list[Passage] = []
    for number, (document, blocks, facts, document_passages) in enumerate(documents(passages), start=1):
        pages = [PageInfo(number=page) for page in range(1, document.pages + 1)]
        catalog.save_document(document, pages, blocks, fact_rows(facts))
        batch.extend(document_passages)
        if number % BATCH_DOCUMENTS == 0:
            indexing += timed(index.add_passages, batch)
            batch = []
    indexing += timed(index.add_passages, batch)
    indexing += timed(index.commit)
    return index, indexing


def timed(action: Callable[..., object], *args: object) -> float:
    started = time.perf_counter()
    action(*args)
    return time.perf_counter() - started


def latencies(
    run: Callable[[str, dict[str, object]], object], queries: list, runs: int
) -> tuple[list[float], list[float]]:
    """Milliseconds per query: wall clock, and CPU time of this process (all its threads)."""
    for number in range(WARM_UP_RUNS):  # warm caches the way a running service has them
        run(*queries[number % len(queries)])
    wall, cpu = [], []
    for number in range(runs):
        query, filters = queries[number % len(queries)]
        started, started_cpu = time.perf_counter(), time.process_time()
        run(query, filters)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    return wall, cpu


def p50_p99(timings: list[float]) -> tuple[float, float]:
    return statistics.median(timings), statistics.quantiles(timings, n=100, method="inclusive")[98]


def report(
    label: str, run: Callable[[str, dict[str, object]], object], runs: int, repeats: int, *, cpu: bool
) -> None:
    """Each kind of query measured ``repeats`` times (the kinds taking turns): medians of the runs' p50
    and p99 and the range of the p99s; with ``cpu``, also the median CPU time per query, which other
    jobs on the machine disturb far less than the wall clock."""
    measured: dict[str, list[tuple[float, float, float]]] = {kind: [] for kind in QUERIES}
    for _ in range(repeats):
        for kind, queries in QUERIES.items():
            wall, spent = latencies(run, queries, runs)
            measured[kind].append((*p50_p99(wall), statistics.median(spent)))
    for kind, results in measured.items():
        p50s, p99s, cpus = ([result[column] for result in results] for column in range(3))
        line = (f"{label:<6} {kind:<11} p50 {statistics.median(p50s):6.2f} ms  "
                f"p99 {statistics.median(p99s):6.2f} ms  (p99s {min(p99s):.2f}-{max(p99s):.2f})")
        print(line + (f"  cpu p50 {statistics.median(cpus):5.2f} ms" if cpu else ""))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_service(data_dir: Path, port: int) -> subprocess.Popen:
    """`jcm serve` on the generated data, started as a user starts it."""
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "JCM_SEARCH_BACKEND": "embedded"}
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(data_dir), "serve", "--port", str(port)]
    log = (data_dir / "service.log").open("w")  # its access log would interleave with the figures
    server = subprocess.Popen(command, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/health", timeout=30)
        except httpx.TransportError:
            time.sleep(0.3)
            continue
        if response.is_success:
            return server
        break
    server.terminate()
    raise RuntimeError(f"the service did not start:\n{(data_dir / 'service.log').read_text()}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=600, help="queries of each kind per measurement")
    parser.add_argument("--repeats", type=int, default=3, help="measurements of each kind")
    parser.add_argument("--no-http", action="store_true")
    parser.add_argument("--no-python", action="store_true", help="only the HTTP measurements")
    args = parser.parse_args()
    warm_up()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        index, seconds = build(data_dir, args.passages)
        size = sum(path.stat().st_size for path in (data_dir / "index").rglob("*") if path.is_file())
        print(f"indexed {index.count():,} passages in {seconds:.1f} s "
              f"({index.count() / seconds:,.0f}/s), index size {size / 1e6:.1f} MB")
        for kind, queries in QUERIES.items():
            results = index.search(queries[0][0], filters=queries[0][1] or None)
            print(f"  {kind:<11} {results.total:,} results for {queries[0][0]} {queries[0][1] or ''}")
        gc.freeze()  # as `jcm serve` does once started
        print(f"load average before: {os.getloadavg()[0]:.1f}")
        if not args.no_python:
            report("python", lambda query, filters: index.search(query, filters=filters or None),
                   args.runs, args.repeats, cpu=True)
        index.close()
        if not args.no_http:
            http_latencies(data_dir, args.runs, args.repeats)


def http_latencies(data_dir: Path, runs: int, repeats: int) -> None:
    port = free_port()
    key = create_key(Catalog(data_dir), Role("public"), "search benchmark")[1]  # as an API client reads
    server = start_service(data_dir, port)
    try:
        headers = {"Authorization": f"Bearer {key}"}
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30, headers=headers) as client:
            def run(query: str, filters: dict[str, object]) -> object:
                response = client.get("/search", params={"q": query, **filters})
                response.raise_for_status()
                return response

            report("http", run, runs, repeats, cpu=False)
            print(f"load average after: {os.getloadavg()[0]:.1f}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
