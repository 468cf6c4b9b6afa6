"""A power or energy written in a unit that measures neither, in the three languages: the reviewer is told
what the text wrote and how it was read."""
import pytest

from checks import run_checks
from tests.checks.text import facts_of


def slips(*paragraphs: str) -> list:
    return [w for w in run_checks(facts_of(*paragraphs)) if w.rule == "unit_slip"]


@pytest.mark.parametrize(("paragraph", "written", "value"), [
    ("The new chiller saves 21.4 kW/h against the reference chiller.", "21.4 kW/h", 21.4),
    ("The rooftop plant, with a capacity of 3 MW/h, supplies the factory.", "3 MW/h", 3000),
    ("The biomass plant is expected to produce 9 million kilowatts annually.", "9 million kilowatts annually",
     9000),
    ("新設する発電所は年間1500万kw/時の電力を供給する。", "1500万kw/時", 15000),
    ("高効率冷凍機の導入でレファレンス機比12.6kW/時の省エネとなる。", "12.6kW/時", 0.0126),
    ("計画出力は約8MWで、年間の発電量は約11,250mWhを見込む。", "11,250mWh", 11250),
    ("โรงไฟฟ้าจะผลิตไฟฟ้าได้ 4,000,000 กิโลวัตต์ต่อชั่วโมงต่อปี", "4,000,000 กิโลวัตต์ต่อชั่วโมง", 4000),
])
def test_a_unit_that_measures_nothing_is_warned(paragraph: str, written: str, value: float) -> None:
    [warning] = slips(paragraph)
    assert warning.severity == "warning"
    assert written in warning.message
    assert [fact.value for fact in warning.facts] == [pytest.approx(value)]


def test_only_the_slipped_figure_of_a_sentence_is_named() -> None:
    [warning] = slips("The 16.4 MW plant will supply 2,300 kW/h to the grid.")
    assert [(fact.kind, fact.value) for fact in warning.facts] == [("capacity", 2300)]


def test_a_document_slipping_twice_gets_one_warning() -> None:
    [warning] = slips("The plant produces 30,100 kW/h a year.", "It feeds 23,000 kW/h to the grid each year.")
    assert sorted(fact.value for fact in warning.facts) == [23000, 30100]


@pytest.mark.parametrize("paragraph", [
    "The plant generates 14,182 MWh a year with 10 MW of panels.",
    "発電量は年間1,250MWh、出力は2,000kWである。",
    "ผลิตไฟฟ้าได้ 2,000,000 กิโลวัตต์ชั่วโมงต่อปี จากแผงขนาด 1.5 เมกะวัตต์",
    "The grid emission factor is 0.533 tCO2/MWh and the boiler makes 8 t/h of steam.",
    "The battery delivers 500 kWh/h at peak and stores 2 MWh.",
    "The chiller uses 120 kWh per hour less than before, 998 MWh/yr.",
])
def test_units_of_power_or_energy_are_no_slip(paragraph: str) -> None:
    assert slips(paragraph) == []
