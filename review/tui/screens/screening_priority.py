"""Prioritised screening on the screening screen: the `p` toggle, retraining
in the background, the relevance line and the stopping panel (`w`).

A mixin so the screening screen keeps one redraw path: it calls
`priority_tick` at the end of `show_current`, and this decides whether a
retrain is due. Retrains run in a worker process (`RankingPool`); the event
loop only awaits the answer and swaps the queue's order, so a key press is
never kept waiting by a model.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import Future

from textual import getters
from textual.screen import Screen

from review.errors import ReviewError
from review.models import Stage
from review.prioritise.stopping import StoppingFigures
from review.screening.priority import PRIOR_LABEL, Prioritiser, reviewer_decisions
from review.screening.priority_ledger import SESSION_ENDED, record_stop, reviewer_history
from review.screening.ranker import Ranking, RankingPool
from review.screening.session import ScreeningSession
from review.tui.screens.stopping_panel import StoppingPanel
from review.tui.widgets.priority_bar import PriorityBar


class PriorityMixin(Screen[None]):
    """Needs `self.session` (a `ScreeningSession`) and a `#priority-bar` widget."""

    session: ScreeningSession
    priority_bar = getters.query_one("#priority-bar", PriorityBar)
    _prioritiser: Prioritiser | None = None
    _pool: RankingPool | None = None
    _priority_wanted = False
    """On (by the protocol or `p`): follows the reviewer back to title/abstract."""

    def priority_start(self) -> None:
        """On mount: prioritised when the protocol says so, or when this
        reviewer left it on last time (title/abstract only).

        A period the ledger still has on for this reviewer was left open by a
        session that never closed (killed, crashed): it is ended here, and a
        new one started, so the methods section dates each period by the
        sessions that really ran it."""
        if not self._can_prioritise():
            return
        mine = reviewer_history(self.session.store, Stage.TITLE_ABSTRACT, self.session.reviewer)
        if mine is not None and mine.on:
            self._record("off", figures={SESSION_ENDED: True})
        resumed = mine is not None and (mine.on or mine.resume)
        if self.session.protocol.screening.prioritise or resumed:
            self._turn_on()
            if resumed and not self.session.protocol.screening.prioritise:
                self.notify("Prioritised, as you left it (p turns it off)")

    def _can_prioritise(self) -> bool:
        return self.session.stage is Stage.TITLE_ABSTRACT

    def _turn_on(self) -> None:
        self._priority_wanted = True
        self._prioritiser = Prioritiser(self.session)
        self._record("start", settings=self._prioritiser.ledger_settings())

    def _turn_off(self) -> None:
        self._priority_wanted = False
        if self._prioritiser is not None:
            self._prioritiser.stop()
            self._prioritiser = None
            self._record("off")

    def _record(self, action: str, **fields: object) -> None:
        try:
            self.session.store.prioritisation.record(
                Stage.TITLE_ABSTRACT,
                action,  # type: ignore[arg-type]
                reviewer=self.session.reviewer,
                **fields,  # type: ignore[arg-type]
            )
        except ReviewError as exc:
            self.notify(str(exc), severity="error")

    def action_toggle_prioritise(self) -> None:
        if not self._can_prioritise():
            self.notify("Prioritisation orders the title/abstract queue only", severity="warning")
            return
        if self._prioritiser is None:
            self._turn_on()
            self.notify("Prioritised: most likely relevant first (warm-up: random order)")
        else:
            self._turn_off()
            self.notify("Prioritisation off: import order")
        self.show_current()  # type: ignore[attr-defined]

    def priority_label(self, label: str, on: bool) -> None:
        """A label changed on the current record: `known-relevant` is prior knowledge."""
        unit = self.session.current
        if self._prioritiser is not None and label == PRIOR_LABEL and unit is not None:
            self._prioritiser.mark_prior(unit.key, on)

    def priority_tick(self) -> None:
        """After every redraw: follow a stage switch, show the line, retrain if due."""
        prioritiser = self._prioritiser
        if prioritiser is not None and prioritiser.session is not self.session:
            prioritiser.stop()  # the stage changed: a new session
            self._prioritiser = prioritiser = None
        if prioritiser is None and self._priority_wanted and self._can_prioritise():
            self._prioritiser = prioritiser = Prioritiser(self.session)
        if prioritiser is None:
            self.priority_bar.show(None, None)
            return
        unit = self.session.current
        relevance = prioritiser.relevance(unit.position) if unit is not None else None
        if prioritiser.due():
            prioritiser.pending = True  # claimed now; the request is built after the frame
            self.call_after_refresh(self._retrain, prioritiser)
        self.priority_bar.show(prioritiser.status(), relevance)

    def _retrain(self, prioritiser: Prioritiser) -> None:
        if self._pool is None:
            self._pool = RankingPool()
        future = self._pool.submit(prioritiser.request())
        self.run_worker(self._await(prioritiser, future), group="priority", exit_on_error=False)

    async def _await(self, prioritiser: Prioritiser, future: Future[Ranking]) -> None:
        try:
            ranking: Ranking = await asyncio.wrap_future(future)
        except Exception as exc:  # a failed retrain must not end screening
            prioritiser.apply(None)
            self.notify(f"Retraining failed ({exc}); the queue keeps its order", severity="error")
            return
        if prioritiser is self._prioritiser:
            self.priority_take(prioritiser, ranking)

    def priority_take(self, prioritiser: Prioritiser, ranking: Ranking) -> None:
        """A retrain's answer on the UI thread: the worker made the order, so
        this swaps it in (no queue rebuilt here) and redraws the one line."""
        prioritiser.apply(ranking)
        unit = self.session.current
        relevance = prioritiser.relevance(unit.position) if unit is not None else None
        self.priority_bar.show(prioritiser.status(), relevance)
        if prioritiser.due():  # decisions made while it trained go into the next one now,
            prioritiser.pending = True  # not only after the reviewer's next key
            self.call_after_refresh(self._retrain, prioritiser)

    def action_stopping(self) -> None:
        if self.session.stage is not Stage.TITLE_ABSTRACT:
            self.notify("The stopping rule is for title/abstract screening", severity="warning")
            return
        labels, total = reviewer_decisions(self.session)
        rule = self.session.protocol.screening.stopping

        def chosen(figures: StoppingFigures | None) -> None:
            if figures is None:
                return
            prioritiser = self._prioritiser
            try:
                record_stop(
                    self.session.store,
                    self.session.reviewer,
                    figures,
                    # This screen knows its queue's order: none here is "not prioritised".
                    prioritiser.ledger_settings() if prioritiser is not None else {},
                )
            except ReviewError as exc:
                self.notify(str(exc), severity="error")
                return
            verdict = "safe" if figures.safe_to_stop else "NOT yet safe by the rule"
            self.notify(f"Recorded: you stopped here after {figures.screened:,} ({verdict})")

        prioritiser = self._prioritiser
        model = (
            f"{prioritiser.settings.as_dict()['model']}, seed {prioritiser.settings.seed}"
            if prioritiser is not None
            else "not prioritised"
        )
        self.app.push_screen(
            StoppingPanel(labels, total, rule.target_recall, rule.confidence, model), chosen
        )

    def on_unmount(self) -> None:
        if self._priority_wanted:
            # Closing the screen ends this period of prioritised screening: the
            # ledger must not report it as still on tomorrow. The reviewer's
            # next session resumes it. (On another stage, no prioritiser runs,
            # but the period is still open.)
            self._record("off", figures={SESSION_ENDED: True})
        if self._pool is not None:
            self._pool.shutdown()
