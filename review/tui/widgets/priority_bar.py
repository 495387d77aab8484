"""The line under the progress bar while the queue is prioritised: this
record's predicted relevance and what the ranking learned from."""

from __future__ import annotations

from textual.app import RenderResult
from textual.content import Content
from textual.widgets import Static

from review.screening.priority import Status

SEPARATOR = Content.styled(" · ", "$text-muted")


class PriorityBar(Static):
    """One line; hidden while prioritisation is off. What does not fit the
    width is left out from the end (the key hints first, then `retraining…`),
    so an 80-column terminal keeps the relevance and the model's size."""

    DEFAULT_CSS = """
    PriorityBar { height: 1; padding: 0 1; display: none; }
    """

    _parts: tuple[Content, ...] = ()
    _optional: tuple[Content, ...] = ()

    def show(self, status: Status | None, relevance: float | None) -> None:
        if status is None:
            self.display = False
            return
        self.display = True
        parts = [Content.styled("Prioritised", "bold")]
        if status.warm_up:
            parts.append(Content("warm-up: random order until one include and one exclude"))
        else:
            shown = "—" if relevance is None else f"{relevance:.0%}"
            parts.append(Content.assemble("predicted relevance ", (shown, "bold")))
            parts.append(Content(f"model from {status.decisions:,} decisions"))
        optional = [Content.styled("p: off · w: when to stop", "$text-muted")]
        if status.pending:
            optional.insert(0, Content.styled("retraining…", "$text-muted"))
        self._parts, self._optional = tuple(parts), tuple(optional)
        self.refresh()

    def render(self) -> RenderResult:
        width = self.content_region.width
        parts, optional = list(self._parts), list(self._optional)
        while optional and width and SEPARATOR.join([*parts, *optional]).cell_length > width:
            optional.pop()
        return SEPARATOR.join([*parts, *optional])
