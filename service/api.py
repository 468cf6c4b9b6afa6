"""The REST API: documents, facts, projects, warnings, search, uploads and keys over HTTP. The only module
that knows HTTP.

Every route but /health and the OpenAPI pages needs a viewer (service.access): reads are filtered for
it below HTTP (include_confidential), writes need its role to allow them.
"""

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from typing import Annotated, Any, Generic, Literal, TypeVar

from fastapi import Depends, FastAPI, File, Form, HTTPException, Path, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from corpus.filters import FactQuery, JobQuery, WarningQuery, Window
from corpus.models import Document, Fact, FactKind, Job, PageInfo, ProjectDecision, SearchResults, Warning
from indices import IndexRebuildingError, IndexUnavailableError, SearchBackendError
from service import formats, web
from service.access import Role, Viewer, create_key, require
from service.archive import Archive
from service.jobs import JobRunner, UploadRefused, checked_upload
from service.queries import Project, ProjectResolver
from service.settings import Settings

log = logging.getLogger(__name__)
T = TypeVar("T")


class ErrorBody(BaseModel):
    status: int = Field(description="the HTTP status", examples=[404])
    code: str = Field(description="a short name for the status", examples=["not_found"])
    message: str = Field(description="what went wrong, in words", examples=["no document 3f2a9c0d51e7b846"])
    detail: Any = Field(default=None, description="for invalid requests: each problem with its location")


class ErrorResponse(BaseModel):
    error: ErrorBody = Field(description="the one shape every error has")


class Page(BaseModel, Generic[T]):
    items: list[T] = Field(description="this page of the results, in a stable order")
    total: int = Field(description="results in all pages", examples=[128])
    limit: int = Field(description="results per page asked for", examples=[50])
    offset: int = Field(description="results skipped before this page", examples=[0])


class DocumentDetail(BaseModel):
    document: Document = Field(description="the document")
    pages: list[PageInfo] = Field(description="its pages (sheets) and what the reader found on them")
    facts: int = Field(
        description="number of facts it states (GET /facts?document=ID lists them)", examples=[42]
    )
    warnings: list[Warning] = Field(
        description="warnings it is involved in, as far as the caller may see them"
    )


class Review(BaseModel):
    status: Literal["acknowledged", "dismissed", "open"] = Field(
        description="the reviewer's decision", examples=["acknowledged"]
    )
    note: str | None = Field(default=None, description="why", examples=["the summary rounds to hundreds"])


class DecisionRequest(BaseModel):
    documents: list[str] = Field(
        min_length=2, max_length=2, description="two document ids or file names",
        examples=[["en_mn_solar_pdd.pdf", "ja_mn_solar_news.html"]],
    )
    same: bool = Field(description="true: one project; false: different projects", examples=[False])
    note: str | None = Field(
        default=None, max_length=2000, description="why", examples=["another plant of the same company"]
    )


class KeyInfo(BaseModel):
    id: str = Field(description="key id, to revoke it", examples=["a1b2c3d4e5f6"])
    name: str | None = Field(default=None, description="who or what it is for", examples=["web front end"])
    role: Role = Field(description="admin, secretariat, reviewer or public", examples=["reviewer"])
    created_at: str = Field(description="when it was created (ISO 8601)")
    revoked_at: str | None = Field(default=None, description="when it was revoked, if it was")


# Beyond any catalog, and within the 64-bit integers SQLite and the index take.
MAX_OFFSET = 10**9

CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}


class NewKey(BaseModel):
    role: Role = Field(description="admin, secretariat, reviewer or public", examples=["reviewer"])
    name: str | None = Field(default=None, description="who or what it is for", examples=["Ms Tanaka"])


class CreatedKey(KeyInfo):
    key: str = Field(
        description="the key: shown this once, only its hash is kept",
        examples=["jcm_q0B8Xw5rYtCk3zT0v9m2YV4xQe1nW7sLh6dJfU8pA2g"],
    )


ERRORS = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    413: "too_large",
    415: "unsupported",
    422: "invalid",
    503: "unavailable",
}
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorResponse} for status in (401, 403, 404, 422)
}


