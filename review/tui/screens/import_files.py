"""Import files from the home: pick files or folders, say what search each is.

Several searches usually arrive together (PubMed, Embase, a register), so
the dialog keeps a list: each file picked (or a folder's every file) is
sniffed and added with its own kind, source and search date. A format that
names its source (MEDLINE → PubMed, ClinicalTrials.gov JSON) fills them in;
otherwise a new file takes the previous one's, since searches are mostly run
together. The highlighted file's fields are the form's.

The same core as `review import` (`import_each`): the files are stored in
order, all or none, and an error reads as the command line prints it. The
format shown is `sniff_file`'s, which `review formats FILE` prints too. The
import runs in a worker with a connection of its own and a progress bar;
the dialog stays open on the per-file outcome until Esc.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import Key
from textual.widgets import (
    Button,
    DirectoryTree,
    Input,
    Label,
    OptionList,
    ProgressBar,
    Select,
    Static,
)

from review.errors import DuplicateImportError, ImportFormatError, ReviewError, UsageError
from review.importers import sniff_file
from review.ingest import (
    FORMAT_SOURCES,
    ImportOptions,
    ImportResult,
    expand_paths,
    import_each,
    import_report,
    own_files,
)
from review.models import OtherMethod, SourceKind
from review.review_file import open_review
from review.tui.screens.import_pending import Pending
from review.tui.screens.import_preview import describe
from review.tui.screens.type_ahead import TypeAheadScreen
from review.wording import counted


class ImportScreen(TypeAheadScreen[bool]):
    """Dismisses with True when something was imported, so the home recounts."""

    AUTO_FOCUS = "#import-path"
    """Not the tree, which comes first: keys typed ahead are a path."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="import.close"),
        Binding("ctrl+s", "run", "Import", id="import.run"),
        Binding("ctrl+x", "remove", "Remove file", id="import.remove"),
        Binding("ctrl+r", "run_again", "Import again", id="import.again"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | escape | Close (an import already done stays). |
    | ctrl+s | Import every listed file, in order, each as its fields say (or the Import button). |
    | ctrl+x | Take the highlighted file off the list. |
    | ctrl+r | After "already imported": import the listed files again, as new sources. |
    """

    def __init__(self, review: Path, reviewer: str | None, folder: Path | None = None) -> None:
        super().__init__()
        self.review = review
        self.reviewer = reviewer
        self.folder = folder or Path.cwd()
        self.imported = False
        self.pending: list[Pending] = []
        """The files to import, in order."""
        self._busy = False
        self._repeated = False
        """The last import was refused as a file already imported: ctrl+r may force it."""

    def compose(self) -> ComposeResult:
        with Vertical(id="import-dialog") as dialog:
            dialog.border_title = "Import search results"
            yield DirectoryTree(self.folder, id="import-tree")
            with Horizontal(classes="import-row"):
                yield Label("File", classes="import-label")
                yield Input(
                    placeholder="a file or folder: pick one above, or type it and Enter",
                    id="import-path",
                    compact=True,
                )
            yield Static("Format: pick a file", id="import-format", markup=False)
            yield OptionList(id="import-files", compact=True)
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
                yield Static(
                    " ctrl+s imports all · ctrl+x drops a file · Esc closes",
                    id="import-help",
                    markup=False,
                )
            with VerticalScroll(id="import-results"):
                yield Static("", id="import-outcome", markup=False)

    def on_mount(self) -> None:
        self.query_one("#import-path", Input).focus()
        self.query_one("#import-method", Select).disabled = True
        self.query_one("#import-files", OptionList).display = False

    def type_ahead(self, event: Key) -> bool:
        """A path typed right after `i`, before the dialog was ready, goes into
        the path field rather than to the home's keys; Enter adds it."""
        field = self.focused if isinstance(self.focused, Input) else None
        field = field or self.query_one("#import-path", Input)
        if event.is_printable and event.character:
            if field.selection.is_empty:
                field.insert_text_at_cursor(event.character)
            else:  # a path entered just before: the next one replaces it
                field.replace(event.character, *field.selection)
        elif event.key == "backspace":
            field.action_delete_left()
        elif event.key == "enter" and (self.focused is None or self.focused is field):
            # The app sees keys before the focused widget: Enter on the tree
            # or a button is theirs, Enter in a field submits it.
            field.post_message(Input.Submitted(field, field.value))
            field.select_all()
        else:
            return False
        return True

    # -- picking -------------------------------------------------------------

    @on(DirectoryTree.FileSelected, "#import-tree")
    @on(DirectoryTree.DirectorySelected, "#import-tree")
    def _picked(self, event: DirectoryTree.FileSelected | DirectoryTree.DirectorySelected) -> None:
        self._take(event.path)

    @on(Input.Submitted, "#import-path")
    def _path_submitted(self, event: Input.Submitted) -> None:
        if raw := event.value.strip():
            self._take(self._absolute(raw), typed=event.value)

    def _take(self, path: Path, typed: str | None = None) -> None:
        """Add a path; an entered one leaves the field, so the next typed starts
        afresh and ctrl+s cannot put back a file that ctrl+x took off."""
        self.query_one("#import-format", Static).update(describe(path, own_files(self.review)))
        field = self.query_one("#import-path", Input)
        if self._add(path) and typed is not None and field.value == typed:
            with self.prevent(Input.Changed):
                field.value = ""

    @on(Input.Changed, "#import-path")
    def _path_changed(self, event: Input.Changed) -> None:
        raw = event.value.strip()
        self.query_one("#import-format", Static).update(
            describe(self._absolute(raw), own_files(self.review)) if raw else "Format: pick a file"
        )

    def _absolute(self, raw: str) -> Path:
        path = Path(raw).expanduser()
        return path if path.is_absolute() else self.folder / path

    def _add(self, path: Path) -> bool:
        """Put `path` (a folder: each of its files) on the list, each sniffed,
        with the kind, source and date its format names or the form holds."""
        own = own_files(self.review)
        if path.resolve() in own:
            self._say(
                f"error: {path.name} is this review's own file: it is not imported", error=True
            )
            return False
        try:
            files = [f for f in expand_paths([path]) if f.resolve() not in own]
        except ImportFormatError as exc:
            self._say(f"error: {exc}", error=True)
            return False
        if not files:
            self._say(f"error: {path}: the folder holds only this review's files", error=True)
            return False
        listed = {p.path for p in self.pending}
        for file in files:
            if file in listed:
                continue
            try:
                fmt, _ = sniff_file(file)
                label, guess = fmt.name, FORMAT_SOURCES.get(fmt.name)
            except ImportFormatError:
                label, guess = "unrecognised", None
            entry = replace(self._defaults(), path=file, format_name=label)
            if guess is not None:
                kind, source, method = guess
                entry = replace(entry, kind=kind.value, source=source, method=method, guessed=True)
            self.pending.append(entry)
        self._show_pending(len(self.pending) - 1)
        return True

    def _defaults(self) -> Pending:
        """A new file's fields: the last the reviewer chose (never a format's
        guess), else the form as typed; the search date of the file before."""
        if not self.pending:
            return self._form()
        chosen = next((p for p in reversed(self.pending) if not p.guessed), None)
        base = chosen or Pending(Path(), "", SourceKind.DATABASE.value, None, "", "")
        return replace(base, date=self.pending[-1].date, guessed=False)

    def _form(self) -> Pending:
        method = self.query_one("#import-method", Select).value
        return Pending(
            path=Path(),
            format_name="",
            kind=str(self.query_one("#import-kind", Select).value),
            method=method if isinstance(method, str) else None,
            source=self.query_one("#import-source", Input).value.strip(),
            date=self.query_one("#import-date", Input).value.strip(),
        )

    def _show_pending(self, highlight: int | None) -> None:
        if self._repeated:  # the list changed: ctrl+r forced the list refused, not this one
            self._repeated = False
            self.refresh_bindings()
        files = self.query_one("#import-files", OptionList)
        files.display = bool(self.pending)
        with files.prevent(OptionList.OptionHighlighted):
            files.set_options([p.label() for p in self.pending])
            files.highlighted = highlight
        if highlight is not None and self.pending:
            self._load(self.pending[highlight])

    def _load(self, entry: Pending) -> None:
        """The form shows the highlighted file's fields (without writing them back)."""
        kind = self.query_one("#import-kind", Select)
        method = self.query_one("#import-method", Select)
        with self.prevent(Input.Changed, Select.Changed):
            kind.value = entry.kind
            method.disabled = entry.kind != SourceKind.OTHER.value
            if entry.method:
                method.value = entry.method
            else:
                method.clear()
            self.query_one("#import-source", Input).value = entry.source
            self.query_one("#import-date", Input).value = entry.date

    @on(OptionList.OptionHighlighted, "#import-files")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._load(self.pending[event.option_index])

    @on(Select.Changed, "#import-kind")
    def _kind_changed(self, event: Select.Changed) -> None:
        """A method (website, organisation, citation) only belongs to other methods."""
        method = self.query_one("#import-method", Select)
        method.disabled = event.value != SourceKind.OTHER.value
        if method.disabled:
            method.clear()
        self._form_changed()

    @on(Select.Changed, "#import-method")
    @on(Input.Changed, "#import-source")
    @on(Input.Changed, "#import-date")
    def _form_changed(self) -> None:
        """What the form says now belongs to the highlighted file."""
        files = self.query_one("#import-files", OptionList)
        at = files.highlighted
        if at is None or not 0 <= at < len(self.pending):
            return
        form = self._form()
        before = self.pending[at]
        same = (form.kind, form.method, form.source) == (before.kind, before.method, before.source)
        self.pending[at] = replace(before, kind=form.kind, method=form.method, source=form.source,
                                   date=form.date, guessed=before.guessed and same)  # fmt: skip
        files.replace_option_prompt_at_index(at, self.pending[at].label())

    def action_remove(self) -> None:
        at = self.query_one("#import-files", OptionList).highlighted
        if at is not None and 0 <= at < len(self.pending):
            del self.pending[at]
            self._show_pending(min(at, len(self.pending) - 1) if self.pending else None)

    # -- importing -----------------------------------------------------------

    @on(Button.Pressed, "#import-run")
    def _pressed(self) -> None:
        self.action_run()

    @on(Input.Submitted, "#import-date")
    def _date_submitted(self) -> None:
        self.action_run()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        return self._repeated if action == "run_again" else True

    def action_run_again(self) -> None:
        if self._repeated:
            self.action_run(force=True)

    def action_run(self, *, force: bool = False) -> None:
        if self._busy:
            return
        raw = self.query_one("#import-path", Input).value.strip()
        if raw and self._absolute(raw) not in {p.path for p in self.pending}:
            path = self._absolute(raw)
            if not path.exists():
                self._say(f"error: {ImportFormatError('no such file or folder', path=path)}",
                          error=True)  # fmt: skip
                return
            if not self._add(path):
                return
        force = force and self._repeated
        try:
            if not self.pending:
                raise UsageError("no file chosen", field="file", hint="pick one or type its path")
            files = [(p.path, replace(p.options(self.reviewer), force=force)) for p in self.pending]
        except ReviewError as exc:
            self._say(f"error: {exc}", error=True)
            return
        self._busy = True
        self.query_one("#import-dialog").mount(
            ProgressBar(id="import-progress", show_eta=False), before="#import-results"
        )
        self._say(f"Importing {counted(len(files), 'file')}…")
        self._import(files)

    @work(thread=True, exclusive=True, group="import")
    def _import(self, files: list[tuple[Path, ImportOptions]]) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._progress, phase, done, total)

        try:
            with open_review(self.review) as store:
                results = import_each(store, files, progress=progress)
        except DuplicateImportError as exc:
            # The command line's hint names --force; here that is ctrl+r. Two
            # copies in the list: dropping one is what a reviewer means.
            exc.hint = (
                "nothing was imported; ctrl+x takes one of the two off the list "
                "(ctrl+r imports both)"
                if exc.message.startswith("same content as")
                else "nothing was imported; ctrl+r imports it again as a new source"
            )
            self.app.call_from_thread(self._finished, None, f"error: {exc}", repeated=True)
            return
        except ReviewError as exc:
            self.app.call_from_thread(self._finished, None, f"error: {exc}")
            return
        self.app.call_from_thread(self._finished, results, None)

    def _progress(self, phase: str, done: int, total: int) -> None:
        self.query_one("#import-progress", ProgressBar).update(total=total or None, progress=done)
        self._say(f"{phase}: {counted(done, 'record')}")

    def _finished(
        self, results: list[ImportResult] | None, error: str | None, *, repeated: bool = False
    ) -> None:
        self._busy = False
        self._repeated = repeated
        self.refresh_bindings()
        self.query_one("#import-progress", ProgressBar).remove()
        if results is None:
            self._say(error or "", error=True)
            return
        self.imported = True
        self.pending = []
        self._show_pending(None)
        self.query_one("#import-path", Input).value = ""
        self._say("\n".join(import_report(results)))
        self.notify(f"Imported {sum(r.source.record_count for r in results):,} records")

    def _say(self, text: str, *, error: bool = False) -> None:
        outcome = self.query_one("#import-outcome", Static)
        outcome.update(text)
        outcome.set_class(error, "-error")

    def action_close(self) -> None:
        self.dismiss(self.imported)
