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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from elasticsearch import BadRequestError, Elasticsearch, TransportError, helpers

from corpus.models import DocumentRef, Passage, SearchHit, SearchResults
from indices.analysis import Streams, analyze_streams, highlight
from indices.base import DEFAULT_ES_INDEX as DEFAULT_INDEX
from indices.base import PAGE_BLOCK, Filters, SearchBackendError, parse_filters
from indices.blend import Weights, query_weights, terms_needed, unweighted
from indices.query import ParsedQuery, QueryClause, QueryUnit, parse_query
from indices.walk import (
    FACETS,
    FULL_MATCH_BOOST,
    METADATA_BOOST,
    PIECE_BOOST,
    STREAM_BOOSTS,
    WALK_LIMIT,
    bucket_counts,
    collapse,
    estimated_total,
    facet_aggregation,
    first_window,
    flag_name,
    named_counts,
    page_passage,
    pages_needing_passage,
    synonym_boost,
    text_key,
    warnings_field,
)

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
        filters: Mapping[str, object] | None = None,
        expand: bool = True,
    ) -> SearchResults:
        """The embedded index's answer (see EmbeddedIndex.search), from the cluster."""
        self._check_open()
        conditions = parse_filters(filters)
        parsed = parse_query(query, expand=expand)
        if parsed.is_empty or limit <= 0:
            return SearchResults(query=query, total=0, hits=[])
        start = max(offset, 0)
        weights = self._weights(parsed)
        match = _all_units(parsed, weights)
        window = self._walk(match, conditions, start + limit)
        if len(window.kept) < start + limit and parsed.partly_matched:
            match = _any_unit(parsed, weights)
            window = self._walk(match, conditions, start + limit)
        hits = [window.hits[row] for row in window.kept[start : start + limit]]
        return SearchResults(
            query=query,
            total=estimated_total(len(window.hits), len(window.kept), window.count),
            hits=self._hits(hits, parsed),
            facets=self._facets(window, match, conditions),
            also_searched=list(parsed.also_searched),
        )

    def _weights(self, parsed: ParsedQuery) -> Weights:
        """The blended weights of the glossary alternatives (indices.blend), from the document
        frequencies of this index, all counted in one multi-search."""
        needed = sorted(terms_needed(parsed))
        if not needed:
            return unweighted(parsed)
        counted = [{"term": {stream: token}} for stream, token in needed] + [{"match_all": {}}]
        searches: list[dict] = []
        for query in counted:
            searches += [{"index": self.index_name}, {"size": 0, "track_total_hits": True, "query": query}]
        responses = self._client.msearch(searches=searches)["responses"]
        counts = [response["hits"]["total"]["value"] for response in responses]
        freqs = dict(zip(needed, counts, strict=False))
        return query_weights(parsed, lambda stream, token: freqs.get((stream, token), 0), counts[-1])

    def _walk(self, match: dict, conditions: Filters, wanted: int) -> _Window:
        size = first_window(wanted)
        while True:
            response = self._client.search(
                index=self.index_name,
                query=_filtered(match, conditions),
                size=size,
                source=_SOURCE_FIELDS,
                track_total_hits=True,
            )
            window = _Window.of(response["hits"])
            if len(window.kept) >= wanted or window.complete or size >= WALK_LIMIT:
                return window
            size = min(size * 4, WALK_LIMIT)

    def _hits(self, hits: list[dict], parsed: ParsedQuery) -> list[SearchHit]:
        """Hits with their texts, fetched for the page shown only (the window carries no text)."""
        if not hits:
            return []
        fetched = self._client.mget(index=self.index_name, ids=[hit["_id"] for hit in hits], source=["text"])
        texts = {doc["_id"]: doc["_source"]["text"] for doc in fetched["docs"] if doc.get("found")}
        terms = set(parsed.terms)
        return [_hit(hit, texts.get(hit["_id"], ""), terms) for hit in hits]

    def _facets(self, window: _Window, match: dict, conditions: Filters) -> dict[str, dict[str, int]]:
        flag = warnings_field(conditions.public_only)
        if window.complete:
            return _walked_facets([window.hits[row]["_source"] for row in window.kept], flag)
        blocks = _filtered(match, conditions, {"term": {"is_page": False}})
        response = self._client.search(
            index=self.index_name, query=blocks, size=0, aggregations=facet_aggregation(flag),
            track_total_hits=False,
        )
        return {facet: bucket_counts(response["aggregations"][facet]["buckets"]) for facet in FACETS}


@dataclass(frozen=True)
class _Window:
    hits: list[dict]
    kept: list[int]
    count: int

    @property
    def complete(self) -> bool:
        return len(self.hits) >= self.count

    @classmethod
    def of(cls, response_hits: dict) -> _Window:
        hits = response_hits["hits"]
        keys = (
            (source["doc_id"], source["page"], source["block"], source["text_key"])
            for source in (hit["_source"] for hit in hits)
        )
        return cls(hits, collapse(keys), response_hits["total"]["value"])


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


