"""Value clean-up shared by the tagged-text importers (RIS, Ovid): DOIs in URLs,
marked PMIDs, registry numbers, ISSNs, page ranges, paragraphs, vendor types."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, unquote, urlsplit

from review.importers.base import clean_doi, find_doi, parse_year

_HYPHENS = re.compile("[\u2010\u2011\u2012\u2013\u2014\u2212]")
_ISSN = re.compile(r"(?<![\dXx])(\d{4})-?(\d{3}[\dXx])(?![\dXx])")
_YYYYMMDD = re.compile(r"(?<!\d)((?:19|20)\d\d)[01]\d[0-3]\d(?!\d)")
# The patterns below that look for words anywhere in a value start with a plain
# class of their first letters, so the regex engine skips most characters in
# C; the rest of each word follows case-insensitively, behind a check that the
# letter starts a word (what a leading `\b` would say, at several times the cost).
_MARKED_PMID = re.compile(
    r"[PMpm](?<!\w.)(?i:(?<=P)MID|(?<=P)ubMed(?:\s*ID)?|(?<=M)EDLINE)\s*[:#]?\s*(\d{1,9})\b"
)
_PUBMED_URL = re.compile(r"ncbi\.nlm\.nih\.gov/(?:pubmed/|entrez/.*?list_uids=)?(\d{1,9})\b", re.I)
_SCOPUS_EID = re.compile(r"\beid=(2-s2\.0-\d+)")
_URL = re.compile(r"[HWhw](?i:(?<=H)TTPS?://|(?<=W)WW\.)[^\s;<>\"]+")
_SENTENCE_END = (".", "!", "?", ":", ";")
# NCT, ISRCTN, ACTRN, ChiCTR, DRKS, EUCTR, CTRI, UMIN, PACTR, IRCT, KCT, TCTR, jRCT;
# İ, ı and the Kelvin sign are what `re.IGNORECASE` also lets stand for I and K.
_REGISTRY = re.compile(
    r"([ACDEIJKNPTUacdeijknptu\u0130\u0131\u212a](?<!\w.)"
    r"(?i:(?<=N)CT\d{8}|(?<=I)SRCTN\d{8}|(?<=A)CTRN\d{14}|(?<=C)hiCTR[-A-Za-z]*\d{6,}"
    r"|(?<=D)RKS\d{8}|(?<=E)UCTR\d{4}-\d{6}-\d{2}|(?<=C)TRI/\d{4}/\d{2,3}/\d{4,6}"
    r"|(?<=U)MIN\d{9}|(?<=P)ACTR\d{15}|(?<=I)RCT\d+N\d+|(?<=K)CT\d{7}|(?<=T)CTR\d{11}"
    r"|(?<=j)RCT\w{8,}))\b"
)
_EXTRA_LIMIT = 2_000
# Vendors' document types (Embase, Scopus, CENTRAL, Ovid `PT`) in reviewers' words.
_DOCUMENT_TYPES = {
    "article": "journal article",
    "journal article": "journal article",
    "article in press": "journal article",
    "review": "review",
    "systematic review": "systematic review",
    "conference abstract": "conference abstract",
    "meeting abstract": "conference abstract",
    "conference paper": "conference paper",
    "conference review": "conference review",
    "conference proceeding": "conference proceedings",
    "letter": "letter",
    "editorial": "editorial",
    "erratum": "erratum",
    "note": "note",
    "short survey": "short survey",
    "book": "book",
    "book chapter": "book chapter",
    "chapter": "book chapter",
    "trial registry record": "trial registration",
    "randomized controlled trial": "randomized controlled trial",
    "case report": "case report",
    "case reports": "case report",
    "comment": "comment",
    "dissertation": "thesis",
    "dissertation abstract": "thesis",
    "patent": "patent",
    "preprint": "preprint",
}


def one_line(value: str | None) -> str:
    """Whitespace (line breaks included) collapsed to single spaces."""
    if not value:
        return ""
    if len(value) < 100:
        return " ".join(value.split())
    # Long values (an abstract is thousands of characters) mostly need no
    # splitting and joining: a few scans tell.
    if (
        value[0] != " "
        and value[-1] != " "
        and "  " not in value
        and "\n" not in value
        and _no_odd_spaces(value)
    ):
        return value
    return " ".join(value.split())


def first_line(values: Iterable[str] | None) -> str | None:
    """The first non-empty value, on one line."""
    for value in values or ():
        text = one_line(value)
        if text:
            return text
    return None


def unique(items: Iterable[str]) -> list[str]:
    """Non-empty items in first-seen order, repeats removed."""
    seen = dict.fromkeys(items)
    seen.pop("", None)
    return list(seen)


def unique_items(values: list[str], separator: str | None = None) -> list[str]:
    """`unique(split_values(values, separator))`: authors, keywords, ISSNs."""
    joined = "\n".join(values)
    if (separator is None or separator not in joined) and _tidy_lines(joined):
        # The usual case, without a loop per item; mostly the values are the items.
        one_each = joined.count("\n") == len(values) - 1
        return unique(values if one_each else joined.split("\n"))
    return unique(split_values(values, separator))


def split_values(values: Iterable[str], separator: str | None = None) -> list[str]:
    """Every line of every value as its own item (EndNote writes one per line)."""
    values = values if isinstance(values, list) else list(values)
    joined = "\n".join(values)
    if (separator is None or separator not in joined) and _tidy_lines(joined):
        return [line for line in joined.split("\n") if line]  # the usual case, at C speed
    items: list[str] = []
    for value in values:
        for line in value.split("\n"):
            parts = line.split(separator) if separator else [line]
            items.extend(text for part in parts if (text := one_line(part)))
    return items


_ASCII_SPACES = "\t\r\x0b\x0c\x1c\x1d\x1e\x1f"
"""The whitespace of ASCII text besides the space and the line feed."""


def _tidy_lines(text: str) -> bool:
    """Whether every line of the text is already `one_line` of itself."""
    if "  " in text or " \n" in text or "\n " in text or text[:1] == " " or text[-1:] == " ":
        return False
    return _no_odd_spaces(text)


def _no_odd_spaces(text: str) -> bool:
    """No whitespace in the text but spaces and line feeds."""
    if text.isascii():  # a few memchr scans rather than a look-up per character
        for space in _ASCII_SPACES:  # noqa: SIM110 (a loop beats any() and its generator)
            if space in text:
                return False
        return True
    # Every whitespace character but the space is unprintable.
    return text.replace("\n", " ").isprintable()


def paragraphs(value: str) -> str:
    """A multi-line value as text: wrapped lines joined, paragraph breaks kept.

    A line that ends a sentence, or a blank line, ends a paragraph; any other
    break is a wrap (rispy's multi-line samples, MEDLINE-style indents).
    """
    if "\n" not in value:
        return one_line(value)
    out: list[str] = []
    for line in value.split("\n"):
        text = one_line(line)
        if not text:
            if out and out[-1] != "\n":
                out.append("\n")
            continue
        if out and out[-1] != "\n":
            out.append("\n" if out[-1].endswith(_SENTENCE_END) else " ")
        out.append(text)
    return "".join(out).strip()


def pages(start: str | None, end: str | None) -> str | None:
    """`SP`+`EP` as one range; Unicode hyphens (CENTRAL writes U+2010) become `-`."""
    start, end = (_HYPHENS.sub("-", v) if v else v for v in (start, end))
    if not start:
        return end or None
    if not end or end == start or "-" in start:
        return start
    return f"{start}-{end}"


def year(value: str | None) -> int | None:
    """A year from `2014//`, `Mar. 2017`, `4-8 Aug. 2020` or `20170812`."""
    if (
        value
        and len(value) == 4
        and value.isascii()
        and value.isdigit()
        and 1800 <= int(value) <= 2199
    ):
        return int(value)  # the usual `PY  - 2024`, without a regex
    found = parse_year(value)
    if found is None and value:
        match = _YYYYMMDD.search(value)
        found = int(match.group(1)) if match else None
    return found


def urls(values: Iterable[str]) -> list[str]:
    """Every URL in the values; some vendors put several on one `UR` line."""
    # One search over all values: no URL spans a line break.
    return unique(url.rstrip(".,") for url in _URL.findall("\n".join(values)))


def issn(values: Iterable[str]) -> str | None:
    """The first ISSN, as `1234-567X`; ISBNs and other numbers are passed over."""
    for value in values:
        match = _ISSN.search(value)
        if match:
            return f"{match.group(1)}-{match.group(2).upper()}"
    return None


def doi_in(value: str | None) -> str | None:
    """A DOI in a value, including percent-encoded ones in query strings
    (Scopus' `&doi=10.1038%2fs41467…`) and `doi:` prefixes."""
    if not value or "10." not in value:
        return None
    if "%2f" in value.lower():
        for url in _URL.findall(value):
            parts = urlsplit(url)
            for key, item in parse_qsl(parts.query):
                if key.lower() in ("doi", "id", "rft_id") and (doi := clean_doi(item)):
                    return doi
            if doi := clean_doi(unquote(parts.path)):
                return doi
        return find_doi(unquote(value))
    for url in _URL.findall(value):
        # A DOI in a URL ends at its query string; elsewhere it ends at a space.
        if doi := clean_doi(url.split("?")[0]):
            return doi
        for key, item in parse_qsl(urlsplit(url).query):
            if key.lower() in ("doi", "id", "rft_id") and (doi := clean_doi(item)):
                return doi
    return find_doi(value)


def marked_pmid(value: str | None) -> str | None:
    """`PMID: 123`, `PUBMED 123` (CENTRAL), `MEDLINE 123`; never a bare number."""
    match = _MARKED_PMID.search(value) if value else None
    return match.group(1) if match else None


def pmid_in_url(value: str | None) -> str | None:
    match = _PUBMED_URL.search(value) if value else None
    return match.group(1) if match else None


def scopus_eid(value: str | None) -> str | None:
    match = _SCOPUS_EID.search(value) if value else None
    return match.group(1) if match else None


def registry_id(values: Iterable[str]) -> str | None:
    """The first trial registration number (NCT, ISRCTN, ACTRN, ChiCTR …)."""
    # One search over all values: no number spans a line break.
    text = "\n".join(values)
    # Every prefix holds CT but DRKS and UMIN: upper() says in a few scans
    # whether the regex may match, except for the two characters that
    # IGNORECASE takes for I and K and upper() keeps as they are.
    if "\u0130" not in text and "\u212a" not in text:
        upper = text.upper()
        if "CT" not in upper and "DRKS" not in upper and "UMIN" not in upper:
            return None
    match = _REGISTRY.search(text)
    if match:
        found = match.group(1)
        return found.upper() if found[:3].upper() in ("NCT", "ISR", "ACT", "DRK") else found
    return None


def document_type(value: str | None) -> str | None:
    """A vendor's document type in a reviewer's words, or None when unknown."""
    return _DOCUMENT_TYPES.get(one_line(value).casefold()) if value else None


def keep(extra: dict[str, str], key: str, values: Iterable[str]) -> None:
    """Store the non-empty values under `key`, cut at a size that stays useful.

    PsycINFO's `M1`/`A2` hold whole reference lists (tens of KB per record);
    those are cut, with a note, so a 100k-record import stays manageable.
    """
    stripped = [v.strip() for v in values]
    if not stripped:
        return
    text = "\n".join([v for v in stripped if v] if "" in stripped else stripped)
    if not text:
        return
    if len(text) > _EXTRA_LIMIT:
        text = f"{text[:_EXTRA_LIMIT]} … [{len(text) - _EXTRA_LIMIT} more characters cut]"
    extra[key] = text
