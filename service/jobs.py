"""Uploads ingested in the background: a queue, one ingest thread, and job records in the catalog.

An upload is spooled to disk and recorded as a queued job before the request returns, so neither the
file nor its job is lost when the service stops. The ingest thread takes the jobs waiting (a batch,
analysed in parallel by the worker pool), stores them, recomputes warnings and the index once for
the batch, then marks each job done or failed. Searches never wait for it: only writers take the
archive's writing lock. On start, a job left running by a stopped service is marked failed
("interrupted"); queued jobs whose spooled file is there are run.
"""

from __future__ import annotations

import logging
import queue
import secrets
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from corpus.models import Job
from extractors.readers import SUPPORTED_EXTENSIONS
from service.archive import Archive, IngestOutcome, Upload, clean_filename

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted"
MIN_BATCH = 8


class UploadRefused(ValueError):
    """An upload not taken, with the HTTP status that says why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


class QueueFull(UploadRefused):
    """More uploads are waiting than the settings allow."""

    def __init__(self, message: str) -> None:
        super().__init__(503, message)


def checked_upload(stream: BinaryIO, name: str, max_bytes: int) -> bytes:
    """The upload's bytes, when its name is usable, its type supported and it fits the limit. What the
    content really is the reader decides, as for `jcm ingest`: a PDF named .docx is read as a PDF."""
    try:
        clean_filename(name)
    except ValueError as error:
        raise UploadRefused(422, str(error)) from None
    extension = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SUPPORTED_EXTENSIONS:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise UploadRefused(415, f"{name or 'the file'}: unsupported type; supported: {supported}")
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(413, f"file larger than {max_bytes // 2**20} MB")
    if not data:
        raise UploadRefused(400, f"{name}: empty file")
    return data


class JobRunner:
    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.catalog = archive.catalog
        self.spool = archive.settings.data_dir / "uploads"
        self.max_queued = archive.settings.max_queued_jobs
        self.batch_size = max(MIN_BATCH, 4 * archive.settings.workers)
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._records = threading.Lock()  # job records change from the request and ingest threads
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> None:
        self.spool.mkdir(parents=True, exist_ok=True)
        self.recover()
        self._thread = threading.Thread(target=self._run, name="jcm-ingest", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 60) -> None:
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    def recover(self) -> None:
        """After a restart: a job that was running is failed ("interrupted"), a queued one runs again."""
        for job in self.catalog.jobs("running"):
            self._finish(job, "failed", reason=INTERRUPTED)
        for job in self.catalog.jobs("queued"):
            if self._spooled(job.id).exists():
                self._queue.put(job.id)
            else:
                self._finish(job, "failed", reason=f"{INTERRUPTED}: the uploaded file was lost")

    # ------------------------------------------------------------ submitting

    def submit(self, data: bytes, filename: str, confidential: bool = False) -> Job:
        """Spool the file and queue its job; QueueFull when too many are waiting."""
        if self._queue.qsize() >= self.max_queued:
            raise QueueFull(f"{self.max_queued} uploads are waiting; try again later")
        now = datetime.now(UTC)
        job = Job(
            id="j-" + secrets.token_hex(8),
            filename=filename,
            confidential=confidential,
            status="queued",
            created_at=now,
            updated_at=now,
        )
        path = self._spooled(job.id)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.catalog.save_job(job)
        self._queue.put(job.id)
        return job

    def _spooled(self, job_id: str) -> Path:
        return self.spool / job_id

    # ------------------------------------------------------------ running

    def _run(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self.batch_size:
                try:
                    following = self._queue.get_nowait()
                except queue.Empty:
                    break
                if following is None:
                    self._queue.put(None)  # stop after this batch
                    break
                batch.append(following)
            self._run_batch(batch)

    def _run_batch(self, ids: list[str]) -> None:
        jobs = [job for job in (self.catalog.get_job(i) for i in ids) if job and job.status == "queued"]
        try:
            self._ingest(jobs)
        except Exception as error:  # the service goes on; the batch fails with the reason
            log.exception("ingest of %d uploads failed", len(jobs))
            for job in jobs:
                current = self.catalog.get_job(job.id)
                if current is not None and current.status in ("queued", "running"):
                    self._finish(current, "failed", reason=f"internal error: {type(error).__name__}")
        finally:
            for job in jobs:
                self._spooled(job.id).unlink(missing_ok=True)

    def _ingest(self, jobs: list[Job]) -> None:
        uploads = [Upload(self._spooled(j.id).read_bytes(), j.filename, j.confidential) for j in jobs]
        with self.archive.writing:
            for job in jobs:
                self._update(job.id, status="running", stage="reading")
            outcomes = self.archive.ingest_uploads(
                uploads,
                on_file=lambda position, outcome: self._stored(jobs[position], outcome),
                on_pages=lambda position, done, total: self._update(
                    jobs[position].id, pages_done=done, pages_total=total
                ),
            )
            changed = {o.document_id for o in outcomes if o.status == "ingested" and o.document_id}
            if changed:
                self.archive.refresh(changed, stage=lambda stage: self._stage(jobs, outcomes, stage))
        for job, outcome in zip(jobs, outcomes, strict=True):
            self._conclude(job, outcome)

    def _stored(self, job: Job, outcome: IngestOutcome) -> None:
        if outcome.status != "failed":
            self._update(
                job.id,
                stage="checking",
                pages_total=outcome.pages,
                pages_done=outcome.pages,
                document_id=outcome.document_id,
            )

    def _stage(self, jobs: list[Job], outcomes: list[IngestOutcome], stage: str) -> None:
        for job, outcome in zip(jobs, outcomes, strict=True):
            if outcome.status == "ingested":
                self._update(job.id, stage=stage)

    def _conclude(self, job: Job, outcome: IngestOutcome) -> None:
        if outcome.status == "failed":
            self._finish(job, "failed", reason=outcome.reason or "could not be ingested")
        else:
            self._finish(
                job,
                "done",
                reason=outcome.reason,
                outcome=outcome.status,
                document_id=outcome.document_id,
                pages_total=outcome.pages,
                pages_done=outcome.pages,
            )

    # ------------------------------------------------------------ records

    def _update(self, job_id: str, **changes: object) -> None:
        with self._records:
            job = self.catalog.get_job(job_id)
            if job is not None:
                self.catalog.save_job(job.model_copy(update={**changes, "updated_at": datetime.now(UTC)}))

    def _finish(self, job: Job, status: str, **changes: object) -> None:
        self._update(job.id, status=status, stage=None, **changes)
