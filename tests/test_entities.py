"""Arms, outcomes, timepoints, comparisons and results: ids that never move."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from review.errors import UsageError
from review.ledger.entities import (
    ACTIONS,
    KINDS,
    EntityEvent,
    clashes,
    of_study,
    replay,
    unplaced,
)
from review.sample import build_sample
from review.store import Store
from tests.conftest import fixed_clock

STUDY = "doi:10.1259/bjr.20220548"
OTHER_STUDY = "doi:10.3389/fimmu.2024.1460480"


@pytest.fixture
def sample(tmp_path: Path) -> Iterator[Store]:
    """The sample's seeds, nothing decided: five records, each its own study."""
    with build_sample(tmp_path / "sample.db", now=fixed_clock, screened=False) as store:
        yield store


def actions(store: Store, entity_id: str) -> list[str]:
    return [e.action for e in store.entities.events() if e.entity_id == entity_id]


# -- the store ----------------------------------------------------------------


def test_create_rename_remove_restore_are_events_replayed(sample: Store) -> None:
    repo = sample.entities
    arm = repo.create(STUDY, "arm", "  Nivolumab  +  RT ", reviewer="ann")
    control = repo.create(STUDY, "arm", "Control", reviewer="ann")
    repo.create(OTHER_STUDY, "arm", "Control", reviewer="ann")  # another study: no clash
    assert len(arm) == 32 and arm != control
    assert [e.name for e in repo.entities(STUDY, "arm")] == ["Nivolumab + RT", "Control"]

    assert repo.rename(arm, "Nivolumab and RT", reviewer="bob")
    assert repo.rename(arm, "Nivolumab and RT", reviewer="bob") is None  # nothing to change
    assert repo.remove(control, reviewer="ann")
    assert repo.remove(control, reviewer="ann") is None
    assert [e.name for e in repo.entities(STUDY)] == ["Nivolumab and RT"]
    removed = repo.entity(control)
    assert removed is not None and removed.removed and removed.name == "Control"
    assert repo.restore(control, reviewer="ann")
    assert repo.restore(control, reviewer="ann") is None

    renamed = repo.entity(arm)
    assert renamed is not None
    assert (renamed.name, renamed.created_by, renamed.study_key, renamed.kind) == (
        "Nivolumab and RT",
        "ann",
        STUDY,
        "arm",
    )
    assert actions(sample, arm) == ["create", "rename"]
    assert actions(sample, control) == ["create", "remove", "restore"]
    assert [e.name for e in repo.entities(STUDY, "arm")] == ["Nivolumab and RT", "Control"]
    assert len(repo.entities()) == 3
    assert repo.unplaced() == []
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sample.db.execute("UPDATE entities SET name = 'x'")
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        sample.db.execute("DELETE FROM entities")


def test_results_name_their_parts_and_attributes_change_one_by_one(sample: Store) -> None:
    repo = sample.entities
    nivo = repo.create(STUDY, "arm", "Nivolumab + RT", reviewer="ann")
    rt = repo.create(STUDY, "arm", "RT alone", reviewer="ann")
    os_ = repo.create(STUDY, "outcome", "Overall survival", reviewer="ann")
    year = repo.create(STUDY, "timepoint", "12 months", reviewer="ann")
    two = repo.create(STUDY, "timepoint", "24 months", reviewer="ann")
    comparison = repo.create(
        STUDY, "comparison", "Nivo + RT vs RT", reviewer="ann", attrs={"arms": [nivo, rt]}
    )
    result = repo.create(
        STUDY,
        "result",
        "OS at 12 months",
        reviewer="ann",
        attrs={"outcome": os_, "timepoint": year, "comparison": comparison},
    )
    assert repo.set_attrs(result, {"timepoint": two, "outcome": os_}, reviewer="bob")
    assert repo.events(STUDY)[-1].attrs == {"timepoint": two}  # only what changed
    assert repo.set_attrs(result, {"timepoint": two}, reviewer="bob") is None
    entity = repo.entity(result)
    assert entity is not None
    assert dict(entity.attrs) == {"outcome": os_, "timepoint": two, "comparison": comparison}
    assert repo.set_attrs(result, {"comparison": None}, reviewer="bob")  # None clears
    entity = repo.entity(result)
    assert entity is not None and "comparison" not in entity.attrs
    assert [e.kind for e in repo.entities(STUDY)] == [
        "arm",
        "arm",
        "outcome",
        "timepoint",
        "timepoint",
        "comparison",
        "result",
    ]


