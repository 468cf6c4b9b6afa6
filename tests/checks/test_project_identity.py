"""Which documents are one project, and why: the traps a reviewer meets in real publications, in our own
words in English, Japanese and Thai. Each document goes through the real extraction."""
import pytest

from checks import run_cross_document_checks
from checks.projects import profile_of, resolve, signature
from corpus.models import DocumentRef
from tests.checks.text import facts_of

# One company's two solar plants in one country: another province and another capacity.
SOLAR_PLANTS = {
    "en": (
        ["Project title: 10 MW solar power plant in Darkhan", "Host country: Mongolia",
         "Capacity: 10 MW. Emission reductions: 12,000 tCO2e per year."],
        ["Project title: 16.4 MW solar power plant in Bayankhongor", "Host country: Mongolia",
         "Capacity: 16.4 MW. Emission reductions: 20,500 tCO2e per year."],
    ),
    "ja": (
        ["事業名:ダルハンにおける10MW太陽光発電所", "ホスト国:モンゴル",
         "発電容量10MW、排出削減量は年間12,000トン。"],
        ["事業名:バヤンホンゴルにおける16.4MW太陽光発電所", "ホスト国:モンゴル",
         "発電容量16.4MW、排出削減量は年間20,500トン。"],
    ),
    "th": (
        ["ชื่อโครงการ: โรงไฟฟ้าพลังงานแสงอาทิตย์ 10 เมกะวัตต์ ที่ดาร์ฮาน", "ประเทศเจ้าบ้าน: มองโกเลีย",
         "กำลังการผลิต 10 เมกะวัตต์ ลดการปล่อยก๊าซเรือนกระจก 12,000 ตันต่อปี"],
        ["ชื่อโครงการ: โรงไฟฟ้าพลังงานแสงอาทิตย์ 16.4 เมกะวัตต์ ที่บายันคองกอร์", "ประเทศเจ้าบ้าน: มองโกเลีย",
         "กำลังการผลิต 16.4 เมกะวัตต์ ลดการปล่อยก๊าซเรือนกระจก 20,500 ตันต่อปี"],
    ),
}
# A registered project, and news of its first credits that never names it: only the province, the
# technology and the event; two such reports disagree on Japan's share.
REGISTERED = [
    "Project title: Rooftop solar power at an automotive parts factory in Chonburi",
    "Host country: Thailand",
    "Expected emission reductions: 1,100 tCO2e per year.",
]
FIRST_CREDITS = {
    "en": ["Thailand's first JCM credits were issued for a rooftop solar system at a factory in Chonburi. "
           "Of the 300 tCO2 of credits, the Government of Japan received {share} tCO2."],
    "ja": ["タイで初めてのJCMクレジットが、チョンブリ県の工場の屋根置き太陽光発電設備について発行された。"
           "発行量300トンのうち日本政府に{share}トンが配分された。"],
    "th": ["ประเทศไทยออกคาร์บอนเครดิต JCM ครั้งแรก จากระบบโซลาร์บนหลังคาโรงงานในจังหวัดชลบุรี "
           "จากเครดิตทั้งหมด 300 ตัน รัฐบาลญี่ปุ่นได้รับ {share} ตัน"],
}
# A monitoring report that names its project by title and JCM id, but not its host country.
PDD = [
    "Project title: High-efficiency chillers for a shopping mall in Jakarta",
    "JCM project id: ID012", "Host country: Indonesia",
    "Estimated emission reductions: 800 tCO2e per year.",
]
MONITORING = {
    "en": ["Project title: High-efficiency chillers for a shopping mall in Jakarta (ID012)",
           "Monitoring period: 1 January 2024 to 31 December 2024",
           "Emission reductions achieved: 1,300 tCO2e"],
    "ja": ["プロジェクト:ID012 ショッピングモールへの高効率チラーの導入",
           "モニタリング期間:2024年1月1日~2024年12月31日", "排出削減量:1,300 tCO2"],
    "th": ["โครงการ ID012 เครื่องทำน้ำเย็นประสิทธิภาพสูงสำหรับศูนย์การค้า",
           "ระยะเวลาการติดตามผล: 1 มกราคม 2567 ถึง 31 ธันวาคม 2567", "ปริมาณการลดการปล่อย 1,300 tCO2e"],
}
LANGUAGES = ["en", "ja", "th"]


def document(lines: list[str], name: str, year: int | None = None) -> tuple[list, dict]:
    ref = DocumentRef(id=name, filename=f"{name}.txt")
    facts = facts_of(*lines, document_id=ref.id, filename=ref.filename)
    return facts, {ref.id: profile_of(ref, lines, year=year)}


def checked(*documents: tuple[list, dict]) -> list:
    facts = [fact for made, _ in documents for fact in made]
    profiles = {key: profile for _, made in documents for key, profile in made.items()}
    return run_cross_document_checks(facts, profiles)


def resolution(first: tuple[list, dict], second: tuple[list, dict]):
    signatures = [signature(facts, next(iter(profiles.values()))) for facts, profiles in (first, second)]
    return resolve(*signatures)


