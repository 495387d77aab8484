"""Reading records from the review file: one record, pages and counts for the
screens, the key index the resolver starts from, lookups by id, uid and key,
and the fields deduplication compares."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from review.errors import StoreError, UsageError
from review.models import Record, warning_kind
from review.store.columns import (
    DEDUP_COLUMNS,
    EXPORT_COLUMNS,
    RECORD_SELECT,
    dedup_row,
    export_row,
    to_record,
)

if TYPE_CHECKING:
    from review.store.store import Store

_CHUNK = 500
"""Keys per `IN (…)` query: well under SQLite's limit on parameters."""
_DEDUP_SELECT = ", ".join(DEDUP_COLUMNS)
_EXPORT_SELECT = ", ".join(f"r.{name}" for name in EXPORT_COLUMNS)


@dataclass(frozen=True)
class RecordRow:
    """One line of the records table in the TUI: cheap to fetch 50k of."""

    id: int
    title: str
    year: int | None
    source_name: str
    warning_count: int


@dataclass(frozen=True)
class RecordRef:
    """Where a record came from, for reports and the duplicates screen."""

    record_id: int
    uid: str
    key: str
    source_id: int
    source_file: str
    source_ref: str


@dataclass(frozen=True)
class RecordMatch:
    """A record found by an identifier a user gave (source ref, DOI, PMID)."""

    record_id: int
    key: str
    source_file: str
    source_name: str


MATCH_COLUMNS = ("source_ref", "doi", "pmid")


