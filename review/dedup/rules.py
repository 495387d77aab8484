"""Rules: certain, probable or distinct, read from a pair's evidence.

A false merge silently loses a study, so `certain` needs either an
identifier both records share *and* titles that agree, or agreement on every
bibliographic field present with enough of them present. Anything doubtful
is `probable` and goes to a reviewer. Each rule has a name; the name is
stored with every merge it makes.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from review.dedup.model import Decision, Evidence
from review.dedup.scoring import COMPATIBLE, DIFFERENT, MISSING, ONLINE_FIRST, SAME
from review.dedup.weights import Weights, shipped_weights, total

AGREES = (SAME, COMPATIBLE)
NOT_DIFFERENT = (SAME, COMPATIBLE, MISSING)

RULES = {
    "same-doi": "same DOI, titles agree, years within one",
    "same-doi-misread-pages": "same DOI, identical title, authors and year; pages misread",
    "same-pmid": "same PubMed id, titles agree, years within one",
    "same-registry-id": "two registrations of the same trial id",
    "exact-metadata": "identical title, year, first author and first page",
    "metadata": "near-identical title, same year and first author, journal, volume and pages agree",
    "title-authors-year": "identical long title, same authors and year (a journal on both, or "
    "two or more authors), nothing conflicts",
    "online-first": "same title, first author, volume and pages; years one apart",
    "same-volume": "same title, authors, journal and volume, no pages; years one apart",
    "same-location": "same year, volume, first page and first author; titles agree",
    "two-dois-same-location": "two DOIs (a legacy and a current one), but the same title, "
    "first author, journal, year, volume, issue and first page",
    "same-item": "same journal, year, volume, issue, first page and first author; titles agree "
    "but for a leading `Erratum:` or `Reply:` one database dropped",
    "printed-twice": "same journal, year, volume and issue (or two single pages), near-identical "
    "title and the same authors at two places: one abstract printed twice",
    "ahead-of-print": "an online-first version (no volume or issue, pages 1-N) and the "
    "printed article: same journal, title and authors, years within one",
    "weighted-evidence": "no rule decided; the fields' summed weights reach the fitted cut-off "
    "and nothing conflicts",
}
"""Automatic rules, by the name stored in dedup events."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """How similar titles and author lists must be for the certain rules.

    `benchmarks/dedup_bench.py` fits these on the labelled sets with each set
    left out in turn and reports the figures on the set left out; the
    defaults are the values those fits agree on.
    """

    identifier_title: float = 0.9
    """Same DOI or PubMed id: the titles must agree this much."""
    location_title: float = 0.9
    """`same-location`: same year, volume, first page and first author."""
    metadata_title: float = 0.95
    """`metadata`, `online-first`, `same-volume`: no identifier, no locator proof."""
    metadata_authors: float = 0.9
    """Author lists' similarity where the rules ask for it besides the title."""
    model: Weights = field(default_factory=shipped_weights)
    """Per-field weights and cut-offs deciding the pairs no rule decides (`weights.py`)."""


THRESHOLDS = Thresholds()


def decide(e: Evidence, t: Thresholds = THRESHOLDS) -> tuple[Decision, str]:
    """The decision and the name of the rule (or the reason) behind it: the
    rules and vetoes first, then the fitted weights for what they leave open."""
    return rule_decision(e, t) or weighed(e, t.model)


def weighed(e: Evidence, weights: Weights) -> tuple[Decision, str]:
    """The model's decision: merge at or above `certain_at` when nothing speaks
    against it (`unopposed`) and no conflict rule holds the pair apart; ask at
    or above `ask_at`; else distinct. The weights rank and sort the doubtful
    pairs; they never outvote a field that differs."""
    summed = total(e, weights)
    if summed >= weights.certain_at and unopposed(e) and not conflicting(e):
        return Decision.CERTAIN, "weighted-evidence"
    if summed >= weights.ask_at:
        return Decision.PROBABLE, f"weighted evidence {summed:+.1f}"
    return Decision.DISTINCT, f"weighted evidence {summed:+.1f}"


