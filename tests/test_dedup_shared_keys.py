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


def title_keyed(n: int, title: str, **fields: object) -> DedupRecord:
    """A record without identifiers: its key is made of title, year and first author."""
    defaults: dict[str, object] = {"authors": ["Kernan, Walter N"], "year": 2014}
    return DedupRecord(id=n, uid=f"file:{n}", key="tya:0f3a9c1d2e4b5a6c7d8e", source_id=1,
                       title=title, **{**defaults, **fields})  # type: ignore[arg-type]  # fmt: skip


GUIDELINE = (
    "Guidelines for the prevention of stroke in patients with stroke and transient ischemic attack"
)


def test_one_guideline_printed_in_two_journals_is_two_units() -> None:
    stroke = title_keyed(1, GUIDELINE, journal="Stroke", volume="45", issue="7", pages="2160-2236")
    nurses = title_keyed(2, GUIDELINE, journal="Journal of Vascular Nursing", volume="32",
                         issue="3", pages="84-130")  # fmt: skip
    assert set(split_shared_keys([stroke, nurses])) == {2}


def test_a_conference_abstract_and_the_article_in_another_journal_are_two_units() -> None:
    title = "Dabigatran versus warfarin after cardioembolic stroke: a cohort"
    abstract = title_keyed(1, title, journal="European Stroke Journal", volume="1",
                           pages="112", record_type="Conference Abstract")  # fmt: skip
    article = title_keyed(2, title, journal="Journal of Neurology", volume="261",
                          pages="1710-1718", record_type="Journal Article")  # fmt: skip
    assert set(split_shared_keys([abstract, article])) == {2}


def test_title_keyed_copies_that_agree_everywhere_stay_one_unit() -> None:
    fields = {"journal": "Stroke", "volume": "45", "issue": "7", "pages": "2160-2236"}
    pubmed = title_keyed(1, GUIDELINE, **fields)
    embase = title_keyed(2, GUIDELINE.upper() + ".", **{**fields, "journal": "Stroke"})
    assert split_shared_keys([pubmed, embase]) == {}


def test_title_keyed_copies_without_locators_are_compared_not_assumed() -> None:
    """Title, year and first author alone are what the key is made of: not enough."""
    assert set(split_shared_keys([title_keyed(1, GUIDELINE), title_keyed(2, GUIDELINE)])) == {2}
