"""The risk-of-bias screens driven by keys; the file is then read with a fresh
connection, as the reviewer would find it after quitting."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from textual import events as textual_events
from textual.pilot import Pilot
from textual.widgets import Static

from review.entry import main
from review.review_file import review_protocol
from review.rob.model import Judgement
from review.rob.session import RobSession
from review.sample import INCLUDED, build_sample
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.rob_assessment import RobAssessmentScreen
from review.tui.screens.rob_list import RobListScreen
from review.tui.screens.rob_summary import RobSummaryScreen
from review.tui.screens.text_prompt import TextPrompt
from tests.conftest import fixed_clock
from tests.rob_session_helpers import COHORT, TRIAL, make_trial
from tests.tui.conftest import SIZE, run_from_palette


@pytest.fixture
def rob_path(tmp_path: Path) -> Path:
    """The sample with TRIAL made a randomised trial with one result (RoB 2)."""
    path = tmp_path / "rob.db"
    build_sample(path).close()
    with Store.open(path, now=fixed_clock) as store:
        make_trial(store, review_protocol(store))
    return path


def stored(path: Path, study: str = TRIAL) -> RobSession:
    """The assessment as a fresh connection reads it."""
    store = Store.open(path)
    protocol = review_protocol(store)
    result = ""
    if study == TRIAL:
        [entity] = [e for e in store.entities.entities(study) if e.kind == "result"]
        result = entity.id
    return RobSession(store, protocol, "ann", study, result, included=INCLUDED)


async def open_assessment(pilot: Pilot[None], study: str = TRIAL) -> RobAssessmentScreen:
    """The list from the palette, then Enter on `study`."""
    await run_from_palette(pilot, "Risk of bias")
    screen = pilot.app.screen
    assert isinstance(screen, RobListScreen)
    screen.item_list.highlighted = next(
        n for n, item in enumerate(screen.items) if item.study.key == study
    )
    await pilot.press("enter")
    await pilot.pause()
    assessment = pilot.app.screen
    assert isinstance(assessment, RobAssessmentScreen)
    return assessment


def shown_items(screen: RobAssessmentScreen) -> list[str]:
    return [q.item for q in screen._shown]


def app(path: Path) -> ReviewApp:
    return ReviewApp(Store.open(path, now=fixed_clock), reviewer="ann")


async def test_answers_by_keys_give_the_suggestion_and_c_confirms_it(rob_path: Path) -> None:
    review = app(rob_path)
    async with review.run_test(size=SIZE) as pilot:
        screen = await open_assessment(pilot)
        assert screen.key == "D1"
        await pilot.press("1", "1")  # 1.1 Y, 1.2 Y
        assert screen.session.suggested("D1") is None
        await pilot.press("4")  # 1.3 N
        assert screen.session.suggested("D1") is Judgement.LOW
        assert "Low" in str(screen.detail.render())
        await pilot.press("c")
    s = stored(rob_path)
    assert {k: a.value for k, a in s.assessment.answers.items()} == {
        "1.1": "Y",
        "1.2": "Y",
        "1.3": "N",
    }
    assert s.assessment.final("D1") is Judgement.LOW


async def test_an_override_needs_a_justification(rob_path: Path) -> None:
    review = app(rob_path)
    async with review.run_test(size=SIZE) as pilot:
        await open_assessment(pilot)
        await pilot.press("1", "1", "4", "j", "3")  # High, not the suggested Low
        await pilot.pause()
        assert isinstance(review.screen, TextPrompt)
        await pilot.press("enter")  # no text: refused
        await pilot.pause()
        assert isinstance(review.screen, RobAssessmentScreen)
        assert stored(rob_path).assessment.final("D1") is None
        await pilot.press("j", "3")
        await pilot.pause()
        await pilot.press(*"sealed envelopes opened", "enter")
        await pilot.pause()
    decision = stored(rob_path).assessment.decisions["D1"]
    assert (decision.final, decision.justification) == (Judgement.HIGH, "sealed envelopes opened")


async def test_the_overall_shows_what_the_domains_imply_and_warns_when_set_first(
    rob_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An overall judged before the domains is stored as chosen, with a warning;
    once D1 is judged High the overall says so and warns that Low is lower."""
    review = app(rob_path)
    seen: list[str] = []
    async with review.run_test(size=SIZE) as pilot:
        monkeypatch.setattr(review, "notify", lambda message, **_: seen.append(str(message)))
        screen = await open_assessment(pilot)
        await pilot.press("o", "j", "1")  # Overall: Low, no domain judged yet
        await pilot.pause()
        assert seen == [
            "Overall Low was set before D1, D2, D3, D4, D5 were judged: check it once they are"
        ]
        assert "judge the domains first" in str(screen.detail.render())
        await pilot.press(*["left"] * 5, "j", "3")  # D1: High
        await pilot.press("o")
        await pilot.pause()
        detail = str(screen.detail.render())
        assert "domains judged so far suggest: at least High (D2, D3, D4, D5 not judged)" in detail
        assert "Overall Low is lower risk than the domains imply (at least High)" in detail
        console = Console(width=120, record=True, file=io.StringIO())
        console.print(screen._domain_table())
        [row] = [line for line in console.export_text().splitlines() if "Overall" in line]
        assert "≥ x  High !" in row  # the floor beside the overall, and its warning mark
    s = stored(rob_path)
    assert (s.assessment.final("Overall"), s.assessment.final("D1")) == (
        Judgement.LOW,
        Judgement.HIGH,
    )


