"""The catalog (SQLite or PostgreSQL, the source of truth) and the content-addressed store of original
files."""
from __future__ import annotations

import functools
import hashlib
import json
import os
import random
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple, ParamSpec, TypeVar

from corpus.database import Connection, connect, is_postgres, transient_errors
from corpus.filters import EVERYTHING, FactQuery, JobQuery, WarningQuery, Window, period_bounds
from corpus.layout import DataLayout
from corpus.models import (
    Block,
    ConsistencyWarning,
    Document,
    DocumentRef,
    Fact,
    Job,
    PageInfo,
    ProfileRow,
    ProjectDecision,
    StoredProfile,
)

# A document is known by its file name and its confidentiality: a confidential version of a file (JCM
# rules let participants file one beside the public PDD, often under the same name) is another document.
DOCUMENTS_TABLE = """
CREATE TABLE IF NOT EXISTS {name} (
    id TEXT PRIMARY KEY,
    filename TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    data TEXT NOT NULL,
    confidential INTEGER NOT NULL DEFAULT 0,
    UNIQUE (filename, confidential)
);
"""
SCHEMA = DOCUMENTS_TABLE.format(name="documents") + """
CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256);
CREATE TABLE IF NOT EXISTS versions (
    document_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    PRIMARY KEY (document_id, version)
);
CREATE TABLE IF NOT EXISTS pages (
    document_id TEXT NOT NULL,
    number INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (document_id, number)
);
CREATE TABLE IF NOT EXISTS blocks (
    document_id TEXT NOT NULL,
    idx INTEGER NOT NULL,
    page INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (document_id, idx)
);
-- Besides the fact as JSON, what queries filter on, computed in Python when the fact is written (see
-- fact_columns) so that both databases compare the same values: its place in the document's order, its
-- page, its subject case-folded, and the first and last day of its period (ISO dates, NULL without one).
CREATE TABLE IF NOT EXISTS facts (
    document_id TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    value REAL NOT NULL,
    data TEXT NOT NULL,
    position INTEGER NOT NULL DEFAULT 0,
    page INTEGER,
    subject_key TEXT NOT NULL DEFAULT '',
    period_start TEXT,
    period_end TEXT,
    PRIMARY KEY (document_id, id)
);
CREATE INDEX IF NOT EXISTS facts_kind ON facts(kind);
CREATE INDEX IF NOT EXISTS facts_order ON facts(document_id, position);
-- The facts of one page of a document (a search hit's facts) without reading the whole document's.
CREATE INDEX IF NOT EXISTS facts_page ON facts(document_id, page);
-- The countries each document is about, case-folded: what a fact query's country also matches.
CREATE TABLE IF NOT EXISTS document_countries (
    document_id TEXT NOT NULL,
    country_key TEXT NOT NULL,
    PRIMARY KEY (document_id, country_key)
);
CREATE TABLE IF NOT EXISTS warnings (
    id TEXT PRIMARY KEY,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS warning_documents (
    warning_id TEXT NOT NULL,
    document_id TEXT NOT NULL,
    PRIMARY KEY (warning_id, document_id)
);
-- What the checks across documents read of each ingested document besides its facts (its opening text,
-- monitoring period and project signature, as JSON): it depends on that document only, so it is kept
-- rather than recomputed for every other document's change. host_country is set only for a document
-- with facts about one project in one country: only those can be paired, and only within a country.
CREATE TABLE IF NOT EXISTS profiles (
    document_id TEXT PRIMARY KEY,
    host_country TEXT,
    data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS profiles_country ON profiles(host_country);
-- The keys by which documents about the same project find each other (host country, JCM project id,
-- project name): a changed document is compared only with those sharing one of its keys.
CREATE TABLE IF NOT EXISTS profile_keys (
    document_id TEXT NOT NULL,
    key TEXT NOT NULL,
    PRIMARY KEY (document_id, key)
);
CREATE INDEX IF NOT EXISTS profile_keys_key ON profile_keys(key);
-- Reviewers' decisions that two documents are, or are not, one project. Keyed by document ids, which a
-- file keeps across versions: a decision outlives re-ingestion.
CREATE TABLE IF NOT EXISTS project_decisions (
    first_id TEXT NOT NULL,
    second_id TEXT NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (first_id, second_id)
);
-- Documents whose warnings and search index entries may lag behind their rows here: marked in the
-- transaction that changes them, cleared once the index holds them, so an interrupted run is finished
-- by the next one. public is 0 when only what insiders see changed (a warning involving a confidential
-- document came or went): the index of public passages is then left as it is (indices.visibility).
CREATE TABLE IF NOT EXISTS pending_refresh (
    document_id TEXT PRIMARY KEY,
    public INTEGER NOT NULL DEFAULT 1
);
-- Reviews are kept apart from warnings: warnings are recomputed, a reviewer's decision is not.
CREATE TABLE IF NOT EXISTS reviews (
    warning_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    note TEXT,
    updated_at TEXT NOT NULL
);
-- API keys: only the SHA-256 of a key is kept; the key itself is shown once, when created.
CREATE TABLE IF NOT EXISTS api_keys (
    id TEXT PRIMARY KEY,
    name TEXT,
    role TEXT NOT NULL,
    key_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
-- Uploads ingested in the background; kept so their outcome survives a restart. A running job is held
-- by one ingesting process (lease_owner) until lease_until, which that process keeps pushing back while
-- it works: a job whose lease has run out was left by a process that died, and is taken again.
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT
);
-- Which migration the catalog has had (MIGRATIONS_BY_VERSION): one row.
CREATE TABLE IF NOT EXISTS schema_version (
    version INTEGER NOT NULL
);
"""
# Columns added after the first release, with the statement that adds them to an older catalog.
MIGRATIONS = {
    ("documents", "confidential"): "ALTER TABLE documents ADD COLUMN confidential INTEGER NOT NULL DEFAULT 0",
    ("pending_refresh", "public"): "ALTER TABLE pending_refresh ADD COLUMN public INTEGER NOT NULL DEFAULT 1",
}
# An older catalog's documents table, whose file names were unique on their own, rebuilt as the new one:
# SQLite cannot drop a UNIQUE constraint in place. Ids and rows are kept as they are.
REBUILD_DOCUMENTS = (
    DOCUMENTS_TABLE.format(name="documents_rebuilt"),
    "INSERT INTO documents_rebuilt (id, filename, sha256, data, confidential) "
    "SELECT id, filename, sha256, data, confidential FROM documents",
    "DROP TABLE documents",
    "ALTER TABLE documents_rebuilt RENAME TO documents",
    "CREATE INDEX IF NOT EXISTS documents_sha ON documents(sha256)",
)
MARK_PENDING = (
    "INSERT INTO pending_refresh VALUES (?, ?) ON CONFLICT (document_id) DO UPDATE SET public = "
    "CASE WHEN excluded.public > pending_refresh.public THEN excluded.public ELSE pending_refresh.public END"
)
# Documents a viewer who may not see confidential ones is allowed to see.
PUBLIC_DOCUMENTS = "SELECT id FROM documents WHERE confidential = 0"
CONFIDENTIAL_WARNINGS = (
    "SELECT wd.warning_id FROM warning_documents wd JOIN documents d ON d.id = wd.document_id "
    "WHERE d.confidential = 1"
)

