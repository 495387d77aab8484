"""The review file: the only place that speaks SQL.

One SQLite file per review, WAL-journalled, foreign keys on, a busy timeout
so two processes (two reviewers on one machine) wait rather than fail.
Writes that represent one user action run in one `BEGIN IMMEDIATE`
transaction, so a killed process leaves either all of an action or none.

`Store` holds what concerns the file as a whole (opening, transactions,
backups, meta, the protocol, appending events, merging another file) and
one small repository per stage: `store.imports`, `store.records`,
`store.screening`, `store.fulltexts`, `store.studies`, `store.dedup`,
`store.entities`, `store.extraction`, `store.rob`, `store.prioritisation` and
`store.reviewers`.
A repository holds its stage's SQL and reaches the others only through their
public methods on the store.

Appending events: every event row carries a fresh `uid` (so merging two
reviewers' files is a union), who made it, when (a stamp after every event
already in the file: see `review.ledger.order`), and which version of
review wrote it.
"""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlite_utils import Database

from review import __version__
from review.errors import StoreError, TargetExistsError, UsageError
from review.ledger.order import next_stamps
from review.store.dedup import DedupRepository
from review.store.entities import EntitiesRepository
from review.store.extraction import ExtractionRepository
from review.store.fulltexts import FulltextsRepository
from review.store.imports import ImportsRepository
from review.store.location import risky_location
from review.store.merge import MergeMixin
from review.store.prioritisation import PrioritisationRepository
from review.store.records import RecordsRepository
from review.store.reviewers import ReviewersRepository
from review.store.rob import RobRepository
from review.store.schema import EVENT_TABLES, MIGRATIONS
from review.store.screening import ScreeningRepository
from review.store.studies import StudiesRepository

