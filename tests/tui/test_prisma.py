"""The PRISMA screen: the numbers `review prisma --json` gives, each box opening
exactly its records, violations instead of a diagram, the draft, the files."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from review.cli import cli
from review.config import Settings
from review.models import Stage
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.prisma import PrismaScreen
from review.tui.screens.prisma_records import BoxRecordsScreen
from review.tui.widgets.prisma_diagram import PrismaDiagram
from tests.conftest import fixed_clock
from tests.prisma_helpers import build_review, decide
from tests.tui.conftest import SIZE, run_from_palette

JSON_OF_BOX = {
    "databases_registers.identified.database": ("identification", "databases"),
    "databases_registers.identified.register": ("identification", "registers"),
    "other_methods.identified.website": ("identification", "websites"),
    "other_methods.identified.organisation": ("identification", "organisations"),
    "other_methods.identified.citation": ("identification", "citation_searching"),
    "included_studies": ("included", "new_studies"),
    "included_reports": ("included", "new_reports"),
    **{
        f"{arm}.{box}": (arm, key)
        for arm in ("databases_registers", "other_methods")
        for box, key in (
            ("duplicates", "duplicates_removed"),
            ("screened", "records_screened"),
            ("screening_excluded", "records_excluded"),
            ("sought", "reports_sought"),
            ("not_retrieved", "reports_not_retrieved"),
            ("assessed", "reports_assessed"),
            ("excluded", "reports_excluded"),
        )
    },
}
"""Diagram box → where `review prisma --json` gives its number."""


@pytest.fixture
def built(tmp_path: Path) -> Path:
    """The review of tests/prisma_helpers.py: two databases, a register, other
    methods, duplicates, reasons at both stages, reports not retrieved."""
    return build_review(tmp_path / "built.db")


def _app(path: Path) -> ReviewApp:
    return ReviewApp(Store.open(path, now=fixed_clock), reviewer="ann")


async def open_prisma(pilot: Pilot[Any]) -> PrismaScreen:
    await run_from_palette(pilot, "PRISMA flow diagram")
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, PrismaScreen)
    return screen


def shown_numbers(screen: PrismaScreen) -> dict[str, int]:
    """Box → the number drawn on screen for it."""
    diagram = screen.query_one(PrismaDiagram)
    lines = diagram.drawing(diagram.size.width).lines
    numbers: dict[str, int] = {}
    for spot in diagram.spots:
        text = " ".join(lines[y][spot.x0 : spot.x1].strip(" │") for y in range(spot.y0, spot.y1))
        found = re.search(r"\(n = (\d+)\)", text)
        assert found, text
        numbers[spot.box] = int(found.group(1))
    return numbers


def as_text(renderable: Any) -> str:
    """What a Rich renderable shows, as plain text, at a width that wraps nothing."""
    console = Console(width=300, record=True, file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(renderable)
    return console.export_text()


def cli_json(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["prisma", str(path), "--json"])
    assert result.exit_code == 0, result.output
    parsed: dict[str, Any] = json.loads(result.output)
    return parsed


@pytest.mark.parametrize("size", [(80, 24), (160, 45)])
async def test_the_diagram_shows_the_numbers_of_review_prisma_json(
    sample_path: Path, built: Path, size: tuple[int, int]
) -> None:
    for path in (sample_path, built):
        expected = cli_json(path)
        async with _app(path).run_test(size=size) as pilot:
            shown = shown_numbers(await open_prisma(pilot))
        assert set(JSON_OF_BOX) <= set(shown)
        for box, (group, key) in JSON_OF_BOX.items():
            assert shown[box] == expected[group][key], box
        for arm in ("databases_registers", "other_methods"):
            for reason in expected[arm]["reports_excluded_reasons"]:
                assert shown[f"{arm}.exclusion_reason.{reason['id']}"] == reason["count"]


async def test_the_sample_is_a_draft_and_says_why(sample_path: Path) -> None:
    async with _app(sample_path).run_test(size=SIZE) as pilot:
        screen = await open_prisma(pilot)
        assert screen.banner.display
        banner = str(screen.banner.render())
        assert "DRAFT" in banner and "2 records await title/abstract screening" in banner


async def mark(pilot: Pilot[Any], text: str, key: str = "tab") -> None:
    """Press `key` until the marked line starts with `text`."""
    diagram = pilot.app.screen.query_one(PrismaDiagram)
    for _ in range(60):
        if diagram.current is not None and diagram.current.text.startswith(text):
            return
        await pilot.press(key)
    raise AssertionError(f"no line {text!r} reached with {key}")


async def open_marked(pilot: Pilot[Any], key: str = "enter") -> None:
    """Press `key` and wait for the list (built in a worker) to open."""
    await pilot.press(key)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def listed(pilot: Pilot[Any]) -> list[tuple[str, str]]:
    screen = pilot.app.screen
    assert isinstance(screen, BoxRecordsScreen)
    table = screen.query_one(DataTable)
    assert table.row_count == len(screen.rows)
    return [(row.unit, row.source) for row in screen.rows]


async def test_enter_lists_exactly_the_records_of_a_box(built: Path) -> None:
    async with _app(built).run_test(size=(160, 45)) as pilot:
        await open_prisma(pilot)
        await mark(pilot, "Records excluded (n = 3)")
        await open_marked(pilot)
        assert sorted(unit for unit, _ in listed(pilot)) == [
            "doi:10.1000/e3",
            "doi:10.1000/p4",
            "doi:10.1000/p5",
        ]
        await pilot.press("escape")
        await mark(pilot, "Wrong study design (n = 1)")  # first: full text, databases
        await open_marked(pilot)
        assert [unit for unit, _ in listed(pilot)] == ["doi:10.1000/p6"]
        await pilot.press("escape")
        await mark(pilot, "Duplicate records removed")
        await open_marked(pilot)
        rows = listed(pilot)
        assert sorted(rows) == [
            ("doi:10.1000/p1", "Embase"),
            ("doi:10.1000/p2", "Embase"),
            ("doi:10.1000/p6", "Embase"),  # Embase's e4, merged into PubMed's p6
        ]
        await pilot.press("escape")
        await mark(pilot, "Reports not retrieved (n = 1)")
        await open_marked(pilot)
        assert [unit for unit, _ in listed(pilot)] == ["doi:10.1000/p2"]
        await pilot.press("escape")
        await mark(pilot, "Studies included in review (n = 2)")
        await open_marked(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, BoxRecordsScreen)
        assert {(r.unit, r.reason) for r in screen.rows} == {
            ("doi:10.1000/p1", "2 reports included"),
            ("doi:10.1000/w1", "1 report included"),
        }


async def test_arrows_move_between_boxes_in_80_columns(built: Path) -> None:
    """Stacked arms: down from 'Records screened' reaches the box under it,
    right reaches the box beside it; the marked line stays in view."""
    async with _app(built).run_test(size=(80, 24)) as pilot:
        screen = await open_prisma(pilot)
        diagram = screen.query_one(PrismaDiagram)
        await mark(pilot, "Records screened", key="down")
        await pilot.press("right")
        assert diagram.current is not None
        assert diagram.current.text == "Records excluded (n = 3)"
        await pilot.press("left", "down")
        assert diagram.current.text.startswith("Reports sought for retrieval")
        for _ in range(12):
            await pilot.press("down")
        await pilot.pause()
        spot = diagram.current
        top = screen.scroll.scroll_offset.y
        assert top > 0
        assert top <= spot.y0 and spot.y1 <= top + screen.scroll.size.height


async def test_an_inconsistent_ledger_shows_the_violation_not_a_diagram(
    built: Path, tmp_path: Path
) -> None:
    with Store.open(built) as store:
        decide(store, "doi:10.1000/p4", Stage.FULL_TEXT, "include")  # excluded at t/a
    async with _app(built).run_test(size=SIZE) as pilot:
        screen = await open_prisma(pilot)
        assert not screen.query(PrismaDiagram)
        shown = as_text(screen.query_one("#prisma-violations", Static).content)
        assert "reports assessed for eligibility" in shown
        assert "report p4" in shown  # the record involved, by title
        assert "title/abstract: excluded; full text: included" in shown
        screen.folder = tmp_path / "out"
        await pilot.press("c", "s")
        await pilot.pause()
    assert not (tmp_path / "out").exists()


async def test_keys_write_the_csv_and_svg_and_show_where(sample_path: Path, tmp_path: Path) -> None:
    async with _app(sample_path).run_test(size=SIZE) as pilot:
        screen = await open_prisma(pilot)
        await pilot.press("c")
        await pilot.pause()
        csv_path = sample_path.parent / "exports" / "prisma-draft.csv"
        assert str(csv_path) in str(screen.status.render())
        await pilot.press("s")
        await pilot.pause()
        svg_path = sample_path.parent / "exports" / "prisma-draft.svg"
        assert str(svg_path) in str(screen.status.render())
    assert "DRAFT" in svg_path.read_text(encoding="utf-8")
    rows = csv_path.read_text(encoding="utf-8-sig").splitlines()
    assert rows[0].startswith("data,")
    assert any(row.startswith("website_results,") and row.endswith(",5") for row in rows)


async def test_the_previous_review_arm_from_the_update_prompt(built: Path) -> None:
    async with _app(built).run_test(size=(160, 45)) as pilot:
        screen = await open_prisma(pilot)
        await pilot.press("u", *"4 6", "enter")
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        shown = "\n".join(screen.query_one(PrismaDiagram).drawing(156).lines)
    assert "Previous studies" in shown
    assert "Total studies included in review (n = 6)" in shown
    assert "Reports of total included studies (n = 9)" in shown


async def test_the_keys_are_remapped_by_their_ids(built: Path) -> None:
    settings = Settings(keys={"prisma.next": "n", "prisma.open": "o", "prisma-records.back": "b"})
    app = ReviewApp(Store.open(built, now=fixed_clock), reviewer="ann", settings=settings)
    async with app.run_test(size=(160, 45)) as pilot:
        screen = await open_prisma(pilot)
        diagram = screen.query_one(PrismaDiagram)
        await pilot.press("n")
        assert diagram.current is not None and diagram.current.text == "PubMed (n = 6)"
        await open_marked(pilot, "o")
        assert len(listed(pilot)) == 6
        await pilot.press("b")
        await pilot.pause()
        assert app.screen is screen
        assert not any("unknown key binding" in n.message for n in app._notifications)


async def test_a_click_marks_a_number_and_a_second_click_opens_it(built: Path) -> None:
    async with _app(built).run_test(size=(160, 45)) as pilot:
        screen = await open_prisma(pilot)
        diagram = screen.query_one(PrismaDiagram)
        [spot] = [s for s in diagram.spots if s.box == "other_methods.not_retrieved"]
        offset = (spot.x0 + 3, spot.y0)
        await pilot.click(PrismaDiagram, offset=offset)
        assert diagram.current is not None and diagram.current.box == spot.box
        await pilot.click(PrismaDiagram, offset=offset)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert [unit for unit, _ in listed(pilot)] == ["doi:10.1000/c1"]


async def test_a_record_without_a_title_is_listed_as_such(sample_path: Path) -> None:
    """The sample's PubMed page has no title: its row says so, not a blank."""
    async with _app(sample_path).run_test(size=SIZE) as pilot:
        await open_prisma(pilot)
        await mark(pilot, "Websites")  # the sample's records: other methods, web search
        await open_marked(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, BoxRecordsScreen)
        table = screen.query_one(DataTable)
        [row] = [n for n, r in enumerate(screen.rows) if r.unit == "doi:10.1259/bjr.20220548"]
        assert str(table.get_row_at(row)[1]) == "(no title)"
        table.move_cursor(row=row)
        await pilot.pause()
        detail = as_text(screen.query_one("#prisma-record-detail", Static).content)
        assert detail.startswith("(no title)")
