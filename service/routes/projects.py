"""Projects resolved across documents and languages, and reviewers' decisions on them."""

from typing import Annotated

from fastapi import APIRouter, HTTPException, Query, Response

from corpus.filters import Window
from corpus.models import Project, ProjectDecision
from service.dependencies import (
    CanRead,
    CanReview,
    DocumentId,
    ReadingDep,
    ReviewingDep,
    WindowDep,
    document_or_404,
)
from service.schemas import DecisionRequest, Page, page_of

router = APIRouter(tags=["facts"])
HostCountry = Annotated[str | None, Query(description="host country", examples=["Mongolia"])]


@router.get("/projects", response_model=Page[Project])
def list_projects(
    viewer: CanRead, read: ReadingDep, window: WindowDep, country: HostCountry = None
) -> Page[Project]:
    """Projects resolved across documents in any language (host country, methodology and what they
    name), each with the facts of every document about it."""
    # Resolved in Python from every document the viewer may see (grouping needs them all); the
    # resolution is cached until the documents change, so a page is a slice of it.
    found = read.projects()
    if country:
        found = [p for p in found if (p.country or "").casefold() == country.casefold()]
    return page_of(_window_of(found, window), len(found), window)


def _window_of(items: list[Project], window: Window) -> list[Project]:
    end = None if window.limit is None else window.offset + window.limit
    return items[window.offset : end]


@router.get("/projects/decisions", response_model=list[ProjectDecision])
def list_decisions(viewer: CanRead, read: ReadingDep) -> list[ProjectDecision]:
    """Reviewers' decisions on which documents are one project; a public key sees none that involves
    a confidential document."""
    return read.decisions()


@router.post("/projects/decisions", response_model=ProjectDecision)
def decide(
    request: DecisionRequest, viewer: CanReview, read: ReadingDep, review: ReviewingDep
) -> ProjectDecision:
    """Link two documents as one project, or mark them as different projects, with a note (reviewer,
    admin). It outweighs the evidence, outlives re-ingestion, and the warnings follow it at once."""
    first, second = (document_or_404(read, d).id for d in request.documents)
    if first == second:
        raise HTTPException(422, "a decision needs two different documents")
    decision = ProjectDecision(documents=[first, second], same=request.same, note=request.note)
    return review.decide(decision)


@router.delete("/projects/decisions/{first}/{second}", status_code=204)
def undecide(
    first: DocumentId, second: DocumentId, viewer: CanReview, read: ReadingDep, review: ReviewingDep
) -> Response:
    """Withdraw a decision: the evidence decides the pair again (reviewer, admin)."""
    ids = [document_or_404(read, d).id for d in (first, second)]
    if not review.undecide(*ids):
        raise HTTPException(404, "no decision on these documents")
    return Response(status_code=204)
