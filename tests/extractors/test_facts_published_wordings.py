"""Facts in the structures real JCM publications use (press releases, selection tables, fund reports,
news), written in our own words with the figures such documents state. Each group is one cause of a
lost or wrong fact found by measuring on published documents."""

from __future__ import annotations

import pytest

from corpus.models import DocumentRef, Fact
from extractors.blocks import place_blocks
from extractors.facts import extract_facts
from extractors.readers.text import read_text
from tests.extractors.test_facts import facts_of, triples

Triple = tuple[str, float, str]


def text_facts(text: str) -> list[Fact]:
    """Facts of a plain-text document read as `jcm ingest` reads it."""
    reading = read_text(text.encode("utf-8"))
    return extract_facts(place_blocks(reading.blocks), DocumentRef(id="d", filename="d.txt"))


# --- a bare "t" after a number in a sentence about emissions ------------------------------------


@pytest.mark.parametrize(("sentence", "expected"), [
    ("この設備の導入で年間491tのCO2排出を削減する。", [("emission_reduction", 491, "tCO2e/yr")]),
    ("期間中の排出削減量は3万6390tとなった。", [("emission_reduction", 36390, "tCO2e")]),
    ("累計で5000万t~1億t程度の排出削減を目指す。",
     [("emission_reduction", 5e7, "tCO2e"), ("emission_reduction", 1e8, "tCO2e")]),
])
def test_a_t_after_a_number_is_tonnes_of_co2_where_the_sentence_is_about_emissions(
    sentence: str, expected: list[Triple]
) -> None:
    assert triples(facts_of([sentence], "ja")) == expected


def test_a_t_is_no_unit_outside_a_sentence_about_emissions() -> None:
    assert facts_of(["ボイラーの蒸気量は毎時10tである。"], "ja") == []


# --- tables: a unit stated once in the header, cells wrapped onto the next line ------------------


def test_a_markdown_table_row_wrapped_over_lines_keeps_its_cells() -> None:
    facts = text_facts(
        "年度 | 国 | 事業者 | 事業名 | 削減見込量 (tCO2/年) |\n"
        "---|---|---|---|---|\n"
        "2020 | タイ | 甲社 | 食品工場における廃熱回収設備の導入 |\n"
        "31,208 |\n"
        "2021 | ベトナム | 乙社 |\n"
        "工業団地への屋根置き太陽光の導入 |\n"
        "4,566 |\n"
    )
    assert [(fact.kind, fact.value, fact.unit, fact.subject) for fact in facts] == [
        ("emission_reduction", 31208, "tCO2e/yr", "食品工場における廃熱回収設備の導入"),
        ("emission_reduction", 4566, "tCO2e/yr", "工業団地への屋根置き太陽光の導入"),
    ]


# --- only the contract's kinds and canonical units ----------------------------------------------


@pytest.mark.parametrize(("lines", "language", "expected"), [
    (["The programme gives financial support of up to 1/2 of the initial investment."], "en",
     [("subsidy_share", 50, "%")]),
    (["Cumulative contributions committed to the fund stand at $97.1 million."], "en",
     [("budget", 97.1e6, "USD")]),
    (["Grants", "$31.5 million for 5 projects"], "en",
     [("subsidy_amount", 31.5e6, "USD"), ("project_count", 5, "count")]),
    (["ญี่ปุ่นให้การสนับสนุนไม่เกินร้อยละ ๕๐ ของเงินลงทุนเริ่มต้น"], "th", [("subsidy_share", 50, "%")]),
])
def test_kinds_come_from_the_vocabulary_and_a_bare_dollar_is_usd(
    lines: list[str], language: str, expected: list[Triple]
) -> None:
    facts = facts_of(lines, language)
    assert triples(facts) == expected
    assert {fact.qualifier for fact in facts if fact.kind == "subsidy_share"} <= {"at_most"}


@pytest.mark.parametrize(("sentence", "language"), [
    ("The energy sector produces 70% of national emissions.", "en"),
    ("Solar modules reach an efficiency of 22.8%.", "en"),
    ("The bank lent $200 million for a highway upgrade.", "en"),
    ("The country intends to cut emissions by 30% under its NDC.", "en"),
    ("再生可能エネルギーの比率を30%に高める。", "ja"),
    ("ธนาคารอนุมัติเงินกู้ 500 ล้านบาท สำหรับถนน", "th"),
    ("แผงมีประสิทธิภาพ 21%", "th"),
])
def test_numbers_outside_the_jcm_facts_are_no_facts(sentence: str, language: str) -> None:
    assert facts_of([sentence], language) == []


