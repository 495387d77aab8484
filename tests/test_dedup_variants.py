"""Record variants merged automatically, each beside the near miss that must not be.

The pairs are shortened from the labelled sets' misses (bib-dedupe haematology
and stroke, ASySD diabetes); each rule or normaliser that lets one through has
a trap next to it that it must leave to a reviewer or keep apart.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

from review.dedup import DedupRecord, find_duplicates
from review.dedup.normalise import page_range, prepare, volume_number

TITLE = "Successful isolated liver transplantation in a child with atypical haemolytic uraemia"


def _record(n: int, **fields: object) -> DedupRecord:
    base: dict[str, object] = {
        "title": TITLE,
        "authors": ["Haller, W.", "Milford, D. V.", "Goodship, T. H."],
        "year": 2010,
        "journal": "American Journal of Transplantation",
        "volume": "10",
        "issue": "9",
        "pages": "2141-2147",
    }
    base.update(fields)
    return DedupRecord(id=n, uid=f"r{n}", key=f"k{n}", source_id=n, **base)  # type: ignore[arg-type]


def _outcome(a: DedupRecord, b: DedupRecord) -> str:
    result = find_duplicates([a, b])
    if result.groups:
        return "merged:" + ",".join(sorted({m.rule for m in result.groups[0].members}))
    return "queued" if result.queue else "distinct"


def _merged(a: DedupRecord, b: DedupRecord) -> bool:
    return _outcome(a, b).startswith("merged")


# -- notes a database appends to a title --------------------------------------------


@pytest.mark.parametrize(
    "noted",
    [
        f"{TITLE}. [Review] [16 refs] [Romanian]",
        f"{TITLE} (multiple letters) [1]",
        f"{TITLE} (New England Journal of Medicine (2009) 360 (542-544))",
        f"{TITLE}... N Engl J Med. 2009 Jan 29;360(5):544-6",
    ],
)
def test_appended_notes_and_citations_do_not_split_one_paper(noted: str) -> None:
    assert prepare(_record(1, title=noted), 0).title == prepare(_record(2), 1).title
    assert _merged(_record(1, title=noted), _record(2))


def test_numbers_that_belong_to_the_title_are_kept() -> None:
    """`(2009)` inside a title is no citation: the title's own numbers still separate papers."""
    one = _record(1, title="Outcomes of the 2009 (H1N1) pandemic in 120 children", pages="5-9")
    two = _record(2, title="Outcomes of the 2010 (H1N1) pandemic in 120 children", pages="5-9")
    assert prepare(one, 0).markers != prepare(two, 1).markers
    assert not _merged(one, two)


def test_an_erratum_citing_its_article_stays_apart_from_it() -> None:
    erratum = _record(1, title=f"Erratum: {TITLE} (vol 10, pg 2141, 2010)", pages="2600")
    assert not _merged(erratum, _record(2))


# -- pages --------------------------------------------------------------------------------


def test_a_page_list_runs_from_its_first_to_its_last_page() -> None:
    assert page_range("532, 534-536, 538-540") == ("532", "540")
    assert _merged(_record(1, pages="532, 534-536, 538-540"), _record(2, pages="532-536"))
    assert not _merged(_record(1, pages="533, 534-536, 538-540"), _record(2, pages="532-536"))


def test_a_mistyped_start_page_with_the_same_end_is_one_paper() -> None:
    assert _merged(_record(1, pages="2142-2147"), _record(2, pages="2141-2147"))
    assert _merged(_record(1, pages="2297-2147"), _record(2, pages="2097-2147"))


def test_ranges_with_different_ends_or_single_pages_stay_apart() -> None:
    assert not _merged(_record(1, pages="2142-2150"), _record(2, pages="2141-2147"))
    assert not _merged(_record(1, pages="2147"), _record(2, pages="2141-2147"))


# -- volumes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("volume", "expected"),
    [("38 (Supplement 1)", "38"), ("1)", ""), ("A)", ""), ("(Jul)", ""), ("Ph.D.", "")],
)
def test_volume_fragments_are_no_volume(volume: str, expected: str) -> None:
    assert volume_number(volume) == expected


def test_a_cut_supplement_volume_does_not_split_one_abstract() -> None:
    """ASySD: `1)` is what is left of `39 (Suppl. 1)` in one export."""
    abstract = {"volume": "39", "issue": "SUPPL. 1", "pages": "S1-S2", "journal": "Can J Diabetes"}
    full = _record(1, **abstract)
    assert _merged(full, replace(full, id=2, uid="r2", volume="1)", issue=None))
    assert not _merged(full, replace(full, id=2, uid="r2", volume="38", issue=None))


# -- names and venues --------------------------------------------------------------------------


