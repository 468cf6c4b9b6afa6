"""Facts from differently worded documents of each kind, in Thai, English and Japanese."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from corpus.models import Fact
from extractors.facts import extract_facts
from tests.extractors.test_facts import DOCUMENT, blocks_of, facts_of


def described(facts: Sequence[Fact]) -> list[tuple[str, float, str, str | None]]:
    return [(fact.kind, fact.value, fact.unit, fact.subject) for fact in facts]


# --- credits issued and their split between the two sides ---------------------------------------


@pytest.mark.parametrize(
    ("lines", "language"),
    [
        (["Credits issued: 2,400 tCO2, of which 1,200 to Japan and 1,200 to the partner country."], "en"),
        (
            [
                "2,400 JCM credits were issued, shared between Japan (1,200 tCO2) and the partner country "
                "(1,200 tCO2)."
            ],
            "en",
        ),
        (
            [
                "今回のクレジット発行量は2,400 t-CO2で、そのうち日本側に1,200 t-CO2、"
                "パートナー国側に1,200 t-CO2を配分した。"
            ],
            "ja",
        ),
        (["มีการออกเครดิต ๒,๔๐๐ ตัน แบ่งให้ฝ่ายญี่ปุ่น ๑,๒๐๐ ตัน และประเทศคู่ความร่วมมือ ๑,๒๐๐ ตัน"], "th"),
    ],
)
def test_credits_split_between_the_sides(lines: list[str], language: str) -> None:
    facts = facts_of(lines, language)
    assert [(fact.kind, fact.value) for fact in facts] == [("credits_issued", 2400)] + [
        ("credits_issued", 1200)
    ] * 2
    assert [fact.subject for fact in facts[1:]] == ["Japan", "partner country"]
    assert facts[0].subject is None


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("2,400 JCM credits were issued: Japan received 1,200 and the partner country 1,200.", "en"),
        ("クレジット2,400トンを発行し、日本側が1,200、パートナー国側が1,200を受け取った。", "ja"),
        ("ออกเครดิตแล้ว ๒,๔๐๐ ตัน ฝ่ายญี่ปุ่นได้รับ ๑,๒๐๐ และประเทศคู่ความร่วมมือได้รับ ๑,๒๐๐", "th"),
    ],
)
def test_shares_named_by_their_side_take_the_unit_of_the_credits(line: str, language: str) -> None:
    facts = facts_of([line], language)
    assert [(fact.kind, fact.value, fact.unit) for fact in facts] == [("credits_issued", 2400, "tCO2e")] + [
        ("credits_issued", 1200, "tCO2e")
    ] * 2
    assert [fact.subject for fact in facts[1:]] == ["Japan", "partner country"]


def test_a_named_partner_country_is_the_side() -> None:
    facts = facts_of(["Credits issued: 900 tCO2, of which 450 for Japan and 450 for Mongolia."])
    assert [fact.subject for fact in facts] == [None, "Japan", "Mongolia"]


# --- exchange rates ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "language", "value", "unit"),
    [
        ("Amounts were converted at 1 USD = 148.5 JPY.", "en", 148.5, "JPY/USD"),
        ("The rate used is USD 1 = THB 34.", "en", 34, "THB/USD"),
        ("an exchange rate of 150 yen per US dollar", "en", 150, "JPY/USD"),
        ("換算レート:1米ドル＝１４５円", "ja", 145, "JPY/USD"),
        ("為替レートは1ドル当たり140円とした。", "ja", 140, "JPY/USD"),
        ("อัตราแลกเปลี่ยน ๑ ดอลลาร์สหรัฐ เท่ากับ ๓๕ บาท", "th", 35, "THB/USD"),
        ("ใช้อัตรา ๔ บาทต่อ ๑ เยน", "th", 4, "THB/JPY"),
    ],
)
def test_exchange_rates(line: str, language: str, value: float, unit: str) -> None:
    [rate] = facts_of([line], language)
    assert (rate.kind, rate.value, rate.unit) == ("exchange_rate", value, unit)


def test_a_rate_beside_amounts_leaves_the_amounts() -> None:
    facts = facts_of(["The project cost is JPY 300 million (USD 2 million at 1 USD = 150 JPY)."])
    assert [(fact.kind, fact.unit) for fact in facts] == [
        ("project_cost", "JPY"),
        ("project_cost", "USD"),
        ("exchange_rate", "JPY/USD"),
    ]


# --- dollars -----------------------------------------------------------------------------------


def test_a_dollar_sign_is_usd_unless_the_document_names_another_dollar() -> None:
    unsaid = facts_of(["The investment cost is $ 4 million."])
    said = facts_of(["All amounts are in US dollars.", "The investment cost is $ 4 million."])
    fijian = facts_of(["Amounts are in Fiji dollars.", "The investment cost is $ 4 million."])
    both = facts_of(["Figures in US$ and A$.", "The investment cost is $ 4 million."])
    assert [fact.unit for fact in unsaid] == ["USD"]
    assert [fact.unit for fact in said] == ["USD"]
    assert [fact.unit for fact in fijian] == ["FJD"]
    assert [fact.unit for fact in both] == ["USD"]


# --- totals, budgets, costs and subsidies ------------------------------------------------------


def test_total_support_is_the_name_of_an_amount_not_a_sum() -> None:
    [support] = facts_of(["Total support for the plant reached JPY 90 million."])
    assert (support.kind, support.is_total) == ("subsidy_amount", False)


@pytest.mark.parametrize(
    ("line", "language"),
    [
        (
            "The programme budget is JPY 1.2 billion; the project costs JPY 600 million, and the subsidy is "
            "JPY 300 million.",
            "en",
        ),
        ("本年度の予算額は12億円。本事業の総事業費は6億円、補助金額は3億円である。", "ja"),
        ("งบประมาณของแผนงานปีนี้ ๑,๒๐๐ ล้านบาท มูลค่าการลงทุน ๖๐๐ ล้านบาท เงินอุดหนุน ๓๐๐ ล้านบาท", "th"),
    ],
)
def test_budget_cost_and_subsidy_told_apart(line: str, language: str) -> None:
    assert [fact.kind for fact in facts_of([line], language)] == ["budget", "project_cost", "subsidy_amount"]


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("The subsidy covers one half of the initial investment.", "en"),
        ("The JCM support is limited to 1/2 of the equipment cost.", "en"),
        ("補助率は設備費の2分の1を上限とする。", "ja"),
        ("เงินสนับสนุนไม่เกินครึ่งหนึ่งของเงินลงทุน", "th"),
    ],
)
def test_shares_written_as_fractions(line: str, language: str) -> None:
    [share] = facts_of([line], language)
    assert (share.kind, share.value, share.unit) == ("subsidy_share", 50, "%")


def test_grants_sharing_one_unit() -> None:
    facts = facts_of(["Grants of JPY 40 and 60 million went to the two plants."])
    assert [(fact.kind, fact.value) for fact in facts] == [("subsidy_amount", 40e6), ("subsidy_amount", 60e6)]


# --- document-level periods and subjects -------------------------------------------------------


@pytest.mark.parametrize(
    ("lines", "language", "period"),
    [
        (
            [
                "Monitoring Report",
                "Monitoring period: 1 July 2022 to 30 June 2023",
                "Emission reductions achieved: 812 tCO2e",
            ],
            "en",
            "2022-07-01/2023-06-30",
        ),
        (
            ["モニタリング報告書(令和4年4月1日～令和5年3月31日)", "本期間の排出削減量は640 t-CO2であった。"],
            "ja",
            "2022-04-01/2023-03-31",
        ),
        (
            ["ระยะเวลาการติดตามผล ๑ มกราคม ๒๕๖๖ ถึง ๓๑ ธันวาคม ๒๕๖๖", "ปริมาณการลดก๊าซเรือนกระจก ๕๐๐ ตัน"],
            "th",
            "2023-01-01/2023-12-31",
        ),
    ],
)
def test_a_monitoring_period_stated_once_covers_the_report(
    lines: list[str], language: str, period: str
) -> None:
    assert [fact.period for fact in facts_of(lines, language)] == [period]


def test_a_fact_keeps_its_own_period() -> None:
    facts = facts_of(["Monitoring period: 1 July 2022 to 30 June 2023", "In FY2021 the plant cut 700 tCO2e."])
    assert [fact.period for fact in facts] == ["2021"]


@pytest.mark.parametrize(
    ("lines", "language", "subject"),
    [
        (
            ["Project name: Waste heat recovery at a cement plant", "It cuts 3,000 tCO2e a year."],
            "en",
            "Waste heat recovery at a cement plant",
        ),
        (
            ["プロジェクト名：工場への高効率ボイラの導入", "年間削減量は約500 t-CO2である。"],
            "ja",
            "工場への高効率ボイラの導入",
        ),
        (
            ["ชื่อโครงการ: การติดตั้งระบบผลิตไฟฟ้าจากก๊าซชีวภาพ", "ลดก๊าซเรือนกระจกได้ ๒๐๐ ตันต่อปี"],
            "th",
            "การติดตั้งระบบผลิตไฟฟ้าจากก๊าซชีวภาพ",
        ),
    ],
)
def test_a_project_named_in_a_heading_is_the_subject_below(
    lines: list[str], language: str, subject: str
) -> None:
    assert [fact.subject for fact in facts_of(lines, language)] == [subject]


# --- whole documents of each kind, worded differently ---------------------------------------------

DOCUMENTS = [
    (  # press release, English
        "en",
        [
            "PRESS RELEASE",
            "The Joint Committee selected 11 projects in 6 partner countries this year. Together they "
            "are expected to abate some 42,000 tonnes of CO2 equivalent annually.",
        ],
        [
            ("project_count", 11, "count"),
            ("partner_country_count", 6, "count"),
            ("emission_reduction", 42000, "tCO2e/yr"),
        ],
    ),
    (  # call for proposals, English
        "en",
        [
            "Call for proposals FY2024",
            "The financing support is capped at 50 percent of the initial investment, and the budget for "
            "this round is around JPY 2.1 billion.",
        ],
        [("subsidy_share", 50, "%"), ("budget", 2.1e9, "JPY")],
    ),
    (  # selection notice, Japanese
        "ja",
        [
            "令和5年度 採択結果",
            "今回、5か国で合計8件を採択した。総事業費は約24億円、補助額は最大で約9億5,000万円となる。",
        ],
        [
            ("partner_country_count", 5, "count"),
            ("project_count", 8, "count"),
            ("project_cost", 2.4e9, "JPY"),
            ("subsidy_amount", 9.5e8, "JPY"),
        ],
    ),
    (  # PDD, Japanese
        "ja",
        [
            "プロジェクト設計書",
            "リファレンス排出量は年間1,850 t-CO2、プロジェクト排出量は年間350 t-CO2と見込む。",
        ],
        [("reference_emissions", 1850, "tCO2e/yr"), ("project_emissions", 350, "tCO2e/yr")],
    ),
    (  # monitoring report, Thai
        "th",
        [
            "รายงานผลการติดตาม",
            "การปล่อยก๊าซเรือนกระจกอ้างอิง ๑,๙๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่า "
            "การปล่อยจากโครงการ ๔๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่า",
        ],
        [("reference_emissions", 1900, "tCO2e"), ("project_emissions", 400, "tCO2e")],
    ),
    (  # press release, Thai
        "th",
        ["ข่าวประชาสัมพันธ์", "ปัจจุบันมีโครงการ JCM ในประเทศไทยกว่า ๕๐ โครงการ ได้รับเงินสนับสนุนราว ๑,๑๕๖ ล้านบาท"],
        [("project_count", 50, "count"), ("subsidy_amount", 1.156e9, "THB")],
    ),
]


DOCUMENTS += [
    (  # PDD, English
        "en",
        [
            "Project Design Document",
            "BaU emissions are estimated at 5,400 tCO2e per year and project emissions at 1,900 tCO2e "
            "per year; the rated capacity of the boilers is 2.4 MW.",
        ],
        [
            ("reference_emissions", 5400, "tCO2e/yr"),
            ("project_emissions", 1900, "tCO2e/yr"),
            ("capacity", 2400, "kW"),
        ],
    ),
    (  # monitoring report, English
        "en",
        [
            "Monitoring report",
            "For this period the avoided emissions amount to 2,205 t-CO2, and 2,205 credits are requested.",
        ],
        [("emission_reduction", 2205, "tCO2e"), ("credits_issued", 2205, "tCO2e")],
    ),
    (  # selection notice, English
        "en",
        [
            "Selection notice",
            "Four projects were selected. The cheapest costs JPY 120 million; the JCM grant for it "
            "is no more than JPY 48 million.",
        ],
        [("project_count", 4, "count"), ("project_cost", 120e6, "JPY"), ("subsidy_amount", 48e6, "JPY")],
    ),
    (  # monitoring report, Japanese
        "ja",
        [
            "モニタリング報告書",
            "参照排出量は3,010トン、プロジェクト排出量は1,150トンであり、排出削減量は1,860㌧となった。",
        ],
        [
            ("reference_emissions", 3010, "tCO2e"),
            ("project_emissions", 1150, "tCO2e"),
            ("emission_reduction", 1860, "tCO2e"),
        ],
    ),
    (  # call for proposals, Japanese
        "ja",
        ["令和6年度 公募", "補助率は初期投資費用の2分の1以下とし、本年度の予算額は約36億円を予定している。"],
        [("subsidy_share", 50, "%"), ("budget", 3.6e9, "JPY")],
    ),
    (  # press release, Japanese
        "ja",
        ["報道発表", "これまでに29か国とJCMを構築し、250件以上のプロジェクトを実施している。"],
        [("partner_country_count", 29, "count"), ("project_count", 250, "count")],
    ),
    (  # PDD, Thai
        "th",
        ["เอกสารออกแบบโครงการ", "กำลังการผลิตติดตั้ง ๑,๐๐๐ กิโลวัตต์ คาดว่าจะลดการปล่อยก๊าซเรือนกระจกได้ราว ๙๐๐ ตันต่อปี"],
        [("capacity", 1000, "kW"), ("emission_reduction", 900, "tCO2e/yr")],
    ),
    (  # selection notice, Thai
        "th",
        ["ผลการคัดเลือก", "มีโครงการได้รับการคัดเลือก ๗ โครงการ มูลค่าโครงการรวม ๕๖๐ ล้านบาท"],
        [("project_count", 7, "count"), ("project_cost", 560e6, "THB")],
    ),
    (  # call for proposals, Thai
        "th",
        ["ประกาศรับข้อเสนอโครงการ", "อัตราการสนับสนุนสูงสุดร้อยละ ๕๐ ของค่าใช้จ่ายโครงการ และงบประมาณรวม ๒๐๐ ล้านเยน"],
        [("subsidy_share", 50, "%"), ("budget", 200e6, "JPY")],
    ),
]


@pytest.mark.parametrize(("language", "lines", "expected"), DOCUMENTS)
def test_documents_of_each_kind(
    language: str, lines: list[str], expected: list[tuple[str, float, str]]
) -> None:
    facts = facts_of(lines, language)
    assert [(fact.kind, fact.value, fact.unit) for fact in facts] == [
        (kind, pytest.approx(value), unit) for kind, value, unit in expected
    ]


@pytest.mark.parametrize(
    ("sentence", "language", "qualifier"),
    [
        ("The plant abates around 410 tCO2e a year.", "en", "approx"),
        ("削減量はおよそ410トン-CO2/年。", "ja", "approx"),
        ("ลดได้ราว ๔๑๐ ตัน CO2 ต่อปี", "th", "approx"),
        ("The grant is no more than USD 1 million.", "en", "at_most"),
        ("補助金の上限は3億円。", "ja", "at_most"),
        ("Over 30 partner countries have joined.", "en", "at_least"),
        ("ลดได้กว่า ๔๑๐ ตัน CO2", "th", "at_least"),
        ("The subsidy covers 50% or less of the cost.", "en", "at_most"),
    ],
)
def test_qualifiers_in_other_words(sentence: str, language: str, qualifier: str) -> None:
    [fact] = facts_of([sentence], language)
    assert fact.qualifier == qualifier


# --- headings and form-like sheets -------------------------------------------------------------


def with_kinds(lines: list[str | list[str]], language: str, headings: set[int]) -> list[Fact]:
    _, blocks = blocks_of(lines, language)
    marked = [
        block.model_copy(update={"kind": "heading"}) if i in headings else block
        for i, block in enumerate(blocks)
    ]
    return extract_facts(marked, DOCUMENT)


@pytest.mark.parametrize(
    ("lines", "language", "subjects"),
    [
        (
            [
                "Selection results",
                "2.1 Biogas Power Generation Project at a Tapioca Starch Factory",
                "It cuts 4,000 tCO2e a year.",
                "2.2 Summary of costs",
                "All projects cut 9,000 tCO2e a year.",
            ],
            "en",
            ["Biogas Power Generation Project at a Tapioca Starch Factory", None],
        ),
        (
            [
                "省エネ型空調機導入プロジェクト",
                "削減量は年間300トン-CO2。",
                "モニタリング結果",
                "削減量は280トン-CO2。",
            ],
            "ja",
            ["省エネ型空調機導入プロジェクト", None],
        ),
        (
            ["โครงการติดตั้งหม้อไอน้ำประสิทธิภาพสูง", "ลดก๊าซเรือนกระจกได้ ๑๒๐ ตันต่อปี"],
            "th",
            ["โครงการติดตั้งหม้อไอน้ำประสิทธิภาพสูง"],
        ),
    ],
)
def test_headings_naming_a_project_give_the_subject(
    lines: list[str | list[str]], language: str, subjects: list[str | None]
) -> None:
    facts = with_kinds(lines, language, {0, 1, 3} if language == "en" else {0, 2})
    assert [fact.subject for fact in facts] == subjects


def test_a_form_sheet_names_the_project_and_the_period_in_cells() -> None:
    facts = facts_of(
        [
            ["Monitoring sheet"],
            ["Project", "Efficient refrigeration for a cold store"],
            ["Monitoring period", "2024-01-01", "2024-12-31"],
            ["Reference emissions", "700", "tCO2"],
        ]
    )
    assert [(fact.kind, fact.value, fact.subject, fact.period) for fact in facts] == [
        ("reference_emissions", 700, "Efficient refrigeration for a cold store", "2024-01-01/2024-12-31")
    ]


def test_the_japanese_no_names_what_an_amount_is() -> None:
    facts = facts_of(["今期は8,400トンのクレジットが発行され、3億円の補助金が交付された。"], "ja")
    assert [(fact.kind, fact.value) for fact in facts] == [("credits_issued", 8400), ("subsidy_amount", 3e8)]
    [share] = facts_of(["補助金は設備費の50%の範囲内とする。"], "ja")
    assert share.kind == "subsidy_share"


@pytest.mark.parametrize(
    "heading", ["10 MW Solar Power Project in Palau", "2.1 10 MW Solar Power Project in Palau"],
    ids=["unnumbered", "numbered"],
)
def test_a_heading_naming_a_project_by_its_power_gives_the_subject_and_the_capacity(heading: str) -> None:
    facts = with_kinds([heading, "The project reduces 1,850 tCO2e per year."], "en", {0})
    name = "10 MW Solar Power Project in Palau"
    assert [(fact.kind, fact.value, fact.subject) for fact in facts] == [
        ("capacity", 10_000, name), ("emission_reduction", 1850, name),
    ]
