"""Search indices: one SearchIndex interface, shared text analysis, the embedded tantivy backend and
Elasticsearch (indices.elasticsearch, imported only when used)."""

from indices.analysis import Token, analyze, analyze_streams, highlight, warm_up
from indices.backends import BACKENDS, open_index
from indices.base import (
    IndexDamagedError,
    IndexLockedError,
    IndexRebuildingError,
    IndexSchemaError,
    IndexUnavailableError,
    SearchBackendError,
    SearchFilters,
    SearchIndex,
)
from indices.embedded import EmbeddedIndex

__all__ = [
    "BACKENDS",
    "EmbeddedIndex",
    "IndexDamagedError",
    "IndexLockedError",
    "IndexRebuildingError",
    "IndexSchemaError",
    "IndexUnavailableError",
    "SearchBackendError",
    "SearchFilters",
    "SearchIndex",
    "Token",
    "analyze",
    "analyze_streams",
    "highlight",
    "open_index",
    "warm_up",
]
