"""String-level parsers for the plain-text importer: citations, names, ids, language."""

from __future__ import annotations

import re
from typing import NamedTuple

from review.importers.base import find_doi, parse_year


def words(text: str) -> tuple[str, ...]:
    """Vocabulary tables written as one string each, split on spaces."""
    return tuple(text.split())


_YEAR = r"(?:1[89]|2[01])\d\d"

# `Br J Radiol. 2022 Sep 1;95(1138):20220548.` (PubMed / Vancouver) and the bare
# `2023;50(9):548-552` of journal pages that print the journal on its own line.
_VANCOUVER = re.compile(
    r"^(?:\d{1,5}\.\s+)?"
    r"(?:(?P<journal>[^\W\d_][^\d;|()\[\]]{0,150}?)[.,]?\s+)?"
    rf"(?P<year>{_YEAR})"
    r"(?:\s+[A-Za-z]{3,9}\.?(?:[-/][A-Za-z]{3,9}\.?)?(?:\s+\d{1,2}(?:-\d{1,2})?)?)?"
    r"\s*;\s*(?P<volume>[\w.-]*\w)?"
    r"(?:\s*\((?P<issue>[^()]{1,20})\))?"
    r"(?:\s*:\s*(?P<pages>\w[\w.]*(?:\s*[-–]\s*\w[\w.]*)?))?"
)
# `Volume 15 - 2024 | doi: …` (Frontiers), `Vol. 50, No. 9, pp. 548-552, 2023`.
_VOLUME = re.compile(
    r"\bvol(?:ume)?\.?\s*(?P<volume>\d+)\b"
    r"(?:\s*[,(]?\s*(?:no\.?|issue|iss\.?)\s*(?P<issue>[\w-]+)\)?)?",
    re.IGNORECASE,
)
_PAGES = re.compile(r"\bpp?\.\s*(?P<pages>\d+\s*[-–]\s*\d+)", re.IGNORECASE)
_CITATION_NOISE = re.compile(
    r"doi\s*:?\s*\S+|https?://\S+|\bepub\b.*$|\becollection\b.*$|\bpmid\b.*$", re.IGNORECASE
)
_WORD = re.compile(r"[^\W\d_]{2,}")


class Citation(NamedTuple):
    """What a citation line tells about where the record was published."""

    journal: str | None
    year: int | None
    volume: str | None
    issue: str | None
    pages: str | None
    doi: str | None


def parse_citation(text: str) -> Citation | None:
    """A citation line, or None when the line only happens to contain a year.

    The words left after the citation (bar DOIs and `Epub …`) must be few:
    a sentence like `In 2019; 45 patients (30%): …` is prose, not a source.
    """
    if len(text) > 400:
        return None
    match = _VANCOUVER.match(text)
    if match and (match["volume"] or match["issue"] or match["pages"]):
        journal = match["journal"]
        rest = _CITATION_NOISE.sub(" ", text[match.end() :])
        if len(_WORD.findall(rest)) <= 6 and (journal is None or len(journal.split()) <= 15):
            return Citation(
                journal.strip(" .,") if journal else None,
                int(match["year"]),
                match["volume"],
                match["issue"],
                match["pages"].replace(" ", "").rstrip(".") if match["pages"] else None,
                find_doi(text),
            )
    volume = _VOLUME.search(text)
    if volume and len(text.split()) <= 30:
        year = parse_year(_CITATION_NOISE.sub(" ", text))
        if year is not None:
            pages = _PAGES.search(text)
            return Citation(
                None,
                year,
                volume["volume"],
                volume["issue"],
                pages["pages"].replace(" ", "") if pages else None,
                find_doi(text),
            )
    return None


_JOURNAL_ABBREV = re.compile(r"^(?:[A-Z][\w&'-]*\.?,?\s*){1,8}$")


def looks_like_journal_abbrev(text: str) -> bool:
    """`Front. Immunol.`, `J. Clin. Oncol.`: capitalised words, at least one cut short."""
    return bool(_JOURNAL_ABBREV.match(text)) and "." in text and not any(c.isdigit() for c in text)


# ---------------------------------------------------------------- names

