"""Helpers for the risk-of-bias store, session and CLI tests: a sample review
with a randomised trial (RoB 2, one result), a case report (JBI) and the
sample's cohort (ROBINS-I)."""

from __future__ import annotations

from pathlib import Path

from review.extraction.session import ExtractionSession
from review.protocol.models import Protocol
from review.review_file import review_protocol
from review.rob import OVERALL
from review.rob.session import RobSession
from review.sample import INCLUDED, build_sample
from review.store import Store
from tests.conftest import fixed_clock

TRIAL = "doi:10.1259/bjr.20220548"
"""Made a randomised trial here (RoB 2, per result)."""
COHORT = "doi:10.3389/fimmu.2024.1460480"
"""The sample's cohort: ROBINS-I, partly assessed by kim."""
SINGLE_ARM = "tya:d309c0c4181834ca188c"
"""The sample's non-randomised trial: ROBINS-I, not started."""


def make_trial(store: Store, protocol: Protocol, design: str = "rct") -> str:
    """Give TRIAL a design and (for RoB 2) one result; returns the result id ('' if none)."""
    form = ExtractionSession(store, protocol, "kim", TRIAL, included=INCLUDED)
    form.set_value("study.study_design", "", design)
    if design != "rct":
        return ""
    return form.add_row("results.result", "OS · 2 years · RT+ICI vs RT")


def session(
    store: Store, protocol: Protocol, who: str = "ann", study: str = TRIAL, result: str = ""
) -> RobSession:
    return RobSession(store, protocol, who, study, result, included=INCLUDED)


def fill(s: RobSession) -> None:
    """Answer every question that applies with its first option, confirm every
    suggestion (or judge the best on the scale), then the overall judgement."""
    for domain in s.assessment.domains:
        while todo := [q for q in s.questions(domain.id) if q.item not in s.assessment.answers]:
            s.answer(todo[0].item, todo[0].options[0], "p. 1")
        if domain.kind == "checklist":
            continue
        if s.suggested(domain.id) is not None:
            s.confirm(domain.id)
        else:
            s.decide(domain.id, s.tool.scale[0])
    for key in ("Overall", "Overall applicability"):
        if key == "Overall applicability" and not any(
            d.kind == "applicability" for d in s.assessment.domains
        ):
            continue
        if s.suggested(key) is not None:
            s.confirm(key)
        else:
            s.decide(key, s.tool.overall_scale[0])


def judged_sample(path: Path) -> Store:
    """The sample at `path` with TRIAL fully assessed by ann on RoB 2 (one
    result), overall High; the store is left open for more."""
    store = build_sample(path, now=fixed_clock)
    protocol = review_protocol(store)
    trial = session(store, protocol, "ann", result=make_trial(store, protocol))
    fill(trial)
    trial.decide(OVERALL, "High", "several domains with concerns, as a whole high")
    return store
