"""One field of the extraction form: its label, an editor fitting its type, and
a status line (saved mark or what is wrong).

The widget never stores anything: when the reviewer leaves the field (Tab,
Enter, blur) or picks an option it posts `Committed` with the raw text, and
the screen hands that to the session and calls `show_saved` / `show_error`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Select, SelectionList, Static, TextArea

from review.extraction.fields import format_value
from review.extraction.session import FormCell
from review.protocol.form import FormFieldRef
from review.tui.widgets.form_select import FormChoices, FormSelect

Editor = Input | TextArea | Select[str] | SelectionList[str]

_BLANK_LABEL = "—"


class FormFieldView(Vertical):
    """A form field for one row (`instance`; '' when answered once per study)."""

    @dataclass
    class Committed(Message):
        """The reviewer left the field or picked a value: store `raw`."""

        view: FormFieldView
        raw: object

        @property
        def control(self) -> FormFieldView:
            return self.view

    def __init__(self, ref: FormFieldRef, instance: str, cell: FormCell) -> None:
        super().__init__(classes="form-field")
        self.ref = ref
        self.instance = instance
        self.cell = cell
        self._editor = self._make_editor()

    @property
    def key(self) -> str:
        return self.ref.key

    @property
    def editor(self) -> Widget:
        return self._editor

    def compose(self) -> ComposeResult:
        form_field = self.ref.field
        label = Content.assemble(
            (form_field.label, "bold"),
            (" *", "$text-error") if form_field.required else "",
        )
        with Horizontal(classes="form-field-row"):
            yield Static(label, classes="form-field-label")
            yield self._editor
            if form_field.unit and form_field.unit != "none":
                yield Static(form_field.unit, classes="form-field-unit", markup=False)
            yield Static("", classes="form-field-status", markup=False)
        yield Static("", classes="form-field-error", markup=False)

    def _make_editor(self) -> Editor:
        form_field, text = self.ref.field, self.cell.text
        match form_field.type:
            case "long_text":
                return TextArea(text, soft_wrap=True, compact=True, classes="form-editor -long")
            case "choice":
                options = [(o.label or o.id, o.id) for o in form_field.options]
                return self._select(options, text)
            case "yes_no":
                return self._select([("yes", "yes"), ("no", "no")], text)
            case "multi_choice":
                chosen = set(self.cell.value) if isinstance(self.cell.value, list) else set()
                return FormChoices(
                    *((o.label or o.id, o.id, o.id in chosen) for o in form_field.options),
                    compact=True,
                    classes="form-editor -multi",
                )
        placeholder = "YYYY-MM-DD" if form_field.type == "date" else ""
        return Input(
            text,
            placeholder=placeholder,
            compact=True,
            select_on_focus=False,
            classes="form-editor",
        )

    def _select(self, options: list[tuple[str, str]], text: str) -> Select[str]:
        ids = {value for _, value in options}
        return FormSelect(
            options,
            value=text if text in ids else Select.NULL,
            allow_blank=True,
            prompt=_BLANK_LABEL,
            compact=True,
            classes="form-editor",
        )

    # -- what the reviewer entered ------------------------------------------

    def raw(self) -> object:
        """The editor's content as text `fields.parse` reads ('' or None: blank)."""
        editor = self._editor
        if isinstance(editor, Input):
            return editor.value
        if isinstance(editor, TextArea):
            return editor.text
        if isinstance(editor, Select):
            return None if editor.is_blank() else editor.value
        return "; ".join(editor.selected)

    def revert(self) -> None:
        """Put the stored value back in the editor (Esc on an invalid entry)."""
        editor, text = self._editor, self.cell.text
        if isinstance(editor, Input):
            editor.value = text
        elif isinstance(editor, TextArea):
            editor.text = text
        self.show_error(None)

    def show_saved(self, cell: FormCell, *, stored: bool) -> None:
        """The value is in the file; `stored` False when it was already current."""
        self.cell = cell
        self.show_error(None)
        status = self.query_one(".form-field-status", Static)
        if stored:
            status.update("✓ saved")
        elif status.content != "✓ saved":
            status.update("")
        if isinstance(self._editor, Input) and self._editor.value != cell.text:
            self._editor.value = cell.text  # normalised, e.g. "60.0" → "60"

    def show_error(self, message: str | None) -> None:
        """What is wrong, under the field (None: nothing is)."""
        self.set_class(message is not None, "-invalid")
        self.query_one(".form-field-error", Static).update(message or "")
        if message is not None:
            self.query_one(".form-field-status", Static).update("")

    @property
    def source_note(self) -> str:
        return self.cell.source or ""

    def describe(self) -> str:
        """Label and current text, for prompts and lists."""
        return f"{self.ref.field.label}: {format_value(self.ref.field, self.cell.value) or '—'}"

    # -- leaving the field --------------------------------------------------

    def on_descendant_blur(self) -> None:
        if isinstance(self._editor, Input | TextArea):
            self.post_message(self.Committed(self, self.raw()))

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.screen.focus_next()  # leaving the field commits it

    @on(Select.Changed)
    def _picked(self, event: Select.Changed) -> None:
        event.stop()
        self.post_message(self.Committed(self, self.raw()))

    @on(SelectionList.SelectedChanged)
    def _toggled(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        self.post_message(self.Committed(self, self.raw()))
