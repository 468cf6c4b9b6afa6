"""Numbers that look like facts but state something else, in the structures real JCM publications use:
a bound that selects a case of a subsidy scheme, what a battery holds, methodologies counted beside
projects, and reference numbers. Written in our own words with the figures such documents state."""

from __future__ import annotations

import pytest

from tests.extractors.test_facts import facts_of, triples

Triple = tuple[str, float, str]


# --- a bound on an amount that selects a case ------------------------------------------------------


@pytest.mark.parametrize(("lines", "language", "expected"), [
    (["Support rates are as follows:",
      "(a) 1/2 for small and medium-sized enterprises;",
      "(b) 1/3: when the applicant is a large company and the eligible expenses are 80 million yen or "
      "less per year."],
     "en", [("subsidy_share", 50, "%"), ("subsidy_share", 33.33, "%")]),
    (["補助率は次のとおり。", "・1/2(中小企業者以外で年間の補助対象経費が2億円以下の事業は1/3)"],
     "ja", [("subsidy_share", 50, "%"), ("subsidy_share", 33.33, "%")]),
    (["อัตราการสนับสนุนเป็นดังนี้", "- กรณีค่าใช้จ่ายโครงการ 40 ล้านบาทขึ้นไป สนับสนุนร้อยละ 30"],
     "th", [("subsidy_share", 30, "%")]),
])
def test_a_bound_in_a_condition_is_no_amount(lines: list[str], language: str, expected: list[Triple]) -> None:
    found = [(kind, round(value, 2), unit) for kind, value, unit in triples(facts_of(lines, language))]
    assert found == expected


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The subsidy is capped at JPY 150 million per project.", "en", [("subsidy_amount", 1.5e8, "JPY")]),
    ("If selected, a project receives a subsidy of up to JPY 300 million.", "en",
     [("subsidy_amount", 3e8, "JPY")]),
    ("補助金の額は1件当たり5億円以下とする。", "ja", [("subsidy_amount", 5e8, "JPY")]),
    ("The total project cost is 2 billion yen or more.", "en", [("project_cost", 2e9, "JPY")]),
])
def test_a_cap_or_a_stated_bound_stays_an_amount(
    sentence: str, language: str, expected: list[Triple]
) -> None:
    assert triples(facts_of([sentence], language)) == expected


# --- what a battery holds -------------------------------------------------------------------------


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("The site pairs a 12 MW solar array with a 20 MWh battery storage system.", "en",
     [("capacity", 12000, "kW"), ("other", 20, "MWh")]),
    ("同事業では、40MWの太陽光発電所と25MWhの蓄電池を設置する。", "ja",
     [("capacity", 40000, "kW"), ("other", 25, "MWh")]),
    ("โครงการติดตั้งแบตเตอรี่ขนาด 10 MWh และผลิตไฟฟ้าได้ 5,000 MWh ต่อปี", "th",
     [("other", 10, "MWh"), ("energy", 5000, "MWh/yr")]),
    ("The plant generates 30,000 MWh a year, part of which a battery stores for the evening.", "en",
     [("energy", 30000, "MWh/yr")]),
])
def test_a_battery_size_is_no_energy_generated(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


# --- methodologies counted beside projects -------------------------------------------------------


@pytest.mark.parametrize(("sentence", "language", "expected"), [
    ("合同委員会では、6件のプロジェクト登録及び2件の方法論承認が行われた。", "ja",
     [("project_count", 6, "count")]),
    ("今回、4件の新規方法論と11件のプロジェクトが承認された。", "ja", [("project_count", 11, "count")]),
    ("The Joint Committee approved 3 methodologies and registered 5 projects.", "en",
     [("project_count", 5, "count")]),
    ("คณะกรรมการร่วมอนุมัติ 2 ระเบียบวิธี และขึ้นทะเบียน 7 โครงการ", "th", [("project_count", 7, "count")]),
])
def test_methodologies_are_not_projects(sentence: str, language: str, expected: list[Triple]) -> None:
    assert triples(facts_of([sentence], language)) == expected


# --- reference numbers ------------------------------------------------------------------------------


def test_a_reference_number_counts_nothing() -> None:
    lines = ["Project Number 48123-002 Country / Economy Mongolia Project Status Approved",
             "Grant from the Japan Fund for the JCM: USD 4 million"]
    assert triples(facts_of(lines, "en")) == [("subsidy_amount", 4e6, "USD")]


def test_a_range_is_no_reference_number() -> None:
    assert triples(facts_of(["Installed capacity: 10-20 MW"], "en")) == [
        ("capacity", 10000, "kW"), ("capacity", 20000, "kW")]
