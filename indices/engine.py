"""What the search algorithm (indices.algorithm) asks of a backend: the engine interface.

The algorithm decides what a search means (every word, then some; the widening window; totals and
facets; blended glossary weights); an engine only answers narrow questions about one index: a query
built from a few primitives, the best ranked matches of it under filters, the facet counts of its
matches, the stored texts of some of them and how many passages hold a term. The embedded tantivy
index and Elasticsearch each implement it, so both answer alike by construction.

Also here: what the engines share in the shape of their answers (the facets' terms aggregation and
its buckets, which tantivy and Elasticsearch write alike).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from corpus.models import DocumentRef
from indices.base import SearchFilters

Q = TypeVar("Q")  # an engine's query: a tantivy.Query, or the query of an Elasticsearch request
R = TypeVar("R", bound="Ranked")  # an engine's window of ranked matches

FACETS = ("language", "doc_type", "country", "year", "has_warnings")
FACET_SIZE = 100
# The passage field behind each facet (has_warnings is the viewer's: see warnings_field).
FACET_FIELDS = {"language": "language", "doc_type": "doc_type", "country": "countries", "year": "year"}

Facets = dict[str, dict[str, int]]
RowKey = tuple[object, int, int, object]  # document, page, block, text key: what de-duplication reads
Term = tuple[str, str]  # (stream, token)


class QueryBuilder(Protocol[Q]):
    """The primitives every query of the algorithm is made of. Boosts multiply a query's score."""

    def term(self, field: str, value: str, boost: float) -> Q: ...

    def phrase(self, field: str, texts: Sequence[str], slop: int, boost: float) -> Q: ...

    def boolean(self, clauses: Sequence[tuple[bool, Q]]) -> Q:
        """Every required clause (True) must match; the others add to the score."""

    def any_of(self, queries: Sequence[Q]) -> Q:
        """At least one must match; the score sums those that do."""

    def dis_max(self, queries: Sequence[Q], tie_breaker: float | None = None) -> Q: ...

    def boosted(self, query: Q, weight: float) -> Q: ...


class Ranked(Protocol):
    """The best ranked matches of a query, a window of them, in rank order."""

    @property
    def size(self) -> int:
        """Matches in the window."""

    @property
    def count(self) -> int:
        """Every match, those beyond the window included."""

    def keys(self) -> Iterable[RowKey]:
        """Each match's key, in rank order."""


@dataclass(frozen=True, slots=True)
class FacetRow:
    """What one passage counts for in the facets."""

    language: str
    doc_type: str | None
    countries: tuple[str, ...]
    year: int | None
    has_warnings: bool


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A ranked match as a hit shows it. ``tokens``: the text's tokens equal to a query term, with
    offsets, where the index kept them (a snippet then needs no segmentation)."""

    document: DocumentRef
    page: int
    block: int
    text: str
    language: str
    score: float
    tokens: list[tuple[str, int, int]] | None = None


class EngineSearch(Protocol[Q, R]):
    """One search's view of an index: every question of a search is answered by the same state."""

    queries: QueryBuilder[Q]

    def document_frequencies(self, terms: Sequence[Term]) -> tuple[Mapping[Term, int], int]:
        """Passages holding each term, and passages in all (deleted ones too until merged away, as in
        the engine's own scores)."""

    def ranked(self, query: Q, filters: SearchFilters, window: int) -> R:
        """The ``window`` best matches of the query among the passages the filters let through."""

    def facets_later(self, query: Q, filters: SearchFilters) -> Callable[[], Facets]:
        """The facet counts of every matching block (page passages left out), asked for now and read
        when called: an engine may compute them meanwhile, or only when called."""

    def facet_rows(self, ranked: R, rows: Sequence[int], filters: SearchFilters) -> Mapping[FacetRow, int]:
        """What the given matches count for, as passages per facet row, in the order first met."""

    def stored(self, ranked: R, rows: Sequence[int], terms: frozenset[str]) -> list[StoredPassage]:
        """The given matches as hits show them; ``terms`` are those a snippet marks."""


def facet_aggregation(warnings_flag: str) -> dict:
    """The terms aggregation of every facet, in the request shape tantivy and Elasticsearch share."""
    fields = {**FACET_FIELDS, "has_warnings": warnings_flag}
    return {facet: {"terms": {"field": field, "size": FACET_SIZE}} for facet, field in fields.items()}


def bucket_counts(aggregations: Mapping[str, dict]) -> Facets:
    """Every facet's term buckets (tantivy and Elasticsearch write them alike) as facet counts."""
    return {
        facet: {
            str(bucket.get("key_as_string", bucket["key"])): bucket["doc_count"]
            for bucket in aggregations[facet]["buckets"]
        }
        for facet in FACETS
    }


def warnings_field(public_only: bool) -> str:
    """The passage flag behind the has_warnings filter and facet: a public viewer's excludes warnings
    that involve a confidential document."""
    return "public_warnings" if public_only else "has_warnings"
