"""The shapes the API answers and accepts beyond the domain's own models (corpus.models): pages of a
list, errors, a document's detail, reviews, decisions and keys."""

from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field

from application.access import Role
from corpus.filters import Window
from corpus.models import ConsistencyWarning, Document, PageInfo, WarningStatus

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


def page_of(items: list[T], total: int, window: Window) -> Page[T]:
    """A page of a list the catalog windowed and counted."""
    return Page(items=items, total=total, limit=window.limit or len(items), offset=window.offset)


class DocumentDetail(BaseModel):
    document: Document = Field(description="the document")
    pages: list[PageInfo] = Field(description="its pages (sheets) and what the reader found on them")
    facts: int = Field(
        description="number of facts it states (GET /facts?document=ID lists them)", examples=[42]
    )
    warnings: list[ConsistencyWarning] = Field(
        description="warnings it is involved in, as far as the caller may see them"
    )


class Review(BaseModel):
    status: WarningStatus = Field(description="the reviewer's decision", examples=["acknowledged"])
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


class NewKey(BaseModel):
    role: Role = Field(description="admin, secretariat, reviewer or public", examples=["reviewer"])
    name: str | None = Field(default=None, description="who or what it is for", examples=["Ms Tanaka"])


class CreatedKey(KeyInfo):
    key: str = Field(
        description="the key: shown this once, only its hash is kept",
        examples=["jcm_q0B8Xw5rYtCk3zT0v9m2YV4xQe1nW7sLh6dJfU8pA2g"],
    )

