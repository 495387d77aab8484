"""The assessment screen on the crossover form of RoB 2 (domain S's conditional
question) and on ROBINS-E (graded answers on their own keys, Very high), driven
by keys and read back with a fresh connection."""

from __future__ import annotations

from pathlib import Path

from review.protocol.models import Protocol
from review.review_file import review_protocol
from review.rob.model import Judgement
from review.rob.session import RobSession
from review.sample import INCLUDED, build_sample
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.rob_assessment import RobAssessmentScreen
from tests.conftest import fixed_clock
from tests.rob_session_helpers import COHORT, TRIAL, make_trial
from tests.tui.conftest import SIZE


def mapped(store: Store, **tools: str) -> Protocol:
    """The sample's protocol with some designs mapped to other tools."""
    protocol = review_protocol(store)
    rob = protocol.risk_of_bias.model_copy(
        update={"tools": {**protocol.risk_of_bias.tools, **tools}}
    )
    return protocol.model_copy(update={"risk_of_bias": rob})


async def test_crossover_domain_s_by_keys(tmp_path: Path) -> None:
    path = tmp_path / "x.db"
    build_sample(path).close()
    with Store.open(path, now=fixed_clock) as store:
        result = make_trial(store, review_protocol(store))
    store = Store.open(path, now=fixed_clock)
    protocol = mapped(store, rct="rob2_crossover")
    session = RobSession(store, protocol, "ann", TRIAL, result, included=INCLUDED)
    review = ReviewApp(store, reviewer="ann")
    async with review.run_test(size=SIZE) as pilot:
        screen = RobAssessmentScreen(session)
        review.push_screen(screen)
        await pilot.pause()
        await pilot.press("right")
        assert screen.key == "DS"
        assert [q.item for q in screen._shown] == ["S.1", "S.3"]
        await pilot.press("4")  # S.1 N: unequal sequences, S.2 appears next
        assert [q.item for q in screen._shown] == ["S.1", "S.2", "S.3"]
        await pilot.press("1", "1")  # S.2 Y (period in the model), S.3 Y (washout enough)
        assert screen.session.suggested("DS") is Judgement.LOW
        await pilot.press("c")
    fresh = RobSession(Store.open(path), protocol, "ann", TRIAL, result, included=INCLUDED)
    assert {k: a.value for k, a in fresh.assessment.answers.items()} == {
        "S.1": "N",
        "S.2": "Y",
        "S.3": "Y",
    }
    assert fresh.assessment.final("DS") is Judgement.LOW


async def test_robins_e_graded_answers_by_keys(tmp_path: Path) -> None:
    path = tmp_path / "e.db"
    build_sample(path).close()
    store = Store.open(path, now=fixed_clock)
    protocol = mapped(store, cohort="robins_e")
    session = RobSession(store, protocol, "ann", COHORT, included=INCLUDED)
    review = ReviewApp(store, reviewer="ann")
    async with review.run_test(size=SIZE) as pilot:
        screen = RobAssessmentScreen(session)
        review.push_screen(screen)
        await pilot.pause()
        assert screen.key == "D1"
        await pilot.press("4")  # 1.1 SN: 1.2 and 1.3 do not apply
        assert [q.item for q in screen._shown] == ["1.1", "1.4"]
        await pilot.press("2")  # 1.4 PY: negative controls point to confounding
        assert screen.session.suggested("D1") is Judgement.VERY_HIGH
        assert "Very high" in str(screen.detail.render())
    fresh = RobSession(Store.open(path), protocol, "ann", COHORT, included=INCLUDED)
    assert fresh.assessment.answers["1.1"].value == "SN"
    assert fresh.suggested("D1") is Judgement.VERY_HIGH
