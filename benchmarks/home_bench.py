"""The home screen at living-review size: start to first frame, counts, and idle CPU.

Builds a review of N records (default 100,000; the screening benchmark's
builder: real Scopus titles and abstracts, identifiers varied) under the
sample protocol, then, each run in its own process (headless, 120×40):

- first frame: from launching `python` to the first composed frame of the
  home (interpreter, imports, opening the file, first render), cold and
  warm — the counts come later from a worker and must not delay it; also
  the CPU time the process had used by then, which a busy machine does not
  inflate;
- counts: from launching to the frame that shows the counted stages;
- idle CPU: CPU seconds (`time.process_time`, every thread) the app uses
  over 10 s sitting on the home after its counts are in; and the same for
  `review FILE` itself run in a pseudo-terminal (its input thread included),
  read from /proc.

The venv that runs the benchmarks also holds bib-dedupe (the dedup
benchmark's peer), which brings pandas, and sqlite-utils imports pandas and
numpy whenever it can: a third run hides pandas, as in a user's install
(numpy stays: scikit-learn, for prioritised screening, needs it).

Targets (issue #14): first frame under 1.0 s warm; idle CPU under 0.2 s per 10 s.

    python benchmarks/home_bench.py [--records 100000] [--idle 10] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

DRIVER = """
import asyncio, json, sys, time
if sys.argv[4] == "bare":  # as a user's install: pandas is no dependency of review
    sys.modules["pandas"] = None  # (numpy is: scikit-learn needs it)
from pathlib import Path
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.home import HomeScreen

started = float(sys.argv[2])
idle = float(sys.argv[3])
marks = {}

async def drive(pilot):
    app = pilot.app
    while not (isinstance(app.screen, HomeScreen) and app.screen.report is not None):
        await asyncio.sleep(0.01)
    await pilot.pause()
    marks.setdefault("counts", time.time() - started)
    await app.workers.wait_for_complete()
    await asyncio.sleep(0.5)  # let the last frame go out before measuring
    cpu = time.process_time()
    await asyncio.sleep(idle)
    marks["idle_cpu"] = time.process_time() - cpu
    print(json.dumps(marks), flush=True)
    app.exit()

app = ReviewApp(Store.open(Path(sys.argv[1])))
display = app._display
def timed_display(screen, renderable):
    if renderable is not None and isinstance(screen, HomeScreen):
        marks.setdefault("first_frame", time.time() - started)
        marks.setdefault("first_frame_cpu", time.process_time())
        if screen.report is not None:
            marks.setdefault("counts_frame", time.time() - started)
    return display(screen, renderable)
app._display = timed_display
app.run(headless=True, size=(120, 40), auto_pilot=drive)
"""


def run_app(path: Path, idle: float, pandas: bool = True) -> dict[str, float]:
    started = time.time()
    flag = "full" if pandas else "bare"
    out = subprocess.run(
        [sys.executable, "-c", DRIVER, str(path), repr(started), str(idle), flag],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr[-3000:])
    return json.loads(out.stdout.strip().splitlines()[-1])  # type: ignore[no-any-return]


def idle_in_a_terminal(path: Path, settle: float, idle: float) -> float:
    """CPU seconds the real app (`review FILE`) uses while idle in a pseudo-terminal.

    Headless runs have no input thread; this one reads a terminal as a user's
    does. The terminal's output is drained so the app never blocks on a full
    buffer (which would look like idling). Waits `settle` seconds for the
    counts first, then reads the process's CPU ticks before and after `idle`.
    """
    import os
    import pty
    import threading

    master, slave = pty.openpty()
    os.set_blocking(master, True)
    env = {**os.environ, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "review", str(path)],
        stdin=slave, stdout=slave, stderr=slave, cwd=ROOT, env=env, close_fds=True,
    )  # fmt: skip
    os.close(slave)

    def drain() -> None:
        try:
            while os.read(master, 65536):
                pass
        except OSError:
            pass

    threading.Thread(target=drain, daemon=True).start()
    ticks = os.sysconf("SC_CLK_TCK")

    def cpu() -> float:
        fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / ticks  # utime + stime

    try:
        time.sleep(settle)
        if proc.poll() is not None:
            raise SystemExit(f"the app exited early with {proc.returncode}")
        before = cpu()
        time.sleep(idle)
        return cpu() - before
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        os.close(master)


def main() -> None:
    from screening_bench import build_review

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--idle", type=float, default=10.0, help="Seconds of idling measured.")
    parser.add_argument("--keep", type=Path, help="Build (or reuse) the review file here.")
    parser.add_argument(
        "--settle", type=float, default=15.0, help="Seconds before idling is measured (terminal)."
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        if not path.exists():
            t0 = time.perf_counter()
            build_review(path, args.records)
            print(f"built {args.records:,} records in {time.perf_counter() - t0:.1f} s")
        cold = run_app(path, 0)
        warm = run_app(path, args.idle)
        bare = run_app(path, 0, pandas=False)
        terminal = idle_in_a_terminal(path, args.settle, args.idle)

    print(f"records: {args.records:,}")
    print(
        f"start to first frame of the home: cold {cold['first_frame']:.2f} s, "
        f"warm {warm['first_frame']:.2f} s   (target < 1.0 s warm); CPU used by then: "
        f"cold {cold['first_frame_cpu']:.2f} s, warm {warm['first_frame_cpu']:.2f} s"
    )
    print(
        f"  without pandas, as a user's install (sqlite-utils imports it when present; only "
        f"the benchmarks' bib-dedupe brings it): warm {bare['first_frame']:.2f} s, "
        f"CPU {bare['first_frame_cpu']:.2f} s"
    )
    print(
        f"start to counts shown: cold {cold.get('counts_frame', cold['counts']):.2f} s, "
        f"warm {warm.get('counts_frame', warm['counts']):.2f} s   (in a worker; no target)"
    )
    print(
        f"idle CPU on the home: headless {warm['idle_cpu']:.3f} s, in a terminal "
        f"{terminal:.3f} s, over {args.idle:g} s   (target < 0.2 s per 10 s)"
    )


if __name__ == "__main__":
    main()
