"""Screening done elsewhere (a spreadsheet pilot, another tool) brought into
the ledger, all or nothing.

One row per decision: `record, reviewer, stage, decision` and optionally
`reason`, `note` and `source` (to tell apart records that share an id across
files). Every row is checked first — the record found and in one unit,
reasons the protocol's, a full-text exclusion with its reason, full text
only for units that passed title/abstract (with the file's own
title/abstract rows counted) — and every problem is listed with its row and
column; nothing is stored unless all rows are good. Then each decision lands
on the record's unit as a screen event, as the screening screen would store
it, with an `origin` naming the file and row.

Importing the same file twice changes nothing: a row that matches the
reviewer's current decision on that unit (decision, reasons and note) is
skipped as already current, so a file can be corrected and imported again.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from pathlib import Path
from typing import Protocol as TypingProtocol
from typing import cast

from review.errors import ImportFormatError, Problem
from review.importers.table_file import Cell, read_table
from review.ledger.order import next_stamps
from review.models import DecisionEvent, DecisionValue, Stage
from review.protocol.models import Protocol, ScreeningStage
from review.screening.progress import not_retrieved_units
from review.screening.record_refs import RecordFinder
from review.screening.state import Outcome, ScreeningState
from review.screening.units import load_state
from review.store import Store
from review.store.screening import ImportedDecision
from review.wording import counted, plural

COLUMNS = ("record", "reviewer", "stage", "decision", "reason", "note", "source")
NEEDED = COLUMNS[:4]
DECISIONS: tuple[DecisionValue, ...] = ("include", "exclude", "maybe")
_STAGE_NAMES = {stage.value: stage for stage in Stage}


class DecisionImportError(ImportFormatError):
    """A decisions file with problems; every one is listed and nothing was stored."""


@dataclass
class DecisionImport:
    """What an import stored (or, on a dry run, would store)."""

    decisions: list[ImportedDecision] = field(default_factory=list)
    replaced: int = 0
    """New decisions that change what the reviewer had decided on that unit."""
    unchanged: int = 0
    """Rows matching the reviewer's current decision (or an earlier row): not stored."""
    rows: int = 0
    renamed: dict[str, str] = field(default_factory=dict)
    """A `reviewer` cell as written → the spelling of the same reviewer it was
    recorded under (it differed only by case or spacing)."""

    def per_stage(self) -> dict[Stage, int]:
        return {stage: sum(d.stage is stage for d in self.decisions) for stage in Stage}

    @property
    def units(self) -> int:
        return len({d.record_key for d in self.decisions})


@dataclass(frozen=True)
class _Row:
    number: int
    unit: str
    ref: str
    decision: ImportedDecision


def import_decisions(
    store: Store,
    protocol: Protocol,
    path: Path,
    *,
    imported_by: str | None = None,
    dry_run: bool = False,
) -> DecisionImport:
    """Check every row of `path` (.csv or .xlsx), then store its decisions in
    one transaction unless `dry_run`. `DecisionImportError` lists every
    problem, and then nothing was stored."""
    header, rows = read_table(path)
    missing = [name for name in NEEDED if name not in header]
    if missing:
        raise DecisionImportError(
            f"missing {plural(len(missing), 'column')}: {', '.join(missing)}",
            path=path,
            line=1,
            hint=f"the columns are {', '.join(COLUMNS)} (reason, note and source optional)",
        )
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
    origin = f"imported from {path.name} (sha256 {digest})" + (
        f" by {imported_by}" if imported_by else ""
    )
    state = load_state(store, protocol)
    cells = [(number, {name: _text(raw, name) for name in COLUMNS}) for number, raw in rows]
    result = DecisionImport(rows=len(cells))
    names = store.reviewers.spellings()
    for _, row in cells:
        if (typed := row["reviewer"]) and (name := names.take(typed)) != typed:
            row["reviewer"] = result.renamed[typed] = name
    finder = RecordFinder(store, [c["record"] for _, c in cells if c["record"]])
    problems: list[Problem] = []
    checked: list[_Row] = []
    for number, row in cells:
        found = _check_row(number, row, protocol, state, finder, problems)
        if found is not None:
            checked.append(_Row(number, found[0], row["record"], found[1]))
    planned = _plan(checked, state, result, problems)
    _check_full_text(planned, state, store, problems)
    if problems:
        raise DecisionImportError(
            f"{counted(len(problems), 'problem')}; nothing was imported",
            path=path,
            problems=sorted(problems, key=lambda p: p.line or 0),
            hint="fix each row listed and import the file again",
        )
    result.decisions = [
        replace(row.decision, origin=f"{origin}, row {row.number}") for row in planned
    ]
    if result.decisions and not dry_run:
        store.screening.import_decisions(result.decisions)
    return result


