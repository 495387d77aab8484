"""Records sharing a key stay one screening unit only when they are one paper."""

from __future__ import annotations

from review.dedup.model import DedupRecord
from review.dedup.shared_keys import SEPARATOR, split_shared_keys


def record(n: int, title: str, author: str = "Smith, Anna", **fields: object) -> DedupRecord:
    return DedupRecord(
        id=n,
        uid=f"file:{n}",
        key="doi:10.1002/dmrr.2604",
        source_id=1,
        title=title,
        authors=[author],
        year=2014,
        doi="10.1002/dmrr.2604",
        **fields,  # type: ignore[arg-type]
    )


def test_copies_of_one_paper_stay_together() -> None:
    title = "Insulin pump use in adolescents with type 1 diabetes"
    copies = [record(1, title), record(2, title.upper() + "."), record(3, title, pages="51-52")]
    assert split_shared_keys(copies) == {}


def test_different_abstracts_under_a_supplement_doi_are_split() -> None:
    records = [
        record(1, "Insulin pump use in adolescents with type 1 diabetes", pages="51"),
        record(2, "Retinopathy screening intervals in older adults", "Jones, B", pages="52"),
        record(3, "Retinopathy screening intervals in older adults", "Jones, B", pages="52"),
    ]
    apart = split_shared_keys(records)
    # The first record keeps the key; the second paper's two copies share one unit.
    assert set(apart) == {2, 3}
    assert apart[2] == apart[3] == f"doi:10.1002/dmrr.2604{SEPARATOR}file:2"


def test_an_erratum_carrying_its_articles_doi_is_split() -> None:
    article = record(1, "Eculizumab in atypical haemolytic uraemic syndrome", pages="2169-2181")
    erratum = record(2, "Erratum: Eculizumab in atypical haemolytic uraemic syndrome", pages="2487")
    assert set(split_shared_keys([article, erratum])) == {2}


def test_generic_titles_are_never_matched_by_title_alone() -> None:
    first = record(1, "Editorial", pages="1")
    second = record(2, "Editorial", "Other, Person", pages="9")
    assert set(split_shared_keys([first, second])) == {2}
