"""The home screen: the first screen, its counts, its keys, importing and deduplicating."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from textual import events as textual_events
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DirectoryTree, Input, Static

from review.cli import cli
from review.models import Stage
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.conflicts import ConflictsScreen
from review.tui.screens.duplicates import DuplicatesScreen
from review.tui.screens.extraction_list import ExtractionListScreen
from review.tui.screens.home import HomeScreen
from review.tui.screens.import_files import ImportScreen
from review.tui.screens.info import InfoScreen
from review.tui.screens.records import RecordsScreen
from review.tui.screens.rob_list import RobListScreen
from review.tui.screens.screening import ScreeningScreen
from review.wording import counted as words
from tests.conftest import FIXTURES, fixed_clock
from tests.dedup_helpers import add_source, paper
from tests.export_helpers import build_senn_review
from tests.tui.conftest import SIZE

NBIB = FIXTURES / "medline" / "single.nbib"
RIS = FIXTURES / "ris" / "rispy" / "example_basic.ris"


def screen_text(app: App[Any]) -> str:
    """What the terminal shows, as plain lines."""
    strips = app.screen._compositor.render_strips()
    return "\n".join("".join(segment.text for segment in strip) for strip in strips)


async def until(pilot: Pilot[None], ready: Any, tries: int = 200) -> None:
    """Pause until `ready()` holds: workers finish in their own time."""
    for _ in range(tries):
        if ready():
            return
        await pilot.pause(0.02)
    raise AssertionError(f"timed out waiting; the screen shows:\n{screen_text(pilot.app)}")


async def counted(pilot: Pilot[None]) -> HomeScreen:
    """The home on top with its counts in."""
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, HomeScreen) and app.screen.report)
    await app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(app.screen, HomeScreen)
    return app.screen


def cli_status(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["status", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)  # type: ignore[no-any-return]


def expected_lines(status: dict[str, Any]) -> list[str]:
    """What the home must show, worded from `review status --json`."""
    dups, stages = status["duplicates"], status["stages"]
    lines = [
        f"{words(status['records'], 'record')} from {words(len(status['sources']), 'source')}",
        f"{words(dups['groups'], 'group')} · {words(dups['pairs_waiting'], 'pair')} waiting",
        f"{words(dups['records_removed'], 'record')} removed · {dups['unique_records']} unique",
        f"{stages['extraction']['studies']} included: "
        f"{stages['extraction']['complete']} complete, "
        f"{stages['extraction']['in_progress']} in progress",
        f"{words(stages['risk_of_bias']['assessments'], 'assessment')}: "
        f"{stages['risk_of_bias']['complete']} complete",
        f"identified {stages['prisma']['identified']} → screened {stages['prisma']['screened']}",
        f"included {words(stages['prisma']['included_studies'], 'study', 'studies')}",
    ]
    for counts in stages["screening"].values():
        lines.append(f"{counts['units']} to screen · {counts['open']} open")
        lines += [
            f"{who}: {c['done']} done, {c['to_do']} to do, {words(c['conflicts'], 'conflict')}"
            for who, c in counts["by_reviewer"].items()
        ]
    return lines


async def test_the_home_opens_first_with_the_counts_review_status_prints(
    sample_path: Path,
) -> None:
    status = cli_status(sample_path)
    app = ReviewApp(Store.open(sample_path))
    async with app.run_test(size=(80, 24)) as pilot:
        home = await counted(pilot)
        shown = screen_text(app)
        assert json.loads(json.dumps(home.report)) == status
    assert status["stages"]["screening"]["title_abstract"]["by_reviewer"]["kim"]["to_do"] == 2
    for line in expected_lines(status):
        assert line in shown, line
    # every key of the pipeline and the footer's quit fit at 80×24
    for text in ("r Sources and imports", "p PRISMA and exports", "x export", "q Quit"):
        assert text in shown


async def test_the_first_frame_says_counting_before_the_worker_answers(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause(0)
        if isinstance(app.screen, HomeScreen) and app.screen.report is None:
            assert "counting…" in screen_text(app)
        await counted(pilot)
        assert "counting…" not in screen_text(app)


STAGE_KEYS: list[tuple[str, type[Screen[Any]]]] = [
    ("r", RecordsScreen),
    ("d", DuplicatesScreen),
    ("t", ScreeningScreen),
    ("f", ScreeningScreen),
    ("c", ConflictsScreen),
    ("a", InfoScreen),
    ("e", ExtractionListScreen),
    ("b", RobListScreen),
]


async def test_each_stage_key_opens_its_screen_and_esc_comes_home(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim")
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        for key, screen in STAGE_KEYS:
            await pilot.press(key)
            await until(pilot, lambda screen=screen: isinstance(app.screen, screen))
            if key == "f":
                assert app.screen.session.stage is Stage.FULL_TEXT  # type: ignore[attr-defined]
            if key == "t":
                assert app.screen.session.stage is Stage.TITLE_ABSTRACT  # type: ignore[attr-defined]
            await pilot.press("escape")
            await until(pilot, lambda: isinstance(app.screen, HomeScreen))
            assert len(app.screen_stack) == 2, key
        for key, action in (("p", "action_prisma"), ("x", "action_export")):
            await pilot.press(key)
            await pilot.pause()
            if hasattr(app, action):  # the PRISMA and export screens, where built
                assert not isinstance(app.screen, HomeScreen)
                await pilot.press("escape")
                await until(pilot, lambda: isinstance(app.screen, HomeScreen))
            else:
                assert isinstance(app.screen, HomeScreen)


async def test_enter_opens_the_highlighted_stage(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="kim")
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        await pilot.press("down", "down", "enter")  # sources, duplicates, title/abstract
        await until(pilot, lambda: isinstance(app.screen, ScreeningScreen))


async def test_counts_are_fresh_when_a_screen_returns_home(sample_path: Path) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        assert "ann: 0 done, 2 to do, 0 conflicts" in screen_text(app)
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, ScreeningScreen))
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("escape")
        await until(pilot, lambda: "ann: 1 done, 1 to do" in screen_text(app))
    assert cli_status(sample_path)["stages"]["screening"]["title_abstract"]["by_reviewer"][
        "ann"
    ] == {"done": 1, "to_do": 1, "conflicts": 0}


def _burst(app: ReviewApp, *keys: str) -> None:
    for key in keys:
        app.post_message(textual_events.Key(key, key if len(key) == 1 else None))


async def test_keys_typed_ahead_from_the_home_all_land(sample_path: Path) -> None:
    """`t`, two decisions, Esc, then `r`, in one burst: every key applied in order."""
    app = ReviewApp(Store.open(sample_path), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await counted(pilot)
        _burst(app, "t", "i", "m", "escape", "r")
        await until(pilot, lambda: isinstance(app.screen, RecordsScreen))
        await pilot.pause()
        assert [type(s) for s in app.screen_stack[1:]] == [HomeScreen, RecordsScreen]
    with Store.open(sample_path) as fresh:
        mine = [e.decision for e in fresh.screening.decisions() if e.reviewer == "ann"]
    assert mine == ["include", "maybe"]


# -- importing ---------------------------------------------------------------


async def _open_import(pilot: Pilot[None]) -> ImportScreen:
    await counted(pilot)
    await pilot.press("i")
    await until(pilot, lambda: isinstance(pilot.app.screen, ImportScreen))
    return pilot.app.screen  # type: ignore[return-value]


def _outcome(screen: ImportScreen) -> str:
    return str(screen.query_one("#import-outcome", Static).render())


async def test_import_a_file_picked_in_the_tree(sample_path: Path, tmp_path: Path) -> None:
    searches = tmp_path / "searches"
    searches.mkdir()
    shutil.copy(NBIB, searches / "pubmed.nbib")
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=searches)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _open_import(pilot)
        tree = dialog.query_one(DirectoryTree)
        await until(pilot, lambda: tree.root.children)
        tree.focus()
        await pilot.press("down", "enter")  # the root, then pubmed.nbib
        await until(pilot, lambda: "PubMed MEDLINE" in screen_text(app))
        assert "pubmed.nbib: PubMed MEDLINE (.nbib/.txt), utf-8" in screen_text(app)
        dialog.query_one("#import-source").focus()
        await pilot.press(*"PubMed", "tab", *"2026-11-01", "enter")
        await until(pilot, lambda: "Imported 1 record" in _outcome(dialog), tries=100)
        assert "pubmed.nbib: 1 record (PubMed MEDLINE (.nbib/.txt), utf-8) as source #6" in (
            _outcome(dialog)
        )
        await pilot.press("escape")
        await until(pilot, lambda: "6 records from 6 sources" in screen_text(app))
    with Store.open(sample_path) as fresh:
        source = fresh.imports.sources()[-1]
        assert (source.name, str(source.kind), source.search_date) == (
            "PubMed",
            "database",
            "2026-11-01",
        )
        assert source.record_count == 1 and fresh.records.record_count() == 6


async def test_a_typed_path_in_the_wrong_encoding_is_refused_and_nothing_stored(
    sample_path: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "embase.ris"
    bad.write_bytes("TY  - JOUR\nTI  - Café au lait trial\nER  - \n".encode("cp1252"))
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _open_import(pilot)
        await pilot.press(*str(bad))
        await until(pilot, lambda: "RIS (any vendor)" in screen_text(app))
        dialog.query_one("#import-source").focus()
        await pilot.press(*"Embase", "ctrl+s")
        await until(pilot, lambda: _outcome(dialog).startswith("error:"))
        text = _outcome(dialog)
        assert text.startswith(f"error: {bad}") and "encoding" in text
        assert dialog.query_one("#import-outcome").has_class("-error")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, HomeScreen))
    with Store.open(sample_path) as fresh:
        assert fresh.records.record_count() == 5 and len(fresh.imports.sources()) == 5


async def test_a_path_typed_right_after_i_goes_into_the_dialog(
    sample_path: Path, tmp_path: Path
) -> None:
    """`i` and the path in one burst: no letter of the path reaches the home's keys."""
    app = ReviewApp(Store.open(sample_path), reviewer="ann", folder=tmp_path)
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        _burst(app, "i", *str(NBIB))
        await until(pilot, lambda: isinstance(app.screen, ImportScreen))
        await until(pilot, lambda: "PubMed MEDLINE" in screen_text(app))
        assert app.screen.query_one("#import-path", Input).value == str(NBIB)
        assert [type(s) for s in app.screen_stack[1:]] == [HomeScreen, ImportScreen]


