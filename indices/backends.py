"""Opening the search backend that settings name."""

from __future__ import annotations

from pathlib import Path

from indices.base import SearchBackendError, SearchIndex
from indices.embedded import EmbeddedIndex

BACKENDS = ("embedded", "elasticsearch")
DEFAULT_ES_INDEX = "jcm-passages"


def open_index(
    backend: str, *, path: Path, es_url: str | None = None, es_index: str = DEFAULT_ES_INDEX
) -> SearchIndex:
    """The embedded index in ``path``, or the Elasticsearch index ``es_index`` at ``es_url``."""
    if backend == "embedded":
        return EmbeddedIndex(path)
    if backend == "elasticsearch":
        from indices.elasticsearch import ElasticsearchIndex  # the client loads only when used

        return ElasticsearchIndex(es_url, index_name=es_index)
    raise SearchBackendError(f"unknown search backend {backend!r}; known: {', '.join(BACKENDS)}")