async def test_a_conditional_question_follows_the_earlier_answer(rob_path: Path) -> None:
    review = app(rob_path)
    async with review.run_test(size=SIZE) as pilot:
        screen = await open_assessment(pilot)
        await pilot.press("right")
        assert screen.key == "D2"
        assert "2.3" not in shown_items(screen)
        await pilot.press("4", "4")  # 2.1 N, 2.2 N: 2.3 is not asked
        assert "2.3" not in shown_items(screen)
        await pilot.press("up", "up", "1")  # 2.1 Y: now it is
        assert "2.3" in shown_items(screen)
        await pilot.press("up", "4")  # 2.1 N again: gone
        assert "2.3" not in shown_items(screen)
    assert stored(rob_path).assessment.answers["2.1"].value == "N"


async def test_quit_and_reopen_keeps_everything(rob_path: Path) -> None:
    review = app(rob_path)
    async with review.run_test(size=SIZE) as pilot:
        await open_assessment(pilot)
        await pilot.press("1", "up", "s")
        await pilot.pause()
        await pilot.press(*"computer-generated list p. 3", "enter")
        await pilot.pause()
        await pilot.press("v", "2")  # effect of adhering
        await pilot.pause()
        await pilot.press("q")
    s = stored(rob_path)
    assert s.assessment.answers["1.1"].value == "Y"
    assert s.assessment.answers["1.1"].support == "computer-generated list p. 3"
    assert s.assessment.variant == "adhering"
    review = app(rob_path)
    async with review.run_test(size=SIZE) as pilot:
        screen = await open_assessment(pilot)
        assert "variant: adhering" in str(screen.heading.render())
        first = screen.question_list.get_option_at_index(0)
        assert "computer-generated list p. 3" in str(first.prompt)


async def test_a_burst_of_keys_typed_ahead_loses_none(rob_path: Path) -> None:
    review = app(rob_path)
    async with review.run_test(size=SIZE) as pilot:
        await open_assessment(pilot)
        keys = ["1", "1", "4", "j", "3", *"envelopes opened", "enter", "right", "4", "4", "1"]
        for key in keys:
            review.post_message(textual_events.Key(key, key if len(key) == 1 else None))
        for _ in range(30):
            await pilot.pause()
        assert isinstance(review.screen, RobAssessmentScreen)
    a = stored(rob_path).assessment
    assert (a.decisions["D1"].final, a.decisions["D1"].justification) == (
        Judgement.HIGH,
        "envelopes opened",
    )
    assert [a.answers[i].value for i in ("1.1", "1.2", "1.3", "2.1", "2.2", "2.6")] == [
        "Y", "Y", "N", "N", "N", "Y",
    ]  # fmt: skip


