"""The records screen: browse, search and read every record in the review."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import ClassVar, TypeVar

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input
from textual.worker import get_current_worker

from review.dedup.manual import MergePlan, merge_records, plan_merge
from review.dedup.undo import undo_or_take_apart
from review.dedup.units import load_resolution
from review.errors import ReviewError
from review.ledger.resolver import Resolution
from review.record_reading import reading_fields
from review.review_file import open_review
from review.store import RecordRow, Store
from review.tui.screens.reviewer_prompt import ReviewerNamed, reviewer_prompt
from review.tui.widgets.key_footer import KeyFooter
from review.tui.widgets.merge_bar import MergeBar, merged_message, undone_message
from review.tui.widgets.record_detail import RecordDetail
from review.tui.widgets.record_table import RecordTable
from review.tui.widgets.search_bar import SearchBar
from review.tui.widgets.sources_panel import SourcesPanel

T = TypeVar("T")

PAGE_SIZE = 200
"""Rows fetched at a time; the table asks for more as the cursor nears the end."""

SEARCH_DELAY = 0.25
"""Seconds of quiet typing before a search runs, so each keystroke does not query."""


class RecordsScreen(Screen[None]):
    """A paged table of records, a full-text search over them and the highlighted one in full."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("slash", "focus_search", "Search", id="records.search"),
        Binding("escape", "clear_search", "Clear search", id="records.clear-search"),
        Binding("s", "toggle_sources", "Sources", id="records.sources"),
        Binding("m", "merge", "Same as…", id="records.merge"),
        Binding("x", "take_apart", "Undo merge / apart", id="records.take-apart"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | / | Type a full-text search. |
    | escape | Cancel a merge begun with m; clear the search; with neither, back home. |
    | s | Show or hide the sources panel. |
    | m | Mark this record; on another, screen the two as one (the bar says what is kept). |
    | x | Undo the newest merge of this record's unit exactly; with none, take it apart. |
    """

    table = getters.query_one("#records", RecordTable)
    detail = getters.query_one("#detail", RecordDetail)
    search_bar = getters.query_one("#search-bar", SearchBar)
    sources = getters.query_one("#sources", SourcesPanel)
    merge_bar = getters.query_one("#merge-pending", MergeBar)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self._term = ""
        """The search the table shows (or is about to show)."""
        self._generation = 0
        """Bumped on each new search, so results of an older one are dropped."""
        self._shown = -1
        """The generation whose first page the table holds; pages may follow only it."""
        self._total = 0
        self._matching = 0
        self._loading = False
        self._start = 0
        """Where the table's first row stands among the matching records."""
        self._window = 0
        """Bumped when the table's rows are replaced, so a page for the old ones is dropped."""
        self._source_files: dict[int, str] = {}
        self._marked: int | None = None
        """A record marked with `m`, waiting for the record to merge it with."""
        self._resolution: Resolution | None = None
        """The units as they were when `m` marked a record: what the bar's plan reads."""
        self._named: str | None = None
        """The name typed at this screen's prompt: keys typed ahead of the app
        hearing it (`ReviewerNamed` is a message) must not ask again."""

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="records-body"):
            with Vertical(id="records-list"):
                yield SearchBar(id="search-bar")
                yield MergeBar(id="merge-pending")
                yield RecordTable(id="records")
            yield RecordDetail(id="detail")
        yield SourcesPanel(id="sources")
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        try:
            self._source_files = {s.id: s.file_name for s in self.store.imports.sources()}
            self._total = self.store.records.record_count()
            rows = self.store.records.record_rows(limit=PAGE_SIZE)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self._show_page(self._generation, rows, self._total)
        self.table.focus()
        if self.store.location_warning:
            self.notify(self.store.location_warning, severity="warning", timeout=15)

    # -- actions ------------------------------------------------------------

    def action_focus_search(self) -> None:
        # at once, not after the keys already typed: they belong to the search
        self.set_focus(self.query_one("#search", Input))

    async def action_clear_search(self) -> None:
        """Clear the search; with none to clear, go back (to the home)."""
        search = self.query_one("#search", Input)
        if self._marked is not None:
            self._unmark()
            self.notify("Merge cancelled: nothing changed", timeout=2)
        elif search.value:
            search.value = ""
        elif self.table.has_focus:
            await self.app.run_action("app.back")
            return
        self.table.focus()

    def action_toggle_sources(self) -> None:
        if not self.sources.display:
            try:
                self.sources.show_sources(self.store.imports.sources())
            except ReviewError as exc:
                self.notify(str(exc), severity="error")
                return
        self.sources.display = not self.sources.display

    def action_merge(self) -> None:
        """Two presses, one on each record: the first marks and shows what a
        merge would keep, the second (on another record) merges. No dialog:
        keys typed ahead (`m ↓ m x`) act in order, and `x` undoes exactly."""
        record_id = self.table.highlighted_id
        if record_id is None:
            return
        if self._marked is None:
            try:
                self._resolution = load_resolution(self.store)
            except ReviewError as exc:
                self.notify(str(exc), severity="error")
                return
            self._marked = record_id
            self._show_pending(record_id)
            return
        first = self._marked
        if first == record_id:
            self._unmark()
            self.notify("Merge cancelled: nothing changed", timeout=2)
            return
        plan = self._plan(first, record_id)
        self._unmark()
        if plan is None:
            return
        if not plan.joining:
            self.notify(f"Records {first} and {record_id} are screened as one already")
            return
        uid_a, uid_b = self._uids(first, record_id)
        self._as_reviewer(
            lambda who: merge_records(self.store, uid_a, uid_b, who),
            merged_message(plan),
        )

    def action_take_apart(self) -> None:
        record_id = self.table.highlighted_id
        if record_id is not None:
            self._as_reviewer(
                lambda who: undo_or_take_apart(self.store, record_id, who),
                lambda done: undone_message(done, record_id),
            )

    def _plan(self, first: int, second: int) -> MergePlan | None:
        try:
            return plan_merge(self.store, first, second, self._resolution)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return None

    def _show_pending(self, record_id: int | None) -> None:
        """The bar above the table while a record is marked: what `m` would do here."""
        first = self._marked
        if first is None:
            self.merge_bar.hide()
        elif record_id is None or record_id == first:
            self.merge_bar.show_marked(first)
        elif plan := self._plan(first, record_id):
            self.merge_bar.show_plan(first, record_id, plan)

    def _unmark(self) -> None:
        self._marked = None
        self._resolution = None
        self._show_pending(None)

    def _uids(self, *record_ids: int) -> list[str]:
        refs = self.store.records.record_refs(record_ids)
        return [refs[i].uid for i in record_ids]

    def _as_reviewer(self, action: Callable[[str], T], done: str | Callable[[T], str]) -> None:
        reviewer = getattr(self.app, "reviewer", None) or self._named
        if not reviewer:

            def named(name: str | None) -> None:
                if name:
                    self._named = name
                    self.post_message(ReviewerNamed(name))
                    self._act(action, name, done)

            self.app.push_screen(reviewer_prompt("Who is deciding?"), named)
            return
        self._act(action, reviewer, done)

    def _act(
        self, action: Callable[[str], T], reviewer: str, done: str | Callable[[T], str]
    ) -> None:
        try:
            result = action(reviewer)
            if self._marked is not None:  # `x` with a merge pending: the units changed
                self._resolution = load_resolution(self.store)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(done if isinstance(done, str) else done(result), timeout=4)
        self._show_pending(self.table.highlighted_id)

    # -- search and paging --------------------------------------------------

    @on(Input.Changed, "#search")
    def _search_changed(self, event: Input.Changed) -> None:
        term = event.value.strip()
        if term == self._term:
            return
        self._term = term
        self._generation += 1
        self._loading = False
        if term:
            self.search_bar.show_count(self._matching, self._total, searching=True)
            self._search(term, self._generation)
            return
        self.workers.cancel_group(self, "search")
        try:
            rows = self.store.records.record_rows(limit=PAGE_SIZE)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self._show_page(self._generation, rows, self._total)

    @work(thread=True, exclusive=True, group="search")
    def _search(self, term: str, generation: int) -> None:
        """Wait for typing to pause, then search with a connection of this thread's own."""
        worker = get_current_worker()
        time.sleep(SEARCH_DELAY)
        if worker.is_cancelled:
            return
        try:
            rows, count = _fetch(self.store.path, term, with_count=True)
        except ReviewError as exc:
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show_page, generation, rows, count)

    @on(RecordTable.NearEnd)
    def _near_end(self, event: RecordTable.NearEnd) -> None:
        held = self.table.rows_shown
        if self._loading or self._shown != self._generation or not held:
            return
        if self._start + len(held) >= self._matching:
            return  # the window reaches the last record already
        self._loading = True
        self._load_page(self._term, self._generation, self._window, after_id=held[-1].id)

    @on(RecordTable.NearStart)
    def _near_start(self, event: RecordTable.NearStart) -> None:
        # Checked once the table has settled: right after End fills it, the
        # cursor is on the last row but the view has not scrolled there yet.
        self.call_after_refresh(self._load_before)

    def _load_before(self) -> None:
        held = self.table.rows_shown
        if self._loading or self._shown != self._generation or not held or self._start == 0:
            return
        if not self.table.near_start():
            return
        self._loading = True
        self._load_page(self._term, self._generation, self._window, before_id=held[0].id)

    @work(thread=True, group="pages")
    def _load_page(
        self,
        term: str,
        generation: int,
        window: int,
        *,
        after_id: int | None = None,
        before_id: int | None = None,
    ) -> None:
        """The page after (or before) the window, read by id, never by a deep OFFSET."""
        try:
            rows, _ = _fetch(
                self.store.path, term, after_id=after_id, before_id=before_id, with_count=False
            )
        except ReviewError as exc:
            # `_loading` stays set: no retry on every cursor move, one message only.
            self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        before = before_id is not None
        self.app.call_from_thread(self._add_page, generation, window, rows, before=before)

    def _add_page(
        self, generation: int, window: int, rows: list[RecordRow], *, before: bool
    ) -> None:
        if generation != self._generation or window != self._window:
            return  # the table shows another search, or jumped, since this was asked for
        self._loading = False
        if before:
            # a short page is the first one: count from the start again
            self._start = self._start - len(rows) if len(rows) == PAGE_SIZE else 0
            self.table.prepend_rows(rows)
        else:
            self.table.show_rows(rows, append=True)

    @on(RecordTable.Jump)
    def _jump(self, event: RecordTable.Jump) -> None:
        """Home and End: the first or last record of the search (or of all).

        Read here, not in a worker, so keys typed after End act on the last
        record: one page read backwards by id takes milliseconds at 100k.
        """
        event.stop()
        first = event.to == "first"
        table = self.table
        settled = self._shown == self._generation
        held = len(table.rows_shown)
        reached = self._start == 0 if first else self._start + held >= self._matching
        if settled and held and reached:
            table.move_cursor(row=0 if first else table.row_count - 1)
            return
        term = self._term or None
        try:
            count = self._matching if settled else self.store.records.count_matching(term)
            rows = self.store.records.record_rows(search=term, limit=PAGE_SIZE, from_end=not first)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        # A search still on its way is answered here. Cancelling is not enough: a
        # worker past its last check would show its first page after this one.
        self.workers.cancel_group(self, "search")
        self._generation += 1
        self._show_page(self._generation, rows, count, start=0 if first else count - len(rows))
        if table.row_count:  # a search matching nothing has no row to go to
            table.move_cursor(row=0 if first else table.row_count - 1)

    def _show_page(
        self,
        generation: int,
        rows: list[RecordRow],
        count: int | None,
        *,
        start: int = 0,
    ) -> None:
        """Replace the table's rows: the first page of a search, or a jump."""
        if generation != self._generation:
            return  # a newer search has started since this page was asked for
        self._window += 1
        self._loading = False
        self._start = max(0, start)
        self.table.show_rows(rows)
        self._shown = generation
        self._matching = count if count is not None else len(rows)
        self.search_bar.show_count(self._matching, self._total)
        self._show_detail(self.table.highlighted_id)

    # -- detail -------------------------------------------------------------

    @on(DataTable.RowHighlighted, "#records")
    def _row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value if event.row_key is not None else None  # no row: none
        self._show_detail(int(key) if key is not None else None)
        if self._marked is not None:
            self._show_pending(int(key) if key is not None else None)

    def _show_detail(self, record_id: int | None) -> None:
        if record_id is None:
            self.detail.show_record(None)
            return
        try:
            record = self.store.records.record(record_id)
            details = reading_fields([self.store.records.record_extra(record_id)])
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self.detail.show_record(
            record, source_file=self._source_files.get(record.source_id), details=details
        )


def _fetch(
    path: Path,
    term: str,
    *,
    with_count: bool,
    after_id: int | None = None,
    before_id: int | None = None,
) -> tuple[list[RecordRow], int]:
    """One page (and the match count) through a fresh connection: the first,
    the one after `after_id`, or the one before `before_id`.

    SQLite connections belong to the thread that opened them, so a worker
    thread cannot borrow the screen's store; opening one costs ~2 ms.
    """
    with open_review(path) as store:
        rows = store.records.record_rows(
            search=term or None,
            limit=PAGE_SIZE,
            after_id=after_id,
            before_id=before_id,
            from_end=before_id is not None,
        )
        count = store.records.count_matching(term or None) if with_count else len(rows)
    return rows, count
