"""Credits in news wordings: a goal of credits is a reduction to reach, and bare numbers handed over after
an issuance are parts of it, in English, Japanese and Thai."""
import pytest

from tests.checks.text import facts_of


def _kinds(*paragraphs: str) -> list[tuple[str, float]]:
    return [(fact.kind, fact.value) for fact in facts_of(*paragraphs)]


@pytest.mark.parametrize(
    "text, value",
    [
        ("The government has long aimed for JCM credits worth 50 million tonnes of CO2 by 2030.", 50e6),
        ("The 80 million tCO2e target for JCM credits was set in 2015.", 80e6),
        ("Tokyo is targeting a cumulative 90 Mt CO2e of JCM credits by the end of the decade.", 90e6),
        ("政府は2030年度までに累積5000万トン程度のJCMクレジットの獲得を目標としている。", 5e7),
        ("รัฐบาลตั้งเป้าหมายเครดิต JCM สะสม 50 ล้านตัน ภายในปี 2573", 5e7),
    ],
)
def test_a_goal_of_credits_is_a_reduction_to_reach_not_credits_issued(text: str, value: float) -> None:
    assert _kinds(text) == [("emission_reduction", value)]


@pytest.mark.parametrize(
    "text, issued",
    [
        ("The ministry aims to grow the scheme; so far only 0.4 Mt CO2e of credits have been issued.", 4e5),
        ("Only 0.4 Mt CO2e of credits have been issued so far, well short of the target.", 4e5),
        ("これまでに発行されたクレジットは累計40万トンで、目標には遠い。", 4e5),
        ("จนถึงขณะนี้มีการออกเครดิตแล้ว 400,000 ตัน ยังห่างจากเป้าหมาย", 4e5),
    ],
)
def test_credits_already_issued_stay_issued_beside_a_target_word(text: str, issued: float) -> None:
    assert ("credits_issued", issued) in _kinds(text)
    assert ("emission_reduction", issued) not in _kinds(text)


def test_a_goal_and_the_credits_issued_against_it_in_one_sentence_keep_their_kinds() -> None:
    text = (
        "The ministry is targeting 90 Mt CO2e of JCM credits by 2030, but only 0.4 Mt CO2e of such "
        "credits have been issued as of May 2025."
    )
    assert _kinds(text) == [("emission_reduction", 90e6), ("credits_issued", 4e5)]


def test_credits_awarded_for_tonnes_of_cuts_are_credits_issued() -> None:
    text = "The first round was small: credits were awarded for 25 tonnes of CO2e cuts at a cold store."
    assert _kinds(text) == [("credits_issued", 25)]


def test_bare_numbers_handed_over_after_an_issuance_are_its_parts_across_paragraphs() -> None:
    first = "Japan issued 52 JCM credits, of which the ministry keeps 40, while twelve went to the supplier."
    second = (
        "Mongolia issued the other eleven. Its government received six of them, while the plant's "
        "owner received five."
    )
    assert _kinds(first, second) == [
        ("credits_issued", 52),
        ("credits_issued", 40),
        ("credits_issued", 12),
        ("credits_issued", 11),
        ("credits_issued", 6),
        ("credits_issued", 5),
    ]


@pytest.mark.parametrize(
    "text, parts",
    [
        ("1,200トンのクレジットが発行され、日本政府が残りの500を取得した。", [1200, 500]),
        ("มีการออกเครดิตแล้ว 400 ตัน โดยฝ่ายไทยได้รับ 200 และฝ่ายญี่ปุ่นได้รับอีก 200", [400, 200, 200]),
    ],
)
def test_bare_numbers_handed_over_in_japanese_and_thai(text: str, parts: list[float]) -> None:
    assert _kinds(text) == [("credits_issued", value) for value in parts]


def test_a_number_handed_over_that_counts_something_else_is_no_credit() -> None:
    first = "In 2024, 1,500 credits were issued for the boiler project."
    second = "The company received 3 awards for it and kept 2 staff on site, the other 40 went home."
    assert _kinds(first, second) == [("credits_issued", 1500)]


def test_no_transfer_is_read_far_from_a_statement_of_credits() -> None:
    paragraphs = (
        "In 2024, 1,500 credits were issued for the boiler project.",
        "The plant runs all year.",
        "The city received twelve of them in a later round.",
    )
    assert _kinds(*paragraphs) == [("credits_issued", 1500)]


@pytest.mark.parametrize(
    "text, bounds",
    [
        ("The ministry chose 8 projects, expecting them to yield 12 million carbon credits by 2030.", [12e6]),
        ("Officials expect the scheme to generate 40-80 million offsets before 2030.", [40e6, 80e6]),
        ("2030年度までに累積4,000万～8,000万トンのクレジット獲得を見込む。", [4e7, 8e7]),
        ("คาดว่าจะได้รับเครดิต 12 ล้านตัน ภายในปี 2573", [12e6]),
    ],
)
def test_credits_expected_are_reductions_to_reach_both_bounds_of_a_range_too(
    text: str, bounds: list[float]
) -> None:
    assert [(kind, value) for kind, value in _kinds(text) if value in bounds] == [
        ("emission_reduction", value) for value in bounds
    ]


@pytest.mark.parametrize(
    "text",
    [
        "Japan has backed the partner with about 20 million USD and 3,120 carbon credits provided "
        "(one carbon credit equal to one ton of carbon dioxide).",
        "ญี่ปุ่นสนับสนุนเครดิต 3,120 ตัน (1 เครดิต เท่ากับ 1 ตันคาร์บอนไดออกไซด์)",
    ],
)
def test_a_unit_defined_is_no_amount_and_carbon_credits_are_credits(text: str) -> None:
    credits = [value for kind, value in _kinds(text) if kind == "credits_issued"]
    assert credits == [3120]
