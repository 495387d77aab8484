"""The home's import dialog with several files: a folder or files one by one,
each with its own kind, source and date, imported in order, all or none."""

from __future__ import annotations

import shutil
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DirectoryTree, Input, OptionList

from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.import_files import ImportScreen
from tests.conftest import FIXTURES
from tests.tui.conftest import burst
from tests.tui.test_home import NBIB, RIS, counted, screen_text, until

CTGOV = FIXTURES / "ctgov_json" / "ctg-studies-single.json"


def searches(folder: Path) -> Path:
    """Three searches of one day, as a reviewer saves them."""
    folder.mkdir()
    shutil.copy(CTGOV, folder / "a-ctgov.json")
    shutil.copy(RIS, folder / "b-embase.ris")
    shutil.copy(NBIB, folder / "c-pubmed.nbib")
    return folder


async def open_import(pilot: Pilot[None]) -> ImportScreen:
    await pilot.press("i")
    await until(pilot, lambda: isinstance(pilot.app.screen, ImportScreen))
    await pilot.pause()
    assert isinstance(pilot.app.screen, ImportScreen)
    return pilot.app.screen


def outcome(dialog: ImportScreen) -> str:
    return str(dialog.query_one("#import-outcome").render())


async def test_a_folder_lists_every_file_with_its_own_source_and_imports_in_order(
    sample_path: Path, tmp_path: Path
) -> None:
    folder = searches(tmp_path / "searches")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ImportScreen))
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        # the date first: every file added after takes it
        dialog.query_one("#import-date", Input).focus()
        await pilot.press(*"2026-11-02")
        dialog.query_one("#import-path", Input).focus()
        await pilot.press(*"searches", "enter")
        await until(pilot, lambda: len(dialog.pending) == 3)
        kinds = [(p.path.name, p.kind, p.source, p.date) for p in dialog.pending]
        assert kinds == [
            ("a-ctgov.json", "register", "ClinicalTrials.gov", "2026-11-02"),
            ("b-embase.ris", "database", "", "2026-11-02"),
            ("c-pubmed.nbib", "database", "PubMed", "2026-11-02"),
        ]
        assert "b-embase.ris · ris · database · (source?)" in screen_text(app)
        # Embase names no source of its own: highlight it and say so
        files = dialog.query_one("#import-files", OptionList)
        files.focus()
        files.highlighted = 1
        await pilot.pause()
        dialog.query_one("#import-source", Input).focus()
        await pilot.press(*"Embase")
        await pilot.pause()
        assert dialog.pending[1].source == "Embase"
        assert dialog.pending[2].source == "PubMed"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Imported" in outcome(dialog), tries=300)
        shown = outcome(dialog)
        lines = [line for line in shown.splitlines() if " as source #" in line]
        assert [line.split(":")[0] for line in lines] == [
            "a-ctgov.json",
            "b-embase.ris",
            "c-pubmed.nbib",
        ]
        assert "from 3 files" in shown
        assert dialog.pending == []
    with Store.open(sample_path) as fresh:
        added = [(s.file_name, str(s.kind), s.name, s.search_date) for s in fresh.imports.sources()]
    assert added[5:] == [
        ("a-ctgov.json", "register", "ClinicalTrials.gov", "2026-11-02"),
        ("b-embase.ris", "database", "Embase", "2026-11-02"),
        ("c-pubmed.nbib", "database", "PubMed", "2026-11-02"),
    ]
    assert (folder / "b-embase.ris").exists()


async def test_files_picked_one_by_one_and_one_taken_off(sample_path: Path, tmp_path: Path) -> None:
    searches(tmp_path / "searches")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path / "searches")
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        dialog = await open_import(pilot)
        tree = dialog.query_one(DirectoryTree)
        await until(pilot, lambda: tree.root.children)
        tree.focus()
        await pilot.press("down", "enter", "down", "down", "enter")  # a-ctgov, then c-pubmed
        await until(pilot, lambda: len(dialog.pending) == 2)
        assert [p.path.name for p in dialog.pending] == ["a-ctgov.json", "c-pubmed.nbib"]
        dialog.query_one("#import-files", OptionList).focus()
        await pilot.press("up", "ctrl+x")
        await pilot.pause()
        assert [p.path.name for p in dialog.pending] == ["c-pubmed.nbib"]
        dialog.query_one("#import-path", Input).value = ""
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Imported 1 record from 1 file" in outcome(dialog))
    with Store.open(sample_path) as fresh:
        assert [s.file_name for s in fresh.imports.sources()][5:] == ["c-pubmed.nbib"]


