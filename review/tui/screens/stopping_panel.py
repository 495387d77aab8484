"""The stopping panel: where the reviewer stands against the stopping rule,
and the place to record that they stop screening here."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from review.prioritise.stopping import CITATION, RULE, StoppingFigures, stopping_figures


class StoppingPanel(ModalScreen[StoppingFigures | None]):
    """Shows the rule's figures; `s` dismisses with them (stop here), Esc with None."""

    DEFAULT_CSS = """
    StoppingPanel { align: center middle; }
    #stopping-dialog {
        width: 84; max-width: 100%; height: auto; max-height: 90%;
        border: round $primary; padding: 1 2; background: $surface;
    }
    #stopping-help { color: $text-muted; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("s", "stop", "Stop screening here", id="stopping.stop"),
        Binding("escape,q,w", "close", "Close", id="stopping.close"),
    ]

    def __init__(
        self, labels: list[int], total: int, target: float, confidence: float, model: str
    ) -> None:
        """`model`: the queue's order as the stop would record it ("tfidf-svm,
        seed 0", or "not prioritised")."""
        super().__init__()
        self._input = (labels, total, target, confidence)
        self._model = model
        self.figures: StoppingFigures | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="stopping-dialog") as dialog:
            dialog.border_title = "When to stop"
            yield Static("Computing…", id="stopping-body")
            yield Static(
                "Stopping is your decision: s records that you stop here, with these figures "
                f"and the queue's order ({self._model}) · Esc closes",
                id="stopping-help",
            )

    def on_mount(self) -> None:
        self._compute()

    @work(thread=True, exclusive=True)
    def _compute(self) -> None:
        """scipy's first import and a large review take a moment: off the UI thread."""
        labels, total, target, confidence = self._input
        figures = stopping_figures(labels, total, target_recall=target, confidence=confidence)
        self.app.call_from_thread(self._show, figures)

    def _show(self, figures: StoppingFigures) -> None:
        self.figures = figures
        self.query_one("#stopping-body", Static).update(describe(figures))

    def action_stop(self) -> None:
        if self.figures is None:
            self.notify("Still computing the figures", severity="warning")
            return
        self.dismiss(self.figures)

    def action_close(self) -> None:
        self.dismiss(None)


def describe(figures: StoppingFigures) -> Content:
    """The figures as the panel shows them."""
    lines = [
        Content(f"Records screened: {figures.screened:,} of {figures.total:,}"),
        Content(f"Includes found (maybe counts): {figures.includes:,}"),
        Content(f"Consecutive excludes since the last include: {figures.excludes_since_include:,}"),
    ]
    if figures.remaining_estimate is not None and figures.recall_lower is not None:
        lines.append(
            Content(
                f"Includes still unscreened: about {figures.remaining_estimate:.1f}, at most "
                f"{figures.remaining_upper:,} ({figures.confidence:.0%} confidence); "
                f"recall at least {figures.recall_lower:.0%}"
            )
        )
    lines.append(Content(""))
    target = f"target recall {figures.target_recall:.0%} at {figures.confidence:.0%} confidence"
    if figures.p_value is None:
        lines.append(Content(f"Stopping rule ({target}): nothing screened yet."))
    else:
        verdict = (
            Content.styled("safe to stop", "bold $text-success")
            if figures.safe_to_stop
            else Content.styled("keep screening", "bold $text-warning")
        )
        lines.append(
            Content.assemble(f"Stopping rule ({target}): p = {figures.p_value:.3f} → ", verdict)
        )
    lines.append(Content.styled(f"{RULE}. Cite: {CITATION}", "$text-muted"))
    return Content("\n").join(lines)
