"""Numbers in news prose: a count added to, a count of a subset, a count's label with an auxiliary, and
the power of what stands there already."""
import pytest

from tests.checks.text import facts_of


def _counts(text: str) -> list[tuple[str, float]]:
    return [(fact.kind, fact.value) for fact in facts_of(text) if fact.unit == "count"]


def test_a_count_added_to_is_stated_not_referred_back_to() -> None:
    text = "The ministry selected three new projects in addition to the 12 projects in the first round."
    assert _counts(text) == [("project_count", 3), ("project_count", 12)]


def test_a_count_referred_back_to_is_still_no_fact() -> None:
    assert _counts("Talks between the two countries went well, and trade grew.") == []


@pytest.mark.parametrize(
    "text",
    [
        "The number of selected JCM Model Projects has reached 212 so far.",
        "The number of registered JCM projects now totals 212.",
    ],
)
def test_a_count_label_with_an_auxiliary_verb_gives_its_count(text: str) -> None:
    assert _counts(text) == [("project_count", 212)]


@pytest.mark.parametrize(
    "text",
    [
        "As of March 2019, five of 18 projects registered under the JCM have been issued credits.",
        "ณ เดือนมีนาคม 2562 มี 5 จาก 18 โครงการ ที่ได้รับเครดิตแล้ว",
    ],
)
def test_a_subset_of_a_count_counts_the_same_things(text: str) -> None:
    assert _counts(text) == [("project_count", 5), ("project_count", 18)]


@pytest.mark.parametrize(
    "text, capacity",
    [
        ("The project replaces the existing 4 MW diesel generators with a 6 MW solar plant.", 6000),
        ("The 20 MW binary unit is new. On site is already an 150 MW geothermal plant run by others.", 20000),
        ("既存の4MWディーゼル発電機を6MWの太陽光発電に置き換える。", 6000),
        ("โครงการแทนที่เครื่องกำเนิดไฟฟ้าดีเซลเดิม 4 เมกะวัตต์ ด้วยโซลาร์ 6 เมกะวัตต์", 6000),
    ],
)
def test_the_power_of_what_stands_there_already_is_no_capacity(text: str, capacity: int) -> None:
    assert [(fact.kind, fact.value) for fact in facts_of(text)] == [("capacity", capacity)]


def test_one_of_several_projects_points_at_an_item_and_counts_nothing() -> None:
    assert _counts("The plant is one of six projects the province approved.") == [("project_count", 6)]


def test_projects_counted_with_the_japanese_counter_tsu() -> None:
    assert _counts("日本は再生可能エネルギー分野で4つの案件を実施する予定だ。") == [("project_count", 4)]


def test_a_word_for_what_stands_there_already_a_clause_away_names_nothing() -> None:
    text = "The plant complements the firm's existing operation, using fruit waste to produce 4.2 megawatts."
    assert [(fact.kind, fact.value) for fact in facts_of(text)] == [("capacity", 4200)]
