"""Prioritised screening driven by keys: `p` turns the ranking on, decisions
retrain it in the background, `w` opens the stopping panel and `s` records
the stop; the file is then read with a fresh connection."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual.pilot import Pilot

from review.ingest import ImportOptions, import_paths
from review.models import SourceKind, Stage
from review.review_file import create_review
from review.screening.priority_ledger import history
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.reason_picker import ReasonPicker
from review.tui.screens.screening import ScreeningScreen
from review.tui.screens.stopping_panel import StoppingPanel
from review.tui.widgets.priority_bar import PriorityBar
from tests.conftest import FIXTURES, SAMPLE_PROTOCOL
from tests.tui.conftest import SIZE

LABELLED = FIXTURES / "labelled" / "antihistamines_80.csv"


@pytest.fixture
def review(tmp_path: Path) -> Path:
    path = tmp_path / "ranked.db"
    with create_review(path, SAMPLE_PROTOCOL) as store:
        options = ImportOptions(kind=SourceKind.DATABASE, source_name="Cohen")
        import_paths(store, [LABELLED], options)
    return path


def bar_text(screen: ScreeningScreen) -> str:
    bar = screen.query_one(PriorityBar)
    if not bar.display:
        return ""
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(bar.render())
    return console.export_text()


async def wait_for(pilot: Pilot[None], condition: object, seconds: float = 120) -> None:
    for _ in range(int(seconds / 0.05)):
        if condition():  # type: ignore[operator]
            return
        await pilot.pause(0.05)
    raise AssertionError("timed out")


async def test_prioritise_retrain_and_record_a_stop(review: Path) -> None:
    app = ReviewApp(Store.open(review), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        assert bar_text(screen) == ""
        await pilot.press("p")
        assert "warm-up" in bar_text(screen)
        # One include and one exclude (with a reason), typed without waiting.
        await pilot.press("i", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonPicker))
        await pilot.press("1")
        await wait_for(pilot, lambda: "predicted relevance" in bar_text(screen))
        assert "model from 2 decisions" in bar_text(screen)
        await pilot.press("w")
        await wait_for(pilot, lambda: isinstance(app.screen, StoppingPanel))
        panel = app.screen
        await wait_for(pilot, lambda: panel.figures is not None)  # type: ignore[attr-defined]
        await pilot.press("s")
        await pilot.pause()
        assert app.screen is screen
    with Store.open(review) as fresh:
        events = fresh.prioritisation.events()
        decisions = fresh.screening.decisions()
    assert [e.action for e in events] == ["start", "stop", "off"]  # quitting ends the period
    assert events[0].settings["model"] == "tfidf-svm" and events[0].reviewer == "ann"
    stop = events[1].figures
    assert events[1].settings == events[0].settings  # the model screened with, its seed
    assert events[1].settings["seed"] == 0 and events[1].settings["retrain_every"] == 1
    assert (stop["screened"], stop["includes"], stop["total"]) == (2, 1, 80)
    assert stop["rule"].startswith("hypergeometric") and stop["safe_to_stop"] is False
    assert [d.decision for d in decisions] == ["include", "exclude"]


async def test_the_protocol_turns_it_on_and_p_turns_it_off(review: Path, tmp_path: Path) -> None:
    protocol = tmp_path / "protocol.yaml"
    text = SAMPLE_PROTOCOL.read_text(encoding="utf-8")
    setting = "  reviewers_per_record: 2\n"
    on = text.replace(setting, setting + "  prioritise: true\n")
    assert on != text
    protocol.write_text(on, encoding="utf-8")
    path = tmp_path / "on.db"
    with create_review(path, protocol) as store:
        import_paths(store, [LABELLED], ImportOptions(kind=SourceKind.DATABASE, source_name="C"))
    app = ReviewApp(Store.open(path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        assert "warm-up" in bar_text(screen)
        first = screen.session.current
        assert first is not None and first.position != 0  # seeded random, not import order
        await pilot.press("p")
        assert bar_text(screen) == ""
    with Store.open(path) as fresh:
        assert [e.action for e in fresh.prioritisation.events()] == ["start", "off"]


async def test_a_stop_without_prioritisation_records_no_model(review: Path) -> None:
    app = ReviewApp(Store.open(review), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("i", "w")
        await wait_for(pilot, lambda: isinstance(app.screen, StoppingPanel))
        panel = app.screen
        await wait_for(pilot, lambda: panel.figures is not None)  # type: ignore[attr-defined]
        await pilot.press("s")
        await pilot.pause()
    with Store.open(review) as fresh:
        [stop] = fresh.prioritisation.events()
    assert stop.action == "stop" and stop.settings == {} and stop.figures["screened"] == 1


async def test_a_period_left_open_by_a_killed_session_ends_and_a_new_one_starts(
    review: Path,
) -> None:
    # A session killed (SIGKILL, power cut) after `p` never recorded its "off".
    with Store.open(review) as store:
        store.prioritisation.record(
            Stage.TITLE_ABSTRACT, "start", reviewer="ann", settings={"model": "tfidf-svm"}
        )
    app = ReviewApp(Store.open(review), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        assert "warm-up" in bar_text(screen)  # the reviewer left it on: it still is
        with Store.open(review) as fresh:
            [ann] = history(fresh)
        # The killed session's period ends where this one starts: the methods
        # section never dates one session's order by another's.
        assert ann.on and len(ann.periods) == 2 and ann.periods[0][1] is not None
    with Store.open(review) as fresh:
        assert [e.action for e in fresh.prioritisation.events()] == ["start", "off", "start", "off"]


async def test_p_is_remembered_for_the_reviewers_next_session_until_turned_off(
    review: Path,
) -> None:
    async def session(*keys: str) -> str:
        app = ReviewApp(Store.open(review), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, ScreeningScreen)
            shown = bar_text(screen)
            await pilot.press(*keys)
            await pilot.pause()
        return shown

    assert await session("p") == ""  # import order until `p`
    assert "warm-up" in await session("p")  # resumed; then turned off
    assert await session() == ""
    with Store.open(review) as fresh:
        [ann] = history(fresh)
    assert not ann.on and not ann.resume and len(ann.periods) == 2
    other = ReviewApp(Store.open(review), reviewer="bob", screening=Stage.TITLE_ABSTRACT)
    async with other.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(other.screen, ScreeningScreen)
        assert bar_text(other.screen) == ""  # ann's choice is hers alone


async def test_decisions_made_during_a_retrain_go_into_the_next_without_another_key(
    review: Path,
) -> None:
    """A burst of decisions while the model trains: the next retrain follows by
    itself, so the open record's line (and the order) learn from all of them."""
    app = ReviewApp(Store.open(review), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        await pilot.press("p", "i", "e")
        await wait_for(pilot, lambda: isinstance(app.screen, ReasonPicker))
        await pilot.press("1", "e", "1", "e", "1", "m")  # typed while the first retrain runs
        await wait_for(pilot, lambda: "model from 5 decisions" in bar_text(screen))


async def test_quitting_from_another_stage_ends_the_prioritised_period_too(
    review: Path,
) -> None:
    """p on at title/abstract, then g to full text and quit there: the period
    ends with the session (the ledger must not say 'still on' tomorrow), and
    the next session resumes it."""
    app = ReviewApp(Store.open(review), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        await pilot.press("p", "g", "2")
        await wait_for(pilot, lambda: screen.session.stage is Stage.FULL_TEXT)
    with Store.open(review) as fresh:
        [ann] = history(fresh)
    assert not ann.on and ann.resume and ann.periods[0][1] is not None
