"""The domain model: documents, their pages and blocks, the facts they state and the warnings raised."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, NamedTuple, get_args

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

Language = Literal["th", "en", "ja", "und"]
BlockKind = Literal["paragraph", "table_row", "heading"]
Qualifier = Literal["exact", "approx", "at_most", "at_least"]
Severity = Literal["error", "warning", "info"]
WarningStatus = Literal["open", "acknowledged", "dismissed"]
# The same, as values to list and check against: severities from the gravest, review statuses as a
# reviewer meets them.
SEVERITIES: tuple[Severity, ...] = get_args(Severity)
WARNING_STATUSES: tuple[WarningStatus, ...] = get_args(WarningStatus)
DocumentStatus = Literal["ingested", "failed"]

TextSource = Literal["text", "repaired", "ocr", "none"]

BBox = tuple[float, float, float, float]

# The fact contract: extend these, never rename them.
FactKind = Literal[
    "emission_reduction", "reference_emissions", "project_emissions", "project_cost", "subsidy_amount",
    "subsidy_share", "budget", "credits_issued", "project_count", "partner_country_count", "capacity",
    "energy", "crediting_period", "exchange_rate", "other",
]
FactUnit = Literal[
    "tCO2e", "tCO2e/yr", "JPY", "THB", "USD", "EUR", "IDR", "VND", "MNT", "PHP", "LKR", "KES", "BDT", "MMK",
    "LAK", "KHR", "ETB", "MXN", "CLP", "CRC", "SAR", "MVR", "TND", "XOF", "KZT", "UZS", "KGS", "AZN", "GEL",
    "MDL", "UAH", "PGK", "AUD", "NZD", "SGD", "HKD", "CAD", "FJD", "TWD", "BND", "%", "count", "kW", "MWh",
    "MWh/yr", "year",
]
# An exchange rate's unit: the quote currency per base currency, "JPY/USD".
RATE_UNIT = r"^[A-Z]{3}/[A-Z]{3}$"
# Kinds and units of facts stored by releases before the contract was exact: their numbers had a unit
# but no stated role.
_LEGACY_KINDS = {"emissions": "other", "amount": "other", "share": "other"}


class RawBlock(BaseModel):
    """A paragraph or table row as a reader finds it, before offsets and language are assigned."""

    page: int = Field(description="1-based page number; the sheet number for spreadsheets")
    kind: BlockKind = Field(default="paragraph", description="paragraph, table_row or heading")
    text: str = Field(description="the block's text")
    bbox: BBox | None = Field(default=None, description="x0, top, x1, bottom in PDF points")
    cells: list[str] | None = Field(default=None, description="cell texts of a table row")
    header: list[str] | None = Field(default=None, description="column headers of the row's table")
    table: int | None = Field(default=None, description="table number within the document")
    row: int | None = Field(default=None, description="row number within its table (0 = header)")
    sheet: str | None = Field(default=None, description="sheet name (spreadsheets)")
    note: str | None = Field(
        default=None, description="what the reader could not do, e.g. a formula without cached value"
    )
    ocr_confidence: float | None = Field(
        default=None, description="mean OCR word confidence (0-1) of the block; None when not OCRed"
    )


class PageInfo(BaseModel):
    number: int = Field(description="1-based page number; the sheet number for spreadsheets", examples=[1])
    has_text_layer: bool = Field(
        default=True, description="false for a scanned PDF page without text", examples=[True]
    )
    chars: int = Field(default=0, description="characters of text read from the page", examples=[2480])
    note: str | None = Field(default=None, description="what the reader could not do on this page")
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

    index: int = Field(description="order of the block in the document")
    start: int = Field(description="character offset of the block in the document text")
    end: int = Field(description="character offset just after the block")
    language: Language = Field(default="und", description="language of the block")


class DocumentRef(BaseModel):
    id: str = Field(description="document id: derived from the file name", examples=["3f2a9c0d51e7b846"])
    filename: str = Field(
        description="the name the document is known by", examples=["ja_indonesia_heatpump_pdd.txt"]
    )


class Evidence(BaseModel):
    page: int = Field(description="1-based page (sheet) the number is stated on", examples=[3])
    text: str = Field(
        description="the sentence or table row that states the number",
        examples=["Emission reductions are expected to be 1,200 tCO2e per year."],
    )
    start: int = Field(
        description="character offset of the number's span in the document text", examples=[812]
    )
    end: int = Field(description="character offset just after the number's span", examples=[817])
    block: int = Field(description="index of the block the evidence comes from", examples=[14])
    bbox: BBox | None = Field(
        default=None, description="x0, top, x1, bottom of the block in PDF points (PDF only)",
        examples=[[56.7, 410.2, 538.6, 424.0]],
    )
    ocr: bool = Field(default=False, description="the text was read by OCR from an image of the page")
    ocr_confidence: float | None = Field(
        default=None, description="mean OCR word confidence (0-1) of the block the evidence comes from"
    )


class Fact(BaseModel):
    id: str = Field(default="", description="stable id of the fact within its document", examples=["f-0007"])
    document: DocumentRef = Field(description="the document that states the number")
    kind: FactKind = Field(
        description="what the number is: emission_reduction, reference_emissions, project_emissions, "
        "project_cost, subsidy_amount, subsidy_share, budget, credits_issued, project_count, "
        "partner_country_count, capacity (power), energy (electricity generated or saved), "
        "crediting_period, exchange_rate, or other: a number of a known dimension whose role the text "
        "does not state or that no kind holds (what a battery stores)",
        examples=["emission_reduction"],
    )
    value: float = Field(
        description="the number, normalized (万, 億, ล้าน, million resolved)", examples=[1200.0]
    )
    unit: FactUnit | Annotated[str, StringConstraints(pattern=RATE_UNIT)] = Field(
        description="canonical unit: tCO2e, tCO2e/yr, an ISO 4217 currency code, %, count, kW, MWh, MWh/yr "
        "or year; an exchange rate's is quote/base (JPY/USD)",
        examples=["tCO2e/yr"],
    )
    qualifier: Qualifier = Field(
        default="exact", description="how the text states it: exact, approx, at_most or at_least",
        examples=["approx"],
    )
    subject: str | None = Field(
        default=None, description="the project, country or item the number is about, as the text names it",
        examples=["Mongolia"],
    )
    period: str | None = Field(
        default=None,
        description="the period the number covers: a year (2023), a month (2023-04), a date or a range "
        "of them separated by / (2023-04-01/2024-03-31), or the years of a lifetime or crediting period an "
        "amount is stated over, as an ISO 8601 duration (P15Y)",
        examples=["2023-04-01/2024-03-31"],
    )
    language: Language = Field(default="und", description="language of the evidence: th, en, ja or und")
    is_total: bool = Field(
        default=False, description="the number is stated as the total of the items listed before it"
    )
    precision: float | None = Field(
        default=None, description="rounding unit the text shows: 1 for '8,216', 100 for '8,200'",
        examples=[100.0],
    )
    evidence: Evidence = Field(description="where the document states it: page, sentence or row, span")

    @field_validator("kind", mode="before")
    @classmethod
    def _legacy_kind(cls, kind: object) -> object:
        return _LEGACY_KINDS.get(kind, kind) if isinstance(kind, str) else kind

    @field_validator("unit", mode="before")
    @classmethod
    def _legacy_unit(cls, unit: object) -> object:
        return "USD" if unit == "$" else unit


# A finding of a consistency rule: the numbers it compared, the rule, the tolerance and why. (A comment,
# not a docstring: a docstring would become the schema's description.)
class ConsistencyWarning(BaseModel):
    # Named so that it does not shadow the builtin Warning; the API's schema has called it Warning from
    # the start, and clients generated from it rely on that name.
    __qualname__ = "Warning"
    model_config = ConfigDict(title="Warning")

    id: str = Field(default="", description="stable id: the same finding keeps its id when recomputed",
                    examples=["w-5c1e0a9b7f23"])
    rule: str = Field(description="the consistency rule that raised it", examples=["sum_of_parts"])
    severity: Severity = Field(description="error, warning or info", examples=["warning"])
    documents: list[DocumentRef] = Field(description="the documents involved (two for cross-document rules)")
    facts: list[Fact] = Field(description="the facts the rule compared")
    expected: float = Field(description="what the rule computed from the other facts", examples=[5000.0])
    found: float = Field(description="what the document states", examples=[4000.0])
    tolerance: float = Field(description="how far apart the two may be from rounding alone", examples=[50.0])
    message: str = Field(
        description="the finding in words",
        examples=["The parts add up to 4,000 tCO2e/yr but the stated total is 5,000 tCO2e/yr."],
    )
    status: WarningStatus = Field(default="open", description="a reviewer's decision: open, acknowledged "
                                  "or dismissed")
    note: str | None = Field(
        default=None, description="the reviewer's note", examples=["checked with the PP"]
    )


class Document(BaseModel):
    id: str = Field(
        description="document id: derived from the file name and whether the document is confidential",
        examples=["3f2a9c0d51e7b846"],
    )
    filename: str = Field(
        description="the name the document is known by; a changed file with the same name and "
        "confidentiality is a new version, a confidential file of a public document's name another "
        "document beside it", examples=["ja_indonesia_heatpump_pdd.txt"],
    )
    sha256: str = Field(description="SHA-256 of the current version's bytes",
                        examples=["9b74c9897bac770ffc029102a200c5de" "9b74c9897bac770ffc029102a200c5de"])
    version: int = Field(default=1, description="1 for the first file, then one more per changed file")
    media_type: str = Field(description="the file's format", examples=["application/pdf"])
    size: int = Field(description="file size in bytes", examples=[184320])
    status: DocumentStatus = Field(default="ingested", description="ingested, or failed with error")
    error: str | None = Field(default=None, description="why the file could not be read (status failed)")
    pages: int = Field(default=0, description="pages (sheets) read", examples=[12])
    languages: list[Language] = Field(
        default=[], description="languages of its text", examples=[["ja", "en"]]
    )
    doc_type: str | None = Field(default=None, description="pdd, monitoring_report, verification_report, "
                                 "summary, press_release, selection, ...", examples=["pdd"])
    countries: list[str] = Field(default=[], description="partner countries it names, most named first",
                                 examples=[["Indonesia"]])
    year: int | None = Field(default=None, description="the year it states in its title, else most often",
                             examples=[2023])
    ingested_at: datetime | None = Field(default=None, description="when the current version was stored")
    confidential: bool = Field(
        default=False,
        description="a confidential version (e.g. of a PDD): only secretariat, reviewer and admin keys see "
        "it, its facts, passages and warnings; part of the document's identity, so it never changes",
    )


class Passage(BaseModel):
    """A block as the search index sees it, with the document's filterable metadata."""

    document: DocumentRef
    block: int = Field(description="block index; -1 for a page passage")
    page: int
    text: str
    language: Language = "und"
    doc_type: str | None = None
    countries: list[str] = []
    year: int | None = None
    has_warnings: bool = Field(default=False, description="the document has warnings (any)")
    public_warnings: bool = Field(
        default=False, description="has warnings that involve no confidential document (what public sees)"
    )
    confidential: bool = Field(default=False, description="the document is confidential")


