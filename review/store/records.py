"""Reading records and counts from the review file for screens and status."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from review.errors import StoreError
from review.models import Record


@dataclass(frozen=True)
class RecordRow:
    """One line of the records table in the TUI: cheap to fetch 50k of."""

    id: int
    title: str
    year: int | None
    source_name: str
    warning_count: int


class RecordsMixin:
    """Store methods that read records; mixed into `Store`."""

    db: Database
    path: Path
    now: Callable[[], str]

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
        clauses: list[str] = []
        params: list[Any] = []
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
