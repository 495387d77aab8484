"""A trial registration shows what it registers: conditions, interventions,
outcomes, phase, status, enrolment (issue 14: it showed title, year and NCT id
over "(no abstract)")."""

from __future__ import annotations

import io
from pathlib import Path

from rich.console import Console
from textual.widgets import Static

from review.ingest import ImportOptions, import_paths
from review.models import SourceKind, Stage
from review.review_file import create_review
from review.store import Store
from review.tui.app import ReviewApp
from review.tui.screens.screening import ScreeningScreen
from review.tui.widgets.highlight import INCLUDE_STYLE
from tests.conftest import FIXTURES, SAMPLE_PROTOCOL, fixed_clock
from tests.tui.conftest import SIZE, run_from_palette
from tests.tui.test_screening import sample_path, shown  # noqa: F401  (fixture)

CTGOV_CSV = FIXTURES / "tabular" / "ctg-studies_first40.csv"
CTGOV_JSON = FIXTURES / "ctgov_json" / "ctg-studies_first3.json"


async def go_to_registration(app: ReviewApp, pilot: object) -> ScreeningScreen:
    screen = app.screen
    assert isinstance(screen, ScreeningScreen)
    for _ in range(10):
        record = screen.session.record()
        if record is not None and record.record_type == "trial registration":
            return screen
        await pilot.press("right")  # type: ignore[attr-defined]
    raise AssertionError("no registration in the queue")


async def test_a_registration_page_shows_its_register_fields_highlighted(
    sample_path: Path,  # noqa: F811
) -> None:
    app = ReviewApp(Store.open(sample_path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await go_to_registration(app, pilot)
        text = shown(app)
        assert "Conditions" in text and "Nasopharyngeal Carcinoma" in text
        assert "Interventions" in text and "Sintilimab in combination with" in text
        assert "Outcomes" in text and "Objective response rate" in text
        assert "(no abstract)" not in text
        body = app.screen.query_one("#sr-body", Static).content
        assert not isinstance(body, str)
        styled = {
            body.plain[s.start : s.end].lower() for s in body.spans if s.style == INCLUDE_STYLE
        }
        at = body.plain.index("Sintilimab in combination with")
        line = body.plain[at : body.plain.index("\n", at)]
        assert "radiotherapy" in line.lower() and "radiotherapy" in styled


async def test_clinicaltrials_gov_exports_show_phase_status_and_enrolment(
    tmp_path: Path,
) -> None:
    path = tmp_path / "register.db"
    with create_review(path, SAMPLE_PROTOCOL, now=fixed_clock) as store:
        options = ImportOptions(kind=SourceKind.REGISTER, source_name="ClinicalTrials.gov")
        import_paths(store, [CTGOV_JSON, CTGOV_CSV], options)
    app = ReviewApp(Store.open(path), reviewer="ann", screening=Stage.TITLE_ABSTRACT)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        screen = await go_to_registration(app, pilot)
        seen = []
        for _ in range(4):  # JSON records first, then CSV ones
            seen.append(shown(app))
            await pilot.press("right")
        assert screen.session.current is not None
    json_text, csv_text = seen[0], seen[3]
    for text in (json_text, csv_text):
        for label in ("Interventions", "Primary outcomes", "Status", "Enrolment", "Study type"):
            assert label in text, (label, text)
    assert "Phase" in json_text and "PHASE" in json_text
    assert "Sponsor" in csv_text and "Design" in csv_text


async def test_the_records_browser_shows_them_too(sample_path: Path) -> None:  # noqa: F811
    app = ReviewApp(Store.open(sample_path), reviewer="ann")
    async with app.run_test(size=SIZE) as pilot:
        await run_from_palette(pilot, "Records")
        fields = app.screen.query_one("#detail-fields", Static)
        texts = []
        for _ in range(5):
            console = Console(width=200, file=io.StringIO(), record=True)
            console.print(fields.content)
            texts.append(console.export_text())
            await pilot.press("down")
            await pilot.pause()
    registration = next(t for t in texts if "trial registration" in t)
    assert "Interventions" in registration and "Nasopharyngeal Carcinoma" in registration
    assert any("Abstract (zh)" in t for t in texts)