def test_a_number_of_a_known_dimension_without_a_role_is_other() -> None:
    assert triples(facts_of(["The plant stores 5,000 tonnes of CO2 on site."])) == [("other", 5000, "tCO2e")]


# --- credits ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("lines", "expected"), [
    (["The two plants led to the issuance of 40 tons of credits."], [("credits_issued", 40, "tCO2e")]),
    (["Japan will acquire 251 tonnes of credits from the projects."], [("credits_issued", 251, "tCO2e")]),
    (["The project was issued 1,200 credits.", "Of these, the Japanese government received 600 tonnes."],
     [("credits_issued", 1200, "tCO2e"), ("credits_issued", 600, "tCO2e")]),
])
def test_credit_wordings(lines: list[str], expected: list[Triple]) -> None:
    assert triples(facts_of(lines)) == expected


def test_a_share_after_a_back_reference_takes_the_kind_of_the_paragraph_before() -> None:
    facts = facts_of(["初回のクレジットとして300tが発行された。", "このうち日本政府は150tを取得した。"], "ja")
    assert triples(facts) == [("credits_issued", 300, "tCO2e"), ("credits_issued", 150, "tCO2e")]


# --- counts only where something is counted -----------------------------------------------------


@pytest.mark.parametrize(("sentence", "language"), [
    ("この事業は同国で19件目のJCMプロジェクトである。", "ja"),
    ("フィリピンは16カ国目のパートナー国となった。", "ja"),
    ("The country became the 17th partner country of the JCM.", "en"),
    ("ประเทศไทยเป็นประเทศที่ 2 ที่ร่วมลงนาม", "th"),
])
def test_an_ordinal_is_no_count(sentence: str, language: str) -> None:
    assert [fact for fact in facts_of([sentence], language) if fact.unit == "count"] == []


def test_a_thai_amount_that_stands_at_a_figure_is_no_ordinal() -> None:
    facts = facts_of(["ปริมาณการลดก๊าซเรือนกระจกอยู่ที่ 1,000 ตันต่อปี"], "th")
    assert triples(facts) == [("emission_reduction", 1000, "tCO2e/yr")]


def test_per_project_is_no_count_of_one() -> None:
    facts = facts_of(["1件当たりの補助額の上限は20億円とする。"], "ja")
    assert triples(facts) == [("subsidy_amount", 2e9, "JPY")]


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("今年度は計8件を採択した。", "ja", [("project_count", 8, "count")]),
    ("同省は既に25のプロジェクトを採択している。", "ja", [("project_count", 25, "count")]),
    ("The new registrations bring the total number of JCM projects to 219.", "en",
     [("project_count", 219, "count")]),
    ("会議には3件の議題があった。", "ja", []),
])
def test_counts_name_what_they_count(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


# --- energy is not power ------------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    # what a battery holds is of energy's dimension, but no electricity generated or saved: other
    ("The hybrid system adds a 2-megawatt array and a 3.6 megawatt-hour battery.", "en",
     [("capacity", 2000, "kW"), ("other", 3.6, "MWh")]),
    ("It will generate about 8.8 million kWh of electricity per year.", "en", [("energy", 8800, "MWh/yr")]),
    ("発電量は年間1,250MWhを見込む。", "ja", [("energy", 1250, "MWh/yr")]),
    ("ผลิตไฟฟ้าได้ ๒,๐๐๐,๐๐๐ กิโลวัตต์ชั่วโมงต่อปี", "th", [("energy", 2000, "MWh/yr")]),
])
def test_electricity_is_energy_in_mwh(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


# --- subjects -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "language"), [
    ("The JCM aims at 100 million tCO2 of reductions by 2030 with partners such as Kenya and Chile.", "en"),
    ("5 projects were selected this year, including one in Kenya.", "en"),
    ("タイ、ベトナム、インドネシアで合わせて年間3万tの削減を見込む。", "ja"),
    ("โครงการ 6 โครงการ เช่น ในเคนยา", "th"),
])
def test_a_country_listed_or_given_as_an_example_is_not_the_subject(sentence: str, language: str) -> None:
    facts = facts_of([sentence], language)
    assert facts and {fact.subject for fact in facts} == {None}