def rule_decision(e: Evidence, t: Thresholds = THRESHOLDS) -> tuple[Decision, str] | None:
    """What the identifier and metadata rules and the vetoes decide, or None
    when none of them applies and the weights decide."""
    titles_agree = e.title >= t.identifier_title and titled_alike(e)
    years_close = e.year_gap is None or e.year_gap <= 1
    if another_item(e):
        return Decision.DISTINCT, "same journal and year, another volume, issue or page"
    if another_venue(e):
        return Decision.DISTINCT, "printed in another journal, at another volume or page"
    if e.registry_id == DIFFERENT:  # one sponsor's trials, titles alike: never one study
        return Decision.DISTINCT, "registrations of different trials"
    if e.doi == SAME:
        if titles_agree and years_close and e.pmid != DIFFERENT and e.pages != DIFFERENT:
            return Decision.CERTAIN, "same-doi"
        if e.pmid != DIFFERENT and misread_pages(e):
            return Decision.CERTAIN, "same-doi-misread-pages"
        if e.title >= 0.6 or (e.first_author in AGREES and e.year == SAME):
            return Decision.PROBABLE, "same DOI, other fields differ"
        return Decision.DISTINCT, "same DOI but different papers"
    if e.pmid == SAME:
        if titles_agree and years_close and e.doi in NOT_DIFFERENT:
            return Decision.CERTAIN, "same-pmid"
        return Decision.PROBABLE, "same PubMed id, other fields differ"
    if e.registry_id == SAME and e.record_type == SAME and e.title >= 0.5:
        return Decision.CERTAIN, "same-registry-id"
    if e.doi == DIFFERENT and e.pmid != DIFFERENT and one_item_two_dois(e, t):
        return Decision.CERTAIN, "two-dois-same-location"
    if e.doi == DIFFERENT or e.pmid == DIFFERENT:
        if titles_agree and e.first_author in AGREES and e.year == SAME:
            return Decision.PROBABLE, "similar, but identifiers differ"
        return Decision.DISTINCT, "different identifiers"
    rule = metadata_certain(e, t)
    if rule is not None:
        return Decision.CERTAIN, rule
    return None


def titled_alike(e: Evidence) -> bool:
    """The same numbers in both titles, and both or neither an erratum/reply/…"""
    return e.title_numbers == SAME and e.title_kind == SAME


def unopposed(e: Evidence) -> bool:
    """Titles that agree (≥ 85 %, same numbers), not generic, and no field that
    differs: the only pairs the weights alone may merge. Two titles far apart
    at one location stay a reviewer's question, however much else agrees."""
    against = (e.journal, e.volume, e.issue, e.pages, e.first_author, e.year, e.record_type)
    return e.title >= 0.85 and titled_alike(e) and not e.generic_title and DIFFERENT not in against


def same_item(e: Evidence) -> bool:
    """One item of one issue (same first page), one database keeping a leading
    `Erratum:` the other dropped: the titles' kind words differ, nothing else."""
    return (
        e.journal in AGREES
        and e.year == SAME
        and e.volume == SAME
        and e.issue == SAME
        and e.pages == SAME
        and e.first_author in AGREES
        and e.title >= 0.85
        and e.title_numbers == SAME
        and not e.generic_title
    )


def another_item(e: Evidence) -> bool:
    """Same journal and year but another volume, issue or first page: another
    item of the serial, whatever the title says (a recurring `Editor's
    comments`, a `Correction` in every issue). A shared DOI or PubMed id
    outweighs it: then a locator is the record's error."""
    if e.doi == SAME or e.pmid == SAME or e.journal not in AGREES or printed_twice(e):
        return False
    elsewhere = e.pages == DIFFERENT and e.page_range
    if e.year != SAME:
        # Another year: another volume *and* page range (an abstract and the
        # article a year later, a yearly column); online-first keeps its pages.
        return e.year_gap is not None and e.volume == DIFFERENT and elsewhere
    if elsewhere:
        return True
    if e.supplement:  # its number is written as the volume or the issue by some databases
        return False
    return e.volume == DIFFERENT or other_issue(e)


