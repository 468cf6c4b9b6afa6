"""The search algorithm, once for every backend, over the engine interface of indices.engine.

Passages holding every word of the query (every required clause) come first; when they fill less than
the page asked for, passages holding some of the words follow, those holding every word far above.
Matches are walked in rank order over a window of the best (widened until it holds the page): a page
passage and blocks of that page never both appear, and a text repeated across a document appears a few
times only. When every match fits the window, the total and the facets are exact; beyond it the total
is estimated from the window and the facets count the matching blocks. The glossary's other names of
a term score with the group's blended statistics (indices.blend).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TypeVar

from corpus.models import SearchHit, SearchResults
from indices.analysis import highlight, highlight_terms
from indices.base import PAGE_BLOCK, SearchFilters
from indices.blend import Weights, query_weights, terms_needed, unweighted
from indices.engine import FACETS, EngineSearch, FacetRow, Facets, QueryBuilder, Ranked, RowKey
from indices.query import ParsedQuery, QueryClause, QueryUnit, parse_query

Q = TypeVar("Q")
R = TypeVar("R", bound=Ranked)

SAME_TEXT_HITS = 3
MIN_WINDOW = 100  # ranked matches walked at least; result sets this small get exact totals and facets
WINDOW_PER_HIT = 4  # matches walked per hit asked for, room for the ones de-duplication drops
WALK_LIMIT = 10_000  # ranked matches walked at most
# A glossary term the user did not type ranks a little below their own words. Every name of a group
# scores with the group's blended idf (indices.blend), so this is the only difference left between
# them: benchmarks/relevance.py was best near 0.8 (0.45 kept documents in the other languages off
# the first page, 1.0 lets them outrank a quoted phrase's own words).
SYNONYM_BOOST = 0.8
# Quoted words ask for those very words: the other names of a quoted term rank further below.
QUOTED_SYNONYM_BOOST = 0.5
# A country named by the document's metadata only (a plant in Darkhan is in Mongolia) counts, below words.
METADATA_BOOST = 0.2
# Some words of a term of several words (credit issuance, クレジットの発行) count for part of it.
PIECE_BOOST = 0.5
# When too few passages hold every clause, those holding some follow; every clause held ranks far above.
FULL_MATCH_BOOST = 10.0
STREAM_BOOSTS = {"words": 1.0, "parts": 0.7, "grams": 0.4}
LOOSE_SLOP = 3  # words typed apart still rank higher when they stand this close
LOOSE_BOOST = 0.5
TIE_BREAKER = 0.1  # a dis_max's other matching alternatives add this share of their scores


def search(
    engine: EngineSearch[Q, R], parsed: ParsedQuery, filters: SearchFilters, *, limit: int, offset: int
) -> SearchResults:
    """The page of results from ``offset``, with the total, the facets and the glossary names added."""
    start = max(offset, 0)
    wanted = start + limit
    weights = blended_weights(engine, parsed)
    match = all_units(engine.queries, parsed, weights)
    facets_later = engine.facets_later(match, filters)
    ranked, kept = walk(engine, match, filters, wanted)
    if len(kept) < wanted and parsed.partly_matched:
        match = any_unit(engine.queries, parsed, weights)
        facets_later = engine.facets_later(match, filters)
        ranked, kept = walk(engine, match, filters, wanted)
    hits = _hits(engine, ranked, kept[start:wanted], parsed)
    complete = ranked.size >= ranked.count
    return SearchResults(
        query=parsed.text,
        total=estimated_total(ranked.size, len(kept), ranked.count),
        hits=hits,
        facets=walked_facets(engine.facet_rows(ranked, kept, filters)) if complete else facets_later(),
        also_searched=list(parsed.also_searched),
    )


def answer(
    begin: Callable[[], EngineSearch[Q, R]],
    query: str,
    filters: SearchFilters,
    *,
    limit: int,
    offset: int,
    expand: bool,
) -> SearchResults:
    """The results of ``query``: none when it holds no word or no hit is asked for, else the search over
    the engine's view that ``begin`` opens (only then: opening may cost a request, or be refused)."""
    parsed = parse_query(query, expand=expand)
    if parsed.is_empty or limit <= 0:
        return SearchResults(query=query, total=0, hits=[])
    return search(begin(), parsed, filters, limit=limit, offset=offset)


def blended_weights(engine: EngineSearch[Q, R], parsed: ParsedQuery) -> Weights:
    """The blended weights of the glossary alternatives, every document frequency asked at once."""
    needed = sorted(terms_needed(parsed))
    if not needed:
        return unweighted(parsed)
    frequencies, total = engine.document_frequencies(needed)
    return query_weights(parsed, lambda stream, token: frequencies.get((stream, token), 0), total)


def walk(engine: EngineSearch[Q, R], match: Q, filters: SearchFilters, wanted: int) -> tuple[R, list[int]]:
    """The ranked window and its rows kept by de-duplication, widened until it holds ``wanted``."""
    window = first_window(wanted)
    while True:
        ranked = engine.ranked(match, filters, window)
        kept = collapse(ranked.keys())
        if len(kept) >= wanted or ranked.size >= ranked.count or window >= WALK_LIMIT:
            return ranked, kept
        window = min(window * 4, WALK_LIMIT)


def _hits(engine: EngineSearch[Q, R], ranked: R, rows: Sequence[int], parsed: ParsedQuery) -> list[SearchHit]:
    if not rows:
        return []
    stored = engine.stored(ranked, rows, highlight_terms(parsed.terms))
    return [
        SearchHit(
            document=passage.document,
            page=passage.page,
            block=passage.block,
            text=passage.text,
            snippet=highlight(passage.text, parsed.terms, passage.language, passage.tokens),
            score=passage.score,
            language=passage.language,
        )
        for passage in stored
    ]


