import pytest

from checks import run_checks
from tests.checks.text import facts_of

TEXTS = {
    "en": "The project cuts 3,000 tCO2e per year over a crediting period of 10 years, {total} tCO2e in all.",
    "th": "โครงการลดการปล่อยก๊าซเรือนกระจก 3,000 tCO2e ต่อปี ระยะเวลาการให้เครดิต 10 ปี รวม {total} tCO2e",
    "ja": "本事業は年間3,000 tCO2を削減する。クレジット期間は10年間である。累計削減量は{total} tCO2となる。",
}


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_cumulative_amount_that_is_not_annual_times_years_is_an_error(language):
    [warning] = run_checks(facts_of(TEXTS[language].format(total="35,000")))
    assert warning.rule == "annual_times_years" and warning.severity == "error"
    assert (warning.expected, warning.found) == (35000, 30000)
    assert "over 10 years" in warning.message


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_cumulative_amount_within_rounding_raises_nothing(language):
    assert run_checks(facts_of(TEXTS[language].format(total="30,000"))) == []
