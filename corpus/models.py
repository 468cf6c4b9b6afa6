"""The domain model: documents, their pages and blocks, the facts they state and the warnings raised."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

Language = Literal["th", "en", "ja", "und"]
BlockKind = Literal["paragraph", "table_row", "heading"]
Qualifier = Literal["exact", "approx", "at_most", "at_least"]
Severity = Literal["error", "warning", "info"]
WarningStatus = Literal["open", "acknowledged", "dismissed"]
DocumentStatus = Literal["ingested", "failed"]

TextSource = Literal["text", "repaired", "ocr", "none"]

BBox = tuple[float, float, float, float]


class RawBlock(BaseModel):
    """A paragraph or table row as a reader finds it, before offsets and language are assigned."""

    page: int = Field(description="1-based page number; the sheet number for spreadsheets")
    kind: BlockKind = "paragraph"
    text: str
    bbox: BBox | None = Field(default=None, description="x0, top, x1, bottom in PDF points")
    cells: list[str] | None = Field(default=None, description="cell texts of a table row")
    header: list[str] | None = Field(default=None, description="column headers of the row's table")
    table: int | None = Field(default=None, description="table number within the document")
    row: int | None = Field(default=None, description="row number within its table (0 = header)")
    sheet: str | None = None
    note: str | None = Field(
        default=None, description="what the reader could not do, e.g. a formula without cached value"
    )
    ocr_confidence: float | None = Field(
        default=None, description="mean OCR word confidence (0-1) of the block; None when not OCRed"
    )


class PageInfo(BaseModel):
    number: int
    has_text_layer: bool = True
    chars: int = 0
    note: str | None = None
    text_source: TextSource = Field(
        default="text",
        description="how the page's text was obtained: its text layer as is, its text layer repaired "
        "(Thai glyph codes and mark order), OCR of the rendered page, or none",
    )
    repairs: int = Field(default=0, description="characters or marks the Thai repair changed on the page")
    ocr_confidence: float | None = Field(
        default=None, description="mean OCR confidence (0-1) of the page's blocks; None when not OCRed"
    )


class Block(RawBlock):
    """A block placed in its document: order, character span in the document text and language."""

    index: int
    start: int
    end: int
    language: Language = "und"


class DocumentRef(BaseModel):
    id: str
    filename: str


class Evidence(BaseModel):
    page: int
    text: str = Field(description="the sentence or table row that states the number")
    start: int = Field(description="character offset of the number's span in the document text")
    end: int
    block: int = Field(description="index of the block the evidence comes from")
    bbox: BBox | None = None
    ocr: bool = Field(default=False, description="the text was read by OCR from an image of the page")
    ocr_confidence: float | None = Field(
        default=None, description="mean OCR word confidence (0-1) of the block the evidence comes from"
    )


class Fact(BaseModel):
    id: str = ""
    document: DocumentRef
    kind: str
    value: float
    unit: str
    qualifier: Qualifier = "exact"
    subject: str | None = None
    period: str | None = None
    language: Language = "und"
    is_total: bool = Field(
        default=False, description="the number is stated as the total of the items listed before it"
    )
    precision: float | None = Field(
        default=None, description="rounding unit the text shows: 1 for '8,216', 100 for '8,200'"
    )
    evidence: Evidence


class Warning(BaseModel):
    id: str = ""
    rule: str
    severity: Severity
    documents: list[DocumentRef]
    facts: list[Fact]
    expected: float
    found: float
    tolerance: float
    message: str
    status: WarningStatus = "open"
    note: str | None = None


class Document(BaseModel):
    id: str
    filename: str
    sha256: str
    version: int = 1
    media_type: str
    size: int
    status: DocumentStatus = "ingested"
    error: str | None = None
    pages: int = 0
    languages: list[Language] = []
    doc_type: str | None = None
    countries: list[str] = []
    year: int | None = None
    ingested_at: datetime | None = None


class Passage(BaseModel):
    """A block as the search index sees it, with the document's filterable metadata."""

    document: DocumentRef
    block: int
    page: int
    text: str
    language: Language = "und"
    doc_type: str | None = None
    countries: list[str] = []
    year: int | None = None
    has_warnings: bool = False


class SearchHit(BaseModel):
    document: DocumentRef
    page: int
    block: int
    text: str
    snippet: str = Field(description="the passage with matched terms wrapped in <mark></mark>, HTML-escaped")
    score: float
    language: Language = "und"
    facts: list[Fact] = Field(
        default=[], description="facts whose evidence is this passage (filled by the service)"
    )


class SearchResults(BaseModel):
    query: str
    total: int
    hits: list[SearchHit]
    facets: dict[str, dict[str, int]] = {}
    also_searched: list[str] = Field(default=[], description="glossary terms the query was expanded with")
