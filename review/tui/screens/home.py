"""The home screen: the review's stages as a pipeline, each with its counts and key.

The first screen when a review opens. Counts come from `review_status` (what
`review status --json` prints), computed in a worker with a connection of its
own, so the first frame never waits on 100,000 records; they are counted
again whenever the home comes back on top. From here a reviewer imports
files and finds duplicates (both with a progress bar) and opens every screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from textual import getters, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Header, OptionList, ProgressBar, Static
from textual.worker import get_current_worker

from review.dedup.run import AUTOMATIC, DedupRun, crowded_note, dedupe_review
from review.errors import ReviewError
from review.review_file import open_review
from review.store import Store
from review.tui.screens.import_files import ImportScreen
from review.tui.widgets.key_footer import KeyFooter
from review.tui.widgets.pipeline import Pipeline, stage_rows
from review.wording import counted

STAGE_ACTIONS: dict[str, tuple[str, str | None]] = {
    "sources": ("records", None),
    "duplicates": ("duplicates", None),
    "title_abstract": ("screening", "title_abstract"),
    "full_text": ("screening", "full_text"),
    "extraction": ("extraction", None),
    "risk_of_bias": ("risk_of_bias", None),
    "prisma": ("prisma", None),
}
"""Stage → (app action, argument) Enter runs: the same actions as the keys."""

MISSING = {
    "prisma": "review prisma FILE --svg prisma.svg",
    "export": "review export FILE",
}
"""Commands to name when this build's app has no screen for a stage yet."""


HINT = "Enter or a stage's key opens it · ? every key · ctrl+p every command"


