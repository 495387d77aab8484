"""The line above the record: where the reviewer stands in this stage."""

from __future__ import annotations

from textual.content import Content
from textual.widgets import Static

from review.screening.state import ReviewerCounts

BAR_WIDTH = 24


class ScreeningProgress(Static):
    """A bar over this reviewer's share and the counts behind it, in one line.

    Drawn as text rather than a ProgressBar widget: one widget, one update
    per decision, no animation frames between records.
    """

    def show(self, counts: ReviewerCounts, *, stage: str, view: str, maybe_note: str) -> None:
        total = counts.done + counts.to_do
        filled = round(BAR_WIDTH * counts.done / total) if total else BAR_WIDTH
        percent = f"{100 * counts.done / total:3.0f}%" if total else "100%"
        parts = [
            Content.assemble(
                ("━" * filled, "$success"), ("━" * (BAR_WIDTH - filled), "$panel"), f" {percent}"
            ),
            Content.styled(stage, "bold"),
            Content(f"{counts.done:,} done · {counts.to_do:,} to do"),
            Content.styled(f"✓ {counts.included:,}", "$text-success"),
            Content.styled(f"✗ {counts.excluded:,}", "$text-error"),
            Content.styled(f"? {counts.maybe:,}", "$text-warning"),
        ]
        if counts.conflicts:
            parts.append(Content.styled(f"⚡ {counts.conflicts:,} conflicts", "bold $text-error"))
        if view != "queue":
            parts.append(Content.styled(f"view: {view}", "reverse"))
        parts.append(Content.styled(maybe_note, "$text-muted"))
        self.update(Content("  ").join(parts))
