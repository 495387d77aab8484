"""Import files from the home: pick a file, see its format, say what search it is.

The same core as `review import` (`import_paths`): a file or folder is
stored whole or not at all, and an error reads as the command line prints it.
The format shown while picking is `sniff_file`'s, which `review formats FILE`
prints too. The import runs in a worker with a connection of its own and a
progress bar; the dialog stays open on the outcome until Esc.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.widgets import Button, DirectoryTree, Input, Label, ProgressBar, Select, Static

from review.errors import ImportFormatError, ReviewError, UsageError
from review.importers import sniff_file
from review.ingest import (
    ImportOptions,
    ImportResult,
    check_search_date,
    import_paths,
    import_report,
)
from review.models import OtherMethod, SourceKind
from review.review_file import open_review
from review.tui.screens.type_ahead import TypeAheadScreen

SNIFF_AT_MOST = 20
"""Files of a picked folder whose format is shown (the import reads them all)."""


class ImportScreen(TypeAheadScreen[bool]):
    """Dismisses with True when something was imported, so the home recounts."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="import.close"),
        Binding("ctrl+s", "run", "Import", id="import.run"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | escape | Close (an import already done stays). |
    | ctrl+s | Import the file with what the form says (or the Import button). |
    """

    def __init__(self, review: Path, reviewer: str | None, folder: Path | None = None) -> None:
        super().__init__()
        self.review = review
        self.reviewer = reviewer
        self.folder = folder or Path.cwd()
        self.imported = False
        self._busy = False

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog") as dialog:
            dialog.border_title = "Import search results"
            yield DirectoryTree(self.folder, id="import-tree")
            with Horizontal(classes="import-row"):
                yield Label("File", classes="import-label")
                yield Input(
                    placeholder="a file or folder: type a path or pick one above",
                    id="import-path",
                    compact=True,
                )
            yield Static("Format: pick a file", id="import-format", markup=False)
            with Horizontal(classes="import-row"):
                yield Label("Kind", classes="import-label")
                yield Select(
                    [(k.value, k.value) for k in SourceKind],
                    value=SourceKind.DATABASE.value,
                    allow_blank=False,
                    compact=True,
                    id="import-kind",
                )
                yield Label("Method", classes="import-label")
                yield Select(
                    [(m.value, m.value) for m in OtherMethod],
                    prompt="(other only)",
                    compact=True,
                    id="import-method",
                )
            with Horizontal(classes="import-row"):
                yield Label("Source", classes="import-label")
                yield Input(
                    placeholder="PubMed, Embase, CENTRAL…", id="import-source", compact=True
                )
                yield Label("Searched", classes="import-label")
                yield Input(placeholder="YYYY-MM-DD", id="import-date", compact=True)
            with Horizontal(classes="import-row"):
                yield Button("Import", id="import-run", compact=True, variant="primary")
                yield Static(" ctrl+s imports · Esc closes", id="import-help", markup=False)
            with VerticalScroll(id="import-results"):
                yield Static("", id="import-outcome", markup=False)

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()
        self.query_one("#import-method", Select).disabled = True

    def type_ahead(self, event: Key) -> bool:
        """A path typed right after `i`, before the dialog was ready, goes into
        the path field rather than to the home's keys."""
        field = self.focused if isinstance(self.focused, Input) else None
        field = field or self.query_one("#import-path", Input)
        if event.is_printable and event.character:
            field.insert_text_at_cursor(event.character)
        elif event.key == "backspace":
            field.action_delete_left()
        else:
            return False
        return True

    # -- picking -------------------------------------------------------------

    @on(DirectoryTree.FileSelected, "#import-tree")
    @on(DirectoryTree.DirectorySelected, "#import-tree")
    def _picked(self, event: DirectoryTree.FileSelected | DirectoryTree.DirectorySelected) -> None:
        self.query_one("#import-path", Input).value = str(event.path)

    @on(Input.Changed, "#import-path")
    def _path_changed(self, event: Input.Changed) -> None:
        self.query_one("#import-format", Static).update(describe(Path(event.value.strip())))

    @on(Select.Changed, "#import-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        """A method (website, organisation, citation) only belongs to other methods."""
        method = self.query_one("#import-method", Select)
        method.disabled = event.value != SourceKind.OTHER.value
        if method.disabled:
            method.clear()

    # -- importing -----------------------------------------------------------

    @on(Button.Pressed, "#import-run")
    def _pressed(self) -> None:
        self.action_run()

    @on(Input.Submitted, "#import-date")
    def _date_submitted(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        if self._busy:
            return
        try:
            path, options = self._options()
        except ReviewError as exc:
            self._say(f"error: {exc}", error=True)
            return
        self._busy = True
        self.query_one("#import-dialog").mount(
            ProgressBar(id="import-progress", show_eta=False), before="#import-results"
        )
        self._say(f"Importing {path}…")
        self._import(path, options)

    def _options(self) -> tuple[Path, ImportOptions]:
        """The form as `review import` options; a missing or bad field is a
        UsageError naming it."""
        raw = self.query_one("#import-path", Input).value.strip()
        if not raw:
            raise UsageError("no file chosen", field="file", hint="pick one or type its path")
        path = Path(raw).expanduser()
        if not path.exists():
            raise ImportFormatError("no such file or folder", path=path)
        kind = SourceKind(str(self.query_one("#import-kind", Select).value))
        method = self.query_one("#import-method", Select).value
        source = self.query_one("#import-source", Input).value.strip()
        if not source:
            raise UsageError(
                "name the source", field="source", hint="the database, register or method"
            )
        date = self.query_one("#import-date", Input).value.strip() or None
        if date is not None:
            check_search_date(date)
        return path, ImportOptions(
            kind=kind,
            source_name=source,
            method=method if isinstance(method, str) else None,
            search_date=date,
            reviewer=self.reviewer,
        )

    @work(thread=True, exclusive=True, group="import")
    def _import(self, path: Path, options: ImportOptions) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, phase, done, total)

        try:
            with open_review(self.review) as store:
                results = import_paths(store, [path], options, progress=progress)
        except ReviewError as exc:
            self.app.call_from_thread(self._finished, None, f"error: {exc}")
            return
        self.app.call_from_thread(self._finished, results, None)

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=total or None, progress=done)
        self._say(f"{phase}: {done:,} records")

    def _finished(self, results: list[ImportResult] | None, error: str | None) -> None:
        self._busy = False
        self.query_one("#import-progress", ProgressBar).remove()
        if results is None:
            self._say(error or "", error=True)
            return
        self.imported = True
        self._say("\n".join(import_report(results)))
        self.notify(f"Imported {sum(r.source.record_count for r in results):,} records")

    def _say(self, text: str, *, error: bool = False) -> None:
        outcome = self.query_one("#import-outcome", Static)
        outcome.update(text)
        outcome.set_class(error, "-error")

    def action_close(self) -> None:
        self.dismiss(self.imported)


def describe(path: Path) -> str:
    """What `review formats` says of a file, or of the first files of a folder."""
    if not str(path) or not path.exists():
        return "Format: no such file or folder yet"
    files = [path] if path.is_file() else sorted(p for p in path.iterdir() if p.is_file())
    if not files:
        return "Format: the folder holds no files"
    lines = []
    for file in files[:SNIFF_AT_MOST]:
        try:
            fmt, encoding = sniff_file(file)
        except ImportFormatError as exc:
            lines.append(f"{file.name}: {exc.message}")
            continue
        lines.append(f"{file.name}: {fmt.label}, {encoding}")
    if len(files) > SNIFF_AT_MOST:
        lines.append(f"… and {len(files) - SNIFF_AT_MOST} more files")
    return "Format: " + "\n".join(lines) if len(lines) == 1 else "\n".join(lines)
