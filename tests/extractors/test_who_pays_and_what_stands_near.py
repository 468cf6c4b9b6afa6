"""Amounts named by what follows them or by who pays, and numbers that belong to something other than the
project: a neighbouring plant, an eligibility threshold, a host government's share, a country's
inventory, a share of credits rather than of a cost."""
import pytest

from tests.checks.text import facts_of


def _facts(text: str) -> list[tuple[str, float, str]]:
    return [(fact.kind, fact.value, fact.unit) for fact in facts_of(text)]


@pytest.mark.parametrize(
    "text",
    [
        "事業者には初期投資額の一部として、国が最大40%の補助金を交付する。",
        "国から最大40%の助成を受けて設備を導入した。",
    ],
)
def test_a_japanese_percent_before_no_names_the_subsidy_it_is(text: str) -> None:
    assert ("subsidy_share", 40.0, "%") in _facts(text)


def test_a_japanese_base_before_the_percent_still_names_the_base() -> None:
    text = "補助率は事業費の40%を上限とする。"
    assert _facts(text) == [("subsidy_share", 40.0, "%")]


@pytest.mark.parametrize(
    "text",
    [
        "政府は先進国の支援を受けて、さらに12%の削減を目指す。",
        "With support from abroad, the government aims to reduce emissions by a further 12%.",
        "ด้วยการสนับสนุนจากต่างประเทศ รัฐบาลตั้งเป้าลดการปล่อยเพิ่มอีก 12%",
    ],
)
def test_a_percent_of_reduction_is_no_subsidy_share(text: str) -> None:
    assert [fact for fact in _facts(text) if fact[2] == "%"] == []


@pytest.mark.parametrize(
    "text",
    [
        "発行されたクレジットのうち2分の1以上を日本政府に移転する。",
        "โครงการต้องโอนเครดิตที่ได้รับอย่างน้อย 50% ให้รัฐบาลญี่ปุ่น ตามเงื่อนไขเงินอุดหนุน",
    ],
)
def test_a_share_of_the_credits_is_no_subsidy_share(text: str) -> None:
    shares = [fact for fact in _facts(text) if fact[2] == "%"]
    assert shares == [("other", 50.0, "%")]


def test_a_plant_worth_an_amount_costs_about_that() -> None:
    [fact] = facts_of("The city will build a biogas plant worth $12.4 million with Japanese support.")
    assert (fact.kind, fact.value, fact.unit, fact.qualifier) == ("project_cost", 12_400_000, "USD", "approx")


@pytest.mark.parametrize(
    "text",
    [
        "Japan's Ministry of the Environment will contribute $5.1 million to the digester.",
        "Under the deal, MOEJ contributes US$5.1 million towards the plant.",
    ],
)
def test_japan_contributing_an_amount_to_a_project_is_its_subsidy(text: str) -> None:
    assert _facts(text) == [("subsidy_amount", 5_100_000, "USD")]


def test_a_contribution_to_goals_is_no_amount() -> None:
    text = "Japan will contribute to the NDC, which aims at a 30% cut by 2030."
    assert [fact for fact in _facts(text) if fact[0].startswith("subsidy")] == []


@pytest.mark.parametrize(
    "text",
    [
        "ADB lends $30 million, with $3.0 million from the Japan Fund for the JCM, and $2.2 million from "
        "the government of Viet Nam.",
        "ADB lends $30 million, with $3.0 million from the Japan Fund for the JCM, and $2.2 million from "
        "the host government.",
    ],
)
def test_the_host_governments_share_after_a_jfjcm_item_is_not_japans(text: str) -> None:
    subsidies = [fact for fact in _facts(text) if fact[0] == "subsidy_amount"]
    assert subsidies == [("subsidy_amount", 3_000_000, "USD")]


@pytest.mark.parametrize(
    ("text", "project"),
    [
        ("The 3 MW solar plant feeds a grid shared with the neighbouring 8 MW hydro station.", 3000),
        ("太陽光発電所(出力3MW)は、近隣の8MWの水力発電所と同じ系統に接続する。", 3000),
        ("โรงไฟฟ้าแสงอาทิตย์ขนาด 3 เมกะวัตต์ เชื่อมกับระบบเดียวกับโรงไฟฟ้าพลังน้ำใกล้เคียง 8 เมกะวัตต์", 3000),
    ],
)
def test_a_neighbouring_plant_is_not_the_projects_capacity(text: str, project: float) -> None:
    assert [fact for fact in _facts(text) if fact[0] == "capacity"] == [("capacity", project, "kW")]


@pytest.mark.parametrize(
    "text",
    [
        "The plant meets the methodology's eligibility criteria (an output equal to or above 500 kW).",
        "方法論の適格要件として、出力500kW以上の設備であること。",
        "ตามเกณฑ์ของระเบียบวิธี กำลังผลิตต้องไม่น้อยกว่า 500 กิโลวัตต์",
    ],
)
def test_an_eligibility_threshold_is_no_capacity(text: str) -> None:
    assert [fact for fact in _facts(text) if fact[0] == "capacity"] == []


