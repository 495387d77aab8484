"""Naming duplicate groups: each group its own name, so two never fuse.

Screening reads a group as one unit under its `group_key`. Two groups under
one name would be screened as one, so three abstracts sharing a supplement
DOI, each merged with its twin, would become one unit of six.
"""

from __future__ import annotations

from typing import Any

from review.dedup.model import DedupRecord, DedupResult
from review.dedup.shared_keys import SEPARATOR


def merge_events(
    records: list[DedupRecord],
    result: DedupResult,
    unit_of: dict[str, str],
    used: set[str],
) -> list[dict[str, Any]]:
    """Merge events for every new member.

    A new group is named by its earliest member's unit (its own key, or the
    key it was split to from a shared DOI). A name any group ever had is not
    reused: two groups under one name would be screened as one, so three
    abstracts sharing a supplement DOI, each merged with its twin, stay three.
    """
    events = []
    taken = set(used)
    for group in result.groups:
        key = group.group_key
        if key is None:
            first = records[min(group.members, key=lambda m: records[m.index].id).index]
            key = unit_of.get(first.uid, first.key)
            n = 1
            while key in taken:
                key = f"{first.key}{SEPARATOR}{first.uid}" + (f"#{n}" if n > 1 else "")
                n += 1
        taken.add(key)
        for member in group.members:
            if member.is_new:
                events.append(
                    {
                        "group_key": key,
                        "record_uid": records[member.index].uid,
                        "action": "merge",
                        "rule": member.rule,
                        "score": member.score,
                    }
                )
    return events
