"""`review extract`: how the command line opens the extraction screens."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from review.cli.base import main
from review.sample import INCLUDED, build_sample


@pytest.fixture
def sample(tmp_path: Path) -> Path:
    path = tmp_path / "sample.db"
    build_sample(path).close()
    return path


def extract(*args: str | Path) -> tuple[int, list[tuple[Path, dict[str, Any]]]]:
    """Run `review extract …` with a stand-in for the TUI; (exit code, its calls)."""
    calls: list[tuple[Path, dict[str, Any]]] = []

    def open_tui(path: Path, **options: Any) -> None:
        calls.append((path, options))

    with pytest.raises(SystemExit) as exited:
        main(["extract", *map(str, args)], open_tui=open_tui)
    return int(exited.value.code or 0), calls


def test_opens_the_list_or_a_study_as_the_reviewer(sample: Path) -> None:
    code, [(path, options)] = extract(sample, "--reviewer", "kim")
    assert (code, path, options["reviewer"], options["extraction"]) == (0, sample, "kim", "list")
    code, [(_, options)] = extract(sample, "--reviewer", "kim", "--study", INCLUDED[1])
    assert options["extraction"] == INCLUDED[1]


def test_without_a_name_the_screen_asks(sample: Path) -> None:
    code, [(_, options)] = extract(sample)
    assert (code, options["reviewer"]) == (0, None)


def test_refuses_a_study_that_is_not_included(
    sample: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, calls = extract(sample, "--study", "doi:10/nope")
    assert (code, calls) == (2, [])
    assert "doi:10/nope is not an included study" in capsys.readouterr().err


def test_refuses_a_missing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, calls = extract(tmp_path / "nope.db")
    assert (code, calls) == (5, [])
    assert "no review file here" in capsys.readouterr().err
