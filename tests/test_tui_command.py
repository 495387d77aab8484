"""`review [--reviewer NAME] [FILE]`: the TUI's own command line (issue 14)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from review import entry
from review.entry import main


@pytest.fixture(autouse=True)
def _no_settings(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("REVIEW_REVIEWER", raising=False)
    monkeypatch.delenv("REVIEW_CONFIG", raising=False)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))


def opened(monkeypatch: pytest.MonkeyPatch, *args: str) -> dict[str, Any]:
    """What the TUI would have been opened with."""
    seen: dict[str, Any] = {}

    def fake(path: Path | None, **options: Any) -> None:
        seen.update(options, path=path)

    monkeypatch.setattr(entry, "_run_tui", fake)
    with pytest.raises(SystemExit) as exited:
        main(list(args))
    seen["exit"] = exited.value.code
    return seen


@pytest.mark.parametrize(
    "args",
    [("--reviewer", "Ann", "s.db"), ("s.db", "--reviewer", "Ann"), ("--reviewer=Ann", "s.db")],
)
def test_reviewer_option_opens_the_tui_as_that_reviewer(
    monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...]
) -> None:
    seen = opened(monkeypatch, *args)
    assert seen["exit"] == 0
    assert seen["reviewer"] == "Ann" and seen["path"] == Path("s.db")


def test_reviewer_option_without_a_file(monkeypatch: pytest.MonkeyPatch) -> None:
    seen = opened(monkeypatch, "--reviewer", "Ann")
    assert (seen["exit"], seen["reviewer"], seen["path"]) == (0, "Ann", None)


def test_reviewer_option_needs_a_name(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert opened(monkeypatch, "--reviewer")["exit"] == 2
    assert "--reviewer needs a name" in capsys.readouterr().err


def test_an_unknown_tui_option_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    seen = opened(monkeypatch, "--reviewer", "Ann", "--colour", "s.db")
    assert seen["exit"] == 2 and "path" not in seen
    assert "--colour" in capsys.readouterr().err


def test_help_mentions_the_reviewer_option(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    assert "--reviewer NAME" in out
