"""The duplicates screen: probable pairs side by side, and merged groups to undo."""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar, TypeVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import ContentSwitcher, DataTable, Header, Static

from review.dedup.manual import merge_records
from review.dedup.report import GroupRow, group_rows
from review.dedup.undo import undo_or_take_apart
from review.errors import ReviewError
from review.store import Store
from review.store.dedup import PendingPair
from review.tui.screens.reviewer_prompt import ReviewerNamed, reviewer_prompt
from review.tui.widgets.duplicate_pair import DuplicatePair
from review.tui.widgets.key_footer import KeyFooter
from review.tui.widgets.merge_bar import undone_message
from review.wording import counted

T = TypeVar("T")


class DuplicatesScreen(Screen[None]):
    """Confirm, reject or skip each probable pair; `g` lists merged groups to undo."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("y", "confirm", "Same study", id="duplicates.confirm"),
        Binding("n", "reject", "Different", id="duplicates.reject"),
        Binding("s", "skip", "Skip", id="duplicates.skip"),
        Binding("g", "toggle_groups", "Merged groups", id="duplicates.groups"),
        Binding("u", "unmerge", "Undo merge", id="duplicates.unmerge"),
        Binding("escape", "app.pop_screen", "Back", id="duplicates.back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | y | The two records report the same study: merge them. |
    | n | Different records: never merge them. |
    | s | Skip this pair for now (it stays in the queue). |
    | g | Switch between the queue and the merged groups. |
    | u | In merged groups: undo the group's newest merge exactly (a rule's: take apart). |
    | escape | Back to the previous screen. |
    """

    def __init__(self, store: Store, reviewer: str | None) -> None:
        super().__init__()
        self.store = store
        self.reviewer = reviewer
        self._pairs: list[PendingPair] = []
        self._members: list[GroupRow] = []
        self._skipped: list[tuple[str, str]] = []  # pairs skipped this visit, oldest first

    def compose(self) -> ComposeResult:
        yield Header()
        with ContentSwitcher(initial="dup-queue", id="dup-switcher"):
            with Vertical(id="dup-queue"):
                yield Static(id="dup-status")
                yield DuplicatePair(id="dup-pair")
            with Vertical(id="dup-groups-view"):
                yield Static(id="dup-groups-status")
                yield DataTable(id="dup-groups", cursor_type="row", zebra_stripes=True)
        yield KeyFooter(compact=False)

    def on_mount(self) -> None:
        groups = self.query_one("#dup-groups", DataTable)
        groups.add_columns("Group", "Record", "Title", "Source", "Decided by")
        self._reload()

    # -- the queue ----------------------------------------------------------

    def action_confirm(self) -> None:
        if pair := self._current():
            self._decide(
                lambda who: merge_records(self.store, pair.uid_a, pair.uid_b, who), "Merged"
            )

    def action_reject(self) -> None:
        if pair := self._current():
            self._decide(
                lambda who: self.store.dedup.mark_distinct(pair.uid_a, pair.uid_b, who),
                "Kept apart",
            )

    def action_skip(self) -> None:
        if (pair := self._current()) and len(self._pairs) > 1:
            key = (pair.uid_a, pair.uid_b)
            self._skipped = [k for k in self._skipped if k != key] + [key]
            self._pairs = _skipped_last(self._pairs, self._skipped)
        self._show_pair()

    def _decide(self, action: Callable[[str], T], done: str | Callable[[T], str]) -> None:
        if not self.reviewer:
            self._ask_reviewer(lambda: self._decide(action, done))
            return
        try:
            result = action(self.reviewer)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self.notify(done if isinstance(done, str) else done(result), timeout=2)
        self._reload()

    def _ask_reviewer(self, then: Callable[[], None]) -> None:
        """Ask the name as screening does, then carry out the decision asked for."""

        def named(name: str | None) -> None:
            if name:
                self.reviewer = name
                self.post_message(ReviewerNamed(name))
                then()

        self.app.push_screen(reviewer_prompt("Who is deciding these duplicates?"), named)

    def _current(self) -> PendingPair | None:
        if not self._showing_queue() or not self._pairs:
            return None
        return self._pairs[0]

    def _show_pair(self) -> None:
        table = self.query_one("#dup-pair", DuplicatePair)
        status = self.query_one("#dup-status", Static)
        if not self._pairs:
            status.update("No probable duplicates waiting. Run `review dedupe FILE` after imports.")
            table.show_empty("Nothing to review")
            return
        pair = self._pairs[0]
        try:
            a, b = (
                self.store.records.record_by_uid(pair.uid_a),
                self.store.records.record_by_uid(pair.uid_b),
            )
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        # Strongest evidence first: the summed weight the pair's total row shows.
        weight = pair.weight
        strength = f"score {pair.score:.2f}" if weight is None else f"weight {weight:+.1f}"
        status.update(f"{counted(len(self._pairs), 'pair')} to review · {strength} · {pair.reason}")
        table.show_pair(a, b, pair.evidence)

    # -- merged groups ------------------------------------------------------

    def action_toggle_groups(self) -> None:
        switcher = self.query_one("#dup-switcher", ContentSwitcher)
        showing_queue = self._showing_queue()
        switcher.current = "dup-groups-view" if showing_queue else "dup-queue"
        self.query_one("#dup-groups" if showing_queue else "#dup-pair").focus()

    def action_unmerge(self) -> None:
        if self._showing_queue() or not self._members:
            self.notify("Press g and pick a record of a merged group to undo its merge")
            return
        table = self.query_one("#dup-groups", DataTable)
        member = self._members[table.cursor_row]
        # says which: a merge undone exactly, or one record out of a rule's group
        self._decide(
            lambda who: undo_or_take_apart(self.store, member.record_id, who),
            lambda done: undone_message(done, member.record_id),
        )

    @on(DataTable.RowHighlighted, "#dup-groups")
    def _member_highlighted(self, event: DataTable.RowHighlighted) -> None:
        event.stop()

    def _showing_queue(self) -> bool:
        return self.query_one("#dup-switcher", ContentSwitcher).current == "dup-queue"

    # -- loading --------------------------------------------------------------

    def _reload(self) -> None:
        try:
            # a skipped pair stays behind the others after each decision
            self._pairs = _skipped_last(self.store.dedup.pending_pairs(), self._skipped)
            self._members = group_rows(self.store)
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self._show_pair()
        table = self.query_one("#dup-groups", DataTable)
        row = table.cursor_row
        table.clear()
        for member in self._members:
            title = self.store.records.record(member.record_id).title or "(no title)"
            table.add_row(
                member.group_key[:24],
                str(member.record_id),
                title[:60],
                f"{member.source_file} · {member.source_ref}",
                member.decided_by
                if member.decided_by != "reviewer"
                else f"reviewer {member.reviewer}",
            )
        if self._members:
            table.move_cursor(row=min(row, len(self._members) - 1))
        groups = len({m.group_key for m in self._members})
        self.query_one("#dup-groups-status", Static).update(
            f"{counted(groups, 'group')} screened as one, "
            f"{counted(len(self._members), 'record')} · "
            "u undoes a merge"
        )


def _skipped_last(pairs: list[PendingPair], skipped: list[tuple[str, str]]) -> list[PendingPair]:
    """The queue with the pairs skipped this session after the rest, in skip order."""
    rank = {key: n for n, key in enumerate(skipped)}
    return sorted(pairs, key=lambda p: rank.get((p.uid_a, p.uid_b), -1))