@pytest.mark.parametrize("language", LANGUAGES)
def test_two_plants_of_one_company_and_technology_in_one_country_are_two_projects(language):
    darkhan, bayankhongor = (document(lines, f"plant{i}") for i, lines in enumerate(SOLAR_PLANTS[language]))
    found = resolution(darkhan, bayankhongor)
    assert not found.same
    assert any(reason.startswith("different sites") for reason in found.reasons)
    assert checked(darkhan, bayankhongor) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_unnamed_news_report_is_the_project_its_place_technology_and_event_tell(language):
    first = document([line.format(share=150) for line in FIRST_CREDITS[language]], "news1", 2022)
    second = document([line.format(share=151) for line in FIRST_CREDITS["ja" if language != "ja" else "en"]],
                      "news2", 2022)
    assert resolution(first, second).same
    assert resolution(document(REGISTERED, "pdd"), first).same
    [warning] = checked(first, second)
    assert (warning.rule, warning.severity) == ("same_project_values", "warning")
    assert {warning.expected, warning.found} == {150, 151}
    assert "credits issued to Japan" in warning.message


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_monitoring_report_without_its_country_is_read_against_its_pdd(language):
    pdd, report = document(PDD, "pdd"), document(MONITORING[language], "report")
    found = resolution(pdd, report)
    assert found.same
    assert "same JCM project id: ID012" in found.reasons
    [warning] = checked(pdd, report)
    assert (warning.rule, warning.severity) == ("monitored_vs_ex_ante", "warning")
    assert (warning.expected, warning.found) == (800, 1300)


def test_another_project_id_is_another_project_even_with_the_same_words():
    other = [line.replace("ID012", "ID013") for line in MONITORING["en"]]
    assert not resolution(document(PDD, "pdd"), document(other, "report")).same


@pytest.mark.parametrize("language", LANGUAGES)
def test_credits_that_grew_between_two_years_are_no_inconsistency_and_the_newer_is_named(language):
    older = document([line.format(share=150) for line in FIRST_CREDITS[language]], "news2022", 2022)
    newer = document([line.format(share=450) for line in FIRST_CREDITS[language]], "news2024", 2024)
    [warning] = checked(older, newer)
    assert warning.severity == "info"
    assert "news2024.txt (2024) is the newer document" in warning.message


def test_a_project_name_outweighs_a_different_capacity_which_is_then_an_inconsistency():
    name = "Project title: Waste heat recovery power generation at a cement factory in Khon Kaen"
    first = document([name, "Host country: Thailand", "Capacity: 12 MW."], "pdd")
    second = document([name, "Host country: Thailand", "Capacity: 15 MW."], "summary")
    found = resolution(first, second)
    assert found.same and found.reasons[0].startswith("same project name")
    [warning] = checked(first, second)
    assert (warning.expected, warning.found) == (12000, 15000)


# Two solar plants in one country: one said to lie a distance from the capital, the other near it.
FROM_THE_CAPITAL = {
    "en": (["A 10 MW solar plant in Darkhan, which lies 220 km north of the capital city Ulaanbaatar, "
            "will cut 12,000 tCO2e per year."],
           ["A solar plant near Ulaanbaatar, built with JCM support, cuts 20,000 tCO2e per year."]),
    "ja": (["ウランバートルから北へ約220km離れたダルハンの10MW太陽光発電所は年間12,000トンを削減する。"],
           ["ウランバートル近郊の太陽光発電所はJCMの補助を受け、年間20,000トンを削減する。"]),
    "th": (["โรงไฟฟ้าพลังงานแสงอาทิตย์ 10 เมกะวัตต์ ที่ดาร์ฮาน ห่างจากอูลานบาตอร์ 220 กิโลเมตร "
            "ลดการปล่อยได้ 12,000 ตันต่อปี"],
           ["โรงไฟฟ้าพลังงานแสงอาทิตย์ใกล้อูลานบาตอร์ ลดการปล่อยได้ 20,000 ตันต่อปี"]),
}



# Two solar plants said to stand near the capital, one with its own town too: the capital tells no site.
NEAR_THE_CAPITAL = {
    "en": (["A 10 MW solar plant in Darkhan supplies the grid that also serves Ulaanbaatar; it cuts "
            "12,000 tCO2e per year."],
           ["A solar farm near Ulaanbaatar, built with JCM support, cuts 20,000 tCO2e per year."]),
    "ja": (["ダルハンの10MW太陽光発電所はウランバートルにも電力を送り、年間12,000トンを削減する。"],
           ["ウランバートル近郊の太陽光発電所はJCMの補助を受け、年間20,000トンを削減する。"]),
    "th": (["โรงไฟฟ้าพลังงานแสงอาทิตย์ 10 เมกะวัตต์ ที่ดาร์ฮาน ส่งไฟฟ้าถึงอูลานบาตอร์ ลดการปล่อยได้ 12,000 ตันต่อปี"],
           ["โรงไฟฟ้าพลังงานแสงอาทิตย์ใกล้อูลานบาตอร์ ลดการปล่อยได้ 20,000 ตันต่อปี"]),
}


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("plants", [FROM_THE_CAPITAL, NEAR_THE_CAPITAL], ids=["distance", "capital"])
def test_a_capital_named_as_a_distance_or_a_neighbour_tells_no_site(plants, language):
    town, capital = (document(lines + ["Host country: Mongolia"], f"plant{i}")
                     for i, lines in enumerate(plants[language]))
    assert not resolution(town, capital).same
    assert checked(town, capital) == []
