"""A public caller's search answer is computed from what it may read: adding, linking or removing a
confidential document changes no number a public key or an anonymous reader sees (scores, ranks, totals,
facets, snippets), while an insider's answer does change.

The confidential document is a version of a public PDD that disagrees with it (so a warning across the
two makes the public document one that has warnings, for insiders only) and repeats the words the
queries look for, which moves every BM25 statistic an index computes over all its passages.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from application.access import Role, create_key
from tests.conftest import JAPANESE_PDD, MONGOLIA_PDD, THAI_SUMMARY
from tests.service.conftest import Service, start_service

PUBLIC_NAME = "en_haiphong_heatpump_pdd.txt"
PUBLIC_PDD = """Project title: Installation of heat pumps at a hospital in Hai Phong
Host country: Viet Nam
The heat pumps of the Hai Phong hospital replace oil-fired boilers.
Emission reductions: 1,200 tCO2e per year.
"""
PRESS_RELEASE = """A JCM model project in Hai Phong introduces LED street lighting.
Hai Phong is a port city in northern Viet Nam; the lighting saves 900 MWh a year.
A second project in Hanoi installs heat pumps at a hotel.
"""
CONFIDENTIAL_PDD = """Project title: Installation of heat pumps at a hospital in Hai Phong
Host country: Viet Nam
Hai Phong Hai Phong: the heat pumps of the Hai Phong hospital and the Hai Phong clinic.
The contract clause QUOKKAZEBRA on Hai Phong heat pump prices is not disclosed.
Emission reductions: 4,873 tCO2e per year.
"""
QUERIES = [
    {"q": "Hai Phong"},
    {"q": '"Hai Phong"'},
    {"q": "heat pump"},
    {"q": "Hai Phong hospital heat pumps"},
    {"q": "emission reductions"},
    {"q": "boiler"},
    {"q": "ボイラ"},
    {"q": "Hai Phong", "has_warnings": "false"},
    {"q": "Hai Phong", "has_warnings": "true"},
    {"q": "Hai Phong", "limit": "1", "offset": "1"},
    {"q": "heat pump", "country": "Viet Nam"},
    {"q": "QUOKKAZEBRA"},
    {"q": "Hai Phong QUOKKAZEBRA"},
]


@pytest.fixture
def service(tmp_path, database_url) -> Iterator[Service]:
    client, settings = start_service(tmp_path / "data", database_url, anonymous_read=True)
    with client:
        catalog = client.app.state.application.archive.catalog
        keys = {role.value: create_key(catalog, role)[1] for role in Role}
        service = Service(client, keys, settings)
        for name, text in [
            (PUBLIC_NAME, PUBLIC_PDD),
            ("en_haiphong_lighting_news.txt", PRESS_RELEASE),
            ("en_mongolia_pdd.txt", MONGOLIA_PDD.format(reduction="1,200")),
            ("th_summary.txt", THAI_SUMMARY),
            ("ja_hanoi_chiller_pdd.txt", JAPANESE_PDD),
        ]:
            assert service.ingest(name, text.encode())["status"] == "done"
        yield service


def answers(service: Service, role: str | None) -> list[dict]:
    """The whole answer to every query: hits with their scores, order and snippets, total, facets."""
    found = []
    for params in QUERIES:
        response = service.get("/search", role, params=params)
        assert response.status_code == 200, response.text
        found.append(response.json())
    return found


def public_answers(service: Service) -> dict[str | None, list[dict]]:
    return {role: answers(service, role) for role in ("public", None)}


@pytest.mark.parametrize("name", [PUBLIC_NAME, "en_haiphong_heatpump_pdd_confidential.txt"])
def test_a_confidential_document_changes_no_number_a_public_caller_sees(service: Service, name: str):
    before, insider_before = public_answers(service), answers(service, "reviewer")
    assert before["public"][0]["total"] >= 2 and before["public"][0]["hits"][0]["score"] > 0

    secret = service.ingest(name, CONFIDENTIAL_PDD.encode(), confidential=True)
    assert secret["status"] == "done"
    _check_insiders_see_it(service, secret["document_id"], insider_before)
    assert public_answers(service) == before

    # A reviewer's decision on the pair, then the confidential document removed: still nothing moves.
    public_id = service.get(f"/documents/{PUBLIC_NAME}", "public").json()["document"]["id"]
    decision = {"documents": [public_id, secret["document_id"]], "same": False, "note": "separate"}
    assert service.post("/projects/decisions", "reviewer", json=decision).status_code == 200
    assert public_answers(service) == before
    assert service.delete(f"/documents/{secret['document_id']}").status_code == 204
    assert public_answers(service) == before


def _check_insiders_see_it(service: Service, secret_id: str, insider_before: list[dict]) -> None:
    """The confidential document did move the statistics: an insider's answers changed, its hits are
    there, and a warning across it and the public PDD flags the public PDD for insiders."""
    insider_after = answers(service, "reviewer")
    assert insider_after != insider_before
    assert secret_id in {hit["document"]["id"] for hit in insider_after[0]["hits"]}
    warnings = service.get("/warnings", "reviewer", params={"document": secret_id}).json()["items"]
    assert any(len(warning["documents"]) == 2 for warning in warnings)
    flagged = service.get("/search", "reviewer", params={"q": "Hai Phong", "has_warnings": "true"}).json()
    assert PUBLIC_NAME in {hit["document"]["filename"] for hit in flagged["hits"]}
