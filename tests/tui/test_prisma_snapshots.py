"""How the PRISMA and export screens look on the sample review (update
deliberately: --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.export import ExportScreen
from tests.conftest import fixed_clock
from tests.tui.conftest import SIZE, run_from_palette

SnapCompare = Callable[..., bool]


def _app(path: Path) -> ReviewApp:
    return ReviewApp(Store.open(path, now=fixed_clock), reviewer="ann")


async def _prisma(pilot: Pilot[Any]) -> None:
    await run_from_palette(pilot, "PRISMA flow diagram")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.press("tab", "tab", "tab")
    await pilot.pause()


@pytest.mark.parametrize("size", [(80, 24), (160, 45)], ids=["80x24", "160x45"])
def test_prisma_screen(snap_compare: SnapCompare, sample_path: Path, size: tuple[int, int]) -> None:
    assert snap_compare(_app(sample_path), terminal_size=size, run_before=_prisma)


def test_export_screen_after_an_export(
    snap_compare: SnapCompare, sample_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Relative paths (the folder `exports`, from the review's folder) and a
    fixed clock, so the shot does not depend on where or when it ran."""
    monkeypatch.chdir(sample_path.parent)

    async def go(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, ReviewApp) and app.store is not None
        await app.push_screen(ExportScreen(app.store, folder=Path("exports"), now=fixed_clock))
        await pilot.press("ctrl+d", "ctrl+e")
        await app.workers.wait_for_complete()
        await pilot.pause()

    assert snap_compare(_app(sample_path), terminal_size=SIZE, run_before=go)
