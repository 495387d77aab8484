"""A duplicate group is named by its own unit: two groups never fuse because they
reach the same key (three abstracts under one supplement DOI, each with a twin)."""

from __future__ import annotations

from review.dedup.run import dedupe_review
from review.dedup.units import load_resolution
from review.models import RecordDraft
from review.store import Store
from tests.dedup_helpers import add_source, paper

SUPPLEMENT_DOI = "10.1182/blood-2019-supplement"
ABSTRACTS = [
    ("Emicizumab prophylaxis in children with haemophilia A and inhibitors", "Mancuso, M", "3381"),
    ("Gilteritinib after allogeneic transplantation in FLT3-mutated AML", "Perl, A", "1290"),
    ("Caplacizumab in acquired thrombotic thrombocytopenic purpura: a registry", "Coppo, P", "77"),
]


def _abstract(position: int, title: str, author: str, page: str, **fields: object) -> RecordDraft:
    return paper(
        position,
        title,
        authors=[author, "Lee, K"],
        year=2019,
        journal="Blood",
        volume="134",
        issue="Supplement_1",
        pages=page,
        **fields,
    )


def _units(store: Store) -> list[set[str]]:
    """The titles screened together, per unit of two or more records."""
    resolution = load_resolution(store)
    return [
        {store.records.record(m.record_id).title or "" for m in members}
        for members in resolution.groups.values()
    ]


def test_supplement_doi_abstracts_with_twins_stay_three_units(store: Store) -> None:
    add_source(
        store,
        "Embase",
        [_abstract(n, *abstract, doi=SUPPLEMENT_DOI) for n, abstract in enumerate(ABSTRACTS, 1)],
    )
    add_source(store, "WoS", [_abstract(n, *abstract) for n, abstract in enumerate(ABSTRACTS, 1)])
    run = dedupe_review(store)
    assert (run.groups, run.merged) == (3, 6)
    # Each abstract with its twin, and nothing else: three units of two records.
    resolution = load_resolution(store)
    assert sorted(len(members) for members in resolution.groups.values()) == [2, 2, 2]
    assert sorted(_units(store), key=sorted) == sorted(({t} for t, _, _ in ABSTRACTS), key=sorted)
    assert len(resolution.units) == 3


def test_without_twins_the_supplement_abstracts_are_three_units(store: Store) -> None:
    add_source(
        store,
        "Embase",
        [_abstract(n, *abstract, doi=SUPPLEMENT_DOI) for n, abstract in enumerate(ABSTRACTS, 1)],
    )
    run = dedupe_review(store)
    assert run.merged == 0
    assert len(load_resolution(store).units) == 3


def test_a_later_search_never_fuses_a_new_group_with_an_old_one(store: Store) -> None:
    """An update brings another abstract under the supplement DOI and its twin:
    a group of its own, not a third member of the first abstract's group."""
    first, second, _ = ABSTRACTS
    add_source(store, "Embase", [_abstract(1, *first, doi=SUPPLEMENT_DOI)])
    add_source(store, "WoS", [_abstract(1, *first)])
    assert dedupe_review(store).groups == 1
    add_source(store, "Embase update", [_abstract(1, *second, doi=SUPPLEMENT_DOI)])
    add_source(store, "WoS update", [_abstract(1, *second)])
    run = dedupe_review(store)
    assert (run.groups, run.merged) == (1, 2)
    assert sorted(_units(store), key=sorted) == [{first[0]}, {second[0]}]
    assert sorted(len(m) for m in load_resolution(store).groups.values()) == [2, 2]