# A fact as the catalog stores it: id, kind, unit, value, the whole fact as JSON and the columns queries
# read (FactKeys). Made where the facts are extracted, it crosses from a worker to the catalog as strings,
# far cheaper to pickle than models, and the catalog need not parse the JSON again.
FactKeys = tuple[int | None, str, str | None, str | None]
FactRow = tuple[str, str, str, float, str, int | None, str, str | None, str | None]


class WarningFlags(NamedTuple):
    """What the index marks passages with: the documents some warning involves (has_warnings), and those
    some warning a public viewer may see involves (public_warnings)."""

    flagged: set[str]
    public_flagged: set[str]


DOCUMENT_TABLES = ("pages", "blocks", "facts", "profiles", "profile_keys", "document_countries")
_STATUS = "json_extract(d.data, '$.status')"
ORPHAN_QUERIES = {
    **{
        f"{table} rows of no document": f"SELECT COUNT(*) FROM {table} WHERE document_id NOT IN "
        "(SELECT id FROM documents)"
        for table in ("versions", *DOCUMENT_TABLES, "warning_documents")
    },
    "warning links to no warning": "SELECT COUNT(*) FROM warning_documents WHERE warning_id NOT IN "
    "(SELECT id FROM warnings)",
    "warnings about no document": "SELECT COUNT(*) FROM warnings WHERE id NOT IN "
    "(SELECT warning_id FROM warning_documents)",
    "failed documents with pages, blocks or facts": f"SELECT COUNT(*) FROM documents d WHERE {_STATUS} = "
    "'failed' AND (EXISTS (SELECT 1 FROM pages p WHERE p.document_id = d.id) OR EXISTS (SELECT 1 FROM "
    "blocks b WHERE b.document_id = d.id) OR EXISTS (SELECT 1 FROM facts f WHERE f.document_id = d.id))",
    "ingested documents without their current version": f"SELECT COUNT(*) FROM documents d WHERE {_STATUS} "
    "= 'ingested' AND NOT EXISTS (SELECT 1 FROM versions v WHERE v.document_id = d.id AND v.version = "
    "CAST(json_extract(d.data, '$.version') AS INTEGER) AND v.sha256 = d.sha256)",
}
# A file being written to the store; one left behind by a killed process is never referenced.
PARTIAL_PREFIX = ".partial-"
# What a confidential document's id is hashed from besides its name; NUL never occurs in a file name.
CONFIDENTIAL_ID_PREFIX = "confidential\0"


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_id_for(filename: str, confidential: bool = False) -> str:
    """A document is identified by its file name and its confidentiality: a changed file is a new version
    of the same document, a confidential file of the same name another document. A public document's id
    is the hash of its name alone, as before confidentiality was part of the identity, so the ids that
    reviews, project decisions and warnings are kept by stay valid."""
    key = CONFIDENTIAL_ID_PREFIX + filename if confidential else filename
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _next_candidate(document_id: str) -> str:
    """Another id when a document stored before identities included confidentiality holds the natural
    one (a confidential document keeps the id of its name alone): the same in every process."""
    return hashlib.sha256(f"taken\0{document_id}".encode()).hexdigest()[:16]


class IdentityConflict(ValueError):
    """A write that would turn a stored document into another one (another name or confidentiality)."""


