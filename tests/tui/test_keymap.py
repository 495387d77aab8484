"""Remapping keys from the settings file reaches every screen (issue 14: the
duplicates screen's ids were refused as unknown)."""

from __future__ import annotations

from pathlib import Path

from review.config import Settings
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.duplicates import DuplicatesScreen
from tests.tui.conftest import SIZE, run_from_palette
from tests.tui.test_duplicates import dup_store  # noqa: F401  (fixture)


def warnings(app: ReviewApp) -> list[str]:
    return [n.message for n in app._notifications if n.severity == "warning"]


async def test_a_duplicates_key_is_remapped_and_works(dup_store: Store) -> None:  # noqa: F811
    settings = Settings(keys={"duplicates.confirm": "c"}, path=Path("config.toml"))
    app = ReviewApp(dup_store, reviewer="alice", settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert warnings(app) == []
        await run_from_palette(pilot, "Duplicates")
        assert isinstance(app.screen, DuplicatesScreen)
        first = dup_store.dedup.pending_pairs()[0]
        await pilot.press("c")
        await pilot.pause()
    with Store.open(dup_store.path) as fresh:
        groups = fresh.dedup.group_memberships()
        assert groups[first.uid_a] == groups[first.uid_b]


async def test_ids_of_dialogs_and_widgets_are_known(sample_path: Path) -> None:
    keys = {"reasons.cancel": "x", "records.next": "down,n", "prompt.cancel": "ctrl+g"}
    app = ReviewApp(Store.open(sample_path), settings=Settings(keys=keys, path=Path("c.toml")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert warnings(app) == []


async def test_a_misspelt_id_is_still_named(sample_path: Path) -> None:
    keys = {"duplicates.confirn": "c"}
    app = ReviewApp(Store.open(sample_path), settings=Settings(keys=keys, path=Path("c.toml")))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert any("unknown key binding id duplicates.confirn" in m for m in warnings(app))
