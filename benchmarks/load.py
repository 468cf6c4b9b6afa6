"""Search under load, with one and with two API processes, with and without uploads being ingested.

    python benchmarks/load.py [--clients 20] [--uploads 50] [--initial 30] [--quiet-seconds 15]
                              [--max-seconds 75] [--processes 1 2]

Makes a data folder holding an initial corpus of generated documents in Thai, English and Japanese, then
for each number of API processes (``--processes``, 1 and 2 by default) serves a copy of it on loopback
with `jcm serve --workers N --no-ingest` and a separate `jcm worker` (one extraction process) that
ingests the uploads and writes the index, and:

1. quiet: ``--clients`` threads search for ``--quiet-seconds`` (each a loop of GET /search);
2. ingest: the same clients search while ``--uploads`` generated documents are uploaded through
   POST /documents (four uploaders) and ingested by the worker, until every job has finished
   (at most ``--max-seconds``).

Prints, for each number of processes and phase, the searches per second, errors, and the median and
99th percentile latency of GET /search, how long the uploads took to be ingested, and then the ratio of
searches per second of each number of processes to one process's. Takes about two minutes a setting.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
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
    reasons: Counter[str] = field(default_factory=Counter)  # what the failed searches got
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, milliseconds: float | None, reason: str = "") -> None:
        with self.lock:
            if milliseconds is None:
                self.errors += 1
                self.reasons[reason] += 1
            else:
                self.latencies.append(milliseconds)

    def rate(self, seconds: float) -> float:
        return len(self.latencies) / seconds

    def line(self, name: str, seconds: float) -> str:
        if len(self.latencies) < 2:
            return f"{name:<22} searches {len(self.latencies):>6}  errors {self.errors}"
        median, p99 = p50_p99(self.latencies)
        reasons = "".join(f"\n    failed {count}x: {reason}" for reason, count in self.reasons.most_common())
        return (
            f"{name:<22} searches {len(self.latencies):>6} ({len(self.latencies) / seconds:6.1f}/s)  "
            f"errors {self.errors:>3}  median {median:7.1f} ms  p99 {p99:7.1f} ms{reasons}"
        )


def search_client(base: str, key: str, stop: threading.Event, tally: Tally, seed: int) -> None:
    rng = random.Random(seed)
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {key}"}, timeout=30) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                response = client.get("/search", params={"q": rng.choice(QUERIES)})
                failed = response.status_code != 200
                reason = f"{response.status_code} {response.text[:120]}" if failed else ""
            except httpx.HTTPError as error:
                reason = f"{type(error).__name__}: {error}"
            tally.add(None if reason else (time.perf_counter() - started) * 1000, reason)


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


@dataclass
class Figures:
    """One setting's searches, quiet and during ingest, with the seconds each phase lasted."""

    quiet: Tally
    quiet_seconds: float
    busy: Tally
    busy_seconds: float


TICKS = os.sysconf("SC_CLK_TCK")


