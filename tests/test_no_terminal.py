"""Without a terminal the TUI refuses at once instead of drawing into a pipe
and spinning (`review FILE < /dev/null | head` used to run until killed)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from review.sample import build_sample


@pytest.mark.parametrize(
    "args", [["{file}"], ["screen", "{file}", "--reviewer", "ann"], ["extract", "{file}"]]
)
def test_the_tui_refuses_to_start_without_a_terminal(tmp_path: Path, args: list[str]) -> None:
    path = tmp_path / "s.db"
    build_sample(path).close()
    command = [a.format(file=path) for a in args]
    done = subprocess.run(
        [sys.executable, "-m", "review", *command],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "needs a terminal" in done.stderr and done.stdout == ""
