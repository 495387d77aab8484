"""The review file (SQLite); the only package that holds SQL."""

import sys

if "pandas" not in sys.modules and "sqlite_utils.db" not in sys.modules:
    # sqlite-utils imports pandas whenever it is installed, only to give
    # `pandas.Timestamp` a column type; review stores none, and every start
    # (`review import`, the TUI) paid 0.3-0.5 s and 40 MB for it. Hidden while
    # sqlite-utils loads; `import pandas` works as before afterwards.
    sys.modules["pandas"] = None  # type: ignore[assignment]
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        del sys.modules["pandas"]

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
