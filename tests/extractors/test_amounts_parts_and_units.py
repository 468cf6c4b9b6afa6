"""Amounts that are parts, bills or demands rather than a project's figures, and units written in the
ways real JCM publications write them (rupiah touching its digits, thousands apart by spaces, square
katakana units), in our own words with the structures such documents use."""

from __future__ import annotations

import pytest

from tests.extractors.test_facts import facts_of, triples

Triple = tuple[str, float, str]


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The cement maker will build the power plant at a cost of Rp712 billion in East Java.", "en",
     [("project_cost", 7.12e11, "IDR")]),
    ("The waste heat plant represents an investment of IDR712bn.", "en",
     [("project_cost", 7.12e11, "IDR")]),
    ("It will also offset more than 1 500 tons of CO2 a year.", "en",
     [("emission_reduction", 1500, "tCO2e/yr")]),
    ("The solar farm supplies clean power to about 180 000 people.", "en", []),
    ("日本政府の支援と同社の1500万米㌦の投資により建設された。", "ja", [("project_cost", 1.5e7, "USD")]),
    ("発電能力は約2万㌔㍗である。", "ja", [("capacity", 20000, "kW")]),
    ("It will cut an additional 75 tons of carbon emissions.", "en", [("emission_reduction", 75, "tCO2e")]),
    ("The forest stores 5,000 tonnes of carbon.", "en", []),
    ("Applied to every school, the boilers would reduce 87 thousands tonCO2/year.", "en",
     [("emission_reduction", 87000, "tCO2e/yr")]),
    ("The plant saves 3 millions tons of CO2 over its lifetime.", "en",
     [("emission_reduction", 3e6, "tCO2e")]),
    ("Its chillers cut 2,400 tons-CO2 a year.", "en", [("emission_reduction", 2400, "tCO2e/yr")]),
    ("Thousands of tonnes of CO2 could be avoided.", "en", []),
])
def test_units_as_publications_write_them(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


def test_a_flattened_table_row_keeps_its_cells_apart() -> None:
    lines = ["Credits to be issued (tCO2)", "Heat pumps at a dairy plant", "318 159"]
    assert [fact.value for fact in facts_of(lines, "en")] == [318, 159]


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The government of Japan will cover 20 percent or Rp142.4 billion of the cost, the company the rest "
     "or Rp569.6 billion.", "en", [("subsidy_share", 20, "%"), ("subsidy_amount", 1.424e11, "IDR")]),
    ("総事業費3億円のうち1億2,000万円を補助金で賄い、残りの1億8,000万円は事業者が負担する。", "ja",
     [("project_cost", 3e8, "JPY"), ("subsidy_amount", 1.2e8, "JPY")]),
    ("JPY 200 million of the total cost is covered by the subsidy.", "en", [("subsidy_amount", 2e8, "JPY")]),
    ("The factories need an electricity supply of around 150 megawatts at a cost of Rp1.2 trillion per year; "
     "the new 28 MW plant covers a fifth.", "en", [("capacity", 28000, "kW")]),
    ("The company will save IDR95bn in power costs annually.", "en", []),
    ("工場の電力需要は約60MWで、本事業では12MWの太陽光発電を導入する。", "ja", [("capacity", 12000, "kW")]),
    ("商業・産業需要家への15MW屋根置き太陽光発電システムの導入", "ja", [("capacity", 15000, "kW")]),
])
def test_parts_bills_and_demands_are_no_project_figures(
    sentence: str, language: str, expected: list[Triple]
) -> None:
    assert triples(facts_of([sentence], language)) == expected


def test_tonnes_of_coal_or_water_are_no_co2() -> None:
    sentence = "これにより年間1万2000㌧の石炭と8万㌧の水を節減し、1万8000㌧の二酸化炭素排出量を削減できる。"
    assert triples(facts_of([sentence], "ja")) == [("emission_reduction", 18000, "tCO2e/yr")]


