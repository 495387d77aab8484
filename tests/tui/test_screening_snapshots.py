"""How the screening and conflicts screens look (update deliberately: --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from review.models import Stage
from review.sample import build_sample
from review.store import Store
from review.tui.app import ReviewApp
from tests.conftest import fixed_clock, unit_rows
from tests.tui.conftest import SIZE, run_from_palette


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    """The seeds under the sample protocol with nothing decided: these tests
    count a full queue of five records (the shipped sample has three included)."""
    path = tmp_path / "sample.db"
    build_sample(path, screened=False).close()
    return path


SnapCompare = Callable[..., bool]


def _app(path: Path, reviewer: str = "ann") -> ReviewApp:
    return ReviewApp(
        Store.open(path, now=fixed_clock), reviewer=reviewer, screening=Stage.TITLE_ABSTRACT
    )


def test_record_with_highlighted_terms(snap_compare: SnapCompare, sample_path: Path) -> None:
    assert snap_compare(_app(sample_path), terminal_size=SIZE)


def test_reason_picker_open(snap_compare: SnapCompare, sample_path: Path) -> None:
    assert snap_compare(_app(sample_path), terminal_size=SIZE, press=["e"])


def test_criteria_panel(snap_compare: SnapCompare, sample_path: Path) -> None:
    assert snap_compare(_app(sample_path), terminal_size=SIZE, press=["right", "c"])


def test_conflict_view(snap_compare: SnapCompare, sample_path: Path) -> None:
    with Store.open(sample_path, now=fixed_clock) as store:
        key = unit_rows(store)[0][0]
        store.screening.record_decision(
            key, Stage.TITLE_ABSTRACT, "include", reviewer="ann", note="RT + ICI"
        )
        store.screening.record_decision(
            key, Stage.TITLE_ABSTRACT, "exclude", reviewer="bob", reasons=["review"]
        )
    app = ReviewApp(Store.open(sample_path, now=fixed_clock), reviewer="carol")
    assert snap_compare(app, terminal_size=SIZE, run_before=_open_conflicts)


async def _open_conflicts(pilot: Pilot[Any]) -> None:
    await run_from_palette(pilot, "Conflicts")


def test_empty_queue(snap_compare: SnapCompare, sample_path: Path) -> None:
    with Store.open(sample_path, now=fixed_clock) as store:
        for key, _ in unit_rows(store):
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="ann")
    assert snap_compare(_app(sample_path), terminal_size=SIZE)
