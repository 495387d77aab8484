"""Deduplication quality and speed on labelled sets, next to bib-dedupe.

Per labelled set (bib-dedupe haematology and stroke with true groups; the
ASySD diabetes set with keep/remove labels) prints precision, recall and F1
of the automatic merges alone, records/s and peak memory, for review's
pipeline and for bib-dedupe (pip install '.[bench]') on the same input, each
in its own process. Then times review on a synthetic set (default 100,000
records) built from the same corpora with known duplicates.

For the sets with true groups the figures are pairwise: every pair of records
in one group counts once. ASySD has no group ids, only which record to keep:
there a merge counts as correct unless its group holds two records marked
`unique` (keep), so its precision is an upper bound.

    python benchmarks/dedup_bench.py [--synthetic 100000] [--skip-peer]
    python benchmarks/dedup_bench.py --show-misses [--sets stroke] [--skip-peer]

`--show-misses` prints, instead of the table, every true pair review did not
merge (with the rule or reason and the evidence behind it), every false
merge, and bib-dedupe's false merges, to see which misses a rule can catch.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Iterable
from itertools import combinations
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
BIB = CORPORA / "bib-dedupe" / "data"
ASYSD = CORPORA / "asysd" / "labelled_test_set.csv"
SETS = ("haematology", "stroke", "asysd")

Row = dict[str, str]


# -- loading the labelled sets --------------------------------------------------


def load_rows(name: str) -> list[Row]:
    """Rows in bib-dedupe's column names (ID, ENTRYTYPE, author as `A and B`, …)."""
    csv.field_size_limit(sys.maxsize)
    if name == "asysd":
        with ASYSD.open(encoding="latin-1", newline="") as handle:
            rows = list(csv.DictReader(handle))
        return [
            {
                "ID": r["record_id"],
                "ENTRYTYPE": "article",
                "title": r["title"],
                "author": r["author"],
                "year": r["year"],
                "journal": r["journal"],
                "volume": r["volume"],
                "number": r["number"],
                "pages": r["pages"],
                "doi": r["doi"],
                "abstract": r["abstract"],
                "label": r["source"],
            }
            for r in rows
        ]
    with (BIB / name / "records_pre_merged.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def true_groups(name: str) -> list[set[str]]:
    with (BIB / name / "merged_record_ids.csv").open(encoding="utf-8", newline="") as handle:
        return [set(r["merged_ids"].split(";")) for r in csv.DictReader(handle)]


def _clean(value: str | None) -> str | None:
    value = (value or "").strip()
    return None if value in ("", "NA", "nan", "UNKNOWN") else value


def to_records(rows: list[Row]) -> list[Any]:
    from review.dedup import DedupRecord
    from review.dedup.normalise import split_authors

    records = []
    for n, row in enumerate(rows, start=1):
        year = _clean(row.get("year"))
        authors = _clean(row.get("author"))
        records.append(
            DedupRecord(
                id=n,
                uid=row["ID"],
                key=row["ID"],
                source_id=int(row.get("source_id") or 1),
                title=_clean(row.get("title")),
                authors=split_authors([authors]) if authors else [],
                year=int(float(year)) if year and year[:4].isdigit() else None,
                journal=_clean(row.get("journal")),
                volume=_clean(row.get("volume")),
                issue=_clean(row.get("number")),
                pages=_clean(row.get("pages")),
                doi=_clean(row.get("doi")),
                record_type=_clean(row.get("ENTRYTYPE")),
            )
        )
    return records


# -- scoring ---------------------------------------------------------------------


def pairs_of(groups: Iterable[set[str]]) -> set[frozenset[str]]:
    return {frozenset(p) for g in groups for p in combinations(sorted(g), 2)}


def pairwise(found: list[set[str]], truth: list[set[str]]) -> dict[str, float]:
    got, want = pairs_of(found), pairs_of(truth)
    tp = len(got & want)
    return _prf(tp, len(got) - tp, len(want) - tp)


def keep_remove(found: list[set[str]], rows: list[Row]) -> dict[str, float]:
    """ASySD: removing all but one of a group is right unless it holds two `unique` records."""
    label = {r["ID"]: r["label"] for r in rows}
    removed = sum(len(g) - 1 for g in found)
    wrong = sum(max(0, sum(label[i] == "unique" for i in g) - 1) for g in found)
    should = sum(1 for r in rows if r["label"] == "duplicate")
    return _prf(removed - wrong, wrong, should - (removed - wrong))


def _prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "fp": fp, "fn": fn}


# -- the measured runs (each in a child process) -----------------------------------


def run_review(rows: list[Row]) -> tuple[list[set[str]], int]:
    from review.dedup import find_duplicates

    records = to_records(rows)
    result = find_duplicates(records)
    groups = [{records[m.index].uid for m in g.members} for g in result.groups]
    return groups, len(result.queue)


def run_bib_dedupe(rows: list[Row]) -> tuple[list[set[str]], int]:
    import pandas as pd
    from bib_dedupe.bib_dedupe import block, cluster, match, prep

    frame = pd.DataFrame([{k: v for k, v in r.items() if k != "label"} for r in rows])
    records = prep(frame, verbosity_level=0) if _takes(prep, "verbosity_level") else prep(frame)
    pairs = block(records)
    matched = match(pairs)
    groups = cluster(matched)
    maybe = int((matched["duplicate_label"] == "maybe").sum()) if len(matched) else 0
    return [set(map(str, g)) for g in groups], maybe


def _takes(function: Any, name: str) -> bool:
    import inspect

    return name in inspect.signature(function).parameters