def test_a_letter_lost_to_encoding_keeps_the_first_author() -> None:
    authors = ["Builova, T. V.", "Glotova, M. E."]
    lost = ["Bu?lova, T. V.", "Glotova, M. E."]
    assert _merged(_record(1, authors=authors), _record(2, authors=lost))
    assert not _merged(_record(1, authors=["Petrova, T. V."]), _record(2, authors=lost))


def test_a_meeting_named_as_the_journal_matches_its_journal_record() -> None:
    meeting = "23rd Congress of the International Society on Thrombosis and Haemostasis"
    embase = _record(1, journal=f"Journal of Thrombosis and Haemostasis.Conference: {meeting}")
    for other in (_record(2, journal=meeting), _record(2, journal="J Thromb Haemost")):
        assert _merged(replace(embase, pages=None), replace(other, pages=None))
    elsewhere = _record(2, journal="24th Congress of the International Society on Haemostasis")
    assert not _merged(replace(embase, pages=None), replace(elsewhere, pages=None))


# -- one place in one volume, whatever the title says ------------------------------------------


def test_a_title_with_a_section_prefix_at_the_same_pages_is_one_paper() -> None:
    short = _record(1, title="Can liver-kidney transplantation cure aHUS?", pages="556-557")
    prefixed = replace(
        short, id=2, uid="r2", title="Trombotic microangiopathy: can liver-kidney "
        "transplantation cure aHUS?"
    )  # fmt: skip
    assert _outcome(short, prefixed) == "merged:same-location"
    # One page in common is an abstract's page, which several abstracts share.
    assert not _merged(replace(short, pages="556"), replace(prefixed, pages="556"))
    assert not _merged(short, replace(prefixed, pages="558-559"))


# -- one DOI ------------------------------------------------------------------------------------


def test_same_doi_with_garbled_author_names_is_merged() -> None:
    doi = "10.1007/s11033-014-3392-2"
    garbled = _record(1, doi=doi, authors=["Amber C. F.", "Zeynep T. K."], pages="4853-4863")
    proper = _record(2, doi=doi, authors=["Cicek F. A.", "Tokcaer-Keskin Z."], pages="4853-63")
    assert _outcome(garbled, proper) == "merged:same-doi"


def test_same_doi_misread_pages_needs_the_same_title_and_authors() -> None:
    doi = "10.1093/ndt/gfw188.21"
    first = _record(1, doi=doi, volume="31", pages="1428-1428")
    assert _outcome(first, _record(2, doi=doi, volume="1)", pages="i428")) == (
        "merged:same-doi-misread-pages"
    )
    # A supplement's DOI on two abstracts of one group on consecutive pages.
    supplement = "10.1002/dmrr.2604"
    one = _record(1, doi=supplement, authors=["Chen R.", "Wang Y.", "Liang L."], pages="51")
    two = _record(
        2,
        doi=supplement,
        title=f"The {TITLE.lower()}",
        authors=["Chen R.", "Wang J.", "Yan C.", "Wang Y.", "Liang L."],
        pages="52",
    )
    assert not _merged(one, two)
    assert not _merged(one, replace(one, id=2, uid="r2", authors=two.authors, pages="52"))


# -- years one apart within one volume -----------------------------------------------------------


def test_one_volume_with_years_one_apart_and_no_pages_is_one_paper() -> None:
    abstract = {"journal": "J Am Soc Nephrol", "volume": "21", "issue": "201", "pages": None}
    assert _outcome(_record(1, **abstract), _record(2, year=2011, **abstract)) == (
        "merged:same-volume"
    )


def test_years_apart_without_a_shared_volume_or_authors_stay_apart() -> None:
    bare = {"volume": None, "issue": None, "pages": None}
    assert not _merged(_record(1, **bare), _record(2, year=2011, **bare))
    unpaged = {"volume": "21", "pages": None}
    other_authors = ["Haller, W.", "Smith, K.", "Jones, P.", "Brown, A."]
    assert not _merged(
        _record(1, **unpaged), _record(2, year=2011, authors=other_authors, **unpaged)
    )
    assert not _merged(_record(1, **unpaged), _record(2, year=2012, **unpaged))


# -- locators slid one field up --------------------------------------------------------


def test_an_export_that_lost_the_volume_and_slid_the_rest_up_is_one_abstract() -> None:
    """Embase: volume `` issue `26` pages `9` is volume 26 issue 9 of the same meeting."""
    journal = "Pediatric Nephrology.Conference: 44th Annual Meeting of the ESPN"
    full = _record(1, journal=journal, volume="26", issue="9", pages="1746", year=2011)
    slid = replace(full, id=2, uid="r2", source_id=2, volume=None, issue="26", pages="9")
    assert _outcome(full, slid) == "merged:metadata"
    # one number lining up is a coincidence, not a slide: another issue of the volume
    other = replace(slid, issue="26", pages="11")
    assert not _merged(full, other)
