"""The review file (SQLite); the only package that holds SQL."""

import sys

if "sqlite_utils.db" not in sys.modules:
    # sqlite-utils imports pandas whenever it is installed, only to give
    # `pandas.Timestamp` a column type; review stores none, and every start
    # (`review import`, the TUI) paid 0.3-0.5 s and 40 MB for it. Hidden while
    # sqlite-utils loads; `import pandas` works as before afterwards.
    # numpy likewise, for numpy's number types: review's tables are made by
    # its own schema, and sqlite3 binds numpy's floats as it always did.
    _hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
    for name in _hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import sqlite_utils.db  # noqa: F401
    finally:
        for name in _hidden:
            del sys.modules[name]

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