def test_a_single_country_stays_the_subject() -> None:
    [fact] = facts_of(["The plant in Mongolia will reduce 1,200 tCO2 per year."])
    assert fact.subject == "Mongolia"


# --- smaller causes ----------------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("ลดก๊าซเรือนกระจกได้ 2.62 แสนตันคาร์บอนต่อปี", "th", [("emission_reduction", 262000, "tCO2e/yr")]),
    ("การลงทุนร่วมในโครงการมากกว่า 9,806 ล้านบาท", "th", [("project_cost", 9806e6, "THB")]),
    ("The firm will build a 5-megawatt plant.", "en", [("capacity", 5000, "kW")]),
    ("毎年度の予算の範囲内で、2030年度までの累積で1億t-CO2の削減を見込む。", "ja",
     [("emission_reduction", 1e8, "tCO2e")]),
])
def test_smaller_wordings(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


# --- money abbreviated after its currency, and amounts tied to the fund they come from ----------


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The fund will add $6m from the Japan Fund for the Joint Crediting Mechanism.",
     [("subsidy_amount", 6e6, "USD")]),
    ("A grant of EUR 10.7m and a grant of $1.2bn were approved.",
     [("subsidy_amount", 10.7e6, "EUR"), ("subsidy_amount", 1.2e9, "USD")]),
])
def test_money_abbreviated_after_its_currency_is_scaled(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected


def test_an_m_after_a_number_without_a_currency_is_no_million() -> None:
    found = triples(facts_of(["The 15m mast carries 2 MW of turbines."], "en"))
    assert found == [("capacity", 2000, "kW")]


@pytest.mark.parametrize(("sentence", "expected"), [
    # the source after the amount says what it is, nearer than a loan or another fund named before it
    ("The $30m bank loan is topped up by $10.5m from the Green Climate Fund and $4m from the Japan Fund "
     "for the Joint Crediting Mechanism.", [("subsidy_amount", 4e6, "USD")]),
    ("The grant included $18.2 million from the Strategic Climate Fund and $3 million from the Japan Fund "
     "for the JCM.", [("subsidy_amount", 3e6, "USD")]),
])
def test_an_amount_takes_the_role_of_the_fund_it_comes_from(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected


# --- a value under its label, with a note between them ------------------------------------------


@pytest.mark.parametrize(("lines", "expected"), [
    (["Fund Size", "", "$85.4 million", "", "Co-financing Requirement"], [("budget", 85.4e6, "USD")]),
    (["Cumulative Contributions Committed", "", "Amounts are net of cancellations and revalued at the "
      "reporting date.", "", "$64.3 million"], [("budget", 64.3e6, "USD")]),
    (["拠出額の累計", "", "取消分を除き、報告日の為替で換算している。", "", "5,600万ドル"],
     [("budget", 56e6, "USD")]),
    (["ยอดเงินสมทบสะสม", "", "หักรายการที่ยกเลิกแล้ว คิดตามอัตราแลกเปลี่ยน ณ วันที่รายงาน", "", "1,250 ล้านบาท"],
     [("budget", 1.25e9, "THB")]),
])
def test_a_value_takes_its_label_across_a_note_without_numbers(
    lines: list[str], expected: list[Triple]
) -> None:
    assert triples(text_facts("\n".join(lines))) == expected


# --- what a fund receives is its budget; the size of projects is a cost; saved tonnes are a reduction --


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The bank set up a trust fund which receives a grant of 2.4 billion JPY from Japan.", "en",
     [("budget", 2.4e9, "JPY")]),
    ("This year's funding for the Joint Crediting Mechanism rises to about ¥12.1 billion.", "en",
     [("budget", 12.1e9, "JPY")]),
    ("The initiative targets a project size of about 2 trillion yen.", "en", [("project_cost", 2e12, "JPY")]),
    ("The plant will save 8,450 tonnes of CO2 emissions yearly.", "en",
     [("emission_reduction", 8450, "tCO2e/yr")]),
])
def test_roles_published_wordings_state(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The ministry has 43 other projects that will apply.", [("project_count", 43, "count")]),
    ("By 2025, 212 JCM projects were under way in 30 partner countries2.",
     [("project_count", 212, "count"), ("partner_country_count", 30, "count")]),
])
def test_a_count_noun_after_other_or_before_a_footnote_mark(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected


# --- numbered items that restate one measure, the unit written once -----------------------------


@pytest.mark.parametrize(("sentence", "language"), [
    ("想定削減量は(1)が最も多く12,400tCO2/年、(2)は615、(3)は3,050と見込まれる。", "ja"),
    ("The expected reductions are 12,400 tCO2/year for (1), 615 for (2) and 3,050 for (3).", "en"),
    ("ปริมาณที่คาดว่าจะลดได้ (1) 12,400 tCO2/ปี (2) 615 และ (3) 3,050", "th"),
])
def test_numbered_items_share_the_unit_their_list_states_once(sentence: str, language: str) -> None:
    assert triples(facts_of([sentence], language)) == [
        ("emission_reduction", value, "tCO2e/yr") for value in (12400, 615, 3050)
    ]


def test_numbered_items_of_different_measures_keep_their_own_units() -> None:
    sentence = "The projects are (1) a 48 MW wind farm and (2) a 1.8 MW rooftop solar system."
    assert [(kind, value) for kind, value, _ in triples(facts_of([sentence], "en"))] == [
        ("capacity", 48000), ("capacity", 1800),
    ]


@pytest.mark.parametrize("sentence", [
    "JCMを構築している 21 のパートナー国における事業を優先する。",
    "アジア以外の地域もあわせると合計で21国がパートナーとなっている。",
])
def test_japanese_partner_countries_counted_without_a_counter(sentence: str) -> None:
    assert [(kind, value) for kind, value, _ in triples(facts_of([sentence], "ja"))] == [
        ("partner_country_count", 21)
    ]


def test_bilateral_is_no_count_of_two_countries() -> None:
    assert facts_of(["日本は2国間クレジット制度を通じて2国間の協力を進める。"], "ja") == []


@pytest.mark.parametrize(("sentence", "expected"), [
    ("Total project cost is estimated at up to one trillion yen.", [("project_cost", 1e12, "JPY")]),
    ("Two million tonnes of CO2 will be reduced by 2030.", [("emission_reduction", 2e6, "tCO2e")]),
    ("The programme aims at reductions of 50 Mt CO2e by 2030.", [("emission_reduction", 5e7, "tCO2e")]),
])
def test_number_words_with_a_scale_and_spaced_megatonnes(sentence: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], "en")) == expected


