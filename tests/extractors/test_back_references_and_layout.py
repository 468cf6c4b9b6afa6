"""Causes of lost or wrong facts found on held-out real publications, written in our own words with the
structures and figures such documents use: a sentence that refers back to the one before it, a space a
PDF left inside a Japanese numeral, bounds and periods written after a number, a day's power, and a cue
word that stands between two numbers of different kinds."""

from __future__ import annotations

import pytest

from tests.extractors.test_facts import facts_of, triples

Triple = tuple[str, float, str]


@pytest.mark.parametrize(("lines", "language", "expected"), [
    (["合同委員会が発行を認めたクレジットは2件合計で52㌧。このうち27㌧を日本政府が取得した。"], "ja",
     [("credits_issued", 52, "tCO2e"), ("credits_issued", 27, "tCO2e")]),
    (["今回発行されたクレジットは612トン。内訳としては、「冷凍機の事業」のうち95トン、「太陽光の事業」のうち"
      "210トンを日本政府が獲得した。"], "ja",
     [("credits_issued", 612, "tCO2e"), ("credits_issued", 95, "tCO2e"), ("credits_issued", 210, "tCO2e")]),
    (["In total 1,020 credits were issued for the period. Of these, 510 tonnes went to the Japanese side."],
     "en",
     [("credits_issued", 1020, "tCO2e"), ("credits_issued", 510, "tCO2e")]),
])
def test_a_sentence_referring_back_takes_what_the_one_before_names(
    lines: list[str], language: str, expected: list[Triple]
) -> None:
    assert triples(facts_of(lines, language)) == expected


def test_a_space_before_man_or_oku_stays_inside_the_numeral() -> None:
    facts = facts_of(["これらの事業による温室効果ガス削減量は年間約45 万㌧と見込まれる。"], "ja")
    assert triples(facts) == [("emission_reduction", 450000, "tCO2e/yr")]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The new chillers would also help cut 420 tonnes of CO2 emissions every year.",
     [("emission_reduction", 420, "tCO2e/yr")]),
    ("The plant, representing 12,000-plus tonnes in CO2 savings, was built with Japanese support.",
     [("emission_reduction", 12000, "tCO2e")]),
    ("Since the first agreement in 2013, the number of partner countries has increased to 19.",
     [("partner_country_count", 19, "count")]),
    ("The number of registered projects rose to 85 last year.", [("project_count", 85, "count")]),
])
def test_periods_bounds_and_counts_written_after_the_words(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected


def test_a_plus_after_a_number_is_a_lower_bound() -> None:
    [fact] = facts_of(["The plant, representing 12,000-plus tonnes in CO2 savings, opened in May."], "en")
    assert fact.qualifier == "at_least"


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The plant can sell 24,500 kilowatts of its energy a day, a surplus of around 8,900,000 kilowatts "
     "a year.", "en", [("energy", 8900, "MWh/yr")]),
    ("The plant handles 500 tonnes of waste per day, with a generating capacity of 9.8 MW.", "en",
     [("capacity", 9800, "kW")]),
])
def test_a_day_s_power_is_no_plant_s_size(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The Japanese government has awarded a ¥1.5 billion (about $10 million) grant to a 60 MW solar plant.",
     [("subsidy_amount", 1.5e9, "JPY"), ("subsidy_amount", 1e7, "USD"), ("capacity", 60000, "kW")]),
    ("Japan has awarded JPY 800 million to a 20 MW wind farm.",
     [("subsidy_amount", 8e8, "JPY"), ("capacity", 20000, "kW")]),
])
def test_a_cue_names_only_a_number_it_can_name(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected
