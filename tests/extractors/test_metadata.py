from corpus.models import RawBlock
from extractors.blocks import place_blocks
from extractors.metadata import describe


def blocks(*texts: str):
    return place_blocks(RawBlock(page=1, text=t) for t in texts)


def test_type_country_and_year_of_a_japanese_pdd():
    document = blocks("JCMプロジェクト設計書", "ホスト国:タイ王国", "令和5年度の事業")
    found = describe("design.txt", document, [])
    assert (found.doc_type, found.countries, found.year) == ("project_design_document", ["Thailand"], 2023)


def test_thai_selection_notice_with_buddhist_era_year():
    found = describe(
        "notice.txt",
        blocks("ประกาศผลการคัดเลือกโครงการ ประจำปี พ.ศ. ๒๕๖๖", "โครงการในประเทศลาวและประเทศลาว ๒ แห่ง"),
        [],
    )
    assert (found.doc_type, found.countries, found.year) == ("selection_notice", ["Lao PDR"], 2023)


def test_the_file_name_can_tell_the_type_and_unknown_stays_unknown():
    named = describe("2024_monitoring_report.xlsx", blocks("Period | Value"), [])
    assert named.doc_type == "monitoring_report"
    plain = describe("notes.txt", blocks("Minutes of a meeting about budgets."), [])
    assert (plain.doc_type, plain.countries, plain.year) == (None, [], None)


def test_most_mentioned_country_comes_first():
    found = describe("x.txt", blocks("Projects in Kenya.", "Two more in Viet Nam and one in Viet Nam."), [])
    assert found.countries == ["Viet Nam", "Kenya"]
