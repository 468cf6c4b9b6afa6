"""Units stated once for many amounts: "same below" after the first, the last item of a per-year list,
and tables that a web page left as one cell per line, in English, Japanese and Thai. Also a subsidy cap
after a subsidy rate, and a cue after "and" that opens the next item."""
import pytest

from tests.checks.text import facts_of


def _facts(*paragraphs: str) -> list[tuple[str, float, str]]:
    return [(fact.kind, fact.value, fact.unit) for fact in facts_of(*paragraphs)]


def _reductions(*paragraphs: str) -> list[tuple[float, str]]:
    return [(value, unit) for kind, value, unit in _facts(*paragraphs) if kind == "emission_reduction"]


@pytest.mark.parametrize(
    "text",
    [
        "選定案件は、ケニアの「2MW太陽光発電」(A社、想定削減量:年間1500t=以下同)、ラオスの「高効率変圧器」"
        "(B社、420t)、チリの「地熱発電」(C社、8800t)である。",
        "The selected projects are a 2 MW solar plant in Kenya (A Ltd., expected reductions 1,500 tCO2e per "
        "year, hereinafter the same), transformers in Laos (B Ltd., 420 tCO2e) and a geothermal plant in "
        "Chile (C Ltd., 8,800 tCO2e).",
        "โครงการที่ได้รับคัดเลือก ได้แก่ โซลาร์ในเคนยา (ลดได้ 1,500 ตันต่อปี ต่อไปนี้เช่นเดียวกัน) "
        "หม้อแปลงในลาว (420 ตัน) และความร้อนใต้พิภพในชิลี (8,800 ตัน)",
    ],
)
def test_a_unit_said_to_hold_below_makes_the_later_amounts_per_year(text: str) -> None:
    assert _reductions(text) == [(1500, "tCO2e/yr"), (420, "tCO2e/yr"), (8800, "tCO2e/yr")]


def test_without_same_below_the_later_amounts_keep_their_own_unit() -> None:
    text = (
        "The selected projects are a 2 MW solar plant in Kenya (expected reductions 1,500 tCO2e per year), "
        "transformers in Laos (420 tCO2e) and a geothermal plant in Chile (8,800 tCO2e)."
    )
    assert _reductions(text) == [(1500, "tCO2e/yr"), (420, "tCO2e"), (8800, "tCO2e")]


@pytest.mark.parametrize(
    "text",
    [
        "支援を得て設備を導入する。各事業の想定削減量は(1)が最も多く12,400tCO2/年、(2)は730、(3)は1,950、"
        "(4)6,310tと見込まれる。",
        "Expected reductions are 12,400 tCO2e per year at the first site, 730 tCO2e per year at the "
        "second, 1,950 tCO2e per year at the third and 6,310 tCO2e at the fourth.",
    ],
)
def test_the_last_item_of_a_per_year_list_restating_its_unit_is_per_year(text: str) -> None:
    assert _reductions(text) == [
        (12400, "tCO2e/yr"),
        (730, "tCO2e/yr"),
        (1950, "tCO2e/yr"),
        (6310, "tCO2e/yr"),
    ]


def test_an_amount_a_cumulative_word_sets_apart_is_not_made_per_year() -> None:
    text = "Expected reductions are 1,000 tCO2e per year and 2,000 tCO2e per year, 45,000 tCO2e cumulative."
    assert (45000, "tCO2e") in _reductions(text)


FLATTENED = {
    "en": (
        "The committee notified the amounts of credits to be issued for the projects below.",
        "Project title",
        "Notified amount",
        "of credits",
        "to be issued (tCO2eq)",
        "Share to Japan",
        "Heat pumps at a dairy plant",
        "01 Apr 2021 -\n\n31 Mar 2023",
        "(24 months)\n260 130",
        "Solar roofs at a garment factory",
        "410\n\n205",
    ),
    "ja": (
        "各案件のクレジット発行量は以下のとおり。",
        "案件名",
        "発行が決定された",
        "クレジット量",
        "(tCO2)",
        "うち日本政府の獲得分",
        "乳業工場へのヒートポンプ導入",
        "2021年4月1日~\n2023年3月31日",
        "260",
        "130",
        "縫製工場への屋根置き太陽光",
        "410",
        "205",
    ),
    "th": (
        "ปริมาณเครดิตที่จะออกให้แก่โครงการมีดังนี้",
        "ชื่อโครงการ",
        "ปริมาณเครดิต",
        "ที่จะออก (ตันคาร์บอนไดออกไซด์เทียบเท่า)",
        "ส่วนของญี่ปุ่น",
        "ปั๊มความร้อนในโรงงานนม",
        "260 130",
        "โซลาร์บนหลังคาโรงงานเสื้อผ้า",
        "410 205",
    ),
}