def error_response(
    status: int, message: str, detail: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body = ErrorResponse(
        error=ErrorBody(status=status, code=ERRORS.get(status, "error"), message=message, detail=detail)
    )
    return JSONResponse(body.model_dump(), status_code=status, headers=headers)


Reader = Annotated[Viewer, Depends(require("read"))]
DocumentId = Annotated[str, Path(description="document id, or its file name", examples=["3f2a9c0d51e7b846"])]
JobId = Annotated[
    str, Path(description="job id, as POST /documents answered", examples=["j-7d0c4b1e9a2f5c38"])
]
WarningId = Annotated[str, Path(description="warning id", examples=["w-5c1e0a9b7f23"])]
KeyId = Annotated[str, Path(description="key id, as jcm keys list shows", examples=["a1b2c3d4e5f6"])]
ExportFormat = Annotated[Literal["json", "csv"], Query(description="csv or json")]
Severity = Annotated[Literal["error", "warning", "info"] | None, Query(description="only this severity")]
ReviewStatus = Annotated[
    Literal["open", "acknowledged", "dismissed"] | None,
    Query(description="only warnings with this review status"),
]


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    archive = Archive(settings)
    runner = JobRunner(archive)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        if settings.search_backend == "embedded" and not archive.index_is_current():
            archive.rebuild_index()  # built by another version: derived data, rebuilt from the catalog
        runner.start()
        yield
        runner.stop()
        archive.close()

    app = FastAPI(
        lifespan=lifespan,
        title="JCM documents API",
        version="0.2.0",
        description="Facts, consistency warnings and multilingual search over Joint Crediting Mechanism "
        "documents in Thai, English and Japanese. Send an API key as `Authorization: Bearer KEY` "
        "(`jcm keys create --role ROLE` prints one). Roles: admin (everything, manages keys), "
        "secretariat (all documents, confidential ones included; uploads), reviewer (all documents; "
        "reviews warnings), public (public documents, their facts, warnings and search hits).",
        responses=ERROR_RESPONSES,
    )
    app.state.archive = archive
    app.state.settings = settings
    app.state.jobs = runner
    # Security headers on every response: pages, API, static files, errors; FastAPI's documentation
    # pages get a policy of their own that lets them load Swagger UI and ReDoc.
    docs_paths = (app.docs_url, app.redoc_url, app.swagger_ui_oauth2_redirect_url)
    app.add_middleware(web.SecurityHeaders, docs_paths=[path for path in docs_paths if path])
    install_error_handlers(app)
    web.install(app, archive, settings, runner)
    Limit = Annotated[int, Query(ge=1, le=settings.max_page_size, description="results per page")]
    Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="results to skip")]

    @app.get("/health", tags=["service"])
    def health() -> dict[str, str]:
        """Liveness: answers without a key."""
        return {"status": "ok"}

    install_document_routes(app, archive, runner, Limit, Offset)
    install_fact_routes(app, archive, Limit, Offset)
    install_warning_routes(app, archive, Limit, Offset)
    install_search_route(app, archive)
    install_key_routes(app, archive)
    return app


# ---------------------------------------------------------------- documents and uploads