def _check_row(
    number: int,
    row: Mapping[str, str],
    protocol: Protocol,
    state: ScreeningState,
    finder: RecordFinder,
    problems: list[Problem],
) -> tuple[str, ImportedDecision] | None:
    """The row's unit and decision, or None after adding its problems."""
    before = len(problems)

    def problem(column: str, message: str, hint: str | None = None) -> None:
        problems.append(Problem(message, line=number, field=column, hint=hint))

    ref, source = row["record"], row["source"]
    unit = None
    if not ref:
        problem("record", "no record given", "give its id in its source file, a DOI or a PMID")
    else:
        matches = finder.find(ref, source)
        units = sorted({state.resolved.unit_of_record(m.record_id, m.key) for m in matches})
        where = f" in source {source!r}" if source else ""
        if not matches:
            problem(
                "record",
                f"no record {ref!r}{where} in this review",
                "give the record's id in its source file (records.csv's source_ref), "
                "its DOI or its PMID",
            )
        elif len(units) > 1:
            listed = ", ".join(f"{m.source_file} record {m.record_id}" for m in matches[:5])
            problem(
                "record",
                f"{ref!r}{where} names {len(matches)} records of {len(units)} different "
                f"units ({listed})",
                "add a `source` column naming the import or file, or give the DOI",
            )
        else:
            unit = units[0]
    reviewer = row["reviewer"]
    if not reviewer:
        problem("reviewer", "no reviewer given", "name who made the decision")
    stage = _STAGE_NAMES.get(re.sub(r"[\s/-]+", "_", row["stage"].casefold()))
    if stage is None:
        problem(
            "stage",
            f"unknown stage {row['stage']!r}" if row["stage"] else "no stage given",
            "title_abstract or full_text",
        )
    decision = row["decision"].casefold()
    if decision not in DECISIONS:
        guess = get_close_matches(decision, DECISIONS, n=1)
        problem(
            "decision",
            f"unknown decision {row['decision']!r}" if decision else "no decision given",
            (f"did you mean {guess[0]!r}? " if guess else "") + "include, exclude or maybe",
        )
    reasons: tuple[str, ...] = ()
    if stage is not None and decision in DECISIONS:
        settings: ScreeningStage = protocol.stage(stage)
        reasons = _reasons(row["reason"], decision, stage, settings, problem)
    if len(problems) > before or unit is None or stage is None:
        return None
    value = cast(DecisionValue, decision)
    return unit, ImportedDecision(unit, stage, value, reasons, row["note"] or None, reviewer, "")


def _reasons(
    cell: str, decision: str, stage: Stage, settings: ScreeningStage, problem: _Sink
) -> tuple[str, ...]:
    """Reason ids from labels or ids, separated by `;`; checked as the screen
    checks them (only on exclusions, required where the protocol says)."""
    names = [part.strip() for part in cell.split(";") if part.strip()]
    where = stage.value.replace("_", " ")
    if decision != "exclude":
        if names:
            problem("reason", f"a reason goes with an exclusion, not with {decision!r}",
                    "leave reason blank on includes and maybes")  # fmt: skip
        return ()
    by_name = {r.id.casefold(): r.id for r in settings.reasons}
    by_name.update({r.label.casefold(): r.id for r in settings.reasons})
    ids: list[str] = []
    for name in names:
        found = by_name.get(name.casefold())
        if found is None:
            guess = get_close_matches(name.casefold(), list(by_name), n=1, cutoff=0.6)
            known = ", ".join(r.id for r in settings.reasons) or "none"
            hint = f"did you mean {by_name[guess[0]]!r}? " if guess else ""
            problem("reason", f"no exclusion reason {name!r} at {where} in the protocol",
                    f"{hint}the reasons (id or label): {known}")  # fmt: skip
        elif found not in ids:
            ids.append(found)
    if not names and settings.reason_required:
        problem(
            "reason",
            f"an exclusion at {where} needs a reason",
            "give one of: " + ", ".join(r.id for r in settings.reasons),
        )
    return tuple(ids)


