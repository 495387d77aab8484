"""Study labels ("Smith 2021"): one rule for every file that names a study.

The Outcomes sheet's `label` is metafor's `slab`, and robvis's `Study` column
must carry the same words for `rob_append_to_forest` to match the two; so the
Studies and Outcomes sheets, the risk-of-bias tables and the TUI lists all
label a study here, and two studies that would share a label get their key
appended, everywhere alike; result rows that share a name are numbered.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from review.extraction.studies import IncludedStudy
from review.ledger.entities import Entity
from review.store import Store


def family_name(author: str) -> str:
    """`Smith, John` → Smith; `Smith JA` → Smith; a group author stays whole."""
    author = author.strip()
    if "," in author:
        return author.split(",")[0].strip()
    words = author.split()
    if len(words) > 1 and _initials(words[-1]):
        return " ".join(words[:-1])
    return author


def label_of(authors: Sequence[str], year: int | None, title: str | None = None) -> str:
    """`Surname Year`; without authors the title's first three words stand in."""
    surname = family_name(authors[0]) if authors else ""
    if not surname and title:
        words = title.split()
        surname = " ".join(words[:3]) + ("…" if len(words) > 3 else "")
    return " ".join(part for part in (surname, str(year) if year else "") if part)


def study_labels(store: Store, studies: Sequence[IncludedStudy]) -> dict[str, str]:
    """Study key → label from its main record; labels two studies share get the key."""
    labels: dict[str, str] = {}
    for study in studies:
        record = store.records.record(study.record_id)
        title = record.title or record.vernacular_title
        labels[study.key] = label_of(record.authors, record.year, title) or study.key
    counts: dict[str, int] = {}
    for label in labels.values():
        counts[label] = counts.get(label, 0) + 1
    return {k: (f"{v} [{k}]" if counts[v] > 1 else v) for k, v in labels.items()}


def row_names(rows: Iterable[Entity]) -> dict[str, str]:
    """Entity id → its name, with ` (2)`, ` (3)` … after a name an earlier row
    of the same study already has (two machines may each add "ORR"), so robvis's
    `label · result` and the Outcomes sheet's `result` name one row each."""
    seen: dict[tuple[str, str], int] = {}
    out: dict[str, str] = {}
    for row in sorted(rows, key=lambda r: r.order):
        n = seen[(row.study_key, row.name)] = seen.get((row.study_key, row.name), 0) + 1
        out[row.id] = row.name if n == 1 else f"{row.name} ({n})"
    return out


def _initials(word: str) -> bool:
    """What follows the family name in `Smith J`, `Zhōu W` or `van der Berg J-A`."""
    letters = word.replace(".", "").replace("-", "")
    return 0 < len(letters) <= 4 and letters.isalpha() and letters.isupper()
