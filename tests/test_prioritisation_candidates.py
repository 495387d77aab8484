"""The prioritisation bench's candidates: each one a model review can run, none
twice, the shipped default among them, and ELAS u4 as ASReview runs it (its
balancer rescales the class weights, so ours must be on for that candidate)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest

from review.prioritise.model import DEFAULTS, ModelSettings, class_weights

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"


def _load(name: str) -> ModuleType:
    """A benchmark script as a module (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location(name, BENCH / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _candidates() -> ModuleType:
    return _load("prioritisation_candidates")


def test_every_candidate_is_a_distinct_model_and_the_default_is_one() -> None:
    module = _candidates()
    settings = [ModelSettings(**{**module.BASE, **one}) for one in module.CANDIDATES]
    assert len(set(settings)) == len(settings)  # a twin would split the choice's ties
    assert DEFAULTS in settings


def test_elas_u4_candidate_has_asreviews_settings_and_rescaled_weights() -> None:
    module = _candidates()
    elas = {"classifier": "svm", "c": 0.11, "ratio": 9.8, "keywords": False, "max_df": 0.95}
    assert elas in module.CANDIDATES
    settings = ModelSettings(**{**module.BASE, **elas})
    assert settings.rescale_weights and settings.title_weight == 1 and settings.sublinear_tf
    # ASReview's Balanced(ratio=9.8): an include 1, an exclude includes/(9.8 x
    # excludes), then all scaled to sum to the number of rows.
    y = np.array([1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
    raw = np.where(y == 1, 1.0, 2 / (9.8 * 8))
    theirs = raw * len(y) / raw.sum()
    ours = class_weights(y, settings.ratio, settings.rescale_weights)
    assert ours[1] == pytest.approx(theirs[0]) and ours[0] == pytest.approx(theirs[-1])


def _bench() -> ModuleType:
    return _load("prioritisation_bench")


def test_the_bench_chooses_by_the_worst_margin_to_asreview_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bench = _bench()
    leader = {"classifier": "svm", "c": 0.11, "ratio": 20.0}  # far ahead on one, behind on one
    even = {"classifier": "svm", "c": 0.11, "ratio": 9.8}  # level with ASReview on both
    monkeypatch.setattr(bench, "CANDIDATES", [leader, even])
    peer = {"A": [(0.5, 0.5)] * 2, "B": [(0.5, 0.5)] * 2}
    figures = {("A", 0): (0.9, 0.9), ("A", 1): (0.9, 0.9), ("B", 0): (0.45, 0.5)}
    figures[("B", 1)] = (0.45, 0.5)
    runs = {bench.job_key((s, seed, leader)): f for (s, seed), f in figures.items()}
    runs |= {bench.job_key((s, seed, even)): (0.5, 0.5) for s in "AB" for seed in (0, 1)}
    assert bench.worst_margin(runs, peer, leader, ["A", "B"], 2) == pytest.approx(-5.0)
    assert bench.worst_margin(runs, peer, even, ["A", "B"], 2) == pytest.approx(0.0)
    assert bench.choose(runs, ["A", "B"], 2, peer) == even  # the target: never behind
    assert bench.choose(runs, ["A", "B"], 2) == leader  # the mean hides the loss on B
