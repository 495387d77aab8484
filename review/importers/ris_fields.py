"""RIS tags to record fields, vendor by vendor: which tag wins, where DOIs,
PMIDs and accession numbers hide, and what is kept in `extra`."""

from __future__ import annotations

import re
from collections.abc import Iterable

from rispy.config import TYPE_OF_REFERENCE_MAPPING

from review.importers.tagged_values import (
    document_type,
    doi_in,
    first_line,
    issn,
    keep,
    marked_pmid,
    one_line,
    pages,
    paragraphs,
    pmid_in_url,
    registry_id,
    scopus_eid,
    split_values,
    unique_items,
    urls,
    year,
)
from review.models import INCOMPLETE_FILE, RecordDraft

# Tags that hold one value; a second, different value is kept in `extra` and
# warned about rather than dropped as rispy would.
_SINGLE = ("TI", "T1", "PY", "Y1", "DO", "VL", "IS", "SP", "EP", "AN", "LA", "ID")
_SINGLE_SET = frozenset(_SINGLE)
_TITLE = ("TI", "T1", "CT", "ST")
_JOURNAL = ("JF", "T2", "JO", "JA", "J2", "J1")
_ABSTRACT = ("AB", "N2")
_YEAR = ("PY", "Y1", "DA")
_DOI_ELSEWHERE = ("UR", "L3", "L2", "L1", "L4", "M3", "N1")
_PMID_FIELDS = ("AN", "ID", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8")
_VENDOR_PLACES = (("AN", ("medline", "pubmed")), ("C2", ("scopus",)), ("C5", ("embase",)))
_REGISTRY_FIELDS = ("AN", "ID", "UR", "C1", "C2", "C3", "C4", "C5", "C6", "C7", "C8")
# Tags read into draft fields, and `LK` (Embase's link-resolver URL: no information).
_CONSUMED = frozenset(
    {"TY", "AU", "A1", "AB", "N2", "VL", "VO", "IS", "SP", "EP", "DO", "LA", "KW", "UR", "SN"}
    | {"PY", "LK", *_TITLE, *_JOURNAL}
)

# RIS type codes whose rispy names are not what a reviewer would call them.
_TYPE_WORDS = {
    "JOUR": "journal article",
    "EJOUR": "journal article",
    "INPR": "journal article",
    "MGZN": "magazine article",
    "ABST": "abstract",
    "CONF": "conference proceedings",
    "CPAPER": "conference paper",
    "CHAP": "book chapter",
    "ECHAP": "book chapter",
    "BOOK": "book",
    "EBOOK": "book",
    "EDBOOK": "book",
    "ELEC": "web page",
    "BLOG": "web page",
    "ICOMM": "web page",
    "THES": "thesis",
    "RPRT": "report",
    "DATA": "dataset",
    "GEN": "",
}


class Cut:
    """One record as cut from the file: its tags' values, in file order."""

    __slots__ = ("fields", "incomplete", "line", "links", "odd", "skipped", "type", "unended")

    def __init__(self, line: int, type_: str) -> None:
        self.line = line
        self.type = type_
        self.fields: dict[str, list[str]] = {}
        """Each tag's values in file order; a value's continuation lines joined by newlines."""
        self.odd: list[tuple[str, str]] = []
        self.links: list[str] = []
        self.unended: int | None = None
        """Line of the next `TY` when this record had no `ER` before it."""
        self.skipped = 0
        self.incomplete = False
        """The last record of the file, and it has no `ER`: the file may have been cut."""


def to_draft(position: int, cut: Cut) -> RecordDraft:
    """One record in reviewers' terms from its values under their RIS tags.

    Every value is either used, kept in `extra`, or dropped as a repeat of
    what the draft already holds; repeats that disagree are warned about.
    Runs once per record of files with 100k records: each tag is looked up
    once and cleaned only where it is used.
    """
    fields = cut.fields
    for tag, value in cut.odd:
        fields.setdefault(tag, []).append(value)
    draft = RecordDraft(position, cut.line)
    if cut.unended is not None:
        skipped = f"; {cut.skipped} untagged lines before it were skipped" if cut.skipped else ""
        draft.warn(
            "missing_end",
            f"no `ER` line: the record was ended where the next `TY` begins "
            f"(line {cut.unended}){skipped}",
            "ER",
        )
    if cut.incomplete:
        draft.warn(INCOMPLETE_FILE, "the last record has no ER: the file may be incomplete", "ER")
    extra = draft.extra
    used: set[str] = set()
    repeated = [tag for tag in _SINGLE_SET.intersection(fields) if len(fields[tag]) > 1]
    if repeated:
        for tag in _SINGLE:
            if tag in repeated:
                _check_single(draft, fields[tag], tag)

    get = fields.get
    draft.title = _pick(fields, _TITLE, extra)
    draft.journal = _pick(fields, _JOURNAL, extra)
    found = get("AB")
    if found and len(found) == 1 and "N2" not in fields:  # the usual single abstract
        text = paragraphs(found[0])
        if _COPYRIGHT.match(text):
            extra["copyright"] = text
        else:
            draft.abstract = text or None
    elif found or "N2" in fields:
        draft.abstract = _abstract(draft, found, get("N2"))
    found = get("AU")
    if "A1" in fields:
        found = (found or []) + fields["A1"]
    if found:
        draft.authors = unique_items(found)
    draft.year = _year(draft, fields)
    if "VL" in fields:
        draft.volume = first_line(fields["VL"])
    if draft.volume is None and "VO" in fields:
        draft.volume = first_line(fields["VO"])
    if "IS" in fields:
        draft.issue = first_line(fields["IS"])
    if "SP" in fields or "EP" in fields:
        draft.pages = pages(first_line(get("SP")), first_line(get("EP")))
    if "LA" in fields:
        draft.language = first_line(fields["LA"])
    if "KW" in fields:
        draft.keywords = unique_items(fields["KW"], ";")
    links = cut.links
    found = urls(fields["UR"]) if "UR" in fields else []
    if found:
        draft.url = found[0]
        if len(found) > 1:
            extra["UR"] = "\n".join(found)
    else:
        draft.url = next(iter(urls(get("L2", ())) + links), None)
    if links:
        extra["links"] = "\n".join(links)
    if "SN" in fields:
        issns = split_values(fields["SN"])
        draft.issn = issn(issns)
        if issns and (len(issns) > 1 or draft.issn is None):
            extra["SN"] = "\n".join(issns)
    draft.doi = _doi(draft, fields, links)
    draft.pmid = _pmid(fields, links, used)
    draft.registry_id = registry_id(_values(fields, _REGISTRY_FIELDS))
    draft.source_id = _source_id(fields, used)
    draft.record_type = _record_type(cut.type, fields, used)
    rest = [tag for tag in fields if tag not in _CONSUMED and tag not in used and tag not in extra]
    if rest:
        _keep_rest(draft, fields, rest)
    return draft


def _keep_rest(draft: RecordDraft, fields: dict[str, list[str]], tags: list[str]) -> None:
    """The unmapped tags into `extra`, without values that only repeat what the
    draft already holds (`Y1  - 2024//`, a DOI link beside `DO`, the URL again)."""
    year_text, url = str(draft.year), draft.url
    known = (year_text, url)
    title = (draft.title or "").casefold()
    doi = draft.doi
    most = len(doi) + 30 if doi else 0
    extra = draft.extra
    for tag in tags:
        values = []
        for value in fields[tag]:
            if len(value) <= 300 and _may_repeat(value, year_text, url, title):
                text = one_line(value).rstrip("/")
                # casefold() never shortens: a longer text cannot be the title.
                if text in known or (len(text) <= len(title) and text.casefold() == title):
                    continue
                if len(text) < most and "10." in text and doi_in(text) == doi:
                    continue
            values.append(value)
        keep(extra, tag, values)


def _may_repeat(value: str, year_text: str, url: str | None, title: str) -> bool:
    """Cheap tests a repeat passes: it holds the year, the URL or "10.", or it
    starts as the title does (values start with no blank but after an empty
    first line, and casefold() makes one character three at most)."""
    if "10." in value or year_text in value or (url and url in value) or not title:
        return True
    if 3 * len(value) < len(title):
        return False
    head = value[:1]
    return not head or head.isspace() or title.startswith(head.casefold())


def _values(fields: dict[str, list[str]], tags: Iterable[str]) -> list[str]:
    return [value for tag in tags if tag in fields for value in fields[tag]]


def _check_single(draft: RecordDraft, values: list[str], tag: str) -> None:
    """A repeated single-valued tag: the first value is used, all are kept."""
    values = [value for value in values if value.strip()]
    if len({one_line(value) for value in values}) > 1:
        draft.warn(
            "repeated_tag",
            f"`{tag}` appears {len(values)} times with different values; the first is "
            "used and all are kept in the record's extra fields",
            tag,
        )
        draft.extra[tag] = "\n".join(values)


def _pick(fields: dict[str, list[str]], tags: tuple[str, ...], extra: dict[str, str]) -> str | None:
    """The first non-empty value among alternative tags (TI/T1, JF/T2/JO …).

    The alternatives that say the same thing are used up; those that say
    something else (an abbreviated journal name) are kept in `extra`.
    """
    present = [(tag, fields[tag]) for tag in tags if tag in fields]
    if not present:
        return None
    if len(present) == 1 and len(present[0][1]) == 1:  # the usual case: nothing to keep
        return one_line(present[0][1][0]) or None
    chosen = next((text for _, values in present for v in values if (text := one_line(v))), None)
    folded = (chosen or "").casefold()
    for tag, values in present:
        if tag not in extra:
            keep(
                extra, tag, [v for v in values if v != chosen and one_line(v).casefold() != folded]
            )
    return chosen


_COPYRIGHT = re.compile(r"Copyright of .{1,300} is the property of ", re.IGNORECASE)


def _abstract(draft: RecordDraft, *tagged: list[str] | None) -> str | None:
    """AB and N2 both mean abstract; repeated or differing ones become paragraphs.

    EBSCO writes its copyright notice as a second `AB`; that one is kept in
    `extra` instead of being shown as part of the abstract.
    """
    parts: list[str] = []
    seen: set[str] = set()
    first = ""
    for tag, found in zip(_ABSTRACT, tagged, strict=True):
        if not found:
            continue
        values = []
        for value in found:
            text = paragraphs(value)
            if _COPYRIGHT.match(text):
                draft.extra["copyright"] = text
            elif text:
                values.append(text)
        if len(values) > 1:
            draft.warn(
                "repeated_tag",
                f"`{tag}` appears {len(values)} times; the values were joined as paragraphs",
                tag,
            )
        for text in values:
            if not parts:  # the usual single abstract is not compared with anything
                parts.append(text)
                first = text
                continue
            if not seen:
                seen.add(one_line(first).casefold())
            key = one_line(text).casefold()
            if any(key in other for other in seen):
                continue
            seen.add(key)
            parts.append(text)
    return "\n".join(parts) or None


def _year(draft: RecordDraft, fields: dict[str, list[str]]) -> int | None:
    for tag in _YEAR:
        value = first_line(fields.get(tag))
        if not value:
            continue
        found = year(value)
        if found is not None:
            return found
        draft.warn("bad_year", f"`{tag}` {value!r} holds no year", tag)
    return None


def _doi(draft: RecordDraft, fields: dict[str, list[str]], links: list[str]) -> str | None:
    for value in fields.get("DO", ()):
        if not value.strip():
            continue
        doi = doi_in(value)
        if doi:
            return doi
        draft.warn("bad_doi", f"`DO` {one_line(value)!r} is not a DOI", "DO")
    for value in _values(fields, _DOI_ELSEWHERE) + links:
        doi = doi_in(value)
        if doi:
            return doi
    return None


def _pmid(fields: dict[str, list[str]], links: list[str], used: set[str]) -> str | None:
    """A PMID only where the file says it is one: never a bare number guessed at.

    Marked ones (`PMID - 1`, `C3  - PUBMED 1`) first, then vendors' fixed
    places: Ovid MEDLINE's `AN`, Scopus' `C2`, Embase's `C5`, PubMed URLs.
    """
    for value in fields.get("PMID", ()):
        if value.strip().isdigit():
            used.add("PMID")
            return value.strip()
    marked = _values(fields, _PMID_FIELDS)
    # One search for all: no marker spans the NUL put between the values.
    if marked and (pmid := marked_pmid("\0".join(marked))):
        return pmid
    where = None
    for tag, vendors in _VENDOR_PLACES:
        number = first_line(fields.get(tag))
        if number and number.isdigit():
            if where is None:
                where = " ".join(_values(fields, ("DB", "DP", "UR", "U2"))).casefold()
            if any(vendor in where for vendor in vendors):
                used.add(tag)
                return number
    for value in fields.get("UR", []) + links:
        pmid = pmid_in_url(value)
        if pmid:
            return pmid
    return None


_EBSCO_ACCESSION = re.compile(r"^Accession Number:\s*([^;\s]+)")


def _source_id(fields: dict[str, list[str]], used: set[str]) -> str | None:
    for tag in ("AN", "ID"):
        value = first_line(fields.get(tag))
        if value:
            used.add(tag)
            return value
    embase = first_line(fields.get("U2"))
    if embase and re.fullmatch(r"L\d+", embase):
        used.add("U2")
        return embase
    for value in fields.get("UR", ()):
        eid = scopus_eid(value)
        if eid:
            return eid
    for value in fields.get("N1", ()):
        match = _EBSCO_ACCESSION.match(value)
        if match:
            return match.group(1)
    return None


def _record_type(type_code: str, fields: dict[str, list[str]], used: set[str]) -> str | None:
    """Vendors' own document type (Embase/Scopus/CENTRAL `M3`) beats the RIS type."""
    for value in fields.get("M3", ()):
        words = document_type(value)
        if words:
            used.add("M3")
            return words
    code = type_code.strip()
    upper = code.upper()
    if upper in _TYPE_WORDS:
        return _TYPE_WORDS[upper] or None
    if upper in TYPE_OF_REFERENCE_MAPPING:
        return str(TYPE_OF_REFERENCE_MAPPING[upper]).lower()
    return document_type(code) or (code.lower() if 0 < len(code) <= 40 else None)
