"""The application's front: built once by an entry point (the API's app, the command line) from the
settings, and the only thing the entry points hold. Who is asking becomes a Viewer here (an API key, a
web session, the operator at the command line); what they may do is one of four front doors, each made
for that viewer: reading, reviewing, uploading and administering."""
from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property

from application.access import Sessions, Viewer, viewer_for, viewer_of_key
from application.administering import Administering
from application.archive import Archive
from application.jobs import JobRunner
from application.projects import ProjectResolver
from application.reading import Reading
from application.reviewing import Reviewing
from application.settings import Settings
from application.uploading import Uploading

log = logging.getLogger(__name__)


class Application:
    """One data folder's archive, upload queue, project resolver and web sessions, behind four doors."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.archive = Archive(settings)
        self.jobs = JobRunner(self.archive)
        self.projects = ProjectResolver(self.archive.catalog)

    @cached_property
    def sessions(self) -> Sessions:
        """The pages' logins; made on first use, so the command line never writes a session secret."""
        return Sessions(self.settings.data_dir, self.settings.session_hours * 3600)

    # ------------------------------------------------------------ the front doors

    def reading(self, viewer: Viewer) -> Reading:
        return Reading(self.archive, self.projects, viewer)

    def reviewing(self, viewer: Viewer) -> Reviewing:
        return Reviewing(self.archive, viewer)

    def uploading(self, viewer: Viewer) -> Uploading:
        return Uploading(self.archive, self.jobs, viewer)

    def administering(self, viewer: Viewer) -> Administering:
        return Administering(self.archive, viewer)

    # ------------------------------------------------------------ who is asking

    def viewer_for(self, authorization: str | None) -> Viewer | None:
        """The viewer an Authorization header names; None when the request may not read at all."""
        return viewer_for(self.archive.catalog, authorization, self.settings)

    def viewer_of_key(self, key: str | None) -> Viewer | None:
        """The viewer a key names (None when unknown or revoked)."""
        return viewer_of_key(self.archive.catalog, key, self.settings)

    def session_viewer(self, token: str) -> Viewer | None:
        """The viewer of a web session; None when it is forged, expired, ended or its key revoked."""
        return self.sessions.viewer(self.archive.catalog, token)

    def has_active_keys(self) -> bool:
        return any(k.revoked_at is None for k in self.archive.catalog.api_keys())

    # ------------------------------------------------------------ life

    def start(self) -> None:
        """Before serving. The service ingests the uploads itself when its settings say so and no other
        process writes the index (a `jcm worker`, another service): then an embedded index built by
        another version is rebuilt from the catalog (it is derived data), and the ingest thread starts.
        Otherwise it only queues uploads, for the process that writes the index."""
        ingests = self.settings.serve_ingests and self.archive.take_index_writer(wait=False)
        if not ingests:
            if self.settings.serve_ingests:
                log.warning("another process (a `jcm worker`) writes the search index of %s: uploads are "
                            "queued for it", self.settings.data_dir)
            self.archive.writes_index = False
        elif self.settings.search_backend == "embedded" and not self.archive.index_is_current():
            self.archive.derived.rebuild_index()
        self.jobs.start(ingest=ingests)

    def work(self, prepare: Callable[[], None] | None = None) -> None:
        """`jcm worker`: become the index's writer (waiting while another process is), ``prepare`` the
        index then (a damaged one is emptied, to be rebuilt), and ingest the uploads the service
        processes queue until request_stop()."""
        if not self.archive.take_index_writer(wait=True, cancelled=self.jobs.stopping):
            return  # stopped while another process wrote the index
        if prepare is not None:
            prepare()
        if self.settings.search_backend == "embedded" and not self.archive.index_is_current():
            self.archive.derived.rebuild_index()
        self.jobs.run()

    def request_stop(self) -> None:
        """Ask work() to return once the batch it runs is done (from a signal handler)."""
        self.jobs.request_stop()

    def stop(self) -> None:
        self.jobs.stop()
        self.close()

    def close(self) -> None:
        self.archive.close()
