"""Deduplication quality on sets it was not fitted on, and speed, next to bib-dedupe.

For every labelled set (see `dedup_sets`) the model's weights and cut-offs
are fitted on the *other* sets (`dedup_fit.py`) and the figures are those on
the set left out: leave one set out. The rules' similarity thresholds are
the defaults in `rules.Thresholds`. Scored pairwise
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
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_fit import fit_without
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
from review.dedup.rules import THRESHOLDS, Thresholds
from review.dedup.weights import Weights

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


def child(tool: str, name: str, synthetic: int, weights: dict[str, Any]) -> dict[str, Any]:
    """One measured run, in its own process so peak memory is its own."""
    if name == "synthetic":
        rows, truth = synthetic_rows(synthetic)
        batches = [rows]
    else:
        batches = load_batches(name)
    start = time.perf_counter()
    if tool == "review":
        model = Weights.from_json(weights) if weights else THRESHOLDS.model
        found, queued = run_review(batches, Thresholds(model=model))
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
    from review.dedup.weights import explain

    thresholds = Thresholds(model=fit_without(name))
    for rows in load_batches(name):
        records = to_records(rows)
        result = find_duplicates(records, thresholds=thresholds)
        found = screening_units(records, result, thresholds)
        position = {r.uid: n for n, r in enumerate(records)}
        prepared = [prepare(r, n) for n, r in enumerate(records)]
        row_of = {r["ID"]: r for r in rows}
        queued = {frozenset((j.a, j.b)) for j in result.queue}
        truth = true_groups(name) or []
        got, want = pairs_of(found), pairs_of(g for g in truth if g & set(row_of))
        for kind, pairs in (("missed", want - got), ("false merge", got - want)):
            for pair in sorted(pairs, key=sorted):
                i, j = sorted(position[uid] for uid in pair)
                judged = judge(prepared[i], prepared[j], thresholds)
                where = "queued" if frozenset((i, j)) in queued else "-"
                print(f"\n[{kind}] {records[i].uid} ~ {records[j].uid}: {judged.decision} "
                      f"({judged.rule}) {where}")  # fmt: skip
                print("   ", explain(judged.evidence, thresholds.model).as_text())
                for uid in (records[i].uid, records[j].uid):
                    r = row_of[uid]
                    fields = ("year", "author", "journal", "volume", "number", "pages", "doi")
                    print(f"    {r.get('title', '')[:110]!r}")
                    print("     ", " | ".join(str(r.get(f, ""))[:50] for f in fields))


# -- driver ------------------------------------------------------------------------


def run_child(tool: str, name: str, synthetic: int, weights: Weights) -> dict[str, Any] | None:
    out = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            tool,
            name,
            "--synthetic",
            str(synthetic),
            "--weights",
            json.dumps(weights.as_json()),
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
    parser.add_argument("--weights", default="{}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        tool, name = args.child
        print(json.dumps(child(tool, name, args.synthetic, json.loads(args.weights))))
        return
    if not CORPORA.exists():
        raise SystemExit(f"the labelled sets are not here: {CORPORA}")
    if args.show_misses:
        for name in args.sets:
            show_misses(name)
        return
    print("fitting the weights with each set left out …", flush=True)
    print(
        f"\n{'held out':12} {'tool':10} {'records':>7} {'precision':>9} {'recall':>7} "
        f"{'FP':>4} {'FN':>5} {'queued':>6} {'queue %':>7} {'q.miss':>7} "
        f"{'seconds':>8} {'records/s':>9} {'peak MB':>7}"
    )
    fitted: dict[str, Weights] = {}
    for name in args.sets:
        fitted[name] = fit_without(name)
        result = run_child("review", name, 0, fitted[name])
        thresholds = Thresholds(model=fitted[name])
        if result:
            print(_line(name, "review", result, _queued_misses(name, thresholds)), flush=True)
        if not args.skip_peer:
            peer = run_child("bib-dedupe", name, 0, THRESHOLDS.model)
            if peer:
                print(_line(name, "bib-dedupe", peer), flush=True)
    if args.synthetic:
        result = run_child("review", "synthetic", args.synthetic, THRESHOLDS.model)
        if result:
            print(_line("synthetic", "review", result), flush=True)
    print("\nweights fitted without the set (cut-offs; a few weights that move most):")
    for name, weights in fitted.items():
        cuts = f"certain at {weights.certain_at:+.1f}, ask at {weights.ask_at:+.1f}"
        print(f"  {name:12} on {'+'.join(weights.fitted_on)}: {cuts}; {_moved(weights)}")
    print(
        "\nqueue % = probable pairs asked / true duplicate pairs; q.miss = missed true pairs "
        "that are in the queue / all missed. asysd has keep/remove labels, no groups: its "
        "precision is an upper bound and its 'pairs' are records to remove; it is never "
        "fitted on. cases = bib-dedupe's 25 labelled pairs, each run alone."
    )


def _moved(weights: Weights) -> str:
    """The three level weights furthest from the shipped ones (all sets)."""
    shipped = THRESHOLDS.model
    moved = sorted(
        ((abs(w - shipped.weight(f, lv)), f, lv, w) for f, by in weights.table for lv, w in by),
        reverse=True,
    )[:3]
    return ", ".join(
        f"{f} {lv} {w:+.1f} (all sets {shipped.weight(f, lv):+.1f})" for _, f, lv, w in moved
    )


if __name__ == "__main__":
    main()