@pytest.mark.parametrize("language", sorted(FLATTENED))
def test_a_table_left_one_cell_per_line_reads_its_bare_numbers_with_the_header_unit(language: str) -> None:
    facts = _facts(*FLATTENED[language])
    credits = [(value, unit) for kind, value, unit in facts if kind == "credits_issued"]
    assert credits == [(260, "tCO2e"), (130, "tCO2e"), (410, "tCO2e"), (205, "tCO2e")]


def test_a_unit_word_in_a_title_line_is_no_header_and_a_page_number_below_is_no_fact() -> None:
    paragraphs = ("二国間クレジット制度資金支援事業について", "事業目的", "2", "我が国は途上国を支援する。")
    assert _facts(*paragraphs) == []


def test_a_sentence_ends_a_flattened_table() -> None:
    paragraphs = (
        "Amount of credits",
        "to be issued (tCO2eq)",
        "Heat pumps at a dairy plant",
        "260",
        "The Joint Committee met again in the following year to review the pipeline of candidate projects.",
        "3",
    )
    assert [value for _, value, _ in _facts(*paragraphs)] == [260]


def test_a_subsidy_cap_after_a_subsidy_rate_is_a_subsidy_amount() -> None:
    text = "政府はモデル事業(補助率最大50%・上限15億円)などで初期投資を支援する。"
    assert _facts(text) == [("subsidy_share", 50, "%"), ("subsidy_amount", 1.5e9, "JPY")]


@pytest.mark.parametrize(
    "text, unit",
    [
        (
            "โครงการที่ได้รับเงินสนับสนุนจากญี่ปุ่นมี 30 โครงการ คิดเป็นมูลค่า 2,100 ล้านบาท "
            "และการลงทุนร่วมมากกว่า 7,000 ล้านบาท",
            "THB",
        ),
        (
            "The grants for 30 projects came to USD 21 million and total investment to USD 70 million.",
            "USD",
        ),
    ],
)
def test_a_cue_after_and_names_the_next_amount_not_the_one_before(text: str, unit: str) -> None:
    money = [(kind, fact_unit) for kind, _, fact_unit in _facts(text) if fact_unit == unit]
    assert money == [("subsidy_amount", unit), ("project_cost", unit)]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("No. 国/代表事業者/案件名/想定削減量(tCO2/年)", "1.ケニア/A社/6MW小水力発電/16,528",
         "2.チリ/B社/3MW太陽光発電/4,100"),
        ("No. | Country | Project | Expected reductions (tCO2/year)", "1 | Kenya | 6 MW hydro | 16,528",
         "2 | Chile | 3 MW solar | 4,100"),
        ("ลำดับ/ประเทศ/โครงการ/ปริมาณการลดก๊าซ (tCO2/ปี)", "1/เคนยา/ไฟฟ้าพลังน้ำ 6 MW/16,528",
         "2/ชิลี/โซลาร์ 3 MW/4,100"),
    ],
)
def test_rows_split_by_slashes_or_bars_take_the_header_of_their_last_cell(paragraphs: tuple) -> None:
    assert _reductions(*paragraphs) == [(16_528, "tCO2e/yr"), (4_100, "tCO2e/yr")]


def test_a_row_split_otherwise_than_its_header_is_no_column_value() -> None:
    paragraphs = ("No. 国/案件名/想定削減量(tCO2/年)", "詳細/2024")
    assert _reductions(*paragraphs) == []