_AFFILIATION_MARKS = re.compile(r"\(\s*[\d,\s-]+\)|\[\s*[\d,\s-]+\]|[\d*†‡§¶#✉⁰¹²³⁴⁵⁶⁷⁸⁹]+")
_AND = re.compile(r"\s+(?:and|&)\s+|[、，]")
_BYLINE = re.compile(r"^by\s+", re.IGNORECASE)
_PARTICLES = frozenset(
    words("van von de der den da di du del della des le la los las dos das y bin ibn al el")
)
_NOT_NAMES = frozenset(
    words("the a an of in on for with and to at by from is are was were this that vs")
)
_NAME_TOKEN = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-Ž][\w'’.-]*$")
_CJK_NAME = re.compile(r"^[\u4e00-\u9fff]{2,4}$")
_UPPER_WORD = re.compile(r"^[A-ZÀ-ÖØ-ÞĀ-Ž][A-ZÀ-ÖØ-ÞĀ-Ž'’-]+$")
_INITIALS = re.compile(r"^(?:[A-Z]\.?-?){1,3}$")
_LETTERS = re.compile(r"[^\W\d_]+")
_VOWEL = re.compile("[AEIOUY]")


def split_names(text: str) -> list[str]:
    """Names from an author line, affiliation numbers and separators removed.

    `;` separates names when present (so `Cui, Tenglu; Lyu, Lu` keeps its
    commas); otherwise `,`; a final `and`/`&` separates too.
    """
    text = _BYLINE.sub("", text.strip())
    parts = text.split(";") if ";" in text else text.split(",")
    names: list[str] = []
    for part in parts:
        for piece in _AND.split(part):
            name = " ".join(_AFFILIATION_MARKS.sub(" ", piece).split()).strip(" .,:")
            if _LETTERS.search(name):
                names.append(name)
    return names


def _name_like(name: str) -> bool:
    if _CJK_NAME.match(name):
        return True
    tokens = name.split()
    if not 2 <= len(tokens) <= 5:
        return False
    for token in tokens:
        if token.lower() in _NOT_NAMES:
            return False
        if not (_NAME_TOKEN.match(token) or token in _PARTICLES):
            return False
    return True


def author_list(text: str) -> list[str] | None:
    """The names of an unlabelled author line, or None when it is not one.

    Strict on purpose: at least two names (or a `By …` byline), each two to
    five capitalised words, so keyword lists and headings are not taken.
    """
    if len(text) > 2000 or (text.rstrip().endswith((".", ":", "?", "!")) and "," not in text):
        return None
    names = split_names(text)
    enough = len(names) >= 2 or (len(names) == 1 and bool(_BYLINE.match(text)))
    if enough and all(_name_like(name) for name in names):
        return format_names(names)
    return None


def format_names(names: list[str]) -> list[str]:
    """Names of one author list in `Family, Given` form where the list allows it.

    `Tenglu CUI` and MEDLINE's `Roux CA` look alike; the list decides
    together: an upper-case word of three or more letters with a vowel
    (CUI, LYU) anywhere in it marks upper-case family names, otherwise
    trailing capitals are initials.
    """
    upper_family = any(_upper_family_word(name) for name in names)
    return [format_name(name, upper_family=upper_family) for name in names]


def _upper_family_word(name: str) -> bool:
    return any(
        _UPPER_WORD.match(token) and len(token) >= 3 and _VOWEL.search(token)
        for token in name.split()
    )


def format_name(name: str, *, upper_family: bool | None = None) -> str:
    """`Tenglu CUI` → `Cui, Tenglu`; `Roux C` → `Roux, C`; otherwise as given.

    Only an upper-case family name or trailing initials tell which part is
    the family name; `Charles Roux` stays as it is rather than be guessed at.
    """
    tokens = name.split()
    if len(tokens) < 2 or "," in name:
        return name
    if upper_family is None:
        upper_family = _upper_family_word(name)
    upper = [bool(_UPPER_WORD.match(t)) for t in tokens]
    if upper_family and upper[-1] and not all(upper):
        cut = len(upper) - upper[::-1].index(False)
        return f"{_title_case(' '.join(tokens[cut:]))}, {' '.join(tokens[:cut])}"
    lead = upper.index(False) if not all(upper) else len(upper)
    if upper_family and lead and not any(upper[lead:]):
        return f"{_title_case(' '.join(tokens[:lead]))}, {' '.join(tokens[lead:])}"
    if _INITIALS.match(tokens[-1]) and not _INITIALS.match(tokens[0]):
        return f"{' '.join(tokens[:-1])}, {tokens[-1]}"
    return name


def _title_case(text: str) -> str:
    return _LETTERS.sub(lambda m: m[0].capitalize(), text)


# ---------------------------------------------------------------- keywords

_KEYWORD_SEP = re.compile(r"[;；]")
_KEYWORD_COMMA = re.compile(r"[,，、]")


def split_keywords(lines: list[str]) -> list[str]:
    """Keywords from a block: `;` first, else one per line, else `,`."""
    joined = " ".join(lines)
    if _KEYWORD_SEP.search(joined):
        parts = _KEYWORD_SEP.split(joined)
    elif len(lines) > 1:
        parts = lines
    else:
        parts = _KEYWORD_COMMA.split(joined)
    seen: dict[str, str] = {}
    for part in parts:
        keyword = " ".join(part.split()).strip(" .*")
        if _LETTERS.search(keyword):
            seen.setdefault(keyword.casefold(), keyword)
    return list(seen.values())


# ---------------------------------------------------------------- registry ids

_REGISTRY_ID = re.compile(
    r"\b(NCT\d{8}|ChiCTR[-A-Z]*\d{6,}|ISRCTN\s?\d{8}|ACTRN\d{14}|DRKS\d{8}|PACTR\d{15}"
    r"|CTRI/\d{4}/\d{2,3}/\d{6}|UMIN\d{9}|jRCT[a-z]?\d{7,10}|KCT\d{7}|IRCT\d+N\d+"
    r"|TCTR\d{11}|EUCTR\d{4}-\d{6}-\d{2}|JPRN-[A-Za-z]+\d+)\b"
)


def registry_ids(text: str) -> list[str]:
    """Trial registration numbers in order of appearance, each once."""
    found: dict[str, None] = {}
    for match in _REGISTRY_ID.finditer(text):
        found.setdefault(match.group(1).replace(" ", ""), None)
    return list(found)


# ---------------------------------------------------------------- language

_LANGUAGE_NAMES = {
    **dict.fromkeys(("english", "eng", "en", "英文", "英语"), "en"),
    **dict.fromkeys(("chinese", "chi", "zho", "zh", "中文", "汉语"), "zh"),
    **dict.fromkeys(("french", "fre", "fra", "fr"), "fr"),
    **dict.fromkeys(("german", "ger", "deu", "de"), "de"),
    **dict.fromkeys(("spanish", "spa", "es"), "es"),
    **dict.fromkeys(("japanese", "jpn", "ja"), "ja"),
    **dict.fromkeys(("korean", "kor", "ko"), "ko"),
    **dict.fromkeys(("russian", "rus", "ru"), "ru"),
    **dict.fromkeys(("portuguese", "por", "pt"), "pt"),
    **dict.fromkeys(("italian", "ita", "it"), "it"),
}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ɏ]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_STOPWORDS = {
    "en": frozenset(words("the and of with in to is for was were that this")),
    "fr": frozenset(words("le la les des et du une est dans pour sur")),
    "de": frozenset(words("der die und das mit von ist nicht den zu bei")),
    "es": frozenset(words("el los las del y con por una para se que")),
}
_LOWER_WORD = re.compile(r"[a-zà-ÿ]+")


