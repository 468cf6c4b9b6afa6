import csv
import io
import json

import pytest

from tests.conftest import THAI_SUMMARY, english_docx, english_pdf
from tests.service.conftest import Service


@pytest.fixture
def client(service: Service) -> Service:
    return service


def upload(client: Service, name: str, data: bytes) -> dict:
    return client.ingest(name, data)


def test_upload_then_read_document_facts_file_and_warnings(client):
    job = upload(client, "th_summary.txt", THAI_SUMMARY.encode("utf-8"))
    assert (job["status"], job["outcome"]) == ("done", "ingested"), job
    document_id = job["document_id"]

    listing = client.get("/documents").json()
    assert listing["total"] == 1 and listing["items"][0]["filename"] == "th_summary.txt"

    detail = client.get(f"/documents/{document_id}").json()
    assert detail["document"]["languages"] == ["th"]
    assert detail["facts"] > 0 and detail["warnings"][0]["rule"] == "sum_of_parts"

    original = client.get(f"/documents/{document_id}/file")
    assert original.content == THAI_SUMMARY.encode("utf-8")

    facts = client.get("/facts", params={"document": "th_summary.txt", "kind": "emission_reduction"}).json()
    assert facts["total"] >= 4 and all(f["kind"] == "emission_reduction" for f in facts["items"])

    warnings = client.get("/warnings").json()["items"]
    reviewed = client.post(f"/warnings/{warnings[0]['id']}/review",
                           json={"status": "dismissed", "note": "rounding in the source"}).json()
    assert (reviewed["status"], reviewed["note"]) == ("dismissed", "rounding in the source")


def test_same_upload_twice_is_unchanged(client):
    data = english_docx()  # built once: a DOCX carries its save time
    first = upload(client, "notice.docx", data)
    second = upload(client, "notice.docx", data)
    assert (first["outcome"], second["outcome"]) == ("ingested", "unchanged")
    assert client.get("/documents").json()["total"] == 1


def test_facts_as_csv_and_pagination(client):
    upload(client, "notice.docx", english_docx())
    upload(client, "report.pdf", english_pdf(pages=3))
    rows = list(csv.DictReader(io.StringIO(client.get("/facts", params={"format": "csv"}).text)))
    assert {r["filename"] for r in rows} == {"notice.docx", "report.pdf"}
    every = client.get("/facts", params={"limit": 1000}).json()
    page = client.get("/facts", params={"limit": 2, "offset": 1}).json()
    assert page["items"] == every["items"][1:3] and page["total"] == every["total"]


def test_search_returns_highlighted_hits_with_pages(client):
    upload(client, "report.pdf", english_pdf(pages=3))
    result = client.get("/search", params={"q": "solar dairy"}).json()
    assert result["total"] >= 3
    hit = result["hits"][0]
    assert hit["document"]["filename"] == "report.pdf" and hit["page"] in {1, 2, 3}
    assert "<mark>" in hit["snippet"]


def test_search_hits_carry_the_facts_of_their_passage(client):
    upload(client, "report.pdf", english_pdf(pages=3))
    upload(client, "notice.docx", english_docx())
    facts = client.get("/facts", params={"limit": 1000}).json()["items"]
    hits = client.get("/search", params={"q": "emission reductions", "limit": 50}).json()["hits"]

    for hit in hits:
        expected = [
            fact for fact in facts
            if fact["document"]["id"] == hit["document"]["id"] and fact["evidence"]["page"] == hit["page"]
            and hit["block"] in (-1, fact["evidence"]["block"])
        ]
        assert hit["facts"] == expected
    stated = [hit for hit in hits if hit["document"]["filename"] == "report.pdf" and "tCO2" in hit["text"]]
    assert stated and all(
        [fact["value"] for fact in hit["facts"]] == [1200 + hit["page"]] for hit in stated
    )


