"""The catalog (SQLite, the source of truth) and the content-addressed store of original files."""
from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from corpus.models import Block, Document, DocumentRef, Fact, PageInfo, Warning

SCHEMA = """
CREATE TABLE IF NOT EXISTS documents (
    id TEXT PRIMARY KEY,
    filename TEXT NOT NULL UNIQUE,
    sha256 TEXT NOT NULL,
    data TEXT NOT NULL
);
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
-- Reviews are kept apart from warnings: warnings are recomputed, a reviewer's decision is not.
CREATE TABLE IF NOT EXISTS reviews (
    warning_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    note TEXT,
    updated_at TEXT NOT NULL
);
"""

DOCUMENT_TABLES = ("pages", "blocks", "facts")


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def document_id_for(filename: str) -> str:
    """A document is identified by its file name: a changed file is a new version of the same document."""
    return hashlib.sha256(filename.encode("utf-8")).hexdigest()[:16]


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
        with tempfile.NamedTemporaryFile(dir=target.parent, delete=False) as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        os.replace(tmp.name, target)
        return digest

    def get(self, sha256: str) -> bytes:
        return self.path_for(sha256).read_bytes()


class Catalog:
    """Documents, their pages, blocks, facts and warnings in one SQLite database."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.path = self.data_dir / "catalog.sqlite3"
        self.files = FileStore(self.data_dir / "files")
        with self._connect() as db:
            db.execute("PRAGMA journal_mode=WAL")
            db.executescript(SCHEMA)

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        # A connection per unit of work keeps the catalog safe to use from the service's threads.
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("PRAGMA synchronous=NORMAL")
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._connect() as db:
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
        facts: Sequence[Fact],
    ) -> None:
        """Replace everything known about the document in one transaction: all of it or none of it."""
        with self._transaction() as db:
            for table in DOCUMENT_TABLES:
                db.execute(f"DELETE FROM {table} WHERE document_id = ?", (document.id,))
            db.execute(
                "INSERT OR REPLACE INTO documents (id, filename, sha256, data) VALUES (?, ?, ?, ?)",
                (document.id, document.filename, document.sha256, document.model_dump_json()),
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
            db.executemany(
                "INSERT OR REPLACE INTO facts VALUES (?, ?, ?, ?, ?, ?)",
                ((document.id, f.id, f.kind, f.unit, f.value, f.model_dump_json()) for f in facts),
            )

    def delete_document(self, document_id: str) -> None:
        with self._transaction() as db:
            for table in DOCUMENT_TABLES:
                db.execute(f"DELETE FROM {table} WHERE document_id = ?", (document_id,))
            db.execute("DELETE FROM versions WHERE document_id = ?", (document_id,))
            db.execute("DELETE FROM documents WHERE id = ?", (document_id,))

    def get_document(self, document_id: str) -> Document | None:
        with self._connect() as db:
            row = db.execute("SELECT data FROM documents WHERE id = ?", (document_id,)).fetchone()
        return Document.model_validate_json(row[0]) if row else None

    def find_document(self, id_or_filename: str) -> Document | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT data FROM documents WHERE id = ? OR filename = ?", (id_or_filename, id_or_filename)
            ).fetchone()
        return Document.model_validate_json(row[0]) if row else None

    def document_with_content(self, sha256: str) -> Document | None:
        with self._connect() as db:
            row = db.execute("SELECT data FROM documents WHERE sha256 = ?", (sha256,)).fetchone()
        return Document.model_validate_json(row[0]) if row else None

    def list_documents(self, limit: int | None = None, offset: int = 0) -> list[Document]:
        with self._connect() as db:
            rows = db.execute(
                "SELECT data FROM documents ORDER BY filename LIMIT ? OFFSET ?", (limit or -1, offset)
            ).fetchall()
        return [Document.model_validate_json(r[0]) for r in rows]

    def count_documents(self) -> int:
        with self._connect() as db:
            return db.execute("SELECT COUNT(*) FROM documents").fetchone()[0]

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
            while rows := cursor.fetchmany(64):
                yield from (json.loads(row[0])["text"] for row in rows)

    # facts -----------------------------------------------------------------

    def facts(
        self,
        document_id: str | None = None,
        kind: str | None = None,
        unit: str | None = None,
        limit: int | None = None,
        offset: int = 0,
    ) -> list[Fact]:
        where, params = _where({"document_id": document_id, "kind": kind, "unit": unit})
        sql = f"SELECT data FROM facts {where} ORDER BY document_id, rowid LIMIT ? OFFSET ?"
        with self._connect() as db:
            rows = db.execute(sql, (*params, limit or -1, offset)).fetchall()
        return [Fact.model_validate_json(r[0]) for r in rows]

    # warnings --------------------------------------------------------------

    def replace_warnings(self, warnings: Iterable[Warning], documents: Iterable[str] | None = None) -> None:
        """Store a fresh computation of the warnings touching these documents (all when None).

        Reviewers' decisions are kept apart and stay attached by warning id.
        """
        with self._transaction() as db:
            if documents is None:
                db.execute("DELETE FROM warnings")
                db.execute("DELETE FROM warning_documents")
            for document_id in documents or ():
                stale = "SELECT warning_id FROM warning_documents WHERE document_id = ?"
                db.execute(f"DELETE FROM warnings WHERE id IN ({stale})", (document_id,))
                db.execute(f"DELETE FROM warning_documents WHERE warning_id IN ({stale})", (document_id,))
            _insert_warnings(db, warnings)

    def replace_rule_warnings(self, warnings: Iterable[Warning], rules: Iterable[str]) -> None:
        """Store a fresh computation of every warning of these rules (rules that span documents)."""
        with self._transaction() as db:
            for rule in rules:
                stale = "SELECT id FROM warnings WHERE rule = ?"
                db.execute(f"DELETE FROM warning_documents WHERE warning_id IN ({stale})", (rule,))
                db.execute("DELETE FROM warnings WHERE rule = ?", (rule,))
            _insert_warnings(db, warnings)

    def warnings(self, document_id: str | None = None, warning_id: str | None = None) -> list[Warning]:
        sql = "SELECT w.data, r.status, r.note FROM warnings w LEFT JOIN reviews r ON r.warning_id = w.id"
        params: tuple[str, ...] = ()
        if document_id:
            sql += " WHERE w.id IN (SELECT warning_id FROM warning_documents WHERE document_id = ?)"
            params = (document_id,)
        elif warning_id:
            sql += " WHERE w.id = ?"
            params = (warning_id,)
        with self._connect() as db:
            rows = db.execute(sql + " ORDER BY w.severity, w.rule, w.id", params).fetchall()
        return [_with_review(Warning.model_validate_json(data), status, note) for data, status, note in rows]

    def documents_with_warnings(self) -> set[str]:
        with self._connect() as db:
            return {r[0] for r in db.execute("SELECT DISTINCT document_id FROM warning_documents")}

    def review_warning(self, warning_id: str, status: str, note: str | None) -> Warning | None:
        with self._transaction() as db:
            if not db.execute("SELECT 1 FROM warnings WHERE id = ?", (warning_id,)).fetchone():
                return None
            db.execute(
                "INSERT OR REPLACE INTO reviews VALUES (?, ?, ?, ?)",
                (warning_id, status, note, _iso(datetime.now(UTC))),
            )
        return self.warnings(warning_id=warning_id)[0]


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


def _iso(moment: datetime | None) -> str:
    return (moment or datetime.now(UTC)).isoformat()
