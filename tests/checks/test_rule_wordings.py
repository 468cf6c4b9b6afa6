"""The sum and cumulative rules read totals and lifetimes however a sentence words them, in each language.

Each wording is tried twice: with a planted inconsistency, which must give exactly one warning of the
rule with the stated and the computed value, and with consistent numbers, which must give none.
"""
import pytest

from checks import run_checks
from tests.checks.text import facts_of

# Parts listed before a total that other words than "total" introduce; {total} is the stated total.
SUM_WORDINGS = {
    "en": [
        "The three plants reduce 1,000, 2,000 and 3,000 tCO2e per year; taken together, {total} tCO2e "
        "per year.",
        "Plant A cuts 1,000 tCO2e per year and plant B 2,000 tCO2e per year, for a combined {total} "
        "tCO2e per year.",
        "The sites cut 1,000, 2,000 and 3,000 tCO2e a year, {total} tCO2e a year in aggregate.",
        "The three boilers reduce 1,000, 2,000 and 3,000 tCO2e a year. Collectively, they reduce {total} "
        "tCO2e a year.",
        "The two chillers reduce 1,000 tCO2e and 2,000 tCO2e per year, altogether {total} tCO2e per year.",
    ],
    "ja": [
        "3件の事業の削減量は1,000トン、2,000トン、3,000トンで、合わせて年間{total}トンとなる。",
        "2件の事業はそれぞれ年間1,000トン、2,000トンを削減し、あわせて{total}トンとなる。",
        "A工場で1,000トン、B工場で2,000トンを削減し、計{total}トンとなる。",
        "3件の事業で年間1,000トン、2,000トン、3,000トン、合計で{total}トンの削減となる。",
        "各設備の削減量は1,000トン、2,000トン及び3,000トンで、総計は年間{total}トンである。",
    ],
    "th": [
        "โครงการทั้งสามลดได้ 1,000 2,000 และ 3,000 ตันต่อปี รวมกัน {total} ตันต่อปี",
        "โครงการแรกลดได้ 1,000 ตันต่อปี โครงการที่สองลดได้ 2,000 ตันต่อปี รวมแล้ว {total} ตันต่อปี",
        "ลดการปล่อยได้ปีละ 1,000 ตัน และ 2,000 ตัน รวมทั้งสิ้นปีละ {total} ตัน",
        "สามโรงงานลดการปล่อยได้ 1,000, 2,000 และ 3,000 ตัน รวมทั้งสิ้นปีละ {total} ตัน",
    ],
}

# An annual amount and an amount over a lifetime, useful life or crediting period; {total} is the latter.
CUMULATIVE_WORDINGS = {
    "en": [
        ("The boiler reduces 1,200 tCO2e per year, or {total} tCO2e over its 15-year lifetime.", 18000),
        ("The line cuts 2,000 tCO2e a year, i.e. {total} tCO2e over the 10-year crediting period.", 20000),
        ("Over the 10-year crediting period, the plant cuts {total} tCO2e, or 2,000 tCO2e a year.", 20000),
        ("The fleet is expected to reduce 1,000 tCO2e annually for 10 years, {total} tCO2e in total.", 10000),
    ],
    "ja": [
        ("年間削減量は1,200tCO2で、法定耐用年数17年間で{total}tCO2の削減を見込む。", 20400),
        ("本設備の耐用年数は15年で、期間中の削減量は累計{total}トン、年間2,000トンである。", 30000),
        ("年間削減量は2,000トン、クレジット期間10年間で累計{total}トンの削減となる。", 20000),
        ("事業期間中に年間800トンを削減し、10年間の期間中に合計{total}トンを削減する。", 8000),
    ],
    "th": [
        ("ลดการปล่อย 1,200 tCO2e ต่อปี ตลอดอายุการใช้งาน 15 ปี รวม {total} tCO2e", 18000),
        ("โครงการลดก๊าซเรือนกระจกได้ 500 ตันต่อปี อายุโครงการ 20 ปี รวมทั้งสิ้น {total} ตัน", 10000),
        ("ตลอดระยะเวลาโครงการ 10 ปี ลดการปล่อยก๊าซเรือนกระจกได้ {total} ตัน หรือ 2,000 ตันต่อปี", 20000),
    ],
}


def _cases(wordings: dict) -> list:
    return [pytest.param(language, wording, id=f"{language}{index}")
            for language, items in wordings.items() for index, wording in enumerate(items)]


def _sum_of(wording: str) -> int:
    """The parts' sum: 3,000 when the wording lists 1,000 and 2,000, 6,000 when it adds 3,000."""
    return 6000 if "3,000" in wording else 3000


@pytest.mark.parametrize(("language", "wording"), _cases(SUM_WORDINGS))
def test_parts_against_a_total_other_words_introduce(language, wording):
    parts = _sum_of(wording)
    [warning] = run_checks(facts_of(wording.format(total=f"{parts + 500:,}")))
    assert warning.rule == "sum_of_parts"
    assert (warning.expected, warning.found) == (parts + 500, parts)
    assert run_checks(facts_of(wording.format(total=f"{parts:,}"))) == []


@pytest.mark.parametrize(("language", "case"), _cases(CUMULATIVE_WORDINGS))
def test_amount_over_a_lifetime_against_annual_times_years(language, case):
    wording, product = case
    [warning] = run_checks(facts_of(wording.format(total=f"{product + 1000:,}")))
    assert warning.rule == "annual_times_years"
    assert (warning.expected, warning.found) == (product + 1000, product)
    assert run_checks(facts_of(wording.format(total=f"{product:,}"))) == []


