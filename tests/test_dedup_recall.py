"""Evidence that joins records the earlier rules left apart, and what it must not join.

Each case is modelled on a pair from the labelled sets: a meeting named by
its acronym in one database (AMCIS), one abstract printed twice in one issue
(`e3` and `e8-e9`), an abstract carrying another journal's DOI beside a
supplement number written as the volume. Each has its trap beside it.
"""

from __future__ import annotations

import pytest

from review.dedup import Decision, DedupRecord, find_duplicates
from review.dedup.normalise import acronym_of, journal_tokens, prepare, supplement_number
from review.dedup.pipeline import judge
from review.dedup.rules import conflicting
from review.dedup.scoring import compare
from tests.test_dedup_conflicts import assert_no_group_holds_a_conflict


def _record(n: int, title: str, **fields: object) -> DedupRecord:
    return DedupRecord(id=n, uid=f"u{n}", key=f"k{n}", source_id=n, title=title,
                       **fields)  # type: ignore[arg-type]  # fmt: skip


def _judged(a: DedupRecord, b: DedupRecord) -> tuple[Decision, str]:
    judged = judge(prepare(a, 0), prepare(b, 1))
    return judged.decision, judged.rule


# -- a meeting's acronym --------------------------------------------------------


@pytest.mark.parametrize(
    ("short", "long"),
    [("Amcis 2017 Proceedings", "Americas Conference on Information Systems"),
     ("HICSS", "Proceedings of the Annual Hawaii International Conference on System Sciences"),
     ("ECIS 2019", "European Conference on Information Systems"),
     ("BMJ", "British Medical Journal"),
     ("JAMA", "Journal of the American Medical Association")],
)  # fmt: skip
def test_an_acronym_names_its_venue(short: str, long: str) -> None:
    assert acronym_of(journal_tokens(short), journal_tokens(long))


@pytest.mark.parametrize(
    ("short", "long"),
    [("ICIS 2017", "Americas Conference on Information Systems"),  # another meeting
     ("AMCIS", "European Conference on Information Systems"),
     ("Stroke", "Scandinavian Journal of Neurology"),  # a one-word journal is no acronym
     ("Amcis 2017 Proceedings", "Information Systems")],  # letters left over
)  # fmt: skip
def test_other_venues_are_not_acronyms(short: str, long: str) -> None:
    assert not acronym_of(journal_tokens(short), journal_tokens(long))


TRUST = ("How Consumers Perceive Trustworthiness of Providers in Sharing Economy - "
         "Effects of Photos and Comments on Demand")  # fmt: skip


def test_one_paper_under_a_meeting_and_its_acronym_merges() -> None:
    full = _record(1, TRUST, authors=["Deng, Chaoqun", "Ravichandran, Thiagarajan"], year=2017,
                   journal="Americas Conference on Information Systems",
                   record_type="inproceedings")  # fmt: skip
    short = _record(2, TRUST.replace(" - ", ": "), authors=["Deng, Chaoqun", "Ravichandran, T."],
                    year=2017, journal="Amcis 2017 Proceedings",
                    record_type="inproceedings")  # fmt: skip
    assert compare(prepare(full, 0), prepare(short, 1)).journal == "compatible"
    assert _judged(full, short)[0] is Decision.CERTAIN
    # the same title at the meeting a year later is another paper's
    later = _record(3, TRUST, authors=["Deng, Chaoqun"], year=2018, journal="AMCIS 2018",
                    record_type="inproceedings")  # fmt: skip
    assert _judged(full, later)[0] is not Decision.CERTAIN


# -- one abstract printed twice in one issue --------------------------------------

AMANTADINE = (
    "Amantadine hydrochloride for treatment of symptoms of the posttraumatic "
    "confusional state: a randomized, double-blind, placebo-controlled study"
)
ISSUE = {"journal": "Archives of Physical Medicine and Rehabilitation", "volume": "91",
         "issue": "10", "year": 2010}  # fmt: skip
