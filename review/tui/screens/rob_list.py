"""The risk-of-bias list: every included study (RoB 2: every result), its tool
and status; Enter opens the assessment, `t` the traffic-light summary."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import getters, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, Static
from textual.widgets.option_list import Option

from review.errors import ReviewError
from review.review_file import review_protocol
from review.rob.events import SHARED
from review.rob.session import RobSession, Status, assessors
from review.rob.studies import RobItem, overview
from review.store import Store
from review.tui.screens.extraction_list import NO_STUDY_YET
from review.tui.screens.rob_assessment import RobAssessmentScreen
from review.tui.screens.rob_summary import RobSummaryScreen
from review.tui.widgets.key_footer import KeyFooter

STATUS_STYLE = {
    Status.NOT_STARTED: "dim",
    Status.IN_PROGRESS: "yellow",
    Status.COMPLETE: "green",
}


class RobListScreen(Screen[None]):
    """Studies to appraise, with this reviewer's status and the study's."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "open", "Assess", id="rob-list.open"),
        Binding("t", "summary", "Summary", id="rob-list.summary"),
        Binding("escape", "app.pop_screen", "Back", id="rob-list.back"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | ↑ ↓ | Move between studies (RoB 2: results). |
    | enter | Open the assessment. |
    | t | The traffic-light summary. |
    | escape | Back. |
    """

    item_list = getters.query_one("#rob-list", OptionList)

    def __init__(self, store: Store, reviewer: str) -> None:
        super().__init__()
        self.store = store
        self.reviewer = reviewer
        self.items: list[RobItem] = []

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="rob-list-title")
        yield Static(NO_STUDY_YET, id="rob-list-empty", markup=False)
        yield OptionList(id="rob-list")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.item_list.focus()
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        """Read the list afresh (an assessment may have changed it)."""
        try:
            protocol = review_protocol(self.store)
            self.items = overview(self.store, protocol)
            register = SHARED if assessors(protocol) == 1 else self.reviewer
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        keep = self.item_list.highlighted
        self.item_list.set_options([self._option(i, register) for i in self.items])
        if self.items:
            self.item_list.highlighted = min(keep or 0, len(self.items) - 1)
        self.item_list.display = bool(self.items)
        self.query_one("#rob-list-empty", Static).display = not self.items
        done = sum(1 for i in self.items if i.status is Status.COMPLETE)
        self.query_one("#rob-list-title", Static).update(
            Text(f"Risk of bias · {done} of {len(self.items)} complete · {self.reviewer}")
        )

    def _option(self, item: RobItem, register: str) -> Option:
        text = Text()
        text.append(f"{item.label[:30]:<31}", style="bold")
        result = item.result.name if item.result else ""
        text.append(f"{result[:34]:<35}")
        if item.tool is None:
            text.append(item.problem or "no tool", style="red")
            if item.hint:
                text.append(f" ({item.hint})", style="dim")
            return Option(text)
        text.append(f"{item.tool.name[:12]:<13}")
        mine = item.statuses.get(register, Status.NOT_STARTED)
        text.append(f"{mine:<12}", style=STATUS_STYLE[mine])
        if register != SHARED:
            text.append(f"  study: {item.status}", style=STATUS_STYLE[item.status])
        return Option(text)

    @on(OptionList.OptionSelected, "#rob-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.action_open()

    def action_open(self) -> None:
        index = self.item_list.highlighted
        if index is None or not 0 <= index < len(self.items):
            return
        item = self.items[index]
        if item.tool is None:
            self.notify(f"{item.label}: {item.problem}", severity="warning")
            return
        try:
            session = RobSession(
                self.store,
                review_protocol(self.store),
                self.reviewer,
                item.study.key,
                item.result.id if item.result else "",
                included=[i.study.key for i in self.items],
            )
        except ReviewError as exc:
            self.notify(str(exc), severity="error")
            return
        self.app.push_screen(RobAssessmentScreen(session, item.label))

    def action_summary(self) -> None:
        self.app.push_screen(RobSummaryScreen(self.store))
