"""Mistakes a user makes at the command line get the README's exit code and
a message naming what to fix, and store nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE_PROTOCOL, SEEDS
from tests.test_cli import review_file, run  # noqa: F401  (review_file: the fixture)


@pytest.mark.parametrize(
    "command",
    [
        ["decisions", "import", "{review}", "{missing}"],
        ["extraction", "import", "{review}", "{missing}"],
        ["rob", "import", "{review}", "{missing}"],
        ["simulate", "{missing}"],
    ],
)
def test_a_missing_input_file_is_an_input_error(
    command: list[str],
    review_file: Path,  # noqa: F811
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Exit 3 ("input: a file is missing"), as `review import` gives, not 2."""
    monkeypatch.setenv("REVIEW_REVIEWER", "ann")
    missing = tmp_path / "pilot.csv"
    args = [a.format(review=review_file, missing=missing) for a in command]
    capsys.readouterr()
    assert run(*args) == 3
    err = capsys.readouterr().err
    assert f"{missing}: no such file" in err and "hint:" in err


def test_same_refuses_one_record_named_twice(
    review_file: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    """`review same FILE 1 1` said "now screened as one" and stored nothing."""
    assert run("import", review_file, SEEDS, "--kind", "other", "--method", "website",
               "--source", "Web search") == 0  # fmt: skip
    capsys.readouterr()
    assert run("same", review_file, "1", "1", "--reviewer", "ann") == 2
    captured = capsys.readouterr()
    assert "now screened as one" not in captured.out
    assert "record 1 twice: nothing to merge" in captured.err


def test_init_on_an_existing_file_says_how_to_open_it(
    review_file: Path,  # noqa: F811
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run("init", review_file, "--protocol", SAMPLE_PROTOCOL) == 6
    assert f"open it: `review {review_file}`" in capsys.readouterr().err


def test_a_review_in_a_cloud_synced_folder_is_warned_about(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """DESIGN: a SQLite file in a synced folder corrupts — detect and warn,
    naming the file and the way out, without refusing the work."""
    path = tmp_path / "Dropbox" / "rt-io.db"
    assert run("init", path, "--protocol", SAMPLE_PROTOCOL) == 0
    err = capsys.readouterr().err
    assert f"warning: {path.resolve()} looks like a cloud-synced folder (dropbox)" in err
    assert "keep the review file on a local disk; give each reviewer a copy" in err
    assert run("import", path, SEEDS, "--kind", "other", "--method", "website",
               "--source", "Web search") == 0  # fmt: skip
    assert "cloud-synced folder" in capsys.readouterr().err
    for command in (["status", path, "--json"], ["export", path, "--draft", "--to", tmp_path]):
        assert run(*command) == 0
        assert "cloud-synced folder" in capsys.readouterr().err


def test_init_without_a_protocol_file_names_the_shipped_template(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A user who installed the package has no protocols/ folder: the refusal
    names the template that ships with it, and that template makes a review."""
    wanted = tmp_path / "my-protocol.yaml"
    assert run("init", tmp_path / "mine.db", "--protocol", wanted) == 4
    err = capsys.readouterr().err
    assert f"{wanted}: no protocol file here" in err
    template = Path(err.split("copy ", 1)[1].split(" to ", 1)[0])
    assert template.name == "template.yaml"
    wanted.write_bytes(template.read_bytes())
    assert run("init", tmp_path / "mine.db", "--protocol", wanted) == 0
