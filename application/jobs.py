"""Uploads ingested in the background: job records in the catalog, claimed by the process that ingests.

An upload is spooled to disk (written under a temporary name, synced, then renamed) and recorded as a
queued job before the request returns, so neither the file nor its job is lost when the service stops.
The process that ingests (`jcm serve` on its own, or a `jcm worker` beside service processes that only
queue) claims the jobs waiting from the catalog, a batch at a time (analysed in parallel by the worker
pool), stores them, recomputes warnings and the index once for the batch, then marks each job done or
failed; a job's spooled file goes when the job ends. Searches never wait for it: only writers take the
archive's writing lock.

A claimed job is leased to its process, which renews the lease while it works (Catalog.claim_jobs: on
PostgreSQL several workers skip each other's rows, on SQLite one claims at a time). A process that dies,
even by kill -9, stops renewing: once the lease runs out, another process (or the same one restarted)
claims the job again and settles it as one interrupted: done with its document when its upload was
stored (storing is idempotent: a document is known by its name and content), run again from its
spooled file once (a second interruption fails it), or failed ("interrupted"). A queued job whose
spooled file is gone fails; a job failed by an interruption or an internal error whose document was
stored (as earlier versions left them) is done with it.

At start the ingesting process removes the spooled files no waiting or running job will read (a crash
between spooling and recording the job; they may hold a confidential document's bytes), repairs the
search index (an embedded index that is damaged, or whose rebuild was interrupted, is rebuilt from the
catalog with its progress logged, while the service answers and searches get 503) and finishes the
catalog's pending updates. While it waits for uploads it checks the index every INDEX_CHECK_SECONDS,
rebuilds a damaged one, and indexes what other processes left pending (a review's decision, a deletion
made by a service process that does not write the index).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from application.archive import Archive
from application.ingest import IngestOutcome, Upload, clean_filename
from corpus.filters import JobQuery
from corpus.models import Document, Job
from corpus.store import Catalog, sha256_of
from extractors.readers import SUPPORTED_EXTENSIONS
from indices.base import IndexUnavailableError
from indices.embedded import embedded_parts

log = logging.getLogger(__name__)
INTERRUPTED = "interrupted"
RESUMED = "resumed after an interruption"  # a job's reason while it runs again after a crash
INTERNAL_ERROR = "internal error"
MIN_BATCH = 8
INDEX_CHECK_SECONDS = 2.0  # how often the idle ingest thread looks for a damaged index
REBUILD_RETRY_SECONDS = 60.0  # after a failed rebuild, before the next attempt
PROGRESS_SECONDS = 5.0  # between log lines of a rebuild's progress
PARTIAL_SUFFIX = ".part"  # an upload being spooled
WORKER_POLL_SECONDS = 0.5  # how often `jcm worker` looks for uploads queued by the service processes
ORPHAN_SECONDS = 600.0  # a spooled file no job names is left alone this long when several processes share


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


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return float("inf")  # gone meanwhile: nothing to remove


def orphan_spool_files(catalog: Catalog, spool: Path) -> list[Path]:
    """Spooled files that no queued or running job will read: left by a crash, or by a job that ended."""
    if not spool.is_dir():
        return []
    waiting = {job.id for status in ("queued", "running") for job in catalog.jobs(status)}
    return sorted(path for path in spool.iterdir() if path.is_file() and path.name not in waiting)


class JobRunner:
    """Uploads in, jobs out. Every process serving uploads submits them; the one that ingests (a
    `jcm worker`, or `jcm serve` on its own) also runs the thread that claims them from the catalog."""

    def __init__(self, archive: Archive) -> None:
        self.archive = archive
        self.catalog = archive.catalog
        self.spool = archive.settings.layout.uploads
        self.max_queued = archive.settings.max_queued_jobs
        self.batch_size = max(MIN_BATCH, 4 * archive.settings.workers)
        self.lease_seconds = archive.settings.job_lease_seconds
        self.pause_seconds = archive.settings.test_pause_seconds
        # Who holds a job's lease in the catalog: this runner, in this process, on this machine.
        self.owner = f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"
        self.ingests = False  # whether start() started the ingest thread
        self._held: set[str] = set()  # the jobs whose lease this runner holds
        self._wake = threading.Event()  # an upload was submitted, or the runner is stopping
        self._stopping = threading.Event()
        self._records = threading.Lock()  # job records change from the request and ingest threads
        self._threads: list[threading.Thread] = []
        self._rebuild_after = 0.0  # monotonic time before which a failed rebuild is not tried again

    # ------------------------------------------------------------ lifecycle

    def start(self, *, ingest: bool = True, idle_seconds: float = INDEX_CHECK_SECONDS) -> None:
        """Accept uploads; with ``ingest``, also run them (and keep the index whole), looking for jobs
        every ``idle_seconds`` besides when this process queues one."""
        self.spool.mkdir(parents=True, exist_ok=True)
        if not ingest:
            return
        self.ingests = True
        self.remove_orphans()
        self._stopping.clear()
        self._threads = [
            threading.Thread(target=self._run, args=(idle_seconds,), name="jcm-ingest", daemon=True),
            threading.Thread(target=self._renew, name="jcm-leases", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def request_stop(self) -> None:
        """Stop after the batch running: the jobs still queued wait for the next start."""
        self._stopping.set()
        self._wake.set()

    def stop(self, timeout: float = 60) -> None:
        """request_stop(), and wait for the threads to end."""
        self.request_stop()
        for thread in self._threads:
            thread.join(timeout)
        self._threads = []

    @property
    def stopping(self) -> threading.Event:
        """Set once a stop is requested."""
        return self._stopping

    def run(self, idle_seconds: float = WORKER_POLL_SECONDS) -> None:
        """Ingest in this thread until request_stop() (`jcm worker`; a signal handler may call it)."""
        self.start(ingest=False)
        self.ingests = True
        self.remove_orphans(older_than=ORPHAN_SECONDS)  # an upload being spooled by a service is no orphan
        renewing = threading.Thread(target=self._renew, name="jcm-leases", daemon=True)
        renewing.start()
        self._threads = [renewing]
        self._run(idle_seconds)

    def remove_orphans(self, older_than: float = 0.0) -> int:
        """Remove the spooled files no queued or running job will read; with ``older_than``, only those
        untouched that long (another process may be spooling an upload whose job it has yet to record)."""
        limit = time.time() - older_than
        orphans = [p for p in orphan_spool_files(self.catalog, self.spool) if _modified(p) <= limit]
        for path in orphans:
            path.unlink(missing_ok=True)
        if orphans:
            log.warning("removed %d spooled uploads no waiting job will read (left by a crash)", len(orphans))
        return len(orphans)

    def recover(self) -> None:
        """A job failed by an interruption or an internal error whose document was stored (as earlier
        versions left them) is done with it; jobs left queued or running are claimed as any others."""
        for job in self.catalog.jobs("failed"):
            if job.document_id is None and (job.reason or "").startswith((INTERRUPTED, INTERNAL_ERROR)):
                document = self._stored_document(job, until=job.updated_at)
                if document is not None:
                    self._done_with(job, document)

    def _settle_interrupted(self, job: Job) -> Job | None:
        """A claimed job whose process died while it ran (see the module's documentation): the job to run
        again, or None when it is settled now."""
        document = self._stored_document(job, until=datetime.now(UTC))
        if document is not None:
            self._done_with(job, document)
        elif not self._spooled(job.id).exists():
            self._finish(job, "failed", reason=INTERRUPTED)
        elif job.reason == RESUMED:  # interrupted again: it may be what stops the service
            self._finish(job, "failed", reason=f"{INTERRUPTED} twice; upload it again")
        else:
            self._update(job.id, stage=None, pages_done=0, reason=RESUMED)
            return self.catalog.get_job(job.id)
        return None

    # ------------------------------------------------------------ submitting

    def submit(self, data: bytes, filename: str, confidential: bool = False) -> Job:
        """Spool the file and queue its job; QueueFull when too many are waiting."""
        if self.catalog.count_jobs(JobQuery("queued")) >= self.max_queued:
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
        self._spool(job.id, data)
        self.catalog.save_job(job)
        self._wake.set()
        return job

    def _spool(self, job_id: str, data: bytes) -> None:
        """Write-then-rename: a crash leaves a whole file or a partial one that no job names."""
        path = self._spooled(job_id)
        partial = path.with_name(path.name + PARTIAL_SUFFIX)
        path.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("wb") as stream:
            stream.write(data)
            stream.flush()
            os.fsync(stream.fileno())  # an upload answered 202 survives a power cut
        os.replace(partial, path)

    def _spooled(self, job_id: str) -> Path:
        return self.spool / job_id

    # ------------------------------------------------------------ running

    def _run(self, idle_seconds: float) -> None:
        self._mend_index()
        self._finish_pending()
        self.recover()
        while not self._stopping.is_set():
            claimed = self._claim()
            if claimed:
                self._run_claimed(claimed)
                continue
            if not self._wake.wait(idle_seconds):
                self._mend_index()
                self._finish_pending()  # the changes other processes left to the index's writer
            self._wake.clear()

    def _claim(self) -> list[Job]:
        try:
            claimed = self.catalog.claim_jobs(self.owner, self.lease_seconds, limit=self.batch_size)
        except Exception:  # the database is away for a moment: the next round tries again
            log.exception("taking jobs from the catalog failed")
            self._stopping.wait(WORKER_POLL_SECONDS)
            return []
        self._held.update(job.id for job in claimed)
        return claimed

    def _run_claimed(self, claimed: list[Job]) -> None:
        """Run the jobs taken: a queued one whose file is gone fails, one interrupted is settled first."""
        jobs = []
        for job in claimed:
            if job.status == "running":
                again = self._settle_interrupted(job)
                if again is not None:
                    jobs.append(again)
            elif not self._spooled(job.id).exists():
                self._finish(job, "failed", reason=f"{INTERRUPTED}: the uploaded file was lost")
            else:
                jobs.append(job)
        if jobs:
            self._run_batch(jobs)

    def _run_batch(self, jobs: list[Job]) -> None:
        try:
            self._ingest(jobs)
        except IndexUnavailableError as error:  # the index was damaged while the batch was written
            log.error("ingest of %d uploads stopped: %s", len(jobs), error)
            usable = self._mend_index()  # the documents stored meanwhile are indexed with the rest
            for job in jobs:
                self._cut_short(job, "the search index was damaged; upload it again", retry=usable)
        except Exception as error:  # the service goes on; the batch fails with the reason
            log.exception("ingest of %d uploads failed", len(jobs))
            for job in jobs:
                self._cut_short(job, f"{INTERNAL_ERROR}: {type(error).__name__}", retry=False)

    def _renew(self) -> None:
        """Keep the leases of the jobs this runner holds from running out while it works on them."""
        while not self._stopping.wait(self.lease_seconds / 3):
            if not self._held:
                continue
            try:
                self.catalog.renew_leases(self.owner, self.lease_seconds)
            except Exception:  # one missed renewal is no loss: the lease lasts three of them
                log.exception("renewing the leases of running jobs failed")

    def _cut_short(self, job: Job, reason: str, *, retry: bool) -> None:
        """A job whose batch broke off: done when its upload was stored, else queued again or failed."""
        current = self.catalog.get_job(job.id)
        if current is None or current.status not in ("queued", "running"):
            return
        document = self._stored_document(current, until=datetime.now(UTC))
        if document is not None:
            self._done_with(current, document)
        elif retry and self._spooled(job.id).exists():
            self._update(job.id, status="queued", stage=None, pages_done=0)  # claimed again next round
        else:
            self._finish(current, "failed", reason=reason)

    def _ingest(self, jobs: list[Job]) -> None:
        uploads = [Upload(self._spooled(j.id).read_bytes(), j.filename, j.confidential) for j in jobs]
        with self.archive.writing:
            for job in jobs:
                self._update(job.id, status="running", stage="reading")
            self._pause()
            outcomes = self.archive.ingestion.ingest_uploads(
                uploads,
                on_file=lambda position, outcome: self._stored(jobs[position], outcome),
                on_pages=lambda position, done, total: self._update(
                    jobs[position].id, pages_done=done, pages_total=total
                ),
            )
            changed = {o.document_id for o in outcomes if o.status == "ingested" and o.document_id}
            if changed:
                self.archive.derived.refresh(changed, stage=lambda stage: self._stage(jobs, outcomes, stage))
        for job, outcome in zip(jobs, self._with_duplicates(uploads, outcomes), strict=True):
            self._conclude(job, outcome)

    def _with_duplicates(self, uploads: list[Upload], outcomes: list[IngestOutcome]) -> list[IngestOutcome]:
        """Each upload that repeats an earlier one of its batch gets that one's document (or failure):
        the archive only says "same content as" the earlier upload's name."""
        first: dict[tuple[str, bool], int] = {}
        resolved = list(outcomes)
        for position, (upload, outcome) in enumerate(zip(uploads, outcomes, strict=True)):
            earlier = first.setdefault((sha256_of(upload.data), upload.confidential), position)
            if earlier != position and outcome.status == "unchanged" and outcome.document_id is None:
                resolved[position] = self._duplicate_of(outcome, resolved[earlier])
        return resolved

    def _duplicate_of(self, outcome: IngestOutcome, earlier: IngestOutcome) -> IngestOutcome:
        if earlier.status == "failed" or earlier.document_id is None:
            reason = f"same content as {earlier.filename}, which failed: {earlier.reason}"
            return IngestOutcome(outcome.filename, "failed", reason=reason)
        stored = self.catalog.get_document(earlier.document_id, include_confidential=True)
        name = stored.filename if stored else earlier.filename
        reason = None if name == outcome.filename else f"same content as {name}"
        return IngestOutcome(outcome.filename, "unchanged", earlier.document_id, reason, earlier.pages)

    def _stored(self, job: Job, outcome: IngestOutcome) -> None:
        if outcome.status != "failed":
            self._update(
                job.id,
                stage="checking",
                pages_total=outcome.pages,
                pages_done=outcome.pages,
                document_id=outcome.document_id,
            )
            self._pause()

    def _pause(self) -> None:
        """The test-only pause of JCM_TEST_PAUSE_SECONDS, where a test kills the process mid-job."""
        if self.pause_seconds:
            time.sleep(self.pause_seconds)

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

    # ------------------------------------------------------------ the index and the catalog after a crash

    def _mend_index(self) -> bool:
        """Rebuild the embedded index from the catalog when it is damaged or its rebuild was interrupted;
        whether it is usable now."""
        try:
            parts = embedded_parts(self.archive.index)
            problem = next((found for found in (part.damage() for part in parts) if found), None)
        except Exception:  # the index cannot even be opened: `jcm reindex` is for the operator
            log.exception("the search index cannot be checked")
            return False
        if problem is None:
            return True
        if time.monotonic() < self._rebuild_after:
            return False
        log.warning("%s; rebuilding it now, searches answer 503 until it is done", problem)
        try:
            with self.archive.writing:
                for part in parts:
                    part.reset()
                self._rebuild()
        except Exception:
            self._rebuild_after = time.monotonic() + REBUILD_RETRY_SECONDS
            log.exception("rebuilding the search index failed; trying again in %.0f s", REBUILD_RETRY_SECONDS)
            return False
        return True

    def _rebuild(self) -> None:
        started = time.monotonic()
        self.archive.derived.refresh(set())  # what an interrupted ingest left pending, into the empty index
        passages = self.archive.derived.reindex(progress=_ProgressLog(started))
        seconds = time.monotonic() - started
        log.info("search index rebuilt from the catalog: %d passages in %.1f s", passages, seconds)

    def _finish_pending(self) -> None:
        """Documents stored by an ingest that was stopped before its index update: searchable now."""
        if not self.catalog.pending_refresh():
            return
        try:
            with self.archive.writing:
                self.archive.derived.refresh(set())
        except Exception:
            log.exception("bringing the index up to date with the catalog failed")

    def _stored_document(self, job: Job, *, until: datetime) -> Document | None:
        """The document the job's upload became, if it was stored: the one holding the spooled bytes
        (another document's name when they repeat it), or, the file gone, the document of the job's
        name and confidentiality stored while the job ran (from its upload to ``until``)."""
        spooled = self._spooled(job.id)
        if spooled.exists():
            digest = sha256_of(spooled.read_bytes())
            found = self.catalog.document_with_content(digest, confidential=job.confidential)
            return found if found is not None and found.status == "ingested" else None
        try:
            name = clean_filename(job.filename)
        except ValueError:
            return None
        wanted = (name, job.confidential, "ingested")
        for document in self.catalog.list_documents(include_confidential=True):
            stored_at = document.ingested_at or datetime.min.replace(tzinfo=UTC)
            if (document.filename, document.confidential, document.status) == wanted \
                    and job.created_at <= stored_at <= until:
                return document
        return None

    def _done_with(self, job: Job, document: Document) -> None:
        fresh = document.ingested_at is not None and document.ingested_at >= job.created_at
        try:
            named = clean_filename(job.filename) == document.filename
        except ValueError:
            named = False
        self._finish(
            job,
            "done",
            outcome="ingested" if fresh else "unchanged",
            document_id=document.id,
            reason=None if named else f"same content as {document.filename}",
            pages_total=document.pages,
            pages_done=document.pages,
        )

    # ------------------------------------------------------------ records

    def _update(self, job_id: str, **changes: object) -> None:
        """Change a job's record; one this runner holds, only while it still holds its lease."""
        with self._records:
            job = self.catalog.get_job(job_id)
            if job is None:
                return
            changed = job.model_copy(update={**changes, "updated_at": datetime.now(UTC)})
            held = job_id in self._held
            if not self.catalog.save_job(changed, owner=self.owner if held else None):
                # Its lease ran out (this process stalled longer than the lease) and another process
                # took the job: that one's record stands; storing the same file again changes nothing.
                log.warning("job %s was taken over by another process; leaving it to that one", job_id)
                self._held.discard(job_id)
            elif changed.status != "running":
                self._held.discard(job_id)

    def _finish(self, job: Job, status: str, **changes: object) -> None:
        """A job ends: its record says how, and its spooled file goes (nothing will read it again)."""
        self._update(job.id, status=status, stage=None, **changes)
        self._spooled(job.id).unlink(missing_ok=True)


class _ProgressLog:
    """Logs a rebuild's progress every PROGRESS_SECONDS, and when it is done."""

    def __init__(self, started: float) -> None:
        self.started = started
        self.logged = started

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if now - self.logged >= PROGRESS_SECONDS or done == total:
            self.logged = now
            seconds = now - self.started
            log.info("rebuilding the search index: %d of %d documents (%.0f s)", done, total, seconds)
