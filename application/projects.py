"""Reads for clients beyond the catalog's own lists (facts by what they state are corpus.filters'
queries, answered by the catalog): projects across documents, and whether a fact is about a country.

Both go through the catalog's include_confidential, so a viewer who may not see confidential
documents never gets their facts, nor a project resolved with their help.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter

from checks.projects import (
    Decisions,
    Signature,
    decisions_by_pair,
    group_projects,
    load_profile,
    profile_of,
    stored_profile,
)
from corpus.models import Document, Fact, Project, ProjectDocument, ProjectLink, StoredProfile
from corpus.store import Catalog, document_ref


def about_country(fact: Fact, country: str, document: Document | None) -> bool:
    """The fact's subject names the country, or its document is about it."""
    wanted = country.casefold()
    if fact.subject and wanted in fact.subject.casefold():
        return True
    return document is not None and any(wanted == c.casefold() for c in document.countries)


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
        self, document: Document, kept: StoredProfile | None, facts: list[Fact]
    ) -> Signature:
        """The document's project signature as the checks across documents keep it; one stored before
        profiles were kept is computed the same way."""
        ref = document_ref(document)
        if kept is not None:
            return load_profile(ref, kept.data)[1]
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
