"""Opening the search backend that settings name."""

from __future__ import annotations

from pathlib import Path

from indices.base import DEFAULT_ES_INDEX, SearchBackendError, SearchIndex
from indices.es_options import ElasticsearchOptions
from indices.visibility import open_elasticsearch, open_embedded

BACKENDS = ("embedded", "elasticsearch")
__all__ = ["BACKENDS", "DEFAULT_ES_INDEX", "open_index"]


def open_index(
    backend: str,
    *,
    path: Path,
    es_url: str | None = None,
    es_index: str = DEFAULT_ES_INDEX,
    es: ElasticsearchOptions | None = None,
) -> SearchIndex:
    """The embedded index in ``path``, or the Elasticsearch index ``es_index`` reached with ``es`` (or
    at ``es_url`` with the client's defaults); each with its index of public passages, where a public
    caller's searches run (indices.visibility)."""
    if backend == "embedded":
        return open_embedded(path)
    if backend == "elasticsearch":
        return open_elasticsearch(es or es_url, es_index)
    raise SearchBackendError(f"unknown search backend {backend!r}; known: {', '.join(BACKENDS)}")