class FileStore:
    """Original files, stored once under their SHA-256."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_for(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256

    def put(self, data: bytes) -> str:
        digest = sha256_of(data)
        target = self.path_for(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        # Write-then-rename so a crash never leaves a truncated file under a valid name.
        with tempfile.NamedTemporaryFile(dir=target.parent, prefix=PARTIAL_PREFIX, delete=False) as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()

    def remove(self, sha256: str) -> None:
        self.path_for(sha256).unlink(missing_ok=True)


@dataclass(frozen=True)
class KeyRecord:
    """An API key as stored: its id, role and the hash of the key, never the key."""

    id: str
    name: str | None
    role: str
    key_hash: str
    created_at: str
    revoked_at: str | None = None


# How often a write the database aborted to break a deadlock is run again before its error is raised.
WRITE_ATTEMPTS = 5
P = ParamSpec("P")
R = TypeVar("R")


def retried(write: Callable[P, R]) -> Callable[P, R]:
    """Run a write again when the database aborted its transaction to break a deadlock with another
    writer (PostgreSQL, with several writers; never SQLite). The transaction was rolled back whole, so
    running it again from the start is safe; its arguments must be sequences, not iterators."""

    @functools.wraps(write)
    def attempt(*args: P.args, **kwargs: P.kwargs) -> R:
        for _ in range(WRITE_ATTEMPTS - 1):
            try:
                return write(*args, **kwargs)
            except transient_errors():
                time.sleep(random.uniform(0.01, 0.1))  # apart, so the two do not meet again at once
        return write(*args, **kwargs)

    return attempt


class Catalog:
    """Documents, their pages, blocks, facts and warnings in one database: SQLite in the data folder, or
    the PostgreSQL database at database_url. The original files stay in the data folder either way."""

    def __init__(self, data_dir: Path, database_url: str | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        layout = DataLayout(self.data_dir)
        if database_url and not is_postgres(database_url):
            raise ValueError("the catalog's database URL must be a postgresql:// URL (none: SQLite)")
        self.database_url = database_url or None
        self.path = layout.catalog
        self.files = FileStore(layout.files)
        # A connection per thread, kept open: a new connection per unit of work re-read the schema, and
        # closing the last one checkpointed the WAL, several times per ingested file.
        self._connections: dict[int, Connection] = {}
        self._connections_lock = threading.Lock()
        with self._connect() as db:
            if not db.postgres:
                db.execute("PRAGMA journal_mode=WAL")
            _migrate(db)

    @contextmanager
    def _connect(self) -> Iterator[Connection]:
        # current_thread, not get_ident: a thread Python did not start is then listed among the living
        # (threading.enumerate), so its connection is never taken for an ended thread's.
        thread = threading.current_thread().ident
        db = self._connections.get(thread)
        if db is None or not db.usable:
            # A PostgreSQL connection the server ended (a restart, a failover) is replaced: the request
            # that found it lost fails, the next ones work.
            db = connect(self.database_url, self.path)
            with self._connections_lock:
                self._connections[thread] = db
        if len(self._connections) > 1:
            with self._connections_lock:
                ended = self._connections_of_ended_threads()
            for stale in ended:
                stale.close()
        yield db

    def _connections_of_ended_threads(self) -> list[Connection]:
        """Take out the connections of threads that have ended (a server's request threads come and go):
        kept, they would hold the server's connections (or the file's handles) for good."""
        alive = {thread.ident for thread in threading.enumerate()}
        ended = [thread for thread in self._connections if thread not in alive]
        return [self._connections.pop(thread) for thread in ended]

    def close(self) -> None:
        """Close every thread's connection; a later call opens new ones."""
        with self._connections_lock:
            connections, self._connections = self._connections, {}
        for db in connections.values():
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[Connection]:
        with self._connect() as db:
            if db.in_transaction:
                raise RuntimeError("catalog transactions do not nest")
            db.begin()
            try:
                yield db
            except BaseException:
                db.rollback()
                raise
            db.commit()

    # documents -------------------------------------------------------------

    @retried
    def save_document(
        self,
        document: Document,
        pages: Sequence[PageInfo],
        blocks: Sequence[Block],
        facts: Sequence[FactRow],
        profile: ProfileRow | None = None,
        warnings: Sequence[ConsistencyWarning] = (),
    ) -> None:
        """Replace everything known about the document in one transaction: all of it or none of it.
        ``profile`` is its host country and profile as the checks across documents keep them, ``warnings``
        those of its own facts; the warnings it shared with other documents go, to be recomputed.
        IdentityConflict when the id is another document's (another name or confidentiality): checked in
        the same transaction as the write, so no concurrent upload can turn a document into another."""
        with self._transaction() as db:
            db.lock(_identity_keys(document))
            _check_identity(db, document)
            flags_before = _flags(db)
            for table in DOCUMENT_TABLES:
                db.execute(f"DELETE FROM {table} WHERE document_id = ?", (document.id,))
            _delete_warnings_of(db, document.id)
            _mark_pending(db, [document.id], public=True)
            db.execute(
                UPSERT_DOCUMENT,
                (document.id, document.filename, document.sha256, document.model_dump_json(),
                 int(document.confidential)),
            )
            db.executemany(
                "INSERT INTO document_countries VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(document.id, country.casefold()) for country in document.countries],
            )
            if document.status == "ingested":
                db.execute(
                    UPSERT_VERSION,
                    (document.id, document.version, document.sha256, _iso(document.ingested_at)),
                )
            db.executemany(
                "INSERT INTO pages VALUES (?, ?, ?)",
                ((document.id, p.number, p.model_dump_json()) for p in pages),
            )
            db.executemany(
                "INSERT INTO blocks VALUES (?, ?, ?, ?)",
                ((document.id, b.index, b.page, b.model_dump_json(exclude_defaults=True)) for b in blocks),
            )
            db.executemany(UPSERT_FACT, (
                (document.id, *row[:5], position, *row[5:]) for position, row in enumerate(facts)
            ))
            if profile is not None:
                _insert_profile(db, document.id, profile)
            _insert_warnings(db, warnings)
            _mark_flag_changes(db, flags_before)

    @retried
    def delete_document(self, document_id: str) -> list[str]:
        """Remove the document and everything it states; returns the SHA-256 of file contents no
        document or version references any more (the caller removes those files)."""
        with self._transaction() as db:
            db.lock([f"document\0{document_id}"])
            shas = {r[0] for r in db.execute(
                "SELECT sha256 FROM versions WHERE document_id = ? "
                "UNION SELECT sha256 FROM documents WHERE id = ?",
                (document_id, document_id),
            )}
            flags_before = _flags(db)
            for table in DOCUMENT_TABLES:
                db.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))
            _delete_warnings_of(db, document_id)
            _mark_flag_changes(db, flags_before)
            db.execute("DELETE FROM versions WHERE document_id = ?", (document_id,))
            db.execute("DELETE FROM documents WHERE id = ?", (document_id,))
            _mark_pending(db, [document_id], public=True)
            still_used = (
                "SELECT 1 FROM versions WHERE sha256 = ? UNION ALL SELECT 1 FROM documents WHERE sha256 = ?"
            )
            return sorted(sha for sha in shas if not db.execute(still_used, (sha, sha)).fetchone())

    def integrity_problems(self) -> list[str]:
        """What is wrong with the catalog as stored: SQLite's own checks, rows that belong to no document
        or warning, documents whose rows disagree with their data or lack their current version."""
        with self._connect() as db:
            problems = [] if db.postgres else _sqlite_problems(db)
            for table, sql in ORPHAN_QUERIES.items():
                count = db.execute(sql).fetchone()[0]
                if count:
                    problems.append(f"{count} {table}")
            rows = db.execute("SELECT id, filename, sha256, confidential, data FROM documents")
            for document_id, filename, sha256, confidential, data in rows:
                stated = Document.model_validate_json(data)
                row = (document_id, filename, sha256, bool(confidential))
                if (stated.id, stated.filename, stated.sha256, stated.confidential) != row:
                    problems.append(f"document {document_id}: its row and its data disagree")
        return problems

    def pending_refresh(self, *, public: bool = False) -> set[str]:
        """Documents whose warnings and index entries may not yet reflect their catalog rows; with
        ``public``, only those whose public view (their content, or the warnings a public viewer may see)
        may have changed."""
        sql = "SELECT document_id FROM pending_refresh" + (" WHERE public = 1" if public else "")
        with self._connect() as db:
            return {r[0] for r in db.execute(sql)}

    def mark_pending(self, document_ids: Iterable[str]) -> None:
        """Leave documents to the process that writes the index: it checks and indexes them next."""
        with self._transaction() as db:
            _mark_pending(db, list(document_ids), public=True)

    def clear_pending(self, document_ids: Iterable[str]) -> None:
        with self._transaction() as db:
            db.executemany("DELETE FROM pending_refresh WHERE document_id = ?", [(d,) for d in document_ids])

    # Every read that can reach a viewer takes include_confidential, False unless the caller says so.

    def get_document(self, document_id: str, *, include_confidential: bool = False) -> Document | None:
        return self._one_document("id = ?", (document_id,), include_confidential)

    def find_document(
        self, id_or_filename: str, *, include_confidential: bool = False, confidential: bool | None = None
    ) -> Document | None:
        """The document with this id, else with this file name. A public and a confidential document
        may share a name: the public one is the document the name stands for (everyone knows it by that
        name), so it is chosen unless ``confidential`` says otherwise; the confidential one is named by
        its id or with confidential=True, which still needs include_confidential."""
        where = "(id = ? OR filename = ?)"
        params: tuple = (id_or_filename, id_or_filename)
        if confidential is not None:
            where += " AND confidential = ?"
            params += (int(confidential),)
        # An exact id first, then the public document of the name.
        order = ("ORDER BY id = ? DESC, confidential", (id_or_filename,))
        return self._one_document(where, params, include_confidential, order)

    def identify(self, filename: str, confidential: bool) -> str:
        """The id of the document known by this name and confidentiality: the stored one, else its
        natural id (document_id_for), else, when a document stored before identities included
        confidentiality holds that id, one derived from it. Every process gets the same id for the same
        name and confidentiality, so concurrent uploads of one are versions of one document, never of
        another; save_document refuses any write that would still mix two."""
        with self._connect() as db:
            sql = "SELECT id FROM documents WHERE filename = ? AND confidential = ?"
            stored = db.execute(sql, (filename, int(confidential))).fetchone()
            if stored:
                return stored[0]
            candidate = document_id_for(filename, confidential)
            sql = "SELECT filename, confidential FROM documents WHERE id = ?"
            while holder := db.execute(sql, (candidate,)).fetchone():
                if (holder[0], bool(holder[1])) == (filename, confidential):
                    return candidate  # stored by another writer since the first look
                candidate = _next_candidate(candidate)
            return candidate

    def document_with_content(
        self, sha256: str, *, confidential: bool | None = None
    ) -> Document | None:
        """A document whose current version has this content (of this confidentiality, when given)."""
        if confidential is None:
            return self._one_document("sha256 = ?", (sha256,), True)
        return self._one_document("sha256 = ? AND confidential = ?", (sha256, int(confidential)), True)

    def _one_document(
        self, where: str, params: tuple, include_confidential: bool, order: tuple[str, tuple] = ("", ())
    ) -> Document | None:
        visible = "" if include_confidential else " AND confidential = 0"
        sql = f"SELECT data FROM documents WHERE {where}{visible} {order[0]} LIMIT 1"
        with self._connect() as db:
            row = db.execute(sql, (*params, *order[1])).fetchone()
        return Document.model_validate_json(row[0]) if row else None

    def list_documents(
        self, limit: int | None = None, offset: int = 0, *, include_confidential: bool = False
    ) -> list[Document]:
        visible = "" if include_confidential else "WHERE confidential = 0"
        with self._connect() as db:
            rows = db.execute(
                f"SELECT data FROM documents {visible} ORDER BY filename, id LIMIT ? OFFSET ?",
                (limit or db.no_limit, offset),
            ).fetchall()
        return [Document.model_validate_json(r[0]) for r in rows]

    def count_documents(self, *, include_confidential: bool = False) -> int:
        visible = "" if include_confidential else "WHERE confidential = 0"
        with self._connect() as db:
            return db.execute(f"SELECT COUNT(*) FROM documents {visible}").fetchone()[0]

    def pages(self, document_id: str) -> list[PageInfo]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT data FROM pages WHERE document_id = ? ORDER BY number", (document_id,)
            ).fetchall()
        return [PageInfo.model_validate_json(r[0]) for r in rows]

    def blocks(self, document_id: str) -> list[Block]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT data FROM blocks WHERE document_id = ? ORDER BY idx", (document_id,)
            ).fetchall()
        return [Block.model_validate_json(r[0]) for r in rows]

    def block_texts(self, document_id: str) -> Iterator[str]:
        """The blocks' texts in order, read lazily: who needs a document's opening reads only that."""
        with self._connect() as db:
            cursor = db.execute("SELECT data FROM blocks WHERE document_id = ? ORDER BY idx", (document_id,))
            try:
                while rows := cursor.fetchmany(64):
                    yield from (json.loads(row[0])["text"] for row in rows)
            finally:
                # The thread's connection outlives this reader: an unfinished statement would hold its
                # read snapshot, and the thread's later reads would not see newer writes.
                cursor.close()

    # facts -----------------------------------------------------------------

    def facts(
        self,
        document_id: str | None = None,
        kind: str | None = None,
        unit: str | None = None,
        limit: int | None = None,
        offset: int = 0,
        *,
        min_value: float | None = None,
        max_value: float | None = None,
        kinds: Collection[str] | None = None,
        include_confidential: bool = False,
    ) -> list[Fact]:
        """Facts in a stable order: by document id, then in the order the document states them."""
        where, params = _where({"document_id": document_id, "kind": kind, "unit": unit})
        conditions = [where.removeprefix("WHERE ")] if where else []
        if kinds is not None:
            conditions.append(f"kind IN ({_marks(sorted(kinds))})")
            params += tuple(sorted(kinds))
        if min_value is not None:
            conditions.append("value >= ?")
            params += (min_value,)
        if max_value is not None:
            conditions.append("value <= ?")
            params += (max_value,)
        if not include_confidential:
            conditions.append(f"document_id IN ({PUBLIC_DOCUMENTS})")
        clause = "WHERE " + " AND ".join(conditions) if conditions else ""
        sql = f"SELECT data FROM facts {clause} ORDER BY document_id, position LIMIT ? OFFSET ?"
        with self._connect() as db:
            rows = db.execute(sql, (*params, limit or db.no_limit, offset)).fetchall()
        return [Fact.model_validate_json(r[0]) for r in rows]

    def find_facts(
        self, query: FactQuery, window: Window = EVERYTHING, *, include_confidential: bool = False
    ) -> list[Fact]:
        """The facts matching the query, this window of them, in the order of facts()."""
        clause, params = _fact_clause(query, include_confidential)
        sql = f"SELECT data FROM facts {clause} ORDER BY document_id, position LIMIT ? OFFSET ?"
        with self._connect() as db:
            rows = db.execute(sql, (*params, window.limit or db.no_limit, window.offset)).fetchall()
        return [Fact.model_validate_json(r[0]) for r in rows]

    def count_facts(self, query: FactQuery, *, include_confidential: bool = False) -> int:
        clause, params = _fact_clause(query, include_confidential)
        with self._connect() as db:
            return db.execute(f"SELECT COUNT(*) FROM facts {clause}", params).fetchone()[0]

    def facts_on_pages(
        self, pages: Iterable[tuple[str, int]], *, include_confidential: bool = False
    ) -> dict[tuple[str, int], list[Fact]]:
        """The facts stated on each (document id, page), in the order the document states them."""
        # The documents' right to be seen is asked apart: a subquery in the same statement keeps SQLite
        # off the facts_page index.
        sql = "SELECT data FROM facts WHERE document_id = ? AND page = ? ORDER BY position"
        keys = list(dict.fromkeys(pages))
        with self._connect() as db:
            hidden = set() if include_confidential else _confidential_of(db, {d for d, _ in keys})
            found = {key: db.execute(sql, key).fetchall() for key in keys if key[0] not in hidden}
        return {key: [Fact.model_validate_json(r[0]) for r in found.get(key, ())] for key in keys}

    # profiles --------------------------------------------------------------

    def save_profile(self, document_id: str, profile: ProfileRow) -> None:
        """Keep a document's profile and keys (replaced, with its other rows, when the document changes);
        a document removed meanwhile gets none."""
        with self._transaction() as db:
            if db.execute("SELECT 1 FROM documents WHERE id = ?", (document_id,)).fetchone():
                _insert_profile(db, document_id, profile)

    def profiles(
        self, document_ids: Iterable[str] = (), *, keys: Iterable[str] = ()
    ) -> dict[str, StoredProfile]:
        """The stored profiles (document, host country, profile) of these documents and of every document
        holding one of these keys."""
        ids, wanted = list(dict.fromkeys(document_ids)), list(dict.fromkeys(keys))
        sql = (
            "SELECT d.id, d.filename, p.host_country, p.data FROM profiles p "
            "JOIN documents d ON d.id = p.document_id "
            f"WHERE p.document_id IN ({_marks(ids)}) OR p.document_id IN "
            f"(SELECT document_id FROM profile_keys WHERE key IN ({_marks(wanted)}))"
        )
        with self._connect() as db:
            rows = db.execute(sql, (*ids, *wanted)).fetchall()
        return {r[0]: StoredProfile(DocumentRef(id=r[0], filename=r[1]), r[2], r[3]) for r in rows}

    def profile_keys(self, document_ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(document_ids))
        sql = f"SELECT DISTINCT key FROM profile_keys WHERE document_id IN ({_marks(ids)})"
        with self._connect() as db:
            return {r[0] for r in db.execute(sql, ids)}

    def documents_without_profile(self, version: int) -> list[str]:
        """Ingested documents without a profile of this version: new ones, or all in an older catalog."""
        sql = (
            f"SELECT d.id FROM documents d WHERE {_STATUS} = 'ingested' AND NOT EXISTS (SELECT 1 FROM "
            "profiles p WHERE p.document_id = d.id AND "
            "CAST(json_extract(p.data, '$.version') AS INTEGER) = ?) ORDER BY d.id"
        )
        with self._connect() as db:
            return [r[0] for r in db.execute(sql, (version,))]

    # project decisions -----------------------------------------------------

    def save_decision(self, decision: ProjectDecision) -> None:
        first, second = sorted(decision.documents)
        with self._transaction() as db:
            db.execute(UPSERT_DECISION,
                       (first, second, decision.model_dump_json()))

    def delete_decision(self, first: str, second: str) -> bool:
        with self._transaction() as db:
            pair = sorted((first, second))
            sql = "DELETE FROM project_decisions WHERE first_id = ? AND second_id = ?"
            return db.execute(sql, pair).rowcount > 0

    def decisions(self, *, include_confidential: bool) -> list[ProjectDecision]:
        """The reviewers' decisions; without include_confidential, none that involves a confidential
        document."""
        sql = "SELECT data FROM project_decisions"
        if not include_confidential:
            sql += f" WHERE first_id IN ({PUBLIC_DOCUMENTS}) AND second_id IN ({PUBLIC_DOCUMENTS})"
        with self._connect() as db:
            rows = db.execute(sql + " ORDER BY first_id, second_id").fetchall()
        return [ProjectDecision.model_validate_json(r[0]) for r in rows]

    # warnings --------------------------------------------------------------

    def replace_warnings(
        self,
        warnings: Iterable[ConsistencyWarning],
        documents: Iterable[str] | None = None,
        rules: Collection[str] | None = None,
    ) -> None:
        """Store a fresh computation of the warnings touching these documents (all when None), of these
        rules (all when None).

        Reviewers' decisions are kept apart and stay attached by warning id.
        """
        # Read once: a transaction run again (see retried) must write the same warnings.
        self._replace_warnings(list(warnings), None if documents is None else list(documents), rules)

    @retried
    def _replace_warnings(
        self,
        warnings: Sequence[ConsistencyWarning],
        documents: Sequence[str] | None,
        rules: Collection[str] | None,
    ) -> None:
        with self._transaction() as db:
            flags_before = _flags(db)
            if documents is None:
                db.execute("DELETE FROM warnings")
                db.execute("DELETE FROM warning_documents")
            for document_id in documents or ():
                _delete_warnings_of(db, document_id, rules)
            _insert_warnings(db, warnings)
            _mark_flag_changes(db, flags_before)

    def warnings(
        self,
        document_id: str | None = None,
        warning_id: str | None = None,
        *,
        include_confidential: bool = False,
    ) -> list[ConsistencyWarning]:
        """Warnings by severity, rule and id; without include_confidential, none that involves a
        confidential document (a cross-document warning with one included)."""
        query = WarningQuery(document_id=document_id)
        clause, params = _warning_clause(query, include_confidential, warning_id=warning_id)
        return self._read_warnings(clause, params, EVERYTHING)

    def find_warnings(
        self, query: WarningQuery, window: Window = EVERYTHING, *, include_confidential: bool = False
    ) -> list[ConsistencyWarning]:
        """The warnings matching the query, this window of them, by severity, rule and id."""
        clause, params = _warning_clause(query, include_confidential)
        return self._read_warnings(clause, params, window)

    def count_warnings(self, query: WarningQuery, *, include_confidential: bool = False) -> int:
        clause, params = _warning_clause(query, include_confidential)
        with self._connect() as db:
            return db.execute(f"SELECT COUNT(*) {WARNINGS_FROM} {clause}", params).fetchone()[0]

    def _read_warnings(self, clause: str, params: list[object], window: Window) -> list[ConsistencyWarning]:
        sql = (
            f"SELECT w.data, r.status, r.note {WARNINGS_FROM} {clause} "
            "ORDER BY w.severity, w.rule, w.id LIMIT ? OFFSET ?"
        )
        with self._connect() as db:
            rows = db.execute(sql, (*params, window.limit or db.no_limit, window.offset)).fetchall()
        read = ConsistencyWarning.model_validate_json
        return [_with_review(read(data), status, note) for data, status, note in rows]

    def warning_flags(self) -> WarningFlags:
        """The documents some warning involves, and those some warning a public viewer may see involves:
        what the index marks passages with (has_warnings, public_warnings)."""
        with self._connect() as db:
            return _flags(db)

    def documents_with_warnings(self, *, public_only: bool = False) -> set[str]:
        """Documents some warning involves; with public_only, only warnings involving no confidential
        document count (what a public viewer may learn)."""
        with self._connect() as db:
            return _flagged(db, public_only)

    def review_warning(self, warning_id: str, status: str, note: str | None) -> ConsistencyWarning | None:
        with self._transaction() as db:
            if not db.execute("SELECT 1 FROM warnings WHERE id = ?", (warning_id,)).fetchone():
                return None
            db.execute(
                UPSERT_REVIEW,
                (warning_id, status, note, _iso(datetime.now(UTC))),
            )
        return self.warnings(warning_id=warning_id, include_confidential=True)[0]

    # API keys --------------------------------------------------------------

    def add_key(self, record: KeyRecord) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT INTO api_keys VALUES (?, ?, ?, ?, ?, ?)",
                (record.id, record.name, record.role, record.key_hash, record.created_at, record.revoked_at),
            )

    def key_with_hash(self, key_hash: str) -> KeyRecord | None:
        with self._connect() as db:
            row = db.execute("SELECT * FROM api_keys WHERE key_hash = ?", (key_hash,)).fetchone()
        return KeyRecord(*row) if row else None

    def api_keys(self) -> list[KeyRecord]:
        with self._connect() as db:
            return [KeyRecord(*row) for row in db.execute("SELECT * FROM api_keys ORDER BY created_at, id")]

    def revoke_key(self, key_id: str) -> bool:
        """Revoke a key; False when there is no such key. Revoking twice keeps the first time."""
        with self._transaction() as db:
            found = db.execute("SELECT 1 FROM api_keys WHERE id = ?", (key_id,)).fetchone()
            db.execute(
                "UPDATE api_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                (_iso(datetime.now(UTC)), key_id),
            )
        return found is not None

    # jobs ------------------------------------------------------------------

    def save_job(self, job: Job, *, owner: str | None = None) -> bool:
        """Record a job. With ``owner``, only while that process holds the job's lease (False when it
        lost it to another); a job that stops running gives its lease up."""
        with self._transaction() as db:
            if owner is None:
                db.execute(UPSERT_JOB, (job.id, job.status, _iso(job.created_at), job.model_dump_json()))
                return True
            cursor = db.execute(
                "UPDATE jobs SET status = ?, data = ?, lease_owner = CASE WHEN ? = 'running' THEN "
                "lease_owner END, lease_until = CASE WHEN ? = 'running' THEN lease_until END "
                "WHERE id = ? AND lease_owner = ?",
                (job.status, job.model_dump_json(), job.status, job.status, job.id, owner),
            )
            return cursor.rowcount == 1

    @retried
    def claim_jobs(
        self, owner: str, lease_seconds: float, *, limit: int, ids: Sequence[str] | None = None
    ) -> list[Job]:
        """Take up to ``limit`` jobs to run, oldest first, leased to ``owner`` for ``lease_seconds``: the
        queued ones, and the running ones whose lease ran out (their process died), or, with ``ids``,
        those of them still queued. Each is returned as it was before (a running one was interrupted)
        and recorded as running. Two processes never take one job: PostgreSQL skips the rows another
        transaction is claiming, SQLite's immediate transaction lets one writer in at a time."""
        now = datetime.now(UTC)
        if ids is not None:
            where, params = f"status = 'queued' AND id IN ({_marks(ids)})", list(ids)
        else:
            where, params = CLAIMABLE, [_lease_time(now)]
        with self._connect() as db:  # most rounds find nothing: no write transaction for them
            if db.execute(f"SELECT 1 FROM jobs WHERE {where} LIMIT 1", params).fetchone() is None:
                return []
        with self._transaction() as db:
            skip = " FOR UPDATE SKIP LOCKED" if db.postgres else ""
            sql = f"SELECT data FROM jobs WHERE {where} ORDER BY created_at, id LIMIT ?{skip}"
            found = [Job.model_validate_json(r[0]) for r in db.execute(sql, (*params, limit)).fetchall()]
            until = _lease_time(now + timedelta(seconds=lease_seconds))
            for job in found:
                running = job.model_copy(update={"status": "running", "updated_at": now})
                db.execute(
                    "UPDATE jobs SET status = 'running', data = ?, lease_owner = ?, lease_until = ? "
                    "WHERE id = ?",
                    (running.model_dump_json(), owner, until, job.id),
                )
        return found

    def renew_leases(self, owner: str, lease_seconds: float) -> int:
        """Push back the lease of every job ``owner`` runs; how many it holds."""
        until = _lease_time(datetime.now(UTC) + timedelta(seconds=lease_seconds))
        with self._transaction() as db:
            cursor = db.execute(
                "UPDATE jobs SET lease_until = ? WHERE lease_owner = ? AND status = 'running'", (until, owner)
            )
            return cursor.rowcount

    def get_job(self, job_id: str) -> Job | None:
        with self._connect() as db:
            row = db.execute("SELECT data FROM jobs WHERE id = ?", (job_id,)).fetchone()
        return Job.model_validate_json(row[0]) if row else None

    def jobs(self, status: str | None = None) -> list[Job]:
        return self.find_jobs(JobQuery(status))

    def find_jobs(self, query: JobQuery, window: Window = EVERYTHING) -> list[Job]:
        """Uploads, oldest first."""
        where, params = _where({"status": query.status})
        sql = f"SELECT data FROM jobs {where} ORDER BY created_at, id LIMIT ? OFFSET ?"
        with self._connect() as db:
            rows = db.execute(sql, (*params, window.limit or db.no_limit, window.offset)).fetchall()
        return [Job.model_validate_json(r[0]) for r in rows]

    def count_jobs(self, query: JobQuery) -> int:
        where, params = _where({"status": query.status})
        with self._connect() as db:
            return db.execute(f"SELECT COUNT(*) FROM jobs {where}", params).fetchone()[0]


