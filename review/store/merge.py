"""Merging another reviewer's copy of the same review: a union of events.

One review is one `review_id`, given by `review init`; reviewers work in
copies made with `Store.copy_for_reviewer` (`review copy`), so only files
sharing that id merge. Two files made by separate `review init` runs are
refused even under the same protocol: their records, duplicate groups and
ids were built apart, and a union would mix two reviews into one ledger.

Every event carries a globally unique `uid`, so merging copies the other
file's events this file lacks and nothing else: merging twice adds nothing,
and merging A into B or B into A gives the same events. Row ids are never
copied (each file numbers its own rows); records are matched by their
stable keys, so events about records this file has not imported yet are
kept and counted, and take effect once the same search files are imported.
"""

from __future__ import annotations

import difflib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sqlite_utils import Database

from review.errors import ExitCode, ReviewError, StoreError, UsageError
from review.store.reviewers import ReviewersRepository
from review.store.schema import EVENT_TABLES, MIGRATIONS

_ALIAS = "merge_source"

_RECORD_REFS = (("record_key", "key"), ("study_key", "key"), ("record_uid", "uid"))
"""An event table's column naming a record, and the records column it matches;
the first one a table has is used to count events about unknown records."""

_TEAM_HINT = (
    "to screen one review as a team, the lead creates it (`review init`, `review import`, "
    "`review dedupe`), gives each reviewer a copy made with `review copy FILE NEW`, "
    "and merges the copies back with `review merge FILE NEW`"
)

PROTOCOL_CHANGES_SHOWN = 20
"""Changed protocol lines a merge reports; the rest are counted."""


class MergeConflictError(ReviewError):
    """Sharing was refused: the other file is another review, or a copy's
    target already exists. Nothing was written."""

    exit_code = ExitCode.CONFLICT


@dataclass(frozen=True)
class ProtocolVersion:
    """The newest protocol of one review file, as `review init` stored it."""

    review_file: Path
    path: str
    """The protocol file it was loaded from."""
    hash: str
    loaded_at: str
    text: str = field(repr=False)

    @property
    def short_hash(self) -> str:
        return self.hash[:12]


@dataclass(frozen=True)
class ProtocolDifference:
    """Two copies of one review under different protocols: which is which, and how."""

    ours: ProtocolVersion
    theirs: ProtocolVersion
    changes: tuple[str, ...]
    """At most `PROTOCOL_CHANGES_SHOWN` changed lines, each with its line number
    in its own file: `- 12: …` ours, `+ 12: …` theirs."""
    more: int
    """Changed lines left out of `changes`."""


def compare_protocols(
    ours: ProtocolVersion, theirs: ProtocolVersion, *, limit: int = PROTOCOL_CHANGES_SHOWN
) -> ProtocolDifference | None:
    """None when both files have the same protocol, else the changed lines.

    Only changed lines are kept, in order (no context): enough for a reviewer
    to see which criteria moved without reading two whole protocols.
    """
    if ours.hash == theirs.hash:
        return None
    a, b = ours.text.splitlines(), theirs.text.splitlines()
    changed: list[str] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, a1, a2, b1, b2 in matcher.get_opcodes():
        if tag != "equal":
            changed += [f"- {n + 1}: {a[n]}" for n in range(a1, a2)]
            changed += [f"+ {n + 1}: {b[n]}" for n in range(b1, b2)]
    return ProtocolDifference(
        ours=ours,
        theirs=theirs,
        changes=tuple(changed[:limit]),
        more=max(len(changed) - limit, 0),
    )


@dataclass(frozen=True)
class MergeResult:
    """What a merge added, per event table, and what it could not place."""

    added: dict[str, int]
    """Events copied per event table (0 when the table had nothing new)."""
    unmatched_events: int
    """Added events about records this file does not have (yet)."""
    unmatched_records: int
    """Distinct record keys/uids behind `unmatched_events`."""
    other_path: Path
    protocol_difference: ProtocolDifference | None
    """Set when the other copy's newest protocol differs from this file's, which
    keeps its own: the other copy's events were merged as they were made."""
    same_reviewers: dict[str, str] = field(default_factory=dict)
    """Spellings of a name the merge brought together (differing only by case or
    spacing) → the one they are now read as; stored rows are unchanged."""

    @property
    def total(self) -> int:
        return sum(self.added.values())


