"""The extraction screens driven by keys; the file is then read with a fresh
connection, as the reviewer would find it after quitting."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import DataTable, Static

from review.config import Settings
from review.extraction.session import ExtractionSession
from review.extraction.studies import Status
from review.review_file import review_protocol
from review.sample import INCLUDED, build_sample
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.extraction_compare import ComparisonScreen
from review.tui.screens.extraction_form import ExtractionFormScreen
from review.tui.screens.extraction_list import ExtractionListScreen
from review.tui.screens.info import InfoScreen
from review.tui.screens.problem_list import ProblemList
from review.tui.screens.text_prompt import TextPrompt
from review.tui.widgets.form_field import FormFieldView
from tests.tui.conftest import SIZE, run_from_palette

COHORT, TRIAL, FRESH = INCLUDED
"""The sample's included studies: two partly filled by kim, one not started."""


def session(path: Path, who: str = "kim", study: str = FRESH) -> ExtractionSession:
    """The form as stored, through a fresh connection."""
    store = Store.open(path)
    return ExtractionSession(store, review_protocol(store), who, study)


def form(app: ReviewApp) -> ExtractionFormScreen:
    screen = app.screen
    assert isinstance(screen, ExtractionFormScreen)
    return screen


def focused_view(app: ReviewApp) -> FormFieldView | None:
    return form(app)._view_of(app.focused)


async def goto(pilot: Pilot[None], key: str) -> FormFieldView:
    """Tab through the page's fields until `key` has the focus (keys only)."""
    app = pilot.app
    assert isinstance(app, ReviewApp)
    for _ in range(40):
        view = focused_view(app)
        if view is not None and view.key == key:
            return view
        await pilot.press("tab")
    raise AssertionError(f"never reached {key}")


def status_text(view: FormFieldView) -> str:
    return str(view.query_one(".form-field-status", Static).content)


async def test_fill_fields_of_every_kind_and_rows_then_reopen(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=FRESH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, ExtractionFormScreen)
        await pilot.press("enter")  # into the study page's fields
        await goto(pilot, "study.study_design")
        await pilot.press("enter", "down", "enter")  # the first option: rct
        await goto(pilot, "study.country")
        await pilot.press(*"Germany, France", "tab")
        await goto(pilot, "study.tumour_sites")
        await pilot.press("space", "down", "space")  # oral cavity, oropharynx
        await goto(pilot, "study.hpv_reported")
        await pilot.press("enter", "down", "enter")  # yes
        view = await goto(pilot, "study.n_randomised")
        await pilot.press(*"120", "enter")
        await pilot.pause()
        assert status_text(view) == "✓ saved"
        await goto(pilot, "study.follow_up_median")
        await pilot.press(*"18.5", "tab")
        await goto(pilot, "study.notes")
        await pilot.press(*"line one", "enter", *"line two", "tab")  # past the last field
        await pilot.pause()
        assert app.focused is form(app).outline
        # an arm: add on the Arms group, then rename the row by keys
        await pilot.press("down")
        await pilot.press("a")
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"Nivolumab + RT", "enter")
        await pilot.pause()
        await pilot.press("m")
        await pilot.press("ctrl+u", *"Nivolumab plus RT", "enter")
        await pilot.pause()
        await pilot.press("enter")  # into the arm's fields
        await goto(pilot, "arms.arm.rt_dose_gy")
        await pilot.press(*"70", "tab")
        await pilot.press("escape", "down")  # Results
        await pilot.pause()
        await pilot.press("a", *"ORR at 2 years", "enter")
        await pilot.pause()
        await pilot.press("m", "ctrl+u", *"ORR, 2 years", "enter")
        await pilot.pause()
        await pilot.press("enter")
        await goto(pilot, "results.result.timepoint")
        await pilot.press(*"2 years", "tab")
        await pilot.press("escape", "escape", "q")
    stored = session(sample_path)
    assert stored.value("study.study_design") == "rct"
    assert stored.value("study.country") == "Germany, France"
    assert stored.value("study.tumour_sites") == ["oral cavity", "oropharynx"]
    assert stored.value("study.hpv_reported") is True
    assert stored.value("study.n_randomised") == 120
    assert stored.value("study.follow_up_median") == 18.5
    assert stored.value("study.notes") == "line one\nline two"
    [arm] = stored.rows("arms.arm")
    assert arm.name == "Nivolumab plus RT"
    assert stored.value("arms.arm.rt_dose_gy", arm.id) == 70
    [result] = stored.rows("results.result")
    assert result.name == "ORR, 2 years"
    assert stored.value("results.result.timepoint", result.id) == "2 years"


