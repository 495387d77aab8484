"""Scoring: the per-field evidence for one candidate pair.

Title and author similarity come from rapidfuzz; everything else is a
relation (`same`, `compatible`, `different`, `missing`) that the rules and
the duplicates screen read alike.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache

from rapidfuzz import fuzz

from review.dedup.model import Evidence
from review.dedup.normalise import Prepared, acronym_of, journals_compatible

SAME, COMPATIBLE, DIFFERENT, MISSING = "same", "compatible", "different", "missing"
ONLINE_FIRST = "online-first"
"""Pages only: one record is the online-first version, paginated 1-N with no
volume or issue yet, the other the printed article: its pages say nothing."""
_VERSION = re.compile(r"\.(?:pub|v)\d+$")


def compare(a: Prepared, b: Prepared) -> Evidence:
    a, b = unshift(a, b), unshift(b, a)
    return Evidence(
        title=title_similarity(a.title, b.title),
        title_numbers=SAME if _numbers(a) == _numbers(b) else DIFFERENT,
        title_kind=SAME if _kinds(a) == _kinds(b) else DIFFERENT,
        title_words=min(len(a.title.split()), len(b.title.split())),
        first_author=_first_author(a, b),
        authors=_authors(a, b),
        author_count=min(len(a.families), len(b.families), 8),
        year=_relation(a.year, b.year),
        year_gap=abs(a.year - b.year) if a.year and b.year else None,
        journal=_venue(a, b),
        volume=_volume(a, b),
        issue=_issue(a, b),
        supplement=a.supplement or b.supplement,
        pages=_pages(a, b),
        page_range=any(p.last_page and p.last_page != p.first_page for p in (a, b)),
        single_page=any(p.first_page and p.last_page in ("", p.first_page) for p in (a, b)),
        pages_touch=pages_touch(a, b),
        doi=_doi(a.doi, b.doi),
        pmid=_relation(a.pmid, b.pmid),
        # A trial id in an article's abstract names the trial, not the report.
        registry_id=_relation(a.registry_id, b.registry_id)
        if a.kind == b.kind == "registration"
        else MISSING,
        record_type=SAME if a.kind == b.kind else DIFFERENT,
        generic_title=a.generic or b.generic,
    )


def unshift(a: Prepared, b: Prepared) -> Prepared:
    """`a` with its locators moved back when an export lost its volume and slid
    the rest one field up: volume `` issue `26` pages `9` against volume `26`
    issue `9` pages `1746` is volume 26, issue 9, pages unknown. Both numbers
    must line up, so a coincidence is unlikely; otherwise `a` as it is."""
    if a.volume or not a.issue or a.last_page not in ("", a.first_page):
        return a
    if a.issue != b.volume or not b.issue or a.first_page != b.issue:
        return a
    return replace(a, volume=a.issue, issue=a.first_page, first_page="", last_page="")


def title_similarity(a: str, b: str) -> float:
    if not a or not b:
        return 0.0
    if a == b:
        return 1.0
    if len(a) > 30 and len(b) > 30 and (a.startswith(b) or b.startswith(a)):
        return 0.95  # one database kept the subtitle, the other dropped it
    return round(fuzz.ratio(a, b) / 100, 4)


def _kinds(p: Prepared) -> frozenset[str]:
    return frozenset(m for m in p.markers if m.startswith("kind:"))


def _numbers(p: Prepared) -> frozenset[str]:
    return frozenset(m for m in p.markers if not m.startswith("kind:"))


def pages_touch(a: Prepared, b: Prepared) -> bool:
    """One page range overlaps the other or starts on the page after it ends:
    `943-945` / `945`, `943-944` / `945` (a letter and the reply printed after it)."""
    spans = []
    for p in (a, b):
        first, last = p.first_page, p.last_page or p.first_page
        if not (first.isdigit() and last.isdigit()) or int(last) < int(first):
            return False
        spans.append((int(first), int(last)))
    (a_lo, a_hi), (b_lo, b_hi) = spans
    return a_lo <= b_hi + 1 and b_lo <= a_hi + 1


def _relation(a: object, b: object) -> str:
    if not a or not b:
        return MISSING
    return SAME if a == b else DIFFERENT


def _volume(a: Prepared, b: Prepared) -> str:
    """The volumes' relation; `missing` when one record's volume is the other's
    supplement number (`1` against `59 Suppl. 1`): a database wrote the
    supplement as the volume, so the volume is unknown, not another."""
    relation = _relation(a.volume, b.volume)
    if relation == DIFFERENT and (
        b.volume == a.supplement_number or a.volume == b.supplement_number
    ):
        return MISSING
    return relation


def _doi(a: str, b: str) -> str:
    """`compatible` for two versions of one DOI (Cochrane `.pub2` / `.pub3`)."""
    if not a or not b:
        return MISSING
    if a == b:
        return SAME
    return COMPATIBLE if _VERSION.sub("", a) == _VERSION.sub("", b) else DIFFERENT


def _first_author(a: Prepared, b: Prepared) -> str:
    if not a.first_author or not b.first_author:
        return MISSING
    if a.first_author & b.first_author:
        return SAME
    # A typo or transliteration in the family name: `Quintrec` / `Quintrecc`.
    best = max(fuzz.ratio(x, y) for x in a.first_author for y in b.first_author)
    return COMPATIBLE if best >= 88 else DIFFERENT


def _authors(a: Prepared, b: Prepared) -> float:
    if not a.families or not b.families:
        return 0.0
    # Lists get truncated (`et al.`, 6 authors in MEDLINE once): compare the
    # overlap of the first few, not the whole lists.
    n = min(len(a.families), len(b.families), 8)
    left, right = " ".join(a.families[:n]), " ".join(b.families[:n])
    return round(fuzz.token_sort_ratio(left, right) / 100, 4)


@lru_cache(maxsize=1 << 16)
def _journal(a: tuple[str, ...], b: tuple[str, ...]) -> str:
    """The journal names' relation, worked out once per pair of names: a few
    thousand journals meet in hundreds of thousands of candidate pairs."""
    if not a or not b:
        return MISSING
    if a == b:
        return SAME
    if journals_compatible(a, b) or acronym_of(a, b) or acronym_of(b, a):
        return COMPATIBLE
    return DIFFERENT


def _venue(a: Prepared, b: Prepared) -> str:
    """The journals' relation; a meeting named as a journal matches its journal's record."""
    relation = _journal(a.journal, b.journal)
    if relation != DIFFERENT:
        return relation
    if (a.venue and a.venue in (b.journal, b.venue)) or (b.venue and b.venue == a.journal):
        return COMPATIBLE
    return DIFFERENT


def _issue(pa: Prepared, pb: Prepared) -> str:
    """`compatible` when one is a double issue holding the other (`3-4` / `4`),
    or one record's issue is the other's article number (`791` in the wrong field)."""
    a, b = pa.issue, pb.issue
    if not a or not b:
        return MISSING
    if a == b:
        return SAME
    if "-" in a or "-" in b:
        ranges = [tuple(int(n) for n in x.split("-")) for x in (a, b)]
        (a_lo, a_hi), (b_lo, b_hi) = ((r[0], r[-1]) for r in ranges)
        if a_lo <= b_hi and b_lo <= a_hi:
            return COMPATIBLE
    if a == pb.first_page or b == pa.first_page:
        return COMPATIBLE
    return DIFFERENT


def _pages(a: Prepared, b: Prepared) -> str:
    if not a.first_page or not b.first_page:
        return MISSING
    if a.first_page != b.first_page and (_online_first(a, b) or _online_first(b, a)):
        return ONLINE_FIRST
    if a.first_page != b.first_page:
        # `2141-2147` and `2142-2147`: one range ends where the other does, its start mistyped.
        ranged = a.last_page not in ("", a.first_page) and b.last_page not in ("", b.first_page)
        return COMPATIBLE if ranged and a.last_page == b.last_page else DIFFERENT
    if a.last_page and b.last_page and a.last_page != b.last_page:
        return COMPATIBLE  # same start, one range cut or mistyped
    return SAME


def _online_first(a: Prepared, b: Prepared) -> bool:
    """`a` is an online-first version (no volume or issue yet, pages `1-17` of
    its own PDF) of what `b`, with a volume, may be the printed article of."""
    return (
        not a.volume
        and not a.issue
        and a.first_page == "1"
        and a.last_page not in ("", "1")
        and bool(b.volume)
    )
