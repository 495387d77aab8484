"""Automatic merges on the full labelled corpora: precision first (skipped without ../shared)."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "dedup_bench.py"
CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"

pytestmark = pytest.mark.skipif(not CORPORA.exists(), reason="../shared/corpora is absent")


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dedup_bench", BENCH)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "min_recall"), [("haematology", 0.79), ("stroke", 0.99), ("asysd", 0.995)]
)
def test_automatic_merges_are_precise(name: str, min_recall: float) -> None:
    bench = _bench()
    rows = bench.load_rows(name)
    groups, _ = bench.run_review(rows)
    if name == "asysd":
        quality = bench.keep_remove(groups, rows)
    else:
        quality = bench.pairwise(groups, bench.true_groups(name))
    assert quality["precision"] >= 0.999, quality
    assert quality["recall"] >= min_recall, quality


@pytest.mark.parametrize("name", ["haematology", "stroke", "asysd"])
def test_no_group_holds_two_records_whose_direct_comparison_is_a_conflict(name: str) -> None:
    from review.dedup import find_duplicates
    from tests.test_dedup_conflicts import assert_no_group_holds_a_conflict

    bench = _bench()
    records = bench.to_records(bench.load_rows(name))
    assert_no_group_holds_a_conflict(records, find_duplicates(records).groups)
