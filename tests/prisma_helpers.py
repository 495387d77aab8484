"""A built review with known PRISMA numbers, shared by the PRISMA tests.

Sources: PubMed (6 records) and Embase (4) as databases, ClinicalTrials.gov (2)
as a register, a website (2) and citation searching (2) as other methods.
Duplicates: P1 = E1 and P2 = E2 by DOI, P6 = E4 merged by a reviewer, and the
website's W2 is P3 again (a duplicate counted in the other-methods arm).
Two reviewers (the protocol wants two per record) agree on every decision.

                     dbr (databases + registers)      other methods
  identified         10 + 2 = 12                       2 websites + 2 citations = 4
  duplicates         3 (E1, E2, E4)                    1 (W2)
  screened           9                                 3
  excluded (t/a)     3: population, review, no reason  1: design
  sought             6                                 2
  not retrieved      1 (P2, marked)                    1 (C1, the protocol's reason)
  assessed           5                                 1
  excluded           3: population, design, abstract   0
  included           2 (P1, R1: one study)             1 (W1)
  studies            2 (P1 + R1, W1); reports 3
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from review.dedup.manual import merge_records
from review.models import DecisionValue, RecordDraft, SourceKind, Stage
from review.review_file import create_review
from review.sample import SAMPLE_PROTOCOL
from review.store import KeyedRecord, NewSource, Store

REVIEWERS = ("ann", "bob")


def add(
    store: Store, name: str, kind: SourceKind, drafts: list[RecordDraft], method: str | None = None
) -> None:
    from review.identity import record_key

    source = NewSource(
        file_name=f"{name}.ris",
        file_path=f"/searches/{name}.ris",
        file_hash=name,
        file_size=1,
        format="ris",
        encoding="utf-8",
        kind=kind,
        method=method,
        name=name,
        search_date=None,
        imported_by=None,
    )
    keyed = [KeyedRecord(record_key(d, file_hash=name), f"{name}:{d.position}", d) for d in drafts]
    store.imports.add(source, keyed)


def paper(position: int, tag: str, **fields: Any) -> RecordDraft:
    return RecordDraft(
        position,
        title=f"Radiotherapy with checkpoint inhibitors, report {tag}",
        authors=["Smith, Jane"],
        year=2021,
        doi=f"10.1000/{tag}",
        **fields,
    )


def trial(position: int, nct: str) -> RecordDraft:
    return RecordDraft(position, title=f"Trial {nct}", registry_id=nct, year=2020)


def decide(
    store: Store, key: str, stage: Stage, decision: DecisionValue, reason: str | None = None
) -> None:
    for who in REVIEWERS:
        store.screening.record_decision(
            key,
            stage,
            decision,
            reviewer=who,
            reasons=[reason] if reason else [],
        )


def build_review(path: Path, *, finish: bool = True) -> Path:
    """The review of the module docstring; `finish=False` leaves P5 undecided at
    title/abstract and W1 with one reviewer's full-text decision."""
    with create_review(path, SAMPLE_PROTOCOL) as store:
        add(store, "PubMed", SourceKind.DATABASE, [paper(i, f"p{i}") for i in range(1, 7)])
        add(
            store,
            "Embase",
            SourceKind.DATABASE,
            [paper(1, "p1"), paper(2, "p2"), paper(3, "e3"), paper(4, "e4")],
        )
        registers = [trial(1, "NCT01"), trial(2, "NCT02")]
        add(store, "ClinicalTrials.gov", SourceKind.REGISTER, registers)
        add(store, "Journal site", SourceKind.OTHER, [paper(1, "w1"), paper(2, "p3")], "website")
        cited = [paper(1, "c1"), paper(2, "c2")]
        add(store, "Reference lists", SourceKind.OTHER, cited, "citation")
        merge_records(store, "PubMed:6", "Embase:4", "ann")

        ta, ft = Stage.TITLE_ABSTRACT, Stage.FULL_TEXT
        decide(store, "doi:10.1000/p4", ta, "exclude", "population")
        if finish:
            decide(store, "doi:10.1000/p5", ta, "exclude", "review")
        decide(store, "doi:10.1000/e3", ta, "exclude")
        decide(store, "doi:10.1000/c2", ta, "exclude", "design")
        for key in ("p1", "p2", "p3", "p6", "w1", "c1"):
            decide(store, f"doi:10.1000/{key}", ta, "include")
        for key in ("reg:NCT01", "reg:NCT02"):
            decide(store, key, ta, "include")

        store.fulltexts.mark_not_retrieved("doi:10.1000/p2", reviewer="ann", note="no library")
        decide(store, "doi:10.1000/p1", ft, "include")
        decide(store, "reg:NCT01", ft, "include")
        store.studies.link("reg:NCT01", "doi:10.1000/p1", reviewer="ann")
        decide(store, "doi:10.1000/p3", ft, "exclude", "population")
        decide(store, "doi:10.1000/p6", ft, "exclude", "design")
        decide(store, "reg:NCT02", ft, "exclude", "abstract_no_data")
        decide(store, "doi:10.1000/c1", ft, "exclude", "not_retrieved")
        if finish:
            decide(store, "doi:10.1000/w1", ft, "include")
        else:
            store.screening.record_decision("doi:10.1000/w1", ft, "include", reviewer="ann")
    return path
