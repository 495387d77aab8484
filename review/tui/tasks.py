"""The command-line commands the home runs through one dialog each.

Every command of `review` is reachable from the TUI. Those with a screen of
their own (screening, duplicates, export…) are opened by the home's keys;
the rest are *tasks*: a dialog asks what the command asks (its arguments
and options, with a file picker for paths), runs the same core function in
a worker and shows what the command prints (`review.printouts`). A task
names the command it mirrors, which `review.tui.routes` and a test check
against the command line itself.

Runners import the core when they run, and the specs are named tuples
(cheaper to define than dataclasses), so start-up pays next to nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Literal, NamedTuple

from review.errors import UsageError

FieldKind = Literal[
    "file", "folder", "new_file", "new_folder", "location", "text", "int", "flag", "choice"
]
PATH_KINDS = frozenset({"file", "folder", "new_file", "new_folder", "location"})
"""Fields the dialog's file picker fills; `location` is a path or a URL, kept as typed."""


class Field(NamedTuple):
    """One argument or option of the command, as the dialog asks it."""

    name: str
    label: str
    kind: FieldKind = "text"
    placeholder: str = ""
    required: bool = True
    default: str = ""
    choices: tuple[str, ...] = ()


Values = dict[str, str | bool | Path | int | None]


class TaskRun:
    """What a runner gets: the open review's file, the form's values, who runs it."""

    def __init__(self, review: Path, values: Values, reviewer: str | None) -> None:
        self.review = review
        """The open review (tasks that need none get it too, and leave it alone)."""
        self.values = values
        self.reviewer = reviewer

    def path(self, name: str) -> Path:
        value = self.values[name]
        assert isinstance(value, Path)
        return value

    def text(self, name: str) -> str | None:
        value = self.values.get(name)
        return value if isinstance(value, str) and value else None

    def flag(self, name: str) -> bool:
        return self.values.get(name) is True

    def number(self, name: str) -> int:
        value = self.values[name]
        assert isinstance(value, int)
        return value

    def who(self) -> str:
        if not self.reviewer:
            raise UsageError("a reviewer name is needed", hint="name yourself when asked")
        return self.reviewer


class Task(NamedTuple):
    """A command run from a dialog: `command` is its name on the command line."""

    id: str
    command: str
    title: str
    help: str
    key: str
    """Its hot key in the home's list of commands (`m`)."""
    run: Callable[[TaskRun], list[str]]
    fields: tuple[Field, ...] = ()
    needs_reviewer: bool = False
    action_label: str = "Run"


RECORD = Field("record", "Record", placeholder="doi:10.…, pmid:…, reg:NCT… or the record's id")
NOTE = Field("note", "Note", required=False, placeholder="kept with the event")


# -- runners ---------------------------------------------------------------------


def _copy(run: TaskRun) -> list[str]:
    from review.printouts import copy_lines
    from review.review_file import open_review

    new = run.path("new")
    with open_review(run.review) as store:
        store.copy_for_reviewer(new)
    return copy_lines(run.review, new, run.text("for"))


def _merge(run: TaskRun) -> list[str]:
    from review.printouts import merge_lines
    from review.review_file import open_review

    other = run.path("other")
    with open_review(run.review) as store:
        result = store.merge_from(other)
    return merge_lines(other, result)


def _attach(run: TaskRun) -> list[str]:
    from review import report_actions
    from review.fulltext import fulltext_location
    from review.review_file import open_review

    stored = fulltext_location(str(run.values["location"]))
    with open_review(run.review) as store:
        record, who, note = run.text("record") or "", run.who(), run.text("note")
        return [report_actions.attach(store, record, stored, reviewer=who, note=note)]


def _attach_folder(run: TaskRun) -> list[str]:
    from review.fulltext import attach_folder
    from review.printouts import attach_folder_lines
    from review.review_file import open_review

    dry = run.flag("dry_run")
    with open_review(run.review) as store:
        result = attach_folder(store, run.path("folder"), reviewer=run.who(), dry_run=dry)
    return attach_folder_lines(result, dry)


def _not_retrieved(run: TaskRun) -> list[str]:
    from review.review_file import open_review
    from review.screening.retrieval import mark_not_retrieved

    with open_review(run.review) as store:
        record, who, note = run.text("record") or "", run.who(), run.text("note")
        return [mark_not_retrieved(store, record, reviewer=who, note=note)]


def _detach(run: TaskRun) -> list[str]:
    from review import report_actions
    from review.review_file import open_review

    with open_review(run.review) as store:
        return [report_actions.detach(store, run.text("record") or "", reviewer=run.who())]


