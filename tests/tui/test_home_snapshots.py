"""How the home screen looks on the sample, at the smallest supported terminal and a large one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.home import HomeScreen
from tests.conftest import fixed_clock

SnapCompare = Callable[..., bool]


async def _counted(pilot: Pilot[Any]) -> None:
    """The shot is taken once the counts are in, not while they are counted."""
    for _ in range(500):
        screen = pilot.app.screen
        if isinstance(screen, HomeScreen) and screen.report is not None:
            break
        await pilot.pause(0.01)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_home_on_the_sample(
    snap_compare: SnapCompare, sample_path: Path, size: tuple[int, int]
) -> None:
    app = ReviewApp(Store.open(sample_path, now=fixed_clock), reviewer="kim")
    assert snap_compare(app, terminal_size=size, run_before=_counted)
