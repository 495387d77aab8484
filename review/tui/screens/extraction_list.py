"""The included studies to extract, with where this reviewer stands on each.

Problems are counted only for studies this reviewer has started: an empty
form's problems are just its required fields, and counting them would build
a session per study of a large review on every visit.
"""

from __future__ import annotations

from typing import ClassVar

from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import DataTable, Header, Static

from review.errors import ReviewError
from review.extraction.session import ExtractionSession
from review.extraction.studies import (
    IncludedStudy,
    Status,
    included_studies,
    report_record_ids,
    statuses,
)
from review.ledger.resolver import Resolution
from review.protocol.models import Protocol
from review.screening.units import load_state
from review.store import Store
from review.tui.screens.extraction_compare import open_comparison
from review.tui.screens.extraction_form import ExtractionFormScreen
from review.tui.widgets.key_footer import KeyFooter

FILTERS = {"all": None, "not_started": Status.NOT_STARTED, "in_progress": Status.IN_PROGRESS,
           "complete": Status.COMPLETE}  # fmt: skip

TITLE_MIN, KEY_WIDTH, KEY_MIN = 20, 28, 14
"""Cells of the list's title and study-key columns: the key is cut before the
title goes under its minimum."""

NO_STUDY_YET = (
    "No study is included at full text yet: finish full-text screening first "
    "(home: f, or `review screen FILE --stage full_text`)."
)
"""Said instead of an empty table, by this list and the risk-of-bias list."""


