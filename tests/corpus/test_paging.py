"""Lists paged in SQL: the catalog answers a typed query a window at a time, counts its total itself, and
neither the rows nor the total of a public caller ever include a confidential document's."""
from datetime import UTC, date, datetime

import pytest

from corpus.filters import FactQuery, JobQuery, WarningQuery, Window
from corpus.models import ConsistencyWarning, Document, DocumentRef, Evidence, Fact, Job
from corpus.store import Catalog, document_id_for, fact_rows, sha256_of

PUBLIC = {"include_confidential": False}
INSIDER = {"include_confidential": True}


def document(filename: str, countries: list[str], confidential: bool = False) -> Document:
    return Document(
        id=document_id_for(filename, confidential), filename=filename, sha256=sha256_of(filename.encode()),
        media_type="text/plain", size=1, pages=1, languages=["en"], countries=countries,
        confidential=confidential, ingested_at=datetime.now(UTC),
    )


def fact(owner: Document, number: int, **fields: object) -> Fact:
    values = {
        "kind": "emission_reduction", "value": float(number), "unit": "tCO2e/yr", "language": "en",
        **fields,
    }
    return Fact(
        id=f"f{number}", document=DocumentRef(id=owner.id, filename=owner.filename),
        evidence=Evidence(page=1, text="x", start=number, end=number + 1, block=0), **values,
    )


def warning(number: int, severity: str, rule: str, *owners: Document) -> ConsistencyWarning:
    return ConsistencyWarning(
        id=f"w-{number:03}", rule=rule, severity=severity,
        documents=[DocumentRef(id=d.id, filename=d.filename) for d in owners],
        facts=[], expected=1, found=2, tolerance=0, message="m",
    )


@pytest.fixture
def catalog(open_catalog, tmp_path) -> Catalog:
    """Two public documents and a confidential one, each with facts and warnings."""
    made = open_catalog(tmp_path / "data")
    thai, mongolian = document("thai.txt", ["Thailand"]), document("mongolia.txt", ["Mongolia"])
    secret = document("secret.txt", ["Thailand"], confidential=True)
    facts = [
        (thai, [fact(thai, n) for n in range(1, 8)]
         + [fact(thai, 8, subject="Ayutthaya solar", period="2023"), fact(thai, 9, language="th")]),
        (mongolian, [fact(mongolian, 10, subject="heat pumps in THAILAND's sister city", period="2020/2022"),
                     fact(mongolian, 11, unit="JPY", kind="project_cost")]),
        (secret, [fact(secret, n) for n in range(20, 25)] + [fact(secret, 25, subject="Ayutthaya solar")]),
    ]
    for owner, stated in facts:
        made.save_document(owner, [], [], fact_rows(stated))
    made.replace_warnings([
        warning(1, "error", "sum_of_parts", thai),
        warning(2, "warning", "sum_of_parts", thai),
        warning(3, "warning", "same_project_values", thai, mongolian),
        warning(4, "error", "sum_of_parts", secret),
        warning(5, "warning", "same_project_values", thai, secret),
    ])
    return made


def test_a_window_of_facts_is_that_slice_of_the_whole_list(catalog: Catalog):
    everything = catalog.find_facts(FactQuery(), **INSIDER)
    assert len(everything) == catalog.count_facts(FactQuery(), **INSIDER) == 17
    pages = [catalog.find_facts(FactQuery(), Window(5, offset), **INSIDER) for offset in range(0, 20, 5)]
    assert [f.id for page in pages for f in page] == [f.id for f in everything]
    assert catalog.find_facts(FactQuery(), Window(5, 100), **INSIDER) == []


