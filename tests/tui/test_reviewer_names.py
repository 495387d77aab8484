"""The TUI takes a typed name as the reviewer already in the review when it
differs only by case or spacing: it says so once, shows that spelling in the
header, queues what that reviewer has left and records under it."""

from __future__ import annotations

from pathlib import Path

import pytest

from review.models import Stage
from review.sample import build_sample
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.screening import ScreeningScreen
from tests.conftest import unit_rows
from tests.tui.conftest import SIZE, run_from_palette


@pytest.fixture
def half_screened(tmp_path: Path) -> Path:
    """The sample, two of its five records screened by `Ann`."""
    path = tmp_path / "sample.db"
    build_sample(path, screened=False).close()
    with Store.open(path) as store:
        for key, _ in unit_rows(store)[:2]:
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="Ann")
    return path


def reviewers(path: Path) -> list[str]:
    with Store.open(path) as fresh:
        return [event.reviewer for event in fresh.screening.decisions()]


def said(app: ReviewApp) -> list[str]:
    return [n.message for n in app._notifications if "already in this review" in n.message]


async def test_a_name_given_at_launch_is_the_reviewer_already_here(half_screened: Path) -> None:
    app = ReviewApp(Store.open(half_screened), reviewer=" ann ", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        assert screen.session.counts.to_do == 3  # Ann's two are done, not five to do
        assert app.sub_title.startswith("Ann · ")
        await pilot.press("i")
        await pilot.pause()
        assert said(app) == ["Working as Ann, already in this review (typed 'ann')"]
    assert reviewers(half_screened) == ["Ann", "Ann", "Ann"]


async def test_a_name_typed_at_the_prompt_is_the_reviewer_already_here(
    half_screened: Path,
) -> None:
    app = ReviewApp(Store.open(half_screened))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await run_from_palette(pilot, "Screen records")
        await pilot.press(*"ANN", "enter")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        assert screen.session.counts.to_do == 3
        await pilot.press("i", "escape")  # then back home, and screening again
        await pilot.pause()
        await run_from_palette(pilot, "Screen records")
        await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)  # not asked again
        assert said(app) == ["Working as Ann, already in this review (typed 'ANN')"]
    assert reviewers(half_screened) == ["Ann", "Ann", "Ann"]


async def test_a_new_name_is_kept_as_typed_and_nothing_is_said(half_screened: Path) -> None:
    app = ReviewApp(
        Store.open(half_screened), reviewer="  Bo  Lee ", screening=Stage.TITLE_ABSTRACT
    )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("m")
        await pilot.pause()
        assert said(app) == []
    assert reviewers(half_screened) == ["Ann", "Ann", "Bo  Lee"]
