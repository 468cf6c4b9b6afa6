"""Extraction in worker processes with a time and memory limit, so that no file can hang or kill ingest.

A small pool of our own rather than ProcessPoolExecutor: a worker stuck on one file must be killed
alone, and the pool must go on with a fresh worker, which the executor cannot do.
"""
from __future__ import annotations

import contextlib
import multiprocessing
import os
import resource
import signal
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from application.file_analysis import Analysis, AnalysisFailed, AnalysisOutcome, analyse
from corpus.models import DocumentRef
from extractors.readers import ReaderError
from extractors.readers.common import Progress

MB = 1024 * 1024


@dataclass(frozen=True)
class FileTask:
    data: bytes
    filename: str
    document: DocumentRef
    sha256: str  # of data, computed once when the file is taken in
    confidential: bool = False


@dataclass(frozen=True)
class Limits:
    seconds: float
    memory_bytes: int


@dataclass(frozen=True)
class PagesRead:
    """A worker's word on the file it is reading, sent before its analysis."""

    done: int
    total: int


# An analyser answers with its analysis, or a failure with its reason (one it cannot hide behind an
# exception).
Analyser = Callable[[FileTask, Progress], AnalysisOutcome]
OnPages = Callable[[FileTask, int, int], None]
PROGRESS_EVERY = 0.5  # seconds between a worker's reports on one file, besides its first and last page


def analyse_file(job: FileTask, progress: Progress) -> Analysis:
    return analyse(job.data, job.filename, job.document, progress).for_the_catalog()


def _work(conn: Connection, memory_bytes: int, analyser: Analyser) -> None:
    # Its own process group, so that killing the worker also ends the OCR processes it started.
    os.setpgid(0, 0)
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    while True:
        job = conn.recv()
        if job is None:
            return
        conn.send(_attempt(analyser, job, _reporter(conn)))


def _reporter(conn: Connection) -> Progress:
    """Sends the pages read: the first and the last page, and in between at most every PROGRESS_EVERY."""
    last = 0.0

    def report(done: int, total: int) -> None:
        nonlocal last
        now = time.monotonic()
        if done in (1, total) or now - last >= PROGRESS_EVERY:
            last = now
            conn.send(PagesRead(done, total))

    return report


def _attempt(analyser: Analyser, job: FileTask, progress: Progress) -> AnalysisOutcome:
    try:
        return analyser(job, progress)
    except ReaderError as error:
        return AnalysisFailed(str(error))
    except MemoryError:
        return AnalysisFailed("the file needs more memory than the limit allows")
    except RecursionError:
        return AnalysisFailed("the file is nested too deeply to read")
    except Exception as error:  # a reader's bug on a strange file fails that file, not the batch
        return AnalysisFailed(f"could not read: {type(error).__name__}: {error}")


def _context() -> multiprocessing.context.BaseContext:
    # forkserver: workers fork from a clean server process that has imported the extractors once,
    # never from the service's threaded process.
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["application.file_analysis", "application.worker_preload"])
    return context


class Worker:
    def __init__(self, limits: Limits, analyser: Analyser) -> None:
        self.conn, child = multiprocessing.Pipe()
        self.process: BaseProcess = _context().Process(
            target=_work, args=(child, limits.memory_bytes, analyser), daemon=True
        )
        self.process.start()
        child.close()
        self.job: FileTask | None = None
        self.started = 0.0

    def give(self, job: FileTask) -> None:
        self.job, self.started = job, time.monotonic()
        self.conn.send(job)

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError, TypeError):
            os.killpg(self.process.pid, signal.SIGKILL)  # type: ignore[arg-type]
        self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.conn.send(None)
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.kill()


class WorkerPool:
    def __init__(self, size: int, limits: Limits, analyser: Analyser = analyse_file) -> None:
        self.size = max(1, size)
        self.limits = limits
        self.analyser = analyser
        self.workers: list[Worker] = []

    def run(
        self, jobs: Iterable[FileTask], on_pages: OnPages | None = None
    ) -> Iterator[tuple[FileTask, AnalysisOutcome]]:
        """Each job with its analysis or the reason it failed, in the order they finish; ``on_pages``
        hears the workers' reports of pages read meanwhile.

        Jobs are drawn from the iterable only as workers become free, so files are never all in memory.
        """
        pending = iter(jobs)
        busy: list[Worker] = []
        self._fill(busy, pending)
        while busy:
            done = []
            for worker, outcome in self._collect(busy, on_pages):
                busy.remove(worker)
                assert worker.job is not None
                done.append((worker.job, outcome))
            # The freed workers start on their next files while the caller stores these.
            self._fill(busy, pending)
            yield from done

    def _fill(self, busy: list[Worker], pending: Iterator[FileTask]) -> None:
        while len(busy) < self.size:
            job = next(pending, None)
            if job is None:
                return
            worker = self._idle_worker(busy)
            worker.give(job)
            busy.append(worker)

    def _idle_worker(self, busy: list[Worker]) -> Worker:
        idle = [w for w in self.workers if w not in busy]
        if idle:
            return idle[0]
        self.workers.append(Worker(self.limits, self.analyser))
        return self.workers[-1]

    def _collect(self, busy: list[Worker], on_pages: OnPages | None) -> list[tuple[Worker, AnalysisOutcome]]:
        ready = wait([w.conn for w in busy], timeout=0.5)
        finished = []
        for worker in busy:
            if worker.conn in ready:
                outcome = self._receive(worker)
                if not isinstance(outcome, PagesRead):
                    finished.append((worker, outcome))
                    continue
                if on_pages is not None and worker.job is not None:
                    on_pages(worker.job, outcome.done, outcome.total)
            # Reports on pages read do not extend the time limit.
            if time.monotonic() - worker.started > self.limits.seconds:
                self._replace(worker)
                late = AnalysisFailed(f"reading took longer than {self.limits.seconds:g} s")
                finished.append((worker, late))
        return finished

    def _receive(self, worker: Worker) -> AnalysisOutcome | PagesRead:
        try:
            return worker.conn.recv()
        except (EOFError, OSError):
            self._replace(worker)
            return AnalysisFailed("the reader crashed on this file (memory limit or a parser fault)")

    def _replace(self, worker: Worker) -> None:
        worker.kill()
        self.workers[self.workers.index(worker)] = Worker(self.limits, self.analyser)

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()
        self.workers = []