@pytest.mark.parametrize(
    "text",
    [
        "Total GHG emissions (0.9 million tons) come mostly from energy.",
        "The national greenhouse gas inventory records 0.9 million tCO2e for 2015.",
    ],
)
def test_a_countrys_inventory_is_no_fact(text: str) -> None:
    assert [fact for fact in _facts(text) if fact[2].startswith("tCO2e")] == []


def test_total_emission_reductions_are_still_reductions() -> None:
    text = "Total GHG emission reductions reach 45,000 tCO2e per year."
    assert ("emission_reduction", 45_000, "tCO2e/yr") in _facts(text)


@pytest.mark.parametrize(
    "text",
    [
        "The fund approved $20 million, including $4.0 from the Japan Fund for the JCM.",
        "The total project cost is USD 56 as shown on the slide.",
    ],
)
def test_an_amount_that_lost_its_scale_word_is_no_cost_subsidy_or_budget(text: str) -> None:
    small = [fact for fact in _facts(text) if fact[2] == "USD" and fact[1] < 1000]
    assert small == []


def test_a_small_amount_with_its_scale_word_is_kept() -> None:
    assert _facts("The JFJCM grant was $4.0 million.") == [("subsidy_amount", 4_000_000, "USD")]


@pytest.mark.parametrize(
    "text",
    [
        "ADB said it will provide a $700,000 grant for training the ministry's staff.",
        "In 2019, the Asian Development Bank agreed to provide $21.5m grant to improve water supply.",
    ],
)
def test_the_development_banks_own_grant_is_not_japans(text: str) -> None:
    assert [fact for fact in _facts(text) if fact[0] == "subsidy_amount"] == []


@pytest.mark.parametrize(
    "text",
    [
        "ADB will provide a $7 million grant from the Japan Fund for the Joint Crediting Mechanism.",
        "The Japan Fund for the JCM will provide a $7m grant for the plant.",
    ],
)
def test_a_grant_from_the_jfjcm_is_a_subsidy_whoever_hands_it_over(text: str) -> None:
    assert _facts(text) == [("subsidy_amount", 7_000_000, "USD")]


def test_the_thai_word_for_budget_does_not_make_its_amount_approximate() -> None:
    [fact] = facts_of("โครงการติดตั้งระบบผลิตไอน้ำ ด้วยงบประมาณ 38 ล้านบาท")
    assert (fact.kind, fact.value, fact.unit, fact.qualifier) == ("budget", 38_000_000, "THB", "exact")


def test_a_thai_approximate_amount_is_still_approximate() -> None:
    [fact] = facts_of("มูลค่าโครงการประมาณ 38 ล้านบาท")
    assert (fact.kind, fact.qualifier) == ("project_cost", "approx")


@pytest.mark.parametrize(
    "text",
    [
        "The programme covers up to half of the initial investment, with a maximum of JPY 1.5 billion per "
        "project.",
        "เงินอุดหนุนไม่เกิน 45 ล้านบาทต่อโครงการ",
    ],
)
def test_a_cap_per_project_is_a_subsidy_amount(text: str) -> None:
    assert [fact[0] for fact in _facts(text) if fact[2] in ("JPY", "THB")] == ["subsidy_amount"]


def test_a_price_per_unit_is_still_no_amount() -> None:
    assert _facts("Credits changed hands at USD 6 per tCO2 in the pilot.") == []


@pytest.mark.parametrize(
    "text",
    [
        "The budget for the programme is 7.2 billion JPY (approx. USD 65 million) in total.",
        "本事業の予算は65百万米ドル(約72億円)である。",
    ],
)
def test_an_amount_in_another_currency_in_brackets_is_the_same_amount(text: str) -> None:
    assert {fact[0] for fact in _facts(text)} == {"budget"}


@pytest.mark.parametrize(
    ("text", "kind", "unit"),
    [
        ("The three plants are expected to eliminate about 0.9 million tons of greenhouse gas.",
         "emission_reduction", "tCO2e"),
        ("The company expects to eliminate 12,300t of greenhouse gas per year.", "emission_reduction",
         "tCO2e/yr"),
        ("equal to offsetting 9,870 tons of CO2 emissions", "emission_reduction", "tCO2e"),
        ("Reference CO2 emissions: 2,048.5 [tCO2/year]", "reference_emissions", "tCO2e/yr"),
        ("Project GHG emissions: 1,210.4 [tCO2/year]", "project_emissions", "tCO2e/yr"),
    ],
)
def test_more_ways_to_name_reductions_and_emissions(text: str, kind: str, unit: str) -> None:
    assert [(fact[0], fact[2]) for fact in _facts(text)] == [(kind, unit)]


