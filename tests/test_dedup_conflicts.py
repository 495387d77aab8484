"""Evidence against: records the rules must keep apart, and groups that never
hold two records whose direct comparison is a conflict, however they chain."""

from __future__ import annotations

from itertools import combinations

from review.dedup import Decision, DedupRecord, find_duplicates
from review.dedup.normalise import prepare
from review.dedup.pipeline import judge
from review.dedup.rules import conflicting
from review.dedup.scoring import compare


def record(n: int, title: str, **fields: object) -> DedupRecord:
    defaults: dict[str, object] = {
        "authors": ["Hochberg, Marc C."],
        "year": 2012,
        "journal": "Arthritis Care & Research",
        "volume": "64",
    }
    return DedupRecord(id=n, uid=f"u{n}", key=f"k{n}", source_id=1, title=title,
                       **{**defaults, **fields})  # type: ignore[arg-type]  # fmt: skip


def decision(a: DedupRecord, b: DedupRecord) -> Decision:
    return judge(prepare(a, 0), prepare(b, 1)).decision


def test_a_recurring_column_in_another_issue_is_another_item() -> None:
    """`Editor's comments` by one editor in two issues of one volume: never one record."""
    march = record(1, "Editor's comments", issue="3")
    april = record(2, "Editor's comments", issue="4")
    assert decision(march, april) is Decision.DISTINCT
    assert conflicting(compare(prepare(march, 0), prepare(april, 1)))
    assert find_duplicates([march, april]).groups == []


def test_a_correction_in_another_volume_of_one_year_is_another_item() -> None:
    first = record(1, "Correction", volume="64", pages="1120")
    second = record(2, "Correction", volume="65", pages="88")
    assert decision(first, second) is Decision.DISTINCT


def test_another_page_range_in_one_issue_is_another_item() -> None:
    title = "Reply to Letter on hip fracture risk and bisphosphonate holidays"
    one = record(1, title, issue="9", pages="1401-1402")
    two = record(2, title, issue="9", pages="1460-1461")
    assert decision(one, two) is Decision.DISTINCT


def test_the_same_article_with_a_wrong_issue_still_merges() -> None:
    """One page range starting on one page in one volume is one item: the
    issue a database wrote (`1` for `25`) does not split it."""
    title = "Gain-of-function mutations in complement factor B and atypical HUS"
    a = record(1, title, journal="Proc Natl Acad Sci U S A", volume="104", issue="1",
               pages="240-245", year=2007, authors=["Goicoechea de Jorge, E"])  # fmt: skip
    b = record(2, title, journal="Proceedings of the National Academy of Sciences",
               volume="104", issue="25", pages="240", year=2007,
               authors=["Goicoechea de Jorge, E"])  # fmt: skip
    assert decision(a, b) is Decision.CERTAIN


def test_a_supplement_number_written_as_the_volume_is_no_conflict() -> None:
    """Embase writes `Diabetes 62 (Suppl 1)`, another database `Diabetes 1`."""
    title = "Glucagon-like peptide-1 reduces intestinal lipid availability in mice"
    embase = record(1, title, journal="Diabetes", volume="62", issue="SUPPL. 1",
                    pages="A163", year=2013)  # fmt: skip
    other = record(2, title, journal="Diabetes", volume="1", pages="A163", year=2013)
    assert not conflicting(compare(prepare(embase, 0), prepare(other, 1)))


def test_an_article_number_in_the_issue_field_is_no_conflict() -> None:
    title = "Drugs that reverse disease transcriptomic signatures are more effective"
    a = record(1, title, journal="Mol Syst Biol", volume="11", issue="791", year=2015)
    b = record(2, title, journal="Mol Syst Biol", volume="11", issue="3", pages="791", year=2015)
    assert compare(prepare(a, 0), prepare(b, 1)).issue == "compatible"


def test_a_chain_of_certain_pairs_never_joins_two_conflicting_records() -> None:
    """A (no locators) is certainly B and certainly C, but B and C are two
    issues' columns: at most one of them joins A, and no group holds both."""
    title = "Rheumatology practice in the community: the editor's view for this year"
    bare = record(1, title, volume=None, authors=["Hochberg, Marc C.", "Lane, N"])
    march = record(2, title, issue="3", pages="321-322",
                   authors=["Hochberg, Marc C.", "Lane, N"])  # fmt: skip
    april = record(3, title, issue="4", pages="480-481",
                   authors=["Hochberg, Marc C.", "Lane, N"])  # fmt: skip
    records = [bare, march, april]
    result = find_duplicates(records)
    assert_no_group_holds_a_conflict(records, result.groups)
    assert all({m.index for m in g.members} != {0, 1, 2} for g in result.groups)


def assert_no_group_holds_a_conflict(records: list[DedupRecord], groups: list) -> None:  # type: ignore[type-arg]
    prepared = [prepare(r, n) for n, r in enumerate(records)]
    for group in groups:
        for x, y in combinations([m.index for m in group.members], 2):
            evidence = compare(prepared[x], prepared[y])
            assert not conflicting(evidence), (records[x], records[y], evidence)


