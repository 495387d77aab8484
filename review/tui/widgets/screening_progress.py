"""The line above the record: where the reviewer stands in this stage."""

from __future__ import annotations

from rich.cells import cell_len
from textual import events
from textual.content import Content
from textual.widgets import Static

from review.screening.state import ReviewerCounts
from review.wording import counted as plural

BAR_WIDTH = 24
NARROW_BAR = 10
SEPARATOR = "  "


class ScreeningProgress(Static):
    """A bar over this reviewer's share and the counts behind it, in one line.

    Drawn as text rather than a ProgressBar widget: one widget, one update
    per decision, no animation frames between records. The counts always
    show; when the line is narrow (80 columns) the note and then the bar
    give way, so the maybe count is never the part cut off.
    """

    _shown: tuple[ReviewerCounts, str, str, str] | None = None

    def show(self, counts: ReviewerCounts, *, stage: str, view: str, maybe_note: str) -> None:
        self._shown = (counts, stage, view, maybe_note)
        width = (self.content_size.width or self.app.size.width - 2) if self.is_mounted else 0
        self.update(progress_line(counts, stage=stage, view=view, note=maybe_note, width=width))

    def on_resize(self, event: events.Resize) -> None:
        if self._shown is not None:
            counts, stage, view, note = self._shown
            self.show(counts, stage=stage, view=view, maybe_note=note)


def progress_line(
    counts: ReviewerCounts, *, stage: str, view: str, note: str, width: int = 0
) -> Content:
    """The line at `width` cells (0: no limit): counts first, bar and note as room allows."""
    total = counts.done + counts.to_do
    percent = f"{100 * counts.done / total:3.0f}%" if total else "100%"
    counted = [
        Content.styled(stage, "bold"),
        Content(f"{counts.done:,} done · {counts.to_do:,} to do"),
        Content.styled(f"✓ {counts.included:,}", "$text-success"),
        Content.styled(f"✗ {counts.excluded:,}", "$text-error"),
        Content.styled(f"? {counts.maybe:,}", "$text-warning"),
    ]
    if counts.conflicts:
        conflicts = plural(counts.conflicts, "conflict")
        counted.append(Content.styled(f"⚡ {conflicts}", "bold $text-error"))
    if view != "queue":
        counted.append(Content.styled(f"view: {view}", "reverse"))
    note_part = Content.styled(note, "$text-muted")
    for bar_width, with_note in ((BAR_WIDTH, True), (BAR_WIDTH, False), (NARROW_BAR, False)):
        filled = round(bar_width * counts.done / total) if total else bar_width
        bar = Content.assemble(
            ("━" * filled, "$success"), ("━" * (bar_width - filled), "$panel"), f" {percent}"
        )
        line = Content(SEPARATOR).join([bar, *counted, *([note_part] if with_note else [])])
        if not width or cell_len(line.plain) <= width:
            return line
    return Content(SEPARATOR).join([Content(percent), *counted])
