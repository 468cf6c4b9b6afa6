"""The Elasticsearch backend: the same passages, tokens and answers as the embedded index, on a cluster.

Passages are analysed in Python (analysis.py) exactly as for the embedded index and stored as
whitespace-joined token fields (words, parts, grams) with a whitespace analyzer, so both backends
match the same documents. The original text also gets native sub-fields (text.thai, text.kuromoji,
text.icu) for people who query the cluster directly; the service never uses them.

Writes are buffered in order and sent at commit(): bulk indexing, and delete_by_query for the
documents deleted, each after the writes before it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, TransportError, helpers

from corpus.models import DocumentRef, Passage, SearchResults
from indices import algorithm
from indices.algorithm import WALK_LIMIT
from indices.analysis import Streams, analyze_streams
from indices.base import DEFAULT_ES_INDEX as DEFAULT_INDEX
from indices.base import PAGE_BLOCK, SearchBackendError, SearchFilters, as_filters
from indices.blend import Weights, unweighted
from indices.engine import (
    FacetRow,
    Facets,
    RowKey,
    StoredPassage,
    Term,
    bucket_counts,
    facet_aggregation,
    warnings_field,
)
from indices.pages import page_passage, pages_needing_passage, text_key
from indices.query import ParsedQuery

log = logging.getLogger(__name__)

BULK_CHUNK = 1_000
_SOURCE_FIELDS = ["doc_id", "filename", "page", "block", "text_key", "language", "doc_type", "countries",
                  "year", "has_warnings", "public_warnings"]
# Fields added after the first mapping: put on an existing index when it is opened. Passages indexed
# before lack them, so a public viewer's filter (confidential: false) leaves them out until
# `jcm reindex`.
_ADDED_FIELDS = {"confidential": {"type": "boolean"}, "public_warnings": {"type": "boolean"}}
_FILTER_FIELDS = {"language": "language", "doc_type": "doc_type", "country": "countries", "year": "year",
                  "document": "doc_id"}

_TOKENS = {"type": "text", "analyzer": "jcm_tokens", "index_options": "positions", "norms": True}
_KEYWORD = {"type": "keyword"}
_NATIVE_FIELDS = {
    "thai": {"type": "text", "analyzer": "thai"},  # built into Elasticsearch
    "kuromoji": {"type": "text", "analyzer": "kuromoji"},  # analysis-kuromoji plugin
    "icu": {"type": "text", "analyzer": "icu_analyzer"},  # analysis-icu plugin
}


def index_body(native_fields: Mapping[str, dict]) -> dict[str, Any]:
    """Settings and mapping; ``native_fields`` are the sub-fields of text the cluster can analyse."""
    return {
        "settings": {
            "analysis": {"analyzer": {"jcm_tokens": {"type": "custom", "tokenizer": "whitespace"}}},
            "index": {"max_result_window": WALK_LIMIT},
        },
        "mappings": {
            "dynamic": "strict",
            "properties": {
                "words": _TOKENS,
                "parts": _TOKENS,
                "grams": _TOKENS,
                "text": {"type": "text", "analyzer": "standard", "fields": dict(native_fields)},
                "doc_id": _KEYWORD,
                "filename": {"type": "keyword", "index": False},
                "language": _KEYWORD,
                "doc_type": _KEYWORD,
                "countries": _KEYWORD,
                "year": {"type": "integer"},
                "page": {"type": "integer"},
                "block": {"type": "integer"},
                "has_warnings": {"type": "boolean"},
                **_ADDED_FIELDS,
                "is_page": {"type": "boolean"},
                "text_key": _KEYWORD,
            },
        },
    }


@dataclass
class _Pending:
    """Writes not yet sent, in order: index actions, and document ids to delete before later actions."""

    steps: list[tuple[str, Any]] = field(default_factory=list)

    def add(self, actions: list[dict]) -> None:
        if self.steps and self.steps[-1][0] == "index":
            self.steps[-1][1].extend(actions)
        else:
            self.steps.append(("index", list(actions)))

    def delete(self, document_id: str) -> None:
        self.steps.append(("delete", document_id))


class ElasticsearchIndex:
    def __init__(
        self,
        url: str | None = None,
        *,
        index_name: str = DEFAULT_INDEX,
        client: Elasticsearch | None = None,
        request_timeout: float = 30.0,
    ) -> None:
        if client is None and not url:
            raise SearchBackendError("the Elasticsearch backend needs a URL (JCM_ES_URL or --es-url)")
        self.url = url
        self.index_name = index_name
        self._client = client or Elasticsearch(url, request_timeout=request_timeout)
        self._pending = _Pending()
        self._closed = False
        self.created = False  # whether opening created the index (it did not exist)
        try:
            self._ensure_index()
        except TransportError as error:  # nothing answers there: say so, not a stack of transport errors
            raise SearchBackendError(f"cannot reach Elasticsearch at {url}: {error}") from error

    # ------------------------------------------------------------ index lifecycle

    def _ensure_index(self) -> None:
        if self._client.indices.exists(index=self.index_name):
            self._client.indices.put_mapping(index=self.index_name, properties=_ADDED_FIELDS)
            return
        try:
            self._client.indices.create(index=self.index_name, **index_body(_NATIVE_FIELDS))
        except BadRequestError as error:
            if "analyzer" not in str(error):
                raise
            log.warning(
                "Elasticsearch lacks the analysis-kuromoji or analysis-icu plugin; "
                "index %s gets only the text.thai sub-field", self.index_name
            )
            self._client.indices.create(index=self.index_name, **index_body({"thai": _NATIVE_FIELDS["thai"]}))
        self.created = True

    def drop(self) -> None:
        """Delete the whole Elasticsearch index (mapping included)."""
        self._client.indices.delete(index=self.index_name, ignore_unavailable=True)

    # ------------------------------------------------------------ writing

    def add_passages(self, passages: Sequence[Passage]) -> None:
        self._check_open()
        analysed = [(passage, analyze_streams(passage.text, passage.language)) for passage in passages]
        pages = [page_passage(blocks) for blocks in pages_needing_passage(analysed)]
        self._pending.add([self._action(passage, streams) for passage, streams in analysed + pages])

    def delete_document(self, document_id: str) -> None:
        self._check_open()
        self._pending.delete(document_id)

    def commit(self) -> None:
        self._check_open()
        steps, self._pending = self._pending.steps, _Pending()
        for kind, payload in steps:
            if kind == "index":
                helpers.bulk(self._client, payload, chunk_size=BULK_CHUNK, refresh=False)
            else:
                self._refresh()
                self._delete_by_query({"term": {"doc_id": payload}})
        self._refresh()

    def clear(self) -> None:
        self._check_open()
        self._pending = _Pending()
        self._delete_by_query({"match_all": {}})
        self._refresh()

    def close(self) -> None:
        if self._closed:
            return
        self.commit()
        self._client.close()
        self._closed = True

    def _action(self, passage: Passage, streams: Streams) -> dict[str, Any]:
        return {
            "_index": self.index_name,
            "_id": f"{passage.document.id}/{passage.page}/{passage.block}",
            "_source": _source(passage, streams),
        }

    def _delete_by_query(self, query: dict) -> None:
        self._client.delete_by_query(index=self.index_name, query=query, conflicts="proceed", refresh=True)

    def _refresh(self) -> None:
        self._client.indices.refresh(index=self.index_name)

    def _check_open(self) -> None:
        if self._closed:
            raise RuntimeError(f"the Elasticsearch index {self.index_name} is closed")

    # ------------------------------------------------------------ reading

    def count(self) -> int:
        self._check_open()
        return self._client.count(index=self.index_name, query={"term": {"is_page": False}})["count"]

    def holds_document(self, document_id: str) -> bool:
        """Whether a commit made passages of the document searchable (writes since are not seen)."""
        self._check_open()
        return self._client.count(index=self.index_name, query={"term": {"doc_id": document_id}})["count"] > 0

    def passage_keys(self) -> list[tuple[str, int]]:
        self._check_open()
        found = helpers.scan(
            self._client, index=self.index_name, query={"query": {"term": {"is_page": False}}},
            _source=["doc_id", "block"],
        )
        return [(hit["_source"]["doc_id"], hit["_source"]["block"]) for hit in found]

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: SearchFilters | Mapping[str, object] | None = None,
        expand: bool = True,
    ) -> SearchResults:
        """The embedded index's answer (indices.algorithm over this cluster's engine)."""
        self._check_open()
        begin = partial(_ElasticsearchSearch, self._client, self.index_name)
        return algorithm.answer(begin, query, as_filters(filters), limit=limit, offset=offset, expand=expand)


@dataclass(frozen=True)
class _Window:
    """The best ranked matches, with the fields of their sources the walk and the facets read."""

    hits: list[dict]
    count: int  # every match, including those beyond the window

    @property
    def size(self) -> int:
        return len(self.hits)

    def keys(self) -> Iterable[RowKey]:
        for hit in self.hits:
            source = hit["_source"]
            yield source["doc_id"], source["page"], source["block"], source["text_key"]


class _ElasticsearchQueries:
    """The algorithm's query primitives as the query DSL, and the filters around them."""

    def term(self, field: str, value: str, boost: float) -> dict:
        return {"term": {field: {"value": value, "boost": boost}}}

    def phrase(self, field: str, texts: Sequence[str], slop: int, boost: float) -> dict:
        phrase: dict[str, Any] = {"query": " ".join(texts), "boost": boost}
        if slop:
            phrase["slop"] = slop
        return {"match_phrase": {field: phrase}}

    def boolean(self, clauses: Sequence[tuple[bool, dict]]) -> dict:
        should = [query for required, query in clauses if not required]
        must = [query for required, query in clauses if required]
        return {"bool": {"must": must, "should": should} if should else {"must": must}}

    def any_of(self, queries: Sequence[dict]) -> dict:
        return {"bool": {"should": list(queries), "minimum_should_match": 1}}

    def dis_max(self, queries: Sequence[dict], tie_breaker: float | None = None) -> dict:
        body: dict[str, Any] = {"queries": list(queries)}
        if tie_breaker is not None:
            body["tie_breaker"] = tie_breaker
        return {"dis_max": body}

    def boosted(self, query: dict, weight: float) -> dict:
        """A bool query takes the boost itself (the same score, a shorter request); others are wrapped."""
        inner = query.get("bool")
        if inner is not None and "boost" not in inner:
            return {"bool": {**inner, "boost": weight}}
        return {"bool": {"must": [query], "boost": weight}}


