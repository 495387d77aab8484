"""The review file (SQLite); the only package that holds SQL."""

from review.store.store import KeyedRecord, NewSource, RecordRow, Store, fts_query, utc_now

__all__ = ["KeyedRecord", "NewSource", "RecordRow", "Store", "fts_query", "utc_now"]
