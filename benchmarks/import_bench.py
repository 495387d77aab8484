"""Import speed and peak memory on realistic large exports, next to rispy alone.

Builds RIS files of 80,000 (and with `--million` 1,000,000) records by
repeating *real* records of eleven vendors' exports (Scopus, Web of Science,
Embase, CINAHL, PsycINFO via Ovid, EndNote, Zotero, Mendeley, Cochrane…:
long abstracts, dozens of authors and keywords, vendor tags), each copy with
its own DOI, accession number and title so that none is a duplicate. Then,
in one run, each in its own process so peak memory is its own:

- rispy's bare parse of the file (`rispy.load`; the reference parser),
- `review import` end to end: the command line in a fresh process, from
  start to exit (sniff, decode, parse with checks, identify, stage into
  SQLite with the search index, publish), its wall time, CPU time
  (user+sys, its parsing process's included: a busy machine stretches the
  wall time, hardly the CPU time) and peak RSS (its parsing process's
  added; the pages they share counted twice).

With `--csv`, also a Scopus CSV of the same size: `review import` next to
`csv.DictReader` alone. The load average is printed beside the numbers: the
machine may be shared, and a ratio is only fair when both ran under it.

Target (issue 13): review import within 2x of rispy alone, peak < 200 MB.

    python benchmarks/import_bench.py [--records 80000] [--million] [--csv]
        [--repeat N] [--keep DIR]

Inputs come from `../shared/corpora` beside the clone, else from the copies
under `tests/fixtures/` (both found from this file, not the working folder).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
FIXTURES = ROOT / "tests" / "fixtures"
_RIS_NAMES = [
    *(f"_baseline_{vendor}.ris" for vendor in ("scopus", "webofscience", "embase", "cinahl")),
    *(f"_baseline_{vendor}.ris" for vendor in ("psychInfo_ovid", "cochrane_endnote", "endnote")),
    *(f"_baseline_{vendor}.ris" for vendor in ("zotero", "mendeley")),
    "_baseline.ris",
]
_ASYSD_NAMES = ("scopus.ris", "wos_test.ris", "ris_export.txt")
# Each input: its path in ../shared/corpora, then its copy in tests/fixtures.
RIS_SOURCES = [
    *((f"citation-file-formatting/RIS/{name}", f"ris/citation-file-formatting/{name}")
      for name in _RIS_NAMES),
    *((f"asysd/{name}", f"ris/asysd/{name}") for name in _ASYSD_NAMES),
]  # fmt: skip
CSV_SOURCE = (
    "citation-file-formatting/CSV/_baseline_scopus.csv",
    "tabular/_baseline_scopus_first4.csv",
)
_END = re.compile(r"(?m)^ER\s+-.*$")
_DOI = re.compile(r"(?m)^DO  - .*$")
_ACCESSION = re.compile(r"(?m)^AN  - .*$")
_TITLE = re.compile(r"(?m)^(TI|T1)  - (.*)$")


def find_input(source: tuple[str, str]) -> Path:
    """The corpus file, else its copy in the repository's fixtures."""
    corpus, fixture = source
    for candidate in (CORPORA / corpus, FIXTURES / fixture):
        if candidate.is_file():
            return candidate
    raise SystemExit(
        f"benchmark input not found: {corpus} (looked in {CORPORA} and {FIXTURES / fixture})"
    )


def real_records() -> list[str]:
    """Every record of the RIS sources, line endings made LF (rispy cannot
    see a tag after a bare CR, and the baseline must read the same file)."""
    records: list[str] = []
    for source in RIS_SOURCES:
        text = find_input(source).read_text(encoding="utf-8-sig")
        text = text.replace("\r\n", "\n").replace("\r", "\n")
        records += [part.strip("\n") for part in _END.split(text) if "TY  -" in part]
    return records


def build_ris(target: Path, n: int) -> None:
    """`n` records cycling through the real ones, each copy with its own DOI,
    accession number and title (so none is a duplicate of another)."""
    records = real_records()
    with target.open("w", encoding="utf-8") as out:
        for i in range(n):
            body = records[i % len(records)]
            body = _DOI.sub(f"DO  - 10.99999/bench.{i}", body)
            body = _TITLE.sub(rf"\1  - \2 (copy {i})", body, count=1)
            if _ACCESSION.search(body):
                body = _ACCESSION.sub(f"AN  - BENCH{i}", body, count=1)
            else:
                body += f"\nAN  - BENCH{i}"
            out.write(f"{body.lstrip()}\nER  - \n\n")


def build_csv(target: Path, n: int) -> None:
    with find_input(CSV_SOURCE).open(encoding="utf-8-sig", newline="") as handle:
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


# -- measured tasks ---------------------------------------------------------------


def task_rispy(path: str) -> dict[str, float]:
    import rispy

    start = time.perf_counter()
    with open(path, encoding="utf-8") as handle:
        entries = rispy.load(handle)
    return {"seconds": time.perf_counter() - start, "records": len(entries)}


def task_csv_reader(path: str) -> dict[str, float]:
    csv.field_size_limit(sys.maxsize)
    start = time.perf_counter()
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {"seconds": time.perf_counter() - start, "records": len(rows)}


def task_new_review(path: str) -> dict[str, float]:
    from review.store import Store

    for suffix in ("", "-wal", "-shm"):
        Path(path + suffix).unlink(missing_ok=True)
    Store.create(Path(path)).close()
    return {"seconds": 0.0, "records": 0}


TASKS = {"rispy": task_rispy, "csv_reader": task_csv_reader, "new_review": task_new_review}


