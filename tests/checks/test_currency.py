import pytest

from checks import run_checks
from tests.checks.text import facts_of

TEXTS = {
    "en": "The project cost is JPY 110 million (about USD {usd} million at 1 USD = 110 JPY).",
    "th": "มูลค่าโครงการ 35 ล้านบาท (ประมาณ {usd} ล้านดอลลาร์สหรัฐ ที่อัตรา 1 ดอลลาร์สหรัฐ = 35 บาท)",
    "ja": "総事業費は1億1,000万円(約{usd}万米ドル、1米ドル=110円で換算)である。",
}
WRONG = {"en": "1.5", "th": "1.5", "ja": "150"}
RIGHT = {"en": "1.0", "th": "1", "ja": "100"}


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_a_conversion_that_does_not_follow_from_the_stated_rate_is_flagged(language):
    [warning] = run_checks(facts_of(TEXTS[language].format(usd=WRONG[language])))
    assert warning.rule == "currency_conversion" and warning.severity == "warning"
    assert (warning.expected, warning.found) == (1_500_000, 1_000_000)
    assert "1 USD" in warning.message


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_a_conversion_at_the_stated_rate_raises_nothing(language):
    assert run_checks(facts_of(TEXTS[language].format(usd=RIGHT[language]))) == []


def test_an_exchange_rate_fact_is_used_as_stated():
    # Facts built directly: the rate as the fact contract states it, JPY per USD.
    from tests.checks.test_sums import fact

    cost = fact(300e6, 10, kind="project_cost", unit="JPY")
    converted = fact(2.5e6, 25, kind="project_cost", unit="USD", qualifier="approx")
    rate = fact(150, 60, kind="exchange_rate", unit="JPY/USD")
    [warning] = run_checks([cost, converted, rate])
    assert (warning.expected, warning.found) == (2_500_000, 2_000_000)
    assert run_checks([cost, converted.model_copy(update={"value": 2e6}), rate]) == []
