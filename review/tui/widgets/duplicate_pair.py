"""Two records side by side, one row per field, with the evidence for each."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.events import Resize
from textual.widgets import DataTable

from review.dedup.model import Evidence
from review.dedup.weights import explain, shipped_weights
from review.models import Record

_DIFFERS = "bold yellow"
_EVIDENCE_STYLE = {"same": "green", "compatible": "green", "different": "bold red"}
_FIELD_WIDTH, _EVIDENCE_WIDTH, _RECORD_WIDTH = 9, 22, (14, 40)
"""Column widths: the record columns share what the field and evidence
columns leave, so the evidence stays on screen at 80 columns."""
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
    evidence column says how the pipeline compared that field and what that
    weighs (bits for or against one paper), and a last row sums the weights.
    """

    _shown: tuple[Record, Record, dict[str, Any]] | None = None

    def on_mount(self) -> None:
        self.cursor_type = "row"
        self.zebra_stripes = True
        self.add_column("Field", key="field", width=_FIELD_WIDTH)
        self.add_column("Record A", key="a", width=_RECORD_WIDTH[1])
        self.add_column("Record B", key="b", width=_RECORD_WIDTH[1])
        self.add_column("Evidence", key="evidence", width=_EVIDENCE_WIDTH)

    def on_resize(self, event: Resize) -> None:
        """Fit the record columns to the width, and wrap the pair anew."""
        padding = 2 * self.cell_padding * len(self.columns)
        inner = self.size.width - self.styles.scrollbar_size_vertical  # room for a scrollbar
        spare = inner - _FIELD_WIDTH - _EVIDENCE_WIDTH - padding
        low, high = _RECORD_WIDTH
        width = max(low, min(high, spare // 2))
        if all(self.columns[key].width == width for key in ("a", "b")):  # type: ignore[index]
            return
        for key in ("a", "b"):
            self.columns[key].width = width  # type: ignore[index]
        if self._shown is not None:
            row = self.cursor_row
            self.show_pair(*self._shown)
            self.move_cursor(row=row)

    def show_pair(self, a: Record, b: Record, evidence: dict[str, Any]) -> None:
        self._shown = (a, b, evidence)
        self.clear()
        weights = _weights(evidence)
        for label, name in FIELDS:
            left, right = _value(a, name), _value(b, name)
            differs = bool(left and right) and _fold(left) != _fold(right)
            style = _DIFFERS if differs else ""
            self.add_row(
                Text(label, style="bold"),
                Text(left or "—", style=style if left else "dim"),
                Text(right or "—", style=style if right else "dim"),
                _evidence(name, evidence, weights, titled=bool(a.title and b.title)),
                key=name,
                height=None,
            )
        if weights:
            summed = sum(weights.values())
            self.add_row(
                Text("Weight", style="bold"),
                Text("all fields' weights summed, in bits", style="dim"),
                Text(""),
                Text(f"total {summed:+.1f}", style="bold green" if summed > 0 else "bold red"),
                key="weight",
            )

    def show_empty(self, message: str) -> None:
        self._shown = None
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


_SHOWN_WITH = {
    "title": ("title", "title_numbers", "title_kind"),
    "authors": ("first_author", "authors"),
    "volume": ("volume", "issue"),
}
"""Rows that show the weight of more than one compared field."""


def _weights(evidence: dict[str, Any]) -> dict[str, float]:
    """Each field's weight under the shipped model; {} for evidence stored
    before the model (fields missing), which is shown without weights."""
    try:
        parsed = Evidence(**{k: evidence[k] for k in Evidence.__dataclass_fields__})
    except (KeyError, TypeError):
        return {}
    return {field: weight for field, _, weight in explain(parsed, shipped_weights()).parts}


def _weight(name: str, weights: dict[str, float]) -> str:
    weight = sum(weights.get(f, 0.0) for f in _SHOWN_WITH.get(name, (name,)))
    return f" {weight:+.1f}" if round(weight, 1) else ""


def _evidence(
    name: str, evidence: dict[str, Any], weights: dict[str, float], titled: bool = True
) -> Text:
    if name == "title" and not titled:  # an untitled record is not "0% similar"
        return Text(f"missing{_weight(name, weights)}", style="dim")
    if name == "title":
        similarity = float(evidence.get("title", 0.0))
        style = "green" if similarity >= 0.95 else "yellow" if similarity >= 0.85 else "bold red"
        return Text(f"{similarity:.0%} similar{_weight(name, weights)}", style=style)
    if name == "authors":
        first = str(evidence.get("first_author", ""))
        overlap = float(evidence.get("authors", 0.0))
        shown = f"1st {first}, {overlap:.0%}{_weight(name, weights)}"
        return Text(shown, style=_EVIDENCE_STYLE.get(first, "dim"))
    key = {"year": "year", "journal": "journal", "volume": "volume", "pages": "pages",
           "doi": "doi", "pmid": "pmid", "record_type": "record_type"}.get(name)  # fmt: skip
    if key is None:
        return Text("")
    relation = str(evidence.get(key, ""))
    if key == "year" and evidence.get("year_gap"):
        relation = f"{relation} ({evidence['year_gap']}y)"
    style = _EVIDENCE_STYLE.get(relation.split(" ")[0], "dim")
    return Text(relation + _weight(key, weights), style=style)
