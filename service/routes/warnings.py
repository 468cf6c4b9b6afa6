"""Consistency warnings: list, export and review."""

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

from corpus.filters import WarningQuery
from corpus.models import ConsistencyWarning, Severity, WarningStatus
from service import formats
from service.dependencies import (
    CanRead,
    CanReview,
    DocumentFilter,
    ReadingDep,
    ReviewingDep,
    WindowDep,
    document_or_404,
)
from service.routes.exports import EXPORT_RESPONSES, ExportFormat, export
from service.schemas import Page, Review, page_of

router = APIRouter(tags=["warnings"])
WarningId = Annotated[str, Path(description="warning id", examples=["w-5c1e0a9b7f23"])]
SeverityFilter = Annotated[Severity | None, Query(description="only this severity")]
StatusFilter = Annotated[WarningStatus | None, Query(description="only warnings with this review status")]
RuleFilter = Annotated[str | None, Query(description="e.g. sum_of_parts, same_project_values")]


def warning_query(
    viewer: CanRead,
    read: ReadingDep,
    severity: SeverityFilter = None,
    status: StatusFilter = None,
    rule: RuleFilter = None,
    document: DocumentFilter = None,
) -> WarningQuery:
    """The warnings a request asks for; a document the viewer may not see is a 404."""
    document_id = document_or_404(read, document).id if document else None
    return WarningQuery(document_id, severity, status, rule)


Warnings = Annotated[WarningQuery, Depends(warning_query)]


@router.get("/warnings", response_model=Page[ConsistencyWarning])
def list_warnings(
    query: Warnings, viewer: CanRead, read: ReadingDep, window: WindowDep
) -> Page[ConsistencyWarning]:
    """Consistency warnings by severity, rule and id; public keys see none that involves a
    confidential document."""
    return page_of(read.warnings(query, window), read.count_warnings(query), window)


@router.get("/warnings/export", response_class=Response, responses=EXPORT_RESPONSES)
def export_warnings(
    query: Warnings, viewer: CanRead, read: ReadingDep, format: ExportFormat = "csv"
) -> Response:
    """Every warning matching the filters, as a CSV or JSON download."""
    return export(read.warnings(query), format, formats.warnings_csv, "warnings")


@router.post("/warnings/{warning_id}/review", response_model=ConsistencyWarning)
def review_warning(
    warning_id: WarningId, review: Review, viewer: CanReview, reviewing: ReviewingDep
) -> ConsistencyWarning:
    """Acknowledge, dismiss or reopen a warning with a note (reviewer, admin)."""
    reviewed = reviewing.review_warning(warning_id, review.status, review.note)
    if reviewed is None:
        raise HTTPException(404, f"no warning {warning_id}")
    return reviewed
