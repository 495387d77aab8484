"""The review file (SQLite); the only package that holds SQL."""

from review.store.imports import KeyedRecord, NewSource, RowChunk, row_chunks
from review.store.records import RecordRow, fts_query
from review.store.store import Store, utc_now

__all__ = [
    "KeyedRecord",
    "NewSource",
    "RecordRow",
    "RowChunk",
    "Store",
    "fts_query",
    "row_chunks",
    "utc_now",
]
