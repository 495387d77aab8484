"""The home's `m` commands: each CLI command without a screen, run from a dialog.

Each test opens the dialog from the home as a reviewer would (`m`, then the
command's key, or the palette), fills it by typing, runs it, and then opens
the review file afresh (or reads what was written) to check the outcome.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Checkbox, Input

from review.models import Stage
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.home import HomeScreen
from review.tui.screens.task_dialog import TaskDialog
from tests.conftest import FIXTURES
from tests.tui.conftest import SIZE, burst, run_from_palette
from tests.tui.test_home import counted, screen_text, until

LABELLED = FIXTURES / "labelled" / "antihistamines_80.csv"
PROTOCOL = Path(__file__).parents[2] / "protocols" / "rt-io-head-neck.yaml"


async def open_task(pilot: Pilot[None], key: str) -> TaskDialog:
    """`m` on the home, then the command's key: its dialog on top."""
    app = pilot.app
    await pilot.press("m", key)
    await until(pilot, lambda: isinstance(app.screen, TaskDialog))
    await pilot.pause()
    assert isinstance(app.screen, TaskDialog)
    return app.screen


async def fill(pilot: Pilot[None], dialog: TaskDialog, name: str, text: str) -> None:
    """Focus a field and type into it, as a reviewer would."""
    field = dialog.query_one(f"#task-{name}", Input)
    field.focus()
    field.value = ""
    await pilot.press(*text)


async def run(pilot: Pilot[None], dialog: TaskDialog) -> str:
    """ctrl+s, then wait for the worker: the dialog's outcome, as shown."""
    await pilot.press("ctrl+s")
    await until(pilot, lambda: not dialog.busy and dialog.outcome)
    await pilot.pause()
    return "\n".join(dialog.outcome)


async def test_copy_then_merge_back_from_the_home(sample_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "bob.db"
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "c")
        await fill(pilot, dialog, "new", "bob.db")  # relative to the picker's folder
        await fill(pilot, dialog, "for", "bob")
        shown = await run(pilot, dialog)
        assert f"Copied {sample_path} to {copy}" in shown
        assert "review screen" in shown and "--reviewer bob" in shown
        assert copy.exists()
        with Store.open(copy) as theirs:
            before = len(theirs.screening.decisions())
        _screen_one(copy, "bob")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
        dialog = await open_task(pilot, "m")
        await fill(pilot, dialog, "other", str(copy))
        shown = await run(pilot, dialog)
        assert f"Merged 1 event from {copy}." in shown
    with Store.open(sample_path) as merged:
        assert len(merged.screening.decisions()) == before + 1
        assert any(e.reviewer == "bob" for e in merged.screening.decisions())


def _screen_one(path: Path, reviewer: str) -> None:
    """One title/abstract inclusion by `reviewer`, as the screening screen stores it."""
    from review.review_file import review_protocol
    from review.screening.session import ScreeningSession

    with Store.open(path) as store:
        session = ScreeningSession(store, review_protocol(store), reviewer, Stage.TITLE_ABSTRACT)
        session.decide("include")


async def test_a_copy_onto_an_existing_file_is_refused_with_the_cli_message(
    sample_path: Path, tmp_path: Path
) -> None:
    taken = tmp_path / "taken.db"
    taken.write_text("mine")
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "c")
        await fill(pilot, dialog, "new", str(taken))
        shown = await run(pilot, dialog)
        assert shown.startswith("error: ") and "taken.db" in shown
        assert dialog.query_one("#task-outcome").has_class("-error")
    assert taken.read_text() == "mine"


