"""Screening latency at living-review size: key press to next record, and start-up.

Builds a review of N records (default 100,000; titles and abstracts taken
from real Scopus records, identifiers varied) under the sample protocol,
then, each in its own process:

- start: from launching `python` to the first record drawn on the
  screening screen (interpreter, imports, opening the file, replaying every
  decision, first render), cold and warm;
- decisions: the app driven by key events (include, maybe, exclude + a
  reason key), timing each decision from posting its last key to the first
  composed frame after the next record was drawn (headless: the frame is
  composed but not written to a terminal), over 500 decisions.

Targets (issue #4): p95 under 50 ms; start under 1.5 s.

`--prioritise` presses `p` first (issue #15): the queue is then ranked by
the reviewer's model, retrained in a worker process as decisions come in,
and the same key-to-frame times are measured while it retrains; the number
of retrains that finished during the run is printed. On a shared machine the
wall times say mostly how busy the other cores were, so the UI thread's own
CPU time per key (`time.thread_time`) and the load average are printed too.

    python benchmarks/screening_bench.py [--records 100000] [--decisions 500] [--keep FILE]
        [--prioritise]
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCOPUS = ROOT / "tests" / "fixtures" / "ris" / "citation-file-formatting" / "_baseline_scopus.ris"
PROTOCOL = ROOT / "protocols" / "rt-io-head-neck.yaml"

DRIVER = """
import asyncio, json, sys, time
from pathlib import Path
from textual import events
from review.models import Stage
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.reason_picker import ReasonPicker
from review.tui.screens.screening import ScreeningScreen

started = float(sys.argv[3])
decisions = int(sys.argv[4])
prioritise = sys.argv[5] == "1"
frames = []  # when each composed frame went to the driver
cpu = []  # the UI thread's own CPU time per key (not counting waits for a core)

async def key_until_frame(app, screen, key):
    # Post the key as a terminal would; return seconds until the frame showing
    # the next record was composed.
    shown = []
    show_current = screen.show_current
    screen.show_current = lambda: (show_current(), shown.append(time.perf_counter()))
    t0, c0 = time.perf_counter(), time.thread_time()
    app.post_message(events.Key(key, key))
    while not (shown and frames and frames[-1] > shown[-1]):
        await asyncio.sleep(0)
    del screen.show_current
    cpu.append(time.thread_time() - c0)
    return next(f for f in frames if f > shown[-1]) - t0

async def drive(pilot):
    app = pilot.app
    display = app._display
    def timed_display(screen, renderable):
        if renderable is not None:
            frames.append(time.perf_counter())
        return display(screen, renderable)
    app._display = timed_display
    while not isinstance(app.screen, ScreeningScreen):
        await pilot.pause(0.001)
    await pilot.pause()
    first = time.time() - started
    screen = app.screen
    if prioritise:
        await pilot.press("p")
        await pilot.pause()
    times = []
    for n in range(decisions):
        shown = screen.session.current
        if n % 3 == 2:
            await pilot.press("e")
            while not isinstance(app.screen, ReasonPicker):
                await pilot.pause()
            await pilot.pause()
            times.append(await key_until_frame(app, screen, "1"))
        else:
            times.append(await key_until_frame(app, screen, "i" if n % 3 == 0 else "m"))
        assert screen.session.current != shown
        await pilot.pause()
    p = getattr(screen, "_prioritiser", None)
    trained = p.ranking.decisions if p is not None and p.ranking is not None else None
    retrains = p.retrains if p is not None else 0
    print(json.dumps({"first_record": first, "times": times, "trained_on": trained,
                      "retrains": retrains, "cpu": cpu}), flush=True)
    app.exit()

app = ReviewApp(Store.open(Path(sys.argv[1])), reviewer=sys.argv[2], screening=Stage.TITLE_ABSTRACT)
app.run(headless=True, size=(120, 40), auto_pilot=drive)
"""


def build_review(path: Path, n: int) -> None:
    """N records cycled from real Scopus ones, each with its own DOI and title."""
    from review.importers import read_document
    from review.models import SourceKind
    from review.review_file import create_review
    from review.store import KeyedRecord, NewSource

    document, fmt = read_document(SCOPUS)
    drafts = list(fmt.parse(document))

    def records() -> object:
        for i in range(n):
            draft = copy.copy(drafts[i % len(drafts)])
            draft.title = f"{draft.title} (copy {i})"
            yield KeyedRecord(f"doi:10.99999/bench.{i}", f"bench:{i}", draft)

    with create_review(path, PROTOCOL) as store:
        store.imports.add(
            NewSource(
                file_name="bench.ris",
                file_path=str(SCOPUS),
                file_hash="bench",
                file_size=0,
                format="ris",
                encoding="utf-8",
                kind=SourceKind.DATABASE,
                method=None,
                name="Scopus",
                search_date=None,
                imported_by=None,
            ),
            records(),  # type: ignore[arg-type]
        )


def run_app(
    path: Path, reviewer: str, decisions: int, prioritise: bool = False
) -> dict[str, object]:
    started = time.time()
    flag = "1" if prioritise else "0"
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(path), reviewer, repr(started), str(decisions), flag],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--decisions", type=int, default=500)
    parser.add_argument("--keep", type=Path, help="Build (or reuse) the review file here.")
    parser.add_argument("--prioritise", action="store_true", help="Press p first (issue #15).")
    args = parser.parse_args()

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        if not path.exists():
            t0 = time.perf_counter()
            build_review(path, args.records)
            print(f"built {args.records:,} records in {time.perf_counter() - t0:.1f} s")
        start_cold = run_app(path, "start-only", 0)["first_record"]
        start_warm = run_app(path, "start-only", 0)["first_record"]
        result = run_app(path, "bench", args.decisions, args.prioritise)
        times = sorted(1000 * t for t in result["times"])  # type: ignore[attr-defined]
        after = run_app(path, "start-only", 0)["first_record"]

    raw = [1000 * t for t in result["times"]]  # type: ignore[attr-defined]
    single = sorted(t for n, t in enumerate(raw) if n % 3 != 2)
    reasoned = sorted(t for n, t in enumerate(raw) if n % 3 == 2)
    p95 = times[int(0.95 * (len(times) - 1))]
    print(f"records: {args.records:,}; decisions timed: {len(times)}")
    if args.prioritise:
        print(
            f"prioritised: {result['retrains']} models applied during the run, the last "
            f"learned from {result['trained_on']} decisions"
        )
    print(
        f"start to first record: cold {start_cold:.2f} s, warm {start_warm:.2f} s, "
        f"with {len(times):,} decisions stored {after:.2f} s   (target < 1.5 s)"
    )
    print(
        f"key to next record: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"max {times[-1]:.1f} ms   (target p95 < 50 ms)"
    )
    if result.get("cpu"):
        cpu = [1000 * t for t in result["cpu"]]  # type: ignore[attr-defined]
        slowest = max(range(len(raw)), key=raw.__getitem__)
        ordered = sorted(cpu)
        print(
            f"  UI-thread CPU per key: median {statistics.median(ordered):.1f} ms, p95 "
            f"{ordered[int(0.95 * (len(ordered) - 1))]:.1f} ms; the slowest key "
            f"({raw[slowest]:.0f} ms) used {cpu[slowest]:.1f} ms of it"
        )
    print(f"  load average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, part in (("include/maybe (one key)", single), ("exclude (reason key)", reasoned)):
        if part:
            middle, high = statistics.median(part), part[int(0.95 * (len(part) - 1))]
            print(f"  {name}: median {middle:.1f} ms, p95 {high:.1f} ms")


if __name__ == "__main__":
    main()
