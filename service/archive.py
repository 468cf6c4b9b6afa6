"""The archive: ingestion from bytes to catalog, warnings and index, and the queries over them."""
from __future__ import annotations

import shutil
import threading
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Literal

from checks import CROSS_DOCUMENT_KINDS, CROSS_DOCUMENT_RULE_NAMES, run_checks, run_cross_document_checks
from checks.projects import (
    PROFILE_VERSION,
    Decisions,
    DocumentProfile,
    decisions_by_pair,
    load_profile,
    profile_of,
    project_pairs,
    stored_profile,
)
from corpus.models import (
    Block,
    Document,
    DocumentRef,
    Fact,
    Passage,
    ProfileRow,
    ProjectDecision,
    SearchResults,
    Warning,
)
from corpus.store import Catalog, Flags, IdentityConflict, document_ref, sha256_of
from extractors.readers import SUPPORTED_EXTENSIONS
from indices import IndexSchemaError, SearchIndex, open_index
from indices import warm_up as warm_up_index
from indices.visibility import insiders_of
from service.analysis import Analysis, AnalysisFailed, AnalysisOutcome
from service.answers import fact_answers
from service.settings import Settings
from service.workers import Job, Limits, WorkerPool

OutcomeStatus = Literal["ingested", "unchanged", "failed"]
PASSAGE_BATCH = 500  # blocks handed to the index at once: memory stays flat on documents of any length
Stage = Callable[[str], None]
# Format characters (bidirectional overrides, zero-width characters), line and paragraph separators and
# surrogates: invisible or misleading in a file name.
INVISIBLE_CATEGORIES = frozenset({"Cf", "Zl", "Zp", "Cs"})


@dataclass(frozen=True)
class Upload:
    """A file to ingest: its bytes, the name it is known by and whether it is confidential."""

    data: bytes
    filename: str
    confidential: bool = False


@dataclass
class IngestOutcome:
    filename: str
    status: OutcomeStatus
    document_id: str | None = None
    reason: str | None = None
    pages: int = 0


# Hears each file's outcome as it is decided, with the file's position among those given.
OnFile = Callable[[int, IngestOutcome], None]
# Hears, while a file is read, its position, the pages read and the pages in all.
OnFilePages = Callable[[int, int, int], None]


def clean_filename(name: str) -> str:
    """The name a document is known by, or ValueError: a name that climbs out of its folder or holds
    control or invisible format characters is refused rather than silently rewritten into another
    document's name."""
    if any(unicodedata.category(ch) == "Cc" for ch in name):
        raise ValueError(f"unusable file name {name!r}: it contains control characters")
    hidden = [ch for ch in name if unicodedata.category(ch) in INVISIBLE_CATEGORIES]
    if hidden:
        # U+202E RIGHT-TO-LEFT OVERRIDE shows "report\u202efdp.exe" as "reportexe.pdf": a name must read
        # as what it is.
        named = ", ".join(f"U+{ord(ch):04X} {unicodedata.name(ch, '')}".strip() for ch in sorted(set(hidden)))
        raise ValueError(
            f"unusable file name {name!r}: it contains invisible format characters ({named}) that can make "
            "it show as another name"
        )
    parts = PurePath(name.replace("\\", "/")).parts
    if ".." in parts:
        raise ValueError(f"unusable file name {name!r}: it climbs out of its folder (..)")
    cleaned = "/".join(p for p in parts if p not in ("", ".", "/")).strip()
    if not cleaned:
        raise ValueError(f"unusable file name {name!r}")
    return cleaned


