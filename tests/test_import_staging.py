"""An import never stops the team: it is staged in short transactions, hidden
until published whole, and a failed or killed one leaves nothing behind.

A colleague's session is a second `Store` (its own connection) on the same
file, as a second `review` process would have.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from review import importers, ingest
from review.errors import DuplicateImportError, ImportFormatError, StoreError
from review.ingest import ImportOptions, import_paths
from review.models import RecordDraft, SourceKind, Stage
from review.status import review_status
from review.store import KeyedRecord, NewSource, Store
from tests.conftest import ROOT

LONG_AGO = "2000-01-01T00:00:00+00:00"
OPTIONS = ImportOptions(kind=SourceKind.DATABASE, source_name="Embase")


def write_ris(path: Path, n: int, *, word: str = "zebrafish") -> Path:
    """`n` distinct RIS records, each titled with `word` (to search for)."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            out.write(
                f"TY  - JOUR\nTI  - Trial {i} of {word} dosing in adults\n"
                f"AU  - Author, A{i % 7}\nPY  - 2020\nDO  - 10.5555/stage.{i}\n"
                f"AB  - Abstract {i} about {word} outcomes.\nER  - \n\n"
            )
    return path


def decide(store: Store, key: str) -> None:
    store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="bob")


def visible(store: Store) -> dict[str, object]:
    """What a colleague sees of the review: status, records, search, exports."""
    status = review_status(store)
    return {
        "records": status["records"],
        "sources": [s.id for s in store.imports.sources()],
        "warnings": store.records.warning_counts(),
        "with_warnings": store.records.record_ids_with_warnings(),
        "search": store.records.count_matching("zebrafish"),
        "found": store.records.search_record_ids("zebrafish"),
        "keys": store.records.key_rows(),
        "exported": sum(1 for _ in store.records.export_rows()),
        "notices": store.imports.file_notices(),
    }


@pytest.fixture
def review(tmp_path: Path) -> Path:
    """A review with one published import of 3 records to screen."""
    path = tmp_path / "living.db"
    with Store.create(path) as store:
        import_paths(store, [write_ris(tmp_path / "first.ris", 3, word="baseline")], OPTIONS)
    return path


def test_a_colleague_decides_and_sees_nothing_of_an_import_half_way(
    review: Path, tmp_path: Path
) -> None:
    big = write_ris(tmp_path / "update.ris", 5_000)
    with Store.open(review) as colleague:
        # No waiting at all: an import must not hold the lock while it parses.
        colleague.db.execute("PRAGMA busy_timeout = 0")
        before = visible(colleague)
        seen: list[dict[str, object]] = []

        def progress(phase: str, done: int, total: int) -> None:
            if 0 < done < 5_000 and not seen:
                decide(colleague, "doi:10.5555/stage.0")
                seen.append(visible(colleague))

        with Store.open(review) as importer:
            [result] = import_paths(importer, [big], OPTIONS, progress=progress)
        assert seen == [before]
        assert [e.record_key for e in colleague.screening.decisions()] == ["doi:10.5555/stage.0"]
        after = visible(colleague)
    assert result.source.record_count == 5_000
    assert after["records"] == 5_003
    assert after["search"] == 5_000
    assert result.source.id in after["sources"]  # type: ignore[operator]


