"""Web of Science plain text ("FN … VR 1.0 … PT J … ER … EF"), the tagged export of WoS."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from review.errors import Problem
from review.importers.base import Document, Format, check_count, clean_doi, parse_year, refuse
from review.importers.cut_end import LastLine, refuse_cut_end
from review.models import INCOMPLETE_FILE, RecordDraft

_TAG = re.compile(r"([A-Z][A-Z0-9])(?: |$)")
_SNIFF_PT = re.compile(r"PT [A-Z]\s*$", re.MULTILINE)
_SNIFF_ER = re.compile(r"^ER\s*$", re.MULTILINE)
_ISSN = re.compile(r"\b(\d{4}-\d{3}[\dXx])\b")
_HEADER = frozenset({"FN", "VR"})
# Tags whose continuation lines are separate values (one author, one cited
# reference, one address per line); other tags wrap text over lines.
_PER_LINE = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "BE", "CR", "C1", "C3", "RP"})
_SINGLE = ("TI", "SO", "PY", "VL", "IS", "BP", "EP", "AR", "AB", "DI", "UT", "PM", "DT", "SN")
_EXTRA = ("JI", "PD", "EA", "SE", "CT", "CY", "CL")
_DOC_TYPES: dict[str, str] = {
    "meeting abstract": "conference abstract",
    "proceedings paper": "conference paper",
    "review": "review",
    "editorial material": "editorial",
    "letter": "letter",
    "correction": "correction",
    "book review": "book review",
    "book chapter": "book chapter",
    "book": "book",
    "news item": "news",
    "retracted publication": "retracted article",
    "retraction": "retraction",
    "data paper": "data paper",
    "article": "journal article",
}
_PUB_TYPES = {
    "J": "journal article",
    "B": "book",
    "S": "book series",
    "C": "conference paper",
    "P": "patent",
}


class _Record:
    """Fields in file order: `tags[i]` holds `values[i]`, its continuation
    lines joined by "\n" (strings, not lists: less for the GC to walk)."""

    __slots__ = ("cut", "line", "missing_end", "tags", "unindented", "values")

    def __init__(self, line: int) -> None:
        self.line = line
        self.tags: list[str] = []
        self.values: list[str] = []
        self.missing_end = False
        self.cut = False
        """The file ended inside this record (no ER, no EF): it may have been cut."""
        self.unindented = False


def _sniff(path: Path, head: str) -> bool:
    start = head.lstrip("\ufeff \t\r\n")
    if start.startswith("FN ") and re.search(r"^(?:VR|PT) ", start, re.MULTILINE):
        return True
    # Without the FN/VR header (a file cut by hand): PT + ER lines.
    return start.startswith("PT ") and bool(_SNIFF_PT.match(start) and _SNIFF_ER.search(start))


def _records(
    lines: Iterable[str], problems: list[Problem], seen: Counter[str]
) -> Iterator[_Record]:
    """Yield each record once it ends (at ER, or at the next PT or EF when
    ER is missing). `seen["PT"]` counts PT lines apart from the grouping."""
    current: _Record | None = None
    orphan = False  # inside a run of lines that belong to no record
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            continue
        indented = raw[0] in " \t"
        if indented and current is not None:
            current.values[-1] = f"{current.values[-1]}\n{line}"
            continue
        if raw.startswith("PT "):
            seen["PT"] += 1
        match = None if indented else _TAG.match(raw)
        if match is None:
            if current is not None:
                # Neither a tag nor indented: text of the field above, flagged.
                current.values[-1] = f"{current.values[-1]}\n{line}"
                current.unindented = True
            elif not orphan:
                problems.append(Problem("text outside a record (no PT line above it)", number))
                orphan = True
            continue
        tag, value = match.group(1), raw[match.end() :].strip()
        if tag == "PT":
            if current is not None:
                current.missing_end = True
                yield current
            current = _Record(number)
            orphan = False
        elif tag in ("ER", "EF"):
            if current is not None:
                current.missing_end = tag == "EF"
                yield current
            elif tag == "ER" and not orphan:
                problems.append(Problem("ER without a record (no PT line above it)", number))
            current = None
            orphan = False
            continue
        elif current is None:
            if tag not in _HEADER and not orphan:
                problems.append(Problem(f"{tag} field outside a record (missing PT line?)", number))
                orphan = True
            continue
        current.tags.append(tag)
        current.values.append(value)
    if current is not None:
        current.cut = True
        yield current


def _parse(doc: Document) -> list[RecordDraft]:
    problems: list[Problem] = []
    seen: Counter[str] = Counter()
    lines = LastLine(doc.lines())
    drafts: list[RecordDraft] = []
    last: _Record | None = None
    for position, last in enumerate(_records(lines, problems, seen), 1):
        drafts.append(_draft(last, position))
    if last is not None and last.cut:
        field = last.tags[-1] if last.tags else "PT"
        refuse_cut_end(doc, lines.text, lines.number, field, closed=True)
    refuse(doc, problems, "parts of the file", one="part of the file")
    check_count(doc, drafts, seen["PT"], "PT lines")
    return drafts


def _draft(record: _Record, position: int) -> RecordDraft:
    draft = RecordDraft(position=position, line=record.line)
    values: dict[str, list[str]] = {}
    for tag, value in zip(record.tags, record.values, strict=True):
        if tag in _PER_LINE:
            values.setdefault(tag, []).extend(p for p in value.split("\n") if p)
        elif value:
            values.setdefault(tag, []).append(value.replace("\n", " "))
    if record.unindented:
        draft.warn(
            "unindented_line",
            "a line without a tag or indent was read as the continuation of the field above",
        )
    if record.missing_end:
        draft.warn("missing_end", "the record has no ER line; it was ended at the next record")
    if record.cut:
        draft.warn(INCOMPLETE_FILE, "the last record has no ER: the file may be incomplete", "ER")
    for tag in _SINGLE:
        found = values.get(tag, [])
        if len(found) > 1:
            draft.warn(
                "repeated_tag",
                f"{tag} appears {len(found)} times; kept the first, dropped: "
                f"{' | '.join(found[1:])}",
                tag,
            )

    def first(tag: str) -> str | None:
        found = values.get(tag)
        return found[0] if found else None

    draft.source_id = first("UT")
    title = first("TI")
    draft.title = " ".join(title.split()) if title else None
    abstract = first("AB")
    draft.abstract = " ".join(abstract.split()) if abstract else None
    # AF holds full names ("Owen-Smith, Jason"); AU only initials.
    draft.authors = (
        values.get("AF") or values.get("AU") or values.get("BF") or values.get("BA") or []
    ) + values.get("CA", [])
    draft.journal = first("SO")
    draft.volume = first("VL")
    draft.issue = first("IS")
    start, end, article = first("BP"), first("EP"), first("AR")
    draft.pages = f"{start}-{end}" if start and end else start or article
    if article and start:
        draft.extra["AR"] = article
    year = first("PY")
    draft.year = parse_year(year) or parse_year(first("EA"))
    if year and parse_year(year) is None:
        draft.warn("bad_year", f"no year in PY {year!r}", "PY")
    draft.doi = clean_doi(first("DI")) or clean_doi(first("D2"))
    pmid = first("PM")
    if pmid and pmid.isdigit():
        draft.pmid = pmid
    elif pmid:
        draft.warn("bad_pmid", f"PM {pmid!r} is not a number", "PM")
    draft.record_type = _record_type(first("DT"), first("PT"))
    draft.language = first("LA")
    draft.keywords = [
        keyword.strip()
        for tag in ("DE", "ID")
        for value in values.get(tag, [])
        for keyword in value.split(";")
        if keyword.strip()
    ]
    for tag in ("SN", "EI"):
        match = _ISSN.search(first(tag) or "")
        if match:
            draft.issn = match.group(1).upper()
            break
    if draft.issn and first("SN") and first("EI"):
        draft.extra["EI"] = first("EI") or ""
    for tag in _EXTRA:
        if tag in values:
            draft.extra[tag] = "; ".join(values[tag])
    return draft


def _record_type(document_type: str | None, publication_type: str | None) -> str | None:
    """DT may list several ("Article; Proceedings Paper"): the first that says
    more than "journal article" wins; PT (J, B, S, C, P) is the fallback."""
    mapped: list[str] = []
    for part in (document_type or "").split(";"):
        name = part.strip().lower()
        if name and name != "early access":
            mapped.append(_DOC_TYPES.get(name, name))
    for name in mapped:
        if name != "journal article":
            return name
    if mapped:
        return mapped[0]
    return _PUB_TYPES.get((publication_type or "").strip().upper())


FORMATS: list[Format] = [Format("wos", "Web of Science plain text", _sniff, _parse)]
