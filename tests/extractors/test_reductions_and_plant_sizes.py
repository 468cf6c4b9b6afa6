"""Reductions stated with verbs other than 'reduce', and a country's power that is no plant's size, in
the structures real JCM publications use, written in our own words."""

from __future__ import annotations

import pytest

from tests.extractors.test_facts import facts_of, triples

Triple = tuple[str, float, str]


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The plant is going to decrease carbon emissions by over 420,000 tons of CO2 per year.", "en",
     [("emission_reduction", 420000, "tCO2e/yr")]),
    ("The new boilers will lower the mill's annual emissions by 3,200 tCO2.", "en",
     [("emission_reduction", 3200, "tCO2e/yr")]),
    ("この設備によりCO2排出量を年間1,200トン減らす。", "ja", [("emission_reduction", 1200, "tCO2e/yr")]),
    ("導入後、GHG排出量は年間800t-CO2減少する見込み。", "ja", [("emission_reduction", 800, "tCO2e/yr")]),
])
def test_other_verbs_state_reductions(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The country plans to build plants with a total capacity of 96 GW, 70% of it renewable, while the "
     "JCM project adds a 30 MW solar farm.", "en", [("capacity", 30000, "kW")]),
    ("同国は2030年までに発電容量を45GWに拡大する計画で、本事業では20MWの太陽光発電所を建設する。", "ja",
     [("capacity", 20000, "kW")]),
    ("The two geothermal units of 55 MW each make a 110 MW plant.", "en",
     [("capacity", 55000, "kW"), ("capacity", 110000, "kW")]),
])
def test_a_gigawatt_is_a_country_s_power(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected
