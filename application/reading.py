"""The front door for reading, as one viewer: documents, facts, warnings, projects, decisions and search.

Every read passes the viewer's right to confidential documents down to the catalog or the index, which
filter there, so what a viewer may not see never shapes what it gets: not an item, a total, a facet or a
score. Entry points read through this door and nothing below it."""
from __future__ import annotations

from application.access import Action, Viewer, require
from application.answers import fact_answers
from application.archive import Archive
from application.projects import ProjectResolver
from corpus.filters import EVERYTHING, FactQuery, WarningQuery, Window
from corpus.models import (
    Block,
    ConsistencyWarning,
    Document,
    Fact,
    PageInfo,
    Project,
    ProjectDecision,
    SearchResults,
)
from indices import SearchFilters

NO_FILTERS = SearchFilters()


class Reading:
    """What one viewer may read; Refused for a viewer who may not read at all."""

    def __init__(self, archive: Archive, projects: ProjectResolver, viewer: Viewer) -> None:
        self.viewer = require(viewer, Action.READ)
        self.catalog = archive.catalog
        self.archive = archive
        self.resolver = projects
        self.every = {"include_confidential": viewer.sees_confidential}

    # ------------------------------------------------------------ documents

    def documents(self, window: Window = EVERYTHING) -> list[Document]:
        """Documents by file name."""
        return self.catalog.list_documents(window.limit, window.offset, **self.every)

    def count_documents(self) -> int:
        return self.catalog.count_documents(**self.every)

    def document(self, document_id: str) -> Document | None:
        """The document with this id, or None when there is none this viewer may see."""
        return self.catalog.get_document(document_id, **self.every)

    def find_document(self, id_or_filename: str) -> Document | None:
        """The document with this id or file name, or None when there is none this viewer may see."""
        return self.catalog.find_document(id_or_filename, **self.every)

    # The pages and blocks of a document this door gave, by itself or through a fact.
    def pages(self, document_id: str) -> list[PageInfo]:
        return self.catalog.pages(document_id)

    def blocks(self, document_id: str) -> list[Block]:
        return self.catalog.blocks(document_id)

    def file(self, document: Document) -> bytes:
        """The original bytes of a document this door gave."""
        return self.catalog.files.get(document.sha256)

    # ------------------------------------------------------------ facts and warnings

    def facts(self, query: FactQuery, window: Window = EVERYTHING) -> list[Fact]:
        return self.catalog.find_facts(query, window, **self.every)

    def count_facts(self, query: FactQuery) -> int:
        return self.catalog.count_facts(query, **self.every)

    def facts_of(self, document_id: str) -> list[Fact]:
        """A document's facts as it states them."""
        return self.catalog.facts(document_id=document_id, **self.every)

    def warnings(self, query: WarningQuery, window: Window = EVERYTHING) -> list[ConsistencyWarning]:
        return self.catalog.find_warnings(query, window, **self.every)

    def count_warnings(self, query: WarningQuery) -> int:
        return self.catalog.count_warnings(query, **self.every)

    def warnings_of(self, document_id: str | None = None) -> list[ConsistencyWarning]:
        """The warnings involving a document (every warning when None), in the catalog's order."""
        return self.catalog.warnings(document_id=document_id, **self.every)

    # ------------------------------------------------------------ projects

    def projects(self) -> list[Project]:
        """Projects resolved across the documents this viewer may see."""
        return self.resolver.projects(**self.every)

    def decisions(self) -> list[ProjectDecision]:
        """Reviewers' decisions; none that involves a document this viewer may not see."""
        return self.catalog.decisions(**self.every)

    # ------------------------------------------------------------ search

    def search(
        self, query: str, limit: int = 10, offset: int = 0, filters: SearchFilters = NO_FILTERS,
        *, expand: bool = True,
    ) -> SearchResults:
        """Passages, facets and, on the first page, the facts the query asks for. A viewer who may not
        see confidential documents searches the index of public passages only (indices.visibility)."""
        conditions = filters.as_viewer(public_only=not self.viewer.sees_confidential)
        index = self.archive.index
        results = index.search(query, limit=limit, offset=offset, filters=conditions, expand=expand)
        if offset > 0:
            return results
        # The facts asked for follow the one country and year the filters name, if they name one.
        country = filters.country[0] if len(filters.country) == 1 else None
        year = filters.year[0] if len(filters.year) == 1 else None
        answers = fact_answers(self.catalog, query, **self.every, country=country, year=year)
        return results.model_copy(update={"facts": answers})

    def with_facts(self, results: SearchResults) -> SearchResults:
        """Each hit with the facts stated in its passage (a page passage: on its page)."""
        pages = ((hit.document.id, hit.page) for hit in results.hits)
        on_page = self.catalog.facts_on_pages(pages, **self.every)
        for hit in results.hits:
            hit.facts = [
                fact for fact in on_page[hit.document.id, hit.page] if hit.block in (-1, fact.evidence.block)
            ]
        return results
