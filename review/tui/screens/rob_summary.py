"""The risk-of-bias summary: per tool, a traffic-light table (studies ×
domains, overall last) and, per domain, how many of each judgement."""

from __future__ import annotations

from typing import ClassVar

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Header, Static

from review.errors import ReviewError
from review.review_file import review_protocol
from review.rob.model import Judgement
from review.rob.reports import NOT_JUDGED, ToolSummary, summarise
from review.store import Store
from review.tui.widgets.key_footer import KeyFooter
from review.tui.widgets.rob_lights import LIGHTS, light

BAR_WIDTH = 40


class RobSummaryScreen(Screen[None]):
    """Final judgements only: what robvis would draw, in the terminal."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="rob-summary.back"),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="rob-summary"):
            yield Static(self._body(), id="rob-summary-body")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one("#rob-summary").focus()

    def _body(self) -> RenderableType:
        try:
            summaries = summarise(self.store, review_protocol(self.store))
        except ReviewError as exc:
            return Text(str(exc), style="red")
        if not summaries:
            return Text("No study has a risk-of-bias tool yet (see the list for why).")
        parts: list[RenderableType] = []
        for summary in summaries:
            parts += [traffic_lights(summary), Text(""), domain_bars(summary), Text("")]
        parts.append(legend(summaries))
        return Group(*parts)


def traffic_lights(summary: ToolSummary) -> Table:
    table = Table(title=summary.tool.name, title_justify="left", title_style="bold", box=None)
    table.add_column("Study")
    for column in summary.columns:
        table.add_column(column, justify="center")
    for row in summary.rows:
        table.add_row(Text(row.label[:60]), *(light(j) for j in row.judgements))
    return table


def domain_bars(summary: ToolSummary) -> Table:
    """One bar per domain: the share of each judgement, with its count."""
    table = Table(box=None, show_header=False)
    table.add_column("Domain")
    table.add_column("Bar")
    table.add_column("Counts")
    total = len(summary.rows) or 1
    for column, name in zip(summary.columns, summary.names, strict=True):
        counts = summary.counts()[column]
        bar = Text()
        words = []
        for word, count in counts.items():
            judgement = Judgement(word) if word != NOT_JUDGED else None
            symbol, style = LIGHTS[judgement] if judgement else (" ", "on grey23")
            bar.append(symbol * round(BAR_WIDTH * count / total), style=style)
            words.append(f"{word} {count} ({100 * count // total}%)")
        table.add_row(f"{column} {name}" if column != name else name, bar, "; ".join(words))
    return table


def legend(summaries: list[ToolSummary]) -> Text:
    """Every judgement the tools shown can give (ROBINS-E's Very high included), in scale order."""
    shown: list[Judgement] = []
    for summary in summaries:
        for judgement in (*summary.tool.scale, *summary.tool.overall_scale):
            if judgement not in shown:
                shown.append(judgement)
    text = Text("Legend: ")
    for judgement in shown:
        text.append_text(light(judgement))
        text.append(f" {judgement.value}  ")
    text.append_text(light(None))
    text.append(" not judged")
    return text
