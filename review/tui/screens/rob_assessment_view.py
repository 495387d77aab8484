"""What the risk-of-bias assessment screen shows: the heading, the domain
table with suggested and final judgements, the domain's detail and its questions.

Everything is redrawn from the session on each change (`show`), so what is on
screen is what is stored. The screen (`rob_assessment`) adds the keys.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.table import Table
from rich.text import Text
from textual import getters
from textual.screen import Screen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from review.errors import ReviewError
from review.rob.assessment import OVERALL, OVERALL_APPLICABILITY, Assessment
from review.rob.engine import applicable_questions
from review.rob.model import Judgement, Question
from review.rob.overall_check import check_overall
from review.rob.session import RobSession
from review.tui.widgets.rob_lights import judged, light

ANSWER_KEYS = "123456789"
"""The n-th answer a question allows is on key n: Y PY PN N NI on 1–5 for the
signalling-question tools (NA, where a question allows it, comes after)."""
WIDE = 110
"""Columns from which the domain table spells out each judgement; below, it shows
the lamps alone, so an 80-column terminal keeps room for the questions (the
detail pane spells out the highlighted domain's judgements)."""


class AssessmentView(Screen[None]):
    """One assessment drawn from its session: domains, detail, the questions that apply."""

    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it without ClassVar)
        (0, "-narrow"),
        (WIDE, "-wide"),
    ]

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

    def on_resize(self) -> None:
        self.domains_view.update(self._domain_table())

    def _domain_table(self) -> Table:
        a = self.assessment
        wide = self.app.size.width >= WIDE
        cell = judged if wide else _lamp
        table = Table(box=None, show_header=True, header_style="bold", pad_edge=False)
        table.add_column("", width=1)
        table.add_column("Domain", no_wrap=True, overflow="ellipsis", max_width=20 if wide else 16)
        table.add_column("Suggested" if wide else "Sug.", no_wrap=True)
        table.add_column("Final", no_wrap=True)
        names = {d.id: d.name for d in a.domains}
        for n, key in enumerate(self.keys()):
            marker = "▶" if n == self.position else ""
            name = f"{key} {names[key]}" if key in names else key
            if key in names and a.tool.domain(key, a.variant).kind == "checklist":
                table.add_row(marker, name, Text("items only" if wide else "—", style="dim"), "")
                continue
            final = a.final(key)
            shown = cell(final)
            decision = a.decisions.get(key)
            if decision is not None and decision.justification:
                shown.append(" *", style="bold")
            table.add_row(marker, name, self._suggested_cell(key, cell), shown)
        return table

    def _suggested_cell(self, key: str, cell: Callable[[Judgement | None], Text]) -> Text:
        """The suggestion; for an overall with domains still to judge, the
        floor those judged imply (`≥` before it) and a `!` when the overall
        set is lower or came first."""
        a = self.assessment
        if key not in (OVERALL, OVERALL_APPLICABILITY) or a.suggested(key) is not None:
            shown = cell(a.suggested(key))
        else:
            implied = check_overall(a, key).implied
            shown = Text("≥", style="dim") + cell(implied) if implied else cell(None)
        if key in (OVERALL, OVERALL_APPLICABILITY) and check_overall(a, key).warnings:
            shown.append(" !", style="bold yellow")
        return shown

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
        overall = key in (OVERALL, OVERALL_APPLICABILITY)
        check = check_overall(a, key) if overall else None
        if check is not None and suggestion is None:
            text.append(check.describe() or "judge the domains first", style="dim")
        else:
            text.append_text(judged(suggestion, "answer every question that applies"))
        decision = a.decisions.get(key)
        text.append("   Final: ")
        text.append_text(judged(decision.final if decision else None, "not judged"))
        if check is not None and suggestion is not None:
            text.append(f"  ({check.describe()})", style="dim")
        for warning in check.warnings if check is not None else ():
            text.append(f"\n⚠ {warning}", style="bold yellow")
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


def _lamp(judgement: Judgement | None, empty: str = "—") -> Text:
    """The lamp alone (its symbol reads without colour), for narrow terminals."""
    return Text(empty, style="dim") if judgement is None else light(judgement)