def _plan(
    rows: list[_Row], state: ScreeningState, result: DecisionImport, problems: list[Problem]
) -> list[_Row]:
    """Rows that change something: not the reviewer's current decision, and
    not a repeat of an earlier row; two rows deciding one unit differently
    are a problem."""
    first: dict[tuple[str, Stage, str], _Row] = {}
    planned: list[_Row] = []
    for row in rows:
        d = row.decision
        slot = (row.unit, d.stage, d.reviewer)
        if (earlier := first.get(slot)) is not None:
            if _same(earlier.decision, d):
                result.unchanged += 1
            else:
                problems.append(
                    Problem(
                        f"{d.reviewer} decided {row.ref!r} at {d.stage.value} differently "
                        f"in row {earlier.number} (the same unit)",
                        line=row.number,
                        field="decision",
                        hint="keep one row per record, reviewer and stage",
                    )
                )
            continue
        first[slot] = row
        current = state.screen_of(row.unit, d.stage, d.reviewer)
        if current is not None and _same(current, d):
            result.unchanged += 1
            continue
        if current is not None:
            result.replaced += 1
        planned.append(row)
    return planned


def _check_full_text(
    planned: list[_Row], state: ScreeningState, store: Store, problems: list[Problem]
) -> None:
    """With the file's decisions applied: full text only on units included at
    title/abstract and not marked not retrieved, and no title/abstract row
    that strands full-text decisions already made (PRISMA would refuse both)."""
    stamps = iter(next_stamps(store.now(), store.newest_stamp(), len(planned) or 1))
    for n, row in enumerate(planned):
        d = row.decision
        event = DecisionEvent(
            0, row.unit, d.stage, "screen", d.decision, d.reasons, d.note, d.reviewer,
            next(stamps), f"import-{n}",
        )  # fmt: skip
        state.apply(event)
    retrieval = not_retrieved_units(state, store.fulltexts.all())
    for row in planned:
        d, unit = row.decision, row.unit
        ta = state.outcome(unit, Stage.TITLE_ABSTRACT)
        if d.stage is Stage.FULL_TEXT and ta is not Outcome.INCLUDE:
            problems.append(
                Problem(
                    f"{row.ref!r} has not passed title/abstract screening "
                    f"(its outcome there: {ta.value})",
                    line=row.number,
                    field="stage",
                    hint="import its title/abstract decisions (every reviewer's) first, "
                    "or in the same file",
                )
            )
        elif d.stage is Stage.FULL_TEXT and unit in retrieval:
            problems.append(
                Problem(
                    f"{row.ref!r} is marked as not retrieved",
                    line=row.number,
                    field="stage",
                    hint="attach its full text first (`review fulltext attach`)",
                )
            )
        elif (
            d.stage is Stage.TITLE_ABSTRACT
            and ta is not Outcome.INCLUDE
            and state.outcome(unit, Stage.FULL_TEXT) in (Outcome.INCLUDE, Outcome.EXCLUDE)
        ):
            problems.append(
                Problem(
                    f"{row.ref!r} has full-text decisions that this exclusion would leave standing",
                    line=row.number,
                    field="decision",
                    hint="undo the full-text decisions first, or resolve in the screen",
                )
            )


def _same(held: DecisionEvent | ImportedDecision, new: ImportedDecision) -> bool:
    return (held.decision, tuple(held.reasons), held.note or None) == (
        new.decision,
        new.reasons,
        new.note or None,
    )


def _text(raw: Mapping[str, Cell], name: str) -> str:
    value = raw.get(name)
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a PMID a spreadsheet stored as a number
    return str(value).strip()


class _Sink(TypingProtocol):
    def __call__(self, column: str, message: str, hint: str | None = None) -> None: ...
