"""One spreadsheet row → one RecordDraft, whatever the vendor wrote in its cells.

`columns.Table` says which cells feed which field; this module turns cell
text into field values: author lists with any separator, keyword lists,
page ranges, PubMed's citation string, Excel's `="0123"` text cells.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from review.importers import columns as col
from review.importers.base import clean_doi, find_doi, parse_year
from review.models import RecordDraft

_AND = re.compile(r"\s+and\s+")
_PMID = re.compile(r"\b(\d{1,9})\b")
_NCT = re.compile(r"NCT\d{8}", re.IGNORECASE)
_ISSN = re.compile(r"\b\d{4}-?\d{3}[\dXx]\b")
_CITATION = re.compile(r";\s*([^();:\s]+)?\s*(?:\(([^)]*)\))?\s*:\s*([^\s.;]+)")
_NO_AUTHOR = frozenset({"[no author name available]", "anonymous", "[anonymous]"})


def row_draft(table: col.Table, row: list[str], position: int, line: int | None) -> RecordDraft:
    """The record one row holds; `line` is where the row starts (None in a workbook).

    Run for every row of files of 100k rows and more: the cells are read
    inline (no call per cell), which is most of what a CSV import costs
    beyond reading the CSV itself."""
    width = len(row)
    found: dict[str, str] = {}
    for field, indexes in table.columns.items():
        for i in indexes:
            if i < width and (value := row[i].strip()):
                if value[:2] == '="':
                    value = _cell(value) or ""
                if value:
                    found[field] = value
                    break
    first = found.get

    draft = RecordDraft(position=position, line=line)
    draft.title = _one_line(first(col.TITLE))
    draft.vernacular_title = _one_line(first(col.VERNACULAR_TITLE))
    draft.abstract = _paragraphs(first(col.ABSTRACT))
    draft.authors = _authors(first(col.AUTHORS))
    draft.journal = _one_line(first(col.JOURNAL))
    draft.volume = first(col.VOLUME)
    draft.issue = first(col.ISSUE)
    draft.pages = first(col.PAGES) or _page_range(first(col.PAGE_START), first(col.PAGE_END))
    draft.language = first(col.LANGUAGE)
    draft.record_type = "trial registration" if table.is_ctgov else None
    draft.record_type = draft.record_type or col.record_type(first(col.RECORD_TYPE))

    year = first(col.YEAR)
    given_year = parse_year(year)
    draft.year = given_year or parse_year(first(col.DATE))
    if year and given_year is None:
        draft.warn("bad_year", f"year {year!r} is not a year", "year")

    doi = first(col.DOI)
    draft.doi = clean_doi(doi)
    if doi and draft.doi is None:
        draft.warn("bad_doi", f"{doi!r} is not a DOI", "doi")

    pmid = first(col.PMID)
    match = _PMID.search(pmid) if pmid else None
    draft.pmid = match.group(1) if match else None
    if pmid and match is None:
        draft.warn("bad_pmid", f"{pmid!r} is not a PubMed ID", "pmid")

    citation = first(col.CITATION)
    if citation:
        _from_citation(draft, citation)

    draft.source_id = first(col.SOURCE_ID) or draft.pmid
    if draft.record_type == "trial registration":
        registry = first(col.REGISTRY_ID)
        nct = _NCT.search(registry) if registry else None
        draft.registry_id = nct.group(0).upper() if nct else registry

    if col.KEYWORDS in found:
        cells = (_cell(row[i]) for i in table.columns[col.KEYWORDS] if i < width)
        draft.keywords = _keywords([c for c in cells if c], table.comma_lists)
    url = first(col.URL)
    draft.url = url.split()[0] if url else None
    issn = first(col.ISSN)
    issn_match = _ISSN.search(issn) if issn else None
    draft.issn = issn_match.group(0) if issn_match else issn

    extra = draft.extra
    for i, name in table.extra_names:
        if i < width and (value := row[i].strip()):
            if value[:2] == '="':
                value = _cell(value) or ""
            if value:
                extra[name if name not in extra else f"{name} ({i + 1})"] = value
    return draft


def _cell(value: str) -> str | None:
    """Strip a cell; unwrap Excel's `="0123"` (kept-as-text) formulas."""
    value = value.strip()
    if value[:2] == '="' and value[-1] == '"' and len(value) >= 3:
        value = value[2:-1].strip()
    return value or None


