"""The start screen and how `review` with no file finds one."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from review.sample import SAMPLE_NAME, SAMPLE_PROTOCOL
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.discovery import review_files
from review.tui.screens.home import HomeScreen
from review.tui.screens.start import StartScreen
from tests.tui.conftest import SIZE, run_from_palette


def catch_notifications(app: ReviewApp, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Notification texts the app shows; run_test turns the toasts themselves off."""
    seen: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **_: seen.append(str(message)))
    return seen


async def test_start_screen_opens_the_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    app = ReviewApp()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert app.screen.focused is not None and app.screen.focused.id == "open-sample"
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        await app.workers.wait_for_complete()
        assert app.screen.report is not None and app.screen.report["records"] == 5
    assert (tmp_path / SAMPLE_NAME).is_file()
    with Store.open(tmp_path / SAMPLE_NAME) as reopened:
        assert reopened.records.record_count() == 5


async def test_create_a_review_from_a_protocol(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = ReviewApp(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("n", *"trial", "enter", *str(SAMPLE_PROTOCOL), "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.title.startswith("Radiotherapy combined with immune checkpoint")
        await app.workers.wait_for_complete()
        assert app.screen.report is not None and app.screen.report["records"] == 0
    with Store.open(tmp_path / "trial.db") as reopened:
        assert reopened.protocol_text() is not None
        assert reopened.records.record_count() == 0


async def test_errors_become_notifications(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    app = ReviewApp(folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        seen = catch_notifications(app, monkeypatch)
        await pilot.pause()
        await pilot.press("o", *"missing.db", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert any("no review file here" in text for text in seen)

        await pilot.press("ctrl+n", *"new", "enter", *"no-such-protocol.yaml", "enter")
        await pilot.pause()
        assert isinstance(app.screen, StartScreen)
        assert len(seen) == 2
        assert not (tmp_path / "new.db").exists()


async def test_palette_returns_to_the_start_screen_and_back(sample_store: Store) -> None:
    app = ReviewApp(sample_store, folder=sample_store.path.parent)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await run_from_palette(pilot, "Start screen")
        assert isinstance(app.screen, StartScreen)
        assert app.screen.found == [sample_store.path]
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.store is sample_store


async def test_opening_another_review_replaces_the_first(
    sample_store: Store, big_store: Store
) -> None:
    app = ReviewApp(sample_store, folder=big_store.path.parent)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await app.run_action("app.start")
        await pilot.pause()
        await pilot.press("o", *big_store.path.name, "enter")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert app.screen.store.path == big_store.path
        assert len(app.screen_stack) == 2  # the default screen and the home


def test_review_files_ignores_other_sqlite_files(tmp_path: Path, sample_path: Path) -> None:
    foreign = tmp_path / "notes.db"
    with sqlite3.connect(foreign) as conn:
        conn.execute("CREATE TABLE notes (text)")
    conn.close()
    (tmp_path / "empty.db").write_bytes(b"")
    before = foreign.read_bytes()
    assert review_files(tmp_path) == [sample_path]
    assert foreign.read_bytes() == before, "a foreign database must not be touched"