async def test_one_bad_file_stores_none_and_keeps_the_list(
    sample_path: Path, tmp_path: Path
) -> None:
    folder = searches(tmp_path / "searches")
    (folder / "d-broken.ris").write_bytes("TY  - JOUR\nTI  - Café\nER  - \n".encode("cp1252"))
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        dialog = await open_import(pilot)
        await pilot.press(*"searches", "enter")
        await until(pilot, lambda: len(dialog.pending) == 4)
        for at in (1, 3):
            dialog.query_one("#import-files", OptionList).highlighted = at
            await pilot.pause()
            dialog.query_one("#import-source", Input).focus()
            await pilot.press(*"Embase")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: outcome(dialog).startswith("error:"), tries=300)
        assert "d-broken.ris" in outcome(dialog)
        assert len(dialog.pending) == 4
    with Store.open(sample_path) as fresh:
        assert len(fresh.imports.sources()) == 5 and fresh.records.record_count() == 5


async def test_a_file_without_a_source_is_named_before_anything_runs(
    sample_path: Path, tmp_path: Path
) -> None:
    searches(tmp_path / "searches")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        dialog = await open_import(pilot)
        await pilot.press(*"searches", "enter", "ctrl+s")
        await until(pilot, lambda: outcome(dialog).startswith("error:"))
        assert outcome(dialog).startswith(
            f"error: {tmp_path / 'searches' / 'b-embase.ris'}:source: name the source"
        )
    with Store.open(sample_path) as fresh:
        assert len(fresh.imports.sources()) == 5


async def test_i_a_folder_and_enter_typed_ahead_list_its_files(
    sample_path: Path, tmp_path: Path
) -> None:
    searches(tmp_path / "searches")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        burst(app, "i", *"searches", "enter")
        await until(pilot, lambda: isinstance(app.screen, ImportScreen) and app.screen.pending)
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        assert [p.path.name for p in dialog.pending] == [
            "a-ctgov.json",
            "b-embase.ris",
            "c-pubmed.nbib",
        ]


async def test_the_reviews_own_folder_leaves_its_file_unread_and_its_decisions_safe(
    tmp_path: Path,
) -> None:
    """The picker starts in the review's folder: picking it lists the search
    file only, and never opens the review file or its -wal/-shm. Reading them
    dropped this process's locks, so another process's close deleted the live
    -wal and the next decision was lost."""
    from review.models import Stage
    from review.sample import build_sample
    from tests.test_store import _count_decisions_elsewhere

    folder = tmp_path / "project"
    folder.mkdir()
    review = folder / "review.db"
    build_sample(review).close()
    shutil.copy(RIS, folder / "embase.ris")
    store = Store.open(review)
    app = ReviewApp(store, reviewer="ann", folder=folder)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        before = _count_decisions_elsewhere(review)
        dialog = await open_import(pilot)
        dialog.query_one("#import-path", Input).focus()
        await pilot.press(*str(folder), "enter")
        await until(pilot, lambda: len(dialog.pending) == 1)
        assert [p.path.name for p in dialog.pending] == ["embase.ris"]
        assert "review.db" not in str(dialog.query_one("#import-format").render())
        assert _count_decisions_elsewhere(review) == before  # another process opens and closes
        store.screening.record_decision("tya:x", Stage.TITLE_ABSTRACT, "include", reviewer="ann")
        assert _count_decisions_elsewhere(review) == before + 1


async def test_paths_typed_one_after_another_each_join_the_list(
    sample_path: Path, tmp_path: Path
) -> None:
    """`i`, a folder, Enter, a file, Enter in one burst: the second path is
    not typed onto the end of the first ('searchesmore.ris')."""
    searches(tmp_path / "searches")
    shutil.copy(RIS, tmp_path / "more.ris")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        burst(app, "i", *"searches", "enter", *"more.ris", "enter")
        await until(pilot, lambda: isinstance(app.screen, ImportScreen))
        dialog = app.screen
        assert isinstance(dialog, ImportScreen)
        await until(pilot, lambda: len(dialog.pending) == 4)
        assert [p.path.name for p in dialog.pending][3] == "more.ris"
        assert "error" not in outcome(dialog)


