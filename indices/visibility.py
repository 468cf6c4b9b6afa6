"""A public caller's search answer, computed from public passages alone.

BM25 ranks with statistics of the index it runs in: how many passages hold each term, how long passages
are on average, and (tantivy and Lucene alike) passages deleted but not yet merged away. A filter inside
the query keeps confidential passages out of a public caller's hits, totals and facets, but not out of
those statistics: adding a confidential document changed the scores a public key saw, and could reorder
its hits. So public passages are indexed a second time, in an index of their own in which a public
caller's searches run; insiders search the full index, as before.

The public index holds only what a public viewer may learn, and changes only when that does:
confidential passages never enter it, its passages carry the warnings flag a public viewer sees, and it
is written to (even a delete: a tantivy commit reorders its segments, and with them hits of equal score)
only for documents it holds or is given. A document whose public view did not change (a warning that
involves a confidential document came or went) is re-indexed in the full index only (``insiders_of``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Protocol

import tantivy

from corpus.models import Passage, SearchResults
from indices.analysis import reused_analyses
from indices.base import IndexSchemaError, SearchFilters, SearchIndex, as_filters
from indices.embedded import EmbeddedIndex
from indices.es_options import ElasticsearchOptions

log = logging.getLogger(__name__)

PUBLIC_DIRECTORY = "public"  # the embedded public index, inside the full index's directory
PUBLIC_SUFFIX = "-public"  # the Elasticsearch public index: the full index's name and this


class HoldingIndex(SearchIndex, Protocol):
    def holds_document(self, document_id: str) -> bool:
        """Whether a commit made passages of the document searchable."""


class PublicSplitIndex:
    """The full index and the index of public passages behind one SearchIndex: a public viewer's search
    (the public_only filter) runs in the public index, every other in the full one."""

    def __init__(self, full: SearchIndex, public: HoldingIndex) -> None:
        self.full = full
        self.public = public
        # Documents given to the public index since its last commit, which holds_document cannot see yet.
        self._given: set[str] = set()

    def add_passages(self, passages: Sequence[Passage]) -> None:
        visible = [_public_view(passage) for passage in passages if not passage.confidential]
        with reused_analyses():  # the public copies are analysed once, for both indices
            self.full.add_passages(passages)
            if visible:
                self.public.add_passages(visible)
        self._given.update(passage.document.id for passage in visible)

    def delete_document(self, document_id: str) -> None:
        self.full.delete_document(document_id)
        if document_id in self._given or self.public.holds_document(document_id):
            self.public.delete_document(document_id)

    def commit(self) -> None:
        """Commit both; the public index is left untouched when nothing was written to it."""
        self.full.commit()
        self.public.commit()
        self._given.clear()

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: SearchFilters | Mapping[str, object] | None = None,
        expand: bool = True,
    ) -> SearchResults:
        target = self.public if as_filters(filters).public_only else self.full
        return target.search(query, limit=limit, offset=offset, filters=filters, expand=expand)

    def count(self) -> int:
        return self.full.count()

    def passage_keys(self) -> list[tuple[str, int]]:
        """The full index's: every passage of every document (what `jcm verify` compares)."""
        return self.full.passage_keys()

    def public_passage_keys(self) -> list[tuple[str, int]]:
        """The public index's: every passage of every public document, page passages left out."""
        return self.public.passage_keys()

    def clear(self) -> None:
        self.full.clear()
        self.public.clear()
        self._given.clear()

    def begin_rebuild(self) -> None:
        """Start a full rebuild of both: where the backend can, searches keep reading the current
        passages until commit(); elsewhere it is a clear()."""
        for index in (self.full, self.public):
            getattr(index, "begin_rebuild", index.clear)()
        self._given.clear()

    def close(self) -> None:
        try:
            self.full.close()
        finally:
            self.public.close()

    def drop(self) -> None:
        """Delete both indices where the backend can (Elasticsearch: the test suites' indices)."""
        for index in (self.full, self.public):
            drop = getattr(index, "drop", None)
            if drop is not None:
                drop()


def insiders_of(index: SearchIndex) -> SearchIndex:
    """The index to write a document whose public view did not change: the full index alone."""
    return index.full if isinstance(index, PublicSplitIndex) else index


def _public_view(passage: Passage) -> Passage:
    """The passage as a public viewer may know it: its warnings flag counts only warnings it may see, so
    a warning involving a confidential document never reaches the public index."""
    if passage.has_warnings == passage.public_warnings:
        return passage
    return passage.model_copy(update={"has_warnings": passage.public_warnings})


def open_embedded(path: Path) -> PublicSplitIndex:
    """The embedded full index in ``path`` and its public index inside it (removing ``path`` removes
    both). An index built before the public index existed must be rebuilt: IndexSchemaError."""
    public_path = path / PUBLIC_DIRECTORY
    if _holds_index(path) and not _holds_index(public_path):
        raise IndexSchemaError(
            f"the search index in {path} was built by a version without an index of public passages; "
            "rebuild it"
        )
    full = EmbeddedIndex(path)
    try:
        return PublicSplitIndex(full, EmbeddedIndex(public_path))
    except BaseException:
        full.close()
        raise


def _holds_index(path: Path) -> bool:
    return path.is_dir() and tantivy.Index.exists(str(path))


def open_elasticsearch(options: ElasticsearchOptions | str | None, index_name: str) -> PublicSplitIndex:
    """The Elasticsearch index ``index_name`` and its public index ``index_name``-public. A public index
    created beside a full index that holds passages stays empty until `jcm reindex`: public callers find
    nothing until then, which is logged."""
    from indices.elasticsearch import ElasticsearchIndex  # the client loads only when used

    full = ElasticsearchIndex(options, index_name=index_name)
    try:
        public = ElasticsearchIndex(options, index_name=index_name + PUBLIC_SUFFIX)
    except BaseException:
        full.close()
        raise
    if public.created and not full.created and full.count():
        log.warning(
            "Elasticsearch index %s%s was created empty beside %s: public callers find nothing until "
            "`jcm reindex`", index_name, PUBLIC_SUFFIX, index_name,
        )
    return PublicSplitIndex(full, public)
