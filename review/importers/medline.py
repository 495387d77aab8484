"""PubMed MEDLINE text (.nbib / .txt): the `PMID- ` tagged export of PubMed, PMC and ERIC."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from pathlib import Path

from review.errors import Problem
from review.importers.base import Document, Format, check_count, clean_doi, parse_year, refuse
from review.importers.cut_end import LastLine, refuse_cut_end
from review.models import RecordDraft

# A tag is 2–4 capitals/digits padded to four columns, then "- ". Requiring a
# space (or the end of the line) after the dash keeps an unindented word such
# as "US-based" from being read as a tag; ERIC writes "ISSN - ", so the padding
# is not fixed.
_TAG = re.compile(r"([A-Z][A-Z0-9]{1,3}) *-(?: |$)")
_PMID_LINE = re.compile(r"PMID *-")
_FIRST_LINE = re.compile(r"(?:PMID|PMC|OWN) *- ")
_BRACKETED = re.compile(r"^(.*?)\s*\[([a-z-]+)\]$")
_ISSN = re.compile(r"\b(\d{4}-\d{3}[\dXx])\b")

# Tags that open a record: seeing one of these again means the blank line
# between two records is missing, so a new record starts there.
_STARTS = ("PMID", "PMC")
_SINGLE = ("TI", "TT", "AB", "DP", "VI", "IP", "PG", "JT", "TA")
_EXTRA = ("TA", "PMC", "OID", "OAB", "DEP", "PL")

# PubMed publication types, most telling first: a record typed both
# "Journal Article" and "Randomized Controlled Trial" is shown as the latter.
_PUBLICATION_TYPES: dict[str, str] = {
    "systematic review": "systematic review",
    "meta-analysis": "meta-analysis",
    "randomized controlled trial": "randomized controlled trial",
    "clinical trial protocol": "trial protocol",
    "clinical trial": "clinical trial",
    "controlled clinical trial": "clinical trial",
    "pragmatic clinical trial": "clinical trial",
    "equivalence trial": "clinical trial",
    "congress": "conference abstract",
    "meeting abstract": "conference abstract",
    "preprint": "preprint",
    "practice guideline": "guideline",
    "guideline": "guideline",
    "review": "review",
    "case reports": "case report",
    "observational study": "observational study",
    "published erratum": "erratum",
    "retraction of publication": "retraction",
    "retracted publication": "retracted article",
    "letter": "letter",
    "editorial": "editorial",
    "comment": "comment",
    "news": "news",
    "dataset": "dataset",
    "book": "book",
    "journal article": "journal article",
    "journal articles": "journal article",  # ERIC
}
_RANK = {name: rank for rank, name in enumerate(_PUBLICATION_TYPES)}
_LABELS = list(_PUBLICATION_TYPES.values())

# Databases of trial registers as PubMed names them in SI / DataBankName.
_REGISTERS = frozenset(
    name.lower()
    for name in (
        "ClinicalTrials.gov",
        "ISRCTN",
        "ANZCTR",
        "ChiCTR",
        "CTRI",
        "DRKS",
        "EudraCT",
        "JPRN",
        "NTR",
        "PACTR",
        "ReBec",
        "RPCEC",
        "SLCTR",
        "TCTR",
        "IRCT",
        "CRiS",
        "ACTRN",
    )
)


def publication_type(values: list[str]) -> str | None:
    """The most informative of a record's publication types, in short words.

    Also used by the PubMed XML parser, which carries the same vocabulary.
    """
    if not values:
        return None
    known = [v.strip().lower() for v in values]
    ranked = [
        _RANK[v] if v in _RANK else _RANK["clinical trial"]
        for v in known
        if v in _RANK or v.startswith("clinical trial, phase")
    ]
    if ranked:
        return _LABELS[min(ranked)]
    return known[0] or None


def registry_id(pairs: list[tuple[str, str]]) -> str | None:
    """The trial registration number among (database, accession) pairs; NCT first."""
    found = [acc.strip() for db, acc in pairs if db.strip().lower() in _REGISTERS and acc.strip()]
    for acc in found:
        if acc.upper().startswith("NCT"):
            return acc.upper()
    return found[0] if found else None


class _Block:
    """The fields of one record in file order: `tags[i]` holds `values[i]`.

    Values are plain strings, continuation lines appended with a space, so a
    100,000-record file does not create millions of small lists for the
    garbage collector to walk.
    """

    __slots__ = ("line", "tags", "unindented", "values")

    def __init__(self, line: int) -> None:
        self.line = line
        self.tags: list[str] = []
        self.values: list[str] = []
        self.unindented = 0
        """Lines read as continuations although neither tagged nor indented."""


def _sniff(path: Path, head: str) -> bool:
    start = head.lstrip("\ufeff \t\r\n")
    if _FIRST_LINE.match(start):
        return True
    # A .nbib that opens with another tag: only the extension tips it, and only
    # when nothing says RIS (whose "TY  - " has the same shape).
    return path.suffix.lower() == ".nbib" and _TAG.match(start) is not None and "TY  - " not in head


def _blocks(lines: Iterable[str], problems: list[Problem], seen: Counter[str]) -> Iterator[_Block]:
    """Group lines into records, yielding each as soon as it is complete.

    Blank lines separate records, and a second PMID (or PMC) inside one
    group starts a new record rather than gluing two. `seen["PMID"]` counts
    the PMID- lines themselves, apart from any grouping: the check on it.
    """
    current: _Block | None = None
    started = False
    for number, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line:
            if current is not None:
                yield current
            current = None
            continue
        indented = raw[0] in " \t"
        if indented and current is not None:
            # Continuation (PubMed indents six spaces).
            current.values[-1] = f"{current.values[-1]} {line}"
            continue
        if raw.startswith("PMID") and _PMID_LINE.match(raw):
            seen["PMID"] += 1
        match = None if indented else _TAG.match(raw)
        if match:
            tag = match.group(1)
            if current is not None and tag in _STARTS and tag in current.tags:
                yield current
                current = None
            if current is None:
                current = _Block(number)
                started = True
            current.tags.append(tag)
            current.values.append(raw[match.end() :].strip())
        elif current is not None:
            # Not a tag and not indented: still text of the field above, but
            # worth a word to the user.
            current.values[-1] = f"{current.values[-1]} {line}"
            current.unindented += 1
        elif started:
            problems.append(
                Problem(
                    "text outside a record (not a MEDLINE tag or continuation line)",
                    line=number,
                )
            )
        # Text before the first record is a preamble (e.g. a search summary).
    if current is not None:
        yield current


def _parse(doc: Document) -> list[RecordDraft]:
    problems: list[Problem] = []
    seen: Counter[str] = Counter()
    records: list[RecordDraft] = []
    without_id: list[int] = []
    with_pmid = 0
    opener = ""
    lines = LastLine(doc.lines())
    block: _Block | None = None
    for block in _blocks(lines, problems, seen):
        if "PMID" in block.tags:
            with_pmid += 1
            pmid = block.values[block.tags.index("PMID")]
            if not pmid.isdigit():
                problems.append(Problem(f"PMID- line without a PubMed ID ({pmid!r})", block.line))
        # A group with neither ID, or opening with another tag than the
        # file's first record (PMID in PubMed, PMC in PMC exports), is the
        # tail of a record cut by a blank line.
        opener = opener or block.tags[0]
        if block.tags[0] != opener or not {"PMID", "PMC"} & set(block.tags):
            without_id.append(block.line)
        if block.unindented > len(block.tags):
            problems.append(
                Problem(
                    f"{block.unindented} lines in this record are neither tagged nor indented: "
                    "the file is not MEDLINE text, or another file was pasted into it",
                    line=block.line,
                )
            )
        records.append(_draft(block, len(records) + 1))
    if block is not None:  # MEDLINE has no end tag: only the last line shows a cut
        refuse_cut_end(doc, lines.text, lines.number, block.tags[-1], closed=False)
    if seen["PMID"]:
        # In a PubMed file a group with neither PMID nor PMC is a fragment;
        # ERIC and other MEDLINE-style files carry no PMIDs at all.
        message = "record without a PMID in a PubMed file (a blank line inside a record?)"
        problems += [Problem(message, line=line) for line in without_id]
    refuse(doc, problems, "parts of the file", one="part of the file")
    # Each PMID- line must have opened exactly one record.
    check_count(doc, with_pmid, seen["PMID"], "PMID- lines")
    return records


def _draft(block: _Block, position: int) -> RecordDraft:
    draft = RecordDraft(position=position, line=block.line)
    values: dict[str, list[str]] = {}
    authors: list[str] = []
    pending_full = False
    for tag, value in zip(block.tags, block.values, strict=True):
        # FAU ("Family, Given") is followed by its AU ("Family GI"): keep the
        # full form, but keep an AU that has no FAU (records before 2002).
        if tag == "FAU":
            if value:
                authors.append(value)
            pending_full = True
            continue
        if tag == "AU":
            if not pending_full and value:
                authors.append(value)
            pending_full = False
            continue
        if tag == "CN" and value:
            authors.append(value)
        if value:
            values.setdefault(tag, []).append(value)
    draft.authors = authors
    if block.unindented:
        draft.warn(
            "unindented_line",
            "a line without a tag or indent was read as the continuation of the field above",
        )
    for tag in _SINGLE:
        found = values.get(tag, [])
        if len(found) > 1:
            if tag == "AB":
                values[tag] = ["\n".join(found)]
                draft.warn("repeated_tag", "several AB fields were joined as paragraphs", "AB")
            else:
                draft.warn(
                    "repeated_tag",
                    f"{tag} appears {len(found)} times; kept the first, "
                    f"dropped: {' | '.join(found[1:])}",
                    tag,
                )

    def first(tag: str) -> str | None:
        found = values.get(tag)
        return found[0] if found else None

    pmid = first("PMID")
    if pmid is not None:
        if pmid.isdigit():
            draft.pmid = pmid
        else:
            draft.warn("bad_pmid", f"PMID {pmid!r} is not a number", "PMID")
    draft.source_id = pmid or first("PMC") or first("OID")
    title = first("TI")
    draft.title = " ".join(title.split()) if title else None
    vernacular = first("TT")
    draft.vernacular_title = " ".join(vernacular.split()) if vernacular else None
    abstract = first("AB")
    if abstract:
        draft.abstract = "\n".join(" ".join(p.split()) for p in abstract.split("\n")) or None
    date = first("DP")
    if date:
        draft.year = parse_year(date)
        if draft.year is None:
            draft.warn("bad_year", f"no year in DP {date!r}", "DP")
    # JT, the full journal title, rather than TA (the NLM abbreviation): it is
    # what screeners read and what Embase, Scopus and WoS exports carry, so
    # duplicates across databases compare journal to journal. TA goes to extra.
    draft.journal = first("JT") or first("TA") or first("SO")
    draft.volume = first("VI")
    draft.issue = first("IP")
    draft.pages = first("PG")
    _identifiers(draft, values.get("LID", []) + values.get("AID", []))
    draft.record_type = publication_type(values.get("PT", []))
    if values.get("PT"):
        draft.extra["PT"] = "; ".join(values["PT"])
    languages = values.get("LA", [])
    draft.language = "; ".join(languages) if languages else None
    draft.keywords = values.get("MH", []) + values.get("OT", [])
    for issn in values.get("IS", []) + values.get("ISSN", []):
        match = _ISSN.search(issn)
        if match:
            draft.issn = match.group(1).upper()
            break
    secondary = values.get("SI", [])
    if secondary:
        pairs = [(db, acc) for db, _, acc in (v.partition("/") for v in secondary) if acc]
        draft.registry_id = registry_id(pairs)
        draft.extra["SI"] = "; ".join(secondary)
    for tag in _EXTRA:
        if tag in values:
            draft.extra[tag] = "; ".join(values[tag])
    return draft


def _identifiers(draft: RecordDraft, ids: list[str]) -> None:
    """LID / AID values: "10.1/x [doi]", "S0140-6736(19)1-1 [pii]", or an ERIC URL."""
    piis: list[str] = []
    loose_doi = None
    for value in ids:
        match = _BRACKETED.match(value)
        if match:
            ident, kind = match.groups()
            if kind == "doi" and draft.doi is None:
                draft.doi = clean_doi(ident)
            elif kind == "pii" and ident not in piis:
                piis.append(ident)
            continue
        doi = clean_doi(value) if "10." in value else None
        if doi:
            loose_doi = loose_doi or doi
        elif value.startswith(("http://", "https://")) and draft.url is None:
            draft.url = value
    draft.doi = draft.doi or loose_doi
    if piis:
        draft.extra["pii"] = "; ".join(piis)


FORMATS: list[Format] = [Format("medline", "PubMed MEDLINE (.nbib/.txt)", _sniff, _parse)]
