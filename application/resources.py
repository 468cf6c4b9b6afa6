"""What the data folder opens once and every use shares: the catalog, the search index, the worker pool
and the lock that lets one writer at a time change them."""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from typing import IO

from application.settings import Settings
from application.workers import Limits, WorkerPool
from corpus.store import Catalog
from indices import IndexSchemaError, SearchIndex, open_index
from indices import warm_up as warm_up_index
from indices.embedded import discard_index, embedded_parts

log = logging.getLogger(__name__)
WRITER_POLL_SECONDS = 1.0  # how often a process waiting to write the index tries its lock again


class Resources:
    """The catalog (the source of truth), the index derived from it, the workers that read files, and
    the writers' lock; the index and the workers are opened when first needed."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.data_dir, settings.database_url)
        self._index: SearchIndex | None = None
        self._pool: WorkerPool | None = None
        # One writer at a time (ingest, delete, reindex, a review's decision); searches and reads never
        # take it.
        self.writing = threading.Lock()
        # Whether this process writes the search index. One that does not (a service whose uploads a
        # `jcm worker` ingests) stores its changes in the catalog and leaves them pending there: the
        # writer checks and indexes them within a few seconds.
        self.writes_index = True
        self._writer_file: IO[str] | None = None

    def take_index_writer(self, *, wait: bool, cancelled: threading.Event | None = None) -> bool:
        """Become the one process that writes the embedded index of this data folder: an exclusive lock
        on a file beside it, which the system releases when the process ends, however it ends. With
        ``wait``, wait for it until ``cancelled`` is set; else False at once when another process holds
        it. Other backends need no lock: Elasticsearch takes writes from many processes."""
        if self.settings.search_backend != "embedded" or self._writer_file is not None:
            return True
        path = self.settings.layout.index_writer
        path.parent.mkdir(parents=True, exist_ok=True)
        handle = path.open("a+")
        waiting_logged = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not wait or (cancelled is not None and cancelled.is_set()):
                    handle.close()
                    return False
                if not waiting_logged:
                    log.warning("another process writes the search index in %s; waiting for it to end",
                                self.settings.layout.index)
                    waiting_logged = True
                time.sleep(WRITER_POLL_SECONDS)
        handle.truncate(0)
        handle.write(f"{os.getpid()}\n")  # for an operator wondering who holds it
        handle.flush()
        self._writer_file = handle
        return True

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = open_search_index(self.settings)
        return self._index

    def index_is_current(self) -> bool:
        """Whether the index can be opened; an embedded index built by another version cannot."""
        try:
            self.index.count()
        except IndexSchemaError:
            return False
        return True

    @property
    def pool(self) -> WorkerPool:
        if self._pool is None:
            limits = Limits(self.settings.file_seconds, self.settings.worker_memory_bytes)
            self._pool = WorkerPool(self.settings.workers, limits)
            # The index needs its Thai and Japanese dictionaries once the workers are done (a second or
            # two to load): load them meanwhile, on the core the waiting parent leaves idle.
            threading.Thread(target=warm_up_index, name="index-warm-up", daemon=True).start()
        return self._pool

    def close(self) -> None:
        if self._writer_file is not None:
            self._writer_file.close()  # releases the lock
            self._writer_file = None
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._index is not None:
            self._index.close()
            self._index = None
        self.catalog.close()


def open_search_index(settings: Settings) -> SearchIndex:
    """The search backend the settings name (embedded by default)."""
    return open_index(
        settings.search_backend,
        path=settings.layout.index,
        es_index=settings.es_index,
        es=settings.elasticsearch,
    )


def prepare_index(settings: Settings) -> None:
    """Check the embedded index before the service starts: opening it reads every file through against
    its checksum. One that is damaged, or built by another version, is emptied and marked to be rebuilt:
    the ingest thread rebuilds it from the catalog, logging its progress, while the service answers
    (searches get 503 until it is done) rather than keeping its port closed."""
    if settings.search_backend != "embedded":
        return
    started = time.monotonic()
    try:
        index = open_search_index(settings)
    except IndexSchemaError as error:
        log.error("%s: starting with an empty index, rebuilt from the catalog in the background", error)
        discard_index(settings.layout.index)
        index = open_search_index(settings)
        for part in embedded_parts(index):
            part.reset()  # marks each (the public passages' index too) as to be rebuilt
    else:
        log.info("search index checked in %.2f s", time.monotonic() - started)
    index.close()
