"""The front door for ingest: files queued as uploads (the API and the pages) or ingested at once (the
command line), and the jobs that follow an upload to its end."""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from application.access import Action, Viewer, require
from application.archive import Archive
from application.ingest import IngestOutcome, OnFile
from application.jobs import JobRunner
from corpus.filters import EVERYTHING, JobQuery, Window
from corpus.models import Job


class Uploading:
    """What one viewer may add; Refused for a viewer whose role may not upload."""

    def __init__(self, archive: Archive, jobs: JobRunner, viewer: Viewer) -> None:
        self.viewer = require(viewer, Action.UPLOAD)
        self.archive = archive
        self.runner = jobs

    def submit(self, data: bytes, filename: str, confidential: bool = False) -> Job:
        """Spool the file and queue its job (UploadRefused when the queue is full)."""
        return self.runner.submit(data, filename, confidential)

    def job(self, job_id: str) -> Job | None:
        return self.archive.catalog.get_job(job_id)

    def jobs(self, query: JobQuery, window: Window = EVERYTHING) -> list[Job]:
        """Uploads, oldest first."""
        return self.archive.catalog.find_jobs(query, window)

    def count_jobs(self, query: JobQuery) -> int:
        return self.archive.catalog.count_jobs(query)

    def ingest_paths(
        self, paths: Sequence[Path], on_file: OnFile | None = None, confidential: bool = False
    ) -> list[IngestOutcome]:
        """Ingest files and folders now (the command line), then bring warnings and index up to date."""
        with self.archive.writing:
            return self.archive.ingestion.ingest_paths(paths, on_file, confidential)
