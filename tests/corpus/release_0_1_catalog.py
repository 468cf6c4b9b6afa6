"""The catalog as release 0.1.0 wrote it (schema version 1, before schema versions were kept), verbatim
but for this docstring: the migration tests build catalogs with it, as a deployed release made them, and
open them with today's code. Never change it: it stands for catalogs already on disk."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import threading
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from corpus.filters import EVERYTHING, FactQuery, JobQuery, WarningQuery, Window, overlaps
from corpus.layout import DataLayout
from corpus.models import (
    Block,
    Document,
    DocumentRef,
    Fact,
    Job,
    PageInfo,
    ProfileRow,
    ProjectDecision,
    Warning,
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
CREATE TABLE IF NOT EXISTS facts (
    document_id TEXT NOT NULL,
    id TEXT NOT NULL,
    kind TEXT NOT NULL,
    unit TEXT NOT NULL,
    value REAL NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (document_id, id)
);
CREATE INDEX IF NOT EXISTS facts_kind ON facts(kind);
-- The facts of one page of a document (a search hit's facts) without reading the whole document's.
CREATE INDEX IF NOT EXISTS facts_page ON facts(document_id, json_extract(data, '$.evidence.page'));
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
-- Uploads ingested in the background; kept so their outcome survives a restart.
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    created_at TEXT NOT NULL,
    data TEXT NOT NULL
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
    "INSERT INTO pending_refresh VALUES (?, ?) "
    "ON CONFLICT (document_id) DO UPDATE SET public = max(public, excluded.public)"
)
# Documents a viewer who may not see confidential ones is allowed to see.
PUBLIC_DOCUMENTS = "SELECT id FROM documents WHERE confidential = 0"
CONFIDENTIAL_WARNINGS = (
    "SELECT wd.warning_id FROM warning_documents wd JOIN documents d ON d.id = wd.document_id "
    "WHERE d.confidential = 1"
)

# A fact as the catalog stores it: id, kind, unit, value and the whole fact as JSON. Made where the facts
# are extracted, it crosses from a worker to the catalog as strings, far cheaper to pickle than models.
FactRow = tuple[str, str, str, float, str]
Flags = tuple[set[str], set[str]]  # documents with warnings, and with warnings a public viewer may see
DOCUMENT_TABLES = ("pages", "blocks", "facts", "profiles", "profile_keys")
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
    "json_extract(d.data, '$.version') AND v.sha256 = d.sha256)",
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


class Catalog:
    """Documents, their pages, blocks, facts and warnings in one SQLite database."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        layout = DataLayout(self.data_dir)
        self.path = layout.catalog
        self.files = FileStore(layout.files)
        # A connection per thread, kept open: a new connection per unit of work re-read the schema, and
        # closing the last one checkpointed the WAL, several times per ingested file.
        self._connections: dict[int, sqlite3.Connection] = {}
        self._connections_lock = threading.Lock()
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)
            _migrate(db)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        thread = threading.get_ident()
        db = self._connections.get(thread)
        if db is None:
            # Only this thread uses it; check_same_thread is off so that close() may close it.
            db = sqlite3.connect(self.path, timeout=30, isolation_level=None, check_same_thread=False)
            db.execute("PRAGMA foreign_keys=ON")
            _add_functions(db)
            db.execute("PRAGMA synchronous=NORMAL")
            with self._connections_lock:
                self._connections[thread] = db
        yield db

    def close(self) -> None:
        """Close every thread's connection; a later call opens new ones."""
        with self._connections_lock:
            connections, self._connections = self._connections, {}
        for db in connections.values():
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
            if db.in_transaction:
                raise RuntimeError("catalog transactions do not nest")
            db.execute("BEGIN IMMEDIATE")
            try:
                yield db
            except BaseException:
                db.execute("ROLLBACK")
                raise
            db.execute("COMMIT")

    # documents -------------------------------------------------------------

    def save_document(
        self,
        document: Document,
        pages: Sequence[PageInfo],
        blocks: Sequence[Block],
        facts: Sequence[FactRow],
        profile: ProfileRow | None = None,
        warnings: Sequence[Warning] = (),
    ) -> None:
        """Replace everything known about the document in one transaction: all of it or none of it.
        ``profile`` is its host country and profile as the checks across documents keep them, ``warnings``
        those of its own facts; the warnings it shared with other documents go, to be recomputed.
        IdentityConflict when the id is another document's (another name or confidentiality): checked in
        the same transaction as the write, so no concurrent upload can turn a document into another."""
        with self._transaction() as db:
            _check_identity(db, document)
            flags_before = _flags(db)
            for table in DOCUMENT_TABLES:
                db.execute(f"DELETE FROM {table} WHERE document_id = ?", (document.id,))
            _delete_warnings_of(db, document.id)
            _mark_pending(db, [document.id], public=True)
            db.execute(
                "INSERT OR REPLACE INTO documents (id, filename, sha256, data, confidential) "
                "VALUES (?, ?, ?, ?, ?)",
                (document.id, document.filename, document.sha256, document.model_dump_json(),
                 int(document.confidential)),
            )
            if document.status == "ingested":
                db.execute(
                    "INSERT OR REPLACE INTO versions VALUES (?, ?, ?, ?)",
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
            # The sample is given as today's rows, which carry query columns release 0.1 did not store.
            rows = ((document.id, *row[:5]) for row in facts)
            db.executemany("INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?, ?)", rows)
            if profile is not None:
                _insert_profile(db, document.id, profile)
            _insert_warnings(db, warnings)
            _mark_flag_changes(db, flags_before)

    def delete_document(self, document_id: str) -> list[str]:
        """Remove the document and everything it states; returns the SHA-256 of file contents no
        document or version references any more (the caller removes those files)."""
        with self._transaction() as db:
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
            problems = [f"SQLite: {r[0]}" for r in db.execute("PRAGMA integrity_check") if r[0] != "ok"]
            problems += [f"foreign key broken: {tuple(r)}" for r in db.execute("PRAGMA foreign_key_check")]
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
                (limit or -1, offset),
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
        sql = f"SELECT data FROM facts {clause} ORDER BY document_id, rowid LIMIT ? OFFSET ?"
        with self._connect() as db:
            rows = db.execute(sql, (*params, limit or -1, offset)).fetchall()
        return [Fact.model_validate_json(r[0]) for r in rows]

    def find_facts(
        self, query: FactQuery, window: Window = EVERYTHING, *, include_confidential: bool = False
    ) -> list[Fact]:
        """The facts matching the query, this window of them, in the order of facts()."""
        clause, params = _fact_clause(query, include_confidential)
        sql = f"SELECT data FROM facts {clause} ORDER BY document_id, rowid LIMIT ? OFFSET ?"
        with self._connect() as db:
            rows = db.execute(sql, (*params, window.limit or -1, window.offset)).fetchall()
        return [Fact.model_validate_json(r[0]) for r in rows]

    def count_facts(self, query: FactQuery, *, include_confidential: bool = False) -> int:
        clause, params = _fact_clause(query, include_confidential)
        with self._connect() as db:
            return db.execute(f"SELECT COUNT(*) FROM facts {clause}", params).fetchone()[0]

    def facts_on_pages(
        self, pages: Iterable[tuple[str, int]], *, include_confidential: bool = False
    ) -> dict[tuple[str, int], list[Fact]]:
        """The facts stated on each (document id, page), in the order the document states them."""
        # The expression must be the facts_page index's for the index to serve it; the documents' right
        # to be seen is asked apart, as a subquery in the same statement keeps SQLite off that index.
        sql = (
            "SELECT data FROM facts WHERE document_id = ? AND json_extract(data, '$.evidence.page') = ?"
            " ORDER BY rowid"
        )
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
    ) -> dict[str, tuple[DocumentRef, str | None, str]]:
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
        return {r[0]: (DocumentRef(id=r[0], filename=r[1]), r[2], r[3]) for r in rows}

    def profile_keys(self, document_ids: Iterable[str]) -> set[str]:
        ids = list(dict.fromkeys(document_ids))
        sql = f"SELECT DISTINCT key FROM profile_keys WHERE document_id IN ({_marks(ids)})"
        with self._connect() as db:
            return {r[0] for r in db.execute(sql, ids)}

    def documents_without_profile(self, version: int) -> list[str]:
        """Ingested documents without a profile of this version: new ones, or all in an older catalog."""
        sql = (
            f"SELECT d.id FROM documents d WHERE {_STATUS} = 'ingested' AND NOT EXISTS (SELECT 1 FROM "
            "profiles p WHERE p.document_id = d.id AND json_extract(p.data, '$.version') = ?) ORDER BY d.id"
        )
        with self._connect() as db:
            return [r[0] for r in db.execute(sql, (version,))]

    # project decisions -----------------------------------------------------

    def save_decision(self, decision: ProjectDecision) -> None:
        first, second = sorted(decision.documents)
        with self._transaction() as db:
            db.execute("INSERT OR REPLACE INTO project_decisions VALUES (?, ?, ?)",
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
        warnings: Iterable[Warning],
        documents: Iterable[str] | None = None,
        rules: Collection[str] | None = None,
    ) -> None:
        """Store a fresh computation of the warnings touching these documents (all when None), of these
        rules (all when None).

        Reviewers' decisions are kept apart and stay attached by warning id.
        """
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
    ) -> list[Warning]:
        """Warnings by severity, rule and id; without include_confidential, none that involves a
        confidential document (a cross-document warning with one included)."""
        query = WarningQuery(document_id=document_id)
        clause, params = _warning_clause(query, include_confidential, warning_id=warning_id)
        return self._read_warnings(clause, params, EVERYTHING)

    def find_warnings(
        self, query: WarningQuery, window: Window = EVERYTHING, *, include_confidential: bool = False
    ) -> list[Warning]:
        """The warnings matching the query, this window of them, by severity, rule and id."""
        clause, params = _warning_clause(query, include_confidential)
        return self._read_warnings(clause, params, window)

    def count_warnings(self, query: WarningQuery, *, include_confidential: bool = False) -> int:
        clause, params = _warning_clause(query, include_confidential)
        with self._connect() as db:
            return db.execute(f"SELECT COUNT(*) {WARNINGS_FROM} {clause}", params).fetchone()[0]

    def _read_warnings(self, clause: str, params: list[object], window: Window) -> list[Warning]:
        sql = (
            f"SELECT w.data, r.status, r.note {WARNINGS_FROM} {clause} "
            "ORDER BY w.severity, w.rule, w.id LIMIT ? OFFSET ?"
        )
        with self._connect() as db:
            rows = db.execute(sql, (*params, window.limit or -1, window.offset)).fetchall()
        return [_with_review(Warning.model_validate_json(data), status, note) for data, status, note in rows]

    def warning_flags(self) -> Flags:
        """The documents some warning involves, and those some warning a public viewer may see involves:
        what the index marks passages with (has_warnings, public_warnings)."""
        with self._connect() as db:
            return _flags(db)

    def documents_with_warnings(self, *, public_only: bool = False) -> set[str]:
        """Documents some warning involves; with public_only, only warnings involving no confidential
        document count (what a public viewer may learn)."""
        with self._connect() as db:
            return _flagged(db, public_only)

    def review_warning(self, warning_id: str, status: str, note: str | None) -> Warning | None:
        with self._transaction() as db:
            if not db.execute("SELECT 1 FROM warnings WHERE id = ?", (warning_id,)).fetchone():
                return None
            db.execute(
                "INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?)",
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

    def save_job(self, job: Job) -> None:
        with self._transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?)",
                (job.id, job.status, _iso(job.created_at), job.model_dump_json()),
            )

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
            rows = db.execute(sql, (*params, window.limit or -1, window.offset)).fetchall()
        return [Job.model_validate_json(r[0]) for r in rows]

    def count_jobs(self, query: JobQuery) -> int:
        where, params = _where({"status": query.status})
        with self._connect() as db:
            return db.execute(f"SELECT COUNT(*) FROM jobs {where}", params).fetchone()[0]


