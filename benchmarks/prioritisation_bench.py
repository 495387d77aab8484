"""Prioritised screening on the labelled sets, next to ASReview LAB's default model.

For each labelled set in ../shared/corpora/systematic-review-datasets and
each of 5 seeds, one relevant and one irrelevant record are drawn with the
seed as prior knowledge; review's model and ASReview LAB's default (ELAS u4:
TF-IDF 1–2-grams, linear SVM, balanced; `asreview simulate`, its own
process, the same priors and seed) then screen the rest. Printed per set:
WSS@95 and recall@10% (means over the seeds, and the range), and which
model is ahead. Prior records are left out of every figure.

Nothing is tuned in-sample: `--tune-on` names the sets the classifier's C is
chosen on (grid below, by mean WSS@95); the table marks them and the verdict
counts only the others. Without `--tune-on`, C is the shipped default.

Then the time per retrain (fit on the decided records + score every record +
rank) at 10,000 and 100,000 records, with texts cycled from the same sets,
after the one-off TF-IDF build (also timed).

    python benchmarks/prioritisation_bench.py [--seeds 5] [--asreview PATH|none]
        [--tune-on ADHD,Antihistamines,UrinaryIncontinence] [--sizes 10000,100000]

ASReview: `pip install asreview` (or `pip install '.[bench]'`), or name its
executable with --asreview (it may live in its own virtual environment).
"""

from __future__ import annotations

import argparse
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SETS_DIR = ROOT.parent / "shared" / "corpora" / "systematic-review-datasets" / "datasets"
SETS = {
    "Nagtegaal_2019": "Nagtegaal_2019/output/Nagtegaal_2019.csv",
    "Kitchenham_2010": "Hall_Wahono_Radjenovic_Kitchenham/output/Kitchenham_2010.csv",
    "ADHD": "Cohen_2006/output/local/ADHD.csv",
    "Antihistamines": "Cohen_2006/output/local/Antihistamines.csv",
    "UrinaryIncontinence": "Cohen_2006/output/local/UrinaryIncontinence.csv",
}
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)


def ours(features: object, labels: list[int], seed: int, c: float) -> list[int]:
    from review.prioritise.model import ModelSettings
    from review.prioritise.simulate import simulate

    result = simulate(features, labels, settings=ModelSettings(c=c, seed=seed), prior=1)  # type: ignore[arg-type]
    return result.labels


def asreview(exe: str, path: Path, labels: list[int], seed: int) -> list[int]:
    """ASReview's screening order (priors left out), unscreened rows at the end."""
    from review.prioritise.simulate import draw_priors

    priors = draw_priors(labels, 1, seed)
    with tempfile.TemporaryDirectory() as tmp:
        project = Path(tmp) / "sim.asreview"
        command = [exe, "simulate", str(path), "--prior-idx", *map(str, priors)]
        command += ["--seed", str(seed), "-o", str(project)]
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"asreview simulate failed:\n{done.stderr[-2000:]}")
        with zipfile.ZipFile(project) as archive:
            archive.extract("results.db", tmp)
        db = sqlite3.connect(Path(tmp) / "results.db")
        rows = db.execute("SELECT record_id, label FROM results ORDER BY rowid").fetchall()
        db.close()
    screened = [row for row, _ in rows]
    for row, label in rows:  # ASReview's record ids are row numbers: check
        assert labels[row] == label, f"{path.name}: row {row} label differs"
    assert set(screened[:2]) == set(priors), "ASReview did not take the priors first"
    rest = set(range(len(labels))) - set(screened)
    return [labels[row] for row in screened[2:]] + [labels[row] for row in sorted(rest)]


def figures(order: list[int]) -> tuple[float, float]:
    from review.prioritise.metrics import recall_at, wss

    return wss(order, 0.95), recall_at(order, 0.10)


def spread(values: list[float]) -> str:
    return f"{statistics.mean(values):6.1%} ({min(values):.0%}–{max(values):.0%})"


def tune(data: dict[str, tuple[object, list[int]]], names: list[str], seeds: int) -> float:
    print(f"tuning C on {', '.join(names)} (mean WSS@95 over {seeds} seeds):")
    best, best_score = C_GRID[0], -1.0
    for c in C_GRID:
        scores = [
            figures(ours(data[name][0], data[name][1], seed, c))[0]
            for name in names
            for seed in range(seeds)
        ]
        score = statistics.mean(scores)
        print(f"  C={c:<5} WSS@95 {score:.3f}")
        if score > best_score:
            best, best_score = c, score
    print(f"  → C={best}\n")
    return best


