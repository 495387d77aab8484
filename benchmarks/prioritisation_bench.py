"""Prioritised screening on the labelled sets, next to ASReview LAB's default model.

For each labelled set in ../shared/corpora/systematic-review-datasets and
each of 5 seeds, one relevant and one irrelevant record are drawn with the
seed as prior knowledge; review's model and ASReview LAB's default (ELAS u4:
TF-IDF 1–2-grams, linear SVM, balanced; `asreview simulate`, its own
process, the same priors and seed) then screen the rest. Printed per set:
WSS@95 and recall@10% (means over the seeds, and the range), and which
model is ahead. Prior records are left out of every figure.

Both retrain after every decision. Nothing is tuned in-sample: `--tune-on`
names the sets the model is chosen on (CANDIDATES below, by the mean of
WSS@95 and recall@10% over the sets and seeds); the table marks them and the
verdict counts only the others. Without `--tune-on`, the shipped defaults
(which were chosen that way on the three Cohen sets; `--chosen-on` marks
them without searching again) are reported.

Then the one-off TF-IDF build and the time per retrain (fit on the decided
records + score every record + rank) at 10,000 and 100,000 records, with
texts cycled from the same sets.

    python benchmarks/prioritisation_bench.py [--seeds 5] [--asreview PATH|none]
        [--asreview-cache FILE] [--tune-on|--chosen-on ADHD,Antihistamines,UrinaryIncontinence]
        [--sizes 10000,100000] [--jobs 2]

`--asreview-cache` keeps ASReview's screening orders in a JSON file (they
depend only on the set, the seed and its version) so a rerun need not redo them.

ASReview: `pip install asreview` (or `pip install '.[bench]'`), or name its
executable with --asreview (it may live in its own virtual environment).
"""

from __future__ import annotations

import argparse
import json
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
CANDIDATES: list[dict[str, object]] = [
    {"classifier": "logistic", "c": 0.3, "ratio": 1.0},  # the first release's model
    {"classifier": "logistic", "c": 0.3, "ratio": 9.8},
    {"classifier": "logistic", "c": 1.0, "ratio": 9.8},
    {"classifier": "logistic", "c": 3.0, "ratio": 9.8},
    {"classifier": "svm", "c": 0.11, "ratio": 1.0},
    {"classifier": "svm", "c": 0.03, "ratio": 9.8},
    {"classifier": "svm", "c": 0.11, "ratio": 5.0},
    {"classifier": "svm", "c": 0.11, "ratio": 9.8},  # ASReview's ELAS u4 (it drops keywords)
    {"classifier": "svm", "c": 0.11, "ratio": 20.0},
    {"classifier": "svm", "c": 0.3, "ratio": 9.8},
]
"""What --tune-on chooses among (each with the defaults' features)."""


def ours(features: object, labels: list[int], seed: int, model: dict[str, object]) -> list[int]:
    from review.prioritise.model import ModelSettings
    from review.prioritise.simulate import simulate

    settings = ModelSettings(**model, seed=seed)  # type: ignore[arg-type]
    return simulate(features, labels, settings=settings, prior=1).labels  # type: ignore[arg-type]


def asreview(exe: str, path: Path, labels: list[int], seed: int, cache: Path | None) -> list[int]:
    """ASReview's screening order (priors left out), unscreened rows at the end."""
    stored = json.loads(cache.read_text()) if cache and cache.exists() else {}
    key = f"{path.name} seed {seed} {asreview_version(exe)}"
    if key not in stored:
        stored[key] = run_asreview(exe, path, labels, seed)
        if cache:
            cache.write_text(json.dumps(stored))
    order: list[int] = stored[key]
    return order


