"""The API for client programs: facts by what they state, projects across documents, exports,
stable pagination and an OpenAPI description of every field."""

import csv
import io
from datetime import date

import pytest

from corpus.filters import overlaps, period_bounds
from tests.conftest import MONGOLIA_PDD, MONGOLIA_SUMMARY, THAI_SUMMARY
from tests.service.conftest import Service

ENGLISH = MONGOLIA_PDD.format(reduction="1,200") + "Total project cost: 350 million JPY.\n"
JAPANESE = MONGOLIA_SUMMARY.format(reduction="1,500")
MONITORING = """Monitoring report: rooftop solar power at a dairy factory in Ulaanbaatar, Mongolia
Monitoring period: 2023-04-01 to 2024-03-31
Emission reductions in the monitoring period were 812 tCO2e.
"""


@pytest.fixture
def loaded(service: Service) -> Service:
    for name, text in (
        ("pdd_en.txt", ENGLISH),
        ("summary_ja.txt", JAPANESE),
        ("th_summary.txt", THAI_SUMMARY),
        ("mr_solar.txt", MONITORING),
    ):
        assert service.ingest(name, text.encode())["status"] == "done"
    return service


def facts(service: Service, **params) -> list[dict]:
    response = service.get("/facts", "public", params={"limit": 1000, **params})
    assert response.status_code == 200, response.text
    return response.json()["items"]


def test_facts_by_kind_unit_language_country_and_document(loaded: Service):
    assert {f["kind"] for f in facts(loaded, kind="emission_reduction")} == {"emission_reduction"}
    assert {f["unit"] for f in facts(loaded, unit="tCO2e/yr")} == {"tCO2e/yr"}
    assert {f["language"] for f in facts(loaded, language="th")} == {"th"}
    assert {f["document"]["filename"] for f in facts(loaded, language="ja")} == {"summary_ja.txt"}
    mongolian = {f["document"]["filename"] for f in facts(loaded, country="Mongolia")}
    assert {"pdd_en.txt", "summary_ja.txt"} <= mongolian and "th_summary.txt" not in mongolian
    assert {f["document"]["filename"] for f in facts(loaded, document="pdd_en.txt")} == {"pdd_en.txt"}


def test_facts_by_value_range_and_period(loaded: Service):
    values = [f["value"] for f in facts(loaded, min_value=1000, max_value=1500)]
    assert values and all(1000 <= v <= 1500 for v in values) and 1200 in values
    monitored = facts(loaded, **{"from": "2024-01-01", "to": "2024-01-31"})
    assert [f["value"] for f in monitored if f["kind"] == "emission_reduction"] == [812]
    assert [f["value"] for f in facts(loaded, year=2023) if f["kind"] == "emission_reduction"] == [812]
    assert [f for f in facts(loaded, year=2019) if f["kind"] == "emission_reduction"] == []


def test_facts_by_project_subject(loaded: Service):
    subjects = {f["subject"] for f in facts(loaded) if f["subject"]}
    some = sorted(subjects)[0]
    found = facts(loaded, project=some[:6])
    assert found and all(some[:6].casefold() in f["subject"].casefold() for f in found)


def test_pages_are_stable_and_cover_every_fact_once(loaded: Service):
    every = facts(loaded)
    pages = [
        loaded.get("/facts", "public", params={"limit": 3, "offset": o}).json()
        for o in range(0, len(every), 3)
    ]
    assert [f["id"] + f["document"]["id"] for p in pages for f in p["items"]] == [
        f["id"] + f["document"]["id"] for f in every
    ]
    assert {p["total"] for p in pages} == {len(every)} and {p["limit"] for p in pages} == {3}
    assert facts(loaded) == every


def test_csv_and_json_exports_of_facts_and_warnings(loaded: Service):
    exported = loaded.get("/facts/export", "public", params={"kind": "emission_reduction"})
    assert exported.headers["content-disposition"] == 'attachment; filename="facts.csv"'
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert len(rows) == len(facts(loaded, kind="emission_reduction")) and {r["kind"] for r in rows} == {
        "emission_reduction"
    }
    as_json = loaded.get("/facts/export", "public", params={"format": "json"}).json()
    assert len(as_json) == len(facts(loaded))
    warnings_csv = list(csv.DictReader(io.StringIO(loaded.get("/warnings/export", "public").text)))
    assert {"sum_of_parts", "same_project_values"} <= {r["rule"] for r in warnings_csv}
    assert loaded.get("/warnings/export", "public", params={"format": "json", "rule": "sum_of_parts"}).json()


def test_projects_are_resolved_across_languages_with_each_documents_facts(loaded: Service):
    projects = loaded.get("/projects", "public").json()
    [hospital] = [
        p
        for p in projects["items"]
        if {"pdd_en.txt", "summary_ja.txt"} <= {d["document"]["filename"] for d in p["documents"]}
    ]
    assert hospital["country"] == "Mongolia"
    by_file = {d["document"]["filename"]: d["facts"] for d in hospital["documents"]}
    assert 1200 in {f["value"] for f in by_file["pdd_en.txt"]}
    assert 1500 in {f["value"] for f in by_file["summary_ja.txt"]}
    assert all(
        p["country"] == "Mongolia"
        for p in loaded.get("/projects", "public", params={"country": "mongolia"}).json()["items"]
    )
    assert loaded.get("/projects", "public").json() == projects  # cached and stable


@pytest.mark.parametrize(
    ("period", "bounds"),
    [
        ("2023", (date(2023, 1, 1), date(2023, 12, 31))),
        ("2024-02", (date(2024, 2, 1), date(2024, 2, 29))),
        ("2023-04-01/2024-03-31", (date(2023, 4, 1), date(2024, 3, 31))),
        ("2020/2022", (date(2020, 1, 1), date(2022, 12, 31))),
        ("FY2023", None),
        (None, None),
    ],
)
def test_period_bounds(period, bounds):
    assert period_bounds(period) == bounds


def test_a_fact_without_a_period_matches_no_period_filter():
    assert not overlaps(None, (date(2020, 1, 1), date(2020, 12, 31)))
    assert overlaps("2020-12", (date(2020, 12, 31), date(2021, 1, 1)))


def test_openapi_describes_every_field_and_the_key(service: Service):
    spec = service.get("/openapi.json", None).json()
    schemas = spec["components"]["schemas"]
    assert {"Fact", "Document", "Warning", "SearchHit", "Job", "Project", "Evidence", "DocumentRef"} <= set(
        schemas
    )
    for name, schema in schemas.items():
        missing = [
            field for field, value in schema.get("properties", {}).items() if "description" not in value
        ]
        assert not missing, f"{name}: {missing} have no description"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            bare = [p["name"] for p in operation.get("parameters", []) if "description" not in p]
            assert not bare, f"{method} {path}: parameters {bare} have no description"
    assert schemas["Fact"]["properties"]["kind"]["examples"] == ["emission_reduction"]
    assert spec["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"
    facts = {p["name"] for p in spec["paths"]["/facts"]["get"]["parameters"]}
    assert {
        "kind",
        "unit",
        "country",
        "project",
        "document",
        "language",
        "min_value",
        "max_value",
        "year",
        "from",
        "to",
        "limit",
        "offset",
    } <= facts
    assert {"/projects", "/jobs/{job_id}", "/facts/export", "/warnings/export", "/keys"} <= set(spec["paths"])
