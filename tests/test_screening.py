"""Screening: decisions stored as events, queues, blinding, conflicts, undo.

Every test drives a real review file and reopens it with a fresh connection
to check what a reviewer would find there after quitting.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from review.dedup.manual import merge_records
from review.errors import UsageError
from review.ingest import ImportOptions, import_paths
from review.models import SourceKind, Stage
from review.review_file import create_review, review_protocol
from review.screening.session import ScreeningSession
from review.screening.state import Filter, Outcome
from review.screening.units import load_state
from review.store import Store
from tests.conftest import FIXTURES, SAMPLE_PROTOCOL, fixed_clock, unit_rows

SCOPUS = FIXTURES / "ris" / "citation-file-formatting" / "_baseline_scopus.ris"


@pytest.fixture
def review(tmp_path: Path) -> Iterator[Path]:
    """A two-reviewer blind review of ten Scopus records."""
    path = tmp_path / "screen.db"
    with create_review(path, SAMPLE_PROTOCOL, now=fixed_clock) as store:
        import_paths(store, [SCOPUS], ImportOptions(kind=SourceKind.DATABASE, source_name="Scopus"))
    yield path


def session(path: Path, reviewer: str, stage: Stage = Stage.TITLE_ABSTRACT) -> ScreeningSession:
    store = Store.open(path)
    return ScreeningSession(store, review_protocol(store), reviewer, stage)


def stored(path: Path) -> list[tuple[str, str, str, str | None, str]]:
    """(reviewer, stage, kind, decision, reasons) as a fresh connection reads them."""
    with Store.open(path) as fresh:
        return [
            (e.reviewer, e.stage.value, e.kind, e.decision, ",".join(e.reasons))
            for e in fresh.screening.decisions()
        ]


def test_decisions_are_stored_at_once_and_the_queue_moves_on(review: Path) -> None:
    ann = session(review, "ann")
    first = ann.current
    assert first is not None and ann.counts.to_do == 10
    ann.decide("include")
    second = ann.current
    assert second is not None and second.position == 1
    ann.decide("exclude", ["population"])
    ann.decide("maybe")
    assert stored(review) == [
        ("ann", "title_abstract", "screen", "include", ""),
        ("ann", "title_abstract", "screen", "exclude", "population"),
        ("ann", "title_abstract", "screen", "maybe", ""),
    ]
    counts = ann.counts
    assert (counts.done, counts.to_do, counts.included, counts.excluded, counts.maybe) == (
        3,
        7,
        1,
        1,
        1,
    )
    # A reviewer who reopens the review continues where the queue left off.
    assert session(review, "ann").current == ann.current


def test_unknown_or_missing_reasons_are_refused(review: Path) -> None:
    ann = session(review, "ann")
    with pytest.raises(KeyError, match="no exclusion reason 'nope'"):
        ann.decide("exclude", ["nope"])
    assert stored(review) == []
    for _ in range(10):
        ann.decide("include")
    bob = session(review, "bob")
    for _ in range(10):
        bob.decide("maybe")
    full = session(review, "ann", Stage.FULL_TEXT)
    assert full.counts.to_do == 10  # maybe counts as include for progression
    with pytest.raises(UsageError, match="needs a reason"):
        full.decide("exclude")
    full.decide("exclude", ["design"])
    assert stored(review)[-1] == ("ann", "full_text", "screen", "exclude", "design")


def test_undo_restores_the_previous_state_and_goes_back(review: Path) -> None:
    ann = session(review, "ann")
    first = ann.current
    ann.decide("include")
    assert ann.current != first
    assert ann.undo() == first
    assert ann.current == first
    assert ann.my_decision() is None
    assert ann.counts.done == 0 and ann.counts.to_do == 10
    # Changing a decision and undoing the change brings the first one back.
    ann.decide("exclude")
    ann.previous()
    ann.decide("include")
    ann.undo()
    mine = ann.my_decision()
    assert mine is not None and mine.decision == "exclude"
    assert [kind for _, _, kind, _, _ in stored(review)] == [
        "screen",
        "undo",
        "screen",
        "screen",
        "undo",
    ]
    assert ann.history()[-1].kind == "undo"


def test_blind_reviewers_see_only_their_own_until_both_decide(review: Path) -> None:
    ann, bob = session(review, "ann"), session(review, "bob")
    unit = ann.current
    assert unit is not None
    ann.decide("include")
    bob.refresh()
    assert set(bob.visible_decisions(unit)) == set()
    assert bob.outcome(unit) is Outcome.PARTIAL
    bob.decide("exclude", ["review"])
    ann.refresh()
    assert set(ann.visible_decisions(unit)) == {"ann", "bob"}
    assert ann.outcome(unit) is Outcome.CONFLICT
    assert ann.conflicts() == [unit]
    # A third reviewer settles it; the resolution is its own event.
    carol = session(review, "carol")
    carol.resolve(unit, "include", note="population is head and neck")
    assert session(review, "ann").outcome(unit) is Outcome.INCLUDE
    settled = carol.state.final(unit.key, Stage.TITLE_ABSTRACT)
    assert settled is not None and (settled.reviewer, settled.kind) == ("carol", "resolve")
    assert stored(review)[-1] == ("carol", "title_abstract", "resolve", "include", "")


def test_full_text_exclusions_with_different_reasons_conflict(review: Path) -> None:
    for who in ("ann", "bob"):
        screener = session(review, who)
        for _ in range(10):
            screener.decide("include")
    ann, bob = session(review, "ann", Stage.FULL_TEXT), session(review, "bob", Stage.FULL_TEXT)
    unit = ann.current
    ann.decide("exclude", ["design"])
    bob.decide("exclude", ["population"])
    assert session(review, "carol", Stage.FULL_TEXT).outcome(unit) is Outcome.CONFLICT


def test_a_unit_with_two_decisions_leaves_everyone_elses_queue(review: Path) -> None:
    ann, bob = session(review, "ann"), session(review, "bob")
    unit = ann.current
    ann.decide("include")
    bob.decide("include")
    carol = session(review, "carol")
    assert carol.current != unit
    assert carol.counts.to_do == 9


def test_views_search_labels_and_notes(review: Path) -> None:
    ann = session(review, "ann")
    unit = ann.current
    assert unit is not None
    assert ann.toggle_label("calibration") is True
    ann.add_note("check the trial registration")
    ann.decide("maybe")
    assert ann.set_view(Filter.MAYBE) == unit
    assert [u.key for u in ann.units()] == [unit.key]
    ann.set_view(Filter.QUEUE, label="calibration")
    assert ann.units() == []
    ann.set_view(Filter.ALL)
    assert ann.units() == [unit]
    ann.set_view(label="")
    assert len(ann.units()) == 10
    record = ann.record(unit)
    assert record is not None and record.title
    word = max(record.title.split(), key=len)
    ann.set_view(search=word)
    assert unit in ann.units() and len(ann.units()) < 10
    ann.set_view(search="")
    bob = session(review, "bob")
    assert bob.notes(unit) == []  # blind: ann's note stays hidden
    assert [n.text for n in ann.notes(unit)] == ["check the trial registration"]
    assert bob.labels_of(unit) == {"calibration"}


def test_agreement_pairs_every_two_reviewers(review: Path) -> None:
    ann, bob = session(review, "ann"), session(review, "bob")
    for i in range(10):
        ann.decide("include" if i < 6 else "exclude")
        bob.decide("include" if i < 4 or i == 9 else "exclude")
    with Store.open(review) as fresh:
        pairs = load_state(fresh, review_protocol(fresh)).agreement(Stage.TITLE_ABSTRACT)
    assert [(p.first, p.second) for p in pairs] == [("ann", "bob")]
    table = pairs[0].stats.table
    # ann includes 0-5, bob includes 0-3 and 9: both include 4, ann only 2, bob only 1.
    assert (table.both_include, table.a_include_b_exclude) == (4, 2)
    assert (table.a_exclude_b_include, table.both_exclude) == (1, 3)


def test_single_reviewer_protocol_completes_with_one_decision(tmp_path: Path) -> None:
    protocol = tmp_path / "one.yaml"
    text = SAMPLE_PROTOCOL.read_text(encoding="utf-8")
    protocol.write_text(
        text.replace("reviewers_per_record: 2", "reviewers_per_record: 1").replace(
            "blind: true", "blind: false"
        ),
        encoding="utf-8",
    )
    path = tmp_path / "one.db"
    with create_review(path, protocol) as store:
        import_paths(store, [SCOPUS], ImportOptions(kind=SourceKind.DATABASE, source_name="S"))
    ann = session(path, "ann")
    unit = ann.current
    ann.decide("exclude")
    assert ann.outcome(unit) is Outcome.EXCLUDE
    assert session(path, "bob").counts.to_do == 9


def test_a_reviewer_name_is_required(review: Path) -> None:
    with pytest.raises(UsageError, match="reviewer"):
        session(review, "  ")


def test_a_merged_duplicate_group_is_screened_once(review: Path) -> None:
    with Store.open(review) as store:
        (first, first_id), (second, second_id) = unit_rows(store)[:2]
        uids = {row["id"]: row["uid"] for row in store.db["records"].rows}
        group = merge_records(store, uids[first_id], uids[second_id], "ann")
    assert group == first
    ann = session(review, "ann")
    assert ann.counts.to_do == 9
    unit = ann.current
    assert unit is not None and unit.key == first and ann.reports(unit) == 2
    ann.decide("include")
    # The decision is stored under the group's key, and covers both records.
    assert stored(review) == [("ann", "title_abstract", "screen", "include", "")]
    with Store.open(review) as fresh:
        assert [e.record_key for e in fresh.screening.decisions()] == [first]
        state = load_state(fresh, review_protocol(fresh))
    assert second not in state.by_key


def test_records_sharing_a_doi_but_not_a_paper_are_screened_apart(tmp_path: Path) -> None:
    """A supplement's DOI on two different abstracts must not hide one of them;
    two exports of one paper under one DOI stay one decision."""
    from review.models import RecordDraft
    from review.store import KeyedRecord, NewSource

    def paper(n: int, title: str, first_author: str, file: str) -> KeyedRecord:
        draft = RecordDraft(n, line=n, title=title, authors=[first_author], year=2014)
        draft.doi = "10.1002/dmrr.2604"
        return KeyedRecord("doi:10.1002/dmrr.2604", f"{file}:{n}", draft)

    path = tmp_path / "shared.db"
    with create_review(path, SAMPLE_PROTOCOL) as store:
        for n, name in ((1, "Embase"), (2, "PubMed")):
            source = NewSource(
                file_name=f"{name}.ris", file_path=f"/s/{name}.ris", file_hash=name,
                file_size=1, format="ris", encoding="utf-8", kind=SourceKind.DATABASE,
                method=None, name=name, search_date=None, imported_by=None,
            )  # fmt: skip
            records = [
                paper(1, "Insulin pump use in adolescents with type 1 diabetes", "Smith, A", name),
                paper(2, "Retinopathy screening intervals in older adults", "Jones, B", name),
            ]
            store.imports.add(source, records if n == 1 else records[:1])
    ann = session(path, "ann")
    units = ann.units()
    assert len(units) == 2  # three records: the two copies of paper 1 are one unit
    titles = [ann.record(unit).title for unit in units]  # type: ignore[union-attr]
    assert titles == [
        "Insulin pump use in adolescents with type 1 diabetes",
        "Retinopathy screening intervals in older adults",
    ]
    assert [ann.reports(unit) for unit in units] == [2, 1]
    ann.decide("include")
    ann.decide("exclude")
    keys = [key for _, _, _, _, key in stored_keys(path)]
    assert keys[0] == "doi:10.1002/dmrr.2604" and keys[1].startswith("doi:10.1002/dmrr.2604@")


def stored_keys(path: Path) -> list[tuple[str, str, str, str | None, str]]:
    with Store.open(path) as fresh:
        return [
            (e.reviewer, e.stage.value, e.kind, e.decision, e.record_key)
            for e in fresh.screening.decisions()
        ]


def test_undo_reaches_back_past_the_recent_events(
    review: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Undo reads a reviewer's newest events first; older ones when those are undone."""
    import review.screening.session as screening_session

    monkeypatch.setattr(screening_session, "_RECENT", 2)
    ann = session(review, "ann")
    decided = []
    for _ in range(5):
        assert ann.current is not None
        decided.append(ann.current)
        ann.decide("include")
    undone = [ann.undo() for _ in range(4)]
    assert undone == decided[::-1][:4]
    assert ann.counts.done == 1


def test_skipped_records_stay_behind_after_a_search_is_cleared(review: Path) -> None:
    """Skip sends a record to the end of the queue, and a search or filter
    cleared later does not bring it back first (issue 14)."""
    ann = session(review, "ann")
    first = ann.current
    assert first is not None
    ann.skip()
    second = ann.current
    assert second is not None and second.key != first.key
    ann.skip()
    ann.set_view(search="radiotherapy")
    ann.set_view(search="")
    third = ann.current
    assert third is not None and third.key not in {first.key, second.key}
    ann.set_view(Filter.ALL)  # a view other than the queue is in record order
    assert ann.current is not None and ann.current.key == first.key
    ann.set_view(Filter.QUEUE)
    assert ann.current is not None and ann.current.key == third.key
    for _ in range(8):  # ten records, two skipped
        ann.decide("include")
    assert ann.current is not None and ann.current.key == first.key  # skipped first, back first
    ann.skip()
    assert ann.current is not None and ann.current.key == second.key
    ann.decide("exclude", ["population"])
    assert ann.current is not None and ann.current.key == first.key
