"""Fixtures shared by every test: real review files in tmp dirs, never mocks."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

from review.dedup.units import load_resolution
from review.store import Store

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEEDS = ROOT / "seeds"
SAMPLE_PROTOCOL = ROOT / "protocols" / "rt-io-head-neck.yaml"

# The suite gates a landing, so its property tests try the same examples on
# every run: a red CI run then means a regression, never an unlucky draw.
# `make fuzz` explores fresh examples (`--hypothesis-profile=explore`); each
# failure it finds becomes a named test beside the property that found it.
settings.register_profile("gate", derandomize=True, database=None)
settings.register_profile("explore", derandomize=False)
settings.load_profile("gate")


def fixed_clock() -> str:
    return "2026-01-02T03:04:05.000+00:00"


def unit_rows(store: Store) -> list[tuple[str, int]]:
    """(unit key, first record id) of every unit, in screening order."""
    return [(unit.key, unit.record_id) for unit in load_resolution(store).units]


@pytest.fixture(autouse=True)
def _no_machine_state(
    monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """No progress bars, no reviewer from the environment, and no settings
    file from the machine running the tests (~/.config/review)."""
    monkeypatch.setenv("REVIEW_NO_PROGRESS", "1")
    monkeypatch.delenv("REVIEW_REVIEWER", raising=False)
    monkeypatch.delenv("REVIEW_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path_factory.mktemp("config-home")))


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty review file, created the way `review init` creates one."""
    with Store.create(tmp_path / "review.db", now=fixed_clock) as opened:
        yield opened
