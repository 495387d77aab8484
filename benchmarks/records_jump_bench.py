"""The records browser's End and Home at living-review size.

Builds a review of N records (default 100,000; the screening benchmark's
builder) unless `--keep FILE` already holds one, opens the records browser
headless (120×40) and times, key by key, End (to the last record) and Home
(to the first), alternately, until the table's cursor is on that record and
the screen has drawn it, and one Down after Home for scale (a key that loads
nothing); then the same inside a search matching most records. Prints the
median and the slowest, in milliseconds.

    python benchmarks/records_jump_bench.py [--records 100000] [--rounds 20] [--keep FILE]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from screening_bench import build_review  # noqa: E402

from review.store import Store  # noqa: E402
from review.tui.app import ReviewApp  # noqa: E402
from review.tui.widgets.record_table import RecordTable  # noqa: E402


async def time_jumps(path: Path, rounds: int, search: str) -> dict[str, list[float]]:
    """Milliseconds per End, Home and Down, over `rounds` of each."""
    with Store.open(path) as store:
        term = search or None
        first = store.records.record_rows(search=term, limit=1)[0].id
        last = store.records.record_rows(search=term, limit=1, from_end=True)[0].id
        second = store.records.record_rows(search=term, limit=2)[-1].id
        app = ReviewApp(store, action="app.records")
        times: dict[str, list[float]] = {"end": [], "home": [], "down": []}
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            table = app.screen.query_one("#records", RecordTable)
            if search:
                await pilot.press("slash", *search)
                await app.workers.wait_for_complete()
                await pilot.pause()
                table.focus()
            for _ in range(rounds):
                for key, wanted in (("end", last), ("home", first), ("down", second)):
                    t0 = time.perf_counter()
                    await pilot.press(key)
                    while table.highlighted_id != wanted:
                        await asyncio.sleep(0)
                    await pilot.pause()  # the frame that shows it
                    times[key].append(1000 * (time.perf_counter() - t0))
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="Build (or reuse) the review file here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "bench.db"
        if not path.exists():
            t0 = time.perf_counter()
            build_review(path, args.records)
            print(f"built {args.records:,} records in {time.perf_counter() - t0:.1f} s")
        with Store.open(path) as store:
            count = store.records.record_count()
        print(f"records: {count:,}; rounds: {args.rounds}")
        for label, search in (("all records", ""), ("search 'dinosaurs'", "dinosaurs")):
            times = asyncio.run(time_jumps(path, args.rounds, search))
            for key, ms in times.items():
                print(
                    f"{label:>16} {key:>4}: median {statistics.median(ms):6.1f} ms, "
                    f"slowest {max(ms):6.1f} ms"
                )


if __name__ == "__main__":
    main()