def test_cases_counted_per_country_are_projects_not_countries() -> None:
    sentence = "対象国別の内訳は、インドネシア:5件、モンゴル:3件、タイ:2件である。"
    assert {kind for kind, _, _ in triples(facts_of([sentence], "ja"))} == {"project_count"}


@pytest.mark.parametrize(("sentence", "language"), [
    ("発行が決定されたクレジット量は264(tCO2)、このうち日本政府の獲得分は132となる。", "ja"),
    ("The credits issued amounted to 264 (tCO2), of which Japan received 132.", "en"),
])
def test_a_unit_in_brackets_after_the_number(sentence: str, language: str) -> None:
    assert triples(facts_of([sentence], language)) == [
        ("credits_issued", 264, "tCO2e"), ("credits_issued", 132, "tCO2e"),
    ]


# --- a period word closing the sentence, an amount restated without its period -----------------


@pytest.mark.parametrize(("sentence", "expected"), [
    ("The plant is expected to cut CO2 emissions by about 18,000 tonnes and save 2 million cubic metres "
     "of water annually.", [("emission_reduction", 18000, "tCO2e/yr")]),
    ("The new chillers will reduce emissions by 640 tonnes of CO2 and lower the hospital's bills every "
     "year.", [("emission_reduction", 640, "tCO2e/yr")]),
    ("Over ten years the project will reduce 90,000 tonnes of CO2 in total and train local staff "
     "annually.", [("emission_reduction", 90000, "tCO2e")]),
    ("The reductions reach 75,000 tonnes of CO2 over the crediting period, or 7,500 tonnes a year.",
     [("emission_reduction", 75000, "tCO2e"), ("emission_reduction", 7500, "tCO2e/yr")]),
])
def test_a_period_word_closing_the_sentence_states_the_period_of_its_last_amount(
    sentence: str, expected: list[Triple]
) -> None:
    assert triples(facts_of([sentence])) == expected


def test_an_amount_of_a_day_is_no_fact_when_the_sentence_ends_per_day() -> None:
    facts = facts_of([
        "The boiler will generate 24,000 kWh of electricity from 40 t of husks per day.",
        "Each year the plant will sell 7,900 MWh of electricity to the grid.",
    ])
    assert triples(facts) == [("energy", 7900, "MWh/yr")]