def install_document_routes(
    app: FastAPI, archive: Archive, runner: JobRunner, Limit: Any, Offset: Any
) -> None:
    settings = archive.settings

    @app.post(
        "/documents",
        status_code=202,
        response_model=Job,
        tags=["documents"],
        responses={
            413: {"model": ErrorResponse},
            415: {"model": ErrorResponse},
            503: {"model": ErrorResponse},
        },
    )
    def upload(
        response: Response,
        viewer: Annotated[Viewer, Depends(require("upload"))],
        file: Annotated[UploadFile, File(description="PDF, DOCX, XLSX, HTML or TXT")],
        confidential: Annotated[
            bool,
            Form(
                description="a confidential document (e.g. a PDD's "
                "confidential version): hidden from public keys"
            ),
        ] = False,
    ) -> Job:
        """Queue a file for ingestion (secretariat, admin); follow it at GET /jobs/{id}."""
        try:
            data = checked_upload(file.file, file.filename or "", settings.max_file_bytes)
            job = runner.submit(data, file.filename or "upload", confidential)
        except UploadRefused as error:
            raise HTTPException(error.status, str(error)) from error
        response.headers["Location"] = f"/jobs/{job.id}"
        return job

    @app.get("/jobs", response_model=Page[Job], tags=["documents"])
    def list_jobs(
        viewer: Annotated[Viewer, Depends(require("upload"))],
        status: Annotated[
            Literal["queued", "running", "done", "failed"] | None,
            Query(description="only jobs with this status"),
        ] = None,
        limit: Limit = settings.page_size,
        offset: Offset = 0,
    ) -> Page[Job]:
        """Uploads, oldest first (secretariat, admin)."""
        query = JobQuery(status)
        items = archive.catalog.find_jobs(query, Window(limit, offset))
        return Page(items=items, total=archive.catalog.count_jobs(query), limit=limit, offset=offset)

    @app.get("/jobs/{job_id}", response_model=Job, tags=["documents"])
    def get_job(job_id: JobId, viewer: Annotated[Viewer, Depends(require("upload"))]) -> Job:
        """An upload's status, progress and outcome (secretariat, admin)."""
        job = archive.catalog.get_job(job_id)
        if job is None:
            raise HTTPException(404, f"no job {job_id}")
        return job

    @app.get("/documents", response_model=Page[Document], tags=["documents"])
    def list_documents(
        viewer: Reader, limit: Limit = settings.page_size, offset: Offset = 0
    ) -> Page[Document]:
        """Documents by file name."""
        every = {"include_confidential": viewer.sees_confidential}
        items = archive.catalog.list_documents(limit, offset, **every)
        return Page(items=items, total=archive.catalog.count_documents(**every), limit=limit, offset=offset)

    @app.get("/documents/{document_id}", response_model=DocumentDetail, tags=["documents"])
    def get_document(document_id: DocumentId, viewer: Reader) -> DocumentDetail:
        """One document with its pages and warnings; by id or file name."""
        document = _document_or_404(archive, document_id, viewer)
        every = {"include_confidential": viewer.sees_confidential}
        return DocumentDetail(
            document=document,
            pages=archive.catalog.pages(document.id),
            facts=archive.catalog.count_facts(FactQuery(document_id=document.id), **every),
            warnings=archive.catalog.warnings(document_id=document.id, **every),
        )

    @app.get(
        "/documents/{document_id}/file",
        response_class=Response,
        tags=["documents"],
        responses={200: {"content": {"application/octet-stream": {}}, "description": "the file, a download"}},
    )
    def get_file(document_id: DocumentId, viewer: Reader) -> Response:
        """The original file, always as a download (attachment, nosniff, a sandbox): PDF, DOCX and XLSX
        keep their type, any other file is application/octet-stream."""
        document = _document_or_404(archive, document_id, viewer)
        return web.file_response(document, archive.catalog.files.get(document.sha256))

    @app.delete("/documents/{document_id}", status_code=204, response_class=Response, tags=["documents"])
    def delete_document(
        document_id: DocumentId, viewer: Annotated[Viewer, Depends(require("delete"))]
    ) -> Response:
        """Remove a document: catalog, file (unless another document has the same bytes), index, and the
        warnings it was part of, recomputed (admin)."""
        document = _document_or_404(archive, document_id, viewer)
        with archive.writing:
            archive.delete(document.id)
        return Response(status_code=204)


# ---------------------------------------------------------------- facts and projects


