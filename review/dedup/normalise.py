"""Field normalisers: the form in which two records' fields are compared.

Each normaliser folds away differences that databases introduce for the same
paper (case, accents, HTML, `[Article in Chinese]` notes, `123-9` for
`123-129`, `Smith JA` for `Smith, John A.`, `Am J Transplant` for `American
Journal of Transplantation`) and keeps every difference that can separate two
papers (numbers in titles, erratum/reply prefixes, supplement volumes).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from review.dedup.model import DedupRecord
from review.identity import canonical_doi, normalise_text, normalise_title

_DIGITS = re.compile(r"\d+")
_INLINE_TAGS = re.compile(r"</?(?:sup|sub|inf|i|b|em|strong|scp)>", re.IGNORECASE)
"""`Ca<sup>2+</sup>` and `Ca2+` are one title: inline tags go without leaving a space."""
_GLUED_INDEX = re.compile(r"(?<=[A-Za-z0-9])\(([0-9]{1,2}[+-]?|[+-])\)")
"""`Ca(2+)` and `A(3)`: a sub- or superscript some databases put in brackets,
others write `Ca2+`, `A3` or `Ca<sup>2+</sup>`; one form, or `3` becomes a title number."""
_MONTHS = re.compile(r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", re.IGNORECASE)
"""`11-Sep` is page range 9-11 after a spreadsheet read it as a date: unusable."""
_TITLE_NOTES = re.compile(
    r"\s*(?:\[(?:erratum|comment|retraction|retracted|corrected|published|update)\b[^\]]*\]?"
    r"|\[review\]|\[\d+\s+refs?\]|\(multiple\s+letters?\)"
    r"|\((?:vol|volume)\s+\d+[^)]*\)"
    r"|\([^()]*\(\d{4}\)\s*\d+\s*\(\d+(?:-\d+)?\)\)"
    r"|\.{2,3}\s*[A-Z][A-Za-z .]*\.\s*\d{4}\b[^;]{0,20};\s*\d+(?:\(\d+\))?:\s*\w+(?:-\w+)?\.?\s*$"
    r").*$",
    re.IGNORECASE | re.DOTALL,
)
"""Notes a database appends to a title, which would otherwise add numbers to it:
`[Erratum appears in …]`, `[Comment in …]`, `[Review] [88 refs]`, `(multiple
letters) [1]`, and the commented or corrected article's citation, as `(vol 360,
pg 542, 2009)`, `(New England Journal of Medicine (2009) 360 (542-544))` or
`... N Engl J Med. 2009 Jan 29;360(5):544-6`."""
_VOLUME_FRAGMENT = re.compile(r"^\s*\w{1,3}\)\s*$")
_SUPPLEMENT_NUMBER = re.compile(r"suppl\w*\.?\s*(\d+)")
"""`59 (Suppl. 1)`, `SUPPL. 1`: the supplement's own number, which some databases
write as the volume."""
_LOST_CHARACTER = re.compile(r"(?<=\w)\?(?=\w)")
"""`Bu?lova`: a letter an export could not encode; dropping it keeps one name."""
_ISSUE = re.compile(r"(\d{1,4})(?:\s*[-/–]\s*(\d{1,4}))?")
_JOINERS = re.compile(r"[-'’]")
"""Hyphens and apostrophes in names: `Fremeaux-Bacchi` = `FremeauxBacchi`."""
_CONFERENCE = re.compile(r"\.\s*conference\s*:", re.IGNORECASE)
_PAGE_SPLIT = re.compile(r"\s*(?:-+|–|—)\s*")
_GLUED_AUTHORS = re.compile(r"(?<=[A-Z]\.)(?=[A-Z][a-z'’])")
"""`Adeli K.Lewis G. F.`: EndNote exports that lost the separators between authors."""
_INITIALS = re.compile(r"^(?:[A-Z]\.?){1,3}$|^(?:[A-Z]\.-?){1,3}[A-Z]?$|^[A-Z]-[A-Z]$")
_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7"}
_NUMBERED = {"part", "phase", "type", "stage", "grade", "class", "study", "trial", "series"}
_KIND_PREFIXES = (
    "erratum",
    "errata",
    "correction",
    "corrigendum",
    "retraction",
    "retracted",
    "reply",
    "in reply",
    "response",
    "author reply",
    "comment",
    "commentary",
    "re",
    "letter",
    "editorial",
    "book review",
    "expression of concern",
)
GENERIC_TITLES = frozenset(
    {
        "editorial",
        "book review",
        "book reviews",
        "erratum",
        "errata",
        "correction",
        "corrigendum",
        "reply",
        "in reply",
        "response",
        "letter",
        "letters",
        "letter to the editor",
        "comment",
        "commentary",
        "introduction",
        "preface",
        "foreword",
        "abstracts",
        "abstract",
        "news",
        "in this issue",
        "unknown",
        "untitled",
        "retraction",
        "notice of retraction",
        "correspondence",
        "poster",
        "posters",
        "oral presentations",
        "case report",
    }
)
_JOURNAL_STOPWORDS = frozenset(
    {"of", "the", "and", "in", "for", "on", "de", "la", "des", "und", "fur"}
)


@dataclass(slots=True, frozen=True)
class Prepared:
    """One record's normalised fields, computed once and compared many times."""

    index: int
    id: int
    uid: str
    source_id: int
    title: str
    markers: frozenset[str]
    """Numbers in the title and a leading erratum/reply/comment kind."""
    generic: bool
    families: tuple[str, ...]
    """Family name of each author (hyphens and apostrophes removed)."""
    first_author: frozenset[str]
    """Name tokens of the first author: `le quintrec` and `quintrec` share one."""
    year: int | None
    journal: tuple[str, ...]
    venue: tuple[str, ...]
    """The meeting named after `Journal.Conference:` (Embase), or empty."""
    volume: str
    issue: str
    """The issue number (`3`, `3-4`); '' for a supplement, a month or none."""
    supplement: bool
    supplement_number: str
    """The supplement's number (`1` of `59 Suppl. 1`), or ''."""
    first_page: str
    last_page: str
    doi: str
    pmid: str
    registry_id: str
    kind: str
    """`registration`, `conference` or `article` (anything else)."""


def prepare(record: DedupRecord, index: int) -> Prepared:
    title = normalise_title(
        _GLUED_INDEX.sub(r"\1", _INLINE_TAGS.sub("", _TITLE_NOTES.sub("", record.title or "")))
    )
    volume_text = f"{record.volume or ''} {record.issue or ''}".lower()
    first, last = page_range(record.pages)
    authors = split_authors(record.authors)
    journal, venue = split_venue(record.journal)
    return Prepared(
        index=index,
        id=record.id,
        uid=record.uid,
        source_id=record.source_id,
        title=title,
        markers=title_markers(title),
        generic=is_generic_title(title),
        families=tuple(f for f in (family_name(a) for a in authors) if f),
        first_author=frozenset(name_tokens(authors[0])) if authors else frozenset(),
        year=record.year,
        journal=journal_tokens(journal),
        venue=journal_tokens(venue),
        volume=volume_number(record.volume),
        issue=issue_number(record.issue),
        supplement="suppl" in volume_text or "abstract" in volume_text,
        supplement_number=supplement_number(volume_text),
        first_page=first,
        last_page=last,
        doi=normalise_doi(record.doi),
        pmid=(record.pmid or "").strip().lstrip("0"),
        registry_id=(record.registry_id or "").strip().upper(),
        kind=record_kind(record.record_type),
    )


def normalise_doi(doi: str | None) -> str:
    """Bare lower-case DOI as `canonical_doi` gives it (entities and
    percent-encoding decoded, a SICI DOI whole), or '' when it is not a usable
    DOI (`10.17705/1CAIS.`)."""
    if not doi or doi.strip().endswith("."):
        return ""  # a truncated DOI names a journal or a landing page, not a paper
    value = canonical_doi(doi)
    if not value or len(value.split("/", 1)[1]) < 3:
        return ""
    return value


def page_range(pages: str | None) -> tuple[str, str]:
    """(first, last) page with the last spelled out: `123-9` → (`123`, `129`)."""
    if not pages or _MONTHS.search(pages.replace("suppl", "")):
        return "", ""
    pieces = [p.strip() for p in pages.split(",") if p.strip()]
    if not pieces:
        return "", ""
    if len(pieces) > 1:  # `532, 534-536, 538-540`: from the first piece to the end of the last
        start, end = _PAGE_SPLIT.split(pieces[0])[0], _PAGE_SPLIT.split(pieces[-1])[-1]
        pages = f"{start}-{end}"
    parts = [p for p in _PAGE_SPLIT.split(pages.strip().lower()) if p]
    if not parts:
        return "", ""
    first, last = _page(parts[0]), _page(parts[1]) if len(parts) > 1 else ""
    if first.isdigit() and last.isdigit() and len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    return first.lstrip("0") or first, last.lstrip("0") or last


def _page(text: str) -> str:
    """`c37` and `e37` → `37` (a letter prefix some databases drop); `cd002273` stays."""
    page = re.sub(r"[^0-9a-z]", "", text.split(".")[0])
    stripped = page.lstrip("abcdefghijklmnopqrstuvwxyz")
    return stripped if stripped.isdigit() and len(page) - len(stripped) == 1 else page


def volume_number(volume: str | None) -> str:
    """The volume's leading number: `38 (Supplement 1)` → `38`.

    No number (`(Jul)`, `Ph.D.`) or the tail of a cut supplement note (`1)`,
    `A)` left of `(Suppl. 1)`) is no volume: it cannot tell two papers apart.
    """
    if not volume or _VOLUME_FRAGMENT.match(volume):
        return ""
    match = _DIGITS.search(volume)
    return match.group(0).lstrip("0") if match else ""


def supplement_number(volume_and_issue: str) -> str:
    """The supplement's number in a volume or issue (`59 Suppl. 1` → `1`), or ''."""
    match = _SUPPLEMENT_NUMBER.search(volume_and_issue.lower())
    return match.group(1).lstrip("0") if match else ""


def issue_number(issue: str | None) -> str:
    """`03` → `3`, `3-4` and `3/4` → `3-4`; anything else (`Suppl 1`, `Jan`,
    `Supplement_1`) is no number: databases disagree on those too often to
    tell two papers apart by them."""
    match = _ISSUE.fullmatch(issue.strip()) if issue else None
    if not match:
        return ""
    return "-".join(p.lstrip("0") or "0" for p in match.groups() if p)


def split_authors(authors: list[str]) -> list[str]:
    """Authors as a list, splitting one string that holds several."""
    if len(authors) != 1:
        return [a for a in authors if a.strip()]
    text = authors[0]
    for separator in (";", " and "):
        if separator in text:
            return [a.strip() for a in text.split(separator) if a.strip()]
    return [a for a in _GLUED_AUTHORS.split(text) if a.strip()]


def family_name(author: str) -> str:
    """The family name, whatever the order: `Smith, J.`, `Smith JA`, `J. Smith`."""
    author = author.strip()
    if "," in author:
        return _squash(author.split(",", 1)[0])
    tokens = [t.lstrip("-") for t in author.replace(".", ". ").split() if t.strip("-")]
    initial = [bool(_INITIALS.match(t)) for t in tokens]
    if all(initial):
        return ""
    if any(initial):
        # Names after the last initial are the family (`John A. Smith`, `J. Smith`);
        # with none after, the names before the first initial are (`Le Quintrec M`).
        last = max(n for n, is_initial in enumerate(initial) if is_initial)
        after = tokens[last + 1 :]
        family = after or tokens[: initial.index(True)]
        return _squash(" ".join(family))
    return _squash(tokens[-1])


def name_tokens(author: str) -> list[str]:
    """Every name token of two or more letters: matches either name order."""
    tokens = normalise_text(_JOINERS.sub("", _LOST_CHARACTER.sub("", author))).split()
    return [t for t in tokens if len(t) > 1]


def _squash(name: str) -> str:
    return normalise_text(_JOINERS.sub("", _LOST_CHARACTER.sub("", name))).replace(" ", "")


def title_markers(title: str) -> frozenset[str]:
    """Numbers (also `Part II`, `phase 2`) and a leading erratum/reply/comment word."""
    words = title.split()
    found: set[str] = set()
    for position, word in enumerate(words):
        if word.isdigit():
            found.add(word.lstrip("0") or "0")
        elif word in _ROMAN and position and words[position - 1] in _NUMBERED:
            found.add(_ROMAN[word])
    for prefix in _KIND_PREFIXES:
        if title == prefix or title.startswith(prefix + " "):
            found.add(f"kind:{prefix}")
            break
    return frozenset(found)


def is_generic_title(title: str) -> bool:
    return len(title) < 12 or title in GENERIC_TITLES or title.startswith("book review")


def split_venue(journal: str | None) -> tuple[str, str]:
    """(journal, meeting): `J Thromb Haemost.Conference: 23rd Congress …` names both."""
    if not journal:
        return "", ""
    parts = _CONFERENCE.split(journal, maxsplit=1)
    return (parts[0], parts[1]) if len(parts) == 2 else (journal, "")


def journal_tokens(journal: str | None) -> tuple[str, ...]:
    return tuple(t for t in normalise_text(journal).split() if t not in _JOURNAL_STOPWORDS)


def record_kind(record_type: str | None) -> str:
    text = (record_type or "").lower()
    if "regist" in text or "trial" in text:
        return "registration"
    if "conf" in text or "proceed" in text or "abstract" in text or "meeting" in text:
        return "conference"
    return "article"


def journals_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when one journal name abbreviates the other (ISO/NLM style).

    Each word of the shorter name must abbreviate a word of the longer, in
    order, starting with the first: `natl` abbreviates `national` (its letters
    appear in order and the first letters agree).
    """
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if not short or not _abbreviates(short[0], long[0]):
        return False
    position = 1
    for word in short[1:]:
        while position < len(long) and not _abbreviates(word, long[position]):
            position += 1
        if position == len(long):
            return False
        position += 1
    return True


_MEETING_WORDS = frozenset(
    {"proceedings", "proc", "conference", "conf", "annual", "international", "meeting",
     "symposium", "congress", "workshop"}
)  # fmt: skip
"""Words a meeting's name may carry or drop around its acronym (`AMCIS 2017 Proceedings`)."""


def acronym_of(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """True when `short` is an acronym of the name `long`, give or take a year
    and meeting words: `AMCIS 2017 Proceedings` names the `Americas Conference
    on Information Systems`, `HICSS` the `Hawaii International Conference on
    System Sciences`, `BMJ` the `British Medical Journal`.

    Every word of the long name but a meeting word must give the acronym its
    next letter by its initial, and may give more letters from inside it, in
    order (`AMcis`: `AMericas`); the acronym's letters must all be used.
    """
    core = [t for t in short if not t.isdigit() and t not in _MEETING_WORDS]
    words = tuple(t for t in long if not t.isdigit())
    if len(core) != 1 or len(words) < 2:
        return False
    letters = core[0]
    return len(letters) >= 3 and letters.isalpha() and _spells(letters, words, 0, 0)


def _spells(letters: str, words: tuple[str, ...], i: int, j: int) -> bool:
    """Whether `letters[i:]` is spelled by `words[j:]` (see `acronym_of`)."""
    if j == len(words):
        return i == len(letters)
    word = words[j]
    if word in _MEETING_WORDS and _spells(letters, words, i, j + 1):
        return True
    if i == len(letters) or letters[i] != word[0]:
        return False
    i, at = i + 1, 1
    while True:
        if _spells(letters, words, i, j + 1):
            return True
        found = word.find(letters[i], at) if i < len(letters) else -1
        if found < 0:
            return False
        i, at = i + 1, found + 1


def _abbreviates(short: str, long: str) -> bool:
    if len(short) > len(long):
        short, long = long, short
    if short[0] != long[0]:
        return False
    rest = iter(long[1:])
    return all(ch in rest for ch in short[1:])