def retrain_times(sizes: list[int], texts: list[str]) -> None:
    import numpy as np

    from review.prioritise.model import ModelSettings, build_features, relevance
    from review.prioritise.order import ranked_order

    print("time per retrain (fit on the decided records, score all, rank the rest):")
    for size in sizes:
        corpus = [f"{texts[i % len(texts)]} r{i}" for i in range(size)]
        t0 = time.perf_counter()
        features = build_features(corpus)
        built = time.perf_counter() - t0
        rng = np.random.default_rng(0)
        for decided in (1_000, size // 10):
            rows = rng.choice(size, decided, replace=False)
            labels = {int(r): int(n % 20 == 0) for n, r in enumerate(rows)}
            undecided = sorted(set(range(size)) - set(labels))
            times = []
            for _ in range(3):
                t0 = time.perf_counter()
                scores = relevance(features, labels, ModelSettings())
                ranked_order(undecided, scores, 0)
                times.append(time.perf_counter() - t0)
            print(
                f"  {size:>7,} records, {decided:>6,} decided: retrain median "
                f"{statistics.median(times):.2f} s (max {max(times):.2f} s); "
                f"TF-IDF build once {built:.1f} s, {features.shape[1]:,} features"
            )
    print("  (targets: < 1 s at 10,000 and < 10 s at 100,000, off the UI thread)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--asreview", default=shutil.which("asreview") or "none")
    parser.add_argument("--tune-on", default="", help="Comma-separated set names.")
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--sizes", default="10000,100000")
    args = parser.parse_args()
    if not SETS_DIR.is_dir():
        raise SystemExit(f"needs {SETS_DIR}")

    from review.prioritise.datasets import read_labelled
    from review.prioritise.model import DEFAULTS, build_features

    names = [n for n in args.sets.split(",") if n]
    tuning = [n for n in args.tune_on.split(",") if n]
    data, texts = {}, []
    for name in dict.fromkeys(names + tuning):
        labelled = read_labelled(SETS_DIR / SETS[name])
        data[name] = (build_features(labelled.texts), labelled.labels)
        texts += labelled.texts
    c = tune(data, tuning, args.seeds) if tuning else DEFAULTS.c
    peer = args.asreview if args.asreview != "none" else None
    if peer is None:
        print("ASReview: not run (pip install asreview, or --asreview PATH)\n")
    print(f"review: TF-IDF 1–2-grams + logistic regression (balanced, C={c}); priors 1 + 1;")
    print(f"means over seeds 0–{args.seeds - 1}, range in brackets; * = C tuned on this set\n")
    head = f"{'set':22}{'records':>8}{'incl':>5}  {'WSS@95 review':>22}{'recall@10% review':>24}"
    if peer:
        head += f"{'WSS@95 ASReview':>24}{'recall@10% ASReview':>24}"
    print(head)
    ahead = []
    for name in names:
        features, labels = data[name]
        w, r, pw, pr = [], [], [], []
        for seed in range(args.seeds):
            one = figures(ours(features, labels, seed, c))
            w.append(one[0])
            r.append(one[1])
            if peer:
                theirs = figures(asreview(peer, SETS_DIR / SETS[name], labels, seed))
                pw.append(theirs[0])
                pr.append(theirs[1])
        mark = "*" if name in tuning else " "
        line = f"{name + mark:22}{len(labels):>8,}{sum(labels):>5}  {spread(w):>22}{spread(r):>24}"
        if peer:
            line += f"{spread(pw):>24}{spread(pr):>24}"
            if name not in tuning:
                wss_ok = statistics.mean(w) >= statistics.mean(pw)
                ahead.append((name, wss_ok, statistics.mean(r) >= statistics.mean(pr)))
        print(line, flush=True)
    for name, wss_ok, recall_ok in ahead:
        print(
            f"  {name}: WSS@95 {'≥' if wss_ok else '<'} ASReview, "
            f"recall@10% {'≥' if recall_ok else '<'} ASReview"
        )
    print()
    retrain_times([int(s) for s in args.sizes.split(",") if s], texts)


if __name__ == "__main__":
    main()