def run_child(task: str, path: Path) -> dict[str, float]:
    """A task in its own process: its own timing, and its peak RSS."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", task, str(path)],
        capture_output=True,
        text=True,
        check=False,
        env=_env(),
    )
    if out.returncode != 0:
        raise SystemExit(f"{task} failed:\n{out.stderr}")
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def review_import(path: Path, workdir: Path) -> dict[str, float]:
    """`review import` end to end in a fresh process: wall time and peak RSS."""
    db = workdir / f"bench-{path.stem}.db"
    run_child("new_review", db)
    command = [sys.executable, "-m", "review", "import", str(db), str(path)]
    command += ["--kind", "database", "--source", "Bench"]
    start = time.perf_counter()
    child = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env()
    )
    peak = _TreeMemory(child.pid)
    _, _, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    peak.stop()
    stdout, stderr = child.stdout.read(), child.stderr.read()  # type: ignore[union-attr]
    if not re.search(r"Imported [\d,]+ records?", stdout):
        raise SystemExit(f"review import failed:\n{stdout}\n{stderr}")
    records, inside = re.findall(
        r"Imported ([\d,]+) records? from [\d,]+ files? in ([\d.]+) s", stdout
    )[-1]
    return {
        "seconds": seconds,
        "records": int(records.replace(",", "")),
        # Its parser process's memory too: their RSS summed (pages the fork
        # shares counted twice), never below the larger one's own peak.
        "peak_mb": max(usage.ru_maxrss / 1024, peak.mb),
        "cpu": usage.ru_utime + usage.ru_stime,  # the parser process's included
        "inside": float(inside),
    }


class _TreeMemory:
    """Peak summed RSS of a process and its children, sampled every 20 ms
    (Linux /proc; elsewhere 0, and the process's own peak is reported)."""

    def __init__(self, pid: int) -> None:
        self.mb = 0.0
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._watch, args=(pid,), daemon=True)
        self._thread.start()

    def _watch(self, pid: int) -> None:
        while not self._done.wait(0.02):
            try:
                children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
                total = sum(_rss_kb(p) for p in [str(pid), *children])
            except OSError:
                continue
            self.mb = max(self.mb, total / 1024)

    def stop(self) -> None:
        self._done.set()
        self._thread.join()


def _rss_kb(pid: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _env() -> dict[str, str]:
    """This clone's code first, wherever the benchmark is run from."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{ROOT}{os.pathsep}{path}" if path else str(ROOT)}


def best_of(repeat: int, measure: object) -> dict[str, float]:
    """The fastest of `repeat` runs (the machine's noise only ever adds time)."""
    runs = [measure() for _ in range(repeat)]  # type: ignore[operator]
    return min(runs, key=lambda r: r["seconds"])


def load() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def compare(label: str, path: Path, baseline: str, workdir: Path, repeat: int) -> None:
    mb = path.stat().st_size / 2**20
    print(f"\n{label}: {path.name} ({mb:,.0f} MB)   [{load()}]")
    base = best_of(repeat, lambda: run_child(baseline, path))
    ours = best_of(repeat, lambda: review_import(path, workdir))
    print(
        f"  {'what':34} {'records':>9} {'seconds':>8} {'CPU s':>7} {'records/s':>10} {'peak MB':>8}"
    )
    for what, r in ((f"{baseline} alone (parse)", base), ("review import (end to end)", ours)):
        rate = r["records"] / r["seconds"] if r["seconds"] else float("inf")
        print(
            f"  {what:34} {int(r['records']):>9,} {r['seconds']:>8.2f} {r['cpu']:>7.2f} "
            f"{rate:>10,.0f} {r['peak_mb']:>8.0f}"
        )
    print(
        f"  {'  of which parse + stage (its report)':34} {'':>9} {ours['inside']:>8.2f}"
        f"   (the rest: starting Python and the command, hashing, publishing)"
    )
    if base["records"] != ours["records"]:
        print(f"  RECORD COUNTS DIFFER: {base['records']:.0f} against {ours['records']:.0f}")
    print(
        f"  review import / {baseline}: {ours['seconds'] / base['seconds']:.2f}x (target < 2x), "
        f"parse + stage alone {ours['inside'] / base['seconds']:.2f}x; "
        f"CPU (user+sys) {ours['cpu'] / base['cpu']:.2f}x; "
        f"peak {ours['peak_mb']:.0f} MB (target < 200 MB)   [{load()}]"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--records", type=int, default=80_000)
    parser.add_argument("--million", action="store_true", help="also 1,000,000 records")
    parser.add_argument("--csv", action="store_true", help="also a Scopus CSV of --records rows")
    parser.add_argument("--keep", type=Path, help="build the inputs here and keep them")
    parser.add_argument(
        "--repeat", type=int, default=1, help="runs per measurement; the fastest is reported"
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        task, path = args.child
        cpu = time.process_time()
        result = TASKS[task](path)
        result["cpu"] = time.process_time() - cpu
        result["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(result))
        return

    workdir = args.keep or Path(tempfile.mkdtemp(prefix="review-bench-"))
    workdir.mkdir(parents=True, exist_ok=True)
    sizes = [args.records, 1_000_000] if args.million else [args.records]
    for n in sizes:
        ris = workdir / f"bench-{n}.ris"
        if not ris.exists():
            t0 = time.perf_counter()
            build_ris(ris, n)
            print(f"built {ris} in {time.perf_counter() - t0:.1f} s")
        compare(f"RIS, {n:,} records", ris, "rispy", workdir, args.repeat)
    if args.csv:
        table = workdir / f"bench-{args.records}.csv"
        if not table.exists():
            build_csv(table, args.records)
        compare(f"Scopus CSV, {args.records:,} rows", table, "csv_reader", workdir, args.repeat)


if __name__ == "__main__":
    main()
