"""The rules reading text in each language: a sentence that should warn and one that should not."""
import pytest

from checks import run_checks
from tests.checks.text import facts_of

LANGUAGES = ["en", "th", "ja"]

REDUCTIONS = {
    "en": "Reference emissions are 8,000 tCO2e per year, project emissions 5,000 tCO2e per year and "
          "emission reductions {reduction} tCO2e per year.",
    "th": "ปริมาณการปล่อยก๊าซเรือนกระจกอ้างอิง 8,000 tCO2e ต่อปี ปริมาณการปล่อยก๊าซเรือนกระจกจากโครงการ "
          "5,000 tCO2e ต่อปี ปริมาณการลดการปล่อยก๊าซเรือนกระจก {reduction} tCO2e ต่อปี",
    "ja": "参照排出量は8,000 tCO2/年、プロジェクト排出量は5,000 tCO2/年、"
          "排出削減量は{reduction} tCO2/年である。",
}
SHARES = {
    "en": "The total project cost is THB 100 million, of which the JCM subsidy is THB 40 million "
          "(a subsidy rate of {rate}).",
    "th": "มูลค่าโครงการ 100 ล้านบาท เงินสนับสนุน 40 ล้านบาท (อัตราการสนับสนุน {rate})",
    "ja": "総事業費は1億円で、JCM設備補助金は4,000万円(補助率{rate})である。",
}
CAPS = {
    "en": "The total project cost is THB 100 million and the JCM subsidy is THB {subsidy} million.",
    "th": "มูลค่าโครงการ 100 ล้านบาท เงินสนับสนุน {subsidy} ล้านบาท",
    "ja": "総事業費は1億円で、JCM設備補助金は{subsidy}00万円である。",
}
LISTS = {
    "en": ["The selected projects are:", "1. Boiler project in Chiang Mai, reducing 1,050 tCO2e per year",
           "2. Solar project in Bangkok, reducing 2,300 tCO2e per year",
           "In total, the projects reduce {total} tCO2e per year."],
    "th": ["โครงการที่ได้รับการคัดเลือกมีดังนี้",
           "๑. โครงการติดตั้งหม้อไอน้ำที่เชียงใหม่ ลดการปล่อยก๊าซเรือนกระจกได้ 1,050 ตันต่อปี",
           "๒. โครงการพลังงานแสงอาทิตย์ที่กรุงเทพ ลดการปล่อยก๊าซเรือนกระจกได้ 2,300 ตันต่อปี",
           "รวมลดการปล่อยก๊าซเรือนกระจก {total} ตันต่อปี"],
    "ja": ["採択案件は以下のとおり。", "1. チェンマイのボイラ事業:年間1,050 tCO2削減",
           "2. バンコクの太陽光事業:年間2,300 tCO2削減", "合計で年間{total} tCO2を削減する。"],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_reference_minus_project(language):
    [warning] = run_checks(facts_of(REDUCTIONS[language].format(reduction="2,700")))
    assert warning.rule == "reference_minus_project" and warning.found == 3000
    assert run_checks(facts_of(REDUCTIONS[language].format(reduction="3,000"))) == []


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("rate", "consistent"), [("45%", False), ("40%", True), ("1/2", False)])
def test_stated_share_in_any_notation(language, rate, consistent):
    if language == "ja" and rate == "1/2":
        rate = "2分の1"
    warnings = run_checks(facts_of(SHARES[language].format(rate=rate)))
    assert [w.rule for w in warnings] == ([] if consistent else ["stated_share"])


@pytest.mark.parametrize("language", LANGUAGES)
def test_programme_cap(language):
    [warning] = run_checks(facts_of(CAPS[language].format(subsidy="60")))
    assert warning.rule == "programme_cap" and (warning.expected, warning.found) == (50, 60)
    assert run_checks(facts_of(CAPS[language].format(subsidy="50"))) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_sum_of_listed_items(language):
    lines = LISTS[language]
    [warning] = run_checks(facts_of(*lines[:-1], lines[-1].format(total="3,450")))
    assert warning.rule == "sum_of_parts" and (warning.expected, warning.found) == (3450, 3350)
    assert run_checks(facts_of(*lines[:-1], lines[-1].format(total="3,350"))) == []
