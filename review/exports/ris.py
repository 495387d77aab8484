"""RIS of the included records and of all records, for reference managers
and for importing back into this tool.

Bibliographic fields go under the tags this tool's RIS importer and
reference managers read (TY, TI, AU, PY, T2, VL, IS, SP, DO, AB, KW, LA,
UR; the PMID as `C1 - PMID: n`, the registration number under `C2`), so
`review import` of the file gives the same records. The review's own facts
go in `N1` notes, one per line, each starting with `review:` — stable and
documented (README, "Exports"). A record type RIS has no code for goes
under `TY - GEN` with the vendor's words in `M3` (a type the importer does
not know comes back blank):

    N1  - review:title_abstract final include
    N1  - review:full_text final exclude reason=population
    N1  - review:full_text ann exclude reason=population
    N1  - review:full_text ann note: checked the protocol paper
    N1  - review:label fast-track

A re-import keeps them in the record's extra fields, not as keywords. The
included file lists each included unit once (through its first record:
what a reference manager wants); the all-records file every record.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from review.exports.load import ExportData
from review.models import Stage
from review.screening.state import Outcome

PREFIX = "review:"
TYPE_CODES = {
    "journal article": "JOUR",
    "magazine article": "MGZN",
    "abstract": "ABST",
    "conference proceedings": "CONF",
    "conference paper": "CPAPER",
    "book chapter": "CHAP",
    "book": "BOOK",
    "web page": "ELEC",
    "thesis": "THES",
    "report": "RPRT",
    "dataset": "DATA",
}
"""Record types as this tool names them → RIS type codes (the importer's inverse)."""
VENDOR_TYPES = {
    name: name
    for name in (
        "review", "systematic review", "conference abstract", "conference review", "letter",
        "editorial", "erratum", "note", "short survey", "randomized controlled trial",
        "case report", "comment", "patent", "preprint",
    )
} | {"trial registration": "trial registry record"}  # fmt: skip
"""Other record types → the vendor's words (`M3`) the importer reads as that type."""
_LOOKS_LIKE_TAG = re.compile(r"^[A-Z][A-Z0-9]  -")
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
_SPECIAL = re.compile(r"[\x00-\x1f\x7f]")


def included_record_ids(data: ExportData) -> set[int]:
    """The first record of every unit included at full text."""
    state = data.state
    return {
        unit.record_id
        for unit in state.units
        if state.outcome(unit.key, Stage.FULL_TEXT) is Outcome.INCLUDE
    }


Sent = tuple[int, list[str]]
"""Records written and the first line of each one's title, in file order."""


def write_ris(
    included_path: Path, all_path: Path, data: ExportData, included: set[int]
) -> tuple[Sent, Sent]:
    """Write both files in one pass over the records: every record to
    `all_path`, the ids in `included` to `included_path` too."""
    titles_all: list[str] = []
    titles_included: list[str] = []
    with (
        included_path.open("w", encoding="utf-8", newline="") as some,
        all_path.open("w", encoding="utf-8", newline="") as every,
    ):
        for record in data.store.records.export_rows():
            text = "\r\n".join(record_lines(record, review_facts(data, record))) + "\r\n\r\n"
            title = first_line(record["title"])
            every.write(text)
            titles_all.append(title)
            if record["id"] in included:
                some.write(text)
                titles_included.append(title)
    return (len(titles_included), titles_included), (len(titles_all), titles_all)


def read_back(path: Path) -> tuple[int, list[str]]:
    """Records (ER lines) and their first TI values, as written."""
    count = 0
    titles: list[str] = []
    title: str | None = None
    with path.open(encoding="utf-8", newline="") as handle:
        for line in handle:
            if line.startswith("TI  - ") and title is None:
                title = line[6:].rstrip("\r\n")
            elif line.startswith("ER  -"):
                titles.append(title or "")
                title = None
                count += 1
    return count, titles


def record_lines(record: dict[str, Any], facts: Iterable[str]) -> list[str]:
    """One record's RIS lines, `TY` first and `ER` last."""
    lines: list[str] = []
    add = _adder(lines)
    kind = (record.get("record_type") or "").casefold()
    lines.append(f"TY  - {TYPE_CODES.get(kind, 'GEN')}")
    if kind and kind not in TYPE_CODES:
        add("M3", VENDOR_TYPES.get(kind, record["record_type"]))
    add("TI", record.get("title"))
    for author in record.get("authors") or ():
        add("AU", author)
    add("PY", record.get("year"))
    add("T2", record.get("journal"))
    add("VL", record.get("volume"))
    add("IS", record.get("issue"))
    add("SP", record.get("pages"))
    add("DO", record.get("doi"))
    if record.get("pmid"):
        add("C1", f"PMID: {record['pmid']}")
    add("C2", record.get("registry_id"))
    add("LA", record.get("language"))
    for keyword in record.get("keywords") or ():
        add("KW", keyword)
    add("UR", record.get("url"))
    add("AB", record.get("abstract"))
    for fact in facts:
        add("N1", PREFIX + fact)
    lines.append("ER  - ")
    return lines


def review_facts(data: ExportData, record: dict[str, Any]) -> Iterator[str]:
    """The review's decisions, notes and labels on a record's unit, as N1 lines."""
    unit = data.state.resolved.unit_of_record(record["id"], record["key"])
    for stage, facts in zip(Stage, data.facts(unit), strict=True):
        if facts.outcome is None:
            continue
        if facts.outcome is not Outcome.UNDECIDED:
            yield f"{stage.value} final {facts.outcome.value}{_reasons(facts.reasons)}"
        for reviewer, event in sorted(facts.screens.items()):
            yield f"{stage.value} {reviewer} {event.decision}{_reasons(event.reasons)}"
            if event.note:
                yield f"{stage.value} {reviewer} note: {event.note}"
    for label in sorted(data.labels.get(unit, set()) | data.labels.get(record["key"], set())):
        yield f"label {label}"


def _reasons(reasons: Iterable[str]) -> str:
    joined = ";".join(reasons)
    return f" reason={joined}" if joined else ""


def _adder(lines: list[str]) -> Callable[[str, object], None]:
    """`add(tag, value)`: a value's lines under its tag; blank values left out."""

    def add(tag: str, value: object) -> None:
        if value is None or value == "":
            return
        text = value if type(value) is str else str(value)
        if _SPECIAL.search(text) is None:  # one line, nothing to clean: most values
            if text.strip():
                lines.append(f"{tag}  - {text.strip()}")
            return
        rest = [line.strip() for line in _clean(text).split("\n")]
        rest = [line for line in rest if line]
        if rest:
            lines.append(f"{tag}  - {rest[0]}")
            lines.extend(" " + line if _LOOKS_LIKE_TAG.match(line) else line for line in rest[1:])

    return add


def first_line(value: object) -> str:
    """What the `TI` line of a value holds: its first non-blank line."""
    lines: list[str] = []
    _adder(lines)("TI", value)
    return lines[0][6:] if lines else ""


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
