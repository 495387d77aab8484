"""A reviewer's merge in the records browser: `m` on one record shows what is
pending, the bar says which unit is kept before the second `m`, Esc cancels,
and `x` undoes the merge exactly — groups a dedup rule had made come back
whole — typed slowly or all at once."""

from __future__ import annotations

from pathlib import Path

from review.dedup.manual import merge_records
from review.dedup.units import load_resolution
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.records import RecordsScreen
from review.tui.widgets.merge_bar import MergeBar
from tests.conftest import fixed_clock
from tests.tui.conftest import SIZE, burst
from tests.tui.test_records import browser, settle, table


def rule_groups(path: Path) -> None:
    """A dedup rule made records 1+2 and 3+4 one each, as `review dedupe` would."""
    with Store.open(path, now=fixed_clock) as store:
        refs = store.records.record_refs([1, 2, 3, 4])
        rows = [
            {"group_key": group, "record_uid": refs[n].uid, "action": "merge", "rule": "doi",
             "score": 1.0}
            for group, pair in (("rule-a", (1, 2)), ("rule-b", (3, 4)))
            for n in pair
        ]  # fmt: skip
        store.append_events("dedup_events", "dedupe", rows)


def units(path: Path) -> list[list[int]]:
    with Store.open(path) as fresh:
        groups = load_resolution(fresh).groups.values()
        return sorted(sorted(m.record_id for m in members) for members in groups)


def bar(app: ReviewApp) -> str:
    shown = app.screen.query_one(MergeBar)
    return str(shown.render()) if shown.has_class("-marked") else ""


async def test_the_first_m_shows_what_the_merge_keeps_and_esc_cancels(sample_path: Path) -> None:
    rule_groups(sample_path)
    app = browser(Store.open(sample_path, now=fixed_clock), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert table(app).highlighted_id == 1 and bar(app) == ""
        await pilot.press("m")
        await pilot.pause()
        assert bar(app).startswith("Merging record 1: highlight the record")
        await pilot.press("down")
        await pilot.pause()
        assert bar(app) == "Record 2 is screened with record 1 already · Esc cancels"
        await pilot.press("down", "down", "down")
        await pilot.pause()
        assert bar(app) == (
            "m merges: record 1's unit (2 records) is kept (its decisions stay), "
            "record 5 joins it · Esc cancels"
        )
        await pilot.press("escape")
        await pilot.pause()
        assert bar(app) == ""
        assert app.screen is not None and table(app).has_focus
    assert units(sample_path) == [[1, 2], [3, 4]]  # nothing written


async def test_x_after_a_merge_restores_the_rule_groups_it_fused(sample_path: Path) -> None:
    """`x` took only the highlighted record out: record 4 stayed merged with 1
    and 2, and the rule's group {3, 4} was gone."""
    rule_groups(sample_path)
    app = browser(Store.open(sample_path, now=fixed_clock), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "down", "down")
        await pilot.pause()
        assert "record 1's unit (2 records) is kept" in bar(app)
        assert "records 3, 4 join it" in bar(app)
        await pilot.press("m")
        await pilot.pause()
        assert bar(app) == ""
        assert units(sample_path) == [[1, 2, 3, 4]]
        await pilot.press("x")
        await pilot.pause()
    assert units(sample_path) == [[1, 2], [3, 4]]
    with Store.open(sample_path) as fresh:
        rows = fresh.db.execute(
            "SELECT action, rule, group_key FROM dedup_events WHERE reviewer = 'ann' ORDER BY id"
        ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("merge", "reviewer", "rule-a"),
        ("merge", "reviewer", "rule-a"),
        ("merge", "doi", "rule-b"),  # each back in the rule's group, as the rule put it
        ("merge", "doi", "rule-b"),
    ]


async def test_m_m_x_typed_ahead_merges_then_undoes(sample_path: Path) -> None:
    """All keys posted at once, none waiting for the screen: the second m acts
    on the record the cursor reached, x on the merge just made."""
    rule_groups(sample_path)
    app = browser(Store.open(sample_path, now=fixed_clock), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "m", "down", "down", "down", "down", "m", "x")
        await settle(app, pilot)
        assert bar(app) == ""
    assert units(sample_path) == [[1, 2], [3, 4]]
    with Store.open(sample_path) as fresh:
        rows = fresh.db.execute(
            "SELECT action, rule FROM dedup_events WHERE reviewer = 'ann' ORDER BY id"
        ).fetchall()
    assert [tuple(r) for r in rows] == [
        ("merge", "reviewer"),  # record 5 into record 1's unit
        ("unmerge", "undone"),  # and back to none: 5 was in no group
    ]


async def test_m_twice_on_one_record_cancels_and_x_then_takes_apart(sample_path: Path) -> None:
    rule_groups(sample_path)
    app = browser(Store.open(sample_path, now=fixed_clock), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "down", "down", "m", "m", "x")  # on record 3: a rule's group
        await settle(app, pilot)
        assert bar(app) == ""
    assert units(sample_path) == [[1, 2]]  # no merge to undo: 3 taken out of {3, 4}


async def test_x_typed_ahead_of_the_name_prompt_closing_undoes_not_asks_again(
    sample_path: Path,
) -> None:
    """With no reviewer yet, the second m asks the name; an x typed right after
    Enter opened the prompt a second time (the app had not heard the name)."""
    rule_groups(sample_path)
    app = browser(Store.open(sample_path, now=fixed_clock))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "m", "down", "down", "down", "down", "m", *"Ann", "enter", "x")
        await settle(app, pilot)
        assert isinstance(app.screen, RecordsScreen) and app.reviewer == "Ann"
    assert units(sample_path) == [[1, 2], [3, 4]]
    with Store.open(sample_path) as fresh:
        rows = fresh.db.execute(
            "SELECT action, rule FROM dedup_events WHERE reviewer = 'Ann' ORDER BY id"
        ).fetchall()
    assert [tuple(r) for r in rows] == [("merge", "reviewer"), ("unmerge", "undone")]


async def test_x_while_a_merge_is_pending_updates_what_m_would_do(sample_path: Path) -> None:
    """m on record 1, then x on record 3 (undoing the merge that held them):
    the bar kept saying they were one, and the second m merged nothing."""
    rule_groups(sample_path)
    with Store.open(sample_path, now=fixed_clock) as store:
        refs = store.records.record_refs([1, 3])
        merge_records(store, refs[1].uid, refs[3].uid, "ann")
    app = browser(Store.open(sample_path, now=fixed_clock), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("m", "down", "down")
        await pilot.pause()
        assert bar(app) == "Record 3 is screened with record 1 already · Esc cancels"
        await pilot.press("x")
        await pilot.pause()
        assert units(sample_path) == [[1, 2], [3, 4]]
        assert "records 3, 4 join it" in bar(app)
        await pilot.press("m")  # merged again, as the bar said
        await pilot.pause()
    assert units(sample_path) == [[1, 2, 3, 4]]