def another_venue(e: Evidence) -> bool:
    """Another journal *and* another volume or page range: two publications
    (one guideline printed in two journals, an abstract and the article in
    another journal), however alike their titles. A journal name alone is no
    proof (not every abbreviation is matched to its full name), so the
    locators must differ too; a shared DOI or PubMed id outweighs it."""
    if e.doi == SAME or e.pmid == SAME or e.journal != DIFFERENT:
        return False
    return e.volume == DIFFERENT or (e.pages == DIFFERENT and e.page_range)


def other_issue(e: Evidence) -> bool:
    """Another issue number, unless a page range starting on the same page
    says it is one item (a database wrote the wrong issue)."""
    return e.issue == DIFFERENT and not (e.pages in AGREES and e.page_range)


def conflicting(e: Evidence) -> bool:
    """Two records that must not share a group, whatever links them through others."""
    # One page range in one volume and year is one paper, whatever its title
    # variant says (`Can liver-kidney transplantation cure aHUS?` with a prefix).
    same_place = e.volume == SAME and e.pages == SAME and e.page_range and e.year == SAME
    return (
        (e.doi == DIFFERENT and not one_item_two_dois(e))
        or e.pmid == DIFFERENT
        or e.registry_id == DIFFERENT
        or e.title_numbers == DIFFERENT
        or (e.title_kind == DIFFERENT and not same_item(e))
        or another_item(e)
        or another_venue(e)
        or (e.year_gap is not None and e.year_gap > 1)
        or (e.title < 0.8 and e.doi != SAME and not same_place)
        or (e.first_author == DIFFERENT and not (e.doi == SAME and e.title >= 0.9))
        or (e.pages == DIFFERENT and not misread_pages(e) and not printed_twice(e))
    )


def printed_twice(e: Evidence, t: Thresholds = THRESHOLDS) -> bool:
    """One abstract printed at two places of one issue (`e3` and `e8-e9`): the
    same journal, year, volume and issue, a near-identical title with the same
    numbers and kind, and the same author list of two or more. An issue
    prints each item once; an erratum or reply there has its own title word or
    other authors, and a recurring column a generic title. Ranges that overlap
    or meet are one printing with a mistyped range, which the page relation
    decides, not this rule. Without an issue, two single pages in one volume
    (a meeting's abstracts) will do; a page range may be the full article."""
    return (
        e.pages == DIFFERENT
        and not e.pages_touch
        and e.journal in AGREES
        and e.year == SAME
        and e.volume == SAME
        and (e.issue == SAME or (e.issue == MISSING and not e.page_range))
        and same_paper_unidentified(e, t)
    )


def same_paper_unidentified(e: Evidence, t: Thresholds = THRESHOLDS) -> bool:
    """What two printings of one paper share when the locators cannot say:
    a near-identical, specific title, the same first author and an author list
    of two or more alike, one record type, and no identifier that differs."""
    return (
        e.title >= t.metadata_title
        and titled_alike(e)
        and not e.generic_title
        and e.first_author == SAME
        and e.author_count >= 2
        and e.authors >= t.metadata_authors
        and e.record_type == SAME
        and e.doi in NOT_DIFFERENT
        and e.pmid in NOT_DIFFERENT
    )


