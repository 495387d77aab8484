"""The deduplication pipeline: normalise → block → score → decide → cluster.

Pure: records in, groups and a review queue out. The caller (the store's
side, `review.dedup.run`) turns the result into events. Comparing (the
costly part) and deciding are two steps, so the benchmark can fit the rules'
thresholds on labelled sets without comparing the same pairs again.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from review.dedup.blocking import candidate_pairs
from review.dedup.cluster import cluster
from review.dedup.model import (
    Decision,
    DedupRecord,
    DedupResult,
    DedupState,
    Evidence,
    Judgement,
)
from review.dedup.normalise import Prepared, prepare
from review.dedup.rules import THRESHOLDS, Thresholds, conflicting, decide, score
from review.dedup.scoring import compare

Progress = Callable[[str, int, int], None]
"""Called with (phase, done, total) as a run advances; total 0 when unknown."""

_EVERY = 2_000
"""Report progress every this many records or pairs: often enough for a bar,
rarely enough to cost nothing."""


def judge(a: Prepared, b: Prepared, thresholds: Thresholds = THRESHOLDS) -> Judgement:
    evidence = compare(a, b)
    decision, rule = decide(evidence, thresholds)
    return Judgement(a.index, b.index, decision, rule, score(evidence), evidence)


@dataclass
class Compared:
    """Every candidate pair's evidence, before any rule has read it."""

    prepared: list[Prepared]
    evidence: dict[tuple[int, int], Evidence]
    state: DedupState
    keep_sources_apart: bool
    group_of: dict[int, str]
    """Input position → the earlier group holding it."""


def find_duplicates(
    records: list[DedupRecord],
    *,
    state: DedupState | None = None,
    keep_sources_apart: bool = False,
    thresholds: Thresholds = THRESHOLDS,
    progress: Progress | None = None,
) -> DedupResult:
    """Groups to merge and pairs to review among `records`.

    `state` carries what earlier runs and reviewers decided: pairs of two
    records compared before are not compared again, earlier groups take new
    members but are never joined to each other, and a reviewer's "distinct"
    or "take out of this group" always holds. With `keep_sources_apart`,
    records of one import are never put in one group. `progress` hears
    each phase (preparing, comparing, grouping) as it advances.
    """
    compared = compare_candidates(
        records, state=state, keep_sources_apart=keep_sources_apart, progress=progress
    )
    if progress:
        progress("grouping", 0, 0)
    return settle(compared, thresholds)


def compare_candidates(
    records: list[DedupRecord],
    *,
    state: DedupState | None = None,
    keep_sources_apart: bool = False,
    progress: Progress | None = None,
) -> Compared:
    """Normalise, block and compare: the evidence of every pair worth a look."""
    state = state or DedupState()
    report = progress or (lambda phase, done, total: None)
    prepared: list[Prepared] = []
    for index, record in enumerate(records):
        if index % _EVERY == 0:
            report("preparing records", index, len(records))
        prepared.append(prepare(record, index))
    report("preparing records", len(records), len(records))
    report("finding candidate pairs", 0, 0)
    group_of = {p.index: state.groups[p.uid] for p in prepared if p.uid in state.groups}

    def keep(a: Prepared, b: Prepared) -> bool:
        if a.id <= state.checked_through and b.id <= state.checked_through:
            return False
        if keep_sources_apart and a.source_id == b.source_id:
            return False
        group = group_of.get(a.index)
        if group is not None and group == group_of.get(b.index):
            return False
        return frozenset((a.uid, b.uid)) not in state.distinct

    pairs = sorted(candidate_pairs(prepared, keep=keep))
    evidence: dict[tuple[int, int], Evidence] = {}
    for n, (a, b) in enumerate(pairs):
        if n % _EVERY == 0:
            report("comparing pairs", n, len(pairs))
        evidence[(a, b)] = compare(prepared[a], prepared[b])
    report("comparing pairs", len(pairs), len(pairs))
    return Compared(prepared, evidence, state, keep_sources_apart, group_of)


def settle(compared: Compared, thresholds: Thresholds = THRESHOLDS) -> DedupResult:
    """Decide every compared pair, group the certain ones, queue the rest."""
    prepared, state, group_of = compared.prepared, compared.state, compared.group_of
    judged: dict[tuple[int, int], Judgement] = {}
    for (a, b), evidence in compared.evidence.items():
        decision, rule = decide(evidence, thresholds)
        judged[(a, b)] = Judgement(a, b, decision, rule, score(evidence), evidence)

    def conflict(i: int, j: int) -> bool:
        a, b = prepared[i], prepared[j]
        if frozenset((a.uid, b.uid)) in state.distinct:
            return True
        if compared.keep_sources_apart and a.source_id == b.source_id:
            return True
        if (a.uid, group_of.get(j)) in state.unmerged or (b.uid, group_of.get(i)) in state.unmerged:
            return True
        evidence = compared.evidence.get((min(i, j), max(i, j)))
        return conflicting(evidence or compare(a, b))

    certain = [j for j in judged.values() if j.decision is Decision.CERTAIN]
    groups, refused = cluster(len(prepared), certain, existing=group_of, conflict=conflict)
    label: dict[int, str] = dict(group_of)
    for n, group in enumerate(groups):
        for member in group.members:
            label[member.index] = group.group_key or f"new:{n}"
    queue = [
        j
        for j in [*refused, *(j for j in judged.values() if j.decision is Decision.PROBABLE)]
        if j.a not in label or label.get(j.a) != label.get(j.b)
    ]
    queue.sort(key=lambda j: (-j.score, j.a, j.b))
    # A record probably matching three members of one group is one question, not three.
    seen: set[frozenset[str]] = set()
    asked = []
    for j in queue:
        sides = frozenset((label.get(j.a, f"record:{j.a}"), label.get(j.b, f"record:{j.b}")))
        if sides not in seen:
            seen.add(sides)
            asked.append(j)
    return DedupResult(groups, asked, compared=len(judged))