async def test_invalid_value_shows_its_message_keeps_focus_and_stores_nothing(
    sample_path: Path,
) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=FRESH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        view = await goto(pilot, "study.n_randomised")
        await pilot.press("0", "tab")
        await pilot.pause()
        assert "at least 1" in str(view.query_one(".form-field-error", Static).content)
        assert view.has_class("-invalid")
        assert focused_view(app) is view
        await pilot.press("escape")  # puts the stored (blank) value back
        await pilot.pause()
        assert view.raw() == ""
        assert focused_view(app) is None
    assert session(sample_path).value("study.n_randomised") is None


def burst(app: ReviewApp, keys: list[str]) -> None:
    """Send every key at once, as a fast typist's terminal does: unlike
    `pilot.press`, which waits for the app between keys."""
    driver = app._driver
    assert driver is not None
    for key in keys:
        event = events.Key(key, key if len(key) == 1 else None)
        event.set_sender(app)
        driver.send_message(event)


async def back_on_the_outline(pilot: Pilot[None], app: ReviewApp) -> None:
    """Wait until the app has worked through a burst that ends on the outline
    (polled, not a fixed time), and check it got there."""
    for _ in range(100):
        await pilot.pause(0.05)
        if app.focused is form(app).outline:
            break
    assert app.focused is form(app).outline