def test_numbered_items_after_a_japanese_full_stop_take_the_sentence_before() -> None:
    sentence = ("以下の5件を採択した。1)A研究所:インド1件、2)B機関:インドネシア2件、ベトナム1件の合計3件、"
                "3)C社:ラオス1件。")
    counts = [fact.value for fact in facts_of([sentence], "ja") if fact.kind == "project_count"]
    assert counts == [5, 1, 2, 1, 3, 1]


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The incinerator will cost US$14 million, half of which will be paid for by Japan's Ministry of "
     "Environment.", "en", [("project_cost", 1.4e7, "USD"), ("subsidy_share", 50, "%")]),
    ("The programme also has $45 million co-financing from the European Investment Bank.", "en", []),
    ("It receives $4 million co-financing from the Japan Fund for the JCM.", "en",
     [("subsidy_amount", 4e6, "USD")]),
    ("温室効果ガス約5,200tの排出抑制効果となる。", "ja", [("emission_reduction", 5200, "tCO2e")]),
])
def test_who_pays_and_what_curbs(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The islands now have 4.8MWh of battery storage.", [("other", 4.8, "MWh")]),
    ("A 0.4MWh lithium-ion battery energy storage system was installed.", [("other", 0.4, "MWh")]),
    ("The system pairs a 2.4 megawatt-hour battery energy storage system that will provide about 6.1 million "
     "kilowatt-hours of solar electricity a year.", [("other", 2.4, "MWh"), ("energy", 6100, "MWh/yr")]),
])
def test_a_storage_word_names_only_the_battery_next_to_it(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("2025年3月末時点のJ-クレジットの累積認証量は約1,200万トン、JCMクレジットの累積発行量は約80万トン。",
     "ja",
     [("credits_issued", 800000, "tCO2e")]),
    ("年間数千万トンの需要に対し、国内の創出は数百万トンにとどまる。", "ja", []),
    ("Delegates from about 190 countries and regions gathered for the summit, where Japan marked JCM "
     "partnerships with 31 countries.", "en", [("partner_country_count", 31, "count")]),
])
def test_other_schemes_vague_numbers_and_regions_are_no_jcm_figures(
    sentence: str, language: str, expected: list[Triple]
) -> None:
    assert triples(facts_of([sentence], language)) == expected


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("採択案件には「12MW太陽光発電・60MWh蓄電池導入プロジェクト」がある。", "ja",
     [("capacity", 12000, "kW"), ("other", 60, "MWh")]),
    ("日本はすでに26ヵ国と連携しており、同国は27ヵ国目となる。", "ja",
     [("partner_country_count", 26, "count")]),
    ("The country's renewable capacity nearly doubled last year, reaching 160 MW; the new plant adds "
     "20 MW.", "en", [("capacity", 20000, "kW")]),
])
def test_batteries_ordinals_and_a_country_s_capacity(
    sentence: str, language: str, expected: list[Triple]
) -> None:
    assert triples(facts_of([sentence], language)) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The financing granted covers up to half of the initial investment, with a ceiling of 1.5 billion yen "
     "per project.", [("subsidy_share", 50, "%"), ("subsidy_amount", 1.5e9, "JPY")]),
    ("The financing provided by the ministry amounts to USD 2 million.", [("subsidy_amount", 2e6, "USD")]),
    ("The bank said financing provided to the port totals USD 30 million in loans.", []),
])
def test_financing_granted_or_provided_is_the_support(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Last year the clinic consumed over 6.2 million kWh and paid its bills on time.", []),
    ("The annual electricity consumption of the new freezer is 120 MWh.", []),
    ("Its compressor draws an electricity consumption of 38kW at full load.", []),
    ("The new chillers reduce the factory's electricity consumption by 1,100 MWh a year.",
     [("energy", 1100, "MWh/yr")]),
    ("Electricity consumption will be reduced by 700 MWh per year.", [("energy", 700, "MWh/yr")]),
    ("The looms cut power use by 420 MWh annually.", [("energy", 420, "MWh/yr")]),
    ("The plant generates 9,000 MWh a year.", [("energy", 9000, "MWh/yr")]),
])
def test_electricity_consumed_is_no_energy_but_consumption_saved_is(
    sentence: str, expected: list[Triple]
) -> None:
    assert triples(facts_of([sentence], "en")) == expected


def test_a_verb_after_one_quantity_says_what_it_is_not_what_the_next_one_is() -> None:
    sentence = "The plant's output is 2.4MW, of which 300kW will be consumed on site and 2.1MW will be sold."
    assert triples(facts_of([sentence], "en")) == [("capacity", 2400, "kW"), ("capacity", 2100, "kW")]


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The steel works currently requires some 90MW of power, bought from the grid.", []),
    ("The island needs about 12 MW of electricity at its evening peak.", []),
    ("The project requires 5 MW of solar panels on the roofs.", [("capacity", 5000, "kW")]),
])
def test_power_a_site_requires_is_a_demand(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The bank approved a grant to fund the building of a $88.5m waste-to-energy (WTE) plant.",
     [("project_cost", 8.85e7, "USD")]),
    ("The utility will set aside 2 billion pesos to build the biogas facility.",
     [("project_cost", 2e9, "PHP")]),
    ("The town paid USD 4 million for the construction of the station.", [("project_cost", 4e6, "USD")]),
    ("MOEJ grants $3 million to the plant.", [("subsidy_amount", 3e6, "USD")]),
    ("Farmers will need 200 tonnes of rice husk to build the stock.", []),
])
def test_what_an_amount_builds_is_its_cost(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected
