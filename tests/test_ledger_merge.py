"""The review is the same whatever order reviewers' files are merged in.

State is a pure function of the set of events (`review.ledger.order`): a
hypothesis test lets three machines record random histories — decisions and
undos, resolutions, labels, notes, full texts, study links, duplicate merges
and take-aparts, arms — then merges the files in every order, some twice,
and compares everything a reviewer would see. Regression tests pin each
order-dependence the old per-table "newest" queries had.
"""

from __future__ import annotations

import contextlib
import itertools
import shutil
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from review.dedup.manual import merge_records, take_apart
from review.dedup.undo import undo_or_take_apart
from review.dedup.units import load_resolution
from review.errors import ReviewError
from review.models import Stage
from review.review_file import review_protocol
from review.sample import build_sample
from review.screening.units import load_state
from review.store import Store

REVIEWERS = ("ann", "bob", "cat")
LABELS = ("rct", "pilot")
ARMS = ("Control", "RT + ICI", "RT alone")


class Clocks:
    """One wall clock per machine, each with its own skew, some standing still."""

    def __init__(self) -> None:
        self.base = datetime(2026, 3, 1, tzinfo=UTC)
        self.skew = [timedelta(0), timedelta(minutes=7), timedelta(minutes=-5)]

    def now_for(self, machine: int) -> Callable[[], str]:
        return lambda: (self.base + self.skew[machine]).isoformat(timespec="microseconds")

    def tick(self, steps: int) -> None:
        self.base += timedelta(milliseconds=steps)  # 0 steps: the same millisecond


@pytest.fixture(scope="module")
def base_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ledger") / "base.db"
    build_sample(path, screened=False).close()
    return path


def machines(base: Path, folder: Path, clocks: Clocks) -> list[Store]:
    """Three reviewers' copies of one review file (one review id)."""
    stores = []
    for n in range(3):
        with Store.open(base) as store:
            target = folder / f"m{n}.db"
            store.backup(target)
        stores.append(Store.open(target, now=clocks.now_for(n)))
    return stores


ACTION = st.tuples(
    st.integers(0, 2),  # machine
    st.integers(0, 2),  # reviewer
    st.integers(0, 13),  # what
    st.integers(0, 4),  # record
    st.integers(0, 4),  # other record / choice
    st.integers(0, 3),  # clock steps
)


def act(store: Store, reviewer: str, what: int, a: int, b: int) -> None:
    """One reviewer action, through the same core and store calls the screens use."""
    keys = [k for k, _ in store.records.key_rows()]
    uids = [row[0] for row in store.db.execute("SELECT uid FROM records ORDER BY id")]
    key, other = sorted(set(keys))[a % len(set(keys))], sorted(set(keys))[b % len(set(keys))]
    stage = Stage.TITLE_ABSTRACT if b % 2 == 0 else Stage.FULL_TEXT
    decision = ("include", "exclude", "maybe")[b % 3]
    reasons = ["wrong-population"] if decision == "exclude" and stage is Stage.FULL_TEXT else []
    if what <= 3:
        store.screening.record_decision(key, stage, decision, reviewer=reviewer, reasons=reasons)  # type: ignore[arg-type]
    elif what == 4:
        store.screening.record_decision(key, stage, None, reviewer=reviewer, kind="undo")
    elif what == 5:
        store.screening.record_decision(key, stage, decision, reviewer=reviewer, kind="resolve")  # type: ignore[arg-type]
    elif what == 6:
        store.screening.set_label(key, LABELS[b % 2], reviewer=reviewer, on=bool(a % 2))
    elif what == 7:
        store.screening.add_note(key, stage, f"note {a}{b}", reviewer=reviewer)
    elif what == 8:
        if b % 3 == 0:
            store.fulltexts.attach(key, f"/papers/{reviewer}-{a}.pdf", reviewer=reviewer)
        elif b % 3 == 1:
            store.fulltexts.mark_not_retrieved(key, reviewer=reviewer)
        elif store.fulltexts.get(key) is not None:
            store.fulltexts.detach(key, reviewer=reviewer)
    elif what == 9:
        if key != other:
            store.studies.link(key, other, reviewer=reviewer)
    elif what == 10:
        if key in store.studies.links():
            store.studies.unlink(key, reviewer=reviewer)
    elif what == 11:
        merge_records(store, uids[a % len(uids)], uids[b % len(uids)], reviewer)
    elif what == 12 and b % 2:  # the records browser's x: undo a merge exactly
        uid = uids[a % len(uids)]
        undo_or_take_apart(store, store.records.record_ids_for_uids([uid])[uid], reviewer)
    elif what == 12:
        take_apart(store, uids[a % len(uids)], reviewer)
    else:
        live = store.entities.entities(key)
        if live and b % 2:
            store.entities.rename(live[0].id, ARMS[b % 3], reviewer=reviewer)
        else:
            store.entities.create(key, "arm", ARMS[b % 3], reviewer=reviewer)


