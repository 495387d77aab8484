"""The review file (SQLite); the only package that holds SQL."""

from review.store.imports import KeyedRecord, NewSource
from review.store.records import RecordRow, fts_query
from review.store.store import Store, utc_now

__all__ = ["KeyedRecord", "NewSource", "RecordRow", "Store", "fts_query", "utc_now"]
