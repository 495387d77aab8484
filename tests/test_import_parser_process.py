"""A large file is parsed in a second process while this one writes: what is
stored, warned, searched and refused is the same as when parsed in line, and
an import stopped any way leaves neither rows nor a parser running."""

from __future__ import annotations

import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest

from review import importers, ingest, process_stream
from review.errors import DuplicateImportError, ImportFormatError
from review.importers import base
from review.ingest import ImportOptions, import_paths, import_report
from review.models import SourceKind
from review.store import Store, wal_sync
from tests.conftest import ROOT

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="fork and SIGKILL are POSIX")

FIXTURES = ROOT / "tests" / "fixtures"
OPTIONS = ImportOptions(kind=SourceKind.DATABASE, source_name="Embase")
RIS = sorted((FIXTURES / "ris" / "citation-file-formatting").glob("*.ris"))


@pytest.fixture(autouse=True)
def idle_core(monkeypatch: pytest.MonkeyPatch) -> None:
    """As on an idle machine, whatever else runs beside the tests."""
    monkeypatch.setattr(ingest, "spare_core", lambda since=None: True)


def mixed_vendor_ris(path: Path) -> Path:
    """Ten vendors' real RIS exports in one file (one with a record lacking
    its `ER`, warnings of many kinds)."""
    parts = [p.read_text(encoding="utf-8-sig").replace("\r\n", "\n") for p in RIS]
    path.write_text("\n".join(part.strip("\n") + "\n" for part in parts), encoding="utf-8")
    return path


def stored(path: Path) -> dict[str, Any]:
    """Every row an import wrote, and what a search finds, read afresh."""
    conn = sqlite3.connect(path)
    try:
        return {
            "sources": conn.execute(
                "SELECT file_name, file_hash, format, encoding, record_count, warning_count "
                "FROM sources"
            ).fetchall(),
            "records": conn.execute("SELECT * FROM records ORDER BY id").fetchall(),
            "warnings": conn.execute("SELECT * FROM record_warnings ORDER BY id").fetchall(),
            "search": [
                conn.execute(
                    "SELECT rowid FROM records_fts WHERE records_fts MATCH ? ORDER BY rowid",
                    [word],
                ).fetchall()
                for word in ("randomised", "trial", "cancer", "smith")
            ],
            "pending": conn.execute("SELECT count(*) FROM pending_imports").fetchone()[0],
        }
    finally:
        conn.close()


def imported(db: Path, source: Path) -> tuple[dict[str, Any], list[str]]:
    with Store.create(db) as store:
        results = import_paths(store, [source], OPTIONS)
    report = import_report(results)
    return stored(db), report[:-1]  # the last line says how long it took


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_a_file_parsed_in_another_process_is_stored_exactly_as_in_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, method: str
) -> None:
    source = mixed_vendor_ris(tmp_path / "searches.ris")
    in_line, in_line_report = imported(tmp_path / "a.db", source)
    assert in_line["sources"][0][4] > 50 and in_line["warnings"]
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    monkeypatch.setattr(process_stream, "start_method", lambda: method)
    children: list[object] = []
    real = multiprocessing.get_context

    def counted(name: str | None = None) -> Any:
        children.append(name)
        return real(name)

    monkeypatch.setattr(multiprocessing, "get_context", counted)
    streamed, streamed_report = imported(tmp_path / "b.db", source)
    assert children == [method]  # the parse did run in a second process
    assert streamed == in_line
    assert streamed_report == in_line_report


