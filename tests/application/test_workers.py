"""The worker pool keeps going when one file hangs, exhausts memory or crashes its worker."""
import os
import signal
import subprocess
import time
from pathlib import Path

from application.file_analysis import AnalysisFailed
from application.workers import FileTask, Limits, WorkerPool
from corpus.models import DocumentRef
from corpus.store import sha256_of
from extractors.readers.common import Progress

MB = 1024 * 1024


def job(name: str) -> FileTask:
    data = name.encode()
    ref = DocumentRef(id=name, filename=name)
    return FileTask(data=data, filename=name, document=ref, sha256=sha256_of(data))


def misbehave(job: FileTask, progress: Progress) -> str:
    """A task that does what hostile files make parsers do, depending on the file name."""
    if job.filename.startswith("reports"):  # reads 3 pages a little apart, or goes on reading forever
        page = 0
        while page < 3 or job.filename == "reports forever":
            time.sleep(0.6)
            page += 1
            progress(page, max(page, 3))
    if job.filename == "hangs":
        time.sleep(60)
    if job.filename == "greedy":
        hoard = bytearray(1024 * MB)
        return f"allocated {len(hoard)}"
    if job.filename == "crashes":
        os.kill(os.getpid(), signal.SIGKILL)
    if job.filename.startswith("stamps"):  # writes when it started, for the test of a busy pool
        Path(job.filename.split(":", 1)[1]).write_text(str(time.time()))
    if job.filename.startswith("spawns"):  # as OCR runs Tesseract: a child process that outlives the limit
        child = subprocess.Popen(["sleep", "60"])
        Path(job.filename.split(":", 1)[1]).write_text(str(child.pid))
        child.wait()
    return f"read {job.filename}"


def run(names: list[str], limits: Limits, size: int = 2) -> dict[str, str]:
    pool = WorkerPool(size, limits, analyser=misbehave)
    try:
        return {done.filename: str(outcome) for done, outcome in pool.run(job(n) for n in names)}
    finally:
        pool.close()


def test_a_hanging_file_is_stopped_at_the_time_limit_and_the_others_finish():
    started = time.monotonic()
    outcomes = run(["a", "hangs", "b", "c"], Limits(seconds=2, memory_bytes=4096 * MB))
    assert outcomes["hangs"] == "reading took longer than 2 s"
    assert [outcomes[n] for n in "abc"] == ["read a", "read b", "read c"]
    assert time.monotonic() - started < 30


def test_a_file_needing_too_much_memory_fails_alone():
    outcomes = run(["greedy", "a"], Limits(seconds=30, memory_bytes=900 * MB), size=1)
    assert outcomes == {"greedy": "the file needs more memory than the limit allows", "a": "read a"}


def test_a_crashed_worker_is_replaced():
    outcomes = run(["crashes", "a", "b"], Limits(seconds=30, memory_bytes=4096 * MB), size=1)
    assert outcomes["crashes"].startswith("the reader crashed")
    assert (outcomes["a"], outcomes["b"]) == ("read a", "read b")


def test_a_failure_is_a_named_type_with_its_reason_not_a_string():
    pool = WorkerPool(1, Limits(seconds=2, memory_bytes=4096 * MB), analyser=misbehave)
    try:
        [(_, outcome)] = list(pool.run([job("hangs")]))
    finally:
        pool.close()
    assert outcome == AnalysisFailed("reading took longer than 2 s") and str(outcome) == outcome.reason


def test_a_process_started_by_a_worker_stopped_at_the_time_limit_is_ended_with_it(tmp_path):
    pid_file = tmp_path / "child.pid"
    outcomes = run([f"spawns:{pid_file}"], Limits(seconds=2, memory_bytes=4096 * MB), size=1)
    assert outcomes[f"spawns:{pid_file}"] == "reading took longer than 2 s"
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while Path(f"/proc/{child}").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    state = Path(f"/proc/{child}/stat").read_text().split()[2] if Path(f"/proc/{child}").exists() else "gone"
    assert state in ("gone", "Z")


def test_a_freed_worker_starts_the_next_file_while_the_caller_stores_the_last(tmp_path):
    stamp = tmp_path / "started"
    pool = WorkerPool(1, Limits(seconds=30, memory_bytes=4096 * MB), analyser=misbehave)
    try:
        results = pool.run(job(name) for name in ["a", f"stamps:{stamp}"])
        assert str(next(results)[1]) == "read a"
        stored_at = time.time()
        time.sleep(1.0)  # the caller storing "a": the worker must not wait for it
        assert str(next(results)[1]) == f"read stamps:{stamp}"
        assert float(stamp.read_text()) < stored_at + 0.9
    finally:
        pool.close()


def test_a_worker_reports_the_pages_read_before_its_analysis_and_still_meets_the_time_limit():
    heard: list[tuple[str, int, int]] = []
    pool = WorkerPool(2, Limits(seconds=3, memory_bytes=4096 * MB), analyser=misbehave)
    try:
        outcomes = {
            done.filename: str(outcome)
            for done, outcome in pool.run(
                [job("reports"), job("reports forever")],
                on_pages=lambda reading, done, total: heard.append((reading.filename, done, total)),
            )
        }
    finally:
        pool.close()
    assert outcomes == {"reports": "read reports", "reports forever": "reading took longer than 3 s"}
    assert [(done, total) for name, done, total in heard if name == "reports"] == [(1, 3), (2, 3), (3, 3)]
    assert len([name for name, _, _ in heard if name == "reports forever"]) >= 3
