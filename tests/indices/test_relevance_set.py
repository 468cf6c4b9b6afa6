"""The relevance test set is well-formed and the benchmark's metrics compute what they should (no ingest)."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from benchmarks.relevance import (
    DOCS_DIR,
    TYPES,
    Query,
    corpus_files,
    distinct,
    load_queries,
    ndcg_at,
    recall_at,
    score,
    table,
)

QUERIES = load_queries()
NAMES = {path.name for path in corpus_files()}


def test_corpus_has_enough_documents_in_each_language() -> None:
    assert len(NAMES) >= 45
    languages = Counter(name.split("_", 1)[0] for name in NAMES)
    assert set(languages) == {"en", "ja", "th"}
    assert min(languages.values()) >= 10
    assert {name.rsplit(".", 1)[1] for name in NAMES} == {"txt", "html"}
    for path in corpus_files():
        assert path.read_text(encoding="utf-8").strip(), path.name


def test_queries_are_well_formed() -> None:
    assert len(QUERIES) >= 70
    assert len({q.id for q in QUERIES}) == len(QUERIES)
    kinds = Counter(q.type for q in QUERIES)
    assert set(kinds) == set(TYPES)
    assert min(kinds.values()) >= 8
    for query in QUERIES:
        assert query.query.strip() and query.judgements, query.id
        assert set(query.judgements) <= NAMES, (query.id, set(query.judgements) - NAMES)
        assert set(query.judgements.values()) <= {1, 2, 3}, query.id
        assert 3 in query.judgements.values() or query.type == "cross", query.id
        assert len(query.judgements) <= 10, query.id  # recall@10 of 1 must be reachable


def test_queries_in_each_language_and_cross_lingual_judgements() -> None:
    scripts = {"th": lambda s: any("\u0e00" <= c <= "\u0e7f" for c in s),
               "ja": lambda s: any("\u3040" <= c <= "\u30ff" or "\u4e00" <= c <= "\u9fff" for c in s)}
    for language, holds in scripts.items():
        assert any(holds(q.query) for q in QUERIES if q.type == language)
    for query in (q for q in QUERIES if q.type == "cross"):
        assert len({name.split("_", 1)[0] for name in query.judgements}) >= 2, query.id


def test_judged_documents_exist_on_disk() -> None:
    for query in QUERIES:
        for name in query.judgements:
            assert (DOCS_DIR / name).is_file()


JUDGED = {"a": 3, "b": 2, "c": 1}


def test_recall_counts_relevant_documents_in_the_first_ten() -> None:
    assert recall_at(["a", "x", "b", "c"], JUDGED) == 1.0
    assert recall_at(["x", "a"], JUDGED) == pytest.approx(1 / 3)
    assert recall_at([f"x{i}" for i in range(10)] + ["a", "b", "c"], JUDGED) == 0.0
    assert recall_at([], JUDGED) == 0.0


def test_ndcg_uses_grades_and_log2_discount() -> None:
    ideal = 3 + 2 / math.log2(3) + 1 / 2  # 4.7619
    assert ndcg_at(["a", "b", "c"], JUDGED) == pytest.approx(1.0)
    assert ndcg_at(["c", "b", "a"], JUDGED) == pytest.approx((1 + 2 / math.log2(3) + 3 / 2) / ideal)
    assert ndcg_at(["x", "a"], JUDGED) == pytest.approx((3 / math.log2(3)) / ideal)  # 0.3975
    assert ndcg_at(["x", "a"], JUDGED) == pytest.approx(0.397490, abs=1e-6)
    assert ndcg_at([f"x{i}" for i in range(10)] + ["a"], JUDGED) == 0.0
    assert ndcg_at(["x"], {"a": 3}) == 0.0


def test_rankings_are_distinct_documents_and_summarised_per_type() -> None:
    assert distinct(["a", "a", "x", "b", "a"]) == ["a", "x", "b"]
    outcomes = [score(Query("en-01", "q", "en", JUDGED), ["a", "b", "c"]),
                score(Query("ja-01", "q", "ja", JUDGED), ["x", "a"])]
    rows = {line.split()[0]: line.split() for line in table(outcomes)[1:]}
    assert rows["en"][1:4] == ["1", "1.000", "1.000"] and rows["en"][4] == "met"
    assert rows["ja"][1:4] == ["1", "0.333", "0.397"]
    assert rows["overall"][1:4] == ["2", "0.667", "0.699"]
