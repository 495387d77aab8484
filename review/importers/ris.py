"""RIS in every vendor's flavour: records cut out, tags mapped, counts checked."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from review.errors import ImportFormatError, Problem
from review.importers.base import Document, Format, check_count, refuse
from review.importers.cut_end import EXPORT_AGAIN, refuse_cut_end
from review.importers.ris_fields import Cut, to_draft
from review.models import RecordDraft

# Why not rispy: on the corpora, rispy 0.10 drops a last record without `ER`,
# glues two records when an `ER` is missing, keeps only the first of a
# repeated single-valued tag, cannot see a tag after a bare CR and joins
# continuation lines with spaces. Wrapping it meant cutting every record out
# here first and then parsing it a second time through rispy, which doubled
# the import time and added nothing, so this module reads the tags itself:
# tolerant of spacing variants, preambles, "Record #n of m" and Ovid "2."
# headers and "Link to…" lines, and counted against the file's `TY` lines.

_INVISIBLE = "\ufeff\u200b\u200c\u200d\u2060"
_TAG = re.compile(rf"[{_INVISIBLE}]*([A-Z][A-Z0-9])[ \t]{{1,2}}-(?:[ \t](.*))?$")
# Every two-character tag `_TAG` accepts, for the test most lines take instead
# of the regex: `XY  - value` with the usual spacing.
_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TAGS = frozenset(a + b for a in _UPPER for b in _UPPER + "0123456789")
_INNER_TAGS = _TAGS - {"TY", "ER"}
_GAP = (" ", "\t")
_TY_START = frozenset("T" + _INVISIBLE)
_TY = re.compile(rf"[{_INVISIBLE}]*TY[ \t]{{1,2}}-(?:[ \t]|$)")
# Non-RIS tags some vendors slip in (`PMID - 123` from PsycINFO, colrev's samples).
_LONG_TAG = re.compile(r"([A-Z][A-Z0-9]{2,3})[ \t]{1,2}-[ \t](.*)$")
_PMID_LINE = re.compile(r"(PMID)-[ \t](\d+)\s*$")
"""MEDLINE's record-start line, kept apart so glued PubMed records are seen."""
_SNIFF = re.compile(rf"(?:\A|[\r\n])[{_INVISIBLE}]*TY[ \t]{{1,2}}-(?=[ \t\r\n]|\Z)")
# Lines vendors put between records; kept out of a record that lacks its `ER`.
_BETWEEN = re.compile(
    r"\s*(?:\d+\.|<\s*\d+\.?\s*>|Record\s*#\s*\d+\s+of\s+\d+.*"
    r"|(?:Provider|Database|Content):.*|%.*)\s*$",
    re.IGNORECASE,
)
_LINK = re.compile(r"\s*Link to\b[^:]*:\s*(.*)$", re.IGNORECASE)
_URL_ONLY = re.compile(r"\s*(https?://\S+)\s*$", re.IGNORECASE)
_MAX_PROBLEMS = 200
"""Problems listed by line; a file that is not RIS at all could have millions."""


def _sniff(path: Path, head: str) -> bool:
    return _SNIFF.search(head) is not None


def _parse(doc: Document) -> Iterator[RecordDraft]:
    """Drafts as their records end, in one pass over the lines.

    The file is refused at the end (the ingest then rolls back what it took)
    when a tag stood outside any record or the records cut differ in number
    from the `TY` lines counted on the side. Once a problem is found no more
    drafts are built: the import is lost anyway, the lines are only checked.
    """
    tally = _Tally()
    problems: list[Problem] = []
    position = 0
    for cut in _cut(doc, tally, problems):
        position += 1
        _refuse_glued_medline(doc, cut)
        if not problems:
            yield to_draft(position, cut)
    if not tally.ty_lines:
        raise ImportFormatError(
            "no RIS record found (no `TY  -` line)",
            path=doc.path,
            hint="check that this is an RIS export, or name the format with --format",
        )
    if tally.orphans > len(problems):
        more = tally.orphans - len(problems)
        raise ImportFormatError(
            f"{tally.orphans} lines outside any record did not parse; nothing was imported",
            path=doc.path,
            problems=[*problems, Problem(f"… and {more} more such lines")],
            hint="fix or remove the lines listed, or export the file again",
        )
    refuse(doc, problems, "lines outside any record")
    check_count(doc, position, tally.ty_lines, "`TY  -` lines")