async def test_attach_detach_and_mark_not_retrieved(sample_path: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "smith.pdf"
    pdf.write_bytes(b"%PDF-1.4\n")
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "a")
        await fill(pilot, dialog, "record", "3")
        await fill(pilot, dialog, "location", "smith.pdf")
        await fill(pilot, dialog, "note", "from the author")
        shown = await run(pilot, dialog)
        assert shown.endswith(f": attached {pdf}")
        with Store.open(sample_path) as store:
            key = store.records.key_for("3")
            assert store.fulltexts.all()[key].location == str(pdf)
        await pilot.press("escape")
        dialog = await open_task(pilot, "d")
        await fill(pilot, dialog, "record", "3")
        assert await run(pilot, dialog) == f"{key}: detached"
        await pilot.press("escape")
        dialog = await open_task(pilot, "n")
        await fill(pilot, dialog, "record", "3")
        assert await run(pilot, dialog) == f"{key}: not retrieved"
        await pilot.press("escape")
        dialog = await open_task(pilot, "f")
        shown = await run(pilot, dialog)
        assert f"{key}\tnot retrieved" in shown
        assert "0 attached, 1 not retrieved, 0 studies with linked reports." in shown
    with Store.open(sample_path) as store:
        assert store.fulltexts.all()[key].status == "not_retrieved"


async def test_a_missing_pdf_is_named_and_nothing_is_stored(
    sample_path: Path, tmp_path: Path
) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "a")
        await fill(pilot, dialog, "record", "4")
        await fill(pilot, dialog, "location", "gone.pdf")
        shown = await run(pilot, dialog)
        assert shown.startswith("error: ") and "gone.pdf" in shown
    with Store.open(sample_path) as store:
        assert store.fulltexts.all() == {}


async def test_link_and_unlink_a_report(sample_path: Path, tmp_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "l")
        await fill(pilot, dialog, "record", "3")
        await fill(pilot, dialog, "study_record", "4")
        shown = await run(pilot, dialog)
        assert "→ study" in shown and "(2 reports:" in shown
        with Store.open(sample_path) as store:
            assert store.records.key_for("3") in store.studies.links()
        await pilot.press("escape")
        dialog = await open_task(pilot, "u")
        await fill(pilot, dialog, "record", "3")
        assert (await run(pilot, dialog)).endswith(": unlinked")
    with Store.open(sample_path) as store:
        assert store.studies.links() == {}


async def test_attach_a_folder_dry_run_then_for_real(sample_path: Path, tmp_path: Path) -> None:
    with Store.open(sample_path) as store:
        title = store.records.record(4).title or ""
    papers = tmp_path / "papers"
    papers.mkdir()
    (papers / f"{title[:60]}.pdf").write_bytes(b"%PDF-1.4\n")
    (papers / "notes.pdf").write_bytes(b"%PDF-1.4\n")
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "A")
        await fill(pilot, dialog, "folder", "papers")
        dialog.query_one("#task-dry_run", Checkbox).value = True
        shown = await run(pilot, dialog)
        assert "1 would attach, 0 already attached, 1 unmatched." in shown
        with Store.open(sample_path) as store:
            assert store.fulltexts.all() == {}
        dialog.query_one("#task-dry_run", Checkbox).value = False
        shown = await run(pilot, dialog)
        assert "1 attached, 0 already attached, 1 unmatched." in shown
        assert "unmatched notes.pdf" in shown
    with Store.open(sample_path) as store:
        assert len(store.fulltexts.all()) == 1


async def test_import_screening_decisions_dry_run_and_real(
    sample_path: Path, tmp_path: Path
) -> None:
    source = tmp_path / "pilot.csv"
    with source.open("w", newline="") as out:
        csv.writer(out).writerows(
            [["record", "reviewer", "stage", "decision"], ["#1", "lee", "title_abstract", "x"]]
        )
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "i")
        await fill(pilot, dialog, "source", "pilot.csv")
        shown = await run(pilot, dialog)
        assert shown.startswith("error: ") and "pilot.csv" in shown and "decision" in shown
        with Store.open(sample_path) as store:
            before = len(store.screening.decisions())
        rows = [["record", "reviewer", "stage", "decision", "source"]]
        rows += [["#1", "joe", "title_abstract", "include", "004_9dc6b148ed43a975.txt"]]
        with source.open("w", newline="") as out:
            csv.writer(out).writerows(rows)
        dialog.query_one("#task-dry_run", Checkbox).value = True
        shown = await run(pilot, dialog)
        assert "Would import 1 decision from pilot.csv" in shown
        assert "Nothing was stored (--dry-run)." in shown
        dialog.query_one("#task-dry_run", Checkbox).value = False
        shown = await run(pilot, dialog)
        assert "Imported 1 decision from pilot.csv" in shown
    with Store.open(sample_path) as store:
        assert len(store.screening.decisions()) == before + 1


