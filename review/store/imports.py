"""Imports into the review file: sources and their records, staged in
batches of short transactions and published at once."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from operator import itemgetter
from typing import TYPE_CHECKING, Any, cast

from review import __version__
from review.errors import DuplicateImportError, StoreError
from review.models import FILE_WARNING_KINDS, RecordDraft, Source, SourceKind
from review.store import import_discard, pending
from review.store.columns import (
    FTS_COLUMNS,
    FTS_INDEXES,
    INSERT_COLUMNS,
    encode_json,
    insert_values,
)
from review.store.wal_sync import WalSyncer
from review.wording import counted

if TYPE_CHECKING:
    from review.store.store import Store

_HOLD = 0.025
"""Seconds a batch should hold the write lock: a colleague's decision waits at
most about this long. Batches are sized to it as the import runs, since how
many records that is depends on the machine, its load and the records."""
_GAP = 0.003
"""Seconds the lock is left free after a batch whose successor is ready at
once (parsed in another process): a colleague's decision asks for the lock
every millisecond (`Store.write`) and lands in a gap this long. Without a
pause the import takes the lock again within microseconds of freeing it."""
_SIZES = (50, 250, 5_000)
"""Smallest, first and largest batch, in records."""
_CHECKPOINT_PAGES = 4_000
"""WAL pages an import lets pile up before they are copied into the file
(SQLite's 1,000: 80k records 1 s slower; 4,000: a decision meanwhile may copy
more of them, p95 36 → 51 ms in import_concurrency_bench)."""
_FTS_AUTOMERGE = 16
"""Search-index pieces (segments) per level before FTS5 merges them (default 4)."""


@dataclass(frozen=True)
class NewSource:
    """What an import says about the file it came from."""

    file_name: str
    file_path: str
    file_hash: str
    file_size: int
    format: str
    encoding: str
    kind: SourceKind
    method: str | None
    name: str
    search_date: str | None
    imported_by: str | None


@dataclass(frozen=True)
class KeyedRecord:
    """A parsed record with the identifiers the ingest gave it."""

    key: str
    uid: str
    draft: RecordDraft


_PLACEHOLDERS = ", ".join("?" * (1 + len(INSERT_COLUMNS)))
_INSERT_RECORDS = (
    f"INSERT INTO records_all (id, {', '.join(INSERT_COLUMNS)}) VALUES ({_PLACEHOLDERS})"
)
_FTS_VALUES = itemgetter(0, *FTS_INDEXES)
"""A row of (id, *INSERT_COLUMNS) as the values of `_INSERT_FTS`."""
_INSERT_FTS = (
    f"INSERT INTO records_fts (rowid, {', '.join(FTS_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (1 + len(FTS_COLUMNS)))})"
)


class ImportsRepository:
    """`store.imports`: the files brought into the review, and their records
    written in batches, each batch its own short transaction.

    An import is staged (rows written under a `pending_imports` marker that
    every reader's view filters out) and then published in one short
    transaction that removes the marker, so a decision pressed meanwhile waits
    at most for one batch, and nobody ever sees half an import.
    """

    def __init__(self, store: Store) -> None:
        self._store = store

    def source_with_hash(self, file_hash: str) -> Source | None:
        """The first published import of a file with this content."""
        rows = list(self._store.db["sources"].rows_where("file_hash = ?", [file_hash], limit=1))
        return Source(**_source_fields(rows[0])) if rows else None

    def import_count(self, file_hash: str) -> int:
        """How many times a file with this content was imported (forced
        repeats), counting imports still in progress so their uids differ."""
        sql = "SELECT count(*) FROM sources_all WHERE file_hash = ?"
        return int(self._store.db.execute(sql, [file_hash]).fetchone()[0])

    def add(
        self,
        source: NewSource,
        records: Iterable[KeyedRecord],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> Source:
        """Stage one file's records, warnings and search index, then publish them."""
        staged = self.stage(source, records, on_batch=on_batch)
        try:
            return self.publish([staged.id])[0]
        except BaseException:
            self.discard([staged.id])
            raise

    def stage(
        self,
        source: NewSource,
        records: Iterable[KeyedRecord],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> Source:
        """Write one file's rows in short transactions, hidden until `publish`.

        `records` may be a generator that parses as it goes: each batch is
        parsed outside any transaction and written in one. If the generator
        raises (a parse error found late) or the process is interrupted,
        everything of this file is deleted again; if it is killed, the next
        `Store.open` deletes it.
        """
        return self.stage_rows(
            source, lambda source_id: row_chunks(records, source_id), on_batch=on_batch
        )

    def stage_rows(
        self,
        source: NewSource,
        chunks: Callable[[int], Iterable[RowChunk]],
        *,
        on_batch: Callable[[int], None] | None = None,
        ready: bool = False,
    ) -> Source:
        """`stage` for rows made elsewhere (by `row_chunks`, perhaps in another
        process): `chunks(source_id)` gives them once the source has its id.

        `ready`: rows come at once (parsed in another process), so after each
        batch the lock is left free a while (`_GAP`) for colleagues.
        """
        # The token stays running until `publish` or `discard`, so another
        # store opened in this process does not take the import for dead.
        token = pending.new_token()
        try:
            source_id = self._begin(source, token)
        except BaseException:
            pending.finished(token)
            raise
        conn = self._store.db.conn
        checkpoint = conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0]
        # Pages each batch rewrites (indexes, search index) are copied from
        # the WAL into the file once per 16 MB of log rather than per 4 MB.
        conn.execute(f"PRAGMA wal_autocheckpoint = {_CHECKPOINT_PAGES}")
        made = chunks(source_id)
        try:
            self._write_batches(source_id, made, on_batch, _GAP if ready else 0.0)
        except BaseException:
            # Stop the parser first (a generator; perhaps another process).
            getattr(made, "close", lambda: None)()
            self.discard([source_id])
            raise
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint = {int(checkpoint)}")
        return self._any_source(source_id)

    def _begin(self, source: NewSource, token: str) -> int:
        with self._store.write() as db:
            inserted = db.table("sources_all").insert(
                {
                    **source.__dict__,
                    "kind": str(source.kind),
                    "imported_at": self._store.now(),
                    "record_count": 0,
                    "warning_count": 0,
                    "app_version": __version__,
                }
            )
            source_id = cast(int, inserted.last_pk)
            # Each batch adds a piece (segment) to the search index; merged
            # in sixteens, not fours, each entry is rewritten half as often.
            db.execute(
                "INSERT INTO records_fts (records_fts, rank) VALUES ('automerge', ?)",
                [_FTS_AUTOMERGE],
            )
            stamp = pending.now()
            db.execute(
                "INSERT INTO pending_imports (source_id, host, pid, token, started_at, heartbeat) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [source_id, pending.host(), os.getpid(), token, stamp, stamp],
            )
        return source_id

    def _write_batches(
        self,
        source_id: int,
        chunks: Iterable[RowChunk],
        on_batch: Callable[[int], None] | None,
        gap: float,
    ) -> None:
        count, warnings = 0, 0
        sizer = _BatchSizer()
        free_until = 0.0
        syncer: WalSyncer | None = None
        try:
            for values, warning_values in _batches(chunks, sizer):
                # Rows parsed in another process are ready at once: without a
                # pause the lock would be taken again within microseconds of
                # being freed, before a colleague's decision (asking every
                # millisecond) could take it. (Parsed here, the next batch's
                # parsing is the pause.)
                pause = free_until - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                started = time.perf_counter()
                count, warnings = self._write_batch(
                    source_id, values, warning_values, count, warnings
                )
                ended = time.perf_counter()
                sizer.held(len(values), ended - started)
                free_until = ended + gap
                # Started after the first batch, once the parsing process
                # runs: a thread alive before would make it spawn, not fork.
                syncer = syncer or WalSyncer(self._store.path)
                syncer.batch_written()
                if on_batch:
                    on_batch(count)
        finally:
            if syncer:
                syncer.close()

    def _write_batch(
        self,
        source_id: int,
        values: list[tuple[Any, ...]],
        warning_values: list[tuple[int, str, str | None, str]],
        count: int,
        warnings: int,
    ) -> tuple[int, int]:
        """One batch, one transaction: the counts of records and warnings after it.

        Committed without fsync (bulk): a sync would hold the lock while the
        disk writes. `WalSyncer` syncs the log after each batch, outside the
        lock, so a colleague's decision, whose commit syncs the log, finds
        little of the import's left to write.
        """
        with self._store.write(bulk=True) as db:
            self._require_marker(source_id)
            first_id = (db.execute("SELECT max(id) FROM records_all").fetchone()[0] or 0) + 1
            rows = [(first_id + i, *row) for i, row in enumerate(values)]
            db.conn.executemany(_INSERT_RECORDS, rows)
            # Indexed from the values in hand rather than read back from
            # `records`: the text is tokenised once, nothing is re-read.
            db.conn.executemany(_INSERT_FTS, map(_FTS_VALUES, rows))
            db.conn.executemany(
                "INSERT INTO record_warnings_all (record_id, kind, field, message) "
                "VALUES (?, ?, ?, ?)",
                ((first_id + i, *rest) for i, *rest in warning_values),
            )
            count += len(rows)
            warnings += len(warning_values)
            db.execute(
                "UPDATE sources_all SET record_count = ?, warning_count = ? WHERE id = ?",
                [count, warnings, source_id],
            )
            db.execute(
                "UPDATE pending_imports SET heartbeat = ? WHERE source_id = ?",
                [pending.now(), source_id],
            )
        return count, warnings

    def publish(self, source_ids: list[int], *, refuse_repeats: bool = False) -> list[Source]:
        """Show staged imports to everyone at once, in one short transaction.

        `refuse_repeats`: a file with the same content published by someone
        else while these were staged is refused here, as it would have been
        had it been there when the import started.
        """
        with self._store.write():
            for source_id in source_ids:
                self._require_marker(source_id)
                if refuse_repeats:
                    self._refuse_published_twin(source_id)
            tokens = [
                import_discard.pending_token(self._store, source_id) for source_id in source_ids
            ]
            marks = ", ".join("?" * len(source_ids))
            self._store.db.execute(
                f"DELETE FROM pending_imports WHERE source_id IN ({marks})", source_ids
            )
        for token in tokens:
            pending.finished(token)
        return [self.source(source_id) for source_id in source_ids]

    def discard(self, source_ids: list[int]) -> None:
        """Delete staged imports (see `import_discard`)."""
        import_discard.discard(self._store, source_ids)

    def discard_dead(self) -> list[str]:
        """Delete imports whose process was killed or vanished; what was
        removed, one line each, for the user to be told once."""
        return import_discard.discard_dead(self._store)

    def _require_marker(self, source_id: int) -> None:
        sql = "SELECT 1 FROM pending_imports WHERE source_id = ?"
        if self._store.db.execute(sql, [source_id]).fetchone() is None:
            raise StoreError(
                "this import was given up for dead and its rows deleted "
                f"(no sign of it for {pending.STALE_AFTER.seconds // 60} minutes)",
                path=self._store.path,
                hint="nothing of it was stored; run the import again",
            )

    def _refuse_published_twin(self, source_id: int) -> None:
        mine = self._any_source(source_id)
        earlier = self.source_with_hash(mine.file_hash)
        if earlier is not None:
            raise DuplicateImportError(
                f"{mine.file_name}: the same file was imported as source #{earlier.id} "
                f"({earlier.file_name}, {counted(earlier.record_count, 'record')}) "
                "while this import ran",
                path=self._store.path,
                hint="nothing was imported; use --force to import it again as a new source",
            )

    def _any_source(self, source_id: int) -> Source:
        """A source by id, published or not (only imports ask for unpublished ones)."""
        row = self._store.db.execute(
            "SELECT * FROM sources_all WHERE id = ?", [source_id]
        ).fetchone()
        names = [
            d[0] for d in self._store.db.execute("SELECT * FROM sources_all LIMIT 0").description
        ]
        return Source(**_source_fields(dict(zip(names, row, strict=True))))

    def file_notices(self) -> dict[int, list[str]]:
        """Per source id, the messages of warnings about the whole file."""
        kinds = sorted(FILE_WARNING_KINDS)
        sql = (
            "SELECT r.source_id, w.message FROM record_warnings w "
            "JOIN records r ON r.id = w.record_id "
            f"WHERE w.kind IN ({', '.join('?' * len(kinds))}) ORDER BY w.id"
        )
        found: dict[int, list[str]] = {}
        for source_id, message in self._store.db.execute(sql, kinds).fetchall():
            found.setdefault(source_id, []).append(message)
        return found

    def source(self, source_id: int) -> Source:
        """A published source by id."""
        rows = list(self._store.db["sources"].rows_where("id = ?", [source_id], limit=1))
        if not rows:
            raise StoreError(f"no source with id {source_id}", path=self._store.path)
        return Source(**_source_fields(rows[0]))

    def sources(self) -> list[Source]:
        return [
            Source(**_source_fields(row))
            for row in self._store.db["sources"].rows_where(order_by="id")
        ]


class _BatchSizer:
    """How many records the next batch should hold, so that writing it holds
    the lock about `_HOLD` seconds (the time per record of the last batch)."""

    def __init__(self) -> None:
        self.size = _SIZES[1]

    def held(self, records: int, seconds: float) -> None:
        wanted = records * _HOLD / max(seconds, 1e-4)
        # Grow gently (a fast batch may be luck), shrink at once.
        self.size = int(max(_SIZES[0], min(_SIZES[2], wanted, self.size * 2)))


RowChunk = tuple[list[tuple[Any, ...]], list[tuple[int, str, str | None, str]]]
"""A few records' rows (the values of `INSERT_COLUMNS`, JSON fields not yet
encoded) and their warnings,
each (index of its record in the chunk, kind, field, message)."""
_CHUNK = _SIZES[0]
"""Records per chunk: batches are made of whole chunks."""


def row_chunks(records: Iterable[KeyedRecord], source_id: int) -> Iterator[RowChunk]:
    """Records as rows ready to write, `_CHUNK` at a time (parsed as they are
    asked for: outside any transaction, or in another process)."""
    iterator = iter(records)
    while batch := list(islice(iterator, _CHUNK)):
        rows = [insert_values(r, source_id) for r in batch]
        warnings = [
            (i, w.kind, w.field, w.message) for i, r in enumerate(batch) for w in r.draft.warnings
        ]
        yield rows, warnings


def _batches(chunks: Iterable[RowChunk], sizer: _BatchSizer) -> Iterator[RowChunk]:
    """Chunks gathered into batches of about `sizer.size` records, each
    gathered before its transaction opens, so the lock is held only while
    SQLite writes.

    A parser thread feeding this was tried: sqlite3 releases the GIL while
    SQLite works, but re-taking it for every row cancelled the overlap
    (measured: no gain on 20k records); a parser process does overlap (see
    `review.process_stream`).
    """
    rows: list[tuple[Any, ...]] = []
    warnings: list[tuple[int, str, str | None, str]] = []
    for chunk_rows, chunk_warnings in chunks:
        if chunk_warnings:
            base = len(rows)
            warnings += [(base + i, kind, name, text) for i, kind, name, text in chunk_warnings]
        rows += map(encode_json, chunk_rows)
        if len(rows) >= sizer.size:
            yield rows, warnings
            rows, warnings = [], []
    if rows:
        yield rows, warnings


def _source_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k in Source.model_fields}
