"""Dual extraction: the fields where two extractors differ, side by side, and
the agreed value recorded as its own event (neither entry is changed)."""

from __future__ import annotations

from typing import Any, ClassVar

from textual import getters
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from review.errors import ReviewError
from review.extraction.compare import Difference, FieldAgreement, agreement
from review.extraction.fields import Typed, format_value
from review.extraction.session import ExtractionSession
from review.extraction.studies import Status, statuses
from review.extraction.values import Values
from review.tui.screens.text_prompt import TextPrompt
from review.tui.widgets.key_footer import KeyFooter
from review.wording import counted


def open_comparison(screen: Screen[Any], session: ExtractionSession) -> None:
    """Push the comparison, unless it would break blinding: while the protocol
    says blind, both extractors complete first."""
    if session.extractors < 2:
        screen.notify("The protocol has one extractor per study", severity="warning")
        return
    if session.blind:
        study, extraction = session.study_key, session.store.extraction
        found = statuses([study], extraction.value_events(study), extraction.status_events(study))[
            study
        ]
        done = [who for who, state in found.items() if state is Status.COMPLETE]
        if len(done) < 2:
            screen.notify(
                "Blind extraction: both extractors complete the study before comparing",
                severity="warning",
            )
            return
    screen.app.push_screen(ComparisonScreen(session))


class ComparisonScreen(Screen[None]):
    """One study's differences; 1 / 2 take an extractor's value, e types one."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "take(0)", "Take first", id="extraction.take_first"),
        Binding("2", "take(1)", "Take second", id="extraction.take_second"),
        Binding("e", "type_agreed", "Type agreed value", id="extraction.type_agreed"),
        Binding("escape", "app.pop_screen", "Back", id="extraction.compare_back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | ↑ ↓ | Move between differing fields. |
    | 1 / 2 | Record the first / second extractor's value as agreed. |
    | e | Type the agreed value. |
    | escape | Back. |
    """

    table = getters.query_one("#compare-table", DataTable)

    def __init__(self, session: ExtractionSession) -> None:
        super().__init__()
        self.session = session
        self._diffs: list[Difference] = []
        self._agreement: dict[str, FieldAgreement] = {}
        self._who = session.values.reviewers_of(session.study_key)[:2]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="compare-title", markup=False)
        yield DataTable(id="compare-table", cursor_type="row", zebra_stripes=True)
        yield Static(id="compare-help", markup=False)
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        store, protocol = self.session.store, self.session.protocol
        keys = store.extraction.studies_with_values()
        self._agreement = {
            a.field: a
            for a in agreement(
                protocol, Values(store.extraction.value_events()), keys, store.entities.entities()
            )
        }
        self.load()
        self.table.focus()

    def load(self, keep: int = 0) -> None:
        self._diffs = self.session.differences()
        rows = [
            (
                self._label(diff.field),
                diff.row,
                self._text(diff.field, diff.first),
                self._text(diff.field, diff.second),
                self._text(diff.field, diff.agreed),
                self._agreement_text(diff.field),
            )
            for diff in self._diffs
        ]
        first, second = [*self._who, "—", "—"][:2]
        header = ("Field", "Row", first, second, "Agreed", "Agreement")
        widths = fitted_widths([header, *rows], self.app.size.width - 2 - 2 * len(header))
        self.table.clear(columns=True)
        for label, width in zip(header, widths, strict=True):
            self.table.add_column(label, width=width)
        for row in rows:  # a capped column wraps its cell onto more lines
            self.table.add_row(*row, height=1 if widths[0] is None else None)
        pending = sum(d.agreed is None for d in self._diffs)
        self.query_one("#compare-title", Static).update(
            f"{self.session.study_key}: {counted(len(self._diffs), 'field')} "
            f"differ{'s' if len(self._diffs) == 1 else ''}, {pending} to agree"
        )
        self.query_one("#compare-help", Static).update(
            "Agreement: fields entered alike by both extractors, across the review's studies"
        )
        if self._diffs:
            self.table.move_cursor(row=min(keep, len(self._diffs) - 1))

    def action_take(self, which: int) -> None:
        if (diff := self._current()) is None:
            return
        value = (diff.first, diff.second)[which]
        self._agree(diff, self._text(diff.field, value, blank=""))

    def action_type_agreed(self) -> None:
        if (diff := self._current()) is None:
            return

        def typed(text: str | None) -> None:
            if text is not None:
                self._agree(diff, text)

        current = diff.agreed if diff.agreed is not None else diff.first
        self.app.push_screen(
            TextPrompt(
                f"Agreed value of {self._label(diff.field)}"
                + (f" [{diff.row}]" if diff.row else ""),
                value=self._text(diff.field, current, blank=""),
            ),
            typed,
        )

    def _agree(self, diff: Difference, raw: str) -> None:
        keep = self.table.cursor_row
        try:
            self.session.set_value(diff.field, diff.instance, raw, agreed=True)
        except ReviewError as exc:
            self.notify(exc.message, severity="error")
            return
        self.notify(f"Agreed: {self._label(diff.field)}")
        self.load(keep=keep)

    def _current(self) -> Difference | None:
        row = self.table.cursor_row
        if not self._diffs or not 0 <= row < len(self._diffs):
            self.notify("No difference to settle", severity="warning")
            return None
        return self._diffs[row]

    def _label(self, key: str) -> str:
        ref = self.session.refs.get(key)
        return ref.field.label if ref else key

    def _text(self, key: str, value: Typed | None, *, blank: str = "—") -> str:
        ref = self.session.refs.get(key)
        if value is None or ref is None:
            return blank if value is None else str(value)
        return format_value(ref.field, value)

    def _agreement_text(self, key: str) -> str:
        found = self._agreement.get(key)
        if found is None or found.proportion is None:
            return "—"
        return f"{found.same}/{found.compared} ({found.proportion:.0%})"


def fitted_widths(rows: list[tuple[str, ...]], room: int) -> list[int | None]:
    """Column widths that keep the table within `room` cells, so both extractors'
    values show on an 80-column terminal (else the second one is cut off the
    right edge): None (each fits its content) when everything fits; else the
    field and row names are capped and the three values share what is left."""
    natural = [max(len(line) for row in rows for line in row[i].splitlines() or [""])
               for i in range(len(rows[0]))]  # fmt: skip
    if sum(natural) <= room:
        return [None] * len(natural)
    field, row, *values, agreement = natural
    fixed = [min(field, 18), min(row, 12), agreement]
    share = max(6, (room - sum(fixed)) // len(values))
    return [fixed[0], fixed[1], *(min(v, share) for v in values), fixed[2]]
