"""BibTeX and biblatex files from any exporter, split by bibtexparser 2.

bibtexparser only splits the file into blocks; everything it leaves to
middleware we do here, because its stock middleware misses real-world traps:
`#` concatenation is not resolved at all, an unescaped `%` in an abstract
makes the LaTeX decoder drop the rest of the line, and crossref children do
not inherit their parent's year or book title. Every block bibtexparser could
not parse, and every entry of a type no BibTeX style knows, refuses the file
with its line number; entries are also counted independently by their
`@type{` lines.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
    String,
)

from review.errors import ImportFormatError, Problem
from review.importers import columns
from review.importers.base import (
    Document,
    Format,
    check_count,
    clean_doi,
    find_doi,
    parse_year,
    refuse,
)
from review.importers.bibtex_values import (
    authors,
    keywords,
    latex,
    one_line,
    paragraphs,
    plain,
)
from review.models import RecordDraft

# bibtexparser reports problems through `logging`; without a handler Python
# prints them on stderr, which would scribble over the TUI. We report the
# same problems ourselves, with line numbers.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_START = re.compile(r"^[ \t]*@[ \t]*([A-Za-z_]\w*)[ \t]*[{(]", re.MULTILINE)
_SNIFF = re.compile(
    r"^[ \t]*@(?:article|book|inbook|incollection|inproceedings|conference|misc|"
    r"phdthesis|mastersthesis|techreport|unpublished|online|report|thesis|"
    r"proceedings|collection|manual|booklet|string|preamble|comment)[ \t]*[{(]",
    re.MULTILINE | re.IGNORECASE,
)
_ISSN = re.compile(r"\b\d{4}-?\d{3}[\dXx]\b")
_URL_MACRO = re.compile(r"\\url\{([^}]*)\}")

# Blocks that are not bibliographic records: never counted, never imported.
# A biblatex @set only groups other entries; @xdata holds shared fields.
_NOT_RECORDS = frozenset({"comment", "preamble", "string", "set", "xdata"})

# Every entry type of BibTeX, biblatex and the common exporters (JabRef,
# Zotero, Mendeley, EndNote, Scopus, WoS, ACM, IEEE), as short human words.
_TYPES: dict[str, str | None] = {
    "article": "journal article",
    "inproceedings": "conference paper",
    "conference": "conference paper",
    "proceedings": "conference proceedings",
    "mvproceedings": "conference proceedings",
    "book": "book",
    "mvbook": "book",
    "booklet": "book",
    "collection": "book",
    "mvcollection": "book",
    "periodical": "journal issue",
    "inbook": "book chapter",
    "incollection": "book chapter",
    "bookinbook": "book chapter",
    "suppbook": "book chapter",
    "suppcollection": "book chapter",
    "suppperiodical": "journal article",
    "phdthesis": "thesis",
    "mastersthesis": "thesis",
    "thesis": "thesis",
    "techreport": "report",
    "report": "report",
    "manual": "manual",
    "unpublished": "unpublished work",
    "online": "web page",
    "electronic": "web page",
    "www": "web page",
    "webpage": "web page",
    "patent": "patent",
    "dataset": "dataset",
    "data": "dataset",
    "software": "software",
    "preprint": "preprint",
    "reference": "reference work",
    "mvreference": "reference work",
    "inreference": "reference entry",
    "standard": "standard",
    "review": "review",
    "letter": "letter",
    "commentary": "commentary",
    "jurisdiction": "legal document",
    "legislation": "legal document",
    "legal": "legal document",
    "artwork": "media",
    "audio": "media",
    "image": "media",
    "movie": "media",
    "music": "media",
    "performance": "media",
    "video": "media",
    "misc": None,
}

# BibTeX's predefined month macros: `month = jan`.
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")  # fmt: skip
_MONTHS = {name[:3].lower(): name for name in _MONTH_NAMES}

# Fields a crossref child takes from its parent when it has none of its own.
_INHERITED = ("year", "date", "publisher", "editor", "volume", "series", "address", "isbn")

_MAPPED = frozenset(
    {
        "title", "subtitle", "abstract", "author", "year", "date", "journal", "journaltitle",
        "booktitle", "volume", "number", "issue", "pages", "doi", "pmid", "url", "issn",
        "eissn", "keywords", "keyword", "author_keywords", "language", "langid",
        "document_type", "month",
    }
)  # fmt: skip
_NOISE = frozenset(
    {
        "file", "timestamp", "owner", "sortkey", "sortname", "sorttitle", "sortyear",
        "presort", "indextitle", "indexsorttitle", "label", "shorthand", "options",
        "langidopts", "bibsource", "biburl", "groups", "mendeley-groups", "mendeley-tags",
        "creationdate", "modificationdate", "__markedentry", "ranking", "readstatus",
        "printed", "qualityassured", "relevance", "date-added", "date-modified",
        "shorttitle", "urldate", "cited_by", "source",
    }
)  # fmt: skip


def _sniff(path: Path, head: str) -> bool:
    if _SNIFF.search(head):
        return True
    return path.suffix.lower() in {".bib", ".bibtex"} and _START.search(head) is not None


def _parse(doc: Document) -> list[RecordDraft]:
    text = doc.text
    if "\r" in text:  # bibtexparser counts lines by LF only
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    starts = _record_lines(text)
    try:
        library = bibtexparser.parse_string(text, parse_stack=[])
    except Exception as exc:  # its own bugs surface as ParserStateException & co
        raise ImportFormatError(
            f"bibtexparser could not split the file ({type(exc).__name__})",
            path=doc.path,
            hint="check the file is BibTeX; nothing was imported",
        ) from None

    strings = dict(_MONTHS)
    entries: list[tuple[Entry, bool]] = []  # (entry, its key repeats an earlier one)
    problems: list[Problem] = []
    for block in library.blocks:
        # A repeated key or field is not a syntax error: import the entry, warn.
        duplicate = isinstance(block, DuplicateBlockKeyBlock)
        if isinstance(block, (DuplicateBlockKeyBlock, DuplicateFieldKeyBlock)):
            inner = block.ignore_error_block
            block = inner if inner is not None else block
        if isinstance(block, String):
            strings[block.key.lower()] = _expand(block.value, strings)[0]
        elif isinstance(block, Entry):
            entries.append((block, duplicate))
        elif isinstance(block, ParsingFailedBlock):
            problems.append(Problem(_reason(block.error), line=_line(block.start_line)))

    raw: list[tuple[Entry, bool, dict[str, str], list[str]]] = []
    for entry, duplicate in entries:
        kind = entry.entry_type.lower()
        if kind in _NOT_RECORDS:
            continue
        if _line(entry.start_line) not in starts:
            problems.append(
                Problem(
                    f"@{entry.entry_type} found inside a line, not at its start",
                    line=_line(entry.start_line),
                    hint="a commented-out entry? delete it, or start it on its own line",
                )
            )
            continue
        if kind not in _TYPES:
            problems.append(
                Problem(
                    f"@{entry.entry_type} is not a BibTeX or biblatex entry type",
                    line=_line(entry.start_line),
                    hint="change it to @misc (or the right type) and import again",
                )
            )
            continue
        fields, notes = _fields(entry, strings)
        raw.append((entry, duplicate, fields, notes))
    refuse(doc, problems, "BibTeX blocks")

    by_key = {entry.key.lower(): fields for entry, _, fields, _ in raw}
    records: list[RecordDraft] = []
    for entry, duplicate, fields, notes in raw:
        draft = RecordDraft(position=len(records) + 1, line=_line(entry.start_line))
        for note in notes:
            draft.warn("unresolved_macro", note)
        _inherit(draft, fields, by_key)
        _fill(draft, entry.entry_type.lower(), fields)
        draft.source_id = None if duplicate else entry.key or None
        if duplicate:
            draft.warn("duplicate_key", f"the key {entry.key!r} was used by an earlier entry")
        records.append(draft)
    check_count(doc, records, len(starts), "BibTeX entries")
    return records


def _record_lines(text: str) -> set[int]:
    """Lines that open an entry (`@type{` at a line start): the independent count."""
    lines: set[int] = set()
    line, last = 1, 0
    for match in _START.finditer(text):
        if match.group(1).lower() not in _NOT_RECORDS:
            line += text.count("\n", last, match.start())
            last = match.start()
            lines.add(line)
    return lines


def _line(start_line: int | None) -> int | None:
    """bibtexparser counts lines from 0."""
    return None if start_line is None else start_line + 1


def _reason(error: Exception) -> str:
    reason = getattr(error, "abort_reason", None) or str(error) or type(error).__name__
    return " ".join(f"BibTeX syntax error: {reason}".split())


def _fields(entry: Entry, strings: dict[str, str]) -> tuple[dict[str, str], list[str]]:
    """Field values with macros and `#` resolved; repeated fields keep the first."""
    fields: dict[str, str] = {}
    notes: list[str] = []
    for field in entry.fields:
        key = field.key.strip().lower()
        value, unresolved = _expand(str(field.value), strings)
        notes += [f"@string {name!r} used in {key} is not defined" for name in unresolved]
        if key in fields:
            if value.strip() and value.strip() != fields[key].strip():
                notes.append(f"{key} repeated; kept the first value, not {value.strip()[:80]!r}")
            continue
        fields[key] = value
    return fields, notes


def _expand(value: str, strings: dict[str, str]) -> tuple[str, list[str]]:
    """Resolve `{…}`, `"…"`, numbers, @string macros and `#` concatenation."""
    pieces = _split_concatenation(value) if "#" in value else [value]
    out: list[str] = []
    unresolved: list[str] = []
    for piece in pieces:
        piece = piece.strip()
        if len(piece) >= 2 and (piece[0], piece[-1]) in (("{", "}"), ('"', '"')):
            out.append(piece[1:-1])
        elif piece.isdigit() or not piece:
            out.append(piece)
        elif piece.lower() in strings:
            out.append(strings[piece.lower()])
        else:
            unresolved.append(piece)
            out.append(piece)
    return "".join(out), unresolved


def _split_concatenation(value: str) -> list[str]:
    """Split on `#` outside braces and quotes."""
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for i, char in enumerate(value):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


def _inherit(draft: RecordDraft, fields: dict[str, str], by_key: dict[str, dict[str, str]]) -> None:
    """Copy what a crossref child lacks from its parent (BibTeX semantics)."""
    crossref = fields.get("crossref", "").strip()
    if not crossref:
        return
    parent = by_key.get(crossref.lower())
    if parent is None:
        draft.warn("crossref_missing", f"crossref {crossref!r} is not in this file", "crossref")
        return
    for key in _INHERITED:
        if key not in fields and key in parent:
            fields[key] = parent[key]
    if not any(k in fields for k in ("journal", "journaltitle", "booktitle")):
        book = parent.get("booktitle") or parent.get("title")
        if book:
            fields["booktitle"] = book


def _fill(draft: RecordDraft, kind: str, fields: dict[str, str]) -> None:
    get = fields.get
    title = one_line(latex(get("title")))
    subtitle = one_line(latex(get("subtitle")))
    draft.title = f"{title}: {subtitle}" if title and subtitle else title or subtitle
    draft.abstract = paragraphs(latex(get("abstract")))
    draft.authors = authors(get("author"), draft.warn)
    journal = get("journal") or get("journaltitle") or get("booktitle")
    draft.journal = one_line(latex(journal))
    draft.volume = one_line(latex(get("volume")))
    draft.issue = one_line(latex(get("number") or get("issue")))
    pages = plain(get("pages"))
    draft.pages = pages.replace("--", "-") if pages else None

    year = plain(get("year"))
    draft.year = parse_year(year) or parse_year(plain(get("date")))
    if year and parse_year(year) is None:
        draft.warn("bad_year", f"year {year!r} is not a year", "year")

    url = plain(get("url"))
    if not url and "\\url{" in get("howpublished", ""):
        found = _URL_MACRO.search(get("howpublished", ""))
        url = found.group(1) if found else None
    draft.url = url.split()[0] if url else None
    doi = plain(get("doi"))
    draft.doi = clean_doi(doi) or find_doi(draft.url)
    if doi and clean_doi(doi) is None:
        draft.warn("bad_doi", f"{doi!r} is not a DOI", "doi")
    pmid = plain(get("pmid"))
    if not pmid and (get("eprinttype") or "").strip().lower() == "pubmed":
        pmid = plain(get("eprint"))
    draft.pmid = pmid if pmid and pmid.isdigit() else None
    issn = plain(get("issn") or get("eissn"))
    match = _ISSN.search(issn) if issn else None
    draft.issn = match.group(0) if match else issn

    draft.record_type = columns.record_type(plain(get("document_type"))) or _TYPES.get(kind)
    draft.language = one_line(latex(get("language") or get("langid")))
    cells = [get(k) for k in ("keywords", "keyword", "author_keywords") if get(k)]
    draft.keywords = keywords(latex(k) or "" for k in cells)

    for key, value in fields.items():
        if key in _MAPPED or key in _NOISE or key.startswith(("colrev", "bdsk", "sort")):
            continue
        text = one_line(latex(value))
        if text:
            draft.extra[key] = text


FORMATS = [Format("bibtex", "BibTeX / biblatex (.bib)", _sniff, _parse)]
