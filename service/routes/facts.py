"""Facts: the numbers documents state, normalized, filtered by what they state."""

from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Response

from corpus.filters import FactQuery
from corpus.models import Fact, FactKind
from service import formats
from service.dependencies import CanRead, DocumentFilter, ReadingDep, WindowDep, document_or_404
from service.routes.exports import CSV_CONTENT, EXPORT_RESPONSES, ExportFormat, export
from service.schemas import Page, page_of

router = APIRouter(tags=["facts"])

Kind = Annotated[FactKind | None, Query(description="what the number is", examples=["project_cost"])]
Unit = Annotated[str | None, Query(description="canonical unit", examples=["tCO2e/yr"])]
Language = Annotated[Literal["th", "en", "ja", "und"] | None, Query(description="language of the evidence")]
Country = Annotated[
    str | None, Query(description="partner country the fact or its document is about", examples=["Mongolia"])
]
Subject = Annotated[
    str | None, Query(description="words of the fact's subject (project, item)", examples=["heat pump"])
]
Year = Annotated[
    int | None,
    Query(
        ge=1900, le=2200,
        description="the fact's period overlaps this year; facts without a period are left out",
    ),
]
From = Annotated[date | None, Query(alias="from", description="the fact's period ends on or after this day")]
To = Annotated[date | None, Query(description="the fact's period starts on or before this day")]


def fact_query(
    viewer: CanRead,
    read: ReadingDep,
    kind: Kind = None,
    unit: Unit = None,
    document: DocumentFilter = None,
    language: Language = None,
    country: Country = None,
    project: Subject = None,
    min_value: Annotated[float | None, Query(description="value at least")] = None,
    max_value: Annotated[float | None, Query(description="value at most")] = None,
    year: Year = None,
    from_: From = None,
    to: To = None,
) -> FactQuery:
    """The facts a request asks for; a document the viewer may not see is a 404."""
    document_id = document_or_404(read, document).id if document else None
    return FactQuery(
        document_id, kind, unit, language, country, project, min_value, max_value, year, from_, to
    )


Facts = Annotated[FactQuery, Depends(fact_query)]


@router.get(
    "/facts",
    response_model=Page[Fact],
    responses={200: {"content": CSV_CONTENT, "description": "a page of facts, or CSV of all"}},
)
def list_facts(
    query: Facts, viewer: CanRead, read: ReadingDep, window: WindowDep, format: ExportFormat = "json"
) -> Any:
    """Facts in a stable order (document id, then as stated); format=csv gives every match as CSV."""
    if format == "csv":
        return export(read.facts(query), "csv", formats.facts_csv, "facts")
    return page_of(read.facts(query, window), read.count_facts(query), window)


@router.get("/facts/export", response_class=Response, responses=EXPORT_RESPONSES)
def export_facts(
    query: Facts, viewer: CanRead, read: ReadingDep, format: ExportFormat = "csv"
) -> Response:
    """Every fact matching the filters, as a CSV or JSON download."""
    return export(read.facts(query), format, formats.facts_csv, "facts")
