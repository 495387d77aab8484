"""One dialog for every command the home runs without a screen of its own.

It asks what the command asks (`review.tui.tasks`): paths with a file picker
like the import dialog's, text, numbers, yes/no options. The task runs in a
worker with a connection of its own and a progress bar, so the screen never
blocks; then the dialog shows what the command prints, or its error exactly
as the command line words it. Esc closes; an outcome already stored stays.
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus, Key
from textual.widgets import Button, Checkbox, DirectoryTree, Input, Label, ProgressBar, Static

from review.errors import ReviewError, UsageError
from review.tui.screens.type_ahead import TypeAheadScreen
from review.tui.tasks import PATH_KINDS, Field, Task, TaskRun, Values


class TaskDialog(TypeAheadScreen[bool]):
    """Dismisses with True when the task ran to the end at least once."""

    AUTO_FOCUS = "Input, #task-run"
    """The first field, not the picker above it: keys typed ahead are its text."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", id="task.close"),
        Binding("ctrl+s", "run", "Run", id="task.run"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | escape | Close (what already ran stays done). |
    | ctrl+s | Run the command with what the form says (or its button; Enter in the last field). |
    """

    def __init__(
        self, task: Task, review: Path, reviewer: str | None, folder: Path | None = None
    ) -> None:
        super().__init__()
        self.task_spec = task
        self.review = review
        self.reviewer = reviewer
        self.folder = folder or Path.cwd()
        self.done = False
        self.busy = False
        self.outcome: list[str] = []
        """The lines shown after the last run (an error's lines too)."""
        paths = [f for f in task.fields if f.kind in PATH_KINDS]
        self._picks_into: str | None = paths[0].name if paths else None

    def compose(self) -> ComposeResult:
        task = self.task_spec
        with Vertical(id="task-dialog") as dialog:
            dialog.border_title = task.title
            yield Static(f"{task.help} (review {task.command})", id="task-about", markup=False)
            if self._picks_into is not None:
                yield DirectoryTree(self.folder, id="task-tree")
            for spec in task.fields:
                if spec.kind == "flag":
                    yield Checkbox(spec.label, id=f"task-{spec.name}", compact=True)
                    continue
                with Horizontal(classes="task-row"):
                    yield Label(spec.label, classes="task-label")
                    yield Input(
                        value=spec.default,
                        placeholder=spec.placeholder + ("" if spec.required else " (optional)"),
                        id=f"task-{spec.name}",
                        compact=True,
                        type="integer" if spec.kind == "int" else "text",
                    )
            with Horizontal(classes="task-row"):
                yield Button(task.action_label, id="task-run", compact=True, variant="primary")
                yield Static(
                    " ctrl+s runs · Esc closes"
                    + (" · pick a path above" if self._picks_into else ""),
                    id="task-help",
                    markup=False,
                )
            with VerticalScroll(id="task-results"):
                yield Static("", id="task-outcome", markup=False)

    def on_mount(self) -> None:
        first = self.query(Input).first() if self.query(Input) else self.query_one("#task-run")
        first.focus()

    def type_ahead(self, event: Key) -> bool:
        """Text typed right after the key that opened the dialog goes into its
        first field; Enter there moves on, or runs the task from the last one.
        (The app sees keys before the focused widget: Enter on the picker, a
        checkbox or the button is theirs.)"""
        if self.focused is not None and not isinstance(self.focused, Input):
            return False
        field = self.focused if isinstance(self.focused, Input) else None
        if field is None and self.query(Input):
            field = self.query(Input).first()
        if field is None:
            return False
        if event.key == "enter":
            field.post_message(Input.Submitted(field, field.value))
        elif event.is_printable and event.character:
            field.insert_text_at_cursor(event.character)
        elif event.key == "backspace":
            field.action_delete_left()
        else:
            return False
        return True

    # -- picking -----------------------------------------------------------------

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        """The picker fills the path field last visited."""
        ident = (event.widget.id or "").removeprefix("task-")
        if any(f.name == ident and f.kind in PATH_KINDS for f in self.task_spec.fields):
            self._picks_into = ident

    @on(DirectoryTree.FileSelected, "#task-tree")
    @on(DirectoryTree.DirectorySelected, "#task-tree")
    def _picked(self, event: DirectoryTree.FileSelected | DirectoryTree.DirectorySelected) -> None:
        if self._picks_into is not None:
            self.query_one(f"#task-{self._picks_into}", Input).value = str(event.path)

    # -- running -------------------------------------------------------------------

    @on(Button.Pressed, "#task-run")
    def _pressed(self) -> None:
        self.action_run()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter in a field moves to the next; in the last one it runs the task."""
        fields = list(self.query(Input))
        if event.input is fields[-1]:
            self.action_run()
        else:
            fields[fields.index(event.input) + 1].focus()

    def action_run(self) -> None:
        if self.busy:
            return
        try:
            values = self.values()
        except ReviewError as exc:
            self._say(f"error: {exc}".splitlines(), error=True)
            return
        self.busy = True
        self.query_one("#task-dialog").mount(
            ProgressBar(id="task-progress", show_eta=False, total=None), before="#task-results"
        )
        self._say([f"{self.task_spec.title}…"])
        self._run(TaskRun(self.review, values, self.reviewer))

    def values(self) -> Values:
        """The form as the command's arguments; a missing or bad one is a
        UsageError naming the field, as the command line's would be."""
        return {spec.name: self._value(spec) for spec in self.task_spec.fields}

    def _value(self, spec: Field) -> str | bool | Path | int | None:
        if spec.kind == "flag":
            return self.query_one(f"#task-{spec.name}", Checkbox).value
        raw = self.query_one(f"#task-{spec.name}", Input).value.strip()
        if not raw:
            if spec.required:
                raise UsageError("a value is needed", field=spec.label.lower(),
                                 hint=spec.placeholder or None)  # fmt: skip
            return None
        if spec.kind == "int":
            try:
                return int(raw)
            except ValueError:
                raise UsageError(
                    f"{raw!r} is not a whole number", field=spec.label.lower()
                ) from None
        if spec.kind == "location" or spec.kind not in PATH_KINDS:
            return str(self._absolute(raw)) if spec.kind == "location" and _is_path(raw) else raw
        path = self._absolute(raw)
        if spec.kind == "file" and not path.is_file():
            raise UsageError("no such file", path=path, hint="pick one above or type its path")
        if spec.kind == "folder" and not path.is_dir():
            raise UsageError("no such folder", path=path, hint="pick one above or type its path")
        return path

    def _absolute(self, raw: str) -> Path:
        """A typed path is relative to the folder the picker shows."""
        path = Path(raw).expanduser()
        return path if path.is_absolute() else self.folder / path

    @work(thread=True, exclusive=True, group="task")
    def _run(self, run: TaskRun) -> None:
        try:
            lines = self.task_spec.run(run)
        except (ReviewError, OSError) as exc:
            # An OSError (a full disk, a folder without write access) is the
            # user's to fix too: said in the dialog, never a crash.
            self.app.call_from_thread(self._finished, f"error: {exc}".splitlines(), True)
            return
        self.app.call_from_thread(self._finished, lines, False)

    def _finished(self, lines: list[str], error: bool) -> None:
        self.busy = False
        self.query_one("#task-progress", ProgressBar).remove()
        self.done = self.done or not error
        self._say(lines, error=error)
        if error:
            self.notify(lines[0], severity="error")

    def _say(self, lines: list[str], *, error: bool = False) -> None:
        self.outcome = lines
        outcome = self.query_one("#task-outcome", Static)
        outcome.update("\n".join(lines))
        outcome.set_class(error, "-error")

    def action_close(self) -> None:
        self.dismiss(self.done)


def _is_path(raw: str) -> bool:
    return "://" not in raw
