"""What `pip install .` (pipx) gets: the wheel holds the sample review's data."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_the_wheel_ships_the_sample_seeds_and_protocols(tmp_path: Path) -> None:
    """`review sample` reads them from inside the package once installed."""
    wheel_builder = pytest.importorskip("hatchling.builders.wheel")
    builder = wheel_builder.WheelBuilder(str(ROOT))
    [wheel] = list(builder.build(directory=str(tmp_path), versions=["standard"]))
    names = set(zipfile.ZipFile(wheel).namelist())
    seeds = sorted(p.name for p in (ROOT / "seeds").iterdir() if p.is_file())
    assert seeds and all(f"review/_sample/seeds/{name}" in names for name in seeds)
    assert "review/_sample/protocols/rt-io-head-neck.yaml" in names
    assert "review/dedup/weights.json" in names  # the deduplication model's fitted weights
    assert not any(name.startswith(("tests/", "benchmarks/")) for name in names)
