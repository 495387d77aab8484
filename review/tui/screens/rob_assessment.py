"""The risk-of-bias assessment screen: one study (or result), domain by domain.

A thin view over `RobSession`: every key calls one session method, which
stores an event before the screen redraws, so quitting loses nothing. Only
the questions that apply given the answers so far are shown; the suggested
judgement is recomputed from the answers on every redraw.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from review.errors import ReviewError
from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Assessment
from review.rob.engine import applicable_questions
from review.rob.model import Judgement, Question
from review.rob.session import RobSession, Status
from review.tui.screens.choice_picker import ChoicePicker
from review.tui.screens.info import InfoScreen
from review.tui.screens.text_prompt import TextPrompt
from review.tui.widgets.rob_lights import judged

ANSWER_KEYS = "123456789"
"""The n-th answer a question allows is on key n: Y PY PN N NI on 1–5 for the
signalling-question tools (NA, where a question allows it, comes after)."""


class RobAssessmentScreen(Screen[None]):
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

    domains_view = getters.query_one("#rob-domains", Static)
    detail = getters.query_one("#rob-detail", Static)
    question_list = getters.query_one("#rob-questions", OptionList)
    heading = getters.query_one("#rob-heading", Static)

    def __init__(self, session: RobSession, label: str = "") -> None:
        super().__init__()
        self.session = session
        self.label = label or session.study_key
        self.position = 0
        """Index into `keys()`: a domain, or an overall judgement past the domains."""
        self._shown: list[Question] = []
        self.agreed = False
        """Editing the consensus of dual assessment (`a`), recorded with agreed=True."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="rob-heading")
        with Horizontal(id="rob-body"):
            yield Static(id="rob-domains")
            with Vertical(id="rob-main"):
                yield Static(id="rob-detail")
                yield OptionList(id="rob-questions")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.question_list.focus()
        self.show()

    # -- what is shown --------------------------------------------------------

    def keys(self) -> list[str]:
        """Domain ids in order, then the overall judgement(s)."""
        a = self.assessment
        out = [d.id for d in a.domains]
        out.append(OVERALL)
        if any(d.kind == "applicability" for d in a.domains):
            out.append(OVERALL_APPLICABILITY)
        return out

    @property
    def assessment(self) -> Assessment:
        """The reviewer's own entries, or the pair's consensus while `agreed`."""
        return self.session.consensus if self.agreed else self.session.assessment

    def questions(self, key: str) -> tuple[Question, ...]:
        if not self.agreed:
            return self.session.questions(key)
        a = self.assessment
        return applicable_questions(a.tool, key, a.values(), variant=a.variant)

    @property
    def key(self) -> str:
        keys = self.keys()
        self.position = min(self.position, len(keys) - 1)
        return keys[self.position]

    def show(self, item: str | None = None) -> None:
        """Redraw everything from the session; keep the cursor on `item` if it is shown."""
        s = self.session
        a = self.assessment
        parts = [self.label, s.tool.name]
        if s.result is not None:
            parts.append(s.result.name)
        if s.tool.variants:
            parts.append(f"variant: {a.variant}")
        if self.agreed:
            parts.append("CONSENSUS (agreed entries)")
        else:
            parts.append(f"{s.status} · {s.reviewer}" + (" (blind)" if s.blind else ""))
        self.heading.update(Text(" · ".join(parts), style="bold"))
        self.domains_view.update(self._domain_table())
        self.detail.update(self._detail())
        key = self.key
        judged_only = key in (OVERALL, OVERALL_APPLICABILITY)
        self._shown = [] if judged_only else list(self.questions(key))
        keep = self.question_list.highlighted
        self.question_list.set_options([self._option(q) for q in self._shown])
        if not self._shown:
            return
        items = [q.item for q in self._shown]
        if item in items:
            self.question_list.highlighted = items.index(item)
        else:
            self.question_list.highlighted = min(keep or 0, len(items) - 1)

    def _domain_table(self) -> Table:
        a = self.assessment
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("", width=1)
        table.add_column("Domain", no_wrap=True, overflow="ellipsis", max_width=20)
        table.add_column("Suggested", no_wrap=True)
        table.add_column("Final", no_wrap=True)
        names = {d.id: d.name for d in a.domains}
        for n, key in enumerate(self.keys()):
            marker = "▶" if n == self.position else ""
            name = f"{key} {names[key]}" if key in names else key
            if key in names and a.tool.domain(key, a.variant).kind == "checklist":
                table.add_row(marker, name, Text("items only", style="dim"), "")
                continue
            final = a.final(key)
            shown = judged(final)
            decision = a.decisions.get(key)
            if decision is not None and decision.justification:
                shown.append(" *", style="bold")
            table.add_row(marker, name, judged(a.suggested(key)), shown)
        return table

    def _detail(self) -> Text:
        s = self.session
        a = self.assessment
        key = self.key
        text = Text()
        if key in (OVERALL, OVERALL_APPLICABILITY):
            text.append(f"{key} judgement\n", style="bold")
            if s.tool.overall_note and key == OVERALL:
                text.append(s.tool.overall_note + "\n", style="dim")
        else:
            domain = s.tool.domain(key, a.variant)
            text.append(f"{domain.id} {domain.full_name}\n", style="bold")
            text.append(f"rule: {domain.rule_kind}, {domain.rule_source}\n", style="dim")
        suggestion = a.suggested(key)
        text.append("Suggested: ")
        text.append_text(judged(suggestion, "answer every question that applies"))
        decision = a.decisions.get(key)
        text.append("   Final: ")
        text.append_text(judged(decision.final if decision else None, "not judged"))
        if decision is not None and decision.justification:
            text.append(f"\nJustification: {decision.justification}")
        if decision is not None and decision.direction:
            text.append(f"\nDirection: {decision.direction}")
        problems = a.problems()
        if problems:
            text.append(f"\nTo do: {'; '.join(problems[:3])}", style="dim")
            if len(problems) > 3:
                text.append(f" (+{len(problems) - 3})", style="dim")
        return text

    def _option(self, q: Question) -> Option:
        a = self.assessment
        held = a.answers.get(q.item)
        labels = q.labels or {}
        text = Text()
        text.append(f"{q.item:<5}", style="bold")
        text.append(q.text)
        if q.when is not None:
            text.append(f"  ({q.when.describe()})", style="dim")
        text.append("\n     ")
        for n, code in enumerate(q.options):
            word = labels.get(code, code)
            chosen = held is not None and held.value == code
            text.append(f"{ANSWER_KEYS[n]} ", style="dim")
            text.append(f" {word} " if chosen else word, style="reverse bold" if chosen else "")
            text.append("  ")
        if held is not None and held.support:
            text.append(f"\n     “{held.support}”", style="italic")
        return Option(text, id=q.item)

    def current_question(self) -> Question | None:
        index = self.question_list.highlighted
        if index is None or not 0 <= index < len(self._shown):
            return None
        return self._shown[index]

    # -- answering ------------------------------------------------------------

    def _run(self, change: Callable[[], object], item: str | None = None) -> bool:
        """Call the session; a refusal is shown, not raised. Redraws either way."""
        try:
            change()
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            self.show(item)
            return False
        self.show(item)
        return True

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

    # -- judging --------------------------------------------------------------

    def action_confirm(self) -> None:
        key = self.key
        self._run(lambda: self.session.confirm(key, agreed=self.agreed))

    def action_judge(self) -> None:
        key = self.key
        a = self.assessment
        is_overall = key in (OVERALL, OVERALL_APPLICABILITY)
        scale = self.session.tool.overall_scale if is_overall else self.session.tool.scale
        if not scale:
            self.notify(f"{key}: items only, no judgement", severity="warning")
            return
        suggested = a.suggested(key)
        final = a.final(key)
        choices = [(j.value, j.value, str(n + 1)) for n, j in enumerate(scale)]

        def chosen(value: str | None) -> None:
            if value is None:
                return
            judgement = Judgement(value)
            if suggested is None or judgement == suggested:
                self._run(lambda: self.session.decide(key, judgement, agreed=self.agreed))
                return

            def justified(text: str | None) -> None:
                if text is None:
                    return
                if not text:
                    self.notify(
                        f"{key}: {judgement} departs from the suggested {suggested}; "
                        "a justification is needed — nothing saved",
                        severity="error",
                    )
                    return
                self._run(lambda: self.session.decide(key, judgement, text, agreed=self.agreed))

            self.app.push_screen(
                TextPrompt(
                    f"Why {judgement}, not the suggested {suggested}?",
                    placeholder="Justification (required for an override)",
                ),
                justified,
            )

        self.app.push_screen(
            ChoicePicker(f"Judge {key}", choices, current=final.value if final else ""), chosen
        )

    def action_direction(self) -> None:
        key = self.key
        tool = self.session.tool
        decision = self.assessment.decisions.get(key)
        if not tool.directions:
            self.notify(f"{tool.name} asks no direction of bias", severity="warning")
            return
        if decision is None:
            self.notify(f"Judge {key} first (c or j)", severity="warning")
            return
        choices = [(d, d, str(n + 1)) for n, d in enumerate(tool.directions)]
        choices.append(("", "No direction", "0"))

        def chosen(value: str | None) -> None:
            if value is not None:
                self._run(
                    lambda: self.session.decide(
                        key,
                        decision.final,
                        decision.justification,
                        direction=value or None,
                        agreed=self.agreed,
                    )
                )

        self.app.push_screen(
            ChoicePicker(f"Direction of bias: {key}", choices, current=decision.direction or ""),
            chosen,
        )

    def action_variant(self) -> None:
        tool = self.session.tool
        if not tool.variants:
            self.notify(f"{tool.name} has no variants", severity="warning")
            return
        choices = [(v.id, v.label, str(n + 1)) for n, v in enumerate(tool.variants)]

        def chosen(value: str | None) -> None:
            if value is not None:
                self._run(lambda: self.session.set_variant(value, agreed=self.agreed))

        self.app.push_screen(
            ChoicePicker(
                "Which effect is assessed? (domain 2 follows)",
                choices,
                current=self.assessment.variant or "",
            ),
            chosen,
        )

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
