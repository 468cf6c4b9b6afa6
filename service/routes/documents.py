"""Documents: upload, list, read, download and delete."""

from typing import Annotated

from fastapi import APIRouter, File, Form, HTTPException, Response, UploadFile

from application.jobs import UploadRefused, checked_upload
from corpus.filters import FactQuery
from corpus.models import Document, Job
from service import web
from service.dependencies import (
    AdministeringDep,
    CanDelete,
    CanRead,
    CanUpload,
    DocumentId,
    ReadingDep,
    SettingsDep,
    UploadingDep,
    WindowDep,
    document_or_404,
)
from service.errors import described
from service.schemas import DocumentDetail, Page, page_of

router = APIRouter(tags=["documents"])
UPLOAD_FILE = File(description="PDF, DOCX, XLSX, HTML or TXT")
CONFIDENTIAL = Form(
    description="a confidential document (e.g. a PDD's confidential version): hidden from public keys"
)


@router.post("/documents", status_code=202, response_model=Job, responses=described(413, 415, 503))
def upload(
    response: Response,
    viewer: CanUpload,
    settings: SettingsDep,
    uploads: UploadingDep,
    file: Annotated[UploadFile, UPLOAD_FILE],
    confidential: Annotated[bool, CONFIDENTIAL] = False,
) -> Job:
    """Queue a file for ingestion (secretariat, admin); follow it at GET /jobs/{id}."""
    try:
        data = checked_upload(file.file, file.filename or "", settings.max_file_bytes)
        job = uploads.submit(data, file.filename or "upload", confidential)
    except UploadRefused as error:
        raise HTTPException(error.status, str(error)) from error
    response.headers["Location"] = f"/jobs/{job.id}"
    return job


@router.get("/documents", response_model=Page[Document])
def list_documents(viewer: CanRead, read: ReadingDep, window: WindowDep) -> Page[Document]:
    """Documents by file name."""
    return page_of(read.documents(window), read.count_documents(), window)


@router.get("/documents/{document_id}", response_model=DocumentDetail)
def get_document(document_id: DocumentId, viewer: CanRead, read: ReadingDep) -> DocumentDetail:
    """One document with its pages and warnings; by id or file name."""
    document = document_or_404(read, document_id)
    return DocumentDetail(
        document=document,
        pages=read.pages(document.id),
        facts=read.count_facts(FactQuery(document_id=document.id)),
        warnings=read.warnings_of(document.id),
    )


@router.get(
    "/documents/{document_id}/file",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "the file, a download"}},
)
def get_file(document_id: DocumentId, viewer: CanRead, read: ReadingDep) -> Response:
    """The original file, always as a download (attachment, nosniff, a sandbox): PDF, DOCX and XLSX
    keep their type, any other file is application/octet-stream."""
    document = document_or_404(read, document_id)
    return web.file_response(document, read.file(document))


@router.delete("/documents/{document_id}", status_code=204, response_class=Response)
def delete_document(
    document_id: DocumentId, viewer: CanDelete, read: ReadingDep, admin: AdministeringDep
) -> Response:
    """Remove a document: catalog, file (unless another document has the same bytes), index, and the
    warnings it was part of, recomputed (admin)."""
    admin.delete_document(document_or_404(read, document_id).id)
    return Response(status_code=204)
