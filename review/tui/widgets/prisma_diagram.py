"""The flow diagram widget: draws `prisma_layout` at its width and marks one box line.

It renders and moves its mark; the PRISMA screen owns the keys and opens
what is marked. Laid out again on every width change, so the same review
reads in 80 columns (arms stacked) and uses 160 (the figure's columns).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import events
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from review.prisma.counts import PrismaCounts
from review.tui.widgets.prisma_layout import Drawing, Spot, draw, reading_order

MARK = "reverse"
HEADING = "bold"
COUNT = "bold"


class PrismaDiagram(Widget, can_focus=True):
    """The diagram of `counts`; `current` is the marked box line."""

    DEFAULT_CSS = """
    PrismaDiagram { height: auto; width: 100%; }
    """

    marked: reactive[int] = reactive(0)
    """Index (reading order) of the marked line."""

    @dataclass
    class Opened(Message):
        """The marked line was clicked: open its records."""

        box: str

    def __init__(self, counts: PrismaCounts, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts = counts
        self._drawing: Drawing | None = None
        self._drawn_for = -1
        self.spots: list[Spot] = []

    def drawing(self, width: int) -> Drawing:
        if self._drawing is None or width != self._drawn_for:
            was = self.spots[self.marked].box if self.marked < len(self.spots) else None
            self._drawing = draw(self.counts, max(width, 40))
            self._drawn_for = width
            self.spots = reading_order(self._drawing.spots)
            # Another width is another layout: keep the same box marked.
            again = next((s.order for s in self.spots if s.box == was), 0)
            self.set_reactive(PrismaDiagram.marked, again)
        return self._drawing

    @property
    def current(self) -> Spot | None:
        if not self.spots:
            self.drawing(self.size.width or 80)
        return self.spots[self.marked] if self.spots else None

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.drawing(width).lines)

    def render(self) -> Text:
        drawing = self.drawing(self.size.width)
        lines = [Text(line) for line in drawing.lines]
        for y, x0, x1 in drawing.headings:
            lines[y].stylize(HEADING, x0, x1)
        for spot in self.spots:
            for y in range(spot.y0, spot.y1):
                line = lines[y]
                start = line.plain.find("(n = ", spot.x0, spot.x1)
                if start >= 0:
                    line.stylize(COUNT, start, line.plain.find(")", start) + 1)
        if (mark := self.current) is not None:
            for y in range(mark.y0, mark.y1):
                lines[y].stylize(MARK, mark.x0 + 1, min(mark.x1 - 1, len(lines[y])))
        return Text("\n").join(lines)

    def watch_marked(self) -> None:
        self.refresh()
        self.call_after_refresh(self.show_mark)

    def on_resize(self) -> None:
        self.call_after_refresh(self.show_mark)

    def show_mark(self) -> None:
        """Scroll the container so the marked line is in view."""
        if (mark := self.current) is not None and self.parent is not None:
            region = Region(mark.x0, mark.y0, mark.x1 - mark.x0, mark.y1 - mark.y0)
            scroller = self.parent
            if isinstance(scroller, Widget):
                scroller.scroll_to_region(
                    region.translate(self.virtual_region.offset), animate=False
                )

    # -- moving the mark ---------------------------------------------------

    def on_click(self, event: events.Click) -> None:
        """A click marks the line under it; a click on the marked line opens it."""
        for spot in self.spots:
            if spot.y0 <= event.y < spot.y1 and spot.x0 <= event.x < spot.x1:
                if spot.order == self.marked:
                    self.post_message(self.Opened(spot.box))
                else:
                    self.marked = spot.order
                return

    def step(self, by: int) -> None:
        if self.spots:
            self.marked = (self.marked + by) % len(self.spots)

    def move(self, direction: str) -> None:
        """To the nearest line above, below, left or right of the marked one."""
        if (here := self.current) is None:
            return
        best: tuple[int, int, int] | None = None
        for spot in self.spots:
            if spot is here:
                continue
            overlap_x = spot.x0 < here.x1 and here.x0 < spot.x1
            overlap_y = spot.y0 < here.y1 and here.y0 < spot.y1
            if direction == "down" and spot.y0 >= here.y1:
                score = (0 if overlap_x else 1, spot.y0 - here.y1, abs(spot.x0 - here.x0))
            elif direction == "up" and spot.y1 <= here.y0:
                score = (0 if overlap_x else 1, here.y0 - spot.y1, abs(spot.x0 - here.x0))
            elif direction == "right" and spot.x0 >= here.x1:
                score = (0, abs(spot.y0 - here.y0) if not overlap_y else 0, spot.x0 - here.x1)
            elif direction == "left" and spot.x1 <= here.x0:
                score = (0, abs(spot.y0 - here.y0) if not overlap_y else 0, here.x0 - spot.x1)
            else:
                continue
            if best is None or score < best:
                best, target = score, spot.order
        if best is not None:
            self.marked = target

    def mark_box(self, box: str) -> bool:
        """Mark the line opening `box`; False when the diagram has none."""
        self.drawing(self.size.width or 80)
        for spot in self.spots:
            if spot.box == box:
                self.marked = spot.order
                return True
        return False
