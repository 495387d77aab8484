"""Clustering: certain pairs become groups, unless a group would hold a conflict.

Pairs are joined strongest first (union-find). Before two sets join, every
member of one is checked against every member of the other: two records
that must not be one study (different DOIs, years apart, different numbers
in the title, a reviewer's "distinct") keep their sets apart, and the pair
that would have joined them goes to the queue instead. Groups from earlier
runs join new records but never each other.
"""

from __future__ import annotations

from collections.abc import Callable

from review.dedup.model import Group, Judgement, Member

MAX_GROUP = 60
"""A larger group is surely a blocking accident (a shared placeholder DOI): stop growing it."""


def cluster(
    n: int,
    certain: list[Judgement],
    *,
    existing: dict[int, str],
    conflict: Callable[[int, int], bool],
    progress: Callable[[int, int], None] | None = None,
) -> tuple[list[Group], list[Judgement]]:
    """(groups with at least one new member, certain pairs refused by a conflict);
    `progress` hears (pairs joined or refused, certain pairs) as it goes."""
    parent = list(range(n))
    members: dict[int, list[int]] = {}
    old_key: dict[int, str] = {}
    for index, key in existing.items():
        members.setdefault(index, [index])
        old_key.setdefault(index, key)

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first_of: dict[str, int] = {}
    for index, key in sorted(existing.items()):
        root = first_of.setdefault(key, index)
        if root != index:
            _join(parent, members, find(root), index)

    joined: dict[int, tuple[str, float]] = {}
    refused: list[Judgement] = []
    for n, pair in enumerate(sorted(certain, key=lambda j: (-j.score, j.a, j.b))):
        if progress and n % 2_000 == 0:
            progress(n, len(certain))
        ra, rb = find(pair.a), find(pair.b)
        if ra == rb:
            continue
        left, right = members.get(ra, [ra]), members.get(rb, [rb])
        keys = {old_key[r] for r in (ra, rb) if r in old_key}
        too_big = len(left) + len(right) > MAX_GROUP
        if len(keys) > 1 or too_big or any(conflict(x, y) for x in left for y in right):
            refused.append(pair)
            continue
        root = _join(parent, members, ra, rb)
        if keys:
            old_key[root] = keys.pop()
        for index in (pair.a, pair.b):
            joined.setdefault(index, (pair.rule, pair.score))

    groups: list[Group] = []
    for root, indices in members.items():
        if find(root) != root or len(indices) < 2:
            continue
        new = [i for i in indices if i not in existing]
        if not new:
            continue
        listed = [
            Member(i, *joined.get(i, ("existing", 1.0)), is_new=i not in existing)
            for i in sorted(indices)
        ]
        groups.append(Group(listed, old_key.get(root)))
    return groups, refused


def _join(parent: list[int], members: dict[int, list[int]], a: int, b: int) -> int:
    """Attach the smaller set to the larger; returns the surviving root."""
    left, right = members.setdefault(a, [a]), members.setdefault(b, [b])
    if len(left) < len(right):
        a, b, left, right = b, a, right, left
    parent[b] = a
    left.extend(right)
    del members[b]
    return a
