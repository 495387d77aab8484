"""Prioritised title/abstract screening for one reviewer over a live review.

What the model learns from: the reviewer's own standing decisions at title/
abstract (include and maybe count as relevant, as they do for moving on)
and records labelled `known-relevant` (prior knowledge). Never another
reviewer's decisions, so blind dual screening stays blind: each reviewer's
ranking is theirs. Labels are kept up to date one event at a time, so a key
press never rescans the review.

When to retrain: once there is an include and an exclude, then after every
decision (`every`, 1 by default), one retrain at a time: the worker retrains
as often as it finishes, and decisions made while it trains go into the
next. The retrain itself runs in a worker process (`ranker`); this class
only says when one is due, builds the request, and applies the answer to
the session's queue.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from review.ledger.order import order_key
from review.models import Stage
from review.prioritise.model import DEFAULTS, ModelSettings, can_train
from review.prioritise.simulate import RETRAIN_EVERY
from review.prioritise.stopping import StoppingFigures, stopping_figures
from review.screening.ranker import Ranking, RankRequest, make_ranking
from review.screening.session import ScreeningSession
from review.screening.state import progresses

PRIOR_LABEL = "known-relevant"
"""A label (key `t` on the screening screen) marking prior knowledge: a record
known to be relevant before screening, learned from as an include."""


@dataclass(frozen=True, slots=True)
class Status:
    """What the screen shows about the ranking."""

    on: bool
    warm_up: bool
    decisions: int
    """Labels the current ranking learned from."""
    pending: bool
    """A retrain is running."""


class Prioritiser:
    """Keeps one reviewer's title/abstract queue ranked by predicted relevance."""

    def __init__(
        self,
        session: ScreeningSession,
        settings: ModelSettings = DEFAULTS,
        *,
        every: int = RETRAIN_EVERY,
    ) -> None:
        if session.stage is not Stage.TITLE_ABSTRACT:
            raise ValueError("prioritisation orders the title/abstract queue only")
        self.session = session
        self.settings = settings
        self.every = every
        self.ranking: Ranking | None = None
        self.pending = False
        self.retrains = 0
        """Models (not warm-up orders) applied so far."""
        self._labels: dict[int, int] = {}
        self._priors: set[int] = set()
        self._since = 0
        self._relevant_since = False
        self._record_ids = tuple(unit.record_id for unit in session.state.units)
        self._load_labels()
        session.on_apply = self._changed
        # The warm-up order is a seeded shuffle: made here, so the first record
        # shown is already the first of it; models come from the worker.
        self.apply(make_ranking(len(session.state.units), self._labels, None, settings.seed,
                                time.perf_counter()))  # fmt: skip
        session.set_view()

    # -- labels ---------------------------------------------------------------

    @property
    def labels(self) -> dict[int, int]:
        """Unit position → 1 relevant, 0 not: what the next retrain learns from."""
        return self._labels

    def _load_labels(self) -> None:
        session, state = self.session, self.session.state
        for key, label in session.store.screening.labels(state.resolved.alias).items():
            if PRIOR_LABEL in label and key in state.by_key:
                self._priors.add(state.by_key[key].position)
        for position in self._priors:
            self._labels[position] = 1
        for key, event in state.screens_by(Stage.TITLE_ABSTRACT, session.reviewer):
            if key in state.by_key:
                self._labels[state.by_key[key].position] = int(progresses(event.decision))

    def _changed(self, key: str) -> None:
        """One event was applied to the session's state: refresh that unit's label."""
        state = self.session.state
        unit = state.by_key.get(key)
        if unit is None:
            return
        event = state.screen_of(key, Stage.TITLE_ABSTRACT, self.session.reviewer)
        before = self._labels.get(unit.position)
        if event is not None:
            self._labels[unit.position] = int(progresses(event.decision))
        elif unit.position in self._priors:
            self._labels[unit.position] = 1
        else:
            self._labels.pop(unit.position, None)
        after = self._labels.get(unit.position)
        if after != before:
            self._since += 1
            self._relevant_since = self._relevant_since or after == 1

    def mark_prior(self, key: str, known: bool) -> None:
        """A `known-relevant` label was added (or removed) on a unit."""
        unit = self.session.state.by_key.get(key)
        if unit is None:
            return
        if known:
            self._priors.add(unit.position)
        else:
            self._priors.discard(unit.position)
        self._changed(key)

    # -- retraining -----------------------------------------------------------

    def due(self) -> bool:
        """A retrain is worth starting now (and none is running)."""
        if self.pending:
            return False
        if self.ranking is None or self.ranking.scores is None:
            return can_train(self._labels)
        return self._since >= self.every or (self._relevant_since and self._since > 0)

    def request(self) -> RankRequest:
        """The next retrain's input (a snapshot: deciding on meanwhile is safe)."""
        self.pending = True
        self._since, self._relevant_since = 0, False
        return RankRequest(
            self.session.store.path, self._record_ids, dict(self._labels), self.settings
        )

    def apply(self, ranking: Ranking | None) -> None:
        """Use a retrain's answer for the queue from the next record on
        (None: the retrain failed; the queue keeps its order)."""
        self.pending = False
        if ranking is None or len(ranking.order) != len(self.session.state.units):
            return
        self.ranking = ranking
        self.retrains += ranking.scores is not None
        self.session.set_order(ranking.order, ranking.rank)

    def stop(self) -> None:
        """Back to the queue's import order."""
        self.session.set_order(None, None)
        self.session.on_apply = None

    # -- what the screen shows -----------------------------------------------

    def relevance(self, position: int) -> float | None:
        if self.ranking is None or self.ranking.scores is None:
            return None
        return self.ranking.scores[position]

    def status(self) -> Status:
        ranking = self.ranking
        warm = ranking is None or ranking.scores is None
        return Status(True, warm, ranking.decisions if ranking else 0, self.pending)

    def ledger_settings(self) -> dict[str, Any]:
        """What the ledger records with `start` and `stop`: the model, its
        settings and seed, the retrain schedule and the warm-up."""
        return ledger_settings(self.settings, self.every, len(self._priors))

    def figures(self) -> StoppingFigures:
        """The stopping rule on this reviewer's decisions, in the order made."""
        return reviewer_figures(self.session)