def test_positions_order_a_list_and_the_rest_follow_in_creation_order(sample: Store) -> None:
    repo = sample.entities
    a, b, c = (repo.create(STUDY, "outcome", name, reviewer="ann") for name in "ABC")
    assert [e.id for e in repo.entities(STUDY, "outcome")] == [a, b, c]
    repo.set_attrs(c, {"position": 1}, reviewer="ann")
    repo.set_attrs(a, {"position": 2.5}, reviewer="ann")
    assert [e.id for e in repo.entities(STUDY, "outcome")] == [c, a, b]
    assert [e.position for e in repo.entities(STUDY, "outcome")] == [1.0, 2.5, None]


def test_a_value_still_belongs_to_its_arm_after_a_rename(sample: Store) -> None:
    repo = sample.entities
    arm = repo.create(STUDY, "arm", "Nivolumab + RT", reviewer="ann")
    sample.append_event(
        "extraction_values", "ann", study_key=STUDY, field="n_randomised", instance=arm, value="62"
    )
    repo.rename(arm, "Nivolumab plus radiotherapy", reviewer="bob")
    arms = {e.id: e.name for e in repo.entities(STUDY, "arm")}
    rows = sample.db.execute(
        "SELECT instance, value FROM extraction_values WHERE study_key = ?", [STUDY]
    ).fetchall()
    assert [(arms[instance], value) for instance, value in rows] == [
        ("Nivolumab plus radiotherapy", "62")
    ]


def test_refusals_say_what_to_do_and_write_nothing(sample: Store) -> None:
    repo = sample.entities
    arm = repo.create(STUDY, "arm", "Placebo", reviewer="ann")
    other = repo.create(STUDY, "arm", "Nivolumab", reviewer="ann")
    before = len(repo.events())

    cases: list[tuple[Callable[[], object], str, str]] = [
        (lambda: repo.create(STUDY, "arm", "   ", reviewer="ann"), "name is needed", "e.g."),
        (lambda: repo.create(STUDY, "group", "X", reviewer="ann"), "unknown kind", "arm"),
        (lambda: repo.create(STUDY, "arm", " placebo ", reviewer="ann"), "is named", "rename"),
        (lambda: repo.create("doi:10.1/none", "arm", "X", reviewer="ann"), "no study", "key"),
        (lambda: repo.rename("f" * 32, "X", reviewer="ann"), "no arm, outcome", "merge"),
        (lambda: repo.remove("f" * 32, reviewer="ann"), "no arm, outcome", "merge"),
        (lambda: repo.restore("f" * 32, reviewer="ann"), "no arm, outcome", "merge"),
        (lambda: repo.rename(other, "PLACEBO", reviewer="ann"), "is named", "another name"),
        (lambda: repo.rename(arm, "", reviewer="ann"), "name is needed", "e.g."),
        (lambda: repo.set_attrs(arm, {"position": "first"}, reviewer="ann"), "number", "1.5"),
        (lambda: repo.set_attrs(arm, {"when": object()}, reviewer="ann"), "JSON", "text"),
        (lambda: repo.create(STUDY, "arm", "X", reviewer="ann", attrs={"a": None}), "no value", ""),
        (lambda: repo.create(STUDY, "arm", "X", reviewer=" "), "reviewer", "--reviewer"),
    ]
    for action, match, hint in cases:
        with pytest.raises(UsageError, match=match) as raised:
            action()
        assert hint in (raised.value.hint or ""), match
    repo.remove(arm, reviewer="ann")
    with pytest.raises(UsageError, match="removed arm 'Placebo'") as raised:
        repo.rename(arm, "Sham", reviewer="ann")
    assert raised.value.hint == "restore it first"
    assert repo.create(STUDY, "arm", "placebo", reviewer="ann")  # the old one is removed
    with pytest.raises(UsageError, match="another arm of this study is named 'placebo'"):
        repo.restore(arm, reviewer="ann")
    assert len(repo.events()) == before + 2