def install_fact_routes(app: FastAPI, archive: Archive, Limit: Any, Offset: Any) -> None:
    settings = archive.settings
    resolver = ProjectResolver(archive.catalog)

    def fact_query(
        viewer: Reader,
        kind: Annotated[
            FactKind | None, Query(description="what the number is", examples=["project_cost"])
        ] = None,
        unit: Annotated[str | None, Query(description="canonical unit", examples=["tCO2e/yr"])] = None,
        document: Annotated[str | None, Query(description="document id or file name")] = None,
        language: Annotated[
            Literal["th", "en", "ja", "und"] | None, Query(description="language of the evidence")
        ] = None,
        country: Annotated[
            str | None,
            Query(description="partner country the fact or its document is about", examples=["Mongolia"]),
        ] = None,
        project: Annotated[
            str | None,
            Query(description="words of the fact's subject (project, item)", examples=["heat pump"]),
        ] = None,
        min_value: Annotated[float | None, Query(description="value at least")] = None,
        max_value: Annotated[float | None, Query(description="value at most")] = None,
        year: Annotated[
            int | None,
            Query(
                ge=1900,
                le=2200,
                description="the fact's period overlaps this year; facts without a period are left out",
            ),
        ] = None,
        from_: Annotated[
            date | None, Query(alias="from", description="the fact's period ends on or after this day")
        ] = None,
        to: Annotated[
            date | None, Query(description="the fact's period starts on or before this day")
        ] = None,
    ) -> FactQuery:
        document_id = _document_or_404(archive, document, viewer).id if document else None
        return FactQuery(
            document_id, kind, unit, language, country, project, min_value, max_value, year, from_, to
        )

    Facts = Annotated[FactQuery, Depends(fact_query)]

    @app.get(
        "/facts",
        response_model=Page[Fact],
        tags=["facts"],
        responses={200: {"content": CSV_CONTENT, "description": "a page of facts, or CSV of all"}},
    )
    def list_facts(
        query: Facts,
        viewer: Reader,
        format: ExportFormat = "json",
        limit: Limit = settings.page_size,
        offset: Offset = 0,
    ) -> Any:
        """Facts in a stable order (document id, then as stated); format=csv gives every match as CSV."""
        every = {"include_confidential": viewer.sees_confidential}
        if format == "csv":
            return _export(archive.catalog.find_facts(query, **every), "csv", formats.facts_csv, "facts")
        items = archive.catalog.find_facts(query, Window(limit, offset), **every)
        total = archive.catalog.count_facts(query, **every)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @app.get(
        "/facts/export",
        response_class=Response,
        tags=["facts"],
        responses={200: {"content": {**CSV_CONTENT, "application/json": {}}, "description": "every match"}},
    )
    def export_facts(query: Facts, viewer: Reader, format: ExportFormat = "csv") -> Response:
        """Every fact matching the filters, as a CSV or JSON download."""
        facts = archive.catalog.find_facts(query, include_confidential=viewer.sees_confidential)
        return _export(facts, format, formats.facts_csv, "facts")

    @app.get("/projects", response_model=Page[Project], tags=["facts"])
    def list_projects(
        viewer: Reader,
        country: Annotated[str | None, Query(description="host country", examples=["Mongolia"])] = None,
        limit: Limit = settings.page_size,
        offset: Offset = 0,
    ) -> Page[Project]:
        """Projects resolved across documents in any language (host country, methodology and what they
        name), each with the facts of every document about it."""
        found = resolver.projects(include_confidential=viewer.sees_confidential)
        if country:
            found = [p for p in found if (p.country or "").casefold() == country.casefold()]
        return _page(found, limit, offset)

    @app.get("/projects/decisions", response_model=list[ProjectDecision], tags=["facts"])
    def list_decisions(viewer: Reader) -> list[ProjectDecision]:
        """Reviewers' decisions on which documents are one project; a public key sees none that involves
        a confidential document."""
        return archive.catalog.decisions(include_confidential=viewer.sees_confidential)

    @app.post("/projects/decisions", response_model=ProjectDecision, tags=["facts"])
    def decide(
        request: DecisionRequest, viewer: Annotated[Viewer, Depends(require("review"))]
    ) -> ProjectDecision:
        """Link two documents as one project, or mark them as different projects, with a note (reviewer,
        admin). It outweighs the evidence, outlives re-ingestion, and the warnings follow it at once."""
        first, second = (_document_or_404(archive, d, viewer).id for d in request.documents)
        if first == second:
            raise HTTPException(422, "a decision needs two different documents")
        decision = ProjectDecision(documents=[first, second], same=request.same, note=request.note)
        with archive.writing:
            return archive.decide(decision)

    @app.delete("/projects/decisions/{first}/{second}", status_code=204, tags=["facts"])
    def undecide(
        first: DocumentId, second: DocumentId, viewer: Annotated[Viewer, Depends(require("review"))]
    ) -> Response:
        """Withdraw a decision: the evidence decides the pair again (reviewer, admin)."""
        ids = [_document_or_404(archive, d, viewer).id for d in (first, second)]
        with archive.writing:
            if not archive.undecide(*ids):
                raise HTTPException(404, "no decision on these documents")
        return Response(status_code=204)


