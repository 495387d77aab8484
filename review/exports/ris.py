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
from collections.abc import Iterable, Iterator
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


def included_record_ids(data: ExportData) -> set[int]:
    """The first record of every unit included at full text."""
    state = data.state
    return {
        unit.record_id
        for unit in state.units
        if state.outcome(unit.key, Stage.FULL_TEXT) is Outcome.INCLUDE
    }


def write_ris(path: Path, data: ExportData, only: set[int] | None = None) -> tuple[int, list[str]]:
    """Write the records (all, or the ids in `only`); returns how many and
    their titles at the sampled positions' order, for the read-back."""
    count = 0
    titles: list[str] = []
    with path.open("w", encoding="utf-8", newline="") as out:
        for record in data.store.records.export_rows():
            if only is not None and record["id"] not in only:
                continue
            lines = list(record_lines(record, review_facts(data, record)))
            out.write("\r\n".join(lines))
            out.write("\r\n\r\n")
            titles.append(first_line(record["title"]))
            count += 1
    return count, titles


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


def record_lines(record: dict[str, Any], facts: Iterable[str]) -> Iterator[str]:
    """One record's RIS lines, `TY` first and `ER` last."""
    kind = (record.get("record_type") or "").casefold()
    yield f"TY  - {TYPE_CODES.get(kind, 'GEN')}"
    if kind and kind not in TYPE_CODES:
        yield from _tag("M3", VENDOR_TYPES.get(kind, record["record_type"]))
    yield from _tag("TI", record.get("title"))
    for author in record.get("authors") or []:
        yield from _tag("AU", author)
    yield from _tag("PY", record.get("year"))
    yield from _tag("T2", record.get("journal"))
    yield from _tag("VL", record.get("volume"))
    yield from _tag("IS", record.get("issue"))
    yield from _tag("SP", record.get("pages"))
    yield from _tag("DO", record.get("doi"))
    if record.get("pmid"):
        yield from _tag("C1", f"PMID: {record['pmid']}")
    yield from _tag("C2", record.get("registry_id"))
    yield from _tag("LA", record.get("language"))
    for keyword in record.get("keywords") or []:
        yield from _tag("KW", keyword)
    yield from _tag("UR", record.get("url"))
    yield from _tag("AB", record.get("abstract"))
    for fact in facts:
        yield from _tag("N1", PREFIX + fact)
    yield "ER  - "


def review_facts(data: ExportData, record: dict[str, Any]) -> Iterator[str]:
    """The review's decisions, notes and labels on a record's unit, as N1 lines."""
    state = data.state
    unit = state.resolved.unit_of_record(record["id"], record["key"])
    for stage in Stage:
        if not state.eligible(unit, stage):
            continue
        outcome = state.outcome(unit, stage)
        if outcome is not Outcome.UNDECIDED:
            final = state.final(unit, stage) if outcome is Outcome.EXCLUDE else None
            yield f"{stage.value} final {outcome.value}{_reasons(final.reasons if final else ())}"
        for reviewer, event in sorted(state.decisions(unit, stage).items()):
            yield f"{stage.value} {reviewer} {event.decision}{_reasons(event.reasons)}"
            if event.note:
                yield f"{stage.value} {reviewer} note: {event.note}"
    for label in sorted(data.labels.get(unit, set()) | data.labels.get(record["key"], set())):
        yield f"label {label}"


def _reasons(reasons: Iterable[str]) -> str:
    joined = ";".join(reasons)
    return f" reason={joined}" if joined else ""


def _tag(tag: str, value: object) -> Iterator[str]:
    if value is None or value == "":
        return
    lines = [line.strip() for line in _clean(str(value)).split("\n")]
    lines = [line for line in lines if line]
    if not lines:
        return
    yield f"{tag}  - {lines[0]}"
    for line in lines[1:]:
        yield " " + line if _LOOKS_LIKE_TAG.match(line) else line


def first_line(value: object) -> str:
    """What the `TI` line of a value holds: its first non-blank line."""
    return next(_tag("TI", value), "TI  - ")[6:]


def _clean(text: str) -> str:
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))