@pytest.mark.parametrize(
    "sentence",
    [
        "The heater reduces 1,200 tCO2e a year; the useful life of the heater is 15 years.",
        "The project achieves annual reductions of 1,200 tCO2e over a 10-year crediting period.",
        "The kiln has operated for over 15 years and reduces 1,200 tCO2e.",
        "Over the 1-year monitoring period, 1,150 tCO2e were reduced against 1,200 tCO2e per year expected.",
        "年間削減量は1,200tCO2、法定耐用年数は17年である。",
        "年間1,200トンのCO2を17年間にわたり削減する。",
        "ลดการปล่อยปีละ 1,200 ตัน อายุโครงการ 15 ปี",
    ],
)
def test_a_stated_life_alone_makes_no_amount_cumulative(sentence):
    """A lifetime beside an annual amount, an "over" meaning "more than", or a monitoring period: no amount
    is read as stated over those years, and nothing is compared."""
    facts = facts_of(sentence)
    assert not [f for f in facts if (f.period or "").startswith("P")]
    assert run_checks(facts) == []


# Two annual amounts and their total over a lifetime: the total is read against their sum.
LIFETIME_TOTALS = {
    "en": "Pump A cuts 1,000 tCO2e a year and pump B 2,000 tCO2e a year; together, they cut {total} tCO2e "
          "over their 15-year lifetimes.",
    "ja": "A設備は年間1,000トン、B設備は年間2,000トンを削減し、15年間で合計{total}トンとなる。",
    "th": "เครื่อง ก ลดได้ 1,000 ตันต่อปี เครื่อง ข ลดได้ 2,000 ตันต่อปี ตลอดอายุการใช้งาน 15 ปี รวม {total} ตัน",
}


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_a_total_over_a_lifetime_is_read_against_the_annual_amounts_it_sums(language):
    [warning] = run_checks(facts_of(LIFETIME_TOTALS[language].format(total="50,000")))
    assert warning.rule == "annual_times_years" and (warning.expected, warning.found) == (50000, 45000)
    assert run_checks(facts_of(LIFETIME_TOTALS[language].format(total="45,000"))) == []


def test_a_total_over_a_lifetime_sums_no_amounts_of_single_years():
    facts = facts_of("The plant cut 1,000 tCO2e and 2,000 tCO2e in its first two years. Over its 15-year "
                     "lifetime, it will cut 45,000 tCO2e in total.")
    assert [f.period for f in facts if f.is_total] == ["P15Y"]
    assert run_checks(facts) == []


# A total word that belongs to another number (the months a monitoring period lasted), and a total that
# is a bound: neither is a sum of the items before it.
NOT_A_SUM = {
    "en": "Credits of 300 tCO2 (for a total of about 15 months of monitoring) were issued, and the "
          "Government of Japan received 150 tCO2.",
    "ja": "発行量は300トン(モニタリング期間の合計約15カ月分)で、日本政府はそのうち150トンを獲得した。",
    "th": "มีการออกเครดิต 300 ตัน (รวมระยะเวลาติดตามผลประมาณ 15 เดือน) โดยรัฐบาลญี่ปุ่นได้รับ 150 ตัน",
}
BOUND = {
    "en": "The plant has 7.5 MW of solar panels and 11.6 MW of gensets; its goal is a minimum of 21 MW "
          "in total.",
    "ja": "太陽光7.5MWと発電機11.6MWを設置した。目標は合計で最低21MWである。",
    "th": "ติดตั้งโซลาร์ 7.5 เมกะวัตต์ และเครื่องกำเนิดไฟฟ้า 11.6 เมกะวัตต์ เป้าหมายรวมอย่างน้อย 21 เมกะวัตต์",
}


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_a_total_word_of_another_number_makes_no_total(language):
    facts = facts_of(NOT_A_SUM[language])
    shares = [f for f in facts if f.value == 150]
    assert [(f.kind, f.subject, f.is_total) for f in shares] == [("credits_issued", "Japan", False)]
    assert run_checks(facts) == []


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_a_bound_is_no_sum_to_check_the_items_against(language):
    facts = facts_of(BOUND[language])
    assert sorted(f.value for f in facts if f.kind == "capacity") == [7500, 11600, 21000]
    assert run_checks(facts) == []


# Credits split between the sides, the split stated later in the clause or the side named after the share.
CREDIT_SPLITS = [
    "A total of 420 credits were issued, of which 210 went to the Government of Japan and 220 to Mongolia.",
    "Of the 420 tCO2 of credits issued, the Japanese government received 210 tCO2 and the partner country "
    "220 tCO2.",
    "発行されたクレジット420トンのうち、日本政府に210トン、モンゴル政府に220トンが配分された。",
    "มีการออกคาร์บอนเครดิต 420 ตัน โดยรัฐบาลญี่ปุ่นได้รับ 210 ตัน และมองโกเลียได้รับ 220 ตัน",
]


@pytest.mark.parametrize("sentence", CREDIT_SPLITS)
def test_shares_of_credits_that_do_not_add_up_are_found(sentence):
    [warning] = run_checks(facts_of(sentence))
    assert (warning.rule, warning.expected, warning.found) == ("credit_shares", 420, 430)
    japan = [f for f in warning.facts if f.subject == "Japan"]
    assert [f.value for f in japan] == [210]


@pytest.mark.parametrize("sentence", CREDIT_SPLITS)
def test_shares_of_credits_that_add_up_raise_nothing(sentence):
    assert run_checks(facts_of(sentence.replace("220", "210"))) == []