@pytest.mark.parametrize(
    ("source", "date", "message"),
    [
        ("", "", "name the source"),
        ("PubMed", "1/11/2026", "'1/11/2026' is not a date"),
    ],
)
async def test_a_form_with_a_missing_or_bad_field_names_it(
    sample_path: Path, source: str, date: str, message: str
) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann")
    async with app.run_test(size=(80, 24)) as pilot:
        dialog = await _open_import(pilot)
        await pilot.press(*str(RIS))  # RIS names no source, as MEDLINE names PubMed
        dialog.query_one("#import-source").focus()
        await pilot.press(*source, "tab", *date, "ctrl+s")
        await until(pilot, lambda: message in _outcome(dialog))
    with Store.open(sample_path) as fresh:
        assert fresh.records.record_count() == 5


# -- deduplication -------------------------------------------------------------


async def test_find_duplicates_from_the_home(tmp_path: Path) -> None:
    title = "Pembrolizumab and radiotherapy in head and neck cancer: a randomised trial"
    with Store.create(tmp_path / "dups.db", now=fixed_clock) as store:
        add_source(store, "PubMed", [paper(1, title, doi="10.1/a"), paper(2, "Cisplatin dosing")])
        add_source(store, "Embase", [paper(1, title.upper(), year=2021, pages="e501"),
                                     paper(3, title, doi="10.1/a")])  # fmt: skip
    before = cli_status(tmp_path / "dups.db")["duplicates"]
    assert before["pairs_waiting"] == 0
    app = ReviewApp(Store.open(tmp_path / "dups.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        assert f"{words(before['groups'], 'group')} · 0 pairs waiting" in screen_text(app)
        await pilot.press("D")
        await until(pilot, lambda: "Compared" in screen_text(app))
        after = cli_status(tmp_path / "dups.db")["duplicates"]
        assert after["pairs_waiting"] == 2
        wanted = (
            f"{words(after['groups'], 'group')} · {words(after['pairs_waiting'], 'pair')} waiting"
        )
        await until(pilot, lambda: wanted in screen_text(app))
        assert not app.screen.query("#home-progress")


async def test_the_home_says_when_a_crowded_key_limited_the_comparisons(tmp_path: Path) -> None:
    """As `review dedupe` prints it: duplicates in a crowded block can be missed."""
    shorts = ("Asthma", "Gout", "Lupus", "Rickets", "Scurvy", "Mumps", "Croup", "Tetanus")
    items = [
        paper(k, f"{shorts[k % 8]} {k}", authors=["Editor, A"], volume=str(k), pages=f"{k}")
        for k in range(1, 61)
    ]
    with Store.create(tmp_path / "crowded.db", now=fixed_clock) as store:
        add_source(store, "Journal", items)
    app = ReviewApp(Store.open(tmp_path / "crowded.db"))
    async with app.run_test(size=(80, 24)) as pilot:
        await counted(pilot)
        await pilot.press("D")
        await until(pilot, lambda: "Compared" in screen_text(app))
        shown = " ".join(screen_text(app).replace("│", " ").split())  # as one line
        assert "1 blocking key was shared by more than 40 records" in shown


async def test_a_screen_opened_straight_away_has_the_home_under_it(sample_path: Path) -> None:
    """`review screen`: screening at once, the home counted only when Esc uncovers it."""
    app = ReviewApp(Store.open(sample_path), reviewer="kim", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await until(pilot, lambda: isinstance(app.screen, ScreeningScreen))
        await pilot.pause()
        home = app.screen_stack[1]
        assert isinstance(home, HomeScreen) and home.report is None
        await pilot.press("escape")
        assert await counted(pilot) is home


async def test_the_home_says_when_comparisons_share_an_arm(tmp_path: Path) -> None:
    path = build_senn_review(tmp_path / "senn.db")
    assert cli_status(path)["stages"]["extraction"]["shared_arms"]["comparisons"] == 2
    app = ReviewApp(Store.open(path))
    async with app.run_test(size=(100, 40)) as pilot:
        await counted(pilot)
        assert "2 comparisons share an arm: see shared_arm before pooling" in screen_text(app)
