import pytest

from checks import run_cross_document_checks
from checks.projects import profile_of
from corpus.models import DocumentRef
from tests.checks.text import facts_of

PDD = {
    "en": [
        "Project title: Installation of heat pumps at a hospital in Ulaanbaatar",
        "Host country: Mongolia",
        "Emission reductions: {reduction} tCO2e per year.",
    ],
    "ja": [
        "プロジェクト名:ウランバートル市の病院におけるヒートポンプ導入",
        "ホスト国:モンゴル",
        "排出削減量:{reduction} tCO2/年",
    ],
    "th": [
        "ชื่อโครงการ: การติดตั้งปั๊มความร้อนในโรงพยาบาลที่อูลานบาตอร์",
        "ประเทศเจ้าบ้าน: มองโกเลีย",
        "ปริมาณการลดการปล่อยก๊าซเรือนกระจก {reduction} tCO2e ต่อปี",
    ],
}
MONITORING = {
    "en": [
        "Project title: Installation of heat pumps at a hospital in Ulaanbaatar, Mongolia",
        "Monitoring period: 1 April 2022 to 31 March 2023",
        "Emission reductions: {reduction} tCO2e",
    ],
    "ja": [
        "プロジェクト名:ウランバートル市の病院におけるヒートポンプ導入(モンゴル)",
        "モニタリング期間:2022年4月1日~2023年3月31日",
        "排出削減量:{reduction} tCO2",
    ],
    "th": [
        "ชื่อโครงการ: การติดตั้งปั๊มความร้อนในโรงพยาบาลที่อูลานบาตอร์ มองโกเลีย",
        "ระยะเวลาการติดตามผล: 1 เมษายน 2565 ถึง 31 มีนาคม 2566",
        "ปริมาณการลดการปล่อยก๊าซเรือนกระจก {reduction} tCO2e",
    ],
}
UNRELATED = [
    "Project title: Solar power for a school in Darkhan",
    "Host country: Mongolia",
    "Emission reductions: 900 tCO2e per year.",
]
# Each language is checked against a document in another one.
OTHER = {"en": "ja", "ja": "th", "th": "en"}


def document(lines: list[str], language: str, reduction: str, name: str) -> tuple[list, dict]:
    texts = [line.format(reduction=reduction) for line in lines]
    ref = DocumentRef(id=name, filename=f"{name}_{language}.txt")
    facts = facts_of(*texts, document_id=ref.id, filename=ref.filename)
    return facts, {ref.id: profile_of(ref, texts)}


def checked(*documents: tuple[list, dict]) -> list:
    facts = [fact for made, _ in documents for fact in made]
    profiles = {key: profile for _, made in documents for key, profile in made.items()}
    return run_cross_document_checks(facts, profiles)


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_the_same_project_stating_different_numbers_in_two_languages_is_flagged(language):
    first = document(PDD[language], language, "1,200", "pdd")
    second = document(PDD[OTHER[language]], OTHER[language], "1,500", "summary")
    [warning] = checked(first, second)
    assert warning.rule == "same_project_values" and warning.severity == "warning"
    assert {warning.expected, warning.found} == {1200, 1500}
    assert {d.id for d in warning.documents} == {"pdd", "summary"}
    assert "pdd_" in warning.message and "summary_" in warning.message


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_the_same_project_stating_the_same_numbers_raises_nothing(language):
    first = document(PDD[language], language, "1,200", "pdd")
    second = document(PDD[OTHER[language]], OTHER[language], "1,200", "summary")
    assert checked(first, second) == []


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_an_unrelated_project_in_the_same_country_is_never_compared(language):
    first = document(PDD[language], language, "1,200", "pdd")
    other = document(UNRELATED, "en", "", "solar")
    assert checked(first, other) == []


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_monitored_reductions_above_the_ex_ante_estimate_are_a_warning(language):
    pdd = document(PDD[OTHER[language]], OTHER[language], "1,200", "pdd")
    report = document(MONITORING[language], language, "1,500", "report")
    [warning] = checked(pdd, report)
    assert warning.rule == "monitored_vs_ex_ante" and warning.severity == "warning"
    assert (warning.expected, warning.found) == (1200, 1500)
    assert "above the ex-ante estimate" in warning.message


@pytest.mark.parametrize("language", ["en", "ja", "th"])
def test_monitored_reductions_below_the_estimate_are_at_most_info(language):
    pdd = document(PDD[OTHER[language]], OTHER[language], "1,200", "pdd")
    below = document(MONITORING[language], language, "1,100", "report")
    assert [w.severity for w in checked(pdd, below)] == ["info"]
    within = document(MONITORING[language], language, "1,195", "report")
    assert checked(pdd, within) == []


def named(name: str, lines: list[str], document_name: str) -> tuple[list, dict]:
    return document([f"Project title: {name}", "Host country: Thailand", *lines], "en", "", document_name)


def test_documents_naming_the_same_project_are_compared_whatever_its_technology():
    name = "Energy Saving by Introduction of Regenerative Burners in an Aluminium Plant"
    pdd = named(name, ["Estimated emission reductions in each year: 1,850 tCO2e"], "pdd")
    report = named(name.upper(), ["Monitoring period: 01/01/2023 - 31/12/2023",
                                  "Emission reductions during the period (ERp): 2,300 [tCO2]"], "report")
    [warning] = checked(pdd, report)
    assert (warning.rule, warning.expected, warning.found) == ("monitored_vs_ex_ante", 1850, 2300)


def test_a_short_name_two_projects_may_share_pairs_nothing():
    first = named("Energy saving", ["Emission reductions: 1,850 tCO2e per year."], "first")
    second = named("Energy saving", ["Emission reductions: 900 tCO2e per year."], "second")
    assert checked(first, second) == []
