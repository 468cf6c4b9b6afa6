"""The archive: ingestion from bytes to catalog, warnings and index, and the queries over them."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Literal

from checks import run_checks
from corpus.models import Block, Document, DocumentRef, Fact, PageInfo, Passage, SearchResults
from corpus.store import Catalog, document_id_for, document_ref, sha256_of
from extractors.blocks import place_blocks
from extractors.facts import extract_facts
from extractors.metadata import DocumentMetadata, describe
from extractors.readers import SUPPORTED_EXTENSIONS, ReaderError, read_document
from indices import EmbeddedIndex, SearchIndex
from service.settings import Settings

OutcomeStatus = Literal["ingested", "unchanged", "failed"]


@dataclass
class IngestOutcome:
    filename: str
    status: OutcomeStatus
    document_id: str | None = None
    reason: str | None = None
    pages: int = 0


@dataclass
class Analysis:
    """Everything extracted from one file, before anything is stored."""

    media_type: str
    pages: list[PageInfo]
    blocks: list[Block]
    facts: list[Fact]
    metadata: DocumentMetadata


def analyse(data: bytes, filename: str, document: DocumentRef) -> Analysis:
    """Read, place and extract: a pure function of the file's bytes."""
    reading = read_document(data, filename)
    blocks = place_blocks(reading.blocks)
    facts = extract_facts(blocks, document)
    return Analysis(reading.media_type, reading.pages, blocks, facts, describe(filename, blocks, facts))


def clean_filename(name: str) -> str:
    """The name a document is known by: no folders that climb out, no control characters."""
    parts = [p for p in PurePath(name.replace("\\", "/")).parts if p not in ("", ".", "..", "/")]
    cleaned = "/".join(parts)
    cleaned = "".join(ch for ch in cleaned if unicodedata.category(ch) != "Cc").strip()
    if not cleaned:
        raise ValueError(f"unusable file name {name!r}")
    return cleaned


