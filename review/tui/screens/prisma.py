"""The PRISMA screen: the PRISMA 2020 flow diagram, counted from the ledger as
`review prisma` counts it, with every number a door to its records.

Arrows and tab move between the box lines, enter lists the records behind
one. When the arithmetic fails (`review.prisma.checks`) the screen shows the
violations and the records involved instead of a diagram, as the command
refuses. A review still being screened is a draft, said above the diagram
and in the files' names (prisma-draft.csv), which never replace final ones.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual import getters, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from review.errors import ReviewError
from review.prisma.boxes import BoxRecord, PrismaBoxes, load_boxes
from review.prisma.svg import render_svg
from review.prisma.template import atomic_write, write_csv
from review.prisma.text import progress_line
from review.review_file import open_review, review_title
from review.store import Store
from review.tui.screens.prisma_records import BoxRecordsScreen
from review.tui.screens.text_prompt import TextPrompt
from review.tui.widgets.key_footer import KeyFooter
from review.tui.widgets.prisma_diagram import PrismaDiagram


def export_folder(store: Store) -> Path:
    """Where the TUI writes files unless told otherwise: `exports/` beside the review."""
    return store.path.resolve().parent / "exports"


class PrismaScreen(Screen[None]):
    """The diagram (or why there is none), a draft banner, and a status line."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="prisma.back"),
        Binding("enter", "open", "Records", id="prisma.open", priority=True),
        Binding("up", "move('up')", "Up", show=False, id="prisma.up", priority=True),
        Binding("down", "move('down')", "Down", show=False, id="prisma.down", priority=True),
        Binding("left", "move('left')", "Left", show=False, id="prisma.left", priority=True),
        Binding("right", "move('right')", "Right", show=False, id="prisma.right", priority=True),
        Binding("tab", "step(1)", "Next box", show=False, id="prisma.next", priority=True),
        Binding(
            "shift+tab", "step(-1)", "Previous box", show=False, id="prisma.back-tab", priority=True
        ),
        Binding("c", "write_csv", "Write CSV", id="prisma.csv"),
        Binding("s", "write_svg", "Write SVG", id="prisma.svg"),
        Binding("u", "previous", "Previous review", id="prisma.previous"),
        Binding("r", "reload", "Recount", id="prisma.reload"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | ↑ ↓ ← → | Move between the numbers of the diagram. |
    | tab, shift+tab | The next (previous) number, in reading order. |
    | enter | List the records behind the marked number. |
    | c | Write the PRISMA2020 package's CSV (exports/prisma.csv). |
    | s | Write the diagram as SVG (exports/prisma.svg). |
    | u | For an update: studies and reports of the previous version. |
    | r | Count again (after screening elsewhere). |
    | escape | Back. |
    """

    scroll = getters.query_one("#prisma-scroll", VerticalScroll)
    status = getters.query_one("#prisma-status", Static)
    banner = getters.query_one("#prisma-draft", Static)

    def __init__(
        self,
        store: Store,
        *,
        folder: Path | None = None,
        previous_studies: int = 0,
        previous_reports: int = 0,
    ) -> None:
        super().__init__()
        self.store = store
        self.folder = folder or export_folder(store)
        """Where `c` and `s` write."""
        self.previous = (previous_studies, previous_reports)
        self.boxes: PrismaBoxes | None = None
        """The counts shown, once counted (`error` set when they do not add up)."""

    @property
    def in_stack(self) -> bool:
        """False once the reviewer left (a worker may still be finishing)."""
        return self.is_attached and self in self.app.screen_stack

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="prisma-draft")
        with VerticalScroll(id="prisma-scroll"):
            yield Static("Counting…", id="prisma-loading")
        yield Static(id="prisma-status")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.banner.display = False
        self._count(self.app)

    # -- counting ------------------------------------------------------------

    @work(thread=True, exclusive=True, group="prisma", exit_on_error=False)
    def _count(self, app: App[None]) -> None:
        """Count in a worker, on its own connection (SQLite's rule): a living
        review replays a million decisions. `app` is taken on the UI thread."""
        studies, reports = self.previous
        try:
            with open_review(self.store.path) as store:
                boxes = load_boxes(store, previous_studies=studies, previous_reports=reports)
        except ReviewError as exc:
            app.call_from_thread(self._failed, exc)
            return
        app.call_from_thread(app.call_later, self._counted, boxes)

    def _failed(self, exc: ReviewError) -> None:
        if not self.in_stack:
            return
        self.scroll.remove_children()
        self.scroll.mount(Static(Text(str(exc), style="red"), id="prisma-error"))
        self.status.update("Nothing to show; press r to count again.")

    async def _counted(self, boxes: PrismaBoxes) -> None:
        if not self.in_stack:  # left before the count was done
            return
        boxes.store = self.store  # lists are read on this thread's connection
        self.boxes = boxes
        marked = self.diagram.current.box if self.diagram and self.diagram.current else None
        await self.scroll.remove_children()
        if boxes.error is not None:
            self.banner.display = False
            await self.scroll.mount(Static(violations(boxes), id="prisma-violations"))
            self.status.update(
                "The counts do not add up: no diagram, and no file is written "
                "(as `review prisma` refuses). Fix the records named, then press r."
            )
            self.scroll.focus()
            return
        counts = boxes.counts
        self.banner.display = counts.in_progress
        self.banner.update(f"DRAFT — {progress_line(counts)}")
        diagram = PrismaDiagram(counts, id="prisma-diagram")
        await self.scroll.mount(diagram)
        if marked is not None:
            diagram.mark_box(marked)
        diagram.focus()
        self._show_marked()

    @property
    def diagram(self) -> PrismaDiagram | None:
        found = self.query("#prisma-diagram")
        return found.first(PrismaDiagram) if found else None

    def _show_marked(self) -> None:
        if (diagram := self.diagram) is not None and (spot := diagram.current) is not None:
            self.status.update(f"{spot.text} · enter lists its records")

    # -- keys -----------------------------------------------------------------

    def action_move(self, direction: str) -> None:
        if (diagram := self.diagram) is not None:
            diagram.move(direction)
            self._show_marked()
        elif direction in ("up", "down"):
            self.scroll.scroll_relative(y=-1 if direction == "up" else 1, animate=False)

    def action_step(self, by: int) -> None:
        if (diagram := self.diagram) is not None:
            diagram.step(by)
            self._show_marked()

    @on(PrismaDiagram.Opened)
    def _clicked(self) -> None:
        self.action_open()

    def action_open(self) -> None:
        diagram = self.diagram
        if diagram is None or self.boxes is None or (spot := diagram.current) is None:
            return
        self.status.update(f"Listing {spot.text} …")
        self._list(self.app, self.boxes, spot.box, spot.text)

    @work(thread=True, exclusive=True, group="prisma-list", exit_on_error=False)
    def _list(self, app: App[None], boxes: PrismaBoxes, box: str, title: str) -> None:
        """A box of 95,000 exclusions takes seconds to list: off the UI thread."""
        try:
            with open_review(self.store.path) as store:
                rows = boxes.reading_from(store).records(box)
        except ReviewError as exc:
            app.call_from_thread(app.notify, str(exc), severity="error")
            return
        app.call_from_thread(self._listed, title, rows)

    def _listed(self, title: str, rows: list[BoxRecord]) -> None:
        if self.in_stack and self.app.screen is self:
            self._show_marked()
            self.app.push_screen(BoxRecordsScreen(title, rows))

    def action_reload(self) -> None:
        self.status.update("Counting…")
        self._count(self.app)

    def action_previous(self) -> None:
        def given(text: str | None) -> None:
            if text is None:
                return
            try:
                studies, reports = (int(part) for part in text.replace(",", " ").split())
            except ValueError:
                self.notify(
                    f"{text!r}: give two whole numbers, studies then reports (e.g. 4 6)",
                    severity="error",
                )
                return
            self.previous = (studies, reports)
            self.action_reload()

        studies, reports = self.previous
        self.app.push_screen(
            TextPrompt(
                "Previous version of the review: studies and reports included",
                value=f"{studies} {reports}" if studies or reports else "",
                placeholder="e.g. 4 6 (0 0 for a new review)",
                help="Two numbers, studies then reports (as --previous-studies/-reports)",
            ),
            given,
        )

    def action_write_csv(self) -> None:
        self._write("csv")

    def action_write_svg(self) -> None:
        self._write("svg")

    def _write(self, kind: str) -> None:
        boxes = self.boxes
        if boxes is None:
            self.notify("Still counting", severity="warning")
            return
        if boxes.error is not None:
            self.notify("The PRISMA counts do not add up; nothing was written", severity="error")
            return
        counts = boxes.counts
        mark = "-draft" if counts.in_progress else ""
        path = self.folder / f"prisma{mark}.{kind}"
        try:
            if kind == "csv":
                write_csv(counts, path)
            else:
                atomic_write(path, render_svg(counts, title=review_title(self.store)))
        except (ReviewError, OSError) as exc:
            self.status.update(Text(f"Not written: {exc}", style="red"))
            self.notify(str(exc), severity="error")
            return
        draft = " (a draft: screening is not finished)" if mark else ""
        self.status.update(f"Wrote {path}{draft}")
        self.notify(f"Wrote {path}{draft}")


def violations(boxes: PrismaBoxes) -> RenderableType:
    """Each box that does not add up, why, what to do, and the records involved."""
    error = boxes.error
    assert error is not None
    parts: list[RenderableType] = [
        Text(error.message, style="bold red"),
        Text("No diagram is shown and no file is written until these are fixed.", style="dim"),
        Text(""),
    ]
    for violation in error.violations:
        problem = violation.problem
        parts.append(Text(problem.field or "PRISMA", style="bold"))
        parts.append(Text(f"  {problem.message}"))
        if problem.hint:
            parts.append(Text(f"  what to do: {problem.hint}", style="italic"))
        if violation.units:
            parts.append(_record_table(boxes.unit_records(violation.units, None)))
        parts.append(Text(""))
    return Group(*parts)


def _record_table(rows: list[BoxRecord]) -> Table:
    table = Table(box=None, padding=(0, 1), show_edge=False)
    for name in ("Record", "Title", "Year", "Source", "Decisions", "Reasons"):
        table.add_column(name, overflow="fold" if name == "Title" else "ellipsis")
    for row in rows:
        table.add_row(
            str(row.record_id), row.title, str(row.year or ""), row.source, row.decision, row.reason
        )
    return table