async def test_extraction_export_then_import_back(sample_path: Path, tmp_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "e")
        assert dialog.query_one("#task-to", Input).value == "extraction.xlsx"
        await fill(pilot, dialog, "to", "values.csv")
        shown = await run(pilot, dialog)
        assert shown == f"Wrote 16 values to {tmp_path / 'values.csv'}"
        with (tmp_path / "values.csv").open(encoding="utf-8-sig", newline="") as found:
            rows = list(csv.DictReader(found))
        assert len(rows) == 16 and rows[0]["study"]
        await pilot.press("escape")
        dialog = await open_task(pilot, "E")
        await fill(pilot, dialog, "source", "values.csv")
        shown = await run(pilot, dialog)
        assert shown.startswith("Imported ") and "16 already current" in shown


async def test_risk_of_bias_export_import_and_tools(sample_path: Path, tmp_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "r")
        await fill(pilot, dialog, "to", "rob")
        shown = await run(pilot, dialog)
        assert f"Wrote 3 files to {tmp_path / 'rob'}" in shown
        assert "rob_long.csv: 6 rows" in shown
        assert (tmp_path / "rob" / "robins_i.csv").exists()
        await pilot.press("escape")
        dialog = await open_task(pilot, "R")
        await fill(pilot, dialog, "source", "rob/rob_long.csv")
        shown = await run(pilot, dialog)
        assert shown.startswith("Imported ") and "already current" in shown
        await pilot.press("escape")
        dialog = await open_task(pilot, "t")
        shown = await run(pilot, dialog)
        assert "rob2  RoB 2 (result level)" in shown and "robvis template: ROBINS-I" in shown


async def test_protocol_check_passes_and_names_every_problem(
    sample_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(PROTOCOL.read_text().replace("title:", "titel:", 1))
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "p")
        await fill(pilot, dialog, "path", str(PROTOCOL))
        assert (await run(pilot, dialog)).startswith(f"{PROTOCOL}: OK (")
        await fill(pilot, dialog, "path", "bad.yaml")
        shown = await run(pilot, dialog)
        assert shown.startswith(f"error: {bad}") and "titel" in shown


async def test_stopping_figures_and_recording_a_stop(sample_path: Path, tmp_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "s")
        shown = await run(pilot, dialog)
        assert shown.startswith("kim: 3 of 5 screened, 3 included")
        with Store.open(sample_path) as store:
            assert store.prioritisation.events() == []
        dialog.query_one("#task-stop", Checkbox).value = True
        shown = await run(pilot, dialog)
        assert shown.endswith(
            "Recorded: you stop screening here (not prioritised); review status and the "
            "export's Methods sheet report it."
        )
    with Store.open(sample_path) as store:
        assert [e.reviewer for e in store.prioritisation.events()] == ["kim"]


async def test_stopping_for_a_name_typed_differently_is_that_reviewer(
    sample_path: Path, tmp_path: Path
) -> None:
    """`review stopping --reviewer KIM` is kim's figures; the dialog's Reviewer
    field said `KIM has screened no title/abstract records` and recorded nothing."""
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "s")
        await fill(pilot, dialog, "whose", " KIM ")
        dialog.query_one("#task-stop", Checkbox).value = True
        shown = await run(pilot, dialog)
        assert shown.startswith("kim: 3 of 5 screened, 3 included")
    with Store.open(sample_path) as store:
        assert [e.reviewer for e in store.prioritisation.events()] == ["kim"]


