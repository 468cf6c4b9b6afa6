"""The archive: ingestion from bytes to catalog, warnings and index, and the queries over them."""
from __future__ import annotations

import threading
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Literal

from checks import CROSS_DOCUMENT_RULE_NAMES, run_checks, run_cross_document_checks
from checks.projects import profile_of
from corpus.models import Block, Document, DocumentRef, Passage, SearchResults
from corpus.store import Catalog, document_id_for, document_ref, sha256_of
from extractors.readers import SUPPORTED_EXTENSIONS
from indices import SearchIndex, open_index
from indices import warm_up as warm_up_index
from service.analysis import Analysis
from service.settings import Settings
from service.workers import Job, Limits, WorkerPool

OutcomeStatus = Literal["ingested", "unchanged", "failed"]
PASSAGE_BATCH = 500  # blocks handed to the index at once: memory stays flat on documents of any length


@dataclass
class IngestOutcome:
    filename: str
    status: OutcomeStatus
    document_id: str | None = None
    reason: str | None = None
    pages: int = 0


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
        self._pool: WorkerPool | None = None

    @property
    def index(self) -> SearchIndex:
        if self._index is None:
            self._index = open_search_index(self.settings)
        return self._index

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
        if self._pool is not None:
            self._pool.close()
            self._pool = None
        if self._index is not None:
            self._index.close()
            self._index = None

    # ingestion -------------------------------------------------------------

    def ingest_bytes(self, data: bytes, filename: str) -> IngestOutcome:
        """Store one file and what it states; the catalog changes fully or not at all."""
        return self._ingest([(data, filename)])[0]

    def _ingest(
        self, files: Iterable[tuple[bytes, str]], on_file: Callable[[IngestOutcome], None] | None = None
    ) -> list[IngestOutcome]:
        """Outcomes in the order of the files; files are read lazily and analysed by isolated workers."""
        outcomes: list[IngestOutcome] = []
        positions: dict[int, int] = {}
        batch_digests: dict[str, str] = {}

        def jobs() -> Iterator[Job]:
            for data, filename in files:
                prepared = self._prepare(data, filename, batch_digests)
                if isinstance(prepared, Job):
                    positions[id(prepared)] = len(outcomes)
                    outcomes.append(IngestOutcome(prepared.filename, "failed", reason="not analysed"))
                    yield prepared
                else:
                    outcomes.append(prepared)
                    if on_file:
                        on_file(prepared)

        for job, result in self.pool.run(jobs()):
            stored = self._store(job, result)
            outcomes[positions.pop(id(job))] = stored
            if on_file:
                on_file(stored)
        return outcomes

    def _prepare(self, data: bytes, filename: str, batch_digests: dict[str, str]) -> IngestOutcome | Job:
        """What can be decided without reading the file: its name, its size and whether it is known."""
        try:
            name = clean_filename(filename)
        except ValueError as error:
            return IngestOutcome(filename, "failed", reason=str(error))
        if len(data) > self.settings.max_file_bytes:
            limit = self.settings.max_file_bytes // (1024 * 1024)
            return IngestOutcome(name, "failed", reason=f"file larger than the {limit} MB limit")
        digest = sha256_of(data)
        if digest in batch_digests:
            return IngestOutcome(name, "unchanged", reason=f"same content as {batch_digests[digest]}")
        batch_digests[digest] = name
        same = self.catalog.document_with_content(digest)
        if same is not None and same.status == "ingested":
            reason = None if same.filename == name else f"same content as {same.filename}"
            return IngestOutcome(name, "unchanged", same.id, reason, same.pages)
        return Job(data, name, DocumentRef(id=document_id_for(name), filename=name))

    def _store(self, job: Job, result: Analysis | str) -> IngestOutcome:
        previous = self.catalog.find_document(job.filename)
        digest = sha256_of(job.data)
        if isinstance(result, str):
            return self._record_failure(job.document, previous, digest, job.data, result)
        self.catalog.files.put(job.data)
        document = self._document(job.document, previous, digest, job.data, result)
        self.catalog.save_document(document, result.pages, result.blocks, result.facts)
        return IngestOutcome(job.filename, "ingested", document.id, pages=document.pages)

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
        unreadable: list[IngestOutcome] = []

        def contents() -> Iterator[tuple[bytes, str]]:
            for path, name in files_to_ingest(paths):
                try:
                    yield path.read_bytes(), name
                except OSError as error:
                    unreadable.append(IngestOutcome(name, "failed", reason=f"cannot read: {error.strerror}"))

        outcomes = self._ingest(contents(), on_file) + unreadable
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
        """Recompute the warnings of changed documents and those across documents, and bring the index up
        to date with the catalog."""
        flagged_before = self.catalog.documents_with_warnings()
        facts = self.catalog.facts()  # read once: the checks of each changed document and those across
        warnings = [w for d in sorted(changed) for w in run_checks([f for f in facts if f.document.id == d])]
        self.catalog.replace_warnings(warnings, documents=changed)
        # A changed document can create or settle a disagreement with any other document.
        documents = [d for d in self.catalog.list_documents() if d.status == "ingested"]
        profiles = {d.id: profile_of(document_ref(d), self.catalog.block_texts(d.id)) for d in documents}
        across = run_cross_document_checks(facts, profiles)
        self.catalog.replace_rule_warnings(across, rules=CROSS_DOCUMENT_RULE_NAMES)
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
            for blocks in page_batches(self.catalog.blocks(document_id)):
                batch = passages_of(document, blocks, document_id in flagged)
                self.index.add_passages(batch)
                passages += len(batch)
        self.index.commit()
        return passages

    # queries ---------------------------------------------------------------

    def search(
        self, query: str, limit: int = 10, offset: int = 0, filters: dict | None = None
    ) -> SearchResults:
        return self.index.search(query, limit=limit, offset=offset, filters=filters)


def open_search_index(settings: Settings) -> SearchIndex:
    """The search backend the settings name (embedded by default)."""
    return open_index(
        settings.search_backend,
        path=settings.data_dir / "index",
        es_url=settings.es_url,
        es_index=settings.es_index,
    )


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


def page_batches(blocks: Sequence[Block], size: int = PASSAGE_BATCH) -> Iterator[Sequence[Block]]:
    """Blocks in runs of about `size` that end at a page's end, so that the index holds only one run's
    passages and tokens at a time and still sees every page whole."""
    start = 0
    while start < len(blocks):
        end = min(start + size, len(blocks))
        while end < len(blocks) and blocks[end].page == blocks[end - 1].page:
            end += 1
        yield blocks[start:end]
        start = end


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
