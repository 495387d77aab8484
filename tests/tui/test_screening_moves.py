"""Leaving and moving through screening as a user does (issue 14): Esc goes
back to where screening was opened; a skipped record stays behind after a
filter is cleared."""

from __future__ import annotations

from pathlib import Path

from review.models import Stage
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.home import HomeScreen
from review.tui.screens.records import RecordsScreen
from review.tui.screens.screening import ScreeningScreen
from tests.tui.conftest import SIZE, run_from_palette
from tests.tui.test_screening import sample_path  # noqa: F401  (fixture: nothing decided)


async def test_escape_goes_back_to_the_browser(sample_path: Path) -> None:  # noqa: F811
    app = ReviewApp(Store.open(sample_path), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Records")
        browser = app.screen
        assert isinstance(browser, RecordsScreen)
        await run_from_palette(pilot, "Screen records")
        assert isinstance(app.screen, ScreeningScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is browser


async def test_escape_from_screening_opened_first_shows_the_home(
    sample_path: Path,  # noqa: F811
) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_a_skipped_record_stays_behind_after_the_search_is_cleared(
    sample_path: Path,  # noqa: F811
) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        skipped = screen.session.current
        await pilot.press("s")
        after_skip = screen.session.current
        await pilot.press("slash", *"radiotherapy", "enter")
        await pilot.pause()
        await pilot.press("f", "x")  # clear search, label and warnings
        await pilot.pause()
        assert skipped is not None and after_skip is not None
        assert screen.session.current == after_skip
        await pilot.press("i")
    with Store.open(sample_path) as fresh:
        [decision] = fresh.screening.decisions()
    assert decision.record_key == after_skip.key


async def test_left_after_undo_goes_to_the_record_decided_before(
    sample_path: Path,  # noqa: F811
) -> None:
    """QA: ← after `u` showed the record after the undone one (the queue's next),
    not the one decided just before it."""
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        decided = []
        for _ in range(3):
            decided.append(screen.session.current)
            await pilot.press("i")
        await pilot.press("u")
        await pilot.pause()
        assert screen.session.current == decided[2]
        await pilot.press("left")
        await pilot.pause()
        assert screen.session.current == decided[1]
        await pilot.press("left")
        await pilot.pause()
        assert screen.session.current == decided[0]
        await pilot.press("i")  # decide the first again: the queue goes on to the undone one
        await pilot.pause()
        assert screen.session.current == decided[2]
