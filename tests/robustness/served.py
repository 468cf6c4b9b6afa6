"""`jcm serve` in a process of its own, for what only a real server shows: a crash of the process, its
log, its port, how it treats slow connections."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from tests.conftest import MONGOLIA_PDD, MONGOLIA_SUMMARY, THAI_SUMMARY

ROOT = Path(__file__).resolve().parents[2]


def catalog_environment(database_url: str | None) -> dict[str, str]:
    """What a `jcm` process is told of its catalog: the PostgreSQL URL, or empty (as good as unset) for
    SQLite whatever the environment of the tests says."""
    return {"JCM_DATABASE_URL": database_url or ""}


@dataclass
class Served:
    process: subprocess.Popen
    url: str
    port: int
    log: Path
    opened_after: float  # seconds from the start of the process to its port answering

    def alive(self) -> bool:
        return self.process.poll() is None

    def log_text(self) -> str:
        return self.log.read_text(errors="replace")

    def search(self, query: str = "heat pump") -> httpx.Response:
        return httpx.get(f"{self.url}/search", params={"q": query}, timeout=30)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(data: Path, database_url: str | None = None, **environment: str) -> Iterator[Served]:
    """The service over ``data`` and the catalog at database_url (None: SQLite in data), anonymous reading
    on, until the block ends."""
    port = free_port()
    log = data.parent / f"serve-{port}.log"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JCM_ANONYMOUS_READ": "1", "JCM_WORKERS": "1"}
    env.update(catalog_environment(database_url), **environment)
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(data), "serve", "--port", str(port)]
    started = time.monotonic()
    with log.open("w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}"
        _wait_for_port(process, url, log)
        yield Served(process, url, port, log, time.monotonic() - started)
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_for_port(process: subprocess.Popen, url: str, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"jcm serve ended with {process.returncode}:\n{log.read_text()}")
        try:
            httpx.get(f"{url}/health", timeout=5)
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError(f"jcm serve did not answer within {timeout} s:\n{log.read_text()}")


def wait_until(condition, timeout: float = 60, every: float = 0.1):
    """The condition's first true value, or AssertionError after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"not reached within {timeout} s")


def sample_texts(count: int = 12) -> dict[str, bytes]:
    """Documents in the three languages, each several paragraphs long, so that the index's files span
    several memory pages."""
    texts = {}
    for number in range(count):
        english = MONGOLIA_PDD.format(reduction=f"{1000 + number:,}")
        japanese = MONGOLIA_SUMMARY.format(reduction=f"{2000 + number:,}")
        filler = "\n".join(
            f"Paragraph {line} of report {number}: the heat pump at site {line} replaced a coal boiler."
            for line in range(40)
        )
        texts[f"report_{number:02d}.txt"] = f"{english}\n{japanese}\n{THAI_SUMMARY}\n{filler}".encode()
    return texts


def ingest_samples(data: Path, database_url: str | None = None, count: int = 12) -> None:
    """Ingest ``count`` generated documents with `jcm ingest`, in a process of its own, into the catalog at
    database_url (None: SQLite in data)."""
    folder = data.parent / "incoming"
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in sample_texts(count).items():
        (folder / name).write_bytes(content)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "JCM_WORKERS": "1", **catalog_environment(database_url)}
    command = [sys.executable, "-m", "service.cli", "--data-dir", str(data), "ingest", str(folder)]
    subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)
