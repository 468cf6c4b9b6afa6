"""What a query asks every backend for: required clauses, grammar words, glossary alternatives."""

import pytest

from indices.analysis import analyze, is_grammar_word
from indices.query import NAME_SLOP, parse_query


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


def test_the_words_of_a_multi_word_term_are_its_pieces() -> None:
    [clause] = parse_query("クレジット発行", expand=True).clauses
    pieces = {unit.words[0] for unit in clause.pieces}
    assert {"クレジット", "発行", "credit", "issuance", "issued"} <= pieces
    assert not any(is_grammar_word(piece) for piece in pieces)  # の of クレジットの発行, された
    assert parse_query('"waste heat recovery"', expand=True).clauses[0].pieces == ()  # quoted: together
    assert parse_query("biomass", expand=True).clauses[0].pieces == ()  # every name one word


@pytest.mark.parametrize("expand", [True, False])
def test_a_country_is_known_by_its_glossary_names(expand: bool) -> None:
    """"Lao" is no name of the country table; the glossary's Lao PDR, ラオス, ลาว name the country."""
    assert parse_query("Lao rice husk", expand=expand).clauses[0].country == "Lao PDR"
    assert parse_query("ベトナム", expand=expand).clauses[0].country == "Viet Nam"
    assert parse_query("rice husk", expand=expand).clauses[0].country is None


def test_the_names_of_terms_inside_the_words_typed_are_pieces_too() -> None:
    """"waste heat" is a term inside "waste heat recovery": its Thai name counts as part of the whole."""
    [clause] = parse_query("waste heat recovery", expand=True).clauses
    assert ("ความร้อน", "เหลือ", "ทิ้ง") in {unit.words for unit in clause.pieces}
    assert parse_query("waste heat recovery", expand=True).partly_matched  # one clause, yet in parts


def test_words_typed_naming_a_term_are_matched_together_as_its_names_are() -> None:
    [clause] = parse_query("credits issued", expand=True).clauses
    typed, *names = clause.alternatives
    assert [(unit.words, unit.slop) for unit in typed] == [(("credit", "issued"), NAME_SLOP)]
    assert {unit.slop for (unit,) in names if len(unit.words) > 1} == {NAME_SLOP}
    [quoted] = parse_query('"credits issued"', expand=True).clauses
    assert [unit.slop for unit in quoted.alternatives[0]] == [0]  # the user's phrase: exactly
    plain = parse_query("credits issued", expand=False)  # no glossary: each word a clause
    assert [clause.alternatives for clause in plain.clauses] == [((unit,),) for unit in plain.units]


def test_grammar_words_of_glossary_names_are_not_marked_in_snippets() -> None:
    """"issuance of credits" is a name of "credits issued": its "of" would be marked in every passage."""
    assert "of" not in parse_query("credits issued", expand=True).terms
    assert "issuance" in parse_query("credits issued", expand=True).terms
    assert "of" in parse_query("issuance of credits", expand=True).terms  # typed: marked


def test_a_quoted_clause_is_known_as_quoted() -> None:
    assert [clause.quoted for clause in parse_query('"waste heat recovery" boiler', expand=True).clauses] == [
        True, False
    ]
