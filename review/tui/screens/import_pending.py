"""One file listed in the import dialog: what the reviewer says of its
search (kind, source, date), and the `review import` options that makes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from review.errors import UsageError
from review.ingest import ImportOptions, check_search_date
from review.models import SourceKind


@dataclass(frozen=True)
class Pending:
    """A file waiting to be imported, with what the reviewer says of its search."""

    path: Path
    format_name: str
    kind: str
    method: str | None
    source: str
    date: str
    guessed: bool = False
    """Kind and source come from the format, not from the reviewer: a later
    file of another format does not copy them."""

    def label(self) -> str:
        kind = f"{self.kind}/{self.method}" if self.method else self.kind
        return (
            f"{self.path.name} · {self.format_name} · {kind} · "
            f"{self.source or '(source?)'} · {self.date or '(date?)'}"
        )

    def options(self, reviewer: str | None) -> ImportOptions:
        """As `review import` options; a missing or bad field names the file."""
        if not self.source.strip():
            raise UsageError(
                "name the source", path=self.path, field="source",
                hint="the database, register or method this file comes from",
            )  # fmt: skip
        if self.date:
            try:
                check_search_date(self.date)
            except UsageError as exc:
                raise UsageError(exc.message, path=self.path, field="searched",
                                 hint=exc.hint) from None  # fmt: skip
        return ImportOptions(
            kind=SourceKind(self.kind),
            source_name=self.source.strip(),
            method=self.method if self.kind == SourceKind.OTHER.value else None,
            search_date=self.date or None,
            reviewer=reviewer,
        )
