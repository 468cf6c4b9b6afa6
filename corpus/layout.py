"""The data folder's layout: where the catalog, the original files, the search index, the upload spool and
the web pages' sessions live. Every module that opens one of them asks here, so a backup script, `jcm
verify` and the service agree on what the folder holds."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

CATALOG_FILE = "catalog.sqlite3"  # SQLite, the source of truth (with its -wal and -shm files)
FILES_DIRECTORY = "files"  # the original files, by SHA-256
INDEX_DIRECTORY = "index"  # the embedded search index, derived: rebuilt from the catalog
UPLOADS_DIRECTORY = "uploads"  # uploads waiting to be ingested
INDEX_WRITER_FILE = "index-writer.lock"  # locked by the one process that writes the embedded index
SESSION_SECRET_FILE = "session-secret"  # signs the web pages' logins
ENDED_SESSIONS_FILE = "sessions.sqlite3"  # logins ended before they expired


@dataclass(frozen=True)
class DataLayout:
    """The paths of one data folder."""

    root: Path

    @property
    def catalog(self) -> Path:
        return self.root / CATALOG_FILE

    @property
    def files(self) -> Path:
        return self.root / FILES_DIRECTORY

    @property
    def index(self) -> Path:
        return self.root / INDEX_DIRECTORY

    @property
    def uploads(self) -> Path:
        return self.root / UPLOADS_DIRECTORY

    @property
    def index_writer(self) -> Path:
        return self.root / INDEX_WRITER_FILE

    @property
    def session_secret(self) -> Path:
        return self.root / SESSION_SECRET_FILE

    @property
    def ended_sessions(self) -> Path:
        return self.root / ENDED_SESSIONS_FILE
