"""Saved HTML pages: visible text by block element, and `<meta>` tags onto the record."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from review.importers.base import clean_doi, parse_year
from review.importers.text_fields import format_names, language_code, split_keywords, words
from review.models import RecordDraft

_BREAK_TAGS = frozenset(
    words(
        "address article aside blockquote br caption dd div dl dt figcaption figure footer form "
        "h1 h2 h3 h4 h5 h6 header hr li main nav ol p pre section table tbody td th thead title "
        "tr ul"
    )
)
_HIDDEN_TAGS = frozenset({"script", "style", "noscript", "template", "svg"})
_HTML_SIGNATURE = re.compile(r"<(?:!doctype\s+html|html|head|body)\b", re.IGNORECASE)
_ANY_TAG = re.compile(r"<[a-zA-Z!/][^>]*>")
_SITE_SUFFIX = re.compile(r"^(.{12,}?)\s+[|–—-]\s+([^|–—-]{1,40})$")


def looks_like_html(suffix: str, head: str) -> bool:
    """HTML by signature; any tag will do when the name says .html."""
    if suffix in {".html", ".htm", ".xhtml"}:
        return bool(_ANY_TAG.search(head))
    return bool(_HTML_SIGNATURE.search(head[:8192]))


class _HtmlText(HTMLParser):
    """Visible text by block element, plus `<meta>` values (citation_*, dc.*)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[tuple[int, str]] = []
        self.meta: dict[str, list[str]] = {}
        self._parts: list[str] = []
        self._start = 1
        self._hidden = 0
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden += 1
        elif tag in ("meta", "link"):
            values = {key.lower(): value or "" for key, value in attrs}
            name = values.get("name") or values.get("property") or ""
            content = values.get("content", "")
            if tag == "link" and "canonical" in values.get("rel", "").lower():
                name, content = "canonical", values.get("href", "")
            if name and content.strip():
                self.meta.setdefault(name.strip().lower(), []).append(content.strip())
        if tag in _BREAK_TAGS:
            self._flush()
            self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN_TAGS:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BREAK_TAGS:
            self._flush()
            self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._hidden or not data.strip():
            return
        if not self._parts:
            self._start = self.getpos()[0]
        self._parts.append(data)

    def _flush(self) -> None:
        text = " ".join("".join(self._parts).split())
        self._parts = []
        if not text:
            return
        if self._in_title:  # "Title | Site" → "Title"
            match = _SITE_SUFFIX.match(text)
            text = match.group(1) if match and len(match.group(2).split()) <= 4 else text
        self.lines.append((self._start, text))

    def close(self) -> None:
        super().close()
        self._flush()


def html_lines(text: str) -> tuple[list[tuple[int, str]], dict[str, list[str]]]:
    parser = _HtmlText()
    parser.feed(text)
    parser.close()
    return parser.lines, parser.meta


# ---------------------------------------------------------------- meta tags

_DATES = (
    "citation_publication_date",
    "citation_date",
    "citation_online_date",
    "citation_cover_date",
    "dc.date",
    "article:published_time",
)
_URLS = ("citation_abstract_html_url", "citation_fulltext_html_url", "og:url", "canonical")


def apply_meta(draft: RecordDraft, meta: dict[str, list[str]]) -> list[str]:
    """Fill the draft from publisher metadata, which beats any guess from the text.

    Journal pages and PubMed carry these tags for Google Scholar; they name
    title, authors, DOI and citation exactly. Returns article-type words.
    """

    def first(*names: str) -> str | None:
        for name in names:
            for value in meta.get(name, []):
                if value.strip():
                    return " ".join(value.split())
        return None

    title = first("citation_title", "dc.title")
    if title:
        draft.title = title
    authors = meta.get("citation_author") or meta.get("dc.creator") or []
    if not authors and meta.get("citation_authors"):
        authors = meta["citation_authors"][0].split(";")
    names = [" ".join(a.split()) for a in authors if a.strip()]
    if names:
        draft.authors = format_names(names)
    draft.doi = clean_doi(first("citation_doi", "prism.doi", "dc.identifier")) or draft.doi
    journal = first("citation_journal_title", "prism.publicationname", "citation_journal_abbrev")
    if journal:
        draft.journal = journal
    year = parse_year(first(*_DATES))
    if year is not None:
        draft.year = year
    draft.volume = first("citation_volume", "prism.volume") or draft.volume
    draft.issue = first("citation_issue", "prism.number") or draft.issue
    start, last = first("citation_firstpage"), first("citation_lastpage")
    if start:
        draft.pages = f"{start}-{last}" if last and last != start else start
    draft.pmid = first("citation_pmid") or draft.pmid
    keywords = [k for value in meta.get("citation_keywords", []) for k in split_keywords([value])]
    if keywords:
        draft.keywords = list(dict.fromkeys(keywords))
    language = first("citation_language", "dc.language")
    if language and language_code(language):
        draft.language = language_code(language)
    draft.url = first(*_URLS) or draft.url
    if draft.abstract is None:
        draft.abstract = first("citation_abstract", "dc.description")
    return [value for key in ("citation_article_type", "dc.type") for value in meta.get(key, [])]