QUERIES = _ElasticsearchQueries()


class _ElasticsearchSearch:
    """One search of an Elasticsearch index (indices.engine.EngineSearch)."""

    queries = QUERIES

    def __init__(self, client: Elasticsearch, index_name: str) -> None:
        self._client = client
        self._index = index_name

    def document_frequencies(self, terms: Sequence[Term]) -> tuple[dict[Term, int], int]:
        """Every term's count and the passages in all, in one multi-search."""
        counted = [{"term": {stream: token}} for stream, token in terms] + [{"match_all": {}}]
        searches: list[dict] = []
        for query in counted:
            searches += [{"index": self._index}, {"size": 0, "track_total_hits": True, "query": query}]
        responses = self._client.msearch(searches=searches)["responses"]
        counts = [response["hits"]["total"]["value"] for response in responses]
        return dict(zip(terms, counts, strict=False)), counts[-1]

    def ranked(self, query: dict, filters: SearchFilters, window: int) -> _Window:
        response = self._client.search(
            index=self._index, query=_filtered(query, filters), size=window, source=_SOURCE_FIELDS,
            track_total_hits=True,
        )
        return _Window(response["hits"]["hits"], response["hits"]["total"]["value"])

    def facets_later(self, query: dict, filters: SearchFilters) -> Callable[[], Facets]:
        """Asked for only when called: the walked window's own counts usually serve."""
        blocks = _filtered(query, filters, {"term": {"is_page": False}})
        aggregations = facet_aggregation(warnings_field(filters.public_only))

        def aggregated() -> Facets:
            response = self._client.search(
                index=self._index, query=blocks, size=0, aggregations=aggregations, track_total_hits=False,
            )
            return bucket_counts(response["aggregations"])

        return aggregated

    def facet_rows(self, ranked: _Window, rows: Sequence[int], filters: SearchFilters) -> dict[FacetRow, int]:
        flag = warnings_field(filters.public_only)
        counted: dict[FacetRow, int] = {}
        for row in rows:
            source = ranked.hits[row]["_source"]
            facets = FacetRow(
                source["language"], source.get("doc_type"), tuple(source.get("countries") or ()),
                source.get("year"), bool(source.get(flag)),
            )
            counted[facets] = counted.get(facets, 0) + 1
        return counted

    def stored(self, ranked: _Window, rows: Sequence[int], terms: frozenset[str]) -> list[StoredPassage]:
        """Texts are fetched for the page shown only (the window carries none)."""
        hits = [ranked.hits[row] for row in rows]
        fetched = self._client.mget(index=self._index, ids=[hit["_id"] for hit in hits], source=["text"])
        texts = {doc["_id"]: doc["_source"]["text"] for doc in fetched["docs"] if doc.get("found")}
        return [_passage(hit, texts.get(hit["_id"], "")) for hit in hits]