def test_a_report_of_a_study_is_not_a_study(sample: Store) -> None:
    sample.studies.link(OTHER_STUDY, STUDY, reviewer="ann")
    with pytest.raises(UsageError, match="is a report of the study") as raised:
        sample.entities.create(OTHER_STUDY, "arm", "Control", reviewer="ann")
    assert STUDY in (raised.value.hint or "")


def test_the_table_takes_exactly_the_ledgers_kinds_and_actions(store: Store) -> None:
    """The migration spells the closed sets out; they must match the ledger's."""
    for kind in KINDS:
        for action in ACTIONS:
            store.append_event(
                "entities", "ann", entity_id="e", study_key="s", kind=kind, action=action
            )
    for kind, action in (("group", "create"), ("arm", "delete")):
        with pytest.raises(sqlite3.IntegrityError, match="CHECK"):
            store.append_event(
                "entities", "ann", entity_id="e", study_key="s", kind=kind, action=action
            )


def test_a_file_made_before_entities_gains_them_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    Store.create(path).close()
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE entities")
    conn.execute("DELETE FROM _sqlite_migrations WHERE name = 'm004_entities'")
    conn.commit()
    conn.close()
    with Store.open(path) as store:
        assert store.entities.entities() == []
        indexes = {row[1] for row in store.db.execute("PRAGMA index_list(entities)")}
        assert {"entities_order", "entities_study", "entities_entity"} <= indexes


# -- merging ------------------------------------------------------------------


@pytest.fixture
def pair(tmp_path: Path) -> tuple[Path, Path, str, str]:
    """Ann's file and Bob's copy of it (same review id), each renaming one arm."""
    ann, bob = tmp_path / "ann.db", tmp_path / "bob.db"
    with build_sample(ann, now=fixed_clock, screened=False) as store:
        arm = store.entities.create(STUDY, "arm", "Control", reviewer="ann")
        store.backup(bob)
        store.entities.rename(arm, "Standard care", reviewer="ann")
        store.entities.create(STUDY, "outcome", "Overall survival", reviewer="ann")
    with Store.open(bob, now=fixed_clock) as store:
        store.entities.rename(arm, "Usual care", reviewer="bob")
        result = store.entities.create(STUDY, "result", "OS", reviewer="bob")
        store.entities.set_attrs(arm, {"position": 1}, reviewer="bob")
        store.entities.remove(result, reviewer="bob")
    return ann, bob, arm, result


def test_merged_either_way_reviewers_see_the_same_entities(
    pair: tuple[Path, Path, str, str], tmp_path: Path
) -> None:
    ann, bob, arm, result = pair
    a_then_b, b_then_a = tmp_path / "ab.db", tmp_path / "ba.db"
    for source, target in ((ann, a_then_b), (bob, b_then_a)):
        with Store.open(source) as store:
            store.backup(target)
    seen = []
    for target, other in ((a_then_b, bob), (b_then_a, ann)):
        with Store.open(target) as store:
            merged = store.merge_from(other)
            assert merged.added["entities"] > 0
            state = store.entities.entities(include_removed=True)
            again = store.merge_from(other)
            assert again.total == 0
            assert store.entities.entities(include_removed=True) == state
            seen.append(state)
    assert seen[0] == seen[1]
    by_id = {e.id: e for e in seen[0]}
    assert by_id[arm].name in {"Standard care", "Usual care"}  # one of them, everywhere
    assert by_id[arm].position == 1.0  # Bob's move survives Ann's rename
    assert by_id[result].removed
    assert [e.kind for e in seen[0]] == ["arm", "outcome", "result"]


# -- the pure replay ----------------------------------------------------------


def ev(uid: str, at: int, entity: str, action: str, **fields: object) -> EntityEvent:
    return EntityEvent(
        uid=uid,
        created_at=f"2026-01-01T00:00:00.{at:06d}+00:00",
        reviewer=str(fields.pop("reviewer", "ann")),
        entity_id=entity,
        study_key=str(fields.pop("study_key", "s")),
        kind=fields.pop("kind", "arm"),  # type: ignore[arg-type]
        action=action,  # type: ignore[arg-type]
        name=fields.pop("name", None),  # type: ignore[arg-type]
        attrs=fields.pop("attrs", {}),  # type: ignore[arg-type]
    )


