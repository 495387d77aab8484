"""The order records are offered in: seeded random during the warm-up, then
highest predicted relevance first.

Warm-up: until the decisions (and prior knowledge) hold at least one include
and one exclude, a classifier has nothing to learn from, so the queue is a
random order drawn with the seed. Random rather than import order: import
order follows the databases' own sort (often by date or by relevance to the
search string), and a warm-up that reads it would be biased in ways nobody
could report. Ties in score keep that same seeded order, so one seed gives
one ranking.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np


def warm_up_order(candidates: Sequence[int], seed: int) -> list[int]:
    """The candidates shuffled with the seed (the same seed, the same order)."""
    shuffled = list(candidates)
    random.Random(seed).shuffle(shuffled)
    return shuffled


def ranked_order(candidates: Sequence[int], scores: np.ndarray | None, seed: int) -> list[int]:
    """The candidates by descending score, ties in seeded random order; the
    warm-up order when there are no scores yet."""
    shuffled = warm_up_order(candidates, seed)
    if scores is None or not shuffled:
        return shuffled
    import numpy as np

    rows = np.asarray(shuffled, dtype=np.int64)
    by_score = np.argsort(-scores[rows], kind="stable")
    return [int(row) for row in rows[by_score]]
