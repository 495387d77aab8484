"""How the duplicates screen looks with a probable pair (update deliberately: --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.pilot import Pilot

from review.store import Store
from review.tui.app import ReviewApp
from tests.tui.conftest import SIZE, run_from_palette
from tests.tui.test_duplicates import dup_store  # noqa: F401  (fixture)

SnapCompare = Callable[..., bool]


async def _open_duplicates(pilot: Pilot[Any]) -> None:
    await run_from_palette(pilot, "Duplicates")


def test_duplicates_screen(snap_compare: SnapCompare, dup_store: Store) -> None:  # noqa: F811
    assert snap_compare(
        ReviewApp(dup_store, reviewer="alice"), terminal_size=SIZE, run_before=_open_duplicates
    )
