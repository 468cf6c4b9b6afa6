"""The search algorithm over a fake engine: what it asks, in which order, and what it makes of the answers."""

from dataclasses import dataclass, field

import pytest

from corpus.models import DocumentRef
from indices.algorithm import (
    MIN_WINDOW,
    WALK_LIMIT,
    answer,
    collapse,
    estimated_total,
    search,
    walked_facets,
)
from indices.base import PAGE_BLOCK, SearchFilters, as_filters
from indices.engine import FacetRow, StoredPassage
from indices.query import parse_query


class Queries:
    """Queries as nested tuples, so a test can read what the algorithm built."""

    def term(self, field, value, boost):
        return ("term", field, value, boost)

    def phrase(self, field, texts, slop, boost):
        return ("phrase", field, tuple(texts), slop, boost)

    def boolean(self, clauses):
        return ("bool", tuple(clauses))

    def any_of(self, queries):
        return ("any", tuple(queries))

    def dis_max(self, queries, tie_breaker=None):
        return ("dis_max", tuple(queries), tie_breaker)

    def boosted(self, query, weight):
        return ("boost", query, weight)


@dataclass
class Window:
    rows: list
    count: int

    @property
    def size(self):
        return len(self.rows)

    def keys(self):
        return iter(self.rows)


@dataclass
class Engine:
    """Every-word matches ``every``, some-word matches ``some`` (each a list of row keys)."""

    every: list
    some: list
    queries: Queries = field(default_factory=Queries)
    asked: list = field(default_factory=list)

    def document_frequencies(self, terms):
        return {term: 1 for term in terms}, 100

    def ranked(self, query, filters, window):
        rows = self.some if query[0] == "any" else self.every
        self.asked.append((query[0], window))
        return Window(rows[:window], len(rows))

    def facets_later(self, query, filters):
        return lambda: {"language": {"aggregated": 1}}

    def facet_rows(self, ranked, rows, filters):
        return {FacetRow("en", "pdd", ("Mongolia",), 2020, False): len(rows)}

    def stored(self, ranked, rows, terms):
        return [
            StoredPassage(DocumentRef(id=str(ranked.rows[row][0]), filename="a.pdf"), ranked.rows[row][1],
                          ranked.rows[row][2], "heat pump", "en", 1.0)
            for row in rows
        ]


def rows(count, document="d"):
    return [(document, page, 0, page) for page in range(count)]


def test_every_word_first_then_some_words_when_too_few_hold_every_word():
    engine = Engine(every=rows(1), some=rows(5))
    parsed = parse_query("heat pump")
    results = search(engine, parsed, SearchFilters(), limit=10, offset=0)
    assert [kind for kind, _ in engine.asked] == ["bool", "any"]
    assert results.total == 5 and len(results.hits) == 5
    assert results.facets["country"] == {"Mongolia": 5}  # every match walked: counted from the window


def test_the_window_widens_until_it_holds_the_page_and_beyond_it_totals_are_estimated():
    repeated = [("d", page, 0, "header") for page in range(WALK_LIMIT * 2)]  # three kept, the rest dropped
    engine = Engine(every=repeated, some=[])
    parsed = parse_query("boiler")
    results = search(engine, parsed, SearchFilters(), limit=10, offset=0)
    windows = [window for _, window in engine.asked]
    assert windows[0] == MIN_WINDOW and windows[-1] == WALK_LIMIT and windows == sorted(windows)
    assert results.total == 3 + round(WALK_LIMIT * 3 / WALK_LIMIT)
    assert results.facets == {"language": {"aggregated": 1}}  # beyond the window: the engine's aggregation


def test_nothing_to_search_asks_the_engine_nothing():
    def begin():
        raise AssertionError("no engine is opened for an empty search")

    for query, limit in (("  ", 10), ("boiler", 0)):
        results = answer(begin, query, SearchFilters(), limit=limit, offset=0, expand=True)
        assert results.total == 0 and results.hits == []


def test_a_page_and_its_blocks_never_both_appear_and_a_repeated_text_three_times_at_most():
    page_then_its_block = [("d", 1, PAGE_BLOCK, "p"), ("d", 1, 0, "a"), ("d", 2, 0, "a")]
    keys = page_then_its_block + [("d", page, 0, "header") for page in range(3, 8)]
    assert collapse(keys) == [0, 2, 3, 4, 5]


def test_estimated_totals_follow_the_window_rate_of_keeping():
    assert estimated_total(100, 50, 100) == 50
    assert estimated_total(100, 50, 300) == 150
    assert estimated_total(0, 0, 10) == 0


def test_walked_facets_count_passages_most_frequent_first():
    facets = walked_facets({
        FacetRow("en", "pdd", ("Thailand",), 2020, True): 1,
        FacetRow("th", None, ("Thailand", "Mongolia"), None, False): 2,
    })
    assert facets == {
        "language": {"th": 2, "en": 1},
        "doc_type": {"pdd": 1},
        "country": {"Thailand": 3, "Mongolia": 2},
        "year": {"2020": 1},
        "has_warnings": {"false": 2, "true": 1},
    }


def test_filters_are_typed_from_one_value_each_and_a_mapping_is_validated():
    chosen = SearchFilters.of(country="Mongolia", year=2020, has_warnings=False, language=None, doc_type="")
    assert chosen == SearchFilters(country=("Mongolia",), year=(2020,), has_warnings=False)
    assert chosen.as_viewer(public_only=True).public_only
    assert as_filters(chosen) is chosen
    assert as_filters({"country": "Mongolia", "year": "2020", "has_warnings": "false"}) == chosen
    with pytest.raises(ValueError, match="colour"):
        as_filters({"colour": "red"})
