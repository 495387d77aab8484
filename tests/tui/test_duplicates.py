"""The duplicates screen: keys decide pairs, and what they decide is on disk at once."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable

from review.dedup.run import dedupe_review
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.duplicates import DuplicatesScreen
from review.tui.screens.text_prompt import TextPrompt
from review.tui.widgets.duplicate_pair import DuplicatePair
from tests.conftest import fixed_clock
from tests.dedup_helpers import add_source, paper
from tests.tui.conftest import SIZE, burst, run_from_palette

TITLE = "Pembrolizumab and radiotherapy in head and neck cancer: a randomised trial"


@pytest.fixture
def dup_store(tmp_path: Path) -> Iterator[Store]:
    """Two imports holding one certain duplicate and two probable pairs."""
    with Store.create(tmp_path / "dups.db", now=fixed_clock) as store:
        add_source(
            store,
            "PubMed",
            [
                paper(1, TITLE, doi="10.1/a"),
                paper(2, "Cisplatin dosing in elderly patients", pages="300-309"),
            ],
        )
        add_source(
            store,
            "Embase",
            [
                paper(1, TITLE.upper(), year=2021, pages="e501"),
                # a title reworded, no volume or pages: the weights ask a reviewer
                paper(
                    2,
                    "Cisplatin dosing in older patients",
                    authors=["Smith, Jane", "Roe, Richard"],
                    pages=None,
                    volume=None,
                ),
                paper(3, TITLE, doi="10.1/a"),
            ],
        )
        dedupe_review(store)
        assert len(store.dedup.pending_pairs()) == 2
        yield store


def said(app: ReviewApp) -> list[str]:
    """What the screen told the reviewer about undoing or taking apart."""
    return [n.message for n in app._notifications if "undone" in n.message or "own" in n.message]


def _cell(app: ReviewApp, row: str, column: str) -> str:
    table = app.screen.query_one("#dup-pair", DuplicatePair)
    return str(table.get_cell(row, column))


async def _open(app: ReviewApp, pilot: object) -> None:
    await run_from_palette(pilot, "Duplicates")  # type: ignore[arg-type]
    assert isinstance(app.screen, DuplicatesScreen)


async def test_pair_shows_side_by_side_with_evidence(dup_store: Store) -> None:
    app = ReviewApp(dup_store, reviewer="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        assert _cell(app, "source", "a").startswith("PubMed")
        assert _cell(app, "source", "b").startswith("Embase")
        # the strongest evidence first: the same title, authors, journal and
        # volume a year apart (+8.6) before a reworded title without locators
        # (+5.5); each field's relation with its weight, and their sum
        assert _cell(app, "title", "a") == TITLE
        assert _cell(app, "year", "evidence").startswith("different (1y) -")
        assert _cell(app, "journal", "evidence").startswith("same +")
        total = _cell(app, "weight", "evidence")
        assert total.startswith("total +") and float(total.split()[1]) >= 2.7


async def test_confirm_and_reject_are_stored_at_once(dup_store: Store) -> None:
    app = ReviewApp(dup_store, reviewer="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        first = dup_store.dedup.pending_pairs()[0]
        await pilot.press("y")
        await pilot.pause()
        with Store.open(dup_store.path) as fresh:
            groups = fresh.dedup.group_memberships()
            assert groups[first.uid_a] == groups[first.uid_b]
            [second] = fresh.dedup.pending_pairs()
        await pilot.press("n")
        await pilot.pause()
        with Store.open(dup_store.path) as fresh:
            assert fresh.dedup.pending_pairs() == []
            assert frozenset((second.uid_a, second.uid_b)) in fresh.dedup.distinct_pairs()
            reviewers = {r[0] for r in fresh.db.execute(
                "SELECT reviewer FROM dedup_events WHERE rule = 'reviewer'")}  # fmt: skip
            assert reviewers == {"alice"}
        assert "Nothing to review" in _cell(app, "empty", "a")


async def test_skip_keeps_the_pair_queued(dup_store: Store) -> None:
    app = ReviewApp(dup_store, reviewer="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        before = _cell(app, "title", "a")
        await pilot.press("s")
        await pilot.pause()
        assert _cell(app, "title", "a") != before or _cell(app, "year", "b")
        with Store.open(dup_store.path) as fresh:
            assert len(fresh.dedup.pending_pairs()) == 2


async def test_a_merge_is_undone_from_the_groups_list(dup_store: Store) -> None:
    app = ReviewApp(dup_store, reviewer="alice")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _open(app, pilot)
        await pilot.press("g")
        await pilot.pause()
        groups = app.screen.query_one("#dup-groups", DataTable)
        assert groups.row_count == 2  # the certain DOI pair, merged by the rule
        await pilot.press("u")
        await pilot.pause()
        with Store.open(dup_store.path) as fresh:
            assert fresh.dedup.group_memberships() == {}
            actions = [r[0] for r in fresh.db.execute(
                "SELECT action FROM dedup_events WHERE reviewer = 'alice'")]  # fmt: skip
            assert actions == ["unmerge", "unmerge"]
        assert groups.row_count == 0
        # a rule's group has no merge to undo: it says a record was taken out, not "undone"
        assert said(app) == ["Record 1 is screened on its own now"]


async def test_u_undoes_a_confirmed_pair_and_leaves_the_rule_s_group_whole(
    dup_store: Store,
) -> None:
    """`y` put Embase 1 into the group a DOI rule made of PubMed 1 and Embase 3;
    `u` on that group's first row took PubMed 1 out of its own DOI group. It
    undoes the merge now: Embase 1 alone again, the pair back in the queue —
    twice, the second time typed ahead."""
    app = ReviewApp(dup_store, reviewer="alice")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await _open(app, pilot)
        await pilot.press("y", "g")
        await pilot.pause()
        groups = app.screen.query_one("#dup-groups", DataTable)
        assert groups.row_count == 3
        await pilot.press("u")
        await pilot.pause()
        assert groups.row_count == 2
        assert said(app)[-1] == "Merge undone: record 3 back as before"
        burst(app, "g", "y", "g", "u")  # the same typed ahead, none waiting for the screen
        await pilot.pause()
        assert groups.row_count == 2
    with Store.open(dup_store.path) as fresh:
        assert fresh.dedup.group_memberships() == {
            "PubMed:1": "doi:10.1/a",
            "Embase:3": "doi:10.1/a",
        }
        pairs = [(p.uid_a, p.uid_b) for p in fresh.dedup.pending_pairs()]
        assert pairs == [("PubMed:1", "Embase:1"), ("PubMed:2", "Embase:2")]


async def test_without_a_reviewer_the_name_is_asked_and_esc_stores_nothing(
    dup_store: Store,
) -> None:
    app = ReviewApp(dup_store)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, DuplicatesScreen)
        with Store.open(dup_store.path) as fresh:
            assert len(fresh.dedup.pending_pairs()) == 2


async def test_the_name_asked_is_kept_and_the_decision_made(dup_store: Store) -> None:
    """`y`, the name and Enter typed in one burst: merged as Ann, and the app knows Ann."""
    app = ReviewApp(dup_store)
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        burst(app, "y", *"Ann", "enter", "n")
        for _ in range(20):
            await pilot.pause()
        assert isinstance(app.screen, DuplicatesScreen)
        assert app.reviewer == "Ann" and "Ann" in app.sub_title
    with Store.open(dup_store.path) as fresh:
        assert fresh.dedup.pending_pairs() == []
        rows = list(
            fresh.db.execute(
                "SELECT action, reviewer FROM dedup_events WHERE rule = 'reviewer' ORDER BY rowid"
            )
        )
    # `y` put the first pair's second record in the group its first already
    # shares with its DOI twin (one event), `n` kept the second pair apart
    assert [tuple(r) for r in rows] == [("merge", "Ann"), ("distinct", "Ann")]


async def test_a_burst_of_decisions_is_applied_in_order(dup_store: Store) -> None:
    app = ReviewApp(dup_store, reviewer="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        first, second = dup_store.dedup.pending_pairs()
        burst(app, "s", "n", "y")
        for _ in range(20):
            await pilot.pause()
    with Store.open(dup_store.path) as fresh:
        assert fresh.dedup.pending_pairs() == []
        # s put the first pair last: n kept the second apart, y merged the first
        assert frozenset((second.uid_a, second.uid_b)) in fresh.dedup.distinct_pairs()
        groups = fresh.dedup.group_memberships()
        assert groups[first.uid_a] == groups[first.uid_b]


async def test_the_strongest_evidence_is_shown_first(tmp_path: Path) -> None:
    """One DOI at one location outweighs a reworded title without locators,
    although the old score (title similarity first) put the reworded one first."""
    from textual.widgets import Static

    from tests.test_dedup_queue_order import NIVO, NIVO_OTHER, _review

    with _review(tmp_path / "order.db") as store:
        dedupe_review(store)
        strongest = max(store.dedup.pending_pairs(), key=lambda p: p.weight or 0.0)
        app = ReviewApp(store, reviewer="alice")
        async with app.run_test(size=SIZE) as pilot:
            await _open(app, pilot)
            assert (_cell(app, "title", "a"), _cell(app, "title", "b")) == (NIVO, NIVO_OTHER)
            status = str(app.screen.query_one("#dup-status", Static).render())
            assert f"weight {strongest.weight:+.1f}" in status
            assert _cell(app, "weight", "evidence") == f"total {strongest.weight:+.1f}"


async def test_evidence_fits_at_80_columns(dup_store: Store) -> None:
    """At 80x24 the evidence column is on screen, not past a horizontal scroll."""
    app = ReviewApp(dup_store, reviewer="alice")
    async with app.run_test(size=(80, 24)) as pilot:
        await _open(app, pilot)
        await pilot.pause()
        table = app.screen.query_one("#dup-pair", DuplicatePair)
        assert table.max_scroll_x == 0
        assert _cell(app, "journal", "evidence").startswith("same +")
        assert _cell(app, "title", "a") == TITLE  # wrapped, not cut
        await pilot.resize_terminal(160, 40)
        await pilot.pause()
        assert table.columns["a"].width == 40  # type: ignore[index]
        assert table.max_scroll_x == 0


async def test_missing_title_is_not_zero_similar(dup_store: Store) -> None:
    app = ReviewApp(dup_store, reviewer="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        table = app.screen.query_one("#dup-pair", DuplicatePair)
        pair = dup_store.dedup.pending_pairs()[0]
        a = dup_store.records.record_by_uid(pair.uid_a)
        b = dup_store.records.record_by_uid(pair.uid_b)
        table.show_pair(a, b.model_copy(update={"title": ""}), pair.evidence)
        assert _cell(app, "title", "evidence").startswith("missing")


@pytest.fixture
def three_pairs(tmp_path: Path) -> Iterator[Store]:
    """Three or more probable pairs, titles reworded without volume or pages."""
    topics = ("Cisplatin dosing", "Carboplatin schedules", "Cetuximab toxicity")
    with Store.create(tmp_path / "three.db", now=fixed_clock) as store:
        add_source(
            store,
            "PubMed",
            [
                paper(n, f"{topic} in elderly patients", pages=f"{n}00-{n}09")
                for n, topic in enumerate(topics, 1)
            ],
        )
        add_source(
            store,
            "Embase",
            [
                paper(
                    n,
                    f"{topic} in older patients",
                    authors=["Smith, Jane", "Roe, Richard"],
                    pages=None,
                    volume=None,
                )
                for n, topic in enumerate(topics, 1)
            ],
        )
        dedupe_review(store)
        assert len(store.dedup.pending_pairs()) >= 3
        yield store


async def test_skipped_pair_stays_behind_after_a_decision(three_pairs: Store) -> None:
    """s, n, n typed ahead: the second n decides the third pair, not the skipped first."""
    queue = [(p.uid_a, p.uid_b) for p in three_pairs.dedup.pending_pairs()]
    app = ReviewApp(three_pairs, reviewer="alice")
    async with app.run_test(size=SIZE) as pilot:
        await _open(app, pilot)
        burst(app, "s", "n", "n")
        await pilot.pause()
        await pilot.pause()
    waiting = [(p.uid_a, p.uid_b) for p in three_pairs.dedup.pending_pairs()]
    assert waiting == [queue[0], *queue[3:]]