def one_item_two_dois(e: Evidence, t: Thresholds = THRESHOLDS) -> bool:
    """One article under a legacy publisher DOI and its current one: every
    locator agrees, so the DOIs differ by the publisher's history, not the paper.
    Without a volume on one side, the title and an author list of two or more
    must be word for word and the first page the same: then one record carries a DOI that is
    not its own (another journal's, on an abstract)."""
    located = e.volume == SAME or (
        e.volume == MISSING
        and e.title == 1.0
        and e.author_count >= 2
        and e.authors >= 0.95
        and e.pages == SAME
    )
    return (
        e.doi == DIFFERENT
        and e.title >= t.metadata_title
        and titled_alike(e)
        and not e.generic_title
        and e.first_author in AGREES
        and e.year == SAME
        and e.journal in AGREES
        and located
        and e.issue in NOT_DIFFERENT
        and e.pages in AGREES
        and e.record_type == SAME
    )


def ahead_of_print(e: Evidence, t: Thresholds = THRESHOLDS) -> bool:
    """The online-first version of an article (no volume or issue, its PDF's
    pages `1-17`, often dated the year before) and the printed one: the same
    journal, a near-identical title and the same author list of two or more,
    years within one, and no identifier that differs."""
    return (
        e.pages == ONLINE_FIRST
        and e.journal in AGREES
        and e.year_gap is not None
        and e.year_gap <= 1
        and same_paper_unidentified(e, t)
    )


def misread_pages(e: Evidence) -> bool:
    """Same DOI, word-for-word title and authors, same year: pages that differ
    (`i428` / `1428`) were misread. A DOI shared by a whole supplement's
    abstracts comes with other titles or other authors, and stays apart."""
    return (
        e.doi == SAME
        and e.title == 1.0
        and titled_alike(e)
        and e.authors >= 0.95
        and e.first_author == SAME
        and e.year == SAME
        and e.journal in NOT_DIFFERENT
    )


def metadata_certain(e: Evidence, t: Thresholds = THRESHOLDS) -> str | None:
    """The name of the metadata rule that makes the pair certain, if any."""
    if e.generic_title or e.title_numbers != SAME or e.record_type != SAME:
        return None
    if e.title_kind != SAME:
        return "same-item" if same_item(e) else None
    if e.first_author not in AGREES or e.doi == COMPATIBLE:
        return None
    if other_issue(e):
        return None
    if printed_twice(e, t):
        return "printed-twice"
    if ahead_of_print(e, t):
        return "ahead-of-print"
    located = e.volume == SAME and e.pages in AGREES
    if (
        located
        and e.year == SAME
        and (e.title >= t.location_title or (e.page_range and e.title >= 0.7))
    ):
        return "same-location"
    if located and e.year_gap == 1 and e.title >= t.metadata_title and e.journal in AGREES:
        return "online-first"
    if (
        e.volume == SAME
        and e.pages == MISSING
        and e.year_gap == 1
        and e.journal == SAME
        and e.title >= t.metadata_title
        and e.authors >= t.metadata_authors
    ):
        # One volume is one year's: a year off by one is the record's error, not a second paper.
        return "same-volume"
    fields_agree = e.journal in NOT_DIFFERENT and e.volume != DIFFERENT and e.pages != DIFFERENT
    if not fields_agree or e.year != SAME:
        return None
    if e.title == 1.0 and e.pages in AGREES:
        return "exact-metadata"
    if e.title >= t.metadata_title and (
        e.pages in AGREES
        or (e.volume == SAME and e.journal in AGREES)
        or (e.authors >= t.metadata_authors and e.journal in AGREES)
    ):
        return "metadata"
    # The same long title by the same two or more authors in one year, with
    # nothing against it: one record lacking its venue (or DOI) is the same paper.
    named = e.journal != MISSING or e.author_count >= 2
    if e.title == 1.0 and e.authors >= 0.95 and named and not e.generic_title:
        return "title-authors-year"
    return None


def score(e: Evidence) -> float:
    """A 0..1 ordering of pairs: the queue shows the likeliest first."""
    agreement = [
        rel in AGREES
        for rel in (e.year, e.journal, e.volume, e.pages, e.first_author, e.doi)
        if rel != MISSING
    ]
    fields = sum(agreement) / len(agreement) if agreement else 0.5
    return round(0.55 * e.title + 0.2 * e.authors + 0.25 * fields, 4)