WARM_UP = "random"
"""How the queue is ordered before a model can be trained: a seeded shuffle."""


def ledger_settings(settings: ModelSettings, every: int, known_relevant: int) -> dict[str, Any]:
    """The model's settings as the ledger keeps them, with how it was used:
    retrained after every relevant decision and every `every` decisions, a
    seeded random warm-up, `known_relevant` records given as prior knowledge,
    and the scikit-learn release it ran on (read from the installed
    package's metadata, which costs no import)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        library = f"scikit-learn {version('scikit-learn')}"
    except PackageNotFoundError:
        library = "scikit-learn"
    return {
        **settings.as_dict(),
        "retrain_every": every,
        "retrain_after_relevant": True,
        "warm_up": WARM_UP,
        "known_relevant": known_relevant,
        "learns_from": "own decisions",
        "library": library,
    }


def reviewer_decisions(session: ScreeningSession) -> tuple[list[int], int]:
    """A reviewer's standing title/abstract decisions in the order they made
    them (1 include or maybe, 0 exclude), and how many units they have
    decided or still have to: what the stopping rule reads."""
    state = session.state
    mine = sorted(
        (event for _, event in state.screens_by(Stage.TITLE_ABSTRACT, session.reviewer)),
        key=order_key,
    )
    counts = session.counts
    return [int(progresses(e.decision)) for e in mine], max(counts.done + counts.to_do, len(mine))


def reviewer_figures(session: ScreeningSession) -> StoppingFigures:
    """The stopping rule's figures for a reviewer's title/abstract screening."""
    labels, total = reviewer_decisions(session)
    stopping = session.protocol.screening.stopping
    return stopping_figures(
        labels, total, target_recall=stopping.target_recall, confidence=stopping.confidence
    )
