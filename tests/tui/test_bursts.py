"""A key that opens a choice, and the choice, typed in one burst on every
screen that has such keys (issue 14): each is applied, in order, none lost.

Screening's `e` + reason and notes are in test_type_ahead.py, the duplicates
screen's name prompt in test_duplicates.py, risk of bias's answers and `j` +
judgement + justification in test_rob.py; the rest are here.
"""

from __future__ import annotations

from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable

from review.models import Stage
from review.review_file import review_protocol
from review.rob.model import Judgement
from review.sample import INCLUDED, build_sample
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.conflicts import ConflictsScreen
from review.tui.screens.extraction_form import ExtractionFormScreen
from review.tui.screens.extraction_list import ExtractionListScreen
from review.tui.screens.rob_assessment import RobAssessmentScreen
from review.tui.screens.screening import ScreeningScreen
from tests.conftest import fixed_clock, unit_rows
from tests.rob_session_helpers import make_trial
from tests.tui.conftest import SIZE, burst, run_from_palette
from tests.tui.test_rob import open_assessment, stored
from tests.tui.test_screening import sample_path  # noqa: F401  (fixture: nothing decided)

FRESH = INCLUDED[2]


async def settle(pilot: Pilot[None], rounds: int = 30) -> None:
    for _ in range(rounds):
        await pilot.pause()


def screening_app(path: Path) -> ReviewApp:
    return ReviewApp(Store.open(path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)


async def test_screening_label_then_decision(sample_path: Path) -> None:  # noqa: F811
    app = screening_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        first = screen.session.current
        assert first is not None
        burst(app, "t", *"calib", "enter", "i", "t", *"calib", "enter", "e", "1")
        await settle(pilot)
        assert app.screen is screen
    with Store.open(sample_path) as fresh:
        decisions = [(e.record_key, e.decision) for e in fresh.screening.decisions()]
        labels = fresh.screening.labels()
    assert decisions[0] == (first.key, "include") and decisions[1][1] == "exclude"
    assert labels[first.key] == {"calib"} and labels[decisions[1][0]] == {"calib"}


async def test_screening_filter_and_label_filter_then_decision(
    sample_path: Path,  # noqa: F811
) -> None:
    app = screening_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        second = screen.session.units()[1]
        # label the second record, show only that label, include what shows
        burst(app, "right", "t", *"pilot", "enter", "f", "l", *"pilot", "enter", "i")
        await settle(pilot)
        assert screen.session.label == "pilot"
        burst(app, "f", "x", "f", "i")  # clear, then only what you included
        await settle(pilot)
        assert screen.session.label is None and screen.session.view.value == "included"
        assert [u.key for u in screen.session.units()] == [second.key]
    with Store.open(sample_path) as fresh:
        assert [(e.record_key, e.decision) for e in fresh.screening.decisions()] == [
            (second.key, "include")
        ]


async def test_screening_stage_picker_then_decision(sample_path: Path) -> None:  # noqa: F811
    with Store.open(sample_path) as store:  # two includes: one record reaches full text
        key = unit_rows(store)[0][0]
        for who in ("ann", "bob"):
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer=who)
    app = screening_app(sample_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ScreeningScreen)
        burst(app, "g", "2", "e", "1", "g", "1", "m")
        await settle(pilot)
        assert screen.session.stage is Stage.TITLE_ABSTRACT
    with Store.open(sample_path) as fresh:
        mine = [
            (e.stage, e.decision, e.record_key == key)
            for e in fresh.screening.decisions()
            if e.reviewer == "ann"
        ]
    assert mine[1:] == [(Stage.FULL_TEXT, "exclude", True), (Stage.TITLE_ABSTRACT, "maybe", False)]


async def test_conflicts_reason_and_note_then_the_next(sample_path: Path) -> None:  # noqa: F811
    with Store.open(sample_path, now=fixed_clock) as store:
        keys = [key for key, _ in unit_rows(store)[:2]]
        for key in keys:
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="ann")
            store.screening.record_decision(
                key, Stage.TITLE_ABSTRACT, "exclude", reviewer="bob", reasons=["review"]
            )
    app = ReviewApp(Store.open(sample_path), reviewer="carol")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Conflicts")
        assert isinstance(app.screen, ConflictsScreen)
        burst(app, "e", "1", *"consensus", "enter", "i", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ConflictsScreen)
    with Store.open(sample_path) as fresh:
        resolutions = [
            (e.record_key, e.decision, e.reasons, e.note)
            for e in fresh.screening.decisions()
            if e.kind == "resolve"
        ]
    assert resolutions == [
        (keys[0], "exclude", ("population",), "consensus"),
        (keys[1], "include", (), None),
    ]


async def test_extraction_list_filter_then_open(sample_path: Path) -> None:  # noqa: F811
    build_sample(sample_path.with_name("included.db")).close()  # the shipped sample: 3 included
    app = ReviewApp(Store.open(sample_path.with_name("included.db")), reviewer="kim")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Extraction")
        screen = app.screen
        assert isinstance(screen, ExtractionListScreen)
        burst(app, "c", "n", "a", "down", "down", "enter")
        await settle(pilot)
        assert screen.query_one(DataTable).row_count == 3
        assert isinstance(app.screen, ExtractionFormScreen)
        assert app.screen.session.study_key == FRESH


async def test_risk_of_bias_direction_and_variant_pickers(tmp_path: Path) -> None:
    path = tmp_path / "rob.db"
    build_sample(path).close()
    with Store.open(path, now=fixed_clock) as store:
        make_trial(store, review_protocol(store))
    app = ReviewApp(Store.open(path, now=fixed_clock), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await open_assessment(pilot)
        burst(app, "v", "2", "1", "1", "4", "c", "b", "2")
        await settle(pilot)
        assert isinstance(app.screen, RobAssessmentScreen)
    a = stored(path).assessment
    assert a.variant is not None and a.variant.endswith("adhering")
    assert a.decisions["D1"].final is Judgement.LOW
    assert a.decisions["D1"].direction is not None


async def test_a_prompt_opened_on_a_text_is_replaced_alike_fast_or_slow(tmp_path: Path) -> None:
    """The support prompt opens on the answer's support, selected: typed slowly,
    the new text replaces it; typed ahead of the prompt it was appended."""
    path = tmp_path / "rob.db"
    build_sample(path).close()  # the cohort's answers carry a sample support note
    app = ReviewApp(Store.open(path, now=fixed_clock), reviewer="kim")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Risk of bias")
        await pilot.press("enter")  # the cohort: ROBINS-I, on 1.1
        await pilot.pause()
        assert isinstance(app.screen, RobAssessmentScreen)
        burst(app, "down", "s", *"p. 4, table 2", "enter")
        await settle(pilot)
        assert isinstance(app.screen, RobAssessmentScreen)
        await pilot.press("down", "s")  # and slowly, on the next question
        await pilot.press(*"p. 5", "enter")
        await pilot.pause()
    with Store.open(path) as store:
        supports = {a.item: a.support for a in store.rob.events() if a.support is not None}
    assert supports["1.2"] == "p. 4, table 2"
    assert supports["1.4"] == "p. 5"
