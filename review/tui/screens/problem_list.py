"""Why a form cannot be completed yet: every problem, Enter jumps to its field."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from review.extraction.checks import FormProblem


class ProblemList(ModalScreen[FormProblem | None]):
    """Dismisses with the problem chosen (to jump to its field), or None on Esc."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Close", id="problems.close"),
    ]

    def __init__(
        self, title: str, problems: list[FormProblem], *, labels: dict[str, str] | None = None
    ) -> None:
        super().__init__()
        self.problem_title = title
        self.problems = problems
        self.labels = labels or {}
        """Field key → label, so the list reads as the form does."""

    def compose(self) -> ComposeResult:
        with Vertical(id="problems-dialog"):
            yield Static(self.problem_title, id="problems-title", markup=False)
            yield OptionList(
                *(Option(self._line(p), id=str(n)) for n, p in enumerate(self.problems)),
                id="problems-list",
            )
            yield Static("Enter goes to the field · Esc closes", id="problems-help")

    def _line(self, problem: FormProblem) -> str:
        label = self.labels.get(problem.field, problem.field)
        where = f"{label} [{problem.row}]" if problem.row else label
        return f"{where}: {problem.message}"

    @on(OptionList.OptionSelected, "#problems-list")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.problems[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