def _hit(hit: dict, text: str, terms: set[str]) -> SearchHit:
    source = hit["_source"]
    return SearchHit(
        document=DocumentRef(id=source["doc_id"], filename=source["filename"]),
        page=source["page"],
        block=source["block"],
        text=text,
        snippet=highlight(text, terms, source["language"]),
        score=hit["_score"] or 0.0,
        language=source["language"],
    )


def _walked_facets(sources: list[dict], flag: str) -> dict[str, dict[str, int]]:
    return {
        "language": named_counts(source["language"] for source in sources),
        "doc_type": named_counts(source.get("doc_type") for source in sources),
        "country": named_counts(country for source in sources for country in source.get("countries") or []),
        "year": named_counts(source.get("year") for source in sources),
        "has_warnings": named_counts((bool(source.get(flag)) for source in sources), flag_name),
    }


# ---------------------------------------------------------------- query building


def _all_units(parsed: ParsedQuery, weights: Weights | None = None) -> dict:
    """Passages holding every required clause; grammar words only add to the score."""
    weighted = list(zip(parsed.clauses, weights or unweighted(parsed), strict=True))
    must = [_clause(clause, boosts) for clause, boosts in weighted if clause.required]
    should = [_clause(clause, boosts) for clause, boosts in weighted if not clause.required]
    loose = parsed.loose_words
    if len(loose) > 1:
        should.append({"match_phrase": {"words": {"query": " ".join(loose), "slop": 3, "boost": 0.5}}})
    return {"bool": {"must": must, "should": should}}


def _any_unit(parsed: ParsedQuery, weights: Weights | None = None) -> dict:
    """Passages holding any of the query's words, those holding all of them far above."""
    weights = weights or unweighted(parsed)
    every = {"bool": {"must": [_all_units(parsed, weights)], "boost": FULL_MATCH_BOOST}}
    # A grammar word alone never makes a passage a match.
    weighted = zip(parsed.clauses, weights, strict=True)
    some = [_partly(clause, boosts) for clause, boosts in weighted if clause.required]
    return {"bool": {"should": [every, *some], "minimum_should_match": 1}}


def _partly(clause: QueryClause, weights: tuple[float, ...]) -> dict:
    """As EmbeddedIndex._partly: the clause, or below it some words of its terms of several words."""
    whole = _clause(clause, weights)
    if not clause.pieces:
        return whole
    pieces = {"bool": {"should": [_unit(unit) for unit in clause.pieces], "boost": PIECE_BOOST}}
    return {"dis_max": {"queries": [whole, pieces]}}


def _clause(clause: QueryClause, weights: tuple[float, ...]) -> dict:
    """As EmbeddedIndex._clause: alternatives weighed with the group's blended statistics, the user's
    words first, synonyms a little below them, the document's country below both."""
    pairs = zip(clause.alternatives, weights, strict=True)
    options = [_boosted(_all_of(units), weight) for units, weight in pairs]
    boost = synonym_boost(clause.quoted)
    synonyms = [{"bool": {"must": [option], "boost": boost}} for option in options[1:]]
    if clause.country:
        synonyms.append({"term": {"countries": {"value": clause.country, "boost": METADATA_BOOST}}})
    if not synonyms:
        return options[0]
    return {"dis_max": {"queries": [options[0], *synonyms], "tie_breaker": 0.1}}


def _boosted(query: dict, weight: float) -> dict:
    return query if weight == 1.0 else {"bool": {"must": [query], "boost": weight}}


def _all_of(units: tuple[QueryUnit, ...]) -> dict:
    if len(units) == 1:
        return _unit(units[0])
    return {"bool": {"must": [_unit(unit) for unit in units]}}


def _unit(unit: QueryUnit) -> dict:
    alternatives = [
        _sequence(stream, texts, STREAM_BOOSTS[stream], unit.slop if stream == "words" else 0)
        for stream, texts in (("words", unit.words), ("parts", unit.parts), ("grams", unit.grams))
        if texts
    ]
    if len(alternatives) == 1:
        return alternatives[0]
    return {"dis_max": {"queries": alternatives, "tie_breaker": 0.1}}


def _sequence(stream: str, texts: tuple[str, ...], boost: float, slop: int = 0) -> dict:
    if len(texts) == 1:
        return {"term": {stream: {"value": texts[0], "boost": boost}}}
    phrase: dict[str, Any] = {"query": " ".join(texts), "boost": boost}
    if slop:  # a glossary name's, in the word stream (as EmbeddedIndex._slop)
        phrase["slop"] = slop
    return {"match_phrase": {stream: phrase}}


def _filtered(match: dict, conditions: Filters, *extra: dict) -> dict:
    clauses = [*_filter_clauses(conditions), *extra]
    return {"bool": {"must": [match], "filter": clauses}} if clauses else match


def _filter_clauses(conditions: Filters) -> list[dict]:
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