def test_one_article_under_a_legacy_and_a_current_doi_is_one_record() -> None:
    """Differing DOIs are no proof of difference when every locator agrees."""
    title = "Long-term effect of eculizumab on kidney function in PNH"
    fields = {"journal": "American Journal of Hematology", "volume": "85", "issue": "8",
              "year": 2010, "authors": ["Hillmen, P", "Elebute, M"]}  # fmt: skip
    legacy = record(1, title, doi="10.1002/(SICI)1096-8652(2010)85:8<553::AID-AJH1>3.0.CO;2-X",
                    pages="553-559", **fields)  # fmt: skip
    current = record(2, title, doi="10.1002/ajh.21757", pages="553-9", **fields)
    assert decision(legacy, current) is Decision.CERTAIN
    assert not conflicting(compare(prepare(legacy, 0), prepare(current, 1)))


def test_two_dois_with_other_pages_stay_two_records() -> None:
    title = "Long-term effect of eculizumab on kidney function in PNH"
    fields = {"journal": "American Journal of Hematology", "volume": "85", "year": 2010}
    article = record(1, title, doi="10.1002/ajh.21757", issue="8", pages="553-559", **fields)
    erratum = record(2, title, doi="10.1002/ajh.21900", issue="11", pages="911", **fields)
    assert decision(article, erratum) is Decision.DISTINCT


def test_one_abstract_in_two_journals_is_two_records() -> None:
    """Same authors and title, another journal, volume and pages: two publications."""
    title = "Novel DNA alterations in FCN1 and FCN2 genes in atypical HUS patients"
    nephrology = record(1, title, journal="Pediatric Nephrology", volume="26", issue="9",
                        pages="1662-1663", year=2011, authors=["Volokhina, E"])  # fmt: skip
    immunology = record(2, title, journal="Molecular Immunology", volume="48", issue="14",
                        pages="1684", year=2011, authors=["Volokhina, E"])  # fmt: skip
    assert decision(nephrology, immunology) is Decision.DISTINCT
    assert conflicting(compare(prepare(nephrology, 0), prepare(immunology, 1)))


def test_a_journal_name_alone_does_not_separate() -> None:
    """`JAMA` is not matched to its full name; same volume and pages keep it one paper."""
    title = "Effect of intensive blood pressure control on dementia: a randomized trial"
    short = record(1, title, journal="JAMA", volume="321", pages="553-561", year=2019)
    full = record(2, title, journal="Journal of the American Medical Association",
                  volume="321", pages="553-61", year=2019)  # fmt: skip
    assert not conflicting(compare(prepare(short, 0), prepare(full, 1)))
    assert decision(short, full) is Decision.CERTAIN


def test_a_yearly_column_in_one_journal_is_another_item() -> None:
    title = "Gateways to clinical trials"
    one = record(1, title, journal="Methods Find Exp Clin Pharmacol", volume="28", issue="3",
                 pages="185-206", year=2006)  # fmt: skip
    two = record(2, title, journal="Methods Find Exp Clin Pharmacol", volume="29", issue="7",
                 pages="467-509", year=2007)  # fmt: skip
    assert decision(one, two) is Decision.DISTINCT


def test_online_first_a_year_earlier_with_the_same_pages_still_merges() -> None:
    title = "Long-term treatment with eculizumab in paroxysmal nocturnal hemoglobinuria"
    online = record(1, title, journal="Blood", volume="117", pages="6786-6792", year=2010)
    printed = record(2, title, journal="Blood", volume="117", pages="6786-92", year=2011)
    assert decision(online, printed) is Decision.CERTAIN


def test_the_same_title_and_authors_without_a_venue_on_one_side_merges() -> None:
    """bib-dedupe's case: one record omits the journal (and DOI); the same long
    title by the same authors in the same year is the same paper."""
    title = "Reputation offsets trust judgments based on social biases among Airbnb users"
    authors = ["Abrahao, Bruno", "Parigi, Paolo", "Gupta, Alok", "Cook, Karen S."]
    full = record(1, title, authors=authors, journal="Proc Natl Acad Sci U S A", volume="114",
                  issue="37", pages="9848-53", year=2017, doi="10.1073/pnas.16")  # fmt: skip
    bare = DedupRecord(2, "u2", "k2", 1, title=title, year=2017,
                       authors=["B. Abrahao", "P. Parigi", "A. Gupta", "K. S. Cook"])  # fmt: skip
    assert decision(full, bare) is Decision.CERTAIN


def test_one_author_and_a_title_without_a_venue_are_not_enough() -> None:
    title = "Open label controlled trial of eculizumab in adult patients with aHUS"
    one = DedupRecord(1, "u1", "k1", 1, title=title, year=2011, authors=["Alexion Pharmaceuticals"])
    two = DedupRecord(2, "u2", "k2", 1, title=title, year=2011, authors=["Alexion Pharmaceuticals"])
    assert decision(one, two) is Decision.PROBABLE
