"""How well a screening order did on a labelled set, by the measures the
prioritisation literature reports.

Every function takes the true labels (1 relevant, 0 not) in the order the
records were screened, covering every record that was screened by the
ranking: prior knowledge given at the start is left out, as it was never
ranked. Definitions:

- recall@k: relevant records among the first ⌈k·N⌉ screened, over all relevant.
- WSS@r (work saved over sampling, Cohen et al. 2006): the share of records
  left unscreened when recall first reaches r, minus the 1 − r that random
  screening would leave at that recall: (N − n_r)/N − (1 − r).
- screened to all: how many records were screened when the last relevant
  one was found.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

_EPS = 1e-9
"""Guards ⌈0.95·20⌉ against 0.95·20 being 19.000000000000004 in floats."""


def _relevant(labels: Sequence[int]) -> int:
    total = sum(labels)
    if total == 0:
        raise ValueError("no relevant records in the labels: recall is undefined")
    return total


def recall_at(labels: Sequence[int], fraction: float) -> float:
    """Share of relevant records found after screening ⌈fraction·N⌉ records."""
    total = _relevant(labels)
    screened = math.ceil(fraction * len(labels) - _EPS)
    return sum(labels[:screened]) / total


def screened_for_recall(labels: Sequence[int], recall: float) -> int:
    """Records screened when the found share of relevant ones first reaches `recall`."""
    needed = math.ceil(recall * _relevant(labels) - _EPS)
    found = 0
    for position, label in enumerate(labels, start=1):
        found += label
        if found >= needed:
            return position
    return len(labels)  # needed ≤ total, so only reached when recall ≤ 0


def wss(labels: Sequence[int], recall: float = 0.95) -> float:
    """Work saved over sampling at `recall` (WSS@95 by default)."""
    n = len(labels)
    return (n - screened_for_recall(labels, recall)) / n - (1 - recall)


def screened_to_all(labels: Sequence[int]) -> int:
    """Records screened when the last relevant one was found."""
    return screened_for_recall(labels, 1.0)


def recall_curve(labels: Sequence[int]) -> list[float]:
    """Recall after each record screened (the curve a chart draws)."""
    total = _relevant(labels)
    found, curve = 0, []
    for label in labels:
        found += label
        curve.append(found / total)
    return curve
