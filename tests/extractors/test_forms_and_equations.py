"""Figures as project forms, press articles and calculation lines write them, found on held-out real
publications and written here in our own words: a unit in brackets after a form's number, running costs
beside the investment, an amount sizing the project it stands before, a newspaper's middle-dot decimal,
and lines holding several equations."""

from __future__ import annotations

import pytest

from tests.extractors.test_facts import facts_of, triples

Triple = tuple[str, float, str]


@pytest.mark.parametrize(("lines", "language", "expected"), [
    (["実施主体 A株式会社 初期投資額 650,000 (千円) 着工予定 2016 年間維持管理費 40,000 (千円)"], "ja",
     [("project_cost", 6.5e8, "JPY")]),
    (["GHG emission reductions 2,150 (tCO2/year)"], "en", [("emission_reduction", 2150, "tCO2e/yr")]),
    (["The site opened in 2015 (Heisei 27)."], "en", []),
    (["The plant cuts operating costs by $2 million a year; its total cost is $30 million."], "en",
     [("project_cost", 3e7, "USD")]),
    (["The deal is part of the company's Php2 billion waste-to-energy project."], "en",
     [("project_cost", 2e9, "PHP")]),
    (["The city government will contribute $4.2m to the project."], "en", []),
    (["屋根置き太陽光(出力約18MW)とガスコージェネレーション(5・5MW級×2台)を設置する。"], "ja",
     [("capacity", 18000, "kW"), ("capacity", 5500, "kW")]),
    (["1・2号機の出力はそれぞれ500kWである。"], "ja", [("capacity", 500, "kW")]),
])
def test_forms_and_press_figures(lines: list[str], language: str, expected: list[Triple]) -> None:
    assert triples(facts_of(lines, language)) == expected


def test_each_result_of_a_line_of_equations_is_what_its_own_left_side_names() -> None:
    line = ("Reference Emissions = EG×EF = 12,040 tCO2/y Project Emissions = EGaux×EF = 310 tCO2/y "
            "Emission Reductions = RE-PE = 12,040-310 = 11,730 tCO2/y")
    assert triples(facts_of([line], "en")) == [
        ("reference_emissions", 12040, "tCO2e/yr"), ("project_emissions", 310, "tCO2e/yr"),
        ("emission_reduction", 11730, "tCO2e/yr")]


def test_an_equation_wrapped_onto_the_next_line_keeps_its_left_side() -> None:
    lines = ["Reference Emissions = EG×EF Project Emissions = EGaux×EF Emission Reductions = RE-PE",
             "= 12,040-310 = 11,730 (tCO2/y)"]
    assert triples(facts_of(lines, "en")) == [("emission_reduction", 11730, "tCO2e/yr")]


@pytest.mark.parametrize(("lines", "expected"), [
    (["Initial investment JPY 415,000 (K) Annual maintenance cost JPY 1,800 (K)"],
     [("project_cost", 4.15e8, "JPY")]),
    (["The support includes a $12 million concessional loan from a blended finance programme."], []),
    (["Japan provides a $9 million JCM grant to the plant."], [("subsidy_amount", 9e6, "USD")]),
    (["The plant is expected to generate about 88,000MWh of clean energy a year, preventing about 540,000 "
      "tons of greenhouse-gas emissions over 15 years."],
     [("energy", 88000, "MWh/yr"), ("emission_reduction", 540000, "tCO2e")]),
    (["Every year, the plant will use 17,500t of rice husk and sell 11,900,000kWh of electricity."],
     [("energy", 11900, "MWh/yr")]),
    (["ADB has 68 member countries; Japan has JCM partnerships with 29 countries."],
     [("partner_country_count", 29, "count")]),
    (["Article 6 sets out a mechanism by which one country can transfer reductions to another."], []),
])
def test_scales_loans_and_counts_as_written(lines: list[str], expected: list[Triple]) -> None:
    assert triples(facts_of(lines, "en")) == expected


@pytest.mark.parametrize(("lines", "language", "expected"), [
    (["The project is expected to reduce 31 tco 2e of greenhouse gas emissions annually."], "en",
     [("emission_reduction", 31, "tCO2e/yr")]),
    (["レファレンス排出量 1,420tCO2/年、排出削減量 1,350tCO2/年と算出した。"], "ja",
     [("reference_emissions", 1420, "tCO2e/yr"), ("emission_reduction", 1350, "tCO2e/yr")]),
    (["2 Project site: Vietnam, Hanoi. Category of project: energy saving."], "en", []),
    (["(1) 調査の概要 1 プロジェクト計画 < プロジェクト実施体制 >"], "ja", []),
    (["Japan selected 12 projects this year; 今年度は8プロジェクトを採択した。"], "en",
     [("project_count", 12, "count"), ("project_count", 8, "count")]),
])
def test_formulas_parted_by_a_pdf_and_section_numbers(
    lines: list[str], language: str, expected: list[Triple]
) -> None:
    assert triples(facts_of(lines, language)) == expected


@pytest.mark.parametrize(("lines", "language", "expected"), [
    (["リファレンス 排出量: 2,300tCO2/年 プロジェクト 排出量: 0tCO2/年"], "ja",
     [("reference_emissions", 2300, "tCO2e/yr"), ("project_emissions", 0, "tCO2e/yr")]),
    (["ベースライン 排出量は年間1,250トン、プロジェクト排出量は年間40トンである。"], "ja",
     [("reference_emissions", 1250, "tCO2e/yr"), ("project_emissions", 40, "tCO2e/yr")]),
    (["ปริมาณ ก๊าซเรือนกระจก อ้างอิง 2,300 ตันต่อปี การปล่อย ก๊าซ จาก โครงการ 150 ตันต่อปี"], "th",
     [("reference_emissions", 2300, "tCO2e/yr"), ("project_emissions", 150, "tCO2e/yr")]),
])
def test_an_emission_term_a_pdf_split_with_a_space_still_names_its_figure(
    lines: list[str], language: str, expected: list[Triple]
) -> None:
    assert triples(facts_of(lines, language)) == expected
