"""How the risk-of-bias screens look (update deliberately: --snapshot-update)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from review.review_file import review_protocol
from review.sample import build_sample
from review.store import Store
from review.tui.app import ReviewApp
from tests.conftest import fixed_clock
from tests.rob_session_helpers import TRIAL, fill, make_trial, session
from tests.tui.conftest import SIZE, run_from_palette
from tests.tui.test_rob import open_assessment

SnapCompare = Callable[..., bool]


@pytest.fixture
def rob_path(tmp_path: Path) -> Path:
    """The sample (kim's partial ROBINS-I of the cohort) and TRIAL as a
    randomised trial with one result: domain 1 answered and confirmed."""
    path = tmp_path / "rob.db"
    build_sample(path).close()
    with Store.open(path, now=fixed_clock) as store:
        protocol = review_protocol(store)
        result = make_trial(store, protocol)
        s = session(store, protocol, "ann", result=result)
        for item, value in (("1.1", "Y"), ("1.2", "Y"), ("1.3", "N")):
            s.answer(item, value, "“sealed opaque envelopes” p. 4")
        s.confirm("D1")
        s.answer("2.1", "N")
    return path


def _app(path: Path) -> ReviewApp:
    return ReviewApp(Store.open(path, now=fixed_clock), reviewer="ann")


def test_rob2_domain(snap_compare: SnapCompare, rob_path: Path) -> None:
    async def go(pilot: Pilot[Any]) -> None:
        await open_assessment(pilot)
        await pilot.press("right")

    assert snap_compare(_app(rob_path), terminal_size=SIZE, run_before=go)


def test_traffic_light_summary(snap_compare: SnapCompare, rob_path: Path) -> None:
    with Store.open(rob_path, now=fixed_clock) as store:
        protocol = review_protocol(store)
        [result] = [e.id for e in store.entities.entities(TRIAL) if e.kind == "result"]
        s = session(store, protocol, "ann", result=result)
        fill(s)

    async def go(pilot: Pilot[Any]) -> None:
        await run_from_palette(pilot, "Risk-of-bias summary")

    assert snap_compare(_app(rob_path), terminal_size=SIZE, run_before=go)