def _link(run: TaskRun) -> list[str]:
    from review import report_actions
    from review.review_file import open_review

    with open_review(run.review) as store:
        record, study_record = run.text("record") or "", run.text("study_record") or ""
        return report_actions.link(store, record, study_record, reviewer=run.who()).splitlines()


def _unlink(run: TaskRun) -> list[str]:
    from review import report_actions
    from review.review_file import open_review

    with open_review(run.review) as store:
        return [report_actions.unlink(store, run.text("record") or "", reviewer=run.who())]


def _fulltext_list(run: TaskRun) -> list[str]:
    from review.printouts import fulltext_list_lines
    from review.review_file import open_review

    with open_review(run.review) as store:
        return fulltext_list_lines(store.fulltexts.all(), store.studies.links())


def _protocol_check(run: TaskRun) -> list[str]:
    from review.protocol.loader import load_protocol

    path = run.path("path")
    return [f"{path}: OK ({load_protocol(path).protocol.review.title})"]


def _decisions_import(run: TaskRun) -> list[str]:
    from review.printouts import decisions_import_lines
    from review.review_file import open_review, review_protocol
    from review.screening.decision_import import import_decisions

    source, dry = run.path("source"), run.flag("dry_run")
    with open_review(run.review) as store:
        result = import_decisions(
            store, review_protocol(store), source, imported_by=run.reviewer, dry_run=dry
        )
    return decisions_import_lines(result, source, dry)


def _extraction_export(run: TaskRun) -> list[str]:
    from review.extraction.long_layout import export_long
    from review.review_file import open_review, review_protocol

    target = run.path("to")
    with open_review(run.review) as store:
        count = export_long(store, review_protocol(store), target)
    return [f"Wrote {count} values to {target}"]


def _extraction_import(run: TaskRun) -> list[str]:
    from review.extraction.long_layout import import_long
    from review.printouts import extraction_import_line
    from review.review_file import open_review, review_protocol

    with open_review(run.review) as store:
        result = import_long(store, review_protocol(store), run.path("source"), reviewer=run.who())
    return [extraction_import_line(result)]


def _rob_export(run: TaskRun) -> list[str]:
    from review.printouts import rob_export_lines
    from review.review_file import open_review, review_protocol
    from review.rob.reports import export

    target = run.path("to")
    with open_review(run.review) as store:
        report = export(store, review_protocol(store), target)
    return rob_export_lines(report, target)


def _rob_import(run: TaskRun) -> list[str]:
    from review.printouts import rob_import_line
    from review.review_file import open_review, review_protocol
    from review.rob.long_import import import_long

    with open_review(run.review) as store:
        result = import_long(store, review_protocol(store), run.path("source"), reviewer=run.who())
    return [rob_import_line(result)]


def _rob_tools(run: TaskRun) -> list[str]:
    from review.printouts import rob_tools_lines

    return rob_tools_lines()


def _stopping(run: TaskRun) -> list[str]:
    from review.models import Stage
    from review.printouts import stopping_lines
    from review.review_file import open_review, review_protocol
    from review.screening.priority import reviewer_figures
    from review.screening.priority_ledger import record_stop
    from review.screening.session import ScreeningSession

    name = run.text("whose") or run.who()
    with open_review(run.review) as store:
        name = store.reviewers.spelling(name)  # `KIM` typed here is the review's `kim`
        session = ScreeningSession(store, review_protocol(store), name, Stage.TITLE_ABSTRACT)
        figures = reviewer_figures(session)
        settings = record_stop(store, name, figures) if run.flag("stop") else None
    return stopping_lines(name, figures, settings)


def _simulate(run: TaskRun) -> list[str]:
    from review.prioritise.simulate_report import run_simulation, simulation_lines

    result = run_simulation(
        run.path("dataset"), run.text("label"), seed=run.number("seed"), prior=run.number("prior")
    )
    return simulation_lines(result, run.flag("compare_random"))


# -- the tasks ---------------------------------------------------------------------

