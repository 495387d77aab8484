"""Undoing a reviewer's merge puts every record it moved back where it was:
groups a dedup rule had made come back whole (taking one record apart left
the rest of its rule group behind), records in no group go back to none, and
merges stack, each undone in turn."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from review.dedup.manual import merge_records, plan_merge, take_apart
from review.dedup.undo import undo_merge, undo_or_take_apart
from review.dedup.units import load_resolution
from review.models import RecordDraft, SourceKind
from review.store import KeyedRecord, NewSource, Store
from tests.conftest import fixed_clock


@pytest.fixture
def six(tmp_path: Path) -> Iterator[Store]:
    """Six records, 1-6; a rule made {1, 2} and {3, 4} groups; 5 and 6 stand alone."""
    with Store.create(tmp_path / "six.db", now=fixed_clock) as store:
        store.imports.add(
            NewSource(
                file_name="six.ris", file_path="/six.ris", file_hash="six", file_size=1,
                format="ris", encoding="utf-8", kind=SourceKind.DATABASE, method=None,
                name="Embase", search_date=None, imported_by=None,
            ),
            [
                KeyedRecord(f"tya:{n}", f"six:{n}", RecordDraft(n, line=n, title=f"Trial {n}"))
                for n in range(1, 7)
            ],
        )  # fmt: skip
        rows = [
            {"group_key": group, "record_uid": f"six:{n}", "action": "merge", "rule": "doi",
             "score": 1.0}
            for group, members in (("g12", (1, 2)), ("g34", (3, 4)))
            for n in members
        ]  # fmt: skip
        store.append_events("dedup_events", "dedupe", rows)
        yield store


def units(store: Store) -> list[list[int]]:
    """Every unit of two or more, as sorted record ids; what screening treats as one."""
    groups = load_resolution(store).groups.values()
    return sorted(sorted(m.record_id for m in members) for members in groups)


def decided_by(store: Store) -> dict[int, str]:
    return {m.record_id: m.decided_by for ms in load_resolution(store).groups.values() for m in ms}


def test_undo_restores_both_rule_groups_a_merge_fused(six: Store) -> None:
    before = (units(six), decided_by(six), six.dedup.group_state())
    assert before[0] == [[1, 2], [3, 4]]
    merge_records(six, "six:1", "six:3", "ann")
    assert units(six) == [[1, 2, 3, 4]]
    undone = undo_merge(six, 3, "ann")
    assert undone is not None and undone.record_ids == (3, 4) and undone.rule_groups == ("g34",)
    assert (units(six), decided_by(six)) == before[:2]
    after = six.dedup.group_state()
    assert (after.group_of, after.taken_out, after.distinct) == (
        before[2].group_of, before[2].taken_out, before[2].distinct,
    )  # fmt: skip


def test_taking_one_record_apart_is_not_an_undo(six: Store) -> None:
    """What `x` did before: 4 stayed merged with 1 and 2, its own group gone."""
    merge_records(six, "six:1", "six:3", "ann")
    take_apart(six, "six:3", "ann")
    assert units(six) == [[1, 2, 4]]


def test_records_in_no_group_go_back_to_none_not_taken_out(six: Store) -> None:
    merge_records(six, "six:5", "six:6", "ann")
    assert units(six)[-1] == [5, 6]
    undone = undo_merge(six, 5, "ann")  # from either side
    assert undone is not None and undone.record_ids == (5, 6)
    assert units(six) == [[1, 2], [3, 4]]
    assert six.dedup.group_state().taken_out == {}  # a shared DOI would still make them one


def test_merges_stack_and_are_undone_newest_first(six: Store) -> None:
    merge_records(six, "six:1", "six:3", "ann")
    merge_records(six, "six:4", "six:5", "ann")
    assert units(six) == [[1, 2, 3, 4, 5]]
    first = undo_merge(six, 1, "ann")
    assert first is not None and first.record_ids == (5,)
    assert units(six) == [[1, 2, 3, 4]]
    second = undo_merge(six, 1, "ann")
    assert second is not None and second.record_ids == (3, 4)
    assert units(six) == [[1, 2], [3, 4]]
    assert undo_merge(six, 1, "ann") is None  # a rule's group: nothing of a reviewer's to undo


def test_a_merge_that_restored_an_earlier_one_can_be_undone_in_turn(six: Store) -> None:
    merge_records(six, "six:5", "six:6", "ann")  # {5, 6} by a reviewer
    merge_records(six, "six:1", "six:5", "ann")  # then into {1, 2}
    undo_merge(six, 5, "ann")
    assert units(six) == [[1, 2], [3, 4], [5, 6]]
    undo_merge(six, 6, "ann")
    assert units(six) == [[1, 2], [3, 4]]


def test_an_undone_pair_waits_in_the_queue_again(six: Store) -> None:
    from review.store.dedup import PendingPair

    pair = PendingPair("six:2", "six:5", 0.9, "title", {}, 3.0)
    six.dedup.save_run("dedupe", [], [pair], checked_through=6)
    merge_records(six, "six:2", "six:5", "ann")
    assert six.dedup.pending_pairs() == []
    undo_merge(six, 5, "ann")
    assert [(p.uid_a, p.uid_b) for p in six.dedup.pending_pairs()] == [("six:2", "six:5")]


def test_with_no_merge_to_undo_x_takes_the_record_apart(six: Store) -> None:
    assert undo_or_take_apart(six, 3, "ann") == "g34"
    assert units(six) == [[1, 2]]


def test_the_plan_names_the_unit_kept_and_who_joins(six: Store) -> None:
    plan = plan_merge(six, 5, 3)
    assert (plan.kept, plan.kept_records, plan.joining) == ("g34", (3, 4), (5,))
    assert plan_merge(six, 1, 2).joining == ()


def test_review_unmerge_undoes_and_says_so_and_refuses_with_nothing_to_undo(
    six: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    from review.cli import main

    merge_records(six, "six:1", "six:3", "ann")
    six.close()
    args = ["unmerge", str(six.path), "4", "--reviewer", " ANN"]
    with pytest.raises(SystemExit) as done:
        main(args)
    assert done.value.code in (0, None)
    said = capsys.readouterr()
    assert said.out == "Merge undone: records 3, 4 back as before; g34 whole again.\n"
    # the name typed differently is the reviewer already here, and told so, as `same` does
    assert said.err == "note: recording as ann, already in this review (typed 'ANN')\n"
    with Store.open(six.path) as fresh:
        assert units(fresh) == [[1, 2], [3, 4]]
    with pytest.raises(SystemExit) as again:
        main(args)
    assert again.value.code == 2
    assert f"{six.path.name}: record 4 is in no unit a reviewer merged" in capsys.readouterr().err
    with Store.open(six.path) as fresh:
        assert {e.reviewer for e in fresh.dedup.events()} == {"dedupe", "ann"}


@pytest.mark.parametrize("into", ["lead", "ann"])
def test_a_merge_made_in_a_copy_is_undone_exactly_after_the_files_are_merged(
    six: Store, into: str
) -> None:
    """The batch travels with the events: Ann fuses two rule groups in her copy,
    the copies are merged (either way round), and undo there restores both
    groups; merging the undo back gives the other file the same units."""
    lead_path, ann_path = six.path, six.path.with_name("ann.db")
    six.copy_for_reviewer(ann_path)
    six.close()
    with Store.open(ann_path) as ann:
        merge_records(ann, "six:1", "six:3", "Ann")
        merge_records(ann, "six:4", "six:5", "Ann")  # stacked on it
    here, there = (lead_path, ann_path) if into == "lead" else (ann_path, lead_path)
    with Store.open(here) as store:
        if into == "lead":
            store.merge_from(ann_path)
        assert units(store) == [[1, 2, 3, 4, 5]]
        newest = undo_merge(store, 2, "ANN")
        older = undo_merge(store, 2, "ann")
        assert newest is not None and newest.record_ids == (5,)
        assert older is not None and older.record_ids == (3, 4) and older.rule_groups == ("g34",)
        assert units(store) == [[1, 2], [3, 4]]
        assert {e.reviewer for e in store.dedup.events() if e.rule != "doi"} == {"Ann"}
    with Store.open(there) as other:
        other.merge_from(here)
        other.merge_from(here)  # twice changes nothing
        assert units(other) == [[1, 2], [3, 4]]
        assert undo_merge(other, 2, "Ann") is None


def test_review_same_on_records_already_one_says_so_and_stores_nothing(
    six: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    """It said "now screened as one", as if a merge `review unmerge` could undo were made."""
    from review.cli import main

    six.close()
    with pytest.raises(SystemExit) as done:
        main(["same", str(six.path), "2", "1", "--reviewer", "ann"])
    assert done.value.code in (0, None)
    assert capsys.readouterr().out == (
        "Records 2 and 1 are screened as one already (g12, 2 records); nothing was stored.\n"
    )
    with Store.open(six.path) as fresh:
        assert {e.reviewer for e in fresh.dedup.events()} == {"dedupe"}
