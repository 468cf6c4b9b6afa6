"""One catalog's worth of everything the catalog keeps, and the answers of every reader over it: what
the migration and backend tests compare. Subjects, countries and periods are chosen where Python's
case folding and period reading differ from what SQL alone would do (ß, final sigma, dotted I,
full-width letters, Thai, periods of months, ranges and unreadable ones)."""
from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from typing import Any

from corpus.filters import FactQuery, JobQuery, WarningQuery, Window
from corpus.models import (
    Block,
    Document,
    DocumentRef,
    Evidence,
    Fact,
    Job,
    PageInfo,
    ProfileRow,
    ProjectDecision,
)
from corpus.models import ConsistencyWarning as CatalogWarning
from corpus.store import KeyRecord, document_id_for, fact_rows, sha256_of

MOMENT = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
# (file name, confidential, countries, [(subject, period, page, language)])
DOCUMENTS = [
    ("thai_pdd.txt", False, ["Thailand"], [
        ("Ayutthaya SOLAR rooftop", "2023", 1, "en"),
        ("โครงการพลังงานแสงอาทิตย์ อยุธยา", "2023-04/2024-03", 2, "th"),
        (None, "FY2023", 2, "en"),
    ]),
    ("mongolia_report.txt", False, ["MONGOLIA", "Japan"], [
        ("heat pumps in THAILAND's sister city", "2020/2022", 1, "en"),
        ("Große STRASSE boiler", "2024-02", 1, "en"),
        ("ΣΊΣΥΦΟΣ plant", "2019-12-31", 3, "en"),
    ]),
    ("ｊａｐａｎ＿news.txt", False, ["Viet Nam"], [
        ("ＡＢＣ 太陽光 発電所", "2021", 1, "ja"),
        ("İstanbul office", None, 1, "en"),
    ]),
    ("thai_pdd.txt", True, ["thailand"], [
        ("Ayutthaya solar rooftop (confidential annex)", "2023", 1, "en"),
    ]),
]
FACT_QUERIES = [
    FactQuery(),
    FactQuery(project="solar"),
    FactQuery(project="SOLAR"),
    FactQuery(project="strasse"),
    FactQuery(project="große"),
    FactQuery(project="σίσυφος"),
    FactQuery(project="abc"),
    FactQuery(project="ａｂｃ"),
    FactQuery(project="istanbul"),
    FactQuery(project="i̇stanbul"),
    FactQuery(project="อยุธยา"),
    FactQuery(country="thailand"),
    FactQuery(country="THAILAND"),
    FactQuery(country="mongolia"),
    FactQuery(country="viet nam"),
    FactQuery(country="japan"),
    FactQuery(year=2023),
    FactQuery(year=2021),
    FactQuery(year=2024),
    FactQuery(start=date(2024, 2, 29)),
    FactQuery(end=date(2019, 12, 31)),
    FactQuery(start=date(2020, 1, 1), end=date(2020, 1, 1)),
    FactQuery(language="th"),
    FactQuery(kind="emission_reduction", min_value=2, max_value=5),
    FactQuery(country="thailand", year=2023, project="ayutthaya"),
]


def stored_document(name: str, confidential: bool, countries: list[str], ordinal: int) -> Document:
    return Document(
        id=document_id_for(name, confidential), filename=name, sha256=sha256_of(f"{name}{ordinal}".encode()),
        media_type="text/plain", size=10 + ordinal, pages=3, languages=["en", "th", "ja"],
        countries=countries, confidential=confidential, ingested_at=MOMENT,
    )


def stored_fact(owner: Document, number: int, subject: str | None, period: str | None, page: int,
                language: str) -> Fact:
    return Fact(
        id=f"f{number}", document=DocumentRef(id=owner.id, filename=owner.filename),
        kind="emission_reduction" if number % 3 else "project_cost", value=float(number),
        unit="tCO2e/yr" if number % 3 else "JPY", subject=subject, period=period, language=language,
        evidence=Evidence(page=page, text=f"fact {number}", start=number, end=number + 1, block=0),
    )


def warning(number: int, severity: str, rule: str, *owners: Document) -> CatalogWarning:
    return CatalogWarning(
        id=f"w-{number:03}", rule=rule, severity=severity,
        documents=[DocumentRef(id=d.id, filename=d.filename) for d in owners],
        facts=[], expected=1, found=2, tolerance=0, message=f"warning {number}",
    )


