"""Search: passages with highlighted snippets, facets, and the facts each hit states."""

from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException, Query

from corpus.models import SearchResults
from indices import IndexRebuildingError, IndexUnavailableError, SearchFilters
from service.dependencies import MAX_OFFSET, CanRead, ReadingDep
from service.errors import described

router = APIRouter(tags=["search"])
SEARCH_RETRY_SECONDS = 30

Words = Annotated[str, Query(min_length=1, max_length=500, description='words, or a "quoted phrase"')]
Language = Annotated[Literal["th", "en", "ja"] | None, Query(description="passage language")]
Country = Annotated[str | None, Query(description="partner country", examples=["Mongolia"])]
DocType = Annotated[str | None, Query(description="document type", examples=["pdd"])]
Year = Annotated[int | None, Query(ge=1, le=9999, description="the document's year", examples=[2023])]
HasWarnings = Annotated[bool | None, Query(description="documents with (or without) warnings")]
Hits = Annotated[int, Query(ge=1, le=100, description="hits per page")]
Skipped = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="hits to skip")]
Expand = Annotated[bool, Query(description="also search glossary names in other languages")]


@router.get("/search", response_model=SearchResults, responses=described(503))
def search(
    viewer: CanRead,
    read: ReadingDep,
    q: Words,
    language: Language = None,
    country: Country = None,
    doc_type: DocType = None,
    year: Year = None,
    has_warnings: HasWarnings = None,
    limit: Hits = 10,
    offset: Skipped = 0,
    expand: Expand = True,
) -> SearchResults:
    """Passages with highlighted snippets, facets and the facts stated in each hit's passage."""
    filters = SearchFilters.of(
        language=language, country=country, doc_type=doc_type, year=year, has_warnings=has_warnings
    )
    try:
        results = read.search(q, limit=limit, offset=offset, filters=filters, expand=expand)
    except IndexUnavailableError as error:
        raise search_unavailable(error) from None
    return read.with_facts(results)


def search_unavailable(error: IndexUnavailableError) -> HTTPException:
    """503 for a search the index cannot answer now. The index logged which file is damaged and that it
    must be rebuilt (the service rebuilds it); paths and file names are for the operator, not callers."""
    if isinstance(error, IndexRebuildingError):
        message = "search is unavailable while the search index is rebuilt from the catalog; try again soon"
    else:
        message = (
            "search is unavailable: the search index is damaged and must be rebuilt from the catalog "
            "(the service is rebuilding it); try again shortly"
        )
    return HTTPException(503, message, headers={"Retry-After": str(SEARCH_RETRY_SECONDS)})

