"""What a query asks every backend for: required clauses, grammar words, glossary alternatives."""

import pytest

from indices.analysis import analyze, is_grammar_word
from indices.query import parse_query


def required(query: str, expand: bool = False) -> list[tuple[str, bool]]:
    clauses = parse_query(query, expand=expand).clauses
    return [(clause.alternatives[0][0].words[0], clause.required) for clause in clauses]


GRAMMAR_QUERIES = ["heat pumps for the kindergartens", "ボイラの導入", "การติดตั้งหม้อไอน้ำในโรงงาน"]


@pytest.mark.parametrize("query", GRAMMAR_QUERIES)
def test_grammar_words_are_not_required(query: str) -> None:
    clauses = required(query)
    assert any(flag for _, flag in clauses)
    assert all(flag == (not is_grammar_word(word)) for word, flag in clauses)
    assert any(not flag for _, flag in clauses)


def test_a_query_of_grammar_words_only_requires_them() -> None:
    assert required("the of") == [("the", True), ("of", True)]
    assert required("の") == [("の", True)]


def test_a_quoted_grammar_word_is_required() -> None:
    assert required('"the" kiln') == [("the", True), ("kiln", True)]


def test_grammar_words_are_listed_as_the_analysis_writes_them() -> None:
    """する is written 為る by Sudachi's normalized form: the list is analysed as passages are."""
    assert is_grammar_word("為る") and is_grammar_word("the") and is_grammar_word("ของ")
    assert not is_grammar_word("boiler") and not is_grammar_word("ボイラー")
    assert is_grammar_word([t.text for t in analyze("された") if t.kind == "word"][0])
