"""Where each stage after the import stands: the home screen and `review status`.

Counted from one resolution and one screening replay, with the functions each
stage's own screen and command use (`reviewer_progress`, `included_studies`,
extraction `statuses`, risk-of-bias `overview`, `load_prisma`), so the home,
`review status`, `review extraction status`, `review rob status` and
`review prisma` cannot disagree.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from review.errors import ReviewError
from review.extraction.shared_arms import review_shared_arms
from review.extraction.studies import IncludedStudy, included_studies, overall, statuses
from review.models import Stage
from review.prisma.load import load_prisma
from review.protocol.models import Protocol
from review.rob.events import SHARED
from review.rob.studies import overview
from review.screening.progress import not_retrieved_units, reviewer_progress, stage_outcomes
from review.screening.state import Outcome, ScreeningState
from review.store import Store


def stage_counts(
    store: Store, protocol: Protocol, state: ScreeningState, reviewers: Iterable[str] = ()
) -> dict[str, Any]:
    """Screening per stage and reviewer, included studies, extraction, risk of
    bias and the PRISMA boxes. `reviewers` adds people with nothing decided yet
    (the TUI's reviewer) to the per-reviewer counts."""
    extra = list(reviewers)
    studies = included_studies(state.resolved, state)
    return {
        "screening": _screening(store, state, extra),
        "included_studies": len(studies),
        "extraction": _extraction(store, protocol, studies, extra),
        "risk_of_bias": _risk_of_bias(store, protocol, studies),
        "prisma": _prisma(store, state),
    }


def _screening(store: Store, state: ScreeningState, extra: list[str]) -> dict[str, Any]:
    """Per stage: units, how many still wait for a decision or are in
    conflict, and each reviewer's done / to do / conflicts, as the screening
    screen's progress line counts them."""
    missing = not_retrieved_units(state, store.fulltexts.all())
    report: dict[str, Any] = {}
    for stage in Stage:
        skip = missing if stage is Stage.FULL_TEXT else frozenset()
        outcomes = stage_outcomes(state, stage, missing)
        people = dict.fromkeys([*state.reviewers(stage), *extra])
        by_reviewer = {}
        for who in people:
            counts = reviewer_progress(state, stage, who, skip)
            by_reviewer[who] = {k: counts[k] for k in ("done", "to_do", "conflicts")}
        report[stage.value] = {
            "units": sum(outcomes.values()),
            "open": outcomes[Outcome.UNDECIDED] + outcomes[Outcome.PARTIAL],
            "conflicts": outcomes[Outcome.CONFLICT],
            "by_reviewer": by_reviewer,
        }
    return report


def _extraction(
    store: Store, protocol: Protocol, studies: list[IncludedStudy], extra: list[str]
) -> dict[str, Any]:
    """Studies complete / in progress / not started across extractors, and per
    reviewer; and result rows whose comparisons share an arm (`shared_arms`:
    the line the export's Dictionary prints, or None)."""
    found = statuses(
        [s.key for s in studies],
        store.extraction.value_events(),
        store.extraction.status_events(),
    )
    extractors = protocol.extraction.reviewers_per_study
    overall_counts = Counter(str(overall(found[s.key], extractors)) for s in studies)
    people: dict[str, Counter[str]] = {who: Counter() for who in extra}
    for by_reviewer in found.values():
        for who, status in by_reviewer.items():
            people.setdefault(who, Counter())[str(status)] += 1
    return {
        "studies": len(studies),
        "extractors_per_study": extractors,
        **_three(overall_counts, len(studies)),
        "by_reviewer": {who: _three(c, len(studies)) for who, c in sorted(people.items())},
        "shared_arms": _shared_arms(store, protocol, studies),
    }


def _shared_arms(store: Store, protocol: Protocol, studies: list[IncludedStudy]) -> dict[str, Any]:
    """Rows sharing an arm, the studies they are in, and the lines to print."""
    shared = review_shared_arms(store, protocol, [s.key for s in studies])
    rows = shared.sharing()
    return {
        "comparisons": len(rows),
        "studies": len({shared.study_of[r] for r in rows}),
        "unmatched_studies": len(shared.unmatched),
        "lines": [line for line in (shared.summary(), shared.unmatched_summary()) if line],
    }


def _risk_of_bias(store: Store, protocol: Protocol, studies: list[IncludedStudy]) -> dict[str, Any]:
    """Assessments (one per study, or per result for RoB 2) by status; those
    without a tool yet (no study design extracted); per assessor when two assess."""
    try:
        items = overview(store, protocol, studies)
    except ReviewError as exc:
        return {"problem": str(exc)}
    assessed = [item for item in items if item.tool is not None]
    people: dict[str, Counter[str]] = {}
    for item in assessed:
        for who, status in item.statuses.items():
            if who != SHARED:
                people.setdefault(who, Counter())[str(status)] += 1
    return {
        "assessments": len(assessed),
        **_three(Counter(str(item.status) for item in assessed), len(assessed)),
        "no_tool": len(items) - len(assessed),
        "by_reviewer": {who: _three(c, len(assessed)) for who, c in sorted(people.items())},
    }


def _prisma(store: Store, state: ScreeningState) -> dict[str, Any]:
    """The diagram's main boxes (both arms together) and anything that does not add up."""
    try:
        counts = load_prisma(store, state=state, check=False)
    except ReviewError as exc:
        return {"problem": str(exc)}
    arms = (counts.dbr, counts.other)
    return {
        "identified": sum(a.identified for a in arms),
        "duplicates_removed": sum(a.duplicates for a in arms),
        "screened": sum(a.screened for a in arms),
        "excluded_at_screening": sum(a.screening_excluded for a in arms),
        "sought": sum(a.sought for a in arms),
        "not_retrieved": sum(a.not_retrieved for a in arms),
        "assessed": sum(a.assessed for a in arms),
        "excluded_at_full_text": sum(a.excluded for a in arms),
        "included_studies": counts.total_studies,
        "included_reports": counts.total_reports,
        "in_progress": counts.in_progress,
        "contradictions": [f"{c.box}: {c.message}" for c in counts.contradictions],
    }


def _three(counts: Counter[str], total: int) -> dict[str, int]:
    """complete / in progress / not started, the last being whatever is left."""
    complete, started = counts["complete"], counts["in progress"]
    return {
        "complete": complete,
        "in_progress": started,
        "not_started": total - complete - started,
    }
