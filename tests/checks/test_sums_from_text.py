import pytest

from checks import run_checks
from tests.checks.text import facts_of
from tests.extractors.test_facts_published_wordings import text_facts

ITEMS = [
    "โครงการที่ได้รับการคัดเลือกมีดังนี้",
    "๑. โครงการติดตั้งระบบทำความเย็นประสิทธิภาพสูงในโรงงาน ลดการปล่อยก๊าซเรือนกระจกได้ 646 ตันต่อปี",
    "๒. โครงการติดตั้งหม้อไอน้ำประสิทธิภาพสูง ลดการปล่อยก๊าซเรือนกระจกได้ 798 ตันต่อปี",
    "๓. โครงการผลิตไฟฟ้าจากพลังงานแสงอาทิตย์ ลดการปล่อยก๊าซเรือนกระจกได้ 6,000 ตันต่อปี",
    "๔. โครงการเปลี่ยนเครื่องปรับอากาศ ลดการปล่อยก๊าซเรือนกระจกได้ 772 ตันต่อปี",
]


def test_thai_list_against_an_approximate_total_rounded_to_hundreds_raises_nothing():
    assert run_checks(facts_of(*ITEMS, "รวมลดการปล่อยก๊าซเรือนกระจกประมาณ 8,200 ตันต่อปี")) == []


def test_thai_list_against_a_total_a_thousand_off_is_an_error():
    [warning] = run_checks(facts_of(*ITEMS, "รวมลดการปล่อยก๊าซเรือนกระจกประมาณ 9,200 ตันต่อปี"))
    assert warning.rule == "sum_of_parts" and (warning.expected, warning.found) == (9200, 8216)


def test_thai_items_without_a_unit_per_year_against_an_exact_total_in_thai_digits_raise_nothing():
    # The items say only tonnes; the total says per year and is rounded to hundreds without "about".
    paragraph = (
        "ในปีนี้มีโครงการ ๔ โครงการ ได้แก่ ๑. โครงการเครื่องทอประหยัดพลังงาน ลดได้ ๖๔๖ ตันคาร์บอนไดออกไซด์เทียบเท่า "
        "๒. โครงการแผงเซลล์แสงอาทิตย์ ลดได้ ๗๙๘ ตันคาร์บอนไดออกไซด์เทียบเท่า "
        "๓. โครงการตู้แช่เย็นประสิทธิภาพสูง ลดได้ ๖,๐๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่า "
        "และ ๔. โครงการระบบสาธารณูปโภคในโรงงาน ลดได้ ๗๗๒ ตันคาร์บอนไดออกไซด์เทียบเท่า "
        "รวมลดได้ ๘,๒๐๐ ตันคาร์บอนไดออกไซด์เทียบเท่าต่อปี"
    )
    facts = facts_of(paragraph)
    reductions = sorted(f.value for f in facts if f.kind == "emission_reduction")
    assert reductions == [646, 772, 798, 6000, 8200]
    assert {f.unit for f in facts if f.kind == "emission_reduction"} == {"tCO2e/yr"}
    assert run_checks(facts) == []
    assert run_checks(facts_of(paragraph.replace("๘,๒๐๐", "๙,๒๐๐")))


def test_projects_counted_by_country_must_add_up_to_the_total_of_their_sentence():
    listed = "採択案件は、インドネシア3件、タイ2件、ベトナム1件の計{}件である。"
    assert run_checks(facts_of(listed.format(6))) == []
    [warning] = run_checks(facts_of(listed.format(7)))
    assert (warning.rule, warning.expected, warning.found) == ("sum_of_parts", 7, 6)
    assert warning.message == "The 3 items listed add up to 6, but the total stated is 7."
    english = "The selected projects: Indonesia 3 projects, Thailand 2 projects, 9 projects in total."
    assert [w.found for w in run_checks(facts_of(english))] == [5]


def test_counts_of_other_sentences_are_no_parts_of_a_total():
    paragraph = ("12 projects were selected in 2023 and 15 projects in 2024. "
                 "Since 2013, a total of 250 projects have been implemented.")
    assert run_checks(facts_of(paragraph)) == []