# ---------------------------------------------------------------- warnings


def install_warning_routes(app: FastAPI, archive: Archive, Limit: Any, Offset: Any) -> None:
    settings = archive.settings

    def warning_query(
        viewer: Reader,
        severity: Severity = None,
        status: ReviewStatus = None,
        rule: Annotated[str | None, Query(description="e.g. sum_of_parts, same_project_values")] = None,
        document: Annotated[str | None, Query(description="document id or file name")] = None,
    ) -> WarningQuery:
        document_id = _document_or_404(archive, document, viewer).id if document else None
        return WarningQuery(document_id, severity, status, rule)

    Warnings = Annotated[WarningQuery, Depends(warning_query)]

    @app.get("/warnings", response_model=Page[Warning], tags=["warnings"])
    def list_warnings(
        query: Warnings, viewer: Reader, limit: Limit = settings.page_size, offset: Offset = 0
    ) -> Page[Warning]:
        """Consistency warnings by severity, rule and id; public keys see none that involves a
        confidential document."""
        every = {"include_confidential": viewer.sees_confidential}
        items = archive.catalog.find_warnings(query, Window(limit, offset), **every)
        total = archive.catalog.count_warnings(query, **every)
        return Page(items=items, total=total, limit=limit, offset=offset)

    @app.get(
        "/warnings/export",
        response_class=Response,
        tags=["warnings"],
        responses={200: {"content": {**CSV_CONTENT, "application/json": {}}, "description": "every match"}},
    )
    def export_warnings(query: Warnings, viewer: Reader, format: ExportFormat = "csv") -> Response:
        """Every warning matching the filters, as a CSV or JSON download."""
        warnings = archive.catalog.find_warnings(query, include_confidential=viewer.sees_confidential)
        return _export(warnings, format, formats.warnings_csv, "warnings")

    @app.post("/warnings/{warning_id}/review", response_model=Warning, tags=["warnings"])
    def review_warning(
        warning_id: WarningId, review: Review, viewer: Annotated[Viewer, Depends(require("review"))]
    ) -> Warning:
        """Acknowledge, dismiss or reopen a warning with a note (reviewer, admin)."""
        reviewed = archive.catalog.review_warning(warning_id, review.status, review.note)
        if reviewed is None:
            raise HTTPException(404, f"no warning {warning_id}")
        return reviewed


# ---------------------------------------------------------------- search


def install_search_route(app: FastAPI, archive: Archive) -> None:
    unavailable: dict[int | str, dict[str, Any]] = {503: {"model": ErrorResponse}}

    @app.get("/search", response_model=SearchResults, tags=["search"], responses=unavailable)
    def search(
        viewer: Reader,
        q: Annotated[str, Query(min_length=1, max_length=500, description='words, or a "quoted phrase"')],
        language: Annotated[Literal["th", "en", "ja"] | None, Query(description="passage language")] = None,
        country: Annotated[str | None, Query(description="partner country", examples=["Mongolia"])] = None,
        doc_type: Annotated[str | None, Query(description="document type", examples=["pdd"])] = None,
        year: Annotated[
            int | None, Query(ge=1, le=9999, description="the document's year", examples=[2023])
        ] = None,
        has_warnings: Annotated[
            bool | None, Query(description="documents with (or without) warnings")
        ] = None,
        limit: Annotated[int, Query(ge=1, le=100, description="hits per page")] = 10,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET, description="hits to skip")] = 0,
        expand: Annotated[bool, Query(description="also search glossary names in other languages")] = True,
    ) -> SearchResults:
        """Passages with highlighted snippets, facets and the facts stated in each hit's passage."""
        filters = {
            k: v
            for k, v in {
                "language": language,
                "country": country,
                "doc_type": doc_type,
                "year": year,
                "has_warnings": has_warnings,
            }.items()
            if v is not None
        }
        try:
            results = archive.search(
                q,
                limit=limit,
                offset=offset,
                filters=filters,
                expand=expand,
                include_confidential=viewer.sees_confidential,
            )
        except IndexUnavailableError as error:
            raise _search_unavailable(error) from None
        return _with_facts(archive, results, viewer)


