"""The counts `review status` prints and the TUI's header shows."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from review.dedup.units import load_resolution
from review.ledger.resolver import Resolution
from review.models import Stage
from review.review_file import review_protocol
from review.screening.progress import not_retrieved_units, stage_outcomes
from review.screening.state import Outcome, ScreeningState
from review.screening.units import load_state
from review.stages import stage_counts
from review.store import Store


def review_status(store: Store, *, reviewers: Iterable[str] = ()) -> dict[str, Any]:
    """Records in total and per source, warnings by kind, decisions per stage,
    and where every later stage stands (`stages`, see `review.stages`).

    A plain dict so `review status --json` can print it as it is; the keys are
    part of the scripting interface documented in the README. The home screen
    shows this dict; `reviewers` adds the TUI's reviewer to the per-reviewer
    counts before they have decided anything.
    """
    sources = store.imports.sources()
    notices = store.imports.file_notices()
    resolution = load_resolution(store)
    state = _state(store, resolution)
    return {
        "file": str(store.path),
        "records": store.records.record_count(),
        "sources": [
            {
                "id": s.id,
                "name": s.name,
                "kind": str(s.kind),
                "method": str(s.method) if s.method else None,
                "file_name": s.file_name,
                "format": s.format,
                "encoding": s.encoding,
                "search_date": s.search_date,
                "imported_at": s.imported_at,
                "records": s.record_count,
                "warnings": s.warning_count,
                "notices": notices.get(s.id, []),
            }
            for s in sources
        ],
        "records_by_kind": _by_kind(sources),
        "warnings": store.records.warning_counts(),
        "duplicates": _duplicates(store, resolution),
        "decisions": _decisions(state, store),
        "prioritisation": _prioritisation(store),
        "stages": (stage_counts(store, review_protocol(store), state, reviewers) if state else {}),
    }


def _state(store: Store, resolution: Resolution) -> ScreeningState | None:
    """Every decision replayed over the units; none without a protocol."""
    if store.protocol_text() is None:
        return None
    return load_state(store, review_protocol(store), resolution)


def _prioritisation(store: Store) -> dict[str, dict[str, Any]]:
    """Per stage and reviewer: whether the ranking is on, its model, settings
    and seed (newest start), when it was on, where the reviewer chose to stop
    with the rule's figures and the model then, and all of it in sentences
    for the methods section (PRISMA 2020 item 8). Empty when no one ever
    prioritised or stopped."""
    from review.screening.priority_ledger import history
    from review.screening.priority_methods import methods_statements

    report: dict[str, dict[str, Any]] = {}
    for mine in history(store):
        stop = mine.stop
        report.setdefault(mine.stage.value, {})[mine.reviewer] = {
            "on": mine.on,
            "model": mine.settings,
            "periods": [{"on": on, "off": off} for on, off in mine.periods],
            "stopped": stop.figures if stop else None,
            "stopped_at": stop.at if stop else None,
            "stopped_with": stop.settings if stop else None,
            "methods": [s.text for s in methods_statements([mine]) if s.reviewer is not None],
        }
    return report


def _duplicates(store: Store, resolution: Resolution) -> dict[str, Any]:
    """Units are what screening counts: the same resolver, so the numbers agree."""
    why: Counter[str] = Counter()
    for members in resolution.groups.values():
        kinds = {m.decided_by for m in members}
        why["reviewer" if "reviewer" in kinds else "rule" if kinds - {"identifier"} else
            "identifier"] += 1  # fmt: skip
    grouped = sum(len(members) for members in resolution.groups.values())
    return {
        "unique_records": len(resolution.units),
        "groups": len(resolution.groups),
        "groups_by": dict(why),
        "records_in_groups": grouped,
        "records_removed": grouped - len(resolution.groups),
        "pairs_waiting": len(store.dedup.pending_pairs()),
    }


def _decisions(state: ScreeningState | None, store: Store) -> dict[str, dict[str, Any]]:
    """Per stage: where units stand, and each reviewer's current decisions.

    Units are what one decision covers (records sharing a key or a duplicate
    group). Maybe counts as include for moving on, as on the screens. A
    report marked not retrieved is not a full-text unit, as in `stages`.
    """
    if state is None or not any(state.reviewers(stage) for stage in Stage):
        return {}
    missing = not_retrieved_units(state, store.fulltexts.all())
    report: dict[str, dict[str, Any]] = {}
    for stage in Stage:
        outcomes = stage_outcomes(state, stage, missing)
        reviewers = {
            who: {
                decision: count
                for decision, count in state.counts_by_reviewer(stage, who).items()
                if count
            }
            for who in state.reviewers(stage)
        }
        if reviewers:
            report[stage.value] = {
                "units": sum(outcomes.values()),
                **{str(outcome): outcomes[outcome] for outcome in Outcome},
                "by_reviewer": reviewers,
            }
    return report


def _by_kind(sources: list[Any]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for source in sources:
        counts[str(source.kind)] = counts.get(str(source.kind), 0) + source.record_count
    return counts
