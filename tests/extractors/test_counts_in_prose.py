"""Counts in news prose: a count added to, a count of a subset, and a count's label with an auxiliary."""
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