def test_an_amount_restated_without_its_period_is_the_same_yearly_amount() -> None:
    facts = facts_of([
        "The project is expected to reduce GHG emissions by 2,430 tCO2 per year.",
        "Thus the emission reduction is: 3,600 MWh x 0.675 tCO2/MWh = 2,430 tCO2.",
        "The reduction over the first monitoring period was 1,980 tCO2.",
    ])
    assert [(fact.value, fact.unit) for fact in facts if fact.kind == "emission_reduction"] == [
        (2430, "tCO2e/yr"), (2430, "tCO2e/yr"), (1980, "tCO2e"),
    ]


# --- money and power that are not the JCM's -----------------------------------------------------


@pytest.mark.parametrize("sentence", [
    "In 2014 the country received a grant of EUR 12 million from Germany under the NAMA Facility.",
    "The programme drew a further grant of USD 9 million from the United Kingdom and Norway.",
])
def test_a_grant_from_another_donor_country_is_no_jcm_subsidy(sentence: str) -> None:
    assert [fact for fact in facts_of([sentence]) if fact.kind == "subsidy_amount"] == []


def test_a_country_s_installed_capacity_is_a_national_statistic() -> None:
    facts = facts_of(["Kenya's installed geothermal capacity stood at 950 MW at the end of 2022, while the "
                      "JCM plant has a capacity of 2 MW."])
    assert triples(facts) == [("capacity", 2000, "kW")]


@pytest.mark.parametrize(("sentence", "language"), [
    ("งบประมาณของโครงการสนับสนุนทางการเงินสำหรับปีงบประมาณ 2568 อยู่ที่ 11,500 ล้านเยน", "th"),
    ("The budget for the JCM Financing Programme in fiscal 2025 is 11,500 million yen.", "en"),
])
def test_a_budget_named_for_the_financing_programme_is_a_budget(sentence: str, language: str) -> None:
    assert triples(facts_of([sentence], language)) == [("budget", 1.15e10, "JPY")]


def test_grants_that_other_funders_share_are_no_jcm_subsidy_but_the_jcm_part_is() -> None:
    facts = facts_of([
        "The water supply project receives $42 million in grants: $30 million from the Asian Development "
        "Fund, $8 million from the Green Climate Fund and $4 million from the Japan Fund for the Joint "
        "Crediting Mechanism."
    ])
    assert [(fact.kind, fact.value) for fact in facts if fact.unit == "USD"] == [("subsidy_amount", 4e6)]


def test_a_jcm_subsidy_split_between_its_own_plants_stays_a_subsidy() -> None:
    facts = facts_of(["The JCM subsidy of JPY 900 million covers two plants: JPY 500 million for the solar "
                      "plant and JPY 400 million for the battery."])
    assert [fact.value for fact in facts if fact.kind == "subsidy_amount"] == [9e8, 5e8, 4e8]


def test_money_coming_from_another_fund_is_not_the_jcm_s() -> None:
    facts = facts_of([
        "ADB's loan is backed by grant co-financing, with $9.5 million coming from the Strategic Climate "
        "Fund. A further $3 million will come from the Japan Fund for the Joint Crediting Mechanism."
    ])
    assert [(fact.kind, fact.value) for fact in facts if fact.unit == "USD"] == [("subsidy_amount", 3e6)]


def test_japanese_grants_from_the_jcm_japan_fund() -> None:
    facts = facts_of([
        "アジア開発銀行がJCM日本基金を活用する案件を承認した。基金から410万ドルを拠出する。",
        "アジア開発基金から2,000万ドル、JCM日本基金から300万ドルが供与される。",
        "環境省はアジア開発銀行に15億円の拠出金を出して、JCM日本基金を設置した。",
    ], "ja")
    assert [(fact.kind, fact.value, fact.unit) for fact in facts] == [
        ("subsidy_amount", 4.1e6, "USD"), ("subsidy_amount", 3e6, "USD"), ("budget", 1.5e9, "JPY"),
    ]


def test_tonnes_of_coal_wrapped_onto_the_next_line_are_no_co2() -> None:
    sentence = "年間1万2000㌧の 石炭と8万㌧の水を節減し、1万7500㌧の二酸化炭素排出量を削減できる。"
    facts = facts_of([sentence], "ja")
    assert triples(facts) == [("emission_reduction", 17500, "tCO2e/yr")]


# --- sheets of labels and values ----------------------------------------------------------------


