"""A list's items each take what introduced the list; both bounds of a yearly range are yearly; a yearly
budget does not make the amounts it pays for yearly; "the two countries" is the pair a text is about."""
import pytest

from tests.checks.text import facts_of


def _facts(*paragraphs: str) -> list[tuple[str, float, str]]:
    return [(fact.kind, round(fact.value, 2), fact.unit) for fact in facts_of(*paragraphs)]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("3. Rate of financial support", "Support is limited as follows.", "(a) 1/2: large companies.",
         "(b) 2/3: small and medium-sized companies.", "(c) 1/4: companies abroad."),
        ("3. 補助率", "補助の上限は次のとおり。", "(a) 1/2:大企業", "(b) 2/3:中小企業", "(c) 1/4:海外企業"),
        ("3. อัตราเงินอุดหนุน", "อัตราสูงสุดมีดังนี้", "(ก) 1/2 บริษัทขนาดใหญ่", "(ข) 2/3 บริษัทขนาดกลาง",
         "(ค) 1/4 บริษัทต่างประเทศ"),
    ],
)
def test_every_item_of_a_list_takes_the_label_that_introduced_it(paragraphs: tuple[str, ...]) -> None:
    shares = [fact for fact in _facts(*paragraphs) if fact[2] == "%"]
    assert shares == [("subsidy_share", 50.0, "%"), ("subsidy_share", 66.67, "%"),
                      ("subsidy_share", 25.0, "%")]


def test_items_after_a_list_has_ended_take_no_label_from_it() -> None:
    paragraphs = ("Support is limited as follows.", "(a) 1/2: large companies.",
                  "Efficiency reached 2/3 of the design.")
    assert [fact for fact in _facts(*paragraphs) if fact[2] == "%"] == [("subsidy_share", 50.0, "%")]


@pytest.mark.parametrize(
    "text",
    [
        "The annual reduction is expected to be 1,500 to 3,000 tCO2e.",
        "年間1,500～3,000トンのCO2削減を見込む。",
        "คาดว่าจะลดการปล่อยได้ปีละ 1,500-3,000 ตันคาร์บอนไดออกไซด์เทียบเท่า",
    ],
)
def test_both_bounds_of_a_yearly_range_are_yearly(text: str) -> None:
    assert _facts(text) == [("emission_reduction", 1500, "tCO2e/yr"),
                            ("emission_reduction", 3000, "tCO2e/yr")]


@pytest.mark.parametrize(
    "text",
    [
        "Cumulative reductions through programmes funded from the annual budget are put at 20 to 40 million "
        "tCO2 by 2030.",
        "年間予算で実施する事業により、2030年度までに累積2,000万～4,000万トンの削減を見込む。",
    ],
)
def test_a_yearly_budget_does_not_make_the_amounts_yearly(text: str) -> None:
    assert _facts(text) == [("emission_reduction", 20_000_000, "tCO2e"),
                            ("emission_reduction", 40_000_000, "tCO2e")]


def test_the_two_countries_a_text_is_about_are_no_count() -> None:
    assert _facts("Once the agreement is signed, the two countries will set up a joint committee.") == []


def test_two_partner_countries_stated_are_a_count() -> None:
    assert _facts("The JCM now has two partner countries in Central Asia.") == [
        ("partner_country_count", 2, "count")]


def test_an_amount_sized_projects_is_their_cost() -> None:
    assert _facts("官民で最大5,000億円規模の事業を見込む。") == [("project_cost", 500_000_000_000, "JPY")]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("(4) Subsidy rate", "• 1/2 (2/3 for small companies)"),
        ("(4)補助率", "・1/2(中小企業は2/3)"),
        ("(4) อัตราเงินอุดหนุน", "• 1/2 (บริษัทขนาดเล็ก 2/3)"),
    ],
)
def test_a_bullet_under_a_numbered_heading_takes_the_heading(paragraphs: tuple[str, ...]) -> None:
    shares = [fact for fact in _facts(*paragraphs) if fact[2] == "%"]
    assert shares == [("subsidy_share", 50.0, "%"), ("subsidy_share", 66.67, "%")]


@pytest.mark.parametrize(
    "text",
    [
        "Japan has already signed seven such bilateral agreements.",
        "So far Japan has seven bilateral documents under the mechanism.",
    ],
)
def test_bilateral_agreements_count_partner_countries(text: str) -> None:
    assert _facts(text) == [("partner_country_count", 7, "count")]


@pytest.mark.parametrize(
    "text",
    [
        "The city produces about 900 tonnes of waste per day, dumped at a landfill.",
        "市内では日量約900トンのごみが排出されている。",
        "เมืองผลิตขยะวันละประมาณ 900 ตัน",
    ],
)
def test_tonnes_a_day_are_no_co2(text: str) -> None:
    assert _facts(text) == []


def test_a_plant_at_a_worth_costs_that() -> None:
    assert ("project_cost", 52_000_000, "USD") in _facts("The 9 MW plant was built at a worth of US$52m.")


@pytest.mark.parametrize(
    "text",
    [
        "Example B: 6 tCO2/yr/unit (as an illustration)",
        "例B:6tCO2/年/台(一例として)",
    ],
)
def test_an_amount_per_year_and_per_unit_is_no_project_amount(text: str) -> None:
    assert _facts(text) == []


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("CO2を年3万トン削減へ", "tCO2e/yr"),
        ("年約3万トンの削減を見込む", "tCO2e/yr"),
        ("2030年3万トンの削減を目指す", "tCO2e"),
        ("同年3万トンのクレジットを発行した", "tCO2e"),
    ],
)
def test_a_bare_year_word_before_an_amount_makes_it_yearly(text: str, unit: str) -> None:
    assert [fact[2] for fact in _facts(text)] == [unit]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("The 12 projects selected are expected to reduce 90,000 tCO2e in total.", "The projects selected:",
         "• 3 MW rooftop solar at a food plant (A Ltd., 2,310 tCO2/year)\n"
         "• 9 MW hydro (B Ltd., 14,200 tCO2/year)"),
        ("採択案件による累積削減量は約9万トンが見込まれる。", "採択された案件は以下のとおり。",
         "・食品工場への3MW屋根置き太陽光発電(A社、2,310トンCO2/年)\n・9MW小水力発電(B社、14,200トンCO2/年)"),
        ("โครงการที่ได้รับคัดเลือกคาดว่าจะลดการปล่อยรวม 90,000 ตัน", "รายชื่อโครงการ:",
         "• โซลาร์บนหลังคา 3 MW (บริษัท A, 2,310 tCO2/ปี)\n• ไฟฟ้าพลังน้ำ 9 MW (บริษัท B, 14,200 tCO2/ปี)"),
    ],
)
def test_yearly_tonnes_each_item_lists_are_reductions_in_a_document_on_reductions(paragraphs: tuple) -> None:
    yearly = [fact for fact in _facts(*paragraphs) if fact[2] == "tCO2e/yr"]
    assert yearly == [("emission_reduction", 2310, "tCO2e/yr"), ("emission_reduction", 14200, "tCO2e/yr")]


def test_yearly_tonnes_listed_where_no_reduction_is_stated_stay_other() -> None:
    paragraphs = ("Plants of the region:", "• coal plant (A Ltd., 2,310 tCO2/year)")
    assert [fact[0] for fact in _facts(*paragraphs) if fact[2] == "tCO2e/yr"] == ["other"]
