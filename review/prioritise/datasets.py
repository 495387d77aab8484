"""Labelled screening sets (title, abstract, a 0/1 label) for `review simulate`.

Read with the review's own importers, so a CSV or RIS that imports reads
here too, with the same checks (encodings, cut records, BOMs). The label is
a column (CSV) or tag (RIS) the importers keep verbatim in a record's extra
fields, matched case-insensitively.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from review.errors import ImportFormatError
from review.importers import read_document
from review.prioritise.model import DEFAULTS, ModelSettings

LABEL_COLUMNS = ("label_included", "included", "label")
"""Tried in this order when no label column is named."""
_TRUE = {"1", "true", "yes", "y", "include", "included", "relevant"}
_FALSE = {"0", "false", "no", "n", "exclude", "excluded", "irrelevant"}


@dataclass(frozen=True, slots=True)
class LabelledSet:
    path: Path
    fields: list[tuple[str | None, str | None, list[str]]]
    """Each record's title, abstract and keywords."""
    labels: list[int]
    label_column: str

    @property
    def relevant(self) -> int:
        return sum(self.labels)

    def texts(self, settings: ModelSettings = DEFAULTS) -> list[str]:
        """Each record's text as the model with `settings` reads it."""
        return [settings.text(*one) for one in self.fields]


def read_labelled(path: Path, label: str | None = None) -> LabelledSet:
    """Every record's text and label; refuses a file without the label column,
    a record without a label, or a label that is not 0/1."""
    document, fmt = read_document(path)
    drafts = list(fmt.parse(document))
    if not drafts:
        raise ImportFormatError("no records in the file", path=path)
    wanted = [label] if label else list(LABEL_COLUMNS)
    first = {key.lower(): key for key in drafts[0].extra}
    column = next((first[name.lower()] for name in wanted if name.lower() in first), None)
    if column is None:
        have = ", ".join(drafts[0].extra) or "none besides the bibliographic fields"
        raise ImportFormatError(
            f"no label column {' or '.join(repr(w) for w in wanted)}",
            path=path,
            field=label or LABEL_COLUMNS[0],
            hint=f"name the 0/1 column with --label COLUMN; other columns here: {have}",
        )
    fields: list[tuple[str | None, str | None, list[str]]] = []
    labels: list[int] = []
    for draft in drafts:
        raw = (draft.extra.get(column) or "").strip().lower()
        if raw in _TRUE:
            labels.append(1)
        elif raw in _FALSE:
            labels.append(0)
        else:
            raise ImportFormatError(
                f"label {raw!r} is not 0 or 1" if raw else "the record has no label",
                path=path,
                line=draft.line,
                field=column,
                hint="every record needs 1 (relevant) or 0 (not relevant) in the label column",
            )
        fields.append((draft.title, draft.abstract, list(draft.keywords)))
    return LabelledSet(path, fields, labels, column)
