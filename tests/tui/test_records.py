"""The records screen: table, search, detail pane, sources, paging, palette."""

from __future__ import annotations

import io
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Input, Label, Static

from review.dedup.units import load_resolution
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.home import HomeScreen
from review.tui.screens.records import PAGE_SIZE, RecordsScreen
from review.tui.widgets.record_detail import RecordDetail
from review.tui.widgets.record_table import RecordTable
from review.tui.widgets.sources_panel import SourcesPanel
from tests.conftest import fixed_clock
from tests.tui.conftest import SIZE, burst, run_from_palette

PROTOCOL_TITLE = "Radiotherapy combined with immune checkpoint inhibitors for head and neck"


def table(app: ReviewApp) -> RecordTable:
    return app.screen.query_one("#records", RecordTable)


def titles(app: ReviewApp) -> list[str]:
    grid = table(app)
    return [str(grid.get_row_at(i)[0]) for i in range(grid.row_count)]


def match_count(app: ReviewApp) -> str:
    return str(app.screen.query_one("#match-count", Label).render())


def detail_text(app: ReviewApp) -> str:
    """Every visible part of the detail pane, as plain text."""
    detail = app.screen.query_one(RecordDetail)
    console = Console(width=200, record=True, file=io.StringIO())
    for part in detail.query(Static):
        if part.display:
            content = part.content
            console.print(content if not isinstance(content, str) else Text(content))
    return console.export_text().strip()


def browser(store: Store, **options: object) -> ReviewApp:
    """The app with the records browser open over the home, as key `r` opens it."""
    return ReviewApp(store, action="app.records", **options)  # type: ignore[arg-type]


async def settle(app: ReviewApp, pilot: Pilot[None]) -> None:
    """Let debounced searches and page fetches finish, then let the screen catch up."""
    await app.workers.wait_for_complete()
    await pilot.pause()


async def test_r_on_the_home_opens_every_record_and_esc_goes_back(sample_store: Store) -> None:
    app = ReviewApp(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecordsScreen)
        assert table(app).row_count == 5
        assert match_count(app) == "5 records"
        assert app.title.startswith(PROTOCOL_TITLE)
        assert app.sub_title == "sample.db · 5 records imported"
        assert table(app).has_focus
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)


async def test_search_filters_as_you_type_and_escape_clears(sample_store: Store) -> None:
    app = browser(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"nasopharyngeal")
        await settle(app, pilot)
        shown = titles(app)
        assert shown, "the trial registration mentions nasopharyngeal carcinoma"
        assert any("Nasopharyngeal Carcinoma" in title for title in shown)
        assert len(shown) < 5
        assert match_count(app) == f"{len(shown)} of 5 match"

        await pilot.press("escape")
        await settle(app, pilot)
        assert table(app).row_count == 5
        assert match_count(app) == "5 records"
        assert table(app).has_focus


async def test_a_search_typed_ahead_of_slash_keeps_every_letter(sample_store: Store) -> None:
    """`/` and the words in one burst: no letter is lost to the table, and
    `s` in a word does not toggle the sources panel."""
    app = browser(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, "slash", *"nasopharyngeal")
        await settle(app, pilot)
        assert app.screen.query_one("#search", Input).value == "nasopharyngeal"
        assert not app.screen.query_one(SourcesPanel).display
        assert any("Nasopharyngeal Carcinoma" in title for title in titles(app))


async def test_search_with_no_match_empties_the_detail(sample_store: Store) -> None:
    app = browser(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"zzqx")
        await settle(app, pilot)
        assert table(app).row_count == 0
        assert match_count(app) == "0 of 5 match"
        assert detail_text(app) == "No record to show"


