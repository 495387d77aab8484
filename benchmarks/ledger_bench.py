"""Replaying the ledger at living-review size: 1,000,000 events into state.

Builds a review of 100,000 records (default) under the sample protocol and
appends decision events through the store, as screening writes them: three
reviewers screening every unit at title/abstract, with undos and
resolutions, then full text for the included ones, in batches of 10,000 per
transaction. Then, in a fresh process each (so peak memory is the replay's
own):

- decisions: `load_state`, what `review screen` and `review status` do on
  open: read every decision event from SQLite in replay order, resolve the
  units, fold every event into the screening state;
- labels: 1,000,000 label events folded by the same "newest wins" rule.

Targets (issue #8): under 3 s and under 500 MB for 1,000,000 events.

    python benchmarks/ledger_bench.py [--records 100000] [--events 1000000] [--keep FILE]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PROTOCOL = ROOT / "protocols" / "rt-io-head-neck.yaml"

REPLAY = """
import json, resource, sys, time
from pathlib import Path
from review.ledger.bulk import bulk_load
from review.ledger.labels import current_labels
from review.models import Stage
from review.review_file import review_protocol
from review.dedup.units import load_resolution
from review.screening.state import ScreeningState
from review.store import Store
store = Store.open(Path(sys.argv[1]))
protocol = review_protocol(store)
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
if sys.argv[2] == "decisions":
    # load_state, step by step: read, resolve, fold
    with bulk_load():
        events = store.screening.decisions()
        t1 = time.perf_counter()
        resolution = load_resolution(store)
        t2 = time.perf_counter()
        state = ScreeningState(resolution, events,
                               reviewers_per_record=protocol.screening.reviewers_per_record,
                               blind=protocol.screening.is_blind)
    t3 = time.perf_counter()
    outcomes = {str(k): v for k, v in state.outcomes(Stage.TITLE_ABSTRACT).items()}
    result = {"events": len(events), "total": t3 - t0, "read": t1 - t0, "resolve": t2 - t1,
              "replay": t3 - t2, "outcomes": outcomes}
else:
    with bulk_load():
        events = store.screening.label_events()
        t1 = time.perf_counter()
        held = current_labels(events)
    t2 = time.perf_counter()
    result = {"events": len(events), "total": t2 - t0, "read": t1 - t0, "replay": t2 - t1,
              "labelled": len(held)}
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result["peak_mb"] = peak / 1024
result["replay_mb"] = (peak - before) / 1024
print(json.dumps(result))
"""


def build(path: Path, records: int, events: int) -> None:
    """`records` records, then `events` decision events and as many label events."""
    from review.models import RecordDraft, SourceKind
    from review.review_file import create_review
    from review.store import KeyedRecord, NewSource

    rng = random.Random(8)
    keys = [f"doi:10.99999/ledger.{i}" for i in range(records)]
    drafts = (
        KeyedRecord(key, f"ledger:{i}", RecordDraft(i + 1, title=f"Trial {i} of radiotherapy"))
        for i, key in enumerate(keys)
    )
    with create_review(path, PROTOCOL) as store:
        source = NewSource("ledger.ris", "/ledger.ris", "ledger", 0, "ris", "utf-8",
                           SourceKind.DATABASE, None, "Bench", None, None)  # fmt: skip
        store.imports.add(source, drafts)  # type: ignore[arg-type]
        written = 0
        batch: dict[str, list[dict[str, object]]] = {}
        reviewers = ("ann", "bob", "cat")
        while written < events:
            who = reviewers[written % 3]
            key = keys[rng.randrange(records)]
            roll = rng.random()
            stage = "title_abstract" if roll < 0.8 else "full_text"
            kind, decision = "screen", rng.choice(("include", "exclude", "maybe"))
            if roll > 0.97:
                kind, decision = "undo", None
            elif roll > 0.95:
                kind = "resolve"
            reasons = (
                '["wrong-population"]'
                if decision == "exclude" and stage != "title_abstract"
                else "[]"
            )
            batch.setdefault(who, []).append(
                {
                    "record_key": key,
                    "stage": stage,
                    "kind": kind,
                    "decision": decision,
                    "reasons": reasons,
                }
            )
            written += 1
            if written % 10_000 == 0 or written == events:
                for name, rows in batch.items():
                    store.append_events("decisions", name, rows)
                batch = {}
        for start in range(0, events, 10_000):
            rows = [
                {
                    "record_key": keys[rng.randrange(records)],
                    "label": rng.choice(("rct", "pilot")),
                    "action": rng.choice(("add", "remove")),
                }
                for _ in range(min(10_000, events - start))
            ]
            store.append_events("labels", reviewers[start % 3], rows)


def replay(path: Path, what: str) -> dict[str, object]:
    out = subprocess.run(
        [sys.executable, "-c", REPLAY, str(path), what],
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
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Build (or reuse) the review file here.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.keep or Path(tmp) / "ledger.db"
        if not path.exists():
            t0 = time.perf_counter()
            build(path, args.records, args.events)
            print(f"built {args.records:,} records and {2 * args.events:,} events "
                  f"in {time.perf_counter() - t0:.0f} s")  # fmt: skip
        for what in ("decisions", "labels"):
            best = min((replay(path, what) for _ in range(2)), key=lambda r: r["total"])  # type: ignore[arg-type, return-value]
            parts = ", ".join(
                f"{name} {best[name]:.2f} s"
                for name in ("read", "resolve", "replay")
                if name in best
            )
            print(
                f"{what}: {best['events']:,} events into state in {best['total']:.2f} s ({parts}); "
                f"peak {best['peak_mb']:.0f} MB, of which replay {best['replay_mb']:.0f} MB   "
                "(target < 3 s, < 500 MB)"
            )


if __name__ == "__main__":
    main()
