"""A figure printed once with a decimal point and once with a thousands separator, in the three languages."""
import pytest

from checks import run_checks
from tests.checks.text import facts_of

MISPRINTED = {
    "en": (
        "The new looms would save 3.412 MWh of electricity a year.",
        "The reduction is 3,412 MWh x 0.5 tCO2/MWh = 1,706 tCO2 per year.",
    ),
    "ja": (
        "新型織機により年間3.412MWhの電力を削減する。",
        "削減量は3,412MWh×0.5tCO2/MWh=1,706tCO2/年となる。",
    ),
    "th": (
        "เครื่องทอใหม่ช่วยประหยัดไฟฟ้าได้ 3.412 เมกะวัตต์ชั่วโมงต่อปี",
        "ปริมาณที่ประหยัดได้ 3,412 เมกะวัตต์ชั่วโมงต่อปี",
    ),
}


@pytest.mark.parametrize("language", sorted(MISPRINTED))
def test_a_decimal_point_where_a_separator_was_meant_is_warned(language: str) -> None:
    warnings = [w for w in run_checks(facts_of(*MISPRINTED[language])) if w.rule == "separator_typo"]
    assert len(warnings) == 1
    assert warnings[0].severity == "warning"
    assert sorted(f.value for f in warnings[0].facts) == [3.412, 3412]


@pytest.mark.parametrize(
    "paragraphs",
    [
        ("The plant is 1.5 MW, that is 1,500 kW.",),
        ("The savings reach 2,265 kWh a year, or 2.265 MWh.",),
        ("The subsidy is JPY 1.2 billion.", "A further JPY 1,200 million comes from the sponsor."),
        ("The plant saves 3.412 MWh a year.", "It cut 3,412 tCO2 over its life."),
        ("The plant saves 3.41 MWh a year.", "It saves 3,410 MWh over its life."),
    ],
)
def test_the_same_amount_in_two_units_or_two_kinds_is_no_misprint(paragraphs: tuple[str, ...]) -> None:
    assert [w for w in run_checks(facts_of(*paragraphs)) if w.rule == "separator_typo"] == []
