"""What resolving reviewer names costs: reading every name in the review once
(at the first decision after opening), and the check on each later decision.

Builds a review with N decision events by three reviewers (default 200,000,
about what two reviewers leave after screening 100,000 records), then
prints, from a fresh open: the first `store.reviewers.spelling` (one
GROUP BY per event table), the mean of 1,000 later ones (one
`PRAGMA data_version`), one after another connection commits a decision
(the rows it added read, not the whole file), and decisions read with and without another
spelling merged in (the read maps names only when there is one).

    python benchmarks/reviewer_names_bench.py [--events 200000]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.store import Store


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "names.db"
        with Store.create(path) as store:
            for who in ("Ann", "Bob", "Cat"):
                rows = [
                    {"record_key": f"k{n}", "stage": "title_abstract", "kind": "screen",
                     "decision": "include", "reasons": "[]"}
                    for n in range(args.events // 3)
                ]  # fmt: skip
                store.append_events("decisions", who, rows)
        with Store.open(path) as store:
            start = time.perf_counter()
            store.reviewers.spelling("ann")
            first = time.perf_counter() - start
            later = []
            for _ in range(1_000):
                start = time.perf_counter()
                store.reviewers.spelling("ann")
                later.append(time.perf_counter() - start)
            # A colleague's session (or an import) commits between two of ours:
            # the names are read again only from the rows it added.
            after_other = []
            with Store.open(path) as colleague:
                for n in range(100):
                    colleague.append_events("decisions", "Bob", [
                        {"record_key": f"c{n}", "stage": "title_abstract", "kind": "screen",
                         "decision": "exclude", "reasons": "[]"}
                    ])  # fmt: skip
                    start = time.perf_counter()
                    store.reviewers.spelling("ann")
                    after_other.append(time.perf_counter() - start)
            start = time.perf_counter()
            plain = len(store.screening.decisions())
            read_plain = time.perf_counter() - start
        # Another spelling of Ann, as a merge of a copy typed `ann` leaves it.
        with Store.open(path) as store:
            store.db.execute(
                "INSERT INTO decisions (uid, reviewer, created_at, app_version, record_key, "
                "stage, kind, decision, reasons) VALUES ('x', 'ann', '9999', '0', 'k0', "
                "'title_abstract', 'screen', 'exclude', '[]')"
            )
            store.db.conn.commit()
            start = time.perf_counter()
            aliased = len(store.screening.decisions())
            read_aliased = time.perf_counter() - start
    print(f"events: {plain:,}")
    print(f"first name lookup after open: {first * 1000:.1f} ms")
    print(f"later lookups: mean {statistics.mean(later) * 1e6:.1f} µs, "
          f"max {max(later) * 1e6:.1f} µs")  # fmt: skip
    print(f"lookup after another connection's commit: median "
          f"{statistics.median(after_other) * 1000:.2f} ms, "
          f"max {max(after_other) * 1000:.2f} ms")  # fmt: skip
    print(f"read all decisions: {read_plain:.2f} s; with a second spelling merged in "
          f"({aliased:,} events): {read_aliased:.2f} s")  # fmt: skip


if __name__ == "__main__":
    main()