def _refuse_glued_medline(doc: Document, cut: Cut) -> None:
    """Refuse a record holding several MEDLINE records: a PubMed file read as
    RIS because of one stray `TY  -` line would otherwise import as one record."""
    pmids = sum(1 for tag, _ in cut.odd if tag == "PMID")
    if pmids > 1:
        raise ImportFormatError(
            f"the record starting here holds {pmids} `PMID-` lines: this looks like a "
            "PubMed (MEDLINE) export with a stray `TY  -` line; nothing was imported",
            path=doc.path,
            line=cut.line,
            hint="remove that `TY` line, or import with --format medline",
        )


_TITLE_TAGS = frozenset({"TI", "T1", "CT", "BT", "ST"})


def _header_tags(before: list[tuple[str, str, int]]) -> bool:
    """A few tags just above a `TY` that name no title: the record's own
    header lines, not a record that lost its `TY` (which would have a title)."""
    return len(before) <= 3 and not any(tag in _TITLE_TAGS for tag, _, _ in before)


def _orphans(before: list[tuple[str, str, int]], tally: _Tally, problems: list[Problem]) -> None:
    """Tag lines that belong to no record: a record lost its `TY`."""
    for tag, _, number in before:
        tally.orphans += 1
        if len(problems) < _MAX_PROBLEMS:
            problems.append(
                Problem(
                    f"`{tag}` line outside a record (is its `TY  -` line missing?)", line=number
                )
            )


def _refuse_cut(doc: Document, line: str, number: int, tag: str, *, closed: bool) -> None:
    """Refuse a file whose last record was clearly cut: it ends on a tag with
    no value, or in the middle of a word (no line break after the last letter).

    In a file that never writes `ER` (`closed` false) a last tag without a
    value may be how the exporter ends a record, so only the last line's
    letters tell there."""
    match = _TAG.match(line) if closed else None
    if match and not (match.group(2) or "").strip() and match.group(1) != "ER":
        raise ImportFormatError(
            f"the file ends on a `{match.group(1)}` line with no value: it was cut; "
            "nothing was imported",
            path=doc.path,
            line=number,
            hint=EXPORT_AGAIN,
        )
    refuse_cut_end(doc, line, number, tag, closed=closed)


class _Tally:
    """What `_cut` counted on the side, read once it is exhausted."""

    __slots__ = ("orphans", "ty_lines")

    def __init__(self) -> None:
        self.ty_lines = 0
        self.orphans = 0
        """Tag lines outside any record; the first `_MAX_PROBLEMS` are listed."""


