"""Field normalisers: what databases change for one paper folds away, what separates two stays."""

from __future__ import annotations

import pytest

from review.dedup import DedupRecord
from review.dedup.normalise import (
    family_name,
    journal_tokens,
    journals_compatible,
    normalise_doi,
    page_range,
    prepare,
    split_authors,
    title_markers,
)


@pytest.mark.parametrize(
    ("pages", "expected"),
    [("123-9", ("123", "129")), ("1899--1933", ("1899", "1933")), ("c37-c42", ("37", "42")),
     ("Cd002273", ("cd002273", "")), ("893", ("893", "")), ("11-Sep", ("", "")), ("", ("", "")),
     ("808-13", ("808", "813")), ("808-813", ("808", "813")), ("H2463-70", ("2463", "2470")),
     ("H2463-H2470", ("2463", "2470")), ("e1001-e1009", ("1001", "1009")),
     ("532, 534-536, 538-540", ("532", "540")), ("S23–S29", ("23", "29"))],
)  # fmt: skip
def test_page_ranges_are_spelled_out(pages: str, expected: tuple[str, str]) -> None:
    assert page_range(pages) == expected


@pytest.mark.parametrize(
    ("doi", "expected"),
    [("http://dx.doi.org/10.1097/MOL.0b013e3282ffaf82", "10.1097/mol.0b013e3282ffaf82"),
     ("https://doi.org/10.1016/S0025-7753%2817%2930624-3", "10.1016/s0025-7753(17)30624-3"),
     ("10.17705/1CAIS.", ""), ("NA", ""),
     ("10.1002/(SICI)1097-4547(19981001)54:1&lt;1::AID-JNR1&gt;3.0.CO;2-A",
      "10.1002/(sici)1097-4547(19981001)54:1<1::aid-jnr1>3.0.co;2-a"),
     ("doi:10.1002/(SICI)1097-4547(19981001)54:1%3C1::AID-JNR1%3E3.0.CO;2-A",
      "10.1002/(sici)1097-4547(19981001)54:1<1::aid-jnr1>3.0.co;2-a")],
)  # fmt: skip
def test_dois_are_bare_and_truncated_ones_dropped(doi: str, expected: str) -> None:
    assert normalise_doi(doi) == expected


@pytest.mark.parametrize(
    ("short", "long"),
    [("Curr Opin Lipidol", "Current Opinion in Lipidology"),
     ("Proc Natl Acad Sci U S A",
      "Proceedings of the National Academy of Sciences of the United States of America"),
     ("N Engl J Med", "New England Journal of Medicine"),
     ("J Thromb Haemost", "Journal of Thrombosis and Haemostasis")],
)  # fmt: skip
def test_journal_abbreviations_match_their_full_names(short: str, long: str) -> None:
    assert journals_compatible(journal_tokens(short), journal_tokens(long))


def test_different_venues_do_not_match() -> None:
    assert not journals_compatible(
        journal_tokens("Journal of Digital Studies"), journal_tokens("Workshop of Digital Studies")
    )


@pytest.mark.parametrize(
    ("author", "family"),
    [("Smith, John A.", "smith"), ("Smith JA", "smith"), ("J. A. Smith", "smith"),
     ("Lewis G. F.", "lewis"), ("Fremeaux-Bacchi, V.", "fremeauxbacchi"), ("O’Neill, H", "oneill"),
     ("John A. Smith", "smith"), ("Jens Nürnberger", "nurnberger"), ("Le Quintrec M", "lequintrec"),
     ("J.-P. Dupont", "dupont"), ("Dupont J-P", "dupont"), ("Dupont, Jean-Pierre", "dupont")],
)  # fmt: skip
def test_family_names_in_any_order(author: str, family: str) -> None:
    assert family_name(author) == family


def test_glued_author_strings_are_split() -> None:
    assert split_authors(["Adeli K.Lewis G. F."]) == ["Adeli K.", "Lewis G. F."]
    assert split_authors(["Smith, J and Doe, K"]) == ["Smith, J", "Doe, K"]


def test_title_numbers_and_kinds_are_kept_apart() -> None:
    assert title_markers("outcomes part ii") != title_markers("outcomes part iii")
    assert title_markers("phase 2 trial") == title_markers("phase ii trial")
    assert "kind:erratum" in title_markers("erratum effects of x")


def test_title_notes_html_and_language_suffixes_fold_away() -> None:
    plain = prepare(DedupRecord(1, "a", "a", 1, title="Ca2 handling in cells"), 0)
    tagged = prepare(DedupRecord(2, "b", "b", 1, title="Ca<sup>2</sup> handling in cells."), 1)
    noted = prepare(
        DedupRecord(3, "c", "c", 1, title="Ca2 handling in cells [Erratum appears in X 2009;9:1]"),
        2,
    )
    chinese = prepare(DedupRecord(4, "d", "d", 1, title="Ca2 handling in cells. [Chinese]"), 3)
    assert plain.title == tagged.title == noted.title == chinese.title
    assert plain.markers == noted.markers


@pytest.mark.parametrize(
    ("bracketed", "plain"),
    [("Adenosine A(3) receptor agonists in dry eye", "Adenosine A3 receptor agonists in dry eye"),
     ("Ca(2+) sparks in ventricular myocytes", "Ca2+ sparks in ventricular myocytes"),
     ("Ca<sup>2+</sup> sparks in ventricular myocytes", "Ca2+ sparks in ventricular myocytes"),
     ("Vitamin D(3) and fracture risk", "Vitamin D<sub>3</sub> and fracture risk")],
)  # fmt: skip
def test_subscripts_in_brackets_or_markup_are_one_title(bracketed: str, plain: str) -> None:
    """`A(3)` is `A3`: read as a number, `3` would make the titles "different studies"."""
    a = prepare(DedupRecord(1, "a", "a", 1, title=bracketed), 0)
    b = prepare(DedupRecord(2, "b", "b", 1, title=plain), 1)
    assert (a.title, a.markers) == (b.title, b.markers)


def test_a_bracketed_number_apart_from_a_word_still_counts() -> None:
    """`Outcomes (2)` after a space is a part number, not a subscript."""
    assert "2" in prepare(DedupRecord(1, "a", "a", 1, title="Long-term outcomes (2)"), 0).markers


def test_authors_in_another_order_or_with_full_names_agree() -> None:
    from review.dedup.scoring import compare

    medline = DedupRecord(
        1, "a", "a", 1, title="T", authors=["Hillmen P", "Young NS", "Schubert J"]
    )
    full = DedupRecord(2, "b", "b", 1, title="T",
                       authors=["Peter Hillmen", "Jorg Schubert", "Neal S. Young"])  # fmt: skip
    evidence = compare(prepare(medline, 0), prepare(full, 1))
    assert evidence.first_author == "same"
    assert evidence.authors == 1.0


@pytest.mark.parametrize("issue", ["3", "03", " 3 "])
def test_issue_numbers_fold(issue: str) -> None:
    from review.dedup.normalise import issue_number

    assert issue_number(issue) == "3"


def test_issues_that_name_no_number_are_unknown() -> None:
    from review.dedup.normalise import issue_number

    assert [issue_number(i) for i in ("Suppl 1", "Supplement_1", "Jan", "", None)] == [""] * 5
    assert issue_number("3-4") == issue_number("3/4") == "3-4"