def fill(catalog: Any) -> list[Document]:
    """Store the sample in a catalog (of today's code or of an earlier release: the same calls)."""
    documents, number = [], 0
    for ordinal, (name, confidential, countries, facts) in enumerate(DOCUMENTS):
        owner = stored_document(name, confidential, countries, ordinal)
        stated = []
        # Stated in an order other than their ids', so that the facts' own order is what is kept.
        for subject, period, page, language in reversed(facts):
            number += 1
            stated.append(stored_fact(owner, number, subject, period, page, language))
        blocks = [
            Block(page=1, text=f"{name} block {i}", index=i, start=i * 20, end=i * 20 + 5, language="en")
            for i in range(3)
        ]
        profile = ProfileRow(countries[0], '{"version": 3}', (f"country:{countries[0].casefold()}",))
        catalog.save_document(owner, [PageInfo(number=p) for p in (1, 2, 3)], blocks, fact_rows(stated),
                              profile)
        documents.append(owner)
    thai, mongolian, news, secret = documents
    catalog.replace_warnings([
        warning(1, "error", "sum_of_parts", thai),
        warning(2, "warning", "same_project_values", thai, mongolian),
        warning(3, "info", "count_listed", news),
        warning(4, "warning", "same_project_values", thai, secret),
    ])
    catalog.review_warning("w-002", "dismissed", "rounded")
    catalog.save_decision(ProjectDecision(documents=sorted([thai.id, mongolian.id]), same=False,
                                          note="other site", decided_at=MOMENT))
    catalog.add_key(KeyRecord("k1", "reader", "public", "hash-1", MOMENT.isoformat()))
    catalog.save_job(Job(id="j-1", filename="thai_pdd.txt", status="done", created_at=MOMENT,
                         updated_at=MOMENT))
    catalog.clear_pending([mongolian.id])
    return documents


def answers(catalog: Any) -> dict[str, object]:
    """What every reader answers over the sample, as plain values."""
    ids = [d.id for d in catalog.list_documents(include_confidential=True)]
    found: dict[str, object] = {
        "documents": dump(catalog.list_documents(include_confidential=True)),
        "public documents": dump(catalog.list_documents()),
        "facts": dump(catalog.facts(include_confidential=True)),
        "facts of a kind": dump(catalog.facts(kind="project_cost", include_confidential=True)),
        "pages": {i: dump(catalog.pages(i)) for i in ids},
        "blocks": {i: dump(catalog.blocks(i)) for i in ids},
        "on pages": {str(k): dump(v) for k, v in catalog.facts_on_pages(
            [(i, page) for i in ids for page in (1, 2, 3)], include_confidential=True).items()},
        "warnings": dump(catalog.warnings(include_confidential=True)),
        "public warnings": dump(catalog.warnings()),
        "dismissed": dump(catalog.find_warnings(WarningQuery(status="dismissed"))),
        "flags": [sorted(flag) for flag in catalog.warning_flags()],
        "decisions": dump(catalog.decisions(include_confidential=True)),
        "profiles": {k: (v[0].model_dump(), v[1], v[2]) for k, v in catalog.profiles(ids).items()},
        "profile keys": sorted(catalog.profile_keys(ids)),
        "without profile": catalog.documents_without_profile(4),
        "keys": [dataclasses.astuple(record) for record in catalog.api_keys()],
        "jobs": dump(catalog.find_jobs(JobQuery(), Window(10, 0))),
        "pending": sorted(catalog.pending_refresh()),
        "identify": [catalog.identify(name, confidential) for name, confidential, *_ in DOCUMENTS],
        "by name": dump([catalog.find_document("thai_pdd.txt", include_confidential=True)]),
        "problems": catalog.integrity_problems(),
    }
    for query in FACT_QUERIES:
        for viewer in (False, True):
            facts = catalog.find_facts(query, include_confidential=viewer)
            count = catalog.count_facts(query, include_confidential=viewer)
            found[f"{query} {viewer}"] = (dump(facts), count)
    return found


def dump(items: list[Any]) -> list[object]:
    return [item.model_dump(mode="json") if item is not None else None for item in items]
