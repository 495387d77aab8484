"""Usable at 80×24 (issue 14): nothing a reviewer needs falls off the edge."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.command import CommandList
from textual.widgets import OptionList, Static
from textual.widgets._footer import FooterKey
from textual.widgets._header import HeaderTitle

from review.models import Stage
from review.sample import INCLUDED, build_sample
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.conflicts import ConflictsScreen
from review.tui.screens.extraction_form import ExtractionFormScreen
from review.tui.screens.extraction_list import ExtractionListScreen
from review.tui.screens.rob_assessment import RobAssessmentScreen
from review.tui.screens.screening import ScreeningScreen
from tests.conftest import fixed_clock, unit_rows
from tests.tui.conftest import run_from_palette
from tests.tui.test_screening import sample_path  # noqa: F401  (fixture: nothing decided)

SMALL = (80, 24)


def visible_footer(app: ReviewApp) -> list[str]:
    """The footer's keys whose whole width is on screen."""
    return [
        f"{key.key_display} {key.description}".strip()
        for key in app.screen.query(FooterKey)
        if key.region.width and key.region.right <= SMALL[0]
    ]


def text_of(widget: Static) -> str:
    console = Console(width=500, file=io.StringIO(), record=True)
    console.print(widget.render())
    return console.export_text().strip()


def as_shown(widget: Static) -> str:
    """The widget's content laid out at the width it has on screen."""
    console = Console(width=widget.content_region.width, file=io.StringIO(), record=True)
    console.print(widget.content)
    return console.export_text()


async def test_the_palette_lists_keys_and_quit_once(sample_path: Path) -> None:  # noqa: F811
    app = ReviewApp(Store.open(sample_path), reviewer="ann")
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        for word in ("Keys", "Quit"):
            await pilot.press("ctrl+p", *word.lower())
            hits = app.screen.query_one(CommandList)
            for _ in range(100):
                await pilot.pause(0.02)
                if hits.option_count:
                    break
            await pilot.pause(0.2)  # every provider has answered
            prompts = [str(hits.get_option_at_index(i).prompt) for i in range(hits.option_count)]
            assert sum(p.split("\n")[0].strip() == word for p in prompts) == 1, prompts
            await pilot.press("escape")


async def test_screening_keeps_quit_keys_and_the_maybe_count(
    sample_path: Path,  # noqa: F811
) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)
        await pilot.press("m", "i")
        await pilot.pause()
        footer = visible_footer(app)
        assert "q Quit" in footer and "? Keys" in footer
        assert footer[:2] == ["i Include", "e Exclude"]
        progress = text_of(app.screen.query_one("#screening-progress", Static))
        assert "? 1" in progress and "✓ 1" in progress
        assert len(progress) <= SMALL[0] - 2


async def test_the_header_keeps_the_reviewer_before_a_long_title(
    sample_path: Path,  # noqa: F811
) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        header = text_of(app.screen.query_one(HeaderTitle))
        assert len(app.title) > SMALL[0]  # the sample review's title is long
        assert header.startswith("ann · sample.db · 5 records imported — Radiotherapy")


async def test_conflict_titles_are_cut_at_a_word_with_an_ellipsis(
    sample_path: Path,  # noqa: F811
) -> None:
    with Store.open(sample_path, now=fixed_clock) as store:
        for key, _ in unit_rows(store)[:3]:
            store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="ann")
            store.screening.record_decision(
                key, Stage.TITLE_ABSTRACT, "exclude", reviewer="bob", reasons=["review"]
            )
    app = ReviewApp(Store.open(sample_path), reviewer="carol")
    async with app.run_test(size=SMALL) as pilot:
        await run_from_palette(pilot, "Conflicts")
        screen = app.screen
        assert isinstance(screen, ConflictsScreen)
        conflicts = screen.query_one("#conflict-list", OptionList)
        titles = {
            (record.title or "")
            for unit in screen._units
            if (record := screen.session.record(unit)) is not None
        }
        long = 0
        for i in range(conflicts.option_count):
            prompt = str(conflicts.get_option_at_index(i).prompt)
            if prompt in titles:
                continue
            long += 1
            assert prompt.endswith(" …")
            kept = prompt.removesuffix(" …")
            title = next(t for t in titles if t.startswith(kept))
            assert title[len(kept)] == " "  # cut between words
        assert long >= 1
        assert "q Quit" in visible_footer(app)
        assert (
            text_of(screen.query_one("#conflicts-title", Static)) == "3 conflicts · title/abstract"
        )


