"""The sources panel: one row per import, as PRISMA will count it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import DataTable

if TYPE_CHECKING:
    from review.models import Source

COLUMNS = ("Source", "Kind", "File", "Format", "Records", "Warnings", "Imported")


class SourcesPanel(DataTable[Text]):
    """Each import with its kind (database, register, other), file and counts."""

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row")
        self.border_title = "Sources"

    def on_mount(self) -> None:
        self.add_columns(*COLUMNS)

    def show_sources(self, sources: Sequence[Source]) -> None:
        self.clear()
        warning_style = self.app.theme_variables.get("warning", "yellow")
        for source in sources:
            kind = str(source.kind) + (f" ({source.method})" if source.method else "")
            self.add_row(
                Text(source.name),
                Text(kind),
                Text(source.file_name),
                Text(source.format),
                Text(f"{source.record_count:,}", justify="right"),
                Text(
                    f"{source.warning_count:,}",
                    style=warning_style if source.warning_count else "",
                    justify="right",
                ),
                Text(source.imported_at[:10]),
                key=str(source.id),
            )