def process_table() -> dict[int, tuple[int, float]]:
    """Every process's parent and CPU seconds used so far (Linux /proc)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # ended meanwhile
            continue
        table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    return table


def tree_cpu(root: int) -> float:
    """CPU seconds used so far by a process and its living descendants."""
    table = process_table()
    family, total, grown = {root}, 0.0, True
    while grown:
        more = {pid for pid, (parent, _) in table.items() if parent in family} - family
        family |= more
        grown = bool(more)
    for pid in family:
        total += table.get(pid, (0, 0.0))[1]
    return total


def machine_busy() -> tuple[float, float]:
    """Busy and total CPU seconds of the whole machine so far (every core, every user's processes)."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values) - idle) / TICKS, sum(values) / TICKS


@dataclass
class CpuWatch:
    """Where the cores went during a phase: the service's processes, the worker's, the search clients
    (this process) and the machine as a whole (other users' processes included)."""

    server: int
    worker: int
    started: tuple[float, float, float, float, float] = (0, 0, 0, 0, 0)

    def start(self) -> None:
        self.started = self._now()

    def _now(self) -> tuple[float, float, float, float, float]:
        times = os.times()
        busy, total = machine_busy()
        return tree_cpu(self.server), tree_cpu(self.worker), times.user + times.system, busy, total

    def line(self, searches: int) -> str:
        server, worker, clients, busy, total = (b - a for a, b in zip(self.started, self._now(), strict=True))
        cores = os.cpu_count() or 1
        mine = server + worker + clients
        return (
            f"    CPU: service {1000 * server / max(searches, 1):.1f} ms a search, clients "
            f"{1000 * clients / max(searches, 1):.1f} ms; cores busy: service {server * cores / total:.2f}, "
            f"worker {worker * cores / total:.2f}, clients {clients * cores / total:.2f}, other processes "
            f"{max(busy - mine, 0) * cores / total:.2f}, idle {(total - busy) * cores / total:.2f} of {cores}"
        )


def run(args: argparse.Namespace) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JCM_SEARCH_BACKEND": "embedded"}
    with tempfile.TemporaryDirectory() as scratch:
        seeded = Path(scratch) / "seeded"
        write_corpus(Path(scratch) / "initial", args.initial, args.seed)
        jcm(seeded, "ingest", str(Path(scratch) / "initial"), env=env)
        key = jcm(seeded, "keys", "create", "--role", "secretariat", env=env).strip().splitlines()[-1]
        figures = {}
        for processes in args.processes:
            data_dir = Path(scratch) / f"served-{processes}"
            shutil.copytree(seeded, data_dir)  # each setting ingests the same uploads into the same corpus
            print(f"{processes} API process{'es' if processes > 1 else ''}, uploads ingested by a separate "
                  "jcm worker:")
            figures[processes] = served(data_dir, key, processes, args, env)
        compare(figures)


def served(
    data_dir: Path, key: str, processes: int, args: argparse.Namespace, env: dict[str, str]
) -> Figures:
    """Measure `jcm serve --workers N --no-ingest` over the data, with `jcm worker` beside it."""
    port = free_port()
    log = (data_dir.parent / f"served-{processes}.log").open("w")  # access logs stay out of the figures
    worker_env = {**env, "JCM_WORKERS": "1"}  # one extraction process, as many cores left for searches
    worker = subprocess.Popen([sys.executable, "-m", "service.cli", "--data-dir", str(data_dir), "worker"],
                              cwd=ROOT, env=worker_env, stdout=log, stderr=subprocess.STDOUT)
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(data_dir), "serve", "--port", str(port),
               "--workers", str(processes), "--no-ingest"]
    server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_service(base, server)
        return measure(base, key, args, CpuWatch(server.pid, worker.pid))
    finally:
        for process in (server, worker):
            process.terminate()
            process.wait(timeout=60)
        log.close()


def wait_for_service(base: str, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{base}/health", timeout=30).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.3)
    raise RuntimeError(f"the service at {base} did not start")


def measure(base: str, key: str, args: argparse.Namespace, cpu: CpuWatch) -> Figures:
    quiet = Tally()
    warm = Tally()
    stop, threads = searching(base, key, args.clients, warm)  # warm caches and every process's searcher
    time.sleep(3)
    stop.set()
    for thread in threads:
        thread.join()
    cpu.start()
    stop, threads = searching(base, key, args.clients, quiet)
    time.sleep(args.quiet_seconds)
    stop.set()
    for thread in threads:
        thread.join()
    print(quiet.line("  search, no ingest", args.quiet_seconds))
    print(cpu.line(len(quiet.latencies)))

    busy = Tally()
    cpu.start()
    started = time.monotonic()
    stop, threads = searching(base, key, args.clients, busy)
    ids = upload_all(base, key, args.uploads, args.seed + 1)
    accepted = time.monotonic() - started
    counts = wait_for_jobs(base, key, ids, started + args.max_seconds)
    ingest_seconds = time.monotonic() - started
    stop.set()
    for thread in threads:
        thread.join()
    print(busy.line("  search during ingest", ingest_seconds))
    print(cpu.line(len(busy.latencies)))
    print(
        f"  {'uploads':<20} {len(ids)} accepted in {accepted:.1f} s; done {counts['done']}, failed "
        f"{counts['failed']}, unfinished {counts['queued'] + counts['running']} after {ingest_seconds:.1f} s"
    )
    return Figures(quiet, args.quiet_seconds, busy, ingest_seconds)


def compare(figures: dict[int, Figures]) -> None:
    """Searches per second of each setting against one process's, quiet and during ingest."""
    if 1 not in figures:
        return
    one = figures[1]
    for processes, other in sorted(figures.items()):
        if processes == 1:
            continue
        quiet = other.quiet.rate(other.quiet_seconds) / one.quiet.rate(one.quiet_seconds)
        busy = other.busy.rate(other.busy_seconds) / one.busy.rate(one.busy_seconds)
        print(f"{processes} processes vs 1: searches/s x{quiet:.2f} quiet, x{busy:.2f} during ingest")


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
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2],
                        help="numbers of API processes to measure (`jcm serve --workers N`)")
    run(parser.parse_args())


if __name__ == "__main__":
    main()
