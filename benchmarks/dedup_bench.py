"""Deduplication quality on sets it was not fitted on, and speed, next to bib-dedupe.

For every labelled set (see `dedup_sets`) the rules' thresholds are fitted on
the *other* sets (highest recall with precision ≥ 0.999 on each of them) and
the figures are those on the set left out: leave one set out. Scored pairwise
over screening units (rule merges plus records sharing an identity key), beside
bib-dedupe run on the same rows in the same run (pip install '.[bench]').
`queue %` is the probable pairs a reviewer is asked about, as a share of the
true duplicate pairs; `queued misses` the true pairs not merged that the queue
does hold. Then review alone on a synthetic set (default 80,000 records) for
speed and peak memory (each tool runs in its own process).

    python benchmarks/dedup_bench.py [--synthetic 80000] [--skip-peer] [--sets stroke …]
    python benchmarks/dedup_bench.py --show-misses --sets haematology

`--show-misses` lists, instead of the table, every true pair not merged and
every false merge with the rule and the per-field evidence.
"""

from __future__ import annotations

import argparse
import itertools
import json
import random
import resource
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_sets import (
    CORPORA,
    SETS,
    Batch,
    Row,
    load_batches,
    load_rows,
    pairs_of,
    prf,
    quality,
    screening_units,
    to_records,
    true_groups,
)

from review.dedup import find_duplicates
from review.dedup.pipeline import Compared, compare_candidates, settle
from review.dedup.rules import THRESHOLDS, Thresholds

GRID = {
    "identifier_title": (0.85, 0.9, 0.95),
    "location_title": (0.85, 0.9, 0.95),
    "metadata_title": (0.9, 0.95, 0.98),
    "metadata_authors": (0.8, 0.9, 0.95),
}
"""The thresholds tried when fitting; THRESHOLDS' values are among them."""
TARGET_PRECISION = 0.999


# -- running review on a set ------------------------------------------------------


def run_review(
    batches: list[Batch], thresholds: Thresholds = THRESHOLDS
) -> tuple[list[set[str]], int]:
    """Screening units of two or more records, and the queue's length, over all batches."""
    units: list[set[str]] = []
    queued = 0
    for rows in batches:
        records = to_records(rows)
        result = find_duplicates(records, thresholds=thresholds)
        units += screening_units(records, result, thresholds)
        queued += len(result.queue)
    return units, queued


Prepared = list[tuple[list[Any], Compared]]
"""Per batch: its records and their compared pairs, computed once for fitting."""


def compared_batches(name: str) -> Prepared:
    out = []
    for rows in load_batches(name):
        records = to_records(rows)
        out.append((records, compare_candidates(records)))
    return out


def score_with(name: str, prepared: Prepared, thresholds: Thresholds) -> dict[str, Any]:
    units: list[set[str]] = []
    for records, compared in prepared:
        units += screening_units(records, settle(compared, thresholds), thresholds)
    return quality(name, load_rows(name), units)


Table = dict[Thresholds, dict[str, dict[str, Any]]]
"""Each grid point's scores on every set, computed once and read by every fit."""


def score_table(compared: dict[str, Prepared]) -> Table:
    names = list(GRID)
    table: Table = {}
    for values in itertools.product(*(GRID[n] for n in names)):
        thresholds = Thresholds(**dict(zip(names, values, strict=True)))
        table[thresholds] = {
            name: score_with(name, prep, thresholds) for name, prep in compared.items()
        }
    return table


def fit(table: Table, held_out: str) -> Thresholds:
    """The grid point with the best mean recall on the other sets whose precision
    is at least the target on each of them; ties go to the one nearest the defaults."""
    best: tuple[tuple[float, ...], Thresholds] | None = None
    for thresholds, by_set in table.items():
        scores = [score for name, score in by_set.items() if name != held_out]
        worst = min(s["precision"] for s in scores)
        recall = sum(s["recall"] for s in scores) / len(scores)
        distance = sum(
            abs(a - b)
            for a, b in zip(asdict(thresholds).values(), asdict(THRESHOLDS).values(), strict=True)
        )
        rank = (min(worst, TARGET_PRECISION), recall, -distance)
        if best is None or rank > best[0]:
            best = (rank, thresholds)
    assert best is not None
    return best[1]


def run_bib_dedupe(batches: list[Batch]) -> tuple[list[set[str]], int]:
    import pandas as pd
    from bib_dedupe.bib_dedupe import block, cluster, match, prep

    groups: list[set[str]] = []
    maybe = 0
    for rows in batches:
        frame = pd.DataFrame([{k: v for k, v in r.items() if k != "label"} for r in rows])
        records = prep(frame, verbosity_level=0)
        matched = match(block(records))
        groups += [set(map(str, g)) for g in cluster(matched)]
        maybe += int((matched["duplicate_label"] == "maybe").sum()) if len(matched) else 0
    return groups, maybe


