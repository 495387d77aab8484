"""The screening and conflicts screens driven by keys; the file is then read
with a fresh connection, as the reviewer would find it after quitting."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console
from rich.text import Text
from textual.pilot import Pilot
from textual.widgets import Static

from review.config import Settings
from review.models import Stage
from review.sample import build_sample
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.conflicts import ConflictsScreen
from review.tui.screens.reason_picker import ReasonPicker
from review.tui.screens.screening import ScreeningScreen
from tests.conftest import ROOT, unit_rows
from tests.tui.conftest import SIZE, run_from_palette


@pytest.fixture
def sample_path(tmp_path: Path) -> Path:
    """The seeds under the sample protocol with nothing decided: these tests
    count a full queue of five records (the shipped sample has three included)."""
    path = tmp_path / "sample.db"
    build_sample(path, screened=False).close()
    return path


def events(path: Path) -> list[tuple[str, str, str, str | None, tuple[str, ...], str | None]]:
    with Store.open(path) as fresh:
        return [
            (e.reviewer, e.stage.value, e.kind, e.decision, e.reasons, e.note)
            for e in fresh.screening.decisions()
        ]


def shown(app: ReviewApp) -> str:
    """The record pane's visible text."""
    console = Console(width=200, record=True, file=io.StringIO())
    for part in app.screen.query("#screening-record Static, #conflict-record Static"):
        if isinstance(part, Static) and part.display:
            content = part.content
            console.print(content if not isinstance(content, str) else Text(content))
    return console.export_text()


def include_all(path: Path, *reviewers: str) -> None:
    """Title/abstract includes by each reviewer for every record."""
    with Store.open(path) as store:
        for key, _ in unit_rows(store):
            for who in reviewers:
                store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer=who)


async def open_screening(pilot: Pilot[None]) -> ScreeningScreen:
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, ScreeningScreen)
    return screen