TASKS: tuple[Task, ...] = (
    Task(
        "copy", "copy", "Copy for another reviewer",
        "A copy of this review for a colleague to screen in, to merge back later", "c", _copy,
        (Field("new", "New file", "new_file", "rt-io-bob.db"),
         Field("for", "For", required=False, placeholder="the reviewer's name (only named)")),
        action_label="Copy",
    ),
    Task(
        "merge", "merge", "Merge a reviewer's copy",
        "Add the decisions and other events of a copy of this review", "m", _merge,
        (Field("other", "Copy", "file", "a copy made with `review copy`"),), action_label="Merge",
    ),
    Task(
        "attach", "fulltext attach", "Attach a full text",
        "Attach a PDF (a path) or a URL to one record", "a", _attach,
        (RECORD, Field("location", "PDF or URL", "location", "a path (pick it above) or https://…"),
         NOTE),
        needs_reviewer=True, action_label="Attach",
    ),
    Task(
        "attach-folder", "fulltext attach-folder", "Attach a folder of full texts",
        "Every file whose name gives a record's DOI, PMID or title", "A", _attach_folder,
        (Field("folder", "Folder", "folder", "a folder of PDFs"),
         Field("dry_run", "Dry run (store nothing, show what would be attached)", "flag")),
        needs_reviewer=True, action_label="Attach",
    ),
    Task(
        "not-retrieved", "fulltext not-retrieved", "Mark a report not retrieved",
        "Sought but not retrieved: PRISMA counts it", "n", _not_retrieved, (RECORD, NOTE),
        needs_reviewer=True, action_label="Mark",
    ),
    Task(
        "detach", "fulltext detach", "Detach a full text",
        "Remove a record's full text or not-retrieved mark (the history keeps it)", "d",
        _detach, (RECORD,), needs_reviewer=True, action_label="Detach",
    ),
    Task(
        "link", "fulltext link", "Link a report to a study",
        "This record is a report of the study whose main record is named", "l", _link,
        (RECORD, Field("study_record", "Study", placeholder="the study's main record")),
        needs_reviewer=True, action_label="Link",
    ),
    Task(
        "unlink", "fulltext unlink", "Unlink a report",
        "Make a linked report a study of its own again", "u", _unlink, (RECORD,),
        needs_reviewer=True, action_label="Unlink",
    ),
    Task(
        "fulltext-list", "fulltext list", "List full texts",
        "Full texts, reports not retrieved, studies with several reports", "f", _fulltext_list,
        action_label="List",
    ),
    Task(
        "decisions-import", "decisions import", "Import screening decisions",
        "Title/abstract and full-text decisions made elsewhere (.csv or .xlsx)", "i",
        _decisions_import,
        (Field("source", "File", "file", "decisions.xlsx"),
         Field("dry_run", "Dry run (check every row, store nothing)", "flag")),
        action_label="Import",
    ),
    Task(
        "extraction-export", "extraction export", "Export extracted values",
        "Every extracted value in the long layout (.xlsx or .csv)", "e", _extraction_export,
        (Field("to", "To", "new_file", "extraction.xlsx", default="extraction.xlsx"),),
        action_label="Export",
    ),
    Task(
        "extraction-import", "extraction import", "Import extracted values",
        "Values in the long layout, all or nothing", "E", _extraction_import,
        (Field("source", "File", "file", "extraction.xlsx"),), needs_reviewer=True,
        action_label="Import",
    ),
    Task(
        "rob-export", "rob export", "Export risk of bias",
        "robvis's tables per tool and rob_long.csv, into a folder", "r", _rob_export,
        (Field("to", "Folder", "new_folder", "rob", default="rob"),), action_label="Export",
    ),
    Task(
        "rob-import", "rob import", "Import risk-of-bias answers",
        "Answers and judgements in the long layout, all or nothing", "R", _rob_import,
        (Field("source", "File", "file", "rob_long.csv"),), needs_reviewer=True,
        action_label="Import",
    ),
    Task(
        "rob-tools", "rob tools", "Risk-of-bias tools",
        "Every tool with its domains, item numbers and scales", "t", _rob_tools,
        action_label="Show",
    ),
    Task(
        "protocol-check", "protocol check", "Check a protocol file",
        "Every problem in a protocol file at once", "p", _protocol_check,
        (Field("path", "Protocol", "file", "protocols/my-review.yaml"),),
        action_label="Check",
    ),
    Task(
        "stopping", "stopping", "When to stop screening",
        "The stopping rule on title/abstract screening; record a stop", "s", _stopping,
        (Field("whose", "Reviewer", required=False, placeholder="whose screening (default: you)"),
         Field("stop", "Record that this reviewer stops here", "flag")),
        needs_reviewer=True, action_label="Count",
    ),
    Task(
        "simulate", "simulate", "Simulate prioritised screening",
        "Screen a labelled set (.csv/.ris) in model order: recall and work saved", "S",
        _simulate,
        (Field("dataset", "Dataset", "file", "a labelled .csv or .ris"),
         Field("label", "Label", required=False, placeholder="label_included, included, label"),
         Field("seed", "Seed", "int", default="0"),
         Field("prior", "Prior", "int", default="0", placeholder="known relevant + irrelevant"),
         Field("compare_random", "Compare with random order", "flag")),
        action_label="Simulate",
    ),
)  # fmt: skip
"""In the order the home's list shows them; hot keys are unique."""

BY_ID = {task.id: task for task in TASKS}