class SearchHit(BaseModel):
    document: DocumentRef = Field(description="the document the passage is in")
    page: int = Field(description="1-based page (sheet) of the passage", examples=[2])
    block: int = Field(description="block index in the document; -1 for a passage holding a whole page",
                       examples=[7])
    text: str = Field(
        description="the passage", examples=["Air-source heat pumps now warm three kindergartens."]
    )
    snippet: str = Field(
        description="the passage with matched terms wrapped in <mark></mark>, HTML-escaped",
        examples=["Air-source <mark>heat</mark> <mark>pumps</mark> now warm three kindergartens."],
    )
    score: float = Field(description="relevance; higher first", examples=[7.31])
    language: Language = Field(default="und", description="language of the passage")
    facts: list[Fact] = Field(
        default=[], description="facts whose evidence is this passage (filled by the service)"
    )


class SearchResults(BaseModel):
    query: str = Field(description="the query as given", examples=["heat pump Mongolia"])
    total: int = Field(description="results after de-duplication (estimated beyond the walked window)",
                       examples=[14])
    hits: list[SearchHit] = Field(description="the results asked for (limit, offset), best first")
    facets: dict[str, dict[str, int]] = Field(
        default={},
        description="counts per language, doc_type, country, year and has_warnings over the results",
        examples=[{"language": {"en": 9, "ja": 5}, "has_warnings": {"false": 12, "true": 2}}],
    )
    also_searched: list[str] = Field(default=[], description="glossary terms the query was expanded with")
    facts: list[Fact] = Field(
        default=[],
        description="facts the query asks for, when it names a kind of fact (with the country and year it "
        "names): 'subsidy rate Thailand', '補助率', 'ปริมาณการลดก๊าซ เวียดนาม 2023'; on the first page only",
    )


