"""EndNote XML (`<xml><records><record>`), as written by EndNote, Mendeley and Zotero."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from review.importers.base import (
    Document,
    Format,
    check_count,
    clean_doi,
    parse_year,
    split_lines,
)
from review.importers.pubmed_xml import XmlRecords, itertext
from review.models import RecordDraft

_RECORD_START = re.compile(r"<record[\s/>]")
_SIGNATURE = re.compile(r"<xml>\s*<records[\s/>]")
_ISSN = re.compile(r"^\s*(\d{4}-\d{3}[\dXx])\b")
_PMID = re.compile(r"^\d{1,8}$")
# Accession numbers from these databases are not PMIDs even when all digits.
_NOT_PUBMED = ("embase", "scopus", "web of science", "wos", "cinahl", "psyc", "ebsco", "ovid")
_EXTRA = ("translated-title", "alt-title", "short-title", "publisher", "pub-location", "work-type")


def _sniff(path: Path, head: str) -> bool:
    return bool(_SIGNATURE.search(head[:4096]))


def _parse(doc: Document) -> list[RecordDraft]:
    stream = XmlRecords(doc, frozenset({"record"}), _RECORD_START)
    records = [_record(elem, position, line) for position, (elem, line) in enumerate(stream, 1)]
    check_count(doc, records, stream.expected, "<record> elements")
    return records


def _field(record: ET.Element, path: str) -> str | None:
    """A field's text: EndNote wraps text runs in <style> elements, Mendeley
    does not; taking all descendant text covers both."""
    return itertext(record.find(path))


def _paragraphs(elem: ET.Element | None) -> str | None:
    """Text with line breaks kept as paragraph breaks (EndNote writes \\r)."""
    if elem is None:
        return None
    raw = "".join(elem.itertext())
    kept = [" ".join(line.split()) for line in split_lines(raw)]
    return "\n".join(line for line in kept if line) or None


def _record(record: ET.Element, position: int, line: int | None) -> RecordDraft:
    draft = RecordDraft(position=position, line=line)
    draft.title = _field(record, "titles/title")
    draft.abstract = _paragraphs(record.find("abstract"))
    draft.authors = [
        name
        for name in (itertext(a) for a in record.findall("contributors/authors/author"))
        if name
    ]
    # The container: periodical/full-title for journals, secondary-title for
    # conference papers and book sections (and journals in some exporters).
    draft.journal = _field(record, "periodical/full-title") or _field(
        record, "titles/secondary-title"
    )
    draft.volume = _field(record, "volume")
    draft.issue = _field(record, "number") or _field(record, "issue")
    draft.pages = _field(record, "pages")
    draft.language = _field(record, "language")
    draft.keywords = [k for k in (itertext(kw) for kw in record.findall("keywords/keyword")) if k]
    year = _field(record, "dates/year")
    if year:
        draft.year = parse_year(year)
        if draft.year is None:
            draft.warn("bad_year", f"no year in {year!r}", "year")
    ref_type = record.find("ref-type")
    if ref_type is not None:
        name = (ref_type.get("name") or "").strip().lower()
        draft.record_type = name if name and name != "generic" else None
    resource = _field(record, "electronic-resource-num")
    if resource:
        draft.doi = clean_doi(resource)
        if draft.doi is None:
            draft.extra["electronic-resource-num"] = resource
    draft.url = _field(record, "urls/related-urls/url") or _field(record, "urls/web-urls/url")
    isbn = _field(record, "isbn")
    if isbn:
        match = _ISSN.match(isbn)
        if match:
            draft.issn = match.group(1).upper()
        else:
            draft.extra["isbn"] = isbn
    _accession(draft, record)
    for name in _EXTRA:
        value = _field(record, f"titles/{name}") or _field(record, name)
        if value:
            draft.extra[name] = value
    return draft


def _accession(draft: RecordDraft, record: ET.Element) -> None:
    """rec-number identifies the record in the library it came from; the
    accession number is the database's id, a PMID when the database is PubMed.

    With no database named (Mendeley names none), an accession of 1–8 digits
    is taken as a PMID: Embase, CINAHL and Scopus numbers are longer or carry
    letters, and PsycINFO's have dashes.
    """
    number = _field(record, "rec-number")
    accession = _field(record, "accession-num")
    names = (_field(record, "remote-database-name"), _field(record, "remote-database-provider"))
    database = " / ".join(name for name in names if name)
    draft.source_id = number or accession
    if accession:
        if number:
            draft.extra["accession-num"] = accession
        lowered = database.lower()
        named_pubmed = "pubmed" in lowered or "medline" in lowered
        other = any(name in lowered for name in _NOT_PUBMED)
        if _PMID.match(accession) and (named_pubmed or not other):
            draft.pmid = accession
    if database:
        draft.extra["remote-database"] = database


FORMATS: list[Format] = [Format("endnote_xml", "EndNote XML", _sniff, _parse)]