async def test_include_exclude_with_reason_maybe_note_and_undo(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screening(pilot)
        first_title = shown(app).splitlines()[0].strip()
        await pilot.press("i")
        assert events(sample_path) == [("ann", "title_abstract", "screen", "include", (), None)]
        await pilot.press("e")
        assert isinstance(app.screen, ReasonPicker)
        await pilot.press("5")  # Review or editorial
        await pilot.pause()
        await pilot.press("n", *"check the design", "enter")
        await pilot.press("m")
        await pilot.pause()
        assert events(sample_path)[1:] == [
            ("ann", "title_abstract", "screen", "exclude", ("review",), None),
            ("ann", "title_abstract", "screen", "maybe", (), None),
        ]
        with Store.open(sample_path) as fresh:
            notes = [
                n
                for key, _ in unit_rows(fresh)
                for n in fresh.screening.notes(key, Stage.TITLE_ABSTRACT)
            ]
        assert [(n.reviewer, n.text) for n in notes] == [("ann", "check the design")]
        assert screen.session.counts.done == 3
        await pilot.press("u", "u", "u")
        await pilot.pause()
        assert [e[2] for e in events(sample_path)][-3:] == ["undo", "undo", "undo"]
        assert screen.session.counts.done == 0
        assert shown(app).splitlines()[0].strip() == first_title
        assert "Not yet decided by you" in shown(app)


async def test_escape_in_the_reason_picker_decides_nothing(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await open_screening(pilot)
        await pilot.press("e", "escape")
        await pilot.pause()
        assert events(sample_path) == []
        assert isinstance(app.screen, ScreeningScreen)


async def test_full_text_exclusion_requires_a_reason(sample_path: Path) -> None:
    include_all(sample_path, "ann", "bob")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.FULL_TEXT)
    async with app.run_test(size=SIZE) as pilot:
        await open_screening(pilot)
        await pilot.press("e")
        picker = app.screen
        assert isinstance(picker, ReasonPicker) and picker.required
        await pilot.press("0")  # "no reason" is not offered at full text
        await pilot.pause()
        assert isinstance(app.screen, ReasonPicker)
        await pilot.press("3")
        await pilot.pause()
        assert events(sample_path)[-1] == (
            "ann",
            "full_text",
            "screen",
            "exclude",
            ("population",),
            None,
        )


async def test_blind_screening_hides_the_other_reviewer_until_both_decide(
    sample_path: Path,
) -> None:
    with Store.open(sample_path) as store:
        first_key = unit_rows(store)[0][0]
        store.screening.record_decision(
            first_key, Stage.TITLE_ABSTRACT, "exclude", reviewer="bob", note="animal"
        )
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screening(pilot)
        assert screen.session.current is not None and screen.session.current.key == first_key
        assert "bob" not in shown(app) and "animal" not in shown(app)
        await pilot.press("i")
        await pilot.press("left")
        await pilot.pause()
        text = shown(app)
        assert "bob: exclude" in text and "(animal)" in text
        assert "Outcome: conflict" in text
        assert screen.session.counts.conflicts == 1


async def test_conflict_is_resolved_as_its_own_event(sample_path: Path) -> None:
    with Store.open(sample_path) as store:
        key = unit_rows(store)[1][0]
        store.screening.record_decision(key, Stage.TITLE_ABSTRACT, "include", reviewer="ann")
        store.screening.record_decision(
            key, Stage.TITLE_ABSTRACT, "exclude", reviewer="bob", reasons=["design"]
        )
    app = ReviewApp(Store.open(sample_path), reviewer="carol")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Conflicts")
        assert isinstance(app.screen, ConflictsScreen)
        text = shown(app)
        assert "ann: include" in text and "bob: exclude — Wrong study design" in text
        await pilot.press("i", *"consensus meeting", "enter")
        await pilot.pause()
        assert events(sample_path)[-1] == (
            "carol",
            "title_abstract",
            "resolve",
            "include",
            (),
            "consensus meeting",
        )
        assert "No conflicts" in shown(app)


async def test_a_full_text_conflict_is_pointed_to_and_resolved_with_a_reason(
    tmp_path: Path,
) -> None:
    """The Conflicts screen opens at title/abstract; with none there it used
    to say only "No conflicts", though full text had one waiting."""
    path = tmp_path / "shipped.db"
    build_sample(path).close()  # kim and lee included three at full text
    doi = "doi:10.3389/fimmu.2024.1460480"
    with Store.open(path) as store:
        store.screening.record_decision(
            doi, Stage.FULL_TEXT, "exclude", reviewer="lee", reasons=["population"]
        )
    app = ReviewApp(Store.open(path), reviewer="carol")
    async with app.run_test(size=(80, 24)) as pilot:
        await run_from_palette(pilot, "Conflicts")
        assert isinstance(app.screen, ConflictsScreen)
        assert "No conflicts at title/abstract. 1 at full text: g shows them." in shown(app)
        await pilot.press("g", "2")
        await pilot.pause()
        assert "kim: include" in shown(app) and "lee: exclude — Wrong population" in shown(app)
        await pilot.press("e", "6", *"consensus", "enter")
        await pilot.pause()
        assert "No conflicts at full text." in shown(app)
    assert events(path)[-1] == (
        "carol",
        "full_text",
        "resolve",
        "exclude",
        ("design",),
        "consensus",
    )


async def test_reports_are_linked_to_one_study_and_marked_not_retrieved(
    sample_path: Path,
) -> None:
    include_all(sample_path, "ann", "bob")
    with Store.open(sample_path) as store:
        (first, first_id), (second, _) = unit_rows(store)[:2]
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.FULL_TEXT)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screening(pilot)
        await pilot.press("right")  # the second report
        await pilot.press("l", *str(first_id), "enter")
        await pilot.pause()
        assert "Study: " in shown(app)
        await pilot.press("r", "enter")
        await pilot.pause()
        assert screen.session.counts.to_do == 4
    with Store.open(sample_path) as fresh:
        assert fresh.studies.links()[second] == first
        held = fresh.fulltexts.get(second)
        assert held is not None and held.status == "not_retrieved"


async def test_a_report_already_decided_cannot_be_marked_not_retrieved(
    sample_path: Path,
) -> None:
    """`r` on a report the reviewer already decided used to store the mark,
    after which `review prisma` and the export refused the whole review."""
    include_all(sample_path, "ann", "bob")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.FULL_TEXT)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screening(pilot)
        first = screen.session.current
        assert first is not None
        await pilot.press("i", "left", "r", "enter")
        await pilot.pause()
        assert screen.session.current is not None and screen.session.current.key == first.key
        errors = [n.message for n in app._notifications if n.severity == "error"]
        assert any("already has full-text decisions" in m for m in errors)
        assert screen.session.counts.to_do == 4
    with Store.open(sample_path) as fresh:
        assert fresh.fulltexts.all() == {}
    assert events(sample_path)[-1][:4] == ("ann", "full_text", "screen", "include")


async def test_keys_are_remapped_from_the_settings_file(sample_path: Path) -> None:
    settings = Settings(keys={"screening.include": "y", "screening.nonsense": "z"})
    app = ReviewApp(
        Store.open(sample_path), reviewer="ann", settings=settings, screening=Stage.TITLE_ABSTRACT
    )
    async with app.run_test(size=SIZE) as pilot:
        await open_screening(pilot)
        await pilot.press("y")
        await pilot.pause()
        assert events(sample_path)[0][3] == "include"
        assert any("screening.nonsense" in n.message for n in app._notifications)


