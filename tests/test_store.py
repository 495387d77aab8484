"""The review file: pragmas, migrations, append-only events, atomic imports."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from review.errors import StoreError, TargetExistsError
from review.models import RecordDraft, SourceKind, Stage
from review.store import KeyedRecord, NewSource, Store, fts_query


def _source(name: str = "PubMed", file_hash: str = "h" * 64) -> NewSource:
    return NewSource(
        file_name="x.ris",
        file_path="/tmp/x.ris",
        file_hash=file_hash,
        file_size=10,
        format="ris",
        encoding="utf-8",
        kind=SourceKind.DATABASE,
        method=None,
        name=name,
        search_date="2026-01-01",
        imported_by=None,
    )


def _records(n: int) -> list[KeyedRecord]:
    out = []
    for i in range(1, n + 1):
        draft = RecordDraft(
            position=i,
            line=i * 10,
            title=f"Radiotherapy study {i}",
            abstract="nivolumab and stereotactic radiotherapy",
            year=2020,
        )
        if i == 2:
            draft.warn("missing_authors", "no authors found", "authors")
        out.append(KeyedRecord(key=f"tya:{i}", uid=f"h:{i}", draft=draft))
    return out


def test_create_sets_wal_foreign_keys_and_schema(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    Store.create(path).close()
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'view')")
    }
    assert {
        "sources",
        "records",
        "decisions",
        "extraction_values",
        "rob_answers",
        "study_links",
        "dedup_events",
        "fulltexts",
        "labels",
        "protocols",
    } <= tables
    conn.close()
    with Store.open(path) as store:
        assert store.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_create_refuses_existing_file(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    path.write_text("hello")
    with pytest.raises(TargetExistsError, match="already exists"):
        Store.create(path)
    assert path.read_text() == "hello"


def test_open_refuses_foreign_sqlite_file_and_newer_schema(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(StoreError, match="not a review file"):
        Store.open(other)
    path = tmp_path / "r.db"
    Store.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('review', 'm999_future', 'x')"
    )
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer version"):
        Store.open(path)


def test_event_tables_are_append_only(store: Store) -> None:
    store.db.execute(
        "INSERT INTO decisions (uid, record_key, stage, kind, decision, reviewer, created_at, "
        "app_version) VALUES ('u1', 'doi:1', 'title_abstract', 'screen', 'include', 'ann', 't', "
        "'0')"
    )
    store.db.conn.commit()
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("UPDATE decisions SET decision = 'exclude'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        store.db.execute("DELETE FROM decisions")


def test_import_is_stored_with_warnings_and_search_index(store: Store) -> None:
    source = store.imports.add(_source(), _records(3))
    assert source.record_count == 3 and source.warning_count == 1
    assert store.records.record_count() == 3
    rows = store.records.record_rows(search="stereotac")
    assert len(rows) == 3
    assert [r.warning_count for r in rows] == [0, 1, 0]
    record = store.records.record(rows[1].id)
    assert record.warnings == ["no authors found"]
    assert record.source_ref == "#2" and record.line == 20
    assert store.records.count_matching("study 2") == 1


def test_failed_import_leaves_nothing(store: Store) -> None:
    records = _records(3)
    records.append(records[0])  # same uid twice violates UNIQUE mid-transaction
    with pytest.raises(sqlite3.IntegrityError):
        store.imports.add(_source(), records)
    assert store.records.record_count() == 0
    assert store.imports.sources() == []


def test_search_text_is_never_parsed_as_fts_syntax(store: Store) -> None:
    store.imports.add(_source(), _records(2))
    assert fts_query('AND "OR" -x*') == '"AND" "OR" "x"*'
    assert store.records.record_rows(search='"unbalanced') == []
    assert store.records.count_matching("   ") == 2


def test_backup_is_a_consistent_copy(store: Store, tmp_path: Path) -> None:
    store.imports.add(_source(), _records(2))
    target = tmp_path / "backup.db"
    store.backup(target)
    with Store.open(target) as copy:
        assert copy.records.record_count() == 2


def test_a_writer_asks_again_every_millisecond_and_takes_the_first_gap(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An import frees the lock only for a few milliseconds between batches:
    a colleague's decision must ask often enough to land in such a gap."""
    Store.create(tmp_path / "r.db").close()
    importer = sqlite3.connect(tmp_path / "r.db", isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")
    waits: list[float] = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        if len(waits) == 3:
            importer.execute("COMMIT")  # the gap after a batch

    with Store.open(tmp_path / "r.db") as store:
        monkeypatch.setattr("review.store.store.time.sleep", sleep)
        with store.write() as db:
            db.execute("INSERT INTO meta (key, value) VALUES ('decided', 'yes')")
        assert waits == [0.001] * 3
        assert store.meta()["decided"] == "yes"
        # The connection's own busy timeout is back for everything else.
        assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 10_000
    importer.close()


def test_a_writer_gives_up_after_the_busy_timeout_naming_the_file(tmp_path: Path) -> None:
    Store.create(tmp_path / "r.db").close()
    importer = sqlite3.connect(tmp_path / "r.db", isolation_level=None)
    importer.execute("BEGIN IMMEDIATE")
    with Store.open(tmp_path / "r.db") as store:
        store.db.execute("PRAGMA busy_timeout = 50")
        refused = pytest.raises(StoreError, match="locked by another process")
        with refused as caught, store.write() as db:
            db.execute("INSERT INTO meta (key, value) VALUES ('decided', 'yes')")
        assert caught.value.path == tmp_path / "r.db"
        importer.execute("ROLLBACK")
        assert "decided" not in store.meta()
    importer.close()


def test_a_second_open_in_one_process_keeps_the_first_ones_decisions_safe(
    tmp_path: Path,
) -> None:
    """A background worker opens the file again while the screen holds it
    open. Doing so must not drop the process's locks: if it did, another
    process closing the file (a second reviewer, `review status`) would
    delete the live -wal, and every decision stored after it would be lost."""
    path = tmp_path / "r.db"
    Store.create(path).close()
    with Store.open(path) as store:
        store.imports.add(_source(), _records(2))
        Store.open(path).close()  # what the ranker and the export worker do
        assert Store.is_review_file(path)  # what the start screen's discovery does
        _count_decisions_elsewhere(path)  # another process opens and closes the file
        store.screening.record_decision("tya:1", Stage.TITLE_ABSTRACT, "include", reviewer="ann")
        assert (tmp_path / "r.db-wal").exists()
        assert _count_decisions_elsewhere(path) == 1


def _count_decisions_elsewhere(path: Path) -> int:
    """The decisions another process reads, its connection closed after."""
    code = (
        "import sqlite3, sys; db = sqlite3.connect(sys.argv[1]); "
        "print(db.execute('SELECT count(*) FROM decisions').fetchone()[0]); db.close()"
    )
    seen = subprocess.run(
        [sys.executable, "-c", code, str(path)], capture_output=True, text=True, check=True
    )
    return int(seen.stdout)


def test_a_file_sqlite_cannot_open_read_only_is_told_by_its_header(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In a read-only folder a WAL file without its -shm cannot be opened even
    read-only (root, who runs these tests, cannot make one): the header tells."""
    path = tmp_path / "r.db"
    Store.create(path).close()
    other = tmp_path / "other.db"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()

    def refuse(*args: object, **kwargs: object) -> sqlite3.Connection:
        raise sqlite3.OperationalError("unable to open database file")

    monkeypatch.setattr(sqlite3, "connect", refuse)
    assert Store.is_review_file(path)
    assert not Store.is_review_file(other)
    assert not Store.is_review_file(tmp_path / "missing.db")


def test_a_review_locked_by_another_process_is_called_locked_not_foreign(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "r.db"
    Store.create(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("PRAGMA locking_mode = EXCLUSIVE")
    holder.execute("BEGIN EXCLUSIVE")
    holder.execute("CREATE TABLE held (x)")
    monkeypatch.setattr("review.store.store.PROBE_SECONDS", 0.05)
    try:
        assert Store.file_kind(path) == "busy"
        with pytest.raises(StoreError, match="locked by another process") as error:
            Store.open(path)
        assert "not a review file" not in str(error.value)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    with Store.open(path) as store:  # and once let go, it opens as ever
        assert store.path == path
