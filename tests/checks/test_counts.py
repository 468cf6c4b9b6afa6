import pytest

from checks import run_checks
from checks.counts import item_list
from tests.checks.text import facts_of, rules_of

MISMATCH = {
    "en": "The mechanism now counts 4 partner countries (Kenya, Chile and Viet Nam).",
    "th": "กลไกนี้มีประเทศคู่ร่วมมือ 4 ประเทศ (เคนยา ชิลี และเวียดนาม)",
    "ja": "パートナー国は4か国(ケニア、チリ、ベトナム)である。",
}
MATCH = {
    "en": "The mechanism now counts 3 partner countries (Kenya, Chile and Viet Nam).",
    "th": "กลไกนี้มีประเทศคู่ร่วมมือ 3 ประเทศ (เคนยา ชิลี และเวียดนาม)",
    "ja": "パートナー国は3か国(ケニア、チリ、ベトナム)である。",
}
PARTIAL = {
    "en": "The mechanism now counts 29 partner countries (including Kenya, Chile and Viet Nam).",
    "th": "กลไกนี้มีประเทศคู่ร่วมมือ 29 ประเทศ (เช่น เคนยา ชิลี และเวียดนาม)",
    "ja": "パートナー国は29か国(ケニア、チリ、ベトナムなど)である。",
}


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_a_count_that_differs_from_the_items_listed_is_flagged(language):
    [warning] = run_checks(facts_of(MISMATCH[language]))
    assert warning.rule == "count_vs_items" and warning.severity == "warning"
    assert (warning.expected, warning.found) == (4, 3)
    assert warning.facts[0].evidence.text == MISMATCH[language]


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_a_count_matching_its_list_raises_nothing(language):
    assert run_checks(facts_of(MATCH[language])) == []


@pytest.mark.parametrize("language", ["en", "th", "ja"])
def test_a_partial_list_never_warns(language):
    assert "count_vs_items" not in rules_of(run_checks(facts_of(PARTIAL[language])))


@pytest.mark.parametrize(
    ("sentence", "kind", "items"),
    [
        ("Partners: 3 countries (Trinidad and Tobago, Chile and Kenya).", "partner_country_count", 3),
        ("ความร่วมมือกับ 2 ประเทศ (ตรินิแดดและโตเบโก และชิลี)", "partner_country_count", 2),
        ("3 projects (solar and storage in Cebu, a boiler in Manila, and chillers)", "project_count", 3),
        ("パートナー国は2か国(トリニダード・トバゴ及びチリ)である。", "partner_country_count", 2),
    ],
)
def test_items_are_told_apart_where_names_hold_a_conjunction(sentence, kind, items):
    assert len(item_list(sentence, kind)) == items


def test_thai_project_names_separated_only_by_spaces_are_not_judged():
    assert item_list("ได้คัดเลือก 3 โครงการ (โครงการ ก โครงการ ข และโครงการ ค)", "project_count") is None


@pytest.mark.parametrize("introduced", [
    "The mechanism now counts {} partner countries, namely Kenya, Chile and Viet Nam.",
    "กลไกนี้มีประเทศคู่ร่วมมือ {} ประเทศ ได้แก่ เคนยา ชิลี และเวียดนาม",
])
def test_a_list_introduced_by_namely_or_dai_kae_is_counted_too(introduced: str):
    assert run_checks(facts_of(introduced.format(3))) == []
    [warning] = run_checks(facts_of(introduced.format(4)))
    assert (warning.rule, warning.expected, warning.found) == ("count_vs_items", 4, 3)


@pytest.mark.parametrize("text", [
    "Japan has signed the JCM with 11 countries, namely Mongolia, Bangladesh, Ethiopia, Ke",
    "日本はこれまでに11か国、すなわちモンゴル、バングラデシュ、エチオピア、ケ",
])
def test_a_list_cut_off_mid_sentence_may_go_on(text):
    """An excerpt or a page that ends mid-list says nothing of the items after the cut."""
    assert [w for w in run_checks(facts_of(text)) if w.rule == "count_vs_items"] == []


def test_a_finished_list_that_names_too_few_still_warns():
    text = "Japan has signed the JCM with 5 countries, namely Mongolia, Bangladesh, Ethiopia and Kenya."
    [warning] = run_checks(facts_of(text))
    assert (warning.rule, warning.expected, warning.found) == ("count_vs_items", 5, 4)


@pytest.mark.parametrize(
    "sentence",
    [
        "The ministry selected 1 project under the Joint Crediting Mechanism (hereinafter, the JCM, the "
        "scheme).",
        "環境省は、二国間クレジット制度(以下、JCM、本制度)の案件を1件採択した。",
        "โครงการภายใต้กลไกเครดิตร่วม (ต่อไปนี้เรียกว่า JCM, กลไก) ได้รับคัดเลือก 1 โครงการ",
    ],
)
def test_brackets_that_give_a_short_name_are_no_list(sentence):
    assert "count_vs_items" not in rules_of(run_checks(facts_of(sentence)))
