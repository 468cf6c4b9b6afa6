"""Search speed: index generated passages in Thai, English and Japanese, then time queries.

    python benchmarks/search.py [--passages 100000] [--runs 300] [--no-http]

Prints the index time and size, then query latency p50/p99 for one-word, multi-word, phrase and
filtered queries, through the Python API (EmbeddedIndex.search) and through HTTP (GET /search
of the service, run in a subprocess). Queries are expanded with the glossary, as by default.
"""

from __future__ import annotations

import argparse
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

from corpus.models import DocumentRef, Passage
from indices import EmbeddedIndex, SearchIndex, warm_up

BLOCKS_PER_PAGE = 4
PAGES_PER_DOCUMENT = 5
BATCH_DOCUMENTS = 50

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


def passage_text(language: str, rng: random.Random) -> str:
    technology, country, site = rng.choice(TECHNOLOGIES), rng.choice(COUNTRIES), rng.choice(SITES)
    tonnes = rng.randrange(100, 90_000)
    if language == "en":
        return (f"The project installs {technology[0]} at a {site[0]} in {country[1]}. Emission reductions "
                f"are expected to be {tonnes:,} tCO2e per year over the crediting period.")
    if language == "ja":
        return (f"{country[2]}の{site[1]}に{technology[1]}を導入する。"
                f"年間の排出削減量は約{tonnes:,}トンと見込まれる。")
    return (f"โครงการติดตั้ง{technology[2]}ใน{site[2]} {country[3]} "
            f"คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ {tonnes:,} ตันต่อปี")


def documents(count: int, seed: int = 7) -> Iterator[list[Passage]]:
    """Generated documents, each all the passages of one document in one language."""
    rng = random.Random(seed)
    per_document = BLOCKS_PER_PAGE * PAGES_PER_DOCUMENT
    for number in range(count // per_document):
        language = ("en", "ja", "th")[number % 3]
        country = rng.choice(COUNTRIES)[0]
        metadata = dict(language=language, doc_type=rng.choice(DOC_TYPES), countries=[country],
                        year=rng.randrange(2014, 2026), has_warnings=rng.random() < 0.2)
        ref = DocumentRef(id=f"doc-{number}", filename=f"doc_{number}_{language}.txt")
        yield [
            Passage(document=ref, block=block, page=block // BLOCKS_PER_PAGE + 1,
                    text=passage_text(language, rng), **metadata)
            for block in range(per_document)
        ]


def build(index: SearchIndex, passages: int) -> float:
    started = time.perf_counter()
    batch: list[Passage] = []
    for number, document in enumerate(documents(passages), start=1):
        batch.extend(document)
        if number % BATCH_DOCUMENTS == 0:
            index.add_passages(batch)
            batch = []
    index.add_passages(batch)
    index.commit()
    return time.perf_counter() - started


def latencies(run: Callable[[str, dict[str, object]], object], queries: list, runs: int) -> list[float]:
    for query, filters in queries:  # warm caches the way a running service has them
        run(query, filters)
    timings = []
    for number in range(runs):
        query, filters = queries[number % len(queries)]
        started = time.perf_counter()
        run(query, filters)
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def percentiles(timings: list[float]) -> str:
    cuts = statistics.quantiles(timings, n=100, method="inclusive")
    return f"p50 {statistics.median(timings):6.2f} ms  p99 {cuts[98]:6.2f} ms"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_service(data_dir: Path, port: int) -> subprocess.Popen:
    code = ("import uvicorn; from pathlib import Path; from service.api import create_app; "
            "from service.settings import Settings; "
            f"uvicorn.run(create_app(Settings(data_dir=Path({str(data_dir)!r}))), host='127.0.0.1', "
            f"port={port}, log_level='warning')")
    root = Path(__file__).resolve().parent.parent
    env = {**os.environ, "PYTHONPATH": str(root), "JCM_SEARCH_BACKEND": "embedded"}
    server = subprocess.Popen([sys.executable, "-c", code], cwd=root, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            response = httpx.get(f"http://127.0.0.1:{port}/search", params={"q": "warm"}, timeout=30)
        except httpx.TransportError:
            time.sleep(0.3)
            continue
        if response.is_success:
            return server
        break
    server.terminate()
    raise RuntimeError("the service did not start")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--passages", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--no-http", action="store_true")
    args = parser.parse_args()
    warm_up()
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch)
        index = EmbeddedIndex(data_dir / "index")
        seconds = build(index, args.passages)
        size = sum(path.stat().st_size for path in (data_dir / "index").rglob("*") if path.is_file())
        print(f"indexed {index.count():,} passages in {seconds:.1f} s "
              f"({index.count() / seconds:,.0f}/s), index size {size / 1e6:.1f} MB")
        for kind, queries in QUERIES.items():
            results = index.search(queries[0][0], filters=queries[0][1])
            timings = latencies(lambda q, f: index.search(q, filters=f or None), queries, args.runs)
            example = f"{results.total:,} results for {queries[0][0]}"
            print(f"python {kind:<11} {percentiles(timings)}  ({example})")
        index.close()
        if not args.no_http:
            http_latencies(data_dir, args.runs)


def http_latencies(data_dir: Path, runs: int) -> None:
    port = free_port()
    server = start_service(data_dir, port)
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            def run(query: str, filters: dict[str, object]) -> object:
                response = client.get("/search", params={"q": query, **filters})
                response.raise_for_status()
                return response

            for kind, queries in QUERIES.items():
                print(f"http   {kind:<11} {percentiles(latencies(run, queries, runs))}")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