def child(tool: str, name: str, synthetic: int) -> dict[str, Any]:
    rows = synthetic_rows(synthetic)[0] if name == "synthetic" else load_rows(name)
    runner = run_review if tool == "review" else run_bib_dedupe
    start = time.perf_counter()
    groups, queued = runner(rows)
    seconds = time.perf_counter() - start
    if name == "synthetic":
        quality = pairwise(groups, synthetic_rows(synthetic)[1])
    elif name == "asysd":
        quality = keep_remove(groups, rows)
    else:
        quality = pairwise(groups, true_groups(name))
    return {
        **quality,
        "records": len(rows),
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


def show_misses(name: str, peer: bool) -> None:
    """Print review's missed and false pairs on one set, and bib-dedupe's false pairs."""
    from review.dedup import find_duplicates
    from review.dedup.normalise import prepare
    from review.dedup.pipeline import judge

    rows = load_rows(name)
    records = to_records(rows)
    result = find_duplicates(records)
    found = [{records[m.index].uid for m in g.members} for g in result.groups]
    position = {r.uid: n for n, r in enumerate(records)}
    prepared = [prepare(r, n) for n, r in enumerate(records)]
    row_of = {r["ID"]: r for r in rows}
    queued = {frozenset((j.a, j.b)) for j in result.queue}

    def show(kind: str, a: str, b: str) -> None:
        i, j = sorted((position[a], position[b]))
        judged = judge(prepared[i], prepared[j])
        where = "queued" if frozenset((i, j)) in queued else "-"
        print(f"\n[{kind}] {a} ~ {b}: {judged.decision} ({judged.rule}) {where}")
        evidence = judged.evidence.as_dict()
        print("   ", " ".join(f"{k}={v}" for k, v in evidence.items()))
        for uid in (a, b):
            r = row_of[uid]
            fields = ("year", "author", "journal", "volume", "number", "pages", "doi")
            print(f"    {r['title'][:110]!r}")
            print("     ", " | ".join(str(r.get(f, ""))[:50] for f in fields), r.get("label", ""))

    if name == "asysd":
        label = {r["ID"]: r["label"] for r in rows}
        grouped = {uid for g in found for uid in g}
        for j in result.queue:
            a, b = records[j.a].uid, records[j.b].uid
            if "duplicate" in (label[a], label[b]):
                show("queued, one marked duplicate", a, b)
        lonely = [u for u, lab in label.items() if lab == "duplicate" and u not in grouped]
        print(f"\n{len(lonely)} records marked duplicate are in no group")
        for g in found:
            if sum(label[u] == "unique" for u in g) > 1:
                print("\n[false merge: two unique records]", sorted(g))
        return
    truth = true_groups(name)
    got, want = pairs_of(found), pairs_of(truth)
    for pair in sorted(want - got, key=sorted):
        show("missed", *sorted(pair))
    for pair in sorted(got - want, key=sorted):
        show("false merge", *sorted(pair))
    print(f"\n{name}: {len(want - got)} missed pairs, {len(got - want)} false pairs")
    if peer:
        theirs, _ = run_bib_dedupe(rows)
        for pair in sorted(pairs_of(theirs) - want, key=sorted):
            show("bib-dedupe false merge", *sorted(pair))
        print(f"\nbib-dedupe: {len(pairs_of(theirs) - want)} false pairs")


# -- driver ------------------------------------------------------------------------


def run_child(tool: str, name: str, synthetic: int) -> dict[str, Any] | None:
    out = subprocess.run(
        [sys.executable, __file__, "--child", tool, name, "--synthetic", str(synthetic)],
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        print(f"{tool} on {name} failed:\n{out.stderr[-2000:]}", file=sys.stderr)
        return None
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--synthetic", type=int, default=100_000, help="0 skips it")
    parser.add_argument("--skip-peer", action="store_true", help="do not run bib-dedupe")
    parser.add_argument("--sets", nargs="*", default=list(SETS), choices=SETS)
    parser.add_argument("--show-misses", action="store_true", help="list misses, no table")
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.synthetic)))
        return
    if not CORPORA.exists():
        raise SystemExit(f"the labelled sets are not here: {CORPORA}")
    if args.show_misses:
        for name in args.sets:
            show_misses(name, peer=not args.skip_peer)
        return
    tools = ["review"] if args.skip_peer else ["review", "bib-dedupe"]
    names = [*args.sets, *(["synthetic"] if args.synthetic else [])]
    header = (
        f"{'set':12} {'tool':10} {'records':>8} {'precision':>9} {'recall':>7} {'F1':>6} "
        f"{'FP':>4} {'FN':>5} {'queued':>6} {'seconds':>8} {'records/s':>10} {'peak MB':>8}"
    )
    print(header)
    for name in names:
        for tool in tools:
            if name == "synthetic" and tool != "review":
                continue  # bib-dedupe needs hours at this size
            r = run_child(tool, name, args.synthetic)
            if r is None:
                continue
            rate = r["records"] / r["seconds"] if r["seconds"] else float("inf")
            print(
                f"{name:12} {tool:10} {r['records']:>8} {r['precision']:>9.4f} "
                f"{r['recall']:>7.4f} {r['f1']:>6.4f} {r['fp']:>4} {r['fn']:>5} "
                f"{r['queued']:>6} {r['seconds']:>8.2f} {rate:>10,.0f} {r['peak_mb']:>8.0f}",
                flush=True,
            )
    print(
        "\nprecision/recall count automatic merges only (review's queue not included); "
        "asysd: keep/remove labels, see the module docstring."
    )


if __name__ == "__main__":
    main()