def _one_line(value: str | None) -> str | None:
    if not value:
        return None
    return _squash(value) or None


def _squash(text: str) -> str:
    """Collapse whitespace runs (tabs, newlines, NBSP too) to one space.

    Most cells need nothing done, which is cheap to see: every whitespace
    character but the space is unprintable, so printable text without a
    double space or a space at either end is already as `split` + `join`
    would leave it (1.4 KB abstract: 1 µs against 13)."""
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return " ".join(text.split())


def _paragraphs(value: str | None) -> str | None:
    """Collapse spaces within lines but keep line breaks as paragraph breaks."""
    if not value:
        return None
    if "\n" not in value and "\r" not in value:
        return _squash(value) or None
    lines = (_squash(part) for part in value.replace("\r\n", "\n").split("\n"))
    return "\n".join(line for line in lines if line) or None


def _authors(value: str | None) -> list[str]:
    """Split an author cell whatever the vendor's separator.

    `|` (OpenAlex), `;` (Scopus, WoS, CENTRAL, Lens, CINAHL, RefWorks),
    ` and ` (BibTeX-minded tools, Rayyan), `,` between names that each have a given part (PubMed's
    "Griffin DK, Larkin DM.", Embase's "Yang Z., Jiang B."). A lone
    "Smith, John" stays one author. Glued names ("Andy SmithTom Weber")
    cannot be split safely and stay as given.
    """
    if not value:
        return []
    text = _squash(value)
    if "|" in text:  # OpenAlex
        names = text.split("|")
    elif ";" in text:
        names = text.split(";")
    elif _AND.search(text):
        names = _AND.split(text)
    elif "," in text:
        parts = [p.strip() for p in text.split(",")]
        if all(len(p.split()) >= 2 for p in parts if p):
            if text.endswith(".") and "." not in text[:-1]:
                parts[-1] = parts[-1][:-1]  # PubMed ends its list with a full stop
            names = parts
        else:
            names = [text]
    else:
        names = [text]
    authors = []
    for name in names:
        if name[-1:] == ")":  # Scopus: "Smith, John (57190394669)"
            # What `re.sub(r"\s*\(\d+\)$", "", name)` does, without a regex
            # per name: `\d` and `\s` are what `isdecimal` and `rstrip` see.
            head, bracket, number = name.rpartition("(")
            if bracket and number[:-1].isdecimal():
                name = head.rstrip()
        name = name.strip()
        if name and name.lower() not in _NO_AUTHOR:
            authors.append(name)
    return authors


def _keywords(values: Iterable[str], commas: bool) -> list[str]:
    """Split keyword cells on `;` or `|` (`,` only where the vendor uses it:
    a lone MeSH heading such as "Administration, Oral" holds a comma)."""
    first: dict[str, str] = {}
    """Each keyword lower-cased → as first written."""
    for value in values:
        separator = ";" if ";" in value else "|" if "|" in value else None
        separator = separator or ("," if commas else None)
        # Whitespace collapsed in the whole cell at once: a separator is not
        # whitespace, so each keyword then only needs its ends trimmed.
        text = _squash(value)
        for keyword in text.split(separator) if separator else [text]:
            if keyword := keyword.strip(" "):
                first.setdefault(keyword.lower(), keyword)
    return list(first.values())


def _page_range(start: str | None, end: str | None) -> str | None:
    if start and end and end != start:
        return f"{start}-{end}"
    return start or end


def _from_citation(draft: RecordDraft, citation: str) -> None:
    """Fill volume, issue, pages, year and DOI from PubMed's citation string:
    `Eur J Med Genet. 2020 Feb;63(2):103640. doi: 10.1016/…`."""
    match = _CITATION.search(citation)
    if match:
        draft.volume = draft.volume or match.group(1)
        draft.issue = draft.issue or match.group(2)
        draft.pages = draft.pages or match.group(3)
    draft.year = draft.year or parse_year(citation.split(";")[0])
    draft.doi = draft.doi or find_doi(citation)
