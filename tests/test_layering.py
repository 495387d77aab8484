"""The dependency rules of DESIGN.md hold at run time, not only statically."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import review

FRONT_ENDS = ("review.cli", "review.tui", "review.entry", "review.__main__")


def _modules() -> list[str]:
    found = pkgutil.walk_packages(review.__path__, prefix="review.")
    return sorted(m.name for m in found if not m.name.startswith(FRONT_ENDS))


CORE = _modules()
"""Every module of the package outside the front ends, found on disk: a new
module is checked without editing a list."""


def _contract(name: str) -> list[str]:
    config = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())
    contracts = config["tool"]["importlinter"]["contracts"]
    return next(c["source_modules"] for c in contracts if c["name"] == name)


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


@pytest.mark.parametrize(
    "contract", ["The core never imports a UI framework", "Only the store speaks SQL"]
)
def test_every_top_level_module_is_under_contract(contract: str) -> None:
    """Contracts name top-level packages and modules; a new one must join them."""
    named = set(_contract(contract))
    top = {
        m.name
        for m in pkgutil.iter_modules(review.__path__, prefix="review.")
        if m.name not in ("review.__main__",)
    }
    exempt = {"review.store"} if contract == "Only the store speaks SQL" else set(FRONT_ENDS)
    assert sorted(top - named - exempt) == []


def test_command_line_does_not_load_textual() -> None:
    """`review status` must stay fast: the TUI is imported only when opened."""
    code = (
        "import sys, importlib, review.cli, review.entry\n"
        "for name in set(review.cli.COMMAND_MODULES.values()):\n"
        "    importlib.import_module(f'review.cli.{name}')\n"
        "print('textual' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
