"""Fixtures shared by every test: real review files in tmp dirs, never mocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from review.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT / "seeds"
SAMPLE_PROTOCOL = ROOT / "protocols" / "rt-io-head-neck.yaml"


def fixed_clock() -> str:
    return "2026-01-02T03:04:05.000+00:00"


@pytest.fixture(autouse=True)
def _no_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """Progress bars draw on a terminal only; keep test output clean anyway."""
    monkeypatch.setenv("REVIEW_NO_PROGRESS", "1")
    monkeypatch.delenv("REVIEW_REVIEWER", raising=False)


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty review file, created the way `review init` creates one."""
    with Store.create(tmp_path / "review.db", now=fixed_clock) as opened:
        yield opened
