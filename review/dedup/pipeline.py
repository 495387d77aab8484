"""The deduplication pipeline: normalise → block → score → decide → cluster.

Pure: records in, groups and a review queue out. The caller (the store's
side, `review.dedup.run`) turns the result into events. `find_duplicates`
decides each pair as it is compared and keeps only the certain and probable
ones, so a million records never hold millions of distinct pairs;
`compare_candidates` + `settle` keep every pair's evidence instead, so the
benchmark can fit the rules' thresholds without comparing the same pairs
again. Both give the same groups and queue.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sized
from dataclasses import dataclass

import numpy as np

from review.dedup.blocking import Blocking, find_pairs, iter_pairs
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
from review.dedup.weights import total as weighted_total

Progress = Callable[[str, int, int], None]
"""Called with (phase, done, total) as a run advances; total 0 when unknown."""

_EVERY = 2_000
"""Report progress every this many records or pairs: often enough for a bar,
rarely enough to cost nothing."""


def judge(a: Prepared, b: Prepared, thresholds: Thresholds = THRESHOLDS) -> Judgement:
    evidence = compare(a, b)
    decision, rule = decide(evidence, thresholds)
    weight = round(weighted_total(evidence, thresholds.model), 2)
    return Judgement(a.index, b.index, decision, rule, score(evidence), evidence, weight)


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
    records: Iterable[DedupRecord],
    *,
    state: DedupState | None = None,
    keep_sources_apart: bool = False,
    thresholds: Thresholds = THRESHOLDS,
    progress: Progress | None = None,
    total: int = 0,
) -> DedupResult:
    """Groups to merge and pairs to review among `records`.

    `state` carries what earlier runs and reviewers decided: pairs of two
    records compared before are not compared again, earlier groups take new
    members but are never joined to each other, and a reviewer's "distinct"
    or "take out of this group" always holds. With `keep_sources_apart`,
    records of one import are never put in one group. `progress` hears
    each phase (preparing, comparing, grouping) as it advances; `total` is
    the number of records when `records` is a stream.

    Pairs are decided as they are compared and only the certain and probable
    ones are kept, so memory follows the duplicates, not the candidate pairs
    (a million records give millions of pairs, nearly all distinct).
    """
    report = progress or _silent
    prepared = prepare_all(records, report, total)
    return match(prepared, state=state, keep_sources_apart=keep_sources_apart,
                 thresholds=thresholds, progress=progress)  # fmt: skip


def match(
    prepared: list[Prepared],
    *,
    state: DedupState | None = None,
    keep_sources_apart: bool = False,
    thresholds: Thresholds = THRESHOLDS,
    progress: Progress | None = None,
) -> DedupResult:
    """`find_duplicates` on records already prepared (`prepare_all`), for a
    caller that reads their normalised form again afterwards."""
    state = state or DedupState()
    report = progress or _silent
    group_of = _earlier_groups(prepared, state)
    keep = _keeper(state, keep_sources_apart, group_of)
    report("finding candidate pairs", 0, 0)
    blocking = Blocking()
    pairs = find_pairs(
        prepared, blocking, lambda done, total: report("finding candidate pairs", done, total)
    )
    kept: list[Judgement] = []
    alike: dict[Evidence, Evidence] = {}
    compared = 0
    for n, (a, b) in enumerate(iter_pairs(prepared, pairs)):
        if n % _EVERY == 0:
            report("comparing pairs", n, len(pairs))
        left, right = prepared[a], prepared[b]
        if not keep(left, right):
            continue
        compared += 1
        evidence = compare(left, right)
        decision, rule = decide(evidence, thresholds)
        if decision is not Decision.DISTINCT:
            # Near-identical records give identical evidence: one copy of each.
            evidence = alike.setdefault(evidence, evidence)
            weight = round(weighted_total(evidence, thresholds.model), 2)
            kept.append(Judgement(a, b, decision, rule, score(evidence), evidence, weight))
    report("comparing pairs", len(pairs), len(pairs))
    alike.clear()
    del pairs
    report("grouping", 0, 0)
    codes = np.array([j.a * len(prepared) + j.b for j in kept], dtype=np.int64)

    def known(i: int, j: int) -> Evidence | None:
        """A kept pair's evidence, found by bisection: no dict of millions of tuples."""
        code = min(i, j) * len(prepared) + max(i, j)
        at = int(np.searchsorted(codes, code))
        return kept[at].evidence if at < len(codes) and codes[at] == code else None

    result = _group(prepared, kept, known, state, keep_sources_apart, group_of, compared, report)
    result.windowed = blocking.windowed
    return result


def prepare_all(records: Iterable[DedupRecord], report: Progress, total: int = 0) -> list[Prepared]:
    """Every record normalised once, in input order (`index` is the position)."""
    total = len(records) if isinstance(records, Sized) else total
    prepared: list[Prepared] = []
    seen: dict[object, object] = {}
    for index, record in enumerate(records):
        if index % _EVERY == 0:
            report("preparing records", index, total)
        one = prepare(record, index)
        for name in _SHARED:
            value = getattr(one, name)
            object.__setattr__(one, name, seen.setdefault(value, value))
        prepared.append(one)
    report("preparing records", len(prepared), len(prepared))
    return prepared


_SHARED = ("markers", "first_author", "journal", "venue", "volume", "issue",
           "first_page", "last_page")  # fmt: skip
"""Fields whose values recur across records (empty sets, journals, surnames,
volumes, pages): each equal value is kept once, which halves a million
prepared records' memory (~1.5 kB each otherwise)."""