class RecordsRepository:
    """`store.records`: every read of the `records` table and its warnings;
    imports write them (`store.imports`)."""

    def __init__(self, store: Store) -> None:
        self._store = store

    # -- one record -----------------------------------------------------------

    def record(self, record_id: int) -> Record:
        row = self._store.db.execute(
            f"SELECT {RECORD_SELECT} FROM records r "
            "JOIN sources s ON s.id = r.source_id WHERE r.id = ?",
            [record_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"no record with id {record_id}", path=self._store.path)
        warnings = [message for _, _, message in self.record_warnings(record_id)]
        return to_record(row, warnings)

    def record_by_uid(self, uid: str) -> Record:
        row = self._store.db.execute("SELECT id FROM records WHERE uid = ?", [uid]).fetchone()
        if row is None:
            raise StoreError(f"no record with uid {uid}", path=self._store.path)
        return self.record(row[0])

    def record_extra(self, record_id: int) -> dict[str, str]:
        """The source's fields no column holds, under the source's own names."""
        row = self._store.db.execute(
            "SELECT extra FROM records WHERE id = ?", [record_id]
        ).fetchone()
        if row is None:
            raise StoreError(f"no record with id {record_id}", path=self._store.path)
        value = json.loads(row[0]) if row[0] else {}
        return {str(k): str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    def record_warnings(self, record_id: int) -> list[tuple[str, str | None, str]]:
        """(kind, field, message) for one record, in the order the parser found them."""
        rows = self._store.db.execute(
            "SELECT kind, field, message FROM record_warnings WHERE record_id = ? ORDER BY id",
            [record_id],
        ).fetchall()
        return [(warning_kind(r[0]), r[1], r[2]) for r in rows]

    # -- pages and counts -----------------------------------------------------

    def record_count(self) -> int:
        return int(self._store.db.execute("SELECT count(*) FROM records").fetchone()[0])

    def record_rows(
        self,
        *,
        search: str | None = None,
        limit: int = 200,
        offset: int = 0,
        after_id: int | None = None,
        before_id: int | None = None,
        from_end: bool = False,
    ) -> list[RecordRow]:
        """Records for a table view in import order; `search` uses FTS5.

        Pass the last id seen as `after_id` to page without OFFSET, which
        costs ~150 ms deep into a 100k-record review. `from_end` takes the
        last `limit` rows (before `before_id`, if given) instead of the
        first, still returned in import order: the records browser's End,
        and its paging back up from there, read the id index backwards.
        """
        clauses: list[str] = []
        params: list[Any] = []
        if search and (query := fts_query(search)):
            clauses.append("r.id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)")
            params.append(query)
        if after_id is not None:
            clauses.append("r.id > ?")
            params.append(after_id)
        if before_id is not None:
            clauses.append("r.id < ?")
            params.append(before_id)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        order = "DESC" if from_end else ""
        sql = f"""
            SELECT r.id, coalesce(r.title, r.vernacular_title, ''), r.year, s.name,
                   (SELECT count(*) FROM record_warnings w WHERE w.record_id = r.id)
            FROM records r JOIN sources s ON s.id = r.source_id
            {where} ORDER BY r.id {order} LIMIT ? OFFSET ?
        """
        rows = self._store.db.execute(sql, [*params, limit, offset]).fetchall()
        found = [RecordRow(*row) for row in rows]
        return found[::-1] if from_end else found

    def rows_for(self, record_ids: Iterable[int]) -> dict[int, RecordRow]:
        """Table rows of the given records, by id: what a list of a PRISMA box shows."""
        out: dict[int, RecordRow] = {}
        for chunk, marks in _chunks(record_ids):
            sql = f"""
                SELECT r.id, coalesce(r.title, r.vernacular_title, ''), r.year, s.name,
                       (SELECT count(*) FROM record_warnings w WHERE w.record_id = r.id)
                FROM records r JOIN sources s ON s.id = r.source_id WHERE r.id IN ({marks})
            """
            out.update((row[0], RecordRow(*row)) for row in self._store.db.execute(sql, chunk))
        return out

    def ranking_texts(self) -> dict[int, tuple[str | None, str | None, list[str]]]:
        """Every record's title, abstract and keywords by id: what prioritised
        screening ranks by, read in one pass."""
        cursor = self._store.db.execute(
            "SELECT id, coalesce(title, vernacular_title), abstract, keywords FROM records"
        )
        out: dict[int, tuple[str | None, str | None, list[str]]] = {}
        while rows := cursor.fetchmany(20_000):
            for id_, title, abstract, keywords in rows:
                out[id_] = (title, abstract, json.loads(keywords) if keywords != "[]" else [])
        return out

    def count_matching(self, search: str | None) -> int:
        if not search or not (query := fts_query(search)):
            return self.record_count()
        # Joined to `records` so an import still in progress is not counted.
        sql = (
            "SELECT count(*) FROM records "
            "WHERE id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)"
        )
        return int(self._store.db.execute(sql, [query]).fetchone()[0])

    def warning_counts(self) -> dict[str, int]:
        rows = self._store.db.execute(
            "SELECT kind, count(*) FROM record_warnings GROUP BY kind ORDER BY count(*) DESC"
        ).fetchall()
        counts: dict[str, int] = {}
        for kind, count in rows:  # old files may hold an old name beside the new one
            counts[warning_kind(kind)] = counts.get(warning_kind(kind), 0) + count
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    # -- ids and keys ---------------------------------------------------------

    def key_rows(self) -> list[tuple[str, int]]:
        """(record key, record id) for every record, ordered by key then id.

        Read from the key index alone: scanning the records table, abstracts
        and all, or grouping in SQL costs 2-4x as long at 100k records. The
        `records` view cannot name an index, so imports in progress are left
        out here by id, which the key index holds.
        """
        rows = self._store.db.execute(
            "SELECT key, id FROM records_all INDEXED BY records_key WHERE id NOT IN ("
            "SELECT r.id FROM pending_imports p CROSS JOIN records_all r "
            "ON r.source_id = p.source_id)"
        ).fetchall()
        return [(key, record_id) for key, record_id in rows]

    def source_ids(self) -> dict[int, int]:
        """Record id → the id of the import (source) it came from, for every record:
        PRISMA counts each unit under the sources of its records."""
        rows = self._store.db.execute("SELECT id, source_id FROM records").fetchall()
        return {record_id: source_id for record_id, source_id in rows}

    def search_record_ids(self, text: str) -> set[int] | None:
        """Ids of records matching a full-text search; None when `text` has no words."""
        if not (query := fts_query(text)):
            return None
        sql = (
            "SELECT id FROM records "
            "WHERE id IN (SELECT rowid FROM records_fts WHERE records_fts MATCH ?)"
        )
        return {row[0] for row in self._store.db.execute(sql, [query]).fetchall()}

    def record_ids_with_warnings(self) -> set[int]:
        rows = self._store.db.execute("SELECT DISTINCT record_id FROM record_warnings").fetchall()
        return {row[0] for row in rows}

    def record_ids_for_uids(self, uids: Iterable[str]) -> dict[str, int]:
        """Record id of each uid this file has (merged events may name others)."""
        out: dict[str, int] = {}
        for chunk, marks in _chunks(uids):
            sql = f"SELECT uid, id FROM records WHERE uid IN ({marks})"
            out.update(self._store.db.execute(sql, chunk).fetchall())
        return out

    def record_refs(self, record_ids: Iterable[int]) -> dict[int, RecordRef]:
        """Uid, key and source of each record id."""
        out: dict[int, RecordRef] = {}
        for chunk, marks in _chunks(record_ids):
            sql = (
                "SELECT r.id, r.uid, r.key, r.source_id, s.file_name, r.source_ref "
                f"FROM records r JOIN sources s ON s.id = r.source_id WHERE r.id IN ({marks})"
            )
            out.update((row[0], RecordRef(*row)) for row in self._store.db.execute(sql, chunk))
        return out

    def matching(self, column: str, values: Iterable[str]) -> dict[str, list[RecordMatch]]:
        """Every record whose `column` (one of `MATCH_COLUMNS`) holds one of
        `values`, by value, in id order; values no record holds are absent."""
        if column not in MATCH_COLUMNS:
            raise ValueError(f"cannot look records up by {column}")
        out: dict[str, list[RecordMatch]] = {}
        for chunk, marks in _chunks(set(values)):
            sql = (
                f"SELECT r.{column}, r.id, r.key, s.file_name, s.name FROM records r "
                f"JOIN sources s ON s.id = r.source_id WHERE r.{column} IN ({marks}) ORDER BY r.id"
            )
            for value, *rest in self._store.db.execute(sql, chunk):
                out.setdefault(value, []).append(RecordMatch(*rest))
        return out

    def key_for(self, ref: str) -> str:
        """The record key a user means by `ref`: a key, a bare DOI, or a record id.

        A number is a record id (as the records screen shows it) and, failing
        that, a PMID; `doi:…`, `pmid:…`, `reg:…` keys are taken as they are.
        """
        text = ref.strip()
        prefix, _, rest = text.partition(":")
        prefix, rest = prefix.lower(), rest.strip()
        db = self._store.db
        if text.isdigit():
            row = db.execute("SELECT key FROM records WHERE id = ?", [int(text)]).fetchone()
            if row:
                return str(row[0])
            prefix, rest = "pmid", text
        elif text.lower().startswith("10.") and "/" in text:
            prefix, rest = "doi", text
        if self.has_key(text):
            return text
        # A record with a DOI is keyed by it, so its PMID is found in its row.
        column = {"doi": "doi", "pmid": "pmid"}.get(prefix)
        if column and rest:
            value = rest.lower() if column == "doi" else rest
            row = db.execute(
                f"SELECT key FROM records WHERE {column} = ? ORDER BY id LIMIT 1", [value]
            ).fetchone()
            if row:
                return str(row[0])
        raise UsageError(
            f"no record {text!r} in this review",
            path=self._store.path,
            hint="give a record key such as doi:10.1000/xyz or pmid:12345678, "
            "or the record's id number",
        )

    def has_key(self, key: str) -> bool:
        """A record's key, or a unit split off it (`key@…`, see the ledger's resolver)."""
        if self.has_exact_key(key):
            return True
        return "@" in key and self.has_exact_key(key.rsplit("@", 1)[0])

    def has_exact_key(self, key: str) -> bool:
        """Some record has exactly this key."""
        sql = "SELECT 1 FROM records WHERE key = ? LIMIT 1"
        return self._store.db.execute(sql, [key]).fetchone() is not None

    def require_key(self, key: str) -> None:
        """Refuse a key no record (or unit split off one) has."""
        if not self.has_key(key):
            raise UsageError(
                f"no record {key!r} in this review",
                path=self._store.path,
                hint="record keys look like doi:10.1000/xyz or pmid:12345678",
            )

    # -- what deduplication compares ------------------------------------------

    def dedup_rows(self, *, batch: int = 5_000) -> Iterator[dict[str, Any]]:
        """Every record's `DEDUP_COLUMNS` (the fields `RECORD_FIELDS` marks
        compared) by name, JSON decoded, in id order, fetched in batches."""
        last = 0
        while True:
            rows = self._store.db.execute(
                f"SELECT {_DEDUP_SELECT} FROM records WHERE id > ? ORDER BY id LIMIT ?",
                [last, batch],
            ).fetchall()
            if not rows:
                return
            yield from map(dedup_row, rows)
            last = rows[-1][0]

    def export_rows(self, *, batch: int = 5_000) -> Iterator[dict[str, Any]]:
        """Every record's identity, source and shown fields by name, JSON
        decoded, in id order, fetched in batches: exports stream 100k records
        through this without holding them."""
        last = 0
        while True:
            rows = self._store.db.execute(
                f"SELECT {_EXPORT_SELECT} FROM records r WHERE r.id > ? ORDER BY r.id LIMIT ?",
                [last, batch],
            ).fetchall()
            if not rows:
                return
            yield from map(export_row, rows)
            last = rows[-1][0]

    def dedup_rows_for_ids(self, ids: Iterable[int]) -> list[dict[str, Any]]:
        """The `dedup_rows` of these records, in id order."""
        rows: list[tuple[Any, ...]] = []
        for chunk, marks in _chunks(ids):
            sql = f"SELECT {_DEDUP_SELECT} FROM records WHERE id IN ({marks})"
            rows.extend(self._store.db.execute(sql, chunk).fetchall())
        return [dedup_row(row) for row in sorted(rows, key=lambda row: row[0])]

    def dedup_rows_for_keys(self, keys: Iterable[str]) -> list[dict[str, Any]]:
        """The `dedup_rows` of every record under these keys, in id order."""
        rows: list[tuple[Any, ...]] = []
        for chunk, marks in _chunks(keys):
            sql = f"SELECT {_DEDUP_SELECT} FROM records WHERE key IN ({marks})"
            rows.extend(self._store.db.execute(sql, chunk).fetchall())
        return [dedup_row(row) for row in sorted(rows, key=lambda row: row[0])]


def _chunks(values: Iterable[Any]) -> Iterator[tuple[list[Any], str]]:
    """The values in chunks of `_CHUNK`, each with its `?, ?, …` placeholders."""
    wanted = list(values)
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        yield chunk, ", ".join("?" * len(chunk))


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
