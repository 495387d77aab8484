"""The footer rebuilds itself when its keys or width change; what it drops must go.

Textual's footer binds each key's style to the footer, which keeps a watcher
(and so the widget) for every key it ever showed: a footer rebuilt on each
resize or change of keys held ~10 dead widgets more each time, and a long
session slowed down with ever longer garbage-collection pauses.
"""

from __future__ import annotations

import gc
from pathlib import Path

from textual.widgets._footer import FooterKey

from review.models import Stage
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.screening import ScreeningScreen
from review.tui.widgets.key_footer import KeyFooter


def live_footer_keys() -> int:
    gc.collect()
    return sum(isinstance(item, FooterKey) for item in gc.get_objects())


async def test_a_rebuilt_footer_leaves_no_dead_keys_behind(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)
        before = live_footer_keys()
        for width in range(100, 112):
            await pilot.resize_terminal(width, 40)
            await pilot.pause()
            await pilot.press("i", "u")
            await pilot.pause()
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert live_footer_keys() <= before
        footer = app.screen.query_one(KeyFooter)
        assert "i" in [key.key for key in footer.query(FooterKey)]