def _silent(phase: str, done: int, total: int) -> None:
    """The progress callback when nobody listens."""


def _earlier_groups(prepared: list[Prepared], state: DedupState) -> dict[int, str]:
    """Input position → the earlier group holding it."""
    return {p.index: state.groups[p.uid] for p in prepared if p.uid in state.groups}


def _keeper(
    state: DedupState, keep_sources_apart: bool, group_of: dict[int, str]
) -> Callable[[Prepared, Prepared], bool]:
    """Whether a candidate pair is compared at all in this run."""

    def keep(a: Prepared, b: Prepared) -> bool:
        if a.id <= state.checked_through and b.id <= state.checked_through:
            return False
        if keep_sources_apart and a.source_id == b.source_id:
            return False
        group = group_of.get(a.index)
        if group is not None and group == group_of.get(b.index):
            return False
        return frozenset((a.uid, b.uid)) not in state.distinct

    return keep


def compare_candidates(
    records: list[DedupRecord],
    *,
    state: DedupState | None = None,
    keep_sources_apart: bool = False,
    progress: Progress | None = None,
) -> Compared:
    """Normalise, block and compare: the evidence of every pair worth a look,
    kept whole so a benchmark can decide the same pairs under many thresholds."""
    state = state or DedupState()
    report = progress or _silent
    prepared = prepare_all(records, report)
    report("finding candidate pairs", 0, 0)
    group_of = _earlier_groups(prepared, state)
    keep = _keeper(state, keep_sources_apart, group_of)
    pairs = list(iter_pairs(prepared, find_pairs(prepared), keep=keep))
    evidence: dict[tuple[int, int], Evidence] = {}
    for n, (a, b) in enumerate(pairs):
        if n % _EVERY == 0:
            report("comparing pairs", n, len(pairs))
        evidence[(a, b)] = compare(prepared[a], prepared[b])
    report("comparing pairs", len(pairs), len(pairs))
    return Compared(prepared, evidence, state, keep_sources_apart, group_of)


def settle(compared: Compared, thresholds: Thresholds = THRESHOLDS) -> DedupResult:
    """Decide every compared pair, group the certain ones, queue the rest."""
    kept: list[Judgement] = []
    for (a, b), evidence in compared.evidence.items():
        decision, rule = decide(evidence, thresholds)
        if decision is not Decision.DISTINCT:
            weight = round(weighted_total(evidence, thresholds.model), 2)
            kept.append(Judgement(a, b, decision, rule, score(evidence), evidence, weight))
    return _group(
        compared.prepared,
        kept,
        lambda i, j: compared.evidence.get((min(i, j), max(i, j))),
        compared.state,
        compared.keep_sources_apart,
        compared.group_of,
        len(compared.evidence),
    )


def _group(
    prepared: list[Prepared],
    judged: list[Judgement],
    known: Callable[[int, int], Evidence | None],
    state: DedupState,
    keep_sources_apart: bool,
    group_of: dict[int, str],
    compared: int,
    report: Progress = _silent,
) -> DedupResult:
    """Group the certain pairs among `judged` (the pairs not judged distinct,
    in pair order), queue the probable ones; `known` gives evidence already
    measured, any other pair is compared again when clustering asks."""

    def conflict(i: int, j: int) -> bool:
        a, b = prepared[i], prepared[j]
        if frozenset((a.uid, b.uid)) in state.distinct:
            return True
        if keep_sources_apart and a.source_id == b.source_id:
            return True
        if (a.uid, group_of.get(j)) in state.unmerged or (b.uid, group_of.get(i)) in state.unmerged:
            return True
        return conflicting(known(i, j) or compare(a, b))

    certain = [j for j in judged if j.decision is Decision.CERTAIN]
    groups, refused = cluster(
        len(prepared), certain, existing=group_of, conflict=conflict,
        progress=lambda done, total: report("grouping", done, total),
    )  # fmt: skip
    label: dict[int, str] = dict(group_of)
    for n, group in enumerate(groups):
        for member in group.members:
            label[member.index] = group.group_key or f"new:{n}"
    queue = [
        j
        for j in [*refused, *(j for j in judged if j.decision is Decision.PROBABLE)]
        if j.a not in label or label.get(j.a) != label.get(j.b)
    ]
    # Strongest evidence (highest summed weight) first, then by position:
    # sorted by numpy over three columns,
    # not by a key tuple per pair (millions of them on a crowded file).
    order = np.lexsort(
        (
            np.fromiter((j.b for j in queue), np.int64, len(queue)),
            np.fromiter((j.a for j in queue), np.int64, len(queue)),
            np.fromiter((-j.weight for j in queue), np.float64, len(queue)),
        )
    )
    queue = [queue[k] for k in order.tolist()]
    # A record probably matching three members of one group is one question, not three.
    # Each side is a number (a record's position, or past them its group's), a
    # pair of sides one integer: millions of queued pairs cost no set of strings.
    numbers: dict[str, int] = {}
    width = 2 * len(prepared) + 1

    def side(i: int) -> int:
        group = label.get(i)
        return i if group is None else len(prepared) + numbers.setdefault(group, len(numbers))

    seen: set[int] = set()
    asked = []
    for n, j in enumerate(queue):
        if n % _EVERY == 0:
            report("grouping", n, len(queue))
        x, y = side(j.a), side(j.b)
        sides = min(x, y) * width + max(x, y)
        if sides not in seen:
            seen.add(sides)
            asked.append(j)
    return DedupResult(groups, asked, compared=compared)
