"""Deduplication: find records that report the same study, without false merges.

`find_duplicates` is the pure pipeline (normalise → block → score → decide
→ cluster); `review.dedup.run` applies it to a review file.
"""

from review.dedup.model import (
    Decision,
    DedupRecord,
    DedupResult,
    DedupState,
    Evidence,
    Group,
    Judgement,
    Member,
)
from review.dedup.pipeline import find_duplicates, judge
from review.dedup.rules import RULES

__all__ = [
    "RULES",
    "Decision",
    "DedupRecord",
    "DedupResult",
    "DedupState",
    "Evidence",
    "Group",
    "Judgement",
    "Member",
    "find_duplicates",
    "judge",
]
