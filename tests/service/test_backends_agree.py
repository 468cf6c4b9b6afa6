"""The same archive on SQLite and on PostgreSQL answers every question alike: filters, case, paging,
exports and the odd values a caller may send (NaN, infinity, LIKE's wildcards, letters case folds)."""
from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from application.access import Role, create_key
from tests.backends import TEST_DATABASE_URL, postgres_schema
from tests.conftest import JAPANESE_PDD, MONGOLIA_PDD, MONGOLIA_SUMMARY, THAI_SUMMARY
from tests.service.conftest import Service, start_service

pytestmark = pytest.mark.skipif(not TEST_DATABASE_URL, reason="comparing with PostgreSQL needs a server: "
                                "set JCM_TEST_DATABASE_URL (.ci/run starts one)")

DOCUMENTS = {
    "pdd_en.txt": MONGOLIA_PDD.format(reduction="1,200"),
    "summary_ja.txt": MONGOLIA_SUMMARY.format(reduction="1,500"),
    "th_summary.txt": THAI_SUMMARY,
    "ja_pdd.txt": JAPANESE_PDD,
    "Boiler_A.txt": "Project title: Boiler upgrade at ABC_% Factory, Ho Chi Minh City\n"
                    "Host country: Viet Nam\n"
                    "Emission reductions: 2,000 tCO2e per year in 2023. Project cost: 1.5 million USD.",
    "boiler_b.txt": "Project title: boiler upgrade at abc factory in Hanoi\nHost country: VIET NAM\n"
                    "Emission reductions: 2,100 tCO2e per year in FY2024.",
    "Ärger.txt": "Project title: Straße heat pumps in Ulaanbaatar\nHost country: Mongolia\n"
                 "Emission reductions: 900 tCO2e per year.",
}
SECRET = {"secret_pdd.txt": MONGOLIA_PDD.format(reduction="1,350")}
QUESTIONS = [
    "/documents", "/documents?limit=2&offset=1", "/documents?limit=3&offset=6", "/documents?offset=1000",
    "/facts", "/facts?limit=3&offset=2", "/facts?country=mongolia", "/facts?country=MONGOLIA",
    "/facts?country=Viet%20Nam", "/facts?country=viet", "/facts?project=boiler", "/facts?project=BOILER",
    "/facts?project=abc_", "/facts?project=%25", "/facts?project=_", "/facts?project=ABC_%25",
    "/facts?project=stra%C3%9Fe", "/facts?project=STRASSE", "/facts?min_value=nan", "/facts?max_value=nan",
    "/facts?min_value=inf", "/facts?max_value=-inf", "/facts?min_value=1000&max_value=2000",
    "/facts?year=2023", "/facts?from=2023-01-01&to=2023-12-31", "/facts?unit=tCO2e%2Fyr",
    "/facts?unit=TCO2E%2FYR", "/facts?language=en", "/facts?document=pdd_en.txt",
    "/facts?document=PDD_EN.TXT", "/facts?kind=emission_reduction", "/facts/export?format=csv",
    "/warnings", "/warnings?severity=warning", "/warnings?status=open", "/warnings?rule=same_project_values",
    "/warnings?document=pdd_en.txt", "/warnings/export?format=json", "/projects",
    "/projects?limit=1&offset=1",
    "/search?q=boiler", "/search?q=boiler&country=Viet%20Nam", "/search?q=heat&has_warnings=true",
]
ROLES = ["public", "reviewer"]
# What differs by nature between two runs: the moments things happened, the time a search took.
VARIABLE = re.compile(r'"(\w+_at|took_ms|decided_at)": ("[^"]*"|[\d.]+)')


@pytest.fixture(scope="module")
def answers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, dict[tuple[str, str], object]]]:
    """Each backend's answers to every question, asked by each role."""
    found = {"sqlite": asked(tmp_path_factory.mktemp("sqlite") / "data", None)}
    with postgres_schema() as url:
        found["postgresql"] = asked(tmp_path_factory.mktemp("postgresql") / "data", url)
    yield found


def asked(data_dir: Path, database_url: str | None) -> dict[tuple[str, str], object]:
    client, settings = start_service(data_dir, database_url)
    with client:
        catalog = client.app.state.application.archive.catalog
        service = Service(client, {role.value: create_key(catalog, role)[1] for role in Role}, settings)
        for name, text in DOCUMENTS.items():
            assert service.ingest(name, text.encode())["status"] == "done"
        for name, text in SECRET.items():
            assert service.ingest(name, text.encode(), confidential=True)["status"] == "done"
        return {(role, question): answer(service, role, question) for role in ROLES for question in QUESTIONS}


def answer(service: Service, role: str, question: str) -> object:
    response = service.get(question, role)
    text = VARIABLE.sub(r'"\1": "-"', json.dumps(response.json(), sort_keys=True, ensure_ascii=False)
                        if "json" in response.headers["content-type"] else response.text)
    return response.status_code, text


@pytest.mark.parametrize("role", ROLES)
def test_both_backends_answer_alike(answers, role: str):
    sqlite, postgresql = answers["sqlite"], answers["postgresql"]
    differ = [question for question in QUESTIONS if sqlite[role, question] != postgresql[role, question]]
    assert differ == [], {q: (sqlite[role, q], postgresql[role, q]) for q in differ[:3]}
    assert any('"total": 0' not in str(sqlite[role, q]) for q in QUESTIONS)  # the archive was not empty
