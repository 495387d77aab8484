"""The extraction form of one study, generated from the protocol's form.

Left, the outline: the form's pages (a section's fields answered once per
study) and each repeating group with its rows (arms, results). Right, the
highlighted page's fields. Keys on the outline act on rows and the study
(add, copy, rename, remove, complete, reopen); Enter goes into the fields,
Esc comes back. A field is saved when the reviewer leaves it, through
`ExtractionSession.set_value`; an invalid value keeps the reviewer there with
the message beside it and nothing stored.
"""

from __future__ import annotations

import subprocess
from typing import ClassVar

from rich.table import Table
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.command import CommandPalette
from textual.containers import Horizontal, VerticalScroll
from textual.events import DescendantFocus
from textual.widgets import Header, Input, OptionList, Static, TextArea

from review.errors import ReviewError
from review.extraction.checks import FormProblem
from review.extraction.fields import FieldValueError, accepted, format_value, parse
from review.extraction.form import group_key_of
from review.extraction.session import IncompleteFormError
from review.extraction.studies import Status
from review.fulltext import open_command
from review.tui.screens.extraction_outline import GROUP, ROW, SECTION
from review.tui.screens.extraction_rows import FormRows
from review.tui.screens.info import InfoScreen
from review.tui.screens.problem_list import ProblemList
from review.tui.screens.text_prompt import TextPrompt
from review.tui.widgets.form_field import FormFieldView
from review.tui.widgets.form_outline import FormOutline
from review.tui.widgets.key_footer import KeyFooter

DIALOG_ACTIONS = frozenset(
    {"add_row", "copy_row", "rename_row", "remove_row", "complete", "compare"}
)
"""Outline actions that open a dialog or screen: keys typed after theirs go to it."""


