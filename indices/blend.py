"""Blended statistics of a clause's alternatives, so a glossary group scores as one term.

A clause names one concept in several ways: the words typed and the glossary's other names (boiler,
ボイラ, หม้อไอน้ำ). BM25 weighs each name by its own rarity, so a rare name outscores a common one and
a concept written mostly in another language looks rare in it. Lucene's SynonymQuery scores such a
group as a single term whose document frequency is the largest of its members'; Elasticsearch does the
same for synonyms. Neither backend offers that query over our token fields, so every alternative is
boosted by the group's idf over its own: each then scores as if it had the blended document frequency,
and only how often and how densely a passage holds it tells passages apart.

An alternative's own weight is what the backends give it: the sum of the idf of its words (a phrase's
weight in tantivy and Lucene alike, and a conjunction's score is the sum of its parts). Its document
frequency is estimated by its least frequent word, as many passages as can hold them all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable

from indices.query import ParsedQuery, QueryClause, QueryUnit

DocFreq = Callable[[str, str], int]  # (stream, token) -> passages holding it
# The streams a unit is looked up in: a Japanese word may be one word in one passage and parts of a
# longer word in another, and both find it.
STAT_STREAMS = ("words", "parts")


def idf(doc_freq: int, total: int) -> float:
    """BM25's idf, as tantivy, Lucene and Elasticsearch compute it."""
    return math.log(1 + (total - doc_freq + 0.5) / (doc_freq + 0.5))


def terms_needed(parsed: ParsedQuery) -> set[tuple[str, str]]:
    """Every (stream, token) whose document frequency the blended weights read."""
    return {
        (stream, word)
        for clause in parsed.clauses
        if len(clause.alternatives) > 1
        for alternative in clause.alternatives
        for word in _words(alternative)
        for stream in STAT_STREAMS
    }


def alternative_weights(clause: QueryClause, doc_freq: DocFreq, total: int) -> tuple[float, ...]:
    """A boost per alternative that makes each score with the group's blended idf (1.0 for a clause
    with one alternative: nothing to blend)."""
    if len(clause.alternatives) == 1 or total <= 0:
        return (1.0,) * len(clause.alternatives)
    freqs = [[_word_freq(word, doc_freq) for word in _words(option)] for option in clause.alternatives]
    blended = idf(max(min(words, default=0) for words in freqs), total)
    owns = [sum(idf(df, total) for df in words) for words in freqs]
    return tuple(blended / own if own > 0 else 1.0 for own in owns)


def _words(alternative: Iterable[QueryUnit]) -> list[str]:
    return [word for unit in alternative for word in unit.words]


def _word_freq(word: str, doc_freq: DocFreq) -> int:
    return max(doc_freq(stream, word) for stream in STAT_STREAMS)


Weights = list[tuple[float, ...]]  # per clause of a parsed query, a boost per alternative


def query_weights(parsed: ParsedQuery, doc_freq: DocFreq, total: int) -> Weights:
    """alternative_weights() of every clause, each document frequency looked up once."""
    known: dict[tuple[str, str], int] = {}

    def cached(stream: str, token: str) -> int:
        key = (stream, token)
        if key not in known:
            known[key] = doc_freq(stream, token)
        return known[key]

    return [alternative_weights(clause, cached, total) for clause in parsed.clauses]


def unweighted(parsed: ParsedQuery) -> Weights:
    return [(1.0,) * len(clause.alternatives) for clause in parsed.clauses]