# Jobs a process may take: queued, or running under a lease that ran out (or none: a catalog made before
# leases, whose service was stopped while it ran).
CLAIMABLE = "status = 'queued' OR (status = 'running' AND (lease_until IS NULL OR lease_until < ?))"


def _lease_time(moment: datetime) -> str:
    """A lease's end as text of one fixed width, so that comparing the texts compares the times."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def upsert(table: str, key: Sequence[str], columns: Sequence[str]) -> str:
    """Insert a row, or replace the columns of the row with this key: one statement both databases take
    (INSERT OR REPLACE is SQLite's alone)."""
    names = (*key, *columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        f"ON CONFLICT ({', '.join(key)}) DO UPDATE SET {updates}"
    )


UPSERT_DOCUMENT = upsert("documents", ("id",), ("filename", "sha256", "data", "confidential"))
UPSERT_VERSION = upsert("versions", ("document_id", "version"), ("sha256", "ingested_at"))
FACT_COLUMNS = (
    "kind", "unit", "value", "data", "position", "page", "subject_key", "period_start", "period_end"
)
UPSERT_FACT = upsert("facts", ("document_id", "id"), FACT_COLUMNS)
UPSERT_WARNING = upsert("warnings", ("id",), ("rule", "severity", "data"))
UPSERT_PROFILE = upsert("profiles", ("document_id",), ("host_country", "data"))
UPSERT_DECISION = upsert("project_decisions", ("first_id", "second_id"), ("data",))
UPSERT_REVIEW = upsert("reviews", ("warning_id",), ("status", "note", "updated_at"))
UPSERT_JOB = upsert("jobs", ("id",), ("status", "created_at", "data"))


def fact_columns(position: int, data: str) -> tuple[int, int | None, str, str | None, str | None]:
    """What the facts table keeps of a fact stored as JSON besides its JSON: its position in its document
    and its FactKeys (for rows written before the table had them)."""
    fact = json.loads(data)
    page = (fact.get("evidence") or {}).get("page")
    return position, *fact_keys(page, fact.get("subject"), fact.get("period"))


def fact_keys(page: int | None, subject: str | None, period: str | None) -> FactKeys:
    """The columns queries read: the fact's page, its subject case-folded (Python's casefold: SQL's lower()
    folds less, and differently on each database) and its period's first and last day."""
    bounds = period_bounds(period)
    start, end = (bounds[0].isoformat(), bounds[1].isoformat()) if bounds else (None, None)
    return page, (subject or "").casefold(), start, end


SUBJECT_HOLDS = "instr(subject_key, ?) > 0"
# The fact's document is about the country (the documents' rights are asked apart, in the visibility).
DOCUMENT_ABOUT = (
    "EXISTS (SELECT 1 FROM document_countries c "
    "WHERE c.document_id = facts.document_id AND c.country_key = ?)"
)


def _fact_clause(query: FactQuery, include_confidential: bool) -> tuple[str, list[object]]:
    """The WHERE clause of the facts table for this query and viewer, with its parameters."""
    equal = {"document_id": query.document_id, "kind": query.kind, "unit": query.unit,
             "json_extract(data, '$.language')": query.language}
    conditions = [f"{column} = ?" for column, value in equal.items() if value is not None]
    params: list[object] = [value for value in equal.values() if value is not None]
    if query.min_value is not None:
        conditions.append("value >= ?")
        params.append(query.min_value)
    if query.max_value is not None:
        conditions.append("value <= ?")
        params.append(query.max_value)
    if query.project:
        conditions.append(SUBJECT_HOLDS)
        params.append(query.project.casefold())
    if query.country:
        conditions.append(f"({SUBJECT_HOLDS} OR {DOCUMENT_ABOUT})")
        params += [query.country.casefold()] * 2
    if query.period is not None:
        # Overlapping: the fact's period starts by the last day wanted and ends on or after the first.
        conditions.append("period_start <= ? AND period_end >= ?")
        params += [query.period[1].isoformat(), query.period[0].isoformat()]
    if not include_confidential:
        conditions.append(f"document_id IN ({PUBLIC_DOCUMENTS})")
    return ("WHERE " + " AND ".join(conditions) if conditions else ""), params


WARNINGS_FROM = "FROM warnings w LEFT JOIN reviews r ON r.warning_id = w.id"


def _warning_clause(
    query: WarningQuery, include_confidential: bool, warning_id: str | None = None
) -> tuple[str, list[object]]:
    """The WHERE clause of WARNINGS_FROM for this query and viewer (and one warning), with its parameters."""
    conditions: list[str] = []
    params: list[object] = []
    if warning_id:
        conditions.append("w.id = ?")
        params.append(warning_id)
    if query.document_id:
        conditions.append("w.id IN (SELECT warning_id FROM warning_documents WHERE document_id = ?)")
        params.append(query.document_id)
    equal = {"w.severity": query.severity, "w.rule": query.rule,
             "coalesce(r.status, json_extract(w.data, '$.status'))": query.status}
    conditions += [f"{column} = ?" for column, value in equal.items() if value is not None]
    params += [value for value in equal.values() if value is not None]
    if not include_confidential:
        conditions.append(f"w.id NOT IN ({CONFIDENTIAL_WARNINGS})")
    return ("WHERE " + " AND ".join(conditions) if conditions else ""), params


def _insert_profile(db: Connection, document_id: str, profile: ProfileRow) -> None:
    row = (document_id, profile.host_country, profile.data)
    db.execute(UPSERT_PROFILE, row)
    db.execute("DELETE FROM profile_keys WHERE document_id = ?", (document_id,))
    db.executemany("INSERT INTO profile_keys VALUES (?, ?)", ((document_id, key) for key in profile.keys))


# The catalog's schema version, kept in schema_version. Version 1 is the catalog the first releases made,
# which kept no version (any catalog with a documents table and no schema_version); each later version
# has its step in MIGRATION_STEPS, run in order, all in one transaction. A new catalog is made at once at
# SCHEMA_VERSION from SCHEMA, which always describes the latest version.
SCHEMA_VERSION = 3


class CatalogTooNew(RuntimeError):
    """The catalog was made or migrated by a newer release than this one: it is left untouched."""


def _migrate(db: Connection) -> None:
    """Create a new catalog, or bring an older one to SCHEMA_VERSION in place, in one transaction: another
    process opening the same catalog meanwhile waits (SQLite's write lock, an advisory lock on
    PostgreSQL), then finds nothing left to do. A current catalog is only read: opening it takes no lock."""
    if _version(db) == SCHEMA_VERSION:
        return
    with db.exclusively():
        db.begin()
        try:
            _migrate_in_transaction(db)
        except BaseException:
            db.rollback()
            raise
        db.commit()


def _migrate_in_transaction(db: Connection) -> None:
    version = _version(db)  # again: another process may have done it meanwhile
    if version == 0:  # a new catalog: made at the latest version, nothing to migrate
        _create_schema(db)
        version = SCHEMA_VERSION
    for number, step in MIGRATION_STEPS.items():
        if version < number:
            step(db)
    db.execute("DELETE FROM schema_version")
    db.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))


