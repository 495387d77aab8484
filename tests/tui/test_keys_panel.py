"""The `?` keys panel (QA): the screen's own keys come first, Textual's
scroll and focus keys after them; Textual's palette "Keys" opens the same panel."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import HelpPanel, Static

from review.config import Settings
from review.models import Stage
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.widgets.keys_panel import KeysPanel
from tests.tui.conftest import SIZE, run_from_palette
from tests.tui.test_screening import sample_path  # noqa: F401  (fixture: nothing decided)


def panel_lines(app: ReviewApp) -> list[str]:
    table = app.screen.query_one("#keys-panel-table", Static)
    return [table.render_line(y).text.strip() for y in range(table.size.height)]


async def test_the_screens_keys_come_before_scrolling_and_focus(
    sample_path: Path,  # noqa: F811
) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("question_mark")
        await pilot.pause()
        lines = panel_lines(app)
        assert lines[0] == "This screen"
        assert lines[1:4] == ["← Previous record", "→ Next record", "i Include"]
        assert "u ^z Undo" in lines
        titles = [line for line in lines if line in ("Focus and copying", "Everywhere")]
        assert titles == ["Focus and copying", "Everywhere"]
        last_own = lines.index("esc Back")
        assert last_own < lines.index("↑ Scroll Up") < lines.index("tab Focus Next")
        assert lines.index("tab Focus Next") < lines.index("? Keys")
        await pilot.press("question_mark")
        await pilot.pause()
        assert not app.screen.query(KeysPanel)


async def test_a_remapped_key_is_listed_as_remapped(sample_path: Path) -> None:  # noqa: F811
    settings = Settings(keys={"screening.include": "y"})
    app = ReviewApp(
        Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT, settings=settings
    )
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("f1")
        await pilot.pause()
        lines = panel_lines(app)
        assert "y Include" in lines and "i Include" not in lines


async def test_the_palettes_keys_entry_opens_this_panel(sample_path: Path) -> None:  # noqa: F811
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await run_from_palette(pilot, "Keys")
        assert app.screen.query(KeysPanel)
        assert not app.screen.query(HelpPanel)
        assert panel_lines(app)[0] == "This screen"
