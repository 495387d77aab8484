"""How the screens look, as SVG snapshots (update deliberately: --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.pilot import Pilot

from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.records import RecordsScreen
from tests.tui.conftest import SIZE

SnapCompare = Callable[..., bool]


async def _search_nasopharyngeal(pilot: Pilot[Any]) -> None:
    """Type a search, then wait out the debounce and the worker before the shot."""
    while not isinstance(pilot.app.screen, RecordsScreen):
        await pilot.pause()
    await pilot.press("slash", *"nasopharyngeal")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def test_records_screen(snap_compare: SnapCompare, sample_store: Store) -> None:
    assert snap_compare(ReviewApp(sample_store, action="app.records"), terminal_size=SIZE)


def test_records_screen_on_a_record_with_warnings(
    snap_compare: SnapCompare, sample_store: Store
) -> None:
    assert snap_compare(
        ReviewApp(sample_store, action="app.records"),
        terminal_size=SIZE,
        press=["j", "j", "j", "j"],
    )


def test_records_screen_searching(snap_compare: SnapCompare, sample_store: Store) -> None:
    assert snap_compare(
        ReviewApp(sample_store, action="app.records"),
        terminal_size=SIZE,
        run_before=_search_nasopharyngeal,
    )


def test_start_screen(snap_compare: SnapCompare, tmp_path: Path) -> None:
    assert snap_compare(ReviewApp(folder=tmp_path), terminal_size=SIZE)