def test_events_without_their_create_wait_aside_and_count_once_it_arrives() -> None:
    rename = ev("r", 5, "x", "rename", name="Later")
    create = ev("c", 1, "x", "create", name="First")
    again = ev("c2", 2, "x", "create", name="Second create")
    elsewhere = ev("w", 6, "x", "remove", study_key="t")
    unknown = ev("u", 7, "x", "split")
    assert replay([rename]) == {}
    assert unplaced([rename]) == [rename]
    state = replay([rename, elsewhere, unknown, again, create])
    assert state["x"].name == "Later" and not state["x"].removed
    assert state["x"].created_at == create.created_at
    assert unplaced([unknown, again, elsewhere, rename, create]) == [again, elsewhere, unknown]


def test_newest_wins_each_register_separately() -> None:
    events = [
        ev("a", 1, "x", "create", name="Control", attrs={"position": 3, "note": "n"}),
        ev("b", 2, "x", "rename", name="Usual care"),
        ev("c", 2, "x", "rename", name="Standard care"),  # same stamp: uid "c" > "b" wins
        ev("d", 3, "x", "set", attrs={"position": 1}),
        ev("e", 4, "x", "remove"),
        ev("f", 4, "x", "restore"),
    ]
    entity = replay(events)["x"]
    assert (entity.name, dict(entity.attrs), entity.removed) == (
        "Standard care",
        {"position": 1, "note": "n"},
        False,
    )


def test_helpers_list_a_study_and_find_clashing_names() -> None:
    state = replay(
        [
            ev("a", 1, "x", "create", name="Placebo"),
            ev("b", 2, "y", "create", name="placebo ", reviewer="bob"),
            ev("c", 3, "z", "create", name="Placebo", kind="outcome"),
            ev("d", 4, "w", "create", name="Sham"),
            ev("e", 5, "w", "remove"),
        ]
    )
    assert [e.id for e in of_study(state, "s", "arm")] == ["x", "y"]
    assert [e.id for e in of_study(state, "s", include_removed=True)] == ["x", "y", "w", "z"]
    assert of_study(state, "t") == []
    assert [[e.id for e in group] for group in clashes(state)] == [["x", "y"]]


_STAMPS = st.integers(min_value=0, max_value=4)
_EVENT = st.builds(
    ev,
    uid=st.text(alphabet="0123456789abcdef", min_size=1, max_size=4),
    at=_STAMPS,
    entity=st.sampled_from(["x", "y", "z"]),
    action=st.sampled_from(("create", "create", *ACTIONS)),
    study_key=st.sampled_from(["s", "s", "s", "t"]),
    kind=st.sampled_from(KINDS[:2]),
    name=st.one_of(st.none(), st.sampled_from(["A", "B", "C", ""])),
    attrs=st.dictionaries(
        st.sampled_from(["position", "outcome", "arms"]),
        st.one_of(st.none(), st.integers(0, 3), st.lists(st.sampled_from("xyz"), max_size=2)),
        max_size=2,
    ),
)
_EVENTS = st.lists(_EVENT, max_size=25, unique_by=lambda e: e.uid)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_replay_is_the_same_in_any_order(data: st.DataObject) -> None:
    events = data.draw(_EVENTS)
    shuffled = data.draw(st.permutations(events))
    assert replay(shuffled) == replay(events)
    assert unplaced(shuffled) == unplaced(events)


@settings(max_examples=200, deadline=None)
@given(data=st.data())
def test_replay_ignores_events_seen_twice(data: st.DataObject) -> None:
    """A file merged twice (or read twice) holds some events twice."""
    events = data.draw(_EVENTS)
    twice = data.draw(st.lists(st.sampled_from(events), max_size=10)) if events else []
    mixed = data.draw(st.permutations(events + twice))
    assert replay(mixed) == replay(events)
    assert unplaced(mixed) == unplaced(events)
