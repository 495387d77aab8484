"""The risk-of-bias assessment screen: one study (or result), domain by domain.

A thin view over `RobSession`: every key calls one session method, which
stores an event before the screen redraws, so quitting loses nothing. Only
the questions that apply given the answers so far are shown; the suggested
judgement is recomputed from the answers on every redraw.
"""

from __future__ import annotations

from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Header, OptionList, Static

from review.rob.assessment import OVERALL
from review.rob.session import Status
from review.tui.screens.info import InfoScreen
from review.tui.screens.rob_assessment_view import ANSWER_KEYS
from review.tui.screens.rob_judging import JudgingKeys
from review.tui.screens.text_prompt import TextPrompt
from review.tui.widgets.key_footer import KeyFooter


class RobAssessmentScreen(JudgingKeys):
    """Answer, judge and confirm one assessment; Esc goes back to the list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                key,
                f"answer({n})",
                "Answer",
                show=n == 0,
                key_display="1-9",
                id=f"rob.answer-{key}",
            )
            for n, key in enumerate(ANSWER_KEYS)
        ),
        Binding("x", "clear", "Clear answer", show=False, id="rob.clear"),
        Binding("left", "domain(-1)", "Previous domain", show=False, id="rob.previous-domain"),
        Binding("right", "domain(1)", "Next domain", show=False, id="rob.next-domain"),
        Binding("o", "overall", "Overall", show=False, id="rob.overall"),
        Binding("s", "support", "Support", id="rob.support"),
        Binding("c", "confirm", "Confirm", id="rob.confirm"),
        Binding("j", "judge", "Judge", id="rob.judge"),
        Binding("b", "direction", "Direction", show=False, id="rob.direction"),
        Binding("v", "variant", "Variant", id="rob.variant"),
        Binding("d", "differences", "Differences", show=False, id="rob.differences"),
        Binding("a", "consensus", "Consensus", show=False, id="rob.consensus"),
        Binding("escape", "app.pop_screen", "Back", id="rob.back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | ↑ ↓ | Move between the questions that apply. |
    | ← → | Previous and next domain; `o` jumps to the overall judgement. |
    | 1–9 | Answer: the n-th allowed answer (Y PY PN N NI on 1–5); moves on. |
    | x | Clear the answer. |
    | s | Support for the answer: a quote and its page. |
    | c | Confirm the suggested judgement of the domain (or overall). |
    | j | Judge it yourself; departing from the suggestion asks a justification. |
    | b | Predicted direction of bias (RoB 2, ROBINS-I). |
    | v | Variant (RoB 2: effect of assignment or of adhering). |
    | d | Differences between the two assessors (dual assessment). |
    | a | Switch to the consensus (agreed entries) and back (dual assessment). |
    | escape | Back to the list. |
    """

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="rob-heading")
        with Horizontal(id="rob-body"):
            yield Static(id="rob-domains")
            with Vertical(id="rob-main"):
                yield Static(id="rob-detail")
                yield OptionList(id="rob-questions")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.question_list.focus()
        self.show()

    # -- answering ------------------------------------------------------------

    def action_answer(self, n: int) -> None:
        q = self.current_question()
        if q is None:
            self.notify("No question here: ← → change domain", severity="warning")
            return
        if n >= len(q.options):
            self.notify(f"{q.item} has {len(q.options)} answers", severity="warning")
            return
        if self._run(lambda: self.session.answer(q.item, q.options[n], agreed=self.agreed), q.item):
            self._move_on(q.item)

    def _move_on(self, item: str) -> None:
        """To the next question shown after `item` (conditionals may have appeared)."""
        items = [q.item for q in self._shown]
        if item in items and items.index(item) + 1 < len(items):
            self.question_list.highlighted = items.index(item) + 1

    def action_clear(self) -> None:
        if (q := self.current_question()) is not None:
            self._run(lambda: self.session.answer(q.item, None, agreed=self.agreed), q.item)

    def action_support(self) -> None:
        q = self.current_question()
        if q is None:
            return
        held = self.assessment.answers.get(q.item)
        if held is None:
            self.notify(f"Answer {q.item} first", severity="warning")
            return

        def save(text: str | None) -> None:
            if text is not None:
                agreed = self.agreed
                self._run(
                    lambda: self.session.answer(q.item, held.value, text, agreed=agreed), q.item
                )

        self.app.push_screen(
            TextPrompt(
                f"Support for {q.item} ({held.value})",
                value=held.support,
                placeholder="A quote and its page, e.g. “allocation by sealed envelopes” p. 4",
            ),
            save,
        )

    def action_domain(self, step: int) -> None:
        self.position = max(0, min(self.position + step, len(self.keys()) - 1))
        self.question_list.highlighted = None
        self.show()
        if self._shown:
            self.question_list.highlighted = 0

    def action_overall(self) -> None:
        self.position = self.keys().index(OVERALL)
        self.show()

    # -- dual assessment ------------------------------------------------------

    def action_differences(self) -> None:
        s = self.session
        if s.assessors == 1:
            self.notify("One assessor per study: nothing to compare", severity="warning")
            return
        if s.blind and s.status is not Status.COMPLETE:
            self.notify("Blind: finish your own assessment first", severity="warning")
            return
        found = s.differences()
        table = Table(box=None, header_style="bold")
        for column in ("Where", "Item", "First", "Second"):
            table.add_column(column)
        for d in found:
            table.add_row(d.domain, d.item or "judgement", d.first or "—", d.second or "—")
        body = table if found else Text("The two assessments agree (or one is missing).")
        self.app.push_screen(InfoScreen(f"Differences · {self.label}", body))

    def action_consensus(self) -> None:
        """Switch between one's own entries and the consensus; the consensus is
        not blind, so it opens once one's own assessment is complete."""
        s = self.session
        if s.assessors == 1:
            self.notify("One assessor per study: no consensus to record", severity="warning")
            return
        if not self.agreed and s.blind and s.status is not Status.COMPLETE:
            self.notify("Blind: finish your own assessment first", severity="warning")
            return
        self.agreed = not self.agreed
        self.question_list.highlighted = None
        self.show()