def _version(db: Connection) -> int:
    """The catalog's schema version: 0 for an empty database, 1 for a catalog of the first releases."""
    if db.has_table("schema_version"):
        version = db.execute("SELECT max(version) FROM schema_version").fetchone()[0] or 1
    else:
        version = 1 if db.has_table("documents") else 0
    if version > SCHEMA_VERSION:
        raise CatalogTooNew(
            f"the catalog has schema version {version}, this release knows versions up to {SCHEMA_VERSION}: "
            "upgrade jcm-knowledge to open it"
        )
    return version


def _create_schema(db: Connection) -> None:
    for statement in schema_statements(SCHEMA):
        db.execute_ddl(statement)


def schema_statements(script: str) -> list[str]:
    """The statements of a schema script, without its comments: run one by one, so that they stay in the
    migration's transaction (sqlite3's executescript commits first)."""
    lines = [line.split("--", 1)[0] for line in script.splitlines()]
    return [statement.strip() for statement in "\n".join(lines).split(";") if statement.strip()]


def _to_version_2(db: Connection) -> None:
    """Version 1 (the first releases, SQLite only) to 2: facts keep, in columns of their own, what queries
    filtered with Python functions registered in SQLite (case-folded subject, period bounds) and their
    order (no more rowid, which PostgreSQL lacks); the countries of documents get a table; the first
    releases' own fixes (missing columns, file names unique without their confidentiality) are made."""
    present = {row[1] for row in db.execute("PRAGMA table_info(facts)")}
    for column, declaration in FACTS_COLUMNS_OF_VERSION_2.items():
        if present and column not in present:  # no facts table yet: the schema makes it whole
            db.execute(f"ALTER TABLE facts ADD COLUMN {column} {declaration}")
    db.execute("DROP INDEX IF EXISTS facts_page")  # it indexed a JSON expression, now the page column
    _create_schema(db)  # tables and indexes an older catalog lacks
    for statement in _migrations_due(db):
        db.execute(statement)
    _fill_fact_columns(db)
    _fill_document_countries(db)


