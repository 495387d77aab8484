"""The export screen: `review export`'s choices, run in a worker while keys stay
live, then where each file went; errors say what to do and write nothing."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from textual.pilot import Pilot
from textual.widgets import Checkbox, DataTable, Input, Static

from review.exports import ExportResult, export_review
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens import export as export_screen
from review.tui.screens.export import ExportScreen
from tests.conftest import fixed_clock
from tests.prisma_helpers import build_review
from tests.tui.conftest import SIZE, run_from_palette

DRAFT_FILES = [
    "review-draft.xlsx",
    "records-draft.csv",
    "studies-draft.csv",
    "outcomes-draft.csv",
    "prisma-draft.csv",
    "rob_robins_i-draft.csv",
    "included-draft.ris",
    "records-draft.ris",
]


def _app(path: Path) -> ReviewApp:
    return ReviewApp(Store.open(path, now=fixed_clock), reviewer="ann")


async def open_export(pilot: Pilot[Any]) -> ExportScreen:
    await run_from_palette(pilot, "Export")
    screen = pilot.app.screen
    assert isinstance(screen, ExportScreen)
    return screen


def shown_files(screen: ExportScreen) -> list[list[str]]:
    table = screen.query_one("#export-files", DataTable)
    assert table.display
    return [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]


async def test_a_burst_of_keys_exports_a_draft_and_shows_each_file(sample_path: Path) -> None:
    """ctrl+d (draft) and ctrl+e (export) typed at once, a second ctrl+e while
    it runs: one export, every file where the table says, sizes and rows."""
    folder = sample_path.parent / "exports"
    async with _app(sample_path).run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+p", *"Export")
        await pilot.pause(0.3)
        await pilot.press("enter", "ctrl+d", "ctrl+e", "ctrl+e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.error is None
        rows = shown_files(screen)
        status = str(screen.progress.render())
    assert [Path(row[0]).name for row in rows] == DRAFT_FILES
    assert f"Wrote 8 files into {folder}" in status and "DRAFT" in status
    for path, size, _ in rows:
        assert Path(path).parent == folder
        assert size.split()[0] != "0"
    by_name = {Path(row[0]).name: row[2] for row in rows}
    assert by_name["records-draft.csv"] == "5 rows"
    assert by_name["included-draft.ris"] == "3 records"
    book = load_workbook(folder / "review-draft.xlsx", read_only=True)
    assert len(list(book["Records"].iter_rows())) == 6  # header + the sample's 5 records
    book.close()


async def test_only_the_files_chosen_are_written(sample_path: Path, tmp_path: Path) -> None:
    async with _app(sample_path).run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        screen.query_one("#export-folder", Input).value = str(tmp_path / "only-ris")
        screen.query_one("#export-xlsx", Checkbox).value = False
        screen.query_one("#export-csv", Checkbox).value = False
        await pilot.press("ctrl+d", "ctrl+e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        rows = shown_files(screen)
    assert [Path(row[0]).name for row in rows] == ["included-draft.ris", "records-draft.ris"]
    assert sorted(p.name for p in (tmp_path / "only-ris").iterdir()) == [
        "included-draft.ris",
        "records-draft.ris",
    ]


async def test_an_unfinished_review_without_draft_says_what_to_do(sample_path: Path) -> None:
    async with _app(sample_path).run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        await pilot.press("ctrl+e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        text = str(screen.progress.render())
        assert not screen.query_one("#export-files", DataTable).display
    assert "the review is in progress" in text
    assert "ctrl+d" in text
    assert not (sample_path.parent / "exports").exists()


async def test_an_unwritable_folder_is_named(tmp_path: Path) -> None:
    """A finished review, into a 'folder' that is a file."""
    path = build_review(tmp_path / "done.db")
    blocker = tmp_path / "blocker"
    blocker.write_text("not a folder", encoding="utf-8")
    async with _app(path).run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        screen.query_one("#export-folder", Input).value = str(blocker / "exports")
        await pilot.press("enter")  # in the folder field: export
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        text = str(screen.progress.render())
    assert "Not exported" in text and str(blocker / "exports") in text
    assert "What to do" in text
    assert blocker.read_text(encoding="utf-8") == "not a folder"


async def test_a_finished_review_exports_final_files(tmp_path: Path) -> None:
    path = build_review(tmp_path / "done.db")
    async with _app(path).run_test(size=SIZE) as pilot:
        screen = await open_export(pilot)
        await pilot.press("ctrl+e")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        rows = shown_files(screen)
    names = [Path(row[0]).name for row in rows]
    assert names[0] == "review.xlsx" and "included.ris" in names
    assert (tmp_path / "exports" / "included.ris").exists()


async def test_leaving_while_it_runs_lets_the_export_finish(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Esc while the export runs: the screen goes, the export finishes and says so."""
    path = build_review(tmp_path / "done.db")
    gate = threading.Event()

    def held(*args: Any, **kwargs: Any) -> ExportResult:
        gate.wait(10)  # until the reviewer has left the screen
        return export_review(*args, **kwargs)

    monkeypatch.setattr(export_screen, "export_review", held)
    app = _app(path)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await open_export(pilot)
        await pilot.press("ctrl+e")
        assert "Exporting into" in str(app.screen.query_one("#export-progress", Static).render())
        await pilot.press("escape")
        assert not isinstance(app.screen, ExportScreen)
        gate.set()
        for _ in range(200):
            await pilot.pause(0.05)
            if any("Export finished" in n.message for n in app._notifications):
                break
        assert any("Export finished: 7 files" in n.message for n in app._notifications)
    assert (tmp_path / "exports" / "review.xlsx").exists()
