"""Import throughput and peak memory at living-review size, next to baselines.

Builds a 100,000-record RIS and a 100,000-row CSV from real corpus exports
(identifiers varied so every record is distinct), then times, each in its own
process so peak memory is its own:

- `review import` (sniff, decode, parse with checks, identify, store + FTS),
- rispy alone parsing the same RIS (the baseline the target is set against),
- rispy + a bare `executemany` into a one-table SQLite file,
- csv.DictReader alone on the CSV.

Target (issue #2): review import of 100k RIS < 2x rispy alone; peak < 1 GB.

    python benchmarks/import_bench.py [--records 100000] [--keep DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
FIXTURES = ROOT / "tests" / "fixtures"
# Each input: its path in ../shared/corpora, then its copy in tests/fixtures,
# so the benchmark runs from any clone (the fixture CSV holds 4 of the 10 rows).
RIS_SOURCES = [
    ("citation-file-formatting/RIS/_baseline_scopus.ris",
     "ris/citation-file-formatting/_baseline_scopus.ris"),
    ("asysd/scopus.ris", "ris/asysd/scopus.ris"),
]  # fmt: skip
CSV_SOURCE = (
    "citation-file-formatting/CSV/_baseline_scopus.csv",
    "tabular/_baseline_scopus_first4.csv",
)


def _find(source: tuple[str, str]) -> Path:
    corpus, fixture = source
    for candidate in (CORPORA / corpus, FIXTURES / fixture):
        if candidate.exists():
            return candidate
    raise SystemExit(
        f"benchmark input not found: {corpus} (looked in {CORPORA} and {FIXTURES / fixture})"
    )


def build_ris(target: Path, n: int) -> None:
    """Repeat real RIS records, giving each copy its own DOI, accession and title suffix."""
    records: list[str] = []
    for source in RIS_SOURCES:
        text = _find(source).read_text(encoding="utf-8-sig")
        records += [r.strip() + "\n" for r in re.split(r"(?m)^ER\s+-.*$", text) if "TY  -" in r]
    with target.open("w", encoding="utf-8") as out:
        for i in range(n):
            body = records[i % len(records)]
            body = re.sub(r"(?m)^DO  - .*$", f"DO  - 10.99999/bench.{i}", body)
            body = re.sub(r"(?m)^(TI|T1)  - (.*)$", rf"\1  - \2 (copy {i})", body, count=1)
            out.write(body.rstrip("\n") + f"\nAN  - BENCH{i}\nER  - \n\n")


def build_csv(target: Path, n: int) -> None:
    with _find(CSV_SOURCE).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        # Cited references average ~20 KB a row here and would make a
        # 2 GB file; searches are exported without them.
        fields = [f for f in reader.fieldnames or [] if f != "References"]
        rows = [{f: row[f] for f in fields} for row in reader]
    with target.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=fields)
        writer.writeheader()
        for i in range(n):
            row = dict(rows[i % len(rows)])
            row["DOI"] = f"10.99999/bench.{i}"
            row["Title"] = f"{row.get('Title', '')} (copy {i})"
            if "EID" in row:
                row["EID"] = f"2-s2.0-bench{i}"
            writer.writerow(row)


# -- measured tasks: each runs in a child process --------------------------------


def task_review_import(path: str, workdir: str) -> dict[str, float]:
    from review.ingest import ImportOptions, import_paths
    from review.models import SourceKind
    from review.store import Store

    db = Path(workdir) / f"bench-{Path(path).suffix[1:]}.db"
    db.unlink(missing_ok=True)
    store = Store.create(db)
    start = time.perf_counter()
    [result] = import_paths(
        store, [Path(path)], ImportOptions(kind=SourceKind.DATABASE, source_name="Bench")
    )
    seconds = time.perf_counter() - start
    store.close()
    return {"seconds": seconds, "records": result.source.record_count}


def task_rispy(path: str, workdir: str) -> dict[str, float]:
    import rispy

    start = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        entries = rispy.load(handle)
    return {"seconds": time.perf_counter() - start, "records": len(entries)}


def task_rispy_executemany(path: str, workdir: str) -> dict[str, float]:
    import sqlite3

    import rispy

    db = Path(workdir) / "bare.db"
    db.unlink(missing_ok=True)
    start = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        entries = rispy.load(handle)
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE r (title, abstract, authors, year, doi, journal)")
    conn.executemany(
        "INSERT INTO r VALUES (?, ?, ?, ?, ?, ?)",
        (
            (
                e.get("title") or e.get("primary_title"),
                e.get("abstract"),
                json.dumps(e.get("authors") or e.get("first_authors") or []),
                e.get("year"),
                e.get("doi"),
                e.get("secondary_title"),
            )
            for e in entries
        ),
    )
    conn.commit()
    conn.close()
    return {"seconds": time.perf_counter() - start, "records": len(entries)}


def task_csv_reader(path: str, workdir: str) -> dict[str, float]:
    csv.field_size_limit(sys.maxsize)
    start = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {"seconds": time.perf_counter() - start, "records": len(rows)}


TASKS = {
    "review_import": task_review_import,
    "rispy": task_rispy,
    "rispy_executemany": task_rispy_executemany,
    "csv_reader": task_csv_reader,
}


def best_of(repeat: int, task: str, path: Path, workdir: Path) -> dict[str, float]:
    """The fastest of `repeat` runs (the machine's noise only ever adds time)."""
    runs = [run_child(task, path, workdir) for _ in range(repeat)]
    return min(runs, key=lambda r: r["seconds"])


def run_child(task: str, path: Path, workdir: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path), str(workdir)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        raise SystemExit(f"{task} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per measurement; the fastest is reported"
    )
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, path, workdir = args.child
        result = TASKS[task](path, workdir)
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="review-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    ris, table = workdir / "bench.ris", workdir / "bench.csv"
    t0 = time.perf_counter()
    if not ris.exists():
        build_ris(ris, args.records)
    if not table.exists():
        build_csv(table, args.records)
    print(
        f"built inputs in {time.perf_counter() - t0:.1f} s: {ris} ({ris.stat().st_size >> 20} MB), "
        f"{table} ({table.stat().st_size >> 20} MB)"
    )
    rows = [
        ("RIS", "review import", best_of(args.repeat, "review_import", ris, workdir)),
        ("RIS", "rispy alone (parse)", best_of(args.repeat, "rispy", ris, workdir)),
        (
            "RIS",
            "rispy + bare executemany",
            best_of(args.repeat, "rispy_executemany", ris, workdir),
        ),
        ("CSV", "review import", best_of(args.repeat, "review_import", table, workdir)),
        ("CSV", "csv.DictReader alone", best_of(args.repeat, "csv_reader", table, workdir)),
    ]
    print(
        f"\n{'input':5} {'what':28} {'records':>8} {'seconds':>8} {'records/s':>10} {'peak MB':>8}"
    )
    for kind, what, r in rows:
        rate = r["records"] / r["seconds"] if r["seconds"] else float("inf")
        print(
            f"{kind:5} {what:28} {int(r['records']):>8} {r['seconds']:>8.2f} "
            f"{rate:>10,.0f} {r['peak_mb']:>8.0f}"
        )
    ratio = rows[0][2]["seconds"] / rows[1][2]["seconds"]
    print(
        f"\nreview import / rispy alone on RIS: {ratio:.2f}x (target < 2x); "
        f"peak {rows[0][2]['peak_mb']:.0f} MB (target < 1024 MB)"
    )


if __name__ == "__main__":
    main()
