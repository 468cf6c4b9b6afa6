"""Search under load, with and without uploads being ingested at the same time.

    python benchmarks/load.py [--clients 20] [--uploads 50] [--initial 30] [--quiet-seconds 15]
                              [--max-seconds 75]

Starts the real service (`jcm serve` in a subprocess, on loopback) over a temporary data folder that
holds an initial corpus of generated documents in Thai, English and Japanese, then:

1. quiet: ``--clients`` threads search for ``--quiet-seconds`` (each a loop of GET /search);
2. ingest: the same clients search while ``--uploads`` generated documents are uploaded through
   POST /documents (four uploaders) and ingested in the background, until every job has finished
   (at most ``--max-seconds``).

Prints, for each phase, the number of searches, errors, and the median and 99th percentile latency of
GET /search, then how long the uploads took to be ingested. Everything finishes in about two minutes.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from benchmarks.search import (  # noqa: E402
    COUNTRIES,
    SITES,
    TECHNOLOGIES,
    free_port,
    p50_p99,
    passage_text,
    start_service,
)

QUERIES = [
    "boiler",
    "heat pump Mongolia",
    '"waste heat recovery"',
    "ヒートポンプ",
    "ボイラ 工場",
    "แกลบ",
    "hospital",
    "solar hotel emissions",
    "โรงพยาบาล",
    "太陽光",
]
PARAGRAPHS = 24
UPLOADERS = 4


def document_text(number: int, rng: random.Random) -> str:
    """A generated project document: a title naming a project and paragraphs in one language."""
    language = ("en", "ja", "th")[number % 3]
    technology, country, site = rng.choice(TECHNOLOGIES), rng.choice(COUNTRIES), rng.choice(SITES)
    title = {
        "en": f"Project design document: {technology[0]} at a {site[0]} in {country[1]}, "
        f"{2015 + number % 10}",
        "ja": f"プロジェクト設計書:{country[2]}の{site[1]}における{technology[1]}導入 {2015 + number % 10}年",
        "th": f"เอกสารออกแบบโครงการ {technology[2]} ใน{site[2]} {country[3]} พ.ศ. {2558 + number % 10}",
    }[language]
    return "\n".join([title, *(passage_text(language, rng)[0] for _ in range(PARAGRAPHS))]) + "\n"


def write_corpus(folder: Path, count: int, seed: int) -> None:
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for number in range(count):
        (folder / f"initial_{number:03d}.txt").write_text(document_text(number, rng), encoding="utf-8")


def jcm(data_dir: Path, *args: str, env: dict[str, str]) -> str:
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(data_dir), *args]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    return done.stdout


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, milliseconds: float | None) -> None:
        with self.lock:
            if milliseconds is None:
                self.errors += 1
            else:
                self.latencies.append(milliseconds)

    def line(self, name: str, seconds: float) -> str:
        if len(self.latencies) < 2:
            return f"{name:<22} searches {len(self.latencies):>6}  errors {self.errors}"
        median, p99 = p50_p99(self.latencies)
        return (
            f"{name:<22} searches {len(self.latencies):>6} ({len(self.latencies) / seconds:6.1f}/s)  "
            f"errors {self.errors:>3}  median {median:7.1f} ms  p99 {p99:7.1f} ms"
        )


def search_client(base: str, key: str, stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = client.get("/search", params={"q": rng.choice(QUERIES)})
                ok = response.status_code == 200
            except httpx.HTTPError:
                ok = False
            tally.add((time.perf_counter() - started) * 1000 if ok else None)


def searching(
    base: str, key: str, clients: int, tally: Tally
) -> tuple[threading.Event, list[threading.Thread]]:
    stop = threading.Event()
    threads = [
        threading.Thread(target=search_client, args=(base, key, stop, tally, n)) for n in range(clients)
    ]
    for thread in threads:
        thread.start()
    return stop, threads


def upload_all(base: str, key: str, count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = [(f"upload_{n:03d}.txt", document_text(n, rng).encode()) for n in range(count)]

    def send(item: tuple[str, bytes]) -> str:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=60) as client:
            response = client.post("/documents", files={"file": item})
            response.raise_for_status()
            return response.json()["id"]

    with ThreadPoolExecutor(UPLOADERS) as pool:
        return list(pool.map(send, texts))


def wait_for_jobs(base: str, key: str, ids: list[str], deadline: float) -> dict[str, int]:
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        while True:
            statuses = [client.get(f"/jobs/{job_id}").json()["status"] for job_id in ids]
            counts = {status: statuses.count(status) for status in ("queued", "running", "done", "failed")}
            if counts["done"] + counts["failed"] == len(ids) or time.monotonic() > deadline:
                return counts
            time.sleep(0.5)


def run(args: argparse.Namespace) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JCM_SEARCH_BACKEND": "embedded"}
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(scratch) / "data"
        write_corpus(Path(scratch) / "initial", args.initial, args.seed)
        jcm(data_dir, "ingest", str(Path(scratch) / "initial"), env=env)
        key = jcm(data_dir, "keys", "create", "--role", "secretariat", env=env).strip().splitlines()[-1]
        port = free_port()
        server = start_service(data_dir, port)
        base = f"http://127.0.0.1:{port}"
        try:
            measure(base, key, args)
        finally:
            server.terminate()
            server.wait(timeout=60)


def measure(base: str, key: str, args: argparse.Namespace) -> None:
    quiet = Tally()
    warm = Tally()
    stop, threads = searching(base, key, 2, warm)  # warm caches and the searcher before timing
    time.sleep(2)
    stop.set()
    for thread in threads:
        thread.join()
    stop, threads = searching(base, key, args.clients, quiet)
    time.sleep(args.quiet_seconds)
    stop.set()
    for thread in threads:
        thread.join()
    print(quiet.line("search, no ingest", args.quiet_seconds))

    busy = Tally()
    started = time.monotonic()
    stop, threads = searching(base, key, args.clients, busy)
    ids = upload_all(base, key, args.uploads, args.seed + 1)
    accepted = time.monotonic() - started
    counts = wait_for_jobs(base, key, ids, started + args.max_seconds)
    ingest_seconds = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join()
    print(busy.line("search during ingest", ingest_seconds))
    print(
        f"{'uploads':<22} {len(ids)} accepted in {accepted:.1f} s; done {counts['done']}, failed "
        f"{counts['failed']}, unfinished {counts['queued'] + counts['running']} after {ingest_seconds:.1f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--uploads", type=int, default=50)
    parser.add_argument(
        "--initial", type=int, default=30, help="documents ingested before the service starts"
    )
    parser.add_argument("--quiet-seconds", type=float, default=15)
    parser.add_argument("--max-seconds", type=float, default=75, help="longest the ingest phase may take")
    parser.add_argument("--seed", type=int, default=11)
    run(parser.parse_args())


if __name__ == "__main__":
    main()