class ExtractionFormScreen(FormRows):
    """One reviewer's form for one study; every change is stored as it is made."""

    HORIZONTAL_BREAKPOINTS = [  # noqa: RUF012 (Textual declares it without ClassVar)
        (0, "-narrow"),
        (110, "-wide"),
    ]
    """Below 110 columns the outline, labels and editors narrow (review.tcss), so
    an 80-column terminal shows a choice's words rather than its first four letters."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "leave", "Outline / back", id="extraction.back"),
        Binding("a", "add_row", "Add row", id="extraction.add_row"),
        Binding("y", "copy_row", "Copy row", id="extraction.copy_row"),
        Binding("m", "rename_row", "Rename row", id="extraction.rename_row"),
        Binding("x,delete", "remove_row", "Remove row", id="extraction.remove_row"),
        Binding("c", "complete", "Complete", id="extraction.complete"),
        Binding("r", "reopen", "Reopen", id="extraction.reopen"),
        Binding("d", "compare", "Compare", id="extraction.compare"),
        Binding("left_square_bracket", "page(-1)", "Prev page", key_display="[",
                id="extraction.prev_page"),
        Binding("right_square_bracket", "page(1)", "Next page", key_display="]",
                id="extraction.next_page"),
        Binding("ctrl+n", "source_note", "Source note", priority=True,
                id="extraction.source_note"),
        Binding("ctrl+l", "history", "History", priority=True, id="extraction.history"),
        Binding("ctrl+o", "open_fulltext", "Full text", priority=True,
                id="extraction.open_fulltext"),
        # Moving between fields is bound with priority, so it happens as the app
        # dispatches the key: the keys typed after it reach the next field.
        Binding("tab", "next_field(1)", show=False, priority=True, id="extraction.next_field"),
        Binding("shift+tab", "next_field(-1)", show=False, priority=True,
                id="extraction.previous_field"),
        Binding("enter", "submit_field", show=False, priority=True, id="extraction.enter_field"),
    ]  # fmt: skip
    """
    | Key | Description |
    | :- | :- |
    | ↑ ↓, Enter | Outline: pick a page or row; Enter goes into its fields. |
    | Tab, Enter | Next field (the one left is saved). |
    | Esc | From a field back to the outline (an invalid entry is put back); then back. |
    | a / y / m / x | Add, copy, rename, remove a row of the highlighted group. |
    | c / r | Complete the study (lists what is missing) / reopen it. |
    | d | Compare two extractors' values (dual extraction). |
    | [ / ] | Previous / next page of the outline. |
    | ctrl+n | Source note of the focused field (page, table, quote). |
    | ctrl+l | History of the focused field. |
    """

    ROW_ACTIONS = frozenset(
        {"add_row", "copy_row", "rename_row", "remove_row", "complete", "reopen", "page", "compare"}
    )
    """Single-key actions of the outline: in a field those keys are typed."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="form-reports", markup=False)
        with Horizontal(id="form-body"):
            yield FormOutline(hold_after=DIALOG_ACTIONS, id="form-outline")
            yield VerticalScroll(id="form-page")
        yield Static(id="form-help", markup=False)
        yield KeyFooter(compact=False)

    _typing_in: FormFieldView | None = None
    """The field that has (or last had) the focus on this screen."""

    async def on_mount(self) -> None:
        self._show_reports()
        await self.load_outline()
        self.outline.focus()

    # -- outline and pages --------------------------------------------------

    @on(OptionList.OptionHighlighted, "#form-outline")
    async def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self._page_id:
            await self.show_page(event.option.id)

    @on(OptionList.OptionSelected, "#form-outline")
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        try:
            if event.option.id and event.option.id != self._page_id:
                await self.show_page(event.option.id)
            views = self.page.query(FormFieldView)
            if views:
                self.set_focus(views.first().editor)
            elif self._page_id.startswith(GROUP):
                self.action_add_row()
        finally:
            self.outline.release()

    # -- saving fields ------------------------------------------------------

    @on(FormFieldView.Committed)
    async def _committed(self, event: FormFieldView.Committed) -> None:
        view = event.view
        if not view.is_attached:
            return
        renames = self.session.row(view.instance) is not None and view.ref.field.id == "name"
        try:
            stored = self.session.set_value(view.key, view.instance, event.raw)
        except ReviewError as exc:
            view.show_error(_message(exc))
            if self.screen is self.app.screen:
                view.editor.focus()
            return
        view.show_saved(self.session.cell(view.key, view.instance), stored=stored)
        if stored and renames:
            await self.load_outline(keep=self._page_id)
        self._update_subtitle()

    def on_screen_suspend(self) -> None:
        if isinstance(self.app.screen, CommandPalette):  # its commands lead elsewhere
            self._save_typed()

    def on_unmount(self) -> None:
        self._save_typed()

    def _save_typed(self) -> None:
        """Store what the focused text field holds when the screen goes under the
        command palette or away for good (the palette's Home, ctrl+q): the field
        is left, so it is saved as Tab would save it. Invalid text stays
        unstored, as it would; its message shows when the reviewer is back.
        The form's own dialogs (source note, history) handle the field themselves."""
        view = self._typing_in
        if view is None or not isinstance(view.editor, Input | TextArea):
            return
        raw = view.raw()
        if raw == view.cell.text:
            return
        try:
            stored = self.session.set_value(view.key, view.instance, raw)
        except ReviewError as exc:
            if view.is_attached:
                view.show_error(_message(exc))
            return
        if view.is_attached:
            view.show_saved(self.session.cell(view.key, view.instance), stored=stored)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        view = self._view_of(event.widget)
        self._typing_in = view
        help = self.query_one("#form-help", Static)
        if view is None:
            help.update("Enter opens the page · a add · y copy · m rename · x remove · c complete")
            return
        form_field = view.ref.field
        parts = [form_field.label + (" (required)" if form_field.required else "")]
        if form_field.help:
            parts.append(form_field.help)
        parts.append(f"Takes {accepted(form_field)}")
        if view.source_note:
            parts.append(f"Source: {view.source_note}")
        help.update(" · ".join(parts))

    def action_leave(self) -> None:
        view = self._view_of(self.focused)
        if view is None:
            self.app.pop_screen()
            return
        try:
            parse(view.ref.field, view.raw())
        except FieldValueError:
            view.revert()
        self.outline.focus()

    def action_source_note(self) -> None:
        view = self._view_of(self.focused)
        if view is None:
            self.notify("Go into a field first (Enter)", severity="warning")
            return
        raw = view.raw()

        def save(note: str | None) -> None:
            if note is None:
                return
            try:
                self.session.set_value(view.key, view.instance, raw, note)
            except ReviewError as exc:
                view.show_error(_message(exc))
                return
            view.show_saved(self.session.cell(view.key, view.instance), stored=True)
            view.editor.focus()

        self.app.push_screen(
            TextPrompt(
                f"Source of {view.ref.field.label}",
                value=view.source_note,
                placeholder="page, table, figure or quote",
                help="Enter saves (empty clears) · Esc cancels",
            ),
            save,
        )

    def action_history(self) -> None:
        view = self._view_of(self.focused)
        if view is None:
            self.notify("Go into a field first (Enter)", severity="warning")
            return
        table = Table("When", "Who", "Old", "New", "Source", box=None, expand=True)
        form_field = view.ref.field
        for change in self.session.history(view.key, view.instance):
            who = change.reviewer + (" (agreed)" if change.kind == "agreed" else "")
            table.add_row(
                change.created_at[:16].replace("T", " "),
                who,
                format_value(form_field, change.old) or "—",
                format_value(form_field, change.new) or "—",
                change.source or "",
            )
        if not table.row_count:
            table.add_row("", "", "", "never filled", "")
        self.app.push_screen(InfoScreen(f"History: {form_field.label}", table))

    # -- moving between fields ---------------------------------------------

    def action_submit_field(self) -> None:
        self.focus_next()  # leaving the field saves it

    def action_next_field(self, step: int) -> None:
        if step > 0:
            self.focus_next()
        else:
            self.focus_previous()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "next_field":
            # Only from a field (Enter: a one-line field); elsewhere the key goes on
            # in order, e.g. to the outline, which holds keys while a page opens.
            return self._view_of(self.focused) is not None
        if action == "submit_field":
            return isinstance(self.focused, Input) and self._view_of(self.focused) is not None
        if action in self.ROW_ACTIONS and self._view_of(self.focused) is not None:
            return None  # typed into the field; shown dimmed
        return not (action == "compare" and self.session.extractors < 2)

    # -- the study ----------------------------------------------------------

    def action_complete(self) -> None:
        self.call_after_refresh(self.outline.release)
        try:
            self.session.complete()
        except IncompleteFormError as exc:
            self.app.push_screen(
                ProblemList(
                    exc.message,
                    exc.form_problems,
                    labels={key: ref.field.label for key, ref in self.session.refs.items()},
                ),
                self._jump_to_problem,
            )
            return
        except ReviewError as exc:
            self.notify(_message(exc), severity="error")
            return
        self.notify("Study complete")
        self._update_subtitle()

    def action_reopen(self) -> None:
        if self.session.status is not Status.COMPLETE:
            self.notify("The study is not complete", severity="warning")
            return
        self.session.reopen()
        self.notify("Study reopened")
        self._update_subtitle()

    def action_compare(self) -> None:
        self.call_after_refresh(self.outline.release)
        from review.tui.screens.extraction_compare import open_comparison

        open_comparison(self, self.session)

    async def _jump_to_problem(self, problem: FormProblem | None) -> None:
        if problem is None:
            return
        ref = self.session.refs.get(problem.field)
        if ref is None:
            return
        if problem.instance:
            target = ROW + problem.instance
        elif (group := group_key_of(ref)) is not None:
            target = GROUP + group
        else:
            target = SECTION + ref.section.id
        await self.load_outline(keep=target)
        for view in self.page.query(FormFieldView):
            if view.key == problem.field:
                view.editor.focus()
                view.scroll_visible(animate=False)
                break

    def action_open_fulltext(self) -> None:
        """Open the study's attached full text in the system viewer, detached."""
        held = self.session.full_texts(record.key for record in self.reports)
        if not held or not held[0].location:
            self.notify("No full text attached to this study's reports", severity="warning")
            return
        location = held[0].location
        try:
            subprocess.Popen(
                open_command(location),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except OSError as exc:
            self.notify(f"Cannot open {location}: {exc}", severity="error")
            return
        self.notify(f"Opening {location}")

    # -- helpers ------------------------------------------------------------

    def _show_reports(self) -> None:
        lines = []
        for record in self.reports:
            named = (("doi ", record.doi), ("pmid ", record.pmid), ("", record.registry_id))
            ids = [f"{name}{value}" for name, value in named if value]
            title = record.title or "(no title)"
            if len(title) > 90:  # cut, and seen to be cut
                title = title[:89].rstrip() + "…"
            lines.append(" · ".join([title, *ids, record.source_name]))
        lines += [
            f"full text: {held.location} (ctrl+o opens it)"
            for held in self.session.full_texts(record.key for record in self.reports)[:1]
        ]
        self.query_one("#form-reports", Static).update("\n".join(lines) or self.session.study_key)


def _message(exc: ReviewError) -> str:
    """The short message; what the field takes is on the help line already."""
    return exc.message
