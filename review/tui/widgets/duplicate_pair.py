"""Two records side by side, one row per field, with the evidence for each."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import DataTable

from review.models import Record

_DIFFERS = "bold yellow"
_EVIDENCE_STYLE = {"same": "green", "compatible": "green", "different": "bold red"}
FIELDS = (
    ("Title", "title"),
    ("Authors", "authors"),
    ("Year", "year"),
    ("Journal", "journal"),
    ("Volume", "volume"),
    ("Pages", "pages"),
    ("DOI", "doi"),
    ("PMID", "pmid"),
    ("Type", "record_type"),
    ("Source", "source"),
)


class DuplicatePair(DataTable[Text]):
    """A probable duplicate pair: field, record A, record B, evidence.

    Values that differ between the two records are highlighted; the
    evidence column says how the pipeline compared that field.
    """

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("Field", key="field", width=9)
        self.add_column("Record A", key="a", width=44)
        self.add_column("Record B", key="b", width=44)
        self.add_column("Evidence", key="evidence", width=16)

    def show_pair(self, a: Record, b: Record, evidence: dict[str, Any]) -> None:
        self.clear()
        for label, name in FIELDS:
            left, right = _value(a, name), _value(b, name)
            differs = bool(left and right) and _fold(left) != _fold(right)
            style = _DIFFERS if differs else ""
            self.add_row(
                Text(label, style="bold"),
                Text(left or "—", style=style if left else "dim"),
                Text(right or "—", style=style if right else "dim"),
                _evidence(name, evidence),
                key=name,
                height=None,
            )

    def show_empty(self, message: str) -> None:
        self.clear()
        self.add_row(Text(""), Text(message, style="italic"), Text(""), Text(""), key="empty")


def _value(record: Record, name: str) -> str:
    if name == "authors":
        shown = "; ".join(record.authors[:6])
        return shown + (f" … (+{len(record.authors) - 6})" if len(record.authors) > 6 else "")
    if name == "source":
        return f"{record.source_name} · {record.source_ref}"
    if name == "volume":
        return " ".join(
            p for p in (record.volume, f"({record.issue})" if record.issue else "") if p
        )
    value = getattr(record, name)
    return "" if value is None else str(value)


def _fold(text: str) -> str:
    return " ".join("".join(ch for ch in text.casefold() if ch.isalnum() or ch.isspace()).split())


def _evidence(name: str, evidence: dict[str, Any]) -> Text:
    if name == "title":
        similarity = float(evidence.get("title", 0.0))
        style = "green" if similarity >= 0.95 else "yellow" if similarity >= 0.85 else "bold red"
        return Text(f"{similarity:.0%} similar", style=style)
    if name == "authors":
        first = str(evidence.get("first_author", ""))
        overlap = float(evidence.get("authors", 0.0))
        return Text(f"1st {first}, {overlap:.0%}", style=_EVIDENCE_STYLE.get(first, "dim"))
    key = {"year": "year", "journal": "journal", "volume": "volume", "pages": "pages",
           "doi": "doi", "pmid": "pmid", "record_type": "record_type"}.get(name)  # fmt: skip
    if key is None:
        return Text("")
    relation = str(evidence.get(key, ""))
    if key == "year" and evidence.get("year_gap"):
        relation = f"{relation} ({evidence['year_gap']}y)"
    return Text(relation, style=_EVIDENCE_STYLE.get(relation.split(" ")[0], "dim"))