AUTHORS = ["Yablon, S.", "Sherer, M.", "Nakase-Richardson, R."]


def test_one_abstract_printed_twice_in_an_issue_merges() -> None:
    one = _record(1, AMANTADINE, authors=AUTHORS, pages="e3", **ISSUE)
    two = _record(2, AMANTADINE.replace("symptoms", "symptom's"), authors=AUTHORS,
                  pages="e8-e9", **ISSUE)  # fmt: skip
    assert _judged(one, two) == (Decision.CERTAIN, "printed-twice")
    assert not conflicting(compare(prepare(one, 0), prepare(two, 1)))


@pytest.mark.parametrize(
    ("title", "fields"),
    [(f"Erratum: {AMANTADINE}", {"authors": AUTHORS}),  # a notice about it
     (f"{AMANTADINE} - Reply", {"authors": ["Giacino, J."]}),  # a reply by others
     (AMANTADINE, {"authors": AUTHORS, "issue": "12"}),  # another issue
     (AMANTADINE, {"authors": ["Yablon, S."]})],  # one author: a column's byline
)  # fmt: skip
def test_what_is_not_one_abstract_printed_twice(title: str, fields: dict[str, object]) -> None:
    one = _record(1, AMANTADINE, authors=fields["authors"], pages="e3", **ISSUE)
    other = {**ISSUE, "pages": "e8-e9", **fields}
    two = _record(2, title, **other)
    assert _judged(one, two)[0] is not Decision.CERTAIN


MAINTENANCE = ("Maintenance of renal function under eculizumab despite discontinuation of "
               "plasma exchange after a third transplantation for atypical HUS")  # fmt: skip
DAVIN = ["Davin, J. C.", "Groothoff, J. W.", "Bemelman, F. J."]


def test_one_meeting_abstract_on_two_single_pages_of_a_volume_merges() -> None:
    """A congress's abstracts in one volume, the issue not given: two single
    pages with the same title and authors are one abstract printed twice."""
    congress = "Pediatric Transplantation.Conference: 6th Congress of the IPTA"
    meeting = _record(1, MAINTENANCE, authors=DAVIN, year=2011, volume="15", pages="22",
                      journal=congress)  # fmt: skip
    journal = _record(2, MAINTENANCE.title(), authors=DAVIN, year=2011, volume="15", pages="52",
                      journal="Pediatric Transplantation")  # fmt: skip
    assert _judged(meeting, journal) == (Decision.CERTAIN, "printed-twice")
    # a page range may be the full article later in the volume: not this rule's
    article = _record(3, MAINTENANCE, authors=DAVIN, year=2011, volume="15", pages="52-58",
                      journal="Pediatric Transplantation")  # fmt: skip
    assert _judged(meeting, article)[0] is not Decision.CERTAIN


# -- another journal's DOI, a supplement number as the volume ------------------------

LIRAGLUTIDE = ("Liraglutide and linagliptin improves glycemic control but show differential "
               "anti-obesity actions in diet-induced obese rats")  # fmt: skip
HANSEN = ["Hansen F.", "Hansen G.", "Pedersen P. J."]


def test_a_supplement_number_is_read_off_the_volume_or_issue() -> None:
    assert supplement_number("59 suppl. 1") == "1"
    assert supplement_number("38 (Supplement 2)") == "2"
    assert supplement_number("12 3") == ""