async def test_simulate_on_a_labelled_set(sample_path: Path, tmp_path: Path) -> None:
    shutil.copy(LABELLED, tmp_path / "set.csv")
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "S")
        await fill(pilot, dialog, "dataset", "set.csv")
        await fill(pilot, dialog, "prior", "1")
        dialog.query_one("#task-compare_random", Checkbox).value = True
        shown = await run(pilot, dialog)
        assert "80 records, 16 relevant (label_included)" in shown
        assert "\nmodel " in shown and "\nrandom " in shown and "█ model, · random" in shown


async def test_a_missing_field_is_named_and_nothing_runs(sample_path: Path, tmp_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        dialog = await open_task(pilot, "m")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dialog.outcome == [
            "error: copy: a value is needed",
            "hint: a copy made with `review copy`",
        ]
        await fill(pilot, dialog, "other", "nowhere.db")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert dialog.outcome[0] == f"error: {tmp_path / 'nowhere.db'}: no such file"


async def test_the_palette_opens_a_task_and_asks_the_name_first(
    sample_path: Path, tmp_path: Path
) -> None:
    app = ReviewApp(Store.open(sample_path), folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        await run_from_palette(pilot, "Attach a folder")
        await pilot.pause()
        await pilot.press(*"ann", "enter")
        await until(pilot, lambda: isinstance(app.screen, TaskDialog))
        assert app.screen.task_spec.command == "fulltext attach-folder"  # type: ignore[attr-defined]
        assert app.reviewer == "ann"


async def test_keys_typed_ahead_reach_the_dialog_in_order(
    sample_path: Path, tmp_path: Path
) -> None:
    """`m`, `p`, a protocol path and Enter in one burst: the check runs on that path."""
    shutil.copy(PROTOCOL, tmp_path / "p.yaml")
    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        burst(app, "m", "p", *"p.yaml", "enter")
        await until(pilot, lambda: isinstance(app.screen, TaskDialog) and app.screen.outcome)
        dialog = app.screen
        assert isinstance(dialog, TaskDialog)
        await until(pilot, lambda: not dialog.busy)
        await pilot.pause()
        assert dialog.query_one("#task-path", Input).value == "p.yaml"
        assert dialog.outcome[0].startswith(f"{tmp_path / 'p.yaml'}: OK")


async def test_every_dialog_fits_at_80_by_24(sample_path: Path, tmp_path: Path) -> None:
    """The run button and the last field show at the smallest supported size."""
    from review.tui.tasks import TASKS

    app = ReviewApp(Store.open(sample_path), reviewer="kim", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        for task in TASKS:
            await open_task(pilot, task.key)
            shown = screen_text(app)
            assert task.action_label in shown, task.id
            for field in task.fields:
                assert field.label[:20] in shown, (task.id, field.name)
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))


async def test_the_list_of_commands_scrolls_to_its_last_at_80_by_24(sample_path: Path) -> None:
    """Eighteen commands do not fit in a dialog at 24 rows: the list scrolls
    inside it instead of being cut off below its frame."""
    from textual.widgets import OptionList

    from review.tui.tasks import TASKS

    app = ReviewApp(Store.open(sample_path), reviewer="kim")
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        await pilot.press("m")
        await until(pilot, lambda: bool(app.screen.query("#choice-list")))
        choices = app.screen.query_one("#choice-list", OptionList)
        dialog = app.screen.query_one("#choice-dialog")
        assert choices.region.bottom <= dialog.region.bottom - 1  # inside the frame
        await pilot.press("end")
        await pilot.pause()
        assert choices.highlighted == len(TASKS) - 1
        assert TASKS[-1].title[:20] in screen_text(app)