async def test_the_records_and_extraction_footers_keep_quit_and_keys(
    tmp_path: Path,
) -> None:
    path = tmp_path / "s.db"
    build_sample(path).close()
    app = ReviewApp(Store.open(path), reviewer="kim", extraction=INCLUDED[2])
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExtractionFormScreen)
        footer = visible_footer(app)
        assert "q Quit" in footer and "? Keys" in footer
        assert "x" in footer  # a key left without its description still shows
        for _ in range(3):
            if isinstance(app.screen, ExtractionListScreen):
                break
            await pilot.press("escape")
            await pilot.pause()
        assert isinstance(app.screen, ExtractionListScreen)
        footer = visible_footer(app)
        assert footer[:2] == ["a All", "n Not started"]
        assert footer[-3:] == ["q Quit", "? Keys", "^p Commands"]


async def test_risk_of_bias_keeps_room_for_the_questions(tmp_path: Path) -> None:
    """At 80 columns the domain table shows lamps only, so the questions
    (item, wording, the answers on their keys) are not squeezed into a sliver."""
    path = tmp_path / "s.db"
    build_sample(path).close()
    app = ReviewApp(Store.open(path), reviewer="kim")
    async with app.run_test(size=SMALL) as pilot:
        await run_from_palette(pilot, "Risk of bias")
        await pilot.press("enter")  # the first study: ROBINS-I, domain 1 judged Serious
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RobAssessmentScreen)
        questions = screen.query_one("#rob-questions", OptionList)
        assert questions.content_region.width >= 40
        assert questions.content_region.height >= 6
        table = as_shown(screen.query_one("#rob-domains", Static))
        assert "D1 Confounding" in table and "Overall" in table
        assert " x " in table.splitlines()[1]  # D1's lamp: the judgement, without its word
        detail = as_shown(screen.query_one("#rob-detail", Static))
        assert "Serious" in detail.split("Final:")[1]  # spelt out for the highlighted domain


async def test_the_extraction_list_shows_every_column_at_80(tmp_path: Path) -> None:
    """Titles are cut to the room left, so your status and problems stay in view."""
    path = tmp_path / "s.db"
    build_sample(path).close()
    app = ReviewApp(Store.open(path), reviewer="kim")
    async with app.run_test(size=SMALL) as pilot:
        await run_from_palette(pilot, "Extraction")
        screen = app.screen
        assert isinstance(screen, ExtractionListScreen)
        table = screen.table
        assert table.virtual_size.width <= table.content_region.width  # nothing off the edge
        rows = [[str(cell) for cell in table.get_row_at(n)] for n in range(table.row_count)]
        assert [row[2] for row in rows] == ["in progress", "in progress", "not started"]
        assert rows[0][0].endswith("…") and rows[0][1].endswith("…")  # cut, and seen to be
        await pilot.resize_terminal(160, 30)
        await pilot.pause()
        assert str(table.get_row_at(0)[0]).startswith("The impact of dissociated response of")


async def test_the_extraction_form_has_room_for_its_editors_at_80(tmp_path: Path) -> None:
    """Outline, labels and editors narrow below 110 columns: a choice shows its
    words ("Cohort study…"), not its first four letters."""
    path = tmp_path / "s.db"
    build_sample(path).close()
    app = ReviewApp(Store.open(path), reviewer="kim", extraction=INCLUDED[0])
    async with app.run_test(size=SMALL) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExtractionFormScreen)
        await pilot.press("enter")  # into the study page's fields
        await pilot.pause()
        view = screen._view_of(app.focused)
        assert view is not None and view.key == "study.study_design"
        assert view.editor.region.width >= 20
        assert view.editor.region.right <= screen.query_one("#form-page").region.right


async def test_the_prisma_footers_keep_quit_and_keys(sample_path: Path) -> None:  # noqa: F811
    """The PRISMA screen and its record lists fit their keys to 80 columns too
    (they used Textual's footer, which cut `r Reco` and lost Quit and Keys)."""
    app = ReviewApp(Store.open(sample_path), reviewer="kim")
    async with app.run_test(size=SMALL) as pilot:
        await run_from_palette(pilot, "PRISMA flow diagram")
        footer = visible_footer(app)
        assert footer[-3:] == ["q Quit", "? Keys", "^p Commands"]
        assert footer[:2] == ["esc Back", "⏎ Records"]
        await pilot.press("enter")
        await pilot.pause()
        assert visible_footer(app)[-3:] == ["q Quit", "? Keys", "^p Commands"]
