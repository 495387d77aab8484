"""A skipped record stays behind when a retrain reorders the queue."""

from __future__ import annotations

import time
from pathlib import Path

from review.models import Stage
from review.screening.ranker import make_ranking
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.screening import ScreeningScreen
from tests.tui.conftest import SIZE
from tests.tui.test_prioritise import review  # noqa: F401  (fixture)


async def test_a_skipped_record_stays_behind_a_new_ranking(review: Path) -> None:  # noqa: F811
    app = ReviewApp(Store.open(review), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        await pilot.press("p")
        prioritiser = screen._prioritiser
        assert prioritiser is not None
        skipped = screen.session.current
        await pilot.press("s")
        shown = screen.session.current
        assert skipped is not None and shown is not None and shown != skipped
        units = len(screen.session.state.units)
        scores = [0.0] * units
        scores[skipped.position], scores[shown.position] = 1.0, 0.9
        prioritiser.apply(make_ranking(units, prioritiser.labels, scores, 0, time.perf_counter()))
        await pilot.press("i")
        await pilot.pause()
        after = screen.session.current
        assert after is not None and after != skipped
    with Store.open(review) as fresh:
        [decision] = fresh.screening.decisions()
    assert decision.record_key == shown.key
