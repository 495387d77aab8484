"""Fixtures for the TUI tests: the sample review built for real in a tmp dir."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from textual import events
from textual.app import App
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets import Input

from review.models import RecordDraft, SourceKind
from review.sample import build_sample
from review.store import KeyedRecord, NewSource, Store
from tests.conftest import fixed_clock

SIZE = (120, 40)
"""Every pilot and snapshot runs at this terminal size."""


def burst(app: App[None], *keys: str) -> None:
    """Post `keys` at once, as a fast typist's keys arrive: none waits for the screen."""
    for key in keys:
        app.post_message(events.Key(key, key if len(key) == 1 else None))


async def run_from_palette(pilot: Pilot[None], text: str) -> None:
    """Open the command palette, type `text`, wait for the hits, run the first."""
    await pilot.press("ctrl+p", *text)
    hits = pilot.app.screen.query_one(CommandList)
    for _ in range(100):  # the providers search in a task; wait for it, not a fixed time
        await pilot.pause(0.02)
        if hits.option_count:
            break
    await pilot.press("enter")
    await pilot.pause()


@pytest.fixture(autouse=True)
def _steady_cursor(monkeypatch: pytest.MonkeyPatch) -> None:
    """A blinking cursor makes a screenshot depend on when it was taken."""
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    """The sample review (seeds under the sample protocol), built as a newcomer's is."""
    path = tmp_path / "sample.db"
    build_sample(path).close()
    return path


@pytest.fixture
def sample_store(sample_path: Path) -> Iterator[Store]:
    with Store.open(sample_path, now=fixed_clock) as store:
        yield store


@pytest.fixture
def big_store(tmp_path: Path) -> Iterator[Store]:
    """450 records: more than two pages, so the table must fetch as the cursor moves."""
    with Store.create(tmp_path / "big.db", now=fixed_clock) as store:
        store.imports.add(_source("big.ris"), [_record(i) for i in range(1, 451)])
        yield store


def _record(position: int) -> KeyedRecord:
    draft = RecordDraft(
        position,
        line=position * 10,
        title=f"Trial {position:03d} of radiotherapy with checkpoint blockade",
        abstract="Nasopharyngeal carcinoma." if position % 100 == 0 else "Oral cavity.",
        authors=["Doe, Jane"],
        year=2000 + position % 25,
    )
    return KeyedRecord(f"tya:{position}", f"big:{position}", draft)


def _source(name: str) -> NewSource:
    return NewSource(
        file_name=name,
        file_path=f"/searches/{name}",
        file_hash=name,
        file_size=1,
        format="ris",
        encoding="utf-8",
        kind=SourceKind.DATABASE,
        method=None,
        name="Embase",
        search_date="2025-12-01",
        imported_by=None,
    )