async def test_the_summary_from_the_list_and_the_palette(rob_path: Path) -> None:
    review = app(rob_path)
    async with review.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Risk of bias")
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(review.screen, RobSummaryScreen)
        await pilot.press("escape", "escape")
        await run_from_palette(pilot, "Risk-of-bias summary")
        assert isinstance(review.screen, RobSummaryScreen)


async def test_the_sample_cohort_opens_as_kim_left_it(rob_path: Path) -> None:
    review = ReviewApp(Store.open(rob_path, now=fixed_clock), reviewer="kim")
    async with review.run_test(size=SIZE) as pilot:
        screen = await open_assessment(pilot, COHORT)
        assert screen.session.assessment.final("D1") is not None
        assert "in progress" in str(screen.heading.render())


async def test_the_app_can_open_on_the_list(rob_path: Path) -> None:
    """What `review rob open FILE` starts."""
    review = ReviewApp(Store.open(rob_path), reviewer="ann", action="risk_of_bias")
    async with review.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(review.screen, RobListScreen)


def test_review_rob_open_starts_the_tui_on_the_list(
    rob_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    started: list[tuple[Path | None, dict[str, object]]] = []
    monkeypatch.setattr("review.tui.launch.run", lambda path, **kw: started.append((path, kw)))
    with pytest.raises(SystemExit) as exit:
        main(["rob", "open", str(rob_path), "--reviewer", "ann"])
    assert exit.value.code in (0, None)
    [(path, options)] = started
    assert (path, options["reviewer"], options["action"]) == (rob_path, "ann", "risk_of_bias")


def make_dual(path: Path) -> None:
    """Two assessors per study, not blind: the protocol kept in the file, changed."""
    with Store.open(path) as store:
        stored_path, text, _ = store.protocol_text() or ("", "", "")
        pair = "extraction:\n  reviewers_per_study: 2\n  blind: false\n"
        dual = text.replace("extraction:\n", pair, 1)
        assert dual != text
        store.save_protocol(path=stored_path, text=dual, hash="dual")


async def test_the_consensus_is_recorded_as_agreed(rob_path: Path) -> None:
    make_dual(rob_path)
    review = app(rob_path)
    async with review.run_test(size=SIZE) as pilot:
        screen = await open_assessment(pilot)
        await pilot.press("1", "1", "4")  # ann's own
        await pilot.press("a")
        assert screen.agreed and "CONSENSUS" in str(screen.heading.render())
        assert screen.assessment.answers == {}
        await pilot.press("1", "1", "3", "c")  # the pair's
        await pilot.press("a")
        assert not screen.agreed
    s = stored(rob_path)
    assert s.assessment.answers["1.3"].value == "N"
    assert s.consensus.answers["1.3"].value == "PN"
    assert s.consensus.final("D1") is Judgement.LOW
    assert s.assessment.final("D1") is None


async def test_risk_of_bias_asks_who_is_assessing(rob_path: Path) -> None:
    """As screening and extraction do (it said "Start with --reviewer NAME")."""
    review = ReviewApp(Store.open(rob_path, now=fixed_clock))
    async with review.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Risk of bias")
        assert isinstance(review.screen, TextPrompt)
        await pilot.press(*"ann", "enter")
        await pilot.pause()
        assert isinstance(review.screen, RobListScreen) and review.reviewer == "ann"


async def test_no_included_study_says_why_instead_of_an_empty_list(tmp_path: Path) -> None:
    """QA: before full-text screening the list was empty with no word."""
    path = tmp_path / "unscreened.db"
    build_sample(path, screened=False).close()
    review = ReviewApp(Store.open(path), reviewer="ann", action="risk_of_bias")
    async with review.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = review.screen
        assert isinstance(screen, RobListScreen)
        notice = screen.query_one("#rob-list-empty", Static)
        assert notice.display and not screen.item_list.display
        assert "No study is included at full text yet" in str(notice.render())


async def test_the_rob_list_shows_no_notice_when_studies_are_included(rob_path: Path) -> None:
    review = ReviewApp(Store.open(rob_path), reviewer="ann", action="risk_of_bias")
    async with review.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = review.screen
        assert isinstance(screen, RobListScreen)
        assert not screen.query_one("#rob-list-empty", Static).display
        assert screen.item_list.display and screen.item_list.option_count == len(INCLUDED)
