"""The detail pane: everything stored about the highlighted record, warnings included."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

if TYPE_CHECKING:
    from review.models import Record
    from review.record_reading import ReadingField

MAX_AUTHORS = 30
"""Consortium papers list hundreds of authors; the pane shows this many."""


class RecordDetail(VerticalScroll):
    """One record laid out for reading; scrolls when the abstract is long.

    Every value comes from the file the reviewer imported, so text is
    inserted as template variables and never read as markup: a title with
    `[brackets]` shows as it is.
    """

    def compose(self) -> ComposeResult:
        yield Static(id="detail-title", markup=False)
        yield Static(id="detail-vernacular", markup=False)
        yield Static(id="detail-fields")
        yield Static(id="detail-warnings")
        yield Static("Abstract", id="detail-abstract-heading")
        yield Static(id="detail-abstract", markup=False)

    def show_record(
        self,
        record: Record | None,
        *,
        source_file: str | None = None,
        details: list[ReadingField] | None = None,
    ) -> None:
        """Show `record`, or a placeholder when nothing is highlighted."""
        title = self.query_one("#detail-title", Static)
        if record is None:
            title.update("No record to show")
            for part in ("vernacular", "fields", "warnings", "abstract-heading", "abstract"):
                self.query_one(f"#detail-{part}").display = False
            return
        title.update(record.title or "(no title)")
        title.set_class(not record.title, "-missing")
        self._show("#detail-vernacular", record.vernacular_title)
        self.query_one("#detail-fields", Static).update(_fields(record, source_file, details or []))
        self.query_one("#detail-fields").display = True
        warnings = "\n".join(f"⚠ {message}" for message in record.warnings)
        self._show("#detail-warnings", Content(warnings) if warnings else None)
        self._show("#detail-abstract", record.abstract)
        self.query_one("#detail-abstract-heading").display = bool(record.abstract)
        self.scroll_home(animate=False)

    def _show(self, selector: str, value: str | Content | None) -> None:
        widget = self.query_one(selector, Static)
        widget.display = bool(value)
        if value:
            widget.update(value)


def _fields(record: Record, source_file: str | None, details: list[ReadingField]) -> Table:
    """Label/value lines for the record's bibliographic fields, skipping empty ones,
    then its register fields and other stored fields worth reading."""
    authors = "; ".join(record.authors[:MAX_AUTHORS])
    if len(record.authors) > MAX_AUTHORS:
        authors += f"; … and {len(record.authors) - MAX_AUTHORS} more"
    where = f"{source_file}, " if source_file else ""
    where += f"record {record.source_ref}"
    if record.line is not None:
        where += f", line {record.line}"
    published = citation(record)
    rows = [
        ("Authors", authors),
        ("Year", str(record.year) if record.year and not published else ""),
        ("Published", published),
        ("DOI", record.doi or ""),
        ("PMID", record.pmid or ""),
        ("Registry", record.registry_id or ""),
        ("Type", record.record_type or ""),
        ("Language", record.language or ""),
        ("Keywords", "; ".join(record.keywords)),
        ("URL", record.url or ""),
        ("Source", record.source_name),
        ("File", where),
    ]
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold dim", no_wrap=True)
    grid.add_column(overflow="fold")
    for label, value in rows:
        if value:
            grid.add_row(label, Text(value))
    for label, values in details:
        grid.add_row(label, Text("\n".join(values)))
    return grid


def citation(record: Record) -> str:
    """`Journal 2023;50(9):548-552`, with whatever parts the record has."""
    text = record.journal or ""
    detail = str(record.year) if record.year else ""
    if record.volume:
        detail += f";{record.volume}"
    if record.issue:
        detail += f"({record.issue})"
    if record.pages:
        detail += f":{record.pages}"
    if not record.journal and not (record.volume or record.issue or record.pages):
        return ""
    return f"{text} {detail}".strip()