@pytest.mark.parametrize(
    ("method", "path", "status", "role"),
    [("get", "/documents/nope", 404, "admin"), ("get", "/documents/nope/file", 404, "admin"),
     ("get", "/search", 422, "admin"), ("get", "/facts?limit=0", 422, "admin"),
     ("post", "/warnings/nope/review", 422, "admin"), ("get", "/documents", 401, None),
     ("post", "/warnings/nope/review", 403, "public"), ("get", "/jobs/nope", 404, "admin")],
)
def test_every_error_has_the_same_shape(client, method, path, status, role):
    response = getattr(client, method)(path, role)
    assert response.status_code == status
    error = response.json()["error"]
    assert error["status"] == status and error["message"] and error["code"]


def test_unreadable_upload_fails_its_job_with_the_reason_and_changes_nothing(client):
    upload(client, "notice.docx", english_docx())
    job = upload(client, "fake.docx", b"PK\x03\x04 this is not a real zip")
    assert job["status"] == "failed" and job["reason"]
    assert [d["status"] for d in client.get("/documents").json()["items"]].count("ingested") == 1


def test_health_and_openapi(client):
    assert client.get("/health", None).json()["status"] == "ok"
    spec = client.get("/openapi.json").json()
    assert {"/documents", "/search", "/facts", "/warnings", "/health"} <= set(spec["paths"])


def test_openapi_states_the_fact_kinds_and_units_as_enums(client):
    spec = client.get("/openapi.json").json()
    fact = spec["components"]["schemas"]["Fact"]["properties"]
    assert {"emission_reduction", "energy", "other", "exchange_rate"} <= set(fact["kind"]["enum"])
    assert not {"amount", "share", "emissions"} & set(fact["kind"]["enum"])
    units = next(choice["enum"] for choice in fact["unit"]["anyOf"] if "enum" in choice)
    assert {"tCO2e", "tCO2e/yr", "USD", "MWh", "MWh/yr", "kW", "count", "%"} <= set(units)
    assert "$" not in units
    kind_filter = next(p for p in spec["paths"]["/facts"]["get"]["parameters"] if p["name"] == "kind")
    assert "energy" in json.dumps(kind_filter["schema"])


def test_search_on_an_unreachable_elasticsearch_is_a_503_without_its_address(tmp_path):
    import socket

    from application.access import Role, create_key
    from tests.service.conftest import start_service

    with socket.socket() as probe:  # a port nothing listens on once the probe is closed
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}"
    client, _ = start_service(tmp_path / "data", search_backend="elasticsearch", es_url=url)
    with client:
        key = create_key(client.app.state.application.archive.catalog, Role("public"))[1]
        response = client.get("/search", params={"q": "boiler"}, headers={"Authorization": f"Bearer {key}"})
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable" and url not in response.text


def test_a_search_the_cluster_fails_midway_is_a_503_without_its_address(tmp_path):
    """The index opened fine; then the cluster answers a search with a server error (the scripted
    server of tests/indices/scripted_es.py, over real HTTP)."""
    from application.access import Role, create_key
    from tests.indices.scripted_es import scripted_elasticsearch, server_error
    from tests.service.conftest import start_service

    with scripted_elasticsearch() as (url, cluster):
        cluster.script("POST", r"/[^/]+/_search", server_error(500))
        cluster.script("POST", "/_msearch", server_error(500))
        secret_url = url.replace("http://", "http://elastic:s3cret@")
        client, _ = start_service(tmp_path / "data", search_backend="elasticsearch", es_url=secret_url)
        with client:
            key = create_key(client.app.state.application.archive.catalog, Role("public"))[1]
            response = client.get("/search", params={"q": "kiln"}, headers={"Authorization": f"Bearer {key}"})
        searched = cluster.sent("POST", r"/[^/]+/_search")
    assert searched, "the index was opened and searched"
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "unavailable"
    assert "s3cret" not in response.text and url not in response.text
