"""Reads for clients, filtered for a viewer: facts by what they state, and projects across documents.

Both go through the catalog's include_confidential, so a viewer who may not see confidential
documents never gets their facts, nor a project resolved with their help.
"""

from __future__ import annotations

import calendar
import hashlib
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from checks.projects import (
    Decisions,
    Signature,
    decisions_by_pair,
    group_projects,
    load_profile,
    profile_of,
    stored_profile,
)
from corpus.models import Document, DocumentRef, Fact, Project, ProjectDocument, ProjectLink, Warning
from corpus.store import Catalog, document_ref


@dataclass(frozen=True)
class FactQuery:
    """What facts are asked for; every field left None is no condition."""

    document_id: str | None = None
    kind: str | None = None
    unit: str | None = None
    language: str | None = None
    country: str | None = None
    project: str | None = None
    min_value: float | None = None
    max_value: float | None = None
    year: int | None = None
    start: date | None = None  # the period must overlap [start, end]
    end: date | None = None

    @property
    def period(self) -> tuple[date, date] | None:
        if self.year is not None:
            return date(self.year, 1, 1), date(self.year, 12, 31)
        if self.start is None and self.end is None:
            return None
        return self.start or date.min, self.end or date.max


def matching_warnings(
    warnings: Iterable[Warning],
    severity: str | None = None,
    status: str | None = None,
    rule: str | None = None,
) -> list[Warning]:
    """The warnings of this severity, review status and rule; None is no condition."""
    return [
        w
        for w in warnings
        if (severity is None or w.severity == severity)
        and (status is None or w.status == status)
        and (rule is None or w.rule == rule)
    ]


def select_facts(catalog: Catalog, query: FactQuery, *, include_confidential: bool) -> list[Fact]:
    """Facts matching the query in a stable order (document id, then as the document states them)."""
    found = catalog.facts(
        document_id=query.document_id,
        kind=query.kind,
        unit=query.unit,
        min_value=query.min_value,
        max_value=query.max_value,
        include_confidential=include_confidential,
    )
    # Only the country filter reads the documents (a fact may be about its document's country).
    listed = catalog.list_documents(include_confidential=include_confidential) if query.country else []
    documents = {d.id: d for d in listed}
    return [fact for fact in found if _matches(fact, query, documents)]


def _matches(fact: Fact, query: FactQuery, documents: dict[str, Document]) -> bool:
    if query.language and fact.language != query.language:
        return False
    if query.project and query.project.casefold() not in (fact.subject or "").casefold():
        return False
    if query.country and not about_country(fact, query.country, documents.get(fact.document.id)):
        return False
    wanted = query.period
    return wanted is None or overlaps(fact.period, wanted)


def about_country(fact: Fact, country: str, document: Document | None) -> bool:
    """The fact's subject names the country, or its document is about it."""
    wanted = country.casefold()
    if fact.subject and wanted in fact.subject.casefold():
        return True
    return document is not None and any(wanted == c.casefold() for c in document.countries)


def period_bounds(period: str | None) -> tuple[date, date] | None:
    """First and last day of a fact's period: 2023, 2023-04, 2023-04-01, or two of them joined by /."""
    if not period:
        return None
    first, _, last = period.partition("/")
    start, end = _day_bounds(first.strip()), _day_bounds((last or first).strip())
    if start is None or end is None:
        return None
    return start[0], end[1]


def _day_bounds(text: str) -> tuple[date, date] | None:
    parts = text.split("-")
    try:
        numbers = [int(part) for part in parts]
        if len(numbers) == 1:
            return date(numbers[0], 1, 1), date(numbers[0], 12, 31)
        if len(numbers) == 2:
            last_day = calendar.monthrange(numbers[0], numbers[1])[1]
            return date(numbers[0], numbers[1], 1), date(numbers[0], numbers[1], last_day)
        if len(numbers) == 3:
            day = date(*numbers)
            return day, day
    except ValueError:
        return None
    return None


def overlaps(period: str | None, wanted: tuple[date, date]) -> bool:
    """Whether a fact's period overlaps the wanted days; a fact without a period does not."""
    bounds = period_bounds(period)
    return bounds is not None and bounds[0] <= wanted[1] and wanted[0] <= bounds[1]


# ---------------------------------------------------------------- projects


class ProjectResolver:
    """Projects across the documents a viewer may see, resolved with checks.projects and cached until
    the documents change."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._cache: dict[bool, tuple[tuple, list[Project]]] = {}
        self._lock = threading.Lock()

    def projects(self, *, include_confidential: bool) -> list[Project]:
        documents = [
            d
            for d in self.catalog.list_documents(include_confidential=include_confidential)
            if d.status == "ingested"
        ]
        decisions = self.catalog.decisions(include_confidential=include_confidential)
        versions = tuple((d.id, d.sha256, d.version) for d in documents)
        key = (versions, tuple(d.model_dump_json() for d in decisions))
        with self._lock:
            cached = self._cache.get(include_confidential)
            if cached is None or cached[0] != key:
                cached = self._cache[include_confidential] = (
                    key,
                    self._resolve(documents, include_confidential, decisions_by_pair(decisions)),
                )
        return cached[1]

    def _resolve(
        self, documents: list[Document], include_confidential: bool, decisions: Decisions
    ) -> list[Project]:
        every = self.catalog.facts(include_confidential=include_confidential)
        by_document: dict[str, list[Fact]] = {d.id: [] for d in documents}
        for fact in every:
            by_document.setdefault(fact.document.id, []).append(fact)
        kept = self.catalog.profiles([d.id for d in documents])
        signatures = {d.id: self._signature(d, kept.get(d.id), by_document[d.id]) for d in documents}
        known = {d.id: d for d in documents}
        return [
            _project(group, links, known, by_document, signatures)
            for group, links in group_projects(signatures, decisions)
        ]

    def _signature(
        self, document: Document, kept: tuple[DocumentRef, str | None, str] | None, facts: list[Fact]
    ) -> Signature:
        """The document's project signature as the checks across documents keep it; one stored before
        profiles were kept is computed the same way."""
        ref = document_ref(document)
        if kept is not None:
            return load_profile(ref, kept[2])[1]
        profile = profile_of(ref, self.catalog.block_texts(document.id), year=document.year)
        return load_profile(ref, stored_profile(profile, facts).data)[1]


def _project(
    group: list[str], links: list[ProjectLink], documents: dict, facts: dict, signatures: dict
) -> Project:
    names = Counter(name for d in group for name in signatures[d].projects_named)
    countries = Counter(signatures[d].host_country for d in group if signatures[d].host_country)
    return Project(
        id="p-" + hashlib.sha256("\n".join(group).encode()).hexdigest()[:12],
        name=names.most_common(1)[0][0] if names else None,
        country=countries.most_common(1)[0][0] if countries else None,
        methodologies=sorted(set().union(*(signatures[d].methodologies for d in group))),
        concepts=sorted(set().union(*(signatures[d].concepts for d in group))),
        places=sorted(set().union(*(signatures[d].places for d in group))),
        project_ids=sorted(set().union(*(signatures[d].project_ids for d in group))),
        documents=[
            ProjectDocument(
                document=document_ref(documents[d]),
                doc_type=documents[d].doc_type,
                year=documents[d].year,
                facts=facts[d],
            )
            for d in group
        ],
        links=links,
    )