async def test_detail_follows_the_cursor_and_shows_warnings(sample_store: Store) -> None:
    app = browser(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        records = [
            sample_store.records.record(row.id) for row in sample_store.records.record_rows()
        ]
        for index, record in enumerate(records):
            if index:
                await pilot.press("j")
                await pilot.pause()
            text = detail_text(app)
            assert (record.title or "(no title)") in text.replace("\n", " ")
            for warning in record.warnings:
                assert f"⚠ {warning}" in text
        untitled = [r for r in records if not r.title]
        assert untitled, "the sample holds a PubMed page without a title"
        assert "no title line" in " ".join(untitled[0].warnings)

        await pilot.press("k")
        await pilot.pause()
        assert records[-2].source_ref in detail_text(app)


async def test_detail_shows_the_vernacular_title(sample_store: Store) -> None:
    app = browser(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        records = [
            sample_store.records.record(row.id) for row in sample_store.records.record_rows()
        ]
        bilingual = next(r for r in records if r.vernacular_title)
        await pilot.press(*["j"] * records.index(bilingual))
        await pilot.pause()
        assert bilingual.vernacular_title in detail_text(app)


async def test_s_toggles_the_sources_panel(sample_store: Store) -> None:
    app = browser(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.screen.query_one("#sources", SourcesPanel)
        assert not panel.display
        await pilot.press("s")
        await pilot.pause()
        assert panel.display
        sources = sample_store.imports.sources()
        assert panel.row_count == len(sources)
        first = [str(cell) for cell in panel.get_row_at(0)]
        assert first[:3] == ["Web search", "other (website)", sources[0].file_name]
        assert first[4] == "1"
        await pilot.press("s")
        await pilot.pause()
        assert not panel.display


async def test_rows_load_a_page_at_a_time(big_store: Store) -> None:
    app = browser(big_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert table(app).row_count == PAGE_SIZE
        assert match_count(app) == "450 records"
        for expected in (2 * PAGE_SIZE, 450, 450):
            await pilot.press(*["pagedown"] * 8)
            await settle(app, pilot)
            assert table(app).row_count == expected
        assert titles(app)[-1].startswith("Trial 450")


async def test_end_goes_to_the_last_record_and_home_to_the_first(big_store: Store) -> None:
    """End used to load one more page (the 400th record); it reaches the last
    without loading what lies between, and keys typed after it act there."""
    app = browser(big_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end")
        await settle(app, pilot)
        assert table(app).highlighted_id == 450
        assert table(app).row_count == PAGE_SIZE  # records 251-450, not all of them
        assert "Trial 450" in detail_text(app)
        await pilot.press("home")
        await settle(app, pilot)
        assert table(app).highlighted_id == 1
        await pilot.press("G", "up", "up")  # typed ahead: two up from the last
        await settle(app, pilot)
        assert table(app).highlighted_id == 448


async def test_paging_back_up_from_the_end_loads_the_records_before(big_store: Store) -> None:
    app = browser(big_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("end")
        await settle(app, pilot)
        for _ in range(12):
            await pilot.press("pageup")
            await settle(app, pilot)
        assert table(app).row_count == 450
        assert [int(t.split()[1]) for t in titles(app)] == list(range(1, 451))
        await pilot.press("home")
        await settle(app, pilot)
        assert table(app).highlighted_id == 1


async def test_end_in_a_search_goes_to_its_last_match(big_store: Store) -> None:
    app = browser(big_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"oral", "enter")  # all but every hundredth record
        await settle(app, pilot)
        table(app).focus()
        await pilot.press("end")
        await settle(app, pilot)
        assert table(app).highlighted_id == 450
        assert match_count(app) == "446 of 450 match"
        shown = [int(t.split()[1]) for t in titles(app)]
        assert 400 not in shown and shown[-1] == 450
        await pilot.press("home")
        await settle(app, pilot)
        assert table(app).highlighted_id == 1
        await pilot.press("slash", *["backspace"] * 4, *"nasopharyngeal")
        table(app).focus()
        await pilot.press("end")  # before the search's worker is back: End answers it
        await settle(app, pilot)
        assert table(app).highlighted_id == 400
        assert titles(app)[0].startswith("Trial 100") and match_count(app) == "4 of 450 match"


async def test_end_stays_when_the_search_answers_while_end_is_read(
    big_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End pressed as the search's worker comes back: the worker had passed its
    last check before End cancelled it, and its first page, shown after End's,
    put the cursor back on the first match."""
    from review.tui.screens import records as records_screen

    fetched = threading.Event()
    real_fetch = records_screen._fetch

    def fetch(*args: Any, **kwargs: Any) -> Any:
        found = real_fetch(*args, **kwargs)
        fetched.set()  # the worker is about to hand its page over
        return found

    monkeypatch.setattr(records_screen, "_fetch", fetch)
    app = browser(big_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        real_count = big_store.records.count_matching

        def count_matching(search: str | None) -> int:
            fetched.wait(5)  # End is read while the worker answers
            time.sleep(0.2)
            return real_count(search)

        monkeypatch.setattr(big_store.records, "count_matching", count_matching)
        await pilot.press("slash", *"oral")
        table(app).focus()
        await pilot.press("end")
        await settle(app, pilot)
        assert fetched.is_set()
        assert table(app).highlighted_id == 450
        assert match_count(app) == "446 of 450 match"


async def test_search_pages_too_and_a_newer_search_wins(big_store: Store) -> None:
    app = browser(big_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"oral")
        await pilot.press(*["backspace"] * 4, *"nasopharyngeal")
        await settle(app, pilot)
        expected = [
            f"Trial {n:03d} of radiotherapy with checkpoint blockade" for n in range(100, 401, 100)
        ]
        assert titles(app) == expected
        assert match_count(app) == "4 of 450 match"


async def test_palette_reaches_sources_and_help(sample_store: Store) -> None:
    app = browser(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await run_from_palette(pilot, "Sources")
        assert app.screen.query_one("#sources", SourcesPanel).display

        await pilot.press("question_mark")
        await pilot.pause()
        assert app.screen.query("KeysPanel")
        await pilot.press("f1")
        await pilot.pause()
        assert not app.screen.query("KeysPanel")


def test_every_binding_has_an_id() -> None:
    from review.tui.screens.start import StartScreen
    from review.tui.widgets.record_table import RecordTable

    for owner in (ReviewApp, RecordsScreen, StartScreen, RecordTable):
        for binding in owner.BINDINGS:
            assert getattr(binding, "id", None), f"{owner.__name__}: {binding}"


async def test_palette_search_focuses_the_search_input(sample_store: Store) -> None:
    app = browser(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await run_from_palette(pilot, "Search records")
        assert app.screen.focused is not None and app.screen.focused.id == "search"


async def test_a_failing_search_becomes_a_notification(
    sample_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = browser(sample_store)
    async with app.run_test(size=SIZE) as pilot:
        seen: list[str] = []
        monkeypatch.setattr(app, "notify", lambda message, **_: seen.append(str(message)))
        await pilot.pause()
        sample_store.path.unlink()  # the search worker opens the file afresh, and fails
        await pilot.press("slash", *"radiotherapy")
        await settle(app, pilot)
        assert any("no review file here" in text for text in seen)
        assert app.is_running


async def test_a_reviewer_merges_two_records_and_takes_one_apart(sample_path: Path) -> None:
    """`m` on one record then `m` on another screens them as one; `x` undoes it.
    Both are events in the file, read back with a fresh connection."""
    app = browser(Store.open(sample_path, now=fixed_clock), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        first = table(app).highlighted_id
        await pilot.press("m", "down", "m")
        await pilot.pause()
        second = table(app).highlighted_id
        with Store.open(sample_path) as fresh:
            groups = load_resolution(fresh).groups
            assert [[m.record_id for m in v] for v in groups.values()] == [[first, second]]
        await pilot.press("x")
        await pilot.pause()
    with Store.open(sample_path) as fresh:
        assert load_resolution(fresh).groups == {}
        actions = [r[0] for r in fresh.db.execute("SELECT action FROM dedup_events ORDER BY id")]
    assert actions == ["merge", "merge", "unmerge", "unmerge"]


async def test_a_merge_without_a_reviewer_asks_the_name(sample_path: Path) -> None:
    """As screening does (issue 14: it answered "Set a reviewer name first")."""
    app = ReviewApp(Store.open(sample_path, now=fixed_clock))
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Records")
        await pilot.press("m", "down", "m", *"Ann", "enter")
        await pilot.pause()
        assert app.reviewer == "Ann"
    with Store.open(sample_path) as fresh:
        rows = fresh.db.execute("SELECT action, reviewer FROM dedup_events ORDER BY id")
        assert [tuple(r) for r in rows] == [("merge", "Ann"), ("merge", "Ann")]


@pytest.mark.parametrize("key", ["end", "home"])
async def test_end_and_home_in_a_search_matching_nothing_do_nothing(
    big_store: Store, key: str
) -> None:
    """End on an empty search put the cursor on row -1, and the highlight it
    sent (no row) crashed the browser with a traceback."""
    app = browser(big_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("slash", *"dinosaurs")
        table(app).focus()
        await pilot.press(key)  # before the search's worker is back, then after
        await settle(app, pilot)
        await pilot.press(key, "down", "m", "x")
        await settle(app, pilot)
        assert table(app).row_count == 0 and table(app).highlighted_id is None
        assert match_count(app) == "0 of 450 match"
        await pilot.press("escape")  # the search cleared: every record again
        await settle(app, pilot)
        assert table(app).row_count == PAGE_SIZE and table(app).highlighted_id == 1