async def test_typing_ahead_in_a_burst_loses_no_key(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=FRESH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # outline → into the page (mounted meanwhile) → past two choices → country,
        # then on through the other fields, Enter and Tab alike: one burst
        burst(app, [
            "enter", "tab", "tab", *"Norway; Sweden", "tab", "tab", "tab", "tab", "tab",
            *"64", "enter", *"60", "tab", *"31.25", "shift+tab", "shift+tab", "escape",
        ])  # fmt: skip
        await back_on_the_outline(pilot, app)
    stored = session(sample_path)
    assert stored.value("study.country") == "Norway; Sweden"
    assert stored.value("study.n_randomised") == 64
    assert stored.value("study.n_analysed") == 60
    assert stored.value("study.follow_up_median") == 31.25


async def test_complete_lists_problems_stores_no_status_and_jumps(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=FRESH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        problems = app.screen
        assert isinstance(problems, ProblemList)
        fields = [p.field for p in problems.problems]
        assert "study.study_design" in fields
        assert "study.n_randomised" in fields
        await pilot.press("down", "enter")  # the second problem
        await pilot.pause()
        view = focused_view(app)
        assert view is not None
        assert view.key == problems.problems[1].field
    stored = session(sample_path)
    assert stored.status is Status.NOT_STARTED
    assert stored.store.extraction.status_events(FRESH) == []


async def test_source_note_and_history(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=FRESH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await goto(pilot, "study.n_randomised")
        await pilot.press(*"40", "ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"p. 3, table 1", "enter")
        await pilot.pause()
        await pilot.press("ctrl+u", *"42", "tab", "shift+tab", "ctrl+l")
        await pilot.pause()
        assert isinstance(app.screen, InfoScreen)
        await pilot.press("escape")
    stored = session(sample_path)
    cell = stored.cell("study.n_randomised")
    assert (cell.value, cell.source) == (42, "p. 3, table 1")
    assert [(c.old, c.new) for c in stored.history("study.n_randomised")] == [(None, 40), (40, 42)]


async def test_complete_then_reopen_from_the_list(sample_path: Path) -> None:
    with Store.open(sample_path) as store:
        filled = ExtractionSession(store, review_protocol(store), "kim", FRESH)
        for field, value in (
            ("study.study_design", "rct"),
            ("study.setting", "mixed"),
            ("study.n_randomised", "50"),
        ):
            filled.set_value(field, "", value)
    app = ReviewApp(Store.open(sample_path), reviewer="kim")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Extraction")
        assert isinstance(app.screen, ExtractionListScreen)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        await pilot.press("p")  # in progress only
        await pilot.pause()
        assert table.row_count == 3
        await pilot.press("n")
        await pilot.pause()
        assert table.row_count == 0
        await pilot.press("a", "down", "down", "enter")
        await pilot.pause()
        assert form(app).session.study_key == FRESH
        await pilot.press("c")
        await pilot.pause()
        assert session(sample_path).status is Status.COMPLETE
        await pilot.press("r")
        await pilot.pause()
        assert session(sample_path).status is Status.IN_PROGRESS
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ExtractionListScreen)


async def test_copy_and_remove_a_row(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=TRIAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("down", "down")  # the arm
        await pilot.press("y", "ctrl+u", *"Second arm", "enter")
        await pilot.pause()
        copied = session(sample_path, study=TRIAL)
        assert [a.name for a in copied.rows("arms.arm")] == ["Sintilimab + RT", "Second arm"]
        second = copied.rows("arms.arm")[1]
        assert copied.value("arms.arm.rt_dose_gy", second.id) == 60
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")  # confirm
        await pilot.pause()
        assert form(app)._page_id == "g:arms.arm"
    assert [a.name for a in session(sample_path, study=TRIAL).rows("arms.arm")] == [
        "Sintilimab + RT"
    ]


def dual_sample(tmp_path: Path) -> Path:
    """The sample under a protocol with two (non-blind) extractors; lee differs
    from kim on the cohort study's design and an arm's size."""
    protocol = tmp_path / "dual.yaml"
    text = Path("protocols/rt-io-head-neck.yaml").read_text(encoding="utf-8")
    protocol.write_text(
        text.replace("extraction:\n", "extraction:\n  reviewers_per_study: 2\n  blind: false\n", 1),
        encoding="utf-8",
    )
    path = tmp_path / "dual.db"
    from tests.conftest import fixed_clock

    with build_sample(path, protocol=protocol, now=fixed_clock) as store:
        proto = review_protocol(store)
        kim = ExtractionSession(store, proto, "kim", COHORT)
        arm = kim.add_row("arms.arm", "Nivolumab + RT")
        kim.set_value("arms.arm.n_assigned", arm, "40")
        lee = ExtractionSession(store, proto, "lee", COHORT)
        lee.set_value("study.study_design", "", "case_series")
        lee.set_value("study.setting", "", "recurrent_metastatic")
        lee.set_value("arms.arm.n_assigned", arm, "42")
    return path


async def test_dual_extraction_shows_differences_and_stores_the_agreed_value(
    tmp_path: Path,
) -> None:
    path = dual_sample(tmp_path)
    app = ReviewApp(Store.open(path), reviewer="kim")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Extraction")
        await pilot.press("d")  # the highlighted (first) study: the cohort
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ComparisonScreen)
        assert [(d.field, d.row) for d in screen._diffs] == [
            ("study.study_design", ""),
            ("arms.arm.n_assigned", "Nivolumab + RT"),
        ]
        await pilot.press("2")  # lee's design
        await pilot.pause()
        await pilot.press("down", "e", "ctrl+u", *"41", "enter")
        await pilot.pause()
    stored = session(path, study=COHORT)
    agreed = stored.values.agreed(COHORT)
    arm = stored.rows("arms.arm")[0].id
    assert agreed[(COHORT, "study.study_design", "")] == "case_series"
    assert agreed[(COHORT, "arms.arm.n_assigned", arm)] == 41
    assert stored.value("study.study_design") == "cohort"  # kim's own entry unchanged


async def test_extract_asks_the_name_when_unknown(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), extraction="list")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)
        await pilot.press(*"kim", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ExtractionListScreen)
        assert app.screen.reviewer == "kim"


async def test_keys_are_remapped_by_id_and_clashes_named(sample_path: Path) -> None:
    settings = Settings(
        keys={"extraction.add_row": "plus", "extraction.complete": "r"}, path=Path("config.toml")
    )
    app = ReviewApp(Store.open(sample_path), reviewer="kim", settings=settings, extraction=FRESH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        assert any(
            "r is bound to both extraction.complete and extraction.reopen" in m for m in messages
        )
        await pilot.press("down", "plus")  # Arms, then the remapped "add row"
        await pilot.pause()
        assert isinstance(app.screen, TextPrompt)


async def test_a_row_named_in_the_same_burst_as_its_key(sample_path: Path) -> None:
    """`a` and the name typed straight after it (letters that are also keys of
    the form: m, x, c) reach the name prompt, in order."""
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=FRESH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, ["down", "a", *"mixed cohort", "enter"])
        for _ in range(100):
            await pilot.pause(0.05)
            if session(sample_path).rows("arms.arm"):
                break
    assert [row.name for row in session(sample_path).rows("arms.arm")] == ["mixed cohort"]


async def test_the_form_opens_the_studys_attached_full_text(
    sample_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The header names the attached report and ctrl+o opens it, detached."""
    paper = tmp_path / "trial.pdf"
    paper.write_bytes(b"%PDF-1.4")
    with Store.open(sample_path) as store:
        store.fulltexts.attach(TRIAL, str(paper), reviewer="kim")
    opened: list[list[str]] = []
    monkeypatch.setattr(
        "review.tui.screens.extraction_form.subprocess.Popen",
        lambda command, **_: opened.append(command),
    )
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=TRIAL)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        header = str(form(app).query_one("#form-reports", Static).render())
        assert f"full text: {paper}" in header
        await pilot.press("ctrl+o")
        await pilot.pause()
    assert opened and opened[0][-1] == str(paper)


@pytest.mark.parametrize(
    ("away", "typed", "kept"),
    [("ctrl+q", "120", 120), ("palette", "120", 120), ("palette", "12O", None)],
)
async def test_a_value_typed_then_left_by_quitting_or_the_palette(
    sample_path: Path, away: str, typed: str, kept: int | None
) -> None:
    """Leaving the screen leaves the field: what it holds is stored as Tab would
    store it (it was lost), and invalid text is refused as Tab refuses it."""
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=FRESH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await goto(pilot, "study.n_randomised")
        await pilot.press(*typed)
        if away == "ctrl+q":
            await pilot.press("ctrl+q")
        else:
            await run_from_palette(pilot, "Home")
            assert not isinstance(app.screen, ExtractionFormScreen)
    assert session(sample_path).value("study.n_randomised") == kept


async def test_choices_typed_ahead_in_a_burst_are_picked_in_order(sample_path: Path) -> None:
    """A drop-down opened, moved and picked, and a multi-choice ticked, all typed
    ahead with the Tabs between them: each pick lands in its own field (the
    picks were lost while the Tabs moved on, as Textual applies them late)."""
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=FRESH)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        burst(app, [
            "enter",  # into the study page: the design's drop-down
            "enter", "down", "down", "enter", "tab",  # 2nd option: non-randomised trial
            "enter", "down", "enter", "tab",  # phase: I
            *"Spain", "tab",
            "enter", "down", "down", "enter", "tab",  # centres: multicentre
            "enter", "down", "enter", "tab",  # setting: locally advanced
            "space", "down", "space", "tab",  # sites: oral cavity, oropharynx
            "enter", "down", "enter", "tab",  # HPV reported: yes
            *"77", "escape",
        ])  # fmt: skip
        await back_on_the_outline(pilot, app)
    stored = session(sample_path)
    assert stored.value("study.study_design") == "non_randomised_trial"
    assert stored.value("study.phase") == "I"
    assert stored.value("study.country") == "Spain"
    assert stored.value("study.centres") == "multicentre"
    assert stored.value("study.setting") == "locally_advanced"
    assert stored.value("study.tumour_sites") == ["oral cavity", "oropharynx"]
    assert stored.value("study.hpv_reported") is True
    assert stored.value("study.n_randomised") == 77


async def test_no_included_study_says_why_instead_of_an_empty_table(tmp_path: Path) -> None:
    """QA: before full-text screening the list was an empty table with no word."""
    path = tmp_path / "unscreened.db"
    build_sample(path, screened=False).close()
    app = ReviewApp(Store.open(path), reviewer="kim")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Extraction")
        screen = app.screen
        assert isinstance(screen, ExtractionListScreen)
        notice = screen.query_one("#extraction-empty", Static)
        assert notice.display and not screen.table.display
        assert "No study is included at full text yet" in str(notice.render())
        assert "--stage full_text" in str(notice.render())


async def test_the_list_shows_no_notice_when_studies_are_included(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Extraction")
        screen = app.screen
        assert isinstance(screen, ExtractionListScreen)
        assert not screen.query_one("#extraction-empty", Static).display
        assert screen.table.display and screen.table.row_count == 3


async def test_the_comparison_fits_80_columns_with_both_values_whole(tmp_path: Path) -> None:
    """At 80×24 the second extractor's column was pushed off the right edge by
    long labels and values: the table now fits, long cells wrapped, and taking
    the second value still stores it."""
    path = dual_sample(tmp_path)
    long_text = "Germany, France, Italy, Spain, the Netherlands and Belgium"
    with Store.open(path) as store:
        ExtractionSession(store, review_protocol(store), "lee", COHORT).set_value(
            "study.country", "", long_text
        )
    app = ReviewApp(Store.open(path), reviewer="kim", extraction=COHORT)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ComparisonScreen)
        table = screen.table
        assert table.virtual_size.width <= table.scrollable_content_region.width
        row = [d.field for d in screen._diffs].index("study.country")
        lee_cell = str(table.get_row_at(row)[3])
        assert lee_cell == long_text
        await pilot.press(*["down"] * row, "2")
        await pilot.pause()
    stored = session(path, study=COHORT)
    assert stored.values.agreed(COHORT)[(COHORT, "study.country", "")] == long_text


async def test_the_dual_list_fits_80_columns(tmp_path: Path) -> None:
    """With dual extraction at 80 columns the other extractor's status and the
    problem count went off the right edge; the study key is cut instead."""
    path = dual_sample(tmp_path)
    app = ReviewApp(Store.open(path), reviewer="kim", extraction="list")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ExtractionListScreen)
        table = screen.table
        assert table.virtual_size.width <= table.scrollable_content_region.width
        row = [str(cell) for cell in table.get_row_at(0)]
        assert row[3:] == ["lee: in progress", "1"]


async def test_keys_typed_past_the_row_name_prompt_reach_the_new_rows_fields(
    sample_path: Path,
) -> None:
    """A row named, Enter, then Enter and Tabs into its fields, all typed ahead:
    the keys after the prompt's Enter went to the closing prompt (letters into
    the name, Tabs lost), or to the outline before it showed the new row."""
    app = ReviewApp(Store.open(sample_path), reviewer="kim", extraction=FRESH)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        burst(app, [
            "down", "a", *"Arm A", "enter",  # a new arm, named in the prompt
            "enter", "tab", "tab", "tab",  # into its fields: name, role, drugs, schedule
            *"200 mg", "tab",
        ])  # fmt: skip
        for _ in range(100):
            await pilot.pause(0.05)
            rows = session(sample_path).rows("arms.arm")
            if rows and session(sample_path).value("arms.arm.ici_schedule", rows[0].id):
                break
    [arm] = session(sample_path).rows("arms.arm")
    assert arm.name == "Arm A"
    assert session(sample_path).value("arms.arm.ici_schedule", arm.id) == "200 mg"
