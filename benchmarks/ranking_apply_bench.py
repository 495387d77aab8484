"""What a new ranking costs the UI thread, at 10,000 and 100,000 records.

`screening_bench.py --prioritise` measures key → next record while the
worker retrains, but on a shared machine its numbers mostly say how busy the
other cores were. This measures the UI thread's own share, in CPU time of
that thread (`time.thread_time`, which does not count time spent waiting for
a core) next to wall time:

- `p`: turning prioritisation on (the seeded warm-up order is made on the UI
  thread, so the first record shown is already its first);
- unpickle: reading a retrain's answer off the worker's pipe (done by the
  executor's thread in the UI's process, holding Python's lock);
- take: the screen's handler for the answer (`priority_take`: swap the order
  in, redraw the relevance line);
- next key: the first include after a new ranking until the next record's
  frame is composed (it starts from the top of the new order).

Rankings are made here with random scores by the worker's own function
(`make_ranking`), so no model is trained and the timings do not depend on one.

    python benchmarks/ranking_apply_bench.py [--records 10000 100000] [--rounds 30]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import pickle
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def timed(samples: dict[str, list[tuple[float, float]]], name: str, call: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.thread_time()
    result = call()
    samples.setdefault(name, []).append(
        (1000 * (time.perf_counter() - wall), 1000 * (time.thread_time() - cpu))
    )
    return result


async def measure(path: Path, rounds: int) -> dict[str, list[tuple[float, float]]]:
    from textual import events

    from review.models import Stage
    from review.screening.ranker import make_ranking
    from review.store import Store
    from review.tui.app import ReviewApp
    from review.tui.screens.screening import ScreeningScreen

    samples: dict[str, list[tuple[float, float]]] = {}
    app = ReviewApp(Store.open(path), reviewer="bench", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        screen._retrain = lambda prioritiser: None  # type: ignore[method-assign]  # no worker
        timed(samples, "p (warm-up order)", screen.action_toggle_prioritise)
        await pilot.pause()
        prioritiser = screen._prioritiser
        assert prioritiser is not None
        units = len(screen.session.state.units)
        frames: list[float] = []
        display = app._display

        def timed_display(target: Any, renderable: Any) -> Any:
            if renderable is not None:
                frames.append(time.perf_counter())
            return display(target, renderable)

        app._display = timed_display  # type: ignore[method-assign,assignment]
        rng = random.Random(1)
        for n in range(rounds):
            scores = [rng.random() for _ in range(units)]
            ranking = make_ranking(units, dict(prioritiser.labels), scores, 0, time.perf_counter())
            blob = pickle.dumps(ranking)
            answer = timed(samples, "unpickle the answer", partial(pickle.loads, blob))
            timed(samples, "take (handler)", partial(screen.priority_take, prioritiser, answer))
            await pilot.pause()
            shown: list[float] = []
            show = screen.show_current

            def spy(show: Callable[[], None] = show, shown: list[float] = shown) -> None:
                show()
                shown.append(time.perf_counter())

            screen.show_current = spy  # type: ignore[method-assign]
            before = screen.session.current
            wall, cpu = time.perf_counter(), time.thread_time()
            key = "i" if n % 2 else "m"
            app.post_message(events.Key(key, key))
            while not (shown and frames and frames[-1] > shown[-1]):
                await asyncio.sleep(0)
            frame = next(f for f in frames if f > shown[-1])
            samples.setdefault("next key → frame", []).append(
                (1000 * (frame - wall), 1000 * (time.thread_time() - cpu))
            )
            del screen.show_current
            assert screen.session.current != before
            await pilot.pause()
    return samples


def report(records: int, samples: dict[str, list[tuple[float, float]]]) -> None:
    print(f"{records:,} records:")
    for name, values in samples.items():
        walls = sorted(w for w, _ in values)
        cpus = sorted(c for _, c in values)
        p95 = int(0.95 * (len(walls) - 1))
        print(
            f"  {name:<22} wall median {statistics.median(walls):7.2f} ms, p95 {walls[p95]:7.2f}"
            f" · UI-thread CPU median {statistics.median(cpus):7.2f} ms, p95 {cpus[p95]:7.2f}"
            f"  (n={len(values)})"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="Folder to build (or reuse) the reviews in.")
    args = parser.parse_args()
    from screening_bench import build_review

    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        for records in args.records:
            path = folder / f"apply-{records}.db"
            if not path.exists():
                build_review(path, records)
            report(records, asyncio.run(measure(path, args.rounds)))
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
