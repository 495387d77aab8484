"""The dependency rules of DESIGN.md hold at run time, not only statically."""

from __future__ import annotations

import subprocess
import sys

import pytest

CORE = [
    "review.errors",
    "review.models",
    "review.identity",
    "review.protocol",
    "review.store",
    "review.importers",
    "review.ingest",
    "review.status",
    "review.review_file",
    "review.sample",
    "review.agreement",
    "review.screening",
    "review.screening_session",
    "review.screening_units",
    "review.screening_fulltext",
    "review.config",
    "review.fulltext",
    "review.dedup",
    "review.dedup.run",
]


@pytest.mark.parametrize("module", CORE)
def test_core_module_does_not_load_a_ui_framework(module: str) -> None:
    """click is not checked here: sqlite-utils itself imports it. The import
    contracts in pyproject.toml forbid the core to import click directly."""
    code = (
        f"import sys, {module}, review.importers as i; i.formats(); "
        "bad = [m for m in ('textual', 'rich') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_command_line_does_not_load_textual() -> None:
    """`review status` must stay fast: the TUI is imported only when opened."""
    code = "import sys, review.cli, review.entry; print('textual' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