class Archive:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.catalog = Catalog(settings.data_dir, settings.database_url)
        self._index: SearchIndex | None = None
        self._pool: WorkerPool | None = None
        # Documents indexed as they were stored, with the warning flags they were indexed with: until
        # refresh() has run, their entries are uncommitted and may lag behind the warnings across documents.
        self._indexed_as_stored: dict[str, tuple[bool, bool]] = {}
        # One writer at a time (ingest, delete, reindex); searches and reads never take it.
        self.writing = threading.Lock()

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

    def rebuild_index(self) -> int:
        """Finish any interrupted update, then rebuild the whole index from the catalog (an embedded
        index of another version is replaced)."""
        if not self.index_is_current():
            shutil.rmtree(self.settings.layout.index)
        self.recheck_all()
        self.refresh(set())
        return self.reindex()

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
        self.catalog.close()

    # ingestion -------------------------------------------------------------

    def ingest_bytes(self, data: bytes, filename: str, confidential: bool = False) -> IngestOutcome:
        """Store one file and what it states; the catalog changes fully or not at all."""
        return self._ingest([Upload(data, filename, confidential)])[0]

    def ingest_uploads(
        self, uploads: Iterable[Upload], on_file: OnFile | None = None, on_pages: OnFilePages | None = None
    ) -> list[IngestOutcome]:
        """Store the files (analysed in parallel by the workers); warnings and index are left to refresh()."""
        return self._ingest(uploads, on_file, on_pages)

    def _ingest(
        self, files: Iterable[Upload], on_file: OnFile | None = None, on_pages: OnFilePages | None = None
    ) -> list[IngestOutcome]:
        """Outcomes in the order of the files; files are read lazily and analysed by isolated workers."""
        self._indexed_as_stored = {}  # what an ingest left without a refresh is redone from the catalog
        outcomes: list[IngestOutcome] = []
        positions: dict[int, int] = {}
        batch_digests: dict[tuple[str, bool], str] = {}

        def jobs() -> Iterator[Job]:
            for upload in files:
                prepared = self._prepare(upload, batch_digests)
                if isinstance(prepared, Job):
                    positions[id(prepared)] = len(outcomes)
                    outcomes.append(IngestOutcome(prepared.filename, "failed", reason="not analysed"))
                    yield prepared
                else:
                    outcomes.append(prepared)
                    if on_file:
                        on_file(len(outcomes) - 1, prepared)

        def pages_read(job: Job, done: int, total: int) -> None:
            if on_pages is not None:
                on_pages(positions[id(job)], done, total)

        for job, result in self.pool.run(jobs(), pages_read):
            stored = self._store(job, result)
            if stored.document_id and isinstance(result, Analysis):
                # Indexed now, while the workers read the next files; refresh() redoes only the documents
                # whose warning flags the checks across documents then change.
                flags = self.catalog.warning_flags()
                self._index_document(stored.document_id, result.blocks, flags)
                self._indexed_as_stored[stored.document_id] = _marks(stored.document_id, flags)
            position = positions.pop(id(job))
            outcomes[position] = stored
            if on_file:
                on_file(position, stored)
        return outcomes

    def _prepare(self, upload: Upload, batch_digests: dict[tuple[str, bool], str]) -> IngestOutcome | Job:
        """What can be decided without reading the file: its name, its size and whether it is known."""
        data, filename, confidential = upload.data, upload.filename, upload.confidential
        try:
            name = clean_filename(filename)
        except ValueError as error:
            return IngestOutcome(filename, "failed", reason=str(error))
        if len(data) > self.settings.max_file_bytes:
            limit = self.settings.max_file_mb
            return IngestOutcome(name, "failed", reason=f"file larger than the {limit} MB limit")
        digest = sha256_of(data)
        if (digest, confidential) in batch_digests:
            earlier = batch_digests[digest, confidential]
            return IngestOutcome(name, "unchanged", reason=f"same content as {earlier}")
        batch_digests[digest, confidential] = name
        # The same bytes under another confidentiality are another document (or a new version of this one).
        same = self.catalog.document_with_content(digest, confidential=confidential)
        if same is not None and same.status == "ingested":
            reason = None if same.filename == name else f"same content as {same.filename}"
            return IngestOutcome(name, "unchanged", same.id, reason, same.pages)
        # A document is its name and confidentiality: a confidential file never replaces a public one.
        ref = DocumentRef(id=self.catalog.identify(name, confidential), filename=name)
        return Job(data, name, ref, digest, confidential)

    def _store(self, job: Job, result: AnalysisOutcome) -> IngestOutcome:
        previous = self.catalog.get_document(job.document.id, include_confidential=True)
        try:
            if isinstance(result, AnalysisFailed):
                return self._record_failure(job, previous, result.reason)
            self.catalog.files.put(job.data)
            document = self._document(job.document, previous, job.sha256, job.data, result)
            document = document.model_copy(update={"confidential": job.confidential})
            self.catalog.save_document(
                document, result.pages, result.blocks, result.fact_rows, result.profile, result.warnings
            )
        except IdentityConflict as error:  # the catalog refused to turn a document into another
            return IngestOutcome(job.filename, "failed", reason=str(error))
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

    def _record_failure(self, job: Job, previous: Document | None, reason: str) -> IngestOutcome:
        # A bad new version never replaces a good earlier one; only a first attempt is recorded as failed.
        ref = job.document
        if previous is None or previous.status == "failed":
            failed = Document(
                id=ref.id, filename=ref.filename, sha256=job.sha256, media_type="application/octet-stream",
                size=len(job.data), status="failed", error=reason, ingested_at=datetime.now(UTC),
                confidential=job.confidential,
            )
            self.catalog.save_document(failed, [], [], [])
        return IngestOutcome(ref.filename, "failed", ref.id, reason)

    def ingest_paths(
        self,
        paths: Sequence[Path],
        on_file: OnFile | None = None,
        confidential: bool = False,
    ) -> list[IngestOutcome]:
        unreadable: list[IngestOutcome] = []

        def contents() -> Iterator[Upload]:
            for path, name in files_to_ingest(paths):
                try:
                    yield Upload(path.read_bytes(), name, confidential)
                except OSError as error:
                    unreadable.append(IngestOutcome(name, "failed", reason=f"cannot read: {error.strerror}"))

        outcomes = self._ingest(contents(), on_file) + unreadable
        changed = {o.document_id for o in outcomes if o.status == "ingested" and o.document_id}
        self.refresh(changed)
        return outcomes

    def delete(self, document_id: str) -> bool:
        """Remove a document from the catalog, its files (unless another document or version has the
        same bytes) and the index, and recompute the warnings it was part of."""
        if self.catalog.get_document(document_id, include_confidential=True) is None:
            return False
        for sha in self.catalog.delete_document(document_id):
            self.catalog.files.remove(sha)
        self.index.delete_document(document_id)
        self.refresh({document_id})
        return True

    # derived state ---------------------------------------------------------

    def refresh(self, changed: set[str], stage: Stage | None = None) -> None:
        """Recompute the warnings across documents that involve changed documents (a document's own are
        stored with it), and bring the index up to date with the catalog; documents left pending by an
        interrupted run are finished too. ``stage`` hears "checking", then "indexing"."""
        (stage or _ignore)("checking")
        changed = changed | self.catalog.pending_refresh()
        self._store_missing_profiles()
        across = self._warnings_across(changed)
        self.catalog.replace_warnings(across, documents=changed, rules=CROSS_DOCUMENT_RULE_NAMES)
        (stage or _ignore)("indexing")
        # The catalog marked, with the warnings, every document whose warning flags changed.
        pending = changed | self.catalog.pending_refresh()
        flags = self.catalog.warning_flags()
        indexed, self._indexed_as_stored = self._indexed_as_stored, {}
        current = {d for d in pending if d in indexed and indexed[d] == _marks(d, flags)}
        public_stale = self.catalog.pending_refresh(public=True)
        public_current = {d for d in pending if _public_current(d, indexed, flags, public_stale)}
        self.reindex(pending - current, public_unchanged=public_current)
        self.catalog.clear_pending(pending)

    def _store_missing_profiles(self) -> None:
        """Profiles of documents stored without one of this version: all of an older catalog, once."""
        for document_id in self.catalog.documents_without_profile(PROFILE_VERSION):
            document = self.catalog.get_document(document_id, include_confidential=True)
            if document is None:
                continue
            facts = self.catalog.facts(document_id, include_confidential=True)
            self.catalog.save_profile(document_id, stored_profile(self._profile(document), facts))

    def _profile(self, document: Document) -> DocumentProfile:
        texts = self.catalog.block_texts(document.id)
        return profile_of(document_ref(document), texts, year=document.year)

    def decisions(self) -> Decisions:
        """The reviewers' decisions on which documents are one project, by pair of document ids."""
        return decisions_by_pair(self.catalog.decisions(include_confidential=True))

    def decide(self, decision: ProjectDecision) -> ProjectDecision:
        """Keep a reviewer's decision that two documents are (not) one project; their warnings across
        documents follow it at once."""
        update = {"documents": sorted(decision.documents), "decided_at": datetime.now(UTC)}
        kept = decision.model_copy(update=update)
        self.catalog.save_decision(kept)
        self.refresh(set(kept.documents))
        return kept

    def undecide(self, first: str, second: str) -> bool:
        """Withdraw a reviewer's decision: the evidence decides the pair again."""
        removed = self.catalog.delete_decision(first, second)
        if removed:
            self.refresh({first, second})
        return removed

    def _warnings_across(self, changed: set[str]) -> list[Warning]:
        """The warnings across documents of every pair holding a changed document: a pair of unchanged
        documents warns as before. A changed document is compared with those sharing one of its keys
        (host country, project id, name) or a reviewer's decision, and warns with those found to be the
        same project."""
        decisions = self.decisions()
        partners = {d for pair in decisions for d in pair if changed & set(pair)}
        keys = self.catalog.profile_keys(changed)
        candidates = {d: load_profile(ref, data)
                      for d, (ref, _, data) in self.catalog.profiles(changed | partners, keys=keys).items()}
        signatures = {d: found for d, (_, found) in candidates.items()}
        pairs = project_pairs(signatures, changed, decisions)
        if not pairs:
            return []
        involved = {d for pair in pairs for d in pair}
        # The stored signatures stand for all the facts: the rules compare only facts of these kinds.
        every = {"include_confidential": True, "kinds": CROSS_DOCUMENT_KINDS}
        facts = [f for d in sorted(involved) for f in self.catalog.facts(d, **every)]
        profiles = {d: candidates[d][0] for d in involved}
        kept = {d: signatures[d] for d in involved}
        return run_cross_document_checks(facts, profiles, changed, kept, decisions)

    def recheck_all(self) -> None:
        """Recompute every profile and warning from scratch and store them (reviews stay by warning id)."""
        warnings, profiles = self.recomputed()
        for document_id, profile in profiles.items():
            self.catalog.save_profile(document_id, profile)
        self.catalog.replace_warnings(warnings)

    def recomputed(self) -> tuple[list[Warning], dict[str, ProfileRow]]:
        """Every warning, and every ingested document's profile as stored, computed from the catalog's facts
        and texts alone, reading nothing kept but the reviewers' decisions: what refresh keeps up to date
        change by change."""
        every = {"include_confidential": True}
        facts = self.catalog.facts(**every)
        by_document: dict[str, list[Fact]] = {}
        for fact in facts:
            by_document.setdefault(fact.document.id, []).append(fact)
        profiles, stored = {}, {}
        for document in self.catalog.list_documents(**every):
            if document.status == "ingested":
                profiles[document.id] = self._profile(document)
                stored[document.id] = stored_profile(profiles[document.id], by_document.get(document.id, []))
        across = run_cross_document_checks(facts, profiles, decisions=self.decisions())
        return run_checks(facts) + across, stored

    def reindex(
        self,
        document_ids: Iterable[str] | None = None,
        *,
        public_unchanged: Collection[str] = (),
        progress: Callable[[int, int], None] | None = None,
    ) -> int:
        """Rebuild the index entries of these documents (all when None) from the catalog, and commit.
        Documents in ``public_unchanged`` are rewritten in the insiders' index only: what a public caller
        searches moves only when something public does (indices.visibility). ``progress`` hears the
        documents done and the documents in all after each document."""
        if document_ids is None:
            self.index.clear()
            ids = [d.id for d in self.catalog.list_documents(include_confidential=True)]
        else:
            ids = sorted(document_ids)
        flags = self.catalog.warning_flags()
        passages = 0
        for done, d in enumerate(ids, 1):
            public = d not in public_unchanged
            passages += self._index_document(d, self.catalog.blocks(d), flags, public=public)
            if progress is not None:
                progress(done, len(ids))
        self.index.commit()
        return passages

    def _index_document(
        self, document_id: str, blocks: Sequence[Block], flags: Flags, *, public: bool = True
    ) -> int:
        """Replace the document's index entries (uncommitted) with these blocks' passages, flagged as the
        catalog's warnings stand; a document removed or failed meanwhile is only removed. Without
        ``public``, the public index is left as it is."""
        index = self.index if public else insiders_of(self.index)
        index.delete_document(document_id)
        document = self.catalog.get_document(document_id, include_confidential=True)
        if document is None or document.status != "ingested":
            return 0
        marks = _marks(document_id, flags)
        passages = 0
        for batch in page_batches(blocks):
            entries = passages_of(document, batch, *marks)
            index.add_passages(entries)
            passages += len(entries)
        return passages

    # queries ---------------------------------------------------------------

    def search(
        self,
        query: str,
        limit: int = 10,
        offset: int = 0,
        filters: dict | None = None,
        *,
        expand: bool = True,
        include_confidential: bool = False,
    ) -> SearchResults:
        """Search; without include_confidential the index leaves confidential passages out inside the
        query, so totals and facets count only what the viewer may see."""
        conditions = {**(filters or {}), "public_only": not include_confidential}
        results = self.index.search(query, limit=limit, offset=offset, filters=conditions, expand=expand)
        if offset > 0:
            return results
        wanted = {"country": (filters or {}).get("country"), "year": (filters or {}).get("year")}
        answers = fact_answers(self.catalog, query, include_confidential=include_confidential, **wanted)
        return results.model_copy(update={"facts": answers})


