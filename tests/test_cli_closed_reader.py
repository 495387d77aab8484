"""`review … | head -1` as a user types it: the reader goes away before the
printout ends, and every file the command was asked for is still written,
nothing on stderr, exit 0 (README: Exit codes)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from review.sample import build_sample
from tests.conftest import ROOT


def closed_reader(*args: str | Path) -> subprocess.CompletedProcess[bytes]:
    """Run `review ARGS` with stdout a pipe whose reader has already gone."""
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        return subprocess.run(
            [sys.executable, "-m", "review", *map(str, args)],
            stdout=write_end,
            stderr=subprocess.PIPE,
            env={**os.environ, "PYTHONPATH": str(ROOT), "REVIEW_NO_PROGRESS": "1"},
            cwd=ROOT,
            check=False,
        )
    finally:
        os.close(write_end)


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    build_sample(path).close()
    return path


@pytest.mark.parametrize("as_json", [False, True])
def test_prisma_writes_every_file_it_was_asked_for(
    sample: Path, tmp_path: Path, as_json: bool
) -> None:
    csv_path, svg_path = tmp_path / "prisma.csv", tmp_path / "prisma.svg"
    args = ["prisma", sample, "--draft", "--csv", csv_path, "--svg", svg_path]
    done = closed_reader(*args, *(["--json"] if as_json else []))
    assert (done.returncode, done.stderr.decode()) == (0, "")
    assert csv_path.stat().st_size > 0 and svg_path.read_text(encoding="utf-8").startswith("<")


def test_export_and_rob_export_write_everything(sample: Path, tmp_path: Path) -> None:
    done = closed_reader("export", sample, "--draft", "--to", tmp_path / "out")
    assert (done.returncode, done.stderr.decode()) == (0, "")
    assert {"review-draft.xlsx", "records-draft.csv", "records-draft.ris"} <= {
        p.name for p in (tmp_path / "out").iterdir()
    }
    done = closed_reader("rob", "export", sample, "--to", tmp_path / "rob")
    assert (done.returncode, done.stderr.decode()) == (0, "")
    assert (tmp_path / "rob" / "rob_long.csv").exists()
