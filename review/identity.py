"""Stable record keys, the same on every machine that imports the same record.

Copies of one review that import an updated search get the same keys for the
same records, so decisions made in each merge as a union of events. A key
built from title, year and author is a candidate for deduplication, never
proof of identity (see `review.dedup.shared_keys`). The key
prefers identifiers that databases agree on: DOI, then PMID, then a trial
registry id (for registrations only), else a hash of the normalised title,
year and first author's family name.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from urllib.parse import unquote

from review.models import RecordDraft

DOI = re.compile(r"\b(10\.\d{4,9}/(?:[^\s\"<>]|<[^\s\"<>]*::[^\s\"<>]*>)+)", re.IGNORECASE)
"""A DOI in text. `<` and `>` end it (HTML around it), except in an old
Wiley SICI DOI (`…54:1<1::AID-JNR1>3.0.CO;2-A`), whose `<…::…>` is part of it."""
TITLE_KEY = "tya:"
"""Prefix of a key built from title, year and first author: a candidate, never an identity."""
_PERCENT = re.compile(r"%[0-9a-f]{2}", re.IGNORECASE)
_TAGS = re.compile(r"<[^>]+>")
_BRACKETED_NOTE = re.compile(r"\s*[\[(](?:[A-Za-z -]{2,40}|article in [a-z ]+)[\])]\s*\.?\s*$")
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_REGISTRY = re.compile(
    r"\b(NCT\d{8}|ChiCTR[-\w]*\d{6,}|ISRCTN\d{8}|ACTRN\d{14}|DRKS\d{8}|"
    r"EUCTR[\d-]+|CTRI/[\d/]+|JPRN-\w+|KCT\d{7}|IRCT\w+|PACTR\d+|TCTR\d+)",
    re.IGNORECASE,
)


def normalise_text(text: str | None) -> str:
    """Lower-case ASCII-folded words separated by single spaces.

    HTML entities and tags go, accents fold (é → e), punctuation becomes
    space, so `The <i>BRCA1</i> gene.` and `the brca1 gene` compare equal.
    CJK characters are kept: folding would erase a Chinese title entirely.
    """
    if not text:
        return ""
    if "<" in text or "&" in text:
        text = _TAGS.sub(" ", html.unescape(text))
    if not text.isascii():  # most titles are ASCII: folding accents is the costly part
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return _NON_WORD.sub(" ", text.casefold()).strip()


def normalise_title(title: str | None) -> str:
    """`normalise_text` after removing a trailing `[Article in Chinese]`-style note."""
    if not title:
        return ""
    return normalise_text(_BRACKETED_NOTE.sub("", title))


def canonical_doi(value: str | None) -> str | None:
    """The one form of a DOI all keys and comparisons use, or None.

    HTML entities and percent-encoding are decoded first, so `&lt;`, `%3C`
    and `<` give one DOI; a `https://doi.org/` or `doi:` prefix and trailing
    punctuation go; case folds (DOIs are case-insensitive).
    """
    if not value:
        return None
    text = html.unescape(value.strip())
    if _PERCENT.search(text):
        text = unquote(text)
    match = DOI.search(text)
    if not match:
        return None
    return match.group(1).rstrip(".,;)]}").lower() or None


def first_author_family(authors: list[str]) -> str:
    """Family name of the first author: `Smith, J.` and `J Smith` → `smith`."""
    if not authors:
        return ""
    first = authors[0].strip()
    if "," in first:
        family = first.split(",", 1)[0]
    else:
        parts = first.split()
        # "Smith JA" (MEDLINE short form) keeps the family name first.
        if len(parts) > 1 and parts[-1].isupper() and len(parts[-1]) <= 3:
            family = parts[0]
        else:
            family = parts[-1] if parts else ""
    return normalise_text(family)


def registry_id(text: str | None) -> str | None:
    """The first trial registry number in free text, upper-cased."""
    if not text:
        return None
    match = _REGISTRY.search(text)
    return match.group(1).upper() if match else None


def record_key(draft: RecordDraft, *, file_hash: str) -> str:
    """The stable key of a record; see the module docstring for the order.

    A record with no identifier and no title falls back to its file's hash
    and position, which is still the same on every machine importing that file.
    """
    return identifier_key(draft) or positional_key(file_hash, draft.position)


def identifier_key(draft: RecordDraft) -> str | None:
    """`record_key` from the record alone: None where only its place in its
    file tells it apart (no identifier, no title)."""
    if draft.doi:
        return f"doi:{canonical_doi(draft.doi) or draft.doi.lower()}"
    if draft.pmid:
        return f"pmid:{draft.pmid.strip()}"
    is_registration = draft.record_type is None or "regist" in draft.record_type
    if draft.registry_id and is_registration:
        return f"reg:{draft.registry_id.upper()}"
    title = normalise_title(draft.title or draft.vernacular_title)
    if title:
        basis = f"{title}|{draft.year or ''}|{first_author_family(draft.authors)}"
        return TITLE_KEY + hashlib.sha1(basis.encode()).hexdigest()[:20]
    return None


def positional_key(file_hash: str, position: int) -> str:
    """The key of a record known only by its file and its place in it."""
    return f"pos:{file_hash[:16]}:{position}"
