"""Deduplication at scale: wall time, peak memory and progress, each case in its own process.

Cases (`--cases`, default all but the 1M ones):

- `pipeline:synthetic:80000` — `find_duplicates` in memory on `dedup_bench`'s
  synthetic set; peak RSS counted from when the input is built (the generator's
  own rows are dropped first), the process's whole peak beside it.
- `pipeline:synthetic:1000000`, `pipeline:crowded:1000000` — the same at 1M,
  and on a set where a third of the records come in families sharing a title
  (`dedup_scale_rows.crowded_rows`), the case that blows blocking up.
- `cli:synthetic:80000`, `cli:crowded:200000` — what a user runs: `review init`,
  `review import` of the set written as RIS, then `review dedupe` (run through
  `dedupe_review` in its own process, the command's code path, so the progress
  calls can be timed): each step's wall time and peak RSS.

`gap` is the longest time the progress callback stayed silent: a bar that
freezes for a minute looks like a hang. `cpu_seconds` is the process's own
CPU time: on a shared machine it says more than the wall time. Target (issue 12): 80k < 30 s and
< 1 GB; 1M < 10 min and < 4 GB.

    python benchmarks/dedup_scale_bench.py [--cases pipeline:synthetic:80000 …]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_scale_rows import rows_for, write_ris
from dedup_sets import to_records

DEFAULT = ("pipeline:synthetic:80000", "pipeline:crowded:200000", "cli:synthetic:80000")
BIG = ("pipeline:synthetic:1000000", "pipeline:crowded:1000000")
REVIEW = [sys.executable, "-m", "review"]
PROTOCOL = Path(__file__).resolve().parent.parent / "protocols" / "rt-io-head-neck.yaml"


class Clock:
    """A progress callback that notes each phase's start and the longest silence."""

    def __init__(self) -> None:
        self.start = self.last = time.perf_counter()
        self.gap = 0.0
        self.gap_phase = ""
        self.phases: dict[str, float] = {}
        self.phase = ""

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.perf_counter()
        if now - self.last > self.gap:
            self.gap, self.gap_phase = now - self.last, self.phase
        self.last = now
        if phase != self.phase:
            self.phase = phase
            self.phases[phase] = round(now - self.start, 1)

    def finish(self) -> dict[str, Any]:
        self(self.phase, 0, 0)
        return {"gap": round(self.gap, 1), "gap_phase": self.gap_phase, "phases": self.phases}


def peak_mb() -> float:
    """This process's peak RSS since `reset_peak` (VmHWM), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def reset_peak() -> None:
    Path("/proc/self/clear_refs").write_text("5")


def child_pipeline(kind: str, n: int) -> dict[str, Any]:
    from review.dedup import find_duplicates

    rows, truth = rows_for(kind, n)
    whole_before = peak_mb()
    records = to_records(rows)
    del rows, truth
    gc.collect()
    reset_peak()
    clock = Clock()
    start, cpu = time.perf_counter(), time.process_time()
    result = find_duplicates(records, progress=clock)
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "peak_mb": round(peak_mb()),
        "process_peak_mb": round(max(whole_before, peak_mb())),
        "compared": result.compared,
        "groups": len(result.groups),
        "grouped": sum(len(g.members) for g in result.groups),
        "queued": len(result.queue),
        **clock.finish(),
    }


def child_dedupe(path: str) -> dict[str, Any]:
    from review.dedup.run import dedupe_review
    from review.review_file import open_review

    clock = Clock()
    start, cpu = time.perf_counter(), time.process_time()
    with open_review(Path(path)) as store:
        run = dedupe_review(store, progress=clock)
    return {
        "seconds": round(time.perf_counter() - start, 1),
        "cpu_seconds": round(time.process_time() - cpu, 1),
        "peak_mb": round(peak_mb()),
        "compared": run.compared,
        "groups": run.groups,
        "grouped": run.merged,
        "queued": run.queued,
        **clock.finish(),
    }


def run_cli(kind: str, n: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as folder:
        ris, db = Path(folder) / f"{kind}.ris", Path(folder) / "scale.db"
        rows, _ = rows_for(kind, n)
        write_ris(rows, ris)
        del rows
        subprocess.run([*REVIEW, "init", str(db), "--protocol", str(PROTOCOL)], check=True,
                       capture_output=True)  # fmt: skip
        seconds, peak, cpu, _ = _timed_child(
            [*REVIEW, "import", str(db), str(ris), "--kind", "database", "--source", "Bench"]
        )
        dedupe = _child(["--child-dedupe", str(db)])
    return {
        "import_seconds": round(seconds, 1),
        "import_cpu_seconds": round(cpu, 1),
        "import_peak_mb": round(peak),
        **dedupe,
    }


def _timed_child(command: list[str]) -> tuple[float, float, float, str]:
    """Wall time, the child's own peak RSS and CPU time (from `wait4`), its output."""
    start = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    out = proc.stdout.read().decode() if proc.stdout else ""
    err = proc.stderr.read().decode() if proc.stderr else ""
    if os.waitstatus_to_exitcode(status):
        raise SystemExit(f"{' '.join(command[:6])} … failed:\n{err[-2000:]}")
    return seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime, out


def _child(args: list[str]) -> dict[str, Any]:
    *_, out = _timed_child([sys.executable, __file__, *args])
    return dict(json.loads(out.strip().splitlines()[-1]))


def run_case(case: str) -> dict[str, Any]:
    mode, kind, count = case.split(":")
    if mode == "cli":
        return run_cli(kind, int(count))
    return _child(["--child-pipeline", kind, count])


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--cases", nargs="*", default=list(DEFAULT), help=f"also: {' '.join(BIG)}")
    parser.add_argument("--child-pipeline", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-dedupe", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_pipeline:
        kind, count = args.child_pipeline
        print(json.dumps(child_pipeline(kind, int(count))))
        return
    if args.child_dedupe:
        print(json.dumps(child_dedupe(args.child_dedupe)))
        return
    for case in args.cases:
        load = os.getloadavg()[0]
        result = run_case(case)
        result["load"] = f"{load:.1f}-{os.getloadavg()[0]:.1f}"
        print(f"{case:28} {json.dumps(result)}", flush=True)


if __name__ == "__main__":
    main()