FACTS_COLUMNS_OF_VERSION_2 = {
    "position": "INTEGER NOT NULL DEFAULT 0",
    "page": "INTEGER",
    "subject_key": "TEXT NOT NULL DEFAULT ''",
    "period_start": "TEXT",
    "period_end": "TEXT",
}


def _fill_fact_columns(db: Connection) -> None:
    """Compute the new columns of every stored fact, a document at a time, keeping the order in which its
    facts were stored (their rowid)."""
    update = (
        "UPDATE facts SET position = ?, page = ?, subject_key = ?, period_start = ?, period_end = ? "
        "WHERE document_id = ? AND id = ?"
    )
    documents = [r[0] for r in db.execute("SELECT DISTINCT document_id FROM facts")]
    for document_id in documents:
        sql = "SELECT id, data FROM facts WHERE document_id = ? ORDER BY rowid"
        rows = db.execute(sql, (document_id,)).fetchall()
        db.executemany(update, [
            (*fact_columns(position, data), document_id, fact_id)
            for position, (fact_id, data) in enumerate(rows)
        ])


def _fill_document_countries(db: Connection) -> None:
    for document_id, data in db.execute("SELECT id, data FROM documents").fetchall():
        countries = json.loads(data).get("countries") or []
        db.executemany(
            "INSERT INTO document_countries VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(document_id, country.casefold()) for country in countries],
        )