def _add_functions(db: sqlite3.Connection) -> None:
    """Python's own case folding and period reading, so that SQL filters as the rest of the code compares:
    SQLite's lower() folds ASCII letters only."""
    db.create_function("casefold", 1, _casefold, deterministic=True)
    db.create_function("period_overlaps", 3, _period_overlaps, deterministic=True)


def _casefold(text: str | None) -> str:
    return (text or "").casefold()


def _period_overlaps(period: str | None, start: str, end: str) -> bool:
    return overlaps(period, (date.fromisoformat(start), date.fromisoformat(end)))


SUBJECT_HOLDS = "instr(casefold(json_extract(data, '$.subject')), ?) > 0"
# The fact's document is about the country (the documents' rights are asked apart, in the visibility).
DOCUMENT_ABOUT = (
    "EXISTS (SELECT 1 FROM documents d, json_each(d.data, '$.countries') c "
    "WHERE d.id = facts.document_id AND casefold(c.value) = ?)"
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
        conditions.append("period_overlaps(json_extract(data, '$.period'), ?, ?)")
        params += [day.isoformat() for day in query.period]
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


def _insert_profile(db: sqlite3.Connection, document_id: str, profile: ProfileRow) -> None:
    row = (document_id, profile.host_country, profile.data)
    db.execute("INSERT OR REPLACE INTO profiles VALUES (?, ?, ?)", row)
    db.execute("DELETE FROM profile_keys WHERE document_id = ?", (document_id,))
    db.executemany("INSERT INTO profile_keys VALUES (?, ?)", ((document_id, key) for key in profile.keys))


def _migrate(db: sqlite3.Connection) -> None:
    """Bring an older catalog to this schema, in one transaction (another process opening the same
    catalog meanwhile waits, then finds nothing left to do): the columns it lacks, and a documents table
    whose file names were unique without their confidentiality, rebuilt with its rows. A current
    catalog is only read: opening it takes no lock."""
    if not _migrations_due(db):
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        for statement in _migrations_due(db):
            db.execute(statement)
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


def _migrations_due(db: sqlite3.Connection) -> list[str]:
    """The statements that bring this catalog to the schema, in order (none for a current one)."""
    due = []
    for (table, column), statement in MIGRATIONS.items():
        columns = {row[1] for row in db.execute(f"PRAGMA table_info({table})")}
        if column not in columns:
            due.append(statement)
    return due + list(REBUILD_DOCUMENTS if _filename_alone_unique(db) else ())


def _filename_alone_unique(db: sqlite3.Connection) -> bool:
    """Whether the documents table still has the first release's UNIQUE (filename)."""
    for _seq, name, unique, *_ in db.execute("PRAGMA index_list(documents)").fetchall():
        columns = [row[2] for row in db.execute(f"PRAGMA index_info('{name}')")]
        if unique and columns == ["filename"]:
            return True
    return False


def _check_identity(db: sqlite3.Connection, document: Document) -> None:
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


def _mark_pending(db: sqlite3.Connection, document_ids: Iterable[str], *, public: bool) -> None:
    """Mark documents whose index entries must follow (see pending_refresh); a mark that says the public
    view changed is never weakened by a later one that says it did not."""
    db.executemany(MARK_PENDING, [(d, int(public)) for d in document_ids])


def _confidential_of(db: sqlite3.Connection, document_ids: set[str]) -> set[str]:
    marks = ", ".join("?" * len(document_ids))
    sql = f"SELECT id FROM documents WHERE confidential = 1 AND id IN ({marks})"
    return {r[0] for r in db.execute(sql, sorted(document_ids))} if document_ids else set()


def _flagged(db: sqlite3.Connection, public_only: bool) -> set[str]:
    sql = "SELECT DISTINCT document_id FROM warning_documents"
    if public_only:
        sql += f" WHERE warning_id NOT IN ({CONFIDENTIAL_WARNINGS})"
    return {r[0] for r in db.execute(sql)}


def _flags(db: sqlite3.Connection) -> Flags:
    """The documents whose passages carry has_warnings, and those whose passages carry public_warnings."""
    return _flagged(db, public_only=False), _flagged(db, public_only=True)


def _mark_flag_changes(db: sqlite3.Connection, flags_before: Flags) -> None:
    """A document that gains its first warning or loses its last (its first or last a public viewer may
    see) is searched by that flag: its index entries must follow, even if this process dies before it
    reindexes them."""
    now = _flags(db)
    public = flags_before[1] ^ now[1]
    _mark_pending(db, public, public=True)
    _mark_pending(db, (flags_before[0] ^ now[0]) - public, public=False)


def _delete_warnings_of(
    db: sqlite3.Connection, document_id: str, rules: Collection[str] | None = None
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


def _insert_warnings(db: sqlite3.Connection, warnings: Iterable[Warning]) -> None:
    for warning in warnings:
        stored = warning.model_copy(update={"status": "open", "note": None})
        db.execute(
            "INSERT OR REPLACE INTO warnings VALUES (?, ?, ?, ?)",
            (warning.id, warning.rule, warning.severity, stored.model_dump_json()),
        )
        db.executemany(
            "INSERT OR IGNORE INTO warning_documents VALUES (?, ?)",
            [(warning.id, d.id) for d in warning.documents],
        )


def fact_rows(facts: Iterable[Fact]) -> list[FactRow]:
    return [(fact.id, fact.kind, fact.unit, fact.value, fact.model_dump_json()) for fact in facts]


def document_ref(document: Document) -> DocumentRef:
    return DocumentRef(id=document.id, filename=document.filename)


def _with_review(warning: Warning, status: str | None, note: str | None) -> Warning:
    if status is None:
        return warning
    return warning.model_copy(update={"status": status, "note": note})


def _where(filters: dict[str, str | None]) -> tuple[str, tuple[str, ...]]:
    present = {k: v for k, v in filters.items() if v is not None}
    if not present:
        return "", ()
    return "WHERE " + " AND ".join(f"{k} = ?" for k in present), tuple(present.values())


def _marks(values: Sequence[object]) -> str:
    return ", ".join("?" * len(values))


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).isoformat()