JobStatus = Literal["queued", "running", "done", "failed"]


class Job(BaseModel):
    """An upload being ingested in the background."""

    id: str = Field(description="job id", examples=["j-7d0c4b1e9a2f5c38"])
    filename: str = Field(description="the uploaded file's name", examples=["en_mongolia_pdd.pdf"])
    confidential: bool = Field(default=False, description="uploaded as a confidential document")
    status: JobStatus = Field(description="queued, running, done or failed", examples=["running"])
    stage: str | None = Field(
        default=None, description="what a running job is doing: reading, checking or indexing",
        examples=["reading"],
    )
    pages_done: int = Field(default=0, description="pages read so far (of a PDF, page by page)", examples=[3])
    pages_total: int | None = Field(
        default=None, description="pages of the file, known once its reading starts (a PDF) or ends",
        examples=[12],
    )
    document_id: str | None = Field(default=None, description="the document, once done",
                                    examples=["3f2a9c0d51e7b846"])
    outcome: Literal["ingested", "unchanged"] | None = Field(
        default=None, description="done: ingested (new or changed) or unchanged (already known)"
    )
    reason: str | None = Field(default=None, description="why it failed, or a note on an unchanged file",
                               examples=["interrupted"])
    created_at: datetime = Field(description="when it was uploaded")
    updated_at: datetime = Field(description="when its status last changed")