def test_a_public_caller_counts_only_public_facts(catalog: Catalog):
    assert catalog.count_facts(FactQuery(), **PUBLIC) == 11
    found = catalog.find_facts(FactQuery(), Window(50, 0), **PUBLIC)
    assert len(found) == 11 and not any(f.value >= 20 for f in found)
    words = FactQuery(project="ayutthaya")
    assert catalog.count_facts(words, **PUBLIC) == 1 and catalog.count_facts(words, **INSIDER) == 2
    secret = catalog.find_document("secret.txt", **INSIDER)
    assert secret is not None
    assert catalog.count_facts(FactQuery(document_id=secret.id), **PUBLIC) == 0
    assert catalog.find_facts(FactQuery(document_id=secret.id), **PUBLIC) == []


@pytest.mark.parametrize(
    ("query", "values"),
    [
        (FactQuery(kind="project_cost"), [11]),
        (FactQuery(unit="JPY"), [11]),
        (FactQuery(language="th"), [9]),
        (FactQuery(min_value=8, max_value=10), [8, 9, 10]),
        (FactQuery(project="SOLAR"), [8]),
        (FactQuery(year=2021), [10]),
        (FactQuery(start=date(2023, 6, 1)), [8]),
        (FactQuery(end=date(2020, 1, 1)), [10]),
        # the subject names the country (any case), or the fact's document is about it
        (FactQuery(country="thailand", min_value=8), [8, 9, 10]),
        (FactQuery(country="Mongolia"), [10, 11]),
    ],
)
def test_fact_filters_are_applied_in_sql_before_the_window(catalog: Catalog, query: FactQuery, values):
    found = catalog.find_facts(query, Window(50, 0), **PUBLIC)
    assert sorted(f.value for f in found) == values
    assert catalog.count_facts(query, **PUBLIC) == len(values)
    assert [f.value for f in catalog.find_facts(query, Window(1, 1), **PUBLIC)] == [
        f.value for f in found[1:2]
    ]


def test_warnings_are_paged_and_counted_for_what_the_caller_may_see(catalog: Catalog):
    # the confidential document's own warning and the one it shares with a public document are never
    # counted for a public caller
    assert catalog.count_warnings(WarningQuery(), **PUBLIC) == 3
    assert catalog.count_warnings(WarningQuery(), **INSIDER) == 5
    everything = catalog.find_warnings(WarningQuery(), **PUBLIC)
    assert [w.id for w in everything] == ["w-001", "w-003", "w-002"]  # severity, rule, id
    assert catalog.find_warnings(WarningQuery(), Window(1, 1), **PUBLIC) == everything[1:2]
    assert catalog.count_warnings(WarningQuery(rule="sum_of_parts"), **PUBLIC) == 2
    assert catalog.count_warnings(WarningQuery(severity="error"), **INSIDER) == 2


def test_warnings_of_a_document_and_of_a_review_status(catalog: Catalog):
    mongolian = catalog.find_document("mongolia.txt")
    assert mongolian is not None
    of_mongolia = WarningQuery(document_id=mongolian.id)
    assert [w.id for w in catalog.find_warnings(of_mongolia, **PUBLIC)] == ["w-003"]
    catalog.review_warning("w-002", "dismissed", "rounded")
    dismissed = WarningQuery(status="dismissed")
    assert [w.id for w in catalog.find_warnings(dismissed, **PUBLIC)] == ["w-002"]
    assert catalog.count_warnings(WarningQuery(status="open"), **PUBLIC) == 2
    assert all(dismissed.matches(w) for w in catalog.find_warnings(dismissed, **INSIDER))


def test_jobs_are_paged_oldest_first_and_counted_by_status(catalog: Catalog):
    for number in range(7):
        moment = datetime(2026, 1, 1, 0, number, tzinfo=UTC)
        status = "done" if number % 2 else "failed"
        catalog.save_job(Job(id=f"j-{number}", filename="a.txt", status=status, created_at=moment,
                             updated_at=moment))
    assert [j.id for j in catalog.find_jobs(JobQuery(), Window(3, 2))] == ["j-2", "j-3", "j-4"]
    assert catalog.count_jobs(JobQuery()) == 7 and catalog.count_jobs(JobQuery("done")) == 3
    assert [j.id for j in catalog.find_jobs(JobQuery("done"), Window(2, 1))] == ["j-3", "j-5"]