def _cut(doc: Document, tally: _Tally, problems: list[Problem]) -> Iterator[Cut]:
    """Split the file into records at `TY` lines, keeping what lies between out.

    Untagged lines after a blank line, or lines that look like the headers
    vendors put between records, are held back: they join the record when a
    tag or its `ER` follows (a paragraph of a value), and are dropped as
    inter-record noise when the next `TY` or the end of the file comes first.
    A tag line outside any record means a record lost its `TY`: a problem.

    Records are yielded as they end, except that those ended by a `TY` before
    any `ER` was seen wait: in a file that never writes `ER` that is how every
    record ends, and none of them gets the missing-`ER` warning.
    """
    current: Cut | None = None
    fields: dict[str, list[str]] = {}
    """`current.fields`."""
    values: list[str] | None = None
    """The list in `fields` whose last item is the value being read."""
    more: list[str] | None = None
    """The lines of that value once it spans several lines."""
    held: list[str] = []
    in_link = False
    plain = False
    """Inside a record with nothing held, continued or linked: the next
    `XY  - value` line only adds a value."""
    waiting: list[Cut] | None = []
    """Records cut before the first `ER`; None once an `ER` was seen."""
    expected = number = 0
    line = tag = ""
    before: list[tuple[str, str, int]] = []
    """Tag lines with values seen outside any record: (tag, value, line)."""
    for line in doc.lines():
        number += 1
        # Most lines: two slice tests, a set look-up and an append. None of
        # them can be a `TY` line, so the count below misses nothing.
        if plain and line[2:6] == "  - " and (tag := line[:2]) in _INNER_TAGS:
            values = fields.get(tag)
            if values is None:
                values = fields[tag] = [line[6:].strip()]
            else:
                values.append(line[6:].strip())
            continue
        first = line[:1]
        if first in _TY_START and _TY.match(line):  # counted apart from the cutting
            expected += 1
        if line[2:6] == "  - " and (tag := line[:2]) in _TAGS:
            value = line[6:].strip()
        elif (line[2:3] in _GAP or first in _INVISIBLE) and (match := _TAG.match(line)):
            tag, value = match.group(1), (match.group(2) or "").strip()
        else:
            if current is None:
                continue
            text = line.strip()
            if not text:
                if values is not None:
                    held.append("")
                    plain = False
                continue
            link = _LINK.match(text)
            if link:
                in_link, plain = True, False
                if link.group(1):
                    current.links.append(link.group(1).strip())
                continue
            if in_link and _URL_ONLY.match(text):
                current.links.append(text)
                continue
            in_link = False
            odd = _LONG_TAG.match(text) or _PMID_LINE.match(text)
            if odd and not line[0].isspace():
                current.odd.append((odd.group(1), odd.group(2).strip()))
            elif values is None:
                current.odd.append(("untagged", text))  # between `TY` and the first tag
            elif held or _BETWEEN.match(text):
                held.append(text)
            elif more is None:
                more = [values[-1], text]
            else:
                more.append(text)
            plain = not held and more is None
            continue
        if held or more is not None:  # only ever set inside a record
            if held:
                if tag == "TY":  # the record lacks its `ER`: what was held is noise
                    current.skipped = sum(1 for text in held if text)  # type: ignore[union-attr]
                else:
                    if more is None:
                        more = [values[-1]]  # type: ignore[index]
                    more.extend(held)
                held = []
            if more is not None:
                values[-1] = "\n".join(more)  # type: ignore[index]
                more = None
        in_link = False
        if tag == "TY":
            # Tags written just above their `TY` (Ovid's `VN  -`) join it.
            if before and not _header_tags(before):
                _orphans(before, tally, problems)
                before = []
            if current is not None:
                current.unended = number
                if waiting is None:
                    yield current
                else:
                    waiting.append(current)
            current = Cut(number, value)
            fields, values, plain = current.fields, None, True
            for early, text, _ in before:
                fields.setdefault(early, []).append(text)
            before = []
        elif current is None:
            if tag == "ER":
                _orphans(before, tally, problems)
                before = []
            elif value:
                before.append((tag, value, number))
            # else: a tag without a value between records (Ovid's `NL  - `)
            # is a separator and holds nothing to lose.
        elif tag == "ER":
            if waiting:
                yield from waiting
            waiting = None
            yield current
            current, values, plain = None, None, False
        else:
            values = fields.get(tag)
            if values is None:
                values = fields[tag] = [value]
            else:
                values.append(value)
            plain = True
    if current is not None:
        if more is not None and values is not None:
            values[-1] = "\n".join(more)
        # The file ends its records with `ER` but not this one, or never
        # writes `ER`: either way a cut at the end cannot be ruled out.
        _refuse_cut(doc, line, number, tag, closed=waiting is None)
        current.incomplete = True
        if waiting is not None:
            waiting.append(current)
        else:
            yield current
    _orphans(before, tally, problems)
    if waiting:  # a file that never writes `ER`: records end at the next `TY`
        for cut in waiting:
            cut.unended = None
        yield from waiting
    tally.ty_lines = expected


FORMATS = [Format("ris", "RIS (any vendor)", _sniff, _parse)]
