"""The export screen: `review export`'s choices (folder, draft, which files), the
export run in a worker with its steps shown, then where each file went.

The keys stay live while it runs (a second ctrl+e is refused until it ends); an
error says what went wrong, where, and what to do, and leaves the folder as
it was (the core writes all or nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import getters, on, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Checkbox, DataTable, Header, Input, Static

from review.errors import ExportError, ReviewError, UsageError
from review.exports import ExportResult, export_review
from review.exports.writer import PARTS
from review.review_file import open_review
from review.store import Store, utc_now
from review.tui.screens.prisma import export_folder
from review.tui.widgets.key_footer import KeyFooter

PART_LABELS = {
    "xlsx": "review.xlsx (Records, Studies, Outcomes, PRISMA, Agreement, Dictionary…)",
    "csv": "CSVs (records, studies, outcomes, prisma, rob_<tool>)",
    "ris": "RIS (included.ris, records.ris)",
}


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{size} B"


class ExportScreen(Screen[None]):
    """Choices on top, progress and the files written below."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+e", "run", "Export", id="export.run", priority=True),
        Binding("ctrl+d", "draft", "Draft", id="export.draft", priority=True),
        Binding("escape", "app.pop_screen", "Back", id="export.back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | ctrl+e | Export with the choices shown (enter in the folder does too). |
    | ctrl+d | Draft: export a review still in progress (files named …-draft). |
    | tab, space | Move to a choice (which files) and tick or untick it. |
    | escape | Back (a running export finishes). |
    """

    folder_input = getters.query_one("#export-folder", Input)
    progress = getters.query_one("#export-progress", Static)
    files = getters.query_one("#export-files", DataTable)

    def __init__(
        self, store: Store, *, folder: Path | None = None, now: Callable[[], str] = utc_now
    ) -> None:
        super().__init__()
        self.store = store
        self.now = now
        """The clock the export stamps its Dictionary with (tests fix it)."""
        self.folder = folder or export_folder(store)
        self.running = False
        self.result: ExportResult | None = None
        """The last export that worked."""
        self.error: ReviewError | None = None
        """The last export that did not."""

    @property
    def in_stack(self) -> bool:
        """False once the reviewer left (a worker may still be finishing)."""
        return self.is_attached and self in self.app.screen_stack

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="export-choices"):
            with Horizontal(id="export-folder-row"):
                yield Static("Folder ", id="export-folder-label")
                yield Input(str(self.folder), id="export-folder")
            yield Checkbox(
                "Draft: export a review still in progress (files named …-draft)",
                id="export-draft",
            )
            for part in PARTS:
                yield Checkbox(PART_LABELS[part], value=True, id=f"export-{part}")
        yield Static(
            "ctrl+e exports. Every file is read back and checked before it replaces an older one.",
            id="export-progress",
        )
        yield DataTable(id="export-files", cursor_type="row", zebra_stripes=True)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.files.add_columns("File", "Size", "Rows")
        self.files.display = False
        self.folder_input.focus()

    def action_draft(self) -> None:
        box = self.query_one("#export-draft", Checkbox)
        box.value = not box.value

    @on(Input.Submitted, "#export-folder")
    def _folder_entered(self) -> None:
        self.action_run()

    def chosen(self) -> tuple[Path, bool, tuple[str, ...]]:
        folder = Path(self.folder_input.value.strip() or str(self.folder)).expanduser()
        draft = self.query_one("#export-draft", Checkbox).value
        parts = tuple(p for p in PARTS if self.query_one(f"#export-{p}", Checkbox).value)
        return folder, draft, parts

    def action_run(self) -> None:
        if self.running:
            self.notify("An export is running; it finishes first", severity="warning")
            return
        folder, draft, parts = self.chosen()
        if not parts:
            self._show_error(UsageError("nothing to export"), "tick at least one kind of file")
            return
        self.running = True
        self.error = None
        self.progress.update(Text(f"Exporting into {folder} …", style="bold"))
        self._export(self.app, folder, draft, parts)

    @work(thread=True, exclusive=True, group="export", exit_on_error=False)
    def _export(self, app: App[None], folder: Path, draft: bool, parts: tuple[str, ...]) -> None:
        """On its own connection (SQLite's rule); each step reported as it starts.
        `app` is taken on the UI thread: once the reviewer leaves the screen,
        the screen can no longer find it from here."""

        def step(text: str) -> None:
            app.call_from_thread(self._step, text)

        try:
            with open_review(self.store.path) as store:
                result = export_review(
                    store, folder, draft=draft, parts=parts, now=self.now, progress=step
                )
        except ReviewError as exc:
            app.call_from_thread(self._failed, exc, draft)
            return
        except OSError as exc:
            error = ExportError(f"cannot write the export: {exc.strerror or exc}", path=folder)
            app.call_from_thread(self._failed, error, draft)
            return
        app.call_from_thread(self._done, result)

    def _step(self, text: str) -> None:
        if self.running and self.in_stack:  # left with Esc: the export goes on
            self.progress.update(Text(f"{text} …", style="bold"))

    def _done(self, result: ExportResult) -> None:
        self.running = False
        self.result = result
        for line in result.warnings:
            self.app.notify(line, severity="warning", timeout=20)
        noun = "file" if len(result.files) == 1 else "files"
        draft = " (DRAFT: the review is in progress)" if result.draft else ""
        if not self.in_stack:
            self.app.notify(
                f"Export finished: {len(result.files)} {noun} in {result.folder}{draft}"
            )
            return
        table = self.files
        table.clear()
        for written in result.files:
            size = written.path.stat().st_size if written.path.exists() else 0
            table.add_row(str(written.path), human_size(size), written.contents())
        table.display = True
        self.progress.update(
            Text(f"Wrote {len(result.files)} {noun} into {result.folder}{draft}", style="green")
        )

    def _failed(self, exc: ReviewError, draft: bool) -> None:
        self.running = False
        if not self.in_stack:
            self.app.notify(f"Not exported: {exc}", severity="error", timeout=15)
            return
        if isinstance(exc, UsageError) and not draft:
            todo = "tick Draft (ctrl+d) to export it as it stands, or finish screening first"
        elif isinstance(exc, ExportError) and exc.hint is None:
            todo = "choose a folder you can write to, or free the file named"
        else:
            todo = exc.hint or ""
        self._show_error(exc, todo)

    def _show_error(self, exc: ReviewError, todo: str) -> None:
        self.error = exc
        text = Text(f"Not exported: {exc.message}", style="bold red")
        where = f"{exc.path}" if exc.path else ""
        if where:
            text.append(f"\n  {where}", style="red")
        for problem in exc.problems[:10]:
            text.append(f"\n  {problem.render()}", style="red")
        if todo:
            text.append(f"\nWhat to do: {todo}")
        text.append("\nNothing was written; the folder is as it was.", style="dim")
        self.progress.update(text)
        self.files.display = False
