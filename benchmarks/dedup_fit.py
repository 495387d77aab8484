"""Fit the deduplication model's weights and cut-offs on labelled sets.

Every candidate pair the pipeline compares on a set with true groups
(haematology, stroke, the special cases, the labelled pairs; ASySD has no
groups, so it is only ever scored) is labelled duplicate or not; `weights.fit`
counts each field's levels among both. The cut-offs read only the pairs no rule
or veto decides: `certain_at` lies above every such non-duplicate pair of every
training set (a margin on top) and where the posterior odds, from the share of
duplicates among the training pairs, reach 999:1; `ask_at` where they reach 1:1.

    python benchmarks/dedup_fit.py            # all sets → review/dedup/weights.json
    python benchmarks/dedup_fit.py --sets stroke special --out /tmp/w.json

`dedup_bench.py` calls `fit_without` to fit with each set left out in turn.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dedup_sets import CORPORA, load_batches, pairs_of, to_records, true_groups

from review.dedup.model import Evidence
from review.dedup.pipeline import compare_candidates
from review.dedup.rules import THRESHOLDS, Decision, rule_decision, unopposed
from review.dedup.weights import WEIGHTS_FILE, Weights, fit, total

FIT_SETS = ("haematology", "stroke", "special", "cases")
"""The sets with true groups: pairs can be labelled."""
MARGIN = 1.0
"""Bits above the highest non-duplicate's total before the model merges."""
ASK_ODDS = 0.0
"""log2 posterior odds at which a pair is asked: 0 = a duplicate as likely as not."""
OUT = Path(__file__).resolve().parent.parent / "review" / "dedup" / WEIGHTS_FILE


@dataclass(frozen=True)
class Labelled:
    """One set's candidate pairs: evidence, true duplicate, what the rules say."""

    pairs: tuple[tuple[Evidence, bool, Decision | None], ...]
    true_pairs: int


@cache
def labelled(name: str) -> Labelled:
    truth = true_groups(name) or []
    want = pairs_of(truth)
    out = []
    for rows in load_batches(name):
        records = to_records(rows)
        compared = compare_candidates(records)
        for (a, b), evidence in compared.evidence.items():
            ruled = rule_decision(evidence, THRESHOLDS)
            duplicate = frozenset((records[a].uid, records[b].uid)) in want
            out.append((evidence, duplicate, ruled[0] if ruled else None))
    return Labelled(tuple(out), len(want))


def fit_on(names: tuple[str, ...]) -> Weights:
    """Weights counted on `names`' pairs, cut-offs set on the pairs no rule decides."""
    sets = [labelled(n) for n in names]
    counted = fit(((e, d) for s in sets for e, d, _ in s.pairs), certain_at=0.0, ask_at=0.0)
    matches = sum(d for s in sets for _, d, _ in s.pairs)
    prior = math.log2((matches + 1) / (sum(len(s.pairs) for s in sets) - matches + 1))
    # The model merges only unopposed pairs (`rules.weighed`): the cut-off is set on those.
    false = [
        total(e, counted)
        for s in sets
        for e, d, r in s.pairs
        if r is None and not d and unopposed(e)
    ]
    # Merge only where the posterior is ≥ 0.999 *and* above every non-duplicate seen.
    certain_at = round(max(max(false, default=0.0) + MARGIN, math.log2(999) - prior), 2)
    # Ask where a duplicate is at least as likely as not.
    ask_at = round(min(ASK_ODDS - prior, certain_at), 2)
    return fit(
        ((e, d) for s in sets for e, d, _ in s.pairs),
        certain_at=certain_at,
        ask_at=ask_at,
        fitted_on=names,
    )


def fit_without(held_out: str) -> Weights:
    return fit_on(tuple(n for n in FIT_SETS if n != held_out))


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--sets", nargs="*", default=list(FIT_SETS), choices=FIT_SETS)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    if not CORPORA.exists():
        raise SystemExit(f"the labelled sets are not here: {CORPORA}")
    weights = fit_on(tuple(args.sets))
    args.out.write_text(json.dumps(weights.as_json(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {args.out}: certain at {weights.certain_at:+.2f}, ask at {weights.ask_at:+.2f}")
    for name, by_level in weights.table:
        print(f"  {name:14}", "  ".join(f"{level} {w:+.1f}" for level, w in by_level))


if __name__ == "__main__":
    main()
