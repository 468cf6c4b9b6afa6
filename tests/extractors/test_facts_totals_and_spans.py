"""How facts read lists, totals and amounts stated over the years of a lifetime or crediting period."""
from __future__ import annotations

from corpus.models import Fact
from tests.checks.text import facts_of


def _read(*paragraphs: str) -> list[tuple[str, float, str, str | None, bool]]:
    return [(f.kind, f.value, f.unit, f.period, f.is_total) for f in facts_of(*paragraphs)]


def _amounts(facts: list[Fact]) -> list[tuple[float, str]]:
    return [(f.value, f.unit) for f in facts if f.unit.startswith("tCO2e")]


def _over(text: str) -> list[tuple[float, str, str | None]]:
    """Value, unit and period of each fact of the text."""
    return [(f.value, f.unit, f.period) for f in facts_of(text)]


# --- lists and totals --------------------------------------------------------------------------


def test_a_comma_separated_list_closed_by_and_shares_the_last_items_unit():
    facts = facts_of("The kilns reduce 1,000, 2,000 and 3,000 tCO2e per year.")
    assert _amounts(facts) == [(1000, "tCO2e/yr"), (2000, "tCO2e/yr"), (3000, "tCO2e/yr")]


def test_a_thai_list_separated_by_spaces_shares_the_last_items_unit():
    facts = facts_of("ลดได้ 1,000 2,000 และ 3,000 ตันต่อปี")
    assert _amounts(facts) == [(1000, "tCO2e/yr"), (2000, "tCO2e/yr"), (3000, "tCO2e/yr")]


def test_a_comma_alone_joins_no_numbers_into_a_list():
    # Without a closing list word, "12, 3" and "2023, 1,200" are no lists.
    facts = facts_of("In 2023, 1,200 tCO2e were reduced; of 12, 3 projects were in Kenya.")
    assert _amounts(facts) == [(1200, "tCO2e")]


def test_a_total_whose_clause_names_no_kind_takes_the_kind_of_its_items():
    facts = facts_of("The dryers reduce 1,000 and 2,000 tCO2e per year; taken together, 3,000 tCO2e a year.")
    total = next(f for f in facts if f.is_total)
    assert (total.kind, total.value, total.unit) == ("emission_reduction", 3000, "tCO2e/yr")


def test_items_before_an_annual_total_of_their_sentence_are_annual():
    facts = facts_of("2件の事業の削減量は1,000トン、2,000トンで、合わせて年間3,000トンとなる。")
    assert _amounts(facts) == [(1000, "tCO2e/yr"), (2000, "tCO2e/yr"), (3000, "tCO2e/yr")]


def test_the_total_of_annual_items_is_annual_unless_called_cumulative():
    annual = facts_of("A事業は年間1,000トン、B事業は年間2,000トンを削減し、あわせて3,000トンとなる。")
    assert _amounts(annual)[-1] == (3000, "tCO2e/yr")
    cumulative = facts_of("A事業は年間1,000トン、B事業は年間2,000トンを削減し、累計で合計30,000トンとなる。")
    assert _amounts(cumulative)[-1] == (30000, "tCO2e")


def test_items_of_another_sentence_keep_their_own_reading():
    facts = facts_of("The pumps cut 1,000 and 2,000 tCO2e in 2022. In total, they cut 3,000 tCO2e a year.")
    assert _amounts(facts) == [(1000, "tCO2e"), (2000, "tCO2e"), (3000, "tCO2e/yr")]


def test_a_per_year_word_before_a_list_is_every_items():
    facts = facts_of("年間1,000トン、2,000トン、3,000トンを削減する。")
    assert _amounts(facts) == [(1000, "tCO2e/yr"), (2000, "tCO2e/yr"), (3000, "tCO2e/yr")]


def test_items_whose_cue_follows_the_last_share_its_kind():
    facts = facts_of("A工場で1,000トン、B工場で2,000トンを削減する。")
    assert [f.kind for f in facts] == ["emission_reduction", "emission_reduction"]


def test_total_words_for_a_sum_but_not_for_a_plant_type_or_an_addition():
    assert _read("It reduces 1,000 and 2,000 tCO2e, 3,000 tCO2e combined.")[-1][-1] is True
    assert not any(f.is_total for f in facts_of("A combined heat and power unit of 5 MW cuts 1,000 tCO2e."))
    assert not any(f.is_total for f in facts_of("あわせて、1,000トンの削減を見込む。"))


# --- amounts over the years of a lifetime or crediting period ----------------------------------


def test_an_amount_over_a_lifetime_carries_the_years_and_is_not_annual():
    read = _over("The boiler reduces 1,200 tCO2e per year, or 18,000 tCO2e over its 15-year lifetime.")
    assert read == [(1200, "tCO2e/yr", None), (18000, "tCO2e", "P15Y")]


def test_japanese_useful_life_in_years_before_the_amount():
    read = _over("年間削減量は1,200tCO2で、法定耐用年数17年間で20,400tCO2の削減を見込む。")
    assert read == [(1200, "tCO2e/yr", None), (20400, "tCO2e", "P17Y")]


def test_a_useful_life_in_bare_years_states_a_span_for_a_cumulative_amount():
    facts = facts_of("耐用年数は15年で、期間中の削減量は累計30,000トンである。")
    assert [(f.value, f.period) for f in facts] == [(30000, "P15Y")]


def test_thai_project_life_states_a_span_for_the_total_after_it():
    read = _over("ลดได้ 500 ตันต่อปี อายุโครงการ 20 ปี รวมทั้งสิ้น 10,000 ตัน")
    assert read == [(500, "tCO2e/yr", None), (10000, "tCO2e", "P20Y")]


def test_an_amount_with_its_own_per_year_word_stays_annual_over_a_lifetime():
    read = _over("The chiller reduces 1,200 tCO2e per year over its 15-year lifetime.")
    assert read == [(1200, "tCO2e/yr", None)]


def test_a_per_year_word_that_ends_another_amount_does_not_make_the_next_annual():
    facts = facts_of("The unit cuts 1,200 tCO2e per year, or 15,000 tCO2e since it started.")
    assert _amounts(facts) == [(1200, "tCO2e/yr"), (15000, "tCO2e")]


def test_words_restating_the_unit_before_a_per_year_word():
    facts = facts_of("The array will cut 9,000 tonnes of carbon dioxide (CO2) emissions yearly.")
    assert _amounts(facts) == [(9000, "tCO2e/yr")]


def test_a_buddhist_era_year_before_a_list_is_no_item_of_it():
    facts = facts_of("ในปี 2566 1,000 และ 2,000 ตัน เป็นการลดการปล่อยก๊าซเรือนกระจก")
    assert _amounts(facts) == [(1000, "tCO2e"), (2000, "tCO2e")]
