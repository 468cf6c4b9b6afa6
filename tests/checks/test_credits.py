import pytest

from checks import run_checks
from tests.checks.text import facts_of

TEXTS = {
    "en": "Credits issued: 1,000 tCO2e, of which {japan} tCO2e to Japan and 400 tCO2e to Thailand.",
    "th": "เครดิตที่ออกทั้งหมด 1,000 tCO2e แบ่งให้ญี่ปุ่น {japan} tCO2e และไทย 400 tCO2e",
    "ja": "発行されたクレジット1,000 tCO2のうち、日本側に{japan} tCO2、タイ側に400 tCO2を配分した。",
}


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_more_credits_shared_than_issued_are_an_error(language):
    [warning] = run_checks(facts_of(TEXTS[language].format(japan="700")))
    assert warning.rule == "credit_shares" and warning.severity == "error"
    assert (warning.expected, warning.found) == (1000, 1100)


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_fewer_credits_shared_than_issued_are_only_noted(language):
    """The governments' shares need not add up to the issuance: project participants get the rest."""
    [warning] = run_checks(facts_of(TEXTS[language].format(japan="500")))
    assert (warning.rule, warning.severity) == ("credit_shares", "info")
    assert (warning.expected, warning.found) == (1000, 900)
    assert "project participants" in warning.message


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_credit_shares_adding_up_raise_nothing(language):
    assert run_checks(facts_of(TEXTS[language].format(japan="600"))) == []
