"""The review file: the only place that speaks SQL.

One SQLite file per review, WAL-journalled, foreign keys on, a busy timeout
so two processes (two reviewers on one machine) wait rather than fail.
Writes that represent one user action run in one `BEGIN IMMEDIATE`
transaction, so a killed process leaves either all of an action or none.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from review import __version__
from review.errors import StoreError
from review.models import Record, RecordDraft, Source, SourceKind
from review.store.location import risky_location
from review.store.schema import MIGRATIONS

BUSY_TIMEOUT_MS = 10_000
_BATCH = 2_000
_JSON = json.JSONEncoder(ensure_ascii=False).encode
APPLICATION_ID = 0x52455657  # "REVW": lets `file` and we tell our files apart
_SQLITE_MAGIC = b"SQLite format 3\x00"


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


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


@dataclass(frozen=True)
class RecordRow:
    """One line of the records table in the TUI: cheap to fetch 50k of."""

    id: int
    title: str
    year: int | None
    source_name: str
    warning_count: int


_RECORD_COLUMNS = (
    "uid, key, source_id, position, line, source_ref, title, vernacular_title, abstract, "
    "authors, year, journal, volume, issue, pages, doi, pmid, registry_id, record_type, "
    "language, keywords, url, issn, extra"
)

_PLACEHOLDERS = ", ".join("?" * (_RECORD_COLUMNS.count(",") + 2))


class Store:
    """An open review file. Create with `Store.create`, open with `Store.open`."""

    def __init__(self, db: Database, path: Path, *, now: Callable[[], str] = utc_now) -> None:
        self.db = db
        self.path = path
        self.now = now
        self.location_warning = risky_location(path)
        """Set when the file sits in a network or cloud-synced folder."""

    # -- opening ------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, *, now: Callable[[], str] = utc_now) -> Store:
        """A new, empty review file; refuses to overwrite an existing one."""
        if path.exists():
            raise StoreError(
                "a file already exists here",
                path=path,
                hint="choose another name, or open it with `review status`",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path)
        except (OSError, sqlite3.Error) as exc:
            raise StoreError(f"cannot create the review file: {exc}", path=path) from None
        store = cls(_configure(conn), path, now=now)
        store.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        MIGRATIONS.apply(store.db)
        with store.write():
            store.db["meta"].insert_all(
                [
                    {"key": "review_id", "value": uuid.uuid4().hex},
                    {"key": "created_at", "value": now()},
                    {"key": "created_by_version", "value": __version__},
                ]
            )
        return store

    @classmethod
    def open(cls, path: Path, *, now: Callable[[], str] = utc_now) -> Store:
        """Open an existing review file, applying any pending migrations."""
        if not path.is_file():
            raise StoreError(
                "no review file here",
                path=path,
                hint="create one with `review init FILE --protocol PROTOCOL`",
            )
        if not cls.is_review_file(path):
            raise StoreError(
                "this file is not a review file",
                path=path,
                hint="create one with `review init FILE --protocol PROTOCOL`",
            )
        try:
            db = _configure(sqlite3.connect(path))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the review file ({exc})", path=path) from None
        known = {m.name for m in MIGRATIONS._migrations}
        unknown = [m.name for m in MIGRATIONS.applied(db) if m.name not in known]
        if unknown:
            db.close()
            raise StoreError(
                f"made by a newer version of review (schema steps {', '.join(unknown)})",
                path=path,
                hint="upgrade review: pip install -U review",
            )
        MIGRATIONS.apply(db)
        return cls(db, path, now=now)

    @staticmethod
    def is_review_file(path: Path) -> bool:
        """True when the file's header carries our application id.

        Read from the header, not through SQLite: opening a foreign SQLite
        file with the store's settings would switch it to WAL first.
        """
        try:
            with path.open("rb") as handle:
                header = handle.read(100)
        except OSError:
            return False
        if not header.startswith(_SQLITE_MAGIC) or len(header) < 72:
            return False
        if int.from_bytes(header[68:72], "big") == APPLICATION_ID:
            return True
        # A review created and killed before its first checkpoint keeps the id
        # in the -wal file; such a file is WAL already, so opening it is safe.
        wal = path.with_name(path.name + "-wal")
        return wal.exists() and _wal_has_application_id(path)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def write(self, *, bulk: bool = False) -> Iterator[Database]:
        """One user action: BEGIN IMMEDIATE … COMMIT, rolled back on any error.

        IMMEDIATE takes the write lock up front, so a second process waits
        (busy_timeout) instead of failing half-way with SQLITE_BUSY. `bulk`
        (imports) commits without fsyncing the WAL: still atomic and safe
        from a killed process, and a power cut can only undo the whole
        import, which is repeatable; decisions always use FULL.
        """
        if self.db.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        if bulk:
            self.db.execute("PRAGMA synchronous = NORMAL")
            try:
                with self.write() as db:
                    yield db
            finally:
                self.db.execute("PRAGMA synchronous = FULL")
            return
        try:
            self.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise StoreError(
                f"the review file is locked by another process ({exc})",
                path=self.path,
                hint="close the other `review` session or try again",
            ) from None
        try:
            yield self.db
        except BaseException:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            raise
        else:
            self.db.execute("COMMIT")

    def backup(self, target: Path) -> None:
        """A consistent copy while others may be writing (never a file copy)."""
        if target.exists():
            raise StoreError("backup target already exists", path=target)
        self.db.execute("VACUUM INTO ?", [str(target)])

    # -- meta and protocol --------------------------------------------------

    def meta(self) -> dict[str, str]:
        return {row["key"]: row["value"] for row in self.db["meta"].rows}

    def save_protocol(self, *, path: str, text: str, hash: str) -> None:
        """Keep the protocol text and hash; a changed protocol is a new row."""
        current = self.protocol_text()
        if current and current[1] == hash:
            return
        with self.write():
            self.db["protocols"].insert(
                {"path": path, "text": text, "hash": hash, "loaded_at": self.now()}
            )

    def protocol_text(self) -> tuple[str, str, str] | None:
        """(path, text, hash) of the newest protocol, or None."""
        row = self.db.execute(
            "SELECT path, text, hash FROM protocols ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    # -- imports ------------------------------------------------------------

    def source_with_hash(self, file_hash: str) -> Source | None:
        rows = list(self.db["sources"].rows_where("file_hash = ?", [file_hash], limit=1))
        return Source(**_source_fields(rows[0])) if rows else None

    def import_count(self, file_hash: str) -> int:
        """How many times a file with this content was imported (forced repeats)."""
        sql = "SELECT count(*) FROM sources WHERE file_hash = ?"
        return int(self.db.execute(sql, [file_hash]).fetchone()[0])

    def add_import(
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
        with self.write() as db:
            source_id = int(
                db["sources"]
                .insert(
                    {
                        **source.__dict__,
                        "kind": str(source.kind),
                        "imported_at": self.now(),
                        "record_count": 0,
                        "warning_count": 0,
                        "app_version": __version__,
                    }
                )
                .last_pk
            )
            next_id = (db.execute("SELECT max(id) FROM records").fetchone()[0] or 0) + 1
            first_id, warnings = next_id, 0
            for batch in batched(records, _BATCH):
                ids = range(next_id, next_id + len(batch))
                db.conn.executemany(
                    f"INSERT INTO records (id, {_RECORD_COLUMNS}) VALUES ({_PLACEHOLDERS})",
                    ((i, *_record_values(r, source_id)) for i, r in zip(ids, batch, strict=True)),
                )
                rows = [
                    (i, w.kind, w.field, w.message)
                    for i, r in zip(ids, batch, strict=True)
                    for w in r.draft.warnings
                ]
                db.conn.executemany(
                    "INSERT INTO record_warnings (record_id, kind, field, message) "
                    "VALUES (?, ?, ?, ?)",
                    rows,
                )
                warnings += len(rows)
                next_id += len(batch)
                if on_batch:
                    on_batch(next_id - first_id)
            db.execute(
                "UPDATE sources SET record_count = ?, warning_count = ? WHERE id = ?",
                [next_id - first_id, warnings, source_id],
            )
            db.execute(
                "INSERT INTO records_fts (rowid, title, vernacular_title, abstract, keywords, "
                "authors) SELECT id, title, vernacular_title, abstract, keywords, authors "
                "FROM records WHERE source_id = ?",
                [source_id],
            )
            return self.source(source_id)

    def source(self, source_id: int) -> Source:
        return Source(**_source_fields(self.db["sources"].get(source_id)))

    def sources(self) -> list[Source]:
        return [
            Source(**_source_fields(row)) for row in self.db["sources"].rows_where(order_by="id")
        ]

    # -- reading records ----------------------------------------------------

    def record_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM records").fetchone()[0])

    def record_rows(
        self,
        *,
        search: str | None = None,
        limit: int = 200,
        offset: int = 0,
        after_id: int | None = None,
    ) -> list[RecordRow]:
        """Records for a table view in import order; `search` uses FTS5.

        Pass the last id seen as `after_id` to page without OFFSET, which
        costs ~150 ms deep into a 100k-record review.
        """
        clauses, params = [], []
        if search and (query := fts_query(search)):
            clauses.append("r.id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)")
            params.append(query)
        if after_id is not None:
            clauses.append("r.id > ?")
            params.append(after_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        sql = f"""
            SELECT r.id, coalesce(r.title, r.vernacular_title, ''), r.year, s.name,
                   (SELECT count(*) FROM record_warnings w WHERE w.record_id = r.id)
            FROM records r JOIN sources s ON s.id = r.source_id
            {where} ORDER BY r.id LIMIT ? OFFSET ?
        """
        rows = self.db.execute(sql, [*params, limit, offset]).fetchall()
        return [RecordRow(*row) for row in rows]

    def count_matching(self, search: str | None) -> int:
        if not search or not (query := fts_query(search)):
            return self.record_count()
        sql = "SELECT count(*) FROM records_fts WHERE records_fts MATCH ?"
        return int(self.db.execute(sql, [query]).fetchone()[0])

    def record(self, record_id: int) -> Record:
        row = self.db.execute(
            "SELECT r.*, s.name AS source_name FROM records r "
            "JOIN sources s ON s.id = r.source_id WHERE r.id = ?",
            [record_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"no record with id {record_id}", path=self.path)
        return self._to_record(dict(zip(self._record_columns(), row, strict=True)))

    def record_warnings(self, record_id: int) -> list[tuple[str, str | None, str]]:
        """(kind, field, message) for one record, in the order the parser found them."""
        rows = self.db.execute(
            "SELECT kind, field, message FROM record_warnings WHERE record_id = ? ORDER BY id",
            [record_id],
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    # -- status -------------------------------------------------------------

    def warning_counts(self) -> dict[str, int]:
        rows = self.db.execute(
            "SELECT kind, count(*) FROM record_warnings GROUP BY kind ORDER BY count(*) DESC"
        ).fetchall()
        return {kind: count for kind, count in rows}

    def decision_counts(self) -> dict[str, dict[str, int]]:
        """Current decisions per stage (newest event per record and reviewer)."""
        rows = self.db.execute(
            """
            WITH latest AS (
                SELECT stage, decision, kind,
                       row_number() OVER (
                           PARTITION BY record_key, stage, reviewer ORDER BY id DESC
                       ) AS n
                FROM decisions
            )
            SELECT stage, decision, count(*) FROM latest
            WHERE n = 1 AND kind != 'undo' GROUP BY stage, decision
            """
        ).fetchall()
        counts: dict[str, dict[str, int]] = {}
        for stage, decision, count in rows:
            counts.setdefault(stage, {})[decision] = count
        return counts

    # -- helpers ------------------------------------------------------------

    def _record_columns(self) -> list[str]:
        return [*self.db["records"].columns_dict.keys(), "source_name"]

    def _to_record(self, row: dict[str, Any]) -> Record:
        warnings = [message for _, _, message in self.record_warnings(row["id"])]
        return Record(
            id=row["id"],
            key=row["key"],
            source_id=row["source_id"],
            source_name=row["source_name"],
            source_ref=row["source_ref"],
            line=row["line"],
            title=row["title"],
            vernacular_title=row["vernacular_title"],
            abstract=row["abstract"],
            authors=json.loads(row["authors"]),
            year=row["year"],
            journal=row["journal"],
            volume=row["volume"],
            issue=row["issue"],
            pages=row["pages"],
            doi=row["doi"],
            pmid=row["pmid"],
            registry_id=row["registry_id"],
            record_type=row["record_type"],
            language=row["language"],
            keywords=json.loads(row["keywords"]),
            url=row["url"],
            warnings=warnings,
        )


def batched(items: Iterable[KeyedRecord], size: int) -> Iterator[list[KeyedRecord]]:
    """`itertools.batched` arrived in Python 3.12; we support 3.11."""
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def fts_query(text: str) -> str:
    """User words → an FTS5 query: every word must match, the last as a prefix.

    Each word is quoted, so FTS5 operators and punctuation in the input
    (`AND`, `"`, `-`, `*`) are searched for as text, never parsed.
    """
    words = [w for w in "".join(c if c.isalnum() else " " for c in text).split() if w]
    if not words:
        return ""
    quoted = [f'"{w}"' for w in words]
    quoted[-1] += "*"
    return " ".join(quoted)


def _wal_has_application_id(path: Path) -> bool:
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            return bool(conn.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID)
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def _configure(conn: sqlite3.Connection) -> Database:
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.enable_wal()
    # FULL: a decision shown as saved survives power loss too, not only a kill.
    db.execute("PRAGMA synchronous = FULL")
    return db


def _source_fields(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k in Source.model_fields}


def _record_values(record: KeyedRecord, source_id: int) -> tuple[Any, ...]:
    d = record.draft
    return (
        record.uid,
        record.key,
        source_id,
        d.position,
        d.line,
        d.source_id or f"#{d.position}",
        d.title,
        d.vernacular_title,
        d.abstract,
        _JSON(d.authors) if d.authors else "[]",
        d.year,
        d.journal,
        d.volume,
        d.issue,
        d.pages,
        d.doi,
        d.pmid,
        d.registry_id,
        d.record_type,
        d.language,
        _JSON(d.keywords) if d.keywords else "[]",
        d.url,
        d.issn,
        _JSON(d.extra) if d.extra else "{}",
    )