# ---------------------------------------------------------------- projects


class ProfileRow(NamedTuple):
    """What is kept of a document for the checks across documents: its host country, the keys by which
    documents about the same project are found, and its profile and project signature as JSON."""

    host_country: str | None
    data: str
    keys: tuple[str, ...] = ()


class StoredProfile(NamedTuple):
    """A document's profile as the catalog gives it back: the document, its host country, and its profile
    and project signature as JSON (checks.projects.load_profile reads it)."""

    document: DocumentRef
    host_country: str | None
    data: str


class ProjectLink(BaseModel):
    """Two documents joined into one project, by the evidence they share or by a reviewer."""

    documents: list[str] = Field(
        description="the two document ids", examples=[["3f2a9c0d51e7b846", "9b1e0c2d4f6a8357"]]
    )
    decided_by: Literal["evidence", "reviewer"] = Field(description="who joined them", examples=["evidence"])
    reasons: list[str] = Field(
        description="what agrees (or the reviewer's decision)",
        examples=[["same JCM project id: MN003", "same host country: Mongolia"]],
    )


class ProjectDecision(BaseModel):
    """A reviewer's decision that two documents are, or are not, about one project: it outweighs the
    evidence and outlives re-ingestion."""

    documents: list[str] = Field(
        min_length=2, max_length=2, description="the two document ids, in sorted order"
    )
    same: bool = Field(description="true: one project; false: different projects")
    note: str | None = Field(
        default=None, max_length=2000, description="why", examples=["same plant, renamed"]
    )
    decided_at: datetime | None = Field(default=None, description="when it was decided")


class ProjectDocument(BaseModel):
    document: DocumentRef = Field(description="a document about the project")
    doc_type: str | None = Field(default=None, description="its type", examples=["pdd"])
    year: int | None = Field(default=None, description="its year", examples=[2023])
    facts: list[Fact] = Field(description="the facts this document states")


class Project(BaseModel):
    """One project as the documents about it describe it, whatever their language."""

    id: str = Field(description="stable while the same documents describe it", examples=["p-1d9e0c27a4b1"])
    name: str | None = Field(
        default=None,
        description="the name the documents give it most often",
        examples=["Installation of heat pumps at a hospital in Ulaanbaatar"],
    )
    country: str | None = Field(default=None, description="host country", examples=["Mongolia"])
    methodologies: list[str] = Field(default=[], description="methodology ids cited", examples=[["MN_AM003"]])
    concepts: list[str] = Field(
        default=[], description="technologies and buildings named", examples=[["heat_pump", "hospital"]]
    )
    places: list[str] = Field(
        default=[], description="provinces and cities named", examples=[["ulaanbaatar"]]
    )
    project_ids: list[str] = Field(default=[], description="JCM project ids cited", examples=[["MN003"]])
    documents: list[ProjectDocument] = Field(description="the documents, each with its facts")
    links: list[ProjectLink] = Field(
        default=[],
        description="why its documents are one project: each pair that joined them, with its reasons",
    )


# Pickle finds a class by its __qualname__, which the schema's name sets to "Warning": workers send
# warnings to the ingest process by pickle, so the name must resolve here. Code imports ConsistencyWarning.
Warning = ConsistencyWarning  # noqa: A001
