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