@pytest.mark.skipif(sys.platform != "linux", reason="forked only on Linux")
def test_the_log_is_synced_outside_the_lock_and_the_parser_still_forks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Batches commit without fsync; a thread syncs the log after them. It
    starts only once the parsing process runs, which is still forked (a
    thread alive at that moment would make it a slow spawn), and it is gone
    when the import ends."""
    source = mixed_vendor_ris(tmp_path / "searches.ris")
    in_line, _ = imported(tmp_path / "a.db", source)
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    methods: list[object] = []
    real = multiprocessing.get_context
    monkeypatch.setattr(
        multiprocessing, "get_context", lambda name=None: methods.append(name) or real(name)
    )
    synced: list[str] = []
    real_fsync = wal_sync.os.fsync

    def fsync(fd: int) -> None:
        synced.append(os.readlink(f"/proc/self/fd/{fd}"))
        real_fsync(fd)

    monkeypatch.setattr(wal_sync.os, "fsync", fsync)
    streamed, _ = imported(tmp_path / "b.db", source)
    assert methods == ["fork"]
    assert synced and set(synced) == {str(tmp_path / "b.db-wal")}
    assert streamed == in_line
    assert not [t for t in threading.enumerate() if t.name == "wal-sync"]


def test_the_parser_starts_while_the_file_is_still_being_hashed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The hash (a whole read of the file) is computed here while the
    second process already parses; what is stored does not change."""
    source = mixed_vendor_ris(tmp_path / "searches.ris")
    in_line, _ = imported(tmp_path / "a.db", source)
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    order: list[str] = []
    real_hash, real_stream = base._file_sha256, ingest.stream_in_child

    def hashed(path: Path) -> str:
        order.append("hash")
        return real_hash(path)

    def started(*args: Any, **kwargs: Any) -> Any:
        order.append("parser")
        return real_stream(*args, **kwargs)

    monkeypatch.setattr(base, "_file_sha256", hashed)
    monkeypatch.setattr(ingest, "stream_in_child", started)
    streamed, _ = imported(tmp_path / "b.db", source)
    assert order == ["parser", "hash"]
    assert streamed == in_line


def test_a_record_known_only_by_its_place_gets_one_key_either_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No identifier and no title: the key is the file's hash and the
    record's position, filled in by the storing process."""
    source = tmp_path / "untitled.ris"
    source.write_text(
        "TY  - JOUR\nAU  - Smith, J\nPY  - 2020\nER  - \n\n"
        "TY  - JOUR\nTI  - A trial of exercise\nPY  - 2021\nER  - \n",
        encoding="utf-8",
    )
    in_line, _ = imported(tmp_path / "a.db", source)
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    streamed, _ = imported(tmp_path / "b.db", source)
    assert streamed == in_line
    conn = sqlite3.connect(tmp_path / "b.db")
    keys = [k for (k,) in conn.execute("SELECT key FROM records ORDER BY position")]
    (file_hash,) = conn.execute("SELECT file_hash FROM sources").fetchone()
    conn.close()
    assert keys[0] == f"pos:{file_hash[:16]}:1" and keys[1].startswith("tya:")


def test_a_repeated_file_stops_the_parser_started_for_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = mixed_vendor_ris(tmp_path / "searches.ris")
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    before, _ = imported(tmp_path / "a.db", source)
    with (
        Store.open(tmp_path / "a.db") as store,
        pytest.raises(DuplicateImportError, match="already imported"),
    ):
        import_paths(store, [source], OPTIONS)
    assert multiprocessing.active_children() == []
    assert stored(tmp_path / "a.db") == before


