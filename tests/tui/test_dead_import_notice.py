"""Opening a review whose import was killed half-way says what was removed, once."""

from __future__ import annotations

from pathlib import Path

from review.store import Store
from review.tui.app import ReviewApp
from tests.test_import_dead import kill
from tests.test_import_staging import _drafts, _source
from tests.tui.conftest import SIZE


async def test_the_tui_tells_once_of_a_removed_import(tmp_path: Path) -> None:
    path = tmp_path / "r.db"
    with Store.create(path) as store:
        store.imports.stage(_source("embase-update.ris"), _drafts(1_200))
    kill(path)
    app = ReviewApp(Store.open(path), reviewer="alice")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        said = [n.message for n in app._notifications if n.severity == "warning"]
        assert len(said) == 1
        assert said[0].startswith(
            "Removed an unfinished import of embase-update.ris (1,200 records) from "
        )
        assert app.store is not None and app.store.removed_imports == []
        assert app.store.records.record_count() == 0
