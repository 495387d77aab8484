"""Screening a labelled set as a reviewer would, with the true labels as the
reviewer's decisions: how soon the model finds the relevant records.

The simulation runs the screening queue's own rules, so its figures describe
what a reviewer gets: warm-up in seeded random order until one include and
one exclude are known, then highest predicted relevance first, the model
retrained after every decision (`every`; the screen's worker retrains as
often as it finishes, which on all but the largest reviews is the same).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from review.prioritise.metrics import recall_at, screened_to_all, wss
from review.prioritise.model import DEFAULTS, ModelSettings, can_train, relevance
from review.prioritise.order import ranked_order, warm_up_order

if TYPE_CHECKING:
    from scipy.sparse import csr_matrix

RETRAIN_EVERY = 1
"""Decisions between retrains when no relevant record turns up meanwhile.
Every decision: measured on the tuning sets, retraining every 5 cost a
point of recall@10% and gained nothing, and a retrain is cheap."""


@dataclass(frozen=True, slots=True)
class Simulation:
    """One simulated screening of a labelled set."""

    priors: list[int]
    """Rows given as prior knowledge before screening (never ranked)."""
    order: list[int]
    """Every other row, in the order it was screened."""
    labels: list[int]
    """The true label of each row of `order`."""
    retrains: int

    def summary(self) -> dict[str, float | int]:
        """The figures `review simulate --json` prints."""
        return {
            "wss95": round(wss(self.labels, 0.95), 4),
            "recall_at_10": round(recall_at(self.labels, 0.10), 4),
            "recall_at_25": round(recall_at(self.labels, 0.25), 4),
            "screened_to_all": screened_to_all(self.labels),
        }


def draw_priors(truth: Sequence[int], n: int, seed: int) -> list[int]:
    """`n` relevant and `n` irrelevant rows drawn with the seed."""
    if n <= 0:
        return []
    rng = random.Random(seed)
    relevant = [row for row, label in enumerate(truth) if label]
    irrelevant = [row for row, label in enumerate(truth) if not label]
    if len(relevant) <= n or len(irrelevant) < n:
        raise ValueError(
            f"--prior {n} needs more than {n} relevant and at least {n} irrelevant records "
            f"(the set has {len(relevant)} and {len(irrelevant)})"
        )
    return rng.sample(relevant, n) + rng.sample(irrelevant, n)


def simulate(
    features: csr_matrix,
    truth: Sequence[int],
    *,
    settings: ModelSettings = DEFAULTS,
    prior: int = 0,
    every: int = RETRAIN_EVERY,
    until: tuple[float, float] | None = None,
) -> Simulation:
    """Screen every row in model order, deciding each by its true label.

    `until` = (recall, screened share): stop retraining once both are
    reached and screen the rest in the last ranking's order. The benchmark
    passes (0.95, 0.10): WSS@95 and recall@10% read nothing after that
    point, and the retrains after it (the slowest, on the most records)
    would not change either figure.
    """
    priors = draw_priors(truth, prior, settings.seed)
    needed, enough = _stop_point(truth, len(priors), prior, until)
    found = 0
    labelled = {row: truth[row] for row in priors}
    remaining = set(range(len(truth))) - set(priors)
    queue = warm_up_order(sorted(remaining), settings.seed)
    at, since, retrains, trained = 0, 0, 0, False
    if remaining and can_train(labelled):  # prior knowledge: the first record is ranked too
        scores = relevance(features, labelled, settings)
        queue, retrains, trained = ranked_order(sorted(remaining), scores, settings.seed), 1, True
    order: list[int] = []
    while remaining:
        row = queue[at]
        at += 1
        remaining.discard(row)
        order.append(row)
        labelled[row] = truth[row]
        since += 1
        found += truth[row]
        due = not trained or since >= every or truth[row] == 1
        if trained and found >= needed and len(order) >= enough:
            due = False
        if remaining and due and can_train(labelled):
            scores = relevance(features, labelled, settings)
            queue, at, since = ranked_order(sorted(remaining), scores, settings.seed), 0, 0
            retrains += 1
            trained = True
    return Simulation(priors, order, [truth[row] for row in order], retrains)


def _stop_point(
    truth: Sequence[int], given: int, prior: int, until: tuple[float, float] | None
) -> tuple[float, float]:
    """Relevant rows found and rows screened after which retraining stops
    (never, without `until`); counted as the metrics count, priors left out."""
    if until is None:
        return math.inf, math.inf
    recall, share = until
    relevant = sum(truth) - prior
    return (
        math.ceil(recall * relevant - 1e-9),
        math.ceil(share * (len(truth) - given) - 1e-9),
    )


def simulate_random(truth: Sequence[int], *, seed: int = 0, prior: int = 0) -> Simulation:
    """The baseline: every row in seeded random order (the same priors)."""
    priors = draw_priors(truth, prior, seed)
    order = warm_up_order(sorted(set(range(len(truth))) - set(priors)), seed)
    return Simulation(priors, order, [truth[row] for row in order], 0)
