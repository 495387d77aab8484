"""The line under the progress bar while the queue is prioritised: this
record's predicted relevance and what the ranking learned from."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from review.screening.priority import Status


class PriorityBar(Static):
    """One line; hidden while prioritisation is off."""

    DEFAULT_CSS = """
    PriorityBar { height: 1; padding: 0 1; display: none; }
    """

    def show(self, status: Status | None, relevance: float | None) -> None:
        if status is None:
            self.display = False
            return
        self.display = True
        parts = [Content.styled("Prioritised", "bold")]
        if status.warm_up:
            parts.append(
                Content("warm-up: random order until you have one include and one exclude")
            )
        else:
            shown = "—" if relevance is None else f"{relevance:.0%}"
            parts.append(Content.assemble("predicted relevance ", (shown, "bold")))
            parts.append(Content(f"model from {status.decisions:,} decisions"))
        if status.pending:
            parts.append(Content.styled("retraining…", "$text-muted"))
        parts.append(Content.styled("p: off · w: when to stop", "$text-muted"))
        self.update(Content("  ·  ").join(parts))
