"""Deleting staged imports: a failed one at once, a killed one at the next open.

Leaving the search index costs as much as entering it, so this is where an
unfinished 100k-record import could take longer than it took to stage.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from review.store import pending
from review.store.columns import FTS_COLUMNS
from review.wording import counted

if TYPE_CHECKING:
    from review.store.store import Store

_DISCARD = 5_000
"""Records deleted per transaction when a staged import is discarded: each
is tokenised again to leave the search index (~0.2 s a chunk)."""
_DELETE_FTS = (
    f"INSERT INTO records_fts (records_fts, rowid, {', '.join(FTS_COLUMNS)}) "
    f"SELECT 'delete', id, {', '.join(FTS_COLUMNS)} FROM records_all WHERE id IN ({{ids}})"
)
"""An external-content FTS5 row is deleted by naming the values it indexed."""


def discard(store: Store, source_ids: list[int]) -> None:
    """Delete staged imports; the markers go last, so what is left
    meanwhile stays hidden.

    Leaving the search index costs as much as entering it (each record
    is tokenised again), so when the imports to delete outnumber the
    published records and no other import is under way, the index is
    rebuilt from the published records instead, in one transaction.
    Otherwise rows go a chunk per transaction, synced only at the end.
    """
    if not source_ids:
        return
    tokens = [pending_token(store, source_id) for source_id in source_ids]
    if _rebuild_is_cheaper(store, source_ids):
        marks = ", ".join("?" * len(source_ids))
        staged = f"SELECT id FROM records_all WHERE source_id IN ({marks})"
        with store.write() as db:
            db.execute(f"DELETE FROM record_warnings_all WHERE record_id IN ({staged})", source_ids)
            db.execute(f"DELETE FROM records_all WHERE source_id IN ({marks})", source_ids)
            _drop_markers(store, source_ids)
            # The index's content is the `records` view: published records only.
            db.execute("INSERT INTO records_fts (records_fts) VALUES ('rebuild')")
    else:
        for source_id in source_ids:
            _discard_rows(store, source_id)
        with store.write():
            _drop_markers(store, source_ids)
    for token in tokens:
        pending.finished(token)


def _rebuild_is_cheaper(store: Store, source_ids: list[int]) -> bool:
    marks = ", ".join("?" * len(source_ids))
    db = store.db
    others = db.execute(
        f"SELECT count(*) FROM pending_imports WHERE source_id NOT IN ({marks})", source_ids
    ).fetchone()[0]
    if others:
        return False
    staged = db.execute(
        f"SELECT count(*) FROM records_all WHERE source_id IN ({marks})", source_ids
    ).fetchone()[0]
    published = db.execute("SELECT count(*) FROM records_all").fetchone()[0] - staged
    return bool(staged > published)


def _discard_rows(store: Store, source_id: int) -> None:
    """One import's rows, `_DISCARD` records a transaction."""
    chunk = f"SELECT id FROM records_all WHERE source_id = ? ORDER BY id LIMIT {_DISCARD}"
    while True:
        with store.write(bulk=True) as db:
            last = db.execute(f"SELECT max(id) FROM ({chunk})", [source_id]).fetchone()[0]
            if last is None:
                return
            ids = "SELECT id FROM records_all WHERE source_id = ? AND id <= ?"
            db.execute(_DELETE_FTS.format(ids=ids), [source_id, last])
            db.execute(
                f"DELETE FROM record_warnings_all WHERE record_id IN ({ids})",
                [source_id, last],
            )
            db.execute("DELETE FROM records_all WHERE source_id = ? AND id <= ?", [source_id, last])


def _drop_markers(store: Store, source_ids: list[int]) -> None:
    marks = ", ".join("?" * len(source_ids))
    store.db.execute(f"DELETE FROM pending_imports WHERE source_id IN ({marks})", source_ids)
    store.db.execute(f"DELETE FROM sources_all WHERE id IN ({marks})", source_ids)


def discard_dead(store: Store) -> list[str]:
    """Delete imports whose process was killed or vanished; what was
    removed, one line each, for the user to be told once."""
    rows = store.db.execute(
        "SELECT p.source_id, p.host, p.pid, p.token, p.heartbeat, p.started_at, "
        "s.file_name, s.record_count FROM pending_imports p "
        "JOIN sources_all s ON s.id = p.source_id ORDER BY p.source_id"
    ).fetchall()
    dead = [row for row in rows if pending.is_dead(pending.Marker(*row[:5]))]
    discard(store, [row[0] for row in dead])
    return [
        f"removed an unfinished import of {name} ({counted(count, 'record')}) "
        f"from {started[:16].replace('T', ' ')} UTC"
        for *_, started, name, count in dead
    ]


def pending_token(store: Store, source_id: int) -> str:
    """The token a staged import's process holds ('' when its marker is gone)."""
    sql = "SELECT token FROM pending_imports WHERE source_id = ?"
    row = store.db.execute(sql, [source_id]).fetchone()
    return str(row[0]) if row else ""
