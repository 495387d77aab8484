"""The record being screened: what a reviewer reads before pressing a key."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from review.models import DecisionEvent, Record
from review.protocol.models import Protocol, term_pattern
from review.record_reading import ReadingField
from review.tui.widgets.highlight import highlighted
from review.tui.widgets.record_detail import MAX_AUTHORS, citation

DECISION_STYLE = {"include": "$text-success", "exclude": "$text-error", "maybe": "$text-warning"}


@dataclass
class ScreeningView:
    """Everything the screen knows about the unit on show."""

    record: Record
    decisions: dict[str, DecisionEvent]
    """What this reviewer may see: their own, and others' once not blind."""
    reviewer: str
    outcome: str
    reason_labels: dict[str, str]
    labels: set[str] = field(default_factory=set)
    notes: list[tuple[str, str]] = field(default_factory=list)
    """(reviewer, text)"""
    reports: int = 1
    """Records (imports) this decision covers."""
    fulltext: str | None = None
    """'attached: path', 'not retrieved', or None."""
    study: str | None = None
    details: list[ReadingField] = field(default_factory=list)
    """Register fields and other stored fields worth reading (`review.record_reading`)."""


class ScreeningRecord(VerticalScroll, can_focus=True):
    """Title, citation, decisions, warnings and the abstract, terms highlighted.

    One Static holding one Content: a new record is one update and one
    reflow, which keeps key-to-next-record fast at 100k records. Imported
    text goes in as content, never markup: `[brackets]` stay as typed.
    """

    def __init__(
        self,
        include: re.Pattern[str] | None,
        exclude: re.Pattern[str] | None,
        *,
        id: str | None = None,
    ) -> None:
        super().__init__(id=id)
        self.include = include
        self.exclude = exclude

    @classmethod
    def for_protocol(cls, protocol: Protocol, *, id: str | None = None) -> ScreeningRecord:
        """Highlighting the protocol's include and exclude terms."""
        terms = protocol.highlight_terms()
        return cls(term_pattern(terms.include), term_pattern(terms.exclude), id=id)

    def compose(self) -> ComposeResult:
        yield Static(id="sr-body")

    def show(self, view: ScreeningView | None, *, empty: str = "") -> None:
        body = self.query_one("#sr-body", Static)
        body.update(Content(empty) if view is None else self.render_view(view))
        self.scroll_home(animate=False)

    def render_view(self, view: ScreeningView) -> Content:
        record = view.record
        blocks = [self._mark(record.title or "(no title)").stylize("bold")]
        if record.vernacular_title:
            blocks.append(self._mark(record.vernacular_title).stylize("italic"))
        blocks.append(_fields(view))
        if details := [d for d in view.details if not d.label.startswith("Abstract")]:
            blocks.append(self._details(details))
        blocks.append(_status(view))
        if record.warnings:
            warnings = "\n".join(f"⚠ {message}" for message in record.warnings)
            blocks.append(Content.styled(warnings, "$text-warning"))
        if view.notes:
            blocks.append(
                Content("\n").join(
                    Content.assemble((f"✎ {who}: ", "bold"), text) for who, text in view.notes
                )
            )
        others = [d for d in view.details if d.label.startswith("Abstract")]
        if record.abstract:
            blocks.append(self._mark(record.abstract))
        elif not others and not details:
            blocks.append(Content.styled("(no abstract)", "italic $text-muted"))
        elif not others:
            blocks.append(
                Content.styled(
                    "(no abstract: the fields above are all there is)", "italic $text-muted"
                )
            )
        for other in others:
            heading = Content.styled(other.label, "bold $text-muted")
            blocks.append(Content("\n").join([heading, self._mark(other.values[0])]))
        return Content("\n\n").join(blocks)

    def _details(self, details: list[ReadingField]) -> Content:
        """`Label     value` lines, one per value, terms highlighted like the abstract."""
        lines: list[Content] = []
        width = max(10, *(len(label) + 1 for label, _ in details))
        for label, values in details:
            for n, value in enumerate(values):
                lines.append(
                    Content.assemble(
                        (f"{label if n == 0 else '':<{width}}", "bold $text-muted"),
                        "• " if len(values) > 1 else "",
                        self._mark(value),
                    )
                )
        return Content("\n").join(lines)

    def _mark(self, text: str) -> Content:
        return highlighted(text, self.include, self.exclude)


def _fields(view: ScreeningView) -> Content:
    """`Label     value` lines for the fields the record has."""
    record = view.record
    authors = "; ".join(record.authors[:MAX_AUTHORS])
    if len(record.authors) > MAX_AUTHORS:
        authors += f"; … and {len(record.authors) - MAX_AUTHORS} more"
    source = record.source_name
    if view.reports > 1:
        source += f" (+{view.reports - 1} more import{'s' if view.reports > 2 else ''})"
    ids = " · ".join(
        part
        for part in (
            f"DOI {record.doi}" if record.doi else "",
            f"PMID {record.pmid}" if record.pmid else "",
            record.registry_id or "",
        )
        if part
    )
    rows = [
        ("Authors", authors),
        ("Published", citation(record) or (str(record.year) if record.year else "")),
        ("Type", record.record_type or ""),
        ("Source", source),
        ("Ids", ids),
        (_keywords_label(record), "; ".join(record.keywords)),
    ]
    return Content("\n").join(
        Content.assemble((f"{label:<10}", "bold $text-muted"), value)
        for label, value in rows
        if value
    )


def _keywords_label(record: Record) -> str:
    """A registration's keywords are its conditions (what the register lists first)."""
    registration = "regist" in (record.record_type or "")
    return "Conditions" if registration else "Keywords"


def _status(view: ScreeningView) -> Content:
    """Decisions (own first), outcome, labels, full text and study link."""
    lines: list[Content] = []
    ordered = sorted(view.decisions.items(), key=lambda item: item[0] != view.reviewer)
    for who, event in ordered:
        decision = event.decision or ""
        reasons = ", ".join(view.reason_labels.get(r, r) for r in event.reasons)
        lines.append(
            Content.assemble(
                ("You" if who == view.reviewer else who, "bold"),
                ": ",
                (decision, f"bold {DECISION_STYLE.get(decision, '')}"),
                f" — {reasons}" if reasons else "",
                f" ({event.note})" if event.note else "",
            )
        )
    if not view.decisions:
        lines.append(Content.styled("Not yet decided by you", "$text-muted"))
    if view.outcome in ("conflict", "include", "exclude") and len(view.decisions) > 1:
        style = "bold $text-error" if view.outcome == "conflict" else "bold"
        lines.append(Content.assemble("Outcome: ", (view.outcome, style)))
    if view.labels:
        lines.append(Content.assemble("Labels: ", (" ".join(sorted(view.labels)), "reverse")))
    if view.fulltext:
        lines.append(Content.assemble("Full text: ", view.fulltext))
    if view.study:
        lines.append(Content.assemble("Study: ", view.study))
    return Content("\n").join(lines)