class Archive:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.data_dir)
        self._index: SearchIndex | None = None

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = EmbeddedIndex(self.settings.data_dir / "index")
        return self._index

    def close(self) -> None:
        if self._index is not None:
            self._index.close()
            self._index = None

    # ingestion -------------------------------------------------------------

    def ingest_bytes(self, data: bytes, filename: str) -> IngestOutcome:
        """Store one file and what it states; the catalog changes fully or not at all."""
        try:
            name = clean_filename(filename)
        except ValueError as error:
            return IngestOutcome(filename, "failed", reason=str(error))
        if len(data) > self.settings.max_file_bytes:
            limit = self.settings.max_file_bytes // (1024 * 1024)
            return IngestOutcome(name, "failed", reason=f"file larger than the {limit} MB limit")
        digest = sha256_of(data)
        same = self.catalog.document_with_content(digest)
        if same is not None and same.status == "ingested":
            reason = None if same.filename == name else f"same content as {same.filename}"
            return IngestOutcome(name, "unchanged", same.id, reason, same.pages)
        previous = self.catalog.find_document(name)
        ref = DocumentRef(id=document_id_for(name), filename=name)
        try:
            analysis = analyse(data, name, ref)
        except ReaderError as error:
            return self._record_failure(ref, previous, digest, data, str(error))
        except Exception as error:  # a reader bug must not stop the batch
            return self._record_failure(ref, previous, digest, data, f"could not read: {error!r}")
        self.catalog.files.put(data)
        document = self._document(ref, previous, digest, data, analysis)
        self.catalog.save_document(document, analysis.pages, analysis.blocks, analysis.facts)
        return IngestOutcome(name, "ingested", document.id, pages=document.pages)

    def _document(
        self, ref: DocumentRef, previous: Document | None, digest: str, data: bytes, analysis: Analysis
    ) -> Document:
        languages = sorted({b.language for b in analysis.blocks if b.language != "und"})
        had_version = previous is not None and previous.status == "ingested"
        return Document(
            id=ref.id,
            filename=ref.filename,
            sha256=digest,
            version=previous.version + 1 if had_version and previous else 1,
            media_type=analysis.media_type,
            size=len(data),
            pages=len(analysis.pages),
            languages=languages,
            doc_type=analysis.metadata.doc_type,
            countries=analysis.metadata.countries,
            year=analysis.metadata.year,
            ingested_at=datetime.now(UTC),
        )

    def _record_failure(
        self, ref: DocumentRef, previous: Document | None, digest: str, data: bytes, reason: str
    ) -> IngestOutcome:
        # A bad new version never replaces a good earlier one; only a first attempt is recorded as failed.
        if previous is None or previous.status == "failed":
            failed = Document(
                id=ref.id, filename=ref.filename, sha256=digest, media_type="application/octet-stream",
                size=len(data), status="failed", error=reason, ingested_at=datetime.now(UTC),
            )
            self.catalog.save_document(failed, [], [], [])
        return IngestOutcome(ref.filename, "failed", ref.id, reason)

    def ingest_paths(
        self, paths: Sequence[Path], on_file: Callable[[IngestOutcome], None] | None = None
    ) -> list[IngestOutcome]:
        outcomes = []
        for path, name in files_to_ingest(paths):
            try:
                data = path.read_bytes()
            except OSError as error:
                outcome = IngestOutcome(name, "failed", reason=f"cannot read file: {error.strerror}")
            else:
                outcome = self.ingest_bytes(data, name)
            outcomes.append(outcome)
            if on_file:
                on_file(outcome)
        changed = {o.document_id for o in outcomes if o.status == "ingested" and o.document_id}
        self.refresh(changed)
        return outcomes

    def delete(self, document_id: str) -> bool:
        if self.catalog.get_document(document_id) is None:
            return False
        self.catalog.delete_document(document_id)
        self.index.delete_document(document_id)
        self.refresh({document_id})
        return True

    # derived state ---------------------------------------------------------

    def refresh(self, changed: set[str]) -> None:
        """Recompute the warnings of changed documents and bring the index up to date with the catalog."""
        flagged_before = self.catalog.documents_with_warnings()
        warnings = [w for d in sorted(changed) for w in run_checks(self.catalog.facts(document_id=d))]
        self.catalog.replace_warnings(warnings, documents=changed)
        flagged_now = self.catalog.documents_with_warnings()
        self.reindex(changed | (flagged_before ^ flagged_now))

    def reindex(self, document_ids: Iterable[str] | None = None) -> int:
        """Rebuild the index entries of these documents (all when None) from the catalog."""
        flagged = self.catalog.documents_with_warnings()
        if document_ids is None:
            self.index.clear()
            ids = [d.id for d in self.catalog.list_documents()]
        else:
            ids = sorted(document_ids)
        passages = 0
        for document_id in ids:
            self.index.delete_document(document_id)
            document = self.catalog.get_document(document_id)
            if document is None or document.status != "ingested":
                continue
            batch = passages_of(document, self.catalog.blocks(document_id), document_id in flagged)
            self.index.add_passages(batch)
            passages += len(batch)
        self.index.commit()
        return passages

    # queries ---------------------------------------------------------------

    def search(
        self, query: str, limit: int = 10, offset: int = 0, filters: dict | None = None
    ) -> SearchResults:
        return self.index.search(query, limit=limit, offset=offset, filters=filters)


def passages_of(document: Document, blocks: Sequence[Block], has_warnings: bool) -> list[Passage]:
    ref = document_ref(document)
    return [
        Passage(
            document=ref, block=b.index, page=b.page, text=b.text, language=b.language,
            doc_type=document.doc_type, countries=document.countries, year=document.year,
            has_warnings=has_warnings,
        )
        for b in blocks
        if b.text.strip()
    ]


def files_to_ingest(paths: Sequence[Path]) -> list[tuple[Path, str]]:
    """Files named directly keep their base name; files found in a folder are named relative to it."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith(".")):
                if file.suffix.lower() in SUPPORTED_EXTENSIONS:
                    found.append((file, file.relative_to(path).as_posix()))
        else:
            found.append((path, path.name))
    return found
