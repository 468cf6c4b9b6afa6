"""The REST API: documents, facts, warnings and search over HTTP. The only module that knows HTTP."""

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any, Generic, Literal, TypeVar
from urllib.parse import quote

from fastapi import FastAPI, File, HTTPException, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from corpus.models import Document, Fact, PageInfo, SearchResults, Warning
from service import formats
from service.archive import Archive
from service.settings import Settings

T = TypeVar("T")


class ErrorBody(BaseModel):
    status: int
    code: str
    message: str
    detail: Any = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class Page(BaseModel, Generic[T]):
    items: list[T]
    total: int
    limit: int
    offset: int


class DocumentDetail(BaseModel):
    document: Document
    pages: list[PageInfo]
    facts: int
    warnings: list[Warning]


class UploadResult(BaseModel):
    filename: str
    status: Literal["ingested", "unchanged", "failed"]
    document_id: str | None
    reason: str | None
    pages: int


class Review(BaseModel):
    status: Literal["acknowledged", "dismissed", "open"]
    note: str | None = None


ERRORS = {404: "not_found", 400: "bad_request", 413: "too_large", 415: "unsupported", 422: "invalid"}


def error_response(status: int, message: str, detail: Any = None) -> JSONResponse:
    body = ErrorResponse(error=ErrorBody(status=status, code=ERRORS.get(status, "error"), message=message,
                                         detail=detail))
    return JSONResponse(body.model_dump(), status_code=status)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    archive = Archive(settings)
    writing = threading.Lock()  # one writer at a time; searches never wait for it
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        archive.close()

    app = FastAPI(
        lifespan=lifespan,
        title="JCM documents API",
        version="0.1.0",
        description="Facts, consistency warnings and multilingual search over Joint Crediting Mechanism "
        "documents in Thai, English and Japanese.",
        responses={404: {"model": ErrorResponse}, 422: {"model": ErrorResponse}},
    )
    app.state.archive = archive
    install_error_handlers(app)
    Limit = Annotated[int, Query(ge=1, le=settings.max_page_size)]
    Offset = Annotated[int, Query(ge=0)]

    @app.get("/health")
    def health() -> dict[str, Any]:
        return {"status": "ok", "documents": archive.catalog.count_documents()}

    @app.post("/documents", status_code=201, response_model=UploadResult)
    def upload(file: Annotated[UploadFile, File(description="PDF, DOCX, XLSX, HTML or TXT")]) -> UploadResult:
        data = file.file.read(settings.max_file_bytes + 1)
        if len(data) > settings.max_file_bytes:
            raise HTTPException(413, f"file larger than {settings.max_file_bytes // 2**20} MB")
        with writing:
            outcome = archive.ingest_bytes(data, file.filename or "upload")
            if outcome.status == "ingested" and outcome.document_id:
                archive.refresh({outcome.document_id})
        if outcome.status == "failed":
            raise HTTPException(422, f"{outcome.filename}: {outcome.reason}")
        return UploadResult(**outcome.__dict__)

    @app.get("/documents", response_model=Page[Document])
    def list_documents(limit: Limit = settings.page_size, offset: Offset = 0) -> Page[Document]:
        items = archive.catalog.list_documents(limit, offset)
        return Page(items=items, total=archive.catalog.count_documents(), limit=limit, offset=offset)

    @app.get("/documents/{document_id}", response_model=DocumentDetail)
    def get_document(document_id: str) -> DocumentDetail:
        document = _document_or_404(archive, document_id)
        return DocumentDetail(
            document=document,
            pages=archive.catalog.pages(document.id),
            facts=len(archive.catalog.facts(document_id=document.id)),
            warnings=archive.catalog.warnings(document_id=document.id),
        )

    @app.get("/documents/{document_id}/file", response_class=Response)
    def get_file(document_id: str) -> Response:
        document = _document_or_404(archive, document_id)
        data = archive.catalog.files.get(document.sha256)
        name = document.filename.rsplit("/", 1)[-1]
        disposition = f"inline; filename*=UTF-8''{_quote(name)}"
        return Response(data, media_type=document.media_type, headers={"Content-Disposition": disposition})

    @app.get("/facts", response_model=Page[Fact])
    def list_facts(
        kind: str | None = None,
        unit: str | None = None,
        document: Annotated[str | None, Query(description="document id or file name")] = None,
        format: Literal["json", "csv"] = "json",
        limit: Limit = settings.page_size,
        offset: Offset = 0,
    ) -> Any:
        document_id = _document_or_404(archive, document).id if document else None
        every = archive.catalog.facts(document_id=document_id, kind=kind, unit=unit)
        if format == "csv":
            return Response(formats.facts_csv(every), media_type="text/csv; charset=utf-8")
        return Page(items=every[offset : offset + limit], total=len(every), limit=limit, offset=offset)

    @app.get("/warnings", response_model=Page[Warning])
    def list_warnings(
        severity: Literal["error", "warning", "info"] | None = None,
        status: Literal["open", "acknowledged", "dismissed"] | None = None,
        limit: Limit = settings.page_size,
        offset: Offset = 0,
    ) -> Page[Warning]:
        found = [
            w for w in archive.catalog.warnings()
            if (severity is None or w.severity == severity) and (status is None or w.status == status)
        ]
        return Page(items=found[offset : offset + limit], total=len(found), limit=limit, offset=offset)

    @app.post("/warnings/{warning_id}/review", response_model=Warning)
    def review_warning(warning_id: str, review: Review) -> Warning:
        reviewed = archive.catalog.review_warning(warning_id, review.status, review.note)
        if reviewed is None:
            raise HTTPException(404, f"no warning {warning_id}")
        return reviewed

    @app.get("/search", response_model=SearchResults)
    def search(
        q: Annotated[str, Query(min_length=1, max_length=500, description="words, or a \"quoted phrase\"")],
        language: Literal["th", "en", "ja"] | None = None,
        country: str | None = None,
        doc_type: str | None = None,
        year: int | None = None,
        has_warnings: bool | None = None,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
        offset: Offset = 0,
        expand: Annotated[bool, Query(description="also search glossary names in other languages")] = True,
    ) -> SearchResults:
        filters = {
            k: v for k, v in {"language": language, "country": country, "doc_type": doc_type, "year": year,
                              "has_warnings": has_warnings}.items() if v is not None
        }
        results = archive.index.search(q, limit=limit, offset=offset, filters=filters, expand=expand)
        return _with_facts(archive, results)

    return app


def _with_facts(archive: Archive, results: SearchResults) -> SearchResults:
    """Each hit with the facts stated in its passage (a page passage: on its page)."""
    on_page = archive.catalog.facts_on_pages((hit.document.id, hit.page) for hit in results.hits)
    for hit in results.hits:
        hit.facts = [
            fact for fact in on_page[hit.document.id, hit.page] if hit.block in (-1, fact.evidence.block)
        ]
    return results


def _document_or_404(archive: Archive, id_or_filename: str) -> Document:
    document = archive.catalog.find_document(id_or_filename)
    if document is None:
        raise HTTPException(404, f"no document {id_or_filename}")
    return document


def _quote(name: str) -> str:
    return quote(name, safe="")


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        return error_response(error.status_code, str(error.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        detail = [{"loc": list(e["loc"]), "msg": e["msg"]} for e in error.errors()]
        return error_response(422, "the request is not valid", detail)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, error: Exception) -> JSONResponse:
        return error_response(500, "internal error: the request could not be completed")
