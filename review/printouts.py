"""What a command reports when it has run, worded once for the CLI and the TUI.

Every command of the command line can also be run from the home screen;
both print these lines, so a reviewer reads the same outcome either way.
A line starting `warning:` goes to stderr on the command line.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from review.wording import counted

if TYPE_CHECKING:
    from review.extraction.long_layout import ImportResult as ExtractionImport
    from review.fulltext import FolderAttach
    from review.ledger.fulltexts import FulltextState
    from review.prioritise.stopping import StoppingFigures
    from review.rob.long_import import ImportResult as RobImport
    from review.rob.reports import ExportReport
    from review.screening.decision_import import DecisionImport
    from review.store.merge import MergeResult, ProtocolDifference, ProtocolVersion

WARNING = "warning: "


def copy_lines(file: Path, new: Path, reviewer: str | None) -> list[str]:
    steps = f"give {new} to {reviewer or 'the other reviewer'}"
    if reviewer:
        steps += f", who screens with `review screen {new} --reviewer {reviewer}`"
    return [
        f"Copied {file} to {new} (the same review, so it merges back).",
        f"Next: {steps}; merge it back with `review merge {file} {new}`.",
    ]


def merge_lines(other: Path, result: MergeResult) -> list[str]:
    lines = [f"  {table}: {count} added" for table, count in result.added.items()]
    lines.append(f"Merged {counted(result.total, 'event')} from {other}.")
    lines += [
        f"note: {spelling!r} and {name!r} are one reviewer, read as {name} "
        "(names differing only by case or spacing are one person; no row was changed)"
        for spelling, name in sorted(result.same_reviewers.items())
    ]
    if result.protocol_difference:
        lines += _protocol_difference(result.protocol_difference)
    if result.unmatched_events:
        lines.append(
            f"{WARNING}{counted(result.unmatched_events, 'added event')} "
            f"concern{'s' if result.unmatched_events == 1 else ''} "
            f"{counted(result.unmatched_records, 'record')} this file does not have; "
            "import the same search files as the other reviewer and they take effect"
        )
    return lines


def _protocol_difference(difference: ProtocolDifference) -> list[str]:
    ours, theirs = difference.ours, difference.theirs
    lines = ["note: the two copies have different protocols:"]
    lines += [f"  {_describe(ours)}", f"  {_describe(theirs)}"]
    if difference.changes:
        lines.append(f"  changed lines (- {ours.review_file.name}, + {theirs.review_file.name}):")
        lines += [f"    {line}" for line in difference.changes]
        if difference.more:
            lines.append(f"    … {difference.more} more")
    lines.append(
        f"  {ours.review_file} keeps its own protocol; decisions made in {theirs.review_file} "
        "under the other protocol were merged as they are (check them if the criteria changed)."
    )
    return lines


def _describe(version: ProtocolVersion) -> str:
    return (
        f"{version.review_file}: {version.path} "
        f"(hash {version.short_hash}, loaded {version.loaded_at})"
    )


def attach_folder_lines(result: FolderAttach, dry_run: bool) -> list[str]:
    verb = "would attach" if dry_run else "attached"
    lines = []
    for match in result.matches:
        how = f"title {match.score:.0f}" if match.method == "title" else match.method
        lines.append(f"{verb} {match.path.name} → {match.record_key} (by {how})")
    lines += [
        f"kept {match.record_key}: already has a full text ({match.path.name} not used)"
        for match in result.already
    ]
    lines += [f"unmatched {path.name}" for path in result.unmatched]
    lines.append(
        f"{len(result.matches)} {verb}, {len(result.already)} already attached, "
        f"{len(result.unmatched)} unmatched."
    )
    return lines


def fulltext_list_lines(states: dict[str, FulltextState], links: dict[str, str]) -> list[str]:
    lines = []
    for key, state in sorted(states.items()):
        shown = state.location if state.status == "attached" else "not retrieved"
        lines.append(f"{key}\t{shown}")
    studies: dict[str, list[str]] = {}
    for key, study in sorted(links.items()):
        studies.setdefault(study, []).append(key)
    lines += [
        f"study {study}: {', '.join([study, *reports])}"
        for study, reports in sorted(studies.items())
    ]
    retrieved = sum(state.status == "attached" for state in states.values())
    lines.append(
        f"{retrieved} attached, {len(states) - retrieved} not retrieved, "
        f"{counted(len(studies), 'study', 'studies')} with linked reports."
    )
    return lines


def decisions_import_lines(result: DecisionImport, source: Path, dry_run: bool) -> list[str]:
    stages = ", ".join(f"{stage.value} {n}" for stage, n in result.per_stage().items() if n)
    verb = "Would import" if dry_run else "Imported"
    line = f"{verb} {counted(len(result.decisions), 'decision')} from {source.name}"
    if result.decisions:
        line += f" ({stages}) on {counted(result.units, 'record')}, duplicates counted once"
    lines = [line]
    if result.replaced:
        verb = "replaces" if result.replaced == 1 else "replace"
        lines.append(f"  {result.replaced} {verb} the reviewer's earlier decision on that record")
    if result.unchanged:
        lines.append(f"  {counted(result.unchanged, 'row')} already current, not stored again")
    lines += [
        f"  {typed!r} recorded as {name}, the same reviewer (case and spacing aside)"
        for typed, name in result.renamed.items()
    ]
    if dry_run:
        lines.append("Nothing was stored (--dry-run).")
    return lines


def extraction_import_line(result: ExtractionImport) -> str:
    return (
        f"Imported {counted(result.values, 'value')} for "
        f"{counted(len(result.studies), 'study', 'studies')} "
        f"({counted(result.rows_created, 'new row')}, {result.unchanged} already current)"
    )


def rob_export_lines(report: ExportReport, target: Path) -> list[str]:
    from review.rob.reports import LONG_COLUMNS, ROBVIS_TOOL

    lines = []
    for tool_id, rows in report.rows.items():
        robvis = ROBVIS_TOOL.get(tool_id)
        use = f'robvis tool "{robvis}"' if robvis else "no robvis template"
        left = report.left_out[tool_id]
        note = f"; {len(left)} not fully judged left out" if left else ""
        lines.append(f"{tool_id}: {counted(rows, 'row')} ({use}){note}")
    lines.append(f"rob_long.csv: {counted(report.long_rows, 'row')} ({', '.join(LONG_COLUMNS)})")
    lines.append(f"Wrote {counted(len(report.files), 'file')} to {target}")
    return lines


def rob_import_line(result: RobImport) -> str:
    return (
        f"Imported {result.events} answers and judgements into "
        f"{counted(len(result.assessments), 'assessment')} ({result.unchanged} already current)"
    )


def stopping_lines(
    name: str, figures: StoppingFigures, recorded: dict[str, object] | None
) -> list[str]:
    """The figures; with `recorded` (the settings `record_stop` returned), the stop too."""
    lines = [
        f"{name}: {figures.screened:,} of {figures.total:,} screened, "
        f"{figures.includes:,} included, {counted(figures.excludes_since_include, 'exclude')} "
        "since the last include"
    ]
    if figures.p_value is None:
        lines.append("Nothing screened yet.")
    else:
        lines.append(
            f"Includes still unscreened: about {figures.remaining_estimate:.1f}, at most "
            f"{figures.remaining_upper} ({figures.confidence:.0%} confidence); "
            f"recall at least {figures.recall_lower:.0%}"
        )
        verdict = "safe to stop" if figures.safe_to_stop else "keep screening"
        lines.append(
            f"Stopping rule, target recall {figures.target_recall:.0%} at "
            f"{figures.confidence:.0%} confidence: p = {figures.p_value:.3f} → {verdict}"
        )
    if recorded is not None:
        order = (
            f"prioritised by {recorded.get('model')}, seed {recorded.get('seed')}"
            if recorded
            else "not prioritised"
        )
        lines.append(
            f"Recorded: you stop screening here ({order}); review status and the export's "
            "Methods sheet report it."
        )
    return lines


def rob_tools_lines() -> list[str]:
    """Every risk-of-bias tool: its domains, item numbers and scales."""
    from review.rob import TOOLS
    from review.rob.reports import ROBVIS_TOOL

    lines = []
    for tool in TOOLS.values():
        lines.append(f"{tool.id}  {tool.name} ({tool.level} level)")
        lines.append(f"  {tool.citation}")
        if tool.variants:
            lines.append("  variants: " + ", ".join(f"{v.id} ({v.label})" for v in tool.variants))
        for domain in tool.domains:
            variant = f" [{domain.variant}]" if domain.variant else ""
            items = ", ".join(q.item for q in domain.questions) or "(judged directly)"
            rule = f" [{domain.rule_kind} rule]" if domain.rule is not None else ""
            lines.append(f"  {domain.id:<4} {domain.full_name}{variant}: {items}{rule}")
        scale = ", ".join(tool.scale) or "(items only)"
        lines.append(f"  judgements: {scale}; overall: {', '.join(tool.overall_scale)}")
        if tool.id in ROBVIS_TOOL:
            lines.append(f"  robvis template: {ROBVIS_TOOL[tool.id]}")
    return lines
