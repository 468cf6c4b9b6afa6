"""The interface every search backend implements, and what the backends share around it."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, runtime_checkable

from corpus.models import Passage, SearchResults

PAGE_BLOCK = -1  # block number of the passage holding a whole page
DEFAULT_ES_INDEX = "jcm-passages"  # the Elasticsearch index's name unless settings name another


class IndexLockedError(RuntimeError):
    """Another process (or another writer in this one) is writing to the index."""


class SearchBackendError(ValueError):
    """The configured search backend cannot be used: unknown, missing its URL, or not reachable."""


class IndexSchemaError(RuntimeError):
    """The index on disk was built by an incompatible version; rebuild it from the catalog."""


class IndexUnavailableError(RuntimeError):
    """The index cannot answer searches now; the message says why and what repairs it."""


class IndexDamagedError(IndexSchemaError, IndexUnavailableError):
    """A file of the index is missing, truncated or overwritten: the index must be rebuilt from the
    catalog. An IndexSchemaError too, so that whatever rebuilds an index of another version rebuilds a
    damaged one."""


class IndexRebuildingError(IndexUnavailableError):
    """The index is being rebuilt from the catalog (or its rebuild was interrupted): until the rebuild
    commits, it holds only part of the passages."""


@runtime_checkable
class SearchIndex(Protocol):
    def add_passages(self, passages: Sequence[Passage]) -> None:
        """Index passages; visible to searches after commit(). Give all passages of a page in one call."""

    def delete_document(self, document_id: str) -> None:
        """Remove every passage of the document; takes effect at commit()."""

    def commit(self) -> None: ...

    def search(
        self,
        query: str,
        *,
        limit: int = 10,
        offset: int = 0,
        filters: SearchFilters | Mapping[str, object] | None = None,
        expand: bool = True,
    ) -> SearchResults:
        """Ranked passages; ``expand`` also searches the glossary's other names of the query's terms.
        ``filters`` are typed; a mapping of them is validated (ValueError names what is wrong)."""

    def count(self) -> int:
        """Number of passages indexed (the page passages an index adds on its own are not counted)."""

    def passage_keys(self) -> list[tuple[str, int]]:
        """(document id, block) of every passage indexed, page passages left out; a passage indexed
        twice appears twice. What `jcm verify` compares with the catalog."""

    def clear(self) -> None: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class SearchFilters:
    """What a search is restricted to, typed from the entry point down to the engines: each field lists
    the accepted values (empty: no filter; several: any of them)."""

    language: tuple[str, ...] = ()
    doc_type: tuple[str, ...] = ()
    country: tuple[str, ...] = ()
    year: tuple[int, ...] = ()
    has_warnings: bool | None = None
    document: tuple[str, ...] = ()
    # What a public viewer may see: no passage of a confidential document, and has_warnings counting
    # only warnings that involve no confidential document. Applied inside the query, so totals and
    # facets count only what is visible.
    public_only: bool = False

    @classmethod
    def of(
        cls,
        *,
        language: str | None = None,
        country: str | None = None,
        doc_type: str | None = None,
        year: int | None = None,
        has_warnings: bool | None = None,
    ) -> SearchFilters:
        """The filters an entry point offers, one value each (None: no filter)."""
        return cls(
            language=_one(language), doc_type=_one(doc_type), country=_one(country), year=_one(year),
            has_warnings=has_warnings,
        )

    def as_viewer(self, *, public_only: bool) -> SearchFilters:
        """The same filters for a viewer who may (or may not) see confidential documents."""
        return replace(self, public_only=public_only)


def _one(value: Any) -> tuple:
    return () if value is None or value == "" else (value,)


def as_filters(filters: SearchFilters | Mapping[str, object] | None) -> SearchFilters:
    """Typed filters as they are; a mapping (a script's, a test's) validated into them."""
    return filters if isinstance(filters, SearchFilters) else parse_filters(filters)


_FILTER_ALIASES = {"countries": "country", "document_id": "document", "lang": "language"}


def parse_filters(filters: Mapping[str, object] | None) -> SearchFilters:
    """Validate filters; a value may be one item or a list of items (any of them matches)."""
    values: dict[str, object] = {}
    for key, value in (filters or {}).items():
        name = _FILTER_ALIASES.get(key, key)
        if name not in SearchFilters.__dataclass_fields__:
            known = ", ".join(SearchFilters.__dataclass_fields__)
            raise ValueError(f"unknown search filter {key!r}; known: {known}")
        if value is None or value == [] or value == "":
            continue
        values[name] = _filter_value(name, value)
    return SearchFilters(**values)  # type: ignore[arg-type]


def _filter_value(name: str, value: object) -> object:
    if name in ("has_warnings", "public_only"):
        return _as_bool(value)
    items = list(value) if isinstance(value, list | tuple | set | frozenset) else [value]
    if name == "year":
        return tuple(_as_year(item) for item in items)
    return tuple(str(item) for item in items)


def _as_bool(value: object) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"true", "1", "yes"}:
        return True
    if text in {"false", "0", "no"}:
        return False
    raise ValueError(f"has_warnings and public_only filters must be true or false, not {value!r}")


def _as_year(value: object) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"year filter must be a year such as 2015, not {value!r}") from None
