"""Reviewers decide identity where the evidence cannot: a link or a separation through the API and the
projects page, kept across re-ingestion, with the warnings following at once."""
from __future__ import annotations

import re

from application.verify import verify_archive
from tests.conftest import MONGOLIA_PDD, MONGOLIA_SUMMARY
from tests.service.conftest import Service

# A plant report that names neither the project nor its country: no evidence ties it to the PDD.
PLANT_REPORT = """Operation report of the heat pump plant, fiscal year 2024
Emission reductions: {reduction} tCO2e per year.
"""


def ingested(service: Service, name: str, text: str) -> str:
    return service.ingest(name, text.encode())["document_id"]


def cross_document(service: Service) -> list[dict]:
    items = service.get("/warnings", params={"rule": "same_project_values"}).json()["items"]
    return items


def project_of(service: Service, document_id: str) -> dict | None:
    projects = service.get("/projects").json()["items"]
    return next((p for p in projects if document_id in {d["document"]["id"] for d in p["documents"]}), None)


def test_a_reviewer_links_what_the_evidence_cannot_and_the_link_outlives_reingestion(service: Service):
    pdd = ingested(service, "pdd_en.txt", MONGOLIA_PDD.format(reduction="1,200"))
    report = ingested(service, "plant_report.txt", PLANT_REPORT.format(reduction="1,450"))
    assert cross_document(service) == []
    assert project_of(service, report) is None  # it tells no project at all

    decision = {"documents": ["pdd_en.txt", "plant_report.txt"], "same": True, "note": "the same plant"}
    answer = service.post("/projects/decisions", "reviewer", json=decision)
    assert answer.status_code == 200, answer.text
    assert answer.json()["documents"] == sorted([pdd, report])
    [warning] = cross_document(service)
    assert {warning["expected"], warning["found"]} == {1200, 1450}
    joined = project_of(service, pdd)
    assert {d["document"]["id"] for d in joined["documents"]} == {pdd, report}
    [link] = joined["links"]
    assert link["decided_by"] == "reviewer"

    service.ingest("plant_report.txt", PLANT_REPORT.format(reduction="1,500").encode())
    [warning] = cross_document(service)
    assert {warning["expected"], warning["found"]} == {1200, 1500}

    assert service.delete(f"/projects/decisions/{pdd}/{report}", "reviewer").status_code == 204
    assert cross_document(service) == []
    assert service.get("/projects/decisions").json() == []


def test_a_reviewer_separates_what_the_evidence_joined_and_its_warning_goes(service: Service):
    pdd = ingested(service, "pdd_en.txt", MONGOLIA_PDD.format(reduction="1,200"))
    summary = service.ingest("summary_ja.txt", MONGOLIA_SUMMARY.format(reduction="1,500").encode())
    [warning] = cross_document(service)
    [link] = project_of(service, pdd)["links"]
    assert link["decided_by"] == "evidence"
    assert "same host country: Mongolia" in link["reasons"]

    decision = {"documents": [pdd, summary["document_id"]], "same": False, "note": "two hospitals"}
    assert service.post("/projects/decisions", "reviewer", json=decision).status_code == 200
    assert cross_document(service) == []
    assert len(project_of(service, pdd)["documents"]) == 1
    [kept] = service.get("/projects/decisions", "public").json()
    assert (kept["same"], kept["note"]) == (False, "two hospitals")

    archive = service.client.app.state.application.archive
    archive.derived.recheck_all()  # what `jcm reindex` recomputes from scratch still follows the decision
    assert cross_document(service) == []
    assert verify_archive(archive).ok


def test_only_reviewers_and_admins_decide(service: Service):
    service.ingest("pdd_en.txt", MONGOLIA_PDD.format(reduction="1,200").encode())
    service.ingest("plant_report.txt", PLANT_REPORT.format(reduction="1,450").encode())
    decision = {"documents": ["pdd_en.txt", "plant_report.txt"], "same": True}
    assert service.post("/projects/decisions", "public", json=decision).status_code == 403
    assert service.post("/projects/decisions", "secretariat", json=decision).status_code == 403
    assert service.post("/projects/decisions", None, json=decision).status_code == 401
    same_twice = {"documents": ["pdd_en.txt", "pdd_en.txt"], "same": True}
    assert service.post("/projects/decisions", "admin", json=same_twice).status_code == 422
    unknown = {"documents": ["pdd_en.txt", "missing.txt"], "same": True}
    assert service.post("/projects/decisions", "admin", json=unknown).status_code == 404
    assert service.get("/projects/decisions").json() == []


def test_the_projects_page_shows_facts_side_by_side_and_takes_a_decision(service: Service):
    pdd = ingested(service, "pdd_en.txt", MONGOLIA_PDD.format(reduction="1,200"))
    service.ingest("summary_ja.txt", MONGOLIA_SUMMARY.format(reduction="1,500").encode())
    report = ingested(service, "plant_report.txt", PLANT_REPORT.format(reduction="1,450"))
    client = service.client
    log_in(client, service.keys["reviewer"])
    page = client.get("/ui/projects")
    assert page.status_code == 200
    html = page.text
    row = re.search(r"emission reduction \(tCO2e/yr\)</th>(.*?)</tr>", html, re.S)
    assert row and ">1,200<" in row.group(1) and ">1,500<" in row.group(1)
    assert "same host country: Mongolia" in html
    assert "same_project_values" in html.replace(" ", "_")

    token = client.cookies.get("jcm_csrf")
    form = {"first": pdd, "second": report, "decision": "different", "note": "another site", "csrf": token}
    answer = client.post("/ui/projects/decisions", data=form, follow_redirects=False)
    assert answer.status_code == 303
    [kept] = service.get("/projects/decisions").json()
    assert (kept["same"], kept["note"]) == (False, "another site")
    assert "another site" in client.get("/ui/projects").text

    log_in(client, service.keys["public"])
    refused = client.post("/ui/projects/decisions", data={**form, "decision": "withdraw"})
    assert refused.status_code == 403


def log_in(client, key: str) -> None:
    """Log in through the pages' form, as a browser does (the cookie holds a session, not the key)."""
    client.get("/ui/login")
    form = {"key": key, "csrf": client.cookies["jcm_csrf"]}
    assert client.post("/ui/login", data=form, follow_redirects=False).status_code == 303
