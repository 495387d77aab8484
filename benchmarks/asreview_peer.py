"""ASReview LAB's screening order for a labelled set, for the prioritisation
bench: `asreview simulate` in its own process with the bench's priors and
seed, read back from the project file and checked against the labels."""

from __future__ import annotations

import functools
import json
import sqlite3
import subprocess
import tempfile
import zipfile
from pathlib import Path


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


@functools.cache
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
