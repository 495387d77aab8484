"""An import's records written in short transactions, overlapped with parsing.

Most of what SQLite does for an import is tokenising the text into the
search index; that runs in C without Python's lock. So each batch is
written in two halves on a connection of its own: the records and warnings
by the importing thread (one row at a time, which needs Python), then the
search index (one `INSERT … SELECT`, a single call into SQLite) and the
commit by a helper thread, while the importing thread parses the next batch.
On two cores an import then takes about as long as parsing alone.

The helper thread makes two calls per batch; a thread running Python row by
row would wait for the parser at every row instead (that was tried, and
gained nothing).
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from review.errors import StoreError
from review.store import pending
from review.store.columns import FTS_COLUMNS, INSERT_COLUMNS, insert_values

if TYPE_CHECKING:
    from review.store.imports import KeyedRecord

HOLD = 0.025
"""Seconds a batch should hold the write lock: a colleague's decision waits at
most about this long. Batches are sized to it as the import runs, since how
many records that is depends on the machine, its load and the records."""
SIZES = (50, 250, 5_000)
"""Smallest, first and largest batch, in records."""

_INSERT_RECORDS = (
    f"INSERT INTO records_all (id, {', '.join(INSERT_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (1 + len(INSERT_COLUMNS)))})"
)
_INDEX = (
    f"INSERT INTO records_fts (rowid, {', '.join(FTS_COLUMNS)}) "
    f"SELECT id, {', '.join(FTS_COLUMNS)} FROM records_all WHERE id BETWEEN ? AND ?"
)
"""The batch's rows into the search index, read back in one statement: one
call that tokenises in C, where binding each row's text would hold Python."""
_INSERT_WARNINGS = (
    "INSERT INTO record_warnings_all (record_id, kind, field, message) VALUES (?, ?, ?, ?)"
)

Checked = Callable[[sqlite3.Connection], None]
"""Run inside each batch's transaction before it writes (the import's marker
is still there); raises to stop the import."""


class BatchWriter:
    """Writes one import's batches; `write` returns once the batch's first
    half is in, the second half and its commit run while the caller parses."""

    def __init__(self, path: Path, busy_ms: int, source_id: int, check: Checked) -> None:
        self._path = path
        self._conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._conn.execute(f"PRAGMA busy_timeout = {busy_ms}")
        self._conn.execute("PRAGMA foreign_keys = ON")
        # A batch commits without waiting for the disk: its fsync (and the
        # checkpoint's) comes after, with the lock free; see `_index_and_commit`.
        self._conn.execute("PRAGMA synchronous = NORMAL")
        self._conn.execute("PRAGMA wal_autocheckpoint = 0")
        self._source_id = source_id
        self._check = check
        self._helper = ThreadPoolExecutor(1, thread_name_prefix="import-index")
        self._pending: Future[float] | None = None
        self._started = 0.0
        self._records = 0
        self.count = 0
        self.warnings = 0
        self.sizer = BatchSizer()

    def write(self, rows: list[tuple[Any, ...]], warnings: list[tuple[Any, ...]]) -> None:
        """Write one batch: (record values without id), (index in batch, *warning)."""
        self.wait()
        conn = self._conn
        self._started = time.perf_counter()
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"the review file is locked by another process ({exc})",
                path=self._path,
                hint="close the other `review` session or try again",
            ) from None
        try:
            self._check(conn)
            first = (conn.execute("SELECT max(id) FROM records_all").fetchone()[0] or 0) + 1
            conn.executemany(_INSERT_RECORDS, [(first + i, *row) for i, row in enumerate(rows)])
            conn.executemany(_INSERT_WARNINGS, [(first + i, *w) for i, *w in warnings])
            self.count += len(rows)
            self.warnings += len(warnings)
            conn.execute(
                "UPDATE sources_all SET record_count = ?, warning_count = ? WHERE id = ?",
                [self.count, self.warnings, self._source_id],
            )
            conn.execute(
                "UPDATE pending_imports SET heartbeat = ? WHERE source_id = ?",
                [pending.now(), self._source_id],
            )
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        self._records = len(rows)
        self._pending = self._helper.submit(self._index_and_commit, first, first + len(rows) - 1)

    def _index_and_commit(self, first: int, last: int) -> float:
        try:
            self._conn.execute(_INDEX, [first, last])
            self._conn.execute("COMMIT")
        except BaseException:
            if self._conn.in_transaction:
                self._conn.execute("ROLLBACK")
            raise
        ended = time.perf_counter()
        # Out of the lock: the WAL synced and copied into the file, so that a
        # colleague's commit finds next to nothing of the import to fsync,
        # and the WAL stays one batch long. Committing with FULL instead held
        # the lock through the fsync and halved the batches.
        self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
        return ended

    def wait(self) -> None:
        """Until the last batch is committed; raises what went wrong with it."""
        if self._pending is None:
            return
        future, self._pending = self._pending, None
        ended = future.result()
        self.sizer.held(self._records, ended - self._started)

    def close(self) -> None:
        """Wait for the batch in flight (committed or rolled back) and let go."""
        if self._pending is not None:
            try:
                self._pending.exception()
            finally:
                self._pending = None
        self._helper.shutdown(wait=True)
        self._conn.close()


class BatchSizer:
    """How many records the next batch should hold, so that writing it holds
    the lock about `HOLD` seconds (the time per record of the last batch)."""

    def __init__(self) -> None:
        self.size = SIZES[1]

    def held(self, records: int, seconds: float) -> None:
        wanted = records * HOLD / max(seconds, 1e-4)
        # Grow gently (a fast batch may be luck), shrink at once.
        self.size = int(max(SIZES[0], min(SIZES[2], wanted, self.size * 2)))


def prepared(
    records: Iterable[KeyedRecord], source_id: int, sizer: BatchSizer
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[int, str, str | None, str]]]]:
    """Batches of (record rows without their id, (index in batch, *warning)),
    parsed before the batch's transaction opens, so the lock is held only
    while SQLite writes."""
    iterator = iter(records)
    while batch := list(islice(iterator, sizer.size)):
        rows = [insert_values(r, source_id) for r in batch]
        warnings = [
            (i, w.kind, w.field, w.message) for i, r in enumerate(batch) for w in r.draft.warnings
        ]
        yield rows, warnings
