"""Commands load lazily: `review import` starts without the code of every
other command, yet `--help` lists them all and every command still runs."""

from __future__ import annotations

import importlib
import os
import pkgutil
import subprocess
import sys
from pathlib import Path

import review.cli
from review.cli import COMMAND_MODULES, cli
from review.errors import ExitCode
from review.store import Store

ROOT = Path(__file__).resolve().parent.parent


def _review(*args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """`python -m review ARGS` (or `python -c CODE`) in a fresh interpreter,
    as a user starts it: nothing imported beforehand by the test run."""
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "review", *args]
    env = {**os.environ, "PYTHONPATH": str(ROOT), "REVIEW_NO_PROGRESS": "1"}
    return subprocess.run(command, capture_output=True, text=True, env=env, check=False)


def test_every_command_is_named_with_the_module_that_defines_it() -> None:
    for module in pkgutil.iter_modules(review.cli.__path__, prefix="review.cli."):
        importlib.import_module(module.name)
    defined = {name: command.callback.__module__ for name, command in cli.commands.items()}
    assert defined == {name: f"review.cli.{module}" for name, module in COMMAND_MODULES.items()}


def test_help_lists_every_command() -> None:
    out = _review("--help")
    assert out.returncode == 0, out.stderr
    listed = out.stdout.split("Commands:", 1)[1]
    for name in COMMAND_MODULES:
        assert f"\n  {name} " in listed, name


def test_import_help_loads_only_what_import_needs() -> None:
    out = _review("import", "--help")
    assert out.returncode == 0, out.stderr
    assert "--kind" in out.stdout and "--source" in out.stdout
    code = (
        "import sys\n"
        "from review.entry import main\n"
        "try:\n"
        "    main(['import', '--help'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(sorted(m for m in sys.modules if m.startswith(('review.cli.', 'review.exports',"
        " 'review.rob', 'review.dedup', 'textual'))), file=sys.stderr)\n"
    )
    loaded = _review(code=code).stderr.strip().splitlines()[-1]
    assert loaded == "['review.cli.base', 'review.cli.project']"


def test_a_bad_file_is_still_named_with_its_line(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    Store.create(db).close()
    bad = tmp_path / "scopus.csv"
    bad.write_text("Authors,Title,Year,Source title\nA B.,One,2020,J\nC D.,Two\n", encoding="utf-8")
    out = _review("import", str(db), str(bad), "--kind", "database", "--source", "Scopus")
    assert out.returncode == ExitCode.INPUT
    assert f"{bad}:3: record 2 ends early" in out.stderr


def test_an_unknown_command_is_a_usage_error() -> None:
    out = _review("imprt", "a.db", "b.ris")
    assert out.returncode == ExitCode.USAGE
    assert "unknown command 'imprt'" in out.stderr


def test_a_mistyped_command_alone_is_named_not_opened_as_a_file(tmp_path: Path) -> None:
    """`review stauts` in a script said the terminal UI needs a terminal; in a
    terminal, that there is no review file 'stauts'. A name with a dot or a
    slash is still taken as a review file."""
    out = _review("stauts")
    assert out.returncode == ExitCode.USAGE
    assert "unknown command 'stauts'" in out.stderr and "`review status`" in out.stderr
    out = _review(str(tmp_path / "status.db"))
    assert "unknown command" not in out.stderr