def test_a_count_that_sets_the_scene_is_no_item_of_the_sum() -> None:
    sentence = ("64件の応募があり、審査の結果、1)実証調査:4件、2)実現可能性調査:15件、3)REDD+調査:2件、"
                "合計21件を採択した。")
    assert [w for w in run_checks(facts_of(sentence)) if w.rule == "sum_of_parts"] == []


def test_items_that_miss_the_total_are_still_an_error_after_a_scene_setting_count() -> None:
    sentence = ("64件の応募があり、審査の結果、1)実証調査:4件、2)実現可能性調査:15件、3)REDD+調査:2件、"
                "合計25件を採択した。")
    [warning] = [w for w in run_checks(facts_of(sentence)) if w.rule == "sum_of_parts"]
    assert warning.expected == 25


# Figures paragraphs apart from a total, with a paragraph between that states none: the plants already
# running, one turbine's size, then the country's potential and the programme's total.
SCENE_BEFORE_A_TOTAL = {
    "en": ["Geothermal plants of 150 MW already run in the country.",
           "The new project brings two turbines (45 MW x 2 units).",
           "The country's geothermal potential is put at 5,000 MW.",
           "Total capacity of 400 MW will be built under the programme."],
    "ja": ["同国では既に150MWの地熱発電所が稼働している。",
           "新事業では45MWのタービンを2基導入する。",
           "同国の地熱発電の潜在量は5,000MWとされる。",
           "計画全体で合計400MWの発電設備を建設する。"],
    "th": ["ประเทศนี้มีโรงไฟฟ้าพลังงานความร้อนใต้พิภพ 150 เมกะวัตต์ที่เดินเครื่องอยู่แล้ว",
           "โครงการใหม่ติดตั้งกังหัน 45 เมกะวัตต์ จำนวน 2 ชุด",
           "ศักยภาพพลังงานความร้อนใต้พิภพของประเทศอยู่ที่ 5,000 เมกะวัตต์",
           "รวมกำลังการผลิตทั้งโครงการ 400 เมกะวัตต์"],
}


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_figures_a_paragraph_apart_from_a_total_are_no_items_of_it(language: str) -> None:
    warnings = run_checks(facts_of(*SCENE_BEFORE_A_TOTAL[language]))
    assert [w for w in warnings if w.rule == "sum_of_parts"] == []


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_items_listed_right_before_a_total_are_still_summed(language: str) -> None:
    listed = SCENE_BEFORE_A_TOTAL[language][:2] + SCENE_BEFORE_A_TOTAL[language][3:]
    [warning] = [w for w in run_checks(facts_of(*listed)) if w.rule == "sum_of_parts"]
    assert (warning.expected, warning.found) == (400_000, 195_000)


PDD_TABLE = (
    "Year | Estimated Reference emissions (tCO2e) | Estimated Project Emissions (tCO2e) "
    "| Estimated Emission Reductions (tCO2e)\n"
    """---|---|---|---
2021 | 1,250 | 310 | 940
2022 | 1,250 | 310 | 940
Total (tCO2e) | 2,500 | 620 | {total}
"""
)


def test_a_total_row_labelled_with_its_unit_is_a_total_that_adds_up():
    facts = text_facts(PDD_TABLE.format(total="1,880"))
    assert [(f.kind, f.value) for f in facts if f.is_total] == [
        ("reference_emissions", 2500), ("project_emissions", 620), ("emission_reduction", 1880),
    ]
    assert run_checks(facts) == []


def test_a_total_row_off_by_a_hundred_breaks_its_sum_and_its_arithmetic():
    warnings = run_checks(text_facts(PDD_TABLE.format(total="1,980")))
    assert sorted(w.rule for w in warnings) == ["reference_minus_project", "sum_of_parts"]


@pytest.mark.parametrize(("rupiah", "rules"), [("155", []), ("175", ["currency_conversion"])])
def test_a_rupiah_cost_is_read_against_its_dollars_at_the_stated_rate(rupiah: str, rules: list[str]):
    facts = facts_of(f"The project cost is Rp {rupiah} billion (US$10 million) at an exchange rate of "
                     "US$1 = Rp 15,500.")
    assert ("exchange_rate", 15500, "IDR/USD") in [(f.kind, f.value, f.unit) for f in facts]
    assert [w.rule for w in run_checks(facts)] == rules