@pytest.mark.parametrize("parser_process", [False, True])
def test_decisions_from_another_thread_all_commit_while_an_import_runs(
    review: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, parser_process: bool
) -> None:
    """Also when a parsing process has rows ready at once (a large file; with
    this thread running it is spawned, as from the TUI's import worker)."""
    if parser_process:
        monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
        monkeypatch.setattr(ingest, "spare_core", lambda since=None: True)
    big = write_ris(tmp_path / "update.ris", 20_000)
    started, first, done = threading.Event(), threading.Event(), threading.Event()
    made: list[int] = []
    errors: list[BaseException] = []

    def screen() -> None:
        with Store.open(review) as colleague:
            started.wait()
            while not done.is_set():
                try:
                    decide(colleague, f"doi:10.5555/stage.{len(made) % 3}")
                except BaseException as exc:
                    errors.append(exc)
                    return
                made.append(1)
                first.set()

    def progress(phase: str, done_: int, total: int) -> None:
        if not started.is_set():
            started.set()
            first.wait(timeout=60)  # at least one decision while it runs

    screener = threading.Thread(target=screen)
    screener.start()
    try:
        with Store.open(review) as importer:
            [result] = import_paths(importer, [big], OPTIONS, progress=progress)
    finally:
        started.set()
        done.set()
        screener.join()
    assert errors == []
    with Store.open(review) as fresh:
        assert len(fresh.screening.decisions()) == len(made) > 0
        assert fresh.records.record_count() == 20_003
    assert result.source.record_count == 20_000


def _drafts(n: int, fail_at: int | None = None) -> Iterator[KeyedRecord]:
    for i in range(n):
        if i == fail_at:
            raise ImportFormatError("bad record", line=i)
        draft = RecordDraft(position=i + 1, title=f"zebrafish {i}")
        draft.warn("missing_abstract", "no abstract found", "abstract")
        yield KeyedRecord(f"key:{i}", f"u:{i}", draft)


def _source(name: str = "x.ris", file_hash: str = "h") -> NewSource:
    return NewSource(name, name, file_hash, 1, "ris", "utf-8", SourceKind.DATABASE, None,
                     "Embase", None, None)  # fmt: skip


def tamper(path: Path, sql: str) -> None:
    """Change the file as another process would, committed at once."""
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(sql)
    finally:
        conn.close()


def raw_counts(path: Path) -> tuple[int, ...]:
    """Rows under the views, as SQLite holds them (hidden or not)."""
    conn = sqlite3.connect(path)
    try:
        tables = ("sources_all", "records_all", "record_warnings_all", "pending_imports")
        counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables]
        match = "SELECT count(*) FROM records_fts WHERE records_fts MATCH 'zebrafish'"
        return (*counts, conn.execute(match).fetchone()[0])
    finally:
        conn.close()


