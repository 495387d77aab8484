"""Automatic merges on the full labelled corpora, over screening units: precision
first, and no group holding two conflicting records (skipped without ../shared)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from review.dedup import find_duplicates
from tests.test_dedup_conflicts import assert_no_group_holds_a_conflict

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
CORPORA = Path(__file__).resolve().parent.parent.parent / "shared" / "corpora"

pytestmark = pytest.mark.skipif(not CORPORA.exists(), reason="../shared/corpora is absent")


def _sets() -> ModuleType:
    spec = importlib.util.spec_from_file_location("dedup_sets", BENCH / "dedup_sets.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("dedup_sets", module)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("name", "min_recall"),
    [("haematology", 0.79), ("stroke", 0.99), ("asysd", 0.995), ("special", 0.3), ("cases", 0.6)],
)
def test_screening_units_are_precise(name: str, min_recall: float) -> None:
    sets = _sets()
    units = []
    for rows in sets.load_batches(name):
        records = sets.to_records(rows)
        units += sets.screening_units(records, find_duplicates(records))
    quality = sets.quality(name, sets.load_rows(name), units)
    assert quality["precision"] >= 0.999, quality
    assert quality["recall"] >= min_recall, quality


@pytest.mark.parametrize("name", ["haematology", "stroke", "asysd"])
def test_no_group_holds_two_records_whose_direct_comparison_is_a_conflict(name: str) -> None:
    sets = _sets()
    records = sets.to_records(sets.load_rows(name))
    assert_no_group_holds_a_conflict(records, find_duplicates(records).groups)
