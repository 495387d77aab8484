"""PubMed XML (efetch / "Save as XML"): PubmedArticle and PubmedBookArticle records."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import cast

from review.errors import ImportFormatError
from review.importers.base import Document, Format, check_count, clean_doi, parse_year
from review.importers.medline import publication_type, registry_id
from review.models import RecordDraft

_RECORD_TAGS = frozenset({"PubmedArticle", "PubmedBookArticle"})
_RECORD_START = re.compile(r"<Pubmed(?:Book)?Article[\s/>]")
_SIGNATURE = re.compile(r"<(?:!DOCTYPE\s+)?Pubmed(?:Book)?Article(?:Set)?[\s>]")
_MATH = "{http://www.w3.org/1998/Math/MathML}math"
_CHUNK = 1 << 20
_TAIL = 32
"""Longer than any record start tag looked for, e.g. `<PubmedBookArticle `."""


def _sniff(path: Path, head: str) -> bool:
    return head.lstrip("\ufeff \t\r\n").startswith("<") and bool(_SIGNATURE.search(head))


class XmlRecords:
    """Stream the records of an XML file, each with the line it starts on.

    The decoded text is read in chunks (never whole, so a large file streams)
    and each chunk goes to two readers: a regex that finds record start tags,
    which is the independent record count and gives each record its line
    (ElementTree reports none), and ElementTree's pull parser. Feeding text
    rather than bytes makes the encoding the one the import decided (UTF-8,
    UTF-16, or `--encoding`), whatever the XML declaration says; expat could
    not read a GBK or UTF-32 declaration itself anyway.

    Iterate to get `(element, line)` pairs; read the element before asking
    for the next, because it is cleared then to keep memory flat.
    Afterwards `expected` holds the number of start tags seen.
    """

    def __init__(self, doc: Document, tags: frozenset[str], start: re.Pattern[str]) -> None:
        self.doc = doc
        self.tags = tags
        self.start = start
        self.expected = 0
        self._lines: deque[int] = deque()

    def __iter__(self) -> Iterator[tuple[ET.Element, int | None]]:
        # Only end events: a record is complete when it ends. Each is cleared
        # after use; what stays in the tree is one empty element per record.
        parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(events=("end",))
        try:
            for piece in self._pieces():
                parser.feed(piece)
                yield from self._complete(parser)
            parser.close()
            yield from self._complete(parser)
        except ET.ParseError as exc:
            raise ImportFormatError(
                f"malformed XML: {exc}",
                path=self.doc.path,
                line=exc.position[0] if exc.position else None,
                hint="the file may be truncated or edited by hand; export it again",
            ) from None

    def _complete(
        self, parser: ET.XMLPullParser[ET.Element]
    ) -> Iterator[tuple[ET.Element, int | None]]:
        events = cast("Iterator[tuple[str, ET.Element]]", parser.read_events())
        for _, elem in events:
            if elem.tag in self.tags:
                yield elem, self._lines.popleft() if self._lines else None
                elem.clear()

    def _pieces(self) -> Iterator[str]:
        """The text in chunks, each scanned for start tags before it is
        handed on; the last few characters wait for the next chunk so that
        no tag is cut in two."""
        line, carry = 1, ""
        with self.doc.open_text() as handle:
            while True:
                chunk = handle.read(_CHUNK)
                buf = carry + chunk
                limit = len(buf) - _TAIL if chunk else len(buf)
                if chunk and limit > 0 and buf[limit - 1] == "\r":
                    limit -= 1  # keep a CRLF together, or it counts as two lines
                if limit <= 0 and chunk:
                    carry = buf
                    continue
                last = 0
                for match in self.start.finditer(buf):
                    if match.start() >= limit:
                        break
                    line += _newlines(buf, last, match.start())
                    last = match.start()
                    self._lines.append(line)
                    self.expected += 1
                line += _newlines(buf, last, limit)
                yield buf[:limit]
                carry = buf[limit:]
                if not chunk:
                    return


def _newlines(text: str, start: int, end: int) -> int:
    """Line breaks between two offsets: CRLF, LF or a bare CR each count once."""
    lf = text.count("\n", start, end)
    cr = text.count("\r", start, end)
    return lf + cr - text.count("\r\n", start, end) if cr else lf


def itertext(elem: ET.Element | None) -> str | None:
    """An element's text with inline markup (<i>, <sup>, MathML) flattened and
    whitespace runs collapsed; None when empty.

    MathML puts layout whitespace between every token (V, ., O, 2 …), so each
    formula is first squeezed into one run of text. Element.itertext walks
    without recursion, so deeply nested markup cannot overflow the stack.
    """
    if elem is None:
        return None
    for math in list(elem.iter(_MATH)):
        flat, tail = "".join(t.strip() for t in math.itertext()), math.tail
        math.clear()
        math.text, math.tail = flat, tail
    text = " ".join("".join(elem.itertext()).split())
    return text or None


def _parse(doc: Document) -> list[RecordDraft]:
    stream = XmlRecords(doc, _RECORD_TAGS, _RECORD_START)
    records: list[RecordDraft] = []
    for elem, line in stream:
        position = len(records) + 1
        if elem.tag == "PubmedArticle":
            records.append(_article(elem, position, line))
        else:
            records.append(_book(elem, position, line))
    check_count(doc, records, stream.expected, "<PubmedArticle> elements")
    return records


def _article(elem: ET.Element, position: int, line: int | None) -> RecordDraft:
    draft = RecordDraft(position=position, line=line)
    citation = elem.find("MedlineCitation")
    if citation is None:
        draft.warn("missing_citation", "the record has no MedlineCitation element")
        return draft
    article = citation.find("Article")
    _pmid(draft, citation.findtext("PMID"))
    journal = article.find("Journal") if article is not None else None
    if article is not None:
        draft.title = itertext(article.find("ArticleTitle"))
        draft.vernacular_title = itertext(article.find("VernacularTitle"))
        draft.abstract = _abstract(article.find("Abstract"))
        draft.authors = _authors(article.find("AuthorList"))
        draft.pages = _pages(article.find("Pagination"))
        draft.language = _join(article.findall("Language"))
        draft.record_type = publication_type(
            [t.text or "" for t in article.findall("PublicationTypeList/PublicationType")]
        )
        for location in article.findall("ELocationID"):
            if location.get("EIdType") == "doi" and draft.doi is None:
                draft.doi = clean_doi(location.text)
        banks = [
            (bank.findtext("DataBankName") or "", acc.text or "")
            for bank in article.findall("DataBankList/DataBank")
            for acc in bank.findall("AccessionNumberList/AccessionNumber")
        ]
        draft.registry_id = registry_id(banks)
    if journal is not None:
        draft.journal = itertext(journal.find("Title"))
        draft.issn = (journal.findtext("ISSN") or "").strip() or None
        issue = journal.find("JournalIssue")
        if issue is not None:
            draft.volume = _clean(issue.findtext("Volume"))
            draft.issue = _clean(issue.findtext("Issue"))
            _year(draft, issue.find("PubDate"))
        abbrev = _clean(journal.findtext("ISOAbbreviation"))
        if abbrev:
            draft.extra["ISOAbbreviation"] = abbrev
    draft.keywords = _mesh(citation) + [
        k for k in (itertext(kw) for kw in citation.findall("KeywordList/Keyword")) if k
    ]
    # Only the record's own ArticleIdList: the ReferenceList below it holds
    # ArticleIds of the works it cites, whose DOIs are not this record's.
    _article_ids(draft, elem.findall("PubmedData/ArticleIdList/ArticleId"))
    return draft


def _book(elem: ET.Element, position: int, line: int | None) -> RecordDraft:
    draft = RecordDraft(position=position, line=line)
    document = elem.find("BookDocument")
    if document is None:
        draft.warn("missing_book", "the record has no BookDocument element")
        return draft
    book = document.find("Book")
    _pmid(draft, document.findtext("PMID"))
    chapter = itertext(document.find("ArticleTitle"))
    book_title = itertext(book.find("BookTitle")) if book is not None else None
    draft.title = chapter or book_title
    draft.vernacular_title = itertext(document.find("VernacularTitle"))
    draft.journal = book_title if chapter else None
    draft.record_type = "book chapter" if chapter else "book"
    draft.abstract = _abstract(document.find("Abstract"))
    draft.authors = _authors(document.find("AuthorList"))
    if not draft.authors and book is not None:
        draft.authors = _authors(book.find("AuthorList"))
    draft.language = _join(document.findall("Language"))
    draft.pages = _pages(document.find("Pagination"))
    if book is not None:
        _year(draft, book.find("PubDate"))
        publisher = _clean(book.findtext("Publisher/PublisherName"))
        if publisher:
            draft.extra["PublisherName"] = publisher
        isbn = _clean(book.findtext("Isbn"))
        if isbn:
            draft.extra["Isbn"] = isbn
    draft.keywords = [
        k for k in (itertext(kw) for kw in document.findall("KeywordList/Keyword")) if k
    ]
    _article_ids(
        draft,
        document.findall("ArticleIdList/ArticleId")
        + elem.findall("PubmedBookData/ArticleIdList/ArticleId"),
    )
    return draft


def _pmid(draft: RecordDraft, value: str | None) -> None:
    pmid = (value or "").strip()
    draft.source_id = pmid or None
    if pmid.isdigit():
        draft.pmid = pmid
    elif pmid:
        draft.warn("bad_pmid", f"PMID {pmid!r} is not a number", "PMID")


def _abstract(elem: ET.Element | None) -> str | None:
    """Labelled sections become "LABEL: text" paragraphs, one per line."""
    if elem is None:
        return None
    paragraphs: list[str] = []
    for part in elem.findall("AbstractText"):
        text = itertext(part)
        label = (part.get("Label") or "").strip()
        if text and label:
            paragraphs.append(f"{label}: {text}")
        elif text or label:
            paragraphs.append(text or label)
    return "\n".join(paragraphs) or None


def _authors(elem: ET.Element | None) -> list[str]:
    if elem is None:
        return []
    names: list[str] = []
    for author in elem.findall("Author"):
        if author.get("ValidYN") == "N":
            continue
        collective = itertext(author.find("CollectiveName"))
        last = _clean(author.findtext("LastName"))
        given = _clean(author.findtext("ForeName")) or _clean(author.findtext("Initials"))
        suffix = _clean(author.findtext("Suffix"))
        if last:
            name = f"{last}, {given}" if given else last
            names.append(f"{name} {suffix}" if suffix else name)
        elif collective:
            names.append(collective)
    return names


def _pages(elem: ET.Element | None) -> str | None:
    if elem is None:
        return None
    pages = _clean(elem.findtext("MedlinePgn"))
    if pages:
        return pages
    start, end = _clean(elem.findtext("StartPage")), _clean(elem.findtext("EndPage"))
    return f"{start}-{end}" if start and end else start


def _year(draft: RecordDraft, date: ET.Element | None) -> None:
    if date is None:
        return
    text = _clean(date.findtext("Year")) or _clean(date.findtext("MedlineDate"))
    draft.year = parse_year(text)
    if draft.year is None and text:
        draft.warn("bad_year", f"no year in PubDate {text!r}", "PubDate")


def _mesh(citation: ET.Element) -> list[str]:
    """MeSH headings written as the MEDLINE text export writes them
    ("Neoplasms/*genetics/pathology"), so both formats give equal keywords."""
    headings: list[str] = []
    for heading in citation.findall("MeshHeadingList/MeshHeading"):
        descriptor = heading.find("DescriptorName")
        if descriptor is None or not descriptor.text:
            continue
        major = "*" if descriptor.get("MajorTopicYN") == "Y" else ""
        parts = [f"{major}{descriptor.text.strip()}"]
        for qualifier in heading.findall("QualifierName"):
            star = "*" if qualifier.get("MajorTopicYN") == "Y" else ""
            parts.append(f"{star}{(qualifier.text or '').strip()}")
        headings.append("/".join(parts))
    return headings


def _article_ids(draft: RecordDraft, ids: list[ET.Element]) -> None:
    for ident in ids:
        kind, value = ident.get("IdType"), _clean(ident.text)
        if not value:
            continue
        if kind == "doi" and draft.doi is None:
            draft.doi = clean_doi(value)
        elif kind in ("pmc", "pii") and kind not in draft.extra:
            draft.extra[kind] = value


def _clean(value: str | None) -> str | None:
    return (" ".join(value.split()) or None) if value else None


def _join(elems: list[ET.Element]) -> str | None:
    return "; ".join(e.text.strip() for e in elems if e.text and e.text.strip()) or None


FORMATS: list[Format] = [Format("pubmed_xml", "PubMed XML", _sniff, _parse)]
