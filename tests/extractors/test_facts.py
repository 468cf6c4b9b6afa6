"""Facts from blocks: kinds, units, qualifiers, tables, totals, subjects, periods and evidence."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
import spacy

from corpus.models import Block, DocumentRef, Fact
from extractors.facts import extract_facts
from extractors.facts.pipeline import fact_pipeline

DOCUMENT = DocumentRef(id="doc-1", filename="sample.txt")


def blocks_of(lines: Sequence[str | list[str]], language: str = "en") -> tuple[str, list[Block]]:
    """The document text and its blocks: strings are paragraphs, lists are table rows (first = header)."""
    blocks: list[Block] = []
    texts: list[str] = []
    offset = 0
    header: list[str] | None = None
    for index, line in enumerate(lines):
        table = {}
        if isinstance(line, list):
            header = header or line
            table = {"kind": "table_row", "cells": line, "header": header, "row": 0 if line is header else 1}
            line = " | ".join(line)
        blocks.append(
            Block(
                page=2,
                text=line,
                index=index,
                start=offset,
                end=offset + len(line),
                language=language,
                bbox=(10.0, 20.0, 300.0, 40.0),
                **table,
            )
        )
        texts.append(line)
        offset += len(line) + 1
    return "\n".join(texts), blocks


def facts_of(lines: Sequence[str | list[str]], language: str = "en") -> list[Fact]:
    return extract_facts(blocks_of(lines, language)[1], DOCUMENT)


def triples(facts: Sequence[Fact]) -> list[tuple[str, float, str]]:
    return [(fact.kind, fact.value, fact.unit) for fact in facts]


# --- kinds and units per language ---------------------------------------------------------------


def test_english_kinds() -> None:
    facts = facts_of(
        [
            "Baseline emissions are 6,000 tCO2e and project emissions 1,500 tCO2e in the first year.",
            "The initial investment is JPY 300 million, of which the JCM subsidy covers JPY 120 million "
            "(40%).",
            "The ministry set aside a budget of USD 2 million for the programme.",
            "A solar plant with a capacity of 1.2 MW was installed.",
            "So far 2,400 credits were issued for the project.",
        ]
    )
    assert triples(facts) == [
        ("reference_emissions", 6000, "tCO2e"),
        ("project_emissions", 1500, "tCO2e"),
        ("project_cost", 300_000_000, "JPY"),
        ("subsidy_amount", 120_000_000, "JPY"),
        ("subsidy_share", 40, "%"),
        ("budget", 2_000_000, "USD"),
        ("capacity", 1200, "kW"),
        ("credits_issued", 2400, "tCO2e"),
    ]


def test_japanese_kinds() -> None:
    facts = facts_of(
        [
            "本事業の初期投資額は3億2,000万円、うち補助金は1億6,000万円(補助率50%)。",
            "リファレンス排出量 2,300 t-CO2/年、プロジェクト排出量 800 t-CO2/年。",
            "年間のCO2削減量は約1,500トンを見込む。",
            "これまでに26か国と署名し、12件のプロジェクトを採択した。",
        ],
        "ja",
    )
    assert triples(facts) == [
        ("project_cost", 320_000_000, "JPY"),
        ("subsidy_amount", 160_000_000, "JPY"),
        ("subsidy_share", 50, "%"),
        ("reference_emissions", 2300, "tCO2e/yr"),
        ("project_emissions", 800, "tCO2e/yr"),
        ("emission_reduction", 1500, "tCO2e/yr"),
        ("partner_country_count", 26, "count"),
        ("project_count", 12, "count"),
    ]


def test_thai_kinds() -> None:
    facts = facts_of(
        [
            "โครงการนี้ช่วยลดการปล่อยก๊าซเรือนกระจกได้ ๓,๒๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี",
            "มูลค่าการลงทุน ๑๒๐ ล้านบาท ได้รับเงินสนับสนุน ๔๘ ล้านบาท คิดเป็นร้อยละ ๔๐",
            "งบประมาณ ๒๐๐ ล้านบาท สำหรับ ๕ โครงการ ใน ๓ ประเทศ",
        ],
        "th",
    )
    assert triples(facts) == [
        ("emission_reduction", 3200, "tCO2e/yr"),
        ("project_cost", 120_000_000, "THB"),
        ("subsidy_amount", 48_000_000, "THB"),
        ("subsidy_share", 40, "%"),
        ("budget", 200_000_000, "THB"),
        ("project_count", 5, "count"),
        ("partner_country_count", 3, "count"),
    ]


def test_each_amount_takes_the_cue_nearest_it() -> None:
    facts = facts_of(["事業費は約5億円であり、そのうち補助金は2億円(補助率40%)とする。"], "ja")
    assert [fact.kind for fact in facts] == ["project_cost", "subsidy_amount", "subsidy_share"]


def test_a_cue_naming_the_base_of_a_share_is_not_its_kind() -> None:
    [share] = facts_of(["The support is limited to 30% of the project cost."])
    assert share.kind == "subsidy_share"


def test_per_year_markers() -> None:
    facts = facts_of(
        [
            "Reductions this period: 1,000 tCO2",
            "Reductions per annum: 1,001 tCO2/yr",
            "The plant reduces annual emissions by 1,002 tonnes of CO2.",
            "削減量は年間約1,003トン。",
            "ลดก๊าซเรือนกระจกได้ปีละ ๑,๐๐๔ ตัน",
        ]
    )
    assert [(fact.value, fact.unit) for fact in facts] == [
        (1000, "tCO2e"),
        (1001, "tCO2e/yr"),
        (1002, "tCO2e/yr"),
        (1003, "tCO2e/yr"),
        (1004, "tCO2e/yr"),
    ]


def test_bare_tons_count_only_in_a_clause_about_emissions() -> None:
    assert facts_of(["The mill burns 20,000 tons of rice husk and 500 tons a day of straw."]) == []
    [fact] = facts_of(["CO2 emissions fall by 700 tons per year."])
    assert (fact.value, fact.unit) == (700, "tCO2e/yr")


@pytest.mark.parametrize(
    ("sentence", "qualifier"),
    [
        ("Reductions of about 500 tCO2e.", "approx"),
        ("Reductions of approximately 500 tCO2e.", "approx"),
        ("削減量は約500トン。", "approx"),
        ("削減量は500トン程度。", "approx"),
        ("ลดได้ประมาณ ๕๐๐ ตัน CO2", "approx"),
        ("Subsidies of up to 50% are available.", "at_most"),
        ("補助率は50%以下。", "at_most"),
        ("สนับสนุนไม่เกินร้อยละ ๕๐", "at_most"),
        ("Reductions of more than 500 tCO2e.", "at_least"),
        ("削減量は500トン以上。", "at_least"),
        ("ลดได้มากกว่า ๕๐๐ ตัน CO2", "at_least"),
        ("Reductions of 500 tCO2e.", "exact"),
    ],
)
def test_qualifiers(sentence: str, qualifier: str) -> None:
    language = "ja" if "。" in sentence else "th" if "ลด" in sentence or "สน" in sentence else "en"
    [fact] = facts_of([sentence], language)
    assert fact.qualifier == qualifier


@pytest.mark.parametrize(
    "sentence",
    [
        "The call opened on 1 April 2023 and closed in 2024.",
        "See No. 2 on page 14 of Annex 3.",
        "Methodology TH_AM012 applies; call +66 2 141 9790.",
        "2. Background",
        "๑. ความเป็นมา",
        "The project lasts 12 months.",
        "Between the two countries a committee was set up.",
        "The grid emission factor is 0.512 tCO2/MWh.",
    ],
)
def test_numbers_without_unit_or_kind_are_not_facts(sentence: str) -> None:
    assert facts_of([sentence]) == []


def test_crediting_period_in_years() -> None:
    [fact] = facts_of(["The crediting period is 10 years."])
    assert (fact.kind, fact.value, fact.unit) == ("crediting_period", 10, "year")


# --- tables -------------------------------------------------------------------------------------

SELECTION_TABLE: list[str | list[str]] = [
    [
        "No.",
        "Project",
        "Country",
        "Emission cuts expected (tCO2e/yr)",
        "Project cost (million JPY)",
        "JCM subsidy (million JPY)",
    ],
    ["1", "Biogas capture at a pig farm", "Viet Nam", "2,100", "450", "180"],
    ["2", "High-efficiency boilers at a dairy", "Mongolia", "1,300", "280", "112"],
    ["Total", "", "", "3,400", "730", "292"],
]


def test_table_header_gives_unit_scale_and_kind() -> None:
    facts = facts_of(SELECTION_TABLE)
    assert triples(facts[:3]) == [
        ("emission_reduction", 2100, "tCO2e/yr"),
        ("project_cost", 450_000_000, "JPY"),
        ("subsidy_amount", 180_000_000, "JPY"),
    ]
    assert facts[1].precision == 10_000_000


def test_table_subjects_and_total_row() -> None:
    facts = facts_of(SELECTION_TABLE)
    assert {fact.subject for fact in facts[:3]} == {"Biogas capture at a pig farm"}
    assert [fact.is_total for fact in facts] == [False] * 6 + [True] * 3
    assert not any(fact.kind == "project_count" for fact in facts)  # the No. column is not a fact


def test_japanese_and_thai_table_headers() -> None:
    ja = facts_of(
        [["事業名", "CO2削減量(t-CO2/年)", "総事業費(百万円)"], ["冷凍機更新事業", "850", "95"]], "ja"
    )
    assert triples(ja) == [("emission_reduction", 850, "tCO2e/yr"), ("project_cost", 95_000_000, "JPY")]
    th = facts_of([["โครงการ", "มูลค่าโครงการ (ล้านบาท)"], ["โครงการหม้อไอน้ำ", "๓๒"]], "th")
    assert triples(th) == [("project_cost", 32_000_000, "THB")]
    assert th[0].subject == "โครงการหม้อไอน้ำ"


def test_unit_column_and_row_labels() -> None:
    facts = facts_of(
        [
            ["Parameter", "Value", "Unit"],
            ["Reference emissions RE_y", "5,300", "tCO2"],
            ["Project emissions PE_y", "2,100", "tCO2"],
            ["Operating hours", "8,000", "h"],
        ]
    )
    assert triples(facts) == [("reference_emissions", 5300, "tCO2e"), ("project_emissions", 2100, "tCO2e")]
    assert facts[0].subject is None


def test_cells_with_their_own_units() -> None:
    [capacity] = facts_of([["Project", "Value (tCO2)"], ["3 MW solar plant in Cebu", ""]])
    assert (capacity.kind, capacity.value, capacity.unit) == ("capacity", 3000, "kW")


# --- totals and lists ---------------------------------------------------------------------------


def test_prose_totals_in_three_languages() -> None:
    en = facts_of(["Altogether the four plants will cut 9,000 tCO2e per year."])
    ja = facts_of(["4事業の削減量は合計9,000 t-CO2/年となる。"], "ja")
    th = facts_of(["รวมปริมาณที่ลดได้ทั้งสิ้น ๙,๐๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี"], "th")
    assert [(fact.value, fact.is_total) for fact in en + ja + th] == [(9000, True)] * 3


def test_total_in_a_kind_name_is_not_a_sum() -> None:
    [cost] = facts_of(["The total project cost is JPY 800 million."])
    assert cost.kind == "project_cost" and not cost.is_total


def test_parts_of_an_annual_total_are_annual() -> None:
    facts = facts_of(
        [
            "๑. โครงการหม้อไอน้ำ ประเทศลาว ลดได้ ๒๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่า",
            "๒. โครงการโซลาร์เซลล์ ประเทศกัมพูชา ลดได้ ๓๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่า",
            "รวมลดได้ทั้งสิ้น ๕๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี",
        ],
        "th",
    )
    assert [(fact.value, fact.unit, fact.is_total) for fact in facts] == [
        (200, "tCO2e/yr", False),
        (300, "tCO2e/yr", False),
        (500, "tCO2e/yr", True),
    ]


def test_a_total_per_year_leaves_unrelated_figures_alone() -> None:
    facts = facts_of(
        [
            "Reductions this period: 4,000 tCO2",
            "In total 9,000 tCO2 per year are expected from the programme.",
        ]
    )
    assert [fact.unit for fact in facts] == ["tCO2e", "tCO2e/yr"]  # a line that is not a list item


# --- subjects, periods, evidence ----------------------------------------------------------------


def test_list_item_projects_and_countries_as_subjects() -> None:
    facts = facts_of(
        [
            "1. Waste heat recovery project at a cement plant: 4,000 tCO2e/yr",
            "The boiler project in Viet Nam reduces 900 tCO2e per year.",
            "Japan has partnerships with 17 countries including Mongolia and Thailand.",
            "โครงการในประเทศไทยลดได้ ๕๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่า",
            "ラオスでの事業により年間300トンのCO2を削減する。",
        ]
    )
    assert [fact.subject for fact in facts] == [
        "Waste heat recovery project at a cement plant",
        "Viet Nam",
        None,
        "Thailand",
        "Lao PDR",
    ]


def test_periods_on_facts() -> None:
    facts = facts_of(
        [
            "In FY2022 the programme selected 8 projects.",
            "ปีงบประมาณ พ.ศ. ๒๕๖๔ มีการคัดเลือก ๖ โครงการ",
            "令和5年度は10件の事業を採択した。",
            "Reductions from 1 April 2022 to 31 March 2023: 2,000 tCO2.",
        ]
    )
    assert [fact.period for fact in facts] == ["2022", "2021", "2023", "2022-04-01/2023-03-31"]


def test_evidence_points_at_the_number() -> None:
    lines: list[str | list[str]] = [
        "Introduction",
        "総事業費は約7億2,000万円である。",
        "๒. โครงการหนึ่ง ลดได้ ๑,๒๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่า",
        *SELECTION_TABLE,
    ]
    text, blocks = blocks_of(lines)
    facts = extract_facts(blocks, DOCUMENT)
    spans = [text[fact.evidence.start : fact.evidence.end] for fact in facts]
    assert spans[:4] == ["7億2,000万", "๑,๒๐๐", "2,100", "450"]
    for fact in facts:
        block = blocks[fact.evidence.block]
        assert text[fact.evidence.start : fact.evidence.end] in fact.evidence.text
        assert fact.evidence.text in block.text
        assert (fact.evidence.page, fact.evidence.bbox) == (2, (10.0, 20.0, 300.0, 40.0))
        assert fact.language == block.language


def test_evidence_is_the_list_item_or_sentence() -> None:
    facts = facts_of(
        ["First sentence with 5 projects. Second one with 3 countries.", "(1) 2,000 tCO2e of cuts"]
    )
    assert [fact.evidence.text for fact in facts] == [
        "First sentence with 5 projects.",
        "Second one with 3 countries.",
        "(1) 2,000 tCO2e of cuts",
    ]


def test_ids_are_stable_and_distinct() -> None:
    first = facts_of(SELECTION_TABLE)
    second = facts_of(SELECTION_TABLE)
    assert [fact.id for fact in first] == [fact.id for fact in second]
    assert len({fact.id for fact in first}) == len(first)
    other = extract_facts(blocks_of(SELECTION_TABLE)[1], DocumentRef(id="doc-2", filename="other.txt"))
    assert not {fact.id for fact in first} & {fact.id for fact in other}


def test_a_wrapped_line_keeps_the_cue_of_the_line_before() -> None:
    facts = facts_of(["โครงการนี้คาดว่าจะช่วยลดก๊าซเรือนกระจกได้", "๘,๕๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี"], "th")
    assert triples(facts) == [("emission_reduction", 8500, "tCO2e/yr")]


def test_pipeline_marks_quantities_and_cues_as_spans() -> None:
    nlp = spacy.blank("th", config={"nlp": {"tokenizer": {"@tokenizers": "jcm_script_runs.v1"}}})
    nlp.add_pipe("jcm_quantities")
    nlp.add_pipe("jcm_cues")
    doc = nlp("ลดได้ ๑,๒๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่า")
    assert [span.label_ for span in doc.spans["jcm_quantities"]] == ["tCO2e"]
    assert "reduction" in [span.label_ for span in doc.spans["jcm_cues"]]


def test_the_fact_pipeline_gives_the_lists_its_readers_use() -> None:
    doc = fact_pipeline("th")("ลดได้ ๑,๒๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่า")
    assert [quantity.unit for quantity in doc._.jcm_quantities] == ["tCO2e"]
    assert "reduction" in [cue.topic for cue in doc._.jcm_cues]
    assert fact_pipeline("th") is fact_pipeline("th")


def test_a_label_right_before_a_number_gives_its_unit() -> None:
    facts = facts_of(
        [
            "Estimated emission reductions (tCO2e/y): 1,500",
            "Total project cost (USD thousand): 250",
            "Number of projects: 7",
        ]
    )
    assert triples(facts) == [
        ("emission_reduction", 1500, "tCO2e/yr"),
        ("project_cost", 250_000, "USD"),
        ("project_count", 7, "count"),
    ]
    assert triples(facts_of(["パートナー国数:24"], "ja")) == [("partner_country_count", 24, "count")]


def test_count_columns() -> None:
    facts = facts_of([["Country", "Number of projects"], ["Mongolia", "9"], ["ラオス", "4"]])
    assert [(fact.kind, fact.value, fact.subject) for fact in facts] == [
        ("project_count", 9, "Mongolia"),
        ("project_count", 4, "Lao PDR"),
    ]


@pytest.mark.parametrize("sign", [":", "：", ".", "．"])
def test_a_project_name_line_names_the_subject_of_the_facts_under_it(sign: str) -> None:
    [fact] = facts_of([f"事業名{sign}ABC工場の省エネ", "排出削減量は1,200 tCO2/年である。"], "ja")
    assert (fact.kind, fact.value, fact.subject) == ("emission_reduction", 1200, "ABC工場の省エネ")


@pytest.mark.parametrize("number", ["", "1. ", "2) ", "1.2. ", "A.1. ", "A.1 ", "C.2.1 "])
def test_a_numbered_form_item_naming_the_project_names_the_subject(number: str) -> None:
    lines = [f"{number}Title of the JCM project: Introduction of Solar Power System at Shopping Malls",
             "C.1. Estimated emission reductions in each year: 1,850 tCO2e"]
    [fact] = facts_of(lines)
    assert (fact.kind, fact.value, fact.subject) == (
        "emission_reduction", 1850, "Introduction of Solar Power System at Shopping Malls"
    )


@pytest.mark.parametrize("sentence", [
    "The total cost is USD 2.5 million, of which the JCM Financing Programme covers USD 1.2 million.",
    "The total cost is USD 2.5 million; the Japan Fund for the Joint Crediting Mechanism gives USD 1.2 "
    "million.",
])
def test_the_programmes_financing_jcm_projects_name_the_subsidy(sentence: str) -> None:
    assert triples(facts_of([sentence])) == [
        ("project_cost", 2_500_000, "USD"), ("subsidy_amount", 1_200_000, "USD")
    ]


@pytest.mark.parametrize(("line", "language", "kind"), [
    ("Partner countries: 31", "en", "partner_country_count"),
    ("JCM partner countries: 31", "en", "partner_country_count"),
    ("Registered JCM projects: 31", "en", "project_count"),
    ("Selected model projects: 31", "en", "project_count"),
    ("จำนวนประเทศคู่ความร่วมมือ: 31", "th", "partner_country_count"),
    ("จำนวนโครงการที่ได้รับการคัดเลือก: 31", "th", "project_count"),
])
def test_a_label_naming_what_is_counted_before_a_bare_number(line: str, language: str, kind: str) -> None:
    assert triples(facts_of([line], language)) == [(kind, 31, "count")]


def test_a_column_of_registered_projects_counts_them_by_country() -> None:
    facts = facts_of([["Country", "Registered JCM projects"], ["Mongolia", "9"], ["Thailand", "12"]])
    assert [(fact.kind, fact.value, fact.subject) for fact in facts] == [
        ("project_count", 9, "Mongolia"), ("project_count", 12, "Thailand"),
    ]


@pytest.mark.parametrize(("lines", "language", "name"), [
    (["Project name: Introduction of 2.5 MW Solar Power System at Shopping Malls",
      "Expected emission reductions: 1,850 tCO2e per year."], "en",
     "Introduction of 2.5 MW Solar Power System at Shopping Malls"),
    (["事業名：2.5MW太陽光発電システムの導入", "排出削減量は年間1,850 tCO2である。"], "ja",
     "2.5MW太陽光発電システムの導入"),
])
def test_a_project_name_stating_its_power_names_the_subject_and_gives_the_capacity(
    lines: list[str], language: str, name: str
) -> None:
    facts = facts_of(lines, language)
    assert [(fact.kind, fact.value, fact.subject) for fact in facts] == [
        ("capacity", 2500, name), ("emission_reduction", 1850, name),
    ]


def test_a_project_label_before_facts_is_no_name() -> None:
    [fact] = facts_of(["Project 1: reduces 1,200 tCO2e per year"])
    assert (fact.kind, fact.value, fact.subject) == ("emission_reduction", 1200, None)


@pytest.mark.parametrize(("rows", "language", "periods"), [
    ([["Year", "Emission reductions (tCO2)"], ["2022", "700"], ["2023", "780"], ["Total", "1,480"]], "en",
     ["2022", "2023", None]),
    ([["Monitoring period", "Emission reductions (tCO2)"], ["2023-04-01 to 2024-03-31", "700"]], "en",
     ["2023-04-01/2024-03-31"]),
    ([["年度", "CO2削減量(t-CO2)"], ["2022", "700"], ["令和5年度", "780"]], "ja", ["2022", "2023"]),
    ([["ปี", "ปริมาณการลดก๊าซ (ตันคาร์บอนไดออกไซด์)"], ["2565", "700"], ["2566", "780"]], "th", ["2022", "2023"]),
])
def test_a_year_column_gives_each_row_its_period(rows: list[list[str]], language: str, periods: list) -> None:
    facts = facts_of(rows, language)
    assert [fact.kind for fact in facts] == ["emission_reduction"] * len(periods)  # the years are no facts
    assert [fact.period for fact in facts] == periods


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The project received JPY 100 million of subsidy from MOEJ.", [("subsidy_amount", 100_000_000, "JPY")]),
    ("500 tCO2 of credits went to Japan.", [("credits_issued", 500, "tCO2e")]),
    ("A total of 1,200 tCO2 of emission reductions were verified and 1,000 credits were issued.",
     [("emission_reduction", 1200, "tCO2e"), ("credits_issued", 1000, "tCO2e")]),
    ("JCM credits of 1,234 tCO2 were issued for the monitoring period.", [("credits_issued", 1234, "tCO2e")]),
])
def test_an_amount_of_something_is_that_thing(sentence: str, expected: list) -> None:
    assert triples(facts_of([sentence])) == expected


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("採択されたJCM資金支援事業は累計で250件を超える。", "ja", [("project_count", 250, "count", "at_least")]),
    ("温室効果ガス削減量は、10年間で合計15,000トン-CO2となる。", "ja",
     [("emission_reduction", 15_000, "tCO2e", "exact")]),  # over ten years, not a year's
    ("ค่าใช้จ่ายทั้งหมดของโครงการประมาณ 150 ล้านบาท โดยได้รับการสนับสนุน 60 ล้านบาท", "th",
     [("project_cost", 150_000_000, "THB", "approx"), ("subsidy_amount", 60_000_000, "THB", "exact")]),
])
def test_japanese_and_thai_wordings_of_totals_and_bounds(
    sentence: str, language: str, expected: list
) -> None:
    facts = facts_of([sentence], language)
    assert [(fact.kind, fact.value, fact.unit, fact.qualifier) for fact in facts] == expected


@pytest.mark.parametrize(("sentence", "kind"), [
    ("The subsidy for the initial investment is JPY 40 million.", "subsidy_amount"),
    ("The MOEJ budget for the JCM Financing Programme in FY2024 was JPY 12.4 billion.", "budget"),
])
def test_an_amount_is_what_its_name_says_not_what_it_is_for(sentence: str, kind: str) -> None:
    assert [fact.kind for fact in facts_of([sentence])] == [kind]


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The project cost is Rp 5 billion.", "en", ("project_cost", 5e9, "IDR")),
    ("The project cost is VND 20 billion.", "en", ("project_cost", 2e10, "VND")),
    ("The project cost is MNT 5 billion.", "en", ("project_cost", 5e9, "MNT")),
    ("The project cost is 150 million pesos.", "en", ("project_cost", 1.5e8, "PHP")),
    ("総事業費は50億ルピアである。", "ja", ("project_cost", 5e9, "IDR")),
    ("The subsidy amounts to USD 3.5 mn.", "en", ("subsidy_amount", 3.5e6, "USD")),
])
def test_currencies_of_partner_countries(sentence: str, language: str, expected: tuple) -> None:
    assert triples(facts_of([sentence], language)) == [expected]


@pytest.mark.parametrize(("sentence", "language", "kind"), [
    ("Emission reductions: Indonesia 3,000 tCO2, Thailand 2,000 tCO2, in total 5,000 tCO2.", "en",
     "emission_reduction"),
    ("排出削減量はインドネシア3,000 tCO2、タイ2,000 tCO2、合計5,000 tCO2である。", "ja",
     "emission_reduction"),
    ("採択案件は、インドネシア3,000件、タイ2,000件の計5,000件である。", "ja", "project_count"),
    ("โครงการที่ได้รับคัดเลือก ได้แก่ อินโดนีเซีย 3,000 โครงการ ไทย 2,000 โครงการ รวมทั้งสิ้น 5,000 โครงการ", "th",
     "project_count"),
])
def test_a_total_after_items_by_country_belongs_to_none_of_them(
    sentence: str, language: str, kind: str
) -> None:
    facts = facts_of([sentence], language)
    assert [(fact.kind, fact.value, fact.subject) for fact in facts] == [
        (kind, 3000, "Indonesia"), (kind, 2000, "Thailand"), (kind, 5000, None),
    ]


def test_a_total_in_one_country_keeps_it() -> None:
    [fact] = facts_of(["In Thailand, a total of 5 projects were selected."])
    assert (fact.kind, fact.value, fact.subject) == ("project_count", 5, "Thailand")


@pytest.mark.parametrize(("lines", "language", "expected"), [
    (["Emission reductions during the period (ERp): 1,225 [tCO2]"], "en",
     [("emission_reduction", 1225, "tCO2e")]),
    (["Reference emissions: 2,345 [tCO2/p]"], "en", [("reference_emissions", 2345, "tCO2e")]),  # per period
    (["モニタリング期間の排出削減量：1,225 tCO2/期間"], "ja", [("emission_reduction", 1225, "tCO2e")]),
    (["ปริมาณการลดก๊าซเรือนกระจก 1,225 ตันคาร์บอนไดออกไซด์/ช่วงเวลา"], "th",
     [("emission_reduction", 1225, "tCO2e")]),
    (["Estimated emission reductions: 1,850 [tCO2/y]"], "en", [("emission_reduction", 1850, "tCO2e/yr")]),
    ([["Parameter", "Reference emissions [tCO2/p]", "Project emissions [tCO2/p]"],
      ["Value", "2,345", "1,120"]], "en",
     [("reference_emissions", 2345, "tCO2e"), ("project_emissions", 1120, "tCO2e")]),
    (["การปล่อยก๊าซอ้างอิง 2,345 ตันคาร์บอนไดออกไซด์ การปล่อยก๊าซจากโครงการ 1,120 ตันคาร์บอนไดออกไซด์"], "th",
     [("reference_emissions", 2345, "tCO2e"), ("project_emissions", 1120, "tCO2e")]),
])
def test_the_monitoring_spreadsheets_units_in_brackets_and_per_period(
    lines: list, language: str, expected: list
) -> None:
    assert triples(facts_of(lines, language)) == expected


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The project cost is JPY 500 million, of which JPY 200 million (40%) is covered by the subsidy.", "en",
     [("project_cost", 5e8, None), ("subsidy_amount", 2e8, None), ("subsidy_share", 40, None)]),
    ("総事業費5億円のうち、2億円を補助金で賄う。", "ja",
     [("project_cost", 5e8, None), ("subsidy_amount", 2e8, None)]),
    ("Emission reductions of 2,000 tCO2, of which 1,200 tCO2 come from boilers.", "en",
     [("emission_reduction", 2000, None), ("emission_reduction", 1200, None)]),  # nothing else named
    ("1,000 credits were issued, of which 600 to Japan and 400 to Thailand.", "en",
     [("credits_issued", 1000, None), ("credits_issued", 600, "Japan"), ("credits_issued", 400, "Thailand")]),
])
def test_a_part_after_of_which_is_what_the_words_after_it_name(
    sentence: str, language: str, expected: list
) -> None:
    assert [(f.kind, f.value, f.subject) for f in facts_of([sentence], language)] == expected