def snapshot(store: Store) -> dict[str, Any]:
    """Everything a reviewer would see, without row ids (they differ per file)."""
    state = load_state(store, review_protocol(store))
    resolution = state.resolved
    stages: dict[str, Any] = {}
    for stage in Stage:
        for unit in state.units:
            stages[f"{stage}:{unit.key}"] = (
                str(state.outcome(unit.key, stage)),
                sorted((who, e.uid) for who, e in state.decisions(unit.key, stage).items()),
                getattr(state.resolution(unit.key, stage), "uid", None),
                sorted(
                    (who, e.uid)
                    for who in REVIEWERS
                    if (e := state.decision_of(unit.key, stage, who)) is not None
                ),
            )
    notes = sorted(
        (n.record_key, n.stage, n.text, n.reviewer, n.created_at)
        for unit in state.units
        for stage in Stage
        for n in store.screening.notes(unit.key, stage)
    )
    groups = store.dedup.group_state()
    return {
        "units": [(u.key, u.position) for u in resolution.units],
        "groups": {
            k: [(m.record_id, m.decided_by) for m in v] for k, v in resolution.groups.items()
        },
        "studies": resolution.links,
        "stages": stages,
        "labels": store.screening.labels(),
        "notes": notes,
        "fulltexts": store.fulltexts.all(),
        "links": store.studies.links(),
        "members": {uid: e.uid for uid, e in groups.members.items()},
        "taken_out": groups.taken_out,
        "distinct": groups.distinct,
        "arms": sorted((e.id, e.name, e.removed) for e in store.entities.entities(None)),
    }


def merged(files: list[Path], order: tuple[int, ...], folder: Path, twice: bool) -> dict[str, Any]:
    """Merge the files into a copy of the first in `order`; snapshot the result."""
    target = folder / ("merged-" + "".join(map(str, order)) + ("-twice" if twice else "") + ".db")
    with Store.open(files[order[0]]) as first:
        first.backup(target)
    with Store.open(target) as store:
        for n in order[1:]:
            store.merge_from(files[n])
        if twice:
            for n in order:
                store.merge_from(files[n])
        return snapshot(store)


@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(ACTION, min_size=1, max_size=25))
def test_any_merge_order_gives_one_review(
    base_file: Path, tmp_path_factory: pytest.TempPathFactory, actions: list[tuple[int, ...]]
) -> None:
    folder = tmp_path_factory.mktemp("merge")
    clocks = Clocks()
    stores = machines(base_file, folder, clocks)
    try:
        for machine, who, what, a, b, steps in actions:
            clocks.tick(steps)
            with contextlib.suppress(ReviewError):  # refused as a reviewer would be
                act(stores[machine], REVIEWERS[who], what, a, b)
    finally:
        for store in stores:
            store.close()
    files = [folder / f"m{n}.db" for n in range(3)]
    results = [
        merged(files, order, folder, twice=order[0] == 2)
        for order in itertools.permutations(range(3))
    ]
    for result in results[1:]:
        assert result == results[0]


def _pair(base: Path, folder: Path, clocks: Clocks) -> tuple[Store, Store]:
    ann, bob, cat = machines(base, folder, clocks)
    cat.close()
    return ann, bob


def _both_orders(ann: Store, bob: Store, folder: Path) -> tuple[Store, Store]:
    files = [ann.path, bob.path]
    ann.close()
    bob.close()
    outs = []
    for order in ((0, 1), (1, 0)):
        target = folder / f"out{order[0]}.db"
        shutil.copy(files[order[0]], target)  # closed files: a plain copy is safe here
        with Store.open(target) as store:
            store.merge_from(files[order[1]])
        outs.append(Store.open(target))
    return outs[0], outs[1]


def test_a_label_cleared_later_stays_cleared_in_both_orders(
    base_file: Path, tmp_path: Path
) -> None:
    """Was: labels replayed by row id, so the file merged into decided."""
    clocks = Clocks()
    ann, bob = _pair(base_file, tmp_path, clocks)
    key = ann.records.key_rows()[0][0]
    ann.screening.set_label(key, "rct", reviewer="ann")
    clocks.tick(10)
    bob.screening.set_label(
        key, "rct", reviewer="bob", on=False
    )  # bob's clock is 7 min ahead anyway
    one, two = _both_orders(ann, bob, tmp_path)
    with one, two:
        assert one.screening.labels() == two.screening.labels() == {}


def test_the_newest_resolution_wins_in_both_orders(base_file: Path, tmp_path: Path) -> None:
    """Was: conflicts settled by max(row id)."""
    clocks = Clocks()
    ann, bob = _pair(base_file, tmp_path, clocks)
    key = ann.records.key_rows()[0][0]
    bob.screening.record_decision(
        key, Stage.TITLE_ABSTRACT, "exclude", reviewer="bob", kind="resolve"
    )
    clocks.base += timedelta(hours=1)
    ann.screening.record_decision(
        key, Stage.TITLE_ABSTRACT, "include", reviewer="ann", kind="resolve"
    )
    one, two = _both_orders(ann, bob, tmp_path)
    with one, two:
        for store in (one, two):
            state = load_state(store, review_protocol(store))
            resolved = state.resolution(state.unit_key(key), Stage.TITLE_ABSTRACT)
            assert resolved is not None and resolved.reviewer == "ann"


def test_a_later_take_apart_beats_an_earlier_merge_in_both_orders(
    base_file: Path, tmp_path: Path
) -> None:
    """Was: dedup membership by a window over created_at and row id."""
    clocks = Clocks()
    ann, bob = _pair(base_file, tmp_path, clocks)
    uids = [row[0] for row in ann.db.execute("SELECT uid FROM records ORDER BY id")]
    merge_records(ann, uids[0], uids[1], "ann")
    bob.screening.record_decision(
        bob.records.key_rows()[0][0], Stage.TITLE_ABSTRACT, "include", reviewer="bob"
    )
    one, two = _both_orders(ann, bob, tmp_path)
    with one, two:
        assert load_resolution(one).groups.keys() == load_resolution(two).groups.keys()
        assert len(load_resolution(one).groups) == 1
        take_apart(one, uids[1], "bob")
        assert load_resolution(one).groups == {}
