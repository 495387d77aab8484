"""The command palette: every screen and action of the app, by name."""

from __future__ import annotations

from functools import partial
from typing import NamedTuple

from textual.command import DiscoveryHit, Hit, Hits, Provider

from review.tui.tasks import TASKS


class Command(NamedTuple):
    """One palette entry: what the reviewer reads and the app action it runs."""

    name: str
    help: str
    action: str
    needs_review: bool = True
    """Hidden while no review is open (on the start screen)."""
    on_screen: str | None = None
    """Shown only over this screen (class name); its action names a `screen.` action."""


COMMANDS = (
    Command("Home", "Every stage of the review with its counts and keys", "app.home"),
    Command("Records", "Browse every record of the review", "app.records"),
    Command("Search records", "Full-text search of titles, abstracts, authors", "app.search"),
    Command(
        "Screen records", "Title/abstract screening as you (asks your name once)", "app.screening"
    ),
    Command("Conflicts", "Records two reviewers decided differently: settle them", "app.conflicts"),
    Command(
        "Agreement", "Kappa, PABAK and the 2×2 table per stage and reviewer pair", "app.agreement"
    ),
    *(
        Command(f"Screening: {name}", help, f"screen.view('{view}')", on_screen="ScreeningScreen")
        for name, help, view in (
            ("my queue", "Records you still have to decide at this stage", "queue"),
            ("not decided by me", "Records without your decision", "undecided"),
            ("decided by me", "Records you have decided", "mine"),
            ("included", "Records you included", "included"),
            ("excluded", "Records you excluded", "excluded"),
            ("maybe", "Records you marked maybe", "maybe"),
            ("conflicts", "Records the reviewers decided differently", "conflicts"),
            ("all records", "Every record at this stage", "all"),
            ("with warnings", "Toggle: only records with import warnings", "warnings"),
        )
    ),
    Command(
        "Screening: search",
        "Search titles, abstracts, authors",
        "screen.search",
        on_screen="ScreeningScreen",
    ),
    Command(
        "Screening: label filter",
        "Only records with one label",
        "screen.view('label')",
        on_screen="ScreeningScreen",
    ),
    Command(
        "Screening: switch stage",
        "Title/abstract or full text",
        "screen.stage",
        on_screen="ScreeningScreen",
    ),
    Command(
        "Screening: criteria",
        "Show or hide the eligibility criteria",
        "screen.toggle_criteria",
        on_screen="ScreeningScreen",
    ),
    Command(
        "Screening: history",
        "This record's decision history",
        "screen.history",
        on_screen="ScreeningScreen",
    ),
    Command("Extraction", "Included studies and their forms, as you", "app.extraction"),
    Command("Risk of bias", "Appraise each included study (RoB 2: result)", "app.risk_of_bias"),
    Command("Risk-of-bias summary", "Traffic lights and counts per domain", "app.risk_of_bias(1)"),
    Command(
        "PRISMA flow diagram", "PRISMA 2020 counts; open the records behind a box", "app.prisma"
    ),
    Command("Export", "review.xlsx, the CSVs and RIS files, checked after writing", "app.export"),
    *(
        Command(task.title, f"{task.help} (review {task.command})", f"app.task({task.id!r})")
        for task in TASKS
    ),
    Command("More commands", "Every command with no screen of its own, by key", "app.more"),
    Command("Sources", "Show or hide the imports and their counts", "app.sources"),
    Command("Duplicates", "Review probable duplicate pairs; undo merges", "app.duplicates"),
    Command("Start screen", "Open the sample, create a review or open a file", "app.start", False),
    Command("Keys", "Show or hide the keys of this screen", "app.toggle_help", False),
    Command("Quit", "Leave review (everything is already saved)", "app.quit", False),
)


class ReviewCommands(Provider):
    """Palette entries for the review's screens and actions."""

    def _available(self) -> list[Command]:
        has_review = getattr(self.app, "store", None) is not None
        here = type(self.screen).__name__
        return [
            c
            for c in COMMANDS
            if (has_review or not c.needs_review) and c.on_screen in (None, here)
        ]

    async def discover(self) -> Hits:
        for command in self._available():
            yield DiscoveryHit(
                command.name, partial(self.app.run_action, command.action), help=command.help
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._available():
            score = matcher.match(command.name)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.name),
                    partial(self.app.run_action, command.action),
                    text=command.name,
                    help=command.help,
                )
