"""Row editing on the extraction form's outline: add, copy, rename, remove.

Each key opens a prompt; the change goes through `ExtractionSession` and the
outline reloads on the row it made (or the group, once a row is gone).
"""

from __future__ import annotations

from collections.abc import Callable

from review.errors import ReviewError
from review.extraction.form import GroupSpec
from review.tui.screens.choice_picker import ChoicePicker
from review.tui.screens.extraction_outline import GROUP, ROW, FormPages
from review.tui.screens.text_prompt import TextPrompt


class FormRows(FormPages):
    """The outline's row keys; the form screen binds them."""

    def action_add_row(self) -> None:
        self.call_after_refresh(self.outline.release)
        spec = self._current_group()
        if spec is None:
            self.notify(
                "Highlight Arms or Results (or one of their rows) first", severity="warning"
            )
            return

        def add(name: str | None) -> None:
            if name:
                self._row_change(lambda: ROW + self.session.add_row(spec.key, name))

        self.app.push_screen(TextPrompt(f"New {spec.group.label.lower()}: name"), add)

    def action_copy_row(self) -> None:
        self.call_after_refresh(self.outline.release)
        if (row_id := self._current_row()) is None:
            return
        row = self.session.row(row_id)
        name = f"{row.name} (copy)" if row else ""

        def copy(new: str | None) -> None:
            if new:
                self._row_change(lambda: ROW + self.session.copy_row(row_id, new))

        self.app.push_screen(TextPrompt("Copy row as", value=name), copy)

    def action_rename_row(self) -> None:
        self.call_after_refresh(self.outline.release)
        if (row_id := self._current_row()) is None:
            return
        row = self.session.row(row_id)

        def rename(new: str | None) -> None:
            if new:
                self._row_change(lambda: self.session.rename_row(row_id, new) and ROW + row_id)

        self.app.push_screen(TextPrompt("Rename row", value=row.name if row else ""), rename)

    def action_remove_row(self) -> None:
        self.call_after_refresh(self.outline.release)
        if (row_id := self._current_row()) is None:
            return
        row = self.session.row(row_id)
        group = GROUP + self._spec_of_row(row_id).key  # highlighted once the row is gone

        def remove(answer: str | None) -> None:
            if answer == "yes":
                self._row_change(lambda: self.session.remove_row(row_id) and group)

        self.app.push_screen(
            ChoicePicker(
                f"Remove {row.name if row else 'this row'}? (its values are kept in the history)",
                [("yes", "Remove the row", "y"), ("no", "Keep it", "n")],
            ),
            remove,
        )

    def _row_change(self, change: Callable[[], str | bool]) -> None:
        """Run a row change; on success reload the outline on `keep` (its result)."""
        try:
            keep = change()
        except ReviewError as exc:
            self.notify(exc.message, severity="error")
            return
        target = keep if isinstance(keep, str) and keep else self._page_id
        self.outline.hold()  # keys typed after the prompt's Enter wait for the new outline

        async def reload() -> None:
            try:
                await self.load_outline(target)
            finally:
                self.outline.release()

        self.call_next(reload)

    def _current_row(self) -> str | None:
        if (current := self._current()).startswith(ROW):
            return current[2:]
        self.notify("Highlight a row first", severity="warning")
        return None

    def _current_group(self) -> GroupSpec | None:
        current = self._current()
        if current.startswith(GROUP):
            return self._spec(current[2:])
        if current.startswith(ROW):
            return self._spec_of_row(current[2:])
        return None
