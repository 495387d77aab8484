"""Imports into the review file: sources and their records, written in batches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import islice
from typing import TYPE_CHECKING, Any, cast

from review import __version__
from review.models import FILE_WARNING_KINDS, RecordDraft, Source, SourceKind
from review.store.columns import FTS_COLUMNS, FTS_INDEXES, INSERT_COLUMNS, insert_values

if TYPE_CHECKING:
    from review.store.store import Store

_BATCH = 2_000


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
_INSERT_RECORDS = f"INSERT INTO records (id, {', '.join(INSERT_COLUMNS)}) VALUES ({_PLACEHOLDERS})"
_INSERT_FTS = (
    f"INSERT INTO records_fts (rowid, {', '.join(FTS_COLUMNS)}) "
    f"VALUES ({', '.join('?' * (1 + len(FTS_COLUMNS)))})"
)


class ImportsRepository:
    """`store.imports`: the files brought into the review, and their records
    written in batches."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def source_with_hash(self, file_hash: str) -> Source | None:
        rows = list(self._store.db["sources"].rows_where("file_hash = ?", [file_hash], limit=1))
        return Source(**_source_fields(rows[0])) if rows else None

    def import_count(self, file_hash: str) -> int:
        """How many times a file with this content was imported (forced repeats)."""
        sql = "SELECT count(*) FROM sources WHERE file_hash = ?"
        return int(self._store.db.execute(sql, [file_hash]).fetchone()[0])

    def add(
        self,
        source: NewSource,
        records: Iterable[KeyedRecord],
        *,
        on_batch: Callable[[int], None] | None = None,
    ) -> Source:
        """Store one file's records, warnings and search index in one transaction.

        `records` may be a generator that parses as it goes: rows are inserted
        in batches, and if the generator raises (a parse error found late),
        everything of this file is rolled back.
        """
        with self._store.write() as db:
            inserted = db.table("sources").insert(
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
            first_id = (db.execute("SELECT max(id) FROM records").fetchone()[0] or 0) + 1
            count, warnings = 0, 0
            for values, warning_rows in _prepared(records, source_id, first_id):
                db.conn.executemany(_INSERT_RECORDS, values)
                # Indexed from the values in hand rather than read back from
                # `records`: the text is tokenised once, nothing is re-read.
                db.conn.executemany(
                    _INSERT_FTS, ([row[0], *(row[c] for c in FTS_INDEXES)] for row in values)
                )
                db.conn.executemany(
                    "INSERT INTO record_warnings (record_id, kind, field, message) "
                    "VALUES (?, ?, ?, ?)",
                    warning_rows,
                )
                count += len(values)
                warnings += len(warning_rows)
                if on_batch:
                    on_batch(count)
            db.execute(
                "UPDATE sources SET record_count = ?, warning_count = ? WHERE id = ?",
                [count, warnings, source_id],
            )
            return self.source(source_id)

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
        return Source(**_source_fields(self._store.db.table("sources").get(source_id)))

    def sources(self) -> list[Source]:
        return [
            Source(**_source_fields(row))
            for row in self._store.db["sources"].rows_where(order_by="id")
        ]


def _prepared(
    records: Iterable[KeyedRecord], source_id: int, first_id: int
) -> Iterator[tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
    """Batches of (record rows, warning rows), numbered from `first_id`.

    A parser thread feeding this was tried: sqlite3 releases the GIL while
    SQLite works, but re-taking it for every row cancelled the overlap
    (measured: no gain on 20k records), so it stays one thread.
    """
    next_id = first_id
    iterator = iter(records)
    while batch := list(islice(iterator, _BATCH)):
        pairs = list(zip(range(next_id, next_id + len(batch)), batch, strict=True))
        rows = [(i, *insert_values(r, source_id)) for i, r in pairs]
        warnings = [(i, w.kind, w.field, w.message) for i, r in pairs for w in r.draft.warnings]
        yield rows, warnings
        next_id += len(batch)


def _source_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k in Source.model_fields}