SEARCH_RETRY_SECONDS = 30


def _search_unavailable(error: IndexUnavailableError) -> HTTPException:
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


def _with_facts(archive: Archive, results: SearchResults, viewer: Viewer) -> SearchResults:
    """Each hit with the facts stated in its passage (a page passage: on its page)."""
    on_page = archive.catalog.facts_on_pages(
        ((hit.document.id, hit.page) for hit in results.hits), include_confidential=viewer.sees_confidential
    )
    for hit in results.hits:
        hit.facts = [
            fact for fact in on_page[hit.document.id, hit.page] if hit.block in (-1, fact.evidence.block)
        ]
    return results


# ---------------------------------------------------------------- keys


def install_key_routes(app: FastAPI, archive: Archive) -> None:
    Admin = Annotated[Viewer, Depends(require("manage_keys"))]

    @app.get("/keys", response_model=list[KeyInfo], tags=["keys"])
    def list_keys(viewer: Admin) -> list[KeyInfo]:
        """API keys (never the keys themselves: only their hashes are kept) (admin)."""
        return [_key_info(record) for record in archive.catalog.api_keys()]

    @app.post("/keys", status_code=201, response_model=CreatedKey, tags=["keys"])
    def new_key(request: NewKey, viewer: Admin) -> CreatedKey:
        """Create a key; the response is the only place the key is ever shown (admin)."""
        record, key = create_key(archive.catalog, request.role, request.name)
        return CreatedKey(**_key_info(record).model_dump(), key=key)

    @app.delete("/keys/{key_id}", status_code=204, response_class=Response, tags=["keys"])
    def revoke_key(key_id: KeyId, viewer: Admin) -> Response:
        """Revoke a key: requests with it get 401 from now on (admin)."""
        if not archive.catalog.revoke_key(key_id):
            raise HTTPException(404, f"no key {key_id}")
        return Response(status_code=204)


def _key_info(record: Any) -> KeyInfo:
    return KeyInfo(
        id=record.id,
        name=record.name,
        role=Role(record.role),
        created_at=record.created_at,
        revoked_at=record.revoked_at,
    )


# ---------------------------------------------------------------- helpers


def _page(items: list[T], limit: int, offset: int) -> Page[T]:
    return Page(items=items[offset : offset + limit], total=len(items), limit=limit, offset=offset)


def _export(items: list, format: str, to_csv: Callable[[list], str], name: str) -> Response:
    if format == "csv":
        body, media_type = to_csv(items), "text/csv; charset=utf-8"
    else:
        body, media_type = formats.to_json(items), "application/json"
    disposition = f'attachment; filename="{name}.{format}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


def _document_or_404(archive: Archive, id_or_filename: str, viewer: Viewer) -> Document:
    """The document, if the viewer may see it; a hidden one is as absent as a missing one."""
    document = archive.catalog.find_document(id_or_filename, include_confidential=viewer.sees_confidential)
    if document is None:
        raise HTTPException(404, "no such document")
    return document


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return error_response(error.status_code, str(error.detail), headers=getattr(error, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        detail = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in error.errors()]
        return error_response(422, "the request is not valid", detail)

    @app.exception_handler(SearchBackendError)
    async def search_unavailable(request: Request, error: SearchBackendError) -> JSONResponse:
        log.error("search backend unavailable: %s", error)  # its address is for the operator, not clients
        return error_response(503, "search is unavailable: the search backend cannot be reached")

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
        return error_response(500, "internal error: the request could not be completed")
