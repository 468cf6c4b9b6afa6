"""What is derived from the catalog and kept beside it: the warnings across documents and the search
index. After a change only what the change touches is recomputed (see refresh); reindex and
recheck_all redo everything, and rebuild_index is the way back from a damaged or outdated index."""
from __future__ import annotations

import shutil
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from typing import NamedTuple

from application.resources import Resources
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
from corpus.models import Block, ConsistencyWarning, Document, Fact, Passage, ProfileRow
from corpus.store import WarningFlags, document_ref
from indices.visibility import insiders_of

PASSAGE_BATCH = 500  # blocks handed to the index at once: memory stays flat on documents of any length
# Hears the stage a refresh is in: "checking", then "indexing".
Stage = Callable[[str], None]


class Marks(NamedTuple):
    """The warning flags a document's passages carry in the index."""

    has_warnings: bool
    public_warnings: bool  # some warning a public viewer may see involves it


class DerivedState:
    """Keeps the warnings across documents and the search index in step with the catalog."""

    def __init__(self, resources: Resources) -> None:
        self.resources = resources
        self.catalog = resources.catalog
        # Documents indexed as they were stored, with the warning flags they were indexed with: until
        # refresh() has run, their entries are uncommitted and may lag behind the warnings across documents.
        self._indexed_as_stored: dict[str, Marks] = {}

    def forget_indexed(self) -> None:
        """An ingest begins: what one left without a refresh is redone from the catalog."""
        self._indexed_as_stored = {}

    def index_as_stored(self, document_id: str, blocks: Sequence[Block]) -> None:
        """Index a document just stored, while the workers read the next files; refresh() redoes only
        the documents whose warning flags the checks across documents then change."""
        flags = self.catalog.warning_flags()
        self._index_document(document_id, blocks, flags)
        self._indexed_as_stored[document_id] = marks_of(document_id, flags)

    def refresh(self, changed: set[str], stage: Stage | None = None) -> None:
        """Recompute the warnings across documents that involve changed documents (a document's own are
        stored with it), and bring the index up to date with the catalog; documents left pending by an
        interrupted run are finished too. ``stage`` hears "checking", then "indexing"."""
        (stage or _ignore)("checking")
        changed = changed | self.catalog.pending_refresh()
        self._store_missing_profiles()
        across = self._warnings_across(changed)
        self.catalog.replace_warnings(across, documents=changed, rules=CROSS_DOCUMENT_RULE_NAMES)
        if not self.resources.writes_index:  # the index's writer indexes them (Resources.writes_index)
            self.catalog.mark_pending(changed)
            return
        (stage or _ignore)("indexing")
        # The catalog marked, with the warnings, every document whose warning flags changed.
        pending = changed | self.catalog.pending_refresh()
        self._reindex_changed(pending)
        self.catalog.clear_pending(pending)

    def _reindex_changed(self, pending: set[str]) -> None:
        """Reindex the pending documents but those indexed during the ingest with the flags they still
        have; rewrite the public index only for those a public viewer sees differently."""
        flags = self.catalog.warning_flags()
        indexed, self._indexed_as_stored = self._indexed_as_stored, {}
        current = {d for d in pending if d in indexed and indexed[d] == marks_of(d, flags)}
        public_stale = self.catalog.pending_refresh(public=True)
        public_current = {d for d in pending if _public_current(d, indexed, flags, public_stale)}
        self.reindex(pending - current, public_unchanged=public_current)

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

    def _warnings_across(self, changed: set[str]) -> list[ConsistencyWarning]:
        """The warnings across documents of every pair holding a changed document: a pair of unchanged
        documents warns as before. A changed document is compared with those sharing one of its keys
        (host country, project id, name) or a reviewer's decision, and warns with those found to be the
        same project."""
        decisions = self.decisions()
        partners = {d for pair in decisions for d in pair if changed & set(pair)}
        keys = self.catalog.profile_keys(changed)
        stored = self.catalog.profiles(changed | partners, keys=keys)
        candidates = {d: load_profile(kept.document, kept.data) for d, kept in stored.items()}
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

    def recomputed(self) -> tuple[list[ConsistencyWarning], dict[str, ProfileRow]]:
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

    def rebuild_index(self) -> int:
        """Finish any interrupted update, then rebuild the whole index from the catalog (an embedded
        index of another version is replaced)."""
        if not self.resources.index_is_current():
            shutil.rmtree(self.resources.settings.layout.index)
        self.recheck_all()
        self.refresh(set())
        return self.reindex()

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
        index = self.resources.index
        if document_ids is None:  # searches keep the current passages meanwhile, where the backend can
            getattr(index, "begin_rebuild", index.clear)()
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
        index.commit()
        return passages

    def _index_document(
        self, document_id: str, blocks: Sequence[Block], flags: WarningFlags, *, public: bool = True
    ) -> int:
        """Replace the document's index entries (uncommitted) with these blocks' passages, flagged as the
        catalog's warnings stand; a document removed or failed meanwhile is only removed. Without
        ``public``, the public index is left as it is."""
        index = self.resources.index if public else insiders_of(self.resources.index)
        index.delete_document(document_id)
        document = self.catalog.get_document(document_id, include_confidential=True)
        if document is None or document.status != "ingested":
            return 0
        marks = marks_of(document_id, flags)
        passages = 0
        for batch in page_batches(blocks):
            entries = passages_of(document, batch, *marks)
            index.add_passages(entries)
            passages += len(entries)
        return passages


def marks_of(document_id: str, flags: WarningFlags) -> Marks:
    """Whether the document has warnings, and warnings a public viewer may see (Catalog.warning_flags)."""
    return Marks(document_id in flags.flagged, document_id in flags.public_flagged)


def _public_current(
    document_id: str, indexed: dict[str, Marks], flags: WarningFlags, public_stale: set[str]
) -> bool:
    """Whether the public index already holds the document as a public viewer sees it: indexed during
    this ingest with the public warnings flag it still has, or not marked as changed for public viewers
    (only a warning involving a confidential document came or went)."""
    if document_id in indexed:
        return indexed[document_id].public_warnings == marks_of(document_id, flags).public_warnings
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