class ExtractionListScreen(Screen[None]):
    """Included studies; Enter opens the highlighted one's form."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Open form", id="extraction.open", priority=False),
        Binding("a", "filter('all')", "All", id="extraction.filter_all"),
        Binding("n", "filter('not_started')", "Not started", id="extraction.filter_not_started"),
        Binding("p", "filter('in_progress')", "In progress", id="extraction.filter_in_progress"),
        Binding("c", "filter('complete')", "Complete", id="extraction.filter_complete"),
        Binding("d", "compare", "Compare", id="extraction.list_compare"),
        Binding("escape", "app.pop_screen", "Back", id="extraction.list_back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | ↑ ↓, Enter | Move between studies; open the form. |
    | a / n / p / c | Show all / not started / in progress / complete (your status). |
    | d | Compare two extractors' values (dual extraction). |
    | escape | Back. |
    """

    table = getters.query_one("#extraction-table", DataTable)

    def __init__(self, store: Store, protocol: Protocol, reviewer: str) -> None:
        super().__init__()
        self.store = store
        self.protocol = protocol
        self.reviewer = reviewer
        self.only: Status | None = None
        self._studies: list[IncludedStudy] = []
        self._shown: list[IncludedStudy] = []
        self._rows: list[tuple[IncludedStudy, str, list[str]]] = []
        """The studies the filter lets through: title, then the other cells."""
        self._resolution: Resolution | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="extraction-title", markup=False)
        yield Static(NO_STUDY_YET, id="extraction-empty", markup=False)
        yield DataTable(id="extraction-table", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        columns = ["Study", "Key", "You"]
        if self.protocol.extraction.reviewers_per_study == 2:
            columns.append("Other extractor")
        self.table.add_columns(*columns, "Problems")
        self.load()
        self.table.focus()

    def on_screen_resume(self) -> None:
        if self._resolution is not None:
            self.load(keep=self.table.cursor_row)

    def load(self, keep: int = 0) -> None:
        state = load_state(self.store, self.protocol)
        self._resolution = state.resolved
        self._studies = included_studies(state.resolved, state)
        found = statuses(
            [s.key for s in self._studies],
            self.store.extraction.value_events(),
            self.store.extraction.status_events(),
        )
        self._rows = []
        dual = self.protocol.extraction.reviewers_per_study == 2
        keys = [s.key for s in self._studies]
        for study in self._studies:
            by_reviewer = found[study.key]
            mine = by_reviewer.get(self.reviewer, Status.NOT_STARTED)
            if self.only is not None and mine is not self.only:
                continue
            title = self.store.records.record(study.record_id).title or "(no title)"
            cells = [study.key, str(mine)]
            if dual:
                others = [f"{who}: {state}" for who, state in sorted(by_reviewer.items())
                          if who != self.reviewer]  # fmt: skip
                cells.append(", ".join(others) or "—")
            cells.append(self._problems(study.key, keys) if mine is not Status.NOT_STARTED else "—")
            self._rows.append((study, title, cells))
        self._fill(keep)

    def on_resize(self) -> None:
        self._fill(self.table.cursor_row)

    def _fill(self, keep: int) -> None:
        """The rows, titles cut to the room the other columns leave: at 80
        columns a fixed-width title pushed your status off the screen."""
        key_width = KEY_WIDTH
        others = sum(max(len(c) for c in column) + 2 for column in self._columns(key_width))
        if (short := TITLE_MIN - (self.app.size.width - others - 4)) > 0:
            # Dual extraction at 80 columns: the key gives way, else the other
            # extractor's status and the problems go off the right edge.
            key_width = max(KEY_MIN, key_width - short)
            others = sum(max(len(c) for c in column) + 2 for column in self._columns(key_width))
        room = max(TITLE_MIN, min(80, self.app.size.width - others - 4))
        self.table.clear()
        self._shown = []
        for study, title, cells in self._rows:
            key = _cut(cells[0], key_width, at_word=False)
            self.table.add_row(_cut(title, room), key, *cells[1:], key=study.key)
            self._shown.append(study)
        which = "all" if self.only is None else str(self.only)
        self.query_one("#extraction-title", Static).update(
            f"{len(self._studies)} included studies · showing {which} ({len(self._shown)})"
            f" · extracting as {self.reviewer}"
        )
        self.table.display = bool(self._studies)
        self.query_one("#extraction-empty", Static).display = not self._studies
        if self._shown:
            self.table.move_cursor(row=min(keep, len(self._shown) - 1))

    def _columns(self, key_width: int) -> list[list[str]]:
        """Each column but the title's: its heading, then its cells (the study
        key cut to `key_width`)."""
        headings = [str(c.label) for c in self.table.columns.values()][1:]
        found = [[h, *(cells[n] for _, _, cells in self._rows)] for n, h in enumerate(headings)]
        found[0] = [_cut(text, key_width, at_word=False) for text in found[0]]
        return found

    def _problems(self, study_key: str, included: list[str]) -> str:
        session = ExtractionSession(
            self.store, self.protocol, self.reviewer, study_key, included=included
        )
        return str(len(session.problems()))

    def action_filter(self, which: str) -> None:
        self.only = FILTERS[which]
        self.load()

    @on(DataTable.RowSelected, "#extraction-table")
    def _row_selected(self) -> None:
        self.action_open()

    def session(self) -> ExtractionSession | None:
        row = self.table.cursor_row
        if not self._shown or not 0 <= row < len(self._shown):
            self.notify("No study to open", severity="warning")
            return None
        try:
            return ExtractionSession(
                self.store,
                self.protocol,
                self.reviewer,
                self._shown[row].key,
                included=[s.key for s in self._studies],
            )
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return None

    def action_open(self) -> None:
        if (session := self.session()) is not None:
            self.app.push_screen(form_screen(session, self._resolution))

    def action_compare(self) -> None:
        if (session := self.session()) is not None:
            open_comparison(self, session)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "compare":
            return self.protocol.extraction.reviewers_per_study == 2
        return True


def form_screen(session: ExtractionSession, resolution: Resolution | None) -> ExtractionFormScreen:
    """The form with the study's reports (articles, registrations…) in its header."""
    store = session.store
    if resolution is None:
        resolution = load_state(store, session.protocol).resolved
    ids = report_record_ids(resolution, session.study_key)
    return ExtractionFormScreen(session, [store.records.record(i) for i in ids])


def _cut(text: str, width: int, *, at_word: bool = True) -> str:
    """`text` in `width` cells, cut (at a word) with an ellipsis when longer:
    a key cut bare would read as another, complete one."""
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if at_word and " " in head[width // 2 :]:
        head = head[: head.rindex(" ")]
    return head.rstrip() + "…"
