"""A skipped record stays behind when a retrain reorders the queue: the new
order is taken by the screen's own handler for a retrain's answer, with the
skipped record ranked first, and the next record is still another one."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

from review.models import Stage
from review.screening.ranker import Ranking, make_ranking
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
        screen._retrain = lambda prioritiser: None  # type: ignore[method-assign]  # no worker
        await pilot.press("p")
        prioritiser = screen._prioritiser
        assert prioritiser is not None
        first = screen.session.current
        await pilot.press("s")
        second = screen.session.current
        await pilot.press("s")  # two skipped, in this order
        shown = screen.session.current
        assert first is not None and second is not None and shown is not None
        assert len({first, second, shown}) == 3
        units = len(screen.session.state.units)
        scores = [0.0] * units
        scores[second.position], scores[first.position], scores[shown.position] = 1.0, 0.9, 0.8
        answer: Future[Ranking] = Future()
        answer.set_result(make_ranking(units, dict(prioritiser.labels), scores, 0, 0.0))
        await screen._await(prioritiser, answer)
        assert prioritiser.ranking is not None and prioritiser.ranking.order[0] == second.position
        await pilot.press("i")
        await pilot.pause()
        after = screen.session.current
        assert after is not None and after not in (first, second, shown)
        # Every other record decided, the skipped ones come back in the order skipped.
        for _ in range(units - 3):
            await pilot.press("m")
        await pilot.pause()
        assert screen.session.current == first
        await pilot.press("i")
        await pilot.pause()
        assert screen.session.current == second
    with Store.open(review) as fresh:
        decided = [d.record_key for d in fresh.screening.decisions()]
    assert decided[0] == shown.key and decided[-1] == first.key and second.key not in decided
