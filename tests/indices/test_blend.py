"""Blended statistics: every name of a glossary group scores with the idf of the group's most frequent."""

import pytest

from indices.blend import alternative_weights, idf, query_weights, terms_needed
from indices.query import parse_query

TOTAL = 1000


def freqs(table: dict[str, int]):
    return lambda stream, token: table.get(token, 0) if stream == "words" else 0


def test_each_alternative_scores_with_the_blended_idf() -> None:
    [clause] = parse_query("boiler", expand=True).clauses  # boiler | ボイラー | หม้อ ไอ น้ำ
    table = {"boiler": 3, "ボイラー": 40, "หม้อ": 20, "ไอ": 60, "น้ำ": 300}
    weights = alternative_weights(clause, freqs(table), TOTAL)
    blended = idf(40, TOTAL)  # the most frequent name; a phrase counts as its rarest word
    owns = [idf(3, TOTAL), idf(40, TOTAL), idf(20, TOTAL) + idf(60, TOTAL) + idf(300, TOTAL)]
    assert [weight * own for weight, own in zip(weights, owns, strict=True)] == pytest.approx([blended] * 3)
    assert weights[1] == pytest.approx(1.0)
    assert weights[2] < weights[0] < 1.0  # a rare name and a phrase of several words weigh as the group


def test_a_clause_without_alternatives_is_left_alone() -> None:
    parsed = parse_query("kiln exhaust", expand=True)
    assert terms_needed(parsed) == set()
    assert query_weights(parsed, freqs({"kiln": 5}), TOTAL) == [(1.0,), (1.0,)]


def test_a_japanese_name_is_counted_where_it_is_a_part_too() -> None:
    [clause] = parse_query("boiler", expand=True).clauses
    parts = lambda stream, token: 80 if (stream, token) == ("parts", "ボイラー") else 1  # noqa: E731
    weights = alternative_weights(clause, parts, TOTAL)
    assert weights[1] == pytest.approx(1.0) and weights[0] == pytest.approx(idf(80, TOTAL) / idf(1, TOTAL))