def test_a_failed_import_leaves_no_row_anywhere(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.create(path) as store:
        with pytest.raises(ImportFormatError):
            store.imports.add(_source(), _drafts(7_000, fail_at=6_500))
        assert store.imports.sources() == []
    assert raw_counts(path) == (0, 0, 0, 0, 0)


def test_a_file_published_by_someone_else_meanwhile_is_refused_at_the_end(
    review: Path, tmp_path: Path
) -> None:
    big = write_ris(tmp_path / "update.ris", 3_000)
    twice: list[str] = []

    def progress(phase: str, done: int, total: int) -> None:
        if not twice:
            twice.append(phase)
            with Store.open(review) as colleague:
                import_paths(colleague, [big], OPTIONS)

    with Store.open(review) as importer, pytest.raises(DuplicateImportError, match="while"):
        import_paths(importer, [big], OPTIONS, progress=progress)
    with Store.open(review) as fresh:
        assert [s.record_count for s in fresh.imports.sources()] == [3, 3_000]
    assert raw_counts(review)[1] == 3_003


def test_an_import_given_up_for_dead_fails_cleanly(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.create(path) as store:

        def forgotten() -> Iterator[KeyedRecord]:
            records = _drafts(5_000)
            for _ in range(2_500):
                yield next(records)
            # As another machine does after STALE_AFTER without a heartbeat.
            tamper(path, f"UPDATE pending_imports SET heartbeat = '{LONG_AGO}'")
            with Store.open(path) as colleague:
                assert colleague.imports.sources() == []
            yield from records

        with pytest.raises(StoreError, match="given up for dead"):
            store.imports.add(_source(), forgotten())
    assert raw_counts(path) == (0, 0, 0, 0, 0)


KILLED = """
import sys
from pathlib import Path
from review.ingest import ImportOptions, import_paths
from review.models import SourceKind
from review.store import Store

def progress(phase, done, total):
    print(done, flush=True)

with Store.open(Path(sys.argv[1])) as store:
    import_paths(store, [Path(sys.argv[2])],
                 ImportOptions(kind=SourceKind.DATABASE, source_name="Embase"), progress)
print("finished", flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")
def test_sigkill_mid_import_leaves_nothing_and_the_same_file_imports_again(
    review: Path, tmp_path: Path
) -> None:
    big = write_ris(tmp_path / "update.ris", 30_000)
    with Store.open(review) as colleague:
        before = visible(colleague)
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        child = subprocess.Popen(
            [sys.executable, "-c", KILLED, str(review), str(big)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
        )
        assert child.stdout is not None
        try:
            batches = [child.stdout.readline() for _ in range(3)]  # 3 batches written
            # Opening the file meanwhile leaves a live import alone.
            Store.open(review).close()
            assert raw_counts(review)[3] == 1
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        assert all(line.strip().isdigit() for line in batches), child.stderr.read()  # type: ignore[union-attr]
        assert child.returncode == -signal.SIGKILL
        # A session open since before the kill still sees nothing of it.
        assert visible(colleague) == before
        assert raw_counts(review)[1] > 3
    with Store.open(review) as reopened:  # the dead import's rows go here
        assert visible(reopened) == before
        assert reopened.db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    sources, records, _, markers, indexed = raw_counts(review)
    assert (sources, records, markers, indexed) == (1, 3, 0, 0)
    with Store.open(review) as again:
        [result] = import_paths(again, [big], OPTIONS)
        assert result.source.record_count == 30_000
        assert again.records.count_matching("zebrafish") == 30_000
    assert raw_counts(review)[4] == 30_000


def test_a_dead_import_found_at_open_is_deleted_however_far_it_got(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.create(path) as store:
        staged = store.imports.stage(_source(), _drafts(4_500))
        # As a killed process leaves it: its own token no longer running.
        tamper(path, f"UPDATE pending_imports SET host = 'gone', heartbeat = '{LONG_AGO}'")
    assert raw_counts(path)[1] == 4_500
    Store.open(path).close()
    assert raw_counts(path) == (0, 0, 0, 0, 0)
    assert staged.record_count == 4_500


def test_a_folder_appears_whole_though_a_session_opens_between_its_files(
    review: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "update"
    folder.mkdir()
    write_ris(folder / "a.ris", 1_200)
    write_ris(folder / "b.ris", 800, word="medaka")
    seen: list[int] = []

    def progress(phase: str, done: int, total: int) -> None:
        if "b.ris" in phase and not seen:
            # a.ris is staged and waits for b.ris; a session opened now
            # (which deletes dead imports) must neither show nor delete it.
            with Store.open(review) as colleague:
                seen.append(colleague.records.record_count())

    with Store.open(review) as importer:
        results = import_paths(importer, [folder], OPTIONS, progress=progress)
    assert seen == [3]
    assert [r.source.record_count for r in results] == [1_200, 800]
    with Store.open(review) as fresh:
        assert fresh.records.record_count() == 2_003


def test_the_session_gets_its_own_wal_checkpointing_back_after_an_import(
    tmp_path: Path,
) -> None:
    """An import lets the WAL grow longer between checkpoints; the screening
    that follows in the same session (the TUI imports, then screens) must
    not keep that, whether the import succeeded or failed."""
    path = tmp_path / "r.db"
    with Store.create(path) as store:

        def interval() -> int:
            return int(store.db.conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])

        before = interval()
        import_paths(store, [write_ris(tmp_path / "a.ris", 2_000)], OPTIONS)
        assert interval() == before
        assert store.records.count_matching("zebrafish") == 2_000
        with pytest.raises(ImportFormatError):
            store.imports.add(_source(), _drafts(3_000, fail_at=2_500))
        assert interval() == before