BUSY_TIMEOUT_MS = 10_000
_RETRY_SECONDS = 0.001
"""How often a writer asks again for a lock another process holds."""
APPLICATION_ID = 0x52455657  # "REVW": lets `file` and we tell our files apart


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Store(MergeMixin):
    """An open review file. Create with `Store.create`, open with `Store.open`."""

    def __init__(self, db: Database, path: Path, *, now: Callable[[], str] = utc_now) -> None:
        self.db = db
        self.path = path
        self.now = now
        self.imports = ImportsRepository(self)
        self.records = RecordsRepository(self)
        self.screening = ScreeningRepository(self)
        self.fulltexts = FulltextsRepository(self)
        self.studies = StudiesRepository(self)
        self.dedup = DedupRepository(self)
        self.entities = EntitiesRepository(self)
        self.extraction = ExtractionRepository(self)
        self.rob = RobRepository(self)
        self.prioritisation = PrioritisationRepository(self)
        self.reviewers = ReviewersRepository(self)
        self.removed_imports: list[str] = []
        """What `open` found of imports killed half-way and deleted, one line each."""
        self.location_warning = risky_location(path)
        """Set when the file sits in a network or cloud-synced folder."""

    # -- opening ------------------------------------------------------------

    @classmethod
    def create(cls, path: Path, *, now: Callable[[], str] = utc_now) -> Store:
        """A new, empty review file; refuses to overwrite an existing one."""
        if path.exists():
            raise TargetExistsError(
                "a file already exists here",
                path=path,
                hint=f"choose another name, or open it: `review {path}`",
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path)
        except (OSError, sqlite3.Error) as exc:
            if not os.access(folder := path.parent.resolve(), os.W_OK):
                raise StoreError(
                    f"cannot create the review file: the folder {folder} is read-only",
                    path=path,
                    hint="create it in a folder you can write to",
                ) from None
            raise StoreError(f"cannot create the review file: {exc}", path=path) from None
        store = cls(_configure(conn), path, now=now)
        store.db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        MIGRATIONS.apply(store.db)
        with store.write():
            store.db.table("meta").insert_all(
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
        cls.require_review_file(path, hint="create one with `review init FILE --protocol PROTOCOL`")
        try:
            db = _configure(sqlite3.connect(path))
        except sqlite3.DatabaseError as exc:
            if _read_only(exc):
                raise read_only_error(path) from None
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
        store = cls(db, path, now=now)
        store._discard_dead_imports()
        return store

    def _discard_dead_imports(self) -> None:
        """Delete what a killed import left (hidden, but it holds the uids a
        repeat import needs), noting it in `removed_imports` for the front
        end to say once. Busy is not fatal: the next open tries again."""
        with suppress(StoreError):
            self.removed_imports = self.imports.discard_dead()

    @staticmethod
    def is_review_file(path: Path) -> bool:
        """True when the file's header carries our application id."""
        return Store.file_kind(path) == "review"

    @classmethod
    def require_review_file(cls, path: Path, *, hint: str) -> None:
        """Refuse a file that is not a review (`hint`: what to do instead),
        or that another process holds locked too long to tell."""
        kind = cls.file_kind(path)
        if kind == "busy":
            raise StoreError(
                "the file is locked by another process",
                path=path,
                hint="close the other `review` session using it, or try again",
            )
        if kind != "review":
            raise StoreError("this file is not a review file", path=path, hint=hint)

    @staticmethod
    def file_kind(path: Path) -> Literal["review", "other", "busy"]:
        """Whether the file's header carries our application id ("busy": an
        SQLite lock held too long to tell, which a review in use can do).

        Read through a read-only SQLite connection, not with `open()`: closing
        a plain handle on a file this process also holds through SQLite drops
        every POSIX lock the process has on it, so another process's close
        would then delete the live -wal and later commits would be lost. A
        read-only connection changes nothing in a foreign file either, and
        finds the id in the -wal of a review killed before its first checkpoint.
        Only where SQLite cannot open the file at all (a read-only folder with
        no -shm beside a WAL file: no connection of ours can hold it) is the
        header read directly, so such a file is still told apart.
        """
        try:
            conn = sqlite3.connect(
                f"{path.resolve().as_uri()}?mode=ro", uri=True, timeout=PROBE_SECONDS
            )
            try:
                found = conn.execute("PRAGMA application_id").fetchone()[0]
            finally:
                conn.close()
        except sqlite3.OperationalError as exc:
            # Not a busy or locked file: it may be one this process holds.
            name = getattr(exc, "sqlite_errorname", "")
            if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")) or "locked" in str(exc):
                return "busy"
            return "review" if _header_id(path) == APPLICATION_ID else "other"
        except (OSError, ValueError, sqlite3.Error):
            return "other"
        return "review" if found == APPLICATION_ID else "other"

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
        (a large import of risk-of-bias answers) commits without fsyncing
        the WAL: still atomic and safe from a killed process, and a power cut
        can only undo the whole import, which is repeatable; decisions always use FULL.
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
        self._begin_immediate()
        try:
            yield self.db
        except BaseException as exc:
            if self.db.conn.in_transaction:
                self.db.execute("ROLLBACK")
            self.reviewers.forget()  # it may hold a name the rollback took back
            if _read_only(exc):
                raise read_only_error(self.path) from None
            raise
        else:
            self.db.execute("COMMIT")

    def _begin_immediate(self) -> None:
        """Take the write lock, asking again every millisecond while another
        process holds it.

        SQLite's own busy handler waits 25–100 ms between tries once it has
        waited a while, and so keeps missing the short gaps an import leaves
        between its batches: a decision would wait for many batches instead
        of one. The connection's busy timeout still bounds the wait."""
        wait_ms = self.db.execute("PRAGMA busy_timeout").fetchone()[0]
        deadline = time.monotonic() + wait_ms / 1000
        self.db.execute("PRAGMA busy_timeout = 0")
        try:
            while True:
                try:
                    self.db.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise
                    if time.monotonic() >= deadline:
                        raise StoreError(
                            f"the review file is locked by another process ({exc})",
                            path=self.path,
                            hint="close the other `review` session or try again",
                        ) from None
                    time.sleep(_RETRY_SECONDS)
        finally:
            self.db.execute(f"PRAGMA busy_timeout = {wait_ms}")

    def backup(self, target: Path) -> None:
        """A consistent copy while others may be writing (never a file copy)."""
        if target.exists():
            raise TargetExistsError("backup target already exists", path=target)
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
            self.db.table("protocols").insert(
                {"path": path, "text": text, "hash": hash, "loaded_at": self.now()}
            )

    def protocol_text(self) -> tuple[str, str, str] | None:
        """(path, text, hash) of the newest protocol, or None."""
        row = self.db.execute(
            "SELECT path, text, hash FROM protocols ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return (row[0], row[1], row[2]) if row else None

    # -- events -------------------------------------------------------------

    def append_event(self, table: str, reviewer: str, **fields: Any) -> str:
        """Append one event to `table` in its own transaction; returns its uid."""
        return self.append_events(table, reviewer, [fields])[0]

    def append_events(self, table: str, reviewer: str, rows: list[dict[str, Any]]) -> list[str]:
        """Append several events of one user action atomically; returns their uids.

        One `BEGIN IMMEDIATE` transaction unless one is already open, so a
        decision shown as saved is on disk.
        """
        if table not in EVENT_TABLES:
            raise ValueError(f"{table} is not an event table")
        if not reviewer or not reviewer.strip():
            raise UsageError(
                "a reviewer name is needed to record decisions",
                hint="pass --reviewer NAME, set REVIEW_REVIEWER, or set reviewer in the config",
            )
        # One person, one name: `alice` is recorded as the review's `Alice`.
        name = self.reviewers.spelling(reviewer)
        with self.write():
            stamps = next_stamps(self.now(), self.newest_stamp(), len(rows))
            full = [
                {
                    **row,
                    "uid": uuid.uuid4().hex,
                    "reviewer": name,
                    "created_at": stamp,
                    "app_version": __version__,
                }
                for row, stamp in zip(rows, stamps, strict=True)
            ]
            self.db.table(table).insert_all(full)
            if full:
                self.reviewers.recorded(name, full[0]["created_at"])
        return [row["uid"] for row in full]

    def newest_stamp(self) -> str | None:
        """The latest `created_at` of any event in the file (each table's order index)."""
        found = [
            row[0]
            for table in EVENT_TABLES
            if (row := self.db.execute(f"SELECT max(created_at) FROM {table}").fetchone())[0]
        ]
        return max(found, default=None)


PROBE_SECONDS = 5.0
"""How long telling a review file apart waits out another process's lock."""


def _header_id(path: Path) -> int | None:
    """The application id in an SQLite file's header, or None."""
    try:
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError:
        return None
    if not header.startswith(b"SQLite format 3\x00") or len(header) < 72:
        return None
    return int.from_bytes(header[68:72], "big")


def _read_only(exc: BaseException) -> bool:
    """SQLite refused to write: the file, or its folder (the -wal and -shm
    files live beside it, even to read), is not writable."""
    return isinstance(exc, sqlite3.OperationalError) and "readonly" in str(exc)


def read_only_error(path: Path) -> StoreError:
    """What cannot be written, named, and the way out; nothing was changed."""
    folder = path.resolve().parent
    if not os.access(folder, os.W_OK):
        what = f"its folder {folder} is read-only (SQLite keeps -wal and -shm files beside it)"
        hint = f"move the review file to a folder you can write to, or get write access to {folder}"
    else:
        what = "the file is read-only"
        hint = f"get write access to {path.name} (chmod u+w), or work on a copy (`review copy`)"
    return StoreError(
        f"cannot write to the review file: {what}; nothing was changed", path=path, hint=hint
    )


def _configure(conn: sqlite3.Connection) -> Database:
    db = Database(conn)
    db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    db.execute("PRAGMA foreign_keys = ON")
    db.enable_wal()
    # FULL: a decision shown as saved survives power loss too, not only a kill.
    db.execute("PRAGMA synchronous = FULL")
    return db
