"""Ingestion: files in, each stored with what it states in one transaction of the catalog, analysed in
parallel by isolated workers and indexed as soon as it is stored; deletion, its way back out."""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path, PurePath
from typing import Literal

from application.file_analysis import Analysis, AnalysisFailed, AnalysisOutcome
from application.refresh import DerivedState
from application.resources import Resources
from application.workers import FileTask
from corpus.models import Document, DocumentRef
from corpus.store import IdentityConflict, sha256_of
from extractors.readers import SUPPORTED_EXTENSIONS

OutcomeStatus = Literal["ingested", "unchanged", "failed"]
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


class Ingestion:
    """Stores files and removes documents; the warnings across documents and the index follow through
    the derived state (ingest_paths and delete refresh it; ingest_uploads leaves that to the caller,
    who may batch several)."""

    def __init__(self, resources: Resources, derived: DerivedState) -> None:
        self.resources = resources
        self.catalog = resources.catalog
        self.settings = resources.settings
        self.derived = derived

    def ingest_bytes(self, data: bytes, filename: str, confidential: bool = False) -> IngestOutcome:
        """Store one file and what it states; the catalog changes fully or not at all."""
        return self._ingest([Upload(data, filename, confidential)])[0]

    def ingest_uploads(
        self, uploads: Iterable[Upload], on_file: OnFile | None = None, on_pages: OnFilePages | None = None
    ) -> list[IngestOutcome]:
        """Store the files (analysed in parallel by the workers); warnings and index are left to refresh()."""
        return self._ingest(uploads, on_file, on_pages)

    def ingest_paths(
        self, paths: Sequence[Path], on_file: OnFile | None = None, confidential: bool = False
    ) -> list[IngestOutcome]:
        """Store the files and folders named, then bring warnings and index up to date."""
        unreadable: list[IngestOutcome] = []

        def contents() -> Iterator[Upload]:
            for path, name in files_to_ingest(paths):
                try:
                    yield Upload(path.read_bytes(), name, confidential)
                except OSError as error:
                    unreadable.append(IngestOutcome(name, "failed", reason=f"cannot read: {error.strerror}"))

        outcomes = self._ingest(contents(), on_file) + unreadable
        changed = {o.document_id for o in outcomes if o.status == "ingested" and o.document_id}
        self.derived.refresh(changed)
        return outcomes

    def delete(self, document_id: str) -> bool:
        """Remove a document from the catalog, its files (unless another document or version has the
        same bytes) and the index, and recompute the warnings it was part of."""
        if self.catalog.get_document(document_id, include_confidential=True) is None:
            return False
        for sha in self.catalog.delete_document(document_id):
            self.catalog.files.remove(sha)
        if self.resources.writes_index:  # else the catalog left it pending for the index's writer
            self.resources.index.delete_document(document_id)
        self.derived.refresh({document_id})
        return True

    def _ingest(
        self, files: Iterable[Upload], on_file: OnFile | None = None, on_pages: OnFilePages | None = None
    ) -> list[IngestOutcome]:
        """Outcomes in the order of the files; files are read lazily and analysed by isolated workers."""
        self.derived.forget_indexed()
        batch = _Batch(on_file)
        tasks = batch.tasks(files, self._prepare)

        def pages_read(task: FileTask, done: int, total: int) -> None:
            if on_pages is not None:
                on_pages(batch.positions[id(task)], done, total)

        for task, result in self.resources.pool.run(tasks, pages_read):
            stored = self._store(task, result)
            if stored.document_id and isinstance(result, Analysis):
                self.derived.index_as_stored(stored.document_id, result.blocks)
            batch.decided(task, stored)
        return batch.outcomes

    def _prepare(
        self, upload: Upload, batch_digests: dict[tuple[str, bool], str]
    ) -> IngestOutcome | FileTask:
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
        return FileTask(data, name, ref, digest, confidential)

    def _store(self, task: FileTask, result: AnalysisOutcome) -> IngestOutcome:
        previous = self.catalog.get_document(task.document.id, include_confidential=True)
        try:
            if isinstance(result, AnalysisFailed):
                return self._record_failure(task, previous, result.reason)
            self.catalog.files.put(task.data)
            document = document_of(task, previous, result)
            self.catalog.save_document(
                document, result.pages, result.blocks, result.fact_rows, result.profile, result.warnings
            )
        except IdentityConflict as error:  # the catalog refused to turn a document into another
            return IngestOutcome(task.filename, "failed", reason=str(error))
        return IngestOutcome(task.filename, "ingested", document.id, pages=document.pages)

    def _record_failure(self, task: FileTask, previous: Document | None, reason: str) -> IngestOutcome:
        # A bad new version never replaces a good earlier one; only a first attempt is recorded as failed.
        ref = task.document
        if previous is None or previous.status == "failed":
            failed = Document(
                id=ref.id, filename=ref.filename, sha256=task.sha256, media_type="application/octet-stream",
                size=len(task.data), status="failed", error=reason, ingested_at=datetime.now(UTC),
                confidential=task.confidential,
            )
            self.catalog.save_document(failed, [], [], [])
        return IngestOutcome(ref.filename, "failed", ref.id, reason)


class _Batch:
    """The outcomes of one ingest in the order of its files, filled in as each is decided: at once for
    a file refused or unchanged, when its analysis is stored for the others."""

    def __init__(self, on_file: OnFile | None) -> None:
        self.outcomes: list[IngestOutcome] = []
        self.positions: dict[int, int] = {}  # a task's id() -> its file's position
        self.on_file = on_file

    def tasks(
        self, files: Iterable[Upload], prepare: Callable[[Upload, dict], IngestOutcome | FileTask]
    ) -> Iterator[FileTask]:
        """The files to analyse, lazily; the others are decided on the way."""
        batch_digests: dict[tuple[str, bool], str] = {}
        for upload in files:
            prepared = prepare(upload, batch_digests)
            if isinstance(prepared, FileTask):
                self.positions[id(prepared)] = len(self.outcomes)
                self.outcomes.append(IngestOutcome(prepared.filename, "failed", reason="not analysed"))
                yield prepared
            else:
                self.outcomes.append(prepared)
                self._heard(len(self.outcomes) - 1, prepared)

    def decided(self, task: FileTask, outcome: IngestOutcome) -> None:
        position = self.positions.pop(id(task))
        self.outcomes[position] = outcome
        self._heard(position, outcome)

    def _heard(self, position: int, outcome: IngestOutcome) -> None:
        if self.on_file:
            self.on_file(position, outcome)


def document_of(task: FileTask, previous: Document | None, analysis: Analysis) -> Document:
    """The catalog's record of a file just analysed: a new version of the previous one, if any."""
    languages = sorted({b.language for b in analysis.blocks if b.language != "und"})
    had_version = previous is not None and previous.status == "ingested"
    return Document(
        id=task.document.id,
        filename=task.document.filename,
        sha256=task.sha256,
        version=previous.version + 1 if had_version and previous else 1,
        media_type=analysis.media_type,
        size=len(task.data),
        pages=len(analysis.pages),
        languages=languages,
        doc_type=analysis.metadata.doc_type,
        countries=analysis.metadata.countries,
        year=analysis.metadata.year,
        ingested_at=datetime.now(UTC),
        confidential=task.confidential,
    )
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
