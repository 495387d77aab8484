"""Keys typed ahead in a burst, as fast reviewers do: every one applied, in order.

The keys are posted together without waiting for the screen between them,
so the second arrives while the first is still opening the reason picker.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from review.models import Stage
from review.sample import build_sample
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.screening import ScreeningScreen
from tests.tui.conftest import SIZE, burst


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    build_sample(path, screened=False).close()
    return path


def decisions(path: Path) -> list[tuple[str | None, tuple[str, ...]]]:
    with Store.open(path) as fresh:
        return [(e.decision, e.reasons) for e in fresh.screening.decisions()]


async def test_exclude_and_its_reason_typed_in_one_burst(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)
        burst(app, "e", "5", "i", "e", "0", "m")
        for _ in range(20):
            await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)
    assert decisions(sample_path) == [
        ("exclude", ("review",)),
        ("include", ()),
        ("exclude", ()),
        ("maybe", ()),
    ]


async def test_a_note_typed_ahead_of_its_prompt_is_kept_whole(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "n", *"pd-1 arm", "enter", "i")
        for _ in range(20):
            await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)
    with Store.open(sample_path) as fresh:
        [first] = fresh.screening.decisions()
        notes = fresh.screening.notes(first.record_key, Stage.TITLE_ABSTRACT)
    assert first.decision == "include"
    assert [n.text for n in notes] == ["pd-1 arm"]


async def test_rapid_exclusions_none_lost(sample_path: Path) -> None:
    """Five records excluded with reasons in one burst: five exclusions, in queue order."""
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        queue = [unit.key for unit in screen.session.units()]
        burst(app, *["e", "1"] * 5)
        for _ in range(30):
            await pilot.pause()
    with Store.open(sample_path) as fresh:
        stored = [(e.record_key, e.decision) for e in fresh.screening.decisions()]
    assert stored == [(key, "exclude") for key in queue]