# ---------------------------------------------------------------- documents


def _source(passage: Passage, streams: Streams) -> dict[str, Any]:
    return {
        "words": " ".join(streams.words),
        "parts": " ".join(streams.parts),
        "grams": " ".join(streams.grams),
        "text": passage.text,
        "doc_id": passage.document.id,
        "filename": passage.document.filename,
        "language": passage.language,
        "doc_type": passage.doc_type,
        "countries": passage.countries,
        "year": passage.year,
        "page": passage.page,
        "block": passage.block,
        "has_warnings": passage.has_warnings,
        "public_warnings": passage.public_warnings,
        "confidential": passage.confidential,
        "is_page": passage.block == PAGE_BLOCK,
        "text_key": str(text_key(passage.text)),
    }


def _passage(hit: dict, text: str) -> StoredPassage:
    source = hit["_source"]
    return StoredPassage(
        document=DocumentRef(id=source["doc_id"], filename=source["filename"]),
        page=source["page"],
        block=source["block"],
        text=text,
        language=source["language"],
        score=hit["_score"] or 0.0,
    )


# ---------------------------------------------------------------- query building


def _all_units(parsed: ParsedQuery, weights: Weights | None = None) -> dict:
    """The request of the first tier (indices.algorithm.all_units), as sent."""
    return algorithm.all_units(QUERIES, parsed, weights or unweighted(parsed))


def _any_unit(parsed: ParsedQuery, weights: Weights | None = None) -> dict:
    """The request of the second tier (indices.algorithm.any_unit), as sent."""
    return algorithm.any_unit(QUERIES, parsed, weights or unweighted(parsed))


def _filtered(match: dict, conditions: SearchFilters, *extra: dict) -> dict:
    clauses = [*_filter_clauses(conditions), *extra]
    return {"bool": {"must": [match], "filter": clauses}} if clauses else match


def _filter_clauses(conditions: SearchFilters) -> list[dict]:
    clauses = [
        {"terms": {field_name: list(getattr(conditions, name))}}
        for name, field_name in _FILTER_FIELDS.items()
        if getattr(conditions, name)
    ]
    if conditions.has_warnings is not None:
        clauses.append({"term": {warnings_field(conditions.public_only): conditions.has_warnings}})
    if conditions.public_only:
        clauses.append({"term": {"confidential": False}})
    return clauses


__all__ = ["DEFAULT_INDEX", "ElasticsearchIndex", "index_body"]