class MergeMixin:
    """`Store.merge_from` and `Store.copy_for_reviewer`; mixed into `Store`."""

    db: Database
    path: Path
    write: Callable[..., Any]
    backup: Callable[[Path], None]
    reviewers: ReviewersRepository

    def merge_from(self, other_path: Path) -> MergeResult:
        """Add the events of `other_path` this file lacks, in one transaction.

        The other file is attached read-only; it must be a review file no
        newer than this version and a copy of the same review (the same
        `review_id`). A different protocol does not stop the merge: it is
        reported in `MergeResult.protocol_difference`.
        """
        other = Path(other_path)
        self._check_mergeable(other)
        uri = "file:" + quote(str(other.resolve())) + "?mode=ro"
        try:
            self.db.execute(f"ATTACH DATABASE ? AS {_ALIAS}", [uri])
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot open the other review file ({exc})", path=other) from None
        try:
            difference = self._check_same_review(other)
            before = self.reviewers.aliases()
            try:
                with self.write():
                    result = self._copy_events(other, difference)
                self.reviewers.forget()  # the other file's names join this one's
                after = self.reviewers.aliases()
                joined = {a: b for a, b in after.items() if before.get(a) != b}
                return replace(result, same_reviewers=joined)
            except sqlite3.IntegrityError as exc:
                raise StoreError(
                    f"the other file holds events this file cannot take ({exc}); nothing merged",
                    path=other,
                    hint="open the other file once with this version of review, then merge",
                ) from None
        finally:
            self.db.execute(f"DETACH DATABASE {_ALIAS}")

    def copy_for_reviewer(self, target: Path) -> None:
        """A consistent copy of this review for another reviewer to screen in.

        It keeps the `review_id`, so it merges back; `VACUUM INTO` copies
        safely while others write, where a file copy could tear the file.
        """
        if target.exists() or target.is_symlink():
            raise MergeConflictError(
                "a file already exists here; nothing was copied",
                path=target,
                hint="choose another name for the copy",
            )
        if not target.parent.is_dir():
            raise StoreError(
                "no such folder for the copy",
                path=target,
                hint="create the folder first, or name the copy in an existing folder",
            )
        try:
            self.backup(target)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot write the copy ({exc})", path=target) from None

    def _check_mergeable(self, other: Path) -> None:
        from review.store.store import Store  # the class this mixes into

        if not other.is_file():
            raise StoreError("no review file here", path=other)
        if _same_file(other, self.path):
            raise UsageError(
                "cannot merge a review file into itself",
                path=other,
                hint="name the other reviewer's copy of the review",
            )
        Store.require_review_file(other, hint="merge a copy of this review made with `review copy`")

    def _check_same_review(self, other: Path) -> ProtocolDifference | None:
        try:
            applied = {
                row[0]
                for row in self.db.execute(
                    f"SELECT name FROM {_ALIAS}._sqlite_migrations WHERE migration_set = ?",
                    [MIGRATIONS.name],
                )
            }
            theirs_id = self._review_id(_ALIAS)
            theirs = self._newest_protocol(_ALIAS, other)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"cannot read the other review file ({exc})", path=other) from None
        known = {m.name for m in MIGRATIONS._migrations}
        if newer := sorted(applied - known):
            raise StoreError(
                f"made by a newer version of review (schema steps {', '.join(newer)})",
                path=other,
                hint="upgrade review (pip install -U review), then merge",
            )
        ours_id = self._review_id("main")
        ours = self._newest_protocol("main", self.path)
        if ours_id is None or theirs_id != ours_id:
            why = "each made by its own `review init`"
            if ours and theirs and ours.hash == theirs.hash:
                why += " (the same protocol does not make them one review)"
            raise MergeConflictError(
                f"not a copy of {self.path}: these are different reviews, {why}; "
                "nothing was merged",
                path=other,
                hint=_TEAM_HINT,
            )
        if ours is None or theirs is None:
            return None
        return compare_protocols(ours, theirs)

    def _review_id(self, schema: str) -> str | None:
        row = self.db.execute(f"SELECT value FROM {schema}.meta WHERE key = 'review_id'").fetchone()
        return str(row[0]) if row else None

    def _newest_protocol(self, schema: str, review_file: Path) -> ProtocolVersion | None:
        row = self.db.execute(
            f"SELECT path, hash, loaded_at, text FROM {schema}.protocols ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return ProtocolVersion(review_file, *row) if row else None

    def _copy_events(
        self, other: Path, protocol_difference: ProtocolDifference | None
    ) -> MergeResult:
        added: dict[str, int] = {}
        unmatched_events = 0
        unmatched: set[str] = set()
        for table in EVENT_TABLES:
            columns = self._shared_columns(table)
            if not columns:  # an older file, made before this table existed
                added[table] = 0
                continue
            new_rows = (
                f"FROM {_ALIAS}.{table} o WHERE NOT EXISTS "
                f"(SELECT 1 FROM main.{table} m WHERE m.uid = o.uid)"
            )
            for ref, records_column in _RECORD_REFS:
                if ref in columns:
                    missing = self.db.execute(
                        f"SELECT o.{ref} {new_rows} AND NOT EXISTS "
                        f"(SELECT 1 FROM main.records r WHERE r.{records_column} = o.{ref})"
                    ).fetchall()
                    unmatched_events += len(missing)
                    unmatched.update(f"{records_column}:{row[0]}" for row in missing)
                    break
            names = ", ".join(columns)
            chosen = ", ".join(f"o.{name}" for name in columns)
            # Plain INSERT rather than OR IGNORE: uids are filtered above, and
            # a row breaking any other constraint must fail loudly, not vanish.
            cursor = self.db.execute(
                f"INSERT INTO main.{table} ({names}) SELECT {chosen} {new_rows} ORDER BY o.id"
            )
            added[table] = max(cursor.rowcount, 0)
        return MergeResult(
            added=added,
            unmatched_events=unmatched_events,
            unmatched_records=len(unmatched),
            other_path=other,
            protocol_difference=protocol_difference,
        )

    def _shared_columns(self, table: str) -> list[str]:
        """Columns both files have, without `id`: an older file lacks newer ones."""
        ours = [row[1] for row in self.db.execute(f"PRAGMA main.table_info({table})")]
        theirs = {row[1] for row in self.db.execute(f"PRAGMA {_ALIAS}.table_info({table})")}
        return [name for name in ours if name in theirs and name != "id"]


def _same_file(a: Path, b: Path) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return a.resolve() == b.resolve()
