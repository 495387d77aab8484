"""How prioritised screening looks in an 80×24 terminal: the relevance line
under the progress bar and the stopping panel (update deliberately:
--snapshot-update).

No worker process and no model: the ranking is made here with fixed scores
by the worker's own function and handed to the screen's handler, so the
picture cannot depend on how fast a retrain ran."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot

from review.ingest import ImportOptions, import_paths
from review.models import SourceKind, Stage
from review.review_file import create_review
from review.screening.ranker import make_ranking
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.screening import ScreeningScreen
from review.tui.screens.stopping_panel import StoppingPanel
from tests.conftest import FIXTURES, SAMPLE_PROTOCOL, fixed_clock
from tests.tui.test_screening_snapshots import SnapCompare

SMALL = (80, 24)
LABELLED = FIXTURES / "labelled" / "antihistamines_80.csv"


@pytest.fixture
def decided(tmp_path: Path) -> Path:
    """80 labelled records; ann has included the first and excluded the next five."""
    path = tmp_path / "ranked.db"
    with create_review(path, SAMPLE_PROTOCOL) as store:
        import_paths(store, [LABELLED], ImportOptions(kind=SourceKind.DATABASE, source_name="C"))
    with Store.open(path, now=fixed_clock) as store:
        keys = [store.records.record(i).key for i in range(1, 7)]
        store.screening.record_decision(keys[0], Stage.TITLE_ABSTRACT, "include", reviewer="ann")
        for key in keys[1:]:
            store.screening.record_decision(
                key, Stage.TITLE_ABSTRACT, "exclude", reviewer="ann", reasons=["population"]
            )
    return path


async def ranked(pilot: Pilot[None]) -> None:
    """Prioritisation on, then one fixed ranking taken as a retrain's answer."""
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ScreeningScreen)
    screen._retrain = lambda prioritiser: None  # type: ignore[method-assign]  # no worker
    await pilot.press("p")
    prioritiser = screen._prioritiser
    assert prioritiser is not None
    units = len(screen.session.state.units)
    scores = [(position * 37 % 100) / 100 for position in range(units)]
    screen.priority_take(prioritiser, make_ranking(units, prioritiser.labels, scores, 0, 0.0))
    await pilot.press("right")  # the next record: the top of the new order
    pilot.app.clear_notifications()
    await pilot.pause()


async def stopping_panel(pilot: Pilot[None]) -> None:
    await ranked(pilot)
    await pilot.press("w")
    for _ in range(400):  # the figures are computed in a thread: wait for them
        await pilot.pause(0.02)
        panel = pilot.app.screen
        if isinstance(panel, StoppingPanel) and panel.figures is not None:
            break
    await pilot.pause()


def _app(path: Path) -> ReviewApp:
    return ReviewApp(
        Store.open(path, now=fixed_clock), reviewer="ann", screening=Stage.TITLE_ABSTRACT
    )


def test_relevance_line_at_80_by_24(snap_compare: SnapCompare, decided: Path) -> None:
    assert snap_compare(_app(decided), terminal_size=SMALL, run_before=ranked)


def test_stopping_panel_at_80_by_24(snap_compare: SnapCompare, decided: Path) -> None:
    assert snap_compare(_app(decided), terminal_size=SMALL, run_before=stopping_panel)