# ---------------------------------------------------------------- results


def first_window(wanted: int) -> int:
    return min(max(MIN_WINDOW, wanted * WINDOW_PER_HIT), WALK_LIMIT)


def collapse(keys: Iterable[RowKey]) -> list[int]:
    """Rows in rank order without flooding: a page passage and blocks of that page never both appear
    (whichever ranks first wins the page), and one text recurring in a document (a running header,
    a sentence repeated on every page) appears at most SAME_TEXT_HITS times."""
    kept: list[int] = []
    page_owner: dict[tuple[object, int], bool] = {}
    repeats: Counter[tuple[object, object]] = Counter()
    for row, (document, page, block, text) in enumerate(keys):
        is_page = block == PAGE_BLOCK
        if page_owner.setdefault((document, page), is_page) != is_page:
            continue
        repeats[document, text] += 1
        if repeats[document, text] <= SAME_TEXT_HITS:
            kept.append(row)
    return kept


def estimated_total(walked: int, kept: int, count: int) -> int:
    """Results after de-duplication; beyond the window, estimated with the window's rate of keeping."""
    if walked >= count or walked == 0:
        return kept
    return kept + round((count - walked) * kept / walked)


def walked_facets(rows: Mapping[FacetRow, int]) -> Facets:
    """Counts per facet of the walked passages, most frequent first (ties: first met first)."""
    counts: dict[str, Counter[str]] = {facet: Counter() for facet in FACETS}
    for row, passages in rows.items():
        counts["language"][row.language] += passages
        if row.doc_type:
            counts["doc_type"][row.doc_type] += passages
        for country in row.countries:
            counts["country"][country] += passages
        if row.year is not None:
            counts["year"][str(row.year)] += passages
        counts["has_warnings"][flag_name(row.has_warnings)] += passages
    return {facet: dict(counted.most_common()) for facet, counted in counts.items()}


def flag_name(flag: object) -> str:
    return str(bool(flag)).lower()


# ---------------------------------------------------------------- the query


def all_units(queries: QueryBuilder[Q], parsed: ParsedQuery, weights: Weights) -> Q:
    """Passages holding every required clause; grammar words only add to the score, and the words
    typed apart add more when they stand close."""
    clauses = [
        (clause.required, _clause(queries, clause, weighted))
        for clause, weighted in zip(parsed.clauses, weights, strict=True)
    ]
    loose = parsed.loose_words
    if len(loose) > 1:
        clauses.append((False, queries.phrase("words", loose, LOOSE_SLOP, LOOSE_BOOST)))
    return queries.boolean(clauses)


def any_unit(queries: QueryBuilder[Q], parsed: ParsedQuery, weights: Weights) -> Q:
    """Passages holding any of the query's words, those holding all of them far above."""
    every = queries.boosted(all_units(queries, parsed, weights), FULL_MATCH_BOOST)
    # A grammar word alone never makes a passage a match.
    some = [
        _partly(queries, clause, weighted)
        for clause, weighted in zip(parsed.clauses, weights, strict=True)
        if clause.required
    ]
    return queries.any_of([every, *some])


def _partly(queries: QueryBuilder[Q], clause: QueryClause, weights: tuple[float, ...]) -> Q:
    """The clause, or below it some words of its terms of several words (summed, so more words count
    more)."""
    whole = _clause(queries, clause, weights)
    if not clause.pieces:
        return whole
    pieces = queries.any_of([_unit(queries, unit) for unit in clause.pieces])
    return queries.dis_max([whole, queries.boosted(pieces, PIECE_BOOST)])


def _clause(queries: QueryBuilder[Q], clause: QueryClause, weights: tuple[float, ...]) -> Q:
    """Any alternative, each needing all its units and weighed with the group's blended statistics
    (indices.blend); the user's own words first, synonyms a little below, and a country the passage's
    document is about below both."""
    options = [
        _weighed(queries, _all_of(queries, units), weight)
        for units, weight in zip(clause.alternatives, weights, strict=True)
    ]
    boost = QUOTED_SYNONYM_BOOST if clause.quoted else SYNONYM_BOOST
    synonyms = [queries.boosted(option, boost) for option in options[1:]]
    if clause.country:
        synonyms.append(queries.term("countries", clause.country, METADATA_BOOST))
    if not synonyms:
        return options[0]
    return queries.dis_max([options[0], *synonyms], TIE_BREAKER)


def _weighed(queries: QueryBuilder[Q], query: Q, weight: float) -> Q:
    return query if weight == 1.0 else queries.boosted(query, weight)


def _all_of(queries: QueryBuilder[Q], units: tuple[QueryUnit, ...]) -> Q:
    if len(units) == 1:
        return _unit(queries, units[0])
    return queries.boolean([(True, _unit(queries, unit)) for unit in units])


def _unit(queries: QueryBuilder[Q], unit: QueryUnit) -> Q:
    """Any of the streams that can hold the unit, the word stream above the parts and the bigrams."""
    alternatives = [
        _sequence(queries, stream, texts, unit.slop if stream == "words" else 0)
        for stream, texts in (("words", unit.words), ("parts", unit.parts), ("grams", unit.grams))
        if texts
    ]
    if len(alternatives) == 1:
        return alternatives[0]
    return queries.dis_max(alternatives, TIE_BREAKER)


def _sequence(queries: QueryBuilder[Q], stream: str, texts: tuple[str, ...], slop: int) -> Q:
    """A term, or a phrase; a glossary name's slop holds in the word stream only: parts and bigrams
    spell one word."""
    if len(texts) == 1:
        return queries.term(stream, texts[0], STREAM_BOOSTS[stream])
    return queries.phrase(stream, texts, slop, STREAM_BOOSTS[stream])
