"""Search indices: one SearchIndex interface, shared text analysis, the embedded tantivy backend."""

from indices.analysis import Token, analyze, analyze_streams, highlight, warm_up
from indices.base import IndexLockedError, IndexSchemaError, SearchIndex
from indices.embedded import EmbeddedIndex

__all__ = [
    "EmbeddedIndex",
    "IndexLockedError",
    "IndexSchemaError",
    "SearchIndex",
    "Token",
    "analyze",
    "analyze_streams",
    "highlight",
    "warm_up",
]