def child(tool: str, name: str, synthetic: int, thresholds: dict[str, float]) -> dict[str, Any]:
    """One measured run, in its own process so peak memory is its own."""
    if name == "synthetic":
        rows, truth = synthetic_rows(synthetic)
        batches = [rows]
    else:
        batches = load_batches(name)
    start = time.perf_counter()
    if tool == "review":
        found, queued = run_review(batches, Thresholds(**thresholds))
    else:
        found, queued = run_bib_dedupe(batches)
    seconds = time.perf_counter() - start
    if name == "synthetic":
        got, want = pairs_of(found), pairs_of(truth)
        scored = {**prf(len(got & want), len(got - want), len(want - got)), "true_pairs": len(want)}
    else:
        scored = quality(name, [r for b in batches for r in b], found)
    return {
        **scored,
        "records": sum(len(b) for b in batches),
        "seconds": seconds,
        "queued": queued,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


# -- a large synthetic set with known duplicates -------------------------------------


def synthetic_rows(n: int, seed: int = 7) -> tuple[list[Row], list[set[str]]]:
    """`n` rows: distinct papers made by recombining corpus titles and authors,
    a quarter of them copied again with the changes databases make."""
    rng = random.Random(seed)
    pool = [r for name in ("haematology", "stroke") for r in load_rows(name) if r["title"]]
    words = sorted({w for r in pool for w in r["title"].split() if w.isalpha() and len(w) > 3})
    families = sorted({a.split(",")[0].strip() for r in pool for a in r["author"].split(" and ")})
    rows: list[Row] = []
    groups: dict[str, set[str]] = {}
    while len(rows) < n:
        if rows and rng.random() < 0.25:
            original = rows[rng.randrange(len(rows))]
            copy = _variant(original, rng, len(rows))
            groups.setdefault(original["group"], {original["ID"]}).add(copy["ID"])
            rows.append(copy)
            continue
        base = pool[rng.randrange(len(pool))]
        title = base["title"].split()
        for _ in range(3):
            title[rng.randrange(len(title))] = rng.choice(words)
        title.insert(rng.randrange(len(title) + 1), rng.choice(words))
        authors = " and ".join(
            f"{rng.choice(families)}, {rng.choice('ABCDEFGHJKLMNPRST')}."
            for _ in range(rng.randint(1, 6))
        )
        first = rng.randint(1, 2000)
        row_id = f"s{len(rows)}"
        rows.append(
            {
                "ID": row_id,
                "group": row_id,
                "ENTRYTYPE": "article",
                "title": " ".join(title),
                "author": authors,
                "year": str(rng.randint(1990, 2024)),
                "journal": base["journal"],
                "volume": str(rng.randint(1, 120)),
                "number": str(rng.randint(1, 12)),
                "pages": f"{first}-{first + rng.randint(2, 15)}",
                "source_id": str(1 + len(rows) % 4),
            }
        )
    return rows, [g for g in groups.values() if len(g) > 1]


def _variant(row: Row, rng: random.Random, position: int) -> Row:
    copy = dict(row, ID=f"s{position}", source_id=str(rng.randint(1, 4)))
    change = rng.randrange(4)
    if change == 0:
        copy["title"] = row["title"].upper()
    elif change == 1:
        copy["title"] = row["title"].rstrip(".") + ". [Chinese]"
    elif change == 2:
        first, last = row["pages"].split("-")
        copy["pages"] = f"{first}-{last[-1]}"
    else:
        copy["author"] = " and ".join(
            a.replace(",", "").replace(".", "") for a in row["author"].split(" and ")
        )
    return copy


# -- misses, for studying the rules -------------------------------------------------


def show_misses(name: str) -> None:
    """Every true pair not in one unit and every false pair, with the evidence."""
    from review.dedup.normalise import prepare
    from review.dedup.pipeline import judge

    for rows in load_batches(name):
        records = to_records(rows)
        result = find_duplicates(records)
        found = screening_units(records, result)
        position = {r.uid: n for n, r in enumerate(records)}
        prepared = [prepare(r, n) for n, r in enumerate(records)]
        row_of = {r["ID"]: r for r in rows}
        queued = {frozenset((j.a, j.b)) for j in result.queue}
        truth = true_groups(name) or []
        got, want = pairs_of(found), pairs_of(g for g in truth if g & set(row_of))
        for kind, pairs in (("missed", want - got), ("false merge", got - want)):
            for pair in sorted(pairs, key=sorted):
                i, j = sorted(position[uid] for uid in pair)
                judged = judge(prepared[i], prepared[j])
                where = "queued" if frozenset((i, j)) in queued else "-"
                print(f"\n[{kind}] {records[i].uid} ~ {records[j].uid}: {judged.decision} "
                      f"({judged.rule}) {where}")  # fmt: skip
                print("   ", " ".join(f"{k}={v}" for k, v in judged.evidence.as_dict().items()))
                for uid in (records[i].uid, records[j].uid):
                    r = row_of[uid]
                    fields = ("year", "author", "journal", "volume", "number", "pages", "doi")
                    print(f"    {r.get('title', '')[:110]!r}")
                    print("     ", " | ".join(str(r.get(f, ""))[:50] for f in fields))


# -- driver ------------------------------------------------------------------------


def run_child(
    tool: str, name: str, synthetic: int, thresholds: Thresholds
) -> dict[str, Any] | None:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            tool,
            name,
            "--synthetic",
            str(synthetic),
            "--thresholds",
            json.dumps(asdict(thresholds)),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        print(f"{tool} on {name} failed:\n{out.stderr[-1500:]}", file=sys.stderr)
        return None
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _line(name: str, tool: str, r: dict[str, Any], missed_queued: str = "") -> str:
    share = 100 * r["queued"] / r["true_pairs"] if r["true_pairs"] else 0.0
    rate = r["records"] / r["seconds"] if r["seconds"] else float("inf")
    return (
        f"{name:12} {tool:10} {r['records']:>7} {r['precision']:>9.4f} {r['recall']:>7.4f} "
        f"{r['fp']:>4} {r['fn']:>5} {r['queued']:>6} {share:>7.1f} {missed_queued:>7} "
        f"{r['seconds']:>8.2f} {rate:>9,.0f} {r['peak_mb']:>7.0f}"
    )


def _queued_misses(name: str, thresholds: Thresholds) -> str:
    """How many of the true pairs not merged are in the queue (pairwise sets only)."""
    truth = true_groups(name)
    if truth is None:
        return "-"
    missed = held = 0
    for rows in load_batches(name):
        records = to_records(rows)
        result = find_duplicates(records, thresholds=thresholds)
        ids = {r.uid for r in records}
        want = pairs_of(g for g in truth if g & ids)
        gaps = want - pairs_of(screening_units(records, result, thresholds))
        asked = {frozenset((records[j.a].uid, records[j.b].uid)) for j in result.queue}
        missed, held = missed + len(gaps), held + len(gaps & asked)
    return f"{held}/{missed}"


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--synthetic", type=int, default=80_000, help="0 skips it")
    parser.add_argument("--skip-peer", action="store_true", help="do not run bib-dedupe")
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=SETS)
    parser.add_argument("--show-misses", action="store_true", help="list misses, no table")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--thresholds", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        tool, name = args.child
        print(json.dumps(child(tool, name, args.synthetic, json.loads(args.thresholds))))
        return
    if not CORPORA.exists():
        raise SystemExit(f"the labelled sets are not here: {CORPORA}")
    if args.show_misses:
        for name in args.sets:
            show_misses(name)
        return
    print("fitting thresholds with each set left out …", flush=True)
    table = score_table({name: compared_batches(name) for name in SETS})
    print(
        f"\n{'held out':12} {'tool':10} {'records':>7} {'precision':>9} {'recall':>7} "
        f"{'FP':>4} {'FN':>5} {'queued':>6} {'queue %':>7} {'q.miss':>7} "
        f"{'seconds':>8} {'records/s':>9} {'peak MB':>7}"
    )
    fitted: dict[str, Thresholds] = {}
    for name in args.sets:
        fitted[name] = fit(table, name)
        result = run_child("review", name, 0, fitted[name])
        if result:
            print(_line(name, "review", result, _queued_misses(name, fitted[name])), flush=True)
        if not args.skip_peer:
            peer = run_child("bib-dedupe", name, 0, THRESHOLDS)
            if peer:
                print(_line(name, "bib-dedupe", peer), flush=True)
    if args.synthetic:
        result = run_child("review", "synthetic", args.synthetic, THRESHOLDS)
        if result:
            print(_line("synthetic", "review", result), flush=True)
    print("\nthresholds fitted without the set (defaults: "
          f"{', '.join(f'{k} {v}' for k, v in asdict(THRESHOLDS).items())}):")  # fmt: skip
    for name, thresholds in fitted.items():
        changed = {k: v for k, v in asdict(thresholds).items() if v != getattr(THRESHOLDS, k)}
        print(f"  {name:12} {changed or 'the defaults'}")
    print(
        "\nqueue % = probable pairs asked / true duplicate pairs; q.miss = missed true pairs "
        "that are in the queue / all missed. asysd has keep/remove labels, no groups: its "
        "precision is an upper bound and its 'pairs' are records to remove. cases = "
        "bib-dedupe's 25 labelled pairs, each run alone."
    )


if __name__ == "__main__":
    main()
