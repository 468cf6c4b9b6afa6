"""A query naming a kind of fact is answered with those facts, for the country and year it names, in the
three languages; what a caller may not read never answers."""
from __future__ import annotations

from pathlib import Path

import pytest

from application.answers import fact_answers, fact_question
from application.archive import Archive
from application.settings import Settings
from service.cli import main

DOCUMENTS = {
    "th_selection_2023.txt": "ผลการคัดเลือกโครงการ JCM ประเทศไทย ปี 2566\n"
                             "อัตราการอุดหนุนไม่เกินร้อยละ 50 ของเงินลงทุนเริ่มต้น\n"
                             "ปริมาณการลดการปล่อยก๊าซเรือนกระจก 1,250 ตันต่อปี",
    "en_vietnam_2023.txt": "JCM model project in Viet Nam, selected in FY2023.\n"
                           "Emission reductions: 3,400 tCO2e per year. The subsidy rate is 40%.",
    "ja_mongolia_2021.txt": "モンゴルにおけるJCM設備補助事業(2021年度)\n"
                            "補助率は50%、排出削減量は年間2,100トン。",
}
SECRET = {"en_vietnam_secret.txt": "Confidential, FY2023: in Viet Nam the subsidy rate is 35%."}


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory, module_database_url: str | None):
    data = tmp_path_factory.mktemp("answers") / "data"
    made = Archive(Settings(data_dir=data, database_url=module_database_url, workers=1))
    folder = tmp_path_factory.mktemp("files")
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    made.ingestion.ingest_paths([folder / name for name in DOCUMENTS])
    secret = folder / "secret"
    secret.mkdir()
    for name, text in SECRET.items():
        (secret / name).write_text(text, encoding="utf-8")
    made.ingestion.ingest_paths([secret], confidential=True)
    yield made
    made.close()


def answered(archive: Archive, query: str, confidential: bool = False) -> set[tuple[str, float, str]]:
    found = fact_answers(archive.catalog, query, include_confidential=confidential)
    return {(f.kind, f.value, Path(f.document.filename).stem) for f in found}


@pytest.mark.parametrize(("query", "expected"), [
    ("subsidy rate Thailand", {("subsidy_share", 50, "th_selection_2023")}),
    ("補助率 モンゴル", {("subsidy_share", 50, "ja_mongolia_2021")}),
    ("ปริมาณการลดก๊าซ เวียดนาม 2023", {("emission_reduction", 3400, "en_vietnam_2023")}),
    ("emission reductions 2566 Thailand", {("emission_reduction", 1250, "th_selection_2023")}),
])
def test_a_question_about_facts_is_answered_with_them(archive: Archive, query: str, expected: set) -> None:
    assert answered(archive, query) == expected


def test_a_query_that_names_no_kind_of_fact_gets_no_answer(archive: Archive) -> None:
    assert fact_question("heat pumps at hospitals") is None
    assert answered(archive, "heat pumps at hospitals") == set()


def test_a_confidential_fact_answers_only_who_may_read_it(archive: Archive) -> None:
    public = answered(archive, "subsidy rate Viet Nam 2023")
    assert public == {("subsidy_share", 40, "en_vietnam_2023")}
    insider = answered(archive, "subsidy rate Viet Nam 2023", confidential=True)
    assert ("subsidy_share", 35, "en_vietnam_secret") in insider


@pytest.mark.usefixtures("database_env")  # the command below reads the service's catalog
def test_search_answers_with_facts_through_the_api_the_cli_and_the_page(service, capsys) -> None:
    for name, text in DOCUMENTS.items():
        service.ingest(name, text.encode())
    answer = service.get("/search", "public", params={"q": "補助率 モンゴル"}).json()
    assert [(f["kind"], f["value"]) for f in answer["facts"]] == [("subsidy_share", 50)]
    later = service.get("/search", "public", params={"q": "補助率 モンゴル", "offset": 10}).json()
    assert later["facts"] == []  # answers head the first page only

    client = service.client
    client.get("/ui/login")
    form = {"key": service.keys["public"], "csrf": client.cookies["jcm_csrf"]}
    assert client.post("/ui/login", data=form, follow_redirects=False).status_code == 303
    page = client.get("/ui/search", params={"q": "subsidy rate Thailand"}).text
    assert 'id="answers"' in page and "th_selection_2023.txt" in page

    code = main(["--data-dir", str(service.settings.data_dir), "search", "subsidy rate Viet Nam"])
    assert code == 0
    assert "subsidy_share" in capsys.readouterr().out