async def test_a_file_taken_off_the_list_is_not_imported(sample_path: Path, tmp_path: Path) -> None:
    """ctrl+x then ctrl+s: the path still in the field used to put it back."""
    searches(tmp_path / "searches")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path / "searches")
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        dialog = await open_import(pilot)
        await pilot.press(*"c-pubmed.nbib", "enter")
        await until(pilot, lambda: len(dialog.pending) == 1)
        assert "PubMed MEDLINE" in str(dialog.query_one("#import-format").render())
        dialog.query_one("#import-files", OptionList).focus()
        await pilot.press("ctrl+x", "ctrl+s")
        await until(pilot, lambda: outcome(dialog).startswith("error:"))
        assert "no file chosen" in outcome(dialog)
    with Store.open(sample_path) as fresh:
        assert len(fresh.imports.sources()) == 5


async def test_a_file_already_imported_is_refused_then_ctrl_r_imports_it_as_a_new_source(
    sample_path: Path, tmp_path: Path
) -> None:
    searches(tmp_path / "searches")
    nbib = tmp_path / "searches" / "c-pubmed.nbib"
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        dialog = await open_import(pilot)
        await pilot.press(*str(nbib), "enter", "ctrl+s")
        await until(pilot, lambda: "Imported 1 record from" in outcome(dialog), tries=300)
        await pilot.press("ctrl+r")  # nothing was refused: the key does nothing
        await pilot.pause()
        await pilot.press(*str(nbib), "enter", "ctrl+s")
        await until(pilot, lambda: outcome(dialog).startswith("error:"), tries=300)
        refused = outcome(dialog)
        assert "already imported" in refused and "ctrl+r" in refused
        assert "--force" not in refused
        await pilot.press("ctrl+r")
        await until(pilot, lambda: "Imported 1 record from" in outcome(dialog), tries=300)
    with Store.open(sample_path) as fresh:
        assert [s.file_name for s in fresh.imports.sources()][5:] == ["c-pubmed.nbib"] * 2


async def test_two_copies_of_one_search_in_the_list_are_refused_with_a_way_to_drop_one(
    sample_path: Path, tmp_path: Path
) -> None:
    """A search downloaded twice ('pubmed.nbib', 'pubmed (1).nbib'): the refusal
    says to take one off the list, not that ctrl+r imports 'it' again, which
    would import both and double the search's records."""
    folder = tmp_path / "searches"
    folder.mkdir()
    shutil.copy(NBIB, folder / "pubmed.nbib")
    shutil.copy(NBIB, folder / "pubmed (1).nbib")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        dialog = await open_import(pilot)
        await pilot.press(*"searches", "enter")
        await until(pilot, lambda: len(dialog.pending) == 2)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: outcome(dialog).startswith("error:"), tries=300)
        refused = outcome(dialog)
        assert "same content as" in refused and "ctrl+x" in refused
        assert "--force" not in refused
        files = dialog.query_one("#import-files", OptionList)
        files.focus()
        files.highlighted = 1
        await pilot.press("ctrl+x", "ctrl+s")
        await until(pilot, lambda: "Imported 1 record from" in outcome(dialog), tries=300)
    with Store.open(sample_path) as fresh:
        assert len(fresh.imports.sources()) == 6


async def test_ctrl_r_forces_only_the_list_that_was_refused(
    sample_path: Path, tmp_path: Path
) -> None:
    """Refused, then the list changed (a file added): ctrl+r does nothing, so a
    file never refused is not imported a second time without a word."""
    searches(tmp_path / "searches")
    nbib = tmp_path / "searches" / "c-pubmed.nbib"
    ctgov = tmp_path / "searches" / "a-ctgov.json"
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        dialog = await open_import(pilot)
        await pilot.press(*str(ctgov), "enter", "ctrl+s")
        await until(pilot, lambda: "Imported" in outcome(dialog), tries=300)
        await pilot.press(*str(nbib), "enter", "ctrl+s")
        await until(pilot, lambda: "Imported" in outcome(dialog), tries=300)
        await pilot.press(*str(nbib), "enter", "ctrl+s")
        await until(pilot, lambda: outcome(dialog).startswith("error:"), tries=300)
        await pilot.press(*str(ctgov), "ctrl+r")  # typed, not entered: it joins the list
        await pilot.pause()
        await until(pilot, lambda: not dialog._busy, tries=300)
        assert "already imported" in outcome(dialog)
    with Store.open(sample_path) as fresh:
        assert [s.file_name for s in fresh.imports.sources()][5:] == [
            "a-ctgov.json",
            "c-pubmed.nbib",
        ]
