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
     ("Cd002273", ("cd002273", "")), ("893", ("893", "")), ("11-Sep", ("", "")), ("", ("", ""))],
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
     ("Lewis G. F.", "lewis"), ("Fremeaux-Bacchi, V.", "fremeauxbacchi"), ("O’Neill, H", "oneill")],
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
