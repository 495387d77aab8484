"""The eligibility criteria beside the record, shown on demand while screening."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from review.protocol.models import Protocol
from review.tui.widgets.highlight import EXCLUDE_STYLE, INCLUDE_STYLE


class CriteriaPanel(VerticalScroll):
    """Inclusion and exclusion criteria, and what the highlights mean."""

    def __init__(self, protocol: Protocol, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.protocol = protocol
        self.border_title = "Eligibility criteria"

    def compose(self) -> ComposeResult:
        eligibility = self.protocol.eligibility
        parts = [Content.styled("Include when all hold", "bold")]
        parts += [Content.assemble((c.id, "bold"), " ", c.text) for c in eligibility.include]
        if eligibility.exclude:
            parts.append(Content(""))
            parts.append(Content.styled("Exclude when any holds", "bold"))
            parts += [Content.assemble((c.id, "bold"), " ", c.text) for c in eligibility.exclude]
        parts.append(Content(""))
        parts.append(
            Content.assemble(
                "Highlights: ",
                ("include terms", INCLUDE_STYLE),
                " · ",
                ("exclude terms", EXCLUDE_STYLE),
            )
        )
        yield Static(Content("\n").join(parts), id="criteria-text")
