"""The screening and conflicts screens in an 80×24 terminal, the smallest a
reviewer is promised (issue 14): the footer keeps `q Quit ? Keys`, the
progress line its maybe count, the header the reviewer's name."""

from __future__ import annotations

from pathlib import Path

from review.models import Stage
from review.store import Store
from review.tui.app import ReviewApp
from tests.conftest import fixed_clock, unit_rows
from tests.tui.test_screening_snapshots import (
    SnapCompare,
    _app,
    _open_conflicts,
    sample_path,  # noqa: F401  (fixture)
)

SMALL = (80, 24)


def test_screening_at_80_by_24(snap_compare: SnapCompare, sample_path: Path) -> None:  # noqa: F811
    assert snap_compare(_app(sample_path), terminal_size=SMALL, press=["m", "i"])


def test_conflicts_at_80_by_24(snap_compare: SnapCompare, sample_path: Path) -> None:  # noqa: F811
    with Store.open(sample_path, now=fixed_clock) as store:
        for key, _ in unit_rows(store)[:3]:
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="ann")
            store.screening.record_decision(
                key, Stage.TITLE_ABSTRACT, "exclude", reviewer="bob", reasons=["review"]
            )
    app = ReviewApp(Store.open(sample_path, now=fixed_clock), reviewer="carol")
    assert snap_compare(app, terminal_size=SMALL, run_before=_open_conflicts)