def _to_version_3(db: Connection) -> None:
    """Version 2 to 3: a job records which process runs it and until when (its lease), so that several
    ingesting processes share the queue and a job whose process died is taken again."""
    present = db.columns("jobs")
    for column in ("lease_owner", "lease_until"):
        if column not in present:  # a version 1 catalog got them from the schema on its way to 2
            db.execute_ddl(f"ALTER TABLE jobs ADD COLUMN {column} TEXT")


MIGRATION_STEPS = {2: _to_version_2, 3: _to_version_3}


def _migrations_due(db: Connection) -> list[str]:
    """The first releases' own fixes this catalog still needs, in order (none for a current one)."""
    due = []
    for (table, column), statement in MIGRATIONS.items():
        columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in columns:
            due.append(statement)
    return due + list(REBUILD_DOCUMENTS if _filename_alone_unique(db) else ())


def _sqlite_problems(db: Connection) -> list[str]:
    """SQLite's own checks of its file and of the foreign keys."""
    problems = [f"SQLite: {r[0]}" for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
    return problems + [f"foreign key broken: {tuple(r)}" for r in db.execute("PRAGMA foreign_key_check")]


def _filename_alone_unique(db: Connection) -> bool:
    """Whether the documents table still has the first release's UNIQUE (filename)."""
    for _seq, name, unique, *_ in db.execute("PRAGMA index_list(documents)").fetchall():
        columns = [row[2] for row in db.execute(f"PRAGMA index_info('{name}')")]
        if unique and columns == ["filename"]:
            return True
    return False


def _identity_keys(document: Document) -> list[str]:
    """What two writers of one document share, its id or its name and confidentiality: a writer holds
    both while it checks and writes the document (see Connection.lock)."""
    return [f"document\0{document.id}", f"name\0{int(document.confidential)}\0{document.filename}"]


def _check_identity(db: Connection, document: Document) -> None:
    """IdentityConflict unless the document's id is free or already this name and confidentiality, and no
    other document is this name and confidentiality: INSERT OR REPLACE would otherwise silently delete
    the other row, or change a stored document's confidentiality."""
    sql = (
        "SELECT id, filename, confidential FROM documents "
        "WHERE id = ? OR (filename = ? AND confidential = ?)"
    )
    wanted = (document.id, document.filename, int(document.confidential))
    for stored in db.execute(sql, wanted).fetchall():
        if tuple(stored) != wanted:
            kind = "confidential" if stored[2] else "public"
            raise IdentityConflict(
                f"{document.filename!r} cannot be stored as document {document.id}: document {stored[0]} is "
                f"the {kind} {stored[1]!r}, and a document's name and confidentiality never change"
            )


def _mark_pending(db: Connection, document_ids: Iterable[str], *, public: bool) -> None:
    """Mark documents whose index entries must follow (see pending_refresh); a mark that says the public
    view changed is never weakened by a later one that says it did not."""
    db.executemany(MARK_PENDING, [(d, int(public)) for d in document_ids])


def _confidential_of(db: Connection, document_ids: set[str]) -> set[str]:
    marks = ", ".join("?" * len(document_ids))
    sql = f"SELECT id FROM documents WHERE confidential = 1 AND id IN ({marks})"
    return {r[0] for r in db.execute(sql, sorted(document_ids))} if document_ids else set()


def _flagged(db: Connection, public_only: bool) -> set[str]:
    sql = "SELECT DISTINCT document_id FROM warning_documents"
    if public_only:
        sql += f" WHERE warning_id NOT IN ({CONFIDENTIAL_WARNINGS})"
    return {r[0] for r in db.execute(sql)}


def _flags(db: Connection) -> WarningFlags:
    """The documents whose passages carry has_warnings, and those whose passages carry public_warnings."""
    return WarningFlags(_flagged(db, public_only=False), _flagged(db, public_only=True))


def _mark_flag_changes(db: Connection, flags_before: WarningFlags) -> None:
    """A document that gains its first warning or loses its last (its first or last a public viewer may
    see) is searched by that flag: its index entries must follow, even if this process dies before it
    reindexes them."""
    now = _flags(db)
    public = flags_before.public_flagged ^ now.public_flagged
    _mark_pending(db, public, public=True)
    _mark_pending(db, (flags_before.flagged ^ now.flagged) - public, public=False)


def _delete_warnings_of(
    db: Connection, document_id: str, rules: Collection[str] | None = None
) -> None:
    """The warnings involving the document (of these rules only, when given), and their links."""
    stale = "SELECT warning_id FROM warning_documents WHERE document_id = ?"
    params: tuple[str, ...] = (document_id,)
    if rules is not None:
        stale += f" AND warning_id IN (SELECT id FROM warnings WHERE rule IN ({_marks(sorted(rules))}))"
        params += tuple(sorted(rules))
    doomed = [r[0] for r in db.execute(stale, params)]
    db.executemany("DELETE FROM warnings WHERE id = ?", [(w,) for w in doomed])
    db.executemany("DELETE FROM warning_documents WHERE warning_id = ?", [(w,) for w in doomed])


def _insert_warnings(db: Connection, warnings: Iterable[ConsistencyWarning]) -> None:
    for warning in warnings:
        stored = warning.model_copy(update={"status": "open", "note": None})
        db.execute(
            UPSERT_WARNING,
            (warning.id, warning.rule, warning.severity, stored.model_dump_json()),
        )
        db.executemany(
            "INSERT INTO warning_documents VALUES (?, ?) ON CONFLICT DO NOTHING",
            [(warning.id, d.id) for d in warning.documents],
        )


def fact_rows(facts: Iterable[Fact]) -> list[FactRow]:
    return [
        (fact.id, fact.kind, fact.unit, fact.value, fact.model_dump_json(),
         *fact_keys(fact.evidence.page, fact.subject, fact.period))
        for fact in facts
    ]


def document_ref(document: Document) -> DocumentRef:
    return DocumentRef(id=document.id, filename=document.filename)


def _with_review(warning: ConsistencyWarning, status: str | None, note: str | None) -> ConsistencyWarning:
    if status is None:
        return warning
    return warning.model_copy(update={"status": status, "note": note})


def _where(filters: dict[str, str | None]) -> tuple[str, tuple[str, ...]]:
    present = {k: v for k, v in filters.items() if v is not None}
    if not present:
        return "", ()
    return "WHERE " + " AND ".join(f"{k} = ?" for k in present), tuple(present.values())


def _marks(values: Sequence[object]) -> str:
    """The parameters of `x IN (...)` for these values. None makes `x IN (NULL)`, true of no row, as
    `IN ()` is in SQLite: PostgreSQL refuses an empty list (never use it after NOT IN)."""
    return ", ".join("?" * len(values)) or "NULL"


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).isoformat()