class HomeScreen(Screen[None]):
    """Every stage of the review at a glance; one key opens each."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "open('records')", "Records", id="home.records"),
        Binding("i", "import_files", "Import", id="home.import"),
        Binding("D", "dedupe", "Find duplicates", id="home.dedupe"),
        Binding("m", "app.more", "More", id="home.more"),
        Binding("d", "open('duplicates')", "Duplicates", show=False, id="home.duplicates"),
        Binding(
            "t",
            "open('screening', 'title_abstract')",
            "Title/abstract",
            show=False,
            id="home.title-abstract",
        ),
        Binding(
            "f", "open('screening', 'full_text')", "Full text", show=False, id="home.full-text"
        ),
        Binding("c", "open('conflicts')", "Conflicts", show=False, id="home.conflicts"),
        Binding("a", "open('agreement')", "Agreement", show=False, id="home.agreement"),
        Binding("e", "open('extraction')", "Extraction", show=False, id="home.extraction"),
        Binding("b", "open('risk_of_bias')", "Risk of bias", show=False, id="home.risk-of-bias"),
        Binding("p", "open('prisma')", "PRISMA", show=False, id="home.prisma"),
        Binding("x", "open('export')", "Export", show=False, id="home.export"),
    ]
    """
    | Key | Description |
    | :- | :- |
    | r | The records browser (search, sources, merge by hand). |
    | i | Import files: pick a file, say what search it comes from. |
    | D | Find duplicates among all records (as `review dedupe`). |
    | d | Review the probable duplicate pairs. |
    | t / f | Screen at title/abstract / full text. |
    | c / a | Conflicts to settle / agreement between reviewers. |
    | e / b | Extraction / risk of bias of the included studies. |
    | p / x | PRISMA 2020 counts and diagram / exports. |
    | m | More: every other command (copy, merge, full texts, imports, exports…). |
    | enter | Open the highlighted stage. |
    """

    pipeline = getters.query_one("#pipeline", Pipeline)
    message = getters.query_one("#home-message", Static)

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.report: dict[str, Any] | None = None
        """The counts shown: `review_status` of the review, None until counted."""
        self._deduping = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Pipeline(id="pipeline")
        yield Static(HINT, id="home-message", markup=False)
        yield KeyFooter()

    def on_mount(self) -> None:
        self.pipeline.show(stage_rows(None))
        self.pipeline.focus()
        if self.store.location_warning:
            self.notify(self.store.location_warning, severity="warning", timeout=15)

    def on_screen_resume(self) -> None:
        """Back on top (or first shown): count again, since a screen above may
        have decided, imported or merged something. The worker starts after
        the next frame, so the counting thread never delays drawing it."""
        self.call_after_refresh(self.refresh_counts)

    def refresh_counts(self) -> None:
        """Count in a worker, unless another screen already covers the home
        (`review screen` opens one over it at once): it counts when shown."""
        if self.app.screen is self:
            self._count(self.store.path, getattr(self.app, "reviewer", None))

    @work(thread=True, exclusive=True, group="counts")
    def _count(self, path: Path, reviewer: str | None) -> None:
        from review.status import review_status  # here: the first frame does not wait for it

        worker = get_current_worker()
        try:
            with open_review(path) as store:
                report = review_status(store, reviewers=[reviewer] if reviewer else [])
        except ReviewError as exc:
            if not worker.is_cancelled:
                self.app.call_from_thread(self.notify, str(exc), severity="error")
            return
        if not worker.is_cancelled:
            self.app.call_from_thread(self._show, report)

    def _show(self, report: dict[str, Any]) -> None:
        self.report = report
        self.pipeline.show(stage_rows(report))
        if (refresh := getattr(self.app, "refresh_titles", None)) is not None:
            refresh()

    # -- opening stages -----------------------------------------------------

    async def action_open(self, action: str, argument: str | None = None) -> None:
        """Run the app's action for a stage; one this build lacks names its command."""
        if not hasattr(self.app, f"action_{action}"):
            command = MISSING.get(action, "review --help")
            self.notify(
                f"This screen is not in this version yet; use `{command}`", severity="warning"
            )
            return
        await self.app.run_action(f"app.{action}" + (f"({argument!r})" if argument else ""))

    @on(OptionList.OptionSelected, "#pipeline")
    async def _selected(self, event: OptionList.OptionSelected) -> None:
        if (action := STAGE_ACTIONS.get(event.option.id or "")) is not None:
            await self.action_open(*action)

    # -- import and deduplication -------------------------------------------

    def action_import_files(self) -> None:
        app = self.app
        reviewer, folder = getattr(app, "reviewer", None), getattr(app, "folder", None)
        app.push_screen(ImportScreen(self.store.path, reviewer, folder))

    def action_dedupe(self) -> None:
        if self._deduping:
            self.notify("Already looking for duplicates", severity="warning")
            return
        self._deduping = True
        bar = ProgressBar(id="home-progress", show_eta=False)
        self.mount(bar, before=self.message)
        self.message.update("Finding duplicates: reading records…")
        self._dedupe(self.store.path, getattr(self.app, "reviewer", None) or AUTOMATIC)

    @work(thread=True, exclusive=True, group="dedupe")
    def _dedupe(self, path: Path, reviewer: str) -> None:
        def progress(phase: str, done: int, total: int) -> None:
            self.app.call_from_thread(self._dedupe_progress, phase, done, total)

        try:
            with open_review(path) as store:
                run = dedupe_review(store, reviewer=reviewer, progress=progress)
        except ReviewError as exc:
            self.app.call_from_thread(self._dedupe_done, None, f"error: {exc}")
            return
        self.app.call_from_thread(self._dedupe_done, run, None)

    def _dedupe_progress(self, phase: str, done: int, total: int) -> None:
        self.query_one("#home-progress", ProgressBar).update(total=total or None, progress=done)
        shown = f"{done:,}/{total:,}" if total else "…"
        self.message.update(f"Finding duplicates: {phase} {shown}")

    def _dedupe_done(self, run: DedupRun | None, error: str | None) -> None:
        self._deduping = False
        self.query_one("#home-progress", ProgressBar).remove()
        if run is None:
            self.message.update(error or "")
            self.notify(error or "", severity="error")
            return
        summary = dedupe_summary(run)
        if note := crowded_note(run):
            summary = f"{summary}\n{note}"
        self.message.update(summary)
        self.notify(summary, timeout=8)
        self.refresh_counts()


def dedupe_summary(run: DedupRun) -> str:
    """The first line `review dedupe` prints."""
    return (
        f"Compared {counted(run.compared, 'candidate pair')} among "
        f"{counted(run.records, 'record')}: {counted(run.merged, 'record')} merged into "
        f"{counted(run.groups, 'group')} (certain), "
        f"{counted(run.queued, 'probable pair')} queued (d to review them)."
    )
