"""Decisions committed while a big import runs, and what staging costs the import.

Builds an N-record RIS (default 100,000) from real corpus records, like
`import_bench.py`, and a review holding 50 records to screen. Then:

- alone: `import_paths` of the RIS in a child process, nobody else writing;
- together: the same import in a child process while this process records a
  title/abstract decision every `--gap` seconds through its own connection
  (`store.screening.record_decision`, as the screening screen does), from
  the import's first batch until it ends; each decision's commit is timed,
  and one that fails (the file locked) is counted;
- publish-at-once probe: how long one `INSERT … SELECT` of the finished
  import from an attached file (records, search index, warnings) holds the
  write lock — the alternative to staging in place (option a of issue 13).

Target (issue 13): decision commit p95 under 100 ms while any import runs.

    python benchmarks/import_concurrency_bench.py [--records 100000] [--gap 0.02] [--keep DIR]
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))

from import_bench import build_ris

from review.errors import StoreError
from review.ingest import ImportOptions, import_paths
from review.models import SourceKind, Stage
from review.store import Store

OPTIONS = ImportOptions(kind=SourceKind.DATABASE, source_name="Bench")


def child_import(db: str, ris: str) -> None:
    """Import and say when the first batch is in (stdout), then how long it took."""
    started = False

    def progress(phase: str, done: int, total: int) -> None:
        nonlocal started
        if not started and done:
            started = True
            print("started", flush=True)

    with Store.open(Path(db)) as store:
        t0 = time.perf_counter()
        [result] = import_paths(store, [Path(ris)], OPTIONS, progress)
        print(f"done {time.perf_counter() - t0:.3f} {result.source.record_count}", flush=True)


def new_review(path: Path, seed: Path) -> list[str]:
    """A review with a few records to screen; their keys."""
    path.unlink(missing_ok=True)
    with Store.create(path) as store:
        import_paths(store, [seed], ImportOptions(kind=SourceKind.DATABASE, source_name="Seed"))
        return sorted({key for key, _ in store.records.key_rows()})


def start_import(db: Path, ris: Path) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, __file__, "--child", str(db), str(ris)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    if child.stdout.readline().strip() != "started":
        raise SystemExit("the import did not start")
    return child


def import_seconds(child: subprocess.Popen[str]) -> float:
    assert child.stdout is not None
    last = child.stdout.read().split()
    if child.wait() != 0 or not last or last[0] != "done":
        raise SystemExit("the import failed")
    return float(last[1])


def screen_during(
    db: Path, keys: list[str], child: subprocess.Popen[str], gap: float
) -> tuple[list[float], int]:
    """Decide every `gap` s until the import ends: (commit seconds, failures)."""
    times: list[float] = []
    failures = 0
    with Store.open(db) as store:
        n = 0
        while child.poll() is None:
            t0 = time.perf_counter()
            try:
                store.screening.record_decision(
                    keys[n % len(keys)], Stage.TITLE_ABSTRACT, "include", reviewer="bob"
                )
            except StoreError:
                failures += 1
            times.append(time.perf_counter() - t0)
            n += 1
            time.sleep(gap)
    return times, failures


def publish_probe(finished: Path, target: Path, seed: Path) -> float:
    """Seconds one transaction copying a finished import into a review takes."""
    new_review(target, seed)
    conn = sqlite3.connect(target, isolation_level=None)
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
    suffix = "_all" if "records_all" in names else ""
    fts = "title, vernacular_title, abstract, keywords, authors"
    conn.execute("ATTACH ? AS staged", [str(finished)])
    t0 = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    offset = conn.execute(f"SELECT max(id) FROM records{suffix}").fetchone()[0]
    conn.execute(
        f"INSERT INTO records{suffix} SELECT id + ?, uid || '.p', key, source_id, position, "
        "line, source_ref, title, vernacular_title, abstract, authors, year, journal, volume, "
        "issue, pages, doi, pmid, registry_id, record_type, language, keywords, url, issn, "
        f"extra FROM staged.records{suffix} WHERE id > ?",
        [offset, offset],
    )
    conn.execute(
        f"INSERT INTO records_fts (rowid, {fts}) SELECT id + ?, {fts} "
        f"FROM staged.records{suffix} WHERE id > ?",
        [offset, offset],
    )
    conn.execute(
        f"INSERT INTO record_warnings{suffix} (record_id, kind, field, message) "
        f"SELECT record_id + ?, kind, field, message FROM staged.record_warnings{suffix} "
        "WHERE record_id > ?",
        [offset, offset],
    )
    conn.execute("COMMIT")
    seconds = time.perf_counter() - t0
    conn.close()
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--gap", type=float, default=0.02, help="seconds between decisions")
    parser.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child_import(*args.child)
        return
    work = args.keep or Path(tempfile.mkdtemp(prefix="import-concurrency-"))
    work.mkdir(parents=True, exist_ok=True)
    ris, seed = work / f"bench-{args.records}.ris", work / "seed.ris"
    if not ris.exists():
        build_ris(ris, args.records)
    if not seed.exists():
        build_ris(seed, 50)

    alone_db = work / "alone.db"
    new_review(alone_db, seed)
    alone = import_seconds(start_import(alone_db, ris))

    together_db = work / "together.db"
    keys = new_review(together_db, seed)
    child = start_import(together_db, ris)
    times, failures = screen_during(together_db, keys, child, args.gap)
    together = import_seconds(child)
    probe = publish_probe(alone_db, work / "probe.db", seed)

    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    print(f"{args.records:,} records imported from {ris.name}")
    print(f"import alone               {alone:8.2f} s")
    print(f"import while screening     {together:8.2f} s")
    print(
        f"decisions during import    {len(ms):8d}  failed (locked) {failures}\n"
        f"decision commit ms         p50 {statistics.median(ms):.1f}  p95 {p95:.1f}  "
        f"max {ms[-1]:.1f}   target p95 < 100"
    )
    print(f"publish-at-once probe      {probe:8.2f} s holding the write lock (option a)")


if __name__ == "__main__":
    main()