async def test_screening_asks_who_is_screening(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path))
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Screen records")
        await pilot.press(*"dana", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ScreeningScreen)
        await pilot.press("m")
        await pilot.pause()
    assert events(sample_path)[0][:4] == ("dana", "title_abstract", "screen", "maybe")


async def test_filters_by_key_and_from_the_command_palette(sample_path: Path) -> None:
    with Store.open(sample_path) as store:
        keys = [key for key, _ in unit_rows(store)]
        store.screening.record_decision(keys[2], Stage.TITLE_ABSTRACT, "include", reviewer="ann")
        store.screening.record_decision(keys[2], Stage.TITLE_ABSTRACT, "exclude", reviewer="bob")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screening(pilot)
        assert screen.session.counts.to_do == 4
        await pilot.press("f", "i")  # filter picker → "You included"
        await pilot.pause()
        assert [u.key for u in screen.session.units()] == [keys[2]]
        await pilot.press("f", "q")
        await pilot.pause()
        assert len(screen.session.units()) == 4
        await run_from_palette(pilot, "Screening: conflicts")
        assert isinstance(app.screen, ScreeningScreen)
        assert screen.session.current is not None and screen.session.current.key == keys[2]
        assert "Outcome: conflict" in shown(app)


async def test_review_screen_opens_where_the_reviewer_has_work(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening="next")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screening(pilot)
        assert screen.session.stage is Stage.TITLE_ABSTRACT
    include_all(sample_path, "ann", "bob")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening="next")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_screening(pilot)
        assert screen.session.stage is Stage.FULL_TEXT and screen.session.counts.to_do == 5


async def test_a_remapped_key_that_clashes_is_named(sample_path: Path) -> None:
    settings = Settings(keys={"screening.include": "e"}, path=Path("config.toml"))
    app = ReviewApp(
        Store.open(sample_path), reviewer="ann", settings=settings, screening=Stage.TITLE_ABSTRACT
    )
    async with app.run_test(size=SIZE) as pilot:
        await open_screening(pilot)
        messages = [n.message for n in app._notifications]
        assert any(
            "e is bound to both screening.include and screening.exclude" in m for m in messages
        )


async def test_an_empty_stage_says_why_rather_than_all_decided(tmp_path: Path) -> None:
    """With nothing imported (or nothing past title/abstract) the queue is not
    'every record decided': the screen says what is missing."""
    path = tmp_path / "empty.db"
    with Store.create(path) as store:
        store.save_protocol(
            path="protocol.yaml",
            text=(ROOT / "protocols" / "rt-io-head-neck.yaml").read_text(encoding="utf-8"),
            hash="h",
        )
    app = ReviewApp(Store.open(path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await open_screening(pilot)
        assert "No records to screen yet: import search results first" in shown(app)
        assert "decided" not in shown(app)
    app = ReviewApp(Store.open(path), reviewer="ann", screening=Stage.FULL_TEXT)
    async with app.run_test(size=SIZE) as pilot:
        await open_screening(pilot)
        assert "No record has reached full text yet" in shown(app)


def dialog_lines(app: ReviewApp) -> list[str]:
    """The agreement dialog's body as the terminal shows it."""
    body = app.screen.query_one("#info-body", Static)
    return [body.render_line(y).text for y in range(body.size.height)]


async def test_the_agreement_dialog_fits_80_columns(sample_path: Path) -> None:
    """QA: at 80×24 the stage column was cut to "title/…"."""
    with Store.open(sample_path) as store:
        for n, (key, _) in enumerate(unit_rows(store)):
            for who, decision in (("ann", "include"), ("bob", "include" if n else "exclude")):
                store.screening.record_decision(key, Stage.TITLE_ABSTRACT, decision, reviewer=who)
                store.screening.record_decision(key, Stage.FULL_TEXT, "include", reviewer=who)
    app = ReviewApp(Store.open(sample_path), reviewer="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await run_from_palette(pilot, "Agreement")
        lines = dialog_lines(app)
    text = "\n".join(lines)
    assert "…" not in text
    assert [line.strip() for line in lines[1:5]] == [
        "Title/abstract",
        "ann × bob     5   4   1   0   0  0.80  0.00   0.60  0.80  0.20",
        "Full text",
        "ann × bob     5   5   0   0   0  1.00     —   1.00  1.00  0.00",
    ]


async def test_the_agreement_dialog_with_one_reviewer_says_so(sample_path: Path) -> None:
    include_all(sample_path, "ann")
    app = ReviewApp(Store.open(sample_path), reviewer="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        await run_from_palette(pilot, "Agreement")
        text = "\n".join(dialog_lines(app))
    assert "No two reviewers have screened the same records yet." in text