def test_an_abstract_carrying_another_journals_doi_joins_its_twins() -> None:
    """Embase gives `Appetite 59 (Suppl. 1) e24` with the abstract's DOI; two
    other records give volume `1` (the supplement's number) and one of them the
    DOI of a *Regulatory Peptides* paper: one abstract, three records."""
    common = {"authors": HANSEN, "year": 2012, "journal": "Appetite", "pages": "e24"}
    embase = _record(1, LIRAGLUTIDE, volume="59", issue="SUPPL. 1",
                     doi="10.1016/j.appet.2012.05.003", **common)  # fmt: skip
    bare = _record(2, LIRAGLUTIDE, volume="1)", doi="10.1016/j.appet.2012.05.003", **common)
    wrong = _record(3, LIRAGLUTIDE, volume="1", doi="10.1016/j.regpep.2012.05.039", **common)
    assert compare(prepare(embase, 0), prepare(wrong, 1)).volume == "missing"
    records = [embase, bare, wrong]
    result = find_duplicates(records)
    assert [sorted(m.index for m in g.members) for g in result.groups] == [[0, 1, 2]]
    assert_no_group_holds_a_conflict(records, result.groups)


def test_two_dois_without_a_volume_stay_apart_unless_word_for_word_at_one_page() -> None:
    common = {"year": 2012, "journal": "Appetite", "volume": "1"}
    one = _record(1, LIRAGLUTIDE, authors=HANSEN, pages="e24", doi="10.1016/j.appet.2012.05.003",
                  year=2012, journal="Appetite")  # no volume  # fmt: skip
    twin = _record(2, LIRAGLUTIDE, authors=HANSEN, pages="e24",
                   doi="10.1016/j.regpep.2012.05.039", **common)  # fmt: skip
    assert _judged(one, twin) == (Decision.CERTAIN, "two-dois-same-location")
    for other in (
        _record(
            2,
            LIRAGLUTIDE,
            authors=HANSEN,
            pages="e25",
            doi="10.1016/j.regpep.2012.05.039",
            **common,
        ),  # another page
        _record(
            2,
            LIRAGLUTIDE,
            authors=["Hansen F."],
            pages="e24",
            doi="10.1016/j.regpep.2012.05.039",
            **common,
        ),  # one author named: too little to tell
        _record(
            2,
            LIRAGLUTIDE.replace("rats", "mice"),
            authors=HANSEN,
            pages="e24",
            doi="10.1016/j.regpep.2012.05.039",
            **common,
        ),  # another title
    ):
        assert _judged(one, other)[0] is not Decision.CERTAIN


# -- an online-first version and the printed article ---------------------------------

FRAME = "How to develop and frame impactful review articles: key recommendations"
PARE = ["Paré, Guy", "Wagner, Gerit", "Prester, Julian"]
JDS = "Journal of Decision Systems"


def test_an_online_first_version_joins_its_printed_article() -> None:
    """Online first in 2023, paginated 1-17 of its PDF; printed in 2024 in 33(4)."""
    printed = _record(1, FRAME, authors=PARE, year=2024, journal=JDS, volume="33", issue="4",
                      pages="566--582", doi="10.1080/12460125.2023.2197701")  # fmt: skip
    online = _record(2, FRAME, authors=PARE, year=2023, journal=JDS, pages="1--17")
    assert compare(prepare(printed, 0), prepare(online, 1)).pages == "online-first"
    assert _judged(printed, online) == (Decision.CERTAIN, "ahead-of-print")
    assert not conflicting(compare(prepare(printed, 0), prepare(online, 1)))


@pytest.mark.parametrize(
    "fields",
    [{"pages": "1"},  # one page: an abstract, not a PDF's pagination
     {"pages": "1--17", "volume": "32"},  # a volume of its own: another article
     {"pages": "1--17", "journal": "Journal of Information Technology"},  # another journal
     {"pages": "1--17", "authors": ["Paré, Guy", "Kitsiou, Spyros"]},  # other authors
     {"pages": "1--17", "year": 2021}],  # years two apart
)  # fmt: skip
def test_what_is_not_an_online_first_version(fields: dict[str, object]) -> None:
    printed = _record(1, FRAME, authors=PARE, year=2024, journal=JDS, volume="33", issue="4",
                      pages="566--582")  # fmt: skip
    other = _record(2, FRAME, **{"authors": PARE, "year": 2023, "journal": JDS, **fields})
    assert _judged(printed, other)[0] is not Decision.CERTAIN