SUMMARY_ROWS = (
    "Total project cost | JPY 950 million\n"
    "JCM financing support | JPY 380 million (40%)\n"
    "Expected GHG emission reductions | 1,730 tCO2/year\n"
    "Capacity | 2.2 MW\n"
)
EXPECTED_SUMMARY = [
    ("project_cost", 9.5e8, "JPY"), ("subsidy_amount", 3.8e8, "JPY"), ("subsidy_share", 40, "%"),
    ("emission_reduction", 1730, "tCO2e/yr"), ("capacity", 2200, "kW"),
]


def test_a_sheet_of_labels_and_values_has_no_header_row() -> None:
    assert triples(text_facts(SUMMARY_ROWS)) == EXPECTED_SUMMARY


@pytest.mark.parametrize("header", ["Item | Value", "Item | Details"])
def test_an_item_column_holds_the_labels_of_the_values(header: str) -> None:
    assert triples(text_facts(f"{header}\n---|---\n{SUMMARY_ROWS}")) == EXPECTED_SUMMARY


def test_a_numbered_item_column_is_still_no_label() -> None:
    facts = text_facts(
        "No. | Project | Expected GHG emission reductions (tCO2/year)\n---|---|---\n"
        "1 | Chillers at a textile factory | 1,021\n2 | Rooftop solar at food factories | 2,454\n"
    )
    assert [(fact.kind, fact.value, fact.subject) for fact in facts] == [
        ("emission_reduction", 1021, "Chillers at a textile factory"),
        ("emission_reduction", 2454, "Rooftop solar at food factories"),
    ]


# --- credits shared out, shares the JCM finances ------------------------------------------------


@pytest.mark.parametrize(("sentence", "language"), [
    ("Credits issued: 2,468 tCO2e (Japan: 1,234 tCO2e, Viet Nam: 1,234 tCO2e)", "en"),
    ("Credits issued were 2,468 tCO2e: 1,234 tCO2e to Japan and 1,234 tCO2e to Viet Nam.", "en"),
    ("発行クレジット量：2,468 tCO2（日本側：1,234 tCO2、ベトナム側：1,234 tCO2）", "ja"),
])
def test_credits_shared_out_by_side_labels(sentence: str, language: str) -> None:
    facts = facts_of([sentence], language)
    assert [(fact.value, fact.subject) for fact in facts] == [
        (2468, None), (1234, "Japan"), (1234, "Viet Nam"),
    ]


def test_a_share_the_jcm_finances_is_a_subsidy_share() -> None:
    facts = facts_of(["The project cost is about US$4 million, of which about 45% is financed by the JCM."])
    assert triples(facts) == [("project_cost", 4e6, "USD"), ("subsidy_share", 45, "%")]


@pytest.mark.parametrize("sentence", [
    "Japan has contributed $98.2 million to the JFJCM as of June 2024.",
    "The Government of Japan has provided $40 million to the Japan Fund for the Joint Crediting Mechanism.",
])
def test_money_given_to_the_fund_is_its_budget(sentence: str) -> None:
    assert [fact.kind for fact in facts_of([sentence])] == ["budget"]


@pytest.mark.parametrize(("sentence", "language", "unit"), [
    ("The total project cost is 640 million Sri Lankan rupees.", "en", "LKR"),
    ("The total project cost is KES 640 million.", "en", "KES"),
    ("The total project cost is 640 million taka.", "en", "BDT"),
    ("The total project cost is 640 million kyats.", "en", "MMK"),
    ("The total project cost is 640 million Chilean pesos.", "en", "CLP"),
    ("The total project cost is 640 million Mexican pesos.", "en", "MXN"),
    ("The total project cost is 640 million Saudi riyals.", "en", "SAR"),
    ("総事業費は6億4,000万タカである。", "ja", "BDT"),
])
def test_partner_country_currencies(sentence: str, language: str, unit: str) -> None:
    assert triples(facts_of([sentence], language)) == [("project_cost", 6.4e8, unit)]


@pytest.mark.parametrize(("sentence", "kind"), [
    ("環境省はアジア開発銀行に12億円を拠出して、JCM日本基金を設置した。", "budget"),
    ("この施設には日本の環境省と市当局が500万米ドルずつ拠出した。", "subsidy_amount"),
])
def test_japanese_contributions_to_a_bank_or_fund_are_its_budget_to_a_plant_a_subsidy(
    sentence: str, kind: str
) -> None:
    assert [fact.kind for fact in facts_of([sentence], "ja")] == [kind]