def open_search_index(settings: Settings) -> SearchIndex:
    """The search backend the settings name (embedded by default)."""
    return open_index(
        settings.search_backend,
        path=settings.layout.index,
        es_url=settings.es_url,
        es_index=settings.es_index,
    )


def _marks(document_id: str, flags: Flags) -> tuple[bool, bool]:
    """Whether the document has warnings, and warnings a public viewer may see (see Catalog.warning_flags)."""
    flagged, public_flagged = flags
    return document_id in flagged, document_id in public_flagged


def _public_current(
    document_id: str, indexed: dict[str, tuple[bool, bool]], flags: Flags, public_stale: set[str]
) -> bool:
    """Whether the public index already holds the document as a public viewer sees it: indexed during
    this ingest with the public warnings flag it still has, or not marked as changed for public viewers
    (only a warning involving a confidential document came or went)."""
    if document_id in indexed:
        return indexed[document_id][1] == _marks(document_id, flags)[1]
    return document_id not in public_stale


def _ignore(stage: str) -> None:
    pass


def passages_of(
    document: Document, blocks: Sequence[Block], has_warnings: bool, public_warnings: bool | None = None
) -> list[Passage]:
    ref = document_ref(document)
    return [
        Passage(
            document=ref, block=b.index, page=b.page, text=b.text, language=b.language,
            doc_type=document.doc_type, countries=document.countries, year=document.year,
            has_warnings=has_warnings,
            public_warnings=has_warnings if public_warnings is None else public_warnings,
            confidential=document.confidential,
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