def language_code(value: str) -> str | None:
    """`Chinese`, `chi`, `zh-CN` → `zh`; None for names not in the short list."""
    match = re.match(r"[^\W\d_]+", value.strip().casefold())
    return _LANGUAGE_NAMES.get(match.group(0)) if match else None


def script(text: str) -> str:
    """The writing system that carries most of the text: cjk, cyrillic, latin or none.

    One Han character carries about a word, so it weighs as four Latin letters.
    The first 4,000 characters decide: enough for a script, cheap for a book.
    """
    text = text[:4000]
    cjk = len(_HAN.findall(text)) + len(_KANA.findall(text)) + len(_HANGUL.findall(text))
    latin = len(_LATIN.findall(text))
    cyrillic = len(_CYRILLIC.findall(text))
    if cjk and cjk * 4 >= max(latin, cyrillic):
        return "cjk"
    if cyrillic > latin:
        return "cyrillic"
    return "latin" if latin else "none"


def detect_language(text: str) -> str | None:
    """A language code from the script, and for Latin text from common words."""
    text = text[:20_000]
    kind = script(text)
    if kind == "cjk":
        han, kana = len(_HAN.findall(text)), len(_KANA.findall(text))
        if kana and kana * 10 >= han:
            return "ja"
        return "ko" if len(_HANGUL.findall(text)) > han else "zh"
    if kind == "cyrillic":
        return "ru"
    if kind != "latin":
        return None
    counts = dict.fromkeys(_STOPWORDS, 0)
    for word in _LOWER_WORD.findall(text.lower()):
        for code, words in _STOPWORDS.items():
            if word in words:
                counts[code] += 1
    best = max(counts, key=lambda code: counts[code])
    return best if counts[best] >= 2 else None