def asreview_version(exe: str) -> str:
    done = subprocess.run([exe, "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip() or "unknown"


def run_asreview(exe: str, path: Path, labels: list[int], seed: int) -> list[int]:
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


def tune(
    data: dict[str, tuple[object, list[int]]], names: list[str], seeds: int
) -> dict[str, object]:
    print(f"choosing the model on {', '.join(names)} (means over {seeds} seeds):")
    best, best_score = CANDIDATES[0], -1.0
    for model in CANDIDATES:
        runs = [
            figures(ours(data[name][0], data[name][1], seed, model))
            for name in names
            for seed in range(seeds)
        ]
        w, r = statistics.mean(x[0] for x in runs), statistics.mean(x[1] for x in runs)
        print(f"  {describe(model):38} WSS@95 {w:.3f}  recall@10% {r:.3f}", flush=True)
        if (w + r) / 2 > best_score:
            best, best_score = model, (w + r) / 2
    print(f"  → {describe(best)}\n")
    return best


def describe(model: dict[str, object]) -> str:
    kind = "linear SVM" if model["classifier"] == "svm" else "logistic regression"
    return f"{kind} (C={model['c']}, include:exclude weight {model['ratio']})"


def retrain_times(sizes: list[int], texts: list[str], model: dict[str, object]) -> None:
    import numpy as np

    from review.prioritise.model import ModelSettings, build_features, relevance
    from review.prioritise.order import ranked_order

    settings = ModelSettings(**model)  # type: ignore[arg-type]
    print("TF-IDF build (once per review, in the worker) and time per retrain")
    print("(fit on the decided records, score every record, rank the rest); wall and CPU:")
    for size in sizes:
        corpus = [f"{texts[i % len(texts)]} r{i}" for i in range(size)]
        wall, cpu = time.perf_counter(), time.process_time()
        features = build_features(corpus, settings)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(
            f"  {size:>7,} records: build {wall:.1f} s (CPU {cpu:.1f} s), "
            f"{features.shape[1]:,} features",
            flush=True,
        )
        rng = np.random.default_rng(0)
        for decided in dict.fromkeys((100, 1_000, size // 10)):
            rows = rng.choice(size, decided, replace=False)
            labels = {int(r): int(n % 20 == 0) for n, r in enumerate(rows)}
            undecided = sorted(set(range(size)) - set(labels))
            walls, cpus = [], []
            for _ in range(3):
                wall, cpu = time.perf_counter(), time.process_time()
                scores = relevance(features, labels, settings)
                ranked_order(undecided, scores, 0)
                walls.append(time.perf_counter() - wall)
                cpus.append(time.process_time() - cpu)
            print(
                f"  {size:>7,} records, {decided:>6,} decided: retrain median "
                f"{statistics.median(walls):.2f} s (max {max(walls):.2f} s, "
                f"CPU {statistics.median(cpus):.2f} s)",
                flush=True,
            )
    print("  (targets: retrain < 1 s at 10,000 and < 10 s at 100,000, off the UI thread)")


def _one(job: tuple[object, list[int], int, dict[str, object]]) -> tuple[float, float]:
    features, labels, seed, model = job
    return figures(ours(features, labels, seed, model))


def simulate_all(
    data: dict[str, tuple[object, list[int]]],
    names: list[str],
    seeds: int,
    model: dict[str, object],
    jobs: int,
) -> dict[tuple[str, int], tuple[float, float]]:
    """review's figures per (set, seed), in `jobs` processes (each run is
    deterministic, so how they are spread does not change a figure)."""
    keys = [(name, seed) for name in names for seed in range(seeds)]
    work = [(data[name][0], data[name][1], seed, model) for name, seed in keys]
    if jobs <= 1:
        return dict(zip(keys, map(_one, work), strict=True))
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(jobs) as pool:
        return dict(zip(keys, pool.map(_one, work), strict=True))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--asreview", default=shutil.which("asreview") or "none")
    parser.add_argument("--asreview-cache", default="", help="JSON file keeping its orders.")
    parser.add_argument("--tune-on", default="", help="Choose among CANDIDATES on these sets.")
    parser.add_argument(
        "--chosen-on", default="", help="No search: mark these sets as the defaults' tuning sets."
    )
    parser.add_argument("--sets", default=",".join(SETS))
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--jobs", type=int, default=1, help="Processes for review's runs.")
    args = parser.parse_args()
    if not SETS_DIR.is_dir():
        raise SystemExit(f"needs {SETS_DIR}")

    from dataclasses import asdict

    from review.prioritise.datasets import read_labelled
    from review.prioritise.model import DEFAULTS, build_features

    names = [n for n in args.sets.split(",") if n]
    tuning = [n for n in args.tune_on.split(",") if n]
    chosen_on = [n for n in args.chosen_on.split(",") if n]
    data, texts = {}, []
    for name in dict.fromkeys(names + tuning):
        labelled = read_labelled(SETS_DIR / SETS[name])
        data[name] = (build_features(labelled.texts), labelled.labels)
        texts += labelled.texts
    shipped = {k: v for k, v in asdict(DEFAULTS).items() if k in ("classifier", "c", "ratio")}
    model = tune(data, tuning, args.seeds) if tuning else shipped
    tuning = tuning or chosen_on
    peer = args.asreview if args.asreview != "none" else None
    if peer is None:
        print("ASReview: not run (pip install asreview, or --asreview PATH)\n")
    print(f"review: TF-IDF 1–2-grams + {describe(model)}; priors 1 + 1;")
    print(f"means over seeds 0–{args.seeds - 1}, range in brackets; * = tuned on this set\n")
    head = f"{'set':22}{'records':>8}{'incl':>5}  {'WSS@95 review':>22}{'recall@10% review':>24}"
    if peer:
        head += f"{'WSS@95 ASReview':>24}{'recall@10% ASReview':>24}"
    print(head)
    ahead = []
    cache = Path(args.asreview_cache) if args.asreview_cache else None
    runs = simulate_all(data, names, args.seeds, model, args.jobs)
    for name in names:
        labels = data[name][1]
        w, r, pw, pr = [], [], [], []
        for seed in range(args.seeds):
            one = runs[name, seed]
            w.append(one[0])
            r.append(one[1])
            if peer:
                theirs = figures(asreview(peer, SETS_DIR / SETS[name], labels, seed, cache))
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
    retrain_times([int(s) for s in args.sizes.split(",") if s], texts, model)


if __name__ == "__main__":
    main()