def test_project_emissions_after_a_number_do_not_count_projects() -> None:
    assert _facts("RE = EG x EF = 12,034 Project Emissions = EG_aux x EF = 188") == []


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("「3.2億円」規模で実現可能性調査を支援 公募を開始", "本事業の予算規模は3.2億円を上限とする。"),
        ("JPY 320 million to support feasibility studies abroad", "Budget: JPY 320 million in total."),
    ],
)
def test_a_sum_stated_again_takes_the_kind_its_outright_statement_gives(paragraphs: tuple) -> None:
    assert {fact[0] for fact in _facts("\n\n".join(paragraphs)) if fact[2] == "JPY"} == {"budget"}


def test_two_sums_named_outright_otherwise_keep_their_kinds() -> None:
    text = "The project cost is JPY 320 million. The subsidy is JPY 320 million as well."
    assert sorted(fact[0] for fact in _facts(text)) == ["project_cost", "subsidy_amount"]


def test_the_ministry_funding_an_amount_subsidises_and_the_ifc_does_not() -> None:
    text = ("The investment is about US$40 million, of which the Japanese Ministry of the Environment funded "
            "$12 million and the International Finance Corporation $20 million.")
    subsidies = [fact for fact in _facts(text) if fact[0] == "subsidy_amount"]
    assert subsidies == [("subsidy_amount", 12_000_000, "USD")]


def test_a_programmes_yearly_funding_is_its_budget() -> None:
    text = "The programme receives annual funding of 90 million dollars."
    assert ("budget", 90_000_000, "USD") in _facts(text)


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("The plant supplies 2.4 gigawatt hours of clean electricity per year.", "MWh/yr"),
        ("焼却により年間約3,100二酸化炭素トンの排出を削減する。", "tCO2e/yr"),
    ],
)
def test_yearly_amounts_written_with_an_adjective_or_a_japanese_co2_tonne(text: str, unit: str) -> None:
    assert [fact[2] for fact in _facts(text)] == [unit]


def test_tonnes_of_waste_in_a_day_are_no_co2() -> None:
    assert _facts("市内では一日約2,100トンの廃棄物が排出されている。") == []


def test_a_date_on_the_first_is_no_day_rate() -> None:
    assert _facts("4月1日に3,000トンのクレジットが発行された。") == [("credits_issued", 3000, "tCO2e")]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("The rice husk plant will generate more than 9 million kilowatts annually.", 9000),
        ("The surplus adds up to around 8,400,000 kilowatts a year.", 8400),
        ("この発電所は年間8,400,000kw/時の電力を生産できる。", 8400),
    ],
)
def test_power_stated_over_a_year_is_the_energy_meant(text: str, value: float) -> None:
    assert _facts(text) == [("energy", value, "MWh/yr")]


def test_power_per_unit_or_a_year_round_plant_stays_power() -> None:
    assert _facts("The 5 MW plant runs all year, with 2 MW per unit.") == [
        ("capacity", 5000, "kW"), ("capacity", 2000, "kW")]


def test_tonnes_of_carbon_dioxide_with_its_formula_in_brackets_per_year() -> None:
    text = "It will reduce emissions by about 41,000 ton carbon dioxide (CO2) equivalent per year."
    assert _facts(text) == [("emission_reduction", 41_000, "tCO2e/yr")]


@pytest.mark.parametrize(
    ("text", "fact"),
    [
        ("郊外の12.5㎿の太陽光発電所が稼働を始めた。", ("capacity", 12_500, "kW")),
        ("屋上に800㎾の太陽光パネルを設置した。", ("capacity", 800, "kW")),
        ("この事業により年間9,120トン/二酸化炭素を削減する。", ("emission_reduction", 9120, "tCO2e/yr")),
    ],
)
def test_japanese_unit_signs_and_tonnes_over_co2(text: str, fact: tuple) -> None:
    assert _facts(text) == [fact]


@pytest.mark.parametrize(
    "text",
    [
        "The bank said $30.5m of the package will be from the Asian Development Fund and $400,000 is "
        "from the Climate Change Fund grant.",
        "The Asian Development Bank (ADB) has approved a $40.5m financing package to support solar projects.",
        "Clean Technology Fund US$ 4.00 million",
    ],
)
def test_the_development_banks_funds_and_packages_are_not_japans(text: str) -> None:
    assert [fact for fact in _facts(text) if fact[0] == "subsidy_amount"] == []


@pytest.mark.parametrize(
    "text",
    [
        "Note: RT is a refrigeration ton, 1RT=3.5169kW.",
        "(※ USRtは米国冷凍トン。1USRt:3.5163kW)",
        "JCM PDD Form 1 JCM Project Design Document for the chiller",
    ],
)
def test_a_units_conversion_and_a_forms_title_are_no_facts(text: str) -> None:
    assert _facts(text) == []
