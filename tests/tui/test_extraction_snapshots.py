"""How the extraction screens look (update deliberately: --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from review.sample import INCLUDED, build_sample
from review.store import Store
from review.tui.app import ReviewApp
from tests.conftest import fixed_clock
from tests.tui.conftest import SIZE
from tests.tui.test_extraction import dual_sample

SnapCompare = Callable[..., bool]
COHORT, TRIAL, FRESH = INCLUDED


def _sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    build_sample(path, now=fixed_clock).close()
    return path


def _app(path: Path, study: str | None) -> ReviewApp:
    return ReviewApp(Store.open(path, now=fixed_clock), reviewer="kim", extraction=study or "list")


def test_study_list(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(_app(_sample(tmp_path), None), terminal_size=SIZE)


def test_form_on_an_arm_row(snap_compare: SnapCompare, tmp_path: Path) -> None:
    """The outline with the repeating groups' rows; the arm's fields beside it."""
    app = _app(_sample(tmp_path), TRIAL)
    assert snap_compare(app, terminal_size=SIZE, press=["down", "down"])


def test_form_with_an_invalid_value(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = _app(_sample(tmp_path), TRIAL)
    keys = [
        "down",
        "down",
        "enter",
        "tab",
        "tab",
        "tab",
        "tab",
        "tab",
        "ctrl+u",
        "1",
        "2",
        "0",
        "tab",
    ]
    assert snap_compare(app, terminal_size=SIZE, press=keys)


def test_completion_problems(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(_app(_sample(tmp_path), FRESH), terminal_size=SIZE, press=["c"])


def test_comparison_view(snap_compare: SnapCompare, tmp_path: Path) -> None:
    app = ReviewApp(Store.open(dual_sample(tmp_path), now=fixed_clock), reviewer="kim")
    assert snap_compare(
        app,
        terminal_size=SIZE,
        press=["ctrl+p", *"Extraction", "wait:300", "enter", "wait:200", "d"],
    )
