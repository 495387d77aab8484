"""EndNote tagged text (refer style: `%0 Journal Article`, `%T …`, `%A …`), e.g. .enl exports."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from review.errors import Problem
from review.importers.base import Document, Format, check_count, clean_doi, parse_year, refuse
from review.importers.cut_end import LastLine, refuse_cut_end
from review.models import RecordDraft

# "%" + one tag character + a space (or the end of the line). "%50 of cases"
# is text, not tag "5": the tag character must be followed by a space.
_TAG = re.compile(r"%([0-9A-Z@!#$&()*+^<>\[\]=~?|.])(?: (.*)|$)")
_ISSN = re.compile(r"^\s*(\d{4}-\d{3}[\dXx])\b")
# %0 (type) and %T (title) occur once per record; either one seen twice in
# the same block means the blank line between two records is missing.
_STARTS = ("0", "T")
_SINGLE = {
    "T": "title",
    "D": "year",
    "V": "volume",
    "N": "issue",
    "P": "pages",
    "J": "journal",
    "B": "secondary title",
}
_EXTRA = {
    "Q": "translated title",
    "I": "publisher",
    "C": "place published",
    "9": "type of work",
    "~": "database",
    "W": "database provider",
    "!": "short title",
    "S": "tertiary title",
    "8": "date",
}


class _Block:
    __slots__ = ("fields", "glued", "line", "rejoined", "tags")

    def __init__(self, line: int) -> None:
        self.line = line
        self.fields: list[tuple[str, list[str]]] = []
        self.tags: set[str] = set()
        self.rejoined: list[int] = []
        """Lines of text that followed a blank line and were kept as a paragraph."""
        self.glued = False
        """Split from its neighbour at a repeated %0/%T, with no blank line between."""


def _sniff(path: Path, head: str) -> bool:
    lines = [line for line in head.lstrip("\ufeff").splitlines()[:40] if line.strip()]
    if not lines or not _TAG.match(lines[0]):
        return False
    tags = [m.group(1) for m in map(_TAG.match, lines) if m]
    return len(tags) >= 3 and ("T" in tags or "0" in tags)


def _blocks(lines: Iterable[str], problems: list[Problem], seen: Counter[str]) -> Iterator[_Block]:
    """Group lines into records and yield each once the next one starts.

    A record is held back until then because text after a blank line (no tag)
    is a paragraph break inside its last field. `seen["T"]` counts %T lines
    apart from the grouping: the check on it.
    """
    last: _Block | None = None  # the newest record, not yet handed out
    current: _Block | None = None  # the record lines are being added to
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            current = None
            continue
        match = _TAG.match(raw)
        if match:
            tag = match.group(1)
            if tag in _STARTS and not (match.group(2) or "").strip():
                # `%0` or `%T` with nothing after it opens no record.
                problems.append(Problem(f"%{tag} line without a value", line=number))
                continue
            if tag == "T":
                seen["T"] += 1
            glued = current is not None and tag in _STARTS and tag in current.tags
            if glued:
                current.glued = True  # type: ignore[union-attr]
                current = None
            if current is None:
                if last is not None:
                    yield last
                current = last = _Block(number)
                current.glued = glued
            current.fields.append((tag, [(match.group(2) or "").strip()]))
            current.tags.add(tag)
        elif current is not None:
            current.fields[-1][1].append(line)
        elif last is not None:
            current = last
            current.fields[-1][1].extend(["", line])
            current.rejoined.append(number)
        else:
            problems.append(Problem("text before the first tag (%0, %T …)", line=number))
    if last is not None:
        yield last


def _parse(doc: Document) -> list[RecordDraft]:
    problems: list[Problem] = []
    seen: Counter[str] = Counter()
    records: list[RecordDraft] = []
    with_title = 0
    lines = LastLine(doc.lines())
    block: _Block | None = None
    for block in _blocks(lines, problems, seen):
        if not block.tags & set(_STARTS):
            problems.append(
                Problem(
                    "record with neither %0 nor %T (a blank line inside a record?)",
                    line=block.line,
                )
            )
            continue
        if block.glued and "T" not in block.tags:
            # Two records without a blank line between both have a title; a
            # part without one is a stray line or a record cut in two.
            problems.append(
                Problem("a repeated %0 or %T leaves a part without a title", line=block.line)
            )
            continue
        with_title += "T" in block.tags
        record = _draft(block, len(records) + 1)
        for number in block.rejoined:
            record.warn(
                "blank_line_in_field",
                f"text after a blank line (line {number}) was kept as a new paragraph",
            )
        records.append(record)
    if block is not None and block.fields:  # no end tag: only the last line shows a cut
        refuse_cut_end(doc, lines.text, lines.number, f"%{block.fields[-1][0]}", closed=False)
    refuse(doc, problems, "parts of the file", one="part of the file")
    # Cross-check: every %T line became the title of exactly one record.
    check_count(doc, with_title, seen["T"], "%T lines")
    return records


def _draft(block: _Block, position: int) -> RecordDraft:
    draft = RecordDraft(position=position, line=block.line)
    values: dict[str, list[str]] = {}
    for tag, parts in block.fields:
        if tag == "K":
            # EndNote writes keywords one per line under a single %K.
            values.setdefault(tag, []).extend(p for p in parts if p)
            continue
        sep = "\n" if tag == "X" else " "
        value = sep.join(parts).strip()
        if value:
            values.setdefault(tag, []).append(value)
    for tag, label in _SINGLE.items():
        found = values.get(tag, [])
        if len(found) > 1:
            draft.warn(
                "repeated_tag",
                f"%{tag} ({label}) appears {len(found)} times; kept the first, "
                f"dropped: {' | '.join(found[1:])}",
                f"%{tag}",
            )

    def first(tag: str) -> str | None:
        found = values.get(tag)
        return found[0] if found else None

    title = first("T")
    draft.title = " ".join(title.split()) if title else None
    abstracts = values.get("X", [])
    if abstracts:
        paragraphs = "\n".join(abstracts).split("\n")
        draft.abstract = "\n".join(" ".join(p.split()) for p in paragraphs if p.strip()) or None
    draft.authors = values.get("A", [])
    date = first("D")
    if date:
        draft.year = parse_year(date)
        if draft.year is None:
            draft.warn("bad_year", f"no year in %D {date!r}", "%D")
    # %J is the journal; AIS and others put the journal (or proceedings) in %B.
    draft.journal = first("J") or first("B")
    if first("J") and first("B"):
        draft.extra["secondary title"] = first("B") or ""
    draft.volume = first("V")
    draft.issue = first("N")
    draft.pages = first("P")
    kind = first("0")
    draft.record_type = kind.lower() if kind and kind.lower() != "generic" else None
    draft.url = first("U")
    draft.language = first("G")
    draft.keywords = values.get("K", [])
    for value in values.get("R", []):
        draft.doi = draft.doi or clean_doi(value)
    if values.get("R") and draft.doi is None:
        draft.extra["%R"] = "; ".join(values["R"])
    accession = first("M")
    draft.source_id = accession
    isbn = first("@")
    if isbn:
        match = _ISSN.match(isbn)
        if match:
            draft.issn = match.group(1).upper()
        else:
            draft.extra["isbn"] = isbn
    for tag, label in _EXTRA.items():
        if tag in values:
            draft.extra[label] = "; ".join(values[tag])
    return draft


FORMATS: list[Format] = [Format("endnote_tagged", "EndNote tagged text (%0 %T …)", _sniff, _parse)]