def test_on_a_busy_machine_the_file_is_parsed_in_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No idle core: a second process would only add its cost."""
    monkeypatch.setattr(ingest, "spare_core", process_stream.spare_core)
    monkeypatch.setattr(process_stream, "busy_cores", lambda since=None: float(os.cpu_count() or 1))
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    started: list[object] = []
    monkeypatch.setattr(multiprocessing, "get_context", lambda *a: started.append(a))
    source = mixed_vendor_ris(tmp_path / "searches.ris")
    streamed, _ = imported(tmp_path / "a.db", source)
    assert started == [] and streamed["sources"][0][4] > 50


def test_a_csv_parsed_in_another_process_is_stored_exactly_as_in_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = FIXTURES / "tabular" / "_baseline_embase.csv"
    in_line, in_line_report = imported(tmp_path / "a.db", source)
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    streamed, streamed_report = imported(tmp_path / "b.db", source)
    assert (streamed, streamed_report) == (in_line, in_line_report)


def test_the_progress_bar_still_estimates_the_total_as_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = "TY  - JOUR\nTI  - Trial {0} of zebrafish\nPY  - 2020\nDO  - 10.5/{0}\nER  - \n\n"
    path = tmp_path / "big.ris"
    path.write_text("".join(record.format(i) for i in range(9_000)))
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    seen: list[tuple[int, int]] = []
    with Store.create(tmp_path / "r.db") as store:
        import_paths(store, [path], OPTIONS, lambda _, done, total: seen.append((done, total)))
    assert seen[-1] == (9_000, 9_000)
    # Before the end, totals are estimates from the share of the file the
    # parser had read (told by the parsing process; 256 KiB steps).
    early = [(done, total) for done, total in seen[:-1] if done < 9_000]
    assert early and all(done < total < 2 * 9_000 for done, total in early)


def test_a_file_refused_late_stores_nothing_and_leaves_no_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = "TY  - JOUR\nTI  - Trial {0}\nER  - \n\n"
    path = tmp_path / "embase.ris"
    body = "".join(record.format(i) for i in range(6_000))
    path.write_text(body + "TI  - a title without its TY\nER  - \n")
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)
    with Store.create(tmp_path / "r.db") as store, pytest.raises(ImportFormatError) as error:
        import_paths(store, [path], OPTIONS)
    assert error.value.problems[0].line == 24_001
    assert multiprocessing.active_children() == []
    assert stored(tmp_path / "r.db")["records"] == []


def test_ctrl_c_during_the_import_stores_nothing_and_stops_the_parser(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = "TY  - JOUR\nTI  - Trial {0}\nPY  - 2020\nER  - \n\n"
    path = tmp_path / "big.ris"
    path.write_text("".join(record.format(i) for i in range(20_000)))
    monkeypatch.setattr(importers, "STREAM_ABOVE", 10)

    def interrupt(phase: str, done: int, total: int) -> None:
        raise KeyboardInterrupt

    with Store.create(tmp_path / "r.db") as store, pytest.raises(KeyboardInterrupt):
        import_paths(store, [path], OPTIONS, interrupt)
    assert multiprocessing.active_children() == []
    after = stored(tmp_path / "r.db")
    assert (after["records"], after["sources"], after["pending"]) == ([], [], 0)


KILLED = """
import sys
import threading
from pathlib import Path
from review import importers, ingest
from review.ingest import ImportOptions, import_paths
from review.models import SourceKind
from review.store import Store, wal_sync

importers.STREAM_ABOVE = 10
ingest.spare_core = lambda since=None: True

def progress(phase, done, total):
    import multiprocessing
    print(*[child.pid for child in multiprocessing.active_children()], flush=True)
    import time
    time.sleep(60)

with Store.open(Path(sys.argv[1])) as store:
    import_paths(store, [Path(sys.argv[2])], ImportOptions(
        kind=SourceKind.DATABASE, source_name="Embase"), progress)
"""


def test_sigkill_of_the_import_ends_its_parser_and_stores_nothing(tmp_path: Path) -> None:
    record = "TY  - JOUR\nTI  - Trial {0}\nPY  - 2020\nER  - \n\n"
    path = tmp_path / "big.ris"
    path.write_text("".join(record.format(i) for i in range(30_000)))
    db = tmp_path / "r.db"
    Store.create(db).close()
    importer = subprocess.Popen(
        [sys.executable, "-c", KILLED, str(db), str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert importer.stdout is not None and importer.stderr is not None
    pids = [int(pid) for pid in importer.stdout.readline().split()]
    assert pids, importer.stderr.read()
    importer.send_signal(signal.SIGKILL)
    importer.wait(timeout=30)
    from tests.test_process_stream import _gone

    assert all(_gone(pid) for pid in pids)
    Store.open(db).close()  # the dead import's rows are deleted here
    after = stored(db)
    assert (after["records"], after["sources"], after["pending"]) == ([], [], 0)
